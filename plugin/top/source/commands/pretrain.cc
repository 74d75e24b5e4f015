// `sslpde pretrain FILE.prm`: VICReg pre-training on the trajectory file named in the
// "Pretraining" section, data-parallel over the MPI job. Torch-free: only the learning facade.
#include <sslpde/learning/pipeline.h>
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/parameter_file.h>
#include <sslpde/plugin/trajectory_file.h>

#include <mpi.h>

#include <iostream>
#include <stdexcept>

namespace
{
sslpde::learning::PipelineSettings pipeline_settings(const sslpde::ParameterFile &file)
{
  sslpde::learning::PipelineSettings settings;
  settings.pretraining = file.section("Pretraining");
  settings.evaluation = file.section("Evaluation");
  settings.symmetries = file.section("Symmetries");
  settings.encoder_name = file.selected_plugin("Encoder");
  settings.encoder = file.selected_plugin_values("Encoder");
  settings.group_name = file.selected_plugin("Symmetry group");
  settings.group = file.selected_plugin_values("Symmetry group");
  return settings;
}

int pretrain(const std::vector<std::string> &arguments)
{
  if (arguments.size() != 1)
    throw std::invalid_argument("usage: sslpde pretrain FILE.prm");
  const auto file = sslpde::ParameterFile::read(arguments[0]);
  const auto settings = pipeline_settings(*file);
  // Every rank reads the whole file: each batch is sharded over the ranks.
  const sslpde::TrajectorySplits data
      = sslpde::io::read_trajectory_file(settings.pretraining.get("Data file"));
  sslpde::learning::pretrain(settings, data, MPI_COMM_WORLD);
  return 0;
}
} // namespace

SSLPDE_REGISTER_COMMAND("pretrain", "FILE.prm",
                        "VICReg self-supervised pre-training of the selected Encoder on symmetry "
                        "views of a trajectory file (MPI data-parallel, resumable); writes the "
                        "TorchScript encoder.",
                        pretrain)
