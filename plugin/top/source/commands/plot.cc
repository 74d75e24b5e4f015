// `sslpde plot FILE.h5 [--split S] [--index I] [--output F.png]`: one trajectory of a file as a
// picture. 1D: the space-time image u(x, t); 2D: every field at a few times (first, middle, last).
#include <sslpde/plugin/command.h>
#include <sslpde/plugin/png_plot.h>
#include <sslpde/plugin/trajectory_file.h>

#include <mpi.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace
{
int plot(const std::vector<std::string> &arguments)
{
  const std::string usage = "usage: sslpde plot FILE.h5 [--split S] [--index I] [--output F.png]";
  if (arguments.empty())
    throw std::invalid_argument(usage);
  std::string file = arguments[0], split, output;
  std::size_t index = 0;
  for (std::size_t i = 1; i < arguments.size(); ++i)
  {
    if (i + 1 >= arguments.size())
      throw std::invalid_argument("sslpde plot: option '" + arguments[i] + "' needs a value; "
                                  + usage);
    const std::string &option = arguments[i], &value = arguments[++i];
    if (option == "--split")
      split = value;
    else if (option == "--index")
      index = std::stoul(value);
    else if (option == "--output")
      output = value;
    else
      throw std::invalid_argument("sslpde plot: unknown option '" + option + "'; " + usage);
  }
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0)
    return 0;

  const sslpde::io::TrajectoryFileReader reader(file);
  const auto splits = reader.splits();
  if (splits.empty())
    throw std::runtime_error("sslpde plot: '" + file + "' holds no split");
  if (split.empty())
    split = std::find(splits.begin(), splits.end(), "train") != splits.end() ? "train"
                                                                             : splits.front();
  if (!reader.has_split(split))
    throw std::invalid_argument("sslpde plot: '" + file + "' has no split '" + split + "'");
  if (index >= reader.size(split))
    throw std::invalid_argument("sslpde plot: split '" + split + "' of '" + file + "' has "
                                + std::to_string(reader.size(split)) + " trajectories, no index "
                                + std::to_string(index));
  const sslpde::Trajectory t = reader.read(split, index);
  if (output.empty())
  {
    const std::size_t dot = file.rfind('.');
    output = (dot == std::string::npos ? file : file.substr(0, dot)) + "_" + split + "_"
             + std::to_string(index) + ".png";
  }

  std::vector<sslpde::plot::Image> panels;
  std::ostringstream title;
  title << t.pde << " " << split << "[" << index << "]";
  for (const auto &[name, value] : t.coefficients)
    title << " " << name << "=" << value;
  const double x_max = t.x.empty() ? 1.0 : t.x.back() + t.dx;
  if (t.spatial_dimension == 1)
  {
    sslpde::plot::Image image;
    image.title = title.str();
    image.values = t.fields[0];
    image.rows = t.nt;
    image.cols = t.nx;
    image.x_min = t.x.empty() ? 0 : t.x.front();
    image.x_max = x_max;
    image.y_min = t.t.front();
    image.y_max = t.t.back();
    panels.push_back(image);
    sslpde::plot::write_images_png(output, panels);
  }
  else
  {
    // Frames: first, middle, last; one row of panels per field.
    const std::vector<std::size_t> frames = { 0, t.nt / 2, t.nt - 1 };
    for (std::size_t f = 0; f < t.field_names.size(); ++f)
      for (const std::size_t k : frames)
      {
        sslpde::plot::Image image;
        std::ostringstream panel_title;
        panel_title << t.field_names[f] << ", t = " << t.t[k];
        image.title = panel_title.str();
        image.rows = t.ny;
        image.cols = t.nx;
        image.values.resize(t.nx * t.ny);
        // Stored [x][y]; images are row-major with rows along the vertical axis (y).
        for (std::size_t ix = 0; ix < t.nx; ++ix)
          for (std::size_t iy = 0; iy < t.ny; ++iy)
            image.values[iy * t.nx + ix] = t(f, k, ix, iy);
        image.x_min = t.x.front();
        image.x_max = t.x.back();
        image.y_min = t.y.front();
        image.y_max = t.y.back();
        image.y_label = "y";
        panels.push_back(image);
      }
    sslpde::plot::write_images_png(output, panels, frames.size());
  }
  std::cout << "plot: wrote " << output << " (" << title.str() << ")" << std::endl;
  return 0;
}
} // namespace

SSLPDE_REGISTER_COMMAND("plot", "FILE.h5 [--split S] [--index I] [--output F.png]",
                        "Render one trajectory of a file as a PNG: the space-time image for 1D, "
                        "the fields at the first, middle and last saved time for 2D.",
                        plot)
