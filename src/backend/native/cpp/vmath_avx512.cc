// vmath.h's functions compiled for AVX-512 (16 lanes); used only when the CPU has it.
#include "vmath.h"

#if defined(__x86_64__) && (defined(__GNUC__) && !defined(__clang__))
#pragma GCC target("avx512f,avx512dq,fma")
// GCC 12 flags the deliberately undefined pass-through operand inside _mm512_sqrt_ps.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#define GL_VW 16
#define GL_FMA(a, b, c) reinterpret_cast<vf>(_mm512_fmadd_ps(reinterpret_cast<__m512>(a), reinterpret_cast<__m512>(b), reinterpret_cast<__m512>(c)))
#define GL_SQRT(a) reinterpret_cast<vf>(_mm512_sqrt_ps(reinterpret_cast<__m512>(a)))

namespace gl {
#include "vmath_impl.h"

bool vmath_avx512(VMath* out, VReduce* red) {
  fill_table(out, red);
  return true;
}
}  // namespace gl

#else
namespace gl {
bool vmath_avx512(VMath*, VReduce*) { return false; }
}  // namespace gl
#endif
