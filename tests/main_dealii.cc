// GoogleTest main for tests that use deal.II: MPI and PETSc are initialised through deal.II;
// only rank 0 prints; any failing rank fails the run on every rank.
#include <deal.II/base/mpi.h>

#include <gtest/gtest.h>

int main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  const unsigned int rank = dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD);
  if (rank != 0)
    {
      auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
    }
  const int local_failure = RUN_ALL_TESTS() != 0 ? 1 : 0;
  return dealii::Utilities::MPI::max(local_failure, MPI_COMM_WORLD);
}
