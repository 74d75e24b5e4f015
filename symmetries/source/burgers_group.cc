// Lie point symmetries of viscous Burgers, u_t + u u_x = nu u_xx, on a periodic domain: the
// shared 1D translations and boost, the scaling (e^{2 eps} t, e^{eps} x, e^{-eps} u), which
// keeps nu, and the projective map (t / (1 - eps t), x / (1 - eps t), u (1 - eps t) + eps x).
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/symmetries/one_dimensional_group.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace sslpde::symmetries
{
class BurgersGroup : public OneDimensionalGroup
{
public:
  enum : std::size_t
  {
    scaling = 0,
    projective = 1
  };
  BurgersGroup() : OneDimensionalGroup(generators()) {}
  static std::vector<Generator> generators()
  {
    return { { "Scaling", "(e^{2 eps} t, e^{eps} x, e^{-eps} u)", true, false, 0.05, 0.0 },
             // The projective map adds eps x to u, which is not periodic in x: a symmetry of
             // the equation, not of the periodic problem.
             { "Projective",
               "(t / (1 - eps t), x / (1 - eps t), u (1 - eps t) + eps x), needs 1 - eps t > 0",
               false, false, 0.02, 0.0 } };
  }
  static ParameterDeclarations declare_parameters()
  {
    return declare_generator_parameters(with_common_generators(generators()));
  }

protected:
  void specific_action(std::size_t g, double eps, FrameAction &a) const override
  {
    constexpr auto x = FrameAction::x;
    const auto u = a.field(0);
    if (g == scaling)
    {
      a.t *= std::exp(2 * eps);
      a(x, x) = std::exp(eps);
      a(u, u) = std::exp(-eps);
      return;
    }
    const double d = 1 - eps * a.t;
    if (!(d > 0))
      throw std::invalid_argument("Burgers projective symmetry with eps = " + std::to_string(eps)
                                  + " at t = " + std::to_string(a.t)
                                  + " needs 1 - eps t > 0: lower the parameter 'Projective'");
    a.t /= d;
    a(x, x) = 1 / d;
    a(u, u) = d;
    a(u, x) = eps;
  }
};
} // namespace sslpde::symmetries

SSLPDE_REGISTER_PLUGIN(
    sslpde::symmetries::SymmetryGroup, sslpde::symmetries::BurgersGroup, "burgers",
    "Lie point symmetries of Burgers u_t + u u_x = nu u_xx (periodic): translations, "
    "Galilean boost, scaling, projective")
