// The view pipeline (see augmentation.h): per-sample draws from the sample's seed, crops, the
// composed group element, and the network's input layout.
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/symmetries/augmentation.h>
#include <sslpde/symmetries/group_action.h>

#include <random>
#include <stdexcept>
#include <string>

namespace sslpde::symmetries
{
SampleBatch make_batch(const std::vector<const Trajectory *> &trajectories, torch::Dtype dtype,
                       torch::Device device)
{
  if (trajectories.empty())
    throw std::invalid_argument("make_batch: no trajectories");
  const Trajectory &first = *trajectories.front();
  const auto B = static_cast<std::int64_t>(trajectories.size());
  const auto F = static_cast<std::int64_t>(first.fields.size());
  const auto nt = static_cast<std::int64_t>(first.nt), nx = static_cast<std::int64_t>(first.nx),
             ny = static_cast<std::int64_t>(first.ny);
  const bool two_d = first.spatial_dimension == 2;
  std::vector<std::int64_t> shape = { B, F, nt, nx };
  if (two_d)
    shape.push_back(ny);
  auto options = torch::TensorOptions().dtype(torch::kFloat64);
  auto u = torch::empty(shape, options), t = torch::empty({ B, nt }, options),
       x = torch::empty({ B, nx }, options), lx = torch::empty({ B }, options);
  torch::Tensor y, ly;
  if (two_d)
  {
    y = torch::empty({ B, ny }, options);
    ly = torch::empty({ B }, options);
  }
  for (std::int64_t b = 0; b < B; ++b)
  {
    const Trajectory &tr = *trajectories[b];
    tr.check_consistency();
    if (tr.nt != first.nt || tr.nx != first.nx || tr.ny != first.ny
        || tr.field_names != first.field_names || tr.spatial_dimension != first.spatial_dimension)
      throw std::invalid_argument("make_batch: trajectory " + std::to_string(b)
                                  + " differs in shape or fields from trajectory 0");
    if (tr.t.size() != tr.nt || tr.x.size() != tr.nx || (two_d && tr.y.size() != tr.ny))
      throw std::invalid_argument("make_batch: trajectory " + std::to_string(b)
                                  + " lacks its t, x (or y) coordinates");
    double *ub = u[b].data_ptr<double>();
    for (std::int64_t f = 0; f < F; ++f)
      std::copy(tr.fields[f].begin(), tr.fields[f].end(), ub + f * tr.values_per_field());
    std::copy(tr.t.begin(), tr.t.end(), t[b].data_ptr<double>());
    std::copy(tr.x.begin(), tr.x.end(), x[b].data_ptr<double>());
    const double length_x = tr.length_x > 0 ? tr.length_x : tr.nx * tr.dx;
    lx[b].fill_(length_x);
    if (two_d)
    {
      std::copy(tr.y.begin(), tr.y.end(), y[b].data_ptr<double>());
      ly[b].fill_(tr.length_y > 0 ? tr.length_y : tr.ny * tr.dy);
    }
  }
  SampleBatch batch;
  batch.u = u.to(device, dtype);
  batch.t = t.to(device, dtype);
  batch.x = x.to(device, dtype);
  batch.length_x = lx.to(device, dtype);
  if (two_d)
  {
    batch.y = y.to(device, dtype);
    batch.length_y = ly.to(device, dtype);
  }
  batch.field_names = first.field_names;
  return batch;
}

ParameterDeclarations declare_augmentation_parameters()
{
  return {
    { "Mode", "coordinate channels",
      ParameterPattern::selection({ "coordinate channels", "resampled" }),
      "How a view applies the symmetries. 'coordinate channels' (the SSL paper): every sample "
      "point keeps "
      "its place in the array and its transformed (t, x[, y], fields) values become the network's "
      "channels; exact for every generator. 'resampled' (LPSDA): fields stay on the uniform "
      "periodic "
      "grid (Fourier shifts for translations and boosts, rescaled t, x and L for scalings); "
      "generators "
      "that deform the grid (projective, rotation) or shift a non-periodic grid are refused." },
    { "Lie-Trotter order", "2", ParameterPattern::integer(1, 8),
      "Order of the splitting that approximates exp(sum eps_i X_i) by one-generator factors: 1 "
      "(plain "
      "product), 2 (Strang), 4, 6, 8 (Suzuki). Every factor is an exact group element." },
    { "Splitting steps", "1", ParameterPattern::integer(1, 1000),
      "Number of steps of the splitting formula (each with strengths eps_i / steps)." },
    { "Time window", "0", ParameterPattern::integer(0),
      "Frames per view: a random window of consecutive frames (0: all frames)." },
    { "Space window x", "0", ParameterPattern::integer(0),
      "Grid points in x per view: a random window (0: all; meant for non-periodic data, where a "
      "transformed box no longer lines up with the original one)." },
    { "Space window y", "0", ParameterPattern::integer(0), "As 'Space window x', for y (2D data)." }
  };
}

Augmentation::Augmentation(const ParameterValues &section,
                           std::unique_ptr<SymmetryGroup> symmetry_group)
    : group(std::move(symmetry_group))
{
  if (!group)
    throw std::invalid_argument("Augmentation needs a symmetry group");
  const std::string mode = section.get("Mode");
  if (mode == "coordinate channels")
    view_mode = Mode::coordinate_channels;
  else if (mode == "resampled")
    view_mode = Mode::resampled;
  else
    throw std::invalid_argument("Parameter 'Mode' in section '" + section.section() + "' is '"
                                + mode + "'; it must be 'coordinate channels' or 'resampled'");
  const long order = section.get_integer("Lie-Trotter order");
  const long steps = section.get_integer("Splitting steps");
  if (order != 1 && order % 2 != 0)
    throw std::invalid_argument("Parameter 'Lie-Trotter order' in section '" + section.section()
                                + "' must be 1 or even, got " + std::to_string(order));
  if (steps < 1)
    throw std::invalid_argument("Parameter 'Splitting steps' in section '" + section.section()
                                + "' must be >= 1");
  splitting = lie_trotter_schedule(group->n_generators(), static_cast<unsigned int>(order),
                                   static_cast<unsigned int>(steps));
  time_window = section.get_integer("Time window");
  x_window = section.get_integer("Space window x");
  y_window = section.get_integer("Space window y");
  if (time_window < 0 || x_window < 0 || y_window < 0)
    throw std::invalid_argument("Window sizes in section '" + section.section() + "' must be >= 0");

  // Refuse at construction, not at the first batch, a generator without resampled form.
  if (view_mode == Mode::resampled)
    for (std::size_t g = 0; g < group->n_generators(); ++g)
      if (group->generators()[g].max_strength > 0)
      {
        const unsigned int dim = group->spatial_dimension();
        const std::size_t F = group->field_names().size();
        std::vector<double> eps(group->n_generators(), 0.0);
        eps[g] = 0.1 * group->generators()[g].max_strength;
        const FrameMaps maps = compose_frame_maps(*group, { { g, 1.0 } }, eps, { 0.3, 0.7 }, 1, 2);
        SampleBatch probe;
        std::vector<std::int64_t> shape = { 1, static_cast<std::int64_t>(F), 2, 4 };
        if (dim == 2)
          shape.push_back(4);
        probe.u = torch::zeros(shape, torch::kFloat64);
        probe.t = torch::tensor({ 0.3, 0.7 }, torch::kFloat64).view({ 1, 2 });
        probe.x = torch::arange(4, torch::kFloat64).view({ 1, 4 });
        probe.length_x = torch::full({ 1 }, 4.0, torch::kFloat64);
        if (dim == 2)
        {
          probe.y = probe.x.clone();
          probe.length_y = probe.length_x.clone();
        }
        std::vector<int> all_fields(F);
        for (std::size_t f = 0; f < F; ++f)
          all_fields[f] = static_cast<int>(f);
        try
        {
          apply_resampled(probe, maps, all_fields, group->periodic());
        }
        catch (const std::invalid_argument &e)
        {
          throw std::invalid_argument("Generator '" + group->generators()[g].name
                                      + "': " + e.what());
        }
      }
}

namespace
{
// A uniform double in [0, 1) from 53 random bits: the same on every platform, unlike
// std::uniform_real_distribution.
double uniform(std::mt19937_64 &rng)
{
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

std::int64_t window_start(std::mt19937_64 &rng, std::int64_t size, std::int64_t window)
{
  const std::int64_t positions = size - window + 1;
  return std::min(positions - 1, static_cast<std::int64_t>(uniform(rng) * positions));
}

std::int64_t effective(std::int64_t window, std::int64_t size)
{
  return window > 0 && window < size ? window : size;
}

// Gathers a window of `length` entries starting at start[b] along `axis` of every sample.
torch::Tensor crop(const torch::Tensor &values, std::int64_t axis,
                   const std::vector<std::int64_t> &start, std::int64_t length)
{
  if (length == values.size(axis))
    return values;
  const std::int64_t B = values.size(0);
  bool same = true;
  for (auto s : start)
    same = same && s == start.front();
  if (same)
    return values.narrow(axis, start.front(), length);
  auto index = torch::from_blob(const_cast<std::int64_t *>(start.data()), { B }, torch::kInt64)
                   .to(values.device())
                   .view({ B, 1 })
               + torch::arange(length,
                               torch::TensorOptions().dtype(torch::kInt64).device(values.device()));
  std::vector<std::int64_t> view_shape(values.dim(), 1),
      expand(values.sizes().begin(), values.sizes().end());
  view_shape[0] = B;
  view_shape[axis] = length;
  expand[axis] = length;
  return values.gather(axis, index.view(view_shape).expand(expand));
}

SampleBatch crop_batch(const SampleBatch &batch, const ViewDraw &draw, std::int64_t wt,
                       std::int64_t wx, std::int64_t wy, bool time, bool space)
{
  SampleBatch out = batch;
  if (time)
  {
    out.u = crop(out.u, 2, draw.t_start, wt);
    out.t = crop(out.t, 1, draw.t_start, wt);
  }
  if (space)
  {
    out.u = crop(out.u, 3, draw.x_start, wx);
    out.x = crop(out.x, 1, draw.x_start, wx);
    if (batch.spatial_dimension() == 2)
    {
      out.u = crop(out.u, 4, draw.y_start, wy);
      out.y = crop(out.y, 1, draw.y_start, wy);
    }
  }
  return out;
}

// The network's layout from frames [B, nt, C, nx(, ny)] (t~, x~[, y~], fields per point).
torch::Tensor layout(const torch::Tensor &frames)
{
  if (frames.dim() == 4)
    return frames.permute({ 0, 2, 1, 3 }).contiguous();
  return frames.view(
      { frames.size(0), frames.size(1) * frames.size(2), frames.size(3), frames.size(4) });
}

// The network's layout of a batch on its grid, written in one pass per channel.
torch::Tensor grid_layout(const SampleBatch &batch)
{
  const std::int64_t B = batch.u.size(0), F = batch.u.size(1), nt = batch.u.size(2),
                     nx = batch.u.size(3);
  const auto dtype = batch.u.scalar_type();
  if (batch.spatial_dimension() == 1)
  {
    auto out = torch::empty({ B, 3, nt, nx }, batch.u.options());
    out.select(1, 0).copy_(batch.t.to(dtype).view({ B, nt, 1 }).expand({ B, nt, nx }));
    out.select(1, 1).copy_(batch.x.to(dtype).view({ B, 1, nx }).expand({ B, nt, nx }));
    out.select(1, 2).copy_(batch.u.select(1, 0));
    return out;
  }
  const std::int64_t ny = batch.u.size(4);
  auto out = torch::empty({ B, nt, 3 + F, nx, ny }, batch.u.options());
  out.select(2, 0).copy_(batch.t.to(dtype).view({ B, nt, 1, 1 }).expand({ B, nt, nx, ny }));
  out.select(2, 1).copy_(batch.x.to(dtype).view({ B, 1, nx, 1 }).expand({ B, nt, nx, ny }));
  out.select(2, 2).copy_(batch.y.to(dtype).view({ B, 1, 1, ny }).expand({ B, nt, nx, ny }));
  out.slice(2, 3).copy_(batch.u.transpose(1, 2));
  return out.view({ B, nt * (3 + F), nx, ny });
}
} // namespace

ViewDraw Augmentation::draw(const SampleBatch &batch,
                            const std::vector<std::uint64_t> &sample_seeds) const
{
  const std::int64_t B = batch.u.size(0);
  if (static_cast<std::int64_t>(sample_seeds.size()) != B)
    throw std::invalid_argument("Augmentation::view: " + std::to_string(sample_seeds.size())
                                + " seeds for " + std::to_string(B) + " samples");
  const auto dim = batch.spatial_dimension();
  const std::int64_t nt = batch.u.size(2), nx = batch.u.size(3),
                     ny = dim == 2 ? batch.u.size(4) : 1;
  const auto lengths = batch.length_x.to(torch::kCPU, torch::kFloat64).contiguous();
  const auto &generators = group->generators();
  const std::size_t G = generators.size();
  ViewDraw d;
  d.eps.resize(B * G);
  for (std::int64_t b = 0; b < B; ++b)
  {
    std::mt19937_64 rng(sample_seeds[b]);
    // Every generator draws, enabled or not, so switching one off leaves the others' draws.
    for (std::size_t g = 0; g < G; ++g)
    {
      const double r = 2 * uniform(rng) - 1;
      const double scale = generators[g].relative_to_length ? lengths.data_ptr<double>()[b] : 1.0;
      d.eps[b * G + g] = r * generators[g].max_strength * scale;
    }
    d.t_start.push_back(window_start(rng, nt, effective(time_window, nt)));
    d.x_start.push_back(window_start(rng, nx, effective(x_window, nx)));
    d.y_start.push_back(window_start(rng, ny, effective(y_window, ny)));
  }
  return d;
}

torch::Tensor Augmentation::view(const SampleBatch &batch,
                                 const std::vector<std::uint64_t> &sample_seeds) const
{
  return view_for(batch, draw(batch, sample_seeds));
}

namespace
{
SampleBatch sub_batch(const SampleBatch &batch, std::int64_t start, std::int64_t length)
{
  SampleBatch s = batch;
  for (auto *t : { &s.u, &s.t, &s.x, &s.y, &s.length_x, &s.length_y })
    if (t->defined())
      *t = t->narrow(0, start, length);
  return s;
}

ViewDraw sub_draw(const ViewDraw &d, std::size_t n_generators, std::int64_t start,
                  std::int64_t length)
{
  ViewDraw s;
  s.eps.assign(d.eps.begin() + start * n_generators,
               d.eps.begin() + (start + length) * n_generators);
  s.t_start.assign(d.t_start.begin() + start, d.t_start.begin() + start + length);
  s.x_start.assign(d.x_start.begin() + start, d.x_start.begin() + start + length);
  s.y_start.assign(d.y_start.begin() + start, d.y_start.begin() + start + length);
  return s;
}
} // namespace

torch::Tensor Augmentation::view_for(const SampleBatch &batch, const ViewDraw &d) const
{
  // On the CPU, large batches go through in chunks of about 65536 input values: the
  // temporaries then stay in cache and are recycled by the allocator instead of being mapped
  // and page-faulted afresh for every batch (which made batch 64 three times slower per sample
  // than batch 1; measured with bench_symmetries, 2^16 beat 2^18 and 2^20).
  const std::int64_t B = batch.u.size(0),
                     per_sample = batch.u.numel() / std::max<std::int64_t>(B, 1);
  const std::int64_t chunk
      = std::max<std::int64_t>(1, (1 << 16) / std::max<std::int64_t>(per_sample, 1));
  if (!batch.u.is_cuda() && B > chunk)
  {
    torch::Tensor out;
    for (std::int64_t start = 0; start < B; start += chunk)
    {
      const std::int64_t length = std::min(chunk, B - start);
      auto part = view_chunk(sub_batch(batch, start, length),
                             sub_draw(d, group->n_generators(), start, length));
      if (!out.defined())
      {
        auto shape = part.sizes().vec();
        shape[0] = B;
        out = torch::empty(shape, part.options());
      }
      out.narrow(0, start, length).copy_(part);
    }
    return out;
  }
  return view_chunk(batch, d);
}

torch::Tensor Augmentation::view_chunk(const SampleBatch &batch, const ViewDraw &d) const
{
  try
  {
    return transform_chunk(batch, d);
  }
  catch (const std::invalid_argument &e)
  {
    // Say which fields the group acts on and which the data have.
    std::string group_fields, data_fields;
    for (const auto &names : group->field_names())
      group_fields += (group_fields.empty() ? "" : ", ") + names.front();
    for (const auto &name : batch.field_names)
      data_fields += (data_fields.empty() ? "" : ", ") + name;
    throw std::invalid_argument(std::string(e.what()) + " (the symmetry group acts on "
                                + group_fields + "; the data have " + data_fields + ")");
  }
}

torch::Tensor Augmentation::transform_chunk(const SampleBatch &batch, const ViewDraw &d) const
{
  const auto dim = batch.spatial_dimension();
  const std::int64_t nt = batch.u.size(2), nx = batch.u.size(3),
                     ny = dim == 2 ? batch.u.size(4) : 1;
  const std::int64_t wt = effective(time_window, nt), wx = effective(x_window, nx),
                     wy = effective(y_window, ny);
  const auto field_map = match_fields(*group, batch.field_names);
  if (view_mode == Mode::coordinate_channels)
  {
    // Actions are pointwise, so cropping first gives the same points as cropping the
    // transformed sample, at a fraction of the cost.
    const SampleBatch cropped = crop_batch(batch, d, wt, wx, wy, true, true);
    const auto maps = compose_for_batch(*group, splitting, d.eps, cropped);
    const auto points = apply_coordinate_channels(cropped, maps, field_map);
    return layout(points.frames);
  }
  // Resampled: Fourier shifts need the whole periodic line, so space windows come after.
  const SampleBatch cropped = crop_batch(batch, d, wt, wx, wy, true, false);
  const auto maps = compose_for_batch(*group, splitting, d.eps, cropped);
  const SampleBatch moved = crop_batch(apply_resampled(cropped, maps, field_map, group->periodic()),
                                       d, wt, wx, wy, false, true);
  return grid_layout(moved);
}

torch::Tensor Augmentation::plain_view(const SampleBatch &batch) const
{
  const auto dim = batch.spatial_dimension();
  const std::int64_t B = batch.u.size(0), nt = batch.u.size(2), nx = batch.u.size(3),
                     ny = dim == 2 ? batch.u.size(4) : 1;
  ViewDraw d;
  d.t_start.assign(B, 0);
  d.x_start.assign(B, 0);
  d.y_start.assign(B, 0);
  const SampleBatch cropped
      = crop_batch(batch, d, effective(time_window, nt), effective(x_window, nx),
                   effective(y_window, ny), true, true);
  return grid_layout(cropped);
}

std::int64_t Augmentation::channels(const SampleBatch &batch) const
{
  const auto dim = batch.spatial_dimension();
  if (dim == 1)
    return 3;
  return effective(time_window, batch.u.size(2)) * (1 + dim + batch.u.size(1));
}
} // namespace sslpde::symmetries

SSLPDE_REGISTER_PARAMETER_SECTION(
    "Symmetries",
    "How symmetry views are made: mode, Lie-Trotter splitting and crops. The "
    "group and its generators' strengths are parameters of the chosen 'Symmetry "
    "group' plugin.",
    &sslpde::symmetries::declare_augmentation_parameters)
