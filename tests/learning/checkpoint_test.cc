// Exact resume: a run interrupted after a checkpoint and resumed in a fresh model and optimiser
// ends with the same weights as an uninterrupted run. Errors name the file.
#include <sslpde/learning/checkpoint.h>
#include <sslpde/learning/optimizer.h>
#include <sslpde/learning/pretraining.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "tiny_model.h"

using namespace sslpde::learning;

namespace
{
PretrainingOptions tiny_options()
{
  PretrainingOptions o;
  o.epochs = 3;
  o.batch_size = 5;
  o.learning_rate = 1e-3;
  o.projector_sizes = { 8, 8 };
  o.cosine_schedule = true;
  o.warmup_epochs = 1;
  o.seed = 11;
  o.progress = false;
  return o;
}

std::unique_ptr<VicregModel> tiny_model(std::uint64_t init_seed)
{
  auto model = std::make_unique<VicregModel>(fixtures::tiny_encoder(MPI_COMM_NULL, 4, init_seed),
                                             std::vector<std::int64_t>{ 8, 8 }, MPI_COMM_NULL);
  model->to(torch::kDouble);
  return model;
}

std::string temporary_path(const std::string &name)
{
  return std::string(SSLPDE_BINARY_DIR) + "/learning_test_" + name;
}
} // namespace

TEST(LearningCheckpoint, InterruptedRunResumesExactly)
{
  const ViewFunction views
      = [](const auto &i, const auto &s) { return fixtures::synthetic_views(i, s); };
  auto reference = tiny_model(3);
  PretrainingOptions options = tiny_options();
  const PretrainingResult full = pretrain_vicreg(*reference, 12, views, options, MPI_COMM_NULL);
  ASSERT_TRUE(full.finished);
  ASSERT_EQ(full.state.loss_history.size(), 3u);

  const std::string file = temporary_path("resume.ckpt");
  std::remove(file.c_str());
  options.checkpoint_file = file;
  options.max_epochs_this_call = 2;
  {
    auto interrupted = tiny_model(3);
    const PretrainingResult first
        = pretrain_vicreg(*interrupted, 12, views, options, MPI_COMM_NULL);
    EXPECT_FALSE(first.finished);
    EXPECT_EQ(first.state.epoch, 2);
  } // the "killed" process: model and optimiser are gone, only the file remains
  // Resume in a model initialised differently: everything must come from the checkpoint.
  options.max_epochs_this_call = -1;
  auto resumed = tiny_model(99);
  const PretrainingResult second = pretrain_vicreg(*resumed, 12, views, options, MPI_COMM_NULL);
  EXPECT_TRUE(second.finished);
  EXPECT_EQ(second.state.step, full.state.step);
  ASSERT_EQ(second.state.loss_history.size(), 3u);
  for (int e = 0; e < 3; ++e)
    EXPECT_DOUBLE_EQ(second.state.loss_history[e], full.state.loss_history[e]);
  EXPECT_LT(fixtures::max_parameter_difference(*resumed, *reference), 1e-12);
  std::remove(file.c_str());
}

TEST(LearningCheckpoint, MissingFileAndMismatchedModel)
{
  auto model = tiny_model(1);
  auto optimizer = make_adamw(*model, 1e-3, 1e-6);
  TrainingState state;
  EXPECT_FALSE(load_checkpoint(temporary_path("does_not_exist.ckpt"), *model, *optimizer, state));

  const std::string file = temporary_path("mismatch.ckpt");
  state.epoch = 4;
  save_checkpoint(file, *model, *optimizer, state);
  TrainingState read;
  EXPECT_TRUE(load_checkpoint(file, *model, *optimizer, read));
  EXPECT_EQ(read.epoch, 4);

  auto wider = std::make_unique<VicregModel>(fixtures::tiny_encoder(MPI_COMM_NULL, 6),
                                             std::vector<std::int64_t>{ 8, 8 }, MPI_COMM_NULL);
  auto wider_optimizer = make_adamw(*wider, 1e-3, 1e-6);
  try
  {
    load_checkpoint(file, *wider, *wider_optimizer, read);
    FAIL() << "a checkpoint of another architecture was accepted";
  }
  catch (const std::runtime_error &e)
  {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("shape"), std::string::npos) << e.what();
  }

  const std::string garbage = temporary_path("garbage.ckpt");
  std::ofstream(garbage) << "not a checkpoint";
  try
  {
    load_checkpoint(garbage, *model, *optimizer, read);
    FAIL() << "garbage accepted";
  }
  catch (const std::runtime_error &e)
  {
    EXPECT_NE(std::string(e.what()).find(garbage), std::string::npos) << e.what();
  }
  std::remove(file.c_str());
  std::remove(garbage.c_str());
}
