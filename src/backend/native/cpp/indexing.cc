// Indexing kernels. Index values are checked where they are read, so a bad index is an
// error (thrown by the binding) and never a read or write outside the storage.
#include "indexing.h"


#include "cast.h"

namespace gl {

namespace {

/** The index view's values, contiguous, each checked against [0, size). */
IndexError read_index(const View& index, i64 size, int axis, Vec<int32_t>& out) {
  out.resize(static_cast<size_t>(index.numel()));
  IndexError err;
  if (out.empty()) return err;
  const i64* st[1] = {index.strides};
  const i64 offs[1] = {index.offset};
  RowIter<1> it(index.nd, index.shape, st, offs);
  const int32_t* d = static_cast<const int32_t*>(index.data);
  size_t o = 0;
  for (i64 r = 0; r < it.rows; r++) {
    for (i64 j = 0; j < it.inner; j++) {
      const int32_t v = d[it.offs[0] + j * it.inner_stride[0]];
      if (v < 0 || v >= size) return IndexError{true, v, axis, size};
      out[o++] = v;
    }
    it.next();
  }
  return err;
}

/** Accumulates v into a slot of type D the way a typed-array `+=` does (int32 wraps). */
template <class D>
inline D add_to(D slot, double v) {
  return Cast<D>::from(static_cast<double>(slot) + v);
}

}  // namespace

IndexError index_select(const View& x, int axis, const View& index, void* out, DType out_dt) {
  Vec<int32_t> idx;
  IndexError err = read_index(index, x.shape[axis], axis, idx);
  if (err.bad) return err;
  i64 out_shape[kMaxDims], ostr[kMaxDims], sub[kMaxDims];
  for (int d = 0; d < x.nd; d++) out_shape[d] = x.shape[d];
  out_shape[axis] = static_cast<i64>(idx.size());
  contiguous_strides(x.nd, out_shape, ostr);
  for (int d = 0; d < x.nd; d++) sub[d] = d == axis ? 1 : out_shape[d];
  i64 total = 1;
  for (int d = 0; d < x.nd; d++) total *= out_shape[d];
  if (total == 0) return err;
  const i64 sa = x.strides[axis], oa = ostr[axis];
  dispatch(x.dtype, [&](auto itag) {
    using S = decltype(itag);
    dispatch(out_dt, [&](auto otag) {
      using D = decltype(otag);
      const S* xd = static_cast<const S*>(x.data);
      D* o = static_cast<D*>(out);
      const i64* st[2] = {x.strides, ostr};
      const i64 offs[2] = {0, 0};
      // One iterator over the slice at a fixed index; copied per index so it restarts.
      const RowIter<2> proto(x.nd, sub, st, offs);
      for (size_t j = 0; j < idx.size(); j++) {
        RowIter<2> it = proto;
        const i64 bx = x.offset + idx[j] * sa, bo = static_cast<i64>(j) * oa;
        for (i64 r = 0; r < it.rows; r++) {
          convert_row(xd + bx + it.offs[0], it.inner_stride[0], o + bo + it.offs[1], it.inner_stride[1], it.inner);
          it.next();
        }
      }
    });
  });
  return err;
}

IndexError index_add(int nd, const i64* out_shape, int axis, const View& index, const View& src, void* out, DType out_dt) {
  Vec<int32_t> idx;
  IndexError err = read_index(index, out_shape[axis], axis, idx);
  if (err.bad || src.numel() == 0) return err;
  i64 ostr[kMaxDims], sub[kMaxDims];
  contiguous_strides(nd, out_shape, ostr);
  for (int d = 0; d < nd; d++) sub[d] = d == axis ? 1 : src.shape[d];
  const i64 sa = src.strides[axis], oa = ostr[axis];
  dispatch(src.dtype, [&](auto itag) {
    using S = decltype(itag);
    dispatch(out_dt, [&](auto otag) {
      using D = decltype(otag);
      const S* sd = static_cast<const S*>(src.data);
      D* o = static_cast<D*>(out);
      const i64* st[2] = {src.strides, ostr};
      const i64 offs[2] = {0, 0};
      const RowIter<2> proto(nd, sub, st, offs);
      for (size_t j = 0; j < idx.size(); j++) {
        RowIter<2> it = proto;
        const i64 bs = src.offset + static_cast<i64>(j) * sa, bo = idx[j] * oa;
        for (i64 r = 0; r < it.rows; r++) {
          const S* ps = sd + bs + it.offs[0];
          D* po = o + bo + it.offs[1];
          const i64 ss = it.inner_stride[0], so = it.inner_stride[1];
          for (i64 t = 0; t < it.inner; t++) po[t * so] = add_to(po[t * so], static_cast<double>(ps[t * ss]));
          it.next();
        }
      }
    });
  });
  return err;
}

IndexError gather(const View& x, int axis, const View& index, void* out, DType out_dt) {
  IndexError err;
  if (index.numel() == 0) return err;
  const i64 size = x.shape[axis];
  // Walk index's shape; x is read at the same position with the axis coordinate replaced
  // by the index value, so its stride along the axis is zeroed for the walk.
  i64 xs[kMaxDims] = {}, os[kMaxDims] = {};
  for (int d = 0; d < index.nd; d++) xs[d] = x.strides[d];
  const i64 sa = xs[axis];
  xs[axis] = 0;
  contiguous_strides(index.nd, index.shape, os);
  const i64* st[3] = {index.strides, xs, os};
  const i64 offs[3] = {index.offset, x.offset, 0};
  RowIter<3> it(index.nd, index.shape, st, offs);
  const int32_t* id = static_cast<const int32_t*>(index.data);
  dispatch(x.dtype, [&](auto itag) {
    using S = decltype(itag);
    dispatch(out_dt, [&](auto otag) {
      using D = decltype(otag);
      const S* xd = static_cast<const S*>(x.data);
      D* o = static_cast<D*>(out);
      for (i64 r = 0; r < it.rows && !err.bad; r++) {
        for (i64 t = 0; t < it.inner; t++) {
          const int32_t i = id[it.offs[0] + t * it.inner_stride[0]];
          if (i < 0 || i >= size) { err = IndexError{true, i, axis, size}; break; }
          o[it.offs[2] + t * it.inner_stride[2]] = Cast<D>::from(xd[it.offs[1] + t * it.inner_stride[1] + i * sa]);
        }
        it.next();
      }
    });
  });
  return err;
}

IndexError scatter_add(int nd, const i64* out_shape, int axis, const View& index, const View& src, void* out, DType out_dt) {
  IndexError err;
  if (index.numel() == 0) return err;
  const i64 size = out_shape[axis];
  i64 os[kMaxDims];
  contiguous_strides(nd, out_shape, os);
  const i64 oa = os[axis];
  os[axis] = 0;
  // Walk index's shape (src may be larger: only the part index covers is read).
  const i64* st[3] = {index.strides, src.strides, os};
  const i64 offs[3] = {index.offset, src.offset, 0};
  RowIter<3> it(index.nd, index.shape, st, offs);
  const int32_t* id = static_cast<const int32_t*>(index.data);
  dispatch(src.dtype, [&](auto itag) {
    using S = decltype(itag);
    dispatch(out_dt, [&](auto otag) {
      using D = decltype(otag);
      const S* sd = static_cast<const S*>(src.data);
      D* o = static_cast<D*>(out);
      for (i64 r = 0; r < it.rows && !err.bad; r++) {
        for (i64 t = 0; t < it.inner; t++) {
          const int32_t i = id[it.offs[0] + t * it.inner_stride[0]];
          if (i < 0 || i >= size) { err = IndexError{true, i, axis, size}; break; }
          D& slot = o[it.offs[2] + t * it.inner_stride[2] + i * oa];
          slot = add_to(slot, static_cast<double>(sd[it.offs[1] + t * it.inner_stride[1]]));
        }
        it.next();
      }
    });
  });
  return err;
}

}  // namespace gl
