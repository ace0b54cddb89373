// AVX-512 micro-kernels (compiled for AVX-512 per function; used only when the CPU has it).
#include "gemm_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

// AVX-512VL as well: the narrow kernels below use ymm registers, all 32 of them.
#define GL_KERNEL_TARGET __attribute__((target("avx512f,avx512vl,fma")))
#define GL_VEC_FN static inline __attribute__((target("avx512f,avx512vl,fma"), always_inline))

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

// Half-width (ymm) vectors with AVX-512's masked loads and stores, for narrow products.
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
  GL_VEC_FN V load_part(const T* p, int n) { return _mm256_maskz_loadu_ps(static_cast<__mmask8>((1u << n) - 1), p); }
  GL_VEC_FN void store_part(T* p, V v, int n) { _mm256_mask_storeu_ps(p, static_cast<__mmask8>((1u << n) - 1), v); }
  /** r[0..7] (rows) become their transpose (r[j] = column j). */
  GL_VEC_FN void transpose(V* r) {
    const V t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const V t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const V t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const V t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const V u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const V u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const V u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const V u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
  }
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
  GL_VEC_FN V load_part(const T* p, int n) { return _mm256_maskz_loadu_pd(static_cast<__mmask8>((1u << n) - 1), p); }
  GL_VEC_FN void store_part(T* p, V v, int n) { _mm256_mask_storeu_pd(p, static_cast<__mmask8>((1u << n) - 1), v); }
  /** r[0..3] (rows) become their transpose (r[j] = column j). */
  GL_VEC_FN void transpose(V* r) {
    const V t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
    const V t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
    r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
  }
};

#include "gemm_microkernel.h"

// 12 x 2 vectors: 24 accumulators + 2 B vectors + 1 broadcast of the 32 zmm registers.
constexpr int kMr = 12;
constexpr int kNv = 2;

}  // namespace

bool avx512_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64) {
  describe_set<F32x16, kMr, kNv>(f32, pack_avx2_f32 ? pack_avx2_f32 : pack_generic<float>, 512, 4092, 512, "avx512");
  describe_set<F64x8, kMr, kNv>(f64, pack_generic<double>, 256, 4092, 384, "avx512");
  return true;
}

bool avx512_narrow_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64) {
  // 12 rows x 1 half-width vector: 12 accumulators; each step loads one B vector and
  // broadcasts 12 values of A (more rows run out of registers for A's row addresses when A is
  // read in place), under the FMA ports' two ymm operations per cycle.
  constexpr int kNarrowMr = 12;
  describe_set<F32x8, kNarrowMr, 1>(f32, pack_avx2_f32 ? pack_avx2_f32 : pack_generic<float>, 512, 4096, F32x8::W, "avx512-ymm");
  fill_transposed<F32x8, kNarrowMr>(f32->tile_t, f32->direct_t);
  describe_set<F64x4, kNarrowMr, 1>(f64, pack_generic<double>, 256, 4096, F64x4::W, "avx512-ymm");
  fill_transposed<F64x4, kNarrowMr>(f64->tile_t, f64->direct_t);
  return true;
}

}  // namespace gl

#else

namespace gl {
bool avx512_kernels(GemmKernel<float>*, GemmKernel<double>*) { return false; }
bool avx512_narrow_kernels(GemmKernel<float>*, GemmKernel<double>*) { return false; }
}  // namespace gl

#endif
