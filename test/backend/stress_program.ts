// Random op sequences ("programs") for the native-vs-js stress test: a seeded generator that
// builds a program while running it on the js backend (the reference), and an executor that
// replays the same program on another backend ("lane"). Every value carries a static bound
// on how far two backends may drift apart on it, propagated op by op from float rounding.

import * as gl from "../../src/index.js";
import type { DType } from "../../src/tensor/dtype.js";
import { allocate, isFloating } from "../../src/tensor/dtype.js";
import { Tensor } from "../../src/tensor/tensor.js";

const F = gl.nn.functional;

/** Unit roundoff-sized steps (one ulp at 1) of each float dtype. */
export const ULP: Record<"float32" | "float64", number> = { float32: 2 ** -23, float64: 2 ** -52 };
// Transcendental functions (exp, tanh, erf...) may differ by a few ulp of the result between
// libm, V8's fdlibm and SIMD approximations.
const ELEMENTWISE_ULPS = 16;
// A sum of n terms in another order (blocks, SIMD lanes, a float32 accumulator) differs by
// at most (ACCUMULATE_ULPS + n / 2) ulp (n unit roundoffs: the textbook bound for recursive
// summation) of the sum of the terms' magnitudes.
const ACCUMULATE_ULPS = 16;

/** How a lane runs a program: its backend, and whether float32 and float64 trade places (the shadow). */
export interface Lane {
  readonly name: string;
  readonly backend: string;
  readonly threads?: number;
  readonly swap?: boolean;
}

/** One value of a program, as the reference (js) produced it. */
export interface Val {
  readonly id: number;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Max |value| of the reference (int magnitudes and domains are kept in range with it). */
  readonly amax: number;
  /** Bound on |native - js| for any element: 0 means bit-identical (exact) results. */
  readonly err: number;
  /** Whether the value is on the autograd graph. */
  readonly grad: boolean;
}

type Run = (ins: Tensor[], lane: LaneCtx) => Tensor;

/** One step of a program: a printable description, the values it reads, and how to run it. */
export interface Step {
  readonly text: string;
  readonly ins: readonly number[];
  readonly run: Run;
  /** A leaf the backward pass differentiates (its gradient is compared). */
  readonly gradLeaf: boolean;
}

export interface LaneCtx {
  dt(d: DType): DType;
}

export interface Program {
  readonly seed: number;
  readonly steps: Step[];
  readonly vals: Val[];
  /** Value ids whose gradients are compared after backward (gradLeaf steps), and the loss's id, or -1. */
  readonly gradLeaves: number[];
  readonly loss: number;
  /** Max |w| of the loss's weights (the scale of the gradient entering the program). */
  readonly lossWeight: number;
  /** Largest element count of any value (bounds every accumulation length in the backward pass). */
  readonly maxNumel: number;
}

/** A small seeded generator (mulberry32): leaf data is drawn by the million, so it must be cheap. */
class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed | 0;
  }
  uniform(): number {
    let t = (this.a = (this.a + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), 1 | t);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [lo, hi). */
  integer(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo));
  }
  normal(): number {
    const u = this.uniform() || 2 ** -32;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
}

/** t in the dtype of `like` (in the shadow lane, dtypes an op promoted without the swap can disagree). */
const same = (t: Tensor, like: Tensor) => (t.dtype === like.dtype ? t : gl.cast(t, like.dtype));
const numel = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const ulpOf = (d: DType) => (d === "float64" ? ULP.float64 : d === "float32" ? ULP.float32 : 0);
const fmt = (s: readonly number[]) => `[${s.join(",")}]`;

/** Max |x| over a tensor's elements (NaN ignored). */
export function amaxOf(t: Tensor): number {
  const d = t.dataSync();
  let m = 0;
  for (let i = 0; i < d.length; i++) {
    const a = Math.abs(d[i]);
    if (a > m) m = a;
  }
  return m;
}
function aminOf(t: Tensor): number {
  const d = t.dataSync();
  let m = Infinity;
  for (let i = 0; i < d.length; i++) m = Math.min(m, Math.abs(d[i]));
  return m;
}

/** Runs f with the given backend current (and thread count, for the native one). */
export function onLane<T>(lane: Lane, f: () => T): T {
  const before = gl.getBackend();
  const threads = gl.getNumThreads();
  gl.setBackend(lane.backend);
  if (lane.threads) gl.setNumThreads(lane.threads);
  try {
    return f();
  } finally {
    gl.setBackend(before);
    if (lane.threads) gl.setNumThreads(threads);
  }
}

export const JS_LANE: Lane = { name: "js", backend: "js" };
const refCtx: LaneCtx = { dt: (d) => d };
export function laneCtx(lane: Lane): LaneCtx {
  return { dt: (d) => (!lane.swap ? d : d === "float32" ? "float64" : d === "float64" ? "float32" : d) };
}

/** A leaf of the given values (rounded to the dtype), optionally requiring grad. */
function makeLeaf(values: Float64Array, shape: readonly number[], dtype: DType, requiresGrad: boolean): Tensor {
  const a = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) a[i] = values[i];
  const t = Tensor.fromArray(a, shape, dtype);
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

// Where sizes land: small calls run on js inside the shipped native backend (<= 64
// elements), medium ones in C++ on one thread, large ones split over threads (>= 8192
// elements for costly elementwise ops, 65536 for cheap ones).
type SizeClass = "small" | "medium" | "large";

/** A shape of `nd` dims with about `target` elements. */
function shapeNear(g: Rng, nd: number, target: number): number[] {
  const s: number[] = [];
  let left = Math.max(1, target);
  for (let d = 0; d < nd; d++) {
    const rest = nd - d;
    const ideal = Math.max(1, Math.round(left ** (1 / rest)));
    const v = d === nd - 1 ? ideal : Math.max(1, Math.round(ideal * (0.5 + g.uniform())));
    s.push(v);
    left = Math.max(1, left / v);
  }
  return s;
}

