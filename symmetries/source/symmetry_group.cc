// The parts of the symmetry group interface that every group shares: the per-frame affine map
// and the strength parameters of its generators.
#include <sslpde/symmetries/symmetry_group.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace sslpde::symmetries
{
FrameAction::FrameAction(unsigned int spatial_dimension, std::size_t n_fields)
    : dimension(spatial_dimension), n(1 + spatial_dimension + n_fields), a(n * n, 0.0)
{
  reset(0.0);
}

void FrameAction::reset(double frame_time)
{
  t = frame_time;
  std::fill(a.begin(), a.end(), 0.0);
  for (std::size_t i = 0; i < n; ++i)
    a[i * n + i] = 1.0;
}

SymmetryGroup::SymmetryGroup(std::vector<Generator> generators)
    : generator_list(std::move(generators))
{
  for (auto &g : generator_list)
    g.max_strength = g.default_strength;
}

ParameterDeclarations
SymmetryGroup::declare_generator_parameters(const std::vector<Generator> &generators)
{
  ParameterDeclarations declarations;
  for (const auto &g : generators)
  {
    std::ostringstream doc;
    doc << "Maximum strength s of the " << g.name << " " << g.action
        << ": each view draws eps ~ U(-s, s); 0 switches it off. "
        << (g.relative_to_length ? "Given as a fraction of the sample's domain length. "
                                 : "In the data's units. ")
        << (g.exact ? "Exact symmetry of this data set's problem."
                    : "Symmetry of the equation only (approximate for this data set: walls, "
                      "forcing or periodicity break it).");
    std::ostringstream value;
    value << g.default_strength;
    declarations.push_back({ g.name, value.str(), ParameterPattern::real(0.0), doc.str() });
  }
  declarations.push_back({ "Only exact generators", "false", ParameterPattern::boolean(),
                           "If true, generators that are only approximate symmetries of this data "
                           "set are switched off whatever their strength." });
  return declarations;
}

void SymmetryGroup::parse_parameters(const ParameterValues &values)
{
  const bool only_exact
      = values.has("Only exact generators") && values.get_bool("Only exact generators");
  for (auto &g : generator_list)
  {
    if (values.has(g.name))
    {
      const double s = values.get_double(g.name);
      if (!(s >= 0.0))
        throw std::invalid_argument("Parameter '" + g.name + "' in section '" + values.section()
                                    + "' must be a non-negative maximum strength, got '"
                                    + values.get(g.name) + "'");
      g.max_strength = s;
    }
    if (only_exact && !g.exact)
      g.max_strength = 0.0;
  }
}

std::size_t SymmetryGroup::generator_index(const std::string &name) const
{
  std::string known;
  for (std::size_t i = 0; i < generator_list.size(); ++i)
  {
    if (generator_list[i].name == name)
      return i;
    known += (i ? ", '" : "'") + generator_list[i].name + "'";
  }
  throw std::invalid_argument("This symmetry group has no generator '" + name + "'; it has "
                              + known);
}

void SymmetryGroup::set_max_strength(const std::string &name, double strength)
{
  generator_list[generator_index(name)].max_strength = strength;
}

int SymmetryGroup::field_index(const std::string &name) const
{
  const auto names = field_names();
  for (std::size_t f = 0; f < names.size(); ++f)
    if (std::find(names[f].begin(), names[f].end(), name) != names[f].end())
      return static_cast<int>(f);
  return -1;
}
} // namespace sslpde::symmetries
