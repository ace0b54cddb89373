import type { View } from "../kernels.js";
import { RowIter } from "./layout.js";

// Fused in-place kernels: one pass over the destination instead of an out-of-place result
// plus an assign. One loop per dtype keeps each loop monomorphic.

function axpyF32(it: RowIter, d: Float32Array, s: Float32Array, a: number): void {
  const [sd, ss] = it.innerStrides;
  for (let r = 0; r < it.rows; r++) {
    let id = it.offs[0], is = it.offs[1];
    // The sum of two float32s is exact in float64, so one rounding on store gives float32's sum.
    if (a === 1) for (let j = 0; j < it.inner; j++, id += sd, is += ss) d[id] += s[is];
    else for (let j = 0; j < it.inner; j++, id += sd, is += ss) d[id] += Math.fround(a * s[is]);
    it.next();
  }
}

function axpyF64(it: RowIter, d: Float64Array, s: Float64Array, a: number): void {
  const [sd, ss] = it.innerStrides;
  for (let r = 0; r < it.rows; r++) {
    let id = it.offs[0], is = it.offs[1];
    for (let j = 0; j < it.inner; j++, id += sd, is += ss) d[id] += a * s[is];
    it.next();
  }
}

function axpyI32(it: RowIter, d: Int32Array, s: Int32Array, a: number): void {
  const [sd, ss] = it.innerStrides;
  for (let r = 0; r < it.rows; r++) {
    let id = it.offs[0], is = it.offs[1];
    for (let j = 0; j < it.inner; j++, id += sd, is += ss) d[id] = (d[id] + Math.imul(a, s[is])) | 0;
    it.next();
  }
}

/**
 * dst += alpha * src in place (see Backend.axpy): src has dst's shape (stride 0 where it
 * broadcasts) and dtype; alpha is rounded to the dtype and the product before the sum.
 * @example axpy(grad, g, 1) // grad += g, no temporary
 */
export function axpy(dst: View, src: View, alpha: number): void {
  const d = dst.data, s = src.data;
  if (d.constructor !== s.constructor || d instanceof Uint8Array) {
    throw new TypeError(`axpy: dst and src must share a dtype among float32, float64 and int32, got ${d.constructor.name} and ${s.constructor.name}`);
  }
  const it = new RowIter(dst.shape, [dst.strides, src.strides], [dst.offset, src.offset]);
  if (it.rows === 0) return;
  if (d instanceof Float32Array) axpyF32(it, d, s as Float32Array, Math.fround(alpha));
  else if (d instanceof Float64Array) axpyF64(it, d, s as Float64Array, alpha);
  else axpyI32(it, d as Int32Array, s as Int32Array, alpha | 0);
}
