// The view pipeline: per-sample seeding independent of batch position, shapes and layouts,
// strengths within bounds, plain views, resampled-mode refusals, data without pressure, dtype
// and (when present) CUDA agreement with the CPU.
#include "test_support.h"

#include <sslpde/plugin/png_plot.h>
#include <sslpde/plugin/trajectory_file.h>
#include <sslpde/symmetries/augmentation.h>
#include <sslpde/symmetries/view_gallery.h>

#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <cmath>
#include <cstdio>
#include <fstream>

using namespace sslpde;
using namespace sslpde::symmetries;
using namespace sslpde::symmetries::testing;

namespace
{
ParameterValues section(const std::vector<std::pair<std::string, std::string>> &overrides = {})
{
  auto values = ParameterValues::defaults(declare_augmentation_parameters(), "Symmetries");
  for (const auto &[k, v] : overrides)
    values.set(k, v);
  return values;
}

SampleBatch batch_1d(std::int64_t B, std::int64_t nt = 20, std::int64_t nx = 64)
{
  torch::manual_seed(3);
  SampleBatch b;
  const double length = 40;
  auto x = grid(0, length / nx, nx);
  b.x = x.view({ 1, nx }).repeat({ B, 1 });
  b.t = grid(10, 0.5, nt).view({ 1, nt }).repeat({ B, 1 });
  auto k = torch::randint(1, 4, { B, 1, 1, 1 }, torch::kFloat64);
  b.u = torch::sin(2 * M_PI * k * x.view({ 1, 1, 1, nx }) / length
                   + torch::rand({ B, 1, nt, 1 }, torch::kFloat64));
  b.length_x = torch::full({ B }, length, torch::kFloat64);
  b.field_names = { "u" };
  return b;
}

SampleBatch batch_2d(std::int64_t B, bool with_pressure)
{
  torch::manual_seed(5);
  SampleBatch b;
  const std::int64_t nt = 6, n = 16, F = with_pressure ? 4 : 3;
  b.u = torch::rand({ B, F, nt, n, n }, torch::kFloat64);
  b.t = grid(18, 1.5, nt).view({ 1, nt }).repeat({ B, 1 });
  b.x = grid(1, 2, n).view({ 1, n }).repeat({ B, 1 });
  b.y = b.x.clone();
  b.length_x = torch::full({ B }, 32.0, torch::kFloat64);
  b.length_y = b.length_x.clone();
  b.field_names = { "u", "vx", "vy" };
  if (with_pressure)
    b.field_names.push_back("p");
  return b;
}

SampleBatch select(const SampleBatch &b, const std::vector<std::int64_t> &rows)
{
  auto index = torch::tensor(rows, torch::kInt64);
  SampleBatch s = b;
  s.u = b.u.index_select(0, index);
  s.t = b.t.index_select(0, index);
  s.x = b.x.index_select(0, index);
  s.length_x = b.length_x.index_select(0, index);
  if (b.y.defined())
  {
    s.y = b.y.index_select(0, index);
    s.length_y = b.length_y.index_select(0, index);
  }
  return s;
}
} // namespace

TEST(SymmetriesAugmentation, SampleSeedDecidesItsViewWhateverItsBatch)
{
  for (const char *mode : { "coordinate channels", "resampled" })
  {
    Augmentation augmentation(section({ { "Mode", mode }, { "Time window", "12" } }),
                              make_group("kdv"));
    const auto batch = batch_1d(3);
    const auto all = augmentation.view(batch, { 11, 22, 33 });
    const auto part = augmentation.view(select(batch, { 2, 0 }), { 33, 11 });
    EXPECT_TRUE(torch::allclose(all[2], part[0], 0, 1e-12)) << mode;
    EXPECT_TRUE(torch::allclose(all[0], part[1], 0, 1e-12)) << mode;
    EXPECT_FALSE(torch::allclose(all[0], augmentation.view(select(batch, { 0 }), { 12 })[0]))
        << mode;
    EXPECT_EQ(all.sizes(), (std::vector<std::int64_t>{ 3, 3, 12, 64 }));
    EXPECT_EQ(augmentation.channels(batch), 3);
  }
}

