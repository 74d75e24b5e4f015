// Trajectory bookkeeping: allocation, lookup by field name and consistency checks.
#include <sslpde/plugin/trajectory.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace sslpde
{
  void Trajectory::allocate(std::size_t n_times, std::size_t n_x, std::size_t n_y,
                            const std::vector<std::string> &names)
  {
    nt = n_times;
    nx = n_x;
    ny = n_y;
    field_names = names;
    fields.assign(names.size(), std::vector<double>(nt * nx * ny, 0.0));
  }

  std::size_t Trajectory::field_index(const std::string &name) const
  {
    for (std::size_t i = 0; i < field_names.size(); ++i)
      if (field_names[i] == name)
        return i;
    std::ostringstream message;
    message << "Trajectory of PDE '" << pde << "' has no field '" << name << "'; it has:";
    for (const auto &n : field_names)
      message << " '" << n << "'";
    throw std::out_of_range(message.str());
  }

  void Trajectory::check_consistency() const
  {
    std::ostringstream problems;
    if (spatial_dimension != 1 && spatial_dimension != 2)
      problems << " spatial_dimension is " << spatial_dimension << " (1 or 2 expected);";
    if (spatial_dimension == 1 && ny != 1)
      problems << " 1D trajectory with ny = " << ny << ";";
    if (fields.size() != field_names.size())
      problems << " " << fields.size() << " fields but " << field_names.size() << " names;";
    for (std::size_t f = 0; f < fields.size(); ++f)
      if (fields[f].size() != values_per_field())
        problems << " field '" << (f < field_names.size() ? field_names[f] : "?") << "' has "
                 << fields[f].size() << " values, expected nt*nx*ny = " << values_per_field()
                 << ";";
    if (t.size() != nt)
      problems << " t has " << t.size() << " values, nt = " << nt << ";";
    if (x.size() != nx)
      problems << " x has " << x.size() << " values, nx = " << nx << ";";
    if (spatial_dimension == 2 && y.size() != ny)
      problems << " y has " << y.size() << " values, ny = " << ny << ";";
    const std::string text = problems.str();
    if (!text.empty())
      throw std::runtime_error("Inconsistent trajectory (PDE '" + pde + "', seed " +
                               std::to_string(seed) + "):" + text);
  }

  bool Trajectory::all_finite() const
  {
    for (const auto &f : fields)
      for (const double v : f)
        if (!std::isfinite(v))
          return false;
    return true;
  }
} // namespace sslpde