const VALUE_CAP = 75_000;
const MAC_CAP = 150_000;

/**
 * Builds a program from a seed, running each step on the js backend as it goes (so the
 * choice of later steps can use shapes, dtypes and magnitudes), and returns it with the
 * reference tensors.
 */
export function generate(seed: number): { program: Program; ref: Tensor[]; refGrads: (Tensor | null)[] } {
  const g = new Rng(seed * 7919 + 17);
  const steps: Step[] = [];
  const vals: Val[] = [];
  const ref: Tensor[] = [];
  const gradLeaves: number[] = [];
  const u = () => g.uniform();
  const int = (lo: number, hi: number) => g.integer(lo, hi + 1);
  const pick = <T>(xs: readonly T[]): T => xs[g.integer(0, xs.length)];

  const startDtype: DType = u() < 0.55 ? "float32" : u() < 0.4 ? "float64" : u() < 0.7 ? "int32" : "bool";
  const recording = isFloating(startDtype) && u() < 0.8;

  /** Runs a step on the reference lane and records it; err is computed from the reference output. */
  function emit(text: string, ins: number[], run: Run, err: (out: Tensor, inT: Tensor[]) => number, gradLeaf = false): Val {
    const inT = ins.map((i) => ref[i]);
    const out = onLane(JS_LANE, () => run(inT, refCtx));
    const id = vals.length;
    const e = isFloating(out.dtype) ? err(out, inT) : 0;
    const v: Val = { id, dtype: out.dtype, shape: out.shape.slice(), amax: amaxOf(out), err: Number.isFinite(e) ? e : Infinity, grad: out.requiresGrad };
    steps.push({ text: `v${id} = ${text.replace(/#(\d+)/g, "v$1")}`, ins, run, gradLeaf });
    vals.push(v);
    ref.push(out);
    if (gradLeaf) gradLeaves.push(id);
    return v;
  }

  /** Random leaf values of a dtype (float32 ones rounded so every lane starts from the same numbers). */
  function values(n: number, dtype: DType, kind: "normal" | "positive" | "divisor" | "index" = "normal", hi = 0): Float64Array {
    const out = new Float64Array(n);
    const scale = pick([0.5, 1, 2]);
    const grid = u() < 0.2; // multiples of 1/8: ties for max/argmax and exact sums
    for (let i = 0; i < n; i++) {
      let v: number;
      if (kind === "index") v = g.integer(0, hi);
      else if (dtype === "bool") v = u() < 0.5 ? 1 : 0;
      else if (dtype === "int32") v = kind === "divisor" ? (u() < 0.5 ? -1 : 1) * int(1, 5) : int(-20, 20);
      else if (kind === "divisor") v = (u() < 0.5 ? -1 : 1) * (0.5 + 1.5 * u());
      else {
        v = g.normal() * scale;
        if (kind === "positive") v = Math.abs(v) + 0.5;
        if (grid) v = Math.round(v * 8) / 8;
      }
      out[i] = dtype === "float32" ? Math.fround(v) : v;
    }
    return out;
  }

  type Layout = "contiguous" | "transposed" | "stepped" | "expanded";
  /** A fresh leaf, possibly reached through a view (transposed, stepped, broadcast) of its storage. */
  function fresh(shape: number[], dtype: DType, opts: { kind?: "normal" | "positive" | "divisor" | "index"; hi?: number; layout?: Layout; grad?: boolean } = {}): Val {
    const grad = (opts.grad ?? recording) && isFloating(dtype) && opts.kind !== "index";
    const nd = shape.length;
    let layout: Layout = opts.layout ?? (u() < 0.6 ? "contiguous" : pick(["transposed", "stepped", "expanded"] as const));
    if (nd < 2 && layout === "transposed") layout = "stepped";
    if (nd === 0) layout = "contiguous";
    const kind = opts.kind ?? "normal";
    const dt = dtype;
    if (layout === "contiguous") {
      const data = values(numel(shape), dtype, kind, opts.hi);
      return emit(`leaf ${dt}${fmt(shape)}${kind !== "normal" ? ` ${kind}` : ""}${grad ? " grad" : ""}`, [],
        (_i, L) => makeLeaf(data, shape, L.dt(dt), grad), () => 0, grad);
    }
    if (layout === "transposed") {
      const bs = shape.slice();
      [bs[nd - 1], bs[nd - 2]] = [bs[nd - 2], bs[nd - 1]];
      const data = values(numel(bs), dtype, kind, opts.hi);
      const base = emit(`leaf ${dt}${fmt(bs)}${kind !== "normal" ? ` ${kind}` : ""}${grad ? " grad" : ""}`, [],
        (_i, L) => makeLeaf(data, bs, L.dt(dt), grad), () => 0, grad);
      return emit(`#${base.id}.transpose(-1, -2)`, [base.id], ([x]) => x.transpose(-1, -2), () => 0);
    }
    if (layout === "stepped") {
      const bs = shape.slice();
      const d = int(0, nd - 1);
      bs[d] = shape[d] * 2 + 1;
      const data = values(numel(bs), dtype, kind, opts.hi);
      const base = emit(`leaf ${dt}${fmt(bs)}${kind !== "normal" ? ` ${kind}` : ""}${grad ? " grad" : ""}`, [],
        (_i, L) => makeLeaf(data, bs, L.dt(dt), grad), () => 0, grad);
      return emit(`#${base.id}.slice(${d}, 1, null, 2)`, [base.id], ([x]) => x.slice(d, 1, null, 2), () => 0);
    }
    const bs = shape.slice();
    const d = int(0, nd - 1);
    bs[d] = 1;
    const data = values(numel(bs), dtype, kind, opts.hi);
    const base = emit(`leaf ${dt}${fmt(bs)}${kind !== "normal" ? ` ${kind}` : ""}${grad ? " grad" : ""}`, [],
      (_i, L) => makeLeaf(data, bs, L.dt(dt), grad), () => 0, grad);
    return emit(`#${base.id}.expand(${fmt(shape)})`, [base.id], ([x]) => x.expand(shape), () => 0);
  }

  // ---- the first value ----------------------------------------------------------------
  const sizeClass: SizeClass = u() < 0.2 ? "small" : u() < 0.9 ? "medium" : "large";
  const target = sizeClass === "small" ? int(1, 64) : sizeClass === "medium" ? int(65, 2000) : int(8192, 70_000);
  const image = isFloating(startDtype) && u() < 0.3;
  let first: Val;
  if (image) {
    const n = int(1, 4), c = int(1, 6);
    const hw = Math.max(4, Math.round(Math.sqrt(target / (n * c))));
    first = fresh([n, c, Math.min(hw, 40), Math.min(hw + int(-2, 2), 40)], startDtype);
  } else {
    first = fresh(shapeNear(g, int(1, 4), target), startDtype);
  }
  let cur = first;

  // ---- error propagation helpers ------------------------------------------------------
  /** Error of a correctly rounded op: none when its inputs agree bit for bit, else L * err + 1 ulp. */
  const rounded = (out: Tensor, propagated: number) => (propagated === 0 ? 0 : propagated + ulpOf(out.dtype) * amaxOf(out));
  const elementwise = (out: Tensor, propagated: number, extra = 0) => propagated + ELEMENTWISE_ULPS * ulpOf(out.dtype) * (amaxOf(out) + extra);
  const accumulate = (dtype: DType, n: number, magnitude: number) => (ACCUMULATE_ULPS + n / 2) * ulpOf(dtype) * magnitude;
  /** Reference-lane computation of a magnitude (|a||b| products and the like), off the graph. */
  const onRef = (f: () => Tensor) => amaxOf(onLane(JS_LANE, () => gl.noGrad(f)));

  // ---- the ops: each returns the new value, or null when it does not apply to x ----------
  type Op = (x: Val) => Val | null;
  const fl = (x: Val) => isFloating(x.dtype);

  const views: Op[] = [
    (x) => {
      if (x.shape.length < 2) return null;
      const nd = x.shape.length, a = int(0, nd - 1);
      let b = int(0, nd - 1);
      if (b === a) b = (a + 1) % nd;
      return emit(`#${x.id}.transpose(${a}, ${b})`, [x.id], ([t]) => t.transpose(a, b), () => x.err);
    },
    (x) => {
      if (x.shape.length < 2) return null;
      const p = x.shape.map((_, i) => i);
      for (let i = p.length - 1; i > 0; i--) { const j = int(0, i); [p[i], p[j]] = [p[j], p[i]]; }
      return emit(`#${x.id}.permute(${p})`, [x.id], ([t]) => t.permute(p), () => x.err);
    },
    (x) => {
      const d = int(0, x.shape.length - 1), n = x.shape[d];
      if (n < 2) return null;
      const step = pick([1, 2, 3]), start = int(0, Math.min(2, n - 1)), end = u() < 0.5 ? null : int(start + 1, n);
      return emit(`#${x.id}.slice(${d}, ${start}, ${end}, ${step})`, [x.id], ([t]) => t.slice(d, start, end, step), () => x.err);
    },
    (x) => {
      if (x.shape.length < 2) return null;
      const d = int(0, x.shape.length - 1), i = int(0, x.shape[d] - 1);
      return emit(`#${x.id}.select(${d}, ${i})`, [x.id], ([t]) => t.select(d, i), () => x.err);
    },
    (x) => {
      if (x.shape.length > 3) return null;
      const d = int(0, x.shape.length), r = int(2, 4);
      if (numel(x.shape) * r > VALUE_CAP) return null;
      const to = x.shape.slice();
      to.splice(d, 0, r);
      return emit(`#${x.id}.unsqueeze(${d}).expand(${fmt(to)})`, [x.id], ([t]) => t.unsqueeze(d).expand(to), () => x.err);
    },
    (x) => {
      if (x.shape.length < 2) return null;
      const a = int(0, x.shape.length - 2);
      return emit(`#${x.id}.flatten(${a}, ${a + 1})`, [x.id], ([t]) => t.flatten(a, a + 1), () => x.err);
    },
    (x) => emit(`#${x.id}.contiguous()`, [x.id], ([t]) => t.contiguous(), () => x.err),
  ];

  /** Another operand broadcastable against x: a scalar, a fresh leaf (some dims 1) or an earlier value. */
  function other(x: Val, opts: { kind?: "normal" | "divisor"; dtype?: DType; allowScalar?: boolean } = {}): { text: string; id: number | null; scalar: number; val: Val | null } {
    const kind = opts.kind ?? "normal";
    if ((opts.allowScalar ?? true) && u() < 0.2) {
      let s = kind === "divisor" ? pick([2, -0.5, 1.5, 3]) : pick([2, -1, 0.5, 1.25, 3]);
      if (x.dtype === "int32" && kind === "divisor") s = pick([2, -3, 5]);
      return { text: String(s), id: null, scalar: s, val: null };
    }
    if (kind === "normal" && u() < 0.25) {
      const cands = vals.filter((v) => v.id !== x.id && v.shape.length <= x.shape.length && v.shape.every((s, i) => s === 1 || s === x.shape[x.shape.length - v.shape.length + i]) && (opts.dtype === undefined || v.dtype === opts.dtype) && v.dtype !== "bool");
      if (cands.length) {
        const v = pick(cands);
        return { text: `#${v.id}`, id: v.id, scalar: 0, val: v };
      }
    }
    const drop = x.shape.length > 1 && u() < 0.3 ? int(1, x.shape.length - 1) : 0;
    const shape = x.shape.slice(drop).map((s) => (u() < 0.3 ? 1 : s));
    const dtype = opts.dtype ?? (x.dtype === "bool" ? "bool" : u() < 0.8 ? x.dtype : pick(["float32", "float64", "int32"] as const));
    const v = fresh(shape, dtype, { kind });
    return { text: `#${v.id}`, id: v.id, scalar: 0, val: v };
  }

  const binaryOp = (name: "add" | "sub" | "mul" | "div" | "maximum" | "minimum"): Op => (x) => {
    if (x.dtype === "bool") return null;
    const o = other(x, { kind: name === "div" ? "divisor" : "normal" });
    const y = o.val;
    if (name === "div" && y && aminOf(ref[y.id]) < 0.25) return null;
    const ym = y ? y.amax : Math.abs(o.scalar);
    if (x.dtype === "int32" && (!y || y.dtype === "int32") && (name === "mul" ? x.amax * ym > 2 ** 20 : x.amax + ym > 2 ** 29)) return null;
    const ye = y ? y.err : 0;
    const fn = gl[name] as (a: Tensor, b: Tensor | number) => Tensor;
    const ins = y ? [x.id, y.id] : [x.id];
    return emit(`${name}(#${x.id}, ${o.text})`, ins, ([a, b]) => fn(a, b ?? o.scalar), (out) => {
      if (name === "maximum" || name === "minimum") return Math.max(x.err, ye);
      if (name === "add" || name === "sub") return rounded(out, x.err + ye);
      if (name === "mul") return rounded(out, x.err * ym + ye * x.amax + x.err * ye);
      const bmin = y ? aminOf(ref[y.id]) : Math.abs(o.scalar);
      return rounded(out, x.err / bmin + (ye * x.amax) / (bmin * bmin));
    });
  };

  const unaryFloat = (name: string, f: (t: Tensor) => Tensor, lip: (x: Val, out: Tensor) => number, extra: (x: Val) => number = () => 0, ok: (x: Val) => boolean = () => true): Op => (x) => {
    if (x.dtype === "bool" || !ok(x)) return null;
    return emit(`${name}(#${x.id})`, [x.id], ([t]) => f(t), (out) => elementwise(out, lip(x, out) * x.err, extra(x)));
  };
  // log, sqrt, rsqrt and reciprocal of |x| + c keep their arguments away from the singular point.
  const shifted = (name: string, c: number, f: (t: Tensor) => Tensor, lip: number): Op => (x) => {
    if (x.dtype === "bool") return null;
    return emit(`${name}(abs(#${x.id}) + ${c})`, [x.id], ([t]) => f(gl.add(gl.abs(t), c)), (out) => {
      const inner = x.err === 0 ? 0 : x.err + ulpOf(out.dtype) * (x.amax + c);
      return elementwise(out, lip * inner, 1);
    });
  };

  const elementwiseOps: Op[] = [
    binaryOp("add"), binaryOp("sub"), binaryOp("mul"), binaryOp("div"), binaryOp("maximum"), binaryOp("minimum"),
    unaryFloat("exp", gl.exp, (_x, out) => amaxOf(out), () => 0, (x) => x.amax <= 8),
    unaryFloat("expm1", gl.expm1, (_x, out) => amaxOf(out) + 1, () => 1, (x) => x.amax <= 8),
    unaryFloat("tanh", gl.tanh, () => 1),
    unaryFloat("sigmoid", gl.sigmoid, () => 0.25),
    unaryFloat("sin", gl.sin, () => 1, (x) => x.amax, (x) => x.amax < 100),
    unaryFloat("cos", gl.cos, () => 1, (x) => x.amax, (x) => x.amax < 100),
    unaryFloat("atan", gl.atan, () => 1, (x) => x.amax),
    unaryFloat("erf", gl.erf, () => 1.13, (x) => x.amax),
    unaryFloat("gelu", (t) => gl.gelu(t), () => 1.13, (x) => 2 * x.amax),
    unaryFloat("pow2", (t) => gl.pow(t, 2), (x) => 2 * x.amax + x.err, () => 0, (x) => x.amax < 1e3),
    unaryFloat("pow3", (t) => gl.pow(t, 3), (x) => 3 * (x.amax + x.err) ** 2, () => 0, (x) => x.amax < 50),
    shifted("log", 1, gl.log, 1),
    shifted("log1p", 0, gl.log1p, 1),
    shifted("sqrt", 0.25, gl.sqrt, 1),
    shifted("rsqrt", 0.5, gl.rsqrt, 1.5),
    shifted("reciprocal", 0.5, gl.reciprocal, 4),
    (x) => x.dtype === "bool" ? null : emit(`neg(#${x.id})`, [x.id], ([t]) => gl.neg(t), () => x.err),
    (x) => x.dtype === "bool" ? null : emit(`abs(#${x.id})`, [x.id], ([t]) => gl.abs(t), () => x.err),
    (x) => x.dtype === "bool" ? null : emit(`relu(#${x.id})`, [x.id], ([t]) => gl.relu(t), () => x.err),
    (x) => x.dtype === "bool" || x.amax > 2 ** 10 ? null : emit(`square(#${x.id})`, [x.id], ([t]) => gl.square(t), (out) => rounded(out, x.err * (2 * x.amax + x.err))),
    (x) => x.dtype === "bool" ? null : emit(`clamp(#${x.id}, -1, 1.5)`, [x.id], ([t]) => gl.clamp(t, -1, 1.5), () => x.err),
    // Discontinuous ops only where both backends hold bit-identical inputs.
    (x) => x.dtype === "bool" || x.err !== 0 ? null : emit(`floor(#${x.id})`, [x.id], ([t]) => gl.floor(t), () => 0),
    (x) => x.dtype === "bool" || x.err !== 0 ? null : emit(`round(#${x.id})`, [x.id], ([t]) => gl.round(t), () => 0),
    (x) => x.dtype === "bool" || x.err !== 0 ? null : emit(`sign(#${x.id})`, [x.id], ([t]) => gl.sign(t), () => 0),
    (x) => {
      if (x.err !== 0 || x.dtype === "bool") return null;
      const o = other(x, { allowScalar: true });
      if (o.val && o.val.err !== 0) return null;
      const cmp = pick(["gt", "lt", "ge", "le", "eq", "ne"] as const);
      return emit(`${cmp}(#${x.id}, ${o.text})`, o.val ? [x.id, o.val.id] : [x.id], ([a, b]) => gl[cmp](a, b ?? o.scalar), () => 0);
    },
    (x) => {
      // where(cond, x, y): cond is an exact bool (an earlier one, or x > 0 when x is exact, or a fresh mask).
      if (x.dtype === "bool") return null;
      const conds = vals.filter((v) => v.dtype === "bool" && v.shape.length <= x.shape.length && v.shape.every((s, i) => s === 1 || s === x.shape[x.shape.length - v.shape.length + i]));
      let c: Val;
      if (conds.length && u() < 0.5) c = pick(conds);
      else if (x.err === 0 && u() < 0.5) c = emit(`gt(#${x.id}, 0)`, [x.id], ([t]) => gl.gt(t, 0), () => 0);
      else c = fresh(x.shape.map((s) => (u() < 0.3 ? 1 : s)), "bool");
      const o = other(x);
      const ins = o.val ? [c.id, x.id, o.val.id] : [c.id, x.id];
      return emit(`where(#${c.id}, #${x.id}, ${o.text})`, ins, ([cc, a, b]) => gl.where(cc, a, b ?? o.scalar), () => Math.max(x.err, o.val ? o.val.err : 0));
    },
    (x) => {
      // Casts: widening is exact; narrowing float64 -> float32 rounds; float -> int truncates (exact inputs only).
      const to = pick(["float32", "float64", "int32", "bool"] as const);
      if (to === x.dtype) return null;
      if (!isFloating(to) && fl(x) && x.err !== 0) return null;
      if (x.grad && !isFloating(to)) return null;
      return emit(`cast(#${x.id}, ${to})`, [x.id], ([t], L) => gl.cast(t, L.dt(to)), (out) => (to === "float32" && x.dtype === "float64" ? rounded(out, x.err) : x.err));
    },
    (x) => {
      // Integer-only division ops (PyTorch semantics for negative operands).
      if (x.dtype !== "int32") return null;
      const op = pick(["floorDivide", "remainder", "fmod"] as const);
      const o = other(x, { kind: "divisor", dtype: "int32" });
      if (o.val && aminOf(ref[o.val.id]) === 0) return null;
      return emit(`${op}(#${x.id}, ${o.text})`, o.val ? [x.id, o.val.id] : [x.id], ([a, b]) => gl[op](a, b ?? o.scalar), () => 0);
    },
    (x) => {
      if (x.dtype !== "bool") return null;
      const op = pick(["logicalAnd", "logicalOr", "logicalXor"] as const);
      const y = fresh(x.shape.map((s) => (u() < 0.3 ? 1 : s)), "bool");
      return emit(`${op}(#${x.id}, #${y.id})`, [x.id, y.id], ([a, b]) => gl[op](a, b), () => 0);
    },
    (x) => x.dtype !== "bool" ? null : emit(`logicalNot(#${x.id})`, [x.id], ([t]) => gl.logicalNot(t), () => 0),
  ];

  /** A random non-empty set of dims of x. */
  const someDims = (x: Val): number[] => {
    const dims = x.shape.map((_, i) => i).filter(() => u() < 0.5);
    return dims.length ? dims : [int(0, x.shape.length - 1)];
  };
  const countOver = (x: Val, dims: number[]) => dims.reduce((p, d) => p * x.shape[d], 1);
  const negDim = (x: Val, d: number) => (u() < 0.3 ? d - x.shape.length : d);

  const reductionOps: Op[] = [
    (x) => {
      if (x.dtype === "bool" && x.grad) return null;
      const dims = someDims(x), keep = u() < 0.4, n = countOver(x, dims);
      if (x.dtype === "int32" && x.amax * n > 2 ** 29) return null;
      return emit(`sum(#${x.id}, [${dims}], ${keep})`, [x.id], ([t]) => gl.sum(t, dims, keep),
        (out) => n * x.err + accumulate(out.dtype, n, onRef(() => gl.sum(gl.abs(ref[x.id]), dims))));
    },
    (x) => {
      if (!fl(x)) return null;
      const dims = someDims(x), keep = u() < 0.4, n = countOver(x, dims);
      return emit(`mean(#${x.id}, [${dims}], ${keep})`, [x.id], ([t]) => gl.mean(t, dims, keep),
        (out) => x.err + accumulate(out.dtype, n, onRef(() => gl.mean(gl.abs(ref[x.id]), dims))) + ulpOf(out.dtype) * amaxOf(out));
    },
    (x) => {
      if (x.dtype === "bool") return null;
      const dims = someDims(x), op = pick(["amax", "amin"] as const);
      return emit(`${op}(#${x.id}, [${dims}])`, [x.id], ([t]) => gl[op](t, dims), () => x.err);
    },
    (x) => {
      if (x.dtype === "bool") return null;
      const d = int(0, x.shape.length - 1), keep = u() < 0.3, which = pick(["max", "min"] as const);
      return emit(`${which}(#${x.id}, ${d}, ${keep}).values`, [x.id], ([t]) => gl[which](t, d, keep).values, () => x.err);
    },
    (x) => {
      // Arg-reductions pick positions: only defined identically when the inputs are bit-identical.
      if (x.dtype === "bool" || x.err !== 0) return null;
      const d = int(0, x.shape.length - 1), op = pick(["argmax", "argmin"] as const);
      return emit(`${op}(#${x.id}, ${d})`, [x.id], ([t]) => gl[op](t, d), () => 0);
    },
    (x) => {
      if (x.dtype === "bool" || (x.dtype === "int32" && x.amax * numel(x.shape) > 2 ** 29)) return null;
      const d = int(0, x.shape.length - 1), n = x.shape[d];
      return emit(`cumsum(#${x.id}, ${negDim(x, d)})`, [x.id], ([t]) => gl.cumsum(t, d),
        (out) => n * x.err + accumulate(out.dtype, n, onRef(() => gl.cumsum(gl.abs(ref[x.id]), d))));
    },
    (x) => {
      if (!fl(x)) return null;
      const d = int(0, x.shape.length - 1), n = x.shape[d], log = u() < 0.4;
      return emit(`${log ? "logSoftmax" : "softmax"}(#${x.id}, ${d})`, [x.id], ([t]) => (log ? gl.logSoftmax(t, d) : gl.softmax(t, d)), (out) => {
        // d softmax = p (dx - sum p dx): at most 2 err; the normaliser's sum has n terms of size <= 1.
        if (log) return 2 * x.err + accumulate(out.dtype, n, 1) + ELEMENTWISE_ULPS * ulpOf(out.dtype) * (amaxOf(out) + 2 * x.amax);
        return 2 * x.err + accumulate(out.dtype, n, 1) + ELEMENTWISE_ULPS * ulpOf(out.dtype);
      });
    },
    (x) => {
      if (!fl(x)) return null;
      const k = x.shape.length >= 2 && u() < 0.3 ? 2 : 1;
      const ns = x.shape.slice(x.shape.length - k), n = numel(ns);
      if (n < 2) return null;
      // Rows of (nearly) equal values are ill-conditioned (1/std amplifies any rounding): not a kernel test.
      const axes = ns.map((_, i) => x.shape.length - k + i);
      const std = onLane(JS_LANE, () => gl.noGrad(() => gl.sqrt(gl.add(gl.var(ref[x.id], axes, { correction: 0 }), 1e-5))));
      const smin = aminOf(std);
      if (smin < 0.05 * x.amax || smin < 1e-2) return null;
      const affine = u() < 0.6;
      const w = affine ? fresh(ns, x.dtype, { layout: "contiguous" }) : null;
      const b = affine && u() < 0.7 ? fresh(ns, x.dtype, { layout: "contiguous" }) : null;
      const ins = [x.id, ...(w ? [w.id] : []), ...(b ? [b.id] : [])];
      return emit(`layerNorm(#${x.id}, ${fmt(ns)}${w ? `, weight #${w.id}` : ""}${b ? `, bias #${b.id}` : ""})`, ins,
        ([t, wt, bt]) => F.layerNorm(t, ns, { weight: wt ?? null, bias: w ? bt ?? null : null }), () => {
          // (x - mean) / sqrt(var + eps): errors in x grow by 1/std; the statistics' sums have n terms.
          const wmax = w ? w.amax : 1;
          const yhat = (x.amax * 2) / smin;
          return (wmax * (2 * x.err + accumulate(x.dtype, n, 2 * x.amax) * 4)) / smin + wmax * ELEMENTWISE_ULPS * ulpOf(x.dtype) * yhat + ELEMENTWISE_ULPS * ulpOf(x.dtype) * (wmax * yhat + (b ? b.amax : 0));
        });
    },
  ];

  const matmulOps: Op[] = [
    (x) => {
      // x @ W (W fresh: 2-D, or batched to x's leading dims, possibly a transposed view).
      if (x.dtype === "bool" || (x.dtype === "int32" && x.amax > 50) || x.shape.length > 3) return null;
      const k = x.shape[x.shape.length - 1];
      const rows = numel(x.shape) / k;
      const n = Math.max(1, Math.min(int(1, 96), Math.floor(MAC_CAP / Math.max(1, rows * k))));
      const batched = x.shape.length === 3 && u() < 0.5;
      const wShape = batched ? [x.shape[0], k, n] : [k, n];
      const w = fresh(wShape, x.dtype);
      return emit(`matmul(#${x.id}, #${w.id})`, [x.id, w.id], ([a, b]) => gl.matmul(a, b),
        (out) => k * (x.err * w.amax) + accumulate(out.dtype, k, onRef(() => gl.matmul(gl.abs(ref[x.id]), gl.abs(ref[w.id])))));
    },
    (x) => {
      // W @ x or x^T x (both operands from the program).
      if (!fl(x) || x.shape.length < 2 || x.shape.length > 3) return null;
      const nd = x.shape.length, m = x.shape[nd - 2], n = x.shape[nd - 1];
      const batch = nd === 3 ? x.shape[0] : 1;
      if (u() < 0.5 && batch * n * n * m <= MAC_CAP) {
        return emit(`matmul(#${x.id}.transpose(-1, -2), #${x.id})`, [x.id], ([a]) => gl.matmul(a.transpose(-1, -2), a),
          (out) => 2 * m * x.err * x.amax + accumulate(out.dtype, m, onRef(() => gl.matmul(gl.abs(ref[x.id]).transpose(-1, -2), gl.abs(ref[x.id])))));
      }
      const p = Math.max(1, Math.min(int(1, 64), Math.floor(MAC_CAP / Math.max(1, batch * m * n))));
      const w = fresh(nd === 3 && u() < 0.5 ? [batch, p, m] : [p, m], x.dtype);
      const useBmm = w.shape.length === 3;
      return emit(`${useBmm ? "bmm" : "matmul"}(#${w.id}, #${x.id})`, [w.id, x.id], ([a, b]) => (useBmm ? gl.bmm(a, b) : gl.matmul(a, b)),
        (out) => m * x.err * w.amax + accumulate(out.dtype, m, onRef(() => gl.matmul(gl.abs(ref[w.id]), gl.abs(ref[x.id])))));
    },
  ];

  const indexOps: Op[] = [
    (x) => {
      const d = int(0, x.shape.length - 1), len = int(1, 2 * x.shape[d]);
      if ((numel(x.shape) / x.shape[d]) * len > VALUE_CAP) return null;
      const idx = fresh([len], "int32", { kind: "index", hi: x.shape[d], layout: u() < 0.7 ? "contiguous" : "stepped" });
      return emit(`indexSelect(#${x.id}, ${d}, #${idx.id})`, [x.id, idx.id], ([t, i]) => gl.indexSelect(t, d, i), () => x.err);
    },
    (x) => {
      const d = int(0, x.shape.length - 1);
      const shape = x.shape.map((s, i) => (i === d ? int(1, s + 2) : int(1, s)));
      const idx = fresh(shape, "int32", { kind: "index", hi: x.shape[d] });
      return emit(`gather(#${x.id}, ${d}, #${idx.id})`, [x.id, idx.id], ([t, i]) => gl.gather(t, d, i), () => x.err);
    },
    (x) => {
      if (x.dtype === "bool" || (x.dtype === "int32" && x.amax > 2 ** 20)) return null;
      const d = int(0, x.shape.length - 1);
      const shape = x.shape.map((s, i) => (i === d ? int(1, 2 * s) : int(1, s)));
      const idx = fresh(shape, "int32", { kind: "index", hi: x.shape[d] });
      const src = fresh(shape, x.dtype);
      // How many source elements land on one output element (the accumulation length).
      const iv = ref[idx.id].dataSync();
      const hits = new Map<string, number>();
      let most = 0;
      const strides = shape.map((_, i) => numel(shape.slice(i + 1)));
      for (let f = 0; f < iv.length; f++) {
        const pos = shape.map((s, i) => (i === d ? iv[f] : Math.floor(f / strides[i]) % s)).join(",");
        const c = (hits.get(pos) ?? 0) + 1;
        hits.set(pos, c);
        most = Math.max(most, c);
      }
      return emit(`scatterAdd(#${x.id}, ${d}, #${idx.id}, #${src.id})`, [x.id, idx.id, src.id], ([t, i, s]) => gl.scatterAdd(t, d, i, same(s, t)), (out) => {
        if (most <= 1) return rounded(out, x.err);
        return x.err + accumulate(out.dtype, most + 1, onRef(() => gl.scatterAdd(gl.abs(ref[x.id]), d, ref[idx.id], gl.abs(ref[src.id]))));
      });
    },
    (x) => {
      const d = int(0, x.shape.length - 1);
      const shape = x.shape.slice();
      shape[d] = int(1, Math.max(1, x.shape[d]));
      const y = fresh(shape, x.dtype === "bool" || u() < 0.8 ? x.dtype : pick(["float32", "float64", "int32"] as const));
      const xFirst = u() < 0.5;
      const ins = xFirst ? [x.id, y.id] : [y.id, x.id];
      return emit(`cat([#${ins[0]}, #${ins[1]}], ${negDim(x, d)})`, ins, ([a, b]) => gl.cat([a, b], d), (out) => (out.dtype === "float32" && (x.dtype === "float64" || y.dtype === "float64") ? rounded(out, x.err) : x.err));
    },
    (x) => {
      if (numel(x.shape) * 2 > VALUE_CAP) return null;
      const d = int(0, x.shape.length);
      const y = fresh(x.shape.slice(), x.dtype);
      return emit(`stack([#${x.id}, #${y.id}], ${d})`, [x.id, y.id], ([a, b]) => gl.stack([a, b], d), () => x.err);
    },
  ];

  const inplaceOps: Op[] = [
    (x) => {
      // y = clone(x); y.op_(other) -- on a strided view of y where autograd allows it (not recording).
      if (x.dtype === "bool") return null;
      const op = pick(["add_", "sub_", "mul_", "maximum_", "relu_", "clamp_"] as const);
      const viewed = !x.grad && x.shape.length >= 2 && u() < 0.7;
      const nd = x.shape.length;
      const vshape = viewed ? (() => { const s = x.shape.slice(); [s[nd - 1], s[nd - 2]] = [s[nd - 2], s[nd - 1]]; s[nd - 1] = Math.ceil(s[nd - 1] / 2); return s; })() : x.shape.slice();
      const target: Val = { ...x, shape: vshape };
      const o = op === "relu_" || op === "clamp_" ? null : other(target, { dtype: x.dtype === "int32" ? "int32" : undefined });
      if (op === "mul_" && x.dtype === "int32" && x.amax * (o?.val?.amax ?? Math.abs(o?.scalar ?? 1)) > 2 ** 20) return null;
      if (o && o.val && isFloating(o.val.dtype) && !isFloating(x.dtype)) return null;
      if (o && !o.val && x.dtype === "int32" && !Number.isInteger(o.scalar)) return null;
      if (op === "clamp_" && x.dtype === "int32") return null;
      const ins = o?.val ? [x.id, o.val.id] : [x.id];
      const where = viewed ? `.transpose(-1, -2).slice(-1, 0, null, 2)` : "";
      return emit(`clone(#${x.id})${where}.${op}(${o ? o.text : op === "clamp_" ? "-0.5, 0.75" : ""})`, ins, ([t, b]) => {
        const y = gl.clone(t);
        const v = viewed ? y.transpose(-1, -2).slice(-1, 0, null, 2) : y;
        const arg = b ?? o?.scalar ?? 0;
        switch (op) {
          case "add_": gl.add_(v, arg); break;
          case "sub_": gl.sub_(v, arg); break;
          case "mul_": gl.mul_(v, arg); break;
          case "maximum_": gl.maximum_(v, arg); break;
          case "relu_": gl.relu_(v); break;
          case "clamp_": gl.clamp_(v, -0.5, 0.75); break;
        }
        return y;
      }, (out) => {
        const oe = o?.val?.err ?? 0, om = o?.val?.amax ?? Math.abs(o?.scalar ?? 0);
        if (op === "relu_" || op === "clamp_" || op === "maximum_") return Math.max(x.err, oe);
        if (op === "mul_") return rounded(out, x.err * om + oe * x.amax + x.err * oe);
        return rounded(out, x.err + oe);
      });
    },
  ];

  const convOps: Op[] = [
    (x) => {
      if (!fl(x) || x.shape.length !== 4 || x.shape[2] < 3 || x.shape[3] < 3) return null;
      const [nb, c, h, wd] = x.shape;
      const groups = c > 1 && c % 2 === 0 && u() < 0.3 ? 2 : 1;
      const kh = int(1, Math.min(3, h)), kw = int(1, Math.min(3, wd));
      const stride = pick([1, 1, 2]), padding = int(0, 1), dilation = kh < 3 && kw < 3 && u() < 0.2 ? 2 : 1;
      const ho = Math.floor((h + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1, wo = Math.floor((wd + 2 * padding - dilation * (kw - 1) - 1) / stride) + 1;
      if (ho < 1 || wo < 1) return null;
      const per = (c / groups) * kh * kw;
      const co = Math.max(groups, groups * Math.min(int(1, 8), Math.floor(MAC_CAP / Math.max(1, nb * ho * wo * per * groups))));
      if (co * nb * ho * wo > VALUE_CAP) return null;
      const w = fresh([co, c / groups, kh, kw], x.dtype, { layout: "contiguous" });
      const b = u() < 0.6 ? fresh([co], x.dtype, { layout: "contiguous" }) : null;
      const opts = { stride, padding, dilation, groups };
      const ins = b ? [x.id, w.id, b.id] : [x.id, w.id];
      return emit(`conv2d(#${x.id}, #${w.id}, ${b ? `#${b.id}` : "null"}, ${JSON.stringify(opts)})`, ins, ([t, wt, bt]) => F.conv2d(t, same(wt, t), bt ? same(bt, t) : null, opts),
        (out) => per * x.err * w.amax + accumulate(out.dtype, per + 1, onRef(() => F.conv2d(gl.abs(ref[x.id]), gl.abs(ref[w.id]), b ? gl.abs(ref[b.id]) : null, opts))));
    },
    (x) => {
      if (!fl(x) || x.shape.length !== 4 || x.shape[2] < 2 || x.shape[3] < 2) return null;
      const k = int(2, Math.min(3, x.shape[2], x.shape[3])), stride = pick([1, 2, k]), padding = int(0, Math.floor(k / 2));
      const avg = u() < 0.4;
      if (avg) {
        return emit(`avgPool2d(#${x.id}, ${k}, {stride: ${stride}, padding: ${padding}})`, [x.id], ([t]) => F.avgPool2d(t, k, { stride, padding }),
          (out) => x.err + accumulate(out.dtype, k * k, x.amax));
      }
      return emit(`maxPool2d(#${x.id}, ${k}, {stride: ${stride}, padding: ${padding}})`, [x.id], ([t]) => F.maxPool2d(t, k, { stride, padding }), () => x.err);
    },
  ];

  const families: { ops: Op[]; weight: number }[] = [
    { ops: views, weight: 3 }, { ops: elementwiseOps, weight: 5 }, { ops: reductionOps, weight: 2 },
    { ops: matmulOps, weight: 1.5 }, { ops: indexOps, weight: 1.5 }, { ops: inplaceOps, weight: 1 }, { ops: convOps, weight: 3 },
  ];
  const totalWeight = families.reduce((s, f) => s + f.weight, 0);

  const nOps = int(3, 8);
  let done = 0;
  for (let tries = 0; done < nOps && tries < 200; tries++) {
    // Mostly continue from the last value; sometimes branch from an earlier one.
    const from = u() < 0.8 ? cur : pick(vals.filter((v) => numel(v.shape) > 0));
    let r = u() * totalWeight;
    let fam = families[0];
    for (const f of families) { if ((r -= f.weight) < 0) { fam = f; break; } }
    const op = pick(fam.ops);
    if (numel(from.shape) === 0 || from.shape.length === 0) continue;
    const v = op(from);
    if (!v) continue;
    if (numel(v.shape) > VALUE_CAP || v.amax > 1e6 || !Number.isFinite(v.err)) {
      // Keep later steps in range: continue from the previous value instead.
      done++;
      continue;
    }
    cur = v;
    done++;
  }

  // ---- the loss: sum(v * w) over the last value on the graph --------------------------
  let loss = -1;
  let lossWeight = 0;
  const last = [...vals].reverse().find((v) => v.grad && numel(v.shape) > 0);
  if (last) {
    const w = fresh(last.shape.slice(), last.dtype, { layout: "contiguous", grad: false });
    const n = numel(last.shape);
    lossWeight = w.amax;
    loss = emit(`sum(mul(#${last.id}, #${w.id}))`, [last.id, w.id], ([a, b]) => gl.sum(gl.mul(a, b)),
      (out) => n * last.err * w.amax + accumulate(out.dtype, n, onRef(() => gl.sum(gl.abs(gl.mul(ref[last.id], ref[w.id])))))).id;
  }
  const refGrads = backward(ref, loss, gradLeaves, JS_LANE);
  const maxNumel = Math.max(...vals.map((v) => numel(v.shape)));
  return { program: { seed, steps, vals, gradLeaves, loss, lossWeight, maxNumel }, ref, refGrads };
}

/** Runs the backward pass of a program's loss on a lane; the gradients of its grad leaves. */
export function backward(ts: Tensor[], loss: number, leaves: readonly number[], lane: Lane): (Tensor | null)[] {
  if (loss < 0) return [];
  onLane(lane, () => ts[loss].backward());
  return leaves.map((i) => ts[i].grad);
}

/** Replays a program on a lane: every value, in order. */
export function execute(p: Program, lane: Lane): Tensor[] {
  const L = laneCtx(lane);
  const out: Tensor[] = [];
  onLane(lane, () => {
    for (const s of p.steps) out.push(s.run(s.ins.map((i) => out[i]), L));
  });
  return out;
}

/** The program as text, one step a line (what a failure prints, to replay by seed). */
export function listing(p: Program): string {
  return p.steps.map((s, i) => `  ${s.text}   : ${p.vals[i].dtype}${fmt(p.vals[i].shape)}${p.vals[i].err === 0 ? " exact" : ` err<=${p.vals[i].err.toExponential(2)}`}`).join("\n");
}
