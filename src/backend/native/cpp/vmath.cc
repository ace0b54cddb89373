// The portable build of vmath.h's functions (4 lanes, no FMA: SSE2 on x86-64, NEON or
// scalar code elsewhere) and the choice of the instruction set, made once from the CPU.
#include "vmath.h"

#include <cstring>

#define GL_VW 4
#define GL_FMA(a, b, c) ((a) * (b) + (c))
#if defined(__SSE2__)
#include <emmintrin.h>
#define GL_SQRT(a) reinterpret_cast<vf>(_mm_sqrt_ps(reinterpret_cast<__m128>(a)))
#else
#define GL_SQRT(a) sqrt_lanes(a)
#define GL_NEEDS_SQRT_LANES
#endif

namespace gl {
#ifdef GL_NEEDS_SQRT_LANES
namespace {
typedef float vf __attribute__((vector_size(GL_VW * 4)));
inline vf sqrt_lanes(vf a) {
  for (int i = 0; i < GL_VW; i++) a[i] = __builtin_sqrtf(a[i]);
  return a;
}
}  // namespace
#endif
#include "vmath_impl.h"
}  // namespace gl

namespace gl {

void vmath_generic(VMath* out, VReduce* red) { fill_table(out, red); }

namespace {

struct Chosen {
  VMath fns;
  VReduce red;
  const char* isa;
};

Chosen select_best() {
  Chosen c;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && vmath_avx512(&c.fns, &c.red)) {
    c.isa = "avx512";
    return c;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && vmath_avx2(&c.fns, &c.red)) {
    c.isa = "avx2";
    return c;
  }
#endif
  vmath_generic(&c.fns, &c.red);
  c.isa = "generic";
  return c;
}

Chosen& chosen() {
  static Chosen c = select_best();
  return c;
}

}  // namespace

const VMath& vmath() { return chosen().fns; }

const VReduce& vreduce() { return chosen().red; }

const char* vmath_isa() { return chosen().isa; }

bool set_vmath_isa(const char* isa) {
  Chosen c;
  if (std::strcmp(isa, "generic") == 0) {
    vmath_generic(&c.fns, &c.red);
    c.isa = "generic";
  }
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  else if (std::strcmp(isa, "avx512") == 0) {
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq") || !vmath_avx512(&c.fns, &c.red)) return false;
    c.isa = "avx512";
  } else if (std::strcmp(isa, "avx2") == 0) {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || !vmath_avx2(&c.fns, &c.red)) return false;
    c.isa = "avx2";
  }
#endif
  else {
    return false;
  }
  chosen() = c;
  return true;
}

}  // namespace gl
