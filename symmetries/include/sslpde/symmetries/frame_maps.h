// Composition of a symmetry group's per-frame actions into one group element per sample and
// frame, on the host in double precision: the matrices are tiny ((2 + d + F)^2 per frame), so
// the product of all splitting factors costs less than touching the data once.
#pragma once

#include <sslpde/symmetries/lie_trotter.h>
#include <sslpde/symmetries/symmetry_group.h>

#include <cstddef>
#include <vector>

namespace sslpde::symmetries
{
/// One group element per (sample, frame): t~ and the matrix acting on (1, x[, y], fields).
struct FrameMaps
{
  std::size_t n_samples = 0, n_frames = 0, n_variables = 0;
  /// [n_samples][n_frames] transformed frame times.
  std::vector<double> t;
  /// [n_samples][n_frames][n_variables][n_variables], row-major.
  std::vector<double> matrix;

  double &a(std::size_t sample, std::size_t frame, std::size_t row, std::size_t column)
  {
    return matrix[((sample * n_frames + frame) * n_variables + row) * n_variables + column];
  }
  double a(std::size_t sample, std::size_t frame, std::size_t row, std::size_t column) const
  {
    return matrix[((sample * n_frames + frame) * n_variables + row) * n_variables + column];
  }
};

/**
 * Applies the factors of `schedule` in order to every frame of every sample: factor (g, c)
 * is generator g's action with strength c * eps[sample][g]. `eps` is [n_samples][n_generators],
 * `frame_times` is [n_samples][n_frames]. Zero strengths are skipped.
 */
FrameMaps compose_frame_maps(const SymmetryGroup &group, const std::vector<SplittingStep> &schedule,
                             const std::vector<double> &eps, const std::vector<double> &frame_times,
                             std::size_t n_samples, std::size_t n_frames);
} // namespace sslpde::symmetries
