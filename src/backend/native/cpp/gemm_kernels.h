// The register-blocked GEMM micro-kernels, the panel packing routine and the cache-blocking
// parameters, one set per instruction set; gemm.cc picks one at run time from the CPU's features.
#pragma once

#include "common.h"

namespace gl {

/**
 * A micro-kernel computes one rows x cols tile of C (rows = its MR, cols <= its NV vectors)
 * from panels: pb holds kc steps of NV vectors of B (packed); pa holds kc steps of MR values
 * of A, packed k-major (ars, acs ignored), or for a "direct" kernel A itself (A[r, p] at
 * pa + r * ars + p * acs), which saves packing A in small products. It sums over k from zero in order and then writes the tile (first) or adds
 * it to C, so every element of C gets the same arithmetic whichever tile, block or thread
 * computes it. Columns past `cols` are neither read nor written. A non-null `bias` (cols
 * values) is added to each row of the tile after that (the caller passes it with the last KC
 * slice only, so each element is its finished sum plus the bias, rounded once).
 */
template <class T>
using MicroKernelFn = void (*)(i64 kc, const T* pa, i64 ars, i64 acs, const T* pb, T* c, i64 ldc, bool first, int cols,
                               const T* bias);

/**
 * Packs a block of `lines` lines (line j at src + j * sl, step p at + p * sp) into panels of
 * `panel` lines, k-major: panel q starts at dst + q * panel * kc and holds
 * dst[p * width + j] = line (q * panel + j) at step p. Full panels have width = panel; a
 * last, shorter one is as wide as its lines rounded up to a multiple of `pad`, zero-filled.
 */
template <class T>
using PackFn = void (*)(const T* src, i64 sl, i64 sp, i64 kc, i64 lines, int panel, int pad, T* dst);

constexpr int kMaxMr = 16;
constexpr int kMaxNv = 4;

template <class T>
struct GemmKernel {
  MicroKernelFn<T> tile[kMaxMr][kMaxNv] = {};    // packed A: [rows - 1][vectors - 1]
  MicroKernelFn<T> direct[kMaxMr][kMaxNv] = {};  // A read in place
  // One-vector tiles stored transposed (C[r, j] at c + j * ldc + r), or null: [rows - 1].
  MicroKernelFn<T> tile_t[kMaxMr] = {};
  MicroKernelFn<T> direct_t[kMaxMr] = {};
  PackFn<T> pack = nullptr;
  int mr = 0;   // rows of a full tile
  int nr = 0;   // columns of a full tile (nv vectors of w)
  int w = 0;    // vector width in elements: B panels are padded to a multiple of it
  i64 kc = 0;   // most depth of a packed slice: an MR x KC micro-panel of A fits L1
  i64 mc = 0;   // most rows of the packed A block (MC x KC fits L3)
  i64 nc = 0;   // most columns of the packed B block (KC x NC fits L2)
  const char* isa = "";
};

// Each returns false when the compiler could not build that instruction set's kernels.
bool avx512_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64);
bool avx2_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64);
/**
 * Half-width (ymm) kernels for products with a narrow side (at most 8 float or 4 double
 * columns), where a full AVX-512 vector would be half padding; false where not compiled.
 */
bool avx512_narrow_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64);
void generic_kernels(GemmKernel<float>* f32, GemmKernel<double>* f64);

/** The portable packing routine (any strides). */
template <class T>
void pack_generic(const T* src, i64 sl, i64 sp, i64 kc, i64 lines, int panel, int pad, T* dst);

/** The width of a block's last panel of `rest` lines (see PackFn). */
inline i64 last_width(i64 rest, int pad) { return (rest + pad - 1) / pad * pad; }

/** float32 packing with AVX2 transposes (x86 with AVX2 only; nullptr where not compiled). */
extern const PackFn<float> pack_avx2_f32;

}  // namespace gl
