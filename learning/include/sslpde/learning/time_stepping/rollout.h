// Autoregressive rollouts (LPSDA protocol: the first time_window frames are given, then the
// network predicts window after window to the end) and the normalised rollout error of
// SCIENCE.md section 4.
#pragma once

#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/learning/time_stepping/time_stepping_data.h>

#include <functional>
#include <vector>

namespace sslpde::learning
{
/**
 * Rolls `network` out on every trajectory of `data`, in batches of `batch_size`: frames
 * [0, tw) are copied from the data, the rest predicted; the last window is cut at nt. Returns
 * [N, nt, F, space]. `embedder` is called on each current history window (the predicted one
 * after the first) when the network is conditioned.
 */
at::Tensor rollout(TimeStepperNetwork &network, const TimeSteppingData &data,
                   const HistoryEmbedder &embedder = {}, std::int64_t batch_size = 16);

/// One window step (history, dx, dt, embedding) -> next window, as TimeStepperNetwork::forward.
using WindowStep = std::function<at::Tensor(const at::Tensor &history, const at::Tensor &dx,
                                            const at::Tensor &dt, const at::Tensor &embedding)>;

/// The same for any window step (a loaded TorchScript model); `conditioned` says whether the
/// embedder is called.
at::Tensor rollout(const WindowStep &step, std::int64_t time_window, bool conditioned,
                   const TimeSteppingData &data, const HistoryEmbedder &embedder = {},
                   std::int64_t batch_size = 16);

/// Per trajectory and predicted frame: mean_space (u^ - u)^2 / mean_space u^2 summed over
/// fields, [N, nt - tw] (double). Frames with mean u^2 == 0 use 1 as the denominator.
at::Tensor normalised_frame_errors(const at::Tensor &prediction, const at::Tensor &truth,
                                   std::int64_t time_window);

/// The metric: per trajectory, the sum over predicted frames of the normalised frame errors.
std::vector<double> normalised_rollout_errors(const at::Tensor &prediction, const at::Tensor &truth,
                                              std::int64_t time_window);
} // namespace sslpde::learning
