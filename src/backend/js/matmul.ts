import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate } from "../../tensor/dtype.js";
import { contiguousStrides, numel } from "../../tensor/shape.js";
import type { MatmulArgs, View } from "../kernels.js";

// Blocking in the style of BLIS/GotoBLAS: a KC x NC block of B and an MC x KC block of A
// are packed into panels of MR rows / NR columns so the micro-kernel walks contiguous
// memory and keeps an MR x NR tile of C in locals (registers) over the whole KC loop.
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 512;

let packA: Float64Array = new Float64Array(MC * KC);
let packB: Float64Array = new Float64Array(KC * NC);

function ensure(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(n);
}

/** Packs A[i0:i0+mc, p0:p0+kc] into row panels of MR (zero-padded), k-major inside a panel. */
function packABlock(a: TypedArray, aOff: number, rs: number, cs: number, i0: number, mc: number, p0: number, kc: number, dst: Float64Array): void {
  let q = 0;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    for (let p = 0; p < kc; p++) {
      const base = aOff + (p0 + p) * cs + (i0 + ir) * rs;
      for (let r = 0; r < MR; r++) dst[q++] = r < rows ? a[base + r * rs] : 0;
    }
  }
}

/** Packs B[p0:p0+kc, j0:j0+nc] into column panels of NR (zero-padded), k-major inside a panel. */
function packBBlock(b: TypedArray, bOff: number, rs: number, cs: number, p0: number, kc: number, j0: number, nc: number, dst: Float64Array): void {
  let q = 0;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    for (let p = 0; p < kc; p++) {
      const base = bOff + (p0 + p) * rs + (j0 + jr) * cs;
      for (let c = 0; c < NR; c++) dst[q++] = c < cols ? b[base + c * cs] : 0;
    }
  }
}

/** C[i0.., j0..] += Apanel * Bpanel for one MR x NR tile. */
function micro(pa: Float64Array, ia: number, pb: Float64Array, ib: number, kc: number, c: TypedArray, cOff: number, ldc: number, rows: number, cols: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++, ia += MR, ib += NR) {
    const a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2], a3 = pa[ia + 3];
    const b0 = pb[ib], b1 = pb[ib + 1], b2 = pb[ib + 2], b3 = pb[ib + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (rows === MR && cols === NR) {
    let o = cOff;
    c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += ldc;
    c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += ldc;
    c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += ldc;
    c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
    return;
  }
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) c[cOff + r * ldc + q] += t[r * NR + q];
}

function gemm(m: number, n: number, k: number, a: TypedArray, aOff: number, ars: number, acs: number, b: TypedArray, bOff: number, brs: number, bcs: number, c: TypedArray, cOff: number): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      packB = ensure(packB, kc * (Math.ceil(nc / NR) * NR));
      packBBlock(b, bOff, brs, bcs, p0, kc, j0, nc, packB);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packA = ensure(packA, kc * (Math.ceil(mc / MR) * MR));
        packABlock(a, aOff, ars, acs, i0, mc, p0, kc, packA);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          const ib = (jr / NR) * kc * NR;
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = Math.min(MR, mc - ir);
            micro(packA, (ir / MR) * kc * MR, packB, ib, kc, c, cOff + (i0 + ir) * n + j0 + jr, n, rows, cols);
          }
        }
      }
    }
  }
}

export function matmul(a: View, b: View, args: MatmulArgs, outDtype: DType): TypedArray {
  const { batch, m, n, k } = args;
  const nb = numel(batch);
  const out = allocate(outDtype, nb * m * n);
  if (k === 0 || m === 0 || n === 0) return out;
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
  return out;
}
