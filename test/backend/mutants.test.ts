// The conformance suite must catch broken backends: each mutant below is the js backend
// with one kernel wrong in a way a real backend could get it wrong, and the check for
// that kernel has to report it (while checks of untouched kernels stay clean).

import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/backend/js/index.js";
import type { View } from "../../src/backend/kernels.js";
import type { DType, TypedArray } from "../../src/tensor/dtype.js";
import { runCheck } from "./checks.js";
import type { KernelSet } from "./reference.js";
import { forEachIndex, read } from "./reference.js";

const js: KernelSet = jsBackend;

function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { st[d] = acc; acc *= shape[d]; }
  return st;
}

/** The view read as if it were contiguous: what a kernel that ignores strides sees. */
const asContiguous = (v: View): View => ({ ...v, strides: contiguousStrides(v.shape) });

/** A contiguous float64 view of f applied to x's elements. */
function mapped(x: View, f: (v: number) => number): View {
  const data = Float64Array.from(js.copy(x, "float64"), f);
  return { data, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 };
}

/** Abramowitz & Stegun 7.1.26: erf to about 1.5e-7, far from float64's precision. */
function roughErf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

/** indexAdd where a repeated index keeps only its last source slice (overwrite, not accumulate). */
function overwritingIndexAdd(outShape: readonly number[], axis: number, index: View, src: View, outDtype: DType): TypedArray {
  const picks: number[] = [];
  forEachIndex(index.shape, (idx) => picks.push(read(index, idx)));
  const keep = picks.map((_, j) => j).filter((j) => picks.lastIndexOf(picks[j]) === j);
  const vec = (values: number[]): View => ({ data: Int32Array.from(values), shape: [values.length], strides: [1], offset: 0 });
  const srcShape = src.shape.map((s, d) => (d === axis ? keep.length : s));
  const kept: View = { data: js.indexSelect(src, axis, vec(keep), outDtype), shape: srcShape, strides: contiguousStrides(srcShape), offset: 0 };
  return js.indexAdd(outShape, axis, vec(keep.map((j) => picks[j])), kept, outDtype);
}

interface Mutant {
  readonly what: string;
  readonly backend: KernelSet;
  /** Checks that must report failures. */
  readonly caughtBy: readonly string[];
  /** A check of a kernel the mutant leaves alone: its report must not change. */
  readonly cleanCheck: string;
}

