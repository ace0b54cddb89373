// AVX2 + FMA micro-kernels (compiled for AVX2 per function; used only when the CPU has it).
#include "gemm_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define GL_KERNEL_TARGET __attribute__((target("avx2,fma")))
#define GL_VEC_FN static inline __attribute__((target("avx2,fma"), always_inline))

namespace gl {
namespace {

struct F32x8 {
  using T = float;
  using V = __m256;
  static constexpr int W = 8;
  GL_VEC_FN V zero() { return _mm256_setzero_ps(); }
  GL_VEC_FN V load(const T* p) { return _mm256_load_ps(p); }
  GL_VEC_FN V loadu(const T* p) { return _mm256_loadu_ps(p); }
  GL_VEC_FN V broadcast(const T* p) { return _mm256_broadcast_ss(p); }
  GL_VEC_FN V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  GL_VEC_FN V add(V a, V b) { return _mm256_add_ps(a, b); }
  GL_VEC_FN void storeu(T* p, V v) { _mm256_storeu_ps(p, v); }
};

struct F64x4 {
  using T = double;
  using V = __m256d;
  static constexpr int W = 4;
  GL_VEC_FN V zero() { return _mm256_setzero_pd(); }
  GL_VEC_FN V load(const T* p) { return _mm256_load_pd(p); }
  GL_VEC_FN V loadu(const T* p) { return _mm256_loadu_pd(p); }
  GL_VEC_FN V broadcast(const T* p) { return _mm256_broadcast_sd(p); }
  GL_VEC_FN V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  GL_VEC_FN V add(V a, V b) { return _mm256_add_pd(a, b); }
  GL_VEC_FN void storeu(T* p, V v) { _mm256_storeu_pd(p, v); }
};

#include "gemm_microkernel.h"

// 6 x 2 vectors: 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm registers.
constexpr int kMr = 6;
constexpr int kNv = 2;

}  // namespace

bool avx2_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64) {
  f32->run = micro_kernel<F32x8, kMr, kNv>;
  f32->mr = kMr;
  f32->nr = kNv * F32x8::W;
  f32->kc = 512;
  f32->mc = 4092;
  f32->nc = 384;
  f32->isa = "avx2";
  f64->run = micro_kernel<F64x4, kMr, kNv>;
  f64->mr = kMr;
  f64->nr = kNv * F64x4::W;
  f64->kc = 256;
  f64->mc = 4092;
  f64->nc = 384;
  f64->isa = "avx2";
  return true;
}

}  // namespace gl

#else

namespace gl {
bool avx2_kernels(GemmKernel<float>*, GemmKernel<double>*) { return false; }
}  // namespace gl

#endif
