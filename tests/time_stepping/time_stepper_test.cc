// Shapes of every time-stepper, conditioning switched on and off, TorchScript export matching the
// C++ forward, and the rollout and its error metric on hand-made cases.
#include <sslpde/learning/time_stepping/rollout.h>
#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/learning/time_stepping/time_stepper_export.h>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cstdio>
#include <string>

using namespace sslpde::learning;

namespace
{
using Overrides = std::vector<std::pair<std::string, std::string>>;

struct Case
{
  std::string name;
  Overrides overrides;
  int dimension;
};

std::vector<Case> tiny_architectures()
{
  return { { "cnn", { { "Width", "8" }, { "Kernel sizes", "3, 5, 7" } }, 1 },
           { "fno 1d",
             { { "Width", "8" }, { "Modes", "5" }, { "Layers", "2" }, { "Projection width", "8" } },
             1 },
           { "fno 2d",
             { { "Width", "6" }, { "Modes", "3" }, { "Layers", "2" }, { "Projection width", "6" } },
             2 } };
}

TimeStepperShape shape_for(int dimension, Conditioning conditioning)
{
  TimeStepperShape shape;
  shape.time_window = 4;
  shape.n_fields = dimension == 1 ? 1 : 3;
  shape.spatial_dimension = dimension;
  shape.embedding_dimension = conditioning == Conditioning::none ? 0 : 5;
  shape.conditioning = conditioning;
  shape.conditioning_channels = 3;
  return shape;
}

at::Tensor history_for(const TimeStepperShape &shape, std::int64_t batch)
{
  std::vector<std::int64_t> sizes{ batch, shape.time_window, shape.n_fields, 16 };
  if (shape.spatial_dimension == 2)
    sizes.push_back(12);
  return at::randn(sizes);
}

std::int64_t count_parameters(torch::nn::Module &module)
{
  std::int64_t n = 0;
  for (const auto &p : module.parameters())
    n += p.numel();
  return n;
}

// Sets every FiLM weight to a nonzero value (they start at zero = identity).
void perturb_film(TimeStepperNetwork &network)
{
  at::NoGradGuard no_grad;
  for (auto &item : network.named_parameters())
    if (item.key().rfind("film_", 0) == 0)
      item.value().copy_(0.3 * at::randn_like(item.value()));
}
} // namespace

TEST(TimeStepper, ShapesOfEveryArchitectureAndConditioning)
{
  at::manual_seed(1);
  for (const auto &c : tiny_architectures())
    for (auto conditioning : { Conditioning::none, Conditioning::channels, Conditioning::film,
                               Conditioning::channels_and_film })
    {
      const TimeStepperShape shape = shape_for(c.dimension, conditioning);
      auto network = create_time_stepper_network(c.name, shape, c.overrides);
      const at::Tensor history = history_for(shape, 3);
      const at::Tensor e = shape.conditioned() ? at::randn({ 3, 5 }) : at::Tensor();
      const at::Tensor out = network->forward(history, at::full({ 3 }, 0.1, at::kDouble),
                                              at::full({ 3 }, 0.05, at::kDouble), e);
      EXPECT_EQ(out.sizes(), history.sizes()) << c.name << " " << to_string(conditioning);
      EXPECT_TRUE(out.isfinite().all().item<bool>());
    }
}

TEST(TimeStepper, UnconditionedNetworkIgnoresTheEmbeddingAndConditionedOneUsesIt)
{
  for (const auto &c : tiny_architectures())
  {
    at::manual_seed(2);
    const TimeStepperShape plain_shape = shape_for(c.dimension, Conditioning::none);
    auto plain = create_time_stepper_network(c.name, plain_shape, c.overrides);
    const at::Tensor history = history_for(plain_shape, 2);
    const at::Tensor dx = at::full({ 2 }, 0.1, at::kDouble),
                     dt = at::full({ 2 }, 0.05, at::kDouble);
    const at::Tensor a = plain->forward(history, dx, dt, at::randn({ 2, 5 }));
    const at::Tensor b = plain->forward(history, dx, dt, at::Tensor());
    EXPECT_TRUE(at::equal(a, b)) << c.name;

    for (auto conditioning :
         { Conditioning::channels, Conditioning::film, Conditioning::channels_and_film })
    {
      auto conditioned
          = create_time_stepper_network(c.name, shape_for(c.dimension, conditioning), c.overrides);
      perturb_film(*conditioned);
      const at::Tensor e1 = at::randn({ 2, 5 }), e2 = at::randn({ 2, 5 });
      const at::Tensor y1 = conditioned->forward(history, dx, dt, e1);
      const at::Tensor y2 = conditioned->forward(history, dx, dt, e2);
      EXPECT_GT((y1 - y2).abs().max().item<double>(), 1e-6)
          << c.name << " " << to_string(conditioning);
      // The same network plus the conditioning layers: nothing else changes.
      std::int64_t extra = 0;
      for (const auto &item : conditioned->named_parameters())
        if (item.key().rfind("film_", 0) == 0 || item.key().rfind("condition_projection", 0) == 0)
          extra += item.value().numel();
      // Channel conditioning widens the first layer by conditioning_channels inputs.
      std::int64_t widened = 0;
      if (conditioning != Conditioning::film)
        for (const auto &item : conditioned->named_parameters())
          if (item.key() == "conv_0.weight" || item.key() == "lift.weight")
            widened = item.value().numel() / item.value().size(1) * 3;
      EXPECT_EQ(count_parameters(*conditioned), count_parameters(*plain) + extra + widened)
          << c.name << " " << to_string(conditioning);
      // Conditioned without an embedding is an error, not a silent zero.
      EXPECT_THROW(conditioned->forward(history, dx, dt, at::Tensor()), std::invalid_argument);
    }
  }
}

