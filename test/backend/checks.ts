// The checks of the backend conformance suite: every kernel of KernelSet (the Backend
// interface but linalg and conv), on contiguous, offset, transposed, stepped and
// broadcast (stride-0) inputs, 0-d, size-0 and size-1 dims, and every dtype that makes
// sense, compared with the reference backend.
// Each check is a plain function from a backend to its failures (no test framework here),
// so the suite can be run programmatically; conformance.ts turns them into vitest blocks.

import type { ArgReduceOp, BinaryOp, MatmulArgs, ReduceOp, ScanOp, UnaryOp, View } from "../../src/backend/kernels.js";
import { BINARY_OPS, UNARY_OPS } from "../../src/backend/kernels.js";
import type { DType, TypedArray } from "../../src/tensor/dtype.js";
import { DTYPES, dtypeOfArray } from "../../src/tensor/dtype.js";
import { Generator } from "../../src/tensor/random.js";
import type { Shape } from "../../src/tensor/shape.js";
import type { Precision } from "./compare.js";
import { compareOutput, sameBuffer, toleranceFor, unflatten } from "./compare.js";
import type { KernelSet } from "./reference.js";
import { read, referenceBackend } from "./reference.js";
import { FLOAT_SPECIALS, bools, floats, ints, productFloats, productInts } from "./samplers.js";
import type { Layout, LayoutSpec, Sampler } from "./views.js";
import { LAYOUTS, cloneView, describeView, logicalValues, makeView } from "./views.js";

/** The kernels the suite covers; a Record so a kernel added to KernelSet is a compile error here until it has checks. */
export const KERNELS: Record<Exclude<keyof KernelSet, "name">, true> = {
  unary: true, binary: true, where: true, reduce: true, argReduce: true, scan: true, copy: true, assign: true,
  matmul: true, indexSelect: true, indexAdd: true, gather: true, scatterAdd: true,
  axpy: true,
};
export type KernelName = keyof typeof KERNELS;

/** One failing case of a check, with the inputs, the expected and the actual values. */
export interface Failure {
  readonly check: string;
  readonly case: string;
  readonly message: string;
}

/** A named group of cases for one kernel (and op); `run` returns the cases that failed. */
export interface Check {
  readonly kernel: KernelName;
  readonly name: string;
  run(backend: KernelSet): Failure[];
}

/** One kernel call on fixed inputs, run on the backend under test and on the reference. */
interface Case {
  readonly label: string;
  /** Shape of the output, to name a mismatching element by its multi-index. */
  readonly outShape: Shape;
  readonly call: (b: KernelSet) => TypedArray;
  readonly precision: Precision;
  /** Magnitude of the summed terms per output element (accumulating kernels), from the reference. */
  readonly scale?: () => ArrayLike<number>;
  /** The inputs, named; the kernel must leave their buffers unchanged. */
  readonly inputs: Readonly<Record<string, View>>;
  /** Inputs share the output's shape: report their values at a mismatching element. */
  readonly elementwise?: boolean;
}

const MAX_REPORTED_CASES = 8;

const fmt = (v: number): string => (Object.is(v, -0) ? "-0" : String(v));

function runCase(backend: KernelSet, check: string, c: Case): Failure | null {
  const fail = (message: string): Failure => ({ check, case: c.label, message: `${check} | ${c.label}: ${message}` });
  const want = c.call(referenceBackend);
  const before = Object.entries(c.inputs).map(([name, v]) => [name, v.data.slice()] as const);
  let got: TypedArray;
  try {
    got = c.call(backend);
  } catch (e) {
    return fail(`threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}; inputs ${describeInputs(c)}`);
  }
  for (const [name, copy] of before) {
    if (!sameBuffer(copy, c.inputs[name].data)) return fail(`modified its input ${name} (${describeView(c.inputs[name], false)})`);
  }
  let result = compareOutput(got, want, toleranceFor(dtypeOfArray(want), c.precision));
  // The scale only loosens the bound, so it is computed only when the strict comparison fails.
  if (result.count > 0 && !result.problem && c.scale) result = compareOutput(got, want, toleranceFor(dtypeOfArray(want), c.precision, c.scale()));
  if (result.problem) return fail(`${result.problem}; inputs ${describeInputs(c)}`);
  if (result.count === 0) return null;
  const lines = result.mismatches.map(({ index, expected, got: g }) => {
    const idx = unflatten(index, c.outShape);
    const at = c.elementwise ? ` from ${Object.entries(c.inputs).map(([n, v]) => `${n}=${fmt(read(v, idx))}`).join(", ")}` : "";
    return `out[${index}] (index [${idx.join(",")}]) expected ${fmt(expected)} got ${fmt(g)}${at}`;
  });
  const more = result.count > lines.length ? ` (${result.count} of ${want.length} elements differ)` : "";
  return fail(`${lines.join("; ")}${more}; inputs ${describeInputs(c)}`);
}

function describeInputs(c: Case): string {
  return Object.entries(c.inputs).map(([n, v]) => `${n}=${describeView(v)}`).join("; ");
}

/** A deterministic seed per check, so every check draws the same inputs however the suite is filtered. */
function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function check(kernel: KernelName, name: string, cases: (gen: Generator) => Case[]): Check {
  return {
    kernel,
    name,
    run(backend: KernelSet): Failure[] {
      const failures: Failure[] = [];
      let failed = 0;
      for (const c of cases(new Generator(seedOf(name)))) {
        const f = runCase(backend, name, c);
        if (!f) continue;
        if (++failed <= MAX_REPORTED_CASES) failures.push(f);
      }
      if (failed > MAX_REPORTED_CASES) {
        failures.push({ check: name, case: "(more)", message: `${name} | ... and ${failed - MAX_REPORTED_CASES} more failing cases` });
      }
      return failures;
    },
  };
}

/** |x| as a contiguous float64 view: the magnitudes an accumulation's error is measured against. */
function absView(v: View): View {
  return { data: Float64Array.from(logicalValues(v), Math.abs), shape: v.shape, strides: contiguous(v.shape), offset: 0 };
}

function contiguous(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { st[d] = acc; acc *= shape[d]; }
  return st;
}

/** A 1-D contiguous view of explicit values. */
function vector(dtype: DType, values: readonly number[], layout: Layout = "contiguous"): View {
  let i = 0;
  return makeView(new Generator(0), dtype, [values.length], layout, () => values[i++]);
}

const sh = (s: Shape): string => `[${s.join(",")}]`;

