// Builds the strided input views the conformance cases feed to kernels: the same logical
// values laid out contiguously, at an offset, transposed, stepped, broadcast (stride 0)...
// Buffer slots that no logical element maps to hold a poison value, so a kernel that
// reads outside its view produces a visible wrong answer.

import type { View } from "../../src/backend/kernels.js";
import type { DType } from "../../src/tensor/dtype.js";
import { allocate, dtypeOfArray } from "../../src/tensor/dtype.js";
import type { Shape } from "../../src/tensor/shape.js";
import type { Generator } from "../../src/tensor/random.js";
import { castTo, forEachIndex, offsetOf, read } from "./reference.js";

/** How a view's logical elements sit in its buffer. */
export interface LayoutSpec {
  /** Physical order of the logical dims, outermost first (default: identity). */
  readonly perm?: readonly number[];
  /** Element step along every dim (a slice `::step` that starts at 1). */
  readonly step?: number;
  /** Dims read with stride 0 (broadcast, as `expand` makes them). */
  readonly zero?: readonly boolean[];
  /** Buffer offset of element [0, ..., 0] before steps are applied. */
  readonly offset?: number;
  /** Give size-1 dims a stride nothing would compute, as PyTorch allows. */
  readonly oddOnes?: boolean;
}

/** The named layouts every elementwise case runs under. */
export type Layout = "contiguous" | "offset" | "transposed" | "stepped" | "broadcast" | "broadcast2" | "scalar" | "mixed";

export const LAYOUTS: readonly Layout[] = ["contiguous", "offset", "transposed", "stepped", "broadcast", "broadcast2", "scalar", "mixed"];

/** Every other dim of size > 1 (starting with the first, or the second when `second`) gets stride 0. */
function alternateZeros(shape: Shape, second: boolean): boolean[] {
  let rank = 0;
  return shape.map((s) => (s > 1 ? rank++ % 2 === (second ? 1 : 0) : false));
}

export function layoutSpec(layout: Layout, shape: Shape): LayoutSpec {
  const nd = shape.length;
  const identity = Array.from({ length: nd }, (_, i) => i);
  switch (layout) {
    case "contiguous": return {};
    case "offset": return { offset: 5, oddOnes: true };
    case "transposed": return { perm: identity.slice().reverse(), offset: 1 };
    case "stepped": return { step: 2, offset: 3 };
    case "broadcast": return { zero: alternateZeros(shape, false), offset: 2 };
    case "broadcast2": return { zero: alternateZeros(shape, true), offset: 1 };
    case "scalar": return { zero: shape.map(() => true), offset: 4 };
    // Innermost logical dim outermost in memory, stepped, at an offset, odd size-1 strides.
    case "mixed": return { perm: nd > 1 ? [nd - 1, ...identity.slice(0, nd - 1)] : identity, step: 3, offset: 7, oddOnes: true };
  }
}

/** A value generator for one dtype's inputs. */
export type Sampler = (gen: Generator) => number;

/** What unused buffer slots hold: never a value a sampler produces. */
export const POISON: Record<DType, number> = { float32: -999999.5, float64: -999999.5, int32: -999999, bool: 2 };

/**
 * A view of `shape` with the given layout whose logical elements are drawn from `sample`
 * (converted to `dtype`) in row-major order; every other buffer slot holds POISON.
 */
export function makeView(gen: Generator, dtype: DType, shape: Shape, layout: Layout | LayoutSpec, sample: Sampler): View {
  const spec = typeof layout === "string" ? layoutSpec(layout, shape) : layout;
  const nd = shape.length;
  const perm = spec.perm ?? Array.from({ length: nd }, (_, i) => i);
  const step = spec.step ?? 1;
  const start = step > 1 ? 1 : 0;
  const zero = spec.zero ?? shape.map(() => false);
  // One extra slot at the end of each stepped dim keeps poison between rows.
  const physLen = shape.map((s, d) => (zero[d] ? 1 : Math.max(1, start + (s - 1) * step + 1 + (step > 1 ? 1 : 0))));
  const physStride = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let q = nd - 1; q >= 0; q--) {
    physStride[perm[q]] = acc;
    acc *= physLen[perm[q]];
  }
  let offset = spec.offset ?? 0;
  for (let d = 0; d < nd; d++) if (!zero[d]) offset += start * physStride[d];
  const strides = shape.map((s, d) => (zero[d] ? 0 : s === 1 && spec.oddOnes ? 7 : physStride[d] * step));
  const data = allocate(dtype, offset + acc + 2).fill(POISON[dtype]);
  const view: View = { data, shape: shape.slice(), strides, offset };
  forEachIndex(shape, (idx) => { data[offsetOf(view, idx)] = castTo(sample(gen), dtype); });
  return view;
}

/** The same view over a fresh copy of its buffer (for kernels that write, like assign). */
export function cloneView(v: View): View {
  return { data: v.data.slice(), shape: v.shape, strides: v.strides, offset: v.offset };
}

/** The logical elements of a view in row-major order. */
export function logicalValues(v: View): number[] {
  const values: number[] = [];
  forEachIndex(v.shape, (idx) => values.push(read(v, idx)));
  return values;
}

/** "float32[3,4] strides [1,3] offset 1", plus the values when there are few. */
export function describeView(v: View, withValues = true): string {
  const head = `${dtypeOfArray(v.data)}[${v.shape.join(",")}] strides [${v.strides.join(",")}] offset ${v.offset}`;
  const values = logicalValues(v);
  if (!withValues || values.length > 24) return head;
  return `${head} values [${values.map(String).join(", ")}]`;
}
