// The VICReg objective of SCIENCE.md section 3 (invariance, variance, covariance terms) and the
// projector MLP that maps representations to the embeddings it is computed on.
#pragma once

#include <mpi.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace sslpde::learning
{
struct VicregWeights
{
  double invariance = 25;
  double variance = 25;
  double covariance = 1;
};

struct VicregLoss
{
  torch::Tensor total, invariance, variance, covariance;
};

/**
 * VICReg loss of the embeddings z, z' [B, d]: lambda_inv mean((z - z')^2) + lambda_var (mean_j
 * relu(1 - sqrt(Var z_j + 1e-4)) + same for z') / 2 + lambda_cov (sum_{i != j} C(z)_ij^2 + same
 * for z') / d, C(z) = (z - mean z)^T (z - mean z) / (B - 1), B the actual batch size. With a
 * communicator the rows of all ranks are gathered first (differentiably), so the loss is that of
 * the global batch.
 */
VicregLoss vicreg_loss(const torch::Tensor &z, const torch::Tensor &z_prime,
                       const VicregWeights &weights = {}, MPI_Comm comm = MPI_COMM_NULL);

/// Projector: (Linear - BatchNorm - ReLU) for every hidden size, then Linear without bias.
/// `sizes` = {input, hidden..., output}, e.g. {512, 512, 512, 512}. Batch norm is synchronised
/// over `comm`.
torch::nn::Sequential make_projector(const std::vector<std::int64_t> &sizes, MPI_Comm comm);
} // namespace sslpde::learning
