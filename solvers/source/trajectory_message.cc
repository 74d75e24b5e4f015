// Serialisation of whole trajectories for MPI (see trajectory_message.h).
#include "trajectory_message.h"

namespace sslpde::solvers
{
void MessageWriter::put(const Trajectory &t)
{
  put(t.pde);
  put<std::uint32_t>(t.spatial_dimension);
  put<std::uint64_t>(t.nt);
  put<std::uint64_t>(t.nx);
  put<std::uint64_t>(t.ny);
  put<std::uint64_t>(t.field_names.size());
  for (std::size_t f = 0; f < t.field_names.size(); ++f)
  {
    put(t.field_names[f]);
    put(t.fields[f]);
  }
  put(t.t);
  put(t.x);
  put(t.y);
  for (const double v : { t.dt, t.dx, t.dy, t.length_x, t.length_y, t.final_time })
    put(v);
  put<std::uint64_t>(t.coefficients.size());
  for (const auto &[name, value] : t.coefficients)
  {
    put(name);
    put(value);
  }
  put<std::uint64_t>(t.initial_condition.size());
  for (const auto &[name, values] : t.initial_condition)
  {
    put(name);
    put(values);
  }
  put<std::uint64_t>(t.seed);
  put(t.generator_configuration);
}

Trajectory MessageReader::get_trajectory()
{
  Trajectory t;
  t.pde = get_string();
  t.spatial_dimension = get<std::uint32_t>();
  t.nt = get<std::uint64_t>();
  t.nx = get<std::uint64_t>();
  t.ny = get<std::uint64_t>();
  const auto n_fields = get<std::uint64_t>();
  for (std::uint64_t f = 0; f < n_fields; ++f)
  {
    t.field_names.push_back(get_string());
    t.fields.push_back(get_doubles());
  }
  t.t = get_doubles();
  t.x = get_doubles();
  t.y = get_doubles();
  for (double *v : { &t.dt, &t.dx, &t.dy, &t.length_x, &t.length_y, &t.final_time })
    *v = get<double>();
  const auto n_coefficients = get<std::uint64_t>();
  for (std::uint64_t i = 0; i < n_coefficients; ++i)
  {
    const std::string name = get_string();
    t.coefficients[name] = get<double>();
  }
  const auto n_ic = get<std::uint64_t>();
  for (std::uint64_t i = 0; i < n_ic; ++i)
  {
    const std::string name = get_string();
    t.initial_condition[name] = get_doubles();
  }
  t.seed = get<std::uint64_t>();
  t.generator_configuration = get_string();
  return t;
}
} // namespace sslpde::solvers
