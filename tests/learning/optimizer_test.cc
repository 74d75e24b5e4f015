// AdamW grouping: weight decay off for biases and for every normalisation parameter, found by
// module type (names that say nothing about normalisation included); the learning-rate schedule.
#include <sslpde/learning/batch_norm.h>
#include <sslpde/learning/optimizer.h>
#include <sslpde/learning/pretraining.h>

#include <torch/nn/functional/instancenorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <gtest/gtest.h>

#include "tiny_model.h"

using namespace sslpde::learning;

namespace
{
struct Mixed : torch::nn::Module
{
  Mixed()
  {
    conv = register_module("c", torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 3, 3)));
    a = register_module("a", torch::nn::GroupNorm(1, 3));
    b = register_module("weights_b", torch::nn::LayerNorm(torch::nn::LayerNormOptions({ 3 })));
    s = register_module("plain", std::make_shared<SyncBatchNorm>(3, MPI_COMM_NULL));
    fc = register_module("fc", torch::nn::Linear(3, 2));
  }
  torch::nn::Conv2d conv{ nullptr };
  torch::nn::GroupNorm a{ nullptr };
  torch::nn::LayerNorm b{ nullptr };
  std::shared_ptr<SyncBatchNorm> s;
  torch::nn::Linear fc{ nullptr };
};

bool contains(const std::vector<torch::Tensor> &list, const torch::Tensor &t)
{
  for (const auto &x : list)
    if (x.is_same(t))
      return true;
  return false;
}
} // namespace

TEST(LearningOptimizer, WeightDecayGroupsByModuleType)
{
  Mixed m;
  const ParameterGroups g = split_for_weight_decay(m);
  EXPECT_EQ(g.decay.size(), 2u); // conv weight, fc weight
  EXPECT_TRUE(contains(g.decay, m.conv->weight));
  EXPECT_TRUE(contains(g.decay, m.fc->weight));
  for (const auto &t : { m.conv->bias, m.fc->bias, m.a->weight, m.a->bias, m.b->weight, m.b->bias,
                         m.s->weight, m.s->bias })
    EXPECT_TRUE(contains(g.no_decay, t));
  EXPECT_EQ(g.decay.size() + g.no_decay.size(), m.parameters().size());
}

TEST(LearningOptimizer, DecayActsOnlyOnDecayGroup)
{
  Mixed m;
  auto optimizer = make_adamw(m, 0.1, 0.5);
  const torch::Tensor conv_before = m.conv->weight.detach().clone();
  const torch::Tensor norm_before = m.a->weight.detach().clone();
  // Zero gradients: AdamW's only effect is the decoupled decay w <- w (1 - lr wd).
  for (auto &p : m.parameters())
    p.mutable_grad() = torch::zeros_like(p);
  optimizer->step();
  EXPECT_TRUE(torch::allclose(m.conv->weight, conv_before * (1 - 0.1 * 0.5)));
  EXPECT_TRUE(torch::equal(m.a->weight, norm_before));
}

TEST(LearningOptimizer, WholeVicregModelNormsExcluded)
{
  VicregModel model(fixtures::tiny_encoder(MPI_COMM_NULL), { 8, 8 }, MPI_COMM_NULL);
  const ParameterGroups g = split_for_weight_decay(model);
  std::size_t norm_params = 0, biases = 0;
  for (const auto &p : model.named_parameters(true))
  {
    const bool in_bn
        = p.key().find("_bn.") != std::string::npos || p.key().rfind("projector.1.", 0) == 0;
    if (in_bn)
    {
      ++norm_params;
      EXPECT_TRUE(contains(g.no_decay, p.value())) << p.key();
    }
    else if (p.key().size() > 5 && p.key().substr(p.key().size() - 5) == ".bias")
    {
      ++biases;
      EXPECT_TRUE(contains(g.no_decay, p.value())) << p.key();
    }
    else
      EXPECT_TRUE(contains(g.decay, p.value())) << p.key();
  }
  EXPECT_GT(norm_params, 0u);
  EXPECT_EQ(g.no_decay.size(), norm_params + biases);
}

TEST(LearningOptimizer, CosineScheduleWithWarmup)
{
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(1.0, 0, 100, 10, true), 0.1);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(1.0, 9, 100, 10, true), 1.0);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(1.0, 10, 100, 10, true), 1.0);
  EXPECT_NEAR(scheduled_learning_rate(1.0, 55, 100, 10, true), 0.5, 1e-12);
  EXPECT_NEAR(scheduled_learning_rate(1.0, 100, 100, 10, true, 0.1), 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate(1.0, 80, 100, 10, false), 1.0);
}
