// Data-parallel training inside one MPI job (TorchFort's pattern): parameters broadcast from rank
// 0, gradients averaged after backward, the loss averaged for the log, one device and a fixed
// thread count per rank. Also the differentiable collectives that make VICReg and batch
// normalisation see the global batch, so that N ranks compute exactly what one rank computes on the
// whole batch.
#pragma once

#include <mpi.h>
#include <torch/nn/module.h>
#include <torch/types.h>

#include <cstdint>

namespace sslpde::learning
{
/// Copies every parameter AND buffer of `module` from rank 0 to all ranks of `comm`.
void broadcast_parameters(torch::nn::Module &module, MPI_Comm comm);

/// Averages the gradients of all parameters over `comm`: one flat buffer, one MPI_Allreduce,
/// divided by the number of ranks. Parameters without a gradient count as zero gradients, so
/// every rank takes part in the same collective.
void average_gradients(torch::nn::Module &module, MPI_Comm comm);

/// Mean of `value` over the ranks of `comm`.
double average_over_ranks(double value, MPI_Comm comm);

/// cuda:<rank on this node> when CUDA is available (modulo the number of devices), else CPU.
torch::Device select_device(MPI_Comm comm);

/// Number of ranks of `comm` that run on this node.
int ranks_on_this_node(MPI_Comm comm);

/// Sets torch's intra-op thread count; `threads` <= 0 means (cores of this node) / (ranks on
/// this node), at least 1. Returns the count that was set.
int set_threads_per_rank(int threads, MPI_Comm comm);

/**
 * Differentiable all-gather along dimension 0 (ranks may hold different numbers of rows): the
 * result is the concatenation in rank order. Backward sums the incoming gradients over ranks
 * and returns this rank's rows. With comm == MPI_COMM_NULL or one rank it returns `local`.
 */
torch::Tensor all_gather_rows(const torch::Tensor &local, MPI_Comm comm);

/// Differentiable all-reduce (sum); its backward is again an all-reduce sum.
torch::Tensor all_reduce_sum(const torch::Tensor &local, MPI_Comm comm);

/// Half-open range [begin, end) of `n` items that rank `rank` of `size` ranks owns (contiguous,
/// sizes differ by at most one).
std::pair<std::int64_t, std::int64_t> shard_range(std::int64_t n, int rank, int size);
} // namespace sslpde::learning
