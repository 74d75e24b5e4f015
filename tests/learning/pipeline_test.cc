// End to end on synthetic Burgers-like trajectories (no solver needed): pre-training writes the
// TorchScript encoder and history, evaluation writes results with one entry per method; and the
// regression targets and metrics of SCIENCE.md section 4 on hand-made values.
#include <sslpde/learning/pipeline.h>
#include <sslpde/learning/regression.h>
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/symmetries/augmentation_parameters.h>
#include <sslpde/symmetries/symmetry_group.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sslpde;
using namespace sslpde::learning;

namespace
{
/// A decaying travelling wave whose decay rate is set by nu: a sample the encoder can read nu from.
Trajectory synthetic(std::uint64_t seed, double nu)
{
  Trajectory t;
  t.pde = "burgers";
  t.allocate(8, 16, 1, { "u" });
  t.length_x = 2 * M_PI;
  t.final_time = 1;
  t.dt = 1.0 / 7;
  t.dx = t.length_x / 16;
  for (std::size_t j = 0; j < 8; ++j)
    t.t.push_back(j * t.dt);
  for (std::size_t i = 0; i < 16; ++i)
    t.x.push_back(i * t.dx);
  const double phase = 0.37 * static_cast<double>(seed);
  for (std::size_t j = 0; j < 8; ++j)
    for (std::size_t i = 0; i < 16; ++i)
      t(0, j, i) = std::exp(-30 * nu * t.t[j]) * std::sin(t.x[i] + phase);
  t.coefficients["nu"] = nu;
  t.initial_condition["A"] = { 0.3, 0.4, 0.1 };
  t.initial_condition["phi"] = { 0.0, M_PI / 2, 1.0 };
  t.initial_condition["l"] = { 1, 1, 2 };
  t.seed = seed;
  return t;
}
} // namespace

TEST(LearningRegression, TargetsAndMetrics)
{
  const Trajectory t = synthetic(1, 0.05);
  const torch::Tensor y = regression_targets({ &t }, { "nu", "L", "a1", "a2" });
  EXPECT_DOUBLE_EQ(y[0][0].item<double>(), 0.05);
  EXPECT_DOUBLE_EQ(y[0][1].item<double>(), 2 * M_PI);
  EXPECT_NEAR(y[0][2].item<double>(), 0.5, 1e-12); // |0.3 + 0.4 i|
  EXPECT_NEAR(y[0][3].item<double>(), 0.1, 1e-12);
  EXPECT_THROW(regression_targets({ &t }, { "beta" }), std::invalid_argument);

  const torch::Tensor truth
      = torch::tensor({ 1.0, 2.0, 4.0, 2.0 }, torch::kDouble).reshape({ 2, 2 });
  const torch::Tensor prediction
      = torch::tensor({ 1.1, 2.0, 4.0, 1.0 }, torch::kDouble).reshape({ 2, 2 });
  // relative error: mean(0.1, 0, 0, 0.5) * 100 = 15 %
  EXPECT_NEAR(regression_metric("relative error", prediction, truth), 15.0, 1e-10);
  // nmse: mean(0.01 / 5, 1 / 20) = 0.026
  EXPECT_NEAR(regression_metric("nmse", prediction, truth), 0.026, 1e-12);
  EXPECT_NEAR(regression_metric("mse", prediction, truth), (0.01 + 1.0) / 4, 1e-12);

  TargetScaler scaler;
  scaler.log = true;
  scaler.fit(truth);
  EXPECT_TRUE(torch::allclose(scaler.inverse(scaler.forward(truth)), truth));
}

TEST(LearningPipeline, PretrainThenEvaluateWritesResults)
{
  TrajectorySplits data;
  for (int i = 0; i < 24; ++i)
    data["train"].push_back(synthetic(i, 0.01 * std::pow(10.0, (i % 12) / 11.0)));
  for (int i = 0; i < 8; ++i)
    data["test"].push_back(synthetic(100 + i, 0.01 * std::pow(10.0, (i + 0.5) / 8.0)));

  PipelineSettings settings;
  const std::string dir = std::string(SSLPDE_BINARY_DIR) + "/learning_test_pipeline";
  std::filesystem::remove_all(dir);
  settings.pretraining = ParameterValues::defaults(declare_pretraining_parameters(), "Pretraining");
  settings.pretraining.set("Output directory", dir);
  settings.pretraining.set("Epochs", "2");
  settings.pretraining.set("Batch size", "8");
  settings.pretraining.set("Projector sizes", "16, 16");
  settings.pretraining.set("Threads per rank", "1");
  settings.evaluation = ParameterValues::defaults(declare_evaluation_parameters(), "Evaluation");
  settings.evaluation.set("Labelled samples", "12");
  settings.evaluation.set("Head", "both");
  settings.evaluation.set("Head epochs", "5");
  settings.evaluation.set("Supervised epochs", "2");
  settings.evaluation.set("Supervised batch size", "6");
  settings.evaluation.set("Number of seeds", "2");
  settings.symmetries
      = ParameterValues::defaults(symmetries::declare_augmentation_parameters(), "Symmetries");
  settings.symmetries.set("Time window", "6");
  settings.encoder_name = "resnet1d";
  settings.encoder = ParameterValues::defaults(PluginFamily<Encoder>::declarations("resnet1d"),
                                               "Encoder/resnet1d");
  settings.encoder.set("Width", "4");
  settings.encoder.set("Blocks per stage", "1, 1");
  settings.encoder.set("Stem", "compact");
  settings.group_name = "burgers";
  settings.group = ParameterValues::defaults(
      PluginFamily<symmetries::SymmetryGroup>::declarations("burgers"), "Symmetry group/burgers");

  const PretrainingSummary pretraining = pretrain(settings, data, MPI_COMM_WORLD);
  ASSERT_EQ(pretraining.loss_history.size(), 2u);
  EXPECT_TRUE(std::isfinite(pretraining.loss_history[1]));
  EXPECT_TRUE(std::filesystem::exists(dir + "/encoder.pt"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/pretraining.ckpt"));

  const EvaluationSummary evaluation = evaluate(settings, data, MPI_COMM_WORLD, &pretraining);
  std::ifstream in(evaluation.results_file);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("linear head"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("mlp head"), std::string::npos);
  EXPECT_NE(text.str().find("Supervised"), std::string::npos);
  EXPECT_NE(evaluation.table.find("| 12 |"), std::string::npos) << evaluation.table;
  EXPECT_TRUE(std::filesystem::exists(dir + "/results.md"));
  std::filesystem::remove_all(dir);
}
