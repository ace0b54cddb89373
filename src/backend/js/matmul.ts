import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate } from "../../tensor/dtype.js";
import { contiguousStrides, numel } from "../../tensor/shape.js";
import type { MatmulArgs, View } from "../kernels.js";

// Blocking in the style of BLIS/GotoBLAS: a KC x NC block of B and an MC x KC block of A
// are packed into panels of MR rows / NR columns so the micro-kernel walks contiguous
// memory and keeps an MR x NR tile of C in locals (registers) over the whole KC loop.
// Every output element is one float64 sum over k in ascending order (one partial sum per
// KC block), whichever path computes it, so small and large products round alike.
//
// V8 emits scalar code with a bounds check per typed-array load, so what counts is loads
// and instructions per multiply-add. Measured on Zen 4 (Node 20), micro-kernel alone: the
// 4 x 2 tile with the k loop unrolled twice runs ~7.2 GFLOP/s, ahead of 4x3, 3x4, 5x3 (~6.4),
// 4x4 (~6.2; it spills accumulators), 2x4, 3x3 (~5.5) and 4x8, 8x4 (~4.7).
const MR = 4;
const NR = 2;
const KC = 256;
const MC = 64;
const NC = 512;

// One workspace (1.2 MB) holds the packed A block (first MC*KC) and the packed B block after
// it. A module-level constant array lets V8 embed its address and length in the compiled
// kernel (no map check or field loads per access: ~25% faster than passing it as an
// argument), and float64 means no conversions in the inner loop.
const B_BASE = MC * KC;
const work = new Float64Array(B_BASE + KC * NC);
// The accumulators of a partial (edge) tile, staged so no array is allocated per tile.
const edge = new Float64Array(MR * NR);

/** Packs A[i0:i0+mc, p0:p0+kc] into row panels of MR (zero-padded), k-major inside a panel. */
function packA(a: TypedArray, aOff: number, rs: number, cs: number, i0: number, mc: number, p0: number, kc: number): void {
  const w = work;
  let q = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    let src = aOff + p0 * cs + (i0 + ir) * rs;
    if (rows === MR) {
      const r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
      for (let p = 0; p < kc; p++, src += cs, q += MR) {
        w[q] = a[src]; w[q + 1] = a[src + r1]; w[q + 2] = a[src + r2]; w[q + 3] = a[src + r3];
      }
    } else {
      for (let p = 0; p < kc; p++, src += cs) {
        for (let r = 0; r < MR; r++) w[q++] = r < rows ? a[src + r * rs] : 0;
      }
    }
  }
}

/** Packs B[p0:p0+kc, j0:j0+nc] into column panels of NR (zero-padded), k-major inside a panel. */
function packB(b: TypedArray, bOff: number, rs: number, cs: number, p0: number, kc: number, j0: number, nc: number): void {
  const w = work;
  let q = B_BASE;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    let src = bOff + p0 * rs + (j0 + jr) * cs;
    if (cols === NR) {
      // Two k steps per iteration: V8's per-iteration checks on `b` are paid half as often.
      let p = 0;
      for (; p + 2 <= kc; p += 2, src += 2 * rs, q += 2 * NR) {
        const v0 = b[src], v1 = b[src + cs], v2 = b[src + rs], v3 = b[src + rs + cs];
        w[q] = v0; w[q + 1] = v1; w[q + 2] = v2; w[q + 3] = v3;
      }
      if (p < kc) {
        w[q] = b[src]; w[q + 1] = b[src + cs];
        q += NR;
      }
    } else {
      for (let p = 0; p < kc; p++, src += rs) {
        for (let c = 0; c < NR; c++) w[q++] = c < cols ? b[src + c * cs] : 0;
      }
    }
  }
}

/** Writes (first block) or adds a staged edge tile of rows x cols (row stride `es`) into C. */
function flushEdge(c: TypedArray, cOff: number, ldc: number, rows: number, cols: number, es: number, first: boolean): void {
  for (let r = 0; r < rows; r++) {
    const o = cOff + r * ldc;
    for (let q = 0; q < cols; q++) {
      if (first) c[o + q] = edge[r * es + q];
      else c[o + q] += edge[r * es + q];
    }
  }
}

/**
 * C tile (MR x NR at cOff) = (first block) or += Apanel * Bpanel over kc steps; the panels
 * start at ia / ib in the workspace. Partial tiles (rows < MR or cols < NR) go through `edge`.
 */
