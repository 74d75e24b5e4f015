// The time-stepping task as the driver runs it (torch-free facade): train the chosen time-stepper
// in each variant (plain, symmetry-augmented, SSL-conditioned, both) over several seeds, roll it
// out on the test trajectories, and write the table, JSON, plots and TorchScript models.
#pragma once

#include <sslpde/plugin/parameters.h>
#include <sslpde/plugin/trajectory.h>

#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

namespace sslpde::learning
{
/// Parameters of section "Time stepping" (registered by the learning module).
ParameterDeclarations declare_time_stepping_parameters();

/// What the driver hands over, all plain data from the .prm.
struct TimeSteppingTaskInput
{
  /// Section "Time stepping".
  ParameterValues task;
  /// The selected "Time stepper" plugin and its values.
  std::string stepper_name;
  ParameterValues stepper_values;
  /// For the symmetry-augmented variants: the selected "Symmetry group" plugin, its values and
  /// section "Symmetries" (the task forces the resampled mode and no crop).
  std::string symmetry_group_name;
  ParameterValues symmetry_group_values;
  ParameterValues symmetries_section;
  /// Trajectories already in memory (same MPI job); null: read the files of the task section.
  /// Every rank passes the same splits (each trains on its shard).
  const TrajectorySplits *data = nullptr;
  /// An encoder pre-trained in this job (a learning::Encoder, held as void so that this header
  /// stays torch-free); used instead of 'Encoder file' when set.
  std::shared_ptr<void> encoder;
};

struct TimeSteppingVariantResult
{
  /// "plain", "augmented", "conditioned" or "both".
  std::string variant;
  /// Per seed: the mean over test trajectories of the normalised rollout error.
  std::vector<double> seed_means;
  /// Per seed: the standard deviation over test trajectories.
  std::vector<double> seed_stds;
  /// Over seeds: mean and standard deviation of seed_means.
  double mean = 0, std = 0;
  /// Mean over test trajectories and seeds of the per-trajectory standard deviation.
  double trajectory_std = 0;
  double final_training_loss = 0;
  double seconds = 0;
  std::string model_file;
};

struct TimeSteppingReport
{
  std::string pde;
  std::string architecture;
  std::vector<TimeSteppingVariantResult> variants;
  /// The results as a Markdown table (also written to the output directory).
  std::string markdown;
};

/**
 * Runs the task on every rank of `comm` (collective). Rank 0 writes
 * <Output directory>/time_stepping.{md,json}, time_stepping_<variant>.pt (seed 0's model),
 * time_stepping_rollout.png and time_stepping_error_growth.png. Errors name the parameter or
 * file at fault.
 */
TimeSteppingReport run_time_stepping_task(const TimeSteppingTaskInput &input, MPI_Comm comm);
} // namespace sslpde::learning
