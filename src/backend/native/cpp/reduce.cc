// Reductions accumulate in double (exact for int32 sums up to 2^53, far more accurate than a
// float accumulator for float32) and round once into the output, as the js backend does.
// Integer products wrap like int32 multiplication. Float sums, sums of squares, maxima and
// minima take the vectorised, threaded path of reduce_float.h; the rest runs here on one thread.
#include "reduce.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

#include "cast.h"
#include "parallel.h"
#include "vmath.h"

namespace gl {

namespace {

/** x * x rounded in S, as square() writes it (int32 and bool wrap like imul), widened to double. */
template <class S>
inline double square_of(S v) {
  if constexpr (std::is_floating_point_v<S>) {
    const S q = v * v;  // x86-64's baseline has no FMA: the product is rounded before any sum
    return static_cast<double>(q);
  } else {
    return static_cast<double>(imul(static_cast<int32_t>(v), static_cast<int32_t>(v)));
  }
}

/** Reduces n strided values into one accumulator (the group's running value). */
template <class S>
double reduce_into(ReduceOp op, const S* x, i64 sx, i64 n, double acc, bool int_in) {
  switch (op) {
    case ReduceOp::Sum:
      if (sx == 1) {
        // Four partial sums: independent chains the CPU overlaps.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        i64 j = 0;
        for (; j + 4 <= n; j += 4) {
          s0 += static_cast<double>(x[j]); s1 += static_cast<double>(x[j + 1]);
          s2 += static_cast<double>(x[j + 2]); s3 += static_cast<double>(x[j + 3]);
        }
        for (; j < n; j++) s0 += static_cast<double>(x[j]);
        return acc + ((s0 + s1) + (s2 + s3));
      }
      for (i64 j = 0; j < n; j++) acc += static_cast<double>(x[j * sx]);
      return acc;
    case ReduceOp::SumSq:
      if (sx == 1) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        i64 j = 0;
        for (; j + 4 <= n; j += 4) {
          s0 += square_of(x[j]); s1 += square_of(x[j + 1]);
          s2 += square_of(x[j + 2]); s3 += square_of(x[j + 3]);
        }
        for (; j < n; j++) s0 += square_of(x[j]);
        return acc + ((s0 + s1) + (s2 + s3));
      }
      for (i64 j = 0; j < n; j++) acc += square_of(x[j * sx]);
      return acc;
    case ReduceOp::Prod:
      if (int_in) {
        int32_t p = static_cast<int32_t>(acc);
        for (i64 j = 0; j < n; j++) p = imul(p, static_cast<int32_t>(x[j * sx]));
        return p;
      }
      for (i64 j = 0; j < n; j++) acc *= static_cast<double>(x[j * sx]);
      return acc;
    case ReduceOp::Max:
      for (i64 j = 0; j < n; j++) {
        const double v = static_cast<double>(x[j * sx]);
        if (v > acc || v != v) acc = v;
        if (acc != acc) break;
      }
      return acc;
    case ReduceOp::Min:
      for (i64 j = 0; j < n; j++) {
        const double v = static_cast<double>(x[j * sx]);
        if (v < acc || v != v) acc = v;
        if (acc != acc) break;
      }
      return acc;
  }
  return acc;
}

/** acc[j * so] op= x[j * sx] for a row that runs along kept dims (one accumulator per element). */
template <class S>
void reduce_across(ReduceOp op, const S* x, i64 sx, double* acc, i64 so, i64 n, bool int_in) {
  switch (op) {
    case ReduceOp::Sum:
      for (i64 j = 0; j < n; j++) acc[j * so] += static_cast<double>(x[j * sx]);
      return;
    case ReduceOp::SumSq:
      for (i64 j = 0; j < n; j++) acc[j * so] += square_of(x[j * sx]);
      return;
    case ReduceOp::Prod:
      if (int_in) {
        for (i64 j = 0; j < n; j++) acc[j * so] = imul(static_cast<int32_t>(acc[j * so]), static_cast<int32_t>(x[j * sx]));
      } else {
        for (i64 j = 0; j < n; j++) acc[j * so] *= static_cast<double>(x[j * sx]);
      }
      return;
    case ReduceOp::Max:
      for (i64 j = 0; j < n; j++) {
        const double v = static_cast<double>(x[j * sx]);
        const double a = acc[j * so];
        if (v > a || v != v) acc[j * so] = a != a ? a : v;
      }
      return;
    case ReduceOp::Min:
      for (i64 j = 0; j < n; j++) {
        const double v = static_cast<double>(x[j * sx]);
        const double a = acc[j * so];
        if (v < a || v != v) acc[j * so] = a != a ? a : v;
      }
      return;
  }
}

}  // namespace

