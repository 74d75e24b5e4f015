// gnuplot-driven PNG output. Data go through a temporary data file rather than the pipe so that
// large images do not hit pipe-buffer limits; the PNG is written to a temporary name and renamed.
#include <sslpde/plugin/png_plot.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace sslpde::plot
{
  namespace
  {
    std::string quoted(const std::string &text)
    {
      std::string out = "\"";
      for (const char c : text)
        {
          if (c == '"' || c == '\\')
            out += '\\';
          out += c;
        }
      return out + "\"";
    }

    std::string temporary_base(const std::string &filename)
    {
      return filename + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
    }

    void run_gnuplot(const std::string &filename, const std::string &script_text,
                     const std::vector<std::string> &data_files, const std::string &png_temporary)
    {
      const std::string script = temporary_base(filename) + ".gp";
      {
        std::ofstream out(script);
        out << script_text;
        if (!out)
          throw std::runtime_error("Plot '" + filename + "': cannot write gnuplot script '" +
                                   script + "'");
      }
      const std::string command = "gnuplot " + quoted(script) + " 2>" + quoted(script + ".err");
      const int status = std::system(command.c_str());
      std::string errors;
      {
        std::ifstream in(script + ".err");
        std::ostringstream text;
        text << in.rdbuf();
        errors = text.str();
      }
      std::remove(script.c_str());
      std::remove((script + ".err").c_str());
      for (const auto &d : data_files)
        std::remove(d.c_str());
      if (status != 0)
        {
          std::remove(png_temporary.c_str());
          throw std::runtime_error("Plot '" + filename + "': gnuplot failed (is gnuplot installed? "
                                   "scripts/install-deps.sh installs gnuplot-nox): " + errors);
        }
      if (std::rename(png_temporary.c_str(), filename.c_str()) != 0)
        throw std::runtime_error("Plot '" + filename + "': cannot rename the finished PNG");
    }
  } // namespace

  bool gnuplot_available()
  {
    return std::system("gnuplot --version >/dev/null 2>&1") == 0;
  }

  void write_images_png(const std::string &filename, const std::vector<Image> &panels,
                        std::size_t columns)
  {
    if (panels.empty())
      throw std::invalid_argument("Plot '" + filename + "': no panels");
    const std::size_t n_columns = columns == 0 ? panels.size() : columns;
    const std::size_t n_rows = (panels.size() + n_columns - 1) / n_columns;
    const std::string base = temporary_base(filename);
    const std::string png_temporary = base + ".png";

    std::vector<std::string> data_files;
    std::ostringstream script;
    const int width = static_cast<int>(std::min<std::size_t>(n_columns * 420, 4000));
    const int height = static_cast<int>(std::min<std::size_t>(n_rows * 380, 4000));
    script << "set terminal pngcairo size " << width << "," << height
           << " font 'sans,9'\nset output " << quoted(png_temporary) << "\n";
    script << "set multiplot layout " << n_rows << "," << n_columns << "\n";
    script << "set palette defined (0 '#3b4cc0', 0.5 '#f2f2f2', 1 '#b40426')\n";
    script << "unset key\nset tics out\n";
    for (std::size_t p = 0; p < panels.size(); ++p)
      {
        const Image &image = panels[p];
        if (image.values.size() != image.rows * image.cols || image.rows == 0 || image.cols == 0)
          throw std::invalid_argument("Plot '" + filename + "': panel '" + image.title +
                                      "' has " + std::to_string(image.values.size()) +
                                      " values for " + std::to_string(image.rows) + " x " +
                                      std::to_string(image.cols));
        const std::string data = base + "." + std::to_string(p) + ".dat";
        data_files.push_back(data);
        std::ofstream out(data);
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        const double dx = (image.x_max - image.x_min) / std::max<double>(image.cols - 1, 1);
        const double dy = (image.y_max - image.y_min) / std::max<double>(image.rows - 1, 1);
        for (std::size_t r = 0; r < image.rows; ++r)
          {
            for (std::size_t c = 0; c < image.cols; ++c)
              {
                const double v = image.values[r * image.cols + c];
                if (std::isfinite(v))
                  {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                  }
                out << image.x_min + c * dx << ' ' << image.y_min + r * dy << ' ' << v << '\n';
              }
            out << '\n';
          }
        // A colour range symmetric about zero for signed fields keeps white at zero.
        if (lo < 0 && hi > 0)
          {
            const double m = std::max(-lo, hi);
            lo = -m;
            hi = m;
          }
        if (!(hi > lo))
          hi = lo + 1;
        script << "set title " << quoted(image.title) << "\n";
        script << "set xlabel " << quoted(image.x_label) << "\nset ylabel " << quoted(image.y_label)
               << "\n";
        script << "set xrange [" << image.x_min << ":" << image.x_max << "]\nset yrange ["
               << image.y_min << ":" << image.y_max << "]\n";
        script << "set cbrange [" << lo << ":" << hi << "]\n";
        script << "plot " << quoted(data) << " using 1:2:3 with image\n";
      }
    script << "unset multiplot\n";
    run_gnuplot(filename, script.str(), data_files, png_temporary);
  }

  void write_line_plot_png(const std::string &filename, const std::string &title,
                           const std::string &x_label, const std::string &y_label,
                           const std::vector<Series> &series, bool log_y)
  {
    const std::string base = temporary_base(filename);
    const std::string png_temporary = base + ".png";
    std::vector<std::string> data_files;
    std::ostringstream script;
    script << "set terminal pngcairo size 800,500 font 'sans,10'\nset output "
           << quoted(png_temporary) << "\n";
    script << "set title " << quoted(title) << "\nset xlabel " << quoted(x_label)
           << "\nset ylabel " << quoted(y_label) << "\nset grid\nset key outside right\n";
    if (log_y)
      script << "set logscale y\n";
    std::ostringstream plot;
    for (std::size_t s = 0; s < series.size(); ++s)
      {
        const Series &line = series[s];
        if (line.x.size() != line.y.size())
          throw std::invalid_argument("Plot '" + filename + "': series '" + line.label +
                                      "' has " + std::to_string(line.x.size()) + " x and " +
                                      std::to_string(line.y.size()) + " y values");
        const std::string data = base + "." + std::to_string(s) + ".dat";
        data_files.push_back(data);
        std::ofstream out(data);
        out.precision(10);
        for (std::size_t i = 0; i < line.x.size(); ++i)
          out << line.x[i] << ' ' << line.y[i] << '\n';
        if (line.x.empty())
          out << "0 NaN\n";
        plot << (s ? ", " : "plot ") << quoted(data) << " using 1:2 with "
             << (line.points ? "points pt 7 ps 0.6" : "lines lw 2") << " title "
             << quoted(line.label);
      }
    if (series.empty())
      throw std::invalid_argument("Plot '" + filename + "': no series");
    script << plot.str() << "\n";
    run_gnuplot(filename, script.str(), data_files, png_temporary);
  }
} // namespace sslpde::plot