// ---- elementwise: unary, binary, where, copy, assign -------------------------------------

/** Shapes every elementwise case runs on: 0-d, size 0 and 1 dims, odd sizes, a long row. */
const EW_SHAPES: readonly Shape[] = [[], [1], [6], [0], [3, 4], [4, 1], [2, 0, 3], [3, 1, 5], [2, 3, 4], [1, 2, 1, 3], [5, 19]];

/** Which input dtype goes with which output dtype, and the values to draw. */
interface Plan {
  readonly inDtype: DType;
  readonly outDtype: DType;
  readonly sample: Sampler;
  /** For binary ops: the second operand's values (defaults to `sample`). */
  readonly sampleB?: Sampler;
}

const EXACT_UNARY = new Set<UnaryOp>(["neg", "abs", "sign", "relu", "floor", "ceil", "round", "trunc", "logicalNot", "isnan"]);
const SAME_DTYPE_UNARY = new Set<UnaryOp>(["neg", "abs", "sign", "square", "relu", "floor", "ceil", "round", "trunc"]);

function unaryFloatSampler(op: UnaryOp): Sampler {
  switch (op) {
    case "asin": case "acos": return floats({ scale: 0.6, special: 0.1 });
    case "log": case "log1p": case "sqrt": case "rsqrt": return floats({ scale: 3, positive: 0.85 });
    case "round": return (gen) => (gen.uniform() < 0.3 ? gen.integer(-6, 6) + 0.5 : floats()(gen));
    case "erf": return floats({ scale: 3 });
    default: return floats();
  }
}

function unaryPlans(op: UnaryOp): Plan[] {
  const f = unaryFloatSampler(op);
  if (op === "logicalNot" || op === "isnan") {
    return [
      { inDtype: "float32", outDtype: "bool", sample: f }, { inDtype: "float64", outDtype: "bool", sample: f },
      { inDtype: "int32", outDtype: "bool", sample: ints(-2, 2) }, { inDtype: "bool", outDtype: "bool", sample: bools },
    ];
  }
  if (SAME_DTYPE_UNARY.has(op)) {
    return [
      { inDtype: "float32", outDtype: "float32", sample: f }, { inDtype: "float64", outDtype: "float64", sample: f },
      { inDtype: "int32", outDtype: "int32", sample: ints(-100, 100, { extremes: 0.15 }) },
    ];
  }
  // Floating ops: integer and bool inputs give float32, as the ops layer asks.
  return [
    { inDtype: "float32", outDtype: "float32", sample: f }, { inDtype: "float64", outDtype: "float64", sample: f },
    { inDtype: "int32", outDtype: "float32", sample: ints(-5, 5) }, { inDtype: "bool", outDtype: "float32", sample: bools },
  ];
}

function unaryCases(op: UnaryOp, gen: Generator): Case[] {
  const precision: Precision = EXACT_UNARY.has(op) ? "exact" : "elementwise";
  const out: Case[] = [];
  for (const p of unaryPlans(op)) {
    for (const shape of EW_SHAPES) {
      for (const layout of LAYOUTS) {
        const x = makeView(gen, p.inDtype, shape, layout, p.sample);
        out.push({
          label: `${p.inDtype}->${p.outDtype} ${sh(shape)} x ${layout}`, outShape: shape, precision, inputs: { x }, elementwise: true,
          call: (b) => b.unary(op, x, p.outDtype),
        });
      }
    }
  }
  return out;
}

/** float32 values across the whole range: edge values, every binade with either sign, and dense ordinary ranges. */
function fullFloatRange(gen: Generator): number[] {
  const MAX = 3.4028234663852886e38, TINY = 1.401298464324817e-45, MIN_NORMAL = 1.1754943508222875e-38;
  const edges = [
    ...FLOAT_SPECIALS, TINY, -TINY, 1e-40, -1e-40, MIN_NORMAL, -MIN_NORMAL, MAX, -MAX, 1e-30, -1e-30, 1e-8, -1e-8, 3e-8, -3e-8,
    // where exp, expm1, sigmoid and tanh overflow, underflow, go subnormal or round to +-1; erf's pieces; log1p's pole
    88.72283, 88.72284, 88, 89, -87.33654, -87.33655, -103.97207, -103.9721, -104, -18, 18, -17.3, 9, 10, -10, 0.625, -0.625,
    3.9, 4, -4, 1, 0.99999994, -0.99999994, 1.0000001, -0.5, 0.7071067, 0.7071068, 1.4142135, 1.4142137, 0.3465736, -0.3465736,
  ];
  const out = edges.map(Math.fround);
  for (let i = 0; i < 600; i++) {
    const mag = Math.fround(2 ** (-149 + 277 * gen.uniform()));
    out.push(gen.uniform() < 0.5 ? -mag : mag);
  }
  for (const [lo, hi, n] of [[-20, 20, 400], [-1, 1, 200], [-1e-3, 1e-3, 100], [-0.999, 3, 100]]) {
    for (let i = 0; i < n; i++) out.push(Math.fround(lo + (hi - lo) * gen.uniform()));
  }
  return out;
}

/**
 * Float ops over the whole float32 range (each binade, overflow, underflow, subnormals), on
 * float32 and float64, contiguous and stepped: vectorised math must hold everywhere.
 */
function unaryRangeCases(op: UnaryOp, gen: Generator): Case[] {
  const values = fullFloatRange(gen);
  const out: Case[] = [];
  for (const dtype of ["float32", "float64"] as const) {
    for (const layout of ["contiguous", "stepped"] as const) {
      const x = vector(dtype, values, layout);
      out.push({
        label: `${dtype} ${layout}, ${values.length} values across the float32 range`, outShape: [values.length],
        precision: EXACT_UNARY.has(op) ? "exact" : "elementwise", inputs: { x }, elementwise: true,
        call: (b) => b.unary(op, x, dtype),
      });
    }
  }
  return out;
}

// Pairs of operand layouts for binary ops: each layout meets a different partner.
const LAYOUT_PAIRS: readonly (readonly [Layout, Layout])[] = [
  ["contiguous", "contiguous"], ["offset", "transposed"], ["stepped", "broadcast"], ["broadcast", "broadcast2"],
  ["transposed", "stepped"], ["scalar", "mixed"], ["mixed", "scalar"], ["broadcast2", "contiguous"],
];

