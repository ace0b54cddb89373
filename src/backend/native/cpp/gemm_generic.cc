// Portable micro-kernels and packing in plain C++ (whatever the compiler makes of them): the
// fallback on CPUs without AVX2, and on other architectures.
#include "gemm_kernels.h"

namespace gl {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 8;

template <class T, int MR, bool Direct>
void micro_kernel(i64 kc, const T* pa, i64 ars, i64 acs, const T* pb, T* c, i64 ldc, bool first, int cols, const T* bias) {
  T acc[MR][kNr] = {};
  for (i64 p = 0; p < kc; p++) {
    for (int r = 0; r < MR; r++) {
      const T a = Direct ? pa[r * ars] : pa[r];
      for (int j = 0; j < kNr; j++) acc[r][j] += a * pb[j];
    }
    pa += Direct ? acs : MR;
    pb += kNr;
  }
  for (int r = 0; r < MR; r++) {
    T* cr = c + r * ldc;
    for (int j = 0; j < cols; j++) cr[j] = first ? acc[r][j] : cr[j] + acc[r][j];
    if (bias) {
      for (int j = 0; j < cols; j++) cr[j] += bias[j];
    }
  }
}

template <class T>
void describe(GemmKernel<T>* k) {
  k->tile[0][0] = micro_kernel<T, 1, false>;
  k->tile[1][0] = micro_kernel<T, 2, false>;
  k->tile[2][0] = micro_kernel<T, 3, false>;
  k->tile[3][0] = micro_kernel<T, 4, false>;
  k->direct[0][0] = micro_kernel<T, 1, true>;
  k->direct[1][0] = micro_kernel<T, 2, true>;
  k->direct[2][0] = micro_kernel<T, 3, true>;
  k->direct[3][0] = micro_kernel<T, 4, true>;
  k->pack = pack_generic<T>;
  k->mr = kMr;
  k->nr = kNr;
  k->w = kNr;
  k->kc = 256;
  k->mc = 2048;
  k->nc = 256;
  k->isa = "generic";
}

}  // namespace

namespace {

/** One panel: dst[p * width + j] = src[j * sl + p * sp] for j < lines, zero up to width. */
template <class T>
void pack_panel(const T* src, i64 sl, i64 sp, i64 kc, i64 lines, i64 width, T* dst) {
  if (sp == 1 && sl != 1) {
    // Lines contiguous along k: 8 steps at a time, so each source line is read in runs.
    for (i64 p0 = 0; p0 < kc; p0 += 8) {
      const i64 pl = kc - p0 < 8 ? kc - p0 : 8;
      T* d = dst + p0 * width;
      for (i64 j = 0; j < lines; j++) {
        const T* s = src + j * sl + p0;
        for (i64 q = 0; q < pl; q++) d[q * width + j] = s[q];
      }
      for (i64 j = lines; j < width; j++) {
        for (i64 q = 0; q < pl; q++) d[q * width + j] = 0;
      }
    }
    return;
  }
  for (i64 p = 0; p < kc; p++) {
    const T* s = src + p * sp;
    T* d = dst + p * width;
    for (i64 j = 0; j < lines; j++) d[j] = s[j * sl];
    for (i64 j = lines; j < width; j++) d[j] = 0;
  }
}

}  // namespace

template <class T>
void pack_generic(const T* src, i64 sl, i64 sp, i64 kc, i64 lines, int panel, int pad, T* dst) {
  for (i64 j0 = 0; j0 < lines; j0 += panel) {
    const i64 n = lines - j0 < panel ? lines - j0 : panel;
    const i64 width = n == panel ? panel : last_width(n, pad);
    pack_panel(src + j0 * sl, sl, sp, kc, n, width, dst + j0 * kc);
  }
}

template void pack_generic<float>(const float*, i64, i64, i64, i64, int, int, float*);
template void pack_generic<double>(const double*, i64, i64, i64, i64, int, int, double*);

void generic_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64) {
  describe(f32);
  describe(f64);
}

}  // namespace gl
