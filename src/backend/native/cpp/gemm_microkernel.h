// The micro-kernel body, written once over a vector-traits class `Vec` (T, V, W and the
// load / broadcast / fma / add / store operations, whole and partial). An instruction-set
// file defines GL_KERNEL_TARGET (a target attribute) and includes this inside an anonymous
// namespace, so each copy is compiled for that instruction set only and never shared.
//
// Included by gemm_avx512.cc and gemm_avx2.cc only.

/**
 * C[MR x cols] (=|+=) sum over kc of A[:, p] (broadcast) * pb[p] (NV vectors); A packed or
 * direct. TransC (one vector, a traits class with `transpose`): the tile is stored transposed,
 * C[r, j] at c + j * ldc + r, through in-register W x W transposes (for the C^T of a swapped
 * product, whose columns are runs).
 */
template <class Vec, int MR, int NV, bool Direct, bool TransC = false>
GL_KERNEL_TARGET void micro_kernel(i64 kc, const typename Vec::T* pa, i64 ars, i64 acs, const typename Vec::T* pb,
                                   typename Vec::T* c, i64 ldc, bool first, int cols, const typename Vec::T* bias) {
  using V = typename Vec::V;
  constexpr int W = Vec::W;
  V acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[r][v] = Vec::zero();
  }
  // The tile of C is needed right after the loop: start fetching it now.
  if constexpr (!TransC) {
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      __builtin_prefetch(c + r * ldc, 1);
      if (NV * W * sizeof(typename Vec::T) > 64) __builtin_prefetch(c + r * ldc + NV * W - 1, 1);
    }
  }
  for (i64 p = 0; p < kc; p++) {
    V b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) b[v] = Vec::load(pb + v * W);
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      const V a = Vec::broadcast(Direct ? pa + r * ars : pa + r);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[r][v] = Vec::fma(a, b[v], acc[r][v]);
    }
    pa += Direct ? acs : MR;
    pb += NV * W;
  }
  if constexpr (TransC) {
    static_assert(NV == 1, "transposed stores take one vector per row");
    // Blocks of W rows: transpose, then column j of the block is W adjacent elements of C.
#pragma GCC unroll 4
    for (int blk = 0; blk * W < MR; blk++) {
      V t[W];
#pragma GCC unroll 16
      for (int i = 0; i < W; i++) t[i] = blk * W + i < MR ? acc[blk * W + i][0] : Vec::zero();
      Vec::transpose(t);
      const int nrow = MR - blk * W < W ? MR - blk * W : W;
      for (int j = 0; j < cols; j++) {
        typename Vec::T* cj = c + j * ldc + blk * W;
        V x = t[j];
        if (nrow == W) {
          if (!first) x = Vec::add(Vec::loadu(cj), x);
          if (bias) x = Vec::add(x, Vec::broadcast(bias + j));
          Vec::storeu(cj, x);
        } else {
          if (!first) x = Vec::add(Vec::load_part(cj, nrow), x);
          if (bias) x = Vec::add(x, Vec::broadcast(bias + j));
          Vec::store_part(cj, x, nrow);
        }
      }
    }
    return;
  }
  if (cols == NV * W) {
    V bv[NV];
    if (bias) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) bv[v] = Vec::loadu(bias + v * W);
    }
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      typename Vec::T* cr = c + r * ldc;
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) {
        V x = acc[r][v];
        if (!first) x = Vec::add(Vec::loadu(cr + v * W), x);
        if (bias) x = Vec::add(x, bv[v]);
        Vec::storeu(cr + v * W, x);
      }
    }
    return;
  }
  // A partial tile: whole vectors, then one masked vector.
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) {
    typename Vec::T* cr = c + r * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
      const int left = cols - v * W;
      if (left <= 0) break;
      V x = acc[r][v];
      if (left >= W) {
        if (!first) x = Vec::add(Vec::loadu(cr + v * W), x);
        if (bias) x = Vec::add(x, Vec::loadu(bias + v * W));
        Vec::storeu(cr + v * W, x);
      } else {
        if (!first) x = Vec::add(Vec::load_part(cr + v * W, left), x);
        if (bias) x = Vec::add(x, Vec::load_part(bias + v * W, left));
        Vec::store_part(cr + v * W, x, left);
      }
    }
  }
}

/** row[v - 1] = micro_kernel<Vec, MR, v, packed A>, direct[v - 1] the same reading A in place, v <= NV. */
template <class Vec, int MR, int NV>
void fill_row(MicroKernelFn<typename Vec::T>* row, MicroKernelFn<typename Vec::T>* direct) {
  if constexpr (NV > 0) {
    fill_row<Vec, MR, NV - 1>(row, direct);
    row[NV - 1] = micro_kernel<Vec, MR, NV, false>;
    direct[NV - 1] = micro_kernel<Vec, MR, NV, true>;
  }
}

/** table[r - 1] = micro_kernel<Vec, r, 1, packed A, transposed C> (direct: A in place) for r <= MR. */
template <class Vec, int MR>
void fill_transposed(MicroKernelFn<typename Vec::T>* table, MicroKernelFn<typename Vec::T>* direct) {
  if constexpr (MR > 0) {
    fill_transposed<Vec, MR - 1>(table, direct);
    table[MR - 1] = micro_kernel<Vec, MR, 1, false, true>;
    direct[MR - 1] = micro_kernel<Vec, MR, 1, true, true>;
  }
}

/** table[r - 1][v - 1] = micro_kernel<Vec, r, v, packed A> (direct: A in place) for r <= MR, v <= NV. */
template <class Vec, int MR, int NV>
void fill_tiles(MicroKernelFn<typename Vec::T> (*table)[kMaxNv], MicroKernelFn<typename Vec::T> (*direct)[kMaxNv]) {
  if constexpr (MR > 0) {
    fill_tiles<Vec, MR - 1, NV>(table, direct);
    fill_row<Vec, MR, NV>(table[MR - 1], direct[MR - 1]);
  }
}

/**
 * Fills k with the MR x NV-vector tiles of Vec (packed and direct A) and the blocking
 * parameters: the micro-kernel's shape, the packing routine, KC, MC, NC and the set's name.
 */
template <class Vec, int MR, int NV>
void describe_set(GemmKernel<typename Vec::T>* k, PackFn<typename Vec::T> pack, i64 kc, i64 mc, i64 nc, const char* isa) {
  fill_tiles<Vec, MR, NV>(k->tile, k->direct);
  k->pack = pack;
  k->mr = MR;
  k->nr = NV * Vec::W;
  k->w = Vec::W;
  k->kc = kc;
  k->mc = mc;
  k->nc = nc;
  k->isa = isa;
}
