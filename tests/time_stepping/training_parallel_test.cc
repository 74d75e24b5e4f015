// Data-parallel training on 2 ranks: parameters stay identical on every rank, and training
// interrupted after a checkpoint and resumed ends with exactly the parameters of an uninterrupted
// run (same seed, same ranks).
#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/learning/time_stepping/time_stepper_training.h>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>

using namespace sslpde::learning;

namespace
{
TimeSteppingData random_shard(int rank)
{
  at::manual_seed(100 + rank);
  TimeSteppingData data;
  data.fields = at::randn({ 6, 12, 1, 16 });
  data.dx = at::full({ 6 }, 0.1, at::kDouble);
  data.dt = at::full({ 6 }, 0.05, at::kDouble);
  data.t_start = at::zeros({ 6 }, at::kDouble);
  data.field_names = { "u" };
  return data;
}

std::shared_ptr<TimeStepperNetwork> tiny_network(Conditioning conditioning)
{
  TimeStepperShape shape;
  shape.time_window = 3;
  shape.embedding_dimension = conditioning == Conditioning::none ? 0 : 4;
  shape.conditioning = conditioning;
  return create_time_stepper_network("cnn", shape,
                                     { { "Width", "8" }, { "Kernel sizes", "3, 5, 3" } });
}

at::Tensor flat_parameters(TimeStepperNetwork &network)
{
  std::vector<at::Tensor> parts;
  for (const auto &p : network.parameters())
    parts.push_back(p.detach().reshape({ -1 }));
  return at::cat(parts);
}

// A deterministic stand-in for the SSL encoder: per-sample statistics of the history.
at::Tensor statistics_embedding(const at::Tensor &history, const at::Tensor &, const at::Tensor &,
                                const at::Tensor &)
{
  const at::Tensor flat = history.reshape({ history.size(0), -1 });
  return at::stack({ flat.mean(1), flat.std(1), flat.amax(1), flat.amin(1) }, 1);
}
} // namespace

TEST(TimeStepperTrainingParallel, RanksAgreeAndResumeIsExact)
{
  at::set_num_threads(1);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const TimeSteppingData shard = random_shard(rank);
  const std::string checkpoint = std::string(SSLPDE_BINARY_DIR) + "/time_stepper_resume_test.ckpt";
  if (rank == 0)
    std::remove(checkpoint.c_str());
  MPI_Barrier(MPI_COMM_WORLD);

  for (auto conditioning : { Conditioning::none, Conditioning::channels_and_film })
  {
    TimeStepperTrainingOptions options;
    options.epochs = 4;
    options.batch_size = 4;
    options.windows_per_trajectory = 2;
    options.milestones = { 2 };
    options.pushforward_steps = 1;
    options.seed = 3;
    options.comm = MPI_COMM_WORLD;
    const HistoryEmbedder embedder = conditioning == Conditioning::none
                                         ? HistoryEmbedder()
                                         : HistoryEmbedder(statistics_embedding);
    // Different initial weights per rank: the broadcast must make them equal.
    at::manual_seed(rank);
    auto straight = tiny_network(conditioning);
    const TrainingState full = train_time_stepper(*straight, shard, options, embedder);
    ASSERT_EQ(full.loss_history.size(), 4u);

    const at::Tensor mine = flat_parameters(*straight);
    at::Tensor other = mine.clone();
    MPI_Bcast(other.data_ptr<float>(), other.numel(), MPI_FLOAT, 0, MPI_COMM_WORLD);
    EXPECT_TRUE(at::equal(mine, other)) << "parameters differ between ranks";

    // Interrupted run: 2 epochs with a checkpoint, then a fresh network resumed to 4.
    options.checkpoint_file = checkpoint;
    options.epochs = 2;
    at::manual_seed(rank); // the same starting weights as the uninterrupted run
    auto first = tiny_network(conditioning);
    train_time_stepper(*first, shard, options, embedder);
    options.epochs = 4;
    auto resumed = tiny_network(conditioning);
    {
      at::NoGradGuard no_grad;
      for (auto &p : resumed->parameters())
        p.mul_(0.5); // garbage: the checkpoint must overwrite it
    }
    const TrainingState after = train_time_stepper(*resumed, shard, options, embedder);
    EXPECT_EQ(after.epoch, 4);
    ASSERT_EQ(after.loss_history.size(), 4u);
    for (int e = 0; e < 4; ++e)
      EXPECT_DOUBLE_EQ(after.loss_history[e], full.loss_history[e]) << "epoch " << e;
    EXPECT_TRUE(at::equal(flat_parameters(*resumed), flat_parameters(*straight)))
        << "resumed training differs from uninterrupted training";
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
      std::remove(checkpoint.c_str());
    MPI_Barrier(MPI_COMM_WORLD);
  }
}