namespace {

// ---- float sums, maxima and minima: vectorised rows, blocked sums, threads over outputs -----

// Rows one call of the column kernels takes (vmath.h's kReduceRowGroup).
constexpr int kRowGroup = kReduceRowGroup;

/** The row loops of one op and element type (vmath.h's, for this CPU's instruction set). */
template <class T>
struct RowFns {
  double (*row)(const T*, i64);                         // a contiguous row into one value
  void (*across)(double*, const T* const*, int, i64);  // up to kRowGroup rows into per-column accumulators
};

inline RowFns<float> row_fns(ReduceOp op, float) {
  const VReduce& r = vreduce();
  switch (op) {
    case ReduceOp::Max: return {r.max_f32, r.acc_max_f32};
    case ReduceOp::Min: return {r.min_f32, r.acc_min_f32};
    case ReduceOp::SumSq: return {r.sumsq_f32, r.acc_sumsq_f32};
    default: return {r.sum_f32, r.acc_sum_f32};
  }
}
inline RowFns<double> row_fns(ReduceOp op, double) {
  const VReduce& r = vreduce();
  switch (op) {
    case ReduceOp::Max: return {r.max_f64, r.acc_max_f64};
    case ReduceOp::Min: return {r.min_f64, r.acc_min_f64};
    case ReduceOp::SumSq: return {r.sumsq_f64, r.acc_sumsq_f64};
    default: return {r.sum_f64, r.acc_sum_f64};
  }
}

/** One element as the op takes it: its square for SumSq, else itself. */
template <class T>
inline double term_of(ReduceOp op, T v) {
  return op == ReduceOp::SumSq ? square_of(v) : static_cast<double>(v);
}

/** a combined with b under op (sum, or max/min where NaN wins). */
inline double combine(ReduceOp op, double a, double b) {
  switch (op) {
    case ReduceOp::Max: return b > a || b != b ? b : a;
    case ReduceOp::Min: return b < a || b != b ? b : a;
    default: return a + b;
  }
}

inline double identity(ReduceOp op) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  return op == ReduceOp::Max ? -inf : op == ReduceOp::Min ? inf : 0.0;
}

/** One dim of the reduction: its size and x's stride along it. */
struct RDim {
  i64 size;
  i64 stride;
};

/** Drops size-1 dims and merges neighbours that are contiguous in x (dims listed outer first). */
int merge_dims(RDim* d, int n) {
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (d[i].size == 1) continue;
    if (m > 0 && d[m - 1].stride == d[i].stride * d[i].size) {
      d[m - 1].size *= d[i].size;
      d[m - 1].stride = d[i].stride;
      continue;
    }
    d[m++] = d[i];
  }
  return m;
}

/** x's offset of flat index `flat` of the row-major index space of dims d[0..n). */
inline i64 offset_of(const RDim* d, int n, i64 flat) {
  i64 off = 0;
  for (int i = n - 1; i >= 0; i--) {
    off += (flat % d[i].size) * d[i].stride;
    flat /= d[i].size;
  }
  return off;
}

