// The thread pool behind parallel_run. Workers spin briefly after a region (kernels of one
// training step come in bursts), then sleep on a condition variable. Tasks are claimed one at
// a time, the caller included, so a region ends when its tasks are done, whoever ran them.
// A task that throws (a failed allocation) cannot unwind across threads: its exception is
// kept, the region's remaining tasks are skipped, and the caller rethrows it after the region.
#include "parallel.h"

#include <sched.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

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
  std::atomic<uint64_t> generation{0};  // bumped to wake the workers
  // The current region: (region id << 32) | tasks, and (region id << 32) | next task to claim.
  // A task is claimed by a compare-and-swap on `ticket`, so a worker that wakes late (or from an
  // old region) can never take a task of a region it did not read; fn and ctx stay fixed until
  // every task of their region is done.
  std::atomic<uint64_t> region{0};
  std::atomic<uint64_t> ticket{0};
  std::atomic<int> done{0};  // tasks of the current region finished
  std::atomic<int> sleepers{0};
  void (*fn)(void*, int) = nullptr;
  void* ctx = nullptr;
  uint32_t region_id = 0;
  // Set when a task of the current region threw; `error` is the first exception, for the caller.
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  // Held by the thread running a region (or resizing the pool).
  std::mutex region_lock;
};

// Never destroyed: at process exit the workers are simply stopped by the OS, not joined.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

thread_local bool in_region = false;
thread_local bool pool_worker = false;

/** Claims and runs tasks of the current region until none is left; returns how many it ran. */
int work(Pool& p) {
  in_region = true;
  int ran = 0;
  for (;;) {
    uint64_t t = p.ticket.load(std::memory_order_acquire);
    const uint64_t r = p.region.load(std::memory_order_acquire);
    if ((t >> 32) != (r >> 32) || (t & 0xffffffffu) >= (r & 0xffffffffu)) break;
    if (!p.ticket.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel)) continue;
    // After a failure the remaining tasks are claimed but not run, so the region ends soon.
    if (!p.failed.load(std::memory_order_relaxed)) {
      try {
        p.fn(p.ctx, static_cast<int>(t & 0xffffffffu));
      } catch (...) {
        if (!p.failed.exchange(true, std::memory_order_acq_rel)) p.error = std::current_exception();
      }
    }
    p.done.fetch_add(1, std::memory_order_release);
    ran++;
  }
  in_region = false;
  return ran;
}

void worker_main(Pool* p, uint64_t seen) {
  pool_worker = true;
  for (;;) {
    uint64_t g = p->generation.load(std::memory_order_acquire);
    if (g == seen) {
      const auto until = std::chrono::steady_clock::now() + kSpinFor;
      for (int i = 1; (g = p->generation.load(std::memory_order_acquire)) == seen; i++) {
        cpu_relax();
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
  }
}

void stop_workers(Pool& p);

void start_workers(Pool& p, int n) {
  const uint64_t g = p.generation.load();
  try {
    for (int i = 1; i < n; i++) p.workers.emplace_back(worker_main, &p, g);
  } catch (...) {
    // No thread or no memory for one: stop those started and stay unstarted (threads 0), so
    // the error reaches the caller and a later call tries again.
    stop_workers(p);
    throw;
  }
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

bool is_pool_worker() { return pool_worker; }

int pool_threads() {
  Pool& p = pool();
  if (p.threads == 0) {
    std::lock_guard<std::mutex> lk(p.region_lock);
    ensure_started(p);
  }
  return p.threads;
}

void set_pool_threads(int n) {
  if (n < 1) n = 1;
  Pool& p = pool();
  std::lock_guard<std::mutex> lk(p.region_lock);
  if (p.threads == n) return;
  if (p.threads > 0) stop_workers(p);
  p.threads = 0;
  start_workers(p, n);
}

void parallel_run(int ntasks, void (*fn)(void*, int), void* ctx) {
  Pool& p = pool();
  std::unique_lock<std::mutex> lk(p.region_lock, std::defer_lock);
  if (ntasks <= 1 || in_region || !lk.try_lock()) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t);
    return;
  }
  ensure_started(p);
  if (p.workers.empty()) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t);
    return;
  }
  p.fn = fn;
  p.ctx = ctx;
  p.done.store(0, std::memory_order_relaxed);
  p.failed.store(false, std::memory_order_relaxed);
  const uint64_t id = ++p.region_id;
  p.region.store((id << 32) | static_cast<uint32_t>(ntasks), std::memory_order_release);
  p.ticket.store(id << 32, std::memory_order_release);
  {
    std::lock_guard<std::mutex> g(p.mu);
    p.generation.fetch_add(1, std::memory_order_release);
  }
  if (p.sleepers.load() > 0) p.cv.notify_all();
  work(p);
  // Waits for tasks other threads claimed, never for a worker that has yet to wake up: with
  // more runnable threads than cores, the caller then simply does all the work itself.
  for (int i = 1; p.done.load(std::memory_order_acquire) < ntasks; i++) {
    cpu_relax();
    if ((i & 255) == 0) std::this_thread::yield();
  }
  // Every task is done, so no thread touches `error` any more; the region lock is still held.
  if (p.failed.load(std::memory_order_acquire)) {
    std::exception_ptr e = std::move(p.error);
    p.error = nullptr;
    p.failed.store(false, std::memory_order_relaxed);
    std::rethrow_exception(e);
  }
}

}  // namespace gl
