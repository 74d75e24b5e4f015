// Applying composed group elements to batches on torch tensors (see group_action.h).
#include <sslpde/symmetries/group_action.h>

#include <ATen/ATen.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace sslpde::symmetries
{
std::vector<int> match_fields(const SymmetryGroup &group,
                              const std::vector<std::string> &batch_fields)
{
  std::vector<int> map;
  for (const auto &name : batch_fields)
  {
    const int f = group.field_index(name);
    if (f < 0)
    {
      std::string known;
      for (const auto &names : group.field_names())
        known += (known.empty() ? "'" : ", '") + names.front() + "'";
      throw std::invalid_argument("The symmetry group does not act on field '" + name
                                  + "' of the data; it knows " + known);
    }
    map.push_back(f);
  }
  return map;
}

namespace
{
// Indices of the variables (1, x[, y], fields present) in the group's variable vector.
std::vector<std::size_t> present_variables(unsigned int dim, const std::vector<int> &field_map)
{
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i <= dim; ++i)
    v.push_back(i);
  for (int f : field_map)
    v.push_back(1 + dim + static_cast<std::size_t>(f));
  return v;
}

// The maps restricted to the variables present, [B, nt, K', K'] in double on the host; throws
// if a kept variable depends on a field the data lack.
std::vector<double> restrict_maps(const FrameMaps &maps, const std::vector<std::size_t> &present)
{
  const std::size_t k = maps.n_variables, kp = present.size();
  std::vector<bool> is_present(k, false);
  for (auto i : present)
    is_present[i] = true;
  std::vector<double> out(maps.n_samples * maps.n_frames * kp * kp);
  for (std::size_t b = 0; b < maps.n_samples; ++b)
    for (std::size_t n = 0; n < maps.n_frames; ++n)
    {
      for (std::size_t r = 0; r < kp; ++r)
      {
        for (std::size_t c = 0; c < kp; ++c)
          out[((b * maps.n_frames + n) * kp + r) * kp + c] = maps.a(b, n, present[r], present[c]);
        for (std::size_t c = 0; c < k; ++c)
          if (!is_present[c] && maps.a(b, n, present[r], c) != 0.0)
            throw std::invalid_argument(
                "A symmetry in use needs a field the data do not have (variable "
                + std::to_string(c)
                + " in the group's (1, x[, y], fields...)): switch that generator off or provide "
                  "the field");
      }
    }
  return out;
}

torch::Tensor host_tensor(std::vector<double> values, std::vector<std::int64_t> shape,
                          const torch::Tensor &like)
{
  auto t = torch::from_blob(values.data(), shape, torch::TensorOptions().dtype(torch::kFloat64))
               .clone();
  return t.to(like.device(), like.scalar_type());
}

void check_batch(const SampleBatch &batch, const FrameMaps &maps, const std::vector<int> &field_map)
{
  const auto dim = batch.spatial_dimension();
  if (dim != 1 && dim != 2)
    throw std::invalid_argument("SampleBatch.u must be [B, F, nt, nx] or [B, F, nt, nx, ny]");
  if (static_cast<std::size_t>(batch.u.size(0)) != maps.n_samples
      || static_cast<std::size_t>(batch.u.size(2)) != maps.n_frames)
    throw std::invalid_argument("Group elements were composed for another batch shape");
  if (static_cast<std::size_t>(batch.u.size(1)) != field_map.size())
    throw std::invalid_argument("SampleBatch has " + std::to_string(batch.u.size(1))
                                + " fields but " + std::to_string(field_map.size())
                                + " field names");
  if (maps.n_variables < 1 + dim)
    throw std::invalid_argument("Symmetry group of lower dimension than the data");
}
} // namespace

