// VICReg training throughput of the BENCHMARKS.md model: ResNet-18 (torchvision layout, 3 input
// channels), projector 512-512-512, AdamW, global batch 32 of 3 x 64 x 128 views (two views per
// sample). Run under mpiexec -np N for the data-parallel figure; prints samples/s next to the
// PyTorch reference. Usage: bench_vicreg_throughput [threads per rank] [steps] [reference
// samples/s]
#include <sslpde/plugin/allocator_tuning.h>
#include <sslpde/learning/distributed.h>
#include <sslpde/learning/optimizer.h>
#include <sslpde/learning/pretraining.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

using namespace sslpde::learning;

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  // The allocator setting of the sslpde driver, so the figures are what users get.
  sslpde::keep_large_allocations_on_heap();
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 5;
  const double reference = argc > 3 ? std::atof(argv[3]) : (threads >= 2 ? 28.2 : 20.5);
  set_threads_per_rank(threads, MPI_COMM_WORLD);
  const std::int64_t batch = 32;

  torch::manual_seed(0);
  sslpde::ParameterValues values("Encoder/resnet1d");
  values.set("Width", "64");
  values.set("Blocks per stage", "2, 2, 2, 2");
  values.set("Representation dimension", "0");
  values.set("Stem", "imagenet");
  auto encoder = create_encoder("resnet1d", values, { 3, 64, 128 }, MPI_COMM_WORLD);
  VicregModel model(encoder, { 512, 512, 512 }, MPI_COMM_WORLD);
  broadcast_parameters(model, MPI_COMM_WORLD);
  auto optimizer = make_adamw(model, 3e-4, 1e-6);
  model.train();
  const auto [begin, end] = shard_range(batch, rank, size);
  const std::int64_t local = end - begin;
  const torch::Tensor a = torch::randn({ local, 3, 64, 128 }),
                      b = torch::randn({ local, 3, 64, 128 });

  auto step = [&]()
  {
    const torch::Tensor z = model.forward(torch::cat({ a, b }, 0));
    const VicregLoss loss
        = vicreg_loss(z.narrow(0, 0, local), z.narrow(0, local, local), {}, MPI_COMM_WORLD);
    optimizer->zero_grad();
    loss.total.backward();
    average_gradients(model, MPI_COMM_WORLD);
    optimizer->step();
  };
  step(); // warm-up: allocations, first-touch
  MPI_Barrier(MPI_COMM_WORLD);
  const auto start = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; ++s)
    step();
  MPI_Barrier(MPI_COMM_WORLD);
  const double seconds
      = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (rank == 0)
  {
    const double ms = 1000 * seconds / steps, samples = batch * steps / seconds;
    std::printf("| ranks | threads/rank | ms per step | samples/s | PyTorch samples/s | ratio |\n");
    std::printf("|---|---|---|---|---|---|\n");
    std::printf("| %d | %d | %.0f | %.1f | %.1f | %.2f |\n", size, threads, ms, samples, reference,
                samples / reference);
  }
  MPI_Finalize();
  return 0;
}
