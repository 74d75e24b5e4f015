// Ensemble generation over MPI: the same file content for 1 and 2 ranks, seeds that depend only
// on (base seed, split, index, attempt), shared results on every rank, and rejection/replacement
// of attempts that exceed the divergence threshold.
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/plugin/trajectory_file.h>
#include <sslpde/solvers/ensemble.h>
#include <sslpde/solvers/pde_solver.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

using namespace sslpde;
using namespace sslpde::solvers;

namespace
{
ParameterValues small_burgers(const std::string &threshold = "1e6")
{
  ParameterValues v
      = ParameterValues::defaults(PluginFamily<PDESolver>::declarations("burgers"), "burgers");
  v.set("Number of cells", "16");
  v.set("Element degree", "2");
  v.set("Grid points", "32");
  v.set("Saved times", "6");
  v.set("Kept times", "6");
  v.set("Minimum final time", "0.5");
  v.set("Maximum final time", "0.5");
  v.set("Divergence threshold", threshold);
  return v;
}

ParameterValues generation(const std::string &file, int train, int valid, int test)
{
  ParameterValues g = ParameterValues::defaults(declare_generation_parameters(), "Generation");
  g.set("Output file", file);
  g.set("Seed", "7");
  g.set("Number of train trajectories", std::to_string(train));
  g.set("Number of valid trajectories", std::to_string(valid));
  g.set("Number of test trajectories", std::to_string(test));
  g.set("Progress interval", "0");
  return g;
}

int rank()
{
  int r;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int size()
{
  int s;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

} // namespace

TEST(Ensemble, SameFileForOneAndTwoRanks)
{
  // getpid differs between ranks: agree on rank 0's names.
  int pid = ::getpid();
  MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD);
  const std::string one = std::filesystem::temp_directory_path()
                          / ("sslpde_ensemble_one_" + std::to_string(pid) + ".h5");
  const std::string two = std::filesystem::temp_directory_path()
                          / ("sslpde_ensemble_two_" + std::to_string(pid) + ".h5");
  if (rank() == 0)
  {
    const EnsembleResult r = generate_ensemble(generation(one, 5, 2, 3), "burgers", small_burgers(),
                                               "config text", MPI_COMM_SELF, false);
    EXPECT_EQ(r.output_file, one);
    EXPECT_EQ(r.n_trajectories, 10u);
    EXPECT_EQ(r.trajectories.at("train").size(), 5u);
  }
  const EnsembleResult r2 = generate_ensemble(generation(two, 5, 2, 3), "burgers", small_burgers(),
                                              "config text", MPI_COMM_WORLD, false);
  // Without sharing each rank holds its round-robin share, with the right global indices.
  std::size_t held = 0;
  for (const auto &[split, list] : r2.trajectories)
  {
    held += list.size();
    for (std::size_t i = 0; i < list.size(); ++i)
      EXPECT_EQ(list[i].seed, ensemble_seed(7, split, r2.global_indices.at(split)[i], 0));
  }
  unsigned long total = held, all = 0;
  MPI_Allreduce(&total, &all, 1, MPI_UNSIGNED_LONG, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(all, 10u);
  if (size() > 1)
  {
    EXPECT_LT(held, 10u);
  }

  if (rank() == 0)
  {
    const TrajectorySplits a = io::read_trajectory_file(one), b = io::read_trajectory_file(two);
    ASSERT_EQ(a.size(), 3u);
    ASSERT_EQ(b.size(), 3u);
    for (const auto &[split, list] : a)
    {
      ASSERT_EQ(list.size(), b.at(split).size()) << split;
      for (std::size_t i = 0; i < list.size(); ++i)
      {
        const Trajectory &x = list[i], &y = b.at(split)[i];
        EXPECT_EQ(x.fields, y.fields) << split << " " << i;
        EXPECT_EQ(x.seed, y.seed);
        EXPECT_EQ(x.seed, ensemble_seed(7, split, i, 0));
        EXPECT_EQ(x.coefficients, y.coefficients);
        EXPECT_EQ(x.initial_condition, y.initial_condition);
        EXPECT_EQ(x.t, y.t);
        EXPECT_EQ(x.x, y.x);
        EXPECT_EQ(x.generator_configuration, "config text");
      }
    }
    std::remove(one.c_str());
    std::remove(two.c_str());
  }
}

TEST(Ensemble, SharedResultsOnEveryRank)
{
  const EnsembleResult r = generate_ensemble(generation("", 3, 0, 2), "burgers", small_burgers(),
                                             "", MPI_COMM_WORLD, true);
  EXPECT_TRUE(r.output_file.empty());
  ASSERT_EQ(r.trajectories.at("train").size(), 3u);
  ASSERT_EQ(r.trajectories.at("test").size(), 2u);
  EXPECT_EQ(r.trajectories.at("valid").size(), 0u);
  for (std::size_t i = 0; i < 2; ++i)
  {
    EXPECT_EQ(r.global_indices.at("test")[i], i);
    EXPECT_EQ(r.trajectories.at("test")[i].seed, ensemble_seed(7, "test", i, 0));
  }
  // Every rank got the same data: compare a checksum.
  double sum = 0;
  for (const auto &[split, list] : r.trajectories)
    for (const auto &t : list)
      for (const double v : t.fields[0])
        sum += v;
  double max = 0, min = 0;
  MPI_Allreduce(&sum, &max, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  MPI_Allreduce(&sum, &min, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  EXPECT_EQ(max, min);
}

TEST(Ensemble, DivergentAttemptsAreRejectedAndReplaced)
{
  // A threshold of 1.3 on |u| rejects the initial conditions whose sines add up above it.
  const double threshold = 1.3;
  ParameterValues g = generation("", 8, 0, 0);
  g.set("Maximum attempts per trajectory", "20");
  const EnsembleResult r
      = generate_ensemble(g, "burgers", small_burgers("1.3"), "", MPI_COMM_WORLD, true);
  const auto &train = r.trajectories.at("train");
  ASSERT_EQ(train.size(), 8u);
  for (std::size_t i = 0; i < train.size(); ++i)
  {
    const auto &u = train[i].fields[0];
    double largest = 0;
    for (const double v : u)
      largest = std::max(largest, std::abs(v));
    EXPECT_LE(largest, threshold * 1.01);
  }
  if (rank() == 0)
  {
    // Rank 0 knows every rejection; each rejected slot holds the seed of a later attempt.
    ASSERT_FALSE(r.rejections.empty());
    for (const auto &rejection : r.rejections)
    {
      EXPECT_EQ(rejection.seed,
                ensemble_seed(7, rejection.split, rejection.index, rejection.attempt));
      EXPECT_NE(rejection.reason.find("divergence threshold"), std::string::npos)
          << rejection.reason;
      EXPECT_NE(train[rejection.index].seed, rejection.seed);
    }
    // The replacements are exactly the first attempts that pass: the same on one rank.
    const EnsembleResult serial
        = generate_ensemble(g, "burgers", small_burgers("1.3"), "", MPI_COMM_SELF, true);
    EXPECT_EQ(serial.rejections.size(), r.rejections.size());
    for (std::size_t i = 0; i < train.size(); ++i)
      EXPECT_EQ(serial.trajectories.at("train")[i].seed, train[i].seed);
  }
}
