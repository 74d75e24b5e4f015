// Benchmark of the 1D data generators (Burgers, KdV, KS) at the SCIENCE.md settings: seconds per
// trajectory on one core next to LPSDA's figures (BENCHMARKS.md), the accuracy reached (against a
// run with twice the cells and 100x tighter tolerances), and ensemble throughput on 1 and N ranks.
//   bench_solvers [trajectories per PDE (default 4)] [pde ...] [--set "Parameter=value" ...]
//   mpiexec -np 2 bench_solvers ...   (adds the ensemble throughput on all ranks)
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/solvers/ensemble.h>
#include <sslpde/solvers/sine_series_pde.h>

#include <deal.II/base/mpi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

using namespace sslpde;
using namespace sslpde::solvers;

namespace
{
/// CPU seconds of this process: on a shared, oversubscribed machine closer to the per-core cost
/// than wall time.
double cpu_seconds()
{
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

double seconds_since(const std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// u at all saved times (no window), for accuracy checks.
std::vector<double> solve_all(const PeriodicSolver1DSettings &settings, const SineSeriesDraw &d,
                              const std::vector<double> &times, const std::vector<double> &x,
                              SolverStatistics *statistics = nullptr)
{
  PeriodicSolver1D solver(settings);
  solver.set_initial_condition([&](double y) { return d.initial_value(y); });
  solver.set_output_points(x);
  std::vector<double> u(times.size() * x.size());
  solver.run(times, [&](std::size_t k) { solver.evaluate_at_points(&u[k * x.size()]); });
  if (statistics)
    *statistics = solver.statistics();
  return u;
}

struct Row
{
  std::string pde;
  double seconds = 0, cpu_seconds = 0, lpsda = 0;
  double error_short = 0, error_window = 0;
  double steps = 0, residuals = 0, jacobians = 0;
};
} // namespace

int main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const int rank = dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD);
  const int size = dealii::Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD);
  const unsigned int n = argc > 1 ? std::stoi(argv[1]) : 4;
  std::vector<std::string> pdes;
  std::vector<std::pair<std::string, std::string>> overrides; // --set "Name=value"
  for (int i = 2; i < argc; ++i)
    if (std::string(argv[i]) == "--set" && i + 1 < argc)
    {
      const std::string text = argv[++i];
      overrides.emplace_back(text.substr(0, text.find('=')), text.substr(text.find('=') + 1));
    }
    else
      pdes.push_back(argv[i]);
  if (pdes.empty())
    pdes = { "burgers", "kdv", "ks" };
  const std::map<std::string, double> lpsda
      = { { "burgers", 1.0 }, { "kdv", 3.4 }, { "ks", 28.0 } };
  const std::map<std::string, double> short_horizon
      = { { "burgers", 5.0 }, { "kdv", 20.0 }, { "ks", 20.0 } };

  std::vector<Row> rows;
  if (rank == 0)
    for (const auto &pde : pdes)
    {
      auto plugin = PluginFamily<PDESolver>::create_with_defaults(pde, overrides);
      plugin->generate(999, MPI_COMM_SELF); // warm-up (first-touch, library loading)
      auto &solver = dynamic_cast<SineSeriesPDE &>(*plugin);
      Row row;
      row.pde = pde;
      row.lpsda = lpsda.at(pde);
      // Timing: the plugin's generate(), exactly what `sslpde generate` runs.
      const double cpu_start = cpu_seconds();
      const auto start = std::chrono::steady_clock::now();
      for (unsigned int i = 0; i < n; ++i)
      {
        solver.generate(1000 + i, MPI_COMM_SELF);
        row.steps += solver.last_statistics().steps / double(n);
        row.residuals += solver.last_statistics().residual_evaluations / double(n);
        row.jacobians += solver.last_statistics().jacobian_evaluations / double(n);
      }
      row.seconds = seconds_since(start) / n;
      row.cpu_seconds = (cpu_seconds() - cpu_start) / n;
      // Accuracy against a refined run: at every saved time up to the short horizon (chaotic
      // KS and KdV separate later, SCIENCE.md), and over the stored window.
      double e_short = 0, n_short = 0, e_window = 0, n_window = 0;
      for (unsigned int i = 0; i < std::min(n, 2u); ++i)
      {
        const SineSeriesDraw d = solver.draw(1000 + i);
        const Trajectory reference_shape = solver.generate(1000 + i, MPI_COMM_SELF);
        std::vector<double> times;
        const std::size_t n_saved
            = reference_shape.t.size()
              + std::size_t(std::round(reference_shape.t.front() / reference_shape.dt));
        for (std::size_t k = 0; k < n_saved; ++k)
          times.push_back(k == n_saved - 1 ? d.final_time : k * reference_shape.dt);
        PeriodicSolver1DSettings s = solver.settings_for(d), fine = s;
        fine.n_cells *= 2;
        fine.relative_tolerance /= 100;
        fine.absolute_tolerance /= 100;
        const auto u = solve_all(s, d, times, reference_shape.x);
        const auto r = solve_all(fine, d, times, reference_shape.x);
        const std::size_t nx = reference_shape.x.size();
        for (std::size_t k = 0; k < times.size(); ++k)
          for (std::size_t j = 0; j < nx; ++j)
          {
            const double e = u[k * nx + j] - r[k * nx + j], v = r[k * nx + j];
            if (times[k] <= short_horizon.at(pde) + 1e-9)
            {
              e_short += e * e;
              n_short += v * v;
            }
            if (k + reference_shape.t.size() >= times.size())
            {
              e_window += e * e;
              n_window += v * v;
            }
          }
      }
      row.error_short = std::sqrt(e_short / n_short);
      row.error_window = std::sqrt(e_window / n_window);
      rows.push_back(row);
    }

  if (rank == 0)
  {
    std::printf("\n1D generators, one core (Release), %u trajectories per PDE\n", n);
    std::printf("| PDE | wall s/traj. | CPU s/traj. | LPSDA s/traj. | speed-up (CPU) | steps | "
                "residuals | Jacobians | rel. L2 error, t <= horizon | rel. L2 error, stored "
                "window |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    for (const auto &r : rows)
      std::printf("| %s | %.3f | %.3f | %.1f | %.1fx | %.0f | %.0f | %.0f | %.1e (t <= %.0f) | "
                  "%.1e |\n",
                  r.pde.c_str(), r.seconds, r.cpu_seconds, r.lpsda, r.lpsda / r.cpu_seconds,
                  r.steps, r.residuals, r.jacobians, r.error_short, short_horizon.at(r.pde),
                  r.error_window);
    std::fflush(stdout);
  }

  // Ensemble throughput on all ranks of the job (no file).
  for (const auto &pde : pdes)
  {
    ParameterValues generation
        = ParameterValues::defaults(declare_generation_parameters(), "Generation");
    generation.set("Output file", "");
    generation.set("Number of train trajectories", std::to_string(2 * n * size));
    generation.set("Number of valid trajectories", "0");
    generation.set("Number of test trajectories", "0");
    generation.set("Progress interval", "0");
    ParameterValues values = ParameterValues::defaults(PluginFamily<PDESolver>::declarations(pde),
                                                       "PDE solver/" + pde);
    for (const auto &[key, value] : overrides)
      values.set(key, value);
    MPI_Barrier(MPI_COMM_WORLD);
    const auto start = std::chrono::steady_clock::now();
    const EnsembleResult result
        = generate_ensemble(generation, pde, values, "", MPI_COMM_WORLD, false);
    const double seconds = seconds_since(start);
    if (rank == 0)
      std::printf("ensemble %s: %d rank(s), %u trajectories in %.2f s = %.3f s/trajectory "
                  "(wall), %.1f trajectories/s\n",
                  pde.c_str(), size, 2 * n * size, seconds, seconds / (2 * n * size),
                  2 * n * size / seconds);
  }
  return 0;
}
