// MPI data-parallel helpers: parameter broadcast, gradient averaging in one flat buffer, device and
// thread selection, and the differentiable collectives used by VICReg and synchronised batch norm.
#include <sslpde/learning/distributed.h>

#include <ATen/Parallel.h>
#include <torch/autograd.h>
#include <torch/cuda.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sslpde::learning
{
namespace
{
int comm_size(MPI_Comm comm)
{
  if (comm == MPI_COMM_NULL)
    return 1;
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

int comm_rank(MPI_Comm comm)
{
  if (comm == MPI_COMM_NULL)
    return 0;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

MPI_Datatype mpi_type(const torch::Tensor &t)
{
  switch (t.scalar_type())
  {
  case torch::kFloat:
    return MPI_FLOAT;
  case torch::kDouble:
    return MPI_DOUBLE;
  case torch::kLong:
    return MPI_INT64_T;
  case torch::kInt:
    return MPI_INT32_T;
  default:
    throw std::invalid_argument("sslpde::learning: no MPI type for tensor dtype "
                                + std::string(c10::toString(t.scalar_type())));
  }
}

/// A contiguous CPU copy (MPI reads host memory; CUDA-aware MPI is not assumed).
torch::Tensor host_contiguous(const torch::Tensor &t)
{
  return t.detach().to(torch::kCPU).contiguous();
}

void all_reduce_in_place(torch::Tensor &host, MPI_Comm comm)
{
  MPI_Allreduce(MPI_IN_PLACE, host.data_ptr(), static_cast<int>(host.numel()), mpi_type(host),
                MPI_SUM, comm);
}

std::vector<int> rows_per_rank(std::int64_t local_rows, MPI_Comm comm)
{
  const int size = comm_size(comm);
  std::vector<int> rows(size);
  int mine = static_cast<int>(local_rows);
  MPI_Allgather(&mine, 1, MPI_INT, rows.data(), 1, MPI_INT, comm);
  return rows;
}

struct AllGatherRows : public torch::autograd::Function<AllGatherRows>
{
  static torch::Tensor forward(torch::autograd::AutogradContext *ctx, torch::Tensor local,
                               std::int64_t comm_handle)
  {
    MPI_Comm comm = MPI_Comm_f2c(static_cast<MPI_Fint>(comm_handle));
    const std::vector<int> rows = rows_per_rank(local.size(0), comm);
    std::int64_t row_size = 1;
    for (std::int64_t d = 1; d < local.dim(); ++d)
      row_size *= local.size(d);
    std::vector<int> counts(rows.size()), displacements(rows.size());
    std::int64_t total_rows = 0;
    for (std::size_t r = 0; r < rows.size(); ++r)
    {
      counts[r] = static_cast<int>(rows[r] * row_size);
      displacements[r] = static_cast<int>(total_rows * row_size);
      total_rows += rows[r];
    }
    torch::Tensor host = host_contiguous(local);
    std::vector<std::int64_t> shape = local.sizes().vec();
    shape[0] = total_rows;
    torch::Tensor gathered = torch::empty(shape, host.options());
    MPI_Allgatherv(host.data_ptr(), static_cast<int>(host.numel()), mpi_type(host),
                   gathered.data_ptr(), counts.data(), displacements.data(), mpi_type(host), comm);
    std::int64_t offset = 0;
    for (int r = 0; r < comm_rank(comm); ++r)
      offset += rows[r];
    ctx->saved_data["offset"] = offset;
    ctx->saved_data["rows"] = local.size(0);
    ctx->saved_data["comm"] = comm_handle;
    return gathered.to(local.device());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::variable_list grad_outputs)
  {
    MPI_Comm comm = MPI_Comm_f2c(static_cast<MPI_Fint>(ctx->saved_data["comm"].toInt()));
    const std::int64_t offset = ctx->saved_data["offset"].toInt();
    const std::int64_t rows = ctx->saved_data["rows"].toInt();
    torch::Tensor host = host_contiguous(grad_outputs[0]).clone();
    all_reduce_in_place(host, comm);
    torch::Tensor mine = host.narrow(0, offset, rows).to(grad_outputs[0].device());
    return { mine, torch::Tensor() };
  }
};

struct AllReduceSum : public torch::autograd::Function<AllReduceSum>
{
  static torch::Tensor forward(torch::autograd::AutogradContext *ctx, torch::Tensor local,
                               std::int64_t comm_handle)
  {
    ctx->saved_data["comm"] = comm_handle;
    MPI_Comm comm = MPI_Comm_f2c(static_cast<MPI_Fint>(comm_handle));
    torch::Tensor host = host_contiguous(local).clone();
    all_reduce_in_place(host, comm);
    return host.to(local.device());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::variable_list grad_outputs)
  {
    MPI_Comm comm = MPI_Comm_f2c(static_cast<MPI_Fint>(ctx->saved_data["comm"].toInt()));
    torch::Tensor host = host_contiguous(grad_outputs[0]).clone();
    all_reduce_in_place(host, comm);
    return { host.to(grad_outputs[0].device()), torch::Tensor() };
  }
};
} // namespace

void broadcast_parameters(torch::nn::Module &module, MPI_Comm comm)
{
  if (comm_size(comm) == 1)
    return;
  torch::NoGradGuard no_grad;
  auto broadcast = [&](torch::Tensor &tensor)
  {
    if (!tensor.defined())
      return;
    torch::Tensor host = host_contiguous(tensor).clone();
    MPI_Bcast(host.data_ptr(), static_cast<int>(host.numel()), mpi_type(host), 0, comm);
    tensor.copy_(host);
  };
  for (auto &p : module.parameters())
    broadcast(p);
  for (auto &b : module.buffers())
    broadcast(b);
}

void average_gradients(torch::nn::Module &module, MPI_Comm comm)
{
  const int size = comm_size(comm);
  if (size == 1)
    return;
  std::vector<torch::Tensor> parameters = module.parameters();
  std::vector<torch::Tensor> flat_parts;
  for (auto &p : parameters)
    if (p.requires_grad())
      flat_parts.push_back(p.grad().defined()
                               ? p.grad().detach().reshape({ -1 }).to(torch::kCPU)
                               : torch::zeros({ p.numel() }, p.options().device(torch::kCPU)));
  if (flat_parts.empty())
    return;
  // One flat buffer per dtype would be needed for mixed precision; the models here are uniform.
  torch::Tensor flat = torch::cat(flat_parts).contiguous();
  all_reduce_in_place(flat, comm);
  flat.div_(static_cast<double>(size));
  std::int64_t offset = 0;
  for (auto &p : parameters)
    if (p.requires_grad())
    {
      torch::Tensor averaged = flat.narrow(0, offset, p.numel()).view(p.sizes()).to(p.device());
      if (p.grad().defined())
        p.mutable_grad().copy_(averaged);
      else
        p.mutable_grad() = averaged.clone();
      offset += p.numel();
    }
}

double average_over_ranks(double value, MPI_Comm comm)
{
  const int size = comm_size(comm);
  if (size == 1)
    return value;
  double sum = 0;
  MPI_Allreduce(&value, &sum, 1, MPI_DOUBLE, MPI_SUM, comm);
  return sum / size;
}

int ranks_on_this_node(MPI_Comm comm)
{
  if (comm == MPI_COMM_NULL)
    return 1;
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int size = 1;
  MPI_Comm_size(node, &size);
  MPI_Comm_free(&node);
  return size;
}

torch::Device select_device(MPI_Comm comm)
{
  if (!torch::cuda::is_available())
    return torch::kCPU;
  int local_rank = 0;
  if (comm != MPI_COMM_NULL)
  {
    MPI_Comm node;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local_rank);
    MPI_Comm_free(&node);
  }
  const int devices = static_cast<int>(torch::cuda::device_count());
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(local_rank % devices));
}

int set_threads_per_rank(int threads, MPI_Comm comm)
{
  if (threads <= 0)
  {
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    threads = std::max(1, cores / std::max(1, ranks_on_this_node(comm)));
  }
  at::set_num_threads(threads);
  return threads;
}

torch::Tensor all_gather_rows(const torch::Tensor &local, MPI_Comm comm)
{
  if (comm_size(comm) == 1)
    return local;
  return AllGatherRows::apply(local, static_cast<std::int64_t>(MPI_Comm_c2f(comm)));
}

torch::Tensor all_reduce_sum(const torch::Tensor &local, MPI_Comm comm)
{
  if (comm_size(comm) == 1)
    return local;
  return AllReduceSum::apply(local, static_cast<std::int64_t>(MPI_Comm_c2f(comm)));
}

std::pair<std::int64_t, std::int64_t> shard_range(std::int64_t n, int rank, int size)
{
  const std::int64_t base = n / size, extra = n % size;
  const std::int64_t begin = rank * base + std::min<std::int64_t>(rank, extra);
  return { begin, begin + base + (rank < extra ? 1 : 0) };
}
} // namespace sslpde::learning
