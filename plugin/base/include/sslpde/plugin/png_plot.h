// PNG pictures through gnuplot: space-time images of trajectories and views, and line plots of
// losses and errors. Plain C++ (gnuplot runs as a separate process), so any module can draw.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sslpde::plot
{
  /// One image panel: row-major values, rows along the vertical axis (time for trajectories).
  struct Image
  {
    std::string title;
    std::vector<double> values;
    std::size_t rows = 0, cols = 0;
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    std::string x_label = "x", y_label = "t";
  };

  /// Writes the panels side by side (`columns` per row, 0: all in one row) with one colour bar
  /// each. Throws naming the file if gnuplot is missing or fails.
  void write_images_png(const std::string &filename, const std::vector<Image> &panels,
                        std::size_t columns = 0);

  struct Series
  {
    std::string label;
    std::vector<double> x, y;
    bool points = false;
  };

  /// Writes a line (or scatter, with points) plot.
  void write_line_plot_png(const std::string &filename, const std::string &title,
                           const std::string &x_label, const std::string &y_label,
                           const std::vector<Series> &series, bool log_y = false);

  /// True if a gnuplot executable is available.
  bool gnuplot_available();
} // namespace sslpde::plot
