// Fused softmax / logSoftmax and layer normalisation kernels. Operands arrive contiguous
// (the TypeScript side copies other layouts) and of one dtype; a row is the elements one
// normalisation spans, read with a stride `inner` (1 on the fast path: the last dim).
// Each row is computed by one thread with the same code, and the weight/bias gradients sum
// fixed blocks of rows in a fixed order, so results do not depend on the thread count.
#include "norm.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "common.h"
#include "gemm.h"
#include "kernel_guard.h"
#include "parallel.h"

// The vectors stay inside this file's inline functions, so their ABI never matters.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace gl {
// The row kernels for the baseline instruction set...
namespace norm_base {
#define GL_NORM_LANES 4
#include "norm_rows.h"
#undef GL_NORM_LANES
}  // namespace norm_base

// ...and for AVX2 + FMA, chosen at run time where the CPU has them.
#if defined(__x86_64__) && defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace norm_avx2 {
#define GL_NORM_LANES 8
#include "norm_rows.h"
#undef GL_NORM_LANES
}  // namespace norm_avx2
#pragma GCC pop_options
#define GL_NORM_HAVE_AVX2 1
#endif

namespace {

// The softmax row kernels by address (templates inside the ISA namespaces), for the fused attention.
template <class T> void norm_base_softmax_row(const T* x, T* out, i64 n, bool log) { norm_base::softmax_row<T>(x, out, n, log); }
template <class T> void norm_base_softmax_backward_row(const T* y, const T* g, T* out, i64 n, bool log) { norm_base::softmax_backward_row<T>(y, g, out, n, log); }
#ifdef GL_NORM_HAVE_AVX2
__attribute__((target("avx2,fma"))) void avx2_softmax_row_f(const float* x, float* out, i64 n, bool log) { norm_avx2::softmax_row<float>(x, out, n, log); }
__attribute__((target("avx2,fma"))) void avx2_softmax_row_d(const double* x, double* out, i64 n, bool log) { norm_avx2::softmax_row<double>(x, out, n, log); }
__attribute__((target("avx2,fma"))) void avx2_softmax_backward_row_f(const float* y, const float* g, float* out, i64 n, bool log) { norm_avx2::softmax_backward_row<float>(y, g, out, n, log); }
__attribute__((target("avx2,fma"))) void avx2_softmax_backward_row_d(const double* y, const double* g, double* out, i64 n, bool log) { norm_avx2::softmax_backward_row<double>(y, g, out, n, log); }
template <class T> void norm_avx2_softmax_row(const T* x, T* out, i64 n, bool log) {
  if constexpr (std::is_same_v<T, float>) avx2_softmax_row_f(x, out, n, log); else avx2_softmax_row_d(x, out, n, log);
}
template <class T> void norm_avx2_softmax_backward_row(const T* y, const T* g, T* out, i64 n, bool log) {
  if constexpr (std::is_same_v<T, float>) avx2_softmax_backward_row_f(y, g, out, n, log); else avx2_softmax_backward_row_d(y, g, out, n, log);
}
#else
template <class T> void norm_avx2_softmax_row(const T* x, T* out, i64 n, bool log) { norm_base::softmax_row<T>(x, out, n, log); }
template <class T> void norm_avx2_softmax_backward_row(const T* y, const T* g, T* out, i64 n, bool log) { norm_base::softmax_backward_row<T>(y, g, out, n, log); }
#endif

/** Whether this CPU can run the AVX2 row kernels. */
bool cpu_has_avx2() {
#ifdef GL_NORM_HAVE_AVX2
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
#else
  return false;
#endif
}

// The row kernels in use: AVX2 where the CPU has it, unless setNormIsa("base") chose otherwise.
std::atomic<bool> g_avx2{cpu_has_avx2()};

bool use_avx2() { return g_avx2.load(std::memory_order_relaxed); }

#ifdef GL_NORM_HAVE_AVX2
#define GL_NORM_DISPATCH(fn, T) (use_avx2() ? norm_avx2::fn<T> : norm_base::fn<T>)
#else
#define GL_NORM_DISPATCH(fn, T) (norm_base::fn<T>)
#endif

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
  run_kernel(info.Env(), log ? "logSoftmax" : "softmax", [&] {
    if (x.dtype == DType::F32) GL_NORM_DISPATCH(softmax_t, float)(at<float>(out, 0), at<const float>(x, xo), outer, n, inner, log);
    else GL_NORM_DISPATCH(softmax_t, double)(at<double>(out, 0), at<const double>(x, xo), outer, n, inner, log);
  });
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
  run_kernel(info.Env(), log ? "logSoftmaxBackward" : "softmaxBackward", [&] {
    if (dt == DType::F32) GL_NORM_DISPATCH(softmax_backward_t, float)(at<float>(out, 0), at<const float>(y, yo), at<const float>(g, go), outer, n, inner, log);
    else GL_NORM_DISPATCH(softmax_backward_t, double)(at<double>(out, 0), at<const double>(y, yo), at<const double>(g, go), outer, n, inner, log);
  });
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
  run_kernel(info.Env(), "layerNorm", [&] {
    if (dt == DType::F32) {
      GL_NORM_DISPATCH(layer_norm_t, float)(at<float>(y, 0), at<float>(mean, 0), at<float>(rstd, 0), at<const float>(x, xo), at<const float>(w, wo),
                   at<const float>(b, bo), rows, n, eps);
    } else {
      GL_NORM_DISPATCH(layer_norm_t, double)(at<double>(y, 0), at<double>(mean, 0), at<double>(rstd, 0), at<const double>(x, xo), at<const double>(w, wo),
                   at<const double>(b, bo), rows, n, eps);
    }
  });
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
  run_kernel(info.Env(), "layerNormBackward", [&] {
    if (dt == DType::F32) {
      GL_NORM_DISPATCH(layer_norm_backward_t, float)(at<float>(dx, 0), at<float>(dw, 0), at<float>(db, 0), at<const float>(g, go), at<const float>(x, xo),
                            at<const float>(mean, mo), at<const float>(rstd, ro), at<const float>(w, wo), rows, n);
    } else {
      GL_NORM_DISPATCH(layer_norm_backward_t, double)(at<double>(dx, 0), at<double>(dw, 0), at<double>(db, 0), at<const double>(g, go), at<const double>(x, xo),
                            at<const double>(mean, mo), at<const double>(rstd, ro), at<const double>(w, wo), rows, n);
    }
  });
  return info.Env().Undefined();
}

