// The sslpde driver: `sslpde COMMAND ARGS` runs a registered subcommand; `--help`, `--validate`
// and `--output-json` work on .prm files. MPI (and PETSc, through deal.II) is initialised once
// here; an exception on any rank is printed with its rank and ends every rank.
#include <sslpde/plugin/allocator_tuning.h>
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/parameter_file.h>
#include <sslpde/plugin/plugin_registry.h>

#include <deal.II/base/mpi.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

namespace
{
  void print_help(std::ostream &out)
  {
    out << "sslpde: self-supervised learning with Lie point symmetries for PDE simulation\n\n"
        << "Usage:\n"
        << "  sslpde COMMAND [ARGUMENTS]         (or: mpirun -np N sslpde COMMAND ...)\n"
        << "  sslpde --help                      this text\n"
        << "  sslpde --validate FILE.prm         check a parameter file, then exit\n"
        << "  sslpde --output-json [FILE.prm]    every parameter with its documentation, as JSON\n"
        << "  sslpde --output-prm [FILE.prm]     the same as a commented .prm file\n\n"
        << "Commands:\n";
    auto commands = sslpde::driver::commands();
    std::sort(commands.begin(), commands.end(),
              [](const auto &a, const auto &b) { return a.name < b.name; });
    for (const auto &c : commands)
      out << "  sslpde " << c.name << " " << c.usage << "\n      " << c.summary << "\n";
    out << "\nPlugins (select them in a .prm with 'set Model name' in the family's subsection;\n"
        << "add your own with 'set Additional shared libraries = libmine.so'):\n";
    const auto &catalogue = sslpde::PluginCatalogue::instance();
    for (const auto &family : catalogue.families())
      {
        out << "  " << family << ":\n";
        for (const auto &p : catalogue.plugins(family))
          out << "    " << p.name << ": " << p.description << "\n";
      }
  }

  int run(const std::vector<std::string> &arguments, unsigned int rank)
  {
    if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h" ||
        arguments[0] == "help")
      {
        if (rank == 0)
          print_help(std::cout);
        return arguments.empty() ? 1 : 0;
      }
    const std::string &first = arguments[0];
    if (first == "--validate")
      {
        if (arguments.size() != 2)
          throw std::invalid_argument("--validate needs exactly one FILE.prm");
        sslpde::ParameterFile::read(arguments[1]);
        if (rank == 0)
          std::cout << arguments[1] << ": valid\n";
        return 0;
      }
    if (first == "--output-json" || first == "--output-prm")
      {
        std::unique_ptr<sslpde::ParameterFile> file =
          arguments.size() > 1 ? sslpde::ParameterFile::read(arguments[1]) :
                                 std::make_unique<sslpde::ParameterFile>();
        if (rank == 0)
          {
            if (first == "--output-json")
              file->print_json(std::cout);
            else
              file->print_documented_prm(std::cout);
          }
        return 0;
      }
    for (const auto &command : sslpde::driver::commands())
      if (command.name == first)
        return command.run(std::vector<std::string>(arguments.begin() + 1, arguments.end()));
    throw std::invalid_argument("unknown command '" + first + "' (see sslpde --help)");
  }
} // namespace

int main(int argc, char **argv)
{
  sslpde::keep_large_allocations_on_heap();
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const unsigned int rank = dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD);
  const unsigned int size = dealii::Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD);
  try
    {
      return run(std::vector<std::string>(argv + 1, argv + argc), rank);
    }
  catch (const std::exception &e)
    {
      std::cerr << "sslpde: error" << (size > 1 ? " on rank " + std::to_string(rank) : "")
                << ": " << e.what() << std::endl;
      // A failing rank must end the whole job, not leave the others waiting in a collective.
      if (size > 1)
        MPI_Abort(MPI_COMM_WORLD, 1);
      return 1;
    }
}
