// A persistent thread pool: workers started once (and again after setNumThreads) that wait
// for parallel regions, so a kernel pays a wake-up, never a thread creation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <utility>

namespace gl {

/** A spin-wait hint (the x86 pause instruction; a yield elsewhere). */
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

/** Threads a parallel region uses, the calling thread included (>= 1). */
int pool_threads();
/** Sets the number of threads (n >= 1); n - 1 workers are kept. Not to be called inside a region. */
void set_pool_threads(int n);
/** The number of CPUs this process may run on (the default thread count). */
int available_cpus();
/** Whether the calling thread is one of the pool's workers (not a thread that starts regions). */
bool is_pool_worker();

/**
 * Calls fn(ctx, t) for t in [0, ntasks) spread over the pool's threads, the caller
 * included, and returns when all calls are done. Regions do not nest: a region started
 * from inside another (or while another thread holds the pool) runs on the caller alone.
 * If a call throws, the calls not yet started are skipped and the first exception is
 * rethrown here, on the calling thread, once no thread runs a call of the region.
 */
void parallel_run(int ntasks, void (*fn)(void*, int), void* ctx);

/** parallel_run for a callable: f(t) for t in [0, ntasks). */
template <class F>
void parallel_for(int ntasks, F&& f) {
  using Fn = std::remove_reference_t<F>;
  parallel_run(ntasks, [](void* ctx, int t) { (*static_cast<Fn*>(ctx))(t); }, const_cast<void*>(static_cast<const void*>(&f)));
}

/**
 * Runs body(start, len) over [0, n) in one chunk per thread, on the pool when
 * n >= min_parallel. Each chunk is an independent range of outputs, so results do not depend
 * on the thread count.
 */
template <class F>
void for_chunks(int64_t n, F body, int64_t min_parallel) {
  const int threads = pool_threads();
  if (n < min_parallel || threads <= 1) {
    body(int64_t(0), n);
    return;
  }
  const int64_t per = (n + threads - 1) / threads;
  parallel_for(threads, [&](int t) {
    const int64_t start = t * per;
    if (start < n) body(start, std::min(per, n - start));
  });
}

}  // namespace gl