const COMPARISONS = new Set<BinaryOp>(["eq", "ne", "lt", "le", "gt", "ge"]);
const LOGICAL = new Set<BinaryOp>(["logicalAnd", "logicalOr", "logicalXor"]);
const EXACT_BINARY = new Set<BinaryOp>(["maximum", "minimum", "reluBackward", ...COMPARISONS, ...LOGICAL]);

function binaryPlans(op: BinaryOp): Plan[] {
  const f = floats();
  const float: Plan[] = [{ inDtype: "float32", outDtype: "float32", sample: f }, { inDtype: "float64", outDtype: "float64", sample: f }];
  if (COMPARISONS.has(op) || LOGICAL.has(op)) {
    return [
      { inDtype: "float32", outDtype: "bool", sample: f }, { inDtype: "float64", outDtype: "bool", sample: f },
      { inDtype: "int32", outDtype: "bool", sample: ints(-3, 3, { extremes: 0.2 }) }, { inDtype: "bool", outDtype: "bool", sample: bools },
    ];
  }
  switch (op) {
    case "reluBackward": {
      // b is relu's output: zeros of both signs and NaN often, so every branch of b <= 0 is hit.
      const yb = floats({ special: 0.4, specials: [0, 0, -0, NaN, Infinity, -Infinity, 1.401298464324817e-45, -1.401298464324817e-45] });
      return [{ ...float[0], sampleB: yb }, { ...float[1], sampleB: yb }];
    }
    case "div": case "atan2":
      return [...float, { inDtype: "int32", outDtype: "float32", sample: ints(-20, 20) }];
    case "pow":
      return [...float, { inDtype: "int32", outDtype: "int32", sample: ints(-4, 4), sampleB: ints(0, 6) }];
    case "fmod": case "remainder": case "floorDivide":
      // Integer division by zero is an error in PyTorch, not a kernel result.
      return [...float, { inDtype: "int32", outDtype: "int32", sample: ints(-50, 50), sampleB: ints(-7, 7, { nonzero: true }) }];
    case "maximum": case "minimum":
      return [...float, { inDtype: "int32", outDtype: "int32", sample: ints(-100, 100, { extremes: 0.15 }) }, { inDtype: "bool", outDtype: "bool", sample: bools }];
    default: // add, sub, mul: int32 arithmetic wraps around, as in PyTorch
      return [...float, { inDtype: "int32", outDtype: "int32", sample: ints(-100, 100, { extremes: 0.15 }) }];
  }
}

function binaryCases(op: BinaryOp, gen: Generator): Case[] {
  const precision: Precision = EXACT_BINARY.has(op) ? "exact" : "elementwise";
  const out: Case[] = [];
  for (const p of binaryPlans(op)) {
    for (const shape of EW_SHAPES) {
      for (const [la, lb] of LAYOUT_PAIRS) {
        const a = makeView(gen, p.inDtype, shape, la, p.sample);
        const b = makeView(gen, p.inDtype, shape, lb, p.sampleB ?? p.sample);
        out.push({
          label: `${p.inDtype}->${p.outDtype} ${sh(shape)} a ${la}, b ${lb}`, outShape: shape, precision, inputs: { a, b }, elementwise: true,
          call: (bk) => bk.binary(op, a, b, shape, p.outDtype),
        });
      }
    }
    // Every pair of edge values, as an outer product of two broadcast vectors.
    if (p.inDtype === "float32" || p.inDtype === "float64") {
      const S = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -0.5, 2.5, -2.5, 3, 0.1, 1e-3, 1e300, -7];
      const base = vector(p.inDtype, S);
      const shape = [S.length, S.length];
      const a: View = { ...base, shape, strides: [1, 0] };
      const b: View = { ...base, shape, strides: [0, 1] };
      out.push({
        label: `${p.inDtype}->${p.outDtype} edge values [${S.map(fmt).join(",")}] x the same`, outShape: shape, precision, inputs: { a, b }, elementwise: true,
        call: (bk) => bk.binary(op, a, b, shape, p.outDtype),
      });
    }
  }
  return out;
}

const LAYOUT_TRIPLES: readonly (readonly [Layout, Layout, Layout])[] = [
  ["contiguous", "contiguous", "contiguous"], ["broadcast", "offset", "transposed"], ["stepped", "broadcast2", "scalar"],
  ["mixed", "stepped", "broadcast"], ["scalar", "mixed", "contiguous"], ["transposed", "scalar", "broadcast2"],
];

function whereCases(gen: Generator): Case[] {
  const out: Case[] = [];
  const samplers: Record<DType, Sampler> = { float32: floats(), float64: floats(), int32: ints(-100, 100, { extremes: 0.1 }), bool: bools };
  for (const dt of DTYPES) {
    for (const shape of EW_SHAPES) {
      for (const [lc, la, lb] of LAYOUT_TRIPLES) {
        const cond = makeView(gen, "bool", shape, lc, bools);
        const a = makeView(gen, dt, shape, la, samplers[dt]);
        const b = makeView(gen, dt, shape, lb, samplers[dt]);
        out.push({
          label: `${dt} ${sh(shape)} cond ${lc}, a ${la}, b ${lb}`, outShape: shape, precision: "exact", inputs: { cond, a, b }, elementwise: true,
          call: (bk) => bk.where(cond, a, b, shape, dt),
        });
      }
    }
  }
  return out;
}

/**
 * A float32, float64 or int32 condition: true where nonzero, NaN included (a cast to bool, as
 * PyTorch casts), not where JS finds the value truthy. NaN, -0 and 0 are drawn often.
 */
function whereValueCondCases(gen: Generator): Case[] {
  const out: Case[] = [];
  const conds: Record<"float32" | "float64" | "int32", Sampler> = {
    float32: floats({ special: 0.5, specials: [NaN, NaN, 0, -0, Infinity, -Infinity, 1.401298464324817e-45] }),
    float64: floats({ special: 0.5, specials: [NaN, NaN, 0, -0, Infinity, -Infinity, 5e-324] }),
    int32: ints(-2, 2, { extremes: 0.1 }),
  };
  const values: Record<DType, Sampler> = { float32: floats(), float64: floats(), int32: ints(-100, 100), bool: bools };
  let t = 0;
  for (const cdt of ["float32", "float64", "int32"] as const) {
    for (const dt of DTYPES) {
      for (const shape of [...EW_SHAPES, [7, 40]]) {
        const [lc, la, lb] = LAYOUT_TRIPLES[t++ % LAYOUT_TRIPLES.length];
        const cond = makeView(gen, cdt, shape, lc, conds[cdt]);
        const a = makeView(gen, dt, shape, la, values[dt]);
        const b = makeView(gen, dt, shape, lb, values[dt]);
        out.push({
          label: `${cdt} cond -> ${dt} ${sh(shape)} cond ${lc}, a ${la}, b ${lb}`, outShape: shape, precision: "exact", inputs: { cond, a, b }, elementwise: true,
          call: (bk) => bk.where(cond, a, b, shape, dt),
        });
      }
    }
  }
  return out;
}

