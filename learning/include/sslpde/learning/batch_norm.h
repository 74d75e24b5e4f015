// Batch normalisation whose training statistics are reduced over an MPI communicator (synchronised
// batch norm), so that data-parallel training on N ranks equals one rank with the global batch.
// On one rank (or MPI_COMM_NULL) it is torch's fused batch_norm.
#pragma once

#include <mpi.h>
#include <torch/nn/module.h>
#include <torch/types.h>

namespace sslpde::learning
{
class SyncBatchNorm : public torch::nn::Module
{
public:
  SyncBatchNorm(std::int64_t features, MPI_Comm comm, double momentum = 0.1, double eps = 1e-5);

  /// x: [B, C] or [B, C, ...]; statistics over every dimension but 1.
  torch::Tensor forward(const torch::Tensor &x);

  torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;
  double momentum, eps;
  MPI_Comm comm;
};
} // namespace sslpde::learning
