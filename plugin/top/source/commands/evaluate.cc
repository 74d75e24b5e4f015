// `sslpde evaluate FILE.prm`: coefficient regression with the frozen pre-trained encoder against
// the supervised baseline, on the trajectory file named in the "Pretraining" section.
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
int evaluate(const std::vector<std::string> &arguments)
{
  if (arguments.size() != 1)
    throw std::invalid_argument("usage: sslpde evaluate FILE.prm");
  const auto file = sslpde::ParameterFile::read(arguments[0]);
  const auto settings = sslpde::read_pipeline_settings(*file);
  const sslpde::TrajectorySplits data
      = sslpde::io::read_trajectory_file(settings.pretraining.get("Data file"));
  const auto summary = sslpde::learning::evaluate(settings, data, MPI_COMM_WORLD);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0)
    std::cout << "\n" << summary.table << "\nResults: " << summary.results_file << std::endl;
  return 0;
}
} // namespace

SSLPDE_REGISTER_COMMAND("evaluate", "FILE.prm",
                        "Coefficient regression: frozen pre-trained encoder + head against the "
                        "supervised baseline (mean ± std over seeds); JSON, Markdown and plots.",
                        evaluate)
