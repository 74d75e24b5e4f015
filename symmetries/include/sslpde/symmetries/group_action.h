// Applying composed group elements (FrameMaps) to a batch of samples on torch tensors, on the
// batch's device: coordinate channels (every sample point mapped, grid kept) and resampled
// (fields kept on a uniform periodic grid: Fourier shifts, rescaled grid metadata).
#pragma once

#include <sslpde/symmetries/augmentation.h>
#include <sslpde/symmetries/frame_maps.h>

namespace sslpde::symmetries
{
/// For each field of the batch, its index in the group's field list; throws naming the field
/// when the group does not know it.
std::vector<int> match_fields(const SymmetryGroup &group,
                              const std::vector<std::string> &batch_fields);

/// Every sample point mapped through the group element of its sample and frame.
struct TransformedPoints
{
  torch::Tensor t;      // [B, nt]
  torch::Tensor values; // [B, nt, d + F, nx(, ny)]: x~, (y~), then the batch's fields
  torch::Tensor frames; // [B, nt, 1 + d + F, nx(, ny)]: t~ broadcast, then values (contiguous)
};

/// Coordinate-channel mode. maps must be for batch.t's frames.
TransformedPoints apply_coordinate_channels(const SampleBatch &batch, const FrameMaps &maps,
                                            const std::vector<int> &field_map);

/**
 * Resampled mode: the result stays on a uniform grid starting at 0. Space shifts (also the
 * time-dependent ones of boosts) become Fourier shifts (periodic groups only), scalings
 * rescale x, y, lengths and t, and fields get their affine map. Throws when an element
 * deforms the grid (projective map, rotation) or shifts a non-periodic grid.
 */
SampleBatch apply_resampled(const SampleBatch &batch, const FrameMaps &maps,
                            const std::vector<int> &field_map, bool periodic);

/// Maps for a batch: frame times copied from batch.t (moved to the host).
FrameMaps compose_for_batch(const SymmetryGroup &group, const std::vector<SplittingStep> &schedule,
                            const std::vector<double> &eps, const SampleBatch &batch);
} // namespace sslpde::symmetries
