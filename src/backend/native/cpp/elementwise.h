// Elementwise kernels: unary, binary, where, copy and assign over strided views.
#pragma once

#include "common.h"

namespace gl {

// Same order as UNARY_OPS / BINARY_OPS in src/backend/kernels.ts; the loader checks the
// names (kUnaryNames / kBinaryNames) against that list before using the addon.
enum class UnaryOp : int {
  Neg, Exp, Log, Log1p, Expm1, Sqrt, Rsqrt, Abs, Sign, Square,
  Sin, Cos, Tan, Tanh, Sigmoid, Relu, Floor, Ceil, Round, Trunc,
  Reciprocal, Erf, LogicalNot, Isnan, Asin, Acos, Atan, Count
};

enum class BinaryOp : int {
  Add, Sub, Mul, Div, Pow, Maximum, Minimum, Atan2, Fmod, Remainder,
  FloorDivide, Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr, LogicalXor,
  ReluBackward, Count
};

extern const char* const kUnaryNames[];
extern const char* const kBinaryNames[];

/** out = f(x), contiguous, of dtype `out_dt`. */
void unary(UnaryOp op, const View& x, void* out, DType out_dt);
/** out = f(a, b); a and b both have the output's shape (broadcast dims carry stride 0). */
void binary(BinaryOp op, const View& a, const View& b, void* out, DType out_dt);
/** out = cond ? a : b, all three with the output's shape. */
void where(const View& cond, const View& a, const View& b, void* out, DType out_dt);
/** Contiguous copy of x converted to `out_dt`. */
void copy(const View& x, void* out, DType out_dt);
/** dst[...] = src[...] converted to dst's dtype, in element order (src has dst's shape). */
void assign(const View& dst, const View& src);

}  // namespace gl