FrameMaps compose_for_batch(const SymmetryGroup &group, const std::vector<SplittingStep> &schedule,
                            const std::vector<double> &eps, const SampleBatch &batch)
{
  const auto t = batch.t.to(torch::kCPU, torch::kFloat64).contiguous();
  const std::vector<double> times(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
  return compose_frame_maps(group, schedule, eps, times, t.size(0), t.size(1));
}

TransformedPoints apply_coordinate_channels(const SampleBatch &batch, const FrameMaps &maps,
                                            const std::vector<int> &field_map)
{
  check_batch(batch, maps, field_map);
  const unsigned int dim = batch.spatial_dimension();
  const auto present = present_variables(dim, field_map);
  const std::int64_t B = batch.u.size(0), F = batch.u.size(1), nt = batch.u.size(2),
                     nx = batch.u.size(3);
  const std::int64_t ny = dim == 2 ? batch.u.size(4) : 1, P = nx * ny;
  const std::int64_t kp = static_cast<std::int64_t>(present.size());

  // Homogeneous form: the input rows are (1, x[, y], fields); output row 0, (t~, 0, ...), is
  // the transformed frame time, the others are the maps' rows. One batched product then
  // writes t~, x~[, y~] and the fields in the network's frame-major order: the data are
  // read once and the output written once (the operation is memory-bound).
  auto host = restrict_maps(maps, present);
  for (std::int64_t k = 0; k < B * nt; ++k)
    host[k * kp * kp] = maps.t[k];
  const auto m = host_tensor(std::move(host), { B, nt, kp, kp }, batch.u);
  auto in = torch::empty({ B, nt, kp, nx, ny }, batch.u.options());
  const auto dtype = batch.u.scalar_type();
  in.select(2, 0).fill_(1.0);
  in.select(2, 1).copy_(batch.x.to(dtype).view({ B, 1, nx, 1 }).expand({ B, nt, nx, ny }));
  if (dim == 2)
    in.select(2, 2).copy_(batch.y.to(dtype).view({ B, 1, 1, ny }).expand({ B, nt, nx, ny }));
  in.slice(2, 1 + dim).copy_(batch.u.transpose(1, 2).view({ B, nt, F, nx, ny }));
  auto frames = torch::matmul(m, in.view({ B, nt, kp, P }));
  if (dim == 2)
    frames = frames.view({ B, nt, kp, nx, ny });
  TransformedPoints out;
  out.frames = frames;
  out.t = host_tensor(maps.t, { B, nt }, batch.u);
  out.values = frames.slice(2, 1);
  return out;
}

SampleBatch apply_resampled(const SampleBatch &batch, const FrameMaps &maps,
                            const std::vector<int> &field_map, bool periodic)
{
  check_batch(batch, maps, field_map);
  const unsigned int dim = batch.spatial_dimension();
  const auto present = present_variables(dim, field_map);
  const std::int64_t B = batch.u.size(0), F = batch.u.size(1), nt = batch.u.size(2);
  const std::size_t kp = present.size();
  const auto host = restrict_maps(maps, present);
  auto a = [&](std::size_t b, std::size_t n, std::size_t r, std::size_t c)
  { return host[((b * nt + n) * kp + r) * kp + c]; };

  // Per sample: grid scale per axis; per frame: shift per axis (original units) and the
  // fields' affine map. Anything else deforms the grid and has no resampled form.
  std::vector<double> scale(B * dim), shift(B * nt * dim, 0.0), field_matrix(B * nt * F * F),
      offset(B * nt * F);
  bool any_shift = false;
  auto fail = [](const std::string &what)
  {
    throw std::invalid_argument(
        "Resampled mode: " + what
        + ". Use 'Mode = coordinate channels' or switch that generator off.");
  };
  for (std::int64_t b = 0; b < B; ++b)
    for (std::int64_t n = 0; n < nt; ++n)
    {
      for (unsigned int i = 1; i <= dim; ++i)
      {
        const double s = a(b, n, i, i);
        if (n == 0)
          scale[b * dim + i - 1] = s;
        else if (std::abs(s - scale[b * dim + i - 1]) > 1e-12 * std::abs(s))
          fail("a symmetry rescales space differently in different frames (e.g. the projective "
               "map)");
        for (std::size_t c = 1; c < kp; ++c)
          if (c != i && a(b, n, i, c) != 0.0)
            fail("a symmetry mixes coordinates with each other or with fields (e.g. a rotation)");
        const double d = a(b, n, i, 0) / s;
        shift[(b * nt + n) * dim + i - 1] = d;
        if (d != 0.0)
        {
          if (!periodic)
            fail("space shifts need a periodic grid, and this group's data are not periodic");
          any_shift = true;
        }
      }
      for (std::int64_t f = 0; f < F; ++f)
      {
        const std::size_t r = 1 + dim + f;
        for (unsigned int i = 1; i <= dim; ++i)
          if (a(b, n, r, i) != 0.0)
            fail("a symmetry adds a multiple of x or y to a field (e.g. the projective map or a "
                 "quadratic boost's pressure)");
        offset[(b * nt + n) * F + f] = a(b, n, r, 0);
        for (std::int64_t g = 0; g < F; ++g)
          field_matrix[((b * nt + n) * F + f) * F + g] = a(b, n, r, 1 + dim + g);
      }
    }

  const auto &like = batch.u;
  std::vector<std::int64_t> field_shape = { B, nt, F, F }, broadcast = { B, F, nt };
  for (unsigned int i = 0; i < dim; ++i)
    broadcast.push_back(1);
  torch::Tensor u;
  const auto fm = host_tensor(field_matrix, { B, nt, F, F }, like);
  const auto off = host_tensor(offset, { B, nt, F }, like).transpose(1, 2).reshape(broadcast);
  // With one field and a shift along x (1D, LPSDA's case) the field's affine map is folded into
  // the Fourier multiplier; otherwise it is applied in physical space.
  const bool fold = F == 1 && dim == 1 && any_shift;
  if (fold)
    u = batch.u;
  else if (F == 1)
    u = batch.u * fm.view({ B, 1, nt }).reshape(broadcast) + off;
  else
  {
    std::vector<std::int64_t> spatial(batch.u.sizes().begin() + 3, batch.u.sizes().end());
    std::int64_t P = 1;
    for (auto s : spatial)
      P *= s;
    u = torch::matmul(fm, batch.u.transpose(1, 2).reshape({ B, nt, F, P })).transpose(1, 2);
    std::vector<std::int64_t> full = { B, F, nt };
    full.insert(full.end(), spatial.begin(), spatial.end());
    u = u.reshape(full) + off;
  }

  if (any_shift)
    for (unsigned int i = 0; i < dim; ++i)
    {
      const std::int64_t axis = 3 + i, n = batch.u.size(axis);
      std::vector<double> d(B * nt);
      for (std::int64_t k = 0; k < B * nt; ++k)
        d[k] = shift[k * dim + i];
      const auto length
          = (i == 0 ? batch.length_x : batch.length_y).to(like.device(), torch::kFloat64);
      // Multiplier exp(-2 pi i m d / L) per sample, frame and wave number m, in double: the
      // powers w^m of w = exp(-2 pi i d / L) by a cumulative product (cheaper than sin and
      // cos per entry; the rounding error grows only like m eps).
      auto angle = host_tensor(d, { B, nt }, length).div(length.view({ B, 1 })) * (-2 * M_PI);
      auto w = torch::polar(torch::ones_like(angle), angle).view({ B, 1, nt, 1 });
      auto phase = torch::cat({ torch::ones_like(w), w.expand({ B, 1, nt, n / 2 }) }, 3).cumprod(3);
      if (fold && i == 0)
        phase = phase * fm.to(torch::kFloat64).view({ B, 1, nt, 1 });
      if (dim == 2 && i == 0)
        phase = phase.unsqueeze(-1); // [B, 1, nt, M, 1]
      else if (dim == 2)
        phase = phase.unsqueeze(3); // [B, 1, nt, 1, M]
      if (like.scalar_type() == torch::kFloat32)
        phase = phase.to(torch::kComplexFloat);
      auto spectrum = at::fft_rfft(u, n, axis) * phase;
      if (fold && i == 0)
        spectrum.select(3, 0).add_(off.view({ B, 1, nt }) * static_cast<double>(n));
      u = at::fft_irfft(spectrum, n, axis);
    }

  SampleBatch out;
  out.u = u;
  out.t = host_tensor(maps.t, { B, nt }, batch.t);
  std::vector<double> sx(B), sy(B);
  for (std::int64_t b = 0; b < B; ++b)
  {
    sx[b] = scale[b * dim];
    sy[b] = dim == 2 ? scale[b * dim + 1] : 1.0;
  }
  const auto scale_x = host_tensor(sx, { B }, batch.x);
  out.x = batch.x * scale_x.view({ B, 1 });
  out.length_x = batch.length_x * scale_x.to(batch.length_x.scalar_type());
  if (dim == 2)
  {
    const auto scale_y = host_tensor(sy, { B }, batch.y);
    out.y = batch.y * scale_y.view({ B, 1 });
    out.length_y = batch.length_y * scale_y.to(batch.length_y.scalar_type());
  }
  out.field_names = batch.field_names;
  return out;
}
} // namespace sslpde::symmetries
