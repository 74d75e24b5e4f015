// The "ks" PDE solver plugin: u_t + u u_x + u_xx + u_xxxx = 0 on [0, L), L ~ U[57.6, 70.4],
// T ~ U[90, 110], 500 saved times of which the last 140 are kept, 10 sines with l in {1, 2}.
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/solvers/sine_series_pde.h>

namespace sslpde::solvers
{
namespace
{
SineSeriesDefaults ks_defaults()
{
  SineSeriesDefaults d;
  d.pde = "ks";
  d.equation = Equation1D::ks;
  d.minimum_length = "57.6";
  d.maximum_length = "70.4";
  d.minimum_time = "90";
  d.maximum_time = "110";
  d.saved_times = "500";
  d.kept_times = "140";
  d.wave_numbers = "1,2";
  d.n_cells = "128";
  d.degree = "3";
  d.relative_tolerance = "1e-5";
  d.absolute_tolerance = "1e-7";
  d.initial_time_step = "1e-3";
  return d;
}
} // namespace

class KSSolver : public SineSeriesPDE
{
public:
  KSSolver() : SineSeriesPDE(ks_defaults()) {}
  static ParameterDeclarations declare_parameters() { return declarations(ks_defaults()); }
};
} // namespace sslpde::solvers

SSLPDE_REGISTER_PLUGIN(sslpde::solvers::PDESolver, sslpde::solvers::KSSolver, "ks",
                       "Kuramoto-Sivashinsky u_t + u u_x + u_xx + u_xxxx = 0, periodic, mixed "
                       "(u, u_xx) deal.II FE_Q + PETSc TS; L and T vary by +-10 %")
