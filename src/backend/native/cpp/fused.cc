// dst += alpha * src over strided views. Threads split the destination into disjoint ranges
// of rows (or of one long row), so the result is the same with any thread count.
#include "fused.h"

#include <algorithm>
#include <cstdint>

#include "parallel.h"

namespace gl {

namespace {

// Below this many elements the kernel stays on the calling thread (a memory-bound loop).
constexpr i64 kParallelElements = 1 << 16;

// The element type a dtype computes in: float and double as themselves, int32 as uint32 so
// that products and sums wrap as Math.imul and `| 0` do.
template <class T> struct Arith { using type = T; };
template <> struct Arith<int32_t> { using type = uint32_t; };

/**
 * n elements of d (stride sd) += a * s (stride ss). The product is a separate rounded value:
 * the build targets baseline x86-64 (no FMA), so it is never contracted into d's sum.
 */
template <class T>
void axpy_row(T* d, i64 sd, const T* s, i64 ss, i64 n, T a, bool unit) {
  using A = typename Arith<T>::type;
  const A aa = static_cast<A>(a);
  if (sd == 1 && ss == 1) {
    if (unit) {
      for (i64 i = 0; i < n; i++) d[i] = static_cast<T>(static_cast<A>(d[i]) + static_cast<A>(s[i]));
    } else {
      for (i64 i = 0; i < n; i++) d[i] = static_cast<T>(static_cast<A>(d[i]) + aa * static_cast<A>(s[i]));
    }
  } else if (sd == 1 && ss == 0) {
    const A v = unit ? static_cast<A>(s[0]) : aa * static_cast<A>(s[0]);
    for (i64 i = 0; i < n; i++) d[i] = static_cast<T>(static_cast<A>(d[i]) + v);
  } else {
    for (i64 i = 0; i < n; i++) {
      const A p = unit ? static_cast<A>(s[i * ss]) : aa * static_cast<A>(s[i * ss]);
      d[i * sd] = static_cast<T>(static_cast<A>(d[i * sd]) + p);
    }
  }
}

template <class T>
void axpy_typed(const View& dst, const View& src, T a, bool unit) {
  const i64* st[2] = {dst.strides, src.strides};
  const i64 offs[2] = {dst.offset, src.offset};
  RowIter<2> it(dst.nd, dst.shape, st, offs);
  if (it.rows == 0) return;
  T* d = static_cast<T*>(dst.data);
  const T* s = static_cast<const T*>(src.data);
  const i64 sd = it.inner_stride[0], ss = it.inner_stride[1];
  if (it.rows == 1) {
    // One long run (a contiguous tensor): split it.
    for_chunks(it.inner, [&](i64 j0, i64 nj) {
      axpy_row(d + it.offs[0] + j0 * sd, sd, s + it.offs[1] + j0 * ss, ss, nj, a, unit);
    }, kParallelElements);
    return;
  }
  const i64 min_rows = std::max<i64>(1, kParallelElements / std::max<i64>(1, it.inner));
  for_chunks(it.rows, [&](i64 r0, i64 nr) {
    RowIter<2> jt = it;
    for (i64 r = 0; r < r0; r++) jt.next();
    for (i64 r = 0; r < nr; r++) {
      axpy_row(d + jt.offs[0], sd, s + jt.offs[1], ss, jt.inner, a, unit);
      jt.next();
    }
  }, min_rows);
}

}  // namespace

bool axpy(const View& dst, const View& src, double alpha) {
  if (dst.dtype != src.dtype) return false;
  switch (dst.dtype) {
    case DType::F32: {
      const float a = static_cast<float>(alpha);
      axpy_typed<float>(dst, src, a, a == 1.0f);
      return true;
    }
    case DType::F64: axpy_typed<double>(dst, src, alpha, alpha == 1.0); return true;
    case DType::I32: {
      const int32_t a = to_int32(alpha);
      axpy_typed<int32_t>(dst, src, a, a == 1);
      return true;
    }
    case DType::Bool: return false;
  }
  return false;
}

}  // namespace gl
