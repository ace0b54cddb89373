// Compile-time dtype dispatch and typed conversions with the casting rules of common.h,
// so conversion loops are typed (no per-element switch) and still match load()/store().
#pragma once

#include <type_traits>

#include "common.h"

namespace gl {

/** Converts one value to the storage type D as a tensor of D stores it. */
template <class D>
struct Cast {
  template <class S>
  static D from(S v) { return static_cast<D>(v); }
};

template <>
struct Cast<int32_t> {
  template <class S>
  static int32_t from(S v) {
    if constexpr (std::is_floating_point_v<S>) return to_int32(static_cast<double>(v));
    else return static_cast<int32_t>(v);
  }
};

template <>
struct Cast<uint8_t> {
  // bool: any non-zero value (NaN included) is true.
  template <class S>
  static uint8_t from(S v) { return v != 0 ? 1 : 0; }
};

/** Calls f(T{}) with T the storage type of `t`: float, double, int32_t or uint8_t (bool). */
template <class F>
inline void dispatch(DType t, F&& f) {
  switch (t) {
    case DType::F32: f(float{}); return;
    case DType::F64: f(double{}); return;
    case DType::I32: f(int32_t{}); return;
    case DType::Bool: f(uint8_t{}); return;
  }
}

/** Copies n strided source elements into a contiguous or strided destination, converting. */
template <class D, class S>
inline void convert_row(const S* src, i64 ss, D* dst, i64 ds, i64 n) {
  if (ss == 1 && ds == 1) {
    for (i64 j = 0; j < n; j++) dst[j] = Cast<D>::from(src[j]);
  } else {
    for (i64 j = 0; j < n; j++) dst[j * ds] = Cast<D>::from(src[j * ss]);
  }
}

}  // namespace gl
