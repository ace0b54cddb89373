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
  exports.Set("setNormIsa", Napi::Function::New(env, SetNormIsa, "setNormIsa"));
  exports.Set("normIsa", Napi::Function::New(env, NormIsa, "normIsa"));
}

}  // namespace gl
