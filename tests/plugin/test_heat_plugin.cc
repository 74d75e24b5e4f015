// A PDE solver plugin that lives outside sslpde, as a user would write one: the exact solution of
// the periodic heat equation, registered from a shared library named in a .prm file.
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/solvers/pde_solver.h>

#include <cmath>

namespace
{
  class ExactHeat : public sslpde::solvers::PDESolver
  {
  public:
    static sslpde::ParameterDeclarations declare_parameters()
    {
      return {{"Diffusivity", "0.1", sslpde::ParameterPattern::real(0), "kappa"},
              {"Grid/Points", "16", sslpde::ParameterPattern::integer(2), "nx"},
              {"Grid/Frames", "4", sslpde::ParameterPattern::integer(1), "nt"}};
    }
    void parse_parameters(const sslpde::ParameterValues &values) override
    {
      kappa = values.get_double("Diffusivity");
      nx = values.get_integer("Grid/Points");
      nt = values.get_integer("Grid/Frames");
    }
    sslpde::Trajectory generate(std::uint64_t seed, MPI_Comm) override
    {
      sslpde::Trajectory t;
      t.pde = "test_heat";
      t.allocate(nt, nx, 1, {"u"});
      t.length_x = 2 * M_PI;
      t.dx = t.length_x / nx;
      t.dt = 0.1;
      t.final_time = (nt - 1) * t.dt;
      t.seed = seed;
      t.coefficients["kappa"] = kappa;
      const double phase = 0.001 * static_cast<double>(seed % 1000);
      for (std::size_t i = 0; i < nt; ++i)
        t.t.push_back(i * t.dt);
      for (std::size_t j = 0; j < nx; ++j)
        t.x.push_back(j * t.dx);
      for (std::size_t i = 0; i < nt; ++i)
        for (std::size_t j = 0; j < nx; ++j)
          t(0, i, j) = std::exp(-kappa * t.t[i]) * std::sin(t.x[j] + phase);
      t.initial_condition["phase"] = {phase};
      return t;
    }

  private:
    double kappa = 0;
    std::size_t nx = 0, nt = 0;
  };
} // namespace

SSLPDE_REGISTER_PLUGIN(sslpde::solvers::PDESolver, ExactHeat, "test_heat",
                       "Exact periodic heat-equation solution (test plugin from a shared library)")
