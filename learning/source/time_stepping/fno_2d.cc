// The 2D Fourier neural operator time-stepper for Navier-Stokes: as the 1D one, with the lowest
// modes of rfft2 (both signs of the first wave number) mixed by learned complex weights. The box
// has walls, so the periodic Fourier layers are an approximation there (PDEArena does the same).
#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/plugin/plugin_registry.h>

#include <ATen/ATen.h>
#include <torch/nn/modules/conv.h>

#include <stdexcept>

namespace sslpde::learning
{
namespace
{
class Fno2dNetwork : public TimeStepperNetwork
{
public:
  Fno2dNetwork(const TimeStepperShape &shape, std::int64_t width, std::int64_t modes,
               std::int64_t layers, std::int64_t projection_width)
      : TimeStepperNetwork("fno 2d", shape), modes(modes)
  {
    if (shape.spatial_dimension != 2)
      throw std::invalid_argument("Time stepper 'fno 2d' is 2D only");
    setup_conditioning(std::vector<std::int64_t>(layers, width));
    lift = register_module("lift",
                           torch::nn::Conv2d(torch::nn::Conv2dOptions(input_channels(), width, 1)));
    const double scale = 1.0 / static_cast<double>(width * width);
    for (std::int64_t l = 0; l < layers; ++l)
    {
      const std::string s = std::to_string(l);
      spectral_low.push_back(register_parameter(
          "spectral_" + s + "_low", scale * at::rand({ width, width, modes, modes, 2 })));
      spectral_high.push_back(register_parameter(
          "spectral_" + s + "_high", scale * at::rand({ width, width, modes, modes, 2 })));
      pointwise.push_back(register_module(
          "pointwise_" + s, torch::nn::Conv2d(torch::nn::Conv2dOptions(width, width, 1))));
    }
    project_hidden = register_module(
        "project_0", torch::nn::Conv2d(torch::nn::Conv2dOptions(width, projection_width, 1)));
    project_out = register_module("project_1", torch::nn::Conv2d(torch::nn::Conv2dOptions(
                                                   projection_width, output_channels(), 1)));
  }

  at::Tensor forward(const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                     const at::Tensor &embedding) override
  {
    at::Tensor h = lift->forward(assemble_input(history, dx, dt, embedding));
    const std::int64_t nx = h.size(-2), ny = h.size(-1);
    for (std::size_t l = 0; l < spectral_low.size(); ++l)
    {
      const at::Tensor hf = at::fft_rfft2(h, c10::nullopt, { -2, -1 });
      const std::int64_t m1 = std::min(modes, nx / 2), m2 = std::min(modes, hf.size(-1));
      at::Tensor full = at::zeros_like(hf);
      const at::Tensor wl = at::view_as_complex(spectral_low[l].slice(2, 0, m1).slice(3, 0, m2));
      const at::Tensor wh = at::view_as_complex(spectral_high[l].slice(2, 0, m1).slice(3, 0, m2));
      full.slice(2, 0, m1).slice(3, 0, m2).copy_(
          at::einsum("bixy,ioxy->boxy", { hf.slice(2, 0, m1).slice(3, 0, m2), wl }));
      full.slice(2, nx - m1, nx)
          .slice(3, 0, m2)
          .copy_(at::einsum("bixy,ioxy->boxy", { hf.slice(2, nx - m1, nx).slice(3, 0, m2), wh }));
      h = at::fft_irfft2(full, std::vector<std::int64_t>{ nx, ny }, { -2, -1 })
          + pointwise[l]->forward(h);
      h = film(l, h, embedding);
      if (l + 1 < spectral_low.size())
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
    code += "    h = torch.conv2d(x, self.lift_weight, self.lift_bias)\n";
    const std::string m = std::to_string(modes);
    for (std::size_t l = 0; l < spectral_low.size(); ++l)
    {
      const std::string s = std::to_string(l);
      code += "    hf = torch.fft_rfft2(h, None, [-2, -1], None)\n";
      code += "    m1 = min(" + m + ", nx // 2)\n";
      code += "    m2 = min(" + m + ", hf.size(-1))\n";
      code += "    full = torch.zeros_like(hf)\n";
      code += "    wl = torch.view_as_complex(self.spectral_" + s + "_low[:, :, :m1, :m2])\n";
      code += "    wh = torch.view_as_complex(self.spectral_" + s + "_high[:, :, :m1, :m2])\n";
      code += "    full[:, :, :m1, :m2] = torch.einsum(\"bixy,ioxy->boxy\", [hf[:, :, :m1, :m2], "
              "wl])\n";
      code += "    full[:, :, nx - m1:, :m2] = torch.einsum(\"bixy,ioxy->boxy\", "
              "[hf[:, :, nx - m1:, :m2], wh])\n";
      code += "    h = torch.fft_irfft2(full, [nx, ny], [-2, -1], None) + torch.conv2d(h, "
              "self.pointwise_"
              + s + "_weight, self.pointwise_" + s + "_bias)\n";
      code += torchscript_film(l, "h");
      if (l + 1 < spectral_low.size())
        code += "    h = torch.gelu(h)\n";
    }
    code += "    p = torch.gelu(torch.conv2d(h, self.project_0_weight, self.project_0_bias))\n";
    code += "    out = torch.conv2d(p, self.project_1_weight, self.project_1_bias)\n";
    code += torchscript_finish_output("out");
    return code;
  }

private:
  std::int64_t modes;
  torch::nn::Conv2d lift{ nullptr }, project_hidden{ nullptr }, project_out{ nullptr };
  std::vector<at::Tensor> spectral_low, spectral_high;
  std::vector<torch::nn::Conv2d> pointwise;
};

class Fno2d : public TimeStepper
{
public:
  static ParameterDeclarations declare_parameters()
  {
    return { { "Width", "64", ParameterPattern::integer(1, 4096),
               "Channels of the Fourier layers." },
             { "Modes", "16", ParameterPattern::integer(1, 4096),
               "Modes kept in each direction (clipped to nx/2 and ny/2 + 1)." },
             { "Layers", "4", ParameterPattern::integer(1, 64), "Number of Fourier layers." },
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
    return std::make_shared<Fno2dNetwork>(shape, width, modes, layers, projection_width);
  }

  int spatial_dimension() const override { return 2; }

private:
  std::int64_t width = 64, modes = 16, layers = 4, projection_width = 128;
};
} // namespace
} // namespace sslpde::learning

SSLPDE_REGISTER_PLUGIN(sslpde::learning::TimeStepper, sslpde::learning::Fno2d, "fno 2d",
                       "2D Fourier neural operator for Navier-Stokes (rfft2 modes of both signs).")
