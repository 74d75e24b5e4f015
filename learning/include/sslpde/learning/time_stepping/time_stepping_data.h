// Trajectories as the tensors the time-steppers train and roll out on, and the embedding of a
// history window by a frozen SSL encoder (the conditioning input).
#pragma once

#include <sslpde/plugin/trajectory.h>

#include <ATen/ATen.h>

#include <functional>
#include <string>
#include <vector>

namespace sslpde::learning
{
class FrozenEncoder;
class Encoder;

/// N trajectories of equal shape, float32, on the CPU.
struct TimeSteppingData
{
  /// [N, nt, F, nx(, ny)].
  at::Tensor fields;
  /// [N] grid spacings and the time of frame 0 (double).
  at::Tensor dx, dt, t_start;
  std::vector<std::string> field_names;

  std::int64_t size() const { return fields.defined() ? fields.size(0) : 0; }
  std::int64_t n_times() const { return fields.size(1); }
  std::int64_t n_fields() const { return fields.size(2); }
  std::int64_t spatial_dimension() const { return fields.dim() - 3; }
  /// Trajectories [begin, end) (a view, no copy).
  TimeSteppingData slice(std::int64_t begin, std::int64_t end) const;
};

/**
 * Stacks trajectories. `fields` chooses the fields (empty: "u" in 1D, "u", "vx", "vy" in 2D);
 * throws naming the trajectory whose shape differs from the first one's or lacks a field.
 */
TimeSteppingData make_time_stepping_data(const std::vector<Trajectory> &trajectories,
                                         const std::vector<std::string> &fields = {});

/// Embeds history windows: (history [B, tw, F, space], dx [B], dt [B], t_start [B]) -> [B, d],
/// without gradients.
using HistoryEmbedder = std::function<at::Tensor(const at::Tensor &history, const at::Tensor &dx,
                                                 const at::Tensor &dt, const at::Tensor &t_start)>;

/**
 * The view the SSL encoder sees of a history window, with coordinate channels as in
 * pre-training: 1D [B, 3, tw, nx] with channels (t, x, u); 2D [B, tw * (3 + F), nx, ny]
 * frame-major with per frame
 * (t, x, y, fields...). x starts at 0 (periodic grids), t at t_start.
 */
at::Tensor history_view(const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                        const at::Tensor &t_start);

/// An embedder running `encoder` (kept alive by the returned function) on history_view().
HistoryEmbedder make_encoder_embedder(std::shared_ptr<FrozenEncoder> encoder);

/// The same for an encoder in memory (pre-trained in this MPI job): evaluation mode, no
/// gradients.
HistoryEmbedder make_encoder_embedder(std::shared_ptr<Encoder> encoder);
} // namespace sslpde::learning
