// Downstream coefficient regression (SCIENCE.md section 4): regression targets read from
// trajectories, the metrics of the paper, heads on frozen features (linear or MLP) and the
// supervised baseline (the same encoder architecture trained end to end on the labelled data with
// the same symmetry views).
#pragma once

#include <sslpde/learning/encoder.h>
#include <sslpde/learning/pretraining.h>
#include <sslpde/plugin/trajectory.h>

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include <functional>
#include <string>
#include <vector>

namespace sslpde::learning
{
/**
 * Targets [N, names.size()] (double). A name is a coefficient ("nu", "beta"), "L" (the domain
 * length), or "a1", "a2", ...: the magnitude of the initial condition's Fourier mode l, i.e.
 * |sum over k with l_k = l of A_k exp(i phi_k)| (translation invariant). Throws naming the
 * trajectory and the missing entry.
 */
torch::Tensor regression_targets(const std::vector<const Trajectory *> &trajectories,
                                 const std::vector<std::string> &names);

/// "relative error" (mean |y^ - y| / |y| * 100, per component then averaged), "nmse"
/// (mean over samples of ||y^ - y||^2 / ||y||^2) or "mse".
double regression_metric(const std::string &metric, const torch::Tensor &prediction,
                         const torch::Tensor &truth);

/// Standardisation of targets, optionally after a log (positive coefficients spread over a
/// decade, like Burgers' nu).
struct TargetScaler
{
  bool log = false;
  torch::Tensor mean, std;
  void fit(const torch::Tensor &y);
  torch::Tensor forward(const torch::Tensor &y) const;
  torch::Tensor inverse(const torch::Tensor &z) const;
};

struct HeadOptions
{
  std::string type = "linear"; // or "mlp"
  std::int64_t hidden = 256;
  std::int64_t epochs = 30;
  std::int64_t batch_size = 64;
  double learning_rate = 7e-4;
  std::uint64_t seed = 0;
};

/// Trains a head on frozen features [N, d] -> scaled targets [N, k] with Adam and MSE.
/// Returns the head (evaluation mode) and the per-epoch training loss.
torch::nn::Sequential train_head(const torch::Tensor &features, const torch::Tensor &targets,
                                 const HeadOptions &options, std::vector<double> *loss_history);

struct SupervisedOptions
{
  std::int64_t epochs = 30;
  std::int64_t batch_size = 32;
  double learning_rate = 1e-3;
  double weight_decay = 1e-6;
  bool augment = true;
  std::uint64_t seed = 0;
};

/// Encoder + linear head trained end to end.
class SupervisedModel : public torch::nn::Module
{
public:
  SupervisedModel(std::shared_ptr<Encoder> encoder, std::int64_t outputs);
  torch::Tensor forward(const torch::Tensor &views);
  std::shared_ptr<Encoder> encoder;
  torch::nn::Linear head{ nullptr };
};

/// Trains `model` on n labelled samples: views(indices, seeds) gives augmented views (seeded
/// per sample and epoch), plain(indices) the untransformed ones (used when !augment).
void train_supervised(SupervisedModel &model, const torch::Tensor &targets,
                      const ViewFunction &views,
                      const std::function<torch::Tensor(const std::vector<std::int64_t> &)> &plain,
                      const SupervisedOptions &options, std::vector<double> *loss_history);

/// Runs `network` in evaluation mode over n samples in batches; returns the stacked outputs.
torch::Tensor
predict_in_batches(const std::function<torch::Tensor(const torch::Tensor &)> &network,
                   std::int64_t n,
                   const std::function<torch::Tensor(const std::vector<std::int64_t> &)> &plain,
                   std::int64_t batch_size = 64);
} // namespace sslpde::learning
