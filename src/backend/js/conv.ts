import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate, dtypeOfArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { isContiguous, numel } from "../../tensor/shape.js";
import type { AvgPool2dParams, Conv2dParams, ConvKernels, MaxPool2dParams, Pair } from "../conv_kernels.js";
import { adaptiveEnd, adaptiveStart, convOutSize, poolOutSize } from "../conv_kernels.js";
import type { View } from "../kernels.js";
import { copy } from "./elementwise.js";
import { matmul } from "./matmul.js";

// Convolution as im2col + GEMM. For a chunk of samples, the receptive fields are unrolled
// into a reused column buffer laid out [n][c][kh][kw][oh * OW + ow], so that per sample
// and group the convolution is one matrix product W_g [Og, CKg] x col [CKg, L] whose result
// is already in NCHW order. The input gradient is W^T x grad followed by col2im (a scatter-
// add back into the image); the weight gradient is grad x col^T summed over the samples.
// Pooling kernels walk each plane directly, with PyTorch 1.13's window and divisor rules.

// The column buffer holds at most this many elements (16 MiB in float32), so a large batch
// is processed in chunks of samples rather than unrolled all at once.
let colCap = 1 << 22;

/**
 * Sets how many elements the reused im2col buffer may hold (a sample that needs more still
 * gets its own full unroll) and returns the previous cap; the chunking does not change results.
 * @example const prev = setConvColumnCap(1 << 20); // tighter memory; setConvColumnCap(prev) restores
 */
export function setConvColumnCap(elements: number): number {
  if (!Number.isInteger(elements) || elements < 1) throw new RangeError(`setConvColumnCap: expected a positive integer, got ${elements}`);
  const prev = colCap;
  colCap = elements;
  return prev;
}
let col32: Float32Array | null = null;
let col64: Float64Array | null = null;

/** The reused column buffer of `dtype` with room for n elements (grown, never shrunk). */
function colBuffer(dtype: DType, n: number): Float32Array | Float64Array {
  if (dtype === "float32") {
    if (!col32 || col32.length < n) col32 = new Float32Array(n);
    return col32;
  }
  if (!col64 || col64.length < n) col64 = new Float64Array(n);
  return col64;
}

/** A view's values in row-major order: its own buffer (from `o`) when dense, else a copy. */
function dense(v: View): { d: TypedArray; o: number } {
  if (isContiguous(v.shape, v.strides)) return { d: v.data, o: v.offset };
  return { d: copy(v, dtypeOfArray(v.data)), o: 0 };
}

/** How many samples fit in the column buffer at once (at least one). */
function chunkOf(n: number, perSample: number): number {
  return Math.max(1, Math.min(n, Math.floor(colCap / Math.max(1, perSample))));
}

/** First and one-past-last output column whose input column ow * s + off lies in [0, size). */
function validRange(off: number, s: number, size: number, outSize: number): [number, number] {
  const lo = Math.max(0, Math.ceil(-off / s));
  const hi = Math.min(outSize, Math.floor((size - 1 - off) / s) + 1);
  return [Math.min(lo, outSize), Math.max(hi, Math.min(lo, outSize))];
}

/**
 * Unrolls `nc` samples of x (dense, from xo) into col: row (c, kh, kw) of sample j holds
 * x[c, oh*sh - ph + kh*dh, ow*sw - pw + kw*dw] (0 outside the image) over (oh, ow).
 */
function im2col(
  x: TypedArray, xo: number, nc: number, C: number, H: number, W: number, KH: number, KW: number,
  p: Conv2dParams, OH: number, OW: number, col: TypedArray,
): void {
  const [sh, sw] = p.stride, [ph, pw] = p.padding, [dh, dw] = p.dilation;
  const L = OH * OW, CK = C * KH * KW, HW = H * W;
  for (let j = 0; j < nc; j++) {
    const sampleIn = xo + j * C * HW;
    const sampleCol = j * CK * L;
    for (let c = 0; c < C; c++) {
      const plane = sampleIn + c * HW;
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          const wOff = kw * dw - pw;
          const [lo, hi] = validRange(wOff, sw, W, OW);
          let dst = sampleCol + ((c * KH + kh) * KW + kw) * L;
          for (let oh = 0; oh < OH; oh++, dst += OW) {
            const ih = oh * sh - ph + kh * dh;
            if (ih < 0 || ih >= H) {
              col.fill(0, dst, dst + OW);
              continue;
            }
            const src = plane + ih * W + wOff;
            for (let ow = 0; ow < lo; ow++) col[dst + ow] = 0;
            if (sw === 1) for (let ow = lo; ow < hi; ow++) col[dst + ow] = x[src + ow];
            else for (let ow = lo; ow < hi; ow++) col[dst + ow] = x[src + ow * sw];
            for (let ow = hi; ow < OW; ow++) col[dst + ow] = 0;
          }
        }
      }
    }
  }
}

