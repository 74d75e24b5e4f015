// Random symmetry views of batches of trajectories, ready for the network: per sample, strengths
// and crops drawn from that sample's seed only, the group element composed by Lie–Trotter
// splitting, applied as coordinate channels (the paper's way) or resampled on the periodic grid
// (LPSDA's way). Includes LibTorch: keep it out of deal.II translation units.
#pragma once

#include <sslpde/plugin/parameters.h>
#include <sslpde/plugin/trajectory.h>
#include <sslpde/symmetries/augmentation_parameters.h>
#include <sslpde/symmetries/lie_trotter.h>
#include <sslpde/symmetries/symmetry_group.h>

#include <ATen/ATen.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sslpde::symmetries
{
/// A batch of samples of one data set on uniform grids: what the group actions act on.
struct SampleBatch
{
  torch::Tensor u;        // [B, F, nt, nx] (1D) or [B, F, nt, nx, ny] (2D)
  torch::Tensor t;        // [B, nt]
  torch::Tensor x;        // [B, nx]
  torch::Tensor y;        // [B, ny] (2D only; undefined in 1D)
  torch::Tensor length_x; // [B]   (periodic length in 1D, box size in 2D)
  torch::Tensor length_y; // [B]   (2D only)
  std::vector<std::string> field_names;

  unsigned int spatial_dimension() const { return static_cast<unsigned int>(u.dim()) - 3; }
};

/// Copies trajectories (same shape, same fields) into a batch with the given dtype and device.
SampleBatch make_batch(const std::vector<const Trajectory *> &trajectories, torch::Dtype dtype,
                       torch::Device device);

/// declare_augmentation_parameters() (section "Symmetries") is in augmentation_parameters.h.

/// Which coefficient of the per-sample random draw goes where (see Augmentation::view).
struct ViewDraw
{
  std::vector<double> eps;                             // [B][n_generators]
  std::vector<std::int64_t> t_start, x_start, y_start; // [B]
};

class Augmentation
{
public:
  enum class Mode
  {
    coordinate_channels,
    resampled
  };

  Augmentation(const ParameterValues &augmentation_section, std::unique_ptr<SymmetryGroup> group);

  /**
   * One random view per sample, ready for the network. Sample b's strengths and crop are drawn
   * only from sample_seeds[b]. 1D: [B, 3, crop_nt, nx_out], channels (t~, x~, u~);
   * 2D: [B, crop_nt * C, nx_out, ny_out], frame-major: channel n * C + c is channel c of
   * frame n, with C = 3 + F per-frame channels (t~, x~, y~, fields in the batch's order).
   * Raw coordinate values: the network normalises.
   */
  torch::Tensor view(const SampleBatch &batch,
                     const std::vector<std::uint64_t> &sample_seeds) const;
  /// The same layout without transformation, crop at window start 0.
  torch::Tensor plain_view(const SampleBatch &batch) const;
  std::int64_t channels(const SampleBatch &batch) const;

  /// The strengths and crop positions view() draws for these seeds (for tests and pictures).
  ViewDraw draw(const SampleBatch &batch, const std::vector<std::uint64_t> &sample_seeds) const;
  /// The view for explicit strengths and crop positions.
  torch::Tensor view_for(const SampleBatch &batch, const ViewDraw &draw) const;

  const SymmetryGroup &symmetry_group() const { return *group; }
  Mode mode() const { return view_mode; }
  const std::vector<SplittingStep> &schedule() const { return splitting; }

private:
  torch::Tensor view_chunk(const SampleBatch &batch, const ViewDraw &draw) const;
  torch::Tensor transform_chunk(const SampleBatch &batch, const ViewDraw &draw) const;

  std::unique_ptr<SymmetryGroup> group;
  Mode view_mode = Mode::coordinate_channels;
  std::vector<SplittingStep> splitting;
  std::int64_t time_window = 0, x_window = 0, y_window = 0;
};
} // namespace sslpde::symmetries
