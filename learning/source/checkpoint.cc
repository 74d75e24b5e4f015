// Checkpoint files: torch's serialisation archive holding the model's parameters and buffers, the
// optimiser state, the training counters and histories and the RNG states; written atomically.
#include <sslpde/learning/checkpoint.h>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <mpi.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace sslpde::learning
{
namespace
{
bool this_process_writes()
{
  int initialised = 0, finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  if (!initialised || finalised)
    return true;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank == 0;
}

torch::Tensor doubles_tensor(const std::vector<double> &values)
{
  return torch::tensor(values.empty() ? std::vector<double>{} : values,
                       torch::dtype(torch::kDouble))
      .reshape({ static_cast<std::int64_t>(values.size()) });
}

std::vector<double> tensor_doubles(const torch::Tensor &t)
{
  torch::Tensor c = t.to(torch::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
} // namespace

void write_file_atomically(const std::string &path, const std::string &bytes)
{
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      throw std::runtime_error("Cannot open '" + temporary + "' for writing (writing '" + path
                               + "')");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out)
      throw std::runtime_error("Writing '" + temporary + "' failed (disk full?)");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0)
  {
    std::remove(temporary.c_str());
    throw std::runtime_error("Cannot rename '" + temporary + "' to '" + path + "'");
  }
}

void save_checkpoint(const std::string &path, torch::nn::Module &model,
                     torch::optim::Optimizer &optimizer, const TrainingState &state)
{
  if (!this_process_writes())
    return;
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive;
  for (const auto &p : model.named_parameters(true))
    model_archive.write(p.key(), p.value().detach().to(torch::kCPU));
  for (const auto &b : model.named_buffers(true))
    model_archive.write(b.key(), b.value().detach().to(torch::kCPU), true);
  archive.write("model", model_archive);
  torch::serialize::OutputArchive optimizer_archive;
  optimizer.save(optimizer_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("epoch", torch::tensor(state.epoch, torch::kLong));
  archive.write("step", torch::tensor(state.step, torch::kLong));
  archive.write("loss_history", doubles_tensor(state.loss_history));
  archive.write("secondary_history", doubles_tensor(state.secondary_history));
  archive.write("rng_seed", torch::tensor(static_cast<std::int64_t>(state.rng_seed), torch::kLong));
  archive.write("rng_counter",
                torch::tensor(static_cast<std::int64_t>(state.rng_counter), torch::kLong));
  archive.write("torch_rng_state", at::detail::getDefaultCPUGenerator().get_state());
  archive.write("format", torch::tensor(std::int64_t(1), torch::kLong));
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_file_atomically(path, bytes.str());
}

bool load_checkpoint(const std::string &path, torch::nn::Module &model,
                     torch::optim::Optimizer &optimizer, TrainingState &state)
{
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    return false;
  torch::serialize::InputArchive archive;
  try
  {
    archive.load_from(path);
  }
  catch (const std::exception &e)
  {
    throw std::runtime_error("Checkpoint '" + path + "' is unreadable: " + e.what());
  }
  torch::Tensor format;
  if (!archive.try_read("format", format))
    throw std::runtime_error("'" + path + "' is not an sslpde checkpoint");

  torch::serialize::InputArchive model_archive;
  if (!archive.try_read("model", model_archive))
    throw std::runtime_error("Checkpoint '" + path + "' has no model");
  torch::NoGradGuard no_grad;
  auto restore = [&](const std::string &key, torch::Tensor &target, bool is_buffer)
  {
    torch::Tensor stored;
    if (!model_archive.try_read(key, stored, is_buffer))
      throw std::runtime_error("Checkpoint '" + path + "' does not match the model: it has no '"
                               + key + "'");
    if (stored.sizes() != target.sizes())
    {
      std::ostringstream message;
      message << "Checkpoint '" << path << "' does not match the model: '" << key << "' has shape "
              << stored.sizes() << " in the file and " << target.sizes() << " in the model";
      throw std::runtime_error(message.str());
    }
    target.copy_(stored);
  };
  for (auto &p : model.named_parameters(true))
    restore(p.key(), p.value(), false);
  for (auto &b : model.named_buffers(true))
    restore(b.key(), b.value(), true);

  torch::serialize::InputArchive optimizer_archive;
  if (!archive.try_read("optimizer", optimizer_archive))
    throw std::runtime_error("Checkpoint '" + path + "' has no optimiser state");
  try
  {
    optimizer.load(optimizer_archive);
  }
  catch (const std::exception &e)
  {
    throw std::runtime_error("Checkpoint '" + path
                             + "': optimiser state does not match: " + e.what());
  }
  // Optimiser state tensors are read on the CPU; move them next to their parameters (GPU runs).
  for (auto &group : optimizer.param_groups())
    for (auto &p : group.params())
    {
      auto found = optimizer.state().find(c10::guts::to_string(p.unsafeGetTensorImpl()));
      if (found == optimizer.state().end() || p.device().is_cpu())
        continue;
      if (auto *adamw = dynamic_cast<torch::optim::AdamWParamState *>(found->second.get()))
      {
        adamw->exp_avg(adamw->exp_avg().to(p.device()));
        adamw->exp_avg_sq(adamw->exp_avg_sq().to(p.device()));
      }
      else if (auto *adam = dynamic_cast<torch::optim::AdamParamState *>(found->second.get()))
      {
        adam->exp_avg(adam->exp_avg().to(p.device()));
        adam->exp_avg_sq(adam->exp_avg_sq().to(p.device()));
      }
    }

  torch::Tensor t;
  // InputArchive::read set_()s into a defined tensor; read every entry into a fresh one.
  t = torch::Tensor();
  archive.read("epoch", t);
  state.epoch = t.item<std::int64_t>();
  t = torch::Tensor();
  archive.read("step", t);
  state.step = t.item<std::int64_t>();
  t = torch::Tensor();
  archive.read("loss_history", t);
  state.loss_history = tensor_doubles(t);
  t = torch::Tensor();
  archive.read("secondary_history", t);
  state.secondary_history = tensor_doubles(t);
  t = torch::Tensor();
  archive.read("rng_seed", t);
  state.rng_seed = static_cast<std::uint64_t>(t.item<std::int64_t>());
  t = torch::Tensor();
  archive.read("rng_counter", t);
  state.rng_counter = static_cast<std::uint64_t>(t.item<std::int64_t>());
  t = torch::Tensor();
  archive.read("torch_rng_state", t);
  {
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    generator.set_state(t);
  }
  torch::Tensor bytes = t.contiguous();
  state.torch_rng_state.assign(bytes.data_ptr<std::uint8_t>(),
                               bytes.data_ptr<std::uint8_t>() + bytes.numel());
  return true;
}
} // namespace sslpde::learning
