// The GEMM driver: BLIS's five loops around a micro-kernel. For each NC-wide block of B and
// KC-deep slice, B is packed into NR-column panels; for each MC-tall block of A, A is packed
// into MR-row panels (small products read A in place); the micro-kernel then sweeps the
// tiles. Threads split C into disjoint blocks (each packs its own panels of B; threads that
// split the columns share A's packed panels, each packing the ones it reaches first), or a
// batch into whole products.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cast.h"
#include "gemm_kernels.h"
#include "parallel.h"

namespace gl {

namespace {

struct Kernels {
  GemmKernel<float> f32;
  GemmKernel<double> f64;
  // Half-width kernels for narrow products, where the main ones' vectors are wider (AVX-512).
  GemmKernel<float> f32n;
  GemmKernel<double> f64n;
  bool narrow = false;
};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/** The AVX-512 kernels (AVX-512F and VL) with their narrow set; false where the CPU or the compiler lacks them. */
bool avx512_set(Kernels& k) {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512vl") || !avx512_kernels(&k.f32, &k.f64)) return false;
  k.narrow = avx512_narrow_kernels(&k.f32n, &k.f64n);
  return true;
}
#endif

Kernels select_best() {
  Kernels k;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (avx512_set(k)) return k;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && avx2_kernels(&k.f32, &k.f64)) return k;
#endif
  generic_kernels(&k.f32, &k.f64);
  return k;
}

Kernels& kernels() {
  static Kernels k = select_best();
  return k;
}

template <class T> const GemmKernel<T>& kernel();
template <> const GemmKernel<float>& kernel<float>() { return kernels().f32; }
template <> const GemmKernel<double>& kernel<double>() { return kernels().f64; }
template <class T> const GemmKernel<T>* narrow_kernel();
template <> const GemmKernel<float>* narrow_kernel<float>() { return kernels().narrow ? &kernels().f32n : nullptr; }
template <> const GemmKernel<double>* narrow_kernel<double>() { return kernels().narrow ? &kernels().f64n : nullptr; }

// Products smaller than this (multiply-adds, ~20 us of one core's work) stay on the calling
// thread: splitting them saves less than waking a worker risks on a busy machine.
constexpr double kParallelWork = 1024.0 * 1024.0;
// Products up to this size (multiply-adds) may read A in place instead of packing it (gemm_blocks).
constexpr double kDirectWork = 128.0 * 128.0 * 128.0;

// The most bytes of A's packed panels that the threads of a column split share (gemm_run),
// about a 2048 x 4096 float32 A; a larger A is packed by each thread for itself.
constexpr double kSharedBytes = 32.0 * 1024 * 1024;

/** This thread's GEMM packing buffer `slot` (see ScratchSet), room for n elements; throws OutOfMemory. */
template <class T>
T* scratch(int slot, size_t n) {
  thread_local ScratchSet<2> set;
  return set.get<T>(slot, n, "packing scratch");
}

/** Packs A[0:mc, 0:kc] into MR-row panels, k-major; a last, shorter panel is packed as narrow as its rows. */
template <class T>
void pack_a(const GemmKernel<T>& K, const T* a, i64 ars, i64 acs, i64 mc, i64 kc, T* dst) {
  K.pack(a, ars, acs, kc, mc, K.mr, 1, dst);
}

/** Packs B[0:kc, 0:nc] into NR-column panels, k-major; a last, narrower panel is padded to whole vectors. */
template <class T>
void pack_b(const GemmKernel<T>& K, const T* b, i64 brs, i64 bcs, i64 kc, i64 nc, T* dst) {
  K.pack(b, bcs, brs, kc, nc, K.nr, K.w, dst);
}

/** The depth of the KC slices of a depth-k product: even slices of at most K.kc (a function of k alone). */
template <class T>
i64 slice_depth(const GemmKernel<T>& K, i64 k) {
  const i64 slices = (k + K.kc - 1) / K.kc;
  const i64 kc = (k + slices - 1) / slices;
  return std::min(K.kc, (kc + 7) / 8 * 8);
}

/**
 * A's packed panels shared by the threads of a column split (a 1 x tn grid of C blocks), which
 * all read every row of A: each panel is packed once, by the first thread to need it, where
 * every thread used to pack all of A for its own columns. The threads start their sweeps at
 * different panels, so each packs its share and finds the others' ready. Slice s (depth kc,
 * starting at depth s * kcs) is at buf + s * rows * kcs, its panel q at + q * mr * kc. A
 * panel's state: 0 not packed, 1 being packed (by a running thread, which never waits while
 * it packs), 2 ready.
 */
template <class T>
struct SharedPanels {
  T* buf = nullptr;
  int* state = nullptr;  // [slice * panels + panel]
  i64 rows = 0;          // m rounded up to whole panels
  i64 panels = 0;        // panels per slice

