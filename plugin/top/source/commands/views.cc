// `sslpde views FILE.h5 [...]`: a PNG of one trajectory and several random symmetry views of it
// side by side, so a user sees what a symmetry group and the view settings do to the data.
// Includes only torch-free headers (the symmetries' gallery facade).
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/plugin/trajectory_file.h>
#include <sslpde/symmetries/augmentation_parameters.h>
#include <sslpde/symmetries/symmetry_group.h>
#include <sslpde/symmetries/view_gallery.h>

#include <mpi.h>

#include <iostream>
#include <stdexcept>
#include <string>

namespace
{
const char *usage
    = "usage: sslpde views FILE.h5 [--split S] [--index I] [--group NAME] [--count K] "
      "[--mode coordinate|resampled] [--seed N] [--output F.png]";

int views(const std::vector<std::string> &arguments)
{
  if (arguments.empty())
    throw std::invalid_argument(usage);
  std::string file = arguments[0], split, group, mode = "resampled", output = "views.png";
  long index = 0, count = 4, seed = 1;
  for (std::size_t i = 1; i < arguments.size(); i += 2)
  {
    if (i + 1 >= arguments.size())
      throw std::invalid_argument("sslpde views: option '" + arguments[i] + "' needs a value; "
                                  + usage);
    const std::string &option = arguments[i], &value = arguments[i + 1];
    auto integer = [&](long lower)
    {
      std::size_t end = 0;
      long v = 0;
      try
      {
        v = std::stol(value, &end);
      }
      catch (const std::exception &)
      {
        end = 0;
      }
      if (end != value.size() || v < lower)
        throw std::invalid_argument("sslpde views: " + option + " needs an integer >= "
                                    + std::to_string(lower) + ", got '" + value + "'");
      return v;
    };
    if (option == "--split")
      split = value;
    else if (option == "--index")
      index = integer(0);
    else if (option == "--group")
      group = value;
    else if (option == "--count")
      count = integer(1);
    else if (option == "--seed")
      seed = integer(0);
    else if (option == "--output")
      output = value;
    else if (option == "--mode")
      mode = value == "coordinate" ? "coordinate channels" : value;
    else
      throw std::invalid_argument("sslpde views: unknown option '" + option + "'; " + usage);
  }
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0)
    return 0;

  const sslpde::io::TrajectoryFileReader reader(file);
  if (split.empty())
    split = reader.has_split("train") ? "train" : reader.splits().front();
  if (!reader.has_split(split))
    throw std::invalid_argument("sslpde views: file '" + file + "' has no split '" + split + "'");
  if (static_cast<std::size_t>(index) >= reader.size(split))
    throw std::invalid_argument("sslpde views: split '" + split + "' of '" + file + "' has "
                                + std::to_string(reader.size(split)) + " trajectories; --index "
                                + std::to_string(index) + " is out of range");
  const auto trajectory = reader.read(split, static_cast<std::size_t>(index));
  using Groups = sslpde::PluginFamily<sslpde::symmetries::SymmetryGroup>;
  if (group.empty())
    group = trajectory.pde;
  const auto group_values
      = sslpde::ParameterValues::defaults(Groups::declarations(group), "Symmetry group/" + group);
  auto augmentation_values = sslpde::ParameterValues::defaults(
      sslpde::symmetries::declare_augmentation_parameters(), "Symmetries");
  augmentation_values.set("Mode", mode);
  const auto lines = sslpde::symmetries::write_view_gallery(
      trajectory, group, group_values, augmentation_values, output, static_cast<std::size_t>(count),
      static_cast<std::uint64_t>(seed));
  std::cout << "Wrote " << output << " (" << file << ", split '" << split << "', trajectory "
            << index << ", group '" << group << "', mode '" << mode << "'):\n";
  for (const auto &line : lines)
    std::cout << "  " << line << "\n";
  return 0;
}
} // namespace

SSLPDE_REGISTER_COMMAND(
    "views",
    "FILE.h5 [--split S] [--index I] [--group NAME] [--count K] [--mode coordinate|resampled] "
    "[--seed N] [--output F.png]",
    "Write a PNG of one trajectory and K random symmetry views of it side by side "
    "(group default: the file's PDE; default group strengths and view settings).",
    views)
