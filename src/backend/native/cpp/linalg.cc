// The js backend's linear algebra (../../js/linalg.ts) in C++: the same algorithms, sign
// conventions and orderings, so both backends agree to rounding. Each matrix is copied
// once into a float64 workspace; a batch is split over threads by whole matrices, so the
// results do not depend on the thread count.
#include "linalg.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "parallel.h"

namespace gl {

namespace {

constexpr double kEps = 2.220446049250313e-16;
constexpr int kMaxSweeps = 80;
// The long vector loops (dots, updates, finiteness) get an AVX2 + FMA clone that the loader
// picks on CPUs that have it (results are still the same for any thread count).
#if defined(__x86_64__) && defined(__gnu_linux__) && defined(__GNUC__) && !defined(__clang__)
#define GL_VECTOR_CLONES __attribute__((target_clones("avx2,fma", "default")))
#else
#define GL_VECTOR_CLONES
#endif

// Below this many multiply-adds in a whole batch, threads cost more than they save.
constexpr double kParallelWork = 1 << 16;

// ---- strided matrices --------------------------------------------------------------

/** The matrices of a [..., rows, cols] view: batch b starts at offset(b). */
struct Matrices {
  const View* v;
  int nb;
  i64 rows, cols, rs, cs, batch;

  explicit Matrices(const View& view) : v(&view), nb(view.nd - 2) {
    rows = view.shape[nb];
    cols = view.shape[nb + 1];
    rs = view.strides[nb];
    cs = view.strides[nb + 1];
    batch = 1;
    for (int d = 0; d < nb; d++) batch *= view.shape[d];
  }

  i64 offset(i64 b) const {
    i64 o = v->offset;
    for (int d = nb - 1; d >= 0; d--) {
      const i64 s = v->shape[d];
      o += (b % s) * v->strides[d];
      b /= s;
    }
    return o;
  }

  /** Copies matrix b into dst with dst(r, c) at r * drs + c * dcs. */
  void load(i64 b, double* dst, i64 drs, i64 dcs) const {
    const i64 o = offset(b);
    switch (v->dtype) {
      case DType::F32: copy_in(static_cast<const float*>(v->data) + o, dst, drs, dcs); return;
      case DType::F64: copy_in(static_cast<const double*>(v->data) + o, dst, drs, dcs); return;
      case DType::I32: copy_in(static_cast<const int32_t*>(v->data) + o, dst, drs, dcs); return;
      case DType::Bool: copy_in(static_cast<const uint8_t*>(v->data) + o, dst, drs, dcs); return;
    }
  }

 private:
  template <class T>
  void copy_in(const T* p, double* dst, i64 drs, i64 dcs) const {
    for (i64 r = 0; r < rows; r++) {
      const T* row = p + r * rs;
      double* d = dst + r * drs;
      if (cs == 1 && dcs == 1) {
        for (i64 c = 0; c < cols; c++) d[c] = static_cast<double>(row[c]);
      } else {
        for (i64 c = 0; c < cols; c++) d[c * dcs] = static_cast<double>(row[c * cs]);
      }
    }
  }
};

/** Calls fn(lo, hi) over [0, batch), split by whole matrices over the pool when the work repays it. */
template <class F>
void for_batches(i64 batch, double work_per_matrix, F&& fn) {
  const int threads = pool_threads();
  if (batch < 2 || threads < 2 || work_per_matrix * static_cast<double>(batch) < kParallelWork) {
    fn(static_cast<i64>(0), batch);
    return;
  }
  const int tasks = static_cast<int>(std::min<i64>(batch, threads));
  parallel_for(tasks, [&](int t) {
    const i64 lo = batch * t / tasks, hi = batch * (t + 1) / tasks;
    if (lo < hi) fn(lo, hi);
  });
}

// x * 0 is NaN exactly for infinite or NaN x: eight lanes of it, a loop that vectorises.
GL_VECTOR_CLONES bool all_finite(const double* a, i64 n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  i64 i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int t = 0; t < 8; t++) acc[t] += a[i + t] * 0.0;
  }
  for (; i < n; i++) acc[0] += a[i] * 0.0;
  double sum = 0;
  for (int t = 0; t < 8; t++) sum += acc[t];
  return sum == 0;
}

