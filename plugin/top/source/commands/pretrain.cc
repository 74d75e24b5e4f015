// `sslpde pretrain FILE.prm`: VICReg pre-training on the trajectory file named in the
// "Pretraining" section, data-parallel over the MPI job. Torch-free: only the learning facade.
#include <sslpde/learning/pipeline.h>
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/parameter_file.h>
#include <sslpde/plugin/pipeline_settings.h>
#include <sslpde/plugin/trajectory_file.h>

#include <mpi.h>

#include <iostream>
#include <stdexcept>

namespace
{
int pretrain(const std::vector<std::string> &arguments)
{
  if (arguments.size() != 1)
    throw std::invalid_argument("usage: sslpde pretrain FILE.prm");
  const auto file = sslpde::ParameterFile::read(arguments[0]);
  const auto settings = sslpde::read_pipeline_settings(*file);
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
