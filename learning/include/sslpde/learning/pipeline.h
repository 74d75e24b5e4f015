// The pre-training and evaluation pipelines behind `sslpde pretrain`, `sslpde evaluate` and
// `sslpde run`, as a torch-free facade: the driver (which also sees deal.II) includes only this.
// Parameter sections "Pretraining" and "Evaluation" are registered here.
#pragma once

#include <sslpde/plugin/parameters.h>
#include <sslpde/plugin/trajectory.h>

#include <mpi.h>

#include <string>
#include <vector>

namespace sslpde::learning
{
ParameterDeclarations declare_pretraining_parameters();
ParameterDeclarations declare_evaluation_parameters();

/// Everything the pipelines read from a .prm file.
struct PipelineSettings
{
  ParameterValues pretraining; // section "Pretraining"
  ParameterValues evaluation;  // section "Evaluation"
  ParameterValues symmetries;  // section "Symmetries" (view mode, splitting, crops)
  std::string encoder_name;    // selected "Encoder" plugin
  ParameterValues encoder;     // its values
  std::string group_name;      // selected "Symmetry group" plugin
  ParameterValues group;       // its values
};

struct PretrainingSummary
{
  std::string encoder_file;    // TorchScript
  std::string checkpoint_file; // exact resume
  std::vector<double> loss_history;
  double seconds = 0;
  double samples_per_second = 0;
  std::int64_t samples = 0;
  int ranks = 1;
};

/**
 * VICReg pre-training on split "Split" of `data` (every rank holds all of it), data-parallel over
 * `comm`. Writes to the output directory: encoder.pt (TorchScript), pretraining.ckpt (resumed
 * from when present and "Resume" is on), pretraining.json and pretraining_loss.png.
 */
PretrainingSummary pretrain(const PipelineSettings &settings, const TrajectorySplits &data,
                            MPI_Comm comm);

struct EvaluationSummary
{
  /// Markdown table: method, labels, metric mean +- std over seeds.
  std::string table;
  std::string results_file; // results.json
};

/**
 * Coefficient regression: frozen encoder (encoder.pt) + head against the supervised baseline,
 * over "Number of seeds" seeds (spread over the ranks of `comm`). Writes results.json,
 * results.md, regression_scatter.png and training_curves.png.
 */
EvaluationSummary evaluate(const PipelineSettings &settings, const TrajectorySplits &data,
                           MPI_Comm comm, const PretrainingSummary *pretraining = nullptr);
} // namespace sslpde::learning