/** Values for a conversion from `from` to `to`: float -> int32 stays in range (out-of-range casts are undefined in C++). */
function conversionSampler(from: DType, to: DType): Sampler {
  if (from === "bool") return bools;
  if (from === "int32") return ints(-1000, 1000, { extremes: 0.15 });
  if (to === "int32") return floats({ scale: 1000, specials: [0, -0, 0.5, -0.5, 0.7, -0.7, 2.5, -2.5, 2147483647, -2147483648, 1e9] });
  // 1e300 and 1e-50 overflow and underflow float32; NaN and -0 test bool conversion.
  return floats({ specials: [0, -0, NaN, Infinity, -Infinity, 1e300, -1e300, 1e-50, 0.1, 3.4028235677973366e38, 1.401298464324817e-45] });
}

function copyCases(from: DType, gen: Generator): Case[] {
  const out: Case[] = [];
  for (const to of DTYPES) {
    const sample = conversionSampler(from, to);
    for (const shape of EW_SHAPES) {
      for (const layout of LAYOUTS) {
        const x = makeView(gen, from, shape, layout, sample);
        out.push({
          label: `${from}->${to} ${sh(shape)} x ${layout}`, outShape: shape, precision: "exact", inputs: { x }, elementwise: true,
          call: (b) => b.copy(x, to),
        });
      }
    }
  }
  return out;
}

// Destinations are real (non-overlapping) views; sources may broadcast.
const ASSIGN_PAIRS: readonly (readonly [Layout, Layout])[] = [
  ["contiguous", "contiguous"], ["offset", "broadcast"], ["transposed", "scalar"], ["stepped", "transposed"], ["mixed", "stepped"],
  ["stepped", "broadcast2"],
];

function assignCases(to: DType, gen: Generator): Case[] {
  const out: Case[] = [];
  for (const from of DTYPES) {
    const sample = conversionSampler(from, to);
    for (const shape of EW_SHAPES) {
      for (const [ld, ls] of ASSIGN_PAIRS) {
        const dst = makeView(gen, to, shape, ld, conversionSampler(to, to));
        const src = makeView(gen, from, shape, ls, sample);
        // The output is dst's whole buffer: assigned elements and untouched poison alike.
        out.push({
          label: `${from} into ${to} ${sh(shape)} dst ${ld}, src ${ls}`, outShape: [dst.data.length], precision: "exact", inputs: { dst, src },
          call: (b) => { const d = cloneView(dst); b.assign(d, src); return d.data; },
        });
      }
    }
  }
  return out;
}

// ---- fused in-place kernels (ops helper) ---------------------------------------------------

// dst layouts never overlap themselves; src may broadcast. Alphas: the unit step, a rounding
// one (-0.01 is not a float32), zero, and an integer (int32 products that wrap).
const AXPY_PAIRS: readonly (readonly [Layout, Layout])[] = [
  ["contiguous", "contiguous"], ["contiguous", "broadcast"], ["offset", "scalar"], ["transposed", "contiguous"],
  ["contiguous", "transposed"], ["stepped", "broadcast2"], ["mixed", "stepped"],
];

function axpyCases(dtype: DType, gen: Generator): Case[] {
  const out: Case[] = [];
  const sample = dtype === "int32" ? ints(-1000, 1000, { extremes: 0.15 }) : floats();
  const alphas = dtype === "int32" ? [1, -1, 0, 46341, 2.5e9] : [1, -1, -0.01, 0, 3.7];
  for (const shape of EW_SHAPES) {
    for (const [ld, ls] of AXPY_PAIRS) {
      for (const alpha of alphas) {
        const dst = makeView(gen, dtype, shape, ld, sample);
        const src = makeView(gen, dtype, shape, ls, sample);
        // The output is dst's whole buffer: updated elements and untouched poison alike.
        out.push({
          label: `${dtype} ${sh(shape)} alpha ${alpha} dst ${ld}, src ${ls}`, outShape: [dst.data.length], precision: "exact", inputs: { dst, src },
          call: (b) => { const d = cloneView(dst); b.axpy(d, src, alpha); return d.data; },
        });
      }
    }
  }
  // src the very view it updates (x += alpha * x).
  for (const alpha of alphas) {
    const dst = makeView(gen, dtype, [5, 19], "stepped", sample);
    out.push({
      label: `${dtype} [5,19] alpha ${alpha} src is dst`, outShape: [dst.data.length], precision: "exact", inputs: { dst },
      call: (b) => { const d = cloneView(dst); b.axpy(d, d, alpha); return d.data; },
    });
  }
  return out;
}
// ---- end fused in-place kernels ----

// ---- reductions and scans ----------------------------------------------------------------

/** Reduction shapes with their axis sets: none, each single axis, pairs (adjacent or not), all. */
const REDUCE_SHAPES: readonly Shape[] = [[], [1], [7], [0], [3, 4], [1, 5], [4, 1, 3], [2, 0, 3], [2, 3, 4], [3, 33], [2, 3, 2, 3]];

function axisSets(shape: Shape): number[][] {
  const nd = shape.length;
  const all = Array.from({ length: nd }, (_, i) => i);
  const sets: number[][] = [[], ...all.map((d) => [d])];
  if (nd >= 3) sets.push([0, 2], [1, 2], [0, 1]);
  if (nd >= 4) sets.push([1, 3], [0, 2, 3]);
  if (nd >= 2) sets.push(all);
  return sets;
}

const REDUCE_LAYOUTS: readonly Layout[] = ["contiguous", "offset", "transposed", "stepped", "broadcast", "mixed"];

