// Synchronised batch norm: the global mean and variance come from differentiable all-reduces, so
// the gradient is exactly that of one rank holding the whole batch.
#include <sslpde/learning/batch_norm.h>
#include <sslpde/learning/distributed.h>

#include <torch/nn/functional/batchnorm.h>

namespace sslpde::learning
{
SyncBatchNorm::SyncBatchNorm(std::int64_t features, MPI_Comm comm_, double momentum_, double eps_)
    : momentum(momentum_), eps(eps_), comm(comm_)
{
  weight = register_parameter("weight", torch::ones({ features }));
  bias = register_parameter("bias", torch::zeros({ features }));
  running_mean = register_buffer("running_mean", torch::zeros({ features }));
  running_var = register_buffer("running_var", torch::ones({ features }));
  num_batches_tracked = register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong));
}

torch::Tensor SyncBatchNorm::forward(const torch::Tensor &x)
{
  int size = 1;
  if (comm != MPI_COMM_NULL)
    MPI_Comm_size(comm, &size);
  if (!is_training() || size == 1)
  {
    if (is_training())
      num_batches_tracked.add_(1);
    return torch::batch_norm(x, weight, bias, running_mean, running_var, is_training(), momentum,
                             eps, false);
  }
  std::vector<std::int64_t> dims, shape(x.dim(), 1);
  for (std::int64_t d = 0; d < x.dim(); ++d)
    if (d != 1)
      dims.push_back(d);
  shape[1] = x.size(1);
  double count = static_cast<double>(x.numel() / x.size(1));
  MPI_Allreduce(MPI_IN_PLACE, &count, 1, MPI_DOUBLE, MPI_SUM, comm);
  const torch::Tensor mean = all_reduce_sum(x.sum(dims), comm) / count;
  const torch::Tensor centred = x - mean.view(shape);
  const torch::Tensor variance = all_reduce_sum(centred.square().sum(dims), comm) / count;
  {
    torch::NoGradGuard no_grad;
    running_mean.mul_(1 - momentum).add_(mean.detach(), momentum);
    running_var.mul_(1 - momentum).add_(variance.detach() * (count / (count - 1)), momentum);
    num_batches_tracked.add_(1);
  }
  return centred * torch::rsqrt(variance + eps).view(shape) * weight.view(shape) + bias.view(shape);
}
} // namespace sslpde::learning
