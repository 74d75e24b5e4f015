// Ensemble generation: many trajectories of one PDE solver plugin, spread over the ranks of an
// MPI job (groups of ranks_per_trajectory() ranks for 2D), seeded so that the data do not depend on
// the number of ranks, gathered on rank 0 into one HDF5 file. Used by `sslpde generate` and
// `sslpde run`. Plain C++ and MPI (no deal.II).
#pragma once

#include <sslpde/plugin/parameters.h>
#include <sslpde/plugin/trajectory.h>

#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sslpde::solvers
{
/**
 * Declarations of the "Generation" parameter section (registered as such): Output file, Seed,
 * Number of train/valid/test trajectories, Maximum attempts per trajectory, Progress interval,
 * Precision.
 */
ParameterDeclarations declare_generation_parameters();

/// A trajectory attempt that failed and was replaced by the next attempt of its slot.
struct Rejection
{
  std::string split;
  std::size_t index = 0;
  unsigned int attempt = 0;
  std::uint64_t seed = 0;
  std::string reason;
};

struct EnsembleResult
{
  /// With share_with_all_ranks: every trajectory on every rank (in index order); otherwise
  /// only those this rank generated.
  TrajectorySplits trajectories;
  /// The index within its split of each trajectory held here.
  std::map<std::string, std::vector<std::size_t>> global_indices;
  /// The file written (by rank 0); empty if none.
  std::string output_file;
  /// Trajectories in the whole ensemble.
  std::size_t n_trajectories = 0;
  /// Seconds per successful trajectory (solver time), over all ranks on rank 0, own elsewhere.
  double mean_seconds = 0, min_seconds = 0, max_seconds = 0;
  /// Wall-clock seconds of the whole generation.
  double wall_seconds = 0;
  /// Rejected attempts (all of them on rank 0; this rank's elsewhere).
  std::vector<Rejection> rejections;
};

/// The seed of attempt `attempt` of trajectory `index` of `split` ("train", "valid", "test").
std::uint64_t ensemble_seed(std::uint64_t base_seed, const std::string &split, std::size_t index,
                            unsigned int attempt);

/**
 * Generates the train/valid/test trajectories that `generation` asks for with plugin
 * `solver_name` of the "PDE solver" family (parameters `solver_values`), on all ranks of
 * `communicator`. Trajectory i of split s is made from ensemble_seed(Seed, s, i, attempt), the
 * first attempt that succeeds; a failure (exception, non-finite values) is logged and replaced.
 * `configuration_text` (the whole .prm) is stored with each trajectory when not empty. Rank 0
 * writes the file as trajectories arrive. An unrecoverable error on any rank prints the message
 * and aborts the job (rethrows when the communicator has one rank).
 */
EnsembleResult generate_ensemble(const ParameterValues &generation, const std::string &solver_name,
                                 const ParameterValues &solver_values,
                                 const std::string &configuration_text, MPI_Comm communicator,
                                 bool share_with_all_ranks);
} // namespace sslpde::solvers
