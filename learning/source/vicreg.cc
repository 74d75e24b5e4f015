// VICReg loss and projector (SCIENCE.md section 3).
#include <sslpde/learning/batch_norm.h>
#include <sslpde/learning/distributed.h>
#include <sslpde/learning/vicreg.h>

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>

#include <stdexcept>

namespace sslpde::learning
{
namespace
{
torch::Tensor off_diagonal_square_sum(const torch::Tensor &z)
{
  const torch::Tensor centred = z - z.mean(0, true);
  const torch::Tensor c = centred.t().matmul(centred) / static_cast<double>(z.size(0) - 1);
  return c.square().sum() - c.diagonal().square().sum();
}

torch::Tensor variance_hinge(const torch::Tensor &z)
{
  return torch::relu(1.0 - torch::sqrt(z.var(0, true) + 1e-4)).mean();
}
} // namespace

VicregLoss vicreg_loss(const torch::Tensor &z_local, const torch::Tensor &z_prime_local,
                       const VicregWeights &weights, MPI_Comm comm)
{
  const torch::Tensor z = all_gather_rows(z_local, comm);
  const torch::Tensor z_prime = all_gather_rows(z_prime_local, comm);
  if (z.dim() != 2 || z.sizes() != z_prime.sizes())
    throw std::invalid_argument("vicreg_loss: embeddings must both be [B, d] with the same shape");
  if (z.size(0) < 2)
    throw std::invalid_argument("vicreg_loss: needs a batch of at least 2 samples (got "
                                + std::to_string(z.size(0)) + ")");
  const double d = static_cast<double>(z.size(1));
  VicregLoss loss;
  loss.invariance = (z - z_prime).square().mean();
  loss.variance = (variance_hinge(z) + variance_hinge(z_prime)) / 2.0;
  loss.covariance = (off_diagonal_square_sum(z) + off_diagonal_square_sum(z_prime)) / d;
  loss.total = weights.invariance * loss.invariance + weights.variance * loss.variance
               + weights.covariance * loss.covariance;
  return loss;
}

torch::nn::Sequential make_projector(const std::vector<std::int64_t> &sizes, MPI_Comm comm)
{
  if (sizes.size() < 2)
    throw std::invalid_argument("Projector needs at least an input and an output size");
  torch::nn::Sequential projector;
  for (std::size_t i = 0; i + 2 < sizes.size(); ++i)
  {
    projector->push_back(torch::nn::Linear(sizes[i], sizes[i + 1]));
    projector->push_back(SyncBatchNorm(sizes[i + 1], comm));
    projector->push_back(torch::nn::ReLU());
  }
  projector->push_back(torch::nn::Linear(
      torch::nn::LinearOptions(sizes[sizes.size() - 2], sizes.back()).bias(false)));
  return projector;
}
} // namespace sslpde::learning
