// The N-API binding: decodes the arguments of each kernel call and runs the kernel on the
// typed arrays' own memory (no copies). Shapes, strides and offsets do not travel as JS
// arrays: the TypeScript side writes them into one Float64Array registered once with
// setMeta(), so a call costs a few typed-array lookups and no property reads. Each kernel
// runs inside run_kernel (kernel_guard.h): an allocation failure becomes a JavaScript Error.
#include <napi.h>

#include <initializer_list>
#include <mutex>
#include <string>
#include <utility>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "common.h"
#include "conv.h"
#include "elementwise.h"
#include "fused.h"
#include "gemm.h"
#include "indexing.h"
#include "kernel_guard.h"
#include "norm.h"
#include "linalg.h"
#include "parallel.h"
#include "reduce.h"
#include "vmath.h"

namespace gl {
namespace {

/** A typed-array argument: its memory, length in elements and dtype. */
struct Array {
  void* data = nullptr;
  i64 length = 0;
  DType dtype = DType::F32;
};

bool get_array(napi_env env, napi_value value, Array* out) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok) return false;
  switch (type) {
    case napi_float32_array: out->dtype = DType::F32; break;
    case napi_float64_array: out->dtype = DType::F64; break;
    case napi_int32_array: out->dtype = DType::I32; break;
    case napi_uint8_array: out->dtype = DType::Bool; break;
    default: return false;
  }
  out->data = data;
  out->length = static_cast<i64>(length);
  return true;
}

/** Reads view records from the metadata array, in the order ../backend.ts writes them. */
class MetaReader {
 public:
  MetaReader(const double* meta, size_t length) : m_(meta), len_(length) {}

  /** [nd, shape...]: a shape shared by elementwise operands. */
  bool shape(View* v) {
    if (!has(1)) return false;
    const double nd = m_[pos_++];
    if (!(nd >= 0 && nd <= kMaxDims) || !has(static_cast<size_t>(nd))) return false;
    v->nd = static_cast<int>(nd);
    for (int d = 0; d < v->nd; d++) v->shape[d] = static_cast<i64>(m_[pos_++]);
    return true;
  }
  /** [offset, strides...] for a view whose shape was read already. */
  bool operand(View* v, const Array& a) {
    if (!has(1 + v->nd)) return false;
    v->data = a.data;
    v->dtype = a.dtype;
    v->offset = static_cast<i64>(m_[pos_++]);
    for (int d = 0; d < v->nd; d++) v->strides[d] = static_cast<i64>(m_[pos_++]);
    return true;
  }
  /** [nd, offset, shape..., strides...]: a complete view. */
  bool view(View* v, const Array& a) {
    if (!has(2)) return false;
    const double nd = m_[pos_++];
    if (!(nd >= 0 && nd <= kMaxDims) || !has(1 + 2 * static_cast<size_t>(nd))) return false;
    v->nd = static_cast<int>(nd);
    v->data = a.data;
    v->dtype = a.dtype;
    v->offset = static_cast<i64>(m_[pos_++]);
    for (int d = 0; d < v->nd; d++) v->shape[d] = static_cast<i64>(m_[pos_++]);
    for (int d = 0; d < v->nd; d++) v->strides[d] = static_cast<i64>(m_[pos_++]);
    return true;
  }
  /** One integer. */
  bool integer(i64* out) {
    if (!has(1)) return false;
    *out = static_cast<i64>(m_[pos_++]);
    return true;
  }

 private:
  bool has(size_t n) const { return m_ != nullptr && pos_ + n <= len_; }
  const double* m_;
  size_t len_;
  size_t pos_ = 0;
};

/** Whether every element the view can address lies inside its array. */
bool in_bounds(const View& v, i64 length) {
  for (int d = 0; d < v.nd; d++) {
    if (v.shape[d] < 0) return false;
    if (v.shape[d] == 0) return true;  // nothing is read
  }
  i64 lo = v.offset, hi = v.offset;
  for (int d = 0; d < v.nd; d++) {
    const i64 span = (v.shape[d] - 1) * v.strides[d];
    if (span < 0) lo += span; else hi += span;
  }
  return lo >= 0 && hi < length;
}

/**
 * Keeps glibc from returning freed tensor memory to the OS between steps. V8 frees typed
 * arrays in batches at GC, so the top of the heap often holds megabytes of free memory,
 * which glibc's default (trim above 2x the mmap threshold) unmaps; the next outputs then
 * page-fault on fresh memory (measured: SGEMM n=256 at 0.70 of PyTorch, 0.93 with this).
 * The values are glibc's own maximum dynamic mmap threshold and a 256 MB trim threshold.
 */
