// `sslpde run FILE.prm`: generate -> pretrain -> evaluate in one MPI job. The ranks generate
// their share of the trajectories, every rank receives all of them in memory and trains on them
// without reading the file back (the file is still written, for reuse).
#include <sslpde/learning/pipeline.h>
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/parameter_file.h>
#include <sslpde/solvers/ensemble.h>

#include <mpi.h>

#include <chrono>
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

int run(const std::vector<std::string> &arguments)
{
  if (arguments.size() != 1)
    throw std::invalid_argument("usage: sslpde run FILE.prm");
  const auto start = std::chrono::steady_clock::now();
  const auto file = sslpde::ParameterFile::read(arguments[0]);
  const auto settings = pipeline_settings(*file);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  const std::string solver = file->selected_plugin("PDE solver");
  if (rank == 0)
    std::cout << "[1/3] Generating " << solver << " trajectories" << std::endl;
  const auto ensemble = sslpde::solvers::generate_ensemble(
      file->section("Generation"), solver, file->selected_plugin_values("PDE solver"),
      file->to_prm_text(), MPI_COMM_WORLD, /*share_with_all_ranks=*/true);
  if (rank == 0)
    std::cout << "      " << ensemble.n_trajectories << " trajectories in " << ensemble.wall_seconds
              << " s (written to " << ensemble.output_file << ")" << std::endl
              << "[2/3] Self-supervised pre-training" << std::endl;
  const auto pretraining
      = sslpde::learning::pretrain(settings, ensemble.trajectories, MPI_COMM_WORLD);
  if (rank == 0)
    std::cout << "[3/3] Coefficient regression: SSL + head against supervised" << std::endl;
  const auto evaluation
      = sslpde::learning::evaluate(settings, ensemble.trajectories, MPI_COMM_WORLD, &pretraining);
  if (rank == 0)
  {
    const double seconds
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "\n"
              << evaluation.table << "\nResults: " << evaluation.results_file
              << "\nTotal wall time: " << seconds << " s" << std::endl;
  }
  return 0;
}
} // namespace

SSLPDE_REGISTER_COMMAND("run", "FILE.prm",
                        "The whole pipeline in one MPI job: generate trajectories, pre-train the "
                        "encoder on them in memory, evaluate coefficient regression.",
                        run)
