// The "kdv" PDE solver plugin: u_t + u u_x + u_xxx = 0 on [0, L), L ~ U[115.2, 140.8],
// T ~ U[90, 110], 250 saved times of which the last 140 are kept, 10 sines with l in {1, 2}.
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/solvers/sine_series_pde.h>

namespace sslpde::solvers
{
namespace
{
SineSeriesDefaults kdv_defaults()
{
  SineSeriesDefaults d;
  d.pde = "kdv";
  d.equation = Equation1D::kdv;
  d.minimum_length = "115.2";
  d.maximum_length = "140.8";
  d.minimum_time = "90";
  d.maximum_time = "110";
  d.saved_times = "250";
  d.kept_times = "140";
  d.wave_numbers = "1,2";
  d.n_cells = "192";
  d.degree = "3";
  d.relative_tolerance = "1e-5";
  d.absolute_tolerance = "1e-7";
  d.initial_time_step = "1e-3";
  return d;
}
} // namespace

class KdVSolver : public SineSeriesPDE
{
public:
  KdVSolver() : SineSeriesPDE(kdv_defaults()) {}
  static ParameterDeclarations declare_parameters() { return declarations(kdv_defaults()); }
};
} // namespace sslpde::solvers

SSLPDE_REGISTER_PLUGIN(sslpde::solvers::PDESolver, sslpde::solvers::KdVSolver, "kdv",
                       "Korteweg-de Vries u_t + u u_x + u_xxx = 0, periodic, mixed (u, u_xx) "
                       "deal.II FE_Q + PETSc TS; L and T vary by +-10 %")