function reducePlans(op: ReduceOp): Plan[] {
  // NaN rarely, so most groups still have an ordinary answer.
  const rareNaN = floats({ special: 0.03, specials: [NaN, Infinity, -Infinity, -0], ints: 0.3 });
  switch (op) {
    case "sum":
      return [
        { inDtype: "float32", outDtype: "float32", sample: floats({ special: 0.01 }) }, { inDtype: "float64", outDtype: "float64", sample: floats({ special: 0.01 }) },
        { inDtype: "int32", outDtype: "int32", sample: ints(-1000, 1000) }, { inDtype: "bool", outDtype: "int32", sample: bools },
      ];
    case "sumsq":
      // int32 up to 70000 in magnitude: some squares wrap, as square() wraps them.
      return [
        { inDtype: "float32", outDtype: "float32", sample: floats({ special: 0.01 }) }, { inDtype: "float64", outDtype: "float64", sample: floats({ special: 0.01 }) },
        { inDtype: "int32", outDtype: "int32", sample: ints(-70000, 70000) }, { inDtype: "bool", outDtype: "int32", sample: bools },
      ];
    case "prod":
      return [
        { inDtype: "float32", outDtype: "float32", sample: productFloats }, { inDtype: "float64", outDtype: "float64", sample: productFloats },
        { inDtype: "int32", outDtype: "int32", sample: productInts }, { inDtype: "bool", outDtype: "int32", sample: (g) => (g.uniform() < 0.9 ? 1 : 0) },
      ];
    default:
      return [
        { inDtype: "float32", outDtype: "float32", sample: rareNaN }, { inDtype: "float64", outDtype: "float64", sample: rareNaN },
        { inDtype: "int32", outDtype: "int32", sample: ints(-100, 100, { extremes: 0.1 }) }, { inDtype: "bool", outDtype: "bool", sample: (g) => (g.uniform() < 0.2 ? 1 : 0) },
      ];
  }
}

function reduceCases(op: ReduceOp, gen: Generator): Case[] {
  const out: Case[] = [];
  for (const p of reducePlans(op)) {
    for (const shape of REDUCE_SHAPES) {
      for (const axes of axisSets(shape)) {
        const outShape = shape.filter((_, d) => !axes.includes(d));
        // max/min of an empty group has no value (PyTorch raises); the ops layer rejects it.
        if ((op === "max" || op === "min") && axes.some((d) => shape[d] === 0) && outShape.every((s) => s > 0)) continue;
        for (const layout of REDUCE_LAYOUTS) {
          const x = makeView(gen, p.inDtype, shape, layout, p.sample);
          const precision: Precision = op === "max" || op === "min" ? "exact" : "accumulate";
          out.push({
            label: `${p.inDtype}->${p.outDtype} ${sh(shape)} axes [${axes.join(",")}] x ${layout}`, outShape, precision, inputs: { x },
            call: (b) => b.reduce(op, x, axes, p.outDtype),
            scale: op === "sum" ? () => referenceBackend.reduce("sum", absView(x), axes, "float64") : undefined,
          });
        }
      }
    }
  }
  return out;
}

const ARG_SHAPES: readonly Shape[] = [[1], [7], [3, 4], [4, 1, 3], [2, 3, 4], [0, 3], [2, 0], [3, 33]];

function argReduceCases(op: ArgReduceOp, gen: Generator): Case[] {
  const out: Case[] = [];
  // Ties (small integers) must give the first index; the first NaN wins both argmax and argmin.
  const f = floats({ special: 0.04, specials: [NaN, Infinity, -Infinity, -0, 0], ints: 0.4 });
  const plans: [DType, Sampler][] = [["float32", f], ["float64", f], ["int32", ints(-3, 3, { extremes: 0.1 })], ["bool", bools]];
  for (const [dt, sample] of plans) {
    for (const shape of ARG_SHAPES) {
      for (let axis = 0; axis < shape.length; axis++) {
        if (shape[axis] === 0) continue; // no index to return; PyTorch raises
        for (const layout of REDUCE_LAYOUTS) {
          const x = makeView(gen, dt, shape, layout, sample);
          out.push({
            label: `${dt} ${sh(shape)} axis ${axis} x ${layout}`, outShape: shape.filter((_, d) => d !== axis), precision: "exact", inputs: { x },
            call: (b) => b.argReduce(op, x, axis),
          });
        }
      }
    }
  }
  return out;
}

const SCAN_SHAPES: readonly Shape[] = [[1], [7], [0], [3, 4], [4, 1, 3], [2, 0, 3], [2, 3, 4], [3, 33]];

function scanCases(op: ScanOp, gen: Generator): Case[] {
  const out: Case[] = [];
  const plans: Plan[] = op === "cumsum"
    ? [
      { inDtype: "float32", outDtype: "float32", sample: floats({ special: 0.01 }) }, { inDtype: "float64", outDtype: "float64", sample: floats({ special: 0.01 }) },
      { inDtype: "int32", outDtype: "int32", sample: ints(-1000, 1000, { extremes: 0.05 }) }, { inDtype: "bool", outDtype: "int32", sample: bools },
    ]
    : [
      { inDtype: "float32", outDtype: "float32", sample: productFloats }, { inDtype: "float64", outDtype: "float64", sample: productFloats },
      { inDtype: "int32", outDtype: "int32", sample: productInts }, { inDtype: "bool", outDtype: "int32", sample: (g) => (g.uniform() < 0.9 ? 1 : 0) },
    ];
  for (const p of plans) {
    for (const shape of SCAN_SHAPES) {
      for (let axis = 0; axis < shape.length; axis++) {
        for (const layout of REDUCE_LAYOUTS) {
          const x = makeView(gen, p.inDtype, shape, layout, p.sample);
          out.push({
            label: `${p.inDtype}->${p.outDtype} ${sh(shape)} axis ${axis} x ${layout}`, outShape: shape, precision: "accumulate", inputs: { x },
            call: (b) => b.scan(op, x, axis, p.outDtype),
            scale: op === "cumsum" ? () => referenceBackend.scan("cumsum", absView(x), axis, "float64") : undefined,
          });
        }
      }
    }
  }
  return out;
}

// ---- matmul --------------------------------------------------------------------------------

interface MatmulSpec {
  readonly batch: Shape;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly a?: LayoutSpec;
  readonly b?: LayoutSpec;
  readonly aName?: string;
  readonly bName?: string;
}

function matmulCase(gen: Generator, s: MatmulSpec, aDtype: DType, bDtype: DType, outDtype: DType): Case {
  const sample = (dt: DType): Sampler => (dt === "int32" ? ints(-9, 9) : floats({ special: 0, ints: 0.05 }));
  const a = makeView(gen, aDtype, [...s.batch, s.m, s.k], s.a ?? {}, sample(aDtype));
  const b = makeView(gen, bDtype, [...s.batch, s.k, s.n], s.b ?? {}, sample(bDtype));
  const args: MatmulArgs = { batch: s.batch, m: s.m, n: s.n, k: s.k };
  const dims = `${s.batch.length ? `batch ${sh(s.batch)} ` : ""}m=${s.m} k=${s.k} n=${s.n}`;
  return {
    label: `${aDtype}x${bDtype}->${outDtype} ${dims} a ${s.aName ?? "contiguous"}, b ${s.bName ?? "contiguous"}`,
    outShape: [...s.batch, s.m, s.n], precision: "accumulate", inputs: { a, b },
    call: (bk) => bk.matmul(a, b, args, outDtype),
    scale: () => referenceBackend.matmul(absView(a), absView(b), args, "float64"),
  };
}

