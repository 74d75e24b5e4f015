// The LPSDA training loop for time-steppers, data-parallel over MPI ranks.
#include <sslpde/learning/distributed.h>
#include <sslpde/learning/time_stepping/time_stepper_training.h>

#include <ATen/ATen.h>
#include <torch/optim/adamw.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <stdexcept>

namespace sslpde::learning
{
namespace
{
// A seed for (run seed, epoch, rank) so that an epoch draws the same windows whether or not
// training was resumed before it.
std::uint64_t epoch_seed(std::uint64_t seed, std::int64_t epoch, int rank)
{
  std::seed_seq sequence{ static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                          static_cast<std::uint32_t>(epoch), static_cast<std::uint32_t>(rank),
                          0x7157e9u };
  std::uint64_t out[1];
  std::uint32_t words[2];
  sequence.generate(words, words + 2);
  out[0] = (static_cast<std::uint64_t>(words[0]) << 32) | words[1];
  return out[0];
}

std::int64_t max_over_ranks(std::int64_t value, MPI_Comm comm)
{
  if (comm == MPI_COMM_NULL)
    return value;
  long long local = value, global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_LONG_LONG, MPI_MAX, comm);
  return global;
}
} // namespace

TrainingState train_time_stepper(TimeStepperNetwork &network, const TimeSteppingData &data,
                                 const TimeStepperTrainingOptions &options,
                                 const HistoryEmbedder &embedder,
                                 const WindowAugmentation &augmentation)
{
  int rank = 0, size = 1;
  if (options.comm != MPI_COMM_NULL)
  {
    MPI_Comm_rank(options.comm, &rank);
    MPI_Comm_size(options.comm, &size);
  }
  const TimeStepperShape &shape = network.shape();
  const std::int64_t tw = shape.time_window, n = data.size();
  if (n == 0)
    throw std::invalid_argument("Time-stepper training: rank " + std::to_string(rank)
                                + " holds no training trajectories");
  if (data.n_fields() != shape.n_fields || data.spatial_dimension() != shape.spatial_dimension)
    throw std::invalid_argument(
        "Time-stepper training: the data has " + std::to_string(data.n_fields()) + " fields in "
        + std::to_string(data.spatial_dimension()) + "D, the network was built for "
        + std::to_string(shape.n_fields) + " in " + std::to_string(shape.spatial_dimension) + "D");
  const std::int64_t nt = data.n_times();
  const std::int64_t max_unroll
      = std::max<std::int64_t>(0, std::min(options.pushforward_steps, nt / tw - 2));
  if (nt < 2 * tw)
    throw std::invalid_argument("Time-stepper training: trajectories have " + std::to_string(nt)
                                + " frames, fewer than two time windows (" + std::to_string(2 * tw)
                                + ")");
  if (shape.conditioned() && !embedder)
    throw std::invalid_argument("Time-stepper training: the network is conditioned but no "
                                "embedder (SSL encoder) was given");
  if (options.batch_size < 1 || options.windows_per_trajectory < 1)
    throw std::invalid_argument("Time-stepper training: batch size and windows per trajectory "
                                "must be positive");

  if (options.comm != MPI_COMM_NULL && size > 1)
    broadcast_parameters(network, options.comm);
  torch::optim::AdamW optimizer(
      network.parameters(),
      torch::optim::AdamWOptions(options.learning_rate).weight_decay(options.weight_decay));
  TrainingState state;
  state.rng_seed = options.seed;
  if (!options.checkpoint_file.empty())
    load_checkpoint(options.checkpoint_file, network, optimizer, state);
  network.train();

  const auto embed = [&](const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                         const at::Tensor &t_start)
  { return shape.conditioned() ? embedder(history, dx, dt, t_start) : at::Tensor(); };

  for (std::int64_t epoch = state.epoch; epoch < options.epochs; ++epoch)
  {
    double lr = options.learning_rate;
    for (auto milestone : options.milestones)
      if (epoch >= milestone)
        lr *= options.gamma;
    for (auto &group : optimizer.param_groups())
      static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);

    const std::uint64_t seed = epoch_seed(options.seed, epoch, rank);
    std::mt19937_64 rng(seed);
    at::manual_seed(seed); // the augmentation's draws
    std::vector<std::int64_t> order;
    for (std::int64_t r = 0; r < options.windows_per_trajectory; ++r)
      for (std::int64_t i = 0; i < n; ++i)
        order.push_back(i);
    std::shuffle(order.begin(), order.end(), rng);
    const std::int64_t batch = std::min<std::int64_t>(options.batch_size, order.size());
    const std::int64_t steps = max_over_ranks(
        (static_cast<std::int64_t>(order.size()) + batch - 1) / batch, options.comm);

    double loss_sum = 0;
    for (std::int64_t s = 0; s < steps; ++s)
    {
      const std::int64_t unroll = std::uniform_int_distribution<std::int64_t>(0, max_unroll)(rng);
      const std::int64_t length = (unroll + 2) * tw;
      std::uniform_int_distribution<std::int64_t> start_of(0, nt - length);
      std::vector<at::Tensor> windows;
      std::vector<std::int64_t> index;
      std::vector<double> starts;
      for (std::int64_t j = 0; j < batch; ++j)
      {
        const std::int64_t i = order[(s * batch + j) % order.size()];
        const std::int64_t start = start_of(rng);
        windows.push_back(data.fields[i].slice(0, start, start + length));
        index.push_back(i);
        starts.push_back(static_cast<double>(start));
      }
      const at::Tensor ids = at::tensor(index, at::kLong);
      at::Tensor window = at::stack(windows);
      at::Tensor dx = data.dx.index_select(0, ids).clone();
      at::Tensor dt = data.dt.index_select(0, ids).clone();
      at::Tensor t_start = data.t_start.index_select(0, ids) + dt * at::tensor(starts, at::kDouble);
      if (augmentation)
        augmentation(window, dx, dt, t_start);

      at::Tensor history = window.slice(1, 0, tw);
      {
        at::NoGradGuard no_grad;
        for (std::int64_t u = 0; u < unroll; ++u)
          history = network.forward(
              history, dx, dt, embed(history, dx, dt, t_start + dt * static_cast<double>(u * tw)));
      }
      const at::Tensor prediction = network.forward(
          history, dx, dt, embed(history, dx, dt, t_start + dt * static_cast<double>(unroll * tw)));
      const at::Tensor target = window.slice(1, (unroll + 1) * tw, (unroll + 2) * tw);
      const at::Tensor loss = (prediction - target).pow(2).mean();
      optimizer.zero_grad();
      loss.backward();
      if (options.comm != MPI_COMM_NULL && size > 1)
        average_gradients(network, options.comm);
      optimizer.step();
      loss_sum += loss.item<double>();
    }
    double epoch_loss = loss_sum / static_cast<double>(steps);
    if (options.comm != MPI_COMM_NULL && size > 1)
      epoch_loss = average_over_ranks(epoch_loss, options.comm);
    state.loss_history.push_back(epoch_loss);
    state.epoch = epoch + 1;
    state.step += steps;
    if (options.verbose && rank == 0)
      std::cout << "  time-stepper epoch " << epoch + 1 << "/" << options.epochs << "  lr " << lr
                << "  loss " << epoch_loss << std::endl;
    if (!options.checkpoint_file.empty()
        && ((epoch + 1) % std::max<std::int64_t>(1, options.checkpoint_every) == 0
            || epoch + 1 == options.epochs))
    {
      save_checkpoint(options.checkpoint_file, network, optimizer, state);
      if (options.comm != MPI_COMM_NULL)
        MPI_Barrier(options.comm);
    }
  }
  return state;
}
} // namespace sslpde::learning
