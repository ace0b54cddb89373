// Reductions over axes, arg-reductions and inclusive scans along one axis.
#pragma once

#include "common.h"

namespace gl {

// SumSq: the sum of x*x, each square rounded in x's type (int32 wraps), summed as Sum sums.
enum class ReduceOp : int { Sum, Prod, Max, Min, SumSq };
enum class ArgReduceOp : int { Argmax, Argmin };
enum class ScanOp : int { Cumsum, Cumprod };

/** Reduces x over `axes` (sorted, distinct) into a contiguous output of dtype out_dt (x's shape without the axes). */
void reduce(ReduceOp op, const View& x, const int* axes, int naxes, void* out, DType out_dt);
/** Index of the first max/min along `axis` (the first NaN wins both); output drops the axis. */
void arg_reduce(ArgReduceOp op, const View& x, int axis, int32_t* out);
/** Inclusive scan along `axis`; the output has x's shape. */
void scan(ScanOp op, const View& x, int axis, void* out, DType out_dt);

}  // namespace gl
