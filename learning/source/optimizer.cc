// Weight-decay grouping by module type, AdamW construction and the learning-rate schedule.
#include <sslpde/learning/batch_norm.h>
#include <sslpde/learning/optimizer.h>

#include <torch/nn/functional/instancenorm.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/instancenorm.h>
#include <torch/nn/modules/normalization.h>
#include <torch/optim/adam.h>

#include <cmath>
#include <stdexcept>

namespace sslpde::learning
{
namespace
{
bool is_normalisation(const torch::nn::Module &m)
{
  return dynamic_cast<const SyncBatchNorm *>(&m)
         || dynamic_cast<const torch::nn::BatchNorm1dImpl *>(&m)
         || dynamic_cast<const torch::nn::BatchNorm2dImpl *>(&m)
         || dynamic_cast<const torch::nn::BatchNorm3dImpl *>(&m)
         || dynamic_cast<const torch::nn::GroupNormImpl *>(&m)
         || dynamic_cast<const torch::nn::LayerNormImpl *>(&m)
         || dynamic_cast<const torch::nn::InstanceNorm1dImpl *>(&m)
         || dynamic_cast<const torch::nn::InstanceNorm2dImpl *>(&m)
         || dynamic_cast<const torch::nn::InstanceNorm3dImpl *>(&m)
         || dynamic_cast<const torch::nn::LocalResponseNormImpl *>(&m)
         || dynamic_cast<const torch::nn::CrossMapLRN2dImpl *>(&m);
}
} // namespace

ParameterGroups split_for_weight_decay(torch::nn::Module &module)
{
  ParameterGroups groups;
  auto add_direct_parameters = [&](const torch::nn::Module &m)
  {
    const bool norm = is_normalisation(m);
    for (const auto &p : m.named_parameters(false))
    {
      if (!p.value().requires_grad())
        continue;
      if (norm || p.key() == "bias")
        groups.no_decay.push_back(p.value());
      else
        groups.decay.push_back(p.value());
    }
  };
  // include_self = false: the top module need not be held by a shared_ptr.
  add_direct_parameters(module);
  for (const auto &item : module.named_modules("", false))
    add_direct_parameters(*item.value());
  return groups;
}

std::unique_ptr<torch::optim::AdamW> make_adamw(torch::nn::Module &module, double learning_rate,
                                                double weight_decay)
{
  ParameterGroups groups = split_for_weight_decay(module);
  std::vector<torch::optim::OptimizerParamGroup> param_groups;
  auto decay_options = std::make_unique<torch::optim::AdamWOptions>(learning_rate);
  decay_options->weight_decay(weight_decay);
  auto no_decay_options = std::make_unique<torch::optim::AdamWOptions>(learning_rate);
  no_decay_options->weight_decay(0.0);
  param_groups.emplace_back(groups.decay, std::move(decay_options));
  param_groups.emplace_back(groups.no_decay, std::move(no_decay_options));
  torch::optim::AdamWOptions defaults(learning_rate);
  defaults.weight_decay(weight_decay);
  return std::make_unique<torch::optim::AdamW>(param_groups, defaults);
}

double scheduled_learning_rate(double base, std::int64_t step, std::int64_t total_steps,
                               std::int64_t warmup_steps, bool cosine, double final_fraction)
{
  if (warmup_steps > 0 && step < warmup_steps)
    return base * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  if (!cosine || total_steps <= warmup_steps)
    return base;
  const double progress = std::min(1.0, static_cast<double>(step - warmup_steps)
                                            / static_cast<double>(total_steps - warmup_steps));
  const double final_lr = base * final_fraction;
  return final_lr + (base - final_lr) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

void set_learning_rate(torch::optim::Optimizer &optimizer, double learning_rate)
{
  for (auto &group : optimizer.param_groups())
  {
    if (auto *adamw = dynamic_cast<torch::optim::AdamWOptions *>(&group.options()))
      adamw->lr(learning_rate);
    else if (auto *adam = dynamic_cast<torch::optim::AdamOptions *>(&group.options()))
      adam->lr(learning_rate);
    else
      throw std::invalid_argument("set_learning_rate: only Adam and AdamW are supported");
  }
}
} // namespace sslpde::learning