const MUTANTS: readonly Mutant[] = [
  {
    what: "binary sub with its operands swapped",
    backend: { ...js, binary: (op, a, b, s, d) => (op === "sub" ? js.binary(op, b, a, s, d) : js.binary(op, a, b, s, d)) },
    caughtBy: ["binary sub"], cleanCheck: "binary add",
  },
  {
    what: "binary reading a broadcast (stride-0) operand as contiguous",
    backend: { ...js, binary: (op, a, b, s, d) => js.binary(op, a.strides.includes(0) ? asContiguous(a) : a, b, s, d) },
    caughtBy: ["binary add"], cleanCheck: "unary neg",
  },
  {
    what: "copy ignoring the view's offset",
    backend: { ...js, copy: (x, d) => js.copy({ ...x, offset: 0 }, d) },
    caughtBy: ["copy from int32"], cleanCheck: "where",
  },
  {
    what: "assign writing as if the destination were contiguous",
    backend: { ...js, assign: (dst, src) => js.assign(asContiguous(dst), src) },
    caughtBy: ["assign into float32"], cleanCheck: "copy from int32",
  },
  {
    what: "matmul assuming contiguous operands",
    backend: { ...js, matmul: (a, b, args, d) => js.matmul(asContiguous(a), asContiguous(b), args, d) },
    caughtBy: ["matmul batched"], cleanCheck: "argReduce argmin",
  },
  {
    what: "reduce max skipping NaN instead of propagating it",
    backend: {
      ...js,
      reduce: (op, x, axes, d) => (op === "max" && (d === "float32" || d === "float64")
        ? js.reduce(op, mapped(x, (v) => (Number.isNaN(v) ? -Infinity : v)), axes, d)
        : js.reduce(op, x, axes, d)),
    },
    caughtBy: ["reduce max"], cleanCheck: "scan cumsum",
  },
  {
    what: "argmax returning the last of equal values",
    backend: {
      ...js,
      argReduce: (op, x, axis) => {
        if (op !== "argmax" || x.shape[axis] === 0) return js.argReduce(op, x, axis);
        // Walk the axis backwards (negative stride), then map positions back.
        const len = x.shape[axis];
        const rev: View = { ...x, offset: x.offset + (len - 1) * x.strides[axis], strides: x.strides.map((s, d) => (d === axis ? -s : s)) };
        return js.argReduce(op, rev, axis).map((i) => len - 1 - i);
      },
    },
    caughtBy: ["argReduce argmax"], cleanCheck: "argReduce argmin",
  },
  {
    what: "indexAdd overwriting repeated indices instead of accumulating",
    backend: { ...js, indexAdd: overwritingIndexAdd },
    caughtBy: ["indexAdd"], cleanCheck: "indexSelect",
  },
  {
    what: "scatterAdd ignoring the index view's strides",
    backend: { ...js, scatterAdd: (outShape, axis, index, src, d) => js.scatterAdd(outShape, axis, asContiguous(index), src, d) },
    caughtBy: ["scatterAdd"], cleanCheck: "gather",
  },
  {
    what: "erf from a 1.5e-7 approximation",
    backend: { ...js, unary: (op, x, d) => (op === "erf" ? js.copy(mapped(x, roughErf), d) : js.unary(op, x, d)) },
    caughtBy: ["unary erf"], cleanCheck: "unary exp",
  },
  {
    what: "float64 cumsum and cumprod computed in float32",
    backend: {
      ...js,
      scan: (op, x, axis, d) => {
        if (d !== "float64") return js.scan(op, x, axis, d);
        const low: View = { data: js.scan(op, x, axis, "float32"), shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 };
        return js.copy(low, "float64");
      },
    },
    caughtBy: ["scan cumsum"], cleanCheck: "binary sub",
  },
];

// The unmodified backend's reports, so a mutant is judged by what it adds (the js backend
// may have open conformance failures of its own).
const baseline = new Map<string, string[]>();
function jsReport(name: string): string[] {
  if (!baseline.has(name)) baseline.set(name, runCheck(js, name).map((f) => f.message));
  return baseline.get(name)!;
}

describe("the conformance suite catches broken backends", () => {
  for (const m of MUTANTS) {
    it(`${m.what}: caught by ${m.caughtBy.join(", ")}`, () => {
      for (const name of m.caughtBy) {
        const known = new Set(jsReport(name));
        const fresh = runCheck(m.backend, name).filter((f) => !known.has(f.message));
        expect(fresh.length, `${name} should report new failures for: ${m.what}`).toBeGreaterThan(0);
        expect(fresh[0].message).toMatch(/expected .+ got .+|returned|threw/);
      }
      expect(runCheck(m.backend, m.cleanCheck).map((f) => f.message)).toEqual(jsReport(m.cleanCheck));
    });
  }

  it("reports a kernel that throws, with its inputs", () => {
    const throwing: KernelSet = { ...js, gather: () => { throw new RangeError("gather: boom"); } };
    const failures = runCheck(throwing, "gather");
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0].message).toMatch(/threw RangeError: gather: boom; inputs x=/);
  });

  it("reports a kernel that writes into its input", () => {
    const scribbling: KernelSet = {
      ...js,
      unary: (op, x, d) => {
        const out = js.unary(op, x, d);
        if (x.shape.every((s) => s > 0)) x.data[x.offset] = 12345;
        return out;
      },
    };
    expect(runCheck(scribbling, "unary exp")[0].message).toMatch(/modified its input x/);
  });

  it("reports a result of the wrong typed-array class or length", () => {
    const wrongType: KernelSet = { ...js, copy: (x, d) => (d === "float32" ? js.copy(x, "float64") : js.copy(x, d)) };
    expect(runCheck(wrongType, "copy from int32")[0].message).toMatch(/returned Float64Array, expected Float32Array/);
  });

  it("refuses an unknown check name, listing the known ones", () => {
    expect(() => runCheck(js, "binary frobnicate")).toThrow(/no check named "binary frobnicate" \(checks: unary neg, /);
  });
});
