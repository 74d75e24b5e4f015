// TorchScript export of a trained time-stepper (built with torch::jit::Module::define from the
// network's own TorchScript source, so it loads in Python's torch.jit.load and in sslpde without
// the training code) and the loaded model for inference alone.
#pragma once

#include <sslpde/learning/time_stepping/time_stepper.h>

#include <torch/csrc/jit/api/module.h>

#include <string>

namespace sslpde::learning
{
/// The network as a TorchScript module: forward(history, dx, dt, embedding) as in
/// TimeStepperNetwork, and methods architecture(), time_window(), n_fields(),
/// spatial_dimension(), embedding_dimension(), conditioning().
torch::jit::Module to_torchscript(const TimeStepperNetwork &network);

/// Writes to_torchscript(network) to `path` (temporary name + rename).
void export_torchscript(const TimeStepperNetwork &network, const std::string &path);

/// A time-stepper loaded from its TorchScript file, for inference.
class LoadedTimeStepper
{
public:
  /// Throws naming `path` if it cannot be read or is not an sslpde time-stepper.
  explicit LoadedTimeStepper(const std::string &path);

  /// One window: as TimeStepperNetwork::forward, without gradients. Pass an undefined
  /// embedding for unconditioned models.
  at::Tensor step(const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                  const at::Tensor &embedding = {});

  const TimeStepperShape &shape() const { return model_shape; }
  const std::string &architecture() const { return architecture_name; }

private:
  torch::jit::Module module;
  TimeStepperShape model_shape;
  std::string architecture_name;
};
} // namespace sslpde::learning
