// HDF5 trajectory files: round trips in both layouts, LPSDA's own files, and the errors a user
// sees for truncated files, missing datasets and wrong shapes.
#include <sslpde/plugin/trajectory_file.h>

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace sslpde;

namespace
{
  std::string temporary_path(const std::string &name)
  {
    const auto dir = std::filesystem::temp_directory_path() / "sslpde_test_base";
    std::filesystem::create_directories(dir);
    return (dir / name).string();
  }

  Trajectory make_1d(std::uint64_t seed, std::size_t nt = 5, std::size_t nx = 8)
  {
    Trajectory t;
    t.pde = "burgers";
    t.allocate(nt, nx, 1, {"u"});
    t.length_x = 2 * M_PI;
    t.dx = t.length_x / nx;
    t.dt = 0.25;
    t.final_time = (nt - 1) * t.dt;
    for (std::size_t i = 0; i < nt; ++i)
      t.t.push_back(i * t.dt);
    for (std::size_t j = 0; j < nx; ++j)
      t.x.push_back(j * t.dx);
    for (std::size_t i = 0; i < nt; ++i)
      for (std::size_t j = 0; j < nx; ++j)
        t(0, i, j) = std::sin(t.x[j] + seed) * std::exp(-0.1 * t.t[i]);
    t.coefficients["nu"] = 0.01 * (seed + 1);
    t.initial_condition["A"] = {0.1, -0.2, 0.3};
    t.initial_condition["l"] = {1, 2, 3};
    t.seed = seed;
    t.generator_configuration = "set nu = log-uniform\n";
    return t;
  }

  Trajectory make_2d(std::uint64_t seed)
  {
    Trajectory t;
    t.pde = "navier_stokes";
    t.spatial_dimension = 2;
    t.allocate(3, 4, 6, {"u", "vx", "vy", "p"});
    t.length_x = t.length_y = 32;
    t.dx = 8;
    t.dy = 32.0 / 6;
    t.dt = 1.5;
    for (std::size_t i = 0; i < 3; ++i)
      t.t.push_back(18 + 1.5 * i);
    for (std::size_t j = 0; j < 4; ++j)
      t.x.push_back((j + 0.5) * t.dx);
    for (std::size_t k = 0; k < 6; ++k)
      t.y.push_back((k + 0.5) * t.dy);
    for (std::size_t f = 0; f < 4; ++f)
      for (std::size_t n = 0; n < t.values_per_field(); ++n)
        t.fields[f][n] = 0.25 * f + 0.001 * n + seed;
    t.coefficients["beta"] = 0.2 + 0.1 * seed;
    t.seed = seed;
    return t;
  }

  std::string error_of(const std::function<void()> &f)
  {
    try
      {
        f();
      }
    catch (const std::exception &e)
      {
        return e.what();
      }
    return "";
  }
} // namespace