// Sizes around the js kernel's blocks (MR=NR=4, MC=64, KC=256, NC=512) and odd ones.
const MATMUL_SIZES: readonly [number, number, number][] = [
  [1, 1, 1], [1, 3, 1], [3, 1, 3], [3, 17, 5], [17, 3, 65], [65, 130, 3], [130, 17, 65], [1, 130, 1], [130, 1, 130],
  [17, 65, 17], [5, 0, 4], [0, 3, 4], [3, 4, 0], [4, 257, 5], [66, 5, 3], [2, 3, 513], [130, 130, 130],
];

function matmulSizeCases(gen: Generator): Case[] {
  const out: Case[] = [];
  for (const dt of ["float32", "float64"] as const) {
    for (const [m, k, n] of MATMUL_SIZES) out.push(matmulCase(gen, { batch: [], m, k, n }, dt, dt, dt));
  }
  return out;
}

const T: LayoutSpec = { perm: [1, 0], offset: 1 };
const MATRIX_LAYOUTS: readonly [string, LayoutSpec][] = [
  ["transposed", T], ["stepped", { step: 2, offset: 3 }], ["offset", { offset: 5, oddOnes: true }],
  ["rows broadcast", { zero: [true, false] }], ["cols broadcast", { zero: [false, true] }],
  ["transposed+stepped", { perm: [1, 0], step: 3, offset: 7, oddOnes: true }],
];

function matmulStridedCases(gen: Generator): Case[] {
  const out: Case[] = [];
  const sizes: [number, number, number][] = [[1, 1, 1], [5, 4, 3], [17, 65, 3], [3, 17, 65], [65, 3, 17], [1, 130, 1], [130, 5, 1], [66, 257, 5]];
  const pairs: [number, number][] = [[0, -1], [-1, 0], [0, 0], [1, 2], [5, 1], [3, 5], [2, 4], [4, 3]];
  const spec = (i: number): [string, LayoutSpec] => (i < 0 ? ["contiguous", {}] : MATRIX_LAYOUTS[i]);
  for (const dt of ["float32", "float64"] as const) {
    for (const [m, k, n] of sizes) {
      for (const [ia, ib] of pairs) {
        const [aName, a] = spec(ia), [bName, b] = spec(ib);
        out.push(matmulCase(gen, { batch: [], m, k, n, a, b, aName, bName }, dt, dt, dt));
      }
    }
  }
  return out;
}

function matmulBatchedCases(gen: Generator): Case[] {
  const out: Case[] = [];
  const specs: MatmulSpec[] = [];
  for (const [m, k, n] of [[3, 5, 4], [17, 3, 5], [5, 65, 2], [1, 1, 1], [4, 0, 3]] as const) {
    specs.push(
      { batch: [2], m, k, n },
      { batch: [1], m, k, n },
      { batch: [0], m, k, n },
      // Batch dims broadcast with stride 0, as matmul's batch broadcasting produces them.
      { batch: [2, 3], m, k, n, a: { zero: [false, true, false, false] }, b: { zero: [true, false, false, false] }, aName: "batch dim 1 broadcast", bName: "batch dim 0 broadcast" },
      { batch: [4], m, k, n, a: { zero: [true, false, false], offset: 2 }, b: { step: 2, offset: 1 }, aName: "one matrix for all", bName: "stepped" },
      { batch: [3], m, k, n, a: { perm: [0, 2, 1] }, b: { perm: [2, 1, 0], offset: 3 }, aName: "inner transposed", bName: "fully transposed" },
      { batch: [2, 2], m, k, n, a: { perm: [3, 2, 1, 0], step: 2, offset: 1 }, b: { perm: [1, 0, 3, 2], oddOnes: true }, aName: "reversed+stepped", bName: "batch dims swapped" },
    );
  }
  for (const dt of ["float32", "float64"] as const) for (const s of specs) out.push(matmulCase(gen, s, dt, dt, dt));
  return out;
}

function matmulDtypeCases(gen: Generator): Case[] {
  const out: Case[] = [];
  // The ops layer passes operands of different dtypes unconverted, with the promoted output dtype.
  const combos: [DType, DType, DType][] = [
    ["int32", "int32", "int32"], ["float32", "float64", "float64"], ["float64", "float32", "float64"],
    ["int32", "float32", "float32"], ["float64", "int32", "float64"],
  ];
  for (const [da, db, dout] of combos) {
    for (const [m, k, n] of [[5, 7, 3], [17, 65, 3], [3, 130, 17], [1, 1, 1], [4, 0, 2]] as const) {
      out.push(matmulCase(gen, { batch: [], m, k, n }, da, db, dout));
      out.push(matmulCase(gen, { batch: [2], m, k, n, a: { perm: [0, 2, 1] }, b: { perm: [2, 1, 0], step: 2 }, aName: "inner transposed", bName: "transposed+stepped" }, da, db, dout));
    }
  }
  return out;
}

