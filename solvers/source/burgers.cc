// The "burgers" PDE solver plugin: u_t + u u_x = nu u_xx on [0, 2 pi), nu log-uniform on
// [0.01, 0.1], 100 saved times on [0, 5], initial data a sum of 10 sines with l in {1..5}.
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/solvers/sine_series_pde.h>

namespace sslpde::solvers
{
namespace
{
SineSeriesDefaults burgers_defaults()
{
  SineSeriesDefaults d;
  d.pde = "burgers";
  d.equation = Equation1D::burgers;
  d.minimum_length = d.maximum_length = "6.283185307179586";
  d.minimum_time = d.maximum_time = "5";
  d.saved_times = d.kept_times = "100";
  d.wave_numbers = "1,2,3,4,5";
  d.n_cells = "256";
  d.degree = "3";
  d.relative_tolerance = "1e-5";
  d.absolute_tolerance = "1e-7";
  d.initial_time_step = "1e-3";
  return d;
}
} // namespace

class BurgersSolver : public SineSeriesPDE
{
public:
  BurgersSolver() : SineSeriesPDE(burgers_defaults()) {}
  static ParameterDeclarations declare_parameters() { return declarations(burgers_defaults()); }
};
} // namespace sslpde::solvers

SSLPDE_REGISTER_PLUGIN(sslpde::solvers::PDESolver, sslpde::solvers::BurgersSolver, "burgers",
                       "Viscous Burgers u_t + u u_x = nu u_xx, periodic, deal.II FE_Q + PETSc TS; "
                       "nu log-uniform (the regression target)")
