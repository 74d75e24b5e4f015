// The plugin registry, after ASPECT: each family (PDE solver, symmetry group, encoder, regression
// head, time stepper) keeps a list of (name, description, parameter declarations, factory) that
// implementation files fill through SSLPDE_REGISTER_PLUGIN when their library is loaded. The
// list gives the .prm its selections and documentation; shared libraries named in the .prm
// (dlopened before parameters are declared) add plugins without touching sslpde.
#pragma once

#include <sslpde/plugin/parameters.h>

#include <any>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sslpde
{
  /// What the parameter binding and the documentation need to know about one plugin.
  struct PluginDescription
  {
    std::string family;
    std::string name;
    std::string description;
    std::function<ParameterDeclarations()> declare_parameters;
  };

  /// A section of parameters that belongs to no plugin (for example "Pretraining").
  struct ParameterSection
  {
    std::string path; // subsections separated by '/'
    std::string documentation;
    std::function<ParameterDeclarations()> declare_parameters;
  };

  /**
   * The process-wide catalogue of plugins and parameter sections. It lives in the plugin base
   * library, so registrations from every module and from dlopened libraries meet in one place.
   * Factories are stored type-erased; PluginFamily<Interface> restores the type.
   */
  class PluginCatalogue
  {
  public:
    static PluginCatalogue &instance();

    void add_plugin(const PluginDescription &description, std::any factory);
    void add_section(const ParameterSection &section);

    /// Families in the order they were first registered.
    std::vector<std::string> families() const;
    std::vector<PluginDescription> plugins(const std::string &family) const;
    std::vector<std::string> names(const std::string &family) const;
    const PluginDescription &description(const std::string &family, const std::string &name) const;
    /// Throws, listing the registered names, if there is no such plugin.
    const std::any &factory(const std::string &family, const std::string &name) const;
    std::vector<ParameterSection> sections() const;

  private:
    PluginCatalogue() = default;
    struct Entry
    {
      PluginDescription description;
      std::any factory;
    };
    std::vector<Entry> entries;
    std::vector<ParameterSection> parameter_sections;
  };

  /**
   * Typed access to one family. Interface declares `static constexpr const char *plugin_family`
   * and a virtual `parse_parameters(const ParameterValues &)`; each implementation has a default
   * constructor and a static `declare_parameters()`.
   */
  template <class Interface>
  struct PluginFamily
  {
    using Factory = std::function<std::unique_ptr<Interface>()>;

    static void add(const std::string &name, const std::string &description,
                    std::function<ParameterDeclarations()> declare, Factory factory)
    {
      PluginCatalogue::instance().add_plugin(
        {Interface::plugin_family, name, description, std::move(declare)}, std::move(factory));
    }

    /// Creates plugin `name` and parses its parameters.
    static std::unique_ptr<Interface> create(const std::string &name,
                                             const ParameterValues &values)
    {
      const std::any &stored = PluginCatalogue::instance().factory(Interface::plugin_family, name);
      std::unique_ptr<Interface> plugin = std::any_cast<const Factory &>(stored)();
      plugin->parse_parameters(values);
      return plugin;
    }

    /// Creates plugin `name` with its default parameters, overridden by `overrides`.
    static std::unique_ptr<Interface>
    create_with_defaults(const std::string &name,
                         const std::vector<std::pair<std::string, std::string>> &overrides = {})
    {
      ParameterValues values = ParameterValues::defaults(declarations(name),
                                                         std::string(Interface::plugin_family) +
                                                           "/" + name);
      for (const auto &[key, value] : overrides)
        {
          if (!values.has(key))
            throw std::invalid_argument("Plugin '" + name + "' of family '" +
                                        Interface::plugin_family + "' has no parameter '" + key +
                                        "'");
          values.set(key, value);
        }
      return create(name, values);
    }

    static std::vector<std::string> names()
    {
      return PluginCatalogue::instance().names(Interface::plugin_family);
    }

    static ParameterDeclarations declarations(const std::string &name)
    {
      return PluginCatalogue::instance()
        .description(Interface::plugin_family, name)
        .declare_parameters();
    }
  };

  /// dlopens each library so that its registrations run; throws with the loader's message (the
  /// missing file or undefined symbol) and the library's name.
  void load_shared_libraries(const std::vector<std::string> &libraries);
} // namespace sslpde

#define SSLPDE_PLUGIN_CONCAT_IMPL(a, b) a##b
#define SSLPDE_PLUGIN_CONCAT(a, b) SSLPDE_PLUGIN_CONCAT_IMPL(a, b)

/// Registers `Class` (default-constructible, with static declare_parameters()) as plugin `name`
/// of the family of `Interface`. Put it at the bottom of the implementation file.
#define SSLPDE_REGISTER_PLUGIN(Interface, Class, name, description)                             \
  namespace                                                                                     \
  {                                                                                             \
    const bool SSLPDE_PLUGIN_CONCAT(sslpde_plugin_registered_, __LINE__) = [] {                 \
      ::sslpde::PluginFamily<Interface>::add(                                                   \
        name, description, &Class::declare_parameters,                                          \
        []() -> std::unique_ptr<Interface> { return std::make_unique<Class>(); });              \
      return true;                                                                              \
    }();                                                                                        \
  }

/// Registers a parameter section that belongs to no plugin.
#define SSLPDE_REGISTER_PARAMETER_SECTION(path, documentation, declare_function)                \
  namespace                                                                                     \
  {                                                                                             \
    const bool SSLPDE_PLUGIN_CONCAT(sslpde_section_registered_, __LINE__) = [] {                \
      ::sslpde::PluginCatalogue::instance().add_section({path, documentation, declare_function}); \
      return true;                                                                              \
    }();                                                                                        \
  }
