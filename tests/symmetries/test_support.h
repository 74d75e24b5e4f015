// Helpers shared by the symmetry tests: one-sample batches on explicit grids, single-generator
// transformations, and a symmetry group made of arbitrary (possibly wrong) actions.
#pragma once

#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/symmetries/group_action.h>

#include <functional>

namespace sslpde::symmetries::testing
{
inline torch::Tensor to_tensor(const std::vector<double> &v)
{
  return torch::tensor(v, torch::TensorOptions().dtype(torch::kFloat64));
}

/// Evenly spaced values a, a + h, ..., n of them.
inline torch::Tensor grid(double a, double h, std::int64_t n)
{
  return a + h * torch::arange(n, torch::TensorOptions().dtype(torch::kFloat64));
}

/// Group element exp(eps X_g) applied to every point of the batch (coordinate channels).
inline TransformedPoints transform(const SymmetryGroup &group, std::size_t g, double eps,
                                   const SampleBatch &batch)
{
  std::vector<double> e(batch.u.size(0) * group.n_generators(), 0.0);
  for (std::int64_t b = 0; b < batch.u.size(0); ++b)
    e[b * group.n_generators() + g] = eps;
  const auto maps = compose_for_batch(group, { { g, 1.0 } }, e, batch);
  return apply_coordinate_channels(batch, maps, match_fields(group, batch.field_names));
}

/// A group whose generators are given as functions: for deliberately wrong actions.
class ActionList : public SymmetryGroup
{
public:
  using Action = std::function<void(double eps, FrameAction &)>;
  ActionList(unsigned int dim, std::vector<std::vector<std::string>> fields,
             std::vector<std::pair<std::string, Action>> list)
      : SymmetryGroup(make_generators(list)), dim(dim), fields(std::move(fields))
  {
    for (auto &a : list)
      actions.push_back(a.second);
  }
  unsigned int spatial_dimension() const override { return dim; }
  std::vector<std::vector<std::string>> field_names() const override { return fields; }
  bool periodic() const override { return true; }
  void frame_action(std::size_t g, double eps, FrameAction &a) const override
  {
    actions[g](eps, a);
  }

private:
  static std::vector<Generator>
  make_generators(const std::vector<std::pair<std::string, Action>> &list)
  {
    std::vector<Generator> g;
    for (const auto &a : list)
      g.push_back({ a.first, "", false, false, 1.0, 0.0 });
    return g;
  }
  unsigned int dim;
  std::vector<std::vector<std::string>> fields;
  std::vector<Action> actions;
};

inline std::unique_ptr<SymmetryGroup> make_group(const std::string &name)
{
  return PluginFamily<SymmetryGroup>::create_with_defaults(name);
}
} // namespace sslpde::symmetries::testing
