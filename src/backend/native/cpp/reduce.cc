// Reductions accumulate in double (exact for int32 sums up to 2^53, far more accurate than a
// float accumulator for float32) and round once into the output, as the js backend does.
// Integer products wrap like int32 multiplication. Each output element is reduced by one
// thread in a fixed order, so results do not depend on the thread count.
#include "reduce.h"

#include <algorithm>
#include <limits>
#include <type_traits>
#include <vector>

#include "cast.h"

namespace gl {

namespace {

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

void reduce(ReduceOp op, const View& x, const int* axes, int naxes, void* out, DType out_dt) {
  bool reduced[kMaxDims] = {false};
  for (int i = 0; i < naxes; i++) reduced[axes[i]] = true;
  i64 out_shape[kMaxDims];
  for (int d = 0; d < x.nd; d++) out_shape[d] = reduced[d] ? 1 : x.shape[d];
  i64 out_strides[kMaxDims];
  contiguous_strides(x.nd, out_shape, out_strides);
  i64 n_out = 1;
  for (int d = 0; d < x.nd; d++) {
    n_out *= out_shape[d];
    if (reduced[d]) out_strides[d] = 0;
  }
  const double init = op == ReduceOp::Sum ? 0 : op == ReduceOp::Prod ? 1
    : op == ReduceOp::Max ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  // float64 output: accumulate straight into it.
  std::vector<double> scratch(out_dt == DType::F64 ? 0 : static_cast<size_t>(n_out));
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
