// The deal.II ParameterHandler binding of the plain-data declarations in the plugin catalogue.
#include <sslpde/plugin/parameter_file.h>
#include <sslpde/plugin/plugin_registry.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/patterns.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sslpde
{
  namespace
  {
    const char *const shared_libraries_entry = "Additional shared libraries";
    const char *const model_name_entry = "Model name";

    std::vector<std::string> split_path(const std::string &path)
    {
      std::vector<std::string> parts;
      std::string part;
      std::istringstream in(path);
      while (std::getline(in, part, '/'))
        if (!part.empty())
          parts.push_back(part);
      return parts;
    }

    std::unique_ptr<dealii::Patterns::PatternBase> to_deal_ii(const ParameterPattern &pattern)
    {
      using namespace dealii::Patterns;
      using Kind = ParameterPattern::Kind;
      const auto integer_bound = [](double v, int fallback) {
        return (v <= -2147483647.0 || v >= 2147483647.0) ? fallback : static_cast<int>(v);
      };
      const auto choices = [&] {
        std::string text;
        for (std::size_t i = 0; i < pattern.choices.size(); ++i)
          text += (i ? "|" : "") + pattern.choices[i];
        return text;
      };
      switch (pattern.kind)
        {
          case Kind::anything:
            return std::make_unique<Anything>();
          case Kind::file_name:
            return std::make_unique<FileName>();
          case Kind::integer:
            return std::make_unique<Integer>(
              integer_bound(pattern.lower, Integer::min_int_value),
              integer_bound(pattern.upper, Integer::max_int_value));
          case Kind::real:
            return std::make_unique<Double>(pattern.lower <= -1e299 ? Double::min_double_value :
                                                                     pattern.lower,
                                            pattern.upper >= 1e299 ? Double::max_double_value :
                                                                    pattern.upper);
          case Kind::boolean:
            return std::make_unique<Bool>();
          case Kind::selection:
            return std::make_unique<Selection>(choices());
          case Kind::list_of_reals:
            return std::make_unique<List>(Double(), 0, List::max_int_value, ",");
          case Kind::list_of_integers:
            return std::make_unique<List>(Integer(), 0, List::max_int_value, ",");
          case Kind::list_of_strings:
            if (pattern.choices.empty())
              return std::make_unique<List>(Anything(), 0, List::max_int_value, ",");
            return std::make_unique<List>(Selection(choices()), 0, List::max_int_value, ",");
        }
      return std::make_unique<Anything>();
    }

    /// Declares `declarations` in the current subsection; names with '/' go into nested ones.
    void declare(dealii::ParameterHandler &prm, const ParameterDeclarations &declarations)
    {
      for (const auto &d : declarations)
        {
          const auto parts = split_path(d.name);
          if (parts.empty())
            throw std::logic_error("A parameter with an empty name was declared");
          for (std::size_t i = 0; i + 1 < parts.size(); ++i)
            prm.enter_subsection(parts[i]);
          const std::string problem = d.pattern.check(d.default_value);
          if (!problem.empty())
            throw std::logic_error("The default of parameter '" + d.name + "' does not match its "
                                   "pattern: " + problem);
          prm.declare_entry(parts.back(), d.default_value, *to_deal_ii(d.pattern),
                            d.documentation);
          for (std::size_t i = 0; i + 1 < parts.size(); ++i)
            prm.leave_subsection();
        }
    }

    ParameterValues collect(dealii::ParameterHandler &prm,
                            const ParameterDeclarations &declarations,
                            const std::string &section)
    {
      ParameterValues values(section);
      for (const auto &d : declarations)
        {
          const auto parts = split_path(d.name);
          for (std::size_t i = 0; i + 1 < parts.size(); ++i)
            prm.enter_subsection(parts[i]);
          values.set(d.name, prm.get(parts.back()));
          for (std::size_t i = 0; i + 1 < parts.size(); ++i)
            prm.leave_subsection();
        }
      return values;
    }

    void enter(dealii::ParameterHandler &prm, const std::vector<std::string> &path)
    {
      for (const auto &p : path)
        prm.enter_subsection(p);
    }
    void leave(dealii::ParameterHandler &prm, const std::vector<std::string> &path)
    {
      for (std::size_t i = 0; i < path.size(); ++i)
        prm.leave_subsection();
    }

    /// Reads the top-level "Additional shared libraries" entry without declaring anything else,
    /// so that the libraries can be loaded before the parameters they add are declared.
    std::vector<std::string> shared_libraries_in(const std::string &filename)
    {
      std::ifstream in(filename);
      if (!in)
        throw std::runtime_error("Parameter file '" + filename + "' cannot be opened");
      std::string line, logical;
      int depth = 0;
      std::vector<std::string> libraries;
      unsigned int number = 0;
      while (std::getline(in, line))
        {
          ++number;
          const auto comment = line.find('#');
          if (comment != std::string::npos)
            line.erase(comment);
          if (!line.empty() && line.back() == '\\')
            {
              logical += line.substr(0, line.size() - 1);
              continue;
            }
          logical += line;
          std::istringstream words(logical);
          std::string first;
          words >> first;
          if (first == "subsection")
            ++depth;
          else if (first == "end")
            --depth;
          else if (first == "set" && depth == 0)
            {
              const auto equals = logical.find('=');
              std::string name = logical.substr(logical.find("set") + 3,
                                                equals == std::string::npos ?
                                                  std::string::npos :
                                                  equals - logical.find("set") - 3);
              name.erase(0, name.find_first_not_of(" \t"));
              name.erase(name.find_last_not_of(" \t") + 1);
              if (name == shared_libraries_entry && equals != std::string::npos)
                libraries = split_list(logical.substr(equals + 1));
            }
          logical.clear();
        }
      (void)number;
      return libraries;
    }

    /// deal.II's exception text carries a stack description; users need the "Additional
    /// information" part, which names the file, the line and the entry.
    std::string user_message(const std::string &what)
    {
      const std::string marker = "Additional information:";
      const auto at = what.find(marker);
      std::string text = at == std::string::npos ? what : what.substr(at + marker.size());
      const auto end = text.find("Stacktrace:");
      if (end != std::string::npos)
        text.erase(end);
      // One line: deal.II wraps its messages at fixed widths.
      std::string flat;
      for (const char c : text)
        if (c == '\n' || c == ' ' || c == '\t')
          {
            if (!flat.empty() && flat.back() != ' ')
              flat += ' ';
          }
        else
          flat += c;
      while (!flat.empty() && (flat.back() == ' ' || flat.back() == '-'))
        flat.pop_back();
      return flat;
    }
  } // namespace

  struct ParameterFile::Implementation
  {
    dealii::ParameterHandler prm;

    void declare_everything()
    {
      prm.declare_entry(shared_libraries_entry, "", dealii::Patterns::Anything(),
                        "Comma-separated shared libraries that are loaded before the parameters "
                        "are declared, so that the plugins they register (PDE solvers, symmetry "
                        "groups, encoders, ...) can be selected in this file.");
      const PluginCatalogue &catalogue = PluginCatalogue::instance();
      for (const auto &section : catalogue.sections())
        {
          const auto path = split_path(section.path);
          enter(prm, path);
          declare(prm, section.declare_parameters());
          leave(prm, path);
        }
      for (const auto &family : catalogue.families())
        {
          const auto plugins = catalogue.plugins(family);
          prm.enter_subsection(family);
          std::string names, documentation = "Which plugin of family '" + family +
                                             "' to use. Registered:";
          for (std::size_t i = 0; i < plugins.size(); ++i)
            {
              names += (i ? "|" : "") + plugins[i].name;
              documentation += "\n  " + plugins[i].name + ": " + plugins[i].description;
            }
          prm.declare_entry(model_name_entry, plugins.front().name,
                            dealii::Patterns::Selection(names), documentation);
          for (const auto &plugin : plugins)
            {
              prm.enter_subsection(plugin.name);
              declare(prm, plugin.declare_parameters());
              prm.leave_subsection();
            }
          prm.leave_subsection();
        }
    }
  };

  ParameterFile::ParameterFile() : implementation(std::make_unique<Implementation>())
  {
    implementation->declare_everything();
  }

  ParameterFile::~ParameterFile() = default;

  std::unique_ptr<ParameterFile> ParameterFile::read(const std::string &filename)
  {
    load_shared_libraries(shared_libraries_in(filename));
    auto file = std::make_unique<ParameterFile>();
    file->file_name = filename;
    try
      {
        file->implementation->prm.parse_input(filename, "", /*skip_undefined=*/false,
                                              /*assert_mandatory_entries_are_found=*/false);
      }
    catch (const dealii::ExceptionBase &e)
      {
        throw std::runtime_error("Parameter file '" + filename + "': " + user_message(e.what()));
      }
    return file;
  }

  ParameterValues ParameterFile::section(const std::string &path) const
  {
    for (const auto &section : PluginCatalogue::instance().sections())
      if (section.path == path)
        {
          auto &prm = implementation->prm;
          const auto parts = split_path(path);
          enter(prm, parts);
          ParameterValues values = collect(prm, section.declare_parameters(), path);
          leave(prm, parts);
          return values;
        }
    throw std::invalid_argument("No parameter section '" + path + "' is registered");
  }

  std::string ParameterFile::selected_plugin(const std::string &family) const
  {
    auto &prm = implementation->prm;
    prm.enter_subsection(family);
    const std::string name = prm.get(model_name_entry);
    prm.leave_subsection();
    return name;
  }

  ParameterValues ParameterFile::plugin_values(const std::string &family,
                                               const std::string &name) const
  {
    const auto &description = PluginCatalogue::instance().description(family, name);
    auto &prm = implementation->prm;
    prm.enter_subsection(family);
    prm.enter_subsection(name);
    ParameterValues values = collect(prm, description.declare_parameters(), family + "/" + name);
    prm.leave_subsection();
    prm.leave_subsection();
    return values;
  }

  ParameterValues ParameterFile::selected_plugin_values(const std::string &family) const
  {
    return plugin_values(family, selected_plugin(family));
  }

  std::string ParameterFile::to_prm_text() const
  {
    std::ostringstream out;
    implementation->prm.print_parameters(out, dealii::ParameterHandler::ShortPRM);
    return out.str();
  }

  void ParameterFile::print_json(std::ostream &out) const
  {
    implementation->prm.print_parameters(out, dealii::ParameterHandler::JSON);
  }

  void ParameterFile::print_documented_prm(std::ostream &out) const
  {
    implementation->prm.print_parameters(out, dealii::ParameterHandler::PRM);
  }
} // namespace sslpde
