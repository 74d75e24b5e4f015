// AdamW with weight decay only on weights of non-normalisation layers (biases and every
// normalisation parameter excluded by module type, not by name), and the cosine learning-rate
// schedule with linear warm-up.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/adamw.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace sslpde::learning
{
struct ParameterGroups
{
  std::vector<torch::Tensor> decay;
  std::vector<torch::Tensor> no_decay;
};

/// Splits the trainable parameters of `module`: parameters of normalisation modules (batch, group,
/// layer, instance norm, SyncBatchNorm) and parameters registered as "bias" go to no_decay.
ParameterGroups split_for_weight_decay(torch::nn::Module &module);

/// AdamW over the two groups, weight decay `weight_decay` on the first and 0 on the second.
std::unique_ptr<torch::optim::AdamW> make_adamw(torch::nn::Module &module, double learning_rate,
                                                double weight_decay);

/// Learning rate at `step` of `total_steps`: linear warm-up from 0 over `warmup_steps`, then a
/// cosine decay from `base` to `base * final_fraction`. cosine == false: constant after warm-up.
double scheduled_learning_rate(double base, std::int64_t step, std::int64_t total_steps,
                               std::int64_t warmup_steps, bool cosine, double final_fraction = 0.0);

/// Sets the learning rate of every group of an Adam or AdamW optimiser.
void set_learning_rate(torch::optim::Optimizer &optimizer, double learning_rate);
} // namespace sslpde::learning
