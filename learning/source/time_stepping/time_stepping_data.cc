// Trajectories stacked as float32 tensors for the time-steppers, and the encoder view of a history
// window (coordinate channels, as in pre-training).
#include <sslpde/learning/encoder.h>
#include <sslpde/learning/time_stepping/time_stepping_data.h>

#include <ATen/ATen.h>

#include <stdexcept>

namespace sslpde::learning
{
TimeSteppingData TimeSteppingData::slice(std::int64_t begin, std::int64_t end) const
{
  TimeSteppingData part;
  part.fields = fields.slice(0, begin, end);
  part.dx = dx.slice(0, begin, end);
  part.dt = dt.slice(0, begin, end);
  part.t_start = t_start.slice(0, begin, end);
  part.field_names = field_names;
  return part;
}

TimeSteppingData make_time_stepping_data(const std::vector<Trajectory> &trajectories,
                                         const std::vector<std::string> &fields)
{
  TimeSteppingData data;
  if (trajectories.empty())
    throw std::invalid_argument("Time-stepping data: no trajectories");
  const Trajectory &first = trajectories.front();
  data.field_names = fields;
  if (data.field_names.empty())
    data.field_names = first.spatial_dimension == 1 ? std::vector<std::string>{ "u" }
                                                    : std::vector<std::string>{ "u", "vx", "vy" };
  const std::int64_t n = trajectories.size(), nt = first.nt, nx = first.nx, ny = first.ny;
  const std::int64_t nf = data.field_names.size();
  std::vector<std::int64_t> shape{ n, nt, nf, nx };
  if (first.spatial_dimension == 2)
    shape.push_back(ny);
  data.fields = at::empty(shape, at::kFloat);
  data.dx = at::empty({ n }, at::kDouble);
  data.dt = at::empty({ n }, at::kDouble);
  data.t_start = at::empty({ n }, at::kDouble);
  float *out = data.fields.data_ptr<float>();
  const std::int64_t frame = nx * ny;
  for (std::int64_t i = 0; i < n; ++i)
  {
    const Trajectory &tr = trajectories[i];
    if (static_cast<std::int64_t>(tr.nt) != nt || static_cast<std::int64_t>(tr.nx) != nx
        || static_cast<std::int64_t>(tr.ny) != ny
        || tr.spatial_dimension != first.spatial_dimension)
      throw std::invalid_argument("Time-stepping data: trajectory " + std::to_string(i) + " is "
                                  + std::to_string(tr.nt) + " x " + std::to_string(tr.nx) + " x "
                                  + std::to_string(tr.ny) + ", the first one " + std::to_string(nt)
                                  + " x " + std::to_string(nx) + " x " + std::to_string(ny));
    std::vector<const double *> source;
    for (const auto &name : data.field_names)
      source.push_back(tr.field(name).data());
    for (std::int64_t it = 0; it < nt; ++it)
      for (std::int64_t f = 0; f < nf; ++f)
      {
        const double *s = source[f] + it * frame;
        float *d = out + ((i * nt + it) * nf + f) * frame;
        for (std::int64_t j = 0; j < frame; ++j)
          d[j] = static_cast<float>(s[j]);
      }
    const double dt = tr.dt > 0 ? tr.dt : (tr.t.size() > 1 ? tr.t[1] - tr.t[0] : 0.0);
    const double dx = tr.dx > 0 ? tr.dx : (tr.x.size() > 1 ? tr.x[1] - tr.x[0] : 0.0);
    if (!(dt > 0) || !(dx > 0))
      throw std::invalid_argument("Time-stepping data: trajectory " + std::to_string(i)
                                  + " has no positive dx and dt");
    data.dx[i] = dx;
    data.dt[i] = dt;
    data.t_start[i] = tr.t.empty() ? 0.0 : tr.t.front();
  }
  return data;
}

at::Tensor history_view(const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                        const at::Tensor &t_start)
{
  const std::int64_t b = history.size(0), tw = history.size(1);
  const auto opts = history.options();
  const at::Tensor steps = at::arange(tw, opts);
  const at::Tensor t
      = t_start.to(opts.dtype()).reshape({ b, 1 })
        + dt.to(opts.dtype()).reshape({ b, 1 }) * steps.reshape({ 1, tw }); // [B, tw]
  if (history.dim() == 4)
  {
    const std::int64_t nx = history.size(3);
    const at::Tensor x
        = dx.to(opts.dtype()).reshape({ b, 1 }) * at::arange(nx, opts).reshape({ 1, nx });
    return at::stack({ t.reshape({ b, tw, 1 }).expand({ b, tw, nx }),
                       x.reshape({ b, 1, nx }).expand({ b, tw, nx }), history.select(2, 0) },
                     1);
  }
  const std::int64_t nx = history.size(3), ny = history.size(4);
  // Square cells assumed for y (the Navier-Stokes grid); the trajectory stores no dy here.
  const at::Tensor x
      = dx.to(opts.dtype()).reshape({ b, 1 }) * at::arange(nx, opts).reshape({ 1, nx });
  const at::Tensor y
      = dx.to(opts.dtype()).reshape({ b, 1 }) * at::arange(ny, opts).reshape({ 1, ny });
  std::vector<at::Tensor> channels{ t.reshape({ b, tw, 1, 1 }).expand({ b, tw, nx, ny }),
                                    x.reshape({ b, 1, nx, 1 }).expand({ b, tw, nx, ny }),
                                    y.reshape({ b, 1, 1, ny }).expand({ b, tw, nx, ny }) };
  for (std::int64_t f = 0; f < history.size(2); ++f)
    channels.push_back(history.select(2, f));
  // Frame-major, as the symmetries module lays out 2D views: channel n * C + c.
  return at::stack(channels, 2).reshape({ b, tw * (3 + history.size(2)), nx, ny });
}

namespace
{
/// The encoder's input channels must match the history view the time-stepper builds.
void check_encoder_channels(const std::vector<std::int64_t> &shape, const at::Tensor &view)
{
  if (!shape.empty() && shape[0] != view.size(1))
    throw std::invalid_argument("The SSL encoder expects " + std::to_string(shape[0])
                                + " input channels, the time-stepper's history view has "
                                + std::to_string(view.size(1)));
}
} // namespace

HistoryEmbedder make_encoder_embedder(std::shared_ptr<FrozenEncoder> encoder)
{
  return [encoder](const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                   const at::Tensor &t_start)
  {
    const at::Tensor view = history_view(history, dx, dt, t_start);
    check_encoder_channels(encoder->sample_shape(), view);
    return encoder->embed(view).to(at::kCPU, history.scalar_type());
  };
}

HistoryEmbedder make_encoder_embedder(std::shared_ptr<Encoder> encoder)
{
  return [encoder](const at::Tensor &history, const at::Tensor &dx, const at::Tensor &dt,
                   const at::Tensor &t_start)
  {
    at::NoGradGuard no_grad;
    encoder->eval();
    const at::Tensor view = history_view(history, dx, dt, t_start);
    check_encoder_channels(encoder->sample_shape(), view);
    return encoder->forward(view).to(at::kCPU, history.scalar_type());
  };
}
} // namespace sslpde::learning
