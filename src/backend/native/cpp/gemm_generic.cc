// Portable micro-kernels in plain C++ (whatever the compiler makes of them): the fallback
// on CPUs without AVX2, and on other architectures.
#include "gemm_kernels.h"

namespace gl {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 8;

template <class T>
void micro_kernel(i64 kc, const T* pa, const T* pb, T* c, i64 ldc, bool first) {
  T acc[kMr][kNr] = {};
  for (i64 p = 0; p < kc; p++) {
    for (int r = 0; r < kMr; r++) {
      const T a = pa[r];
      for (int j = 0; j < kNr; j++) acc[r][j] += a * pb[j];
    }
    pa += kMr;
    pb += kNr;
  }
  for (int r = 0; r < kMr; r++) {
    T* cr = c + r * ldc;
    for (int j = 0; j < kNr; j++) cr[j] = first ? acc[r][j] : cr[j] + acc[r][j];
  }
}

template <class T>
void describe(GemmKernel<T>* k) {
  k->run = micro_kernel<T>;
  k->mr = kMr;
  k->nr = kNr;
  k->kc = 256;
  k->mc = 2048;
  k->nc = 256;
  k->isa = "generic";
}

}  // namespace

void generic_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64) {
  describe(f32);
  describe(f64);
}

}  // namespace gl