TEST(TrajectoryFile, RoundTrip1DKeepsEverything)
{
  const std::string file = temporary_path("roundtrip1d.h5");
  TrajectorySplits splits;
  splits["train"] = {make_1d(1), make_1d(2), make_1d(3)};
  splits["test"] = {make_1d(4)};
  io::write_trajectory_file(file, splits);

  io::TrajectoryFileReader reader(file);
  EXPECT_EQ(reader.splits(), (std::vector<std::string>{"test", "train"}));
  ASSERT_EQ(reader.size("train"), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    {
      const Trajectory read = reader.read("train", i);
      const Trajectory &written = splits["train"][i];
      EXPECT_EQ(read.pde, "burgers");
      EXPECT_EQ(read.nt, written.nt);
      EXPECT_EQ(read.nx, written.nx);
      EXPECT_EQ(read.fields, written.fields); // float64 on disk: bit-exact
      EXPECT_EQ(read.t, written.t);
      EXPECT_EQ(read.x, written.x);
      EXPECT_EQ(read.seed, written.seed);
      EXPECT_EQ(read.coefficients, written.coefficients);
      EXPECT_EQ(read.initial_condition, written.initial_condition);
      EXPECT_DOUBLE_EQ(read.length_x, written.length_x);
      EXPECT_DOUBLE_EQ(read.final_time, written.final_time);
      EXPECT_EQ(read.generator_configuration, written.generator_configuration);
    }
}

TEST(TrajectoryFile, OneDimensionalLayoutIsLPSDAs)
{
  const std::string file = temporary_path("layout1d.h5");
  io::write_trajectory_file(file, {{"train", {make_1d(1), make_1d(2)}}});
  const hid_t h = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(h, 0);
  const hid_t d = H5Dopen2(h, "/train/pde_5-8", H5P_DEFAULT);
  ASSERT_GE(d, 0) << "LPSDA's dataset name pde_{nt}-{nx} is missing";
  const hid_t space = H5Dget_space(d);
  hsize_t dims[3];
  ASSERT_EQ(H5Sget_simple_extent_ndims(space), 3);
  H5Sget_simple_extent_dims(space, dims, nullptr);
  EXPECT_EQ(dims[0], 2u);
  EXPECT_EQ(dims[1], 5u);
  EXPECT_EQ(dims[2], 8u);
  for (const char *name : {"/train/x", "/train/t", "/train/dx", "/train/dt"})
    EXPECT_GT(H5Lexists(h, name, H5P_DEFAULT), 0) << name;
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(h);
}

TEST(TrajectoryFile, RoundTrip2DInPDEArenaLayout)
{
  const std::string file = temporary_path("roundtrip2d.h5");
  io::write_trajectory_file(file, {{"train", {make_2d(0), make_2d(1)}}});
  const hid_t h = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  for (const char *name :
       {"/train/u", "/train/vx", "/train/vy", "/train/p", "/train/buo_y", "/train/dy"})
    EXPECT_GT(H5Lexists(h, name, H5P_DEFAULT), 0) << name;
  H5Fclose(h);

  io::TrajectoryFileReader reader(file);
  const Trajectory read = reader.read("train", 1);
  const Trajectory written = make_2d(1);
  EXPECT_EQ(read.spatial_dimension, 2u);
  EXPECT_EQ(read.field_names, written.field_names);
  EXPECT_EQ(read.ny, 6u);
  EXPECT_EQ(read.y, written.y);
  for (std::size_t f = 0; f < 4; ++f)
    for (std::size_t n = 0; n < read.values_per_field(); ++n)
      EXPECT_NEAR(read.fields[f][n], written.fields[f][n], 1e-6 * std::abs(written.fields[f][n]));
  EXPECT_DOUBLE_EQ(read.coefficients.at("beta"), 0.3);
}

TEST(TrajectoryFile, ReadsLPSDAReferenceFiles)
{
  for (const std::string name : {"KdV", "KS", "Heat"})
    {
      const std::string file = std::string(SSLPDE_SHARED_DIR) + "/reference-data/" + name +
                               "_train_2.h5";
      if (!std::filesystem::exists(file))
        GTEST_SKIP() << "reference data not found at " << file;
      io::TrajectoryFileReader reader(file);
      ASSERT_EQ(reader.splits(), std::vector<std::string>{"train"}) << name;
      ASSERT_EQ(reader.size("train"), 2u);
      for (std::size_t i = 0; i < 2; ++i)
        {
          const Trajectory t = reader.read("train", i);
          EXPECT_EQ(t.nt, 140u);
          EXPECT_EQ(t.nx, 256u);
          t.check_consistency();
          EXPECT_TRUE(t.all_finite());
          // LPSDA grids are uniform without endpoint: x_j = j dx, L = nx dx.
          EXPECT_NEAR(t.x[1] - t.x[0], t.dx, 1e-12);
          EXPECT_NEAR(t.x.back(), (t.nx - 1) * t.dx, 1e-9);
          EXPECT_NEAR(t.t[1] - t.t[0], t.dt, 1e-9);
          EXPECT_NEAR(t.length_x, 256 * t.dx, 1e-12);
          double max_abs = 0;
          for (const double v : t.fields[0])
            max_abs = std::max(max_abs, std::abs(v));
          EXPECT_GT(max_abs, 0.01);
          // The Heat file holds LPSDA's heat-equation field before its Cole-Hopf map: large.
          EXPECT_LT(max_abs, name == "Heat" ? 1e5 : 20.0);
        }
      const Trajectory first = reader.read("train", 0);
      if (name == "KdV")
        {
          // The PDE name of files without our metadata comes from the file name.
          EXPECT_EQ(first.pde, "kdv");
          EXPECT_GT(first.length_x, 115.2 - 1e-9);
          EXPECT_LT(first.length_x, 140.8 + 1e-9);
        }
      if (name == "Heat")
        {
          EXPECT_NEAR(first.length_x, 2 * M_PI, 1e-9);
        }
    }
}

TEST(TrajectoryFile, TruncatedFileGivesClearError)
{
  const std::string good = temporary_path("whole.h5");
  io::write_trajectory_file(good, {{"train", {make_1d(1), make_1d(2)}}});
  const std::string truncated = temporary_path("truncated.h5");
  {
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(truncated, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 3));
  }
  const std::string message = error_of([&] { io::read_trajectory_file(truncated); });
  EXPECT_NE(message.find(truncated), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;

  const std::string missing = error_of([&] { io::TrajectoryFileReader r(temporary_path("nope.h5")); });
  EXPECT_NE(message.find("HDF5 file"), std::string::npos) << missing;
  EXPECT_NE(missing.find("nope.h5"), std::string::npos) << missing;
}

TEST(TrajectoryFile, MissingDatasetIsNamed)
{
  const std::string file = temporary_path("missing.h5");
  io::write_trajectory_file(file, {{"train", {make_1d(1)}}});
  const hid_t h = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(H5Ldelete(h, "/train/dx", H5P_DEFAULT), 0);
  H5Fclose(h);
  const std::string message = error_of([&] { io::TrajectoryFileReader r(file); });
  EXPECT_NE(message.find("/train/dx"), std::string::npos) << message;
  EXPECT_NE(message.find(file), std::string::npos) << message;
}

TEST(TrajectoryFile, WrongShapeIsNamed)
{
  const std::string file = temporary_path("wrongshape.h5");
  io::write_trajectory_file(file, {{"train", {make_1d(1), make_1d(2)}}});
  const hid_t h = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(H5Ldelete(h, "/train/t", H5P_DEFAULT), 0);
  const hsize_t dims[2] = {2, 7}; // nt is 5
  const hid_t space = H5Screate_simple(2, dims, nullptr);
  const hid_t d =
    H5Dcreate2(h, "/train/t", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dclose(d);
  H5Sclose(space);
  H5Fclose(h);
  const std::string message = error_of([&] { io::TrajectoryFileReader r(file); });
  EXPECT_NE(message.find("/train/t"), std::string::npos) << message;
  EXPECT_NE(message.find("[2, 7]"), std::string::npos) << message;
  EXPECT_NE(message.find("[2, 5]"), std::string::npos) << message;
}

TEST(TrajectoryFile, UncommittedWriterLeavesNothing)
{
  const std::string file = temporary_path("uncommitted.h5");
  std::filesystem::remove(file);
  {
    io::TrajectoryFileWriter writer(file);
    writer.begin_split("train", 2, make_1d(1), io::Precision::float64);
    writer.write("train", 0, make_1d(1));
    // Committing with a slot never written must fail rather than produce a file that looks whole.
    EXPECT_THROW(writer.commit(), std::runtime_error);
  }
  EXPECT_FALSE(std::filesystem::exists(file));
  for (const auto &entry : std::filesystem::directory_iterator(std::filesystem::path(file).parent_path()))
    EXPECT_EQ(entry.path().string().find("uncommitted.h5.tmp"), std::string::npos)
      << "temporary file left behind: " << entry.path();
}

TEST(TrajectoryFile, WriterRejectsMismatchedShape)
{
  io::TrajectoryFileWriter writer(temporary_path("mismatch.h5"));
  writer.begin_split("train", 2, make_1d(1), io::Precision::float64);
  const std::string message = error_of([&] { writer.write("train", 1, make_1d(2, 6, 8)); });
  EXPECT_NE(message.find("differs in shape"), std::string::npos) << message;
}
