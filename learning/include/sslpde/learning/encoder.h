// The "Encoder" plugin family: networks that map a batch of symmetry views to representations
// [B, representation_dim]. Also the TorchScript export of a trained encoder and FrozenEncoder,
// which loads such a file and embeds batches without knowing which plugin made it (the
// time-steppers condition on it; Python's torch.jit.load runs the same file).
#pragma once

#include <sslpde/plugin/parameters.h>

#include <mpi.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sslpde::learning
{
class Encoder : public torch::nn::Module
{
public:
  static constexpr const char *plugin_family = "Encoder";

  virtual ~Encoder() = default;
  virtual void parse_parameters(const ParameterValues &values) = 0;

  /**
   * Creates the layers for samples of shape `sample_shape` (without the batch dimension):
   * [C, nt, nx] for 1D space-time samples; [C, nx, ny] (time already folded into channels, the
   * layout of symmetries::Augmentation) or [C, nt, nx, ny] for 2D ones. Batch-norm statistics
   * are reduced over `comm` in training (MPI_COMM_NULL: this rank's batch only), so that N ranks
   * train exactly like one rank with the global batch.
   */
  virtual void build(const std::vector<std::int64_t> &sample_shape, MPI_Comm comm) = 0;

  /// [B, sample_shape...] -> [B, representation_dim()].
  virtual torch::Tensor forward(const torch::Tensor &views) = 0;

  virtual std::int64_t representation_dim() const = 0;

  /// Fixes the affine input normalisation (x - mean) / std per input channel (dimension 1 of
  /// the views), e.g. from training-set statistics; stored as buffers, so checkpoints and the
  /// TorchScript file carry it. The raw coordinate channels (t~, x~, u~) differ in scale by
  /// orders of magnitude, and a per-sample normalisation would erase the scales that carry the
  /// coefficients.
  virtual void set_input_statistics(const torch::Tensor &mean, const torch::Tensor &std) = 0;

  /// TorchScript source of forward() in evaluation mode. It refers to the tensors returned by
  /// script_tensors() as attributes `self.<name>`.
  virtual std::string script_source() const = 0;
  /// (name, tensor) of every parameter and buffer the script uses; names are identifiers.
  virtual std::vector<std::pair<std::string, torch::Tensor>> script_tensors() const = 0;

  const std::vector<std::int64_t> &sample_shape() const { return input_shape; }

protected:
  std::vector<std::int64_t> input_shape;
};

/// Creates encoder plugin `name` with its parameters and builds it for `sample_shape`.
std::shared_ptr<Encoder> create_encoder(const std::string &name, const ParameterValues &values,
                                        const std::vector<std::int64_t> &sample_shape,
                                        MPI_Comm comm);

/// The encoder as a TorchScript module (eval-mode forward, plus methods sample_shape() and
/// representation_dim()), with copies of the weights on the CPU.
torch::jit::Module to_torchscript(const Encoder &encoder);

/// Writes to_torchscript(encoder) to `path` (temporary name + rename).
void export_torchscript(const Encoder &encoder, const std::string &path);

/// A trained encoder loaded from its TorchScript file: frozen (no gradients), evaluation mode.
class FrozenEncoder
{
public:
  /// Throws naming `path` if the file cannot be read or is not an sslpde encoder.
  FrozenEncoder(const std::string &path, torch::Device device = torch::kCPU);

  /// [B, sample_shape...] -> [B, representation_dim], without gradients.
  torch::Tensor embed(const torch::Tensor &views);

  std::int64_t representation_dim() const { return dimension; }
  const std::vector<std::int64_t> &sample_shape() const { return shape; }

private:
  torch::jit::Module module;
  torch::Device device;
  std::int64_t dimension = 0;
  std::vector<std::int64_t> shape;
};
} // namespace sslpde::learning
