// The 1D Fourier neural operator time-stepper: a pointwise lift, Fourier layers (the lowest
// rFFT modes mixed by learned complex weights, plus a pointwise linear path) and a pointwise
// two-layer projection. 5 layers, 32 modes, width 256 at paper scale.
#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/plugin/plugin_registry.h>

#include <ATen/ATen.h>
#include <torch/nn/modules/conv.h>

#include <stdexcept>

namespace sslpde::learning
{
namespace
{
class Fno1dNetwork : public TimeStepperNetwork
{
public:
  Fno1dNetwork(const TimeStepperShape &shape, std::int64_t width, std::int64_t modes,
               std::int64_t layers, std::int64_t projection_width)
      : TimeStepperNetwork("fno 1d", shape), width(width), modes(modes)
  {
    if (shape.spatial_dimension != 1)
      throw std::invalid_argument("Time stepper 'fno 1d' is 1D only");
    setup_conditioning(std::vector<std::int64_t>(layers, width));
    lift = register_module("lift",
                           torch::nn::Conv1d(torch::nn::Conv1dOptions(input_channels(), width, 1)));
    const double scale = 1.0 / static_cast<double>(width * width);
    for (std::int64_t l = 0; l < layers; ++l)
    {
      spectral.push_back(register_parameter("spectral_" + std::to_string(l),
                                            scale * at::rand({ width, width, modes, 2 })));
      pointwise.push_back(
          register_module("pointwise_" + std::to_string(l),
                          torch::nn::Conv1d(torch::nn::Conv1dOptions(width, width, 1))));
    }
    project_hidden = register_module(
        "project_0", torch::nn::Conv1d(torch::nn::Conv1dOptions(width, projection_width, 1)));
    project_out = register_module("project_1", torch::nn::Conv1d(torch::nn::Conv1dOptions(
                                                   projection_width, output_channels(), 1)));
  }

  at::Tensor forward(const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                     const at::Tensor &embedding) override
  {
    at::Tensor h = lift->forward(assemble_input(history, dx, dt, embedding));
    const std::int64_t nx = h.size(-1);
    for (std::size_t l = 0; l < spectral.size(); ++l)
    {
      const at::Tensor hf = at::fft_rfft(h, c10::nullopt, -1);
      const std::int64_t m = std::min(modes, hf.size(-1));
      const at::Tensor w = at::view_as_complex(spectral[l].slice(2, 0, m));
      const at::Tensor mixed = at::einsum("bim,iom->bom", { hf.slice(-1, 0, m), w });
      const at::Tensor full = at::cat({ mixed, at::zeros_like(hf.slice(-1, m)) }, -1);
      h = at::fft_irfft(full, nx, -1) + pointwise[l]->forward(h);
      h = film(l, h, embedding);
      if (l + 1 < spectral.size())
        h = at::gelu(h);
    }
    const at::Tensor out = project_out->forward(at::gelu(project_hidden->forward(h)));
    return finish_output(out, history);
  }

  std::string torchscript_forward() const override
  {
    std::string code = "def forward(self, history: Tensor, dx: Tensor, dt: Tensor, "
                       "embedding: Tensor) -> Tensor:\n";
    code += torchscript_assemble_input();
    code += "    h = torch.conv1d(x, self.lift_weight, self.lift_bias)\n";
    for (std::size_t l = 0; l < spectral.size(); ++l)
    {
      const std::string s = std::to_string(l);
      code += "    hf = torch.fft_rfft(h, None, -1, None)\n";
      code += "    m = min(" + std::to_string(modes) + ", hf.size(-1))\n";
      code += "    w = torch.view_as_complex(self.spectral_" + s + "[:, :, :m])\n";
      code += "    mixed = torch.einsum(\"bim,iom->bom\", [hf[:, :, :m], w])\n";
      code += "    full = torch.cat([mixed, torch.zeros_like(hf[:, :, m:])], -1)\n";
      code += "    h = torch.fft_irfft(full, nx, -1, None) + torch.conv1d(h, self.pointwise_" + s
              + "_weight, self.pointwise_" + s + "_bias)\n";
      code += torchscript_film(l, "h");
      if (l + 1 < spectral.size())
        code += "    h = torch.gelu(h)\n";
    }
    code += "    p = torch.gelu(torch.conv1d(h, self.project_0_weight, self.project_0_bias))\n";
    code += "    out = torch.conv1d(p, self.project_1_weight, self.project_1_bias)\n";
    code += torchscript_finish_output("out");
    return code;
  }

private:
  std::int64_t width, modes;
  torch::nn::Conv1d lift{ nullptr }, project_hidden{ nullptr }, project_out{ nullptr };
  std::vector<at::Tensor> spectral;
  std::vector<torch::nn::Conv1d> pointwise;
};

class Fno1d : public TimeStepper
{
public:
  static ParameterDeclarations declare_parameters()
  {
    return { { "Width", "256", ParameterPattern::integer(1, 4096),
               "Channels of the Fourier layers." },
             { "Modes", "32", ParameterPattern::integer(1, 4096),
               "rFFT modes each Fourier layer mixes (clipped to nx/2 + 1)." },
             { "Layers", "5", ParameterPattern::integer(1, 64), "Number of Fourier layers." },
             { "Projection width", "128", ParameterPattern::integer(1, 4096),
               "Hidden channels of the pointwise output projection." } };
  }

  void parse_parameters(const ParameterValues &values) override
  {
    width = values.get_integer("Width");
    modes = values.get_integer("Modes");
    layers = values.get_integer("Layers");
    projection_width = values.get_integer("Projection width");
  }

  std::shared_ptr<TimeStepperNetwork> create_network(const TimeStepperShape &shape) const override
  {
    return std::make_shared<Fno1dNetwork>(shape, width, modes, layers, projection_width);
  }

  int spatial_dimension() const override { return 1; }

private:
  std::int64_t width = 256, modes = 32, layers = 5, projection_width = 128;
};
} // namespace
} // namespace sslpde::learning

SSLPDE_REGISTER_PLUGIN(sslpde::learning::TimeStepper, sslpde::learning::Fno1d, "fno 1d",
                       "1D Fourier neural operator on rFFT modes (5 layers, 32 modes, width 256 at "
                       "paper scale).")