/** An odometer over dims d[0..n) (row-major), tracking x's offset. */
struct Odometer {
  const RDim* d;
  int n;
  i64 idx[kMaxDims];
  i64 off;
  Odometer(const RDim* dims, int nd, i64 flat) : d(dims), n(nd), off(offset_of(dims, nd, flat)) {
    for (int i = nd - 1; i >= 0; i--) {
      idx[i] = flat % d[i].size;
      flat /= d[i].size;
    }
  }
  void next() {
    for (int i = n - 1; i >= 0; i--) {
      off += d[i].stride;
      if (++idx[i] < d[i].size) return;
      off -= d[i].stride * d[i].size;
      idx[i] = 0;
    }
  }
};

// Reductions reading fewer elements than this stay on the calling thread.
constexpr i64 kParallelReduce = 1 << 16;
// Columns of the output one work item of a leading-dim reduction accumulates (2 KiB of doubles).
constexpr i64 kColTile = 256;
// Rows added into a column block before the block is added to the column totals (blocked sums).
constexpr i64 kRowBlock = 256;

/**
 * Runs item(i) for i in [0, items) over the pool when `work` elements justify it. Items
 * write disjoint outputs and each is computed the same way on any thread, so the result
 * does not depend on the thread count.
 */
template <class F>
void run_items(i64 items, i64 work, F&& item) {
  const int threads = pool_threads();
  if (items <= 1 || threads <= 1 || work < kParallelReduce) {
    for (i64 i = 0; i < items; i++) item(i);
    return;
  }
  const i64 tasks = std::min<i64>(items, 4 * static_cast<i64>(threads));
  parallel_for(static_cast<int>(tasks), [&](int t) {
    const i64 lo = items * t / tasks, hi = items * (t + 1) / tasks;
    for (i64 i = lo; i < hi; i++) item(i);
  });
}

/**
 * Reduces `x` over the dims marked in `reduced` into the contiguous `out` (sum, max, min of
 * float or double, accumulated in double). Two plans, by memory layout: when the output's
 * innermost dim is the one laid out densest in x (a reduction over leading dims, such as a
 * bias gradient), each work item accumulates a tile of output columns row by row; otherwise
 * each output element reduces its own contiguous rows. Large reductions into few outputs are
 * cut into a fixed number of blocks (chosen from the sizes only) whose partial results are
 * combined in order.
 */
