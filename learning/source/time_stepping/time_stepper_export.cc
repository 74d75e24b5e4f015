// TorchScript export of time-steppers through torch::jit::Module::define, and loading them back.
#include <sslpde/learning/checkpoint.h>
#include <sslpde/learning/time_stepping/time_stepper_export.h>

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/csrc/jit/serialization/import.h>

#include <sstream>
#include <stdexcept>

namespace sslpde::learning
{
torch::jit::Module to_torchscript(const TimeStepperNetwork &network)
{
  torch::jit::Module module("SslpdeTimeStepper");
  for (const auto &item : network.named_parameters(true))
  {
    std::string name = item.key();
    std::replace(name.begin(), name.end(), '.', '_');
    module.register_parameter(name, item.value().detach().to(at::kCPU).clone(), false);
  }
  const TimeStepperShape &s = network.shape();
  std::ostringstream methods;
  methods << "def architecture(self) -> str:\n    return \"" << network.architecture() << "\"\n"
          << "def time_window(self) -> int:\n    return " << s.time_window << "\n"
          << "def n_fields(self) -> int:\n    return " << s.n_fields << "\n"
          << "def spatial_dimension(self) -> int:\n    return " << s.spatial_dimension << "\n"
          << "def embedding_dimension(self) -> int:\n    return "
          << (s.conditioned() ? s.embedding_dimension : 0) << "\n"
          << "def conditioning(self) -> str:\n    return \"" << to_string(s.conditioning) << "\"\n";
  module.define(methods.str());
  module.define(network.torchscript_forward());
  module.eval();
  return module;
}

void export_torchscript(const TimeStepperNetwork &network, const std::string &path)
{
  std::ostringstream bytes;
  to_torchscript(network).save(bytes);
  write_file_atomically(path, bytes.str());
}

LoadedTimeStepper::LoadedTimeStepper(const std::string &path)
{
  try
  {
    module = torch::jit::load(path, torch::kCPU);
  }
  catch (const std::exception &e)
  {
    throw std::runtime_error("Cannot load the time-stepper file '" + path + "': " + e.what());
  }
  for (const char *method : { "architecture", "time_window", "n_fields", "spatial_dimension",
                              "embedding_dimension", "conditioning" })
    if (!module.find_method(method))
      throw std::runtime_error("'" + path
                               + "' is a TorchScript file but not an sslpde "
                                 "time-stepper (it has no "
                               + method + "() method)");
  architecture_name = module.run_method("architecture").toStringRef();
  model_shape.time_window = module.run_method("time_window").toInt();
  model_shape.n_fields = module.run_method("n_fields").toInt();
  model_shape.spatial_dimension = module.run_method("spatial_dimension").toInt();
  model_shape.embedding_dimension = module.run_method("embedding_dimension").toInt();
  model_shape.conditioning = parse_conditioning(module.run_method("conditioning").toStringRef());
  module.eval();
}

at::Tensor LoadedTimeStepper::step(const at::Tensor &history, const at::Tensor &dx,
                                   const at::Tensor &dt, const at::Tensor &embedding)
{
  at::NoGradGuard no_grad;
  const at::Tensor e
      = embedding.defined() ? embedding : at::zeros({ history.size(0), 0 }, history.options());
  return module.forward({ history, dx, dt, e }).toTensor();
}
} // namespace sslpde::learning
