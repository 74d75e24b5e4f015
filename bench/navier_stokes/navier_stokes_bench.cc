// Benchmark of the buoyant Navier-Stokes solver: seconds per trajectory for a given mesh and
// output grid on the ranks of MPI_COMM_WORLD, with the TimerOutput split and solver statistics.
// Usage: mpirun -np R navier_stokes_bench [cells] [output points] [number of saved frames]
//        [first saved time] [seed] [png file] [VTU directory]
#include <sslpde/plugin/png_plot.h>
#include <sslpde/solvers/navier_stokes.h>

#include <deal.II/base/mpi.h>

#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

using sslpde::solvers::NavierStokesSolver;

namespace
{
/// Smoke and vorticity (central differences on the output grid) at the first, middle and last
/// saved times; images have y upwards.
void write_png(const sslpde::Trajectory &trajectory, const std::string &filename)
{
  const std::size_t nx = trajectory.nx, ny = trajectory.ny;
  std::vector<sslpde::plot::Image> smoke_panels, vorticity_panels;
  for (const std::size_t it : { std::size_t(0), trajectory.nt / 2, trajectory.nt - 1 })
  {
    sslpde::plot::Image smoke, vorticity;
    for (auto *image : { &smoke, &vorticity })
    {
      image->rows = ny;
      image->cols = nx;
      image->values.resize(nx * ny);
      image->x_max = trajectory.length_x;
      image->y_max = trajectory.length_y;
      image->y_label = "y";
    }
    std::ostringstream time;
    time << "t = " << trajectory.t[it];
    smoke.title = "smoke, " + time.str();
    vorticity.title = "vorticity, " + time.str();
    const auto derivative = [&](std::size_t f, std::size_t i, std::size_t j, bool along_x)
    {
      const std::size_t n = along_x ? nx : ny, k = along_x ? i : j;
      const std::size_t lo = k > 0 ? k - 1 : k, hi = k + 1 < n ? k + 1 : k;
      const double h = along_x ? trajectory.dx : trajectory.dy;
      const double a = along_x ? trajectory(f, it, hi, j) : trajectory(f, it, i, hi);
      const double b = along_x ? trajectory(f, it, lo, j) : trajectory(f, it, i, lo);
      return (a - b) / ((hi - lo) * h);
    };
    for (std::size_t i = 0; i < nx; ++i)
      for (std::size_t j = 0; j < ny; ++j)
      {
        smoke.values[j * nx + i] = trajectory(0, it, i, j);
        vorticity.values[j * nx + i] = derivative(2, i, j, true) - derivative(1, i, j, false);
      }
    smoke_panels.push_back(std::move(smoke));
    vorticity_panels.push_back(std::move(vorticity));
  }
  smoke_panels.insert(smoke_panels.end(), vorticity_panels.begin(), vorticity_panels.end());
  sslpde::plot::write_images_png(filename, smoke_panels, 3);
}
} // namespace

int main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const unsigned int rank = dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD);
  const unsigned int size = dealii::Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD);
  NavierStokesSolver solver;
  solver.settings.cells_per_direction = argc > 1 ? std::stoi(argv[1]) : 64;
  solver.settings.output_nx = solver.settings.output_ny = argc > 2 ? std::stoi(argv[2]) : 128;
  solver.settings.n_saved_frames = argc > 3 ? std::stoi(argv[3]) : 56;
  solver.settings.first_saved_time = argc > 4 ? std::stod(argv[4]) : 18.0;
  const std::uint64_t seed = argc > 5 ? std::stoull(argv[5]) : 1;

  const std::string png_file = argc > 6 ? argv[6] : "";
  if (argc > 7)
    solver.settings.vtu_output_directory = argv[7];

  NavierStokesSolver::Diagnostics diagnostics;
  MPI_Barrier(MPI_COMM_WORLD);
  const auto start = std::chrono::steady_clock::now();
  const sslpde::Trajectory trajectory
      = solver.simulate(seed, MPI_COMM_WORLD, NavierStokesSolver::Hooks(), &diagnostics);
  const double seconds
      = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (rank == 0)
  {
    std::cout << "ranks " << size << ", cells " << solver.settings.cells_per_direction << "^2"
              << ", velocity dofs per component " << diagnostics.n_velocity_dofs
              << ", pressure dofs " << diagnostics.n_pressure_dofs << ", output " << trajectory.nx
              << "x" << trajectory.ny << ", t_end " << trajectory.t.back() << ", steps "
              << diagnostics.n_time_steps << ", beta " << trajectory.coefficients.at("beta")
              << "\n";
    std::cout << "seconds per trajectory: " << seconds << "\n";
    for (const auto &[name, t] : diagnostics.wall_times)
      std::cout << "  timer " << std::setw(16) << name << ": " << t << " s\n";
    for (const auto &[name, it] : diagnostics.average_iterations)
      std::cout << "  iterations " << std::setw(16) << name << ": " << it << "\n";
    std::cout << "  limiter moved mass fraction (sum over steps): "
              << diagnostics.limiter_mass_fraction << "\n";
    for (const auto &f : diagnostics.frames)
      std::cout << "  t " << f.time << " smoke " << f.total_smoke / diagnostics.initial_total_smoke
                << " min " << f.min_smoke << " max " << f.max_smoke << " |div|/|grad| "
                << f.divergence_l2 / f.velocity_gradient_l2 << " discrete "
                << f.discrete_divergence_l2 / f.velocity_gradient_l2 << " energy "
                << f.kinetic_energy << "\n";
    if (!png_file.empty())
      write_png(trajectory, png_file);
  }
}
