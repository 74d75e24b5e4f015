// VICReg pre-training loop, data-parallel over MPI: the same global batch order on every rank
// (seeded permutation), each rank its shard of every batch, two seeded views per sample (so a
// sample gets the same views on any number of ranks), gradients averaged, checkpoints for exact
// resume.
#pragma once

#include <sslpde/learning/checkpoint.h>
#include <sslpde/learning/encoder.h>
#include <sslpde/learning/vicreg.h>

#include <functional>
#include <string>

namespace sslpde::learning
{
/// Makes the views of samples `indices` (global sample numbers), one seed per sample; returns
/// [indices.size(), sample_shape...] on the training device.
using ViewFunction = std::function<torch::Tensor(const std::vector<std::int64_t> &indices,
                                                 const std::vector<std::uint64_t> &seeds)>;

struct PretrainingOptions
{
  std::int64_t epochs = 100;
  std::int64_t batch_size = 64;
  double learning_rate = 3e-4;
  double weight_decay = 1e-6;
  bool cosine_schedule = false;
  std::int64_t warmup_epochs = 0;
  VicregWeights weights;
  /// Hidden and output sizes of the projector (its input is the representation).
  std::vector<std::int64_t> projector_sizes{ 512, 512, 512 };
  std::uint64_t seed = 0;
  /// Empty: no checkpoints. Otherwise written every `checkpoint_interval` epochs and at the end,
  /// and resumed from when it exists.
  std::string checkpoint_file;
  std::int64_t checkpoint_interval = 1;
  /// Stop after this many epochs in this call (< 0: no limit); the resume test uses it to
  /// interrupt a run.
  std::int64_t max_epochs_this_call = -1;
  /// Rank 0 prints a progress line with the ETA.
  bool progress = true;
  std::string progress_label = "pretraining";
};

/// Seed of view `view` (0 or 1) of sample `index` in epoch `epoch` (a hash; rank independent).
std::uint64_t view_seed(std::uint64_t seed, std::int64_t epoch, std::int64_t index, int view);

/// The order in which epoch `epoch` visits n samples: the same on every rank.
std::vector<std::int64_t> epoch_permutation(std::int64_t n, std::uint64_t seed, std::int64_t epoch);

/// Encoder + projector: the network VICReg trains.
class VicregModel : public torch::nn::Module
{
public:
  VicregModel(std::shared_ptr<Encoder> encoder, const std::vector<std::int64_t> &projector_sizes,
              MPI_Comm comm);
  torch::Tensor forward(const torch::Tensor &views);

  std::shared_ptr<Encoder> encoder;
  torch::nn::Sequential projector;
};

struct PretrainingResult
{
  TrainingState state;
  /// Per-epoch mean of the three VICReg terms (weighted as in the loss).
  std::vector<double> invariance_history, variance_history, covariance_history;
  double seconds = 0;
  double samples_per_second = 0;
  bool finished = false;
};

/**
 * Trains `model` (already on its device) on n_samples samples. Every rank of `comm` calls it with
 * the same arguments; views(indices, seeds) is called only for this rank's shard of each batch.
 * The last batch of an epoch is dropped when it has fewer than 2 samples (VICReg needs B >= 2).
 */
PretrainingResult pretrain_vicreg(VicregModel &model, std::int64_t n_samples,
                                  const ViewFunction &views, const PretrainingOptions &options,
                                  MPI_Comm comm);

/// Rank-0 progress line "label: epoch e/E, loss L, elapsed, ETA", overwritten in place.
class ProgressLine
{
public:
  ProgressLine(std::string label, std::int64_t total_units, bool enabled);
  void update(std::int64_t done_units, const std::string &status);
  void finish(const std::string &status);

private:
  std::string label;
  std::int64_t total;
  bool enabled;
  double start;
};
} // namespace sslpde::learning
