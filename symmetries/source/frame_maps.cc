// Host-side composition of per-frame group elements (see frame_maps.h).
#include <sslpde/symmetries/frame_maps.h>

#include <stdexcept>
#include <string>

namespace sslpde::symmetries
{
FrameMaps compose_frame_maps(const SymmetryGroup &group, const std::vector<SplittingStep> &schedule,
                             const std::vector<double> &eps, const std::vector<double> &frame_times,
                             std::size_t n_samples, std::size_t n_frames)
{
  const std::size_t n_generators = group.n_generators();
  if (eps.size() != n_samples * n_generators)
    throw std::invalid_argument(
        "compose_frame_maps: expected " + std::to_string(n_samples * n_generators)
        + " strengths (samples x generators), got " + std::to_string(eps.size()));
  if (frame_times.size() != n_samples * n_frames)
    throw std::invalid_argument("compose_frame_maps: expected "
                                + std::to_string(n_samples * n_frames) + " frame times, got "
                                + std::to_string(frame_times.size()));
  for (const auto &step : schedule)
    if (step.generator >= n_generators)
      throw std::invalid_argument("compose_frame_maps: schedule names generator "
                                  + std::to_string(step.generator) + " of "
                                  + std::to_string(n_generators));

  FrameAction action(group.spatial_dimension(), group.field_names().size());
  const std::size_t k = action.size();
  FrameMaps maps;
  maps.n_samples = n_samples;
  maps.n_frames = n_frames;
  maps.n_variables = k;
  maps.t = frame_times;
  maps.matrix.assign(n_samples * n_frames * k * k, 0.0);
  std::vector<double> product(k * k);

  for (std::size_t b = 0; b < n_samples; ++b)
    for (std::size_t n = 0; n < n_frames; ++n)
    {
      double *m = &maps.matrix[(b * n_frames + n) * k * k];
      for (std::size_t i = 0; i < k; ++i)
        m[i * k + i] = 1.0;
      double &t = maps.t[b * n_frames + n];
      for (const auto &step : schedule)
      {
        const double e = step.fraction * eps[b * n_generators + step.generator];
        if (e == 0.0)
          continue;
        action.reset(t);
        group.frame_action(step.generator, e, action);
        t = action.t;
        // m <- A m, touching only the rows of A that differ from the identity.
        for (std::size_t r = 0; r < k; ++r)
        {
          bool identity_row = true;
          for (std::size_t c = 0; c < k && identity_row; ++c)
            identity_row = action(r, c) == (r == c ? 1.0 : 0.0);
          if (identity_row)
          {
            for (std::size_t c = 0; c < k; ++c)
              product[r * k + c] = m[r * k + c];
            continue;
          }
          for (std::size_t c = 0; c < k; ++c)
          {
            double sum = 0;
            for (std::size_t j = 0; j < k; ++j)
              sum += action(r, j) * m[j * k + c];
            product[r * k + c] = sum;
          }
        }
        std::copy(product.begin(), product.end(), m);
      }
    }
  return maps;
}
} // namespace sslpde::symmetries
