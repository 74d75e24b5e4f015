// The same seed gives the same Navier-Stokes trajectory whether one rank or two ranks share the
// distributed mesh (to the Krylov tolerance): partition-independent randomness, pressure
// normalisation and output evaluation.
#include <sslpde/solvers/navier_stokes.h>

#include <gtest/gtest.h>

#include <mpi.h>

#include <cmath>

using sslpde::solvers::NavierStokesSolver;

TEST(NavierStokesMPI, TwoRanksEqualOneRank)
{
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  ASSERT_EQ(size, 2);
  NavierStokesSolver solver;
  solver.settings.cells_per_direction = 16;
  solver.settings.output_nx = 32;
  solver.settings.output_ny = 32;
  solver.settings.first_saved_time = 2;
  solver.settings.saved_time_step = 2;
  solver.settings.n_saved_frames = 2;
  solver.settings.noise_grid_points = 32;
  solver.settings.smoke_correlation_length = 3;
  solver.settings.solver_tolerance = 1e-12;

  const sslpde::Trajectory shared = solver.generate(5, MPI_COMM_WORLD);
  const sslpde::Trajectory alone = solver.generate(5, MPI_COMM_SELF);
  ASSERT_EQ(shared.fields.size(), alone.fields.size());
  EXPECT_EQ(shared.coefficients, alone.coefficients);
  for (std::size_t f = 0; f < shared.fields.size(); ++f)
  {
    double scale = 0, difference = 0;
    for (std::size_t i = 0; i < shared.fields[f].size(); ++i)
    {
      scale = std::max(scale, std::abs(alone.fields[f][i]));
      difference = std::max(difference, std::abs(shared.fields[f][i] - alone.fields[f][i]));
    }
    ASSERT_GT(scale, 0) << shared.field_names[f];
    EXPECT_LT(difference, 1e-7 * scale) << shared.field_names[f];
  }
}
