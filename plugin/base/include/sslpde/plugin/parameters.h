// Parameters as plain data. Modules that must not see deal.II (symmetries, learning) declare
// their parameters here; the plugin top turns each declaration into a deal.II ParameterHandler
// entry and hands the parsed values back as ParameterValues.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sslpde
{
  /// The pattern a parameter value must match; mirrors deal.II's Patterns.
  struct ParameterPattern
  {
    enum class Kind
    {
      anything,
      integer,
      real,
      boolean,
      selection,
      list_of_reals,
      list_of_integers,
      list_of_strings,
      file_name
    };
    Kind kind = Kind::anything;
    double lower = -1e300;
    double upper = 1e300;
    /// Choices of a selection; for lists of strings, allowed items (empty: any).
    std::vector<std::string> choices;

    static ParameterPattern anything() { return {}; }
    static ParameterPattern integer(double lower = -2147483647.0, double upper = 2147483647.0)
    {
      return {Kind::integer, lower, upper, {}};
    }
    static ParameterPattern real(double lower = -1e300, double upper = 1e300)
    {
      return {Kind::real, lower, upper, {}};
    }
    static ParameterPattern boolean() { return {Kind::boolean, 0, 1, {}}; }
    static ParameterPattern selection(std::vector<std::string> choices)
    {
      return {Kind::selection, 0, 0, std::move(choices)};
    }
    static ParameterPattern list_of_reals() { return {Kind::list_of_reals, -1e300, 1e300, {}}; }
    static ParameterPattern list_of_integers()
    {
      return {Kind::list_of_integers, -2147483647.0, 2147483647.0, {}};
    }
    static ParameterPattern list_of_strings(std::vector<std::string> allowed = {})
    {
      return {Kind::list_of_strings, 0, 0, std::move(allowed)};
    }
    static ParameterPattern file_name() { return {Kind::file_name, 0, 0, {}}; }

    /// Empty if `value` matches, otherwise what is wrong with it.
    std::string check(const std::string &value) const;
    /// A one-line description, as in the parameter documentation.
    std::string description() const;
  };

  /// One parameter: name (may contain '/' to place it in a nested subsection), default, pattern,
  /// and the documentation users read in `sslpde --output-json` and the parameter reference.
  struct ParameterDeclaration
  {
    std::string name;
    std::string default_value;
    ParameterPattern pattern;
    std::string documentation;
  };

  using ParameterDeclarations = std::vector<ParameterDeclaration>;

  /**
   * The parsed values of one subsection (keys are the declaration names), with typed access.
   * Every accessor throws with the parameter's name and value when the value does not convert.
   */
  class ParameterValues
  {
  public:
    ParameterValues() = default;
    /// `section` names where the values came from, for error messages ("PDE solver/burgers").
    explicit ParameterValues(std::string section) : section_name(std::move(section)) {}

    /// Values set to the defaults of `declarations`.
    static ParameterValues defaults(const ParameterDeclarations &declarations,
                                    const std::string &section = "");

    void set(const std::string &name, const std::string &value) { values[name] = value; }
    bool has(const std::string &name) const { return values.count(name) > 0; }

    const std::string &get(const std::string &name) const;
    double get_double(const std::string &name) const;
    long get_integer(const std::string &name) const;
    bool get_bool(const std::string &name) const;
    std::vector<double> get_doubles(const std::string &name) const;
    std::vector<long> get_integers(const std::string &name) const;
    std::vector<std::string> get_strings(const std::string &name) const;

    const std::map<std::string, std::string> &all() const { return values; }
    const std::string &section() const { return section_name; }

    /// "name = value" lines: stored with generated data so a file says how it was made.
    std::string to_text() const;

  private:
    std::string section_name;
    std::map<std::string, std::string> values;
  };

  /// Splits a comma-separated list and trims each item.
  std::vector<std::string> split_list(const std::string &text);
} // namespace sslpde
