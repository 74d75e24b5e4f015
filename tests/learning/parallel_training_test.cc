// Data-parallel VICReg on 2 ranks reaches the same weights as one rank with the same global batch
// (synchronised batch norm, gathered VICReg embeddings, averaged gradients), including a short
// last batch. Run under mpiexec -np 2; the 1-rank run happens inside the test on MPI_COMM_SELF.
#include <sslpde/learning/distributed.h>
#include <sslpde/learning/pretraining.h>

#include <gtest/gtest.h>

#include "tiny_model.h"

using namespace sslpde::learning;

TEST(LearningParallelTraining, TwoRanksEqualOneRank)
{
  int size = 1, rank = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  set_threads_per_rank(1, MPI_COMM_WORLD);

  PretrainingOptions options;
  options.epochs = 2;
  options.batch_size = 6;
  options.learning_rate = 2e-3;
  options.projector_sizes = { 8, 8 };
  options.seed = 5;
  options.progress = false;
  const std::int64_t n = 14; // batches of 6, 6, 2: the short one is split 1 + 1

  std::vector<std::int64_t> asked;
  const ViewFunction views = [&](const auto &i, const auto &s)
  {
    asked.insert(asked.end(), i.begin(), i.end());
    return fixtures::synthetic_views(i, s);
  };

  VicregModel parallel(fixtures::tiny_encoder(MPI_COMM_WORLD, 4, 3 + rank),
                       std::vector<std::int64_t>{ 8, 8 }, MPI_COMM_WORLD);
  parallel.to(torch::kDouble);
  pretrain_vicreg(parallel, n, views, options, MPI_COMM_WORLD);
  // Each rank made views only for its shard.
  EXPECT_LT(asked.size(), static_cast<std::size_t>(2 * 2 * n / size + 4));

  // The single-rank reference: initial weights of rank 0 (the broadcast ones).
  VicregModel serial(fixtures::tiny_encoder(MPI_COMM_SELF, 4, 3), std::vector<std::int64_t>{ 8, 8 },
                     MPI_COMM_SELF);
  serial.to(torch::kDouble);
  pretrain_vicreg(serial, n, views, options, MPI_COMM_SELF);

  const double difference = fixtures::max_parameter_difference(parallel, serial);
  // Agreement to round-off: Adam divides by sqrt(v), which magnifies last-bit differences of
  // the reduction order in near-zero gradients to ~1e-8.
  EXPECT_LT(difference, 1e-6) << "rank " << rank;
  // And the weights moved: the test would pass trivially otherwise.
  VicregModel initial(fixtures::tiny_encoder(MPI_COMM_SELF, 4, 3),
                      std::vector<std::int64_t>{ 8, 8 }, MPI_COMM_SELF);
  initial.to(torch::kDouble);
  EXPECT_GT(fixtures::max_parameter_difference(initial, serial), 1e-4);
}

TEST(LearningParallelTraining, AverageAndShards)
{
  int size = 1, rank = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  EXPECT_DOUBLE_EQ(average_over_ranks(rank, MPI_COMM_WORLD), (size - 1) / 2.0);
  std::int64_t covered = 0;
  for (int r = 0; r < size; ++r)
  {
    const auto [b, e] = shard_range(7, r, size);
    EXPECT_EQ(b, covered);
    covered = e;
  }
  EXPECT_EQ(covered, 7);
  // all_gather_rows: concatenation in rank order, rows may differ per rank.
  const torch::Tensor local
      = torch::full({ rank + 1, 2 }, static_cast<double>(rank), torch::kDouble);
  const torch::Tensor all = all_gather_rows(local, MPI_COMM_WORLD);
  EXPECT_EQ(all.size(0), size * (size + 1) / 2);
  EXPECT_DOUBLE_EQ(all[all.size(0) - 1][0].item<double>(), size - 1.0);
}
