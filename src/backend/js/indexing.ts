import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { contiguousStrides, numel } from "../../tensor/shape.js";
import type { View } from "../kernels.js";
import { RowIter } from "./layout.js";

// Indexing kernels. Index values are checked here, where they are read anyway, so a bad
// index is an error rather than a silent read past the end of the storage.

function outOfBounds(op: string, i: number, axis: number, size: number): RangeError {
  return new RangeError(`${op}: index ${i} is out of bounds for dim ${axis} with size ${size}`);
}

/** The values of an int32 index view, contiguous, each checked against [0, size). */
function readIndex(index: View, size: number, axis: number, op: string): Int32Array {
  const n = numel(index.shape);
  const out = new Int32Array(n);
  const it = new RowIter(index.shape, [index.strides], [index.offset]);
  const s = it.innerStrides[0];
  const d = index.data;
  for (let r = 0, o = 0; r < it.rows; r++) {
    for (let j = 0, i = it.offs[0]; j < it.inner; j++, i += s) {
      const v = d[i];
      if (v < 0 || v >= size) throw outOfBounds(op, v, axis, size);
      out[o++] = v;
    }
    it.next();
  }
  return out;
}

export function indexSelect(x: View, axis: number, index: View, outDtype: DType): TypedArray {
  const idx = readIndex(index, x.shape[axis], axis, "indexSelect");
  const outShape = x.shape.slice();
  outShape[axis] = idx.length;
  const out = allocate(outDtype, numel(outShape));
  if (out.length === 0) return out;
  const oStrides = contiguousStrides(outShape);
  const sub = outShape.slice();
  sub[axis] = 1;
  // One iterator over the slice at a fixed index: a full pass of its rows brings its
  // offsets back to the start, so it is reused for every selected index.
  const it = new RowIter(sub, [x.strides, oStrides], [0, 0]);
  const [sx, so] = it.innerStrides;
  const xd = x.data, sa = x.strides[axis], oa = oStrides[axis];
  if (it.rows === 1) {
    // One row per index (e.g. rows of a matrix, or single elements): no iterator steps.
    const inner = it.inner, ox = x.offset + it.offs[0], oo = it.offs[1];
    for (let j = 0; j < idx.length; j++) {
      for (let t = 0, ix = ox + idx[j] * sa, io = oo + j * oa; t < inner; t++, ix += sx, io += so) out[io] = xd[ix];
    }
    return out;
  }
  for (let j = 0; j < idx.length; j++) {
    const bx = x.offset + idx[j] * sa, bo = j * oa;
    for (let r = 0; r < it.rows; r++) {
      for (let t = 0, ix = bx + it.offs[0], io = bo + it.offs[1]; t < it.inner; t++, ix += sx, io += so) out[io] = xd[ix];
      it.next();
    }
  }
  return out;
}

export function indexAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray {
  const idx = readIndex(index, outShape[axis], axis, "indexAdd");
  const out = allocate(outDtype, numel(outShape));
  if (numel(src.shape) === 0) return out;
  const oStrides = contiguousStrides(outShape);
  const sub = src.shape.slice();
  sub[axis] = 1;
  // Reused across indices, as in indexSelect.
  const it = new RowIter(sub, [src.strides, oStrides], [0, 0]);
  const [ss, so] = it.innerStrides;
  const sd = src.data, sa = src.strides[axis], oa = oStrides[axis];
  if (it.rows === 1) {
    const inner = it.inner, os = src.offset + it.offs[0], oo = it.offs[1];
    for (let j = 0; j < idx.length; j++) {
      for (let t = 0, is = os + j * sa, io = oo + idx[j] * oa; t < inner; t++, is += ss, io += so) out[io] += sd[is];
    }
    return out;
  }
  for (let j = 0; j < idx.length; j++) {
    const bs = src.offset + j * sa, bo = idx[j] * oa;
    for (let r = 0; r < it.rows; r++) {
      for (let t = 0, is = bs + it.offs[0], io = bo + it.offs[1]; t < it.inner; t++, is += ss, io += so) out[io] += sd[is];
      it.next();
    }
  }
  return out;
}

export function gather(x: View, axis: number, index: View, outDtype: DType): TypedArray {
  const n = numel(index.shape);
  const out = allocate(outDtype, n);
  if (n === 0) return out;
  const size = x.shape[axis];
  // Walk index's shape; x is read at the same position with the axis coordinate replaced
  // by the index value, so its stride along the axis is zeroed for the walk.
  const xs = x.strides.slice();
  const sa = xs[axis];
  xs[axis] = 0;
  const it = new RowIter(index.shape, [index.strides, xs, contiguousStrides(index.shape)], [index.offset, x.offset, 0]);
  const [si, sx, so] = it.innerStrides;
  const id = index.data, xd = x.data;
  for (let r = 0; r < it.rows; r++) {
    for (let t = 0, ii = it.offs[0], ix = it.offs[1], io = it.offs[2]; t < it.inner; t++, ii += si, ix += sx, io += so) {
      const i = id[ii];
      if (i < 0 || i >= size) throw outOfBounds("gather", i, axis, size);
      out[io] = xd[ix + i * sa];
    }
    it.next();
  }
  return out;
}

export function scatterAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray {
  const out = allocate(outDtype, numel(outShape));
  if (numel(index.shape) === 0) return out;
  const size = outShape[axis];
  const os = contiguousStrides(outShape);
  const oa = os[axis];
  os[axis] = 0;
  // Walk index's shape (src may be larger: only the part index covers is read).
  const it = new RowIter(index.shape, [index.strides, src.strides, os], [index.offset, src.offset, 0]);
  const [si, ss, so] = it.innerStrides;
  const id = index.data, sd = src.data;
  for (let r = 0; r < it.rows; r++) {
    for (let t = 0, ii = it.offs[0], is = it.offs[1], io = it.offs[2]; t < it.inner; t++, ii += si, is += ss, io += so) {
      const i = id[ii];
      if (i < 0 || i >= size) throw outOfBounds("scatterAdd", i, axis, size);
      out[io + i * oa] += sd[is];
    }
    it.next();
  }
  return out;
}