function micro(ia: number, ib: number, kc: number, c: TypedArray, cOff: number, ldc: number, rows: number, cols: number, first: boolean): void {
  const w = work;
  let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
  const kEven = kc - (kc & 1);
  for (let p = 0; p < kEven; p = (p + 2) | 0) {
    {
      const b0 = w[ib], b1 = w[(ib + 1) | 0];
      const a0 = w[ia], a1 = w[(ia + 1) | 0], a2 = w[(ia + 2) | 0], a3 = w[(ia + 3) | 0];
      c00 += a0 * b0; c01 += a0 * b1; c10 += a1 * b0; c11 += a1 * b1;
      c20 += a2 * b0; c21 += a2 * b1; c30 += a3 * b0; c31 += a3 * b1;
    }
    {
      const b0 = w[(ib + 2) | 0], b1 = w[(ib + 3) | 0];
      const a0 = w[(ia + 4) | 0], a1 = w[(ia + 5) | 0], a2 = w[(ia + 6) | 0], a3 = w[(ia + 7) | 0];
      c00 += a0 * b0; c01 += a0 * b1; c10 += a1 * b0; c11 += a1 * b1;
      c20 += a2 * b0; c21 += a2 * b1; c30 += a3 * b0; c31 += a3 * b1;
    }
    ia = (ia + 2 * MR) | 0;
    ib = (ib + 2 * NR) | 0;
  }
  if (kEven !== kc) {
    const b0 = w[ib], b1 = w[ib + 1];
    const a0 = w[ia], a1 = w[ia + 1], a2 = w[ia + 2], a3 = w[ia + 3];
    c00 += a0 * b0; c01 += a0 * b1; c10 += a1 * b0; c11 += a1 * b1;
    c20 += a2 * b0; c21 += a2 * b1; c30 += a3 * b0; c31 += a3 * b1;
  }
  if (rows === MR && cols === NR) {
    const o0 = cOff, o1 = cOff + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
    if (first) {
      c[o0] = c00; c[o0 + 1] = c01; c[o1] = c10; c[o1 + 1] = c11;
      c[o2] = c20; c[o2 + 1] = c21; c[o3] = c30; c[o3 + 1] = c31;
    } else {
      c[o0] += c00; c[o0 + 1] += c01; c[o1] += c10; c[o1 + 1] += c11;
      c[o2] += c20; c[o2 + 1] += c21; c[o3] += c30; c[o3 + 1] += c31;
    }
    return;
  }
  edge[0] = c00; edge[1] = c01; edge[2] = c10; edge[3] = c11;
  edge[4] = c20; edge[5] = c21; edge[6] = c30; edge[7] = c31;
  flushEdge(c, cOff, ldc, rows, cols, NR, first);
}

function packed(m: number, n: number, k: number, a: TypedArray, aOff: number, ars: number, acs: number, b: TypedArray, bOff: number, brs: number, bcs: number, c: TypedArray, cOff: number): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      const first = p0 === 0;
      packB(b, bOff, brs, bcs, p0, kc, j0, nc);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packA(a, aOff, ars, acs, i0, mc, p0, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          const ib = B_BASE + jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            micro(ir * kc, ib, kc, c, cOff + (i0 + ir) * n + j0 + jr, n, Math.min(MR, mc - ir), cols, first);
          }
        }
      }
    }
  }
}

/** Products with one or two rows or a single column of C: 4 dot products at a time, each summed in order. */
function thin(m: number, n: number, k: number, a: TypedArray, aOff: number, ars: number, acs: number, b: TypedArray, bOff: number, brs: number, bcs: number, c: TypedArray, cOff: number): void {
  // C = A B with n == 1 is C^T = B^T A^T with m == 1: walk the long side as "columns".
  const rowsMode = n < m;
  const len = rowsMode ? m : n, other = rowsMode ? n : m;
  // x: the operand along `len` (4 at a time), y: the other one (one at a time).
  const x = rowsMode ? a : b, xOff = rowsMode ? aOff : bOff, xStep = rowsMode ? ars : bcs, xk = rowsMode ? acs : brs;
  const y = rowsMode ? b : a, yOff = rowsMode ? bOff : aOff, yStep = rowsMode ? bcs : ars, yk = rowsMode ? brs : acs;
  const cStepLen = rowsMode ? n : 1, cStepOther = rowsMode ? 1 : n;
  for (let o = 0; o < other; o++) {
    const yo = yOff + o * yStep;
    for (let l0 = 0; l0 < len; l0 += 4) {
      const x0 = xOff + l0 * xStep, x1 = xOff + Math.min(l0 + 1, len - 1) * xStep;
      const x2 = xOff + Math.min(l0 + 2, len - 1) * xStep, x3 = xOff + Math.min(l0 + 3, len - 1) * xStep;
      const base = cOff + o * cStepOther + l0 * cStepLen;
      const cnt = Math.min(4, len - l0);
      // One partial sum per KC block, added into C, exactly as the packed path rounds.
      for (let p0 = 0; p0 < k; p0 += KC) {
        const pEnd = Math.min(k, p0 + KC);
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let p = p0, px = p0 * xk, py = p0 * yk; p < pEnd; p = (p + 1) | 0, px = (px + xk) | 0, py = (py + yk) | 0) {
          const v = y[(yo + py) | 0];
          s0 += x[(x0 + px) | 0] * v; s1 += x[(x1 + px) | 0] * v; s2 += x[(x2 + px) | 0] * v; s3 += x[(x3 + px) | 0] * v;
        }
        if (p0 === 0) {
          c[base] = s0;
          if (cnt > 1) c[base + cStepLen] = s1;
          if (cnt > 2) c[base + 2 * cStepLen] = s2;
          if (cnt > 3) c[base + 3 * cStepLen] = s3;
        } else {
          c[base] += s0;
          if (cnt > 1) c[base + cStepLen] += s1;
          if (cnt > 2) c[base + 2 * cStepLen] += s2;
          if (cnt > 3) c[base + 3 * cStepLen] += s3;
        }
      }
    }
  }
}

