// vmath.h's functions compiled for AVX2 with FMA (8 lanes); used only when the CPU has both.
#include "vmath.h"

#if defined(__x86_64__) && (defined(__GNUC__) && !defined(__clang__))
#pragma GCC target("avx2,fma")
#include <immintrin.h>

#define GL_VW 8
#define GL_FMA(a, b, c) reinterpret_cast<vf>(_mm256_fmadd_ps(reinterpret_cast<__m256>(a), reinterpret_cast<__m256>(b), reinterpret_cast<__m256>(c)))
#define GL_SQRT(a) reinterpret_cast<vf>(_mm256_sqrt_ps(reinterpret_cast<__m256>(a)))

namespace gl {
#include "vmath_impl.h"

bool vmath_avx2(VMath* out, VReduce* red) {
  fill_table(out, red);
  return true;
}
}  // namespace gl

#else
namespace gl {
bool vmath_avx2(VMath*, VReduce*) { return false; }
}  // namespace gl
#endif