// ---- fused attention: softmax((q * scale) k^T) v per (batch, head), no mask, no dropout ----
//
// The same kernels, in the same order, as the separate ops (the scale multiply, the GEMMs of
// gemm.cc, the softmax rows), so the results equal theirs; what it saves is the traffic: one
// head's scores stay in cache from product to softmax to product, the output is written
// straight in the [N, L, H, E] layout the output projection reads, the gradients straight in
// [N, L, H, D], and there are two calls instead of eleven.

/** A 4-D operand [N, H, rows, cols]: its first element and strides. */
template <class T>
struct Head4 {
  const T* p;
  i64 s[4];
  const T* at(i64 n, i64 h) const { return p + n * s[0] + h * s[1]; }
};

struct AttnDims {
  i64 N, H, L, S, D, E;
};

/** Tasks (batch x head pairs) split over the pool in contiguous ranges; small calls stay on one thread. */
template <class F>
void for_heads(const AttnDims& d, F&& body) {
  const i64 tasks = d.N * d.H;
  const double work = double(tasks) * d.L * d.S * double(d.D + d.E);
  const int nt = work < 1 << 18 ? 1 : static_cast<int>(std::min<i64>(pool_threads(), tasks));
  parallel_for(nt, [&](int t) { body(tasks * t / nt, tasks * (t + 1) / nt); });
}

