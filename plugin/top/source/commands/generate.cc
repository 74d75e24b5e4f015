// `sslpde generate FILE.prm` (also under mpirun): trajectories of the selected PDE solver plugin
// for the train/valid/test splits of section "Generation", spread over the MPI ranks and written
// by rank 0 into one HDF5 file whose content does not depend on the number of ranks.
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/parameter_file.h>
#include <sslpde/solvers/ensemble.h>
#include <sslpde/solvers/pde_solver.h>

#include <mpi.h>

#include <iostream>
#include <stdexcept>

namespace
{
int generate(const std::vector<std::string> &arguments)
{
  if (arguments.size() != 1)
    throw std::invalid_argument("usage: sslpde generate FILE.prm");
  const auto parameters = sslpde::ParameterFile::read(arguments[0]);
  const std::string family = sslpde::solvers::PDESolver::plugin_family;
  const std::string solver = parameters->selected_plugin(family);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank == 0)
    std::cout << "generate: " << arguments[0] << ": solver '" << solver << "' on " << size
              << " MPI rank(s)" << std::endl;
  const sslpde::solvers::EnsembleResult result = sslpde::solvers::generate_ensemble(
      parameters->section("Generation"), solver, parameters->selected_plugin_values(family),
      parameters->to_prm_text(), MPI_COMM_WORLD, false);
  (void)result;
  return 0;
}
} // namespace

SSLPDE_REGISTER_COMMAND("generate", "FILE.prm",
                        "Generate train/valid/test trajectories with the selected PDE solver "
                        "(section 'PDE solver') as set in section 'Generation'; MPI ranks share "
                        "the work, rank 0 writes one HDF5 file.",
                        generate)
