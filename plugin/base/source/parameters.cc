// Plain-data parameters: pattern checks and typed access with messages that name the parameter.
#include <sslpde/plugin/parameters.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace sslpde
{
  namespace
  {
    std::string trim(const std::string &s)
    {
      const auto begin = s.find_first_not_of(" \t\n\r");
      if (begin == std::string::npos)
        return "";
      const auto end = s.find_last_not_of(" \t\n\r");
      return s.substr(begin, end - begin + 1);
    }

    bool parse_double(const std::string &text, double &value)
    {
      const std::string t = trim(text);
      if (t.empty())
        return false;
      char *end = nullptr;
      errno = 0;
      value = std::strtod(t.c_str(), &end);
      return errno == 0 && end == t.c_str() + t.size();
    }

    bool parse_integer(const std::string &text, long &value)
    {
      const std::string t = trim(text);
      if (t.empty())
        return false;
      char *end = nullptr;
      errno = 0;
      value = std::strtol(t.c_str(), &end, 10);
      return errno == 0 && end == t.c_str() + t.size();
    }

    bool parse_bool(const std::string &text, bool &value)
    {
      const std::string t = trim(text);
      if (t == "true" || t == "yes" || t == "1")
        value = true;
      else if (t == "false" || t == "no" || t == "0")
        value = false;
      else
        return false;
      return true;
    }

    std::string bounds(double lower, double upper)
    {
      std::ostringstream out;
      out << "[";
      if (lower <= -1e299 || lower <= -2147483647.0)
        out << "-inf";
      else
        out << lower;
      out << ", ";
      if (upper >= 1e299 || upper >= 2147483647.0)
        out << "inf";
      else
        out << upper;
      out << "]";
      return out.str();
    }
  } // namespace

  std::vector<std::string> split_list(const std::string &text)
  {
    std::vector<std::string> items;
    if (trim(text).empty())
      return items;
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, ','))
      items.push_back(trim(item));
    return items;
  }

  std::string ParameterPattern::check(const std::string &value) const
  {
    switch (kind)
      {
        case Kind::anything:
        case Kind::file_name:
          return "";
        case Kind::integer:
          {
            long v;
            if (!parse_integer(value, v))
              return "'" + value + "' is not an integer";
            if (v < lower || v > upper)
              return "'" + value + "' is outside " + bounds(lower, upper);
            return "";
          }
        case Kind::real:
          {
            double v;
            if (!parse_double(value, v) || !std::isfinite(v))
              return "'" + value + "' is not a finite number";
            if (v < lower || v > upper)
              return "'" + value + "' is outside " + bounds(lower, upper);
            return "";
          }
        case Kind::boolean:
          {
            bool v;
            return parse_bool(value, v) ? "" : "'" + value + "' is not true or false";
          }
        case Kind::selection:
          if (std::find(choices.begin(), choices.end(), trim(value)) == choices.end())
            return "'" + value + "' is not one of " + description();
          return "";
        case Kind::list_of_reals:
          for (const auto &item : split_list(value))
            {
              double v;
              if (!parse_double(item, v))
                return "list item '" + item + "' is not a number";
            }
          return "";
        case Kind::list_of_integers:
          for (const auto &item : split_list(value))
            {
              long v;
              if (!parse_integer(item, v))
                return "list item '" + item + "' is not an integer";
            }
          return "";
        case Kind::list_of_strings:
          if (!choices.empty())
            for (const auto &item : split_list(value))
              if (std::find(choices.begin(), choices.end(), item) == choices.end())
                return "list item '" + item + "' is not one of " + description();
          return "";
      }
    return "";
  }

  std::string ParameterPattern::description() const
  {
    std::string choices_text;
    for (std::size_t i = 0; i < choices.size(); ++i)
      choices_text += (i ? "|" : "") + choices[i];
    switch (kind)
      {
        case Kind::anything:
          return "[Anything]";
        case Kind::file_name:
          return "[FileName]";
        case Kind::integer:
          return "[Integer range " + bounds(lower, upper) + "]";
        case Kind::real:
          return "[Double range " + bounds(lower, upper) + "]";
        case Kind::boolean:
          return "[Bool]";
        case Kind::selection:
          return "[Selection " + choices_text + "]";
        case Kind::list_of_reals:
          return "[List of Double]";
        case Kind::list_of_integers:
          return "[List of Integer]";
        case Kind::list_of_strings:
          return choices.empty() ? "[List of Anything]" : "[List of " + choices_text + "]";
      }
    return "";
  }

  ParameterValues ParameterValues::defaults(const ParameterDeclarations &declarations,
                                            const std::string &section)
  {
    ParameterValues values(section);
    for (const auto &d : declarations)
      values.set(d.name, d.default_value);
    return values;
  }

  const std::string &ParameterValues::get(const std::string &name) const
  {
    const auto found = values.find(name);
    if (found == values.end())
      throw std::out_of_range("Parameter '" + name + "' is not declared in section '" +
                              section_name + "'");
    return found->second;
  }

  double ParameterValues::get_double(const std::string &name) const
  {
    double v;
    if (!parse_double(get(name), v))
      throw std::invalid_argument("Parameter '" + section_name + "/" + name + "' = '" +
                                  get(name) + "' is not a number");
    return v;
  }

  long ParameterValues::get_integer(const std::string &name) const
  {
    long v;
    if (!parse_integer(get(name), v))
      throw std::invalid_argument("Parameter '" + section_name + "/" + name + "' = '" +
                                  get(name) + "' is not an integer");
    return v;
  }

  bool ParameterValues::get_bool(const std::string &name) const
  {
    bool v;
    if (!parse_bool(get(name), v))
      throw std::invalid_argument("Parameter '" + section_name + "/" + name + "' = '" +
                                  get(name) + "' is not true or false");
    return v;
  }

  std::vector<double> ParameterValues::get_doubles(const std::string &name) const
  {
    std::vector<double> out;
    for (const auto &item : split_list(get(name)))
      {
        double v;
        if (!parse_double(item, v))
          throw std::invalid_argument("Parameter '" + section_name + "/" + name + "': item '" +
                                      item + "' is not a number");
        out.push_back(v);
      }
    return out;
  }

  std::vector<long> ParameterValues::get_integers(const std::string &name) const
  {
    std::vector<long> out;
    for (const auto &item : split_list(get(name)))
      {
        long v;
        if (!parse_integer(item, v))
          throw std::invalid_argument("Parameter '" + section_name + "/" + name + "': item '" +
                                      item + "' is not an integer");
        out.push_back(v);
      }
    return out;
  }

  std::vector<std::string> ParameterValues::get_strings(const std::string &name) const
  {
    return split_list(get(name));
  }

  std::string ParameterValues::to_text() const
  {
    std::string text;
    for (const auto &[name, value] : values)
      text += (section_name.empty() ? "" : section_name + "/") + name + " = " + value + "\n";
    return text;
  }
} // namespace sslpde