/** qs[l, j] = q[l, j] * scale, contiguous L x D (the op's mul(q, scale)). */
template <class T>
void scaled_head(const Head4<T>& q, i64 n, i64 h, const AttnDims& d, T scale, T* qs) {
  const T* qh = q.at(n, h);
  for (i64 l = 0; l < d.L; l++) {
    const T* ql = qh + l * q.s[2];
    T* out = qs + l * d.D;
    if (q.s[3] == 1) {
      for (i64 j = 0; j < d.D; j++) out[j] = ql[j] * scale;
    } else {
      for (i64 j = 0; j < d.D; j++) out[j] = ql[j * q.s[3]] * scale;
    }
  }
}

/** pd = p * drop over one head's L x S weights (dropout's mul(weights, mask)). */
template <class T>
void dropped(const T* p, const T* drop, i64 n, T* pd) {
  for (i64 i = 0; i < n; i++) pd[i] = p[i] * drop[i];
}

template <class T>
void attention_fwd(const AttnDims& d, const Head4<T>& q, const Head4<T>& k, const Head4<T>& v, const Head4<T>* mask, const T* drop,
                   T scale, T* out, T* probs) {
  using Row = void (*)(const T*, T*, i64, bool);
  const Row srow = use_avx2() ? static_cast<Row>(norm_avx2_softmax_row<T>) : static_cast<Row>(norm_base_softmax_row<T>);
  for_heads(d, [&](i64 t0, i64 t1) {
    Vec<T> qs(static_cast<size_t>(d.L * d.D)), pd(drop ? static_cast<size_t>(d.L * d.S) : 0);
    for (i64 t = t0; t < t1; t++) {
      const i64 n = t / d.H, h = t % d.H;
      scaled_head(q, n, h, d, scale, qs.data());
      T* P = probs + t * d.L * d.S;
      const T* kh = k.at(n, h);
      gemm<T>(d.L, d.S, d.D, qs.data(), d.D, 1, kh, k.s[3], k.s[2], P, d.S, false);
      if (mask) {  // the additive mask, as add(scores, mask) adds it
        const T* mh = mask->at(n, h);
        for (i64 l = 0; l < d.L; l++) {
          T* pl = P + l * d.S;
          const T* ml = mh + l * mask->s[2];
          for (i64 j = 0; j < d.S; j++) pl[j] = pl[j] + ml[j * mask->s[3]];
        }
      }
      for (i64 l = 0; l < d.L; l++) srow(P + l * d.S, P + l * d.S, d.S, false);
      const T* W = P;  // the weights the values are summed with: P, or P after dropout
      if (drop) {
        dropped(P, drop + t * d.L * d.S, d.L * d.S, pd.data());
        W = pd.data();
      }
      gemm<T>(d.L, d.E, d.S, W, d.S, 1, v.at(n, h), v.s[2], v.s[3], out + n * d.L * d.H * d.E + h * d.E, d.H * d.E, false);
    }
  });
}

