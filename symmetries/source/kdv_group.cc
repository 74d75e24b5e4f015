// Lie point symmetries of KdV, u_t + u u_x + u_xxx = 0, on a periodic domain: the shared 1D
// translations and boost plus the scaling (e^{3 eps} t, e^{eps} x, e^{-2 eps} u).
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/symmetries/one_dimensional_group.h>

#include <cmath>

namespace sslpde::symmetries
{
class KdVGroup : public OneDimensionalGroup
{
public:
  KdVGroup() : OneDimensionalGroup(generators()) {}
  static std::vector<Generator> generators()
  {
    // Exact: the domain length and final time are rescaled with the data (stored in the
    // metadata), and KdV has no coefficient the scaling would change.
    return { { "Scaling", "(e^{3 eps} t, e^{eps} x, e^{-2 eps} u)", true, false, 0.05, 0.0 } };
  }
  static ParameterDeclarations declare_parameters()
  {
    return declare_generator_parameters(with_common_generators(generators()));
  }

protected:
  void specific_action(std::size_t, double eps, FrameAction &a) const override
  {
    a.t *= std::exp(3 * eps);
    a(FrameAction::x, FrameAction::x) = std::exp(eps);
    a(a.field(0), a.field(0)) = std::exp(-2 * eps);
  }
};
} // namespace sslpde::symmetries

SSLPDE_REGISTER_PLUGIN(
    sslpde::symmetries::SymmetryGroup, sslpde::symmetries::KdVGroup, "kdv",
    "Lie point symmetries of KdV u_t + u u_x + u_xxx = 0 (periodic): translations, "
    "Galilean boost, scaling")