// A bias added to every row once each sum is complete (linear's bias): the native kernel adds it
// in the micro-kernel's last store, or as a pass of its own for gemv, narrow (swapped) and
// depth-split products; 130 x 257 x 130 splits over threads.
function matmulBiasCases(gen: Generator): Case[] {
  const out: Case[] = [];
  const sizes: [number, number, number][] = [
    [1, 1, 1], [5, 7, 3], [1, 130, 17], [17, 65, 1], [40, 33, 5], [17, 65, 33], [130, 257, 130], [6, 4100, 30], [4, 0, 3], [26, 300, 50],
  ];
  const biasLayouts: [string, LayoutSpec][] = [["contiguous", {}], ["stepped", { step: 2, offset: 3 }]];
  for (const dt of ["float32", "float64"] as const) {
    for (const [m, k, n] of sizes) {
      for (const [bn, bl] of biasLayouts) {
        for (const [an, al] of [["contiguous", {}], ["transposed", T]] as [string, LayoutSpec][]) {
          const a = makeView(gen, dt, [m, k], al, floats({ special: 0, ints: 0.05 }));
          const b = makeView(gen, dt, [k, n], {}, floats({ special: 0, ints: 0.05 }));
          const bias = makeView(gen, dt, [n], bl, floats({ special: 0, ints: 0.05 }));
          const args: MatmulArgs = { batch: [], m, n, k, bias };
          out.push({
            label: `${dt} m=${m} k=${k} n=${n} a ${an}, bias ${bn}`, outShape: [m, n], precision: "accumulate", inputs: { a, b, bias },
            call: (bk) => bk.matmul(a, b, args, dt),
            scale: () => referenceBackend.matmul(absView(a), absView(b), { batch: [], m, n, k, bias: absView(bias) }, "float64"),
          });
        }
      }
    }
  }
  // Batched (one bias for every product) and int32.
  for (const dt of ["float32", "int32"] as const) {
    const sample = dt === "int32" ? ints(-9, 9) : floats({ special: 0, ints: 0.05 });
    const a = makeView(gen, dt, [3, 17, 20], {}, sample), b = makeView(gen, dt, [3, 20, 18], { perm: [0, 2, 1] }, sample);
    const bias = makeView(gen, dt, [18], {}, sample);
    const args: MatmulArgs = { batch: [3], m: 17, n: 18, k: 20, bias };
    out.push({
      label: `${dt} batch [3] m=17 k=20 n=18, b inner transposed`, outShape: [3, 17, 18], precision: "accumulate", inputs: { a, b, bias },
      call: (bk) => bk.matmul(a, b, args, dt),
      scale: () => referenceBackend.matmul(absView(a), absView(b), { ...args, bias: absView(bias) }, "float64"),
    });
  }
  return out;
}

// Accumulating into an existing array (C += A B (+ bias), a weight's .grad): every path of the
// native kernel with its first slice adding to C (gemv, narrow, depth-split, KC slices, threads).
function matmulIntoCases(gen: Generator): Case[] {
  const out: Case[] = [];
  const sizes: [number, number, number][] = [[1, 40, 17], [17, 40, 1], [5, 7, 3], [40, 33, 5], [6, 4100, 30], [130, 600, 130], [3, 31, 300], [300, 8, 30], [4, 0, 3]];
  for (const dt of ["float32", "float64"] as const) {
    for (const [m, k, n] of sizes) {
      for (const withBias of [false, true]) {
        const a = makeView(gen, dt, [m, k], T, floats({ special: 0, ints: 0.05 }));
        const b = makeView(gen, dt, [k, n], {}, floats({ special: 0, ints: 0.05 }));
        const bias = withBias ? makeView(gen, dt, [n], {}, floats({ special: 0, ints: 0.05 })) : undefined;
        const start = makeView(gen, dt, [m, n], {}, floats({ special: 0, ints: 0.05 }));
        const init = start.data.slice(start.offset, start.offset + m * n) as TypedArray;
        out.push({
          label: `${dt} m=${m} k=${k} n=${n} a transposed${withBias ? " + bias" : ""}, into a filled array`, outShape: [m, n], precision: "accumulate",
          inputs: bias ? { a, b, bias } : { a, b },
          // Each call starts from the same values; the array handed in must be the one returned.
          call: (bk) => {
            const into = init.slice();
            const r = bk.matmul(a, b, { batch: [], m, n, k, bias, into }, dt);
            if (r !== into) throw new Error("matmul did not return the array it accumulated into");
            return r;
          },
          scale: () => {
            const s = referenceBackend.matmul(absView(a), absView(b), { batch: [], m, n, k, bias: bias && absView(bias) }, "float64");
            return Array.from(s, (v, i) => v + Math.abs(init[i] as number));
          },
        });
      }
    }
  }
  return out;
}

// ---- indexing -------------------------------------------------------------------------------

const INDEX_SHAPES: readonly Shape[] = [[5], [4, 3], [2, 3, 4], [3, 0, 2], [1, 4]];
const X_LAYOUTS: readonly Layout[] = ["contiguous", "transposed", "stepped", "broadcast", "mixed"];

/** 1-D int32 index views into a dim of `size`: empty, one, repeated, strided, broadcast. */
function indexVectors(gen: Generator, size: number): [string, View][] {
  const empty = makeView(gen, "int32", [0], "contiguous", () => 0);
  if (size === 0) return [["empty", empty]];
  const pick = ints(0, size - 1);
  return [
    ["empty", empty],
    ["one", vector("int32", [size - 1])],
    ["repeated", makeView(gen, "int32", [7], "contiguous", pick)],
    ["stepped", makeView(gen, "int32", [5], "stepped", pick)],
    ["broadcast", makeView(gen, "int32", [4], "scalar", pick)],
  ];
}

const valueSampler: Record<DType, Sampler> = { float32: floats(), float64: floats(), int32: ints(-1000, 1000, { extremes: 0.1 }), bool: bools };

function indexSelectCases(gen: Generator): Case[] {
  const out: Case[] = [];
  for (const dt of DTYPES) {
    for (const shape of INDEX_SHAPES) {
      for (let axis = 0; axis < shape.length; axis++) {
        for (const [iname, index] of indexVectors(gen, shape[axis])) {
          for (const layout of X_LAYOUTS) {
            const x = makeView(gen, dt, shape, layout, valueSampler[dt]);
            const outShape = shape.map((s, d) => (d === axis ? index.shape[0] : s));
            out.push({
              label: `${dt} ${sh(shape)} axis ${axis} index ${iname} x ${layout}`, outShape, precision: "exact", inputs: { x, index },
              call: (b) => b.indexSelect(x, axis, index, dt),
            });
          }
        }
      }
    }
  }
  return out;
}

const ADD_LAYOUTS: readonly Layout[] = ["contiguous", "transposed", "stepped", "broadcast", "scalar", "mixed"];
const ADD_SAMPLERS: Record<"float32" | "float64" | "int32", Sampler> = { float32: floats({ special: 0.01 }), float64: floats({ special: 0.01 }), int32: ints(-1000, 1000, { extremes: 0.05 }) };

