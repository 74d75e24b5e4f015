// PNG output: a picture is written under its final name (nothing left behind), and bad input is
// refused before gnuplot runs.
#include <sslpde/plugin/png_plot.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

TEST(PngPlot, WritesImageAndLinePlot)
{
  if (!sslpde::plot::gnuplot_available())
    GTEST_SKIP() << "gnuplot not installed";
  const auto dir = std::filesystem::temp_directory_path() / "sslpde_test_png";
  std::filesystem::create_directories(dir);
  sslpde::plot::Image image;
  image.title = "sin";
  image.rows = 10;
  image.cols = 20;
  for (std::size_t r = 0; r < 10; ++r)
    for (std::size_t c = 0; c < 20; ++c)
      image.values.push_back(std::sin(0.3 * c + 0.1 * r));
  const std::string png = (dir / "image.png").string();
  sslpde::plot::write_images_png(png, {image, image});
  std::ifstream in(png, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");

  const std::string lines = (dir / "lines.png").string();
  sslpde::plot::write_line_plot_png(lines, "loss", "epoch", "loss",
                                    {{"train", {1, 2, 3}, {1.0, 0.5, 0.25}, false}}, true);
  EXPECT_GT(std::filesystem::file_size(lines), 1000u);
  for (const auto &entry : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
}

TEST(PngPlot, RejectsInconsistentPanels)
{
  sslpde::plot::Image image;
  image.rows = 2;
  image.cols = 2;
  image.values = {1, 2, 3};
  EXPECT_THROW(sslpde::plot::write_images_png("/tmp/never.png", {image}), std::invalid_argument);
}
