// Neural time-steppers (LPSDA protocol): networks that map a window of past frames, the grid
// spacings dx, dt and optionally an embedding of the history to the next window of frames, and the
// "Time stepper" plugin family that builds them. Every network also writes its forward pass as
// TorchScript source, so a trained model can be exported and used without the training code.
#pragma once

#include <sslpde/plugin/parameters.h>

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sslpde::learning
{
/// How the embedding of the history enters the network.
enum class Conditioning
{
  none,     ///< unconditioned: the embedding is ignored (and may be undefined)
  channels, ///< projected to a few values, broadcast as extra input channels
  film,     ///< FiLM: per hidden layer, channel-wise scale (1 + gamma) and shift beta
  channels_and_film
};

/// "none", "channels", "film", "channels and film"; throws naming the bad value.
Conditioning parse_conditioning(const std::string &name);
std::string to_string(Conditioning conditioning);

/// The sizes a network is built for.
struct TimeStepperShape
{
  /// Frames in the history and in the prediction (20 in LPSDA).
  std::int64_t time_window = 20;
  /// Fields per frame: 1 for the 1D equations, 3 (smoke, vx, vy) for Navier-Stokes.
  std::int64_t n_fields = 1;
  /// 1 or 2.
  std::int64_t spatial_dimension = 1;
  /// Dimension d of the embedding; 0 means no conditioning.
  std::int64_t embedding_dimension = 0;
  Conditioning conditioning = Conditioning::none;
  /// Number of extra input channels the embedding is projected to (channel conditioning).
  std::int64_t conditioning_channels = 8;

  bool conditioned() const { return conditioning != Conditioning::none && embedding_dimension > 0; }
};

/**
 * A time-stepping network. forward() takes
 *   history   [B, time_window, n_fields, nx(, ny)],
 *   dx, dt    [B] (grid spacings, given to the network as constant channels),
 *   embedding [B, d] (ignored when unconditioned; pass an undefined tensor),
 * and returns the next time_window frames, same shape as history. The network predicts the change
 * from the last history frame.
 */
class TimeStepperNetwork : public torch::nn::Module
{
public:
  TimeStepperNetwork(std::string architecture, const TimeStepperShape &shape);

  virtual at::Tensor forward(const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                             const at::Tensor &embedding)
      = 0;

  /// TorchScript source of `def forward(self, history, dx, dt, embedding) -> Tensor`, computing
  /// exactly what forward() computes, with each parameter read as self.<name with '.' -> '_'>.
  virtual std::string torchscript_forward() const = 0;

  const TimeStepperShape &shape() const { return network_shape; }
  const std::string &architecture() const { return architecture_name; }

protected:
  /// Registers the conditioning layers: a projection to extra channels and, for FiLM, one
  /// (scale, shift) layer per hidden width in film_widths.
  void setup_conditioning(const std::vector<std::int64_t> &film_widths);
  /// Input channels the first layer sees: time_window * n_fields + 2 (dx, dt) + conditioning.
  std::int64_t input_channels() const;
  std::int64_t output_channels() const
  {
    return network_shape.time_window * network_shape.n_fields;
  }

  /// [B, input_channels(), nx(, ny)]: history frames, dx, dt and the conditioning channels.
  at::Tensor assemble_input(const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                            const at::Tensor &embedding) const;
  /// h * (1 + gamma_layer(e)) + beta_layer(e) when FiLM is on, else h.
  at::Tensor film(std::size_t layer, const at::Tensor &h, const at::Tensor &embedding) const;
  /// Network output [B, output_channels(), ...] -> last history frame + output as [B, tw, F, ...].
  at::Tensor finish_output(const at::Tensor &output, const at::Tensor &history) const;

  /// TorchScript lines (4-space indented) that set `x` from history, dx, dt, embedding.
  std::string torchscript_assemble_input() const;
  /// TorchScript expression for film(layer, variable).
  std::string torchscript_film(std::size_t layer, const std::string &variable) const;
  /// TorchScript line returning the finished output of `variable`.
  std::string torchscript_finish_output(const std::string &variable) const;

  bool uses_film() const;
  bool uses_channels() const;

private:
  std::string architecture_name;
  TimeStepperShape network_shape;
  // mutable: the forward helpers are const, ModuleHolder::operator-> of a const holder is not.
  mutable torch::nn::Linear condition_projection{ nullptr };
  mutable std::vector<torch::nn::Linear> film_layers;
};

/// Circular padding of the last `dimensions` axes by (kernel - 1) / 2 on each side.
at::Tensor pad_circular(const at::Tensor &x, std::int64_t kernel, int dimensions = 1);
/// Same as TorchScript source: an expression padding `variable` of a 1D signal.
std::string torchscript_pad_circular(const std::string &variable, std::int64_t kernel);

/**
 * The "Time stepper" plugin family: each plugin holds its parsed hyperparameters and builds
 * networks for a given shape (fresh weights from torch's generator, so seed it first).
 */
class TimeStepper
{
public:
  static constexpr const char *plugin_family = "Time stepper";
  virtual ~TimeStepper() = default;

  virtual void parse_parameters(const ParameterValues &values) = 0;
  virtual std::shared_ptr<TimeStepperNetwork>
  create_network(const TimeStepperShape &shape) const = 0;
  /// Spatial dimensions the architecture handles (1 or 2).
  virtual int spatial_dimension() const = 0;
};

/// Builds plugin `name` with default parameters overridden by `overrides` and a network for
/// `shape` (a shortcut for tests, benchmarks and the task).
std::shared_ptr<TimeStepperNetwork>
create_time_stepper_network(const std::string &name, const TimeStepperShape &shape,
                            const std::vector<std::pair<std::string, std::string>> &overrides = {});
} // namespace sslpde::learning
