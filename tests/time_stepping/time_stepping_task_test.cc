// The driver's facade end to end on a tiny in-memory data set: all four variants (plain,
// symmetry-augmented, conditioned on a TorchScript encoder file, both), with the table, JSON and
// TorchScript models it must leave behind.
#include <sslpde/learning/encoder.h>
#include <sslpde/learning/time_stepping/time_stepper_export.h>
#include <sslpde/learning/time_stepping/time_stepping_task.h>
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/symmetries/augmentation.h>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

using namespace sslpde;

namespace
{
// Travelling sine waves u = a sin(x - c t + phi) on [0, 2 pi), 12 frames of 16 points.
std::vector<Trajectory> waves(int n, unsigned seed)
{
  std::vector<Trajectory> out;
  for (int i = 0; i < n; ++i)
  {
    Trajectory tr;
    tr.pde = "kdv";
    tr.spatial_dimension = 1;
    tr.allocate(12, 16, 1, { "u" });
    tr.dx = 2 * M_PI / 16;
    tr.dt = 0.1;
    tr.length_x = 2 * M_PI;
    tr.final_time = 1.1;
    const double a = 0.5 + 0.1 * ((seed + i) % 5), phi = 0.7 * (seed + i), c = 1.0 + 0.2 * (i % 3);
    for (std::size_t it = 0; it < 12; ++it)
      tr.t.push_back(it * tr.dt);
    for (std::size_t ix = 0; ix < 16; ++ix)
      tr.x.push_back(ix * tr.dx);
    for (std::size_t it = 0; it < 12; ++it)
      for (std::size_t ix = 0; ix < 16; ++ix)
        tr(0, it, ix) = a * std::sin(tr.x[ix] - c * tr.t[it] + phi);
    out.push_back(tr);
  }
  return out;
}
} // namespace

TEST(TimeSteppingTask, AllFourVariantsWithAnEncoderFile)
{
  at::set_num_threads(1);
  const std::string output = std::string(SSLPDE_BINARY_DIR) + "/time_stepping_task_test";
  std::filesystem::remove_all(output);
  std::filesystem::create_directories(output);

  // A tiny (untrained) encoder exported as the pre-training stage would export it.
  auto encoder_values = ParameterValues::defaults(
      PluginFamily<learning::Encoder>::declarations("resnet1d"), "Encoder/resnet1d");
  encoder_values.set("Width", "4");
  encoder_values.set("Blocks per stage", "1");
  encoder_values.set("Representation dimension", "6");
  encoder_values.set("Stem", "compact");
  at::manual_seed(0);
  auto encoder = learning::create_encoder("resnet1d", encoder_values, { 3, 4, 16 }, MPI_COMM_NULL);
  encoder->eval();
  const std::string encoder_file = output + "/encoder.pt";
  learning::export_torchscript(*encoder, encoder_file);

  TrajectorySplits splits{ { "train", waves(6, 1) }, { "test", waves(3, 100) } };
  learning::TimeSteppingTaskInput input;
  input.task
      = ParameterValues::defaults(learning::declare_time_stepping_parameters(), "Time stepping");
  input.task.set("Time window", "4");
  input.task.set("Seeds", "2");
  input.task.set("Epochs", "2");
  input.task.set("Batch size", "4");
  input.task.set("Windows per trajectory", "1");
  input.task.set("Push-forward steps", "1");
  input.task.set("Conditioning", "channels and film");
  input.task.set("Encoder file", encoder_file);
  input.task.set("Output directory", output);
  input.task.set("Threads per rank", "1");
  input.task.set("Verbose", "false");
  input.data = &splits;
  input.stepper_name = "cnn";
  input.stepper_values = ParameterValues::defaults(
      PluginFamily<learning::TimeStepper>::declarations("cnn"), "Time stepper/cnn");
  input.stepper_values.set("Width", "4");
  input.stepper_values.set("Kernel sizes", "3, 3");
  input.symmetry_group_name = "kdv";
  input.symmetry_group_values = ParameterValues::defaults(
      PluginFamily<symmetries::SymmetryGroup>::declarations("kdv"), "Symmetry group/kdv");

  const auto report = learning::run_time_stepping_task(input, MPI_COMM_NULL);
  ASSERT_EQ(report.variants.size(), 4u);
  const std::vector<std::string> names{ "plain", "augmented", "conditioned", "both" };
  for (std::size_t v = 0; v < 4; ++v)
  {
    const auto &r = report.variants[v];
    EXPECT_EQ(r.variant, names[v]);
    ASSERT_EQ(r.seed_means.size(), 2u);
    EXPECT_TRUE(std::isfinite(r.mean) && r.mean > 0) << r.variant;
    EXPECT_TRUE(std::filesystem::exists(r.model_file)) << r.model_file;
  }
  EXPECT_NE(report.markdown.find("| both |"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(output + "/time_stepping.md"));
  EXPECT_TRUE(std::filesystem::exists(output + "/time_stepping.json"));
  const learning::LoadedTimeStepper conditioned(output + "/time_stepping_both.pt");
  EXPECT_TRUE(conditioned.shape().conditioned());
  EXPECT_EQ(conditioned.shape().embedding_dimension, 6);
  EXPECT_EQ(conditioned.shape().conditioning, learning::Conditioning::channels_and_film);
  const learning::LoadedTimeStepper plain(output + "/time_stepping_plain.pt");
  EXPECT_FALSE(plain.shape().conditioned());

  // A conditioned variant without an encoder is refused with the parameter's name.
  input.task.set("Encoder file", "");
  try
  {
    learning::run_time_stepping_task(input, MPI_COMM_NULL);
    FAIL() << "no error without an encoder";
  }
  catch (const std::invalid_argument &e)
  {
    EXPECT_NE(std::string(e.what()).find("Encoder file"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(output);
}
