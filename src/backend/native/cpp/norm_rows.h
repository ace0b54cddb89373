// The row kernels of norm.cc, compiled once per instruction set: norm.cc includes this file
// in a namespace of its own with GL_NORM_LANES set (4: SSE2 baseline; 8: AVX2 + FMA under a
// target pragma), after the standard headers it uses. No include guard on purpose.

// ---- float vectors of kLanes lanes (GCC vector extensions)

constexpr int kLanes = GL_NORM_LANES;
using v8f = float __attribute__((vector_size(4 * GL_NORM_LANES)));
using v8i = int32_t __attribute__((vector_size(4 * GL_NORM_LANES)));

inline v8f load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }
inline v8f splat(float x) { return v8f{} + x; }

/** Sum of the lanes in a fixed order (halving: lane i + lane i + width/2). */
inline float hsum(v8f v) {
  float t[kLanes];
  std::memcpy(t, &v, sizeof t);
  for (int w = kLanes / 2; w >= 1; w /= 2) {
    for (int i = 0; i < w; i++) t[i] += t[i + w];
  }
  return t[0];
}

// exp by Cody-Waite reduction to [-ln2/2, ln2/2] and Cephes' degree-6 polynomial (~1 ulp).
// Results below exp(-86) (< 2^-124) flush to 0; above ln(FLT_MAX) they are +inf; NaN stays NaN.
constexpr float kExpLo = -86.0f;
constexpr float kExpHi = 88.72283935546875f;

inline v8f vexp(v8f x) {
  const v8f xc = x < kExpLo ? splat(kExpLo) : (x > kExpHi ? splat(kExpHi) : x);
  const v8f fx = xc * 1.44269504088896341f + 0.5f;
  v8f nf = __builtin_convertvector(__builtin_convertvector(fx, v8i), v8f);
  nf = nf > fx ? nf - 1.0f : nf;  // floor
  v8f r = xc - nf * 0.693359375f;
  r = r - nf * -2.12194440e-4f;
  const v8f z = r * r;
  v8f p = splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const v8f y = p * z + r + 1.0f;
  // 2^n as 2 * 2^(n-1): n reaches 128 at the top of the range, n - 1 stays a normal exponent.
  const v8i bits = (__builtin_convertvector(nf, v8i) + 126) << 23;
  v8f scale;
  std::memcpy(&scale, &bits, sizeof scale);
  v8f out = (y + y) * scale;
  out = x < kExpLo ? splat(0.0f) : out;
  out = x > kExpHi ? splat(std::numeric_limits<float>::infinity()) : out;
  return out;
}

/** Loads n < kLanes floats into a vector padded with `fill`. */
inline v8f load_tail(const float* p, i64 n, float fill) {
  float buf[kLanes];
  for (int k = 0; k < kLanes; k++) buf[k] = k < n ? p[k] : fill;
  return load8(buf);
}
inline void store_tail(float* p, v8f v, i64 n) {
  float buf[kLanes];
  store8(buf, v);
  for (i64 k = 0; k < n; k++) p[k] = buf[k];
}

/** max with NaN winning, as max reductions do. */
template <class T>
inline T nan_max(T a, T b) { return (b > a || b != b) && a == a ? b : a; }

// ---- softmax rows: x, out contiguous with n elements ----

template <class T>
T row_max(const T* x, i64 n) {
  if constexpr (std::is_same_v<T, float>) {
    v8f m = splat(-std::numeric_limits<float>::infinity());
    i64 j = 0;
    for (; j + kLanes <= n; j += kLanes) {
      const v8f v = load8(x + j);
      m = (v > m) | (v != v) ? v : m;  // a NaN lane stays: comparisons with it are false
    }
    float r = -std::numeric_limits<float>::infinity();
    for (int k = 0; k < kLanes; k++) r = nan_max(r, m[k]);
    for (; j < n; j++) r = nan_max(r, x[j]);
    return r;
  } else {
    T r = -std::numeric_limits<T>::infinity();
    for (i64 j = 0; j < n; j++) r = nan_max(r, x[j]);
    return r;
  }
}