template <class T>
void attention_bwd(const AttnDims& d, const Head4<T>& q, const Head4<T>& k, const Head4<T>& v, const T* probs, const T* drop,
                   const Head4<T>& g, T scale, T* dq, T* dk, T* dv) {
  using Row = void (*)(const T*, const T*, T*, i64, bool);
  const Row brow = use_avx2() ? static_cast<Row>(norm_avx2_softmax_backward_row<T>) : static_cast<Row>(norm_base_softmax_backward_row<T>);
  for_heads(d, [&](i64 t0, i64 t1) {
    Vec<T> qs(static_cast<size_t>(d.L * d.D)), dqs(static_cast<size_t>(d.L * d.D)), dP(static_cast<size_t>(d.L * d.S));
    Vec<T> pd(drop ? static_cast<size_t>(d.L * d.S) : 0);
    for (i64 t = t0; t < t1; t++) {
      const i64 n = t / d.H, h = t % d.H;
      const T* P = probs + t * d.L * d.S;
      const T* dr = drop ? drop + t * d.L * d.S : nullptr;
      const T* gh = g.at(n, h);
      const T* W = P;
      if (dr) {
        dropped(P, dr, d.L * d.S, pd.data());
        W = pd.data();
      }
      // dv = W^T g (W: the weights after dropout), written in [N, S, H, E].
      gemm<T>(d.S, d.E, d.L, W, 1, d.S, gh, g.s[2], g.s[3], dv + n * d.S * d.H * d.E + h * d.E, d.H * d.E, false);
      // dP = g v^T (times the dropout mask: mul's gradient), then the softmax's backward in
      // place: dS = P * (dP - sum(dP * P)).
      gemm<T>(d.L, d.S, d.E, gh, g.s[2], g.s[3], v.at(n, h), v.s[3], v.s[2], dP.data(), d.S, false);
      if (dr) {
        for (i64 i = 0; i < d.L * d.S; i++) dP[i] = dP[i] * dr[i];
      }
      for (i64 l = 0; l < d.L; l++) brow(P + l * d.S, dP.data() + l * d.S, dP.data() + l * d.S, d.S, false);
      // dq = (dS k) * scale, in [N, L, H, D].
      gemm<T>(d.L, d.D, d.S, dP.data(), d.S, 1, k.at(n, h), k.s[2], k.s[3], dqs.data(), d.D, false);
      T* dqh = dq + n * d.L * d.H * d.D + h * d.D;
      for (i64 l = 0; l < d.L; l++) {
        for (i64 j = 0; j < d.D; j++) dqh[l * d.H * d.D + j] = dqs[l * d.D + j] * scale;
      }
      // dk = dS^T (q * scale), in [N, S, H, D].
      scaled_head(q, n, h, d, scale, qs.data());
      gemm<T>(d.S, d.D, d.L, dP.data(), 1, d.S, qs.data(), d.D, 1, dk + n * d.S * d.H * d.D + h * d.D, d.H * d.D, false);
    }
  });
}

/** Reads [N, H, rows, cols] operand number `i` of the metadata (offset, 4 strides) and checks it lies in `a`. */
template <class T>
bool head_view(const Arr& a, const double* meta, int i, i64 rows, i64 cols, const AttnDims& d, Head4<T>* out) {
  const double* m = meta + 6 + i * 5;
  const i64 off = static_cast<i64>(m[0]);
  i64 lo = off, hi = off;
  const i64 ext[4] = {d.N, d.H, rows, cols};  // each >= 1 (read_dims checks the sizes)
  for (int j = 0; j < 4; j++) {
    out->s[j] = static_cast<i64>(m[1 + j]);
    const i64 span = (ext[j] - 1) * out->s[j];
    if (span < 0) lo += span; else hi += span;
  }
  out->p = static_cast<const T*>(a.data) + off;
  return a.present && lo >= 0 && hi < a.length;
}

bool read_dims(const Napi::CallbackInfo& info, size_t i, int views, std::vector<double>* meta, AttnDims* d) {
  if (info.Length() <= i || !info[i].IsTypedArray()) return false;
  Napi::TypedArray t = info[i].As<Napi::TypedArray>();
  if (t.TypedArrayType() != napi_float64_array) return false;
  Napi::Float64Array f = t.As<Napi::Float64Array>();
  if (f.ElementLength() != static_cast<size_t>(6 + 5 * views)) return false;
  meta->assign(f.Data(), f.Data() + f.ElementLength());
  const double* m = meta->data();
  for (int j = 0; j < 6; j++) if (!(m[j] >= 1 && m[j] <= 9007199254740992.0) || m[j] != std::floor(m[j])) return false;
  *d = {static_cast<i64>(m[0]), static_cast<i64>(m[1]), static_cast<i64>(m[2]), static_cast<i64>(m[3]), static_cast<i64>(m[4]), static_cast<i64>(m[5])};
  return true;
}

