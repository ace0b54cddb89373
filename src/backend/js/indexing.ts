import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { contiguousStrides, numel } from "../../tensor/shape.js";
import type { View } from "../kernels.js";
import { RowIter } from "./layout.js";

function readIndex(index: View): Int32Array {
  const n = numel(index.shape);
  const out = new Int32Array(n);
  const it = new RowIter(index.shape, [index.strides], [index.offset]);
  const s = it.innerStrides[0];
  for (let r = 0, o = 0; r < it.rows; r++) {
    for (let j = 0, i = it.offs[0]; j < it.inner; j++, i += s) out[o++] = index.data[i];
    it.next();
  }
  return out;
}

export function indexSelect(x: View, axis: number, index: View, outDtype: DType): TypedArray {
  const idx = readIndex(index);
  const outShape = x.shape.slice();
  outShape[axis] = idx.length;
  const out = allocate(outDtype, numel(outShape));
  const oStrides = contiguousStrides(outShape);
  // Iterate output positions with the axis fixed, one slice per selected index.
  const sub = outShape.slice(); sub[axis] = 1;
  for (let j = 0; j < idx.length; j++) {
    const it = new RowIter(sub, [x.strides, oStrides], [x.offset + idx[j] * x.strides[axis], j * oStrides[axis]]);
    const [sx, so] = it.innerStrides;
    for (let r = 0; r < it.rows; r++) {
      for (let t = 0, ix = it.offs[0], io = it.offs[1]; t < it.inner; t++, ix += sx, io += so) out[io] = x.data[ix];
      it.next();
    }
  }
  return out;
}

export function indexAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray {
  const idx = readIndex(index);
  const out = allocate(outDtype, numel(outShape));
  const oStrides = contiguousStrides(outShape);
  const sub = src.shape.slice(); sub[axis] = 1;
  for (let j = 0; j < idx.length; j++) {
    const it = new RowIter(sub, [src.strides, oStrides], [src.offset + j * src.strides[axis], idx[j] * oStrides[axis]]);
    const [ss, so] = it.innerStrides;
    for (let r = 0; r < it.rows; r++) {
      for (let t = 0, is = it.offs[0], io = it.offs[1]; t < it.inner; t++, is += ss, io += so) out[io] += src.data[is];
      it.next();
    }
  }
  return out;
}

/** Walks every element of `index` with its multi-index, calling back with (flat index position, source offset along other dims). */
function forEachIndexed(index: View, axis: number, strides: readonly number[], cb: (pos: number, otherOff: number, i: number) => void): void {
  const shape = index.shape;
  const nd = shape.length;
  const n = numel(shape);
  const ctr = new Array<number>(nd).fill(0);
  const iStr = index.strides;
  for (let pos = 0; pos < n; pos++) {
    let io = index.offset, off = 0;
    for (let d = 0; d < nd; d++) {
      io += ctr[d] * iStr[d];
      if (d !== axis) off += ctr[d] * strides[d];
    }
    cb(pos, off, index.data[io]);
    for (let d = nd - 1; d >= 0; d--) {
      if (++ctr[d] < shape[d]) break;
      ctr[d] = 0;
    }
  }
}

export function gather(x: View, axis: number, index: View, outDtype: DType): TypedArray {
  const out = allocate(outDtype, numel(index.shape));
  const size = x.shape[axis];
  forEachIndexed(index, axis, x.strides, (pos, off, i) => {
    if (i < 0 || i >= size) throw new RangeError(`gather: index ${i} is out of bounds for dim ${axis} with size ${size}`);
    out[pos] = x.data[x.offset + off + i * x.strides[axis]];
  });
  return out;
}

export function scatterAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray {
  const out = allocate(outDtype, numel(outShape));
  const oStrides = contiguousStrides(outShape);
  const size = outShape[axis];
  const srcStrides = src.strides;
  const nd = index.shape.length;
  const ctr = new Array<number>(nd).fill(0);
  const n = numel(index.shape);
  for (let pos = 0; pos < n; pos++) {
    let io = index.offset, so = src.offset, oo = 0;
    for (let d = 0; d < nd; d++) {
      io += ctr[d] * index.strides[d];
      so += ctr[d] * srcStrides[d];
      if (d !== axis) oo += ctr[d] * oStrides[d];
    }
    const i = index.data[io];
    if (i < 0 || i >= size) throw new RangeError(`scatterAdd: index ${i} is out of bounds for dim ${axis} with size ${size}`);
    out[oo + i * oStrides[axis]] += src.data[so];
    for (let d = nd - 1; d >= 0; d--) {
      if (++ctr[d] < index.shape[d]) break;
      ctr[d] = 0;
    }
  }
  return out;
}
