// Compares a kernel's output with the reference's, element by element, under the
// suite's tolerance policy, and says where and how they differ.

import type { DType, TypedArray } from "../../src/tensor/dtype.js";
import { dtypeOfArray } from "../../src/tensor/dtype.js";

/** How close an output element must be: |got - want| <= rtol * max(|want|, scale[i]) + atol. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
  /** Per-element magnitude of the terms an accumulation summed (sum |a||b| for matmul). */
  readonly scale?: ArrayLike<number>;
}

export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** Which tolerance an op's float output gets: exact (selection, rounding, comparisons), elementwise, or accumulated. */
export type Precision = "exact" | "elementwise" | "accumulate";

// float32: the reference rounds through Math.fround, so 1e-6 is ~8 ulp; atol absorbs flush-to-zero of subnormals.
const ELEMENTWISE: Record<"float32" | "float64", Tolerance> = {
  float32: { rtol: 1e-6, atol: 1e-37 },
  float64: { rtol: 1e-12, atol: 1e-300 },
};

// Accumulations are measured against the sum of the magnitudes of their terms, so any
// summation order (pairwise, blocked, SIMD lanes, a float32 accumulator) passes.
const ACCUMULATE: Record<"float32" | "float64", Tolerance> = {
  float32: { rtol: 1e-5, atol: 1e-37 },
  float64: { rtol: 1e-12, atol: 1e-300 },
};

/** The tolerance for one output dtype: integers and bools are always exact. */
export function toleranceFor(dtype: DType, precision: Precision, scale?: ArrayLike<number>): Tolerance {
  if (dtype === "int32" || dtype === "bool" || precision === "exact") return EXACT;
  const base = precision === "elementwise" ? ELEMENTWISE[dtype] : ACCUMULATE[dtype];
  return scale ? { ...base, scale } : base;
}

/** One output element that differs from the reference. */
export interface Mismatch {
  readonly index: number;
  readonly expected: number;
  readonly got: number;
}

/** Whether `got` matches `want` (NaN matches NaN, infinities must match exactly, signed zeros are equal). */
export function close(got: number, want: number, tol: Tolerance, scale = 0): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  if (!Number.isFinite(got)) return false;
  const mag = Number.isFinite(scale) ? Math.max(Math.abs(want), scale) : Math.abs(want);
  return Math.abs(got - want) <= tol.rtol * mag + tol.atol;
}

/**
 * Checks a kernel result: its typed-array class and length, then every element. Returns a
 * problem description (wrong type or length) or the mismatching elements, first `limit` only.
 */
export function compareOutput(got: unknown, want: TypedArray, tol: Tolerance, limit = 3): { problem?: string; mismatches: Mismatch[]; count: number } {
  const wantDtype = dtypeOfArray(want);
  if (!ArrayBuffer.isView(got) || (got as TypedArray).constructor !== want.constructor) {
    const kind = ArrayBuffer.isView(got) ? (got as TypedArray).constructor.name : typeof got;
    return { problem: `returned ${kind}, expected ${want.constructor.name} (${wantDtype})`, mismatches: [], count: 1 };
  }
  const g = got as TypedArray;
  if (g.length !== want.length) {
    return { problem: `returned ${g.length} elements, expected ${want.length}`, mismatches: [], count: 1 };
  }
  const mismatches: Mismatch[] = [];
  let count = 0;
  for (let i = 0; i < want.length; i++) {
    if (!close(g[i], want[i], tol, tol.scale ? tol.scale[i] : 0)) {
      count++;
      if (mismatches.length < limit) mismatches.push({ index: i, expected: want[i], got: g[i] });
    }
  }
  return { mismatches, count };
}

/** Whether two buffers hold the same elements (NaN equal to NaN), for detecting writes to inputs. */
export function sameBuffer(a: TypedArray, b: TypedArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return false;
  return true;
}

/** Multi-index of flat position `i` in a row-major `shape`. */
export function unflatten(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}