// attention(out, probs, q, k, v, meta, scale[, mask[, drop]]): meta = [N, H, L, S, D, E, then offset and 4 strides
// of q, k, v (and of the additive mask, [N, H, L, S] with broadcast dims of stride 0, when given)]; drop: the
// dropout multipliers, contiguous [N, H, L, S], or null/undefined.
Napi::Value Attention(const Napi::CallbackInfo& info) {
  Arr out, probs, q, k, v, m, drop;
  std::vector<double> meta;
  AttnDims d{};
  const bool masked = info.Length() >= 8 && !info[7].IsUndefined() && !info[7].IsNull();
  if (!get_arr(info, 0, &out) || !get_arr(info, 1, &probs) || !get_arr(info, 2, &q) || !get_arr(info, 3, &k) || !get_arr(info, 4, &v) ||
      !read_dims(info, 5, masked ? 4 : 3, &meta, &d) || info.Length() < 7 || !info[6].IsNumber() || (masked && !get_arr(info, 7, &m)) ||
      !get_arr(info, 8, &drop, true)) {
    return fail(info.Env(), "attention(out, probs, q, k, v, meta, scale[, mask[, drop]])");
  }
  if ((masked && m.dtype != out.dtype) || (drop.present && drop.dtype != out.dtype)) return fail(info.Env(), "attention: operands of different dtypes");
  if (drop.present && drop.length < d.N * d.H * d.L * d.S) return fail(info.Env(), "attention: dropout mask too short");
  const double scale = info[6].As<Napi::Number>().DoubleValue();
  const DType dt = out.dtype;
  if (probs.dtype != dt || q.dtype != dt || k.dtype != dt || v.dtype != dt) return fail(info.Env(), "attention: operands of different dtypes");
  if (out.length < d.N * d.L * d.H * d.E || probs.length < d.N * d.H * d.L * d.S) return fail(info.Env(), "attention: outputs too short");
  bool ok = true;
  run_kernel(info.Env(), "attention", [&] {
    if (dt == DType::F32) {
      Head4<float> hq, hk, hv, hm;
      ok = head_view(q, meta.data(), 0, d.L, d.D, d, &hq) && head_view(k, meta.data(), 1, d.S, d.D, d, &hk) && head_view(v, meta.data(), 2, d.S, d.E, d, &hv) &&
           (!masked || head_view(m, meta.data(), 3, d.L, d.S, d, &hm));
      if (ok) attention_fwd<float>(d, hq, hk, hv, masked ? &hm : nullptr, at<const float>(drop, 0), static_cast<float>(scale), at<float>(out, 0),
                                   at<float>(probs, 0));
    } else {
      Head4<double> hq, hk, hv, hm;
      ok = head_view(q, meta.data(), 0, d.L, d.D, d, &hq) && head_view(k, meta.data(), 1, d.S, d.D, d, &hk) && head_view(v, meta.data(), 2, d.S, d.E, d, &hv) &&
           (!masked || head_view(m, meta.data(), 3, d.L, d.S, d, &hm));
      if (ok) attention_fwd<double>(d, hq, hk, hv, masked ? &hm : nullptr, at<const double>(drop, 0), scale, at<double>(out, 0), at<double>(probs, 0));
    }
  });
  if (!ok) return fail(info.Env(), "attention: a view lies outside its array");
  return info.Env().Undefined();
}

