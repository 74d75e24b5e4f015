// GoogleTest main for tests that use MPI but not deal.II. Only rank 0 prints; the exit code is
// the same on every rank, so one failing rank fails the whole mpiexec run instead of hanging it.
#include <gtest/gtest.h>
#include <mpi.h>

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0)
    {
      auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
    }
  int local_failure = RUN_ALL_TESTS() != 0 ? 1 : 0;
  int any_failure = 0;
  MPI_Allreduce(&local_failure, &any_failure, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return any_failure;
}
