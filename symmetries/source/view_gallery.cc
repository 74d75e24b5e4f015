// Pictures of a trajectory and its symmetry views (see view_gallery.h).
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/plugin/png_plot.h>
#include <sslpde/symmetries/augmentation.h>
#include <sslpde/symmetries/view_gallery.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace sslpde::symmetries
{
namespace
{
std::string initials(const std::string &name)
{
  std::string out;
  bool start = true;
  for (char c : name)
  {
    if (c == ' ')
      start = true;
    else if (start)
    {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      start = false;
    }
  }
  // A trailing one-letter word is an axis: "Linear boost x" -> "LBx".
  if (name.size() > 2 && name[name.size() - 2] == ' ')
    out.back() = name.back();
  return out;
}

// A view [3, nt, nx] (t~, x~, u~) drawn on a uniform grid spanning its x~ and t~ ranges:
// within each frame u~ is interpolated linearly in x~ (x~ is increasing along a frame for
// every action here); points outside a frame's x~ range are left blank.
plot::Image draw_1d(const torch::Tensor &view, const std::string &title)
{
  const auto v = view.to(torch::kCPU, torch::kFloat64).contiguous();
  const std::int64_t nt = v.size(1), nx = v.size(2);
  const auto t = v[0].select(1, 0), x = v[1], u = v[2];
  plot::Image image;
  image.title = title;
  image.rows = nt;
  image.cols = nx;
  image.x_min = x.min().item<double>();
  image.x_max = x.max().item<double>();
  image.y_min = t.min().item<double>();
  image.y_max = t.max().item<double>();
  image.values.assign(nt * nx, std::numeric_limits<double>::quiet_NaN());
  const double *xs = x.data_ptr<double>(), *us = u.data_ptr<double>();
  for (std::int64_t n = 0; n < nt; ++n)
  {
    const double *xr = xs + n * nx, *ur = us + n * nx;
    std::int64_t j = 0;
    for (std::int64_t c = 0; c < nx; ++c)
    {
      const double xc
          = image.x_min + (image.x_max - image.x_min) * c / std::max<std::int64_t>(nx - 1, 1);
      if (xc < xr[0] || xc > xr[nx - 1])
        continue;
      while (j + 1 < nx - 1 && xr[j + 1] < xc)
        ++j;
      const double w = (xc - xr[j]) / (xr[j + 1] - xr[j]);
      image.values[n * nx + c] = (1 - w) * ur[j] + w * ur[j + 1];
    }
  }
  return image;
}

// Frame 0 of field `channel` of a 2D view [nt * C, nx, ny], on the sample grid.
plot::Image draw_2d(const torch::Tensor &view, std::int64_t channel, const std::string &title)
{
  const auto v = view[channel].to(torch::kCPU, torch::kFloat64).t().contiguous(); // rows = y
  plot::Image image;
  image.title = title;
  image.rows = v.size(0);
  image.cols = v.size(1);
  image.values.assign(v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
  image.x_max = static_cast<double>(image.cols - 1);
  image.y_max = static_cast<double>(image.rows - 1);
  image.x_label = "i (x index)";
  image.y_label = "j (y index)";
  return image;
}
} // namespace

std::vector<std::string>
write_view_gallery(const Trajectory &trajectory, const std::string &group_name,
                   const ParameterValues &group_values, const ParameterValues &augmentation_values,
                   const std::string &png_file, std::size_t count, std::uint64_t seed)
{
  auto group = PluginFamily<SymmetryGroup>::create(group_name, group_values);
  if (group->spatial_dimension() != trajectory.spatial_dimension)
    throw std::invalid_argument(
        "Symmetry group '" + group_name + "' is for " + std::to_string(group->spatial_dimension())
        + "D data, but the trajectory is " + std::to_string(trajectory.spatial_dimension) + "D");
  Augmentation augmentation(augmentation_values, std::move(group));
  const auto batch = make_batch({ &trajectory }, torch::kFloat64, torch::kCPU);
  const bool one_d = trajectory.spatial_dimension == 1;

  std::vector<plot::Image> panels;
  std::vector<std::string> descriptions;
  const std::string field = trajectory.field_names.front();
  const auto plain = augmentation.plain_view(batch)[0];
  // Underscores would be subscripts in gnuplot's enhanced text.
  std::string pde = trajectory.pde;
  std::replace(pde.begin(), pde.end(), '_', '-');
  const std::string plain_title = pde + " " + field + " (original)";
  panels.push_back(one_d ? draw_1d(plain, plain_title) : draw_2d(plain, 3, plain_title));
  descriptions.push_back(plain_title);

  const auto &generators = augmentation.symmetry_group().generators();
  for (std::size_t k = 0; k < count; ++k)
  {
    const auto d = augmentation.draw(batch, { seed + k });
    // Panel text: "ST=12 GB=0.21 ..."; gnuplot titles hold one line, so what does not fit in
    // about 48 characters goes to the x label.
    std::vector<std::string> items;
    std::ostringstream description;
    description << "view " << k + 1 << " (seed " << seed + k << "):";
    for (std::size_t g = 0; g < generators.size(); ++g)
      if (d.eps[g] != 0.0)
      {
        std::ostringstream item;
        item << std::setprecision(2) << initials(generators[g].name) << "=" << d.eps[g];
        items.push_back(item.str());
        description << " " << generators[g].name << " eps = " << d.eps[g] << ";";
      }
    description << " time window from frame " << d.t_start[0];
    std::string title, rest;
    for (const auto &item : items)
    {
      std::string &line = title.size() + item.size() < 48 && rest.empty() ? title : rest;
      line += (line.empty() ? "" : " ") + item;
    }
    const auto view = augmentation.view_for(batch, d)[0];
    auto image = one_d ? draw_1d(view, title) : draw_2d(view, 3, title);
    if (!rest.empty())
      image.x_label = rest + "   (" + image.x_label + ")";
    panels.push_back(image);
    descriptions.push_back(description.str());
  }
  plot::write_images_png(png_file, panels, panels.size() > 5 ? 3 : 0);
  return descriptions;
}
} // namespace sslpde::symmetries