TEST(SymmetriesAugmentation, StrengthsWithinBoundsAndSpaceShiftRelativeToLength)
{
  auto group = make_group("kdv");
  Augmentation augmentation(section(), std::move(group));
  const auto batch = batch_1d(64);
  std::vector<std::uint64_t> seeds(64);
  for (std::size_t i = 0; i < 64; ++i)
    seeds[i] = 1000 + i;
  const auto d = augmentation.draw(batch, seeds);
  const auto &generators = augmentation.symmetry_group().generators();
  const std::size_t G = generators.size();
  std::vector<double> largest(G, 0.0);
  for (std::size_t b = 0; b < 64; ++b)
    for (std::size_t g = 0; g < G; ++g)
    {
      const double bound
          = generators[g].max_strength * (generators[g].relative_to_length ? 40.0 : 1.0);
      EXPECT_LE(std::abs(d.eps[b * G + g]), bound);
      largest[g] = std::max(largest[g], std::abs(d.eps[b * G + g]));
    }
  // Space translation up to half of L = 40; boost up to 0.4: the draws reach near the bounds.
  EXPECT_GT(largest[augmentation.symmetry_group().generator_index("Space translation")], 15.0);
  EXPECT_GT(largest[augmentation.symmetry_group().generator_index("Galilean boost")], 0.3);
  EXPECT_EQ(largest[augmentation.symmetry_group().generator_index("Time translation")], 0.0)
      << "off by default";
}

TEST(SymmetriesAugmentation, PlainViewIsTheUntransformedCrop)
{
  Augmentation augmentation(section({ { "Time window", "8" } }), make_group("kdv"));
  const auto batch = batch_1d(2);
  const auto v = augmentation.plain_view(batch);
  ASSERT_EQ(v.sizes(), (std::vector<std::int64_t>{ 2, 3, 8, 64 }));
  EXPECT_TRUE(torch::equal(v.select(1, 2), batch.u.select(1, 0).narrow(1, 0, 8)));
  EXPECT_TRUE(
      torch::equal(v.select(1, 0), batch.t.narrow(1, 0, 8).view({ 2, 8, 1 }).expand({ 2, 8, 64 })));
  EXPECT_TRUE(torch::equal(v.select(1, 1), batch.x.view({ 2, 1, 64 }).expand({ 2, 8, 64 })));
  // A zero-strength view is the same as the plain view.
  auto group = make_group("kdv");
  for (const auto &g : group->generators())
    group->set_max_strength(g.name, 0.0);
  Augmentation identity(section({ { "Time window", "8" } }), std::move(group));
  ViewDraw d = identity.draw(batch, { 1, 2 });
  d.t_start = { 0, 0 };
  EXPECT_TRUE(torch::allclose(identity.view_for(batch, d), v, 0, 1e-14));
}

TEST(SymmetriesAugmentation, NavierStokesLayoutAndMissingPressure)
{
  Augmentation augmentation(
      section({ { "Time window", "4" }, { "Space window x", "12" }, { "Space window y", "10" } }),
      make_group("navier_stokes"));
  const auto full = batch_2d(2, true);
  const auto v = augmentation.view(full, { 1, 2 });
  EXPECT_EQ(v.sizes(), (std::vector<std::int64_t>{ 2, 4 * 7, 12, 10 }));
  EXPECT_EQ(augmentation.channels(full), 28);
  const auto p = augmentation.plain_view(full);
  // Frame 1's channels start at 7: t, x, y, then the fields in the batch's order.
  EXPECT_TRUE(torch::equal(p[0][7 + 3], full.u[0][0][1].narrow(0, 0, 12).narrow(1, 0, 10)));
  EXPECT_TRUE(torch::equal(p[0][7 + 6], full.u[0][3][1].narrow(0, 0, 12).narrow(1, 0, 10)));
  EXPECT_DOUBLE_EQ(p[0][7][0][0].item<double>(), full.t[0][1].item<double>());

  // PDEArena data have no pressure: every generator still transforms the fields present (the
  // quadratic boosts' pressure term only concerns p). A velocity without its partner cannot be
  // rotated, though.
  const auto no_pressure = batch_2d(2, false);
  EXPECT_EQ(augmentation.view(no_pressure, { 1, 2 }).sizes(),
            (std::vector<std::int64_t>{ 2, 4 * 6, 12, 10 }));
  SampleBatch no_vy = no_pressure;
  no_vy.u = no_pressure.u.narrow(1, 0, 2);
  no_vy.field_names = { "s", "vx" };
  EXPECT_THROW(augmentation.view(no_vy, { 1, 2 }), std::invalid_argument);
  auto group = make_group("navier_stokes");
  group->set_max_strength("Rotation", 0);
  Augmentation without(section({ { "Time window", "4" } }), std::move(group));
  EXPECT_EQ(without.view(no_vy, { 1, 2 }).sizes(), (std::vector<std::int64_t>{ 2, 4 * 5, 16, 16 }));
  EXPECT_THROW(without.view(no_pressure, { 1 }), std::invalid_argument)
      << "one seed for two samples";
}