void tune_malloc() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  });
#endif
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    tune_malloc();
    DefineAddon(exports, {
      InstanceMethod("setMeta", &Addon::SetMeta),
      InstanceMethod("unary", &Addon::Unary),
      InstanceMethod("binary", &Addon::Binary),
      InstanceMethod("where", &Addon::Where),
      InstanceMethod("copy", &Addon::Copy),
      InstanceMethod("assign", &Addon::Assign),
      InstanceMethod("reduce", &Addon::Reduce),
      InstanceMethod("argReduce", &Addon::ArgReduce),
      InstanceMethod("scan", &Addon::Scan),
      InstanceMethod("matmul", &Addon::Matmul),
      InstanceMethod("indexSelect", &Addon::IndexSelect),
      InstanceMethod("indexAdd", &Addon::IndexAdd),
      InstanceMethod("gather", &Addon::Gather),
      InstanceMethod("scatterAdd", &Addon::ScatterAdd),
      InstanceMethod("axpy", &Addon::Axpy),  // fused in-place kernels (ops helper)
      // --- conv (conv.cc) ---
      InstanceMethod("conv2d", &Addon::Conv2d),
      InstanceMethod("conv2dInputGrad", &Addon::Conv2dInputGrad),
      InstanceMethod("conv2dWeightGrad", &Addon::Conv2dWeightGrad),
      InstanceMethod("maxPool2d", &Addon::MaxPool2d),
      InstanceMethod("maxPool2dBackward", &Addon::MaxPool2dBackward),
      InstanceMethod("avgPool2d", &Addon::AvgPool2d),
      InstanceMethod("avgPool2dBackward", &Addon::AvgPool2dBackward),
      InstanceMethod("adaptiveAvgPool2d", &Addon::AdaptiveAvgPool2d),
      InstanceMethod("adaptiveAvgPool2dBackward", &Addon::AdaptiveAvgPool2dBackward),
      // --- end conv ---
      InstanceMethod("linalg", &Addon::Linalg),  // linalg.h
      InstanceMethod("setNumThreads", &Addon::SetNumThreads),
      InstanceMethod("getNumThreads", &Addon::GetNumThreads),
      InstanceMethod("setGemmIsa", &Addon::SetGemmIsa),
      InstanceMethod("setVmathIsa", &Addon::SetVmathIsa),
      InstanceMethod("info", &Addon::Info),
      InstanceMethod("setAllocLimit", &Addon::SetAllocLimit),  // tests only (alloc.h)
      InstanceValue("unaryOps", Names(env, kUnaryNames)),
      InstanceValue("binaryOps", Names(env, kBinaryNames)),
    });
    register_norm(env, exports);
  }

 private:
  static Napi::Array Names(Napi::Env env, const char* const* names) {
    Napi::Array a = Napi::Array::New(env);
    for (uint32_t i = 0; names[i] != nullptr; i++) a.Set(i, Napi::String::New(env, names[i]));
    return a;
  }

  Napi::Value Fail(Napi::Env env, const std::string& message) {
    Napi::TypeError::New(env, "native backend: " + message).ThrowAsJavaScriptException();
    return env.Undefined();
  }

  Napi::Value OutOfBounds(Napi::Env env, const char* op, const IndexError& e) {
    const std::string msg = std::string(op) + ": index " + std::to_string(e.value) + " is out of bounds for dim " +
                            std::to_string(e.axis) + " with size " + std::to_string(e.size);
    Napi::RangeError::New(env, msg).ThrowAsJavaScriptException();
    return env.Undefined();
  }

  /** Reads typed-array arguments first..first+n-1. */
  bool Arrays(const Napi::CallbackInfo& info, size_t first, size_t n, Array* out) {
    if (info.Length() < first + n) return false;
    for (size_t i = 0; i < n; i++) {
      if (!get_array(info.Env(), info[first + i], &out[i])) return false;
    }
    return true;
  }

  static int Int(const Napi::CallbackInfo& info, size_t i) {
    return info.Length() > i && info[i].IsNumber() ? info[i].As<Napi::Number>().Int32Value() : -1;
  }

  MetaReader Meta() const { return MetaReader(meta_, meta_length_); }

  bool Check(const View& v, const Array& a) const { return in_bounds(v, a.length); }

  Napi::Value SetMeta(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsTypedArray()) return Fail(info.Env(), "setMeta expects a Float64Array");
    Napi::TypedArray t = info[0].As<Napi::TypedArray>();
    if (t.TypedArrayType() != napi_float64_array) return Fail(info.Env(), "setMeta expects a Float64Array");
    Napi::Float64Array f = t.As<Napi::Float64Array>();
    meta_ref_ = Napi::Persistent(f);
    meta_ = f.Data();
    meta_length_ = f.ElementLength();
    return info.Env().Undefined();
  }

  Napi::Value Unary(const Napi::CallbackInfo& info) {
    const int op = Int(info, 0);
    Array arr[2];
    if (op < 0 || op >= static_cast<int>(UnaryOp::Count) || !Arrays(info, 1, 2, arr)) return Fail(info.Env(), "unary(op, out, x)");
    View x;
    MetaReader m = Meta();
    if (!m.shape(&x) || !m.operand(&x, arr[1])) return Fail(info.Env(), "unary: bad metadata");
    if (!Check(x, arr[1]) || arr[0].length < x.numel()) return Fail(info.Env(), "unary: view outside its storage");
    run_kernel(info.Env(), kUnaryNames[op], [&] { unary(static_cast<UnaryOp>(op), x, arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value Binary(const Napi::CallbackInfo& info) {
    const int op = Int(info, 0);
    Array arr[3];
    if (op < 0 || op >= static_cast<int>(BinaryOp::Count) || !Arrays(info, 1, 3, arr)) return Fail(info.Env(), "binary(op, out, a, b)");
    View a, b;
    MetaReader m = Meta();
    if (!m.shape(&a)) return Fail(info.Env(), "binary: bad metadata");
    b.nd = a.nd;
    for (int d = 0; d < a.nd; d++) b.shape[d] = a.shape[d];
    if (!m.operand(&a, arr[1]) || !m.operand(&b, arr[2])) return Fail(info.Env(), "binary: bad metadata");
    if (!Check(a, arr[1]) || !Check(b, arr[2]) || arr[0].length < a.numel()) return Fail(info.Env(), "binary: view outside its storage");
    run_kernel(info.Env(), kBinaryNames[op], [&] { binary(static_cast<BinaryOp>(op), a, b, arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value Where(const Napi::CallbackInfo& info) {
    Array arr[4];
    if (!Arrays(info, 0, 4, arr)) return Fail(info.Env(), "where(out, cond, a, b)");
    View v[3];
    MetaReader m = Meta();
    if (!m.shape(&v[0])) return Fail(info.Env(), "where: bad metadata");
    for (int i = 1; i < 3; i++) {
      v[i].nd = v[0].nd;
      for (int d = 0; d < v[0].nd; d++) v[i].shape[d] = v[0].shape[d];
    }
    for (int i = 0; i < 3; i++) {
      if (!m.operand(&v[i], arr[i + 1])) return Fail(info.Env(), "where: bad metadata");
      if (!Check(v[i], arr[i + 1])) return Fail(info.Env(), "where: view outside its storage");
    }
    if (arr[0].length < v[0].numel()) return Fail(info.Env(), "where: output too short");
    run_kernel(info.Env(), "where", [&] { where(v[0], v[1], v[2], arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value Copy(const Napi::CallbackInfo& info) {
    Array arr[2];
    if (!Arrays(info, 0, 2, arr)) return Fail(info.Env(), "copy(out, x)");
    View x;
    MetaReader m = Meta();
    if (!m.shape(&x) || !m.operand(&x, arr[1])) return Fail(info.Env(), "copy: bad metadata");
    if (!Check(x, arr[1]) || arr[0].length < x.numel()) return Fail(info.Env(), "copy: view outside its storage");
    run_kernel(info.Env(), "copy", [&] { copy(x, arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value Assign(const Napi::CallbackInfo& info) {
    Array arr[2];
    if (!Arrays(info, 0, 2, arr)) return Fail(info.Env(), "assign(dst, src)");
    View d, s;
    MetaReader m = Meta();
    if (!m.shape(&d)) return Fail(info.Env(), "assign: bad metadata");
    s.nd = d.nd;
    for (int i = 0; i < d.nd; i++) s.shape[i] = d.shape[i];
    if (!m.operand(&d, arr[0]) || !m.operand(&s, arr[1])) return Fail(info.Env(), "assign: bad metadata");
    if (!Check(d, arr[0]) || !Check(s, arr[1])) return Fail(info.Env(), "assign: view outside its storage");
    run_kernel(info.Env(), "assign", [&] { assign(d, s); });
    return info.Env().Undefined();
  }

  Napi::Value Reduce(const Napi::CallbackInfo& info) {
    const int op = Int(info, 0);
    Array arr[2];
    if (op < 0 || op > static_cast<int>(ReduceOp::SumSq) || !Arrays(info, 1, 2, arr)) return Fail(info.Env(), "reduce(op, out, x)");
    View x;
    MetaReader m = Meta();
    i64 naxes = 0;
    if (!m.view(&x, arr[1]) || !m.integer(&naxes) || naxes < 0 || naxes > x.nd) return Fail(info.Env(), "reduce: bad metadata");
    int axes[kMaxDims];
    i64 n_out = 1;
    for (i64 i = 0; i < naxes; i++) {
      i64 ax = 0;
      if (!m.integer(&ax) || ax < 0 || ax >= x.nd || (i > 0 && ax <= axes[i - 1])) return Fail(info.Env(), "reduce: bad axes");
      axes[i] = static_cast<int>(ax);
    }
    for (int d = 0, q = 0; d < x.nd; d++) {
      if (q < naxes && axes[q] == d) q++;
      else n_out *= x.shape[d];
    }
    if (!Check(x, arr[1]) || arr[0].length < n_out) return Fail(info.Env(), "reduce: view outside its storage");
    static const char* const kNames[] = {"sum", "prod", "max", "min"};
    run_kernel(info.Env(), kNames[op], [&] { reduce(static_cast<ReduceOp>(op), x, axes, static_cast<int>(naxes), arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
    const int op = Int(info, 0), axis = Int(info, 3);
    Array arr[2];
    if (op < 0 || op > 1 || !Arrays(info, 1, 2, arr) || arr[0].dtype != DType::I32) return Fail(info.Env(), "argReduce(op, out, x, axis)");
    View x;
    MetaReader m = Meta();
    if (!m.view(&x, arr[1]) || axis < 0 || axis >= x.nd) return Fail(info.Env(), "argReduce: bad metadata");
    if (!Check(x, arr[1]) || arr[0].length < x.numel() / (x.shape[axis] == 0 ? 1 : x.shape[axis])) return Fail(info.Env(), "argReduce: view outside its storage");
    run_kernel(info.Env(), op == 0 ? "argmax" : "argmin", [&] { arg_reduce(static_cast<ArgReduceOp>(op), x, axis, static_cast<int32_t*>(arr[0].data)); });
    return info.Env().Undefined();
  }

  Napi::Value Scan(const Napi::CallbackInfo& info) {
    const int op = Int(info, 0), axis = Int(info, 3);
    Array arr[2];
    if (op < 0 || op > 1 || !Arrays(info, 1, 2, arr)) return Fail(info.Env(), "scan(op, out, x, axis)");
    View x;
    MetaReader m = Meta();
    if (!m.view(&x, arr[1]) || axis < 0 || axis >= x.nd) return Fail(info.Env(), "scan: bad metadata");
    if (!Check(x, arr[1]) || arr[0].length < x.numel()) return Fail(info.Env(), "scan: view outside its storage");
    run_kernel(info.Env(), op == 0 ? "cumsum" : "cumprod", [&] { scan(static_cast<ScanOp>(op), x, axis, arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  // matmul(out, a, b[, bias[, accumulate]]): the views of a, b (and bias, 1-D [n]) in the
  // metadata, in order; with accumulate (a float out), out += a b instead of out = a b.
  Napi::Value Matmul(const Napi::CallbackInfo& info) {
    Array arr[4];
    const bool with_bias = info.Length() >= 4 && !info[3].IsUndefined();
    const bool accumulate = info.Length() >= 5 && info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
    if (!Arrays(info, 0, with_bias ? 4 : 3, arr)) return Fail(info.Env(), "matmul(out, a, b[, bias])");
    View a, b, bias;
    MetaReader m = Meta();
    if (!m.view(&a, arr[1]) || !m.view(&b, arr[2]) || a.nd < 2 || a.nd != b.nd) return Fail(info.Env(), "matmul: bad metadata");
    if (with_bias && (!m.view(&bias, arr[3]) || bias.nd != 1)) return Fail(info.Env(), "matmul: bad bias metadata");
    const int nb = a.nd - 2;
    const i64 mm = a.shape[nb], k = a.shape[nb + 1], n = b.shape[nb + 1];
    bool ok = b.shape[nb] == k;
    i64 total = mm * n;
    for (int d = 0; d < nb; d++) {
      ok = ok && a.shape[d] == b.shape[d];
      total *= a.shape[d];
    }
    if (!ok) return Fail(info.Env(), "matmul: operand shapes do not match");
    if (!Check(a, arr[1]) || !Check(b, arr[2]) || arr[0].length < total) return Fail(info.Env(), "matmul: view outside its storage");
    if (with_bias) {
      if (bias.shape[0] != n || !Check(bias, arr[3])) return Fail(info.Env(), "matmul: the bias must be a [n] view inside its storage");
      if (arr[0].dtype != DType::F32 && arr[0].dtype != DType::F64) return Fail(info.Env(), "matmul: a bias needs a float32 or float64 output");
    }
    if (accumulate && arr[0].dtype != DType::F32 && arr[0].dtype != DType::F64) return Fail(info.Env(), "matmul: accumulating needs a float32 or float64 output");
    run_kernel(info.Env(), "matmul", [&] { matmul(a, b, mm, n, k, arr[0].data, arr[0].dtype, with_bias ? &bias : nullptr, accumulate); });
    return info.Env().Undefined();
  }

  Napi::Value IndexSelect(const Napi::CallbackInfo& info) {
    const int axis = Int(info, 3);
    Array arr[3];
    if (!Arrays(info, 0, 3, arr) || arr[2].dtype != DType::I32) return Fail(info.Env(), "indexSelect(out, x, index, axis)");
    View x, index;
    MetaReader m = Meta();
    if (!m.view(&x, arr[1]) || !m.view(&index, arr[2]) || axis < 0 || axis >= x.nd) return Fail(info.Env(), "indexSelect: bad metadata");
    if (!Check(x, arr[1]) || !Check(index, arr[2])) return Fail(info.Env(), "indexSelect: view outside its storage");
    const i64 rest = x.shape[axis] == 0 ? 0 : x.numel() / x.shape[axis];
    if (arr[0].length < rest * index.numel()) return Fail(info.Env(), "indexSelect: output too short");
    IndexError e;
    if (!run_kernel(info.Env(), "indexSelect", [&] { e = index_select(x, axis, index, arr[0].data, arr[0].dtype); })) return info.Env().Undefined();
    if (e.bad) return OutOfBounds(info.Env(), "indexSelect", e);
    return info.Env().Undefined();
  }

  Napi::Value IndexAdd(const Napi::CallbackInfo& info) {
    const int axis = Int(info, 3);
    Array arr[3];
    if (!Arrays(info, 0, 3, arr) || arr[1].dtype != DType::I32) return Fail(info.Env(), "indexAdd(out, index, src, axis)");
    View out, index, src;
    MetaReader m = Meta();
    if (!m.shape(&out) || !m.view(&index, arr[1]) || !m.view(&src, arr[2]) || axis < 0 || axis >= out.nd || src.nd != out.nd) {
      return Fail(info.Env(), "indexAdd: bad metadata");
    }
    if (!Check(index, arr[1]) || !Check(src, arr[2]) || arr[0].length < out.numel()) return Fail(info.Env(), "indexAdd: view outside its storage");
    if (index.numel() != src.shape[axis]) return Fail(info.Env(), "indexAdd: index and src sizes differ");
    for (int d = 0; d < out.nd; d++) {
      if (d != axis && src.shape[d] != out.shape[d]) return Fail(info.Env(), "indexAdd: src shape does not match the output");
    }
    IndexError e;
    if (!run_kernel(info.Env(), "indexAdd", [&] { e = index_add(out.nd, out.shape, axis, index, src, arr[0].data, arr[0].dtype); })) return info.Env().Undefined();
    if (e.bad) return OutOfBounds(info.Env(), "indexAdd", e);
    return info.Env().Undefined();
  }

  Napi::Value Gather(const Napi::CallbackInfo& info) {
    const int axis = Int(info, 3);
    Array arr[3];
    if (!Arrays(info, 0, 3, arr) || arr[2].dtype != DType::I32) return Fail(info.Env(), "gather(out, x, index, axis)");
    View x, index;
    MetaReader m = Meta();
    if (!m.view(&x, arr[1]) || !m.view(&index, arr[2]) || axis < 0 || axis >= x.nd || index.nd != x.nd) return Fail(info.Env(), "gather: bad metadata");
    for (int d = 0; d < x.nd; d++) {
      if (d != axis && index.shape[d] > x.shape[d]) return Fail(info.Env(), "gather: index larger than x off the axis");
    }
    if (!Check(x, arr[1]) || !Check(index, arr[2]) || arr[0].length < index.numel()) return Fail(info.Env(), "gather: view outside its storage");
    IndexError e;
    if (!run_kernel(info.Env(), "gather", [&] { e = gather(x, axis, index, arr[0].data, arr[0].dtype); })) return info.Env().Undefined();
    if (e.bad) return OutOfBounds(info.Env(), "gather", e);
    return info.Env().Undefined();
  }

  Napi::Value ScatterAdd(const Napi::CallbackInfo& info) {
    const int axis = Int(info, 3);
    Array arr[3];
    if (!Arrays(info, 0, 3, arr) || arr[1].dtype != DType::I32) return Fail(info.Env(), "scatterAdd(out, index, src, axis)");
    View out, index, src;
    MetaReader m = Meta();
    if (!m.shape(&out) || !m.view(&index, arr[1]) || !m.view(&src, arr[2]) || axis < 0 || axis >= out.nd ||
        index.nd != out.nd || src.nd != out.nd) {
      return Fail(info.Env(), "scatterAdd: bad metadata");
    }
    for (int d = 0; d < out.nd; d++) {
      if (index.shape[d] > src.shape[d] || (d != axis && index.shape[d] > out.shape[d])) return Fail(info.Env(), "scatterAdd: index larger than src or out");
    }
    if (!Check(index, arr[1]) || !Check(src, arr[2]) || arr[0].length < out.numel()) return Fail(info.Env(), "scatterAdd: view outside its storage");
    IndexError e;
    if (!run_kernel(info.Env(), "scatterAdd", [&] { e = scatter_add(out.nd, out.shape, axis, index, src, arr[0].data, arr[0].dtype); })) return info.Env().Undefined();
    if (e.bad) return OutOfBounds(info.Env(), "scatterAdd", e);
    return info.Env().Undefined();
  }

  // ---- fused in-place kernels (ops helper) ----
  Napi::Value Axpy(const Napi::CallbackInfo& info) {
    Array arr[2];
    if (!Arrays(info, 0, 2, arr) || info.Length() < 3 || !info[2].IsNumber()) return Fail(info.Env(), "axpy(dst, src, alpha)");
    View d, s;
    MetaReader m = Meta();
    if (!m.shape(&d)) return Fail(info.Env(), "axpy: bad metadata");
    s.nd = d.nd;
    for (int i = 0; i < d.nd; i++) s.shape[i] = d.shape[i];
    if (!m.operand(&d, arr[0]) || !m.operand(&s, arr[1])) return Fail(info.Env(), "axpy: bad metadata");
    if (!Check(d, arr[0]) || !Check(s, arr[1])) return Fail(info.Env(), "axpy: view outside its storage");
    const double alpha = info[2].As<Napi::Number>().DoubleValue();
    bool ok = false;
    if (!run_kernel(info.Env(), "axpy", [&] { ok = axpy(d, s, alpha); })) return info.Env().Undefined();
    if (!ok) return Fail(info.Env(), "axpy: dst and src must share a dtype among float32, float64 and int32");
    return info.Env().Undefined();
  }
  // ---- end fused in-place kernels ----
  // --- conv (conv.cc): metadata is views, then integer parameters, in the order ../conv.ts writes them ---

  /** Reads n integers. */
  static bool Ints(MetaReader& m, i64* out, int n) {
    for (int i = 0; i < n; i++) if (!m.integer(&out[i])) return false;
    return true;
  }

  /** stride (2), padding (2), dilation (2), groups: positive strides, dilations and groups, padding >= 0. */
  static bool ConvP(MetaReader& m, ConvParams* p) {
    i64 v[7];
    if (!Ints(m, v, 7)) return false;
    *p = ConvParams{v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
    return p->sh >= 1 && p->sw >= 1 && p->ph >= 0 && p->pw >= 0 && p->dh >= 1 && p->dw >= 1 && p->groups >= 1;
  }

  /** kernel, stride, padding (2 each), count_include_pad, divisor (0: none). */
  static bool AvgP(MetaReader& m, AvgPoolParams* p) {
    i64 v[8];
    if (!Ints(m, v, 8)) return false;
    *p = AvgPoolParams{v[0], v[1], v[2], v[3], v[4], v[5], v[6] != 0, v[7]};
    return p->kh >= 1 && p->kw >= 1 && p->sh >= 1 && p->sw >= 1 && p->ph >= 0 && p->pw >= 0;
  }

  /** Whether the output is float32/float64 and every view has its dtype, 4 dims and lies inside its array. */
  bool ConvViews(const Array& out, std::initializer_list<std::pair<const View*, const Array*>> views) const {
    if (out.dtype != DType::F32 && out.dtype != DType::F64) return false;
    for (const auto& [v, a] : views) {
      if (v->dtype != out.dtype || !Check(*v, *a)) return false;
    }
    return true;
  }

  static bool Dims4(const View& v) { return v.nd == 4; }
  static bool NonNeg(const i64* s, int n) {
    for (int i = 0; i < n; i++) if (s[i] < 0) return false;
    return true;
  }

  Napi::Value Conv2d(const Napi::CallbackInfo& info) {
    Array arr[4];
    if (!Arrays(info, 0, 4, arr)) return Fail(info.Env(), "conv2d(out, x, w, bias)");
    View x, w, b;
    i64 has_bias = 0, o[2];
    ConvParams p;
    MetaReader m = Meta();
    if (!m.view(&x, arr[1]) || !m.view(&w, arr[2]) || !m.integer(&has_bias) || (has_bias && !m.view(&b, arr[3])) || !ConvP(m, &p) ||
        !Ints(m, o, 2) || !Dims4(x) || !Dims4(w) || !NonNeg(o, 2)) {
      return Fail(info.Env(), "conv2d: bad metadata");
    }
    if (x.shape[1] != w.shape[1] * p.groups || w.shape[0] % p.groups != 0 || (has_bias && (b.nd != 1 || b.shape[0] != w.shape[0]))) {
      return Fail(info.Env(), "conv2d: operand shapes do not match");
    }
    const bool ok = has_bias ? ConvViews(arr[0], {{&x, &arr[1]}, {&w, &arr[2]}, {&b, &arr[3]}}) : ConvViews(arr[0], {{&x, &arr[1]}, {&w, &arr[2]}});
    if (!ok || arr[0].length < x.shape[0] * w.shape[0] * o[0] * o[1]) return Fail(info.Env(), "conv2d: bad dtypes or a view outside its storage");
    run_kernel(info.Env(), "conv2d", [&] { conv2d(x, w, has_bias ? &b : nullptr, p, o[0], o[1], arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value Conv2dInputGrad(const Napi::CallbackInfo& info) {
    Array arr[3];
    if (!Arrays(info, 0, 3, arr)) return Fail(info.Env(), "conv2dInputGrad(out, g, w)");
    View g, w;
    i64 s[4];
    ConvParams p;
    MetaReader m = Meta();
    if (!m.view(&g, arr[1]) || !m.view(&w, arr[2]) || !Ints(m, s, 4) || !ConvP(m, &p) || !Dims4(g) || !Dims4(w) || !NonNeg(s, 4)) {
      return Fail(info.Env(), "conv2dInputGrad: bad metadata");
    }
    if (g.shape[0] != s[0] || g.shape[1] != w.shape[0] || s[1] != w.shape[1] * p.groups || w.shape[0] % p.groups != 0) {
      return Fail(info.Env(), "conv2dInputGrad: operand shapes do not match");
    }
    if (!ConvViews(arr[0], {{&g, &arr[1]}, {&w, &arr[2]}}) || arr[0].length < s[0] * s[1] * s[2] * s[3]) {
      return Fail(info.Env(), "conv2dInputGrad: bad dtypes or a view outside its storage");
    }
    run_kernel(info.Env(), "conv2dInputGrad", [&] { conv2d_input_grad(g, w, s, p, arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value Conv2dWeightGrad(const Napi::CallbackInfo& info) {
    Array arr[3];
    if (!Arrays(info, 0, 3, arr)) return Fail(info.Env(), "conv2dWeightGrad(out, x, g)");
    View x, g;
    i64 s[4];
    ConvParams p;
    MetaReader m = Meta();
    if (!m.view(&x, arr[1]) || !m.view(&g, arr[2]) || !Ints(m, s, 4) || !ConvP(m, &p) || !Dims4(x) || !Dims4(g) || !NonNeg(s, 4)) {
      return Fail(info.Env(), "conv2dWeightGrad: bad metadata");
    }
    if (g.shape[0] != x.shape[0] || g.shape[1] != s[0] || x.shape[1] != s[1] * p.groups || s[0] % p.groups != 0) {
      return Fail(info.Env(), "conv2dWeightGrad: operand shapes do not match");
    }
    if (!ConvViews(arr[0], {{&x, &arr[1]}, {&g, &arr[2]}}) || arr[0].length < s[0] * s[1] * s[2] * s[3]) {
      return Fail(info.Env(), "conv2dWeightGrad: bad dtypes or a view outside its storage");
    }
    run_kernel(info.Env(), "conv2dWeightGrad", [&] { conv2d_weight_grad(x, g, s, p, arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
    Array arr[3];
    if (!Arrays(info, 0, 3, arr) || arr[1].dtype != DType::I32) return Fail(info.Env(), "maxPool2d(values, indices, x)");
    View x;
    i64 v[10];
    MetaReader m = Meta();
    if (!m.view(&x, arr[2]) || !Ints(m, v, 10) || !Dims4(x) || v[0] < 1 || v[1] < 1 || v[2] < 1 || v[3] < 1 || v[4] < 0 || v[5] < 0 ||
        v[6] < 1 || v[7] < 1 || !NonNeg(v + 8, 2)) {
      return Fail(info.Env(), "maxPool2d: bad metadata");
    }
    const i64 n = x.shape[0] * x.shape[1] * v[8] * v[9];
    if (!ConvViews(arr[0], {{&x, &arr[2]}}) || arr[0].length < n || arr[1].length < n) return Fail(info.Env(), "maxPool2d: bad dtypes or a view outside its storage");
    run_kernel(info.Env(), "maxPool2d", [&] { max_pool2d(x, MaxPoolParams{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]}, v[8], v[9], arr[0].data, static_cast<int32_t*>(arr[1].data), arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
    Array arr[3];
    if (!Arrays(info, 0, 3, arr) || arr[2].dtype != DType::I32) return Fail(info.Env(), "maxPool2dBackward(out, g, indices)");
    View g, idx;
    i64 s[4];
    MetaReader m = Meta();
    if (!m.view(&g, arr[1]) || !m.view(&idx, arr[2]) || !Ints(m, s, 4) || !Dims4(g) || !Dims4(idx) || !NonNeg(s, 4)) {
      return Fail(info.Env(), "maxPool2dBackward: bad metadata");
    }
    bool same = g.shape[0] == s[0] && g.shape[1] == s[1];
    for (int d = 0; d < 4; d++) same = same && idx.shape[d] == g.shape[d];
    if (!same) return Fail(info.Env(), "maxPool2dBackward: operand shapes do not match");
    if (!ConvViews(arr[0], {{&g, &arr[1]}}) || !Check(idx, arr[2]) || arr[0].length < s[0] * s[1] * s[2] * s[3]) {
      return Fail(info.Env(), "maxPool2dBackward: bad dtypes or a view outside its storage");
    }
    int32_t bad = 0;
    i64 at = -1;
    if (!run_kernel(info.Env(), "maxPool2dBackward", [&] { at = max_pool2d_backward(g, idx, s, arr[0].data, arr[0].dtype, &bad); })) return info.Env().Undefined();
    if (at >= 0) {
      const std::string msg = "maxPool2dBackward: index " + std::to_string(bad) + " is out of range for an input plane of " +
                              std::to_string(s[2]) + "x" + std::to_string(s[3]);
      Napi::RangeError::New(info.Env(), msg).ThrowAsJavaScriptException();
    }
    return info.Env().Undefined();
  }

  Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
    Array arr[2];
    if (!Arrays(info, 0, 2, arr)) return Fail(info.Env(), "avgPool2d(out, x)");
    View x;
    AvgPoolParams p;
    i64 o[2];
    MetaReader m = Meta();
    if (!m.view(&x, arr[1]) || !AvgP(m, &p) || !Ints(m, o, 2) || !Dims4(x) || !NonNeg(o, 2)) return Fail(info.Env(), "avgPool2d: bad metadata");
    if (!ConvViews(arr[0], {{&x, &arr[1]}}) || arr[0].length < x.shape[0] * x.shape[1] * o[0] * o[1]) {
      return Fail(info.Env(), "avgPool2d: bad dtypes or a view outside its storage");
    }
    run_kernel(info.Env(), "avgPool2d", [&] { avg_pool2d(x, p, o[0], o[1], arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
    Array arr[2];
    if (!Arrays(info, 0, 2, arr)) return Fail(info.Env(), "avgPool2dBackward(out, g)");
    View g;
    AvgPoolParams p;
    i64 s[4];
    MetaReader m = Meta();
    if (!m.view(&g, arr[1]) || !Ints(m, s, 4) || !AvgP(m, &p) || !Dims4(g) || !NonNeg(s, 4) || g.shape[0] != s[0] || g.shape[1] != s[1]) {
      return Fail(info.Env(), "avgPool2dBackward: bad metadata");
    }
    if (!ConvViews(arr[0], {{&g, &arr[1]}}) || arr[0].length < s[0] * s[1] * s[2] * s[3]) {
      return Fail(info.Env(), "avgPool2dBackward: bad dtypes or a view outside its storage");
    }
    run_kernel(info.Env(), "avgPool2dBackward", [&] { avg_pool2d_backward(g, s, p, arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value AdaptiveAvgPool2d(const Napi::CallbackInfo& info) {
    Array arr[2];
    if (!Arrays(info, 0, 2, arr)) return Fail(info.Env(), "adaptiveAvgPool2d(out, x)");
    View x;
    i64 o[2];
    MetaReader m = Meta();
    if (!m.view(&x, arr[1]) || !Ints(m, o, 2) || !Dims4(x) || !NonNeg(o, 2)) return Fail(info.Env(), "adaptiveAvgPool2d: bad metadata");
    if (!ConvViews(arr[0], {{&x, &arr[1]}}) || arr[0].length < x.shape[0] * x.shape[1] * o[0] * o[1]) {
      return Fail(info.Env(), "adaptiveAvgPool2d: bad dtypes or a view outside its storage");
    }
    run_kernel(info.Env(), "adaptiveAvgPool2d", [&] { adaptive_avg_pool2d(x, o[0], o[1], arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }

  Napi::Value AdaptiveAvgPool2dBackward(const Napi::CallbackInfo& info) {
    Array arr[2];
    if (!Arrays(info, 0, 2, arr)) return Fail(info.Env(), "adaptiveAvgPool2dBackward(out, g)");
    View g;
    i64 s[4];
    MetaReader m = Meta();
    if (!m.view(&g, arr[1]) || !Ints(m, s, 4) || !Dims4(g) || !NonNeg(s, 4) || g.shape[0] != s[0] || g.shape[1] != s[1]) {
      return Fail(info.Env(), "adaptiveAvgPool2dBackward: bad metadata");
    }
    if (!ConvViews(arr[0], {{&g, &arr[1]}}) || arr[0].length < s[0] * s[1] * s[2] * s[3]) {
      return Fail(info.Env(), "adaptiveAvgPool2dBackward: bad dtypes or a view outside its storage");
    }
    run_kernel(info.Env(), "adaptiveAvgPool2dBackward", [&] { adaptive_avg_pool2d_backward(g, s, arr[0].data, arr[0].dtype); });
    return info.Env().Undefined();
  }
  // --- end conv ---
  // ---- linalg (linalg.h) ----
  /** linalg(op, flags, ...arrays): meta holds [nviews, view...] for the first nviews arrays (the inputs). */
  Napi::Value Linalg(const Napi::CallbackInfo& info) {
    const int op = Int(info, 0), flags = Int(info, 1);
    const size_t narrays = info.Length() >= 2 ? info.Length() - 2 : 0;
    Array arr[6];
    if (op < 0 || op > static_cast<int>(LinalgOp::Eigh) || flags < 0 || narrays < 2 || narrays > 6 || !Arrays(info, 2, narrays, arr)) {
      return Fail(info.Env(), "linalg(op, flags, ...arrays)");
    }
    MetaReader m = Meta();
    i64 nviews = 0;
    View views[2];
    if (!m.integer(&nviews) || nviews < 1 || nviews > 2 || static_cast<size_t>(nviews) > narrays) return Fail(info.Env(), "linalg: bad metadata");
    LinalgArray la[6];
    for (size_t i = 0; i < narrays; i++) la[i] = {arr[i].data, arr[i].length, arr[i].dtype};
    for (i64 i = 0; i < nviews; i++) {
      if (!m.view(&views[i], arr[i])) return Fail(info.Env(), "linalg: bad metadata");
      if (!Check(views[i], arr[i])) return Fail(info.Env(), "linalg: view outside its storage");
    }
    LinalgCall call;
    call.op = static_cast<LinalgOp>(op);
    call.flags = flags;
    call.nviews = static_cast<int>(nviews);
    call.views = views;
    call.narrays = static_cast<int>(narrays);
    call.arrays = la;
    static const char* const kNames[] = {"lu", "luSolve", "det", "triangularSolve", "qr", "svd", "eigh"};
    const char* err = nullptr;
    if (!run_kernel(info.Env(), kNames[op], [&] { err = linalg_run(call); })) return info.Env().Undefined();
    if (err) return Fail(info.Env(), err);
    return info.Env().Undefined();
  }
  // ---- end linalg ----

  Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
    const int n = Int(info, 0);
    if (n < 1) return Fail(info.Env(), "setNumThreads expects an integer >= 1");
    run_kernel(info.Env(), "setNumThreads", [&] { set_pool_threads(n); });
    return info.Env().Undefined();
  }

  Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
    int n = 1;
    if (!run_kernel(info.Env(), "getNumThreads", [&] { n = pool_threads(); })) return info.Env().Undefined();
    return Napi::Number::New(info.Env(), n);
  }

  /**
   * setAllocLimit(bytes, workersOnly = false), for tests only: checked allocations over `bytes`
   * fail as if the system refused them, on every thread or only on pool workers (Infinity: no limit).
   */
  Napi::Value SetAllocLimit(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsNumber()) return Fail(info.Env(), "setAllocLimit expects a number of bytes");
    const double v = info[0].As<Napi::Number>().DoubleValue();
    if (!(v >= 0)) return Fail(info.Env(), "setAllocLimit expects a number of bytes >= 0");
    g_alloc_limit_workers_only.store(info.Length() > 1 && info[1].ToBoolean().Value(), std::memory_order_relaxed);
    g_alloc_limit.store(v >= 18446744073709551615.0 ? SIZE_MAX : static_cast<size_t>(v), std::memory_order_relaxed);
    return info.Env().Undefined();
  }

  Napi::Value SetGemmIsa(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsString()) return Fail(info.Env(), "setGemmIsa expects a string");
    return Napi::Boolean::New(info.Env(), set_gemm_isa(info[0].As<Napi::String>().Utf8Value().c_str()));
  }

  Napi::Value SetVmathIsa(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsString()) return Fail(info.Env(), "setVmathIsa expects a string");
    return Napi::Boolean::New(info.Env(), set_vmath_isa(info[0].As<Napi::String>().Utf8Value().c_str()));
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("gemm", gemm_isa());
    o.Set("vmath", vmath_isa());
    int threads = 1;
    if (!run_kernel(info.Env(), "info", [&] { threads = pool_threads(); })) return info.Env().Undefined();
    o.Set("threads", threads);
    o.Set("cpus", available_cpus());
    return o;
  }

  const double* meta_ = nullptr;
  size_t meta_length_ = 0;
  Napi::Reference<Napi::Float64Array> meta_ref_;
};

}  // namespace
}  // namespace gl

using GradlabAddon = gl::Addon;
NODE_API_ADDON(GradlabAddon)
