// Time translation, space translation and Galilean boost of 1D equations (see
// one_dimensional_group.h).
#include <sslpde/symmetries/one_dimensional_group.h>

namespace sslpde::symmetries
{
std::vector<Generator> OneDimensionalGroup::with_common_generators(std::vector<Generator> specific)
{
  std::vector<Generator> generators
      = { { "Time translation", "(t + eps, x, u)", true, false, 0.0, 0.0 },
          { "Space translation", "(t, x + eps, u)", true, true, 0.5, 0.0 },
          { "Galilean boost", "(t, x + eps t, u + eps)", true, false, 0.4, 0.0 } };
  for (auto &g : specific)
    generators.push_back(std::move(g));
  return generators;
}

void OneDimensionalGroup::frame_action(std::size_t g, double eps, FrameAction &a) const
{
  constexpr auto x = FrameAction::x, one = FrameAction::one;
  const auto u = a.field(0);
  switch (g)
  {
  case time_translation:
    a.t += eps;
    break;
  case space_translation:
    a(x, one) = eps;
    break;
  case galilean_boost:
    a(x, one) = eps * a.t;
    a(u, one) = eps;
    break;
  default:
    specific_action(g - first_specific, eps, a);
  }
}
} // namespace sslpde::symmetries
