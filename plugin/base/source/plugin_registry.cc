// The process-wide plugin catalogue and the loading of plugin libraries.
#include <sslpde/plugin/plugin_registry.h>

#include <dlfcn.h>

#include <algorithm>
#include <stdexcept>

namespace sslpde
{
  PluginCatalogue &PluginCatalogue::instance()
  {
    static PluginCatalogue catalogue;
    return catalogue;
  }

  void PluginCatalogue::add_plugin(const PluginDescription &description, std::any factory)
  {
    for (const auto &entry : entries)
      if (entry.description.family == description.family &&
          entry.description.name == description.name)
        throw std::logic_error("Plugin '" + description.name + "' registered twice in family '" +
                               description.family + "'");
    entries.push_back({description, std::move(factory)});
  }

  void PluginCatalogue::add_section(const ParameterSection &section)
  {
    for (const auto &s : parameter_sections)
      if (s.path == section.path)
        throw std::logic_error("Parameter section '" + section.path + "' registered twice");
    parameter_sections.push_back(section);
  }

  std::vector<std::string> PluginCatalogue::families() const
  {
    std::vector<std::string> out;
    for (const auto &entry : entries)
      if (std::find(out.begin(), out.end(), entry.description.family) == out.end())
        out.push_back(entry.description.family);
    return out;
  }

  std::vector<PluginDescription> PluginCatalogue::plugins(const std::string &family) const
  {
    std::vector<PluginDescription> out;
    for (const auto &entry : entries)
      if (entry.description.family == family)
        out.push_back(entry.description);
    std::sort(out.begin(), out.end(),
              [](const auto &a, const auto &b) { return a.name < b.name; });
    return out;
  }

  std::vector<std::string> PluginCatalogue::names(const std::string &family) const
  {
    std::vector<std::string> out;
    for (const auto &p : plugins(family))
      out.push_back(p.name);
    return out;
  }

  const PluginDescription &PluginCatalogue::description(const std::string &family,
                                                        const std::string &name) const
  {
    for (const auto &entry : entries)
      if (entry.description.family == family && entry.description.name == name)
        return entry.description;
    std::string known;
    for (const auto &n : names(family))
      known += " '" + n + "'";
    throw std::invalid_argument("No plugin '" + name + "' in family '" + family +
                                "'; registered:" + (known.empty() ? " none" : known) +
                                ". A plugin from a shared library must be listed in "
                                "'Additional shared libraries'.");
  }

  const std::any &PluginCatalogue::factory(const std::string &family,
                                           const std::string &name) const
  {
    description(family, name); // throws with the list of names if absent
    for (const auto &entry : entries)
      if (entry.description.family == family && entry.description.name == name)
        return entry.factory;
    throw std::logic_error("unreachable");
  }

  std::vector<ParameterSection> PluginCatalogue::sections() const
  {
    return parameter_sections;
  }

  void load_shared_libraries(const std::vector<std::string> &libraries)
  {
    for (const auto &library : libraries)
      {
        if (library.empty())
          continue;
        // RTLD_GLOBAL so that a plugin library may itself depend on another one listed earlier.
        if (dlopen(library.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr)
          {
            const char *reason = dlerror();
            throw std::runtime_error("Additional shared library '" + library +
                                     "' could not be loaded: " +
                                     (reason ? reason : "unknown reason"));
          }
      }
  }
} // namespace sslpde
