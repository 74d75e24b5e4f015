// Subcommands of the `sslpde` driver (generate, inspect, pretrain, evaluate, run, ...). Each lives
// in its own file under plugin/top/source/commands/ and registers itself with
// SSLPDE_REGISTER_COMMAND, so the driver needs no list of them.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace sslpde::driver
{
  struct Command
  {
    std::string name;
    /// Arguments as shown by `sslpde --help`, e.g. "FILE.prm".
    std::string usage;
    /// One line for `sslpde --help`.
    std::string summary;
    /// Runs the command on every MPI rank (MPI is initialised, with PETSc, before it is called);
    /// `arguments` are those after the command name. Returns the process exit code. Exceptions
    /// are caught by the driver, printed with the rank, and end all ranks.
    std::function<int(const std::vector<std::string> &arguments)> run;
  };

  void register_command(const Command &command);
  const std::vector<Command> &commands();
} // namespace sslpde::driver

#define SSLPDE_COMMAND_CONCAT_IMPL(a, b) a##b
#define SSLPDE_COMMAND_CONCAT(a, b) SSLPDE_COMMAND_CONCAT_IMPL(a, b)
#define SSLPDE_REGISTER_COMMAND(...)                                                          \
  namespace                                                                                   \
  {                                                                                           \
    const bool SSLPDE_COMMAND_CONCAT(sslpde_command_registered_, __LINE__) = [] {             \
      ::sslpde::driver::register_command(::sslpde::driver::Command{__VA_ARGS__});             \
      return true;                                                                            \
    }();                                                                                      \
  }
