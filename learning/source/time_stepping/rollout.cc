// Autoregressive rollouts in windows and the normalised rollout error.
#include <sslpde/learning/time_stepping/rollout.h>

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <stdexcept>

namespace sslpde::learning
{
at::Tensor rollout(const WindowStep &step, std::int64_t time_window, bool conditioned,
                   const TimeSteppingData &data, const HistoryEmbedder &embedder,
                   std::int64_t batch_size)
{
  const std::int64_t n = data.size(), nt = data.n_times(), tw = time_window;
  if (nt <= tw)
    throw std::invalid_argument("Rollout: trajectories have " + std::to_string(nt)
                                + " frames, not more than the time window " + std::to_string(tw));
  if (conditioned && !embedder)
    throw std::invalid_argument(
        "Rollout: the time-stepper is conditioned but no embedder was given");
  at::NoGradGuard no_grad;
  at::Tensor prediction = data.fields.clone();
  for (std::int64_t begin = 0; begin < n; begin += batch_size)
  {
    const std::int64_t end = std::min(n, begin + batch_size);
    const TimeSteppingData part = data.slice(begin, end);
    at::Tensor out = prediction.slice(0, begin, end);
    for (std::int64_t t0 = tw; t0 < nt; t0 += tw)
    {
      const at::Tensor history = out.slice(1, t0 - tw, t0);
      const at::Tensor t_start = part.t_start + part.dt * static_cast<double>(t0 - tw);
      const at::Tensor embedding
          = conditioned ? embedder(history, part.dx, part.dt, t_start) : at::Tensor();
      const at::Tensor next = step(history, part.dx, part.dt, embedding);
      const std::int64_t keep = std::min(tw, nt - t0);
      out.slice(1, t0, t0 + keep).copy_(next.slice(1, 0, keep));
    }
  }
  return prediction;
}

at::Tensor rollout(TimeStepperNetwork &network, const TimeSteppingData &data,
                   const HistoryEmbedder &embedder, std::int64_t batch_size)
{
  const bool was_training = network.is_training();
  network.eval();
  const at::Tensor result = rollout(
      [&network](const at::Tensor &h, const at::Tensor &dx, const at::Tensor &dt,
                 const at::Tensor &e) { return network.forward(h, dx, dt, e); },
      network.shape().time_window, network.shape().conditioned(), data, embedder, batch_size);
  network.train(was_training);
  return result;
}

at::Tensor normalised_frame_errors(const at::Tensor &prediction, const at::Tensor &truth,
                                   std::int64_t time_window)
{
  if (prediction.sizes() != truth.sizes())
    throw std::invalid_argument("Rollout error: prediction " + c10::str(prediction.sizes())
                                + " and truth " + c10::str(truth.sizes()) + " differ in shape");
  const at::Tensor p = prediction.slice(1, time_window).to(at::kDouble);
  const at::Tensor u = truth.slice(1, time_window).to(at::kDouble);
  std::vector<std::int64_t> space;
  for (std::int64_t d = 3; d < u.dim(); ++d)
    space.push_back(d);
  const at::Tensor numerator = (p - u).pow(2).mean(space); // [N, frames, F]
  at::Tensor denominator = u.pow(2).mean(space);
  denominator = at::where(denominator > 0, denominator, at::ones_like(denominator));
  return (numerator / denominator).sum(2);
}

std::vector<double> normalised_rollout_errors(const at::Tensor &prediction, const at::Tensor &truth,
                                              std::int64_t time_window)
{
  const at::Tensor per_trajectory
      = normalised_frame_errors(prediction, truth, time_window).sum(1).contiguous();
  return std::vector<double>(per_trajectory.data_ptr<double>(),
                             per_trajectory.data_ptr<double>() + per_trajectory.numel());
}
} // namespace sslpde::learning
