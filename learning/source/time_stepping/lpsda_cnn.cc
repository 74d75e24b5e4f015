// The LPSDA 1D CNN time-stepper: a stack of circularly padded Conv1d layers (kernels
// 3, 5, 5, 7, 7, 9, 9, 15 at width 128 by default); hidden layers of equal width are residual.
#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/plugin/plugin_registry.h>

#include <torch/nn/modules/conv.h>

#include <stdexcept>

namespace sslpde::learning
{
namespace
{
class LpsdaCnnNetwork : public TimeStepperNetwork
{
public:
  LpsdaCnnNetwork(const TimeStepperShape &shape, std::int64_t width,
                  std::vector<std::int64_t> kernels)
      : TimeStepperNetwork("cnn", shape), kernel_sizes(std::move(kernels))
  {
    if (shape.spatial_dimension != 1)
      throw std::invalid_argument("Time stepper 'cnn' is 1D only");
    if (kernel_sizes.size() < 2)
      throw std::invalid_argument("Time stepper 'cnn': 'Kernel sizes' needs at least 2 layers");
    for (auto k : kernel_sizes)
      if (k < 1 || k % 2 == 0)
        throw std::invalid_argument(
            "Time stepper 'cnn': kernel sizes must be odd and positive, got " + std::to_string(k));
    const std::size_t n = kernel_sizes.size();
    setup_conditioning(std::vector<std::int64_t>(n - 1, width));
    for (std::size_t i = 0; i < n; ++i)
    {
      const std::int64_t in = i == 0 ? input_channels() : width;
      const std::int64_t out = i + 1 == n ? output_channels() : width;
      convolutions.push_back(
          register_module("conv_" + std::to_string(i),
                          torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, kernel_sizes[i]))));
    }
  }

  at::Tensor forward(const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                     const at::Tensor &embedding) override
  {
    at::Tensor h = assemble_input(history, dx, dt, embedding);
    const std::size_t n = convolutions.size();
    for (std::size_t i = 0; i + 1 < n; ++i)
    {
      at::Tensor y = convolutions[i]->forward(pad_circular(h, kernel_sizes[i]));
      y = at::gelu(film(i, y, embedding));
      h = i == 0 ? y : h + y;
    }
    return finish_output(convolutions[n - 1]->forward(pad_circular(h, kernel_sizes[n - 1])),
                         history);
  }

  std::string torchscript_forward() const override
  {
    std::string code = "def forward(self, history: Tensor, dx: Tensor, dt: Tensor, "
                       "embedding: Tensor) -> Tensor:\n";
    code += torchscript_assemble_input();
    code += "    h = x\n";
    const std::size_t n = convolutions.size();
    for (std::size_t i = 0; i < n; ++i)
    {
      const std::string c = "conv_" + std::to_string(i);
      code += "    y = torch.conv1d(" + torchscript_pad_circular("h", kernel_sizes[i]) + ", self."
              + c + "_weight, self." + c + "_bias)\n";
      if (i + 1 == n)
        break;
      code += torchscript_film(i, "y");
      code += "    y = torch.gelu(y)\n";
      code += i == 0 ? "    h = y\n" : "    h = h + y\n";
    }
    code += torchscript_finish_output("y");
    return code;
  }

private:
  std::vector<std::int64_t> kernel_sizes;
  std::vector<torch::nn::Conv1d> convolutions;
};

class LpsdaCnn : public TimeStepper
{
public:
  static ParameterDeclarations declare_parameters()
  {
    return { { "Width", "128", ParameterPattern::integer(1, 4096),
               "Channels of the hidden layers." },
             { "Kernel sizes", "3, 5, 5, 7, 7, 9, 9, 15", ParameterPattern::list_of_integers(),
               "Kernel size of each Conv1d layer (odd); their number is the depth." } };
  }

  void parse_parameters(const ParameterValues &values) override
  {
    width = values.get_integer("Width");
    kernels.clear();
    for (long k : values.get_integers("Kernel sizes"))
      kernels.push_back(k);
  }

  std::shared_ptr<TimeStepperNetwork> create_network(const TimeStepperShape &shape) const override
  {
    return std::make_shared<LpsdaCnnNetwork>(shape, width, kernels);
  }

  int spatial_dimension() const override { return 1; }

private:
  std::int64_t width = 128;
  std::vector<std::int64_t> kernels;
};
} // namespace
} // namespace sslpde::learning

SSLPDE_REGISTER_PLUGIN(sslpde::learning::TimeStepper, sslpde::learning::LpsdaCnn, "cnn",
                       "LPSDA's 1D CNN: residual Conv1d layers with circular padding (kernels "
                       "3,5,5,7,7,9,9,15, width 128).")
