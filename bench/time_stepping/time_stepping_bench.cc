// Throughput of the time-steppers on the CPU: training (forward + backward + AdamW + gradient
// averaging) and inference (one window forward) in predicted frames per second, summed over the
// ranks. Run it with mpiexec -np 1 and -np 2. BENCHMARKS.md has no reference figure for neural
// time-steppers, so the table gives ours only.
//   time_stepping_bench [STEPS]
#include <sslpde/plugin/allocator_tuning.h>
#include <sslpde/learning/distributed.h>
#include <sslpde/learning/time_stepping/time_stepper.h>

#include <ATen/ATen.h>
#include <mpi.h>
#include <torch/optim/adamw.h>

#include <chrono>
#include <cstdio>
#include <iostream>

using namespace sslpde::learning;

namespace
{
struct Setup
{
  std::string label, name;
  std::vector<std::pair<std::string, std::string>> overrides;
  int dimension;
  std::int64_t nx, batch;
};

double now()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  // The allocator setting of the sslpde driver, so the figures are what users get.
  sslpde::keep_large_allocations_on_heap();
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int steps = argc > 1 ? std::atoi(argv[1]) : 5;
  const int threads = set_threads_per_rank(0, MPI_COMM_WORLD);
  const std::vector<Setup> setups = {
    { "LPSDA CNN (width 128), 1D nx 256", "cnn", {}, 1, 256, 16 },
    { "FNO 1D (5 layers, 32 modes, width 256), nx 256", "fno 1d", {}, 1, 256, 16 },
    { "FNO 1D quick (4 layers, 12 modes, width 32), nx 64",
      "fno 1d",
      { { "Width", "32" }, { "Modes", "12" }, { "Layers", "4" }, { "Projection width", "32" } },
      1,
      64,
      16 },
    { "CNN quick (width 32), nx 64", "cnn", { { "Width", "32" } }, 1, 64, 16 },
    { "FNO 2D (4 layers, 12 modes, width 32), 3 fields 64x64",
      "fno 2d",
      { { "Width", "32" }, { "Modes", "12" } },
      2,
      64,
      2 },
  };
  if (rank == 0)
    std::printf(
        "Time-stepper throughput, %d rank(s) x %d thread(s), time window 20, %d timed steps\n"
        "| architecture | batch/rank | train frames/s | inference frames/s | reference | ratio |\n"
        "|---|---|---|---|---|---|\n",
        size, threads, steps);
  for (const auto &s : setups)
  {
    TimeStepperShape shape;
    shape.time_window = 20;
    shape.spatial_dimension = s.dimension;
    shape.n_fields = s.dimension == 1 ? 1 : 3;
    at::manual_seed(0);
    auto network = create_time_stepper_network(s.name, shape, s.overrides);
    broadcast_parameters(*network, MPI_COMM_WORLD);
    torch::optim::AdamW optimizer(network->parameters(), torch::optim::AdamWOptions(1e-4));
    std::vector<std::int64_t> sizes{ s.batch, 20, shape.n_fields, s.nx };
    if (s.dimension == 2)
      sizes.push_back(s.nx);
    const at::Tensor history = at::randn(sizes), target = at::randn(sizes);
    const at::Tensor dx = at::full({ s.batch }, 0.1, at::kDouble),
                     dt = at::full({ s.batch }, 0.05, at::kDouble);
    auto train_step = [&]
    {
      const at::Tensor loss = (network->forward(history, dx, dt, {}) - target).pow(2).mean();
      optimizer.zero_grad();
      loss.backward();
      average_gradients(*network, MPI_COMM_WORLD);
      optimizer.step();
    };
    train_step(); // warm-up
    MPI_Barrier(MPI_COMM_WORLD);
    double start = now();
    for (int i = 0; i < steps; ++i)
      train_step();
    MPI_Barrier(MPI_COMM_WORLD);
    const double train_seconds = now() - start;
    {
      at::NoGradGuard no_grad;
      network->forward(history, dx, dt, {});
      MPI_Barrier(MPI_COMM_WORLD);
      start = now();
      for (int i = 0; i < steps; ++i)
        network->forward(history, dx, dt, {});
      MPI_Barrier(MPI_COMM_WORLD);
    }
    const double inference_seconds = now() - start;
    const double frames = static_cast<double>(steps) * s.batch * 20 * size;
    if (rank == 0)
      std::printf("| %s | %ld | %.0f | %.0f | none in BENCHMARKS.md | - |\n", s.label.c_str(),
                  static_cast<long>(s.batch), frames / train_seconds, frames / inference_seconds);
  }
  MPI_Finalize();
  return 0;
}