template <class T>
void reduce_float(ReduceOp op, const View& x, const bool* reduced, T* out) {
  RDim kept[kMaxDims], red[kMaxDims];
  int nk = 0, nr = 0;
  for (int d = 0; d < x.nd; d++) (reduced[d] ? red[nr++] : kept[nk++]) = RDim{x.shape[d], x.strides[d]};
  i64 n_out = 1, n_red = 1;
  for (int i = 0; i < nk; i++) n_out *= kept[i].size;
  for (int i = 0; i < nr; i++) n_red *= red[i].size;
  if (n_out == 0) return;
  const double init = identity(op);
  if (n_red == 0) {
    std::fill(out, out + n_out, static_cast<T>(init));
    return;
  }
  nk = merge_dims(kept, nk);
  // Reduced dims in any order give the same set of elements: walk them densest last.
  std::stable_sort(red, red + nr, [](const RDim& a, const RDim& b) { return std::abs(a.stride) > std::abs(b.stride); });
  nr = merge_dims(red, nr);
  const T* base = static_cast<const T*>(x.data) + x.offset;
  const RowFns<T> fns = row_fns(op, T{});
  const bool sum = op == ReduceOp::Sum || op == ReduceOp::SumSq;
  const i64 work = n_out * n_red;

  const bool columns = nk > 0 && kept[nk - 1].size >= 16 && (nr == 0 || std::abs(kept[nk - 1].stride) < std::abs(red[nr - 1].stride));
  if (columns) {
    const i64 C = kept[nk - 1].size, cs = kept[nk - 1].stride;
    const i64 Ko = n_out / C, tiles = (C + kColTile - 1) / kColTile;
    // Few column tiles: also cut the reduced rows into blocks, so both threads have work.
    const i64 nb = Ko * tiles < 4 && n_red >= 4 * kRowBlock ? std::min<i64>(16, n_red / (2 * kRowBlock)) : 1;
    const i64 per = (n_red + nb - 1) / nb;
    Vec<double> parts(nb > 1 ? static_cast<size_t>(Ko * tiles * nb * kColTile) : 0);
    run_items(Ko * tiles * nb, work, [&](i64 item) {
      const i64 b = item % nb, tile = (item / nb) % tiles, ko = item / (nb * tiles);
      const i64 c0 = tile * kColTile, w = std::min(kColTile, C - c0);
      const i64 r0 = b * per, r1 = std::min(n_red, r0 + per);
      double total[kColTile], block[kColTile];
      std::fill(block, block + w, init);
      bool folded = false;  // total holds earlier blocks (sums of more than kRowBlock rows)
      const T* p0 = base + offset_of(kept, nk - 1, ko) + c0 * cs;
      Odometer it(red, nr, r0);
      const T* rows[kRowGroup];
      for (i64 r = r0; r < r1;) {
        // Groups of rows never straddle a block boundary, so the blocks are the same on any split.
        const i64 g = std::min<i64>({kRowGroup, r1 - r, kRowBlock - (r - r0) % kRowBlock});
        if (cs == 1) {
          for (i64 q = 0; q < g; q++, it.next()) rows[q] = p0 + it.off;
          fns.across(block, rows, static_cast<int>(g), w);
        } else {
          for (i64 q = 0; q < g; q++, it.next()) {
            const T* p = p0 + it.off;
            for (i64 j = 0; j < w; j++) block[j] = combine(op, block[j], term_of(op, p[j * cs]));
          }
        }
        r += g;
        if (sum && (r - r0) % kRowBlock == 0 && r < r1) {
          if (!folded) std::fill(total, total + w, 0.0);
          for (i64 j = 0; j < w; j++) total[j] += block[j];
          std::fill(block, block + w, 0.0);
          folded = true;
        }
      }
      if (folded) {
        for (i64 j = 0; j < w; j++) block[j] += total[j];
      }
      if (nb == 1) {
        T* o = out + ko * C + c0;
        for (i64 j = 0; j < w; j++) o[j] = static_cast<T>(block[j]);
      } else {
        std::copy(block, block + w, parts.data() + item * kColTile);
      }
    });
    if (nb > 1) {
      for (i64 g = 0; g < Ko * tiles; g++) {
        const i64 tile = g % tiles, ko = g / tiles, c0 = tile * kColTile, w = std::min(kColTile, C - c0);
        for (i64 j = 0; j < w; j++) {
          double a = parts[static_cast<size_t>(g * nb * kColTile + j)];
          for (i64 b = 1; b < nb; b++) a = combine(op, a, parts[static_cast<size_t>((g * nb + b) * kColTile + j)]);
          out[ko * C + c0 + j] = static_cast<T>(a);
        }
      }
    }
    return;
  }

  // Each output reduces rows of the densest reduced dim; few outputs: fixed blocks of elements.
  const i64 L = nr > 0 ? red[nr - 1].size : 1, rs = nr > 0 ? red[nr - 1].stride : 0;
  const int nouter = nr > 0 ? nr - 1 : 0;
  const i64 nb = n_out < 4 && n_red >= 2 * kParallelReduce ? std::min<i64>(64, n_red / kParallelReduce) : 1;
  const i64 per = (n_red + nb - 1) / nb;
  // Reduces flat reduced elements [s, e) of the output whose elements start at p0.
  auto range = [&](const T* p0, i64 s, i64 e) {
    double a = init;
    Odometer it(red, nouter, s / L);
    for (i64 q = s; q < e;) {
      const i64 j0 = q % L, len = std::min(L - j0, e - q);
      const T* p = p0 + it.off + j0 * rs;
      double v;
      if (rs == 1) {
        v = fns.row(p, len);
      } else {
        v = init;
        for (i64 j = 0; j < len; j++) v = combine(op, v, term_of(op, p[j * rs]));
      }
      a = combine(op, a, v);
      q += len;
      it.next();
    }
    return a;
  };
  if (nb == 1) {
    run_items(n_out, work, [&](i64 o) { out[o] = static_cast<T>(range(base + offset_of(kept, nk, o), 0, n_red)); });
    return;
  }
  Vec<double> parts(static_cast<size_t>(n_out * nb));
  run_items(n_out * nb, work, [&](i64 item) {
    const i64 o = item / nb, b = item % nb;
    parts[static_cast<size_t>(item)] = range(base + offset_of(kept, nk, o), b * per, std::min(n_red, (b + 1) * per));
  });
  for (i64 o = 0; o < n_out; o++) {
    double a = parts[static_cast<size_t>(o * nb)];
    for (i64 b = 1; b < nb; b++) a = combine(op, a, parts[static_cast<size_t>(o * nb + b)]);
    out[o] = static_cast<T>(a);
  }
}

}  // namespace

