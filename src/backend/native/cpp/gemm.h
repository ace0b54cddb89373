// Matrix products: a packed, cache-blocked GEMM (BLIS-style loops around the micro-kernels
// of gemm_kernels.h) for float32 and float64, matrix-vector products, an int32 product, and
// the batched, strided, mixed-dtype matmul kernel built on them.
#pragma once

#include "common.h"

namespace gl {

/**
 * C[m, n] (row stride ldc) = A[m, k] B[k, n] (+ bias[j] on column j, once each sum is
 * complete, when bias is not null; bias is contiguous); A and B have any strides (rs:
 * between rows, cs: between columns), so every transposition is a stride pattern. Splits
 * over the thread pool when `threads` and the product is large; the result does not depend
 * on it. With `accumulate`, C += A B (+ bias): each KC slice's sum is added to C in turn.
 */
template <class T>
void gemm(i64 m, i64 n, i64 k, const T* a, i64 ars, i64 acs, const T* b, i64 brs, i64 bcs, T* c, i64 ldc, bool threads,
          const T* bias = nullptr, bool accumulate = false);

/**
 * The backend's matmul: a [...batch, m, k] x b [...batch, k, n] into a contiguous
 * [...batch, m, n] of out_dt (both views have the batch dims, broadcast ones with stride 0),
 * plus `bias` (a 1-D [n] view, any dtype, or null) on every row once its sum is complete.
 */
void matmul(const View& a, const View& b, i64 m, i64 n, i64 k, void* out, DType out_dt, const View* bias = nullptr,
            bool accumulate = false);

/** Names the micro-kernel set in use: "avx512", "avx2" or "generic". */
const char* gemm_isa();
/** Forces a micro-kernel set by name (for tests and benchmarks); false if this CPU lacks it. */
bool set_gemm_isa(const char* isa);

}  // namespace gl
