// Convolutions as im2col + GEMM, pooling as direct walks over each input plane.
// conv2d: for a cache-sized chunk of samples and a group, the receptive fields are unrolled
// into a per-thread column buffer [Cg kH kW, n OH OW] and W_g [Og, Cg kH kW] times it gives
// the outputs, copied into NCHW order with the bias added. The input gradient is W_g^T times
// the sample's gradient, added back onto the image (col2im). The weight gradient folds the
// batch into the GEMM depth: grad [Og, n OH OW] times columns^T, over fixed chunks of samples
// summed in a fixed order. With unit stride the columns are runs of zero-padded planes at the
// padded width; with one input channel per group, direct kernels replace the GEMM. Samples,
// chunks or planes are split over threads and the GEMM gives the same result however it is
// split, so every kernel here is independent of the thread count.
#include "conv.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

#include "gemm.h"
#include "parallel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

// Hot loops get an AVX2 clone picked at load time (GCC's function multiversioning, which needs
// glibc's ifunc); elsewhere they are compiled once for the baseline instruction set.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && defined(__GLIBC__)
#define GL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define GL_CLONES
#endif

namespace gl {

namespace {

// Kernels with less work than this (multiply-adds or element visits) stay on one thread.
constexpr double kParallelWork = 32768;
// The weight gradient's GEMMs run over chunks of samples about this deep (the batch-folded
// depth), summed in at most kSlices runs; neither depends on the thread count.
constexpr i64 kDepth = 512;
// conv2d unrolls chunks of samples of about this many column elements (cache-sized).
constexpr i64 kForwardCols = i64(1) << 17;
constexpr i64 kSlices = 8;

/** This thread's conv scratch buffer `slot` (see ScratchSet), room for n elements; throws OutOfMemory. */
template <class T>
T* scratch(int slot, i64 n) {
  thread_local ScratchSet<5> set;
  return set.get<T>(slot, static_cast<size_t>(n), "convolution scratch");
}

/** The view's elements in row-major order: its own memory when dense, else a copy into buf. */
template <class T>
const T* dense(const View& v, Vec<T>& buf) {
  const T* base = static_cast<const T*>(v.data);
  if (is_dense(v.strides, v.nd, v.shape)) return base + v.offset;
  buf.resize(static_cast<size_t>(v.numel()));
  const i64* st[1] = {v.strides};
  const i64 offs[1] = {v.offset};
  RowIter<1> it(v.nd, v.shape, st, offs);
  T* d = buf.data();
  for (i64 r = 0; r < it.rows; r++, d += it.inner) {
    const T* s = base + it.offs[0];
    for (i64 j = 0; j < it.inner; j++) d[j] = s[j * it.inner_stride[0]];
    it.next();
  }
  return buf.data();
}

/** Output columns [lo, hi) whose input column o * s + off lies in [0, size). */
inline void valid_range(i64 off, i64 s, i64 size, i64 out_size, i64* lo, i64* hi) {
  i64 l = off >= 0 ? 0 : (-off + s - 1) / s;
  i64 h = size - 1 - off < 0 ? 0 : (size - 1 - off) / s + 1;
  l = std::min(l, out_size);
  h = std::max(std::min(h, out_size), l);
  *lo = l;
  *hi = h;
}

/** Spatial sizes of one convolution, shared by its three kernels. */
struct Geometry {
  i64 H, W, KH, KW, OH, OW;
};

/**
 * Unrolls cg channels of one sample (x: its first channel's plane; strides sc, sy, sx) into
 * col: row (c, kh, kw) starts at col + row * ld and holds x[c, oh sh - ph + kh dh,
 * ow sw - pw + kw dw] over (oh, ow), 0 outside the image.
 */
template <class T>
GL_CLONES void im2col(const T* x, i64 sc, i64 sy, i64 sx, i64 cg, const Geometry& g, const ConvParams& p, T* col, i64 ld) {
  const i64 OW = g.OW;
  for (i64 c = 0; c < cg; c++) {
    const T* plane = x + c * sc;
    for (i64 kh = 0; kh < g.KH; kh++) {
      for (i64 kw = 0; kw < g.KW; kw++) {
        const i64 woff = kw * p.dw - p.pw;
        i64 lo, hi;
        valid_range(woff, p.sw, g.W, OW, &lo, &hi);
        T* row = col + ((c * g.KH + kh) * g.KW + kw) * ld;
        for (i64 oh = 0; oh < g.OH; oh++, row += OW) {
          const i64 ih = oh * p.sh - p.ph + kh * p.dh;
          if (ih < 0 || ih >= g.H || lo == hi) {
            std::fill(row, row + OW, T(0));
            continue;
          }
          const T* src = plane + ih * sy + (lo * p.sw + woff) * sx;
          for (i64 j = 0; j < lo; j++) row[j] = T(0);
          if (sx == 1 && p.sw == 1) {
            // A plain loop: rows are short, where a memcpy call costs more than the copy.
            for (i64 j = lo; j < hi; j++) row[j] = src[j - lo];
          } else {
            const i64 step = p.sw * sx;
            for (i64 j = lo; j < hi; j++) row[j] = src[(j - lo) * step];
          }
          for (i64 j = hi; j < OW; j++) row[j] = T(0);
        }
      }
    }
  }
}

/** The inverse walk of im2col: adds each column entry onto its image position in dx (contiguous [cg, H, W]). */
template <class T>
GL_CLONES void col2im(const T* col, i64 ld, i64 cg, const Geometry& g, const ConvParams& p, T* dx) {
  const i64 OW = g.OW, HW = g.H * g.W;
  for (i64 c = 0; c < cg; c++) {
    T* plane = dx + c * HW;
    for (i64 kh = 0; kh < g.KH; kh++) {
      for (i64 kw = 0; kw < g.KW; kw++) {
        const i64 woff = kw * p.dw - p.pw;
        i64 lo, hi;
        valid_range(woff, p.sw, g.W, OW, &lo, &hi);
        if (lo == hi) continue;
        const T* row = col + ((c * g.KH + kh) * g.KW + kw) * ld;
        for (i64 oh = 0; oh < g.OH; oh++, row += OW) {
          const i64 ih = oh * p.sh - p.ph + kh * p.dh;
          if (ih < 0 || ih >= g.H) continue;
          T* dst = plane + ih * g.W + lo * p.sw + woff;
          if (p.sw == 1) {
            for (i64 j = lo; j < hi; j++) dst[j - lo] += row[j];
          } else {
            for (i64 j = lo; j < hi; j++) dst[(j - lo) * p.sw] += row[j];
          }
        }
      }
    }
  }
}

/**
 * Runs fn(n, threads) for every sample: samples spread over the pool when there are several
 * and enough work (each then single-threaded), else one at a time with threaded GEMMs.
 */
template <class F>
void for_samples(i64 n, double work, F&& fn) {
  const int nt = pool_threads();
  if (nt > 1 && n > 1 && work >= kParallelWork) {
    parallel_for(static_cast<int>(n), [&](int t) { fn(static_cast<i64>(t), false); });
    return;
  }
  for (i64 i = 0; i < n; i++) fn(i, true);
}

/** Runs fn(i0, i1) over [0, n) in blocks spread over the pool (one block when the work is small). */
template <class F>
void for_blocks(i64 n, double work, F&& fn) {
  const int nt = pool_threads();
  if (nt <= 1 || n <= 1 || work < kParallelWork) {
    fn(i64(0), n);
    return;
  }
  const i64 tasks = std::min<i64>(n, i64(nt) * 4);
  const i64 per = (n + tasks - 1) / tasks;
  parallel_for(static_cast<int>(tasks), [&](int t) {
    const i64 i0 = t * per, i1 = std::min(n, i0 + per);
    if (i0 < i1) fn(i0, i1);
  });
}

/** Whether an (H, W) plane with strides (sy, sx) is one contiguous run. */
inline bool plane_dense(i64 H, i64 W, i64 sy, i64 sx) {
  return (W == 1 || sx == 1) && (H == 1 || sy == W);
}

// ---- one input channel per group, unit stride: direct kernels --------------------------
// With Cg = 1 the unrolled columns have only kH kW rows, too shallow for the GEMM to pay off
// (a first layer on grey images, depthwise convolutions): these walk zero-padded planes.

/** A zero-padded copy of one plane (strides sy, sx) into dst [H + 2 ph, W + 2 pw]. */
template <class T>
void pad_plane(const T* src, i64 sy, i64 sx, i64 H, i64 W, i64 ph, i64 pw, T* d) {
  const i64 Hp = H + 2 * ph, Wp = W + 2 * pw;
  std::fill(d, d + ph * Wp, T(0));
  for (i64 h = 0; h < H; h++) {
    T* row = d + (ph + h) * Wp;
    const T* s = src + h * sy;
    for (i64 j = 0; j < pw; j++) row[j] = T(0);
    if (sx == 1) {
      for (i64 j = 0; j < W; j++) row[pw + j] = s[j];
    } else {
      for (i64 j = 0; j < W; j++) row[pw + j] = s[j * sx];
    }
    for (i64 j = pw + W; j < Wp; j++) row[j] = T(0);
  }
  std::fill(d + (ph + H) * Wp, d + Hp * Wp, T(0));
}

/** Zero-padded copies of the N C planes of x into dst, each [H + 2 ph, W + 2 pw]. */
template <class T>
void pad_planes(const View& x, i64 ph, i64 pw, T* dst) {
  const i64 C = x.shape[1], H = x.shape[2], W = x.shape[3], Hp = H + 2 * ph, Wp = W + 2 * pw;
  const T* xd = static_cast<const T*>(x.data) + x.offset;
  const i64 planes = x.shape[0] * C;
  for_blocks(planes, double(planes) * Hp * Wp, [&](i64 pl0, i64 pl1) {
    for (i64 pl = pl0; pl < pl1; pl++) {
      pad_plane(xd + (pl / C) * x.strides[0] + (pl % C) * x.strides[1], x.strides[2], x.strides[3], H, W, ph, pw, dst + pl * Hp * Wp);
    }
  });
}

/** out[oh, ow] = sum over (kh, kw) of w[kh, kw] xp[oh + kh dh, ow + kw dw], then + b: one output plane. */
template <class T>
GL_CLONES void direct_plane(const T* __restrict xp, i64 Wp, const T* __restrict w, T b, i64 KH, i64 KW, i64 dh, i64 dw, i64 OH, i64 OW,
                            T* __restrict out) {
  for (i64 oh = 0; oh < OH; oh++) {
    T* row = out + oh * OW;
    for (i64 j = 0; j < OW; j++) row[j] = T(0);
    for (i64 kh = 0; kh < KH; kh++) {
      const T* xr = xp + (oh + kh * dh) * Wp;
      for (i64 kw = 0; kw < KW; kw++) {
        const T wv = w[kh * KW + kw];
        const T* xs = xr + kw * dw;
        for (i64 j = 0; j < OW; j++) row[j] += wv * xs[j];
      }
    }
    for (i64 j = 0; j < OW; j++) row[j] += b;
  }
}

/** direct_plane for a 3x3 kernel without dilation: all nine taps per output, so the row loop vectorises with the sum in registers. */
template <class T>
GL_CLONES void direct_plane3(const T* __restrict xp, i64 Wp, const T* __restrict w, T b, i64 OH, i64 OW, T* __restrict out) {
  const T w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8];
  for (i64 oh = 0; oh < OH; oh++) {
    T* row = out + oh * OW;
    const T* x0 = xp + oh * Wp;
    const T* x1 = x0 + Wp;
    const T* x2 = x1 + Wp;
    for (i64 j = 0; j < OW; j++) {
      T s = w0 * x0[j];
      s += w1 * x0[j + 1];
      s += w2 * x0[j + 2];
      s += w3 * x1[j];
      s += w4 * x1[j + 1];
      s += w5 * x1[j + 2];
      s += w6 * x2[j];
      s += w7 * x2[j + 1];
      s += w8 * x2[j + 2];
      row[j] = s + b;
    }
  }
}

/**
 * The 3x3 (no dilation) weight gradient of one output channel over all samples: nine sums
 * of g[n, oh, ow] xp[n, oh + kh, ow + kw], kept per column block of kV in registers while
 * the samples and rows stream by; out gets the nine totals (blocks summed in order).
 */
template <class T>
GL_CLONES void direct_wgrad3(const T* __restrict xpad, i64 plane_stride, i64 Wp, const T* __restrict g, i64 g_stride, i64 N, i64 OH, i64 OW,
                             T* __restrict out) {
  constexpr i64 kV = 64 / sizeof(T);
  T tot[9] = {};
  for (i64 j0 = 0; j0 < OW; j0 += kV) {
    const i64 nv = std::min(kV, OW - j0);
    T a[9][kV] = {};
    for (i64 n = 0; n < N; n++) {
      const T* xp = xpad + n * plane_stride + j0;
      const T* gp = g + n * g_stride + j0;
      for (i64 oh = 0; oh < OH; oh++) {
        const T* gr = gp + oh * OW;
        const T* x0 = xp + oh * Wp;
        const T* x1 = x0 + Wp;
        const T* x2 = x1 + Wp;
        if (nv == kV) {
          for (i64 v = 0; v < kV; v++) {
            const T gv = gr[v];
            a[0][v] += gv * x0[v]; a[1][v] += gv * x0[v + 1]; a[2][v] += gv * x0[v + 2];
            a[3][v] += gv * x1[v]; a[4][v] += gv * x1[v + 1]; a[5][v] += gv * x1[v + 2];
            a[6][v] += gv * x2[v]; a[7][v] += gv * x2[v + 1]; a[8][v] += gv * x2[v + 2];
          }
        } else {
          for (i64 v = 0; v < nv; v++) {
            const T gv = gr[v];
            a[0][v] += gv * x0[v]; a[1][v] += gv * x0[v + 1]; a[2][v] += gv * x0[v + 2];
            a[3][v] += gv * x1[v]; a[4][v] += gv * x1[v + 1]; a[5][v] += gv * x1[v + 2];
            a[6][v] += gv * x2[v]; a[7][v] += gv * x2[v + 1]; a[8][v] += gv * x2[v + 2];
          }
        }
      }
    }
    for (int t = 0; t < 9; t++) {
      for (i64 v = 0; v < nv; v++) tot[t] += a[t][v];
    }
  }
  for (int t = 0; t < 9; t++) out[t] = tot[t];
}

/** acc[kh KW + kw][ow] += g[oh, ow] xp[oh + kh dh, ow + kw dw] over one plane (per-column partial sums, no reduction). */
template <class T>
GL_CLONES void direct_wgrad_plane(const T* __restrict xp, i64 Wp, const T* __restrict g, i64 KH, i64 KW, i64 dh, i64 dw, i64 OH, i64 OW,
                                  T* __restrict acc) {
  for (i64 oh = 0; oh < OH; oh++) {
    const T* gr = g + oh * OW;
    for (i64 kh = 0; kh < KH; kh++) {
      const T* xr = xp + (oh + kh * dh) * Wp;
      for (i64 kw = 0; kw < KW; kw++) {
        T* a = acc + (kh * KW + kw) * OW;
        const T* xs = xr + kw * dw;
        for (i64 j = 0; j < OW; j++) a[j] += gr[j] * xs[j];
      }
    }
  }
}

/** Whether the direct kernels apply: one input channel per group and unit stride. */
inline bool use_direct(i64 Cg, const ConvParams& p) { return Cg == 1 && p.sh == 1 && p.sw == 1; }

template <class T>
void direct_conv2d(const View& x, const T* wd, const T* bd, const ConvParams& p, i64 O, i64 KH, i64 KW, i64 OH, i64 OW, T* out) {
  const i64 N = x.shape[0], C = x.shape[1], Hp = x.shape[2] + 2 * p.ph, Wp = x.shape[3] + 2 * p.pw, Og = O / p.groups, L = OH * OW;
  T* xpad = scratch<T>(2, N * C * Hp * Wp);
  pad_planes(x, p.ph, p.pw, xpad);
  const bool three = KH == 3 && KW == 3 && p.dh == 1 && p.dw == 1;
  for_blocks(N * O, double(N) * O * L * KH * KW, [&](i64 q0, i64 q1) {
    for (i64 q = q0; q < q1; q++) {
      const i64 n = q / O, o = q % O;
      const T* xp = xpad + (n * C + o / Og) * Hp * Wp;
      if (three) direct_plane3(xp, Wp, wd + o * 9, bd ? bd[o] : T(0), OH, OW, out + q * L);
      else direct_plane(xp, Wp, wd + o * KH * KW, bd ? bd[o] : T(0), KH, KW, p.dh, p.dw, OH, OW, out + q * L);
    }
  });
}

template <class T>
void direct_weight_grad(const View& x, const T* gd, const ConvParams& p, i64 O, i64 KH, i64 KW, i64 OH, i64 OW, T* out) {
  const i64 N = x.shape[0], C = x.shape[1], Hp = x.shape[2] + 2 * p.ph, Wp = x.shape[3] + 2 * p.pw, Og = O / p.groups, L = OH * OW;
  const i64 taps = KH * KW;
  T* xpad = scratch<T>(2, N * C * Hp * Wp);
  pad_planes(x, p.ph, p.pw, xpad);
  const bool three = KH == 3 && KW == 3 && p.dh == 1 && p.dw == 1;
  // Split over output channels: each sums its samples and columns in one fixed order.
  for_blocks(O, double(N) * O * L * taps, [&](i64 o0, i64 o1) {
    T* acc = scratch<T>(3, taps * OW);
    for (i64 o = o0; o < o1; o++) {
      if (three) {
        direct_wgrad3(xpad + (o / Og) * Hp * Wp, C * Hp * Wp, Wp, gd + o * L, O * L, N, OH, OW, out + o * 9);
        continue;
      }
      std::fill(acc, acc + taps * OW, T(0));
      for (i64 n = 0; n < N; n++) direct_wgrad_plane(xpad + (n * C + o / Og) * Hp * Wp, Wp, gd + (n * O + o) * L, KH, KW, p.dh, p.dw, OH, OW, acc);
      for (i64 t = 0; t < taps; t++) {
        T v = T(0);
        for (i64 j = 0; j < OW; j++) v += acc[t * OW + j];
        out[o * taps + t] = v;
      }
    }
  });
}

/** dst[l] += src[l] for l < n. */
template <class T>
GL_CLONES void add_into(T* __restrict dst, const T* __restrict src, i64 n) {
  for (i64 l = 0; l < n; l++) dst[l] += src[l];
}

/** row[l] = src[l] + b for l < n (src may be row). */
template <class T>
GL_CLONES void add_scalar(T* row, const T* src, T b, i64 n) {
  for (i64 l = 0; l < n; l++) row[l] = src[l] + b;
}

template <class T>
void conv2d_t(const View& x, const View& w, const View* bias, const ConvParams& p, i64 OH, i64 OW, T* out) {
  const i64 N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  const i64 O = w.shape[0], Cg = w.shape[1], KH = w.shape[2], KW = w.shape[3];
  const i64 G = p.groups, Og = O / G, CKg = Cg * KH * KW, L = OH * OW;
  if (N * O * L == 0) return;
  (void)C;
  Vec<T> wbuf, bbuf;
  const T* wd = dense<T>(w, wbuf);
  const T* bd = bias ? dense<T>(*bias, bbuf) : nullptr;
  const T* xd = static_cast<const T*>(x.data) + x.offset;
  const i64 sn = x.strides[0], sc = x.strides[1], sy = x.strides[2], sx = x.strides[3];
  const Geometry geo{H, W, KH, KW, OH, OW};
  // A 1x1 kernel with unit stride and no padding reads the image itself as its columns.
  const bool direct = KH == 1 && KW == 1 && p.sh == 1 && p.sw == 1 && p.ph == 0 && p.pw == 0 && OH == H && OW == W &&
                      plane_dense(H, W, sy, sx);
  if (use_direct(Cg, p)) return direct_conv2d(x, wd, bd, p, O, KH, KW, OH, OW, out);
  auto add_bias = [&](T* row, i64 o, const T* src, i64 n) { add_scalar(row, src, bd ? bd[o] : T(0), n); };
  if (direct) {
    for_samples(N, double(N) * O * L * CKg, [&](i64 n, bool threads) {
      T* on = out + n * O * L;
      for (i64 g = 0; g < G; g++) {
        gemm<T>(Og, L, CKg, wd + g * Og * CKg, CKg, 1, xd + n * sn + g * Cg * sc, sc, 1, on + g * Og * L, L, threads);
      }
      if (bd) for (i64 o = 0; o < O; o++) add_bias(on + o * L, o, on + o * L, L);
    });
    return;
  }
  // Chunks of cs samples whose columns [CKg, cs L] stay in cache: one GEMM per group gives
  // [Og, cs L], copied out per sample with the bias added (a single sample is written in
  // place). A chunk's outputs do not depend on how the batch is chunked or split.
  // Unit stride: over zero-padded planes, output row oh of column row (c, kh, kw) is the padded
  // row oh + kh dh from column kw dw on, so computing every output row at the padded width Wp
  // (the extra columns are dropped) makes each column row one contiguous run of the padded
  // plane: a plain copy instead of a gather per output row. Used when the extra width is small.
  const i64 Hp = H + 2 * p.ph, Wp = W + 2 * p.pw;
  if (p.sh == 1 && p.sw == 1 && (Wp - OW) * 4 <= OW && OH == Hp - p.dh * (KH - 1)) {
    const i64 Lp = OH * Wp, plane = Hp * Wp, slack = p.dw * (KW - 1);
    const i64 cs = std::max<i64>(1, std::min<i64>(N, kForwardCols / std::max<i64>(1, CKg * Lp)));
    const i64 nchunks = (N + cs - 1) / cs;
    for_samples(nchunks, double(N) * O * Lp * CKg, [&](i64 c, bool threads) {
      const i64 n0 = c * cs, nc = std::min(cs, N - n0), K = nc * Lp;
      T* col = scratch<T>(0, CKg * K);
      T* tmp = scratch<T>(1, Og * K);
      T* xp = scratch<T>(2, Cg * plane + slack);
      // The runs of the last rows reach `slack` past the plane, into columns that are dropped.
      std::fill(xp + Cg * plane, xp + Cg * plane + slack, T(0));
      for (i64 g = 0; g < G; g++) {
        for (i64 j = 0; j < nc; j++) {
          const T* xs = xd + (n0 + j) * sn + g * Cg * sc;
          for (i64 ci = 0; ci < Cg; ci++) pad_plane(xs + ci * sc, sy, sx, H, W, p.ph, p.pw, xp + ci * plane);
          for (i64 ci = 0; ci < Cg; ci++) {
            for (i64 kh = 0; kh < KH; kh++) {
              for (i64 kw = 0; kw < KW; kw++) {
                const T* src = xp + ci * plane + kh * p.dh * Wp + kw * p.dw;
                std::memcpy(col + ((ci * KH + kh) * KW + kw) * K + j * Lp, src, static_cast<size_t>(Lp) * sizeof(T));
              }
            }
          }
        }
        gemm<T>(Og, K, CKg, wd + g * Og * CKg, CKg, 1, col, K, 1, tmp, K, threads);
        for (i64 j = 0; j < nc; j++) {
          for (i64 o = 0; o < Og; o++) {
            const T* src = tmp + o * K + j * Lp;
            T* dst = out + ((n0 + j) * O + g * Og + o) * L;
            for (i64 oh = 0; oh < OH; oh++) add_bias(dst + oh * OW, g * Og + o, src + oh * Wp, OW);
          }
        }
      }
    });
    return;
  }
  const i64 cs = std::max<i64>(1, std::min<i64>(N, kForwardCols / std::max<i64>(1, CKg * L)));
  const i64 nchunks = (N + cs - 1) / cs;
  for_samples(nchunks, double(N) * O * L * CKg, [&](i64 c, bool threads) {
    const i64 n0 = c * cs, nc = std::min(cs, N - n0), K = nc * L;
    T* col = scratch<T>(0, CKg * K);
    T* tmp = nc > 1 ? scratch<T>(1, Og * K) : nullptr;
    for (i64 g = 0; g < G; g++) {
      for (i64 j = 0; j < nc; j++) im2col(xd + (n0 + j) * sn + g * Cg * sc, sc, sy, sx, Cg, geo, p, col + j * L, K);
      const T* a = wd + g * Og * CKg;
      if (nc == 1) {
        T* dst = out + (n0 * O + g * Og) * L;
        gemm<T>(Og, L, CKg, a, CKg, 1, col, L, 1, dst, L, threads);
        if (bd) for (i64 o = 0; o < Og; o++) add_bias(dst + o * L, g * Og + o, dst + o * L, L);
        continue;
      }
      gemm<T>(Og, K, CKg, a, CKg, 1, col, K, 1, tmp, K, threads);
      for (i64 j = 0; j < nc; j++) {
        for (i64 o = 0; o < Og; o++) add_bias(out + ((n0 + j) * O + g * Og + o) * L, g * Og + o, tmp + o * K + j * L, L);
      }
    }
  });
}

template <class T>
void conv2d_input_grad_t(const View& gv, const View& w, const i64* is, const ConvParams& p, T* out) {
  const i64 N = is[0], C = is[1], H = is[2], W = is[3], HW = H * W;
  const i64 O = w.shape[0], Cg = w.shape[1], KH = w.shape[2], KW = w.shape[3];
  const i64 OH = gv.shape[2], OW = gv.shape[3], L = OH * OW;
  const i64 G = p.groups, Og = O / G, CKg = Cg * KH * KW;
  if (N * C * HW == 0) return;
  if (L == 0 || O == 0) {
    std::fill(out, out + N * C * HW, T(0));
    return;
  }
  Vec<T> wbuf, gbuf;
  const T* wd = dense<T>(w, wbuf);
  const T* gd = dense<T>(gv, gbuf);
  const Geometry geo{H, W, KH, KW, OH, OW};
  // 1x1, unit stride, no padding: the columns are the image, so the GEMM writes dx directly.
  const bool direct = KH == 1 && KW == 1 && p.sh == 1 && p.sw == 1 && p.ph == 0 && p.pw == 0 && OH == H && OW == W;
  // Unit stride, full output (as conv2d's wide path): the gradient padded to width Wp makes
  // the columns [CKg, OH Wp], and each column row adds onto the zero-padded image as one
  // contiguous run. The dropped columns are zeroed first, so what they add is +0.
  const i64 Hp = H + 2 * p.ph, Wp = W + 2 * p.pw;
  if (!direct && p.sh == 1 && p.sw == 1 && (Wp - OW) * 4 <= OW && OH == Hp - p.dh * (KH - 1) && OW == Wp - p.dw * (KW - 1)) {
    const i64 Lp = OH * Wp, plane = Hp * Wp, slack = p.dw * (KW - 1);
    for_samples(N, double(N) * O * Lp * CKg, [&](i64 n, bool threads) {
      T* col = scratch<T>(0, CKg * Lp);
      T* gp = scratch<T>(1, Og * Lp);
      T* dxp = scratch<T>(2, Cg * plane + slack);
      for (i64 g = 0; g < G; g++) {
        for (i64 o = 0; o < Og; o++) {
          const T* src = gd + (n * O + g * Og + o) * L;
          T* dst = gp + o * Lp;
          for (i64 oh = 0; oh < OH; oh++) {
            std::memcpy(dst + oh * Wp, src + oh * OW, static_cast<size_t>(OW) * sizeof(T));
            for (i64 j = OW; j < Wp; j++) dst[oh * Wp + j] = T(0);
          }
        }
        gemm<T>(CKg, Lp, Og, wd + g * Og * CKg, 1, CKg, gp, Lp, 1, col, Lp, threads);
        std::fill(dxp, dxp + Cg * plane + slack, T(0));
        for (i64 ci = 0; ci < Cg; ci++) {
          for (i64 kh = 0; kh < KH; kh++) {
            for (i64 kw = 0; kw < KW; kw++) {
              T* row = col + ((ci * KH + kh) * KW + kw) * Lp;
              for (i64 oh = 0; oh < OH; oh++) {
                for (i64 j = OW; j < Wp; j++) row[oh * Wp + j] = T(0);
              }
              add_into(dxp + ci * plane + kh * p.dh * Wp + kw * p.dw, row, Lp);
            }
          }
          T* dx = out + (n * C + g * Cg + ci) * HW;
          const T* src = dxp + ci * plane + p.ph * Wp + p.pw;
          for (i64 h = 0; h < H; h++) std::memcpy(dx + h * W, src + h * Wp, static_cast<size_t>(W) * sizeof(T));
        }
      }
    });
    return;
  }
  for_samples(N, double(N) * O * L * CKg, [&](i64 n, bool threads) {
    T* dx = out + n * C * HW;
    for (i64 g = 0; g < G; g++) {
      // W_g^T [CKg, Og]: the weight block read with swapped strides.
      const T* a = wd + g * Og * CKg;
      const T* b = gd + (n * O + g * Og) * L;
      T* dxg = dx + g * Cg * HW;
      if (direct) {
        gemm<T>(CKg, L, Og, a, 1, CKg, b, L, 1, dxg, HW, threads);
        continue;
      }
      T* col = scratch<T>(0, CKg * L);
      gemm<T>(CKg, L, Og, a, 1, CKg, b, L, 1, col, L, threads);
      std::fill(dxg, dxg + Cg * HW, T(0));
      col2im(col, L, Cg, geo, p, dxg);
    }
  });
}

/** dst[j * dld + i] = src[i * sld + j] for i < rows, j < cols: a blocked transpose. */
template <class T>
void transpose_scalar(const T* src, i64 sld, i64 rows, i64 cols, T* dst, i64 dld) {
  constexpr i64 B = 16;
  for (i64 i0 = 0; i0 < rows; i0 += B) {
    const i64 i1 = std::min(rows, i0 + B);
    for (i64 j0 = 0; j0 < cols; j0 += B) {
      const i64 j1 = std::min(cols, j0 + B);
      for (i64 i = i0; i < i1; i++) {
        const T* s = src + i * sld;
        for (i64 j = j0; j < j1; j++) dst[j * dld + i] = s[j];
      }
    }
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GL_HAVE_AVX_TRANSPOSE 1
/** The float transpose in 8x8 register blocks (AVX), the edges scalar. */
__attribute__((target("avx"))) void transpose_avx(const float* src, i64 sld, i64 rows, i64 cols, float* dst, i64 dld) {
  const i64 r8 = rows / 8 * 8, c8 = cols / 8 * 8;
  for (i64 i = 0; i < r8; i += 8) {
    for (i64 j = 0; j < c8; j += 8) {
      const float* s = src + i * sld + j;
      const __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + sld), r2 = _mm256_loadu_ps(s + 2 * sld), r3 = _mm256_loadu_ps(s + 3 * sld);
      const __m256 r4 = _mm256_loadu_ps(s + 4 * sld), r5 = _mm256_loadu_ps(s + 5 * sld), r6 = _mm256_loadu_ps(s + 6 * sld), r7 = _mm256_loadu_ps(s + 7 * sld);
      const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
      const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5), t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
      const __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
      const __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
      const __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
      const __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
      float* d = dst + j * dld + i;
      _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
      _mm256_storeu_ps(d + dld, _mm256_permute2f128_ps(u1, u5, 0x20));
      _mm256_storeu_ps(d + 2 * dld, _mm256_permute2f128_ps(u2, u6, 0x20));
      _mm256_storeu_ps(d + 3 * dld, _mm256_permute2f128_ps(u3, u7, 0x20));
      _mm256_storeu_ps(d + 4 * dld, _mm256_permute2f128_ps(u0, u4, 0x31));
      _mm256_storeu_ps(d + 5 * dld, _mm256_permute2f128_ps(u1, u5, 0x31));
      _mm256_storeu_ps(d + 6 * dld, _mm256_permute2f128_ps(u2, u6, 0x31));
      _mm256_storeu_ps(d + 7 * dld, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
  }
  // The edges: the last rows (all columns) and the last columns of the blocked rows.
  if (r8 < rows) transpose_scalar(src + r8 * sld, sld, rows - r8, cols, dst + r8, dld);
  if (c8 < cols) transpose_scalar(src + c8, sld, r8, cols - c8, dst + c8 * dld, dld);
}

bool cpu_has_avx() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx") != 0;
  }();
  return has;
}
#endif

template <class T>
void transpose(const T* src, i64 sld, i64 rows, i64 cols, T* dst, i64 dld) {
#ifdef GL_HAVE_AVX_TRANSPOSE
  if constexpr (std::is_same_v<T, float>) {
    if (cpu_has_avx()) return transpose_avx(src, sld, rows, cols, dst, dld);
  }
#endif
  transpose_scalar(src, sld, rows, cols, dst, dld);
}

template <class T>
void conv2d_weight_grad_t(const View& x, const View& gv, const i64* ws, const ConvParams& p, T* out) {
  const i64 N = x.shape[0], H = x.shape[2], W = x.shape[3];
  const i64 O = ws[0], Cg = ws[1], KH = ws[2], KW = ws[3];
  const i64 OH = gv.shape[2], OW = gv.shape[3], L = OH * OW;
  const i64 G = p.groups, Og = O / G, CKg = Cg * KH * KW, nw = O * CKg;
  if (nw == 0) return;
  if (N * L == 0) {
    std::fill(out, out + nw, T(0));
    return;
  }
  Vec<T> gbuf;
  const T* gd = dense<T>(gv, gbuf);
  const T* xd = static_cast<const T*>(x.data) + x.offset;
  const i64 sn = x.strides[0], sc = x.strides[1], sy = x.strides[2], sx = x.strides[3];
  if (use_direct(Cg, p)) return direct_weight_grad(x, gd, p, O, KH, KW, OH, OW, out);
  const Geometry geo{H, W, KH, KW, OH, OW};
  // The batch is cut into chunks of cs samples (GEMM depth K = cs L, about one packed slice,
  // so the operands stay in cache) and the chunks into at most kSlices runs. Each run sums its
  // chunks' products in order, then the runs are summed in order: a fixed order, whatever
  // the number of threads that compute the runs.
  const i64 cs = std::max<i64>(1, std::min<i64>(N, (kDepth + L - 1) / L));
  const i64 nchunks = (N + cs - 1) / cs;
  const i64 per = (nchunks + kSlices - 1) / kSlices;
  const i64 nslices = (nchunks + per - 1) / per;  // none empty
  const i64 gsize = CKg * Og;  // one group's product dW_g^T [CKg, Og]
  T* acc = scratch<T>(2, nslices * G * gsize);
  auto run = [&](i64 s) {
    const i64 c0 = s * per, c1 = std::min(nchunks, c0 + per);
    // Per-thread buffers: the gradient as gt [K, O] (depth outermost, packed with contiguous
    // copies) and the columns [CKg, K] as im2col lays them out (the GEMM transposes them as it
    // packs, cheaper than a transpose pass); dW_g^T = col gt_g has the longer side as rows.
    T* gt = scratch<T>(1, cs * L * O);
    T* col = scratch<T>(3, cs * L * CKg);
    T* part = scratch<T>(4, gsize);
    for (i64 c = c0; c < c1; c++) {
      const i64 n0 = c * cs, nc = std::min(cs, N - n0), K = nc * L;
      for (i64 j = 0; j < nc; j++) transpose(gd + (n0 + j) * O * L, L, O, L, gt + j * L * O, O);
      for (i64 g = 0; g < G; g++) {
        for (i64 j = 0; j < nc; j++) im2col(xd + (n0 + j) * sn + g * Cg * sc, sc, sy, sx, Cg, geo, p, col + j * L, K);
        T* a = acc + (s * G + g) * gsize;
        gemm<T>(CKg, Og, K, col, K, 1, gt + g * Og, O, 1, c == c0 ? a : part, Og, false);
        if (c != c0) {
          for (i64 i = 0; i < gsize; i++) a[i] += part[i];
        }
      }
    }
  };
  const int nt = pool_threads();
  if (nt > 1 && nslices > 1 && double(N) * L * CKg * O >= kParallelWork) {
    parallel_for(static_cast<int>(nslices), [&](int s) { run(s); });
  } else {
    for (i64 s = 0; s < nslices; s++) run(s);
  }
  for (i64 g = 0; g < G; g++) {
    T* dst = out + g * gsize;
    for (i64 r = 0; r < CKg; r++) {
      for (i64 o = 0; o < Og; o++) {
        T v = acc[g * gsize + r * Og + o];
        for (i64 s = 1; s < nslices; s++) v += acc[(s * G + g) * gsize + r * Og + o];
        dst[o * CKg + r] = v;
      }
    }
  }
}

// ---- pooling ------------------------------------------------------------------------

/** A 4-d view's first-element pointer and strides. */
template <class T>
struct Planes {
  const T* p;
  i64 sn, sc, sy, sx, C;
  explicit Planes(const View& v)
      : p(static_cast<const T*>(v.data) + v.offset), sn(v.strides[0]), sc(v.strides[1]), sy(v.strides[2]), sx(v.strides[3]), C(v.shape[1]) {}
  /** The plane of flat channel index pl = n C + c. */
  const T* plane(i64 pl) const { return p + (pl / C) * sn + (pl % C) * sc; }
};

/** PyTorch's max-pool window along one dim: the first in-image position (stepping over the padding by the dilation) and the end of the span. */
Vec<i64> max_windows(i64 size, i64 out_size, i64 k, i64 s, i64 pad, i64 d) {
  Vec<i64> b(static_cast<size_t>(2 * out_size));
  for (i64 i = 0; i < out_size; i++) {
    i64 start = i * s - pad;
    const i64 end = std::min(start + (k - 1) * d + 1, size);
    while (start < 0) start += d;
    b[2 * i] = start;
    b[2 * i + 1] = end;
  }
  return b;
}

/**
 * 2x2 / stride 2 max pooling of one plane (rows sy apart, unit stride) into OH x OW outputs:
 * PyTorch's order, row by row, NaN always replacing, branch-free so it vectorises. The first
 * value always wins over the initial -inf (an all -inf window keeps its first position).
 */
template <class T>
GL_CLONES void max2x2_plane(const T* __restrict xp, i64 sy, i64 OH, i64 OW, i64 W, T* __restrict v, int32_t* __restrict ix) {
  for (i64 oh = 0; oh < OH; oh++, v += OW, ix += OW) {
    const T* r0 = xp + 2 * oh * sy;
    const T* r1 = r0 + sy;
    const int32_t base = static_cast<int32_t>(2 * oh * W);
    for (i64 ow = 0; ow < OW; ow++) {
      const i64 iw = 2 * ow;
      const T a = r0[iw], b = r0[iw + 1], c = r1[iw], d = r1[iw + 1];
      T best = a;
      int32_t at = 0;
      const bool tb = (b > best) | (b != b);
      best = tb ? b : best;
      at = tb ? 1 : at;
      const bool tc = (c > best) | (c != c);
      best = tc ? c : best;
      at = tc ? static_cast<int32_t>(W) : at;
      const bool td = (d > best) | (d != d);
      best = td ? d : best;
      at = td ? static_cast<int32_t>(W) + 1 : at;
      v[ow] = best;
      ix[ow] = base + static_cast<int32_t>(iw) + at;
    }
  }
}

template <class T>
void max_pool2d_t(const View& x, const MaxPoolParams& p, i64 OH, i64 OW, T* values, int32_t* indices) {
  const i64 N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  const i64 planes = N * C, L = OH * OW;
  if (planes * L == 0) return;
  const Vec<i64> hb = max_windows(H, OH, p.kh, p.sh, p.ph, p.dh), wb = max_windows(W, OW, p.kw, p.sw, p.pw, p.dw);
  const Planes<T> xs(x);
  const i64 sy = xs.sy, sx = xs.sx;
  // The common 2x2 / stride 2 window over unit-stride rows, unrolled.
  const bool two = p.kh == 2 && p.kw == 2 && p.sh == 2 && p.sw == 2 && p.ph == 0 && p.pw == 0 && p.dh == 1 && p.dw == 1 && sx == 1 &&
                   2 * OH <= H && 2 * OW <= W;
  constexpr T kNegInf = -std::numeric_limits<T>::infinity();
  for_blocks(planes, double(planes) * L * p.kh * p.kw, [&](i64 pl0, i64 pl1) {
    for (i64 pl = pl0; pl < pl1; pl++) {
      const T* xp = xs.plane(pl);
      T* v = values + pl * L;
      int32_t* ix = indices + pl * L;
      if (two) {
        max2x2_plane(xp, sy, OH, OW, W, v, ix);
        continue;
      }
      for (i64 oh = 0; oh < OH; oh++) {
        const i64 h0 = hb[2 * oh], h1 = hb[2 * oh + 1];
        for (i64 ow = 0; ow < OW; ow++, v++, ix++) {
          const i64 w0 = wb[2 * ow], w1 = wb[2 * ow + 1];
          T best = kNegInf;
          i64 at = h0 * W + w0;
          for (i64 ih = h0; ih < h1; ih += p.dh) {
            const T* row = xp + ih * sy;
            for (i64 iw = w0; iw < w1; iw += p.dw) {
              const T val = row[iw * sx];
              if (val > best || std::isnan(val)) {
                best = val;
                at = ih * W + iw;
              }
            }
          }
          *v = best;
          *ix = static_cast<int32_t>(at);
        }
      }
    }
  });
}

template <class T>
i64 max_pool2d_backward_t(const View& gv, const View& iv, const i64* is, T* out, int32_t* bad) {
  const i64 N = is[0], C = is[1], H = is[2], W = is[3], HW = H * W;
  const i64 OH = gv.shape[2], OW = gv.shape[3], L = OH * OW, planes = N * C;
  if (planes * HW == 0) return -1;
  const Planes<T> gs(gv);
  const Planes<int32_t> ids(iv);
  std::atomic<bool> failed{false};
  for_blocks(planes, double(planes) * (HW + L), [&](i64 pl0, i64 pl1) {
    for (i64 pl = pl0; pl < pl1; pl++) {
      T* dx = out + pl * HW;
      std::fill(dx, dx + HW, T(0));
      const T* gp = gs.plane(pl);
      const int32_t* ip = ids.plane(pl);
      for (i64 oh = 0; oh < OH; oh++) {
        for (i64 ow = 0; ow < OW; ow++) {
          const int32_t at = ip[oh * ids.sy + ow * ids.sx];
          if (at < 0 || at >= HW) {
            failed.store(true, std::memory_order_relaxed);
            continue;
          }
          // Through double, as the js kernel rounds each sum.
          dx[at] = static_cast<T>(static_cast<double>(dx[at]) + static_cast<double>(gp[oh * gs.sy + ow * gs.sx]));
        }
      }
    }
  });
  if (!failed.load()) return -1;
  for (i64 pl = 0; pl < planes; pl++) {
    const int32_t* ip = ids.plane(pl);
    for (i64 l = 0; l < L; l++) {
      const int32_t at = ip[(l / OW) * ids.sy + (l % OW) * ids.sx];
      if (at < 0 || at >= HW) {
        *bad = at;
        return pl * L + l;
      }
    }
  }
  return -1;
}

/** One average-pooling window clipped to the image, with its divisor (0: an empty window, output 0). */
struct AvgWindow {
  i64 h0, h1, w0, w1;
  double div;
};

/** The windows of one plane with PyTorch's avg_pool2d divisor rules (the unclipped size counts padding, not ceil mode's overhang). */
Vec<AvgWindow> avg_windows(i64 H, i64 W, i64 OH, i64 OW, const AvgPoolParams& p) {
  Vec<AvgWindow> t(static_cast<size_t>(OH * OW), AvgWindow{0, 0, 0, 0, 0.0});
  for (i64 oh = 0; oh < OH; oh++) {
    const i64 hs = oh * p.sh - p.ph, he = std::min(hs + p.kh, H + p.ph);
    const i64 h0 = std::max<i64>(hs, 0), h1 = std::min(he, H);
    for (i64 ow = 0; ow < OW; ow++) {
      const i64 ws = ow * p.sw - p.pw, we = std::min(ws + p.kw, W + p.pw);
      const i64 w0 = std::max<i64>(ws, 0), w1 = std::min(we, W);
      if (h0 >= h1 || w0 >= w1) continue;
      const double div = p.divisor != 0 ? double(p.divisor) : p.count_include_pad ? double((he - hs) * (we - ws)) : double((h1 - h0) * (w1 - w0));
      t[static_cast<size_t>(oh * OW + ow)] = AvgWindow{h0, h1, w0, w1, div};
    }
  }
  return t;
}

/** Adaptive windows as average-pooling windows: [floor(i in / out), ceil((i + 1) in / out)) per dim, divisor = the area. */
Vec<AvgWindow> adaptive_windows(i64 H, i64 W, i64 OH, i64 OW) {
  Vec<AvgWindow> t(static_cast<size_t>(OH * OW));
  for (i64 oh = 0; oh < OH; oh++) {
    const i64 h0 = (oh * H) / OH, h1 = ((oh + 1) * H + OH - 1) / OH;
    for (i64 ow = 0; ow < OW; ow++) {
      const i64 w0 = (ow * W) / OW, w1 = ((ow + 1) * W + OW - 1) / OW;
      // An empty window (an empty input) averages to NaN, 0 / 0, as in the js kernel.
      const i64 area = (h1 - h0) * (w1 - w0);
      t[static_cast<size_t>(oh * OW + ow)] = AvgWindow{h0, h1, w0, w1, area == 0 ? std::nan("") : double(area)};
    }
  }
  return t;
}

/** Window means of x into out [N, C, windows], summed in double in row-major order (as the js kernels do). */
template <class T>
void window_means(const View& x, const Vec<AvgWindow>& t, T* out) {
  const i64 planes = x.shape[0] * x.shape[1], L = static_cast<i64>(t.size());
  if (planes * L == 0) return;
  const Planes<T> xs(x);
  double work = 0;
  for (const AvgWindow& w : t) work += double(w.h1 - w.h0) * double(w.w1 - w.w0);
  for_blocks(planes, double(planes) * (work + L), [&](i64 pl0, i64 pl1) {
    for (i64 pl = pl0; pl < pl1; pl++) {
      const T* xp = xs.plane(pl);
      T* o = out + pl * L;
      for (i64 l = 0; l < L; l++) {
        const AvgWindow& w = t[static_cast<size_t>(l)];
        if (w.div == 0) {
          o[l] = T(0);
          continue;
        }
        double s = 0;
        for (i64 ih = w.h0; ih < w.h1; ih++) {
          const T* row = xp + ih * xs.sy;
          for (i64 iw = w.w0; iw < w.w1; iw++) s += static_cast<double>(row[iw * xs.sx]);
        }
        o[l] = static_cast<T>(s / w.div);
      }
    }
  });
}

/** The gradient of window_means: each g / divisor added over its window (through double, as the js kernels round). */
template <class T>
void window_spread(const View& gv, const i64* is, const Vec<AvgWindow>& t, T* out) {
  const i64 planes = is[0] * is[1], H = is[2], W = is[3], HW = H * W, OW = gv.shape[3];
  const i64 L = static_cast<i64>(t.size());
  if (planes * HW == 0) return;
  const Planes<T> gs(gv);
  double work = 0;
  for (const AvgWindow& w : t) work += double(w.h1 - w.h0) * double(w.w1 - w.w0);
  for_blocks(planes, double(planes) * (work + HW), [&](i64 pl0, i64 pl1) {
    for (i64 pl = pl0; pl < pl1; pl++) {
      T* dx = out + pl * HW;
      std::fill(dx, dx + HW, T(0));
      const T* gp = gs.plane(pl);
      for (i64 l = 0; l < L; l++) {
        const AvgWindow& w = t[static_cast<size_t>(l)];
        if (w.div == 0) continue;
        const double v = static_cast<double>(gp[(l / OW) * gs.sy + (l % OW) * gs.sx]) / w.div;
        for (i64 ih = w.h0; ih < w.h1; ih++) {
          T* row = dx + ih * W;
          for (i64 iw = w.w0; iw < w.w1; iw++) row[iw] = static_cast<T>(static_cast<double>(row[iw]) + v);
        }
      }
    }
  });
}

}  // namespace

