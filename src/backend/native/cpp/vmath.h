// Vectorised float32 functions (exp, log, log1p, expm1, tanh, sigmoid, erf; sqrt, rsqrt) and
// float reduction rows, compiled for AVX-512, AVX2+FMA and plain SSE2, with the set chosen
// once from the CPU. The functions are within a few ulp of the correctly rounded result over
// the whole float range, with IEEE behaviour at NaN, infinities, signed zeros, overflow and
// underflow.
#pragma once
// Only <cstdint>: the per-ISA files include this, and must not compile any shared inline code.

#include <cstdint>

namespace gl {

/** o[i] = f(x[i]) for i in [0, n) over contiguous float arrays (o may equal x). */
using VMathRow = void (*)(const float* x, float* o, int64_t n);

/** One instruction set's functions. */
struct VMath {
  VMathRow exp, log, log1p, expm1, tanh, sigmoid, erf, sqrt, rsqrt;
  /** dst[i * ds + j] = src[i + j * ss] for i < rows, j < cols: a transposing copy, 8 x 8 blocks in registers. */
  void (*transpose)(const float* src, int64_t ss, float* dst, int64_t ds, int64_t rows, int64_t cols);
};

/** Reduction row loops, accumulating in double (see vmath_impl.h). */
struct VReduce {
  // A contiguous row's sum (blocked), max or min (NaN if it holds one).
  double (*sum_f32)(const float*, int64_t);
  double (*sum_f64)(const double*, int64_t);
  double (*max_f32)(const float*, int64_t);
  double (*max_f64)(const double*, int64_t);
  double (*min_f32)(const float*, int64_t);
  double (*min_f64)(const double*, int64_t);
  // A contiguous row's sum of squares (each square rounded in the element type), blocked as sum.
  double (*sumsq_f32)(const float*, int64_t);
  double (*sumsq_f64)(const double*, int64_t);
  // acc[j] op= rows[0][j], ..., rows[nrows - 1][j] for j < w, nrows <= kReduceRowGroup.
  void (*acc_sum_f32)(double* acc, const float* const* rows, int nrows, int64_t w);
  void (*acc_sum_f64)(double* acc, const double* const* rows, int nrows, int64_t w);
  void (*acc_max_f32)(double* acc, const float* const* rows, int nrows, int64_t w);
  void (*acc_max_f64)(double* acc, const double* const* rows, int nrows, int64_t w);
  void (*acc_min_f32)(double* acc, const float* const* rows, int nrows, int64_t w);
  void (*acc_min_f64)(double* acc, const double* const* rows, int nrows, int64_t w);
  // acc[j] += rows[0][j]^2 + ... + rows[nrows - 1][j]^2, grouped as acc_sum_*.
  void (*acc_sumsq_f32)(double* acc, const float* const* rows, int nrows, int64_t w);
  void (*acc_sumsq_f64)(double* acc, const double* const* rows, int nrows, int64_t w);
};

/** Most rows one acc_* call takes: their sum is formed in the element type before it meets the double totals. */
constexpr int kReduceRowGroup = 8;

/** The functions for the best instruction set this CPU has (or the one forced by set_vmath_isa). */
const VMath& vmath();
/** The reduction row loops for the same instruction set. */
const VReduce& vreduce();
/** Names the set in use: "avx512", "avx2" or "generic". */
const char* vmath_isa();
/** Forces a set by name (tests, benchmarks); false, changing nothing, if this CPU lacks it. */
bool set_vmath_isa(const char* isa);

// Per-ISA tables (vmath_avx512.cc, vmath_avx2.cc, vmath.cc); false where not compiled in.
bool vmath_avx512(VMath* out, VReduce* red);
bool vmath_avx2(VMath* out, VReduce* red);
void vmath_generic(VMath* out, VReduce* red);

}  // namespace gl