template <class T>
void softmax_row(const T* x, T* out, i64 n, bool log) {
  const T m = row_max(x, n);
  if constexpr (std::is_same_v<T, float>) {
    v8f acc = splat(0.0f);
    i64 j = 0;
    for (; j + kLanes <= n; j += kLanes) {
      const v8f e = vexp(load8(x + j) - m);
      if (!log) store8(out + j, e);
      acc += e;
    }
    if (j < n) {
      const v8f e = vexp(load_tail(x + j, n - j, -std::numeric_limits<float>::infinity()) - m);
      if (!log) store_tail(out + j, e, n - j);
      acc += e;
    }
    const float s = hsum(acc);
    if (log) {
      const float ls = std::log(s);
      for (j = 0; j + kLanes <= n; j += kLanes) store8(out + j, (load8(x + j) - m) - ls);
      for (; j < n; j++) out[j] = (x[j] - m) - ls;
    } else {
      for (j = 0; j + kLanes <= n; j += kLanes) store8(out + j, load8(out + j) / s);
      for (; j < n; j++) out[j] = out[j] / s;
    }
  } else {
    T s = 0;
    for (i64 j = 0; j < n; j++) {
      const T e = std::exp(x[j] - m);
      if (!log) out[j] = e;
      s += e;
    }
    if (log) {
      const T ls = std::log(s);
      for (i64 j = 0; j < n; j++) out[j] = (x[j] - m) - ls;
    } else {
      for (i64 j = 0; j < n; j++) out[j] = out[j] / s;
    }
  }
}

template <class T>
void softmax_backward_row(const T* y, const T* g, T* out, i64 n, bool log) {
  if constexpr (std::is_same_v<T, float>) {
    v8f acc = splat(0.0f);
    i64 j = 0;
    for (; j + kLanes <= n; j += kLanes) acc += log ? load8(g + j) : load8(g + j) * load8(y + j);
    float s = hsum(acc);
    for (; j < n; j++) s += log ? g[j] : g[j] * y[j];
    if (log) {
      for (j = 0; j + kLanes <= n; j += kLanes) store8(out + j, load8(g + j) - vexp(load8(y + j)) * s);
      if (j < n) {
        const v8f e = vexp(load_tail(y + j, n - j, 0.0f));
        for (i64 k = 0; j + k < n; k++) out[j + k] = g[j + k] - e[k] * s;
      }
    } else {
      for (j = 0; j + kLanes <= n; j += kLanes) store8(out + j, load8(y + j) * (load8(g + j) - s));
      for (; j < n; j++) out[j] = y[j] * (g[j] - s);
    }
  } else {
    T s = 0;
    for (i64 j = 0; j < n; j++) s += log ? g[j] : g[j] * y[j];
    for (i64 j = 0; j < n; j++) out[j] = log ? g[j] - std::exp(y[j]) * s : y[j] * (g[j] - s);
  }
}

/** Rows per task so that a task has at least ~16K elements; at most the pool's threads. */
int tasks_for(i64 rows, i64 n) {
  const i64 per = std::max<i64>(1, (i64{1} << 14) / std::max<i64>(n, 1));
  const i64 t = std::min<i64>(pool_threads(), (rows + per - 1) / per);
  return static_cast<int>(std::max<i64>(t, 1));
}

/** Runs row(r, in_buf, out_buf) for every row, split into contiguous ranges over the pool. */
template <class F>
void for_rows(i64 rows, i64 n, F&& row) {
  const int nt = tasks_for(rows, n);
  parallel_for(nt, [&](int t) {
    const i64 r0 = rows * t / nt, r1 = rows * (t + 1) / nt;
    row(r0, r1);
  });
}

template <class T>
void softmax_t(T* out, const T* x, i64 outer, i64 n, i64 inner, bool log) {
  const i64 rows = outer * inner;
  for_rows(rows, n, [&](i64 r0, i64 r1) {
    if (inner == 1) {
      for (i64 r = r0; r < r1; r++) softmax_row(x + r * n, out + r * n, n, log);
      return;
    }
    Vec<T> a(n), b(n);
    for (i64 r = r0; r < r1; r++) {
      const i64 base = (r / inner) * n * inner + r % inner;
      for (i64 j = 0; j < n; j++) a[j] = x[base + j * inner];
      softmax_row(a.data(), b.data(), n, log);
      for (i64 j = 0; j < n; j++) out[base + j * inner] = b[j];
    }
  });
}

template <class T>
void softmax_backward_t(T* out, const T* y, const T* g, i64 outer, i64 n, i64 inner, bool log) {
  const i64 rows = outer * inner;
  for_rows(rows, n, [&](i64 r0, i64 r1) {
    if (inner == 1) {
      for (i64 r = r0; r < r1; r++) softmax_backward_row(y + r * n, g + r * n, out + r * n, n, log);
      return;
    }
    Vec<T> a(n), b(n), c(n);
    for (i64 r = r0; r < r1; r++) {
      const i64 base = (r / inner) * n * inner + r % inner;
      for (i64 j = 0; j < n; j++) {
        a[j] = y[base + j * inner];
        b[j] = g[base + j * inner];
      }
      softmax_backward_row(a.data(), b.data(), c.data(), n, log);
      for (i64 j = 0; j < n; j++) out[base + j * inner] = c[j];
    }
  });
}

// ---- layer norm: x [rows, n] contiguous; weight, bias [n] or null ----

