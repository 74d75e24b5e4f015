// The deal.II ParameterHandler binding: turns the plain-data declarations of every registered
// plugin and parameter section into .prm entries, reads a .prm file (after loading the
// "Additional shared libraries" it names) and hands values back as ParameterValues. The header
// is plain C++ so that files which use the values need no deal.II header.
#pragma once

#include <sslpde/plugin/parameters.h>

#include <iosfwd>
#include <memory>
#include <string>

namespace sslpde
{
  class ParameterFile
  {
  public:
    /// Declares everything registered so far, with defaults only.
    ParameterFile();
    ~ParameterFile();

    /**
     * Reads `filename`: first only its "Additional shared libraries" entry, whose libraries are
     * dlopened so that their plugins register; then declares every parameter and parses the file.
     * Errors name the file, the line and the parameter.
     */
    static std::unique_ptr<ParameterFile> read(const std::string &filename);

    /// The values of a registered parameter section ("Generation", "Pretraining", ...).
    ParameterValues section(const std::string &path) const;
    /// The plugin chosen in family `family` ("Model name" of the family's subsection).
    std::string selected_plugin(const std::string &family) const;
    /// The values of plugin `name` of `family` (its own subsection).
    ParameterValues plugin_values(const std::string &family, const std::string &name) const;
    /// Shortcut: values of the selected plugin of `family`.
    ParameterValues selected_plugin_values(const std::string &family) const;

    /// Every parameter with its value, as a .prm text (stored with generated data).
    std::string to_prm_text() const;
    /// Every parameter with its documentation and pattern, as JSON.
    void print_json(std::ostream &out) const;
    /// Every parameter with its documentation, as a commented .prm.
    void print_documented_prm(std::ostream &out) const;

    const std::string &filename() const { return file_name; }

  private:
    struct Implementation;
    std::unique_ptr<Implementation> implementation;
    std::string file_name;
  };
} // namespace sslpde