  /** Panel q of slice s, packed from A (its row 0 at depth s * kcs is `a`) if no thread has yet. */
  const T* get(const GemmKernel<T>& K, i64 s, i64 kcs, i64 kc, i64 q, int nrows, const T* a, i64 ars, i64 acs) {
    T* dst = buf + s * rows * kcs + q * K.mr * kc;
    int* st = state + s * panels + q;
    int seen = __atomic_load_n(st, __ATOMIC_ACQUIRE);
    if (seen == 2) return dst;
    if (seen == 0 && __atomic_compare_exchange_n(st, &seen, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      K.pack(a + q * K.mr * ars, ars, acs, kc, nrows, K.mr, 1, dst);
      __atomic_store_n(st, 2, __ATOMIC_RELEASE);
      return dst;
    }
    while (__atomic_load_n(st, __ATOMIC_ACQUIRE) != 2) cpu_relax();
    return dst;
  }
};

/** C[i, j] += bias[j] over an m x n C (row stride crs, column stride ccs): the bias as its own pass. */
template <class T>
void add_bias(i64 m, i64 n, const T* bias, T* c, i64 crs, i64 ccs) {
  for (i64 i = 0; i < m; i++) {
    T* ci = c + i * crs;
    if (ccs == 1) {
      for (i64 j = 0; j < n; j++) ci[j] += bias[j];
    } else {
      for (i64 j = 0; j < n; j++) ci[j * ccs] += bias[j];
    }
  }
}

/**
 * The blocked product on the calling thread: C (=) A B for one block of C (row stride crs,
 * column stride ccs). The micro-kernel runs along rows of B (its vector dimension), so the
 * loops keep one MR x KC micro-panel of A in L1 while the NR-wide panels of a KC x NC block
 * of B stream from L2; the packed MC x KC block of A sits in L3 and is packed once per KC
 * slice. Edge tiles use the kernel of their exact height and mask their last vector; a C
 * with non-unit column stride (a transposed product) goes through a staging tile. A bias
 * (bias[j] for column j of this block) is added to each tile as its last KC slice is written.
 * With `shared` (a column split's threads; gemm_run passes it only when one MC block holds
 * all of A's rows), A's panels come from the shared buffer, packed on first use, and the
 * sweep over them starts at the fraction `sweep_from` of the panels, so threads pack
 * different ones first.
 */
template <class T>
void gemm_serial(const GemmKernel<T>& K, i64 m, i64 n, i64 k, i64 kcs, bool direct_a, const T* a, i64 ars, i64 acs,
                 const T* b, i64 brs, i64 bcs, T* c, i64 crs, i64 ccs, const T* bias = nullptr, bool acc = false,
                 SharedPanels<T>* shared = nullptr, double sweep_from = 0) {
  const int mr = K.mr, nr = K.nr, w = K.w;
  const i64 mc_max = std::min<i64>(K.mc, m);
  const i64 nc_max = std::min<i64>(K.nc, (n + w - 1) / w * w);
  T* pa = direct_a || shared ? nullptr : scratch<T>(0, static_cast<size_t>(mc_max * kcs));
  T* pb = scratch<T>(1, static_cast<size_t>(nc_max * kcs));
  alignas(64) T tile[kMaxMr * kMaxNv * 16];
  for (i64 ic = 0; ic < m; ic += K.mc) {
    const i64 mc = std::min(K.mc, m - ic);
    for (i64 pc = 0; pc < k; pc += kcs) {
      const i64 kc = std::min(kcs, k - pc);
      const bool first = pc == 0 && !acc;  // accumulating: every slice adds to C
      // The last slice completes each sum: the bias goes on then, while the tile is in L1.
      const T* bias_now = pc + kc >= k ? bias : nullptr;
      const T* ablock = a + ic * ars + pc * acs;
      if (!direct_a && !shared) pack_a(K, ablock, ars, acs, mc, kc, pa);
      // With shared panels (one block of rows), this thread's sweep starts at its own panel.
      const i64 np = (mc + mr - 1) / mr;
      const i64 q0 = shared ? static_cast<i64>(sweep_from * np) % np : 0;
      for (i64 jc = 0; jc < n; jc += K.nc) {
        const i64 nc = std::min(K.nc, n - jc);
        pack_b(K, b + pc * brs + jc * bcs, brs, bcs, kc, nc, pb);
        for (i64 qi = 0; qi < np; qi++) {
          const i64 q = q0 + qi < np ? q0 + qi : q0 + qi - np;
          const i64 ir = q * mr;
          const int rows = static_cast<int>(std::min<i64>(mr, mc - ir));
          const T* pai = direct_a ? ablock + ir * ars
                         : shared ? shared->get(K, pc / kcs, kcs, kc, q, rows, ablock, ars, acs)
                                  : pa + ir * kc;
          const MicroKernelFn<T>* row = direct_a ? K.direct[rows - 1] : K.tile[rows - 1];
          for (i64 jr = 0; jr < nc; jr += nr) {
            const int cols = static_cast<int>(std::min<i64>(nr, nc - jr));
            const int nv = (cols + w - 1) / w;
            const T* pbj = pb + jr * kc;
            if (ccs == 1) {
              row[nv - 1](kc, pai, ars, acs, pbj, c + (ic + ir) * crs + jc + jr, crs, first, cols,
                          bias_now ? bias_now + jc + jr : nullptr);
              continue;
            }
            MicroKernelFn<T> row_t = crs == 1 && nv == 1 ? (direct_a ? K.direct_t : K.tile_t)[rows - 1] : nullptr;
            if (row_t != nullptr) {
              // A transposed C (a swapped product): the kernel stores each column of its tile as a run.
              row_t(kc, pai, ars, acs, pbj, c + ic + ir + (jc + jr) * ccs, ccs, first, cols,
                    bias_now ? bias_now + jc + jr : nullptr);
              continue;
            }
            row[nv - 1](kc, pai, ars, acs, pbj, tile, nr, true, nv * w, nullptr);
            for (int r = 0; r < rows; r++) {
              T* cr = c + (ic + ir + r) * crs + (jc + jr) * ccs;
              const T* tr = tile + r * nr;
              if (first) {
                for (int j = 0; j < cols; j++) cr[j * ccs] = tr[j];
              } else {
                for (int j = 0; j < cols; j++) cr[j * ccs] += tr[j];
              }
              if (bias_now) {
                for (int j = 0; j < cols; j++) cr[j * ccs] += bias_now[jc + jr + j];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * y[i] = sum_p x[i, p] v[p] for i in [i0, i1) (one row or column of C): dot products along
 * contiguous rows, or column sweeps (axpy) when x's rows are adjacent; summed over p in order.
 */
template <class T>
void gemv_range(i64 i0, i64 i1, i64 k, const T* x, i64 s_len, i64 s_k, const T* v, i64 sv, T* y, i64 sy, bool acc) {
  if (s_len == 1 && s_k != 1) {
    Vec<T> sums(static_cast<size_t>(i1 - i0), T(0));
    T* ac = sums.data();
    const i64 len = i1 - i0;
    for (i64 p = 0; p < k; p++) {
      const T vp = v[p * sv];
      const T* xp = x + i0 + p * s_k;
      for (i64 i = 0; i < len; i++) ac[i] += xp[i] * vp;
    }
    for (i64 i = 0; i < len; i++) y[(i0 + i) * sy] = acc ? y[(i0 + i) * sy] + ac[i] : ac[i];
    return;
  }
  for (i64 i = i0; i < i1; i++) {
    const T* xi = x + i * s_len;
    T s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    i64 p = 0;
    if (s_k == 1 && sv == 1) {
      for (; p + 4 <= k; p += 4) {
        s0 += xi[p] * v[p]; s1 += xi[p + 1] * v[p + 1];
        s2 += xi[p + 2] * v[p + 2]; s3 += xi[p + 3] * v[p + 3];
      }
    }
    for (; p < k; p++) s0 += xi[p * s_k] * v[p * sv];
    const T sum = (s0 + s1) + (s2 + s3);
    y[i * sy] = acc ? y[i * sy] + sum : sum;
  }
}

template <class T>
void gemv(i64 len, i64 k, const T* x, i64 s_len, i64 s_k, const T* v, i64 sv, T* y, i64 sy, bool threads, bool acc) {
  const int nt = threads ? pool_threads() : 1;
  if (nt <= 1 || double(len) * k < kParallelWork * 4) {
    gemv_range(0, len, k, x, s_len, s_k, v, sv, y, sy, acc);
    return;
  }
  const i64 per = (len + nt - 1) / nt;
  parallel_for(nt, [&](int t) {
    const i64 i0 = t * per, i1 = std::min(len, i0 + per);
    if (i0 < i1) gemv_range(i0, i1, k, x, s_len, s_k, v, sv, y, sy, acc);
  });
}

/**
 * Whether a product this small reads A in place instead of packing it: its micro-panel stays
 * in L1 anyway, and packing would cost a noticeable share of the work. Row-major rows are runs
 * along k (but strides of 4 KiB multiples alias in L1); a column-major panel touches a line per
 * k step.
 */
template <class T>
bool reads_a_in_place(i64 m, i64 n, i64 k, i64 ars, i64 acs) {
  const bool row_major = acs == 1 && ars != 1 && (ars * sizeof(T)) % 4096 != 0;
  const bool col_major = ars == 1 && acs != 1 && k <= 128;
  return (row_major || col_major) && double(m) * n * k <= kDirectWork;
}

/**
 * The same for a narrow product (C one vector wide): each element of A is used once, so
 * packing only copies it; A is read in place whenever its rows or columns are runs.
 */
template <class T>
bool narrow_reads_a_in_place(i64 ars, i64 acs) {
  return (acs == 1 && (ars * sizeof(T)) % 4096 != 0) || ars == 1;
}

// A long, thin product (a small C from a deep sum, e.g. W^T W or the gradient of a narrow
// layer's input) is summed in this many fixed depth chunks, so two threads can share it.
constexpr int kDepthChunks = 8;

/** Whether C = A B is summed in depth chunks: a small C, a deep k (the shape alone decides). */
inline bool split_depth(i64 m, i64 n, i64 k) {
  return m * n <= 128 * 128 && k >= 4096 && k >= 16 * std::max(m, n);
}

/**
 * C = A B as kDepthChunks partial products over fixed ranges of k, added in chunk order. The
 * chunks depend on k alone, so the sums are the same on one thread or two; with threads the
 * pool takes chunks whole.
 */
template <class T>
void gemm_split_k(const GemmKernel<T>& K, i64 m, i64 n, i64 k, const T* a, i64 ars, i64 acs,
                  const T* b, i64 brs, i64 bcs, T* c, i64 crs, i64 ccs, bool threads, bool narrow, bool acc) {
  const i64 mn = m * n;
  Vec<T> part(static_cast<size_t>(kDepthChunks * mn));
  auto chunk = [&](int q) {
    const i64 k0 = k * q / kDepthChunks, k1 = k * (q + 1) / kDepthChunks;
    const i64 kq = k1 - k0;
    const bool direct_a = narrow ? narrow_reads_a_in_place<T>(ars, acs) : reads_a_in_place<T>(m, n, kq, ars, acs);
    gemm_serial(K, m, n, kq, slice_depth(K, kq), direct_a, a + k0 * acs, ars, acs, b + k0 * brs, brs, bcs,
                part.data() + q * mn, n, static_cast<i64>(1));
  };
  const int nt = threads ? pool_threads() : 1;
  if (nt > 1) {
    parallel_for(nt, [&](int t) {
      for (int q = kDepthChunks * t / nt; q < kDepthChunks * (t + 1) / nt; q++) chunk(q);
    });
  } else {
    for (int q = 0; q < kDepthChunks; q++) chunk(q);
  }
  for (i64 i = 0; i < m; i++) {
    for (i64 j = 0; j < n; j++) {
      T sum = part[static_cast<size_t>(i * n + j)];
      for (int q = 1; q < kDepthChunks; q++) sum += part[static_cast<size_t>(q * mn + i * n + j)];
      c[i * crs + j * ccs] = acc ? c[i * crs + j * ccs] + sum : sum;
    }
  }
}

/**
 * C (row stride crs, column stride ccs) = A B with kernel set K, oriented as it comes: in
 * depth chunks (a small C from a deep sum), on the calling thread, or over the pool in a
 * grid of C blocks. `narrow` selects the narrow sets' rule for reading A in place.
 */
template <class T>
void gemm_run(const GemmKernel<T>& K, i64 m, i64 n, i64 k, const T* a, i64 ars, i64 acs,
              const T* b, i64 brs, i64 bcs, T* c, i64 crs, i64 ccs, bool threads, const T* bias, bool narrow, bool acc) {
  if (split_depth(m, n, k)) {
    gemm_split_k(K, m, n, k, a, ars, acs, b, brs, bcs, c, crs, ccs, threads, narrow, acc);
    if (bias) add_bias(m, n, bias, c, crs, ccs);
    return;
  }
  const i64 kcs = slice_depth(K, k);
  const bool direct_a = narrow ? narrow_reads_a_in_place<T>(ars, acs) : reads_a_in_place<T>(m, n, k, ars, acs);
  const int nt = threads ? pool_threads() : 1;
  if (nt <= 1 || double(m) * n * k < kParallelWork) {
    gemm_serial(K, m, n, k, kcs, direct_a, a, ars, acs, b, brs, bcs, c, crs, ccs, bias, acc);
    return;
  }
  // A tm x tn grid of C blocks, one per thread; each thread packs k x (n / tn) of B and
  // (m / tm) x k of A, so the grid whose blocks are closest to square packs least.
  const i64 mt = (m + K.mr - 1) / K.mr, ntile = (n + K.nr - 1) / K.nr;
  int tm = 1, tn = nt;
  double best = -1;
  for (int d = 1; d <= nt; d++) {
    if (nt % d != 0) continue;
    const int e = nt / d;
    if (d > mt || e > ntile) continue;
    const double cost = double(m) / d + double(n) / e;
    if (best < 0 || cost < best) { best = cost; tm = d; tn = e; }
  }
  if (best < 0) {  // too few tiles for a full grid: split the longer side only
    if (mt >= ntile) { tm = static_cast<int>(std::min<i64>(nt, mt)); tn = 1; }
    else { tm = 1; tn = static_cast<int>(std::min<i64>(nt, ntile)); }
  }
  // Columns are dealt in whole vectors, not whole tiles, so the blocks differ by at most one
  // vector (784 columns: 400 and 384, where tiles of 32 gave 416 and 368): a one-vector tile
  // costs half a full one.
  const i64 nvec = (n + K.w - 1) / K.w;
  const i64 rows = (mt + tm - 1) / tm * K.mr, cols = (nvec + tn - 1) / tn * K.w;
  // A column split whose threads all pack the same rows of A (one block of them) shares the
  // packed panels instead, when all of A packed fits kSharedBytes: the calling thread holds
  // them (its buffer is kept for the next product), as it waits for the region.
  SharedPanels<T> shared;
  Vec<int> state;
  const i64 slices = (k + kcs - 1) / kcs;
  if (tm == 1 && tn > 1 && !direct_a && m <= K.mc && double(slices * mt * K.mr * kcs) * sizeof(T) <= kSharedBytes) {
    thread_local ScratchSet<1> held;
    shared.panels = mt;
    shared.rows = mt * K.mr;
    shared.buf = held.get<T>(0, static_cast<size_t>(slices * shared.rows * kcs), "packing scratch");
    state.assign(static_cast<size_t>(slices * mt), 0);
    shared.state = state.data();
  }
  parallel_for(tm * tn, [&](int t) {
    const i64 i0 = (t / tn) * rows, j0 = (t % tn) * cols;
    if (i0 >= m || j0 >= n) return;
    const i64 mb = std::min(rows, m - i0), nb = std::min(cols, n - j0);
    gemm_serial(K, mb, nb, k, kcs, direct_a, a + i0 * ars, ars, acs, b + j0 * bcs, brs, bcs, c + i0 * crs + j0 * ccs, crs, ccs,
                bias ? bias + j0 : nullptr, acc, shared.buf ? &shared : nullptr, double(t % tn) / tn);
  });
}

/**
 * C (row stride crs, column stride ccs) = A B, split over the pool when `threads` and the
 * product is large. The transposition, the kernel set, the KC slices and whether A is packed
 * depend on the shape and strides alone, and every element of C is one k-ordered sum over
 * those slices, so the result is the same however the work is split.
 */
template <class T>
void gemm_blocks(const GemmKernel<T>& K, i64 m, i64 n, i64 k, const T* a, i64 ars, i64 acs,
                 const T* b, i64 brs, i64 bcs, T* c, i64 crs, i64 ccs, bool threads, const T* bias, bool acc) {
  // A side no wider than a half-width vector (AVX-512): that side goes along C's columns, in
  // the narrow kernels' ymm vectors, and the long side's operand is read in place, where a
  // full vector would be half padding and packing the long operand would cost a pass over it.
  // Otherwise a C at most half a vector wide is swapped the other way: C^T = B^T A^T puts the
  // longer side along the vectors and the narrow one in an exact-height kernel (wider ones do
  // better with a masked vector than with the transposed stores this costs).
  const GemmKernel<T>* nk = narrow_kernel<T>();
  const bool narrow = nk != nullptr && std::min(m, n) <= nk->w;
  if (narrow ? m < n : 2 * n <= K.w && m > n) {
    if (bias) {  // the bias would run along the swapped C's rows: a pass of its own
      gemm_blocks(K, m, n, k, a, ars, acs, b, brs, bcs, c, crs, ccs, threads, static_cast<const T*>(nullptr), acc);
      add_bias(m, n, bias, c, crs, ccs);
      return;
    }
    std::swap(m, n);
    std::swap(a, b);
    std::swap(ars, bcs);
    std::swap(acs, brs);
    std::swap(crs, ccs);
  }
  gemm_run(narrow ? *nk : K, m, n, k, a, ars, acs, b, brs, bcs, c, crs, ccs, threads, bias, narrow, acc);
}

}  // namespace

template <class T>
void gemm(i64 m, i64 n, i64 k, const T* a, i64 ars, i64 acs, const T* b, i64 brs, i64 bcs, T* c, i64 ldc, bool threads,
          const T* bias, bool accumulate) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) for (i64 i = 0; i < m; i++) std::fill(c + i * ldc, c + i * ldc + n, T(0));
    if (bias) add_bias(m, n, bias, c, ldc, static_cast<i64>(1));
    return;
  }
  // A single row or column of C: a matrix-vector product (packing would be mostly padding).
  if (m == 1 || n == 1) {
    if (m == 1) gemv(n, k, b, bcs, brs, a, acs, c, 1, threads, accumulate);
    else gemv(m, k, a, ars, acs, b, brs, c, ldc, threads, accumulate);
    if (bias) add_bias(m, n, bias, c, ldc, static_cast<i64>(1));
    return;
  }
  gemm_blocks(kernel<T>(), m, n, k, a, ars, acs, b, brs, bcs, c, ldc, 1, threads, bias, accumulate);
}

template void gemm<float>(i64, i64, i64, const float*, i64, i64, const float*, i64, i64, float*, i64, bool, const float*, bool);
template void gemm<double>(i64, i64, i64, const double*, i64, i64, const double*, i64, i64, double*, i64, bool, const double*, bool);

namespace {

/** int32 product with wrap-around (the reference's (s + imul(x, y)) | 0). */
void gemm_i32(i64 m, i64 n, i64 k, const int32_t* a, i64 ars, i64 acs, const int32_t* b, i64 brs, i64 bcs, int32_t* c) {
  Vec<uint32_t> row(static_cast<size_t>(n));
  for (i64 i = 0; i < m; i++) {
    std::fill(row.begin(), row.end(), 0u);
    for (i64 p = 0; p < k; p++) {
      const uint32_t x = static_cast<uint32_t>(a[i * ars + p * acs]);
      const int32_t* bp = b + p * brs;
      for (i64 j = 0; j < n; j++) row[j] += x * static_cast<uint32_t>(bp[j * bcs]);
    }
    for (i64 j = 0; j < n; j++) c[i * n + j] = static_cast<int32_t>(row[j]);
  }
}

/** A contiguous copy of a view converted to T (mixed-dtype operands are multiplied in the output's type). */
template <class T>
Vec<T> converted(const View& v, View& as) {
  Vec<T> buf(static_cast<size_t>(v.numel()));
  as = v;
  as.offset = 0;
  contiguous_strides(v.nd, v.shape, as.strides);
  const i64* st[1] = {v.strides};
  const i64 offs[1] = {v.offset};
  RowIter<1> it(v.nd, v.shape, st, offs);
  dispatch(v.dtype, [&](auto tag) {
    using S = decltype(tag);
    for (i64 r = 0; r < it.rows; r++) {
      convert_row(static_cast<const S*>(v.data) + it.offs[0], it.inner_stride[0], buf.data() + r * it.inner, 1, it.inner);
      it.next();
    }
  });
  as.data = buf.data();
  return buf;
}

/** Offsets of batch `t`'s matrices in a and b (row-major walk of the batch dims). */
void batch_offsets(const View& a, const View& b, int nb, i64 t, i64* ao, i64* bo) {
  *ao = a.offset;
  *bo = b.offset;
  for (int d = nb - 1; d >= 0; d--) {
    const i64 i = t % a.shape[d];
    t /= a.shape[d];
    *ao += i * a.strides[d];
    *bo += i * b.strides[d];
  }
}

template <class T>
void matmul_float(const View& a0, const View& b0, i64 m, i64 n, i64 k, T* out, const View* bias0, bool acc) {
  const DType dt = std::is_same_v<T, float> ? DType::F32 : DType::F64;
  View a = a0, b = b0;
  Vec<T> abuf, bbuf, biasbuf;
  if (a0.dtype != dt) abuf = converted<T>(a0, a);
  if (b0.dtype != dt) bbuf = converted<T>(b0, b);
  const T* bias = nullptr;
  if (bias0) {
    View bv;
    if (bias0->dtype == dt && bias0->strides[0] == 1) bias = static_cast<const T*>(bias0->data) + bias0->offset;
    else { biasbuf = converted<T>(*bias0, bv); bias = biasbuf.data(); }
  }
  const int nb = a.nd - 2;
  i64 nbatch = 1;
  for (int d = 0; d < nb; d++) nbatch *= a.shape[d];
  const i64 ars = a.strides[nb], acs = a.strides[nb + 1], brs = b.strides[nb], bcs = b.strides[nb + 1];
  const T* ad = static_cast<const T*>(a.data);
  const T* bd = static_cast<const T*>(b.data);
  auto one = [&](i64 t, bool threads) {
    i64 ao, bo;
    batch_offsets(a, b, nb, t, &ao, &bo);
    gemm<T>(m, n, k, ad + ao, ars, acs, bd + bo, brs, bcs, out + t * m * n, n, threads, bias, acc);
  };
  const int nt = pool_threads();
  // Whole products per thread when they are small or the batch splits evenly enough (each
  // thread then packs only its own products); otherwise each product is split.
  const double work = double(m) * n * k;
  const bool even = nbatch % nt == 0 || nbatch >= 4 * nt;
  if (nbatch > 1 && nt > 1 && (work < kParallelWork * 8 || even) && work * nbatch >= kParallelWork) {
    const i64 per = (nbatch + nt - 1) / nt;
    parallel_for(nt, [&](int th) {
      for (i64 t = th * per; t < std::min(nbatch, (th + 1) * per); t++) one(t, false);
    });
    return;
  }
  for (i64 t = 0; t < nbatch; t++) one(t, true);
}

void matmul_int(const View& a0, const View& b0, i64 m, i64 n, i64 k, void* out, DType out_dt) {
  View a = a0, b = b0;
  Vec<int32_t> abuf, bbuf;
  if (a0.dtype != DType::I32) abuf = converted<int32_t>(a0, a);
  if (b0.dtype != DType::I32) bbuf = converted<int32_t>(b0, b);
  const int nb = a.nd - 2;
  i64 nbatch = 1;
  for (int d = 0; d < nb; d++) nbatch *= a.shape[d];
  Vec<int32_t> tmp(out_dt == DType::I32 ? 0 : static_cast<size_t>(nbatch * m * n));
  int32_t* o = out_dt == DType::I32 ? static_cast<int32_t*>(out) : tmp.data();
  for (i64 t = 0; t < nbatch; t++) {
    i64 ao, bo;
    batch_offsets(a, b, nb, t, &ao, &bo);
    gemm_i32(m, n, k, static_cast<const int32_t*>(a.data) + ao, a.strides[nb], a.strides[nb + 1],
             static_cast<const int32_t*>(b.data) + bo, b.strides[nb], b.strides[nb + 1], o + t * m * n);
  }
  if (out_dt != DType::I32) {
    dispatch(out_dt, [&](auto tag) {
      using D = decltype(tag);
      convert_row(o, 1, static_cast<D*>(out), 1, static_cast<i64>(tmp.size()));
    });
  }
}

}  // namespace

void matmul(const View& a, const View& b, i64 m, i64 n, i64 k, void* out, DType out_dt, const View* bias, bool accumulate) {
  if (m == 0 || n == 0) return;
  for (int d = 0; d < a.nd - 2; d++) if (a.shape[d] == 0) return;
  switch (out_dt) {
    case DType::F32: matmul_float<float>(a, b, m, n, k, static_cast<float*>(out), bias, accumulate); return;
    case DType::F64: matmul_float<double>(a, b, m, n, k, static_cast<double*>(out), bias, accumulate); return;
    case DType::I32: case DType::Bool: matmul_int(a, b, m, n, k, out, out_dt); return;  // the addon takes no bias here
  }
}

const char* gemm_isa() { return kernels().f32.isa; }

bool set_gemm_isa(const char* isa) {
  Kernels k;
  if (std::strcmp(isa, "generic") == 0) {
    generic_kernels(&k.f32, &k.f64);
  } else {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (std::strcmp(isa, "avx512") == 0) {
      if (!avx512_set(k)) return false;
    } else if (std::strcmp(isa, "avx2") == 0) {
      if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || !avx2_kernels(&k.f32, &k.f64)) return false;
    } else {
      return false;
    }
#else
    return false;
#endif
  }
  kernels() = k;
  return true;
}

}  // namespace gl
