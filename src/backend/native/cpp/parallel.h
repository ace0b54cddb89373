// A persistent thread pool: workers started once (and again after setNumThreads) that wait
// for parallel regions, so a kernel pays a wake-up, never a thread creation.
#pragma once

#include <type_traits>
#include <utility>

namespace gl {

/** Threads a parallel region uses, the calling thread included (>= 1). */
int pool_threads();
/** Sets the number of threads (n >= 1); n - 1 workers are kept. Not to be called inside a region. */
void set_pool_threads(int n);
/** The number of CPUs this process may run on (the default thread count). */
int available_cpus();

/**
 * Calls fn(ctx, t) for t in [0, ntasks) spread over the pool's threads, the caller
 * included, and returns when all calls are done. Regions do not nest: a region started
 * from inside another (or while another thread holds the pool) runs on the caller alone.
 */
void parallel_run(int ntasks, void (*fn)(void*, int), void* ctx);

/** parallel_run for a callable: f(t) for t in [0, ntasks). */
template <class F>
void parallel_for(int ntasks, F&& f) {
  using Fn = std::remove_reference_t<F>;
  parallel_run(ntasks, [](void* ctx, int t) { (*static_cast<Fn*>(ctx))(t); }, const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace gl
