import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate } from "../../tensor/dtype.js";
import { contiguousStrides, numel } from "../../tensor/shape.js";
import type { ArgReduceOp, ReduceOp, ScanOp, View } from "../kernels.js";
import { RowIter } from "./layout.js";

/**
 * Reduces over `axes`. Accumulates in float64 (exact for int32 sums up to 2^53 and far
 * more accurate for float32 than a float32 accumulator), then converts to `outDtype`.
 * "sumsq" adds x*x rounded as square rounds it (float32, float64, or int32 wrapping).
 */
export function reduce(op: ReduceOp, x: View, axes: readonly number[], outDtype: DType): TypedArray {
  const shape = x.shape;
  const outShape = shape.map((s, i) => (axes.includes(i) ? 1 : s));
  const nOut = numel(outShape);
  const acc = new Float64Array(nOut);
  const init = op === "sum" || op === "sumsq" ? 0 : op === "prod" ? 1 : op === "max" ? -Infinity : Infinity;
  acc.fill(init);
  if (numel(shape) > 0) {
    const outStrides = contiguousStrides(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
    const it = new RowIter(shape, [x.strides, outStrides], [x.offset, 0]);
    const [sx, so] = it.innerStrides;
    const d = x.data;
    const n = it.inner;
    // How sumsq rounds a square: 0 float64 (exact in the accumulator), 1 float32, 2 int32 wrapping.
    const sq = d instanceof Float64Array ? 0 : d instanceof Float32Array ? 1 : 2;
    for (let r = 0; r < it.rows; r++) {
      let ix = it.offs[0];
      const io = it.offs[1];
      if (so === 0) {
        let a = acc[io];
        switch (op) {
          case "sum": for (let j = 0; j < n; j++, ix += sx) a += d[ix]; break;
          case "prod": for (let j = 0; j < n; j++, ix += sx) a *= d[ix]; break;
          case "sumsq":
            if (sq === 0) for (let j = 0; j < n; j++, ix += sx) { const v = d[ix]; a += v * v; }
            else if (sq === 1) for (let j = 0; j < n; j++, ix += sx) { const v = d[ix]; a += Math.fround(v * v); }
            else for (let j = 0; j < n; j++, ix += sx) { const v = d[ix]; a += Math.imul(v, v); }
            break;
          case "max": for (let j = 0; j < n; j++, ix += sx) { const v = d[ix]; if (v > a || v !== v) a = v; if (a !== a) break; } break;
          case "min": for (let j = 0; j < n; j++, ix += sx) { const v = d[ix]; if (v < a || v !== v) a = v; if (a !== a) break; } break;
        }
        acc[io] = a;
      } else {
        let o = io;
        switch (op) {
          case "sum": for (let j = 0; j < n; j++, ix += sx, o += so) acc[o] += d[ix]; break;
          case "prod": for (let j = 0; j < n; j++, ix += sx, o += so) acc[o] *= d[ix]; break;
          case "sumsq":
            if (sq === 0) for (let j = 0; j < n; j++, ix += sx, o += so) { const v = d[ix]; acc[o] += v * v; }
            else if (sq === 1) for (let j = 0; j < n; j++, ix += sx, o += so) { const v = d[ix]; acc[o] += Math.fround(v * v); }
            else for (let j = 0; j < n; j++, ix += sx, o += so) { const v = d[ix]; acc[o] += Math.imul(v, v); }
            break;
          case "max": for (let j = 0; j < n; j++, ix += sx, o += so) { const v = d[ix]; const a = acc[o]; if (v > a || v !== v) acc[o] = a !== a ? a : v; } break;
          case "min": for (let j = 0; j < n; j++, ix += sx, o += so) { const v = d[ix]; const a = acc[o]; if (v < a || v !== v) acc[o] = a !== a ? a : v; } break;
        }
      }
      it.next();
    }
  }
  if (outDtype === "float64") return acc;
  const out = allocate(outDtype, nOut);
  if (outDtype === "bool") for (let i = 0; i < nOut; i++) out[i] = acc[i] ? 1 : 0;
  else out.set(acc);
  return out;
}

/** Moves `axis` innermost: returns the outer shape/strides and the axis' size/stride. */
function splitAxis(x: View, axis: number) {
  const outerShape = x.shape.filter((_, i) => i !== axis);
  const outerStrides = x.strides.filter((_, i) => i !== axis);
  return { outerShape, outerStrides, len: x.shape[axis], stride: x.strides[axis] };
}

export function argReduce(op: ArgReduceOp, x: View, axis: number): Int32Array {
  const { outerShape, outerStrides, len, stride } = splitAxis(x, axis);
  const nOut = numel(outerShape);
  const out = new Int32Array(nOut);
  const d = x.data;
  const it = new RowIter(outerShape, [outerStrides], [x.offset]);
  const s = it.innerStrides[0];
  const isMax = op === "argmax";
  let o = 0;
  for (let r = 0; r < it.rows; r++) {
    let base = it.offs[0];
    for (let j = 0; j < it.inner; j++, base += s) {
      let best = d[base];
      let bi = 0;
      if (best === best) {
        for (let t = 1, ix = base + stride; t < len; t++, ix += stride) {
          const v = d[ix];
          if (v !== v) { bi = t; break; }
          if (isMax ? v > best : v < best) { best = v; bi = t; }
        }
      }
      out[o++] = bi;
    }
    it.next();
  }
  return out;
}

export function scan(op: ScanOp, x: View, axis: number, outDtype: DType): TypedArray {
  const { outerShape, outerStrides, len, stride } = splitAxis(x, axis);
  const out = allocate(outDtype, numel(x.shape));
  const outStridesFull = contiguousStrides(x.shape);
  const oStride = outStridesFull[axis];
  const oOuter = outStridesFull.filter((_, i) => i !== axis);
  const d = x.data;
  const it = new RowIter(outerShape, [outerStrides, oOuter], [x.offset, 0]);
  const [s, so] = it.innerStrides;
  for (let r = 0; r < it.rows; r++) {
    let base = it.offs[0];
    let obase = it.offs[1];
    for (let j = 0; j < it.inner; j++, base += s, obase += so) {
      let a = op === "cumsum" ? 0 : 1;
      for (let t = 0, ix = base, io = obase; t < len; t++, ix += stride, io += oStride) {
        a = op === "cumsum" ? a + d[ix] : a * d[ix];
        out[io] = a;
      }
    }
    it.next();
  }
  return out;
}