/** The inverse walk of im2col: adds each column entry back onto its image position in dx (from dxo). */
function col2im(
  col: TypedArray, nc: number, C: number, H: number, W: number, KH: number, KW: number,
  p: Conv2dParams, OH: number, OW: number, dx: TypedArray, dxo: number,
): void {
  const [sh, sw] = p.stride, [ph, pw] = p.padding, [dh, dw] = p.dilation;
  const L = OH * OW, CK = C * KH * KW, HW = H * W;
  for (let j = 0; j < nc; j++) {
    const sampleOut = dxo + j * C * HW;
    const sampleCol = j * CK * L;
    for (let c = 0; c < C; c++) {
      const plane = sampleOut + c * HW;
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          const wOff = kw * dw - pw;
          const [lo, hi] = validRange(wOff, sw, W, OW);
          let src = sampleCol + ((c * KH + kh) * KW + kw) * L;
          for (let oh = 0; oh < OH; oh++, src += OW) {
            const ih = oh * sh - ph + kh * dh;
            if (ih < 0 || ih >= H) continue;
            const dst = plane + ih * W + wOff;
            if (sw === 1) for (let ow = lo; ow < hi; ow++) dx[dst + ow] += col[src + ow];
            else for (let ow = lo; ow < hi; ow++) dx[dst + ow * sw] += col[src + ow];
          }
        }
      }
    }
  }
}

/** A strided View over a plain array (what matmul reads). */
function view(data: TypedArray, shape: number[], strides: number[], offset: number): View {
  return { data, shape, strides, offset };
}

/** conv2d: im2col per chunk of samples, then one GEMM per (sample, group) written straight into NCHW order. */
export function conv2d(x: View, w: View, bias: View | null, p: Conv2dParams, outDtype: DType): TypedArray {
  const [N, C, H, W] = x.shape;
  const [O, Cg, KH, KW] = w.shape;
  const G = p.groups, Og = O / G, CKg = Cg * KH * KW;
  const OH = convOutSize(H, KH, p.stride[0], p.padding[0], p.dilation[0]);
  const OW = convOutSize(W, KW, p.stride[1], p.padding[1], p.dilation[1]);
  const L = OH * OW, CK = C * KH * KW;
  const out = allocate(outDtype, N * O * L);
  if (out.length === 0) return out;
  const xs = dense(x), ws = dense(w);
  const step = chunkOf(N, CK * L);
  // W_g broadcast over the samples of a chunk (batch stride 0), one product per (sample, group).
  const wv = view(ws.d, [1, G, Og, CKg], [0, Og * CKg, CKg, 1], ws.o);
  for (let n0 = 0; n0 < N; n0 += step) {
    const nc = Math.min(step, N - n0);
    const col = colBuffer(outDtype, nc * CK * L);
    im2col(xs.d, xs.o + n0 * C * H * W, nc, C, H, W, KH, KW, p, OH, OW, col);
    const y = matmul(
      { ...wv, shape: [nc, G, Og, CKg] },
      view(col, [nc, G, CKg, L], [CK * L, CKg * L, L, 1], 0),
      { batch: [nc, G], m: Og, n: L, k: CKg }, outDtype,
    );
    out.set(y as never, n0 * O * L);
  }
  if (bias) {
    const b = dense(bias);
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        const bv = b.d[b.o + o], base = (n * O + o) * L;
        for (let l = 0; l < L; l++) out[base + l] += bv;
      }
    }
  }
  return out;
}

