// The thread pool behind parallel_run. Workers spin briefly after a region (kernels of one
// training step come in bursts), then sleep on a condition variable.
#include "parallel.h"

#include <sched.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GL_PAUSE() _mm_pause()
#else
#define GL_PAUSE() std::this_thread::yield()
#endif

namespace gl {

namespace {

// How long an idle worker spins before it sleeps.
constexpr auto kSpinFor = std::chrono::microseconds(200);

struct Pool {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::thread> workers;
  int threads = 0;  // 0: not started yet
  bool stop = false;
  std::atomic<uint64_t> generation{0};
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::atomic<int> sleepers{0};
  // The current region, published by the generation bump.
  void (*fn)(void*, int) = nullptr;
  void* ctx = nullptr;
  int ntasks = 0;
  // Held by the thread running a region (or resizing the pool).
  std::mutex region;
};

// Never destroyed: at process exit the workers are simply stopped by the OS, not joined.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

thread_local bool in_region = false;

void work(Pool& p) {
  in_region = true;
  for (int t; (t = p.next.fetch_add(1, std::memory_order_relaxed)) < p.ntasks;) p.fn(p.ctx, t);
  in_region = false;
}

void worker_main(Pool* p, uint64_t seen) {
  for (;;) {
    uint64_t g = p->generation.load(std::memory_order_acquire);
    if (g == seen) {
      const auto until = std::chrono::steady_clock::now() + kSpinFor;
      for (int i = 1; (g = p->generation.load(std::memory_order_acquire)) == seen; i++) {
        GL_PAUSE();
        if ((i & 63) == 0 && std::chrono::steady_clock::now() > until) {
          std::unique_lock<std::mutex> lk(p->mu);
          p->sleepers.fetch_add(1);
          p->cv.wait(lk, [&] { return p->generation.load(std::memory_order_acquire) != seen; });
          p->sleepers.fetch_sub(1);
        }
      }
    }
    seen = g;
    if (p->stop) return;
    work(*p);
    p->done.fetch_add(1, std::memory_order_release);
  }
}

void start_workers(Pool& p, int n) {
  const uint64_t g = p.generation.load();
  for (int i = 1; i < n; i++) p.workers.emplace_back(worker_main, &p, g);
  p.threads = n;
}

void stop_workers(Pool& p) {
  {
    std::lock_guard<std::mutex> lk(p.mu);
    p.stop = true;
    p.generation.fetch_add(1, std::memory_order_release);
  }
  p.cv.notify_all();
  for (auto& w : p.workers) w.join();
  p.workers.clear();
  p.stop = false;
}

void ensure_started(Pool& p) {
  if (p.threads == 0) start_workers(p, available_cpus());
}

}  // namespace

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const unsigned hc = std::thread::hardware_concurrency();
  return hc > 0 ? static_cast<int>(hc) : 1;
}

int pool_threads() {
  Pool& p = pool();
  if (p.threads == 0) {
    std::lock_guard<std::mutex> lk(p.region);
    ensure_started(p);
  }
  return p.threads;
}

void set_pool_threads(int n) {
  if (n < 1) n = 1;
  Pool& p = pool();
  std::lock_guard<std::mutex> lk(p.region);
  if (p.threads == n) return;
  if (p.threads > 0) stop_workers(p);
  start_workers(p, n);
}

void parallel_run(int ntasks, void (*fn)(void*, int), void* ctx) {
  Pool& p = pool();
  std::unique_lock<std::mutex> lk(p.region, std::defer_lock);
  if (ntasks <= 1 || in_region || !lk.try_lock()) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t);
    return;
  }
  ensure_started(p);
  const int nworkers = static_cast<int>(p.workers.size());
  if (nworkers == 0) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t);
    return;
  }
  p.fn = fn;
  p.ctx = ctx;
  p.ntasks = ntasks;
  p.next.store(0, std::memory_order_relaxed);
  p.done.store(0, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> g(p.mu);
    p.generation.fetch_add(1, std::memory_order_release);
  }
  if (p.sleepers.load() > 0) p.cv.notify_all();
  work(p);
  for (int i = 1; p.done.load(std::memory_order_acquire) < nworkers; i++) {
    GL_PAUSE();
    if ((i & 255) == 0) std::this_thread::yield();
  }
}

}  // namespace gl
