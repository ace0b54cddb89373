// Fused softmax / logSoftmax and layer normalisation kernels. Operands arrive contiguous
// (the TypeScript side copies other layouts) and of one dtype; a row is the elements one
// normalisation spans, read with a stride `inner` (1 on the fast path: the last dim).
// Each row is computed by one thread with the same code, and the weight/bias gradients sum
// fixed blocks of rows in a fixed order, so results do not depend on the thread count.
#include "norm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "common.h"
#include "parallel.h"

// The 8-lane vectors stay inside this file's inline functions, so their ABI never matters.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace gl {
namespace {

// ---- 8-lane float vectors (GCC vector extensions: AVX where enabled, else two SSE halves)

using v8f = float __attribute__((vector_size(32)));
using v8i = int32_t __attribute__((vector_size(32)));

inline v8f load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }
inline v8f splat(float x) { return v8f{} + x; }

/** Sum of the lanes in a fixed order. */
inline float hsum(v8f v) { return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7])); }

// exp by Cody-Waite reduction to [-ln2/2, ln2/2] and Cephes' degree-6 polynomial (~1 ulp).
// Results below exp(-86) (< 2^-124) flush to 0; above ln(FLT_MAX) they are +inf; NaN stays NaN.
constexpr float kExpLo = -86.0f;
constexpr float kExpHi = 88.72283935546875f;

