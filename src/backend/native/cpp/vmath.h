// Vectorised float32 functions (exp, log, log1p, expm1, tanh, sigmoid, erf; sqrt, rsqrt),
// compiled for AVX-512, AVX2+FMA and plain SSE2, with the set chosen once from the CPU.
// Each is within a few ulp of the correctly rounded result over the whole float range,
// with IEEE behaviour at NaN, infinities, signed zeros, overflow and underflow.
#pragma once
// Only <cstdint>: the per-ISA files include this, and must not compile any shared inline code.

#include <cstdint>

namespace gl {

/** o[i] = f(x[i]) for i in [0, n) over contiguous float arrays (o may equal x). */
using VMathRow = void (*)(const float* x, float* o, int64_t n);

/** One instruction set's functions. */
struct VMath {
  VMathRow exp, log, log1p, expm1, tanh, sigmoid, erf, sqrt, rsqrt;
};

/** The functions for the best instruction set this CPU has (or the one forced by set_vmath_isa). */
const VMath& vmath();
/** Names the set in use: "avx512", "avx2" or "generic". */
const char* vmath_isa();
/** Forces a set by name (tests, benchmarks); false, changing nothing, if this CPU lacks it. */
bool set_vmath_isa(const char* isa);

// Per-ISA tables (vmath_avx512.cc, vmath_avx2.cc, vmath.cc); false where not compiled in.
bool vmath_avx512(VMath* out);
bool vmath_avx2(VMath* out);
void vmath_generic(VMath* out);

}  // namespace gl
