// glibc malloc settings for tensor workloads (see the header for the measurement).
#include <sslpde/plugin/allocator_tuning.h>

#include <malloc.h>

namespace sslpde
{
  void keep_large_allocations_on_heap()
  {
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  }
} // namespace sslpde
