// Types shared by every kernel family: dtypes, strided views, the row iterator, and the
// scalar conversions that give PyTorch's (and the js backend's) casting rules.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstring>

#include "alloc.h"

namespace gl {

using i64 = int64_t;

// The order matches DTYPE_CODES in ../backend.ts.
enum class DType : int { F32 = 0, F64 = 1, I32 = 2, Bool = 3 };

constexpr int kMaxDims = 32;

/** A strided window onto one typed array (what every kernel reads), as in kernels.ts. */
struct View {
  void* data = nullptr;
  DType dtype = DType::F32;
  i64 offset = 0;
  int nd = 0;
  i64 shape[kMaxDims];
  i64 strides[kMaxDims];

  i64 numel() const {
    i64 n = 1;
    for (int d = 0; d < nd; d++) n *= shape[d];
    return n;
  }
};

inline bool is_int(DType t) { return t == DType::I32 || t == DType::Bool; }

/** JavaScript's ToInt32 (truncate, then wrap modulo 2^32; NaN and infinities give 0). */
inline int32_t to_int32(double v) {
  if (v > -2147483649.0 && v < 2147483648.0) return static_cast<int32_t>(v);
  if (!std::isfinite(v)) return 0;
  double m = std::fmod(std::trunc(v), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

/** int32 product with two's-complement wrap-around (Math.imul). */
inline int32_t imul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

/** Reads element `i` of a typed array of dtype `t` as a double. */
inline double load(const void* base, DType t, i64 i) {
  switch (t) {
    case DType::F32: return static_cast<const float*>(base)[i];
    case DType::F64: return static_cast<const double*>(base)[i];
    case DType::I32: return static_cast<const int32_t*>(base)[i];
    case DType::Bool: return static_cast<const uint8_t*>(base)[i];
  }
  return 0;
}

/** Writes `v` into element `i` with the cast a tensor of dtype `t` applies (bool: v != 0, NaN is true). */
inline void store(void* base, DType t, i64 i, double v) {
  switch (t) {
    case DType::F32: static_cast<float*>(base)[i] = static_cast<float>(v); return;
    case DType::F64: static_cast<double*>(base)[i] = v; return;
    case DType::I32: static_cast<int32_t*>(base)[i] = to_int32(v); return;
    case DType::Bool: static_cast<uint8_t*>(base)[i] = v != 0 ? 1 : 0; return;
  }
}

/** n strided elements of a typed array, starting at `off`, into a double buffer. */
void load_row(const void* base, DType t, i64 off, i64 stride, i64 n, double* dst);
/** n doubles into a contiguous run of a typed array starting at `off`, with the dtype's cast. */
void store_row(const double* src, void* base, DType t, i64 off, i64 n);

/**
 * Walks the rows (innermost runs) of a shape shared by K strided operands. Size-1 dims are
 * dropped and dims contiguous for every operand are merged, so a contiguous tensor is one
 * row; the same algorithm as the js backend's RowIter.
 */
template <int K>
struct RowIter {
  int nd = 0;
  i64 shape[kMaxDims];
  i64 strides[K][kMaxDims];
  i64 idx[kMaxDims];
  i64 inner = 0;
  i64 rows = 0;
  i64 inner_stride[K];
  i64 offs[K];
  i64 base[K];  // the offsets of row 0

  RowIter(int nd0, const i64* shape0, const i64* const strides0[K], const i64 offsets[K]) {
    i64 total = 1;
    for (int d = 0; d < nd0; d++) {
      const i64 size = shape0[d];
      total *= size;
      if (size == 1) continue;
      if (nd > 0) {
        bool merge = true;
        for (int j = 0; j < K; j++) {
          if (strides[j][nd - 1] != strides0[j][d] * size) { merge = false; break; }
        }
        if (merge) {
          shape[nd - 1] *= size;
          for (int j = 0; j < K; j++) strides[j][nd - 1] = strides0[j][d];
          continue;
        }
      }
      shape[nd] = size;
      for (int j = 0; j < K; j++) strides[j][nd] = strides0[j][d];
      nd++;
    }
    if (nd == 0) {
      shape[0] = 1;
      for (int j = 0; j < K; j++) strides[j][0] = 0;
      nd = 1;
    }
    inner = total == 0 ? 0 : shape[nd - 1];
    rows = total == 0 ? 0 : total / shape[nd - 1];
    for (int j = 0; j < K; j++) {
      inner_stride[j] = strides[j][nd - 1];
      offs[j] = base[j] = offsets[j];
    }
    for (int d = 0; d < nd; d++) idx[d] = 0;
  }

  /** Moves every operand's offset to the start of row `row` (0 <= row < rows). */
  void seek(i64 row) {
    for (int j = 0; j < K; j++) offs[j] = base[j];
    for (int d = nd - 2; d >= 0; d--) {
      idx[d] = row % shape[d];
      row /= shape[d];
      for (int j = 0; j < K; j++) offs[j] += idx[d] * strides[j][d];
    }
  }

  /** Moves every operand's offset to the start of the next row. */
  void next() {
    for (int d = nd - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        for (int j = 0; j < K; j++) offs[j] += strides[j][d];
        return;
      }
      idx[d] = 0;
      for (int j = 0; j < K; j++) offs[j] -= strides[j][d] * (shape[d] - 1);
    }
  }
};

/** Row-major strides of a shape. */
inline void contiguous_strides(int nd, const i64* shape, i64* out) {
  i64 acc = 1;
  for (int d = nd - 1; d >= 0; d--) {
    out[d] = acc;
    acc *= shape[d];
  }
}

/** Whether the view is laid out contiguously (row-major) over `shape`; size-1 dims may have any stride. */
inline bool is_dense(const i64* strides, int nd, const i64* shape) {
  i64 acc = 1;
  for (int d = nd - 1; d >= 0; d--) {
    if (shape[d] != 1 && strides[d] != acc) return false;
    acc *= shape[d];
  }
  return true;
}

/**
 * N per-thread scratch buffers that only grow, 64-byte aligned. Each kernel family keeps its
 * own thread_local set (GEMM runs inside conv, so they must not share slots); the buffers are
 * freed when their thread exits. get() never returns null: a failed allocation throws
 * OutOfMemory (see alloc.h), leaving the slot empty rather than stale.
 */
template <int N>
class ScratchSet {
 public:
  ScratchSet() = default;
  ScratchSet(const ScratchSet&) = delete;
  ScratchSet& operator=(const ScratchSet&) = delete;
  ~ScratchSet() {
    for (Buf& b : bufs_) std::free(b.p);
  }

  /** Room for n elements of T in buffer `slot` (its contents are not kept when it grows); `what` names it in errors. */
  template <class T>
  T* get(int slot, size_t n, const char* what) {
    Buf& b = bufs_[slot];
    const size_t bytes = bytes_of(n, sizeof(T));
    // One predictable branch per call: grow, or a request over the test limit (see alloc.h).
    if (b.cap < bytes || bytes > alloc_limit()) grow(b, bytes, what);
    return static_cast<T*>(b.p);
  }

 private:
  struct Buf {
    void* p = nullptr;
    size_t cap = 0;
  };

  static void grow(Buf& b, size_t need, const char* what) {
    if (over_limit(need) || need > SIZE_MAX - 64) throw_oom(what, need);
    if (b.cap >= need) return;
    const size_t bytes = (std::max<size_t>(need, 64) + 63) / 64 * 64;
    const size_t doubled = b.cap <= SIZE_MAX / 2 ? b.cap * 2 : 0;
    std::free(b.p);
    b.p = nullptr;
    b.cap = 0;
    size_t cap = std::max(bytes, doubled);
    void* p = std::aligned_alloc(64, cap);
    // Doubling overshot what the system can give: the exact size may still fit.
    if (p == nullptr && cap > bytes) p = std::aligned_alloc(64, cap = bytes);
    if (p == nullptr) throw_oom(what, need);
    b.p = p;
    b.cap = cap;
  }

  Buf bufs_[N];
};

}  // namespace gl