inline v8f exp8(v8f x) {
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

/** Loads n < 8 floats into a vector padded with `fill`. */
inline v8f load_tail(const float* p, i64 n, float fill) {
  float buf[8];
  for (int k = 0; k < 8; k++) buf[k] = k < n ? p[k] : fill;
  return load8(buf);
}
inline void store_tail(float* p, v8f v, i64 n) {
  float buf[8];
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
    for (; j + 8 <= n; j += 8) {
      const v8f v = load8(x + j);
      m = (v > m) | (v != v) ? v : m;  // a NaN lane stays: comparisons with it are false
    }
    float r = -std::numeric_limits<float>::infinity();
    for (int k = 0; k < 8; k++) r = nan_max(r, m[k]);
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
    for (; j + 8 <= n; j += 8) {
      const v8f e = exp8(load8(x + j) - m);
      if (!log) store8(out + j, e);
      acc += e;
    }
    if (j < n) {
      const v8f e = exp8(load_tail(x + j, n - j, -std::numeric_limits<float>::infinity()) - m);
      if (!log) store_tail(out + j, e, n - j);
      acc += e;
    }
    const float s = hsum(acc);
    if (log) {
      const float ls = std::log(s);
      for (j = 0; j + 8 <= n; j += 8) store8(out + j, (load8(x + j) - m) - ls);
      for (; j < n; j++) out[j] = (x[j] - m) - ls;
    } else {
      for (j = 0; j + 8 <= n; j += 8) store8(out + j, load8(out + j) / s);
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
    for (; j + 8 <= n; j += 8) acc += log ? load8(g + j) : load8(g + j) * load8(y + j);
    float s = hsum(acc);
    for (; j < n; j++) s += log ? g[j] : g[j] * y[j];
    if (log) {
      for (j = 0; j + 8 <= n; j += 8) store8(out + j, load8(g + j) - exp8(load8(y + j)) * s);
      if (j < n) {
        const v8f e = exp8(load_tail(y + j, n - j, 0.0f));
        for (i64 k = 0; j + k < n; k++) out[j + k] = g[j + k] - e[k] * s;
      }
    } else {
      for (j = 0; j + 8 <= n; j += 8) store8(out + j, load8(y + j) * (load8(g + j) - s));
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
    std::vector<T> a(n), b(n);
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
    std::vector<T> a(n), b(n), c(n);
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
  std::vector<double> partial(width ? static_cast<size_t>(blocks * width) : 0);
  const int nt = tasks_for(rows, n);
  const int ntasks = static_cast<int>(std::min<i64>(nt, blocks));
  parallel_for(std::max(ntasks, 1), [&](int t) {
    const i64 b0 = blocks * t / std::max(ntasks, 1), b1 = blocks * (t + 1) / std::max(ntasks, 1);
    std::vector<T> xh(n), gw(n);
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

// ---- N-API glue ----

struct Arr {
  void* data = nullptr;
  i64 length = 0;
  DType dtype = DType::F32;
  bool present = false;
};

/** A Float32Array/Float64Array argument; null/undefined gives an absent one when `optional`. */
bool get_arr(const Napi::CallbackInfo& info, size_t i, Arr* out, bool optional = false) {
  if (info.Length() <= i) return false;
  napi_value v = info[i];
  if (optional && (info[i].IsNull() || info[i].IsUndefined())) return true;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(info.Env(), v, &type, &length, &data, nullptr, nullptr) != napi_ok) return false;
  if (type == napi_float32_array) out->dtype = DType::F32;
  else if (type == napi_float64_array) out->dtype = DType::F64;
  else return false;
  out->data = data;
  out->length = static_cast<i64>(length);
  out->present = true;
  return true;
}

bool get_int(const Napi::CallbackInfo& info, size_t i, i64* out) {
  if (info.Length() <= i || !info[i].IsNumber()) return false;
  const double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 9007199254740992.0) || d != std::floor(d)) return false;
  *out = static_cast<i64>(d);
  return true;
}

Napi::Value fail(Napi::Env env, const char* msg) {
  Napi::TypeError::New(env, std::string("native backend: ") + msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

/** Whether [off, off + count) lies inside the array, and the dtype matches. */
bool fits(const Arr& a, i64 off, i64 count, DType dt) { return a.present && a.dtype == dt && off >= 0 && off + count <= a.length; }

template <class T>
T* at(const Arr& a, i64 off) { return a.present ? static_cast<T*>(a.data) + off : nullptr; }

// softmax(out, x, xOff, outer, n, inner, log)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Arr out, x;
  i64 xo, outer, n, inner;
  if (!get_arr(info, 0, &out) || !get_arr(info, 1, &x) || !get_int(info, 2, &xo) || !get_int(info, 3, &outer) ||
      !get_int(info, 4, &n) || !get_int(info, 5, &inner) || info.Length() < 7) {
    return fail(info.Env(), "softmax(out, x, xOff, outer, n, inner, log)");
  }
  const bool log = info[6].ToBoolean().Value();
  const i64 total = outer * n * inner;
  if (!fits(out, 0, total, x.dtype) || !fits(x, xo, total, x.dtype)) return fail(info.Env(), "softmax: arrays too short or of different dtypes");
  if (total == 0) return info.Env().Undefined();
  if (x.dtype == DType::F32) softmax_t(at<float>(out, 0), at<const float>(x, xo), outer, n, inner, log);
  else softmax_t(at<double>(out, 0), at<const double>(x, xo), outer, n, inner, log);
  return info.Env().Undefined();
}

// softmaxBackward(out, y, yOff, g, gOff, outer, n, inner, log)
Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  Arr out, y, g;
  i64 yo, go, outer, n, inner;
  if (!get_arr(info, 0, &out) || !get_arr(info, 1, &y) || !get_int(info, 2, &yo) || !get_arr(info, 3, &g) ||
      !get_int(info, 4, &go) || !get_int(info, 5, &outer) || !get_int(info, 6, &n) || !get_int(info, 7, &inner) ||
      info.Length() < 9) {
    return fail(info.Env(), "softmaxBackward(out, y, yOff, g, gOff, outer, n, inner, log)");
  }
  const bool log = info[8].ToBoolean().Value();
  const i64 total = outer * n * inner;
  const DType dt = y.dtype;
  if (!fits(out, 0, total, dt) || !fits(y, yo, total, dt) || !fits(g, go, total, dt)) {
    return fail(info.Env(), "softmaxBackward: arrays too short or of different dtypes");
  }
  if (total == 0) return info.Env().Undefined();
  if (dt == DType::F32) softmax_backward_t(at<float>(out, 0), at<const float>(y, yo), at<const float>(g, go), outer, n, inner, log);
  else softmax_backward_t(at<double>(out, 0), at<const double>(y, yo), at<const double>(g, go), outer, n, inner, log);
  return info.Env().Undefined();
}

// layerNorm(y, mean, rstd, x, xOff, w | null, wOff, b | null, bOff, rows, n, eps)
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Arr y, mean, rstd, x, w, b;
  i64 xo, wo, bo, rows, n;
  if (!get_arr(info, 0, &y) || !get_arr(info, 1, &mean) || !get_arr(info, 2, &rstd) || !get_arr(info, 3, &x) ||
      !get_int(info, 4, &xo) || !get_arr(info, 5, &w, true) || !get_int(info, 6, &wo) || !get_arr(info, 7, &b, true) ||
      !get_int(info, 8, &bo) || !get_int(info, 9, &rows) || !get_int(info, 10, &n) || info.Length() < 12 || !info[11].IsNumber()) {
    return fail(info.Env(), "layerNorm(y, mean, rstd, x, xOff, w, wOff, b, bOff, rows, n, eps)");
  }
  const double eps = info[11].As<Napi::Number>().DoubleValue();
  const DType dt = x.dtype;
  if (!fits(y, 0, rows * n, dt) || !fits(mean, 0, rows, dt) || !fits(rstd, 0, rows, dt) || !fits(x, xo, rows * n, dt) ||
      (w.present && !fits(w, wo, n, dt)) || (b.present && !fits(b, bo, n, dt))) {
    return fail(info.Env(), "layerNorm: arrays too short or of different dtypes");
  }
  if (rows == 0 || n == 0) return info.Env().Undefined();
  if (dt == DType::F32) {
    layer_norm_t(at<float>(y, 0), at<float>(mean, 0), at<float>(rstd, 0), at<const float>(x, xo), at<const float>(w, wo),
                 at<const float>(b, bo), rows, n, eps);
  } else {
    layer_norm_t(at<double>(y, 0), at<double>(mean, 0), at<double>(rstd, 0), at<const double>(x, xo), at<const double>(w, wo),
                 at<const double>(b, bo), rows, n, eps);
  }
  return info.Env().Undefined();
}

// layerNormBackward(dx, dw | null, db | null, g, gOff, x, xOff, mean, mOff, rstd, rOff, w | null, wOff, rows, n)
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  Arr dx, dw, db, g, x, mean, rstd, w;
  i64 go, xo, mo, ro, wo, rows, n;
  if (!get_arr(info, 0, &dx) || !get_arr(info, 1, &dw, true) || !get_arr(info, 2, &db, true) || !get_arr(info, 3, &g) ||
      !get_int(info, 4, &go) || !get_arr(info, 5, &x) || !get_int(info, 6, &xo) || !get_arr(info, 7, &mean) ||
      !get_int(info, 8, &mo) || !get_arr(info, 9, &rstd) || !get_int(info, 10, &ro) || !get_arr(info, 11, &w, true) ||
      !get_int(info, 12, &wo) || !get_int(info, 13, &rows) || !get_int(info, 14, &n)) {
    return fail(info.Env(), "layerNormBackward(dx, dw, db, g, gOff, x, xOff, mean, mOff, rstd, rOff, w, wOff, rows, n)");
  }
  const DType dt = x.dtype;
  if (!fits(dx, 0, rows * n, dt) || (dw.present && !fits(dw, 0, n, dt)) || (db.present && !fits(db, 0, n, dt)) ||
      !fits(g, go, rows * n, dt) || !fits(x, xo, rows * n, dt) || !fits(mean, mo, rows, dt) || !fits(rstd, ro, rows, dt) ||
      (w.present && !fits(w, wo, n, dt))) {
    return fail(info.Env(), "layerNormBackward: arrays too short or of different dtypes");
  }
  if (n == 0) return info.Env().Undefined();
  if (dt == DType::F32) {
    layer_norm_backward_t(at<float>(dx, 0), at<float>(dw, 0), at<float>(db, 0), at<const float>(g, go), at<const float>(x, xo),
                          at<const float>(mean, mo), at<const float>(rstd, ro), at<const float>(w, wo), rows, n);
  } else {
    layer_norm_backward_t(at<double>(dx, 0), at<double>(dw, 0), at<double>(db, 0), at<const double>(g, go), at<const double>(x, xo),
                          at<const double>(mean, mo), at<const double>(rstd, ro), at<const double>(w, wo), rows, n);
  }
  return info.Env().Undefined();
}

}  // namespace

void register_norm(Napi::Env env, Napi::Object exports) {
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackward, "softmaxBackward"));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm, "layerNorm"));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackward, "layerNormBackward"));
}

}  // namespace gl
