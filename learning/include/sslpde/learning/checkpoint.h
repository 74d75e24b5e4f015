// Checkpoints for exact resume: model parameters and buffers, optimiser state, epoch/step, loss
// history and the RNG state. Written by rank 0 to a temporary name and renamed, so a crash never
// leaves a file that looks whole. Separate from the TorchScript model file used for inference.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sslpde::learning
{
struct TrainingState
{
  std::int64_t epoch = 0;
  std::int64_t step = 0;
  std::vector<double> loss_history;
  /// Per-epoch validation (or any secondary) history; may stay empty.
  std::vector<double> secondary_history;
  /// The trainer's own random stream (shuffling, view seeds): its seed and how far it went.
  std::uint64_t rng_seed = 0;
  std::uint64_t rng_counter = 0;
  /// torch's CPU generator state (dropout etc.), saved and restored with the checkpoint.
  std::vector<std::uint8_t> torch_rng_state;
};

/// Writes model + optimiser + state to `path` (temporary name, then rename). Call it on every
/// rank; only rank 0 of `comm` writes (MPI_COMM_NULL: this process writes).
void save_checkpoint(const std::string &path, torch::nn::Module &model,
                     torch::optim::Optimizer &optimizer, const TrainingState &state);

/// Returns false if `path` does not exist; throws naming the file if it is unreadable or does
/// not match the model (missing parameter, wrong shape).
bool load_checkpoint(const std::string &path, torch::nn::Module &model,
                     torch::optim::Optimizer &optimizer, TrainingState &state);

/// Writes `bytes` to `path` through a temporary file and a rename.
void write_file_atomically(const std::string &path, const std::string &bytes);
} // namespace sslpde::learning
