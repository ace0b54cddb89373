// AVX2 + FMA micro-kernels (compiled for AVX2 per function; used only when the CPU has it).
#include "gemm_kernels.h"

#include <algorithm>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define GL_KERNEL_TARGET __attribute__((target("avx2,fma")))
#define GL_VEC_FN static inline __attribute__((target("avx2,fma"), always_inline))

namespace gl {
namespace {

// Lane masks for partial vectors: the n-lane mask starts at kMask32 + 8 - n (kMask64 + 4 - n).
alignas(64) const int32_t kMask32[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
alignas(64) const int64_t kMask64[8] = {-1, -1, -1, -1, 0, 0, 0, 0};

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
  GL_VEC_FN __m256i mask(int n) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMask32 + 8 - n)); }
  GL_VEC_FN V load_part(const T* p, int n) { return _mm256_maskload_ps(p, mask(n)); }
  GL_VEC_FN void store_part(T* p, V v, int n) { _mm256_maskstore_ps(p, mask(n), v); }
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
  GL_VEC_FN __m256i mask(int n) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMask64 + 4 - n)); }
  GL_VEC_FN V load_part(const T* p, int n) { return _mm256_maskload_pd(p, mask(n)); }
  GL_VEC_FN void store_part(T* p, V v, int n) { _mm256_maskstore_pd(p, mask(n), v); }
};

#include "gemm_microkernel.h"

/**
 * Transposes 4 rows of 8 floats: u[q] holds column q in its low half and column q + 4 in
 * its high half (rows 0..3 in order).
 */
GL_VEC_FN void transpose4x8(const __m256* r, __m256* u) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  u[0] = _mm256_shuffle_ps(t0, t2, 0x44);
  u[1] = _mm256_shuffle_ps(t0, t2, 0xEE);
  u[2] = _mm256_shuffle_ps(t1, t3, 0x44);
  u[3] = _mm256_shuffle_ps(t1, t3, 0xEE);
}

/**
 * dst[p * width + j] = src[j * sl + p] for a panel whose source lines are contiguous along
 * k: 8 x 8 and 4 x 8 blocks go through registers (a transposing pack), the rest is scalar.
 * Each group of 8 (or 4) lines is walked along k to its end before the next, fetching each
 * line 64 values ahead (past a line's end too: a prefetch never faults): all the panel's
 * lines at once (up to 32 streams a line apart) missed the cache on most loads.
 */
GL_KERNEL_TARGET void pack_lines_f32(const float* src, i64 sl, i64 kc, i64 lines, i64 width, float* dst) {
  const i64 kc8 = kc / 8 * 8;
  i64 j = 0;
  for (; j + 8 <= lines; j += 8) {
    const float* s = src + j * sl;
    for (i64 p = 0; p < kc8; p += 8) {
      if ((p & 15) == 0) {
        for (int i = 0; i < 8; i++) _mm_prefetch(reinterpret_cast<const char*>(s + i * sl + p + 64), _MM_HINT_T0);
      }
      float* d = dst + p * width + j;
      __m256 r[8], u[4], v[4];
      for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(s + i * sl + p);
      transpose4x8(r, u);
      transpose4x8(r + 4, v);
      for (int q = 0; q < 4; q++) {
        _mm256_storeu_ps(d + q * width, _mm256_permute2f128_ps(u[q], v[q], 0x20));
        _mm256_storeu_ps(d + (q + 4) * width, _mm256_permute2f128_ps(u[q], v[q], 0x31));
      }
    }
  }
  for (; j + 4 <= lines; j += 4) {
    const float* s = src + j * sl;
    for (i64 p = 0; p < kc8; p += 8) {
      float* d = dst + p * width + j;
      __m256 r[4], u[4];
      for (int i = 0; i < 4; i++) r[i] = _mm256_loadu_ps(s + i * sl + p);
      transpose4x8(r, u);
      for (int q = 0; q < 4; q++) {
        _mm_storeu_ps(d + q * width, _mm256_castps256_ps128(u[q]));
        _mm_storeu_ps(d + (q + 4) * width, _mm256_extractf128_ps(u[q], 1));
      }
    }
  }
  for (; j < lines; j++) {
    for (i64 p = 0; p < kc8; p++) dst[p * width + j] = src[j * sl + p];
  }
  for (i64 p = 0; p < kc8; p++) {
    for (i64 c = lines; c < width; c++) dst[p * width + c] = 0;
  }
  for (i64 p = kc8; p < kc; p++) {
    float* d = dst + p * width;
    for (i64 c = 0; c < lines; c++) d[c] = src[c * sl + p];
    for (i64 c = lines; c < width; c++) d[c] = 0;
  }
}

