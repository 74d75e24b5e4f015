// A tiny CNN trained on pure translation (u(x, t) = u0(x - c t), one grid cell per frame) must
// learn it well enough that its autoregressive rollout reproduces the translation on unseen
// initial conditions, far better than holding the last frame.
#include <sslpde/learning/time_stepping/rollout.h>
#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/learning/time_stepping/time_stepper_training.h>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

using namespace sslpde::learning;

namespace
{
// n trajectories of nt frames on nx cells: random sums of 3 low sine modes, translated by one
// cell per frame (exactly, by rolling the samples).
TimeSteppingData translating_waves(std::int64_t n, std::int64_t nt, std::int64_t nx)
{
  const at::Tensor x = at::arange(nx, at::kDouble) * (2 * M_PI / nx);
  at::Tensor u0 = at::zeros({ n, nx }, at::kDouble);
  for (int k = 1; k <= 3; ++k)
  {
    const at::Tensor a = at::rand({ n, 1 }, at::kDouble) - 0.5;
    const at::Tensor phi = at::rand({ n, 1 }, at::kDouble) * 2 * M_PI;
    u0 += a * at::sin(k * x.reshape({ 1, nx }) + phi);
  }
  std::vector<at::Tensor> frames;
  for (std::int64_t i = 0; i < nt; ++i)
    frames.push_back(at::roll(u0, { i }, { 1 }));
  TimeSteppingData data;
  data.fields = at::stack(frames, 1).unsqueeze(2).to(at::kFloat);
  data.dx = at::full({ n }, 2 * M_PI / nx, at::kDouble);
  data.dt = at::full({ n }, 0.1, at::kDouble);
  data.t_start = at::zeros({ n }, at::kDouble);
  data.field_names = { "u" };
  return data;
}
} // namespace

TEST(TimeStepperTraining, TinyCnnLearnsTranslationAndItsRolloutReproducesIt)
{
  at::set_num_threads(1);
  at::manual_seed(7);
  const std::int64_t tw = 4, nx = 32, nt = 24;
  const TimeSteppingData train = translating_waves(32, nt, nx);
  const TimeSteppingData test = translating_waves(8, nt, nx);

  TimeStepperShape shape;
  shape.time_window = tw;
  auto network = create_time_stepper_network("cnn", shape,
                                             { { "Width", "16" }, { "Kernel sizes", "5, 5, 5" } });

  TimeStepperTrainingOptions options;
  options.epochs = 30;
  options.batch_size = 16;
  options.windows_per_trajectory = 4;
  options.learning_rate = 3e-3;
  options.milestones = { 20 };
  options.seed = 11;
  const TrainingState state = train_time_stepper(*network, train, options);
  ASSERT_EQ(state.loss_history.size(), 30u);
  EXPECT_LT(state.loss_history.back(), 0.05 * state.loss_history.front());

  const at::Tensor prediction = rollout(*network, test);
  const std::vector<double> errors = normalised_rollout_errors(prediction, test.fields, tw);
  // Holding the last frame is the baseline a network that learned nothing beats at most slightly.
  at::Tensor hold = test.fields.clone();
  for (std::int64_t t0 = tw; t0 < nt; t0 += tw)
    hold.slice(1, t0, t0 + tw).copy_(test.fields.slice(1, t0 - 1, t0).expand({ -1, tw, -1, -1 }));
  const std::vector<double> hold_errors = normalised_rollout_errors(hold, test.fields, tw);
  double mean = 0, hold_mean = 0;
  for (std::size_t i = 0; i < errors.size(); ++i)
  {
    mean += errors[i] / errors.size();
    hold_mean += hold_errors[i] / errors.size();
  }
  std::printf("translation: rollout error %.4g (20 frames), holding the last frame %.4g\n", mean,
              hold_mean);
  EXPECT_LT(mean, 0.02 * hold_mean);
  EXPECT_LT(mean, 0.2);
}
