// The register-blocked GEMM micro-kernels and their cache-blocking parameters, one set per
// instruction set; gemm.cc picks one at run time from the CPU's features.
#pragma once

#include "common.h"

namespace gl {

/**
 * A micro-kernel computes one MR x NR tile of C from packed panels: pa holds kc steps of
 * MR values of A (k-major), pb kc steps of NR values of B. It sums over k from zero in
 * order and then writes the tile (first) or adds it to C, so every element of C gets the
 * same arithmetic whichever tile, block or thread computes it.
 */
template <class T>
using MicroKernelFn = void (*)(i64 kc, const T* pa, const T* pb, T* c, i64 ldc, bool first);

template <class T>
struct GemmKernel {
  MicroKernelFn<T> run = nullptr;
  int mr = 0;
  int nr = 0;
  i64 kc = 0;  // depth of a packed slice: an MR x KC micro-panel of A fits L1
  i64 mc = 0;  // rows of the packed A block (MC x KC fits L3)
  i64 nc = 0;  // columns of the packed B block (KC x NC fits L2)
  const char* isa = "";
};

// Each returns false when the compiler could not build that instruction set's kernels.
bool avx512_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64);
bool avx2_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64);
void generic_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64);

}  // namespace gl
