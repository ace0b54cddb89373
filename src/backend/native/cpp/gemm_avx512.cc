// AVX-512 micro-kernels (compiled for AVX-512 per function; used only when the CPU has it).
#include "gemm_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define GL_KERNEL_TARGET __attribute__((target("avx512f,fma")))
#define GL_VEC_FN static inline __attribute__((target("avx512f,fma"), always_inline))

namespace gl {
namespace {

struct F32x16 {
  using T = float;
  using V = __m512;
  static constexpr int W = 16;
  GL_VEC_FN V zero() { return _mm512_setzero_ps(); }
  GL_VEC_FN V load(const T* p) { return _mm512_load_ps(p); }
  GL_VEC_FN V loadu(const T* p) { return _mm512_loadu_ps(p); }
  GL_VEC_FN V broadcast(const T* p) { return _mm512_set1_ps(*p); }
  GL_VEC_FN V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  GL_VEC_FN V add(V a, V b) { return _mm512_add_ps(a, b); }
  GL_VEC_FN void storeu(T* p, V v) { _mm512_storeu_ps(p, v); }
  GL_VEC_FN V load_part(const T* p, int n) { return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), p); }
  GL_VEC_FN void store_part(T* p, V v, int n) { _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1), v); }
};

struct F64x8 {
  using T = double;
  using V = __m512d;
  static constexpr int W = 8;
  GL_VEC_FN V zero() { return _mm512_setzero_pd(); }
  GL_VEC_FN V load(const T* p) { return _mm512_load_pd(p); }
  GL_VEC_FN V loadu(const T* p) { return _mm512_loadu_pd(p); }
  GL_VEC_FN V broadcast(const T* p) { return _mm512_set1_pd(*p); }
  GL_VEC_FN V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  GL_VEC_FN V add(V a, V b) { return _mm512_add_pd(a, b); }
  GL_VEC_FN void storeu(T* p, V v) { _mm512_storeu_pd(p, v); }
  GL_VEC_FN V load_part(const T* p, int n) { return _mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << n) - 1), p); }
  GL_VEC_FN void store_part(T* p, V v, int n) { _mm512_mask_storeu_pd(p, static_cast<__mmask8>((1u << n) - 1), v); }
};

#include "gemm_microkernel.h"

// 12 x 2 vectors: 24 accumulators + 2 B vectors + 1 broadcast of the 32 zmm registers.
constexpr int kMr = 12;
constexpr int kNv = 2;

}  // namespace

bool avx512_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64) {
  fill_tiles<F32x16, kMr, kNv>(f32->tile, f32->direct);
  f32->pack = pack_avx2_f32 ? pack_avx2_f32 : pack_generic<float>;
  f32->mr = kMr;
  f32->nr = kNv * F32x16::W;
  f32->w = F32x16::W;
  f32->kc = 512;
  f32->mc = 4092;
  f32->nc = 512;
  f32->isa = "avx512";
  fill_tiles<F64x8, kMr, kNv>(f64->tile, f64->direct);
  f64->pack = pack_generic<double>;
  f64->mr = kMr;
  f64->nr = kNv * F64x8::W;
  f64->w = F64x8::W;
  f64->kc = 256;
  f64->mc = 4092;
  f64->nc = 384;
  f64->isa = "avx512";
  return true;
}

}  // namespace gl

#else

namespace gl {
bool avx512_kernels(GemmKernel<float>*, GemmKernel<double>*) { return false; }
}  // namespace gl

#endif
