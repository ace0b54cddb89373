// Checked allocation for kernels: a failed allocation throws OutOfMemory (what it was for and
// how many bytes), never returns null. The thread pool carries the exception from a worker to
// the thread that started the region (parallel.cc), and the binding turns it into a JavaScript
// Error naming the op (kernel_guard.h), so running out of memory is never a crash.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include "parallel.h"

namespace gl {

/** A kernel's allocation failed: `bytes` of `what` (SIZE_MAX: the size overflowed). */
struct OutOfMemory : std::bad_alloc {
  OutOfMemory(const char* w, size_t b) : what_for(w), bytes(b) {}
  const char* what() const noexcept override { return "gradlab: out of memory"; }
  const char* what_for;
  size_t bytes;
};

[[noreturn]] inline void throw_oom(const char* what, size_t bytes) { throw OutOfMemory(what, bytes); }

// For tests only (the addon's setAllocLimit): checked allocations larger than this fail as if
// the system had refused them, on every thread or only on the pool's workers. SIZE_MAX (the
// default) means no limit.
inline std::atomic<size_t> g_alloc_limit{SIZE_MAX};
inline std::atomic<bool> g_alloc_limit_workers_only{false};

inline size_t alloc_limit() { return g_alloc_limit.load(std::memory_order_relaxed); }

/** Whether the test limit refuses an allocation of `bytes` on this thread. */
inline bool over_limit(size_t bytes) {
  return bytes > alloc_limit() && (!g_alloc_limit_workers_only.load(std::memory_order_relaxed) || is_pool_worker());
}

/** n * size in bytes, or SIZE_MAX when that overflows (no allocation can succeed then). */
inline size_t bytes_of(size_t n, size_t size) { return n > SIZE_MAX / size ? SIZE_MAX : n * size; }

/**
 * std::allocator's replacement for kernel workspaces: the same malloc, but a failure (or a
 * request over the test limit) throws OutOfMemory with the size, for the error message.
 */
template <class T>
struct CheckedAllocator {
  using value_type = T;
  CheckedAllocator() noexcept = default;
  template <class U>
  CheckedAllocator(const CheckedAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    const size_t bytes = bytes_of(n, sizeof(T));
    void* p = over_limit(bytes) ? nullptr : std::malloc(bytes == 0 ? 1 : bytes);
    if (p == nullptr) throw_oom("workspace", bytes);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) noexcept { std::free(p); }

  template <class U>
  bool operator==(const CheckedAllocator<U>&) const noexcept { return true; }
  template <class U>
  bool operator!=(const CheckedAllocator<U>&) const noexcept { return false; }
};

/** A kernel workspace vector: std::vector whose allocation failures say how much was asked for. */
template <class T>
using Vec = std::vector<T, CheckedAllocator<T>>;

}  // namespace gl
