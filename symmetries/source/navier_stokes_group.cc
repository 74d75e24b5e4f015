// Lie point symmetries of the 2D incompressible Navier–Stokes equations with a buoyant smoke
// field s (v_t + v.grad v = -grad p + nu lap v + (0, beta s), div v = 0, s_t + v.grad s = 0):
// translations, scaling, rotation, linear and quadratic boosts, with the pressure terms the
// public reference code gets wrong (SCIENCE.md section 5).
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/symmetries/symmetry_group.h>

#include <cmath>

namespace sslpde::symmetries
{
class NavierStokesGroup : public SymmetryGroup
{
public:
  enum : std::size_t
  {
    time_translation,
    x_translation,
    y_translation,
    scaling,
    rotation,
    linear_boost_x,
    linear_boost_y,
    quadratic_boost_x,
    quadratic_boost_y
  };

  NavierStokesGroup() : SymmetryGroup(generators()) {}

  // Defaults from the SSL reference: translations 1.0, scale 0.1, rotation 0.1, boosts 0.01.
  // In the closed box with no-slip walls only time translation and scaling map the problem to
  // itself (scaling onto the scaled box, with nu and beta unchanged); translations and boosts
  // move the walls, and the y-directed buoyancy breaks rotations.
  static std::vector<Generator> generators()
  {
    return {
      { "Time translation", "(t + eps)", true, false, 1.0, 0.0 },
      { "X translation", "(x + eps)", false, false, 1.0, 0.0 },
      { "Y translation", "(y + eps)", false, false, 1.0, 0.0 },
      { "Scaling", "(e^{2 eps} t, e^{eps} x, e^{eps} y, e^{-eps} v, e^{-2 eps} p, e^{-3 eps} s)",
        true, false, 0.1, 0.0 },
      { "Rotation", "(rotate (x, y) and (vx, vy) by the angle eps about the origin)", false, false,
        0.1, 0.0 },
      { "Linear boost x", "(x + eps t, vx + eps)", false, false, 0.01, 0.0 },
      { "Linear boost y", "(y + eps t, vy + eps)", false, false, 0.01, 0.0 },
      { "Quadratic boost x", "(x + eps t^2, vx + 2 eps t, p - 2 eps x)", false, false, 0.01, 0.0 },
      { "Quadratic boost y", "(y + eps t^2, vy + 2 eps t, p - 2 eps y)", false, false, 0.01, 0.0 }
    };
  }
  static ParameterDeclarations declare_parameters()
  {
    return declare_generator_parameters(generators());
  }

  unsigned int spatial_dimension() const override { return 2; }
  std::vector<std::vector<std::string>> field_names() const override
  {
    return { { "u", "s", "smoke" }, { "vx" }, { "vy" }, { "p" } };
  }
  bool periodic() const override { return false; }

  void frame_action(std::size_t g, double eps, FrameAction &a) const override
  {
    constexpr auto one = FrameAction::one, x = FrameAction::x, y = FrameAction::y;
    const auto s = a.field(0), vx = a.field(1), vy = a.field(2), p = a.field(3);
    switch (g)
    {
    case time_translation:
      a.t += eps;
      break;
    case x_translation:
      a(x, one) = eps;
      break;
    case y_translation:
      a(y, one) = eps;
      break;
    case scaling:
      a.t *= std::exp(2 * eps);
      a(x, x) = a(y, y) = std::exp(eps);
      a(vx, vx) = a(vy, vy) = std::exp(-eps);
      a(p, p) = std::exp(-2 * eps);
      a(s, s) = std::exp(-3 * eps);
      break;
    case rotation:
    {
      const double c = std::cos(eps), sn = std::sin(eps);
      a(x, x) = c, a(x, y) = -sn, a(y, x) = sn, a(y, y) = c;
      a(vx, vx) = c, a(vx, vy) = -sn, a(vy, vx) = sn, a(vy, vy) = c;
      break;
    }
    case linear_boost_x:
      a(x, one) = eps * a.t;
      a(vx, one) = eps;
      break;
    case linear_boost_y:
      a(y, one) = eps * a.t;
      a(vy, one) = eps;
      break;
    case quadratic_boost_x:
      a(x, one) = eps * a.t * a.t;
      a(vx, one) = 2 * eps * a.t;
      a(p, x) = -2 * eps;
      break;
    case quadratic_boost_y:
      a(y, one) = eps * a.t * a.t;
      a(vy, one) = 2 * eps * a.t;
      a(p, y) = -2 * eps;
      break;
    }
  }
};
} // namespace sslpde::symmetries

SSLPDE_REGISTER_PLUGIN(sslpde::symmetries::SymmetryGroup, sslpde::symmetries::NavierStokesGroup,
                       "navier_stokes",
                       "Lie point symmetries of 2D Navier-Stokes with buoyant smoke: translations, "
                       "scaling, rotation, linear and quadratic boosts")