/** The input gradient: W_g^T x grad per (sample, group) into columns, then col2im adds them back onto the image. */
export function conv2dInputGrad(g: View, w: View, inputShape: Shape, p: Conv2dParams, outDtype: DType): TypedArray {
  const [N, C, H, W] = inputShape;
  const [O, Cg, KH, KW] = w.shape;
  const OH = g.shape[2], OW = g.shape[3];
  const G = p.groups, Og = O / G, CKg = Cg * KH * KW;
  const L = OH * OW, CK = C * KH * KW;
  const dx = allocate(outDtype, numel(inputShape));
  if (dx.length === 0 || L === 0 || O === 0) return dx;
  const gs = dense(g), ws = dense(w);
  const step = chunkOf(N, CK * L);
  // W_g^T [CKg, Og]: the weight read with swapped strides.
  const wt = view(ws.d, [1, G, CKg, Og], [0, Og * CKg, 1, CKg], ws.o);
  for (let n0 = 0; n0 < N; n0 += step) {
    const nc = Math.min(step, N - n0);
    const dcol = matmul(
      { ...wt, shape: [nc, G, CKg, Og] },
      view(gs.d, [nc, G, Og, L], [O * L, Og * L, L, 1], gs.o + n0 * O * L),
      { batch: [nc, G], m: CKg, n: L, k: Og }, outDtype,
    );
    col2im(dcol, nc, C, H, W, KH, KW, p, OH, OW, dx, n0 * C * H * W);
  }
  return dx;
}

/** The weight gradient: grad_g x col_g^T per (sample, group), summed over samples in float64. */
export function conv2dWeightGrad(x: View, g: View, weightShape: Shape, p: Conv2dParams, outDtype: DType): TypedArray {
  const [N, C, H, W] = x.shape;
  const [O, Cg, KH, KW] = weightShape;
  const OH = g.shape[2], OW = g.shape[3];
  const G = p.groups, Og = O / G, CKg = Cg * KH * KW;
  const L = OH * OW, CK = C * KH * KW;
  const nw = O * CKg;
  const acc = new Float64Array(nw);
  if (nw > 0 && L > 0 && N > 0) {
    const xs = dense(x), gs = dense(g);
    const step = chunkOf(N, CK * L);
    for (let n0 = 0; n0 < N; n0 += step) {
      const nc = Math.min(step, N - n0);
      const col = colBuffer(outDtype, nc * CK * L);
      im2col(xs.d, xs.o + n0 * C * H * W, nc, C, H, W, KH, KW, p, OH, OW, col);
      // Per (sample, group): grad_g [Og, L] x col_g^T [L, CKg], kept in float64 until summed.
      const part = matmul(
        view(gs.d, [nc, G, Og, L], [O * L, Og * L, L, 1], gs.o + n0 * O * L),
        view(col, [nc, G, L, CKg], [CK * L, CKg * L, 1, L], 0),
        { batch: [nc, G], m: Og, n: CKg, k: L }, "float64",
      );
      for (let j = 0; j < nc; j++) {
        const base = j * nw;
        for (let i = 0; i < nw; i++) acc[i] += part[base + i];
      }
    }
  }
  if (outDtype === "float64") return acc;
  const out = allocate(outDtype, nw);
  out.set(acc as never);
  return out;
}

// ---- pooling ------------------------------------------------------------------------

/**
 * PyTorch's max-pool window along one dim, per output index: the first in-image position
 * (stepping over the padding by the dilation) and the end of the dilated span, as pairs.
 */
function maxWindows(size: number, outSize: number, k: number, s: number, pad: number, d: number): Int32Array {
  const b = new Int32Array(2 * outSize);
  for (let i = 0; i < outSize; i++) {
    let start = i * s - pad;
    const end = Math.min(start + (k - 1) * d + 1, size);
    while (start < 0) start += d;
    b[2 * i] = start;
    b[2 * i + 1] = end;
  }
  return b;
}

/** Max pooling with PyTorch's window walk (values and flat in-plane argmax indices). */
export function maxPool2d(x: View, p: MaxPool2dParams, outDtype: DType): { values: TypedArray; indices: Int32Array } {
  const [N, C, H, W] = x.shape;
  const [kh, kw] = p.kernel, [sh, sw] = p.stride, [ph, pw] = p.padding, [dh, dw] = p.dilation;
  const OH = poolOutSize(H, kh, sh, ph, dh, p.ceilMode);
  const OW = poolOutSize(W, kw, sw, pw, dw, p.ceilMode);
  const planes = N * C, HW = H * W, L = OH * OW;
  const values = allocate(outDtype, planes * L);
  const indices = new Int32Array(planes * L);
  if (values.length === 0) return { values, indices };
  const hb = maxWindows(H, OH, kh, sh, ph, dh), wb = maxWindows(W, OW, kw, sw, pw, dw);
  const xs = dense(x);
  const xd = xs.d;
  let o = 0;
  for (let pl = 0; pl < planes; pl++) {
    const base = xs.o + pl * HW;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = hb[2 * oh], h1 = hb[2 * oh + 1];
      for (let ow = 0; ow < OW; ow++, o++) {
        const w0 = wb[2 * ow], w1 = wb[2 * ow + 1];
        // PyTorch's loop: starts at -inf with the window's first position; NaN always replaces.
        let best = -Infinity, at = h0 * W + w0;
        for (let row = h0 * W; row < h1 * W; row += dh * W) {
          for (let iw = w0; iw < w1; iw += dw) {
            const v = xd[base + row + iw];
            if (v > best || v !== v) { best = v; at = row + iw; }
          }
        }
        values[o] = best;
        indices[o] = at;
      }
    }
  }
  return { values, indices };
}

