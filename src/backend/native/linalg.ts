import type { LinalgKernels, LuFactors, QrMode, View } from "../kernels.js";
import { jsBackend } from "../js/index.js";
import type { NativeAddon } from "./addon.js";
import { writeView } from "./meta.js";
import { uninitialised } from "./pool.js";

// The LinalgKernels on the addon's linalg() entry (cpp/linalg.cc). Inputs travel as views
// in the shared metadata array ([nviews, nd, offset, shape..., strides...] each); outputs
// are new Float64Arrays (Int32Arrays for pivots and info) that the C++ code fills.

// Op codes of cpp/linalg.h's LinalgOp.
const OP = { lu: 0, luSolve: 1, det: 2, triangularSolve: 3, qr: 4, svd: 5, eigh: 6 } as const;
const QR_MODES: Record<QrMode, number> = { reduced: 0, complete: 1, r: 2 };
// Mirrors kMaxDims in cpp/common.h.
const MAX_DIMS = 32;

/** Product of the dims before the last two. */
function batchCount(shape: readonly number[]): number {
  let b = 1;
  for (let i = 0; i < shape.length - 2; i++) b *= shape[i];
  return b;
}

const empty = (v: View): boolean => v.shape.some((s) => s === 0);

// Outputs the C++ code overwrites entirely skip zero-filling from this size on (a 10000 x 8
// U was 640 KB of memset per call).
const UNINITIALISED_BYTES = 4096;

/** A Float64Array of n elements that the caller fills completely. */
function fresh(n: number): Float64Array {
  if (n * 8 < UNINITIALISED_BYTES) return new Float64Array(n);
  return new Float64Array(uninitialised(n * 8), 0, n);
}

/** A Float32Array of n elements that the caller fills completely. */
function fresh32(n: number): Float32Array {
  if (n * 4 < UNINITIALISED_BYTES) return new Float32Array(n);
  return new Float32Array(uninitialised(n * 4), 0, n);
}

/**
 * The native linalg kernels over `addon`, writing view records into `meta` (the array the
 * addon reads them from). Empty matrices and views deeper than the addon takes run on the
 * js kernels (nothing to compute, or nothing to gain).
 * @example const linalg = createNativeLinalg(addon, meta); linalg.svd(a, false, true)
 */
export function createNativeLinalg(addon: NativeAddon, meta: Float64Array): LinalgKernels {
  const js = jsBackend.linalg;
  let pos = 0;
  const view = (v: View): void => {
    pos = writeView(meta, pos, v);
  };
  const views = (...vs: View[]): void => {
    pos = 0;
    meta[pos++] = vs.length;
    for (const v of vs) view(v);
  };
  const unfit = (...vs: View[]): boolean => vs.some((v) => empty(v) || v.shape.length > MAX_DIMS);
  const last = (v: View, i: number): number => v.shape[v.shape.length - i];

  const lu = (a: View): LuFactors => {
    if (unfit(a)) return js.lu(a);
    const n = last(a, 1), batch = batchCount(a.shape);
    const f = { batch, n, lu: fresh(batch * n * n), pivots: new Int32Array(batch * n), info: new Int32Array(batch) };
    views(a);
    addon.linalg(OP.lu, 0, a.data, f.lu, f.pivots, f.info);
    return f;
  };

  return {
    lu,

    luSolve(f: LuFactors, b: View): Float64Array {
      if (unfit(b) || f.n === 0) return js.luSolve(f, b);
      const n = f.n, k = last(b, 1);
      const x = fresh(f.batch * n * k);
      views({ data: f.lu, shape: [f.batch, n, n], strides: [n * n, n, 1], offset: 0 }, b);
      addon.linalg(OP.luSolve, 0, f.lu, b.data, f.pivots, x);
      return x;
    },

    det(a: View): Float64Array {
      if (unfit(a)) return js.det(a);
      const out = fresh(batchCount(a.shape));
      views(a);
      addon.linalg(OP.det, 0, a.data, out);
      return out;
    },

    triangularSolve(a: View, b: View, upper: boolean, unitriangular: boolean): Float64Array {
      if (unfit(a, b)) return js.triangularSolve(a, b, upper, unitriangular);
      const x = fresh(batchCount(b.shape) * last(b, 2) * last(b, 1));
      views(a, b);
      addon.linalg(OP.triangularSolve, (upper ? 1 : 0) | (unitriangular ? 2 : 0), a.data, b.data, x);
      return x;
    },

    qr(a: View, mode: QrMode): { q: Float64Array; r: Float64Array } {
      if (unfit(a)) return js.qr(a, mode);
      const m = last(a, 2), n = last(a, 1), k = Math.min(m, n), batch = batchCount(a.shape);
      const qc = mode === "complete" ? m : k, rr = mode === "complete" ? m : k;
      const q = fresh(mode === "r" ? 0 : batch * m * qc);
      const r = fresh(batch * rr * n);
      views(a);
      addon.linalg(OP.qr, QR_MODES[mode], a.data, q, r);
      return { q, r };
    },

    svd(a: View, fullMatrices: boolean, computeUV: boolean): { u: Float64Array | Float32Array; s: Float64Array; vh: Float64Array } {
      if (unfit(a)) return js.svd(a, fullMatrices, computeUV);
      const m = last(a, 2), n = last(a, 1), k = Math.min(m, n), batch = batchCount(a.shape);
      const uc = fullMatrices ? m : k, vr = fullMatrices ? n : k;
      // A float32 input gets U in float32 straight from the kernel (one rounding, no copy).
      const u = a.data instanceof Float32Array ? fresh32(computeUV ? batch * m * uc : 0) : fresh(computeUV ? batch * m * uc : 0);
      const s = fresh(batch * k);
      const vh = fresh(computeUV ? batch * vr * n : 0);
      views(a);
      addon.linalg(OP.svd, (fullMatrices ? 1 : 0) | (computeUV ? 2 : 0), a.data, u, s, vh);
      return { u, s, vh };
    },

    eigh(a: View, upper: boolean, computeVectors: boolean): { values: Float64Array; vectors: Float64Array } {
      if (unfit(a)) return js.eigh(a, upper, computeVectors);
      const n = last(a, 1), batch = batchCount(a.shape);
      const values = fresh(batch * n);
      const vectors = fresh(computeVectors ? batch * n * n : 0);
      views(a);
      addon.linalg(OP.eigh, (upper ? 1 : 0) | (computeVectors ? 2 : 0), a.data, values, vectors);
      return { values, vectors };
    },
  };
}