// The in-place (thin) kernel indexes with int32 arithmetic; beyond it only the packed path is safe.
const INT32_INDEX = 2 ** 31;

function gemm(m: number, n: number, k: number, a: TypedArray, aOff: number, ars: number, acs: number, b: TypedArray, bOff: number, brs: number, bcs: number, c: TypedArray, cOff: number): void {
  if (a.length >= INT32_INDEX || b.length >= INT32_INDEX) packed(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff);
  // With 1-2 rows or 1 column most of a packed MR x NR tile would be padding (measured: packing
  // wins from 3 rows up, and from 16 x 16 x 16 up; in-place 4x4 tiles never won).
  else if (m <= 2 || n < NR) thin(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff);
  else packed(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff);
}

/** out[r, j] += bias[j] for each of `rows` rows of n (the bias of MatmulArgs). */
function addBiasRows(out: TypedArray, rows: number, n: number, bias: View): void {
  const bd = bias.data, bs = bias.strides[0], b0 = bias.offset;
  if (out instanceof Int32Array) {
    for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < n; j++, o++) out[o] = (out[o] + Number(bd[b0 + j * bs])) | 0;
    return;
  }
  for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < n; j++, o++) out[o] += Number(bd[b0 + j * bs]);
}

/** The checks of MatmulArgs.into: the whole array, of the output's (float) dtype. */
export function checkInto(into: TypedArray, length: number, outDtype: DType): void {
  const ok = (outDtype === "float32" && into instanceof Float32Array) || (outDtype === "float64" && into instanceof Float64Array);
  if (!ok || into.length !== length) {
    throw new RangeError(`matmul: the array to accumulate into must be a ${outDtype} array of ${length} elements (float32 or float64 only), got ${into.constructor.name} of ${into.length}`);
  }
}

export function matmul(a: View, b: View, args: MatmulArgs, outDtype: DType): TypedArray {
  if (args.into) {
    const into = args.into;
    checkInto(into, numel(args.batch) * args.m * args.n, outDtype);
    const prod = matmul(a, b, { batch: args.batch, m: args.m, n: args.n, k: args.k, bias: args.bias }, outDtype);
    for (let i = 0; i < prod.length; i++) into[i] += prod[i] as number;
    return into;
  }
  const { batch, m, n, k } = args;
  const nb = numel(batch);
  const out = allocate(outDtype, nb * m * n);
  if (m === 0 || n === 0) return out;
  if (k === 0) {
    if (args.bias) addBiasRows(out, nb * m, n, args.bias);
    return out;
  }
  const nd = batch.length;
  const aNd = a.shape.length, bNd = b.shape.length;
  const ars = a.strides[aNd - 2], acs = a.strides[aNd - 1];
  const brs = b.strides[bNd - 2], bcs = b.strides[bNd - 1];
  const bIdx = contiguousStrides(batch);
  for (let t = 0; t < nb; t++) {
    let ao = a.offset, bo = b.offset;
    for (let d = 0; d < nd; d++) {
      const i = Math.floor(t / bIdx[d]) % batch[d];
      ao += i * a.strides[d];
      bo += i * b.strides[d];
    }
    gemm(m, n, k, a.data, ao, ars, acs, b.data, bo, brs, bcs, out, t * m * n);
  }
  if (args.bias) addBiasRows(out, nb * m, n, args.bias);
  return out;
}
