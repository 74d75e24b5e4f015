// The parts every time-stepping network shares: input assembly (history, dx, dt, conditioning
// channels), FiLM, the residual output, and the same three as TorchScript source.
#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/plugin/plugin_registry.h>

#include <ATen/ATen.h>

#include <stdexcept>

namespace sslpde::learning
{
Conditioning parse_conditioning(const std::string &name)
{
  if (name == "none")
    return Conditioning::none;
  if (name == "channels")
    return Conditioning::channels;
  if (name == "film")
    return Conditioning::film;
  if (name == "channels and film")
    return Conditioning::channels_and_film;
  throw std::invalid_argument("Unknown conditioning '" + name
                              + "': expected none, channels, film or 'channels and film'");
}

std::string to_string(Conditioning conditioning)
{
  switch (conditioning)
  {
  case Conditioning::none:
    return "none";
  case Conditioning::channels:
    return "channels";
  case Conditioning::film:
    return "film";
  case Conditioning::channels_and_film:
    return "channels and film";
  }
  return "none";
}

TimeStepperNetwork::TimeStepperNetwork(std::string architecture, const TimeStepperShape &shape)
    : architecture_name(std::move(architecture)), network_shape(shape)
{
  if (shape.time_window < 1 || shape.n_fields < 1)
    throw std::invalid_argument("Time stepper '" + architecture_name
                                + "': time window and number of fields must be positive");
  if (shape.conditioning != Conditioning::none && shape.embedding_dimension < 1)
    throw std::invalid_argument("Time stepper '" + architecture_name + "': conditioning '"
                                + to_string(shape.conditioning)
                                + "' needs a positive embedding dimension");
  if (!shape.conditioned())
    network_shape.conditioning = Conditioning::none;
}

bool TimeStepperNetwork::uses_channels() const
{
  return network_shape.conditioning == Conditioning::channels
         || network_shape.conditioning == Conditioning::channels_and_film;
}

bool TimeStepperNetwork::uses_film() const
{
  return network_shape.conditioning == Conditioning::film
         || network_shape.conditioning == Conditioning::channels_and_film;
}

void TimeStepperNetwork::setup_conditioning(const std::vector<std::int64_t> &film_widths)
{
  const std::int64_t d = network_shape.embedding_dimension;
  if (uses_channels())
    condition_projection = register_module(
        "condition_projection",
        torch::nn::Linear(torch::nn::LinearOptions(d, network_shape.conditioning_channels)));
  if (uses_film())
    for (std::size_t i = 0; i < film_widths.size(); ++i)
    {
      auto layer
          = register_module("film_" + std::to_string(i),
                            torch::nn::Linear(torch::nn::LinearOptions(d, 2 * film_widths[i])));
      // Start as the identity (gamma = beta = 0): the conditioned network begins where the
      // unconditioned one does, and the gradient with respect to the weights is still nonzero.
      {
        at::NoGradGuard no_grad;
        layer->weight.zero_();
        layer->bias.zero_();
      }
      film_layers.push_back(layer);
    }
}

std::int64_t TimeStepperNetwork::input_channels() const
{
  return network_shape.time_window * network_shape.n_fields + 2
         + (uses_channels() ? network_shape.conditioning_channels : 0);
}

namespace
{
// [B, c] -> [B, c, 1, ...] broadcast to the spatial sizes.
at::Tensor broadcast_channels(const at::Tensor &values, at::IntArrayRef spatial)
{
  std::vector<std::int64_t> view{ values.size(0), values.size(1) };
  std::vector<std::int64_t> expanded{ values.size(0), values.size(1) };
  for (auto n : spatial)
  {
    view.push_back(1);
    expanded.push_back(n);
  }
  return values.reshape(view).expand(expanded);
}
} // namespace

at::Tensor TimeStepperNetwork::assemble_input(const at::Tensor &history, const at::Tensor &dx,
                                              const at::Tensor &dt,
                                              const at::Tensor &embedding) const
{
  const auto &s = network_shape;
  if (history.dim() != 3 + s.spatial_dimension || history.size(1) != s.time_window
      || history.size(2) != s.n_fields)
    throw std::invalid_argument("Time stepper '" + architecture_name + "': history must be [B, "
                                + std::to_string(s.time_window) + ", " + std::to_string(s.n_fields)
                                + ", space(" + std::to_string(s.spatial_dimension) + "D)], got "
                                + c10::str(history.sizes()));
  const std::int64_t b = history.size(0);
  const at::IntArrayRef spatial = history.sizes().slice(3);
  std::vector<std::int64_t> frames{ b, s.time_window * s.n_fields };
  frames.insert(frames.end(), spatial.begin(), spatial.end());
  std::vector<at::Tensor> parts{
    history.reshape(frames), broadcast_channels(dx.to(history.dtype()).reshape({ b, 1 }), spatial),
    broadcast_channels(dt.to(history.dtype()).reshape({ b, 1 }), spatial)
  };
  if (uses_channels())
  {
    if (!embedding.defined() || embedding.dim() != 2 || embedding.size(0) != b
        || embedding.size(1) != s.embedding_dimension)
      throw std::invalid_argument("Time stepper '" + architecture_name
                                  + "': conditioning needs an embedding [B, "
                                  + std::to_string(s.embedding_dimension) + "]");
    parts.push_back(broadcast_channels(condition_projection->forward(embedding), spatial));
  }
  return at::cat(parts, 1);
}

at::Tensor TimeStepperNetwork::film(std::size_t layer, const at::Tensor &h,
                                    const at::Tensor &embedding) const
{
  if (!uses_film())
    return h;
  if (!embedding.defined() || embedding.dim() != 2
      || embedding.size(1) != network_shape.embedding_dimension)
    throw std::invalid_argument("Time stepper '" + architecture_name
                                + "': FiLM conditioning needs an embedding [B, "
                                + std::to_string(network_shape.embedding_dimension) + "]");
  const at::Tensor gb = film_layers.at(layer)->forward(embedding);
  const std::int64_t w = h.size(1);
  const at::IntArrayRef spatial = h.sizes().slice(2);
  std::vector<std::int64_t> view{ h.size(0), w };
  view.insert(view.end(), spatial.size(), 1);
  return h * (1.0 + gb.slice(1, 0, w).reshape(view)) + gb.slice(1, w, 2 * w).reshape(view);
}

at::Tensor TimeStepperNetwork::finish_output(const at::Tensor &output,
                                             const at::Tensor &history) const
{
  const std::int64_t tw = network_shape.time_window;
  return output.reshape(history.sizes()) + history.slice(1, tw - 1, tw);
}

std::string TimeStepperNetwork::torchscript_assemble_input() const
{
  const auto &s = network_shape;
  const std::string twf = std::to_string(s.time_window * s.n_fields);
  const bool two_d = s.spatial_dimension == 2;
  const std::string space = two_d ? "nx, ny" : "nx";
  const std::string ones = two_d ? "1, 1" : "1";
  std::string code;
  code += "    b = history.size(0)\n";
  code += "    nx = history.size(3)\n";
  if (two_d)
    code += "    ny = history.size(4)\n";
  code += "    x = history.reshape([b, " + twf + ", " + space + "])\n";
  code += "    dxc = dx.to(history.dtype).reshape([b, 1, " + ones + "]).expand([b, 1, " + space
          + "])\n";
  code += "    dtc = dt.to(history.dtype).reshape([b, 1, " + ones + "]).expand([b, 1, " + space
          + "])\n";
  if (uses_channels())
  {
    const std::string c = std::to_string(s.conditioning_channels);
    code += "    cc = torch.linear(embedding, self.condition_projection_weight, "
            "self.condition_projection_bias)\n";
    code += "    cc = cc.reshape([b, " + c + ", " + ones + "]).expand([b, " + c + ", " + space
            + "])\n";
    code += "    x = torch.cat([x, dxc, dtc, cc], 1)\n";
  }
  else
    code += "    x = torch.cat([x, dxc, dtc], 1)\n";
  return code;
}

std::string TimeStepperNetwork::torchscript_film(std::size_t layer,
                                                 const std::string &variable) const
{
  if (!uses_film())
    return "";
  const std::string l = std::to_string(layer);
  const std::string ones = network_shape.spatial_dimension == 2 ? "1, 1" : "1";
  const std::string w = std::to_string(film_layers.at(layer)->options.out_features() / 2);
  std::string code;
  code
      += "    gb = torch.linear(embedding, self.film_" + l + "_weight, self.film_" + l + "_bias)\n";
  code += "    " + variable + " = " + variable + " * (1.0 + gb[:, :" + w + "].reshape([b, " + w
          + ", " + ones + "])) + gb[:, " + w + ":].reshape([b, " + w + ", " + ones + "])\n";
  return code;
}

std::string TimeStepperNetwork::torchscript_finish_output(const std::string &variable) const
{
  const std::string tw = std::to_string(network_shape.time_window);
  return "    return " + variable + ".reshape(history.size()) + history[:, "
         + std::to_string(network_shape.time_window - 1) + ":" + tw + "]\n";
}

at::Tensor pad_circular(const at::Tensor &x, std::int64_t kernel, int dimensions)
{
  const std::int64_t p = (kernel - 1) / 2;
  if (p == 0)
    return x;
  at::Tensor y = x;
  for (int d = 0; d < dimensions; ++d)
  {
    const std::int64_t axis = y.dim() - 1 - d;
    if (p > y.size(axis))
      throw std::invalid_argument("Circular padding of " + std::to_string(p)
                                  + " is wider than the grid (" + std::to_string(y.size(axis))
                                  + " points)");
    y = at::cat({ y.slice(axis, y.size(axis) - p), y, y.slice(axis, 0, p) }, axis);
  }
  return y;
}

std::string torchscript_pad_circular(const std::string &variable, std::int64_t kernel)
{
  const std::int64_t p = (kernel - 1) / 2;
  if (p == 0)
    return variable;
  const std::string ps = std::to_string(p);
  return "torch.cat([" + variable + "[:, :, -" + ps + ":], " + variable + ", " + variable
         + "[:, :, :" + ps + "]], 2)";
}

std::shared_ptr<TimeStepperNetwork>
create_time_stepper_network(const std::string &name, const TimeStepperShape &shape,
                            const std::vector<std::pair<std::string, std::string>> &overrides)
{
  auto plugin = PluginFamily<TimeStepper>::create_with_defaults(name, overrides);
  if (plugin->spatial_dimension() != shape.spatial_dimension)
    throw std::invalid_argument(
        "Time stepper '" + name + "' is for " + std::to_string(plugin->spatial_dimension())
        + "D problems, the data is " + std::to_string(shape.spatial_dimension) + "D");
  return plugin->create_network(shape);
}
} // namespace sslpde::learning
