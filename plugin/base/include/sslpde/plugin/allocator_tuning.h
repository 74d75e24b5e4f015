// Process-wide memory allocator setting for tensor workloads, called by the driver and the
// benchmarks so that both measure the same thing.
#pragma once

namespace sslpde
{
  /**
   * Tensors of a training or augmentation step are allocated and freed at the same sizes every
   * step. glibc serves large blocks with fresh mmaps and returns them at free, so every step
   * page-faults its buffers in again (measured on batched symmetry views: 1.2x -> 2.7x the
   * reference throughput with this setting). Keeping large blocks on the heap lets them be reused.
   */
  void keep_large_allocations_on_heap();
} // namespace sslpde