function indexAddCases(gen: Generator): Case[] {
  const out: Case[] = [];
  for (const dt of ["float32", "float64", "int32"] as const) {
    for (const outShape of INDEX_SHAPES) {
      for (let axis = 0; axis < outShape.length; axis++) {
        for (const [iname, index] of indexVectors(gen, outShape[axis])) {
          const srcShape = outShape.map((s, d) => (d === axis ? index.shape[0] : s));
          for (const layout of ADD_LAYOUTS) {
            const src = makeView(gen, dt, srcShape, layout, ADD_SAMPLERS[dt]);
            out.push({
              label: `${dt} out ${sh(outShape)} axis ${axis} index ${iname} src ${layout}`, outShape, precision: "accumulate", inputs: { index, src },
              call: (b) => b.indexAdd(outShape, axis, index, src, dt),
              scale: () => referenceBackend.indexAdd(outShape, axis, index, absView(src), "float64"),
            });
          }
        }
      }
    }
  }
  return out;
}

/** [x shape, axis, index shape]: index sizes are <= x's off the axis, any size along it. */
const GATHER_SPECS: readonly [Shape, number, Shape][] = [
  [[5], 0, [7]], [[4, 3], 0, [2, 3]], [[4, 3], 1, [4, 5]], [[4, 3], 1, [3, 2]], [[2, 3, 4], 2, [2, 2, 6]],
  [[2, 3, 4], 0, [5, 3, 4]], [[2, 3, 4], 1, [1, 4, 3]], [[3, 4], 0, [0, 4]], [[3, 4], 1, [3, 0]], [[1, 1], 1, [1, 3]],
];
const INDEX_LAYOUTS: readonly Layout[] = ["contiguous", "transposed", "stepped", "broadcast"];

function gatherCases(gen: Generator): Case[] {
  const out: Case[] = [];
  for (const dt of DTYPES) {
    for (const [xShape, axis, iShape] of GATHER_SPECS) {
      for (const il of INDEX_LAYOUTS) {
        for (const xl of X_LAYOUTS) {
          const x = makeView(gen, dt, xShape, xl, valueSampler[dt]);
          const index = makeView(gen, "int32", iShape, il, ints(0, xShape[axis] - 1));
          out.push({
            label: `${dt} x ${sh(xShape)} ${xl} axis ${axis} index ${sh(iShape)} ${il}`, outShape: iShape, precision: "exact", inputs: { x, index },
            call: (b) => b.gather(x, axis, index, dt),
          });
        }
      }
    }
  }
  return out;
}

/** [out shape, axis, index shape, src shape]: index <= src everywhere, index <= out off the axis. */
const SCATTER_SPECS: readonly [Shape, number, Shape, Shape][] = [
  [[5], 0, [7], [7]], [[4, 3], 0, [6, 3], [6, 3]], [[4, 3], 1, [4, 5], [4, 6]], [[4, 3], 1, [2, 2], [3, 3]],
  [[2, 3, 4], 2, [2, 2, 6], [2, 3, 6]], [[2, 3, 4], 0, [5, 3, 4], [5, 3, 4]], [[3, 4], 0, [0, 4], [0, 4]], [[3, 4], 1, [2, 0], [2, 1]],
  [[1], 0, [9], [9]],
];

function scatterAddCases(gen: Generator): Case[] {
  const out: Case[] = [];
  for (const dt of ["float32", "float64", "int32"] as const) {
    for (const [outShape, axis, iShape, sShape] of SCATTER_SPECS) {
      for (const il of INDEX_LAYOUTS) {
        for (const sl of ADD_LAYOUTS) {
          const index = makeView(gen, "int32", iShape, il, ints(0, outShape[axis] - 1));
          const src = makeView(gen, dt, sShape, sl, ADD_SAMPLERS[dt]);
          out.push({
            label: `${dt} out ${sh(outShape)} axis ${axis} index ${sh(iShape)} ${il} src ${sh(sShape)} ${sl}`, outShape, precision: "accumulate", inputs: { index, src },
            call: (b) => b.scatterAdd(outShape, axis, index, src, dt),
            scale: () => referenceBackend.scatterAdd(outShape, axis, index, absView(src), "float64"),
          });
        }
      }
    }
  }
  return out;
}

// ---- the suite -------------------------------------------------------------------------------

/** Every check of the suite, in kernel order. */
export const CHECKS: readonly Check[] = [
  ...UNARY_OPS.map((op) => check("unary", `unary ${op}`, (g) => unaryCases(op, g))),
  ...UNARY_OPS.filter((op) => op !== "logicalNot" && op !== "isnan")
    .map((op) => check("unary", `unary ${op} across the float32 range`, (g) => unaryRangeCases(op, g))),
  ...BINARY_OPS.map((op) => check("binary", `binary ${op}`, (g) => binaryCases(op, g))),
  check("where", "where", whereCases),
  check("where", "where with a float or int32 condition (nonzero and NaN are true)", whereValueCondCases),
  ...(["sum", "prod", "max", "min", "sumsq"] as const).map((op) => check("reduce", `reduce ${op}`, (g) => reduceCases(op, g))),
  ...(["argmax", "argmin"] as const).map((op) => check("argReduce", `argReduce ${op}`, (g) => argReduceCases(op, g))),
  ...(["cumsum", "cumprod"] as const).map((op) => check("scan", `scan ${op}`, (g) => scanCases(op, g))),
  ...DTYPES.map((from) => check("copy", `copy from ${from}`, (g) => copyCases(from, g))),
  ...DTYPES.map((to) => check("assign", `assign into ${to}`, (g) => assignCases(to, g))),
  check("matmul", "matmul sizes", matmulSizeCases),
  check("matmul", "matmul strided operands", matmulStridedCases),
  check("matmul", "matmul batched", matmulBatchedCases),
  check("matmul", "matmul mixed dtypes", matmulDtypeCases),
  check("matmul", "matmul with a bias", matmulBiasCases),
  check("matmul", "matmul accumulating into an array", matmulIntoCases),
  check("indexSelect", "indexSelect", indexSelectCases),
  check("indexAdd", "indexAdd", indexAddCases),
  check("gather", "gather", gatherCases),
  check("scatterAdd", "scatterAdd", scatterAddCases),
  ...(["float32", "float64", "int32"] as const).map((dt) => check("axpy", `axpy ${dt}`, (g) => axpyCases(dt, g))),
];

/**
 * Runs one check by name on a backend and returns its failures (empty when it conforms).
 * @example expect(runCheck(jsBackend, "binary sub")).toEqual([])
 */
export function runCheck(backend: KernelSet, name: string): Failure[] {
  const c = CHECKS.find((x) => x.name === name);
  if (!c) throw new Error(`runCheck: no check named "${name}" (checks: ${CHECKS.map((x) => x.name).join(", ")})`);
  return c.run(backend);
}