TEST(TimeStepper, TorchScriptExportComputesTheSameAsTheNetwork)
{
  for (const auto &c : tiny_architectures())
    for (auto conditioning : { Conditioning::none, Conditioning::channels_and_film })
    {
      at::manual_seed(3);
      const TimeStepperShape shape = shape_for(c.dimension, conditioning);
      auto network = create_time_stepper_network(c.name, shape, c.overrides);
      perturb_film(*network);
      network->eval();
      const std::string path = std::string(SSLPDE_BINARY_DIR) + "/time_stepper_export_"
                               + std::to_string(c.dimension) + "_"
                               + std::to_string(static_cast<int>(conditioning)) + ".pt";
      export_torchscript(*network, path);
      LoadedTimeStepper loaded(path);
      EXPECT_EQ(loaded.architecture(), c.name);
      EXPECT_EQ(loaded.shape().time_window, shape.time_window);
      EXPECT_EQ(loaded.shape().conditioned(), shape.conditioned());
      const at::Tensor history = history_for(shape, 2);
      const at::Tensor dx = at::full({ 2 }, 0.2, at::kDouble),
                       dt = at::full({ 2 }, 0.1, at::kDouble);
      const at::Tensor e = shape.conditioned() ? at::randn({ 2, 5 }) : at::Tensor();
      at::Tensor expected;
      {
        at::NoGradGuard no_grad;
        expected = network->forward(history, dx, dt, e);
      }
      const at::Tensor got = loaded.step(history, dx, dt, e);
      EXPECT_LT((got - expected).abs().max().item<double>(), 1e-5) << c.name;
      std::remove(path.c_str());
    }
}

TEST(TimeStepper, BadInputsAreNamed)
{
  const TimeStepperShape shape = shape_for(1, Conditioning::none);
  EXPECT_THROW(create_time_stepper_network("fno 2d", shape), std::invalid_argument);
  EXPECT_THROW(create_time_stepper_network("cnn", shape, { { "Kernel sizes", "3, 4" } }),
               std::invalid_argument);
  auto network
      = create_time_stepper_network("cnn", shape, { { "Width", "4" }, { "Kernel sizes", "3, 3" } });
  EXPECT_THROW(network->forward(at::randn({ 2, 3, 1, 16 }), at::ones({ 2 }), at::ones({ 2 }), {}),
               std::invalid_argument);
  EXPECT_THROW(LoadedTimeStepper("/nonexistent/model.pt"), std::runtime_error);
  EXPECT_THROW(parse_conditioning("sideways"), std::invalid_argument);
}

TEST(Rollout, NormalisedErrorOfKnownPredictions)
{
  // Truth u = sin(x + t) sampled on 8 frames; tw = 2, so 6 predicted frames.
  const at::Tensor x = at::arange(32, at::kDouble) * (2 * M_PI / 32);
  const at::Tensor t = at::arange(8, at::kDouble) * 0.1;
  const at::Tensor u = at::sin(x.reshape({ 1, 32 }) + t.reshape({ 8, 1 })).reshape({ 1, 8, 1, 32 });
  EXPECT_NEAR(normalised_rollout_errors(u, u, 2)[0], 0.0, 1e-14);
  // Predicting zero costs exactly 1 per predicted frame.
  at::Tensor zero = u.clone();
  zero.slice(1, 2).zero_();
  EXPECT_NEAR(normalised_rollout_errors(zero, u, 2)[0], 6.0, 1e-12);
  // Predicting 2u costs 1 per frame too; 1.5 u costs 0.25.
  at::Tensor scaled = u.clone();
  scaled.slice(1, 2).mul_(1.5);
  EXPECT_NEAR(normalised_rollout_errors(scaled, u, 2)[0], 6 * 0.25, 1e-12);
  EXPECT_THROW(normalised_rollout_errors(u.slice(1, 1), u, 2), std::invalid_argument);
}

TEST(Rollout, ExactStepReproducesTheTrajectoryWindowByWindow)
{
  // A step that shifts the last frame by 1..tw cells is exact for u(x - t) with dt = dx: the
  // rollout must reproduce every frame, including the cut last window (nt = 11, tw = 3).
  const std::int64_t nx = 16, nt = 11, tw = 3;
  TimeSteppingData data;
  const at::Tensor base = at::randn({ 2, nx }, at::kFloat);
  std::vector<at::Tensor> frames;
  for (std::int64_t i = 0; i < nt; ++i)
    frames.push_back(at::roll(base, { i }, { 1 }));
  data.fields = at::stack(frames, 1).unsqueeze(2); // [2, nt, 1, nx]
  data.dx = at::ones({ 2 }, at::kDouble);
  data.dt = at::ones({ 2 }, at::kDouble);
  data.t_start = at::zeros({ 2 }, at::kDouble);
  data.field_names = { "u" };
  std::int64_t calls = 0;
  WindowStep shift
      = [&](const at::Tensor &h, const at::Tensor &, const at::Tensor &, const at::Tensor &)
  {
    ++calls;
    std::vector<at::Tensor> next;
    for (std::int64_t k = 1; k <= tw; ++k)
      next.push_back(at::roll(h.select(1, tw - 1), { k }, { 2 }));
    return at::stack(next, 1);
  };
  const at::Tensor prediction = rollout(shift, tw, false, data, {}, 1);
  EXPECT_EQ(calls, 2 * 3); // 2 trajectories, windows starting at 3, 6, 9
  EXPECT_TRUE(at::allclose(prediction, data.fields));
  EXPECT_NEAR(normalised_rollout_errors(prediction, data.fields, tw)[1], 0.0, 1e-12);
}