TEST(SymmetriesAugmentation, ResampledModeRefusesGridDeformingGenerators)
{
  try
  {
    Augmentation a(section({ { "Mode", "resampled" } }), make_group("burgers"));
    FAIL() << "projective map accepted in resampled mode";
  }
  catch (const std::invalid_argument &e)
  {
    EXPECT_NE(std::string(e.what()).find("Projective"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Augmentation(section({ { "Mode", "resampled" } }), make_group("navier_stokes")),
               std::invalid_argument);
  auto group = make_group("burgers");
  group->set_max_strength("Projective", 0);
  EXPECT_NO_THROW(Augmentation(section({ { "Mode", "resampled" } }), std::move(group)));
  EXPECT_THROW(Augmentation(section({ { "Mode", "sideways" } }), make_group("kdv")),
               std::invalid_argument);
  EXPECT_THROW(Augmentation(section({ { "Lie-Trotter order", "3" } }), make_group("kdv")),
               std::invalid_argument);
}

TEST(SymmetriesAugmentation, GroupParametersAndRegistry)
{
  for (const char *name : { "burgers", "kdv", "ks", "navier_stokes" })
    EXPECT_NO_THROW(make_group(name)) << name;
  auto only_exact = PluginFamily<SymmetryGroup>::create_with_defaults(
      "navier_stokes", { { "Only exact generators", "true" } });
  for (const auto &g : only_exact->generators())
    EXPECT_EQ(g.max_strength > 0, g.exact) << g.name;
  auto kdv = PluginFamily<SymmetryGroup>::create_with_defaults("kdv", { { "Scaling", "0.2" } });
  EXPECT_DOUBLE_EQ(kdv->generators()[kdv->generator_index("Scaling")].max_strength, 0.2);
  EXPECT_THROW(PluginFamily<SymmetryGroup>::create_with_defaults("kdv", { { "Scaling", "-1" } }),
               std::invalid_argument);
  EXPECT_THROW(kdv->generator_index("Rotation"), std::invalid_argument);
}

namespace
{
SampleBatch to_dtype(const SampleBatch &batch, torch::Dtype dtype)
{
  SampleBatch s = batch;
  for (auto *t : { &s.u, &s.t, &s.x, &s.length_x })
    *t = t->to(dtype);
  return s;
}
} // namespace

TEST(SymmetriesAugmentation, Float32AgreesWithDouble)
{
  const auto batch = batch_1d(4);
  const auto single = to_dtype(batch, torch::kFloat32);
  for (const char *mode : { "coordinate channels", "resampled" })
  {
    Augmentation augmentation(section({ { "Mode", mode }, { "Time window", "10" } }),
                              make_group("kdv"));
    const auto reference = augmentation.view(batch, { 5, 6, 7, 8 });
    const auto v = augmentation.view(single, { 5, 6, 7, 8 });
    EXPECT_EQ(v.scalar_type(), torch::kFloat32) << mode;
    EXPECT_TRUE(torch::allclose(v.to(torch::kFloat64), reference, 1e-5, 1e-4)) << mode;
  }
}

TEST(SymmetriesAugmentation, DeviceAgreesWithCpu)
{
  if (!torch::cuda::is_available())
    GTEST_SKIP() << "no CUDA device: the device comparison was not run";
  const auto batch = batch_1d(4);
  SampleBatch cuda = batch;
  for (auto *t : { &cuda.u, &cuda.t, &cuda.x, &cuda.length_x })
    *t = t->to(torch::kCUDA);
  for (const char *mode : { "coordinate channels", "resampled" })
  {
    Augmentation augmentation(section({ { "Mode", mode }, { "Time window", "10" } }),
                              make_group("burgers"));
    if (std::string(mode) == "resampled")
      augmentation
          = Augmentation(section({ { "Mode", mode }, { "Time window", "10" } }), make_group("kdv"));
    const auto on_device = augmentation.view(cuda, { 5, 6, 7, 8 });
    EXPECT_TRUE(on_device.is_cuda());
    EXPECT_TRUE(
        torch::allclose(on_device.cpu(), augmentation.view(batch, { 5, 6, 7, 8 }), 1e-10, 1e-10))
        << mode;
  }
}

TEST(SymmetriesAugmentation, LargeBatchesInChunksMatchSingleSamples)
{
  // 40 samples of 200 x 256 values go through in chunks of one sample; each sample's view must be
  // the same as when it is alone.
  for (const char *mode : { "coordinate channels", "resampled" })
  {
    Augmentation augmentation(section({ { "Mode", mode }, { "Time window", "150" } }),
                              make_group("kdv"));
    const auto batch = batch_1d(40, 200, 256);
    std::vector<std::uint64_t> seeds(40);
    for (std::size_t i = 0; i < seeds.size(); ++i)
      seeds[i] = 77 * i + 1;
    const auto all = augmentation.view(batch, seeds);
    for (std::int64_t b : { 0, 19, 20, 39 })
      EXPECT_TRUE(torch::allclose(all[b], augmentation.view(select(batch, { b }), { seeds[b] })[0],
                                  0, 1e-12))
          << mode << ", sample " << b;
  }
}

TEST(SymmetriesAugmentation, ViewGalleryOfAnLpsdaFile)
{
  // The gallery of the LPSDA reference KdV file (the picture in doc/symmetries.md).
  const std::string file = std::string(SSLPDE_SHARED_DIR) + "/reference-data/KdV_train_2.h5";
  if (!std::ifstream(file))
    GTEST_SKIP() << "LPSDA reference file " << file << " not present";
  if (!sslpde::plot::gnuplot_available())
    GTEST_SKIP() << "gnuplot not installed";
  const auto trajectory = sslpde::io::TrajectoryFileReader(file).read("train", 0);
  ASSERT_EQ(trajectory.pde, "kdv");
  const std::string png = std::string(SSLPDE_BINARY_DIR) + "/views_kdv.png";
  std::remove(png.c_str());
  const auto group
      = ParameterValues::defaults(PluginFamily<SymmetryGroup>::declarations("kdv"), "kdv");
  const auto lines = write_view_gallery(trajectory, "kdv", group,
                                        section({ { "Mode", "resampled" } }), png, 4, 1);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[1].find("Galilean boost"), std::string::npos) << lines[1];
  std::ifstream in(png, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  // A 2D (Navier-Stokes-like) trajectory: the first frame of the smoke per view.
  Trajectory flow;
  flow.pde = "navier_stokes";
  flow.spatial_dimension = 2;
  flow.allocate(4, 16, 12, { "u", "vx", "vy", "p" });
  for (std::size_t f = 0; f < 4; ++f)
    for (std::size_t i = 0; i < flow.fields[f].size(); ++i)
      flow.fields[f][i] = std::sin(0.1 * i + f);
  flow.t = { 18, 19.5, 21, 22.5 };
  for (std::size_t i = 0; i < 16; ++i)
    flow.x.push_back(2.0 * i + 1);
  for (std::size_t i = 0; i < 12; ++i)
    flow.y.push_back(2.0 * i + 1);
  flow.length_x = 32, flow.length_y = 24;
  const std::string png2 = std::string(SSLPDE_BINARY_DIR) + "/views_navier_stokes.png";
  const auto ns_lines = write_view_gallery(
      flow, "navier_stokes",
      ParameterValues::defaults(PluginFamily<SymmetryGroup>::declarations("navier_stokes")),
      section({ { "Time window", "2" } }), png2, 2, 3);
  EXPECT_EQ(ns_lines.size(), 3u);
  EXPECT_TRUE(std::ifstream(png2).good());
  // 1D groups refuse 2D data and vice versa.
  EXPECT_THROW(write_view_gallery(trajectory, "navier_stokes",
                                  ParameterValues::defaults(
                                      PluginFamily<SymmetryGroup>::declarations("navier_stokes")),
                                  section(), png),
               std::invalid_argument);
}

TEST(SymmetriesAugmentation, MakeBatchCopiesTrajectories)
{
  // Two 2D trajectories [nt][nx][ny] per field become [B, F, nt, nx, ny] with coordinates.
  std::vector<Trajectory> trajectories(2);
  for (std::size_t b = 0; b < 2; ++b)
  {
    auto &tr = trajectories[b];
    tr.pde = "navier_stokes";
    tr.spatial_dimension = 2;
    tr.allocate(3, 4, 5, { "u", "vx", "vy", "p" });
    for (std::size_t f = 0; f < 4; ++f)
      for (std::size_t i = 0; i < tr.fields[f].size(); ++i)
        tr.fields[f][i] = 1000.0 * b + 100.0 * f + i;
    tr.t = { 1, 2, 3 };
    tr.x = { 0, 1, 2, 3 };
    tr.y = { 0, 1, 2, 3, 4 };
    tr.length_x = 4 + b;
    tr.length_y = 5;
  }
  const auto batch
      = make_batch({ &trajectories[0], &trajectories[1] }, torch::kFloat32, torch::kCPU);
  ASSERT_EQ(batch.u.sizes(), (std::vector<std::int64_t>{ 2, 4, 3, 4, 5 }));
  EXPECT_EQ(batch.u.scalar_type(), torch::kFloat32);
  // Field 2 of trajectory 1 at (it, ix, iy) = (1, 2, 3): index (1 * 4 + 2) * 5 + 3 = 33.
  EXPECT_FLOAT_EQ(batch.u[1][2][1][2][3].item<float>(), 1000 + 200 + 33);
  EXPECT_FLOAT_EQ(batch.length_x[1].item<float>(), 5);
  EXPECT_FLOAT_EQ(batch.y[0][4].item<float>(), 4);
  EXPECT_EQ(batch.field_names, trajectories[0].field_names);
  trajectories[1].nt = 2;
  EXPECT_THROW(make_batch({ &trajectories[0], &trajectories[1] }, torch::kFloat64, torch::kCPU),
               std::exception);
}
