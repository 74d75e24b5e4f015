// Lie point symmetries of Kuramoto–Sivashinsky, u_t + u u_x + u_xx + u_xxxx = 0, on a periodic
// domain: translations and the Galilean boost only. The mixed-order linear terms rule out a
// scaling (the tests show that KdV's scaling breaks KS).
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/symmetries/one_dimensional_group.h>

#include <stdexcept>

namespace sslpde::symmetries
{
class KSGroup : public OneDimensionalGroup
{
public:
  KSGroup() : OneDimensionalGroup({}) {}
  static ParameterDeclarations declare_parameters()
  {
    return declare_generator_parameters(with_common_generators({}));
  }

protected:
  void specific_action(std::size_t g, double, FrameAction &) const override
  {
    throw std::logic_error("KS symmetry group has no generator "
                           + std::to_string(g + first_specific));
  }
};
} // namespace sslpde::symmetries

SSLPDE_REGISTER_PLUGIN(
    sslpde::symmetries::SymmetryGroup, sslpde::symmetries::KSGroup, "ks",
    "Lie point symmetries of Kuramoto-Sivashinsky u_t + u u_x + u_xx + u_xxxx = 0 "
    "(periodic): translations and Galilean boost")