namespace {

/** Any dtype combination and op, one accumulator per output element in double, on one thread. */
void reduce_staged(ReduceOp op, const View& x, const bool* reduced, void* out, DType out_dt) {
  i64 out_shape[kMaxDims];
  for (int d = 0; d < x.nd; d++) out_shape[d] = reduced[d] ? 1 : x.shape[d];
  i64 out_strides[kMaxDims];
  contiguous_strides(x.nd, out_shape, out_strides);
  i64 n_out = 1;
  for (int d = 0; d < x.nd; d++) {
    n_out *= out_shape[d];
    if (reduced[d]) out_strides[d] = 0;
  }
  const double init = op == ReduceOp::Sum || op == ReduceOp::SumSq ? 0 : op == ReduceOp::Prod ? 1
    : op == ReduceOp::Max ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  // float64 output: accumulate straight into it.
  Vec<double> scratch(out_dt == DType::F64 ? 0 : static_cast<size_t>(n_out));
  double* acc = out_dt == DType::F64 ? static_cast<double*>(out) : scratch.data();
  std::fill(acc, acc + n_out, init);
  if (x.numel() > 0) {
    const i64* st[2] = {x.strides, out_strides};
    const i64 offs[2] = {x.offset, 0};
    RowIter<2> it(x.nd, x.shape, st, offs);
    const i64 sx = it.inner_stride[0], so = it.inner_stride[1];
    const bool int_in = is_int(x.dtype);
    dispatch(x.dtype, [&](auto tag) {
      using S = decltype(tag);
      const S* d = static_cast<const S*>(x.data);
      for (i64 r = 0; r < it.rows; r++) {
        if (so == 0) acc[it.offs[1]] = reduce_into(op, d + it.offs[0], sx, it.inner, acc[it.offs[1]], int_in);
        else reduce_across(op, d + it.offs[0], sx, acc + it.offs[1], so, it.inner, int_in);
        it.next();
      }
    });
  }
  if (out_dt != DType::F64) store_row(acc, out, out_dt, 0, n_out);
}

}  // namespace

void reduce(ReduceOp op, const View& x, const int* axes, int naxes, void* out, DType out_dt) {
  bool reduced[kMaxDims] = {false};
  for (int i = 0; i < naxes; i++) reduced[axes[i]] = true;
  if (op != ReduceOp::Prod && x.dtype == out_dt && x.dtype == DType::F32) {
    reduce_float<float>(op, x, reduced, static_cast<float*>(out));
  } else if (op != ReduceOp::Prod && x.dtype == out_dt && x.dtype == DType::F64) {
    reduce_float<double>(op, x, reduced, static_cast<double*>(out));
  } else {
    reduce_staged(op, x, reduced, out, out_dt);
  }
}

