// `sslpde run FILE.prm`: generate -> pretrain -> evaluate in one MPI job. The ranks generate
// their share of the trajectories, every rank receives all of them in memory and trains on them
// without reading the file back (the file is still written, for reuse).
#include <sslpde/learning/pipeline.h>
#include <sslpde/learning/time_stepping/time_stepping_task.h>
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/parameter_file.h>
#include <sslpde/plugin/pipeline_settings.h>
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/solvers/ensemble.h>

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <stdexcept>

namespace
{
sslpde::ParameterDeclarations declare_pipeline_parameters()
{
  return { { "Tasks", "regression",
             sslpde::ParameterPattern::list_of_strings({ "regression", "time stepping" }),
             "What `sslpde run` does after generating the data and pre-training the encoder on "
             "it: coefficient regression (SSL + head against a supervised baseline), neural "
             "time-stepping (section 'Time stepping': plain, augmented, SSL-conditioned, both), "
             "or both, e.g. 'regression, time stepping'." } };
}

int run(const std::vector<std::string> &arguments)
{
  if (arguments.size() != 1)
    throw std::invalid_argument("usage: sslpde run FILE.prm");
  const auto start = std::chrono::steady_clock::now();
  const auto file = sslpde::ParameterFile::read(arguments[0]);
  const auto settings = sslpde::read_pipeline_settings(*file);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  const auto tasks = file->section("Pipeline").get_strings("Tasks");
  const auto wants = [&](const std::string &task) {
    return std::find(tasks.begin(), tasks.end(), task) != tasks.end();
  };
  const int n_stages = 2 + static_cast<int>(wants("regression")) + static_cast<int>(wants("time stepping"));
  int stage = 0;
  const auto announce = [&](const std::string &what) {
    if (rank == 0)
      std::cout << "[" << ++stage << "/" << n_stages << "] " << what << std::endl;
  };

  const std::string solver = file->selected_plugin("PDE solver");
  announce("Generating " + solver + " trajectories");
  const auto ensemble = sslpde::solvers::generate_ensemble(
      file->section("Generation"), solver, file->selected_plugin_values("PDE solver"),
      file->to_prm_text(), MPI_COMM_WORLD, /*share_with_all_ranks=*/true);
  if (rank == 0)
    std::cout << "      " << ensemble.n_trajectories << " trajectories in " << ensemble.wall_seconds
              << " s (written to " << ensemble.output_file << ")" << std::endl;
  announce("Self-supervised pre-training");
  const auto pretraining
      = sslpde::learning::pretrain(settings, ensemble.trajectories, MPI_COMM_WORLD);

  std::string summary;
  if (wants("regression"))
  {
    announce("Coefficient regression: SSL + head against supervised");
    const auto evaluation = sslpde::learning::evaluate(settings, ensemble.trajectories,
                                                       MPI_COMM_WORLD, &pretraining);
    summary += "\n" + evaluation.table + "\nResults: " + evaluation.results_file + "\n";
  }
  if (wants("time stepping"))
  {
    announce("Neural time-stepping: plain, augmented, SSL-conditioned, both");
    sslpde::learning::TimeSteppingTaskInput input;
    input.task = file->section("Time stepping");
    // The encoder just pre-trained conditions the solvers, unless the file names another one.
    if (input.task.get("Encoder file").empty())
      input.task.set("Encoder file", pretraining.encoder_file);
    input.stepper_name = file->selected_plugin("Time stepper");
    input.stepper_values = file->selected_plugin_values("Time stepper");
    input.symmetry_group_name = settings.group_name;
    input.symmetry_group_values = settings.group;
    input.symmetries_section = settings.symmetries;
    input.data = &ensemble.trajectories;
    const auto report = sslpde::learning::run_time_stepping_task(input, MPI_COMM_WORLD);
    summary += "\n" + report.markdown;
  }
  if (rank == 0)
  {
    const double seconds
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << summary << "\nTotal wall time: " << seconds << " s" << std::endl;
  }
  return 0;
}
} // namespace

SSLPDE_REGISTER_COMMAND("run", "FILE.prm",
                        "The whole pipeline in one MPI job: generate trajectories, pre-train the "
                        "encoder on them in memory, then the tasks of 'Pipeline/Tasks' "
                        "(coefficient regression, neural time-stepping).",
                        run)

SSLPDE_REGISTER_PARAMETER_SECTION("Pipeline", "What `sslpde run` does.", &declare_pipeline_parameters)
