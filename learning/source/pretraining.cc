// The VICReg training loop (data-parallel, resumable) and the rank-0 progress line.
#include <sslpde/learning/distributed.h>
#include <sslpde/learning/optimizer.h>
#include <sslpde/learning/pretraining.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <random>
#include <sstream>
#include <unistd.h>

namespace sslpde::learning
{
namespace
{
double now_seconds()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::uint64_t splitmix64(std::uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string format_duration(double seconds)
{
  const long s = static_cast<long>(std::llround(std::max(0.0, seconds)));
  char text[32];
  if (s >= 3600)
    std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(text, sizeof(text), "%ld:%02ld", s / 60, s % 60);
  return text;
}

int rank_of(MPI_Comm comm)
{
  int rank = 0;
  if (comm != MPI_COMM_NULL)
    MPI_Comm_rank(comm, &rank);
  return rank;
}

int size_of(MPI_Comm comm)
{
  int size = 1;
  if (comm != MPI_COMM_NULL)
    MPI_Comm_size(comm, &size);
  return size;
}
} // namespace

std::uint64_t view_seed(std::uint64_t seed, std::int64_t epoch, std::int64_t index, int view)
{
  std::uint64_t h = splitmix64(seed ^ 0x5eed5eed5eedULL);
  h = splitmix64(h ^ static_cast<std::uint64_t>(epoch));
  h = splitmix64(h ^ static_cast<std::uint64_t>(index));
  return splitmix64(h ^ static_cast<std::uint64_t>(view));
}

std::vector<std::int64_t> epoch_permutation(std::int64_t n, std::uint64_t seed, std::int64_t epoch)
{
  std::vector<std::int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 generator(
      splitmix64(seed + 0x1234567ULL * static_cast<std::uint64_t>(epoch + 1)));
  // Fisher-Yates with our own draws: std::shuffle's use of the engine is implementation-defined.
  for (std::int64_t i = n - 1; i > 0; --i)
  {
    const std::int64_t j
        = static_cast<std::int64_t>(generator() % static_cast<std::uint64_t>(i + 1));
    std::swap(order[i], order[j]);
  }
  return order;
}

VicregModel::VicregModel(std::shared_ptr<Encoder> encoder_,
                         const std::vector<std::int64_t> &projector_sizes, MPI_Comm comm)
    : encoder(std::move(encoder_))
{
  register_module("encoder", encoder);
  std::vector<std::int64_t> sizes{ encoder->representation_dim() };
  sizes.insert(sizes.end(), projector_sizes.begin(), projector_sizes.end());
  projector = register_module("projector", make_projector(sizes, comm));
}

torch::Tensor VicregModel::forward(const torch::Tensor &views)
{
  return projector->forward(encoder->forward(views));
}

ProgressLine::ProgressLine(std::string label_, std::int64_t total_units, bool enabled_)
    : label(std::move(label_)), total(total_units), enabled(enabled_), start(now_seconds())
{
}

void ProgressLine::update(std::int64_t done, const std::string &status)
{
  if (!enabled)
    return;
  const double elapsed = now_seconds() - start;
  const double eta = done > 0 ? elapsed * static_cast<double>(total - done) / done : 0.0;
  std::ostringstream line;
  line << label << ": " << status << ", elapsed " << format_duration(elapsed) << ", ETA "
       << format_duration(eta);
  // In place on a terminal; one line per update in a log file.
  if (isatty(fileno(stdout)))
    std::cout << "\r" << line.str() << "   " << std::flush;
  else
    std::cout << line.str() << std::endl;
}

void ProgressLine::finish(const std::string &status)
{
  if (!enabled)
    return;
  std::ostringstream line;
  line << label << ": " << status << " in " << format_duration(now_seconds() - start);
  if (isatty(fileno(stdout)))
    std::cout << "\r" << line.str() << "                    " << std::endl;
  else
    std::cout << line.str() << std::endl;
}

PretrainingResult pretrain_vicreg(VicregModel &model, std::int64_t n_samples,
                                  const ViewFunction &views, const PretrainingOptions &options,
                                  MPI_Comm comm)
{
  if (n_samples < 2)
    throw std::invalid_argument("VICReg pre-training needs at least 2 samples, got "
                                + std::to_string(n_samples));
  if (options.batch_size < 2)
    throw std::invalid_argument("Pretraining: 'Batch size' must be at least 2");
  const int rank = rank_of(comm), size = size_of(comm);
  broadcast_parameters(model, comm);
  std::unique_ptr<torch::optim::AdamW> optimizer
      = make_adamw(model, options.learning_rate, options.weight_decay);

  PretrainingResult result;
  TrainingState &state = result.state;
  state.rng_seed = options.seed;
  if (!options.checkpoint_file.empty())
  {
    load_checkpoint(options.checkpoint_file, model, *optimizer, state);
    if (state.rng_seed != options.seed)
      throw std::runtime_error("Checkpoint '" + options.checkpoint_file + "' was written with seed "
                               + std::to_string(state.rng_seed) + ", this run uses seed "
                               + std::to_string(options.seed));
  }

  const std::int64_t full_batches = n_samples / options.batch_size;
  const std::int64_t remainder = n_samples % options.batch_size;
  const std::int64_t steps_per_epoch = full_batches + (remainder >= 2 ? 1 : 0);
  const std::int64_t total_steps = steps_per_epoch * options.epochs;
  const std::int64_t warmup_steps = steps_per_epoch * options.warmup_epochs;

  ProgressLine progress(options.progress_label, total_steps, options.progress && rank == 0);
  const double start = now_seconds();
  std::int64_t samples_seen = 0;
  std::int64_t epochs_this_call = 0;
  model.train();
  while (state.epoch < options.epochs)
  {
    if (options.max_epochs_this_call >= 0 && epochs_this_call >= options.max_epochs_this_call)
      break;
    const std::vector<std::int64_t> order = epoch_permutation(n_samples, options.seed, state.epoch);
    double sum_total = 0, sum_inv = 0, sum_var = 0, sum_cov = 0;
    for (std::int64_t s = 0; s < steps_per_epoch; ++s)
    {
      const std::int64_t begin = s * options.batch_size;
      const std::int64_t end = std::min(n_samples, begin + options.batch_size);
      const auto [local_begin, local_end] = shard_range(end - begin, rank, size);
      std::vector<std::int64_t> indices;
      std::vector<std::uint64_t> seeds_a, seeds_b;
      for (std::int64_t i = begin + local_begin; i < begin + local_end; ++i)
      {
        indices.push_back(order[i]);
        seeds_a.push_back(view_seed(options.seed, state.epoch, order[i], 0));
        seeds_b.push_back(view_seed(options.seed, state.epoch, order[i], 1));
      }
      // Both views go through the network as one batch (fewer, larger kernels); batch-norm
      // statistics are then taken over both views together.
      const torch::Tensor view_a = views(indices, seeds_a);
      const torch::Tensor view_b = views(indices, seeds_b);
      const std::int64_t local = static_cast<std::int64_t>(indices.size());
      torch::Tensor z_a, z_b;
      {
        const torch::Tensor z = model.forward(torch::cat({ view_a, view_b }, 0));
        z_a = z.narrow(0, 0, local);
        z_b = z.narrow(0, local, local);
      }
      const VicregLoss loss = vicreg_loss(z_a, z_b, options.weights, comm);
      set_learning_rate(*optimizer,
                        scheduled_learning_rate(options.learning_rate, state.step, total_steps,
                                                warmup_steps, options.cosine_schedule));
      optimizer->zero_grad();
      loss.total.backward();
      average_gradients(model, comm);
      optimizer->step();
      ++state.step;
      samples_seen += end - begin;
      sum_total += loss.total.item<double>();
      sum_inv += options.weights.invariance * loss.invariance.item<double>();
      sum_var += options.weights.variance * loss.variance.item<double>();
      sum_cov += options.weights.covariance * loss.covariance.item<double>();
      if (!std::isfinite(loss.total.item<double>()))
        throw std::runtime_error("VICReg loss became " + std::to_string(loss.total.item<double>())
                                 + " in epoch " + std::to_string(state.epoch + 1)
                                 + "; lower the learning rate or check the data");
      std::ostringstream status;
      status << "epoch " << state.epoch + 1 << "/" << options.epochs << ", step " << s + 1 << "/"
             << steps_per_epoch << ", loss " << loss.total.item<double>();
      progress.update(state.step, status.str());
    }
    // The loss is computed on the global batch, so it is already the same on every rank.
    state.loss_history.push_back(sum_total / steps_per_epoch);
    result.invariance_history.push_back(sum_inv / steps_per_epoch);
    result.variance_history.push_back(sum_var / steps_per_epoch);
    result.covariance_history.push_back(sum_cov / steps_per_epoch);
    ++state.epoch;
    ++epochs_this_call;
    if (!options.checkpoint_file.empty()
        && (state.epoch % std::max<std::int64_t>(1, options.checkpoint_interval) == 0
            || state.epoch == options.epochs))
      save_checkpoint(options.checkpoint_file, model, *optimizer, state);
  }
  result.seconds = now_seconds() - start;
  result.samples_per_second = result.seconds > 0 ? samples_seen / result.seconds : 0;
  result.finished = state.epoch >= options.epochs;
  std::ostringstream status;
  status << "epoch " << state.epoch << "/" << options.epochs;
  if (!state.loss_history.empty())
    status << ", loss " << state.loss_history.back();
  progress.finish(status.str());
  model.eval();
  return result;
}
} // namespace sslpde::learning
