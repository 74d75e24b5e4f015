// `sslpde inspect FILE.h5`: what a trajectory file holds (ours, LPSDA's or PDEArena's): splits,
// shapes, coordinate and coefficient ranges, and whether the reproducibility metadata is there.
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/trajectory_file.h>

#include <mpi.h>

#include <iomanip>
#include <iostream>
#include <stdexcept>

namespace
{
  int inspect(const std::vector<std::string> &arguments)
  {
    if (arguments.size() != 1)
      throw std::invalid_argument("usage: sslpde inspect FILE.h5");
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0)
      return 0;
    const sslpde::io::TrajectoryFileReader reader(arguments[0]);
    std::cout << arguments[0] << "\n";
    std::cout << std::setprecision(6);
    for (const auto &split : reader.splits())
      {
        const auto s = reader.summarize(split);
        std::cout << "  split '" << s.name << "': " << s.n_trajectories << " trajectories of '"
                  << s.pde << "' (" << s.layout << " layout)\n";
        std::cout << "    grid: nt = " << s.nt << ", nx = " << s.nx;
        if (s.layout != "LPSDA 1D")
          std::cout << ", ny = " << s.ny;
        std::cout << "\n    datasets:";
        for (const auto &d : s.datasets)
          std::cout << " " << d;
        std::cout << "\n    t in [" << s.t_min << ", " << s.t_max << "], dt in [" << s.dt_min
                  << ", " << s.dt_max << "]\n";
        std::cout << "    x in [" << s.x_min << ", " << s.x_max << "], dx in [" << s.dx_min
                  << ", " << s.dx_max << "]\n";
        for (const auto &f : s.field_ranges)
          std::cout << "    field " << f.name << " in [" << f.min << ", " << f.max << "]\n";
        for (const auto &c : s.coefficient_ranges)
          std::cout << "    coefficient " << c.name << " in [" << c.min << ", " << c.max << "]\n";
        if (!s.initial_condition_names.empty())
          {
            std::cout << "    initial-condition parameters:";
            for (const auto &n : s.initial_condition_names)
              std::cout << " " << n;
            std::cout << "\n";
          }
        std::cout << "    seeds and generator configuration: "
                  << (s.has_seeds ? "stored" : "absent (not written by sslpde)") << "\n";
      }
    return 0;
  }
} // namespace

SSLPDE_REGISTER_COMMAND("inspect", "FILE.h5",
                        "Show the splits, shapes, coordinate and coefficient ranges of a "
                        "trajectory file (sslpde, LPSDA or PDEArena layout).",
                        inspect)
