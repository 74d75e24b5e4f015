// Training a time-stepper with the LPSDA protocol: random windows (history of time_window frames,
// target the next time_window), AdamW, a step learning-rate schedule, optional push-forward
// unrolling and symmetry augmentation; data-parallel over MPI ranks (each rank its own shard of
// trajectories), with checkpoints for exact resume.
#pragma once

#include <sslpde/learning/checkpoint.h>
#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/learning/time_stepping/time_stepping_data.h>

#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

namespace sslpde::learning
{
/// Transforms a batch of training windows in place before it is cut into history and target:
/// window [B, 2 tw, F, space] with its dx, dt, t_start [B] (a symmetry may rescale them).
using WindowAugmentation
    = std::function<void(at::Tensor &window, at::Tensor &dx, at::Tensor &dt, at::Tensor &t_start)>;

struct TimeStepperTrainingOptions
{
  std::int64_t epochs = 20;
  /// Samples per step on each rank.
  std::int64_t batch_size = 16;
  /// Random windows drawn from each trajectory per epoch.
  std::int64_t windows_per_trajectory = 4;
  double learning_rate = 1e-3;
  double weight_decay = 1e-8;
  /// Epochs at which the learning rate is multiplied by `gamma` (LPSDA: step schedule).
  std::vector<std::int64_t> milestones;
  double gamma = 0.4;
  /// Push-forward: before the loss, up to this many windows are unrolled without gradient
  /// (the number drawn uniformly from 0..max per step), so the network learns from its own
  /// predictions (Brandstetter et al. 2022).
  std::int64_t pushforward_steps = 0;
  std::uint64_t seed = 0;
  /// Empty: no checkpoints. Otherwise written every `checkpoint_every` epochs and at the end,
  /// and training resumes from it when it exists.
  std::string checkpoint_file;
  std::int64_t checkpoint_every = 1;
  /// Ranks that train together; MPI_COMM_NULL: this process alone.
  MPI_Comm comm = MPI_COMM_NULL;
  /// Print a line per epoch on rank 0.
  bool verbose = false;
};

/**
 * Trains `network` on `data` (this rank's shard). Parameters are broadcast from rank 0 first;
 * every rank takes the same number of steps per epoch. Returns the state at the end (loss per
 * epoch, averaged over ranks). Deterministic for a given seed and number of ranks, including
 * across a resume.
 */
TrainingState train_time_stepper(TimeStepperNetwork &network, const TimeSteppingData &data,
                                 const TimeStepperTrainingOptions &options,
                                 const HistoryEmbedder &embedder = {},
                                 const WindowAugmentation &augmentation = {});
} // namespace sslpde::learning