// Eight independent partial sums: a loop the compiler vectorises without reassociating.
GL_VECTOR_CLONES double dot(const double* a, const double* b, i64 n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  i64 i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int t = 0; t < 8; t++) acc[t] += a[i + t] * b[i + t];
  }
  for (; i < n; i++) acc[0] += a[i] * b[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/** y -= d * x over n elements. */
GL_VECTOR_CLONES void axpy_neg(double d, const double* x, double* y, i64 n) {
  for (i64 i = 0; i < n; i++) y[i] -= d * x[i];
}

// ---- LU ----------------------------------------------------------------------------

/** In-place LU (getrf) of the row-major n x n matrix a; returns LAPACK's info. */
int32_t lu_in_place(double* a, i64 n, int32_t* piv) {
  int32_t info = 0;
  for (i64 j = 0; j < n; j++) {
    i64 p = j;
    double best = std::fabs(a[j * n + j]);
    for (i64 i = j + 1; i < n; i++) {
      const double v = std::fabs(a[i * n + j]);
      if (v > best) { best = v; p = i; }
    }
    piv[j] = static_cast<int32_t>(p);
    if (best == 0) {
      // The column below is zero: nothing to eliminate, but the matrix is singular.
      if (info == 0) info = static_cast<int32_t>(j + 1);
      continue;
    }
    double* rj = a + j * n;
    if (p != j) std::swap_ranges(rj, rj + n, a + p * n);
    const double d = rj[j];
    for (i64 i = j + 1; i < n; i++) {
      double* ri = a + i * n;
      const double l = ri[j] / d;
      ri[j] = l;
      if (l != 0) axpy_neg(l, rj + j + 1, ri + j + 1, n - j - 1);
    }
  }
  return info;
}

const char* run_lu(const LinalgCall& c) {
  const View& a = c.views[0];
  const Matrices A(a);
  const i64 n = A.cols, batch = A.batch;
  if (A.rows != n) return "lu: expected square matrices";
  if (c.narrays != 4 || c.arrays[1].dtype != DType::F64 || c.arrays[2].dtype != DType::I32 || c.arrays[3].dtype != DType::I32 ||
      c.arrays[1].length < batch * n * n || c.arrays[2].length < batch * n || c.arrays[3].length < batch) {
    return "lu(a, lu: Float64Array, pivots: Int32Array, info: Int32Array): outputs too short or of the wrong type";
  }
  double* lu = static_cast<double*>(c.arrays[1].data);
  int32_t* piv = static_cast<int32_t*>(c.arrays[2].data);
  int32_t* info = static_cast<int32_t*>(c.arrays[3].data);
  for_batches(batch, static_cast<double>(n) * n * n / 3, [&](i64 lo, i64 hi) {
    for (i64 b = lo; b < hi; b++) {
      A.load(b, lu + b * n * n, n, 1);
      info[b] = lu_in_place(lu + b * n * n, n, piv + b * n);
    }
  });
  return nullptr;
}

const char* run_lu_solve(const LinalgCall& c) {
  const Matrices F(c.views[0]), B(c.views[1]);
  const i64 n = F.cols, k = B.cols, batch = F.batch;
  if (c.narrays != 4 || c.views[0].dtype != DType::F64 || F.rows != n || B.rows != n || B.batch != batch) {
    return "luSolve(lu, b, pivots, x): factors and right-hand sides do not match";
  }
  if (c.arrays[2].dtype != DType::I32 || c.arrays[2].length < batch * n || c.arrays[3].dtype != DType::F64 || c.arrays[3].length < batch * n * k) {
    return "luSolve: pivots or output too short or of the wrong type";
  }
  const int32_t* pivots = static_cast<const int32_t*>(c.arrays[2].data);
  double* x = static_cast<double*>(c.arrays[3].data);
  for (i64 i = 0; i < batch * n; i++) {
    if (pivots[i] < 0 || pivots[i] >= n) return "luSolve: a pivot is out of range";
  }
  for_batches(batch, static_cast<double>(n) * n * k, [&](i64 lo, i64 hi) {
    Vec<double> a(static_cast<size_t>(n * n));
    for (i64 bi = lo; bi < hi; bi++) {
      F.load(bi, a.data(), n, 1);
      double* xb = x + bi * n * k;
      B.load(bi, xb, k, 1);
      const int32_t* piv = pivots + bi * n;
      for (i64 j = 0; j < n; j++) {
        if (piv[j] != j) std::swap_ranges(xb + j * k, xb + (j + 1) * k, xb + piv[j] * k);
      }
      for (i64 i = 1; i < n; i++) {
        for (i64 j = 0; j < i; j++) {
          const double l = a[i * n + j];
          if (l != 0) axpy_neg(l, xb + j * k, xb + i * k, k);
        }
      }
      for (i64 i = n - 1; i >= 0; i--) {
        double* ri = xb + i * k;
        for (i64 j = i + 1; j < n; j++) {
          const double u = a[i * n + j];
          if (u != 0) axpy_neg(u, xb + j * k, ri, k);
        }
        const double d = a[i * n + i];
        for (i64 q = 0; q < k; q++) ri[q] /= d;
      }
    }
  });
  return nullptr;
}

const char* run_det(const LinalgCall& c) {
  const Matrices A(c.views[0]);
  const i64 n = A.cols, batch = A.batch;
  if (A.rows != n) return "det: expected square matrices";
  if (c.narrays != 2 || c.arrays[1].dtype != DType::F64 || c.arrays[1].length < batch) return "det(a, out: Float64Array): output too short";
  double* out = static_cast<double*>(c.arrays[1].data);
  for_batches(batch, static_cast<double>(n) * n * n / 3, [&](i64 lo, i64 hi) {
    Vec<double> a(static_cast<size_t>(n * n));
    Vec<int32_t> piv(static_cast<size_t>(n));
    for (i64 b = lo; b < hi; b++) {
      A.load(b, a.data(), n, 1);
      lu_in_place(a.data(), n, piv.data());
      double d = 1;
      for (i64 j = 0; j < n; j++) {
        d *= a[j * n + j];
        if (piv[j] != j) d = -d;
      }
      out[b] = d;
    }
  });
  return nullptr;
}

const char* run_triangular_solve(const LinalgCall& c) {
  const Matrices T(c.views[0]), B(c.views[1]);
  const i64 n = T.cols, k = B.cols, batch = B.batch;
  const bool upper = (c.flags & 1) != 0, unit = (c.flags & 2) != 0;
  if (c.narrays != 3 || T.rows != n || B.rows != n || T.batch != batch) return "triangularSolve(a, b, x): a and b do not match";
  if (c.arrays[2].dtype != DType::F64 || c.arrays[2].length < batch * n * k) return "triangularSolve: output too short";
  double* x = static_cast<double*>(c.arrays[2].data);
  for_batches(batch, static_cast<double>(n) * n * k / 2, [&](i64 lo, i64 hi) {
    Vec<double> t(static_cast<size_t>(n * n));
    for (i64 bi = lo; bi < hi; bi++) {
      T.load(bi, t.data(), n, 1);
      double* xb = x + bi * n * k;
      B.load(bi, xb, k, 1);
      for (i64 s = 0; s < n; s++) {
        const i64 i = upper ? n - 1 - s : s;
        double* ri = xb + i * k;
        const i64 j0 = upper ? i + 1 : 0, j1 = upper ? n : i;
        for (i64 j = j0; j < j1; j++) {
          const double v = t[i * n + j];
          if (v != 0) axpy_neg(v, xb + j * k, ri, k);
        }
        if (!unit) {
          const double d = t[i * n + i];
          for (i64 q = 0; q < k; q++) ri[q] /= d;
        }
      }
    }
  });
  return nullptr;
}

// ---- Householder QR ---------------------------------------------------------------

/**
 * Householder QR (geqr2) of the column-major m x n matrix x (column j at x + j * m), in
 * place: R on and above the diagonal, each reflector's vector (implicit leading 1) below
 * it, its scale in tau. LAPACK's sign: R's diagonal is minus the sign of the pivot.
 */
void geqr2(double* x, i64 m, i64 n, double* tau) {
  const i64 k = std::min(m, n);
  for (i64 j = 0; j < k; j++) {
    double* cj = x + j * m;
    const double alpha = cj[j];
    const i64 below = m - j - 1;
    double* v = cj + j + 1;
    double ss = dot(v, v, below);
    double xnorm;
    if (ss == 0) {
      bool zero = true;
      for (i64 i = 0; i < below; i++) zero = zero && v[i] == 0;
      if (zero) { tau[j] = 0; continue; }  // already zero below the diagonal: H = I (dlarfg)
    }
    if (ss > 1e-290 && ss < 1e290) {
      xnorm = std::sqrt(ss);
    } else {
      // Squares would under- or overflow: scale by the largest magnitude first.
      double scale = 0;
      for (i64 i = 0; i < below; i++) scale = std::max(scale, std::fabs(v[i]));
      double s2 = 0;
      for (i64 i = 0; i < below; i++) { const double t = v[i] / scale; s2 += t * t; }
      xnorm = scale * std::sqrt(s2);
    }
    const double beta = (alpha >= 0 ? -1 : 1) * std::hypot(alpha, xnorm);
    const double tj = (beta - alpha) / beta;
    tau[j] = tj;
    const double inv = 1 / (alpha - beta);
    for (i64 i = 0; i < below; i++) v[i] *= inv;
    cj[j] = beta;
    for (i64 col = j + 1; col < n; col++) {
      double* cc = x + col * m;
      const double d = (cc[j] + dot(v, cc + j + 1, below)) * tj;
      cc[j] -= d;
      axpy_neg(d, v, cc + j + 1, below);
    }
  }
}

/**
 * y (column-major m x ncols, column c at y + c * m) = H_0 ... H_{k-1} y, from geqr2's
 * reflectors in x. Columns before `first(j)` are skipped for reflector j: with
 * from_identity, columns below j are still unit vectors H_j leaves alone (org2r).
 */
void apply_q(const double* x, i64 m, i64 k, const double* tau, double* y, i64 ncols, bool from_identity) {
  for (i64 j = k - 1; j >= 0; j--) {
    const double tj = tau[j];
    if (tj == 0) continue;
    const double* v = x + j * m + j + 1;
    const i64 below = m - j - 1;
    for (i64 col = from_identity ? j : 0; col < ncols; col++) {
      double* yc = y + col * m;
      const double d = (yc[j] + dot(v, yc + j + 1, below)) * tj;
      yc[j] -= d;
      axpy_neg(d, v, yc + j + 1, below);
    }
  }
}

/**
 * The k x k upper triangular T of the compact WY form H_0 ... H_{k-1} = I - V T V^T
 * (LAPACK's dlarft, forward, column-wise), from geqr2's reflectors in x (m x k).
 */
void form_t(const double* x, i64 m, i64 k, const double* tau, double* t) {
  std::fill(t, t + k * k, 0.0);
  for (i64 i = 0; i < k; i++) {
    const double ti = tau[i];
    if (ti == 0) continue;
    const double* vi = x + i * m;
    // w_c = -tau_i v_c^T v_i for c < i (v_c's entries from row i on: x below the diagonal, v_i's leading 1 at row i).
    for (i64 c = 0; c < i; c++) {
      const double* vc = x + c * m;
      t[c * k + i] = -ti * (vc[i] + dot(vc + i + 1, vi + i + 1, m - i - 1));
    }
    // T[0:i, i] = T[0:i, 0:i] w (upper triangular, in place from the top row down).
    for (i64 r = 0; r < i; r++) {
      double acc = 0;
      for (i64 c = r; c < i; c++) acc += t[r * k + c] * t[c * k + i];
      t[r * k + i] = acc;
    }
    t[i * k + i] = ti;
  }
}

/**
 * W = T V^T Y0 (k x k, row-major) for Y0 zero below its first k rows, given as the
 * row-major k x k `top`: then Q Y0 = Y0 - V W.
 */
void form_w(const double* x, i64 m, i64 k, const double* t, const double* top, double* vty, double* w) {
  for (i64 c = 0; c < k; c++) {
    for (i64 i = 0; i < k; i++) vty[c * k + i] = top[c * k + i];
    for (i64 r = c + 1; r < k; r++) {
      const double v = x[c * m + r];
      for (i64 i = 0; i < k; i++) vty[c * k + i] += v * top[r * k + i];
    }
  }
  for (i64 r = 0; r < k; r++) {
    for (i64 i = 0; i < k; i++) w[r * k + i] = 0;
    for (i64 c = r; c < k; c++) {
      const double tv = t[r * k + c];
      for (i64 i = 0; i < k; i++) w[r * k + i] += tv * vty[c * k + i];
    }
  }
}

// ---- sign convention and orthonormal completion ------------------------------------

/** Whether the largest-magnitude entry (first one on ties) of x[0], x[st], ... is negative. */
bool lead_is_negative(const double* x, i64 len, i64 st) {
  double best = -1, v = 0;
  for (i64 i = 0; i < len; i++) {
    const double a = std::fabs(x[i * st]);
    if (a > best) { best = a; v = x[i * st]; }
  }
  return v < 0;
}

/**
 * Fills the rows of y (count x len) not marked in `have` with unit vectors orthogonal to
 * all others: Gram-Schmidt (twice) on the coordinate vector the current rows cover least.
 */
void complete_basis(double* y, i64 count, i64 len, Vec<uint8_t>& have) {
  Vec<double> uncovered(static_cast<size_t>(len), 1.0);
  for (i64 i = 0; i < count; i++) {
    if (!have[i]) continue;
    for (i64 r = 0; r < len; r++) uncovered[r] -= y[i * len + r] * y[i * len + r];
  }
  for (i64 i = 0; i < count; i++) {
    if (have[i]) continue;
    i64 best = 0;
    for (i64 r = 1; r < len; r++) {
      if (uncovered[r] > uncovered[best]) best = r;
    }
    double* yi = y + i * len;
    std::fill(yi, yi + len, 0.0);
    yi[best] = 1;
    for (int pass = 0; pass < 2; pass++) {
      for (i64 j = 0; j < count; j++) {
        if (!have[j]) continue;
        const double d = dot(y + j * len, yi, len);
        if (d != 0) axpy_neg(d, y + j * len, yi, len);
      }
    }
    const double nrm = std::sqrt(dot(yi, yi, len));
    for (i64 r = 0; r < len; r++) yi[r] /= nrm;
    have[i] = 1;
    for (i64 r = 0; r < len; r++) uncovered[r] -= yi[r] * yi[r];
  }
}

// ---- SVD ---------------------------------------------------------------------------

/** Applies the rotation (cs, sn) to columns p and q of the row-major n x n matrix m. */
void rotate_columns(double* m, i64 n, i64 p, i64 q, double cs, double sn) {
  for (i64 r = 0; r < n; r++) {
    const double x = m[r * n + p], y = m[r * n + q];
    m[r * n + p] = cs * x - sn * y;
    m[r * n + q] = sn * x + cs * y;
  }
}

/**
 * One-sided (Hestenes) Jacobi: rotates pairs of the k rows of g (length len each) until
 * they are mutually orthogonal relative to their norms, accumulating the rotations into
 * the columns of j (k x k) when given.
 */
void one_sided_jacobi(double* g, i64 k, i64 len, double* j) {
  const double tol = kEps * std::sqrt(static_cast<double>(len));
  for (int sweep = 0; sweep < kMaxSweeps; sweep++) {
    bool rotated = false;
    for (i64 p = 0; p + 1 < k; p++) {
      double* gp = g + p * len;
      for (i64 q = p + 1; q < k; q++) {
        double* gq = g + q * len;
        double alpha = 0, beta = 0, gamma = 0;
        for (i64 r = 0; r < len; r++) {
          const double x = gp[r], y = gq[r];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma == 0 || alpha == 0 || beta == 0) continue;
        if (std::fabs(gamma) <= tol * std::sqrt(alpha) * std::sqrt(beta)) continue;
        rotated = true;
        const double zeta = (beta - alpha) / (2 * gamma);
        const double t = (zeta >= 0 ? 1 : -1) / (std::fabs(zeta) + std::hypot(1.0, zeta));
        const double cs = 1 / std::sqrt(1 + t * t), sn = cs * t;
        for (i64 r = 0; r < len; r++) {
          const double x = gp[r], y = gq[r];
          gp[r] = cs * x - sn * y;
          gq[r] = sn * x + cs * y;
        }
        if (j != nullptr) rotate_columns(j, k, p, q, cs, sn);
      }
    }
    if (!rotated) return;
  }
}

/** Workspace of one thread's SVDs. */
struct SvdWork {
  // x is overwritten whole by each load: not zero-filled (640 KB of memset for a 10000 x 8 A).
  ScratchSet<1> x_buf;
  double* x = nullptr;
  Vec<double> tau, g, j, y, yr, norms, t, top, vty, w, ud;
  Vec<i64> order;
  Vec<uint8_t> have;
};

// Four doubles: one AVX2 register (two SSE2 ones). A row's eight columns are two of them.
typedef double Quad __attribute__((vector_size(32)));
typedef long long QuadMask __attribute__((vector_size(32)));
typedef float QuadF __attribute__((vector_size(16)));

/** Tracks the first largest magnitude of each lane (strict >: an earlier row keeps a tie). */
__attribute__((always_inline)) inline void track_lead(const Quad& v, Quad& best, Quad& lead) {
  const Quad mag = reinterpret_cast<Quad>(reinterpret_cast<QuadMask>(v) & (QuadMask{} + 0x7fffffffffffffffLL));
  const QuadMask beats = mag > best;
  best = beats ? mag : best;
  lead = beats ? v : lead;
}

/**
 * U = Y0 - V W (len x k, row-major; into u, or rounded once into u32 when that is set),
 * then, with `signs`, each column made sign-definite: sign[i] = -1 where column i's first
 * largest-magnitude entry is negative (else all 1). The first k rows (where V has its unit
 * diagonal and zeros above) go one by one; below them Y0 is zero and each row is
 * -sum_c V(r, c) W(c, :), eight columns at a time in registers, reflectors in order (the
 * same operations, in the same order, as a column at a time), leads tracked as it goes.
 */
GL_VECTOR_CLONES void tall_rows(const double* x, i64 len, i64 k, const double* top, const double* wm, double* u, float* u32, double* sign, bool signs) {
  const i64 head = std::min(k, len);
  // The first rows, and each column's first largest magnitude so far.
  Vec<double> buf(static_cast<size_t>(head * k + 2 * k));
  double* rows = buf.data();
  double* best = rows + head * k;
  double* lead = best + k;
  for (i64 i = 0; i < k; i++) { best[i] = -1; lead[i] = 0; }
  for (i64 r = 0; r < head; r++) {
    double* ur = rows + r * k;
    for (i64 i = 0; i < k; i++) ur[i] = top[r * k + i];
    for (i64 c = 0; c <= r; c++) {
      const double v = c == r ? 1.0 : x[c * len + r];
      for (i64 i = 0; i < k; i++) ur[i] -= v * wm[c * k + i];
    }
    for (i64 i = 0; i < k; i++) {
      const double a = std::fabs(ur[i]);
      if (a > best[i]) { best[i] = a; lead[i] = ur[i]; }
    }
  }
  // W's rows, eight columns at a time, zero-padded past k.
  // (Plain doubles read with memcpy: a vector of Quad would need 32-byte-aligned allocation.)
  Vec<double> wq(static_cast<size_t>(8 * k));
  for (i64 i0 = 0; i0 < k; i0 += 8) {
    const i64 kb = std::min<i64>(8, k - i0);
    double pad[16];
    for (i64 c = 0; c < k; c++) {
      for (i64 i = 0; i < 8; i++) wq[8 * c + i] = i < kb ? wm[c * k + i0 + i] : 0.0;
    }
    for (i64 i = 0; i < 8; i++) {
      pad[i] = i < kb ? best[i0 + i] : -1.0;
      pad[8 + i] = i < kb ? lead[i0 + i] : 0.0;
    }
    Quad b0, b1, l0, l1;
    std::memcpy(&b0, pad, sizeof(Quad));
    std::memcpy(&b1, pad + 4, sizeof(Quad));
    std::memcpy(&l0, pad + 8, sizeof(Quad));
    std::memcpy(&l1, pad + 12, sizeof(Quad));
    const double* wp = wq.data();
    for (i64 r = head; r < len; r++) {
      Quad a0 = Quad{}, a1 = Quad{};
      for (i64 c = 0; c < k; c++) {
        const double xv = x[c * len + r];
        Quad w0, w1;
        std::memcpy(&w0, wp + 8 * c, sizeof(Quad));
        std::memcpy(&w1, wp + 8 * c + 4, sizeof(Quad));
        a0 -= xv * w0;
        a1 -= xv * w1;
      }
      track_lead(a0, b0, l0);
      track_lead(a1, b1, l1);
      if (kb == 8) {
        if (u32 != nullptr) {
          const QuadF f0 = __builtin_convertvector(a0, QuadF), f1 = __builtin_convertvector(a1, QuadF);
          std::memcpy(u32 + r * k + i0, &f0, sizeof(QuadF));
          std::memcpy(u32 + r * k + i0 + 4, &f1, sizeof(QuadF));
        } else {
          std::memcpy(u + r * k + i0, &a0, sizeof(Quad));
          std::memcpy(u + r * k + i0 + 4, &a1, sizeof(Quad));
        }
      } else {
        double row[8];
        std::memcpy(row, &a0, sizeof(Quad));
        std::memcpy(row + 4, &a1, sizeof(Quad));
        for (i64 i = 0; i < kb; i++) {
          if (u32 != nullptr) u32[r * k + i0 + i] = static_cast<float>(row[i]);
          else u[r * k + i0 + i] = row[i];
        }
      }
    }
    std::memcpy(pad, &b0, sizeof(Quad));
    std::memcpy(pad + 4, &b1, sizeof(Quad));
    std::memcpy(pad + 8, &l0, sizeof(Quad));
    std::memcpy(pad + 12, &l1, sizeof(Quad));
    for (i64 i = 0; i < kb; i++) { best[i0 + i] = pad[i]; lead[i0 + i] = pad[8 + i]; }
  }
  bool any = false;
  for (i64 i = 0; i < k; i++) {
    sign[i] = signs && lead[i] < 0 ? -1.0 : 1.0;
    any = any || sign[i] < 0;
  }
  // The first rows, signed; then the sign flips of the rest (exact: a negation).
  for (i64 r = 0; r < head; r++) {
    for (i64 i = 0; i < k; i++) {
      const double v = rows[r * k + i] * sign[i];
      if (u32 != nullptr) u32[r * k + i] = static_cast<float>(v);
      else u[r * k + i] = v;
    }
  }
  if (!any) return;
  for (i64 r = head; r < len; r++) {
    if (u32 != nullptr) {
      for (i64 i = 0; i < k; i++) u32[r * k + i] *= static_cast<float>(sign[i]);
    } else {
      for (i64 i = 0; i < k; i++) u[r * k + i] *= sign[i];
    }
  }
}

/**
 * The thin singular vectors of a preconditioned SVD, written straight into the outputs:
 * Y = Q [Y_R; 0] = Y0 - V W in the compact WY form (one pass over V instead of one per
 * reflector). Tall: U = Y (m x k, row-major, made sign-definite in the same pass) and
 * Vh = J^T; wide: U = J and Vh = Y^T. w.yr holds Y_R's columns as rows, w.j holds J.
 */
void thin_vectors(SvdWork& w, i64 len, i64 k, bool tall, const i64* order, double* u, float* u32, double* vh) {
  const double* x = w.x;
  w.t.resize(static_cast<size_t>(k * k));
  w.top.resize(static_cast<size_t>(k * k));
  w.vty.resize(static_cast<size_t>(k * k));
  w.w.resize(static_cast<size_t>(k * k));
  double* top = w.top.data();
  for (i64 r = 0; r < k; r++) {
    for (i64 i = 0; i < k; i++) top[r * k + i] = w.yr[i * k + r];
  }
  form_t(x, len, k, w.tau.data(), w.t.data());
  form_w(x, len, k, w.t.data(), top, w.vty.data(), w.w.data());
  const double* wm = w.w.data();
  double* j = w.j.data();
  if (!tall) {
    // Vh row i = column i of Y = Y0's column i minus the columns of V weighted by W's column i.
    for (i64 i = 0; i < k; i++) {
      double* vi = vh + i * len;
      std::fill(vi, vi + len, 0.0);
      for (i64 r = 0; r < k; r++) vi[r] = top[r * k + i];
      for (i64 c = 0; c < k; c++) {
        const double d = wm[c * k + i];
        vi[c] -= d;
        axpy_neg(d, x + c * len + c + 1, vi + c + 1, len - c - 1);
      }
    }
    // U = J with columns in singular-value order, each column's largest entry positive.
    for (i64 i = 0; i < k; i++) {
      const i64 col = order[i];
      const double sign = lead_is_negative(j + col, k, k) ? -1 : 1;
      if (sign < 0) {
        for (i64 r = 0; r < len; r++) vh[i * len + r] = -vh[i * len + r];
      }
      for (i64 r = 0; r < k; r++) u[r * k + i] = sign * j[r * k + col];
    }
    return;
  }
  Vec<double> sign(static_cast<size_t>(k));
  tall_rows(x, len, k, top, wm, u, u32, sign.data(), true);
  const double* vr = sign.data();
  // Vh = J^T in singular-value order, with the signs of U's columns.
  for (i64 i = 0; i < k; i++) {
    for (i64 c = 0; c < k; c++) vh[i * k + c] = vr[i] * j[c * k + order[i]];
  }
}

// ---- thin SVD of a long, narrow matrix by Cholesky QR ---------------------------------

/** Upper Cholesky factor r of the row-major k x k g (r^T r = g); false unless every pivot is positive and finite. */
bool cholesky_upper(const double* g, i64 k, double* r) {
  std::fill(r, r + k * k, 0.0);
  for (i64 j = 0; j < k; j++) {
    double d = g[j * k + j];
    for (i64 p = 0; p < j; p++) d -= r[p * k + j] * r[p * k + j];
    if (!(d > 0) || !std::isfinite(d)) return false;
    const double rjj = std::sqrt(d);
    r[j * k + j] = rjj;
    for (i64 c = j + 1; c < k; c++) {
      double v = g[j * k + c];
      for (i64 p = 0; p < j; p++) v -= r[p * k + j] * r[p * k + c];
      r[j * k + c] = v / rjj;
    }
  }
  return true;
}

/** ri = r^-1 for the upper triangular k x k r with a nonzero diagonal (row-major; ri is upper triangular). */
void upper_inverse(const double* r, i64 k, double* ri) {
  std::fill(ri, ri + k * k, 0.0);
  for (i64 j = 0; j < k; j++) {
    for (i64 i = j; i >= 0; i--) {
      double v = i == j ? 1.0 : 0.0;
      for (i64 p = i + 1; p <= j; p++) v -= r[i * k + p] * ri[p * k + j];
      ri[i * k + j] = v / r[i * k + i];
    }
  }
}

// Cholesky QR's Q (X R^-1) is orthonormal to about eps64 * cond(X)^2 after one pass and to
// eps64 after a second pass when cond(X) is below about eps64^-1/2 over a factor that grows
// with the size (Yamamoto et al. 2015). Past these condition numbers the SVD takes the
// Householder path. One pass is enough for float32 data (its results are rounded to float32:
// 1e-16 * 1e6 is far below float32's 6e-8); two passes for anything else.
constexpr double kCholQrOnePass = 1e3;
constexpr double kCholQrTwoPass = 1e5;

/**
 * One-sided Jacobi on the k x k R (g: row c = column c of R), then the singular values in
 * descending order: w.norms, w.order (stable), s; J accumulated in w.j. Returns cond = s_max /
 * s_min (infinite when s_min is 0).
 */
double small_svd(const double* r, i64 k, SvdWork& w, double* s) {
  w.g.assign(static_cast<size_t>(k * k), 0.0);
  double* g = w.g.data();
  for (i64 c = 0; c < k; c++) {
    for (i64 rr = 0; rr <= c; rr++) g[c * k + rr] = r[rr * k + c];
  }
  w.j.assign(static_cast<size_t>(k * k), 0.0);
  for (i64 i = 0; i < k; i++) w.j[static_cast<size_t>(i * k + i)] = 1;
  one_sided_jacobi(g, k, k, w.j.data());
  w.norms.resize(static_cast<size_t>(k));
  w.order.resize(static_cast<size_t>(k));
  for (i64 i = 0; i < k; i++) {
    w.norms[i] = std::sqrt(dot(g + i * k, g + i * k, k));
    w.order[i] = i;
  }
  const double* norms = w.norms.data();
  std::stable_sort(w.order.begin(), w.order.end(), [&](i64 p, i64 q) { return norms[p] > norms[q]; });
  for (i64 i = 0; i < k; i++) s[i] = norms[w.order[i]];
  return s[k - 1] > 0 ? s[0] / s[k - 1] : INFINITY;
}

// Eight doubles, one AVX-512 register (two AVX2 ones): a row of a narrow X, zero-padded.
typedef double Oct __attribute__((vector_size(64)));
typedef long long OctMask __attribute__((vector_size(64)));
typedef float OctF __attribute__((vector_size(32)));
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GL_OCT_CLONES __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#else
#define GL_OCT_CLONES
#endif
// Cholesky QR's row sweeps keep X's row and their accumulators in Oct registers: X at most this wide.
constexpr i64 kCholQrMaxK = 8;

/** Row r of x (K <= 8 doubles) as an Oct, zero past K. */
template <int K>
__attribute__((always_inline)) inline Oct oct_row(const double* xr) {
  Oct v = {};
  std::memcpy(&v, xr, K * sizeof(double));
  return v;
}

/** y = x_r m: the sum over i < K of x_r[i] times row i of m (as Octs), in two interleaved halves. */
template <int K>
__attribute__((always_inline)) inline Oct oct_times(const double* xr, const Oct* m) {
  Oct e = {}, o = {};
#pragma GCC unroll 8
  for (int i = 0; i < K; i += 2) e += xr[i] * m[i];
#pragma GCC unroll 8
  for (int i = 1; i < K; i += 2) o += xr[i] * m[i];
  return e + o;
}

/**
 * g (K x K, row-major) = sum over the rows r of x (len x K, row-major) of q_r^T q_r, where
 * q_r = x_r m (m K x K), or x_r itself when m is null; with q (len x K) the q_r are stored
 * too. Rows are summed in order: g is exactly symmetric.
 */
template <int K>
GL_OCT_CLONES void gram_rows(const double* x, i64 len, const double* m, double* q, double* g) {
  Oct mo[K] = {}, acc[K] = {};
  if (m != nullptr) {
    for (int i = 0; i < K; i++) mo[i] = oct_row<K>(m + i * K);
  }
  for (i64 r = 0; r < len; r++) {
    const double* xr = x + r * K;
    Oct v = m != nullptr ? oct_times<K>(xr, mo) : oct_row<K>(xr);
    if (q != nullptr) std::memcpy(q + r * K, &v, K * sizeof(double));
#pragma GCC unroll 8
    for (int i = 0; i < K; i++) acc[i] += v[i] * v;
  }
  for (int i = 0; i < K; i++) std::memcpy(g + i * K, &acc[i], K * sizeof(double));
}

/**
 * y_r = x_r m (m K x K) for each row r of x (len x K, row-major): into u (row-major), or
 * rounded once into u32 when that is set, with lead[i] the first largest-magnitude entry of
 * column i (from the unrounded values).
 */
template <int K>
GL_OCT_CLONES void times_small(const double* x, i64 len, const double* m, double* u, float* u32, double* lead) {
  Oct mo[K];
  for (int i = 0; i < K; i++) mo[i] = oct_row<K>(m + i * K);
  Oct best = {} , ld = {};
  best -= 1;
  const OctMask abs_bits = OctMask{} + 0x7fffffffffffffffLL;
  for (i64 r = 0; r < len; r++) {
    const Oct y = oct_times<K>(x + r * K, mo);
    const Oct mag = reinterpret_cast<Oct>(reinterpret_cast<OctMask>(y) & abs_bits);
    const OctMask beats = mag > best;
    best = beats ? mag : best;
    ld = beats ? y : ld;
    if (u32 != nullptr) {
      const OctF f = __builtin_convertvector(y, OctF);
      std::memcpy(u32 + r * K, &f, K * sizeof(float));
    } else {
      std::memcpy(u + r * K, &y, K * sizeof(double));
    }
  }
  for (int i = 0; i < K; i++) lead[i] = ld[i];
}

/** gram_rows for a runtime k <= kCholQrMaxK. */
void gram_rows_k(i64 k, const double* x, i64 len, const double* m, double* q, double* g) {
  switch (k) {
    case 1: return gram_rows<1>(x, len, m, q, g);
    case 2: return gram_rows<2>(x, len, m, q, g);
    case 3: return gram_rows<3>(x, len, m, q, g);
    case 4: return gram_rows<4>(x, len, m, q, g);
    case 5: return gram_rows<5>(x, len, m, q, g);
    case 6: return gram_rows<6>(x, len, m, q, g);
    case 7: return gram_rows<7>(x, len, m, q, g);
    default: return gram_rows<8>(x, len, m, q, g);
  }
}

/** times_small for a runtime k <= kCholQrMaxK. */
void times_small_k(i64 k, const double* x, i64 len, const double* m, double* u, float* u32, double* lead) {
  switch (k) {
    case 1: return times_small<1>(x, len, m, u, u32, lead);
    case 2: return times_small<2>(x, len, m, u, u32, lead);
    case 3: return times_small<3>(x, len, m, u, u32, lead);
    case 4: return times_small<4>(x, len, m, u, u32, lead);
    case 5: return times_small<5>(x, len, m, u, u32, lead);
    case 6: return times_small<6>(x, len, m, u, u32, lead);
    case 7: return times_small<7>(x, len, m, u, u32, lead);
    default: return times_small<8>(x, len, m, u, u32, lead);
  }
}

/**
 * The thin SVD of a tall X (len x k, len > k; X = A, or A^T when wide) by Cholesky QR: X = Q R
 * with R from the Gram matrix X^T X, then one-sided Jacobi on the k x k R = Y_R S J^T, and
 * U = Q Y_R. One pass (Q = X R^-1), or two: Q1 = X R1^-1 = Q R2, R = R2 R1, Q = Q1 R2^-1.
 * Each pass is one sweep over the rows of X (a few multiply-adds per element), where the
 * Householder path makes two per pair of columns. Returns false, with nothing written but s,
 * when X is not finite or too ill-conditioned for it (the Householder path then takes it);
 * `single` says the input is float32. Signs and order are those of svd_into.
 */
bool svd_cholqr(const Matrices& A, i64 b, bool tall, i64 len, i64 k, bool uv, bool single, double* u, float* u32,
                double* s, double* vh, SvdWork& w) {
  thread_local ScratchSet<3> bufs;
  double* x = bufs.get<double>(0, static_cast<size_t>(len * k), "workspace");
  // X row-major: tall X(i, c) = A(i, c), wide X(i, c) = A(c, i).
  if (tall) A.load(b, x, k, 1);
  else A.load(b, x, 1, k);
  if (!all_finite(x, len * k)) return false;
  const size_t kk = static_cast<size_t>(k * k);
  Vec<double> gram(kk), r1(kk), ri1(kk), r2(kk), ri2(kk), r(kk);
  // Pass 1: G = X^T X = R1^T R1.
  gram_rows_k(k, x, len, nullptr, nullptr, gram.data());
  if (!cholesky_upper(gram.data(), k, r1.data())) return false;
  upper_inverse(r1.data(), k, ri1.data());
  double cond = small_svd(r1.data(), k, w, s);
  const bool two = !(single && cond <= kCholQrOnePass);
  double* q1 = nullptr;
  if (two) {
    if (!(cond <= kCholQrTwoPass)) return false;
    // Pass 2: Q1 = X R1^-1 (kept when the vectors are wanted) and its Gram = R2^T R2.
    if (uv) q1 = bufs.get<double>(1, static_cast<size_t>(len * k), "workspace");
    gram_rows_k(k, x, len, ri1.data(), q1, gram.data());
    if (!cholesky_upper(gram.data(), k, r2.data())) return false;
    upper_inverse(r2.data(), k, ri2.data());
    for (i64 i = 0; i < k; i++) {
      for (i64 c = i; c < k; c++) {
        double acc = 0;
        for (i64 p = i; p <= c; p++) acc += r2[i * k + p] * r1[p * k + c];
        r[i * k + c] = acc;
      }
    }
    cond = small_svd(r.data(), k, w, s);
    if (!(cond <= kCholQrTwoPass)) return false;
  }
  if (!uv) return true;
  // U = B M with M = Rinv Y_R: B = X and Rinv = R1^-1 after one pass, B = Q1 and Rinv = R2^-1
  // after two; column i of Y_R is row order[i] of Jacobi's g over its norm.
  const double* g = w.g.data();
  const i64* order = w.order.data();
  const double* ri = two ? ri2.data() : ri1.data();
  Vec<double> m(kk);
  for (i64 rr = 0; rr < k; rr++) {
    for (i64 i = 0; i < k; i++) {
      const double* gi = g + order[i] * k;
      double acc = 0;
      for (i64 p = rr; p < k; p++) acc += ri[rr * k + p] * gi[p];
      m[rr * k + i] = acc / s[i];
    }
  }
  const double* src = two ? q1 : x;
  const double* j = w.j.data();
  Vec<double> lead(static_cast<size_t>(k));
  // Tall: U = B M straight into the output; wide: into a buffer, then transposed into Vh.
  double* y = tall ? u : bufs.get<double>(2, static_cast<size_t>(len * k), "workspace");
  times_small_k(k, src, len, m.data(), y, tall ? u32 : nullptr, lead.data());
  bool any = false;
  for (i64 i = 0; i < k; i++) {
    // Deterministic signs: each left singular vector's first largest entry is positive.
    const bool flip = tall ? lead[i] < 0 : lead_is_negative(j + order[i], k, k);
    const double sg = flip ? -1.0 : 1.0;
    lead[i] = sg;
    any = any || flip;
    if (tall) {
      for (i64 c = 0; c < k; c++) vh[i * k + c] = sg * j[c * k + order[i]];
    } else {
      for (i64 rr = 0; rr < k; rr++) u[rr * k + i] = sg * j[rr * k + order[i]];
      for (i64 rr = 0; rr < len; rr++) vh[i * len + rr] = sg * y[rr * k + i];
    }
  }
  if (!tall || !any) return true;
  // The sign flips: exact negations of whole columns.
  const double* sign = lead.data();
  for (i64 rr = 0; rr < len; rr++) {
    if (u32 != nullptr) {
      for (i64 i = 0; i < k; i++) u32[rr * k + i] *= static_cast<float>(sign[i]);
    } else {
      for (i64 i = 0; i < k; i++) u[rr * k + i] *= sign[i];
    }
  }
  return true;
}

/**
 * The SVD of one matrix (see LinalgKernels.svd). X = A (tall) or A^T (wide), len x k, is
 * X = Y S J^T: U = Y, V = J when tall, U = J, V = Y when wide. A non-square X is first
 * reduced to its k x k R factor (X = Q R, as LAPACK's gesdd does for tall matrices), so
 * Jacobi sweeps k-vectors instead of len-vectors; then Y = Q [Y_R; 0] by applying the
 * reflectors, and Q's further columns complete Y to a basis when fullMatrices asks.
 */
void svd_into(const Matrices& A, i64 b, bool full, bool uv, double* u, float* u32, double* s, double* vh, SvdWork& w) {
  const i64 m = A.rows, n = A.cols, k = std::min(m, n), len = std::max(m, n);
  const bool tall = m >= n;
  const i64 uc = full ? m : k, vr = full ? n : k, need = full ? len : k;
  const bool precondition = len > k && k > 0;
  // A long, narrow, well-conditioned matrix: Cholesky QR through the GEMM (a few passes over
  // it, where Householder's reflectors make two per column pair).
  if (precondition && !full && len >= 4 * k && k <= kCholQrMaxK &&
      svd_cholqr(A, b, tall, len, k, uv, A.v->dtype == DType::F32, u, u32, s, vh, w)) {
    return;
  }
  const i64 glen = precondition ? k : len;
  w.x = w.x_buf.get<double>(0, static_cast<size_t>(len * k), "workspace");
  w.g.resize(static_cast<size_t>(k * glen));
  w.norms.resize(static_cast<size_t>(k));
  w.order.resize(static_cast<size_t>(k));
  // X column-major (column c at x + c * len): tall X(i, c) = A(i, c), wide X(i, c) = A(c, i).
  if (tall) A.load(b, w.x, 1, len);
  else A.load(b, w.x, len, 1);
  if (!all_finite(w.x, len * k)) {
    // No decomposition exists: report NaN (the op turns it into an error).
    std::fill(s, s + k, NAN);
    if (uv) {
      if (u32 != nullptr) std::fill(u32, u32 + m * uc, NAN);
      else std::fill(u, u + m * uc, NAN);
      std::fill(vh, vh + vr * n, NAN);
    }
    return;
  }
  double* g = w.g.data();
  if (precondition) {
    w.tau.resize(static_cast<size_t>(k));
    geqr2(w.x, len, k, w.tau.data());
    // Row c of g = column c of R.
    std::fill(w.g.begin(), w.g.end(), 0.0);
    for (i64 c = 0; c < k; c++) {
      for (i64 r = 0; r <= c; r++) g[c * k + r] = w.x[c * len + r];
    }
  } else {
    // Row c of g = column c of X (X is square or empty here).
    std::copy(w.x, w.x + len * k, w.g.begin());
  }
  double* j = nullptr;
  if (uv) {
    w.j.assign(static_cast<size_t>(k * k), 0.0);
    j = w.j.data();
    for (i64 i = 0; i < k; i++) j[i * k + i] = 1;
  }
  one_sided_jacobi(g, k, glen, j);
  for (i64 i = 0; i < k; i++) {
    w.norms[i] = std::sqrt(dot(g + i * glen, g + i * glen, glen));
    w.order[i] = i;
  }
  const double* norms = w.norms.data();
  std::stable_sort(w.order.begin(), w.order.end(), [&](i64 p, i64 q) { return norms[p] > norms[q]; });
  const i64* order = w.order.data();
  for (i64 i = 0; i < k; i++) s[i] = norms[order[i]];
  if (!uv) return;

  // Y: `need` orthonormal long vectors, column i at y + i * len.
  w.y.assign(precondition && !full ? 0 : static_cast<size_t>(need * len), 0.0);
  double* y = w.y.data();
  // Normalised rows of g (length glen) into rows of dst, marking them; zero norms are left.
  auto normalised = [&](double* dst, Vec<uint8_t>& have) {
    for (i64 i = 0; i < k; i++) {
      const double sv = norms[order[i]];
      if (sv == 0 || !std::isfinite(1 / sv)) continue;
      const double* gi = g + order[i] * glen;
      for (i64 r = 0; r < glen; r++) dst[i * glen + r] = gi[r] / sv;
      have[i] = 1;
    }
  };
  if (precondition) {
    w.yr.assign(static_cast<size_t>(k * k), 0.0);
    w.have.assign(static_cast<size_t>(k), 0);
    normalised(w.yr.data(), w.have);
    complete_basis(w.yr.data(), k, k, w.have);
    if (!full) {
      thin_vectors(w, len, k, tall, order, u, u32, vh);
      return;
    }
    for (i64 i = 0; i < k; i++) std::copy(w.yr.data() + i * k, w.yr.data() + (i + 1) * k, y + i * len);
    for (i64 i = k; i < need; i++) y[i * len + i] = 1;
    apply_q(w.x, len, k, w.tau.data(), y, need, false);
  } else {
    w.have.assign(static_cast<size_t>(need), 0);
    normalised(y, w.have);
    complete_basis(y, need, len, w.have);
  }

  // Deterministic signs: each left singular vector's largest entry is positive.
  for (i64 i = 0; i < k; i++) {
    const i64 col = order[i];
    const bool flip = tall ? lead_is_negative(y + i * len, len, 1) : lead_is_negative(j + col, k, k);
    if (!flip) continue;
    for (i64 r = 0; r < len; r++) y[i * len + r] = -y[i * len + r];
    for (i64 r = 0; r < k; r++) j[r * k + col] = -j[r * k + col];
  }
  for (i64 i = k; i < need; i++) {
    if (!lead_is_negative(y + i * len, len, 1)) continue;
    for (i64 r = 0; r < len; r++) y[i * len + r] = -y[i * len + r];
  }

  if (tall) {
    for (i64 r = 0; r < m; r++) {
      for (i64 i = 0; i < uc; i++) u[r * uc + i] = y[i * len + r];
    }
    for (i64 i = 0; i < n; i++) {
      for (i64 c = 0; c < n; c++) vh[i * n + c] = j[c * k + order[i]];
    }
  } else {
    for (i64 r = 0; r < m; r++) {
      for (i64 i = 0; i < m; i++) u[r * uc + i] = j[r * k + order[i]];
    }
    std::copy(y, y + vr * n, vh);
  }
}

/**
 * svd_into with U written as float64 (u) or float32 (u32, set when the input is float32):
 * the thin U of a tall matrix is rounded as it is formed; other shapes round at the end.
 */
void svd_one(const Matrices& A, i64 b, bool full, bool uv, double* u, float* u32, double* s, double* vh, SvdWork& w) {
  const i64 m = A.rows, n = A.cols, uc = full ? m : std::min(m, n);
  if (u32 == nullptr || !uv) return svd_into(A, b, full, uv, u, nullptr, s, vh, w);
  if (!full && m > n && n > 0) return svd_into(A, b, full, uv, nullptr, u32, s, vh, w);
  w.ud.resize(static_cast<size_t>(m * uc));
  svd_into(A, b, full, uv, w.ud.data(), nullptr, s, vh, w);
  for (i64 i = 0; i < m * uc; i++) u32[i] = static_cast<float>(w.ud[i]);
}

const char* run_qr(const LinalgCall& c) {
  const Matrices A(c.views[0]);
  const i64 m = A.rows, n = A.cols, k = std::min(m, n), batch = A.batch;
  const int mode = c.flags;  // 0 reduced, 1 complete, 2 r only
  if (mode < 0 || mode > 2) return "qr: bad mode";
  const i64 qc = mode == 1 ? m : k, rr = mode == 1 ? m : k;
  if (c.narrays != 3 || c.arrays[1].dtype != DType::F64 || c.arrays[2].dtype != DType::F64 ||
      (mode != 2 && c.arrays[1].length < batch * m * qc) || c.arrays[2].length < batch * rr * n) {
    return "qr(a, q, r): outputs too short or of the wrong type";
  }
  double* q = static_cast<double*>(c.arrays[1].data);
  double* r = static_cast<double*>(c.arrays[2].data);
  for_batches(batch, 2.0 * m * n * k, [&](i64 lo, i64 hi) {
    Vec<double> x(static_cast<size_t>(m * n)), tau(static_cast<size_t>(k));
    Vec<double> y(mode == 2 ? 0 : static_cast<size_t>(m * qc));
    Vec<double> eye_k(static_cast<size_t>(k * k)), t(eye_k.size()), vty(eye_k.size()), w(eye_k.size()), sign(static_cast<size_t>(k));
    for (i64 b = lo; b < hi; b++) {
      A.load(b, x.data(), 1, m);
      geqr2(x.data(), m, n, tau.data());
      double* rb = r + b * rr * n;
      std::fill(rb, rb + rr * n, 0.0);
      for (i64 i = 0; i < std::min(rr, m); i++) {
        for (i64 col = i; col < n; col++) rb[i * n + col] = x[col * m + i];
      }
      if (mode == 2) continue;
      double* qb = q + b * m * qc;
      if (mode == 0 && m > n && n > 0) {
        // Tall reduced Q = [I; 0] - V W with W = T V_1^T: the compact WY form, one pass.
        for (i64 i = 0; i < k * k; i++) eye_k[i] = (i % (k + 1)) == 0 ? 1.0 : 0.0;
        form_t(x.data(), m, k, tau.data(), t.data());
        form_w(x.data(), m, k, t.data(), eye_k.data(), vty.data(), w.data());
        tall_rows(x.data(), m, k, eye_k.data(), w.data(), qb, nullptr, sign.data(), false);
        continue;
      }
      std::fill(y.begin(), y.end(), 0.0);
      for (i64 i = 0; i < std::min(m, qc); i++) y[i * m + i] = 1;
      apply_q(x.data(), m, k, tau.data(), y.data(), qc, true);
      for (i64 i = 0; i < m; i++) {
        for (i64 col = 0; col < qc; col++) qb[i * qc + col] = y[col * m + i];
      }
    }
  });
  return nullptr;
}

const char* run_svd(const LinalgCall& c) {
  const Matrices A(c.views[0]);
  const i64 m = A.rows, n = A.cols, k = std::min(m, n), batch = A.batch;
  const bool full = (c.flags & 1) != 0, uv = (c.flags & 2) != 0;
  const i64 uc = full ? m : k, vr = full ? n : k;
  if (c.narrays != 4) return "svd(a, u, s, vh): expected 4 arrays";
  for (int i = 2; i < 4; i++) {
    if (c.arrays[i].dtype != DType::F64) return "svd: s and vh must be Float64Arrays";
  }
  if (c.arrays[1].dtype != DType::F64 && c.arrays[1].dtype != DType::F32) return "svd: u must be a Float64Array or a Float32Array";
  if (c.arrays[2].length < batch * k || (uv && (c.arrays[1].length < batch * m * uc || c.arrays[3].length < batch * vr * n))) {
    return "svd: outputs too short";
  }
  const bool u_f32 = c.arrays[1].dtype == DType::F32;
  double* u = u_f32 ? nullptr : static_cast<double*>(c.arrays[1].data);
  float* u32 = u_f32 ? static_cast<float*>(c.arrays[1].data) : nullptr;
  double* s = static_cast<double*>(c.arrays[2].data);
  double* vh = static_cast<double*>(c.arrays[3].data);
  const double len = static_cast<double>(std::max(m, n));
  for_batches(batch, 4.0 * len * k * k + 10.0 * k * k * k, [&](i64 lo, i64 hi) {
    SvdWork w;
    for (i64 b = lo; b < hi; b++) {
      svd_one(A, b, full, uv, uv && u != nullptr ? u + b * m * uc : nullptr, uv && u32 != nullptr ? u32 + b * m * uc : nullptr, s + b * k, uv ? vh + b * vr * n : nullptr, w);
    }
  });
  return nullptr;
}

// ---- symmetric eigendecomposition --------------------------------------------------

/** Cyclic Jacobi on the symmetric n x n matrix s (destroyed), accumulating eigenvectors as columns of v. */
void symmetric_jacobi(double* s, i64 n, double* v) {
  double fro = 0;
  for (i64 i = 0; i < n * n; i++) fro += s[i] * s[i];
  // Below this, an off-diagonal entry is rounding noise at the scale of the matrix.
  const double floor = kEps * 1e-3 * std::sqrt(fro);
  for (int sweep = 0; sweep < kMaxSweeps; sweep++) {
    bool rotated = false;
    for (i64 p = 0; p + 1 < n; p++) {
      for (i64 q = p + 1; q < n; q++) {
        const double apq = s[p * n + q];
        if (apq == 0) continue;
        const double app = s[p * n + p], aqq = s[q * n + q];
        if (std::fabs(apq) <= floor || std::fabs(apq) <= kEps * std::sqrt(std::fabs(app)) * std::sqrt(std::fabs(aqq))) {
          s[p * n + q] = 0;
          s[q * n + p] = 0;
          continue;
        }
        rotated = true;
        const double theta = (aqq - app) / (2 * apq);
        const double t = (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::hypot(1.0, theta));
        const double cs = 1 / std::sqrt(1 + t * t), sn = cs * t;
        for (i64 r = 0; r < n; r++) {
          if (r == p || r == q) continue;
          const double x = s[r * n + p], y = s[r * n + q];
          const double nx = cs * x - sn * y, ny = sn * x + cs * y;
          s[r * n + p] = nx;
          s[p * n + r] = nx;
          s[r * n + q] = ny;
          s[q * n + r] = ny;
        }
        s[p * n + p] = app - t * apq;
        s[q * n + q] = aqq + t * apq;
        s[p * n + q] = 0;
        s[q * n + p] = 0;
        if (v != nullptr) rotate_columns(v, n, p, q, cs, sn);
      }
    }
    if (!rotated) return;
  }
}

const char* run_eigh(const LinalgCall& c) {
  const Matrices A(c.views[0]);
  const i64 n = A.cols, batch = A.batch;
  const bool upper = (c.flags & 1) != 0, vectors = (c.flags & 2) != 0;
  if (A.rows != n) return "eigh: expected square matrices";
  if (c.narrays != 3 || c.arrays[1].dtype != DType::F64 || c.arrays[2].dtype != DType::F64 || c.arrays[1].length < batch * n ||
      (vectors && c.arrays[2].length < batch * n * n)) {
    return "eigh(a, values, vectors): outputs too short or of the wrong type";
  }
  double* values = static_cast<double*>(c.arrays[1].data);
  double* vecs = static_cast<double*>(c.arrays[2].data);
  for_batches(batch, 10.0 * n * n * n, [&](i64 lo, i64 hi) {
    Vec<double> a(static_cast<size_t>(n * n)), s(static_cast<size_t>(n * n));
    Vec<double> v(vectors ? static_cast<size_t>(n * n) : 0);
    Vec<i64> order(static_cast<size_t>(n));
    for (i64 b = lo; b < hi; b++) {
      A.load(b, a.data(), n, 1);
      for (i64 i = 0; i < n; i++) {
        for (i64 col = 0; col < n; col++) {
          const i64 hi_ = std::max(i, col), lo_ = std::min(i, col);
          s[i * n + col] = upper ? a[lo_ * n + hi_] : a[hi_ * n + lo_];
        }
      }
      if (!all_finite(s.data(), n * n)) {
        std::fill(values + b * n, values + (b + 1) * n, NAN);
        if (vectors) std::fill(vecs + b * n * n, vecs + (b + 1) * n * n, NAN);
        continue;
      }
      if (vectors) {
        std::fill(v.begin(), v.end(), 0.0);
        for (i64 i = 0; i < n; i++) v[i * n + i] = 1;
      }
      symmetric_jacobi(s.data(), n, vectors ? v.data() : nullptr);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](i64 p, i64 q) { return s[p * n + p] < s[q * n + q]; });
      for (i64 i = 0; i < n; i++) values[b * n + i] = s[order[i] * n + order[i]];
      if (!vectors) continue;
      double* vb = vecs + b * n * n;
      for (i64 i = 0; i < n; i++) {
        const i64 col = order[i];
        const double sign = lead_is_negative(v.data() + col, n, n) ? -1 : 1;
        for (i64 r = 0; r < n; r++) vb[r * n + i] = sign * v[r * n + col];
      }
    }
  });
  return nullptr;
}

}  // namespace

const char* linalg_run(const LinalgCall& call) {
  const int want_views = call.op == LinalgOp::LuSolve || call.op == LinalgOp::TriangularSolve ? 2 : 1;
  if (call.nviews != want_views) return "linalg: wrong number of views";
  for (int i = 0; i < call.nviews; i++) {
    if (call.views[i].nd < 2) return "linalg: every operand must have at least 2 dims";
  }
  switch (call.op) {
    case LinalgOp::Lu: return run_lu(call);
    case LinalgOp::LuSolve: return run_lu_solve(call);
    case LinalgOp::Det: return run_det(call);
    case LinalgOp::TriangularSolve: return run_triangular_solve(call);
    case LinalgOp::Qr: return run_qr(call);
    case LinalgOp::Svd: return run_svd(call);
    case LinalgOp::Eigh: return run_eigh(call);
  }
  return "linalg: unknown op";
}

}  // namespace gl
