// Ensemble generation over MPI (see ensemble.h). Group leaders send finished trajectories to rank
// 0 with non-blocking sends, so no rank waits for the writer; rank 0 writes each trajectory at its
// index as it arrives (the file does not depend on which rank made what) and commits at the end.
#include "trajectory_message.h"

#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/plugin/trajectory_file.h>
#include <sslpde/solvers/ensemble.h>
#include <sslpde/solvers/pde_solver.h>
#include <sslpde/solvers/seeded_random.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <list>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

namespace sslpde::solvers
{
namespace
{
const std::vector<std::string> split_names = { "train", "valid", "test" };
constexpr int trajectory_tag = 7101;

std::string clock_text(double seconds)
{
  const long s = static_cast<long>(std::max(0.0, seconds) + 0.5);
  char text[32];
  if (s >= 3600)
    std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(text, sizeof(text), "%02ld:%02ld", s / 60, s % 60);
  return text;
}

struct Job
{
  std::string split;
  std::size_t index;
};
} // namespace

ParameterDeclarations declare_generation_parameters()
{
  using P = ParameterPattern;
  return {
    { "Output file", "output/data.h5", P::anything(),
      "HDF5 file written by rank 0 (LPSDA layout for 1D, PDEArena for 2D, plus metadata); "
      "empty: keep the trajectories in memory only." },
    { "Seed", "1", P::integer(0),
      "Base seed: trajectory i of a split, attempt a, is made from a hash of (seed, split, i, a), "
      "whatever the number of ranks." },
    { "Number of train trajectories", "100", P::integer(0), "Size of the train split." },
    { "Number of valid trajectories", "0", P::integer(0), "Size of the valid split." },
    { "Number of test trajectories", "20", P::integer(0), "Size of the test split." },
    { "Maximum attempts per trajectory", "5", P::integer(1, 1000),
      "Failed (diverging, non-finite) attempts are logged and replaced by the next seed of the "
      "same slot, at most this many times in total; then the run stops with an error." },
    { "Progress interval", "5", P::real(0), "Seconds between progress lines on rank 0 (0: none)." },
    { "Precision", "auto", P::selection({ "auto", "float32", "float64" }),
      "Storage precision of the fields: auto = float64 for 1D (as LPSDA), float32 for 2D (as "
      "PDEArena)." },
  };
}

std::uint64_t ensemble_seed(const std::uint64_t base_seed, const std::string &split,
                            const std::size_t index, const unsigned int attempt)
{
  const auto found = std::find(split_names.begin(), split_names.end(), split);
  if (found == split_names.end())
    throw std::invalid_argument("ensemble_seed: unknown split '" + split + "'");
  return trajectory_seed(base_seed, found - split_names.begin(), index, attempt);
}

EnsembleResult generate_ensemble(const ParameterValues &generation, const std::string &solver_name,
                                 const ParameterValues &solver_values,
                                 const std::string &configuration_text, MPI_Comm communicator,
                                 const bool share_with_all_ranks)
{
  int rank = 0, size = 1;
  MPI_Comm_rank(communicator, &rank);
  MPI_Comm_size(communicator, &size);
  EnsembleResult result;
  MPI_Comm group = MPI_COMM_NULL;
  try
  {
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&]
    { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    std::unique_ptr<PDESolver> solver = PluginFamily<PDESolver>::create(solver_name, solver_values);
    const std::uint64_t base_seed = generation.get_integer("Seed");
    const unsigned int attempts = generation.get_integer("Maximum attempts per trajectory");
    const double interval = generation.get_double("Progress interval");
    const std::string precision_name = generation.get("Precision");
    std::map<std::string, std::size_t> split_sizes;
    std::vector<Job> jobs;
    for (const auto &split : split_names)
    {
      split_sizes[split] = generation.get_integer("Number of " + split + " trajectories");
      for (std::size_t i = 0; i < split_sizes[split]; ++i)
        jobs.push_back({ split, i });
    }
    result.n_trajectories = jobs.size();

    const unsigned int per_trajectory = std::max(1u, solver->ranks_per_trajectory());
    if (size % per_trajectory != 0)
      throw std::runtime_error("generate: solver '" + solver_name + "' needs "
                               + std::to_string(per_trajectory)
                               + " ranks per trajectory; the job has " + std::to_string(size)
                               + " ranks, not a multiple");
    const int n_groups = size / per_trajectory, my_group = rank / per_trajectory;
    MPI_Comm_split(communicator, my_group, rank, &group);
    int group_rank = 0;
    MPI_Comm_rank(group, &group_rank);
    const bool leader = group_rank == 0;

    // Rank 0: the writer and the bookkeeping of everything that arrives.
    std::unique_ptr<io::TrajectoryFileWriter> writer;
    if (rank == 0 && !generation.get("Output file").empty())
    {
      const std::filesystem::path path(generation.get("Output file"));
      if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path());
      writer = std::make_unique<io::TrajectoryFileWriter>(path.string());
    }
    std::set<std::string> begun;
    std::size_t done = 0;
    std::vector<double> timings;
    double last_progress = 0;
    std::map<std::string, std::vector<Trajectory>> everything; // share mode, rank 0
    for (const auto &[split, n] : split_sizes)
      if (share_with_all_ranks && rank == 0)
        everything[split].resize(n);

    const auto handle = [&](const std::string &split, std::size_t index, Trajectory &&t,
                            double seconds, std::vector<Rejection> &&rejections)
    {
      timings.push_back(seconds);
      for (auto &r : rejections)
        result.rejections.push_back(std::move(r));
      if (writer)
      {
        if (!begun.count(split))
        {
          io::Precision precision = precision_name == "float32"   ? io::Precision::float32
                                    : precision_name == "float64" ? io::Precision::float64
                                    : t.spatial_dimension == 1    ? io::Precision::float64
                                                                  : io::Precision::float32;
          writer->begin_split(split, split_sizes.at(split), t, precision);
          begun.insert(split);
        }
        writer->write(split, index, t);
      }
      if (share_with_all_ranks)
        everything[split][index] = std::move(t);
      ++done;
      if (interval > 0 && (elapsed() - last_progress >= interval || done == jobs.size()))
      {
        last_progress = elapsed();
        const double per = elapsed() / done;
        std::cout << "generate: " << done << "/" << jobs.size() << " trajectories, " << per
                  << " s/traj, ETA " << clock_text(per * (jobs.size() - done)) << std::endl;
      }
    };
    const auto receive_one = [&](bool blocking)
    {
      int flag = 0;
      MPI_Status status;
      if (blocking)
      {
        MPI_Probe(MPI_ANY_SOURCE, trajectory_tag, communicator, &status);
        flag = 1;
      }
      else
        MPI_Iprobe(MPI_ANY_SOURCE, trajectory_tag, communicator, &flag, &status);
      if (!flag)
        return false;
      int count = 0;
      MPI_Get_count(&status, MPI_CHAR, &count);
      std::vector<char> bytes(count);
      MPI_Recv(bytes.data(), count, MPI_CHAR, status.MPI_SOURCE, trajectory_tag, communicator,
               MPI_STATUS_IGNORE);
      MessageReader reader(bytes.data(), bytes.size());
      const std::string split = reader.get_string();
      const auto index = reader.get<std::uint64_t>();
      const double seconds = reader.get<double>();
      std::vector<Rejection> rejections(reader.get<std::uint64_t>());
      for (auto &r : rejections)
      {
        r.split = split;
        r.index = index;
        r.attempt = reader.get<std::uint32_t>();
        r.seed = reader.get<std::uint64_t>();
        r.reason = reader.get_string();
      }
      handle(split, index, reader.get_trajectory(), seconds, std::move(rejections));
      return true;
    };

    std::list<std::vector<char>> send_buffers;
    std::vector<MPI_Request> requests;
    for (std::size_t j = my_group; j < jobs.size(); j += n_groups)
    {
      const Job &job = jobs[j];
      std::vector<Rejection> rejections;
      Trajectory trajectory;
      double seconds = 0;
      bool success = false;
      for (unsigned int attempt = 0; attempt < attempts && !success; ++attempt)
      {
        const std::uint64_t seed = ensemble_seed(base_seed, job.split, job.index, attempt);
        const auto attempt_start = std::chrono::steady_clock::now();
        std::string reason;
        try
        {
          trajectory = solver->generate(seed, group);
          if (!trajectory.all_finite())
            reason = "non-finite values";
        }
        catch (const std::exception &error)
        {
          reason = error.what();
        }
        int failed = reason.empty() ? 0 : 1, any_failed = 0;
        MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, group);
        if (any_failed && reason.empty())
          reason = "failed on another rank of the group";
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - attempt_start)
                      .count();
        if (!any_failed)
          success = true;
        else if (leader)
        {
          std::cerr << "generate: rejected " << job.split << " trajectory " << job.index
                    << " attempt " << attempt << " (seed " << seed << "): " << reason << std::endl;
          rejections.push_back({ job.split, job.index, attempt, seed, reason });
        }
      }
      if (!success)
        throw std::runtime_error(
            "generate: " + job.split + " trajectory " + std::to_string(job.index)
            + " failed in all " + std::to_string(attempts)
            + " attempts ('Maximum attempts per trajectory'); last reason: "
            + (rejections.empty() ? std::string("?") : rejections.back().reason));
      if (!configuration_text.empty())
        trajectory.generator_configuration = configuration_text;
      if (!share_with_all_ranks && trajectory.nt > 0)
      {
        result.trajectories[job.split].push_back(trajectory);
        result.global_indices[job.split].push_back(job.index);
      }
      if (!leader)
        continue;
      if (rank == 0)
      {
        handle(job.split, job.index, std::move(trajectory), seconds, std::move(rejections));
        while (receive_one(false))
        {
        }
      }
      else
      {
        timings.push_back(seconds);
        MessageWriter message;
        message.put(job.split);
        message.put<std::uint64_t>(job.index);
        message.put<double>(seconds);
        message.put<std::uint64_t>(rejections.size());
        for (const auto &r : rejections)
        {
          message.put<std::uint32_t>(r.attempt);
          message.put<std::uint64_t>(r.seed);
          message.put(r.reason);
        }
        message.put(trajectory);
        for (auto &r : rejections)
          result.rejections.push_back(std::move(r));
        send_buffers.push_back(std::move(message.bytes));
        requests.emplace_back();
        MPI_Isend(send_buffers.back().data(), static_cast<int>(send_buffers.back().size()),
                  MPI_CHAR, 0, trajectory_tag, communicator, &requests.back());
        // Drive MPI progress once per trajectory, so that large (rendezvous) messages reach
        // rank 0 while this rank keeps solving, even without an asynchronous progress thread.
        int all_sent = 0;
        MPI_Testall(static_cast<int>(requests.size()), requests.data(), &all_sent,
                    MPI_STATUSES_IGNORE);
      }
    }
    if (rank == 0)
      while (done < jobs.size())
        receive_one(true);
    if (!requests.empty())
      MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);

    if (writer)
    {
      writer->commit();
      result.output_file = writer->filename();
    }
    if (share_with_all_ranks)
    {
      std::vector<char> bytes;
      if (rank == 0)
      {
        MessageWriter all;
        for (const auto &[split, list] : everything)
        {
          all.put(split);
          all.put<std::uint64_t>(list.size());
          for (const auto &t : list)
            all.put(t);
        }
        bytes = std::move(all.bytes);
      }
      unsigned long long n_bytes = bytes.size();
      MPI_Bcast(&n_bytes, 1, MPI_UNSIGNED_LONG_LONG, 0, communicator);
      bytes.resize(n_bytes);
      // Broadcast in pieces below 2 GiB (MPI counts are int).
      for (unsigned long long offset = 0; offset < n_bytes; offset += (1ull << 30))
        MPI_Bcast(bytes.data() + offset,
                  static_cast<int>(std::min<unsigned long long>(1ull << 30, n_bytes - offset)),
                  MPI_CHAR, 0, communicator);
      MessageReader reader(bytes.data(), bytes.size());
      for (std::size_t s = 0; s < split_sizes.size(); ++s)
      {
        const std::string split = reader.get_string();
        const auto n = reader.get<std::uint64_t>();
        auto &list = result.trajectories[split];
        for (std::uint64_t i = 0; i < n; ++i)
        {
          list.push_back(reader.get_trajectory());
          result.global_indices[split].push_back(i);
        }
      }
    }
    if (!timings.empty())
    {
      result.min_seconds = *std::min_element(timings.begin(), timings.end());
      result.max_seconds = *std::max_element(timings.begin(), timings.end());
      double sum = 0;
      for (const double t : timings)
        sum += t;
      result.mean_seconds = sum / timings.size();
    }
    MPI_Barrier(communicator);
    result.wall_seconds = elapsed();
    if (rank == 0 && interval > 0)
    {
      std::cout << "generate: " << jobs.size() << " trajectories of '" << solver_name << "' on "
                << size << " rank(s) in " << result.wall_seconds << " s; per trajectory mean "
                << result.mean_seconds << " s, min " << result.min_seconds << " s, max "
                << result.max_seconds << " s; " << result.rejections.size()
                << " rejected attempt(s)" << std::endl;
      for (const auto &r : result.rejections)
        std::cout << "generate:   rejected " << r.split << " " << r.index << " attempt "
                  << r.attempt << " seed " << r.seed << ": " << r.reason << std::endl;
      if (!result.output_file.empty())
        std::cout << "generate: wrote " << result.output_file << std::endl;
    }
    MPI_Comm_free(&group);
  }
  catch (const std::exception &error)
  {
    if (size == 1)
    {
      if (group != MPI_COMM_NULL)
        MPI_Comm_free(&group);
      throw;
    }
    std::cerr << "generate: error on rank " << rank << ": " << error.what() << std::endl;
    std::cerr.flush();
    MPI_Abort(communicator, 1);
  }
  return result;
}
} // namespace sslpde::solvers

SSLPDE_REGISTER_PARAMETER_SECTION("Generation",
                                  "Ensemble generation with the selected PDE solver: splits, "
                                  "seeds, output file.",
                                  &sslpde::solvers::declare_generation_parameters)