namespace {

/** The view without `axis`: its shape and strides, for walking every line along the axis. */
int drop_axis(const View& x, int axis, i64* shape, i64* strides) {
  int nd = 0;
  for (int d = 0; d < x.nd; d++) {
    if (d == axis) continue;
    shape[nd] = x.shape[d];
    strides[nd] = x.strides[d];
    nd++;
  }
  return nd;
}

}  // namespace

void arg_reduce(ArgReduceOp op, const View& x, int axis, int32_t* out) {
  i64 oshape[kMaxDims], ostrides[kMaxDims];
  const int ond = drop_axis(x, axis, oshape, ostrides);
  const i64 len = x.shape[axis], stride = x.strides[axis];
  const i64* st[1] = {ostrides};
  const i64 offs[1] = {x.offset};
  RowIter<1> it(ond, oshape, st, offs);
  const bool is_max = op == ArgReduceOp::Argmax;
  if (len == 0) {  // no index to return (the ops layer rejects this); never read past the view
    std::fill(out, out + it.rows * it.inner, 0);
    return;
  }
  dispatch(x.dtype, [&](auto tag) {
    using S = decltype(tag);
    const S* d = static_cast<const S*>(x.data);
    i64 o = 0;
    for (i64 r = 0; r < it.rows; r++) {
      i64 base = it.offs[0];
      for (i64 j = 0; j < it.inner; j++, base += it.inner_stride[0]) {
        S best = d[base];
        int32_t bi = 0;
        if (best == best) {
          i64 ix = base + stride;
          for (i64 t = 1; t < len; t++, ix += stride) {
            const S v = d[ix];
            if (v != v) { bi = static_cast<int32_t>(t); break; }
            if (is_max ? v > best : v < best) { best = v; bi = static_cast<int32_t>(t); }
          }
        }
        out[o++] = bi;
      }
      it.next();
    }
  });
}

void scan(ScanOp op, const View& x, int axis, void* out, DType out_dt) {
  if (x.numel() == 0) return;
  i64 full[kMaxDims] = {};
  contiguous_strides(x.nd, x.shape, full);
  const i64 o_axis = full[axis];
  i64 oshape[kMaxDims], ostrides[kMaxDims], out_outer[kMaxDims];
  const int ond = drop_axis(x, axis, oshape, ostrides);
  for (int d = 0, q = 0; d < x.nd; d++) if (d != axis) out_outer[q++] = full[d];
  const i64 len = x.shape[axis], stride = x.strides[axis];
  const i64* st[2] = {ostrides, out_outer};
  const i64 offs[2] = {x.offset, 0};
  RowIter<2> it(ond, oshape, st, offs);
  const bool int_prod = op == ScanOp::Cumprod && is_int(x.dtype);
  dispatch(x.dtype, [&](auto itag) {
    using S = decltype(itag);
    const S* d = static_cast<const S*>(x.data);
    dispatch(out_dt, [&](auto otag) {
      using D = decltype(otag);
      D* o = static_cast<D*>(out);
      for (i64 r = 0; r < it.rows; r++) {
        i64 base = it.offs[0], obase = it.offs[1];
        for (i64 j = 0; j < it.inner; j++, base += it.inner_stride[0], obase += it.inner_stride[1]) {
          if (op == ScanOp::Cumsum) {
            double a = 0;
            for (i64 t = 0; t < len; t++) { a += static_cast<double>(d[base + t * stride]); o[obase + t * o_axis] = Cast<D>::from(a); }
          } else if (int_prod) {
            int32_t a = 1;
            for (i64 t = 0; t < len; t++) { a = imul(a, static_cast<int32_t>(d[base + t * stride])); o[obase + t * o_axis] = Cast<D>::from(a); }
          } else {
            double a = 1;
            for (i64 t = 0; t < len; t++) { a *= static_cast<double>(d[base + t * stride]); o[obase + t * o_axis] = Cast<D>::from(a); }
          }
        }
        it.next();
      }
    });
  });
}

}  // namespace gl
