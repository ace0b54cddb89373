// The fused normalisation kernels (softmax, logSoftmax, layerNorm) in plain TypeScript: the
// reference the native ones are checked against. Inputs are first made contiguous in the
// output dtype; each row is then computed in double precision and rounded once on store.
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate, dtypeOfArray } from "../../tensor/dtype.js";
import { numel } from "../../tensor/shape.js";
import type { View } from "../kernels.js";
import type { LayerNormGrads, LayerNormResult, NormKernels } from "../norm_kernels.js";
import { copy } from "./elementwise.js";

/** A view's elements as a contiguous array of `dtype` and the offset of its first element (no copy when it already is one). */
export function denseOf(x: View, dtype: DType): { data: TypedArray; off: number } {
  let acc = 1, dense = dtypeOfArray(x.data) === dtype;
  for (let d = x.shape.length - 1; d >= 0 && dense; d--) {
    if (x.shape[d] !== 1 && x.strides[d] !== acc) dense = false;
    acc *= x.shape[d];
  }
  return dense ? { data: x.data, off: x.offset } : { data: copy(x, dtype), off: 0 };
}

/** x's shape around `axis` as [outer, n, inner]. */
export function splitAt(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1, inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}

function softmax(x: View, axis: number, log: boolean, outDtype: DType): TypedArray {
  const out = allocate(outDtype, numel(x.shape));
  const { data: xd, off } = denseOf(x, outDtype);
  const [outer, n, inner] = splitAt(x.shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = xd[off + base + j * inner];
        if (v > m || v !== v) m = v;
        if (m !== m) break;
      }
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(xd[off + base + j * inner] - m);
      if (log) {
        const ls = Math.log(s);
        for (let j = 0; j < n; j++) out[base + j * inner] = xd[off + base + j * inner] - m - ls;
      } else {
        for (let j = 0; j < n; j++) out[base + j * inner] = Math.exp(xd[off + base + j * inner] - m) / s;
      }
    }
  }
  return out;
}

function softmaxBackward(y: View, g: View, axis: number, log: boolean, outDtype: DType): TypedArray {
  const out = allocate(outDtype, numel(y.shape));
  const { data: yd, off: yo } = denseOf(y, outDtype);
  const { data: gd, off: go } = denseOf(g, outDtype);
  const [outer, n, inner] = splitAt(y.shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      for (let j = 0; j < n; j++) {
        const k = base + j * inner;
        s += log ? gd[go + k] : gd[go + k] * yd[yo + k];
      }
      for (let j = 0; j < n; j++) {
        const k = base + j * inner;
        out[k] = log ? gd[go + k] - Math.exp(yd[yo + k]) * s : yd[yo + k] * (gd[go + k] - s);
      }
    }
  }
  return out;
}

function layerNorm(x: View, n: number, weight: View | null, bias: View | null, eps: number, outDtype: DType): LayerNormResult {
  const total = numel(x.shape);
  const rows = n === 0 ? 0 : total / n;
  const y = allocate(outDtype, total), mean = allocate(outDtype, rows), rstd = allocate(outDtype, rows);
  const { data: xd, off } = denseOf(x, outDtype);
  const w = weight ? denseOf(weight, outDtype) : null;
  const b = bias ? denseOf(bias, outDtype) : null;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += xd[off + base + j];
    const mu = s / n;
    let v = 0;
    for (let j = 0; j < n; j++) {
      const d = xd[off + base + j] - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / n + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < n; j++) {
      let t = (xd[off + base + j] - mu) * rs;
      if (w) t *= w.data[w.off + j];
      if (b) t += b.data[b.off + j];
      y[base + j] = t;
    }
  }
  return { y, mean, rstd };
}

function layerNormBackward(g: View, x: View, mean: View, rstd: View, weight: View | null, n: number,
  needWeight: boolean, needBias: boolean, outDtype: DType): LayerNormGrads {
  const total = numel(x.shape);
  const rows = n === 0 ? 0 : total / n;
  const dx = allocate(outDtype, total);
  const dw = needWeight ? new Float64Array(n) : null;
  const db = needBias ? new Float64Array(n) : null;
  const { data: gd, off: go } = denseOf(g, outDtype);
  const { data: xd, off: xo } = denseOf(x, outDtype);
  const { data: md, off: mo } = denseOf(mean, outDtype);
  const { data: rd, off: ro } = denseOf(rstd, outDtype);
  const w = weight ? denseOf(weight, outDtype) : null;
  for (let r = 0; r < rows; r++) {
    const base = r * n, mu = md[mo + r], rs = rd[ro + r];
    let a = 0, c = 0;
    for (let j = 0; j < n; j++) {
      const xh = (xd[xo + base + j] - mu) * rs;
      const gj = gd[go + base + j];
      const gw = w ? gj * w.data[w.off + j] : gj;
      a += gw;
      c += gw * xh;
      if (dw) dw[j] += gj * xh;
      if (db) db[j] += gj;
    }
    a /= n;
    c /= n;
    for (let j = 0; j < n; j++) {
      const xh = (xd[xo + base + j] - mu) * rs;
      const gj = gd[go + base + j];
      const gw = w ? gj * w.data[w.off + j] : gj;
      dx[base + j] = rs * (gw - a - xh * c);
    }
  }
  const round = (t: Float64Array | null): TypedArray | null => {
    if (!t) return null;
    const o = allocate(outDtype, n);
    o.set(t);
    return o;
  };
  return { dx, dweight: round(dw), dbias: round(db) };
}

/** The js backend's NormKernels. */
export const normKernels: NormKernels = { softmax, softmaxBackward, layerNorm, layerNormBackward };
