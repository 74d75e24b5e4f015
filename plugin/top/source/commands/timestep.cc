// `sslpde timestep FILE.prm`: the time-stepping task alone (train the selected "Time stepper"
// plain, augmented, SSL-conditioned and both; roll out on the test split; write table, plots and
// TorchScript models). `sslpde run` calls the same facade when the .prm selects time-stepping.
#include <sslpde/learning/time_stepping/time_stepping_task.h>
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/parameter_file.h>
#include <sslpde/plugin/plugin_registry.h>

#include <mpi.h>

#include <iostream>
#include <stdexcept>

namespace
{
int timestep(const std::vector<std::string> &arguments)
{
  if (arguments.size() != 1)
    throw std::invalid_argument("usage: sslpde timestep FILE.prm");
  const auto file = sslpde::ParameterFile::read(arguments[0]);
  sslpde::learning::TimeSteppingTaskInput input;
  input.task = file->section("Time stepping");
  input.stepper_name = file->selected_plugin("Time stepper");
  input.stepper_values = file->selected_plugin_values("Time stepper");
  bool augmented = false;
  for (const auto &v : input.task.get_strings("Variants"))
    augmented |= v == "augmented" || v == "both";
  if (augmented)
  {
    input.symmetry_group_name = file->selected_plugin("Symmetry group");
    input.symmetry_group_values = file->selected_plugin_values("Symmetry group");
    input.symmetries_section = file->section("Symmetries");
  }
  const auto report = sslpde::learning::run_time_stepping_task(input, MPI_COMM_WORLD);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0)
    std::cout << "\n" << report.markdown << std::flush;
  return 0;
}
} // namespace

SSLPDE_REGISTER_COMMAND("timestep", "FILE.prm",
                        "Train and evaluate neural time-steppers (plain, symmetry-augmented, "
                        "SSL-conditioned, both) on trajectory files; rollout error table.",
                        timestep)