void conv2d(const View& x, const View& w, const View* bias, const ConvParams& p, i64 oh, i64 ow, void* out, DType dt) {
  if (dt == DType::F64) conv2d_t<double>(x, w, bias, p, oh, ow, static_cast<double*>(out));
  else conv2d_t<float>(x, w, bias, p, oh, ow, static_cast<float*>(out));
}

void conv2d_input_grad(const View& g, const View& w, const i64 in_shape[4], const ConvParams& p, void* out, DType dt) {
  if (dt == DType::F64) conv2d_input_grad_t<double>(g, w, in_shape, p, static_cast<double*>(out));
  else conv2d_input_grad_t<float>(g, w, in_shape, p, static_cast<float*>(out));
}

void conv2d_weight_grad(const View& x, const View& g, const i64 w_shape[4], const ConvParams& p, void* out, DType dt) {
  if (dt == DType::F64) conv2d_weight_grad_t<double>(x, g, w_shape, p, static_cast<double*>(out));
  else conv2d_weight_grad_t<float>(x, g, w_shape, p, static_cast<float*>(out));
}

void max_pool2d(const View& x, const MaxPoolParams& p, i64 oh, i64 ow, void* values, int32_t* indices, DType dt) {
  if (dt == DType::F64) max_pool2d_t<double>(x, p, oh, ow, static_cast<double*>(values), indices);
  else max_pool2d_t<float>(x, p, oh, ow, static_cast<float*>(values), indices);
}

