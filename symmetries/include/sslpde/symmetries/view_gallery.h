// Pictures of what the symmetries do: a trajectory and several random views of it side by side,
// as a PNG. Torch-free, so that the driver's `sslpde views` command can call it.
#pragma once

#include <sslpde/plugin/parameters.h>
#include <sslpde/plugin/trajectory.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sslpde::symmetries
{
/**
 * Writes `png_file`: the trajectory (first field, as a space-time image in 1D, the first frame
 * in 2D) followed by `count` views drawn with seeds seed, seed + 1, ... by the group
 * `group_name` (its parameters: `group_values`) and the view pipeline (`augmentation_values`,
 * section "Symmetries"). In 1D each view is drawn in its transformed coordinates (t~, x~),
 * interpolated linearly along x~ within each frame; in 2D on the sample grid. Panel titles
 * give each generator's strength by the initials of its name (ST = space translation, ...).
 * Returns one line per panel describing it.
 */
std::vector<std::string>
write_view_gallery(const Trajectory &trajectory, const std::string &group_name,
                   const ParameterValues &group_values, const ParameterValues &augmentation_values,
                   const std::string &png_file, std::size_t count = 4, std::uint64_t seed = 1);
} // namespace sslpde::symmetries