/** Scatter-adds each output gradient onto its argmax position. */
export function maxPool2dBackward(g: View, indices: View, inputShape: Shape, outDtype: DType): TypedArray {
  const [N, C, H, W] = inputShape;
  const planes = N * C, HW = H * W, L = g.shape[2] * g.shape[3];
  const dx = allocate(outDtype, planes * HW);
  const gs = dense(g), is = dense(indices);
  for (let pl = 0; pl < planes; pl++) {
    const base = pl * HW, o0 = pl * L;
    for (let l = 0; l < L; l++) {
      const at = is.d[is.o + o0 + l];
      if (!(at >= 0 && at < HW)) throw new RangeError(`maxPool2dBackward: index ${at} is out of range for an input plane of ${H}x${W}`);
      dx[base + at] += gs.d[gs.o + o0 + l];
    }
  }
  return dx;
}

/**
 * The windows of average pooling over one plane, computed once per call: per output
 * (h0, h1, w0, w1, divisor), clipped to the image, with PyTorch's avg_pool2d divisor rules
 * (the unclipped size counts padding but not the overhang of ceil mode). An empty window
 * gets divisor 0 and output 0.
 */
function avgTable(H: number, W: number, OH: number, OW: number, p: AvgPool2dParams): Float64Array {
  const [kh, kw] = p.kernel, [sh, sw] = p.stride, [ph, pw] = p.padding;
  const t = new Float64Array(OH * OW * 5);
  let q = 0;
  for (let oh = 0; oh < OH; oh++) {
    const hs = oh * sh - ph, he = Math.min(hs + kh, H + ph);
    const h0 = Math.max(hs, 0), h1 = Math.min(he, H);
    for (let ow = 0; ow < OW; ow++, q += 5) {
      const ws = ow * sw - pw, we = Math.min(ws + kw, W + pw);
      const w0 = Math.max(ws, 0), w1 = Math.min(we, W);
      if (h0 >= h1 || w0 >= w1) continue;
      t[q] = h0; t[q + 1] = h1; t[q + 2] = w0; t[q + 3] = w1;
      t[q + 4] = p.divisorOverride !== null ? p.divisorOverride : p.countIncludePad ? (he - hs) * (we - ws) : (h1 - h0) * (w1 - w0);
    }
  }
  return t;
}

function avgOutShape(H: number, W: number, p: AvgPool2dParams): [number, number] {
  return [
    poolOutSize(H, p.kernel[0], p.stride[0], p.padding[0], 1, p.ceilMode),
    poolOutSize(W, p.kernel[1], p.stride[1], p.padding[1], 1, p.ceilMode),
  ];
}

/** Average pooling over precomputed windows and divisors. */
export function avgPool2d(x: View, p: AvgPool2dParams, outDtype: DType): TypedArray {
  const [N, C, H, W] = x.shape;
  const [OH, OW] = avgOutShape(H, W, p);
  const planes = N * C, HW = H * W, L = OH * OW;
  const out = allocate(outDtype, planes * L);
  if (out.length === 0) return out;
  const t = avgTable(H, W, OH, OW, p);
  const xs = dense(x);
  const xd = xs.d;
  for (let pl = 0; pl < planes; pl++) {
    const base = xs.o + pl * HW;
    for (let o = 0; o < L; o++) {
      const h0 = t[o * 5], h1 = t[o * 5 + 1], w0 = t[o * 5 + 2], w1 = t[o * 5 + 3], div = t[o * 5 + 4];
      if (div === 0) continue;
      let s = 0;
      for (let ih = h0; ih < h1; ih++) {
        const row = base + ih * W;
        for (let iw = w0; iw < w1; iw++) s += xd[row + iw];
      }
      out[pl * L + o] = s / div;
    }
  }
  return out;
}