i64 max_pool2d_backward(const View& g, const View& indices, const i64 in_shape[4], void* out, DType dt, int32_t* bad) {
  if (dt == DType::F64) return max_pool2d_backward_t<double>(g, indices, in_shape, static_cast<double*>(out), bad);
  return max_pool2d_backward_t<float>(g, indices, in_shape, static_cast<float*>(out), bad);
}

void avg_pool2d(const View& x, const AvgPoolParams& p, i64 oh, i64 ow, void* out, DType dt) {
  const Vec<AvgWindow> t = avg_windows(x.shape[2], x.shape[3], oh, ow, p);
  if (dt == DType::F64) window_means<double>(x, t, static_cast<double*>(out));
  else window_means<float>(x, t, static_cast<float*>(out));
}

void avg_pool2d_backward(const View& g, const i64 in_shape[4], const AvgPoolParams& p, void* out, DType dt) {
  const Vec<AvgWindow> t = avg_windows(in_shape[2], in_shape[3], g.shape[2], g.shape[3], p);
  if (dt == DType::F64) window_spread<double>(g, in_shape, t, static_cast<double*>(out));
  else window_spread<float>(g, in_shape, t, static_cast<float*>(out));
}

void adaptive_avg_pool2d(const View& x, i64 oh, i64 ow, void* out, DType dt) {
  const Vec<AvgWindow> t = adaptive_windows(x.shape[2], x.shape[3], oh, ow);
  if (dt == DType::F64) window_means<double>(x, t, static_cast<double*>(out));
  else window_means<float>(x, t, static_cast<float*>(out));
}

void adaptive_avg_pool2d_backward(const View& g, const i64 in_shape[4], void* out, DType dt) {
  const Vec<AvgWindow> t = adaptive_windows(in_shape[2], in_shape[3], g.shape[2], g.shape[3]);
  if (dt == DType::F64) window_spread<double>(g, in_shape, t, static_cast<double*>(out));
  else window_spread<float>(g, in_shape, t, static_cast<float*>(out));
}

}  // namespace gl
