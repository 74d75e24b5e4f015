// The table of driver subcommands, filled by SSLPDE_REGISTER_COMMAND in each command's file.
#include <sslpde/plugin/command.h>

#include <stdexcept>

namespace sslpde::driver
{
  namespace
  {
    std::vector<Command> &table()
    {
      static std::vector<Command> commands;
      return commands;
    }
  } // namespace

  void register_command(const Command &command)
  {
    for (const auto &c : table())
      if (c.name == command.name)
        throw std::logic_error("sslpde command '" + command.name + "' registered twice");
    table().push_back(command);
  }

  const std::vector<Command> &commands()
  {
    return table();
  }
} // namespace sslpde::driver
