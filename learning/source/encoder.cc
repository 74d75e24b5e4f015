// Encoder creation, TorchScript export (a torch::jit::Module assembled with define() from the
// encoder's own script source and weights) and FrozenEncoder, which runs such a file.
#include <sslpde/learning/checkpoint.h>
#include <sslpde/learning/encoder.h>
#include <sslpde/plugin/plugin_registry.h>

#include <torch/csrc/jit/serialization/import.h>

#include <sstream>
#include <stdexcept>

namespace sslpde::learning
{
std::shared_ptr<Encoder> create_encoder(const std::string &name, const ParameterValues &values,
                                        const std::vector<std::int64_t> &sample_shape,
                                        MPI_Comm comm)
{
  std::shared_ptr<Encoder> encoder = PluginFamily<Encoder>::create(name, values);
  encoder->build(sample_shape, comm);
  return encoder;
}

torch::jit::Module to_torchscript(const Encoder &encoder)
{
  torch::jit::Module module("sslpde_encoder");
  for (const auto &[name, tensor] : encoder.script_tensors())
    module.register_buffer(name, tensor.detach().to(torch::kCPU).clone());
  std::ostringstream source;
  source << encoder.script_source() << "\n";
  source << "def sample_shape(self) -> List[int]:\n    return [";
  const auto &shape = encoder.sample_shape();
  for (std::size_t i = 0; i < shape.size(); ++i)
    source << (i ? ", " : "") << shape[i];
  source << "]\n\n";
  source << "def representation_dim(self) -> int:\n    return " << encoder.representation_dim()
         << "\n";
  module.define(source.str());
  module.eval();
  return module;
}

void export_torchscript(const Encoder &encoder, const std::string &path)
{
  torch::jit::Module module = to_torchscript(encoder);
  std::ostringstream bytes;
  module.save(bytes);
  write_file_atomically(path, bytes.str());
}

FrozenEncoder::FrozenEncoder(const std::string &path, torch::Device device_) : device(device_)
{
  try
  {
    module = torch::jit::load(path, device);
  }
  catch (const std::exception &e)
  {
    throw std::runtime_error("Cannot load the encoder file '" + path + "': " + e.what());
  }
  if (!module.find_method("sample_shape") || !module.find_method("representation_dim"))
    throw std::runtime_error("'" + path
                             + "' is a TorchScript file but not an sslpde encoder (it has no "
                               "sample_shape()/representation_dim() methods)");
  shape = module.run_method("sample_shape").toIntVector();
  dimension = module.run_method("representation_dim").toInt();
  module.eval();
}

torch::Tensor FrozenEncoder::embed(const torch::Tensor &views)
{
  if (views.dim() != static_cast<std::int64_t>(shape.size()) + 1)
    throw std::invalid_argument(
        "FrozenEncoder::embed: expected a batch of samples with " + std::to_string(shape.size())
        + " dimensions each, got a tensor with " + std::to_string(views.dim()) + " dimensions");
  torch::NoGradGuard no_grad;
  return module.forward({ views.to(device) }).toTensor();
}
} // namespace sslpde::learning
