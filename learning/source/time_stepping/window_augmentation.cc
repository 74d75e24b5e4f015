// Resampled symmetry views of whole training windows (history and target together).
#include <sslpde/learning/time_stepping/window_augmentation.h>
#include <sslpde/symmetries/augmentation.h>

#include <ATen/ATen.h>

#include <stdexcept>

namespace sslpde::learning
{
WindowAugmentation
make_window_augmentation(std::shared_ptr<const symmetries::Augmentation> augmentation,
                         std::vector<std::string> field_names)
{
  if (!augmentation)
    throw std::invalid_argument("make_window_augmentation: no augmentation");
  if (augmentation->mode() != symmetries::Augmentation::Mode::resampled)
    throw std::invalid_argument(
        "Time-stepper augmentation needs the resampled mode (the "
        "network sees fields on the uniform grid, not coordinate channels)");
  return [augmentation, field_names](at::Tensor &window, at::Tensor &dx, at::Tensor &dt,
                                     at::Tensor &t_start)
  {
    const std::int64_t b = window.size(0), nt = window.size(1), nf = window.size(2);
    const std::int64_t nx = window.size(3);
    const bool two_d = window.dim() == 5;
    symmetries::SampleBatch batch;
    batch.u = window.to(at::kDouble).transpose(1, 2).contiguous(); // [B, F, nt, space]
    batch.t = t_start.reshape({ b, 1 })
              + dt.reshape({ b, 1 }) * at::arange(nt, at::kDouble).reshape({ 1, nt });
    batch.x = dx.reshape({ b, 1 }) * at::arange(nx, at::kDouble).reshape({ 1, nx });
    batch.length_x = dx * static_cast<double>(nx);
    if (two_d)
    {
      const std::int64_t ny = window.size(4);
      batch.y = dx.reshape({ b, 1 }) * at::arange(ny, at::kDouble).reshape({ 1, ny });
      batch.length_y = dx * static_cast<double>(ny);
    }
    batch.field_names = field_names;
    const at::Tensor draws = at::randint(0, std::int64_t(1) << 62, { b }, at::kLong);
    std::vector<std::uint64_t> seeds(b);
    for (std::int64_t i = 0; i < b; ++i)
      seeds[i] = static_cast<std::uint64_t>(draws[i].item<std::int64_t>());
    const at::Tensor view = augmentation->view(batch, seeds);
    at::Tensor fields, t, x;
    if (!two_d)
    {
      // [B, 3, nt, nx]: channels (t~, x~, u~).
      fields = view.select(1, 2).unsqueeze(2);
      t = view.select(1, 0).select(2, 0);
      x = view.select(1, 1).select(1, 0);
    }
    else
    {
      // [B, nt * C, nx, ny], frame-major, C = 3 + F: (t~, x~, y~, fields).
      const std::int64_t c = 3 + nf;
      const at::Tensor frames = view.reshape({ b, nt, c, view.size(2), view.size(3) });
      fields = frames.slice(2, 3, 3 + nf);
      t = frames.select(2, 0).select(2, 0).select(2, 0);
      x = frames.select(2, 1).select(1, 0).select(2, 0);
    }
    if (fields.size(1) != nt || fields.size(3) != nx)
      throw std::runtime_error("Symmetry augmentation changed the window's shape ("
                               + c10::str(window.sizes()) + " -> " + c10::str(fields.sizes())
                               + "); set its time and space windows to 0");
    window = fields.to(window.scalar_type()).contiguous();
    dt = (t.select(1, 1) - t.select(1, 0)).to(at::kDouble);
    dx = (x.select(1, 1) - x.select(1, 0)).to(at::kDouble);
    t_start = t.select(1, 0).to(at::kDouble);
  };
}
} // namespace sslpde::learning