/** Sum of n values in double, eight independent accumulators combined in a fixed order. */
template <class T, class F>
inline double sum8(i64 n, F&& term) {
  double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  i64 j = 0;
  for (; j + 8 <= n; j += 8) {
    for (int k = 0; k < 8; k++) a[k] += term(j + k);
  }
  for (int k = 0; j < n; j++, k++) a[k] += term(j);
  return ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
}

template <class T>
void layer_norm_t(T* y, T* mean, T* rstd, const T* x, const T* w, const T* b, i64 rows, i64 n, double eps) {
  for_rows(rows, n, [&](i64 r0, i64 r1) {
    for (i64 r = r0; r < r1; r++) {
      const T* xr = x + r * n;
      T* yr = y + r * n;
      const double mu = sum8<T>(n, [&](i64 j) { return static_cast<double>(xr[j]); }) / static_cast<double>(n);
      const double var = sum8<T>(n, [&](i64 j) {
        const double d = static_cast<double>(xr[j]) - mu;
        return d * d;
      }) / static_cast<double>(n);
      const double rs = 1.0 / std::sqrt(var + eps);
      mean[r] = static_cast<T>(mu);
      rstd[r] = static_cast<T>(rs);
      const T m = static_cast<T>(mu), s = static_cast<T>(rs);
      if (w && b) {
        for (i64 j = 0; j < n; j++) yr[j] = (xr[j] - m) * s * w[j] + b[j];
      } else if (w) {
        for (i64 j = 0; j < n; j++) yr[j] = (xr[j] - m) * s * w[j];
      } else if (b) {
        for (i64 j = 0; j < n; j++) yr[j] = (xr[j] - m) * s + b[j];
      } else {
        for (i64 j = 0; j < n; j++) yr[j] = (xr[j] - m) * s;
      }
    }
  });
}

// Rows per block of the weight/bias gradient sums: a fixed size, so the summation order is too.
constexpr i64 kRowBlock = 32;

template <class T>
void layer_norm_backward_t(T* dx, T* dw, T* db, const T* g, const T* x, const T* mean, const T* rstd, const T* w,
                           i64 rows, i64 n) {
  const i64 blocks = (rows + kRowBlock - 1) / kRowBlock;
  // Per block: n partial sums of g * xhat (dw), then n of g (db), in double.
  const i64 width = (dw ? n : 0) + (db ? n : 0);
  Vec<double> partial(width ? static_cast<size_t>(blocks * width) : 0);
  const int nt = tasks_for(rows, n);
  const int ntasks = static_cast<int>(std::min<i64>(nt, blocks));
  parallel_for(std::max(ntasks, 1), [&](int t) {
    const i64 b0 = blocks * t / std::max(ntasks, 1), b1 = blocks * (t + 1) / std::max(ntasks, 1);
    Vec<T> xh(n), gw(n);
    for (i64 blk = b0; blk < b1; blk++) {
      double* pw = dw ? partial.data() + blk * width : nullptr;
      double* pb = db ? partial.data() + blk * width + (dw ? n : 0) : nullptr;
      if (pw) std::fill(pw, pw + n, 0.0);
      if (pb) std::fill(pb, pb + n, 0.0);
      const i64 r_end = std::min(rows, (blk + 1) * kRowBlock);
      for (i64 r = blk * kRowBlock; r < r_end; r++) {
        const T* gr = g + r * n;
        const T* xr = x + r * n;
        T* dr = dx + r * n;
        const T m = mean[r], s = rstd[r];
        for (i64 j = 0; j < n; j++) xh[j] = (xr[j] - m) * s;
        if (w) {
          for (i64 j = 0; j < n; j++) gw[j] = gr[j] * w[j];
        } else {
          for (i64 j = 0; j < n; j++) gw[j] = gr[j];
        }
        const double a = sum8<T>(n, [&](i64 j) { return static_cast<double>(gw[j]); }) / static_cast<double>(n);
        const double c = sum8<T>(n, [&](i64 j) { return static_cast<double>(gw[j]) * static_cast<double>(xh[j]); }) / static_cast<double>(n);
        const T af = static_cast<T>(a), cf = static_cast<T>(c);
        for (i64 j = 0; j < n; j++) dr[j] = s * (gw[j] - af - xh[j] * cf);
        if (pw) for (i64 j = 0; j < n; j++) pw[j] += static_cast<double>(gr[j] * xh[j]);
        if (pb) for (i64 j = 0; j < n; j++) pb[j] += static_cast<double>(gr[j]);
      }
    }
  });
  for (i64 j = 0; j < n; j++) {
    double sw = 0, sb = 0;
    for (i64 blk = 0; blk < blocks; blk++) {
      if (dw) sw += partial[blk * width + j];
      if (db) sb += partial[blk * width + (dw ? n : 0) + j];
    }
    if (dw) dw[j] = static_cast<T>(sw);
    if (db) db[j] = static_cast<T>(sb);
  }
}