// attentionBackward(dq, dk, dv, q, k, v, probs, g, meta, scale[, drop]): meta as attention's (no mask), then g's
// offset and strides ([N, H, L, E] order); drop as attention's.
Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  Arr dq, dk, dv, q, k, v, probs, g, drop;
  std::vector<double> meta;
  AttnDims d{};
  if (!get_arr(info, 0, &dq) || !get_arr(info, 1, &dk) || !get_arr(info, 2, &dv) || !get_arr(info, 3, &q) || !get_arr(info, 4, &k) ||
      !get_arr(info, 5, &v) || !get_arr(info, 6, &probs) || !get_arr(info, 7, &g) || !read_dims(info, 8, 4, &meta, &d) ||
      info.Length() < 10 || !info[9].IsNumber() || !get_arr(info, 10, &drop, true)) {
    return fail(info.Env(), "attentionBackward(dq, dk, dv, q, k, v, probs, g, meta, scale[, drop])");
  }
  if (drop.present && (drop.dtype != dq.dtype || drop.length < d.N * d.H * d.L * d.S)) return fail(info.Env(), "attentionBackward: bad dropout mask");
  const double scale = info[9].As<Napi::Number>().DoubleValue();
  const DType dt = dq.dtype;
  for (const Arr* a : {&dk, &dv, &q, &k, &v, &probs, &g}) {
    if (a->dtype != dt) return fail(info.Env(), "attentionBackward: operands of different dtypes");
  }
  if (dq.length < d.N * d.L * d.H * d.D || dk.length < d.N * d.S * d.H * d.D || dv.length < d.N * d.S * d.H * d.E ||
      probs.length < d.N * d.H * d.L * d.S) {
    return fail(info.Env(), "attentionBackward: arrays too short");
  }
  bool ok = true;
  run_kernel(info.Env(), "attentionBackward", [&] {
    if (dt == DType::F32) {
      Head4<float> hq, hk, hv, hg;
      ok = head_view(q, meta.data(), 0, d.L, d.D, d, &hq) && head_view(k, meta.data(), 1, d.S, d.D, d, &hk) &&
           head_view(v, meta.data(), 2, d.S, d.E, d, &hv) && head_view(g, meta.data(), 3, d.L, d.E, d, &hg);
      if (ok) attention_bwd<float>(d, hq, hk, hv, at<const float>(probs, 0), at<const float>(drop, 0), hg, static_cast<float>(scale), at<float>(dq, 0),
                                   at<float>(dk, 0), at<float>(dv, 0));
    } else {
      Head4<double> hq, hk, hv, hg;
      ok = head_view(q, meta.data(), 0, d.L, d.D, d, &hq) && head_view(k, meta.data(), 1, d.S, d.D, d, &hk) &&
           head_view(v, meta.data(), 2, d.S, d.E, d, &hv) && head_view(g, meta.data(), 3, d.L, d.E, d, &hg);
      if (ok) attention_bwd<double>(d, hq, hk, hv, at<const double>(probs, 0), at<const double>(drop, 0), hg, scale, at<double>(dq, 0), at<double>(dk, 0),
                                    at<double>(dv, 0));
    }
  });
  if (!ok) return fail(info.Env(), "attentionBackward: a view lies outside its array");
  return info.Env().Undefined();
}

// setNormIsa("avx2" | "base"): which row kernels run (tests); false, changing nothing, if the CPU lacks it.
Napi::Value SetNormIsa(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) return fail(info.Env(), "setNormIsa(isa)");
  const std::string isa = info[0].As<Napi::String>().Utf8Value();
  const bool ok = isa == "base" || (isa == "avx2" && cpu_has_avx2());
  if (ok) g_avx2.store(isa == "avx2");
  return Napi::Boolean::New(info.Env(), ok);
}

Napi::Value NormIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), use_avx2() ? "avx2" : "base"); }

}  // namespace

void register_norm(Napi::Env env, Napi::Object exports) {
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackward, "softmaxBackward"));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm, "layerNorm"));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackward, "layerNormBackward"));
  exports.Set("attention", Napi::Function::New(env, Attention, "attention"));
  exports.Set("attentionBackward", Napi::Function::New(env, AttentionBackward, "attentionBackward"));
  exports.Set("setNormIsa", Napi::Function::New(env, SetNormIsa, "setNormIsa"));
  exports.Set("normIsa", Napi::Function::New(env, NormIsa, "normIsa"));
}

}  // namespace gl