/**
 * d[0:n] = s[0:n] (n >= 0): whole vectors, then the tail as one more whole vector ending at n
 * (overlapping the last one) when the run is at least a vector long, else one masked vector
 * (AMD's masked stores are slow: an A panel of 12 rows would take one on every step).
 */
GL_VEC_FN void copy_run(float* d, const float* s, i64 n) {
  i64 j = 0;
  for (; j + 8 <= n; j += 8) _mm256_storeu_ps(d + j, _mm256_loadu_ps(s + j));
  if (j < n && n >= 8) {
    _mm256_storeu_ps(d + n - 8, _mm256_loadu_ps(s + n - 8));
  } else if (j < n) {
    const __m256i m = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMask32 + 8 - (n - j)));
    _mm256_maskstore_ps(d + j, m, _mm256_maskload_ps(s + j, m));
  }
}

/** Steps [p, p + rows) of every panel of pack_copy_f32's block (full panels, then the last, padded). */
GL_VEC_FN void copy_steps(const float* src, i64 sp, i64 kc, i64 full, i64 rest, i64 lw, int panel, float* dst, i64 p, int rows) {
  const float* s = src + p * sp;
  float* d = dst + p * panel;
  for (i64 j0 = 0; j0 < full; j0 += panel, d += panel * kc) {
    for (int r = 0; r < rows; r++) copy_run(d + r * panel, s + r * sp + j0, panel);
  }
  if (rest > 0) {
    float* e = dst + full * kc + p * lw;
    for (int r = 0; r < rows; r++, e += lw) {
      copy_run(e, s + r * sp + full, rest);
      for (i64 j = rest; j < lw; j++) e[j] = 0;
    }
  }
}

/**
 * A block whose lines are adjacent (sl = 1): step p of every line is one contiguous run, so
 * the source is read in order and cut into the panels. Four steps at a time: each visit to a
 * panel writes four of its rows, contiguous (512 bytes of a 32-wide panel), where a single
 * step wrote 128 bytes to every panel in turn (1.5x faster on a 1024 x 1024 B in cache).
 */
GL_KERNEL_TARGET void pack_copy_f32(const float* src, i64 sp, i64 kc, i64 lines, int panel, int pad, float* dst) {
  const i64 full = lines / panel * panel, rest = lines - full;
  const i64 lw = last_width(rest, pad);
  i64 p = 0;
  for (; p + 4 <= kc; p += 4) copy_steps(src, sp, kc, full, rest, lw, panel, dst, p, 4);
  for (; p < kc; p++) copy_steps(src, sp, kc, full, rest, lw, panel, dst, p, 1);
}

GL_KERNEL_TARGET void pack_f32(const float* src, i64 sl, i64 sp, i64 kc, i64 lines, int panel, int pad, float* dst) {
  if (sl == 1 && sp != 1) {
    pack_copy_f32(src, sp, kc, lines, panel, pad, dst);
  } else if (sp == 1) {
    for (i64 j0 = 0; j0 < lines; j0 += panel) {
      const i64 n = std::min<i64>(panel, lines - j0);
      pack_lines_f32(src + j0 * sl, sl, kc, n, n == panel ? panel : last_width(n, pad), dst + j0 * kc);
    }
  } else {
    pack_generic<float>(src, sl, sp, kc, lines, panel, pad, dst);
  }
}

// 6 x 2 vectors: 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm registers.
constexpr int kMr = 6;
constexpr int kNv = 2;

}  // namespace

bool avx2_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64) {
  describe_set<F32x8, kMr, kNv>(f32, pack_avx2_f32, 512, 4092, 384, "avx2");
  describe_set<F64x4, kMr, kNv>(f64, pack_generic<double>, 256, 4092, 384, "avx2");
  return true;
}

const PackFn<float> pack_avx2_f32 = pack_f32;

}  // namespace gl

#else

namespace gl {
bool avx2_kernels(GemmKernel<float>*, GemmKernel<double>*) { return false; }
const PackFn<float> pack_avx2_f32 = nullptr;
}  // namespace gl

#endif