/** Spreads each output gradient over its window, divided as in the forward. */
export function avgPool2dBackward(g: View, inputShape: Shape, p: AvgPool2dParams, outDtype: DType): TypedArray {
  const [N, C, H, W] = inputShape;
  const OH = g.shape[2], OW = g.shape[3];
  const planes = N * C, HW = H * W, L = OH * OW;
  const dx = allocate(outDtype, planes * HW);
  if (dx.length === 0 || L === 0) return dx;
  const t = avgTable(H, W, OH, OW, p);
  const gs = dense(g);
  for (let pl = 0; pl < planes; pl++) {
    const base = pl * HW;
    for (let o = 0; o < L; o++) {
      const h0 = t[o * 5], h1 = t[o * 5 + 1], w0 = t[o * 5 + 2], w1 = t[o * 5 + 3], div = t[o * 5 + 4];
      if (div === 0) continue;
      const v = gs.d[gs.o + pl * L + o] / div;
      for (let ih = h0; ih < h1; ih++) {
        const row = base + ih * W;
        for (let iw = w0; iw < w1; iw++) dx[row + iw] += v;
      }
    }
  }
  return dx;
}

/** Adaptive windows along one dim: [start, end) per output index. */
function adaptiveBounds(inSize: number, outSize: number): Int32Array {
  const b = new Int32Array(2 * outSize);
  for (let i = 0; i < outSize; i++) {
    b[2 * i] = adaptiveStart(i, inSize, outSize);
    b[2 * i + 1] = adaptiveEnd(i, inSize, outSize);
  }
  return b;
}

/** Adaptive average pooling over the floor/ceil windows. */
export function adaptiveAvgPool2d(x: View, outSize: Pair, outDtype: DType): TypedArray {
  const [N, C, H, W] = x.shape;
  const [OH, OW] = outSize;
  const planes = N * C, HW = H * W, L = OH * OW;
  const out = allocate(outDtype, planes * L);
  if (out.length === 0) return out;
  const hb = adaptiveBounds(H, OH), wb = adaptiveBounds(W, OW);
  const xs = dense(x);
  const xd = xs.d;
  for (let pl = 0; pl < planes; pl++) {
    const base = xs.o + pl * HW;
    let o = pl * L;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = hb[2 * oh], h1 = hb[2 * oh + 1];
      for (let ow = 0; ow < OW; ow++, o++) {
        const w0 = wb[2 * ow], w1 = wb[2 * ow + 1];
        let s = 0;
        for (let ih = h0; ih < h1; ih++) {
          const row = base + ih * W;
          for (let iw = w0; iw < w1; iw++) s += xd[row + iw];
        }
        out[o] = s / ((h1 - h0) * (w1 - w0));
      }
    }
  }
  return out;
}

/** Spreads each output gradient evenly over its adaptive window. */
export function adaptiveAvgPool2dBackward(g: View, inputShape: Shape, outDtype: DType): TypedArray {
  const [N, C, H, W] = inputShape;
  const OH = g.shape[2], OW = g.shape[3];
  const planes = N * C, HW = H * W, L = OH * OW;
  const dx = allocate(outDtype, planes * HW);
  if (dx.length === 0 || L === 0) return dx;
  const hb = adaptiveBounds(H, OH), wb = adaptiveBounds(W, OW);
  const gs = dense(g);
  for (let pl = 0; pl < planes; pl++) {
    const base = pl * HW;
    let o = gs.o + pl * L;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = hb[2 * oh], h1 = hb[2 * oh + 1];
      for (let ow = 0; ow < OW; ow++, o++) {
        const w0 = wb[2 * ow], w1 = wb[2 * ow + 1];
        const v = gs.d[o] / ((h1 - h0) * (w1 - w0));
        for (let ih = h0; ih < h1; ih++) {
          const row = base + ih * W;
          for (let iw = w0; iw < w1; iw++) dx[row + iw] += v;
        }
      }
    }
  }
  return dx;
}

/** The js backend's convolution and pooling kernels. */
export const convKernels: ConvKernels = {
  conv2d, conv2dInputGrad, conv2dWeightGrad, maxPool2d, maxPool2dBackward,
  avgPool2d, avgPool2dBackward, adaptiveAvgPool2d, adaptiveAvgPool2dBackward,
};
