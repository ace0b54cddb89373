import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

// Loading and decoding the PyTorch fixtures written by tools/oracle/gen_core.py (format:
// tools/oracle/README.md), building their inputs with gradlab, and comparing tensors.

/** A number as stored in a fixture: NaN and the infinities are the strings "nan", "inf", "-inf". */
export type FxNumber = number | boolean | "nan" | "inf" | "-inf";

export interface FxTensor { data: FxNumber[]; shape: number[]; dtype: gl.DType; }
export interface FxGrad { data: FxNumber[]; shape: number[]; }

/** A view transform applied right after an input is created, in both frameworks. */
export type FxView =
  | { transpose: [number, number] }
  | { permute: number[] }
  | { slice: [number, number | null, number | null, number | null] }
  | { expand: number[] }
  | { clone: true }
  | { sym: true };

export interface FxInput extends FxTensor { requiresGrad: boolean; view?: FxView[]; }

export type FxTransform = "abs" | { narrow: [number, number, number] };

export interface FxOutput extends FxTensor {
  /** The output's name: "out" for a single tensor, "0", "1", ... for a list, else the field name. */
  key: string;
  /** "value": as is; "abs": elementwise |x| (sign/gauge freedom); "recon": a reconstruction. */
  compare: "value" | "abs" | "recon";
  transform?: FxTransform[];
  recon?: "svd" | "qr" | "eigh";
  requiresGrad?: boolean;
  /** The upstream gradient for this output in the loss sum(out * upstream). */
  upstream?: FxNumber[];
}

export interface FxCase {
  name: string;
  op: string;
  call: "fn" | "method" | "linalg";
  /** float64 if any float input is, else float32; for integer/bool-only cases the first input's dtype. */
  dtype: gl.DType;
  inputs: FxInput[];
  args: unknown[];
  outputs: FxOutput[];
  /** Gradient of the loss for each input with requiresGrad, in input order. */
  grads?: FxGrad[];
  /** Second order: gradient of sum_i(grad_i * v_i) for the same inputs (null: unused). */
  second?: { v: FxNumber[][]; grads: (FxGrad | null)[] };
  note?: string;
}

export interface FxFile {
  generator: string;
  torch: string;
  python: string;
  seed: number;
  tolerance: Record<"float32" | "float64", number>;
  measure: string;
  cases: FxCase[];
}

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

/** Reads test/fixtures/<group>/<name>.json. */
export function loadFixtures(group: string, name: string): FxFile {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, group, `${name}.json`), "utf8")) as FxFile;
}

/** Turns the fixture encoding of special values back into numbers. */
export function decodeNumber(v: FxNumber): number {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return typeof v === "boolean" ? (v ? 1 : 0) : v;
}

/** Flat row-major values into nested arrays of `shape` (a bare value for shape []). */
export function nest(flat: readonly (number | boolean)[], shape: readonly number[]): gl.NestedArray {
  if (shape.length === 0) return flat[0];
  let pos = 0;
  const rec = (d: number): gl.NestedArray => {
    const out: gl.NestedArray[] = [];
    for (let i = 0; i < shape[d]; i++) out.push(d === shape.length - 1 ? flat[pos++] : rec(d + 1));
    return out;
  };
  return rec(0);
}

/** A gradlab tensor holding a fixture tensor's values. */
export function makeTensor(data: readonly FxNumber[], shape: readonly number[], dtype: gl.DType, requiresGrad = false): Tensor {
  // Nested arrays cannot carry a shape like [0, 3]: build empty tensors from their shape.
  if (shape.some((s) => s === 0)) return gl.zeros([...shape], { dtype, requiresGrad });
  const flat = dtype === "bool" ? data.map((v) => v === true || v === 1) : data.map(decodeNumber);
  return gl.tensor(nest(flat, shape) as gl.TensorData, { dtype, requiresGrad });
}

// The view transforms, written with gradlab's own view ops.
export function applyView(x: Tensor, step: FxView): Tensor {
  if ("transpose" in step) return x.transpose(step.transpose[0], step.transpose[1]);
  if ("permute" in step) return x.permute(...step.permute);
  if ("slice" in step) {
    const [d, s, e, st] = step.slice;
    return x.slice(d, s, e, st ?? 1);
  }
  if ("expand" in step) return x.expand(...step.expand);
  if ("clone" in step) return x.clone();
  if ("sym" in step) return x.add(x.mT);
  throw new Error(`[harness] unknown view transform ${JSON.stringify(step)}`);
}

/** Builds a case's inputs: the leaves (what gradients are taken against) and their views. */
export function buildInputs(c: FxCase): { leaves: Tensor[]; values: Tensor[] } {
  const leaves: Tensor[] = [];
  const values: Tensor[] = [];
  for (const inp of c.inputs) {
    const leaf = makeTensor(inp.data, inp.shape, inp.dtype, inp.requiresGrad);
    let v = leaf;
    for (const step of inp.view ?? []) v = applyView(v, step);
    leaves.push(leaf);
    values.push(v);
  }
  return { leaves, values };
}

/**
 * Decodes gradlab-form arguments: {"$t": i} is input i, {"$sl": [a, b, c]} is gl.sl(a, b, c),
 * {"$undef": true} is an omitted positional argument, "inf"/"-inf"/"nan" are numbers; other
 * objects (options) and arrays are decoded member by member.
 */
export function resolveArgs(a: unknown, values: readonly Tensor[]): unknown {
  if (Array.isArray(a)) return a.map((v) => resolveArgs(v, values));
  if (a === "inf" || a === "-inf" || a === "nan") return decodeNumber(a);
  if (a === null || typeof a !== "object") return a;
  const o = a as Record<string, unknown>;
  if ("$t" in o) return values[o.$t as number];
  if ("$undef" in o) return undefined;
  if ("$sl" in o) {
    const sl = (gl as unknown as Record<string, unknown>).sl;
    if (typeof sl !== "function") throw new Error("[op missing] gl.sl is not a function");
    return (sl as (...x: unknown[]) => unknown)(...(o.$sl as unknown[]));
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveArgs(v, values)]));
}

/** Per-element relative tolerance of a dtype (exact for int32 and bool). */
export function toleranceFor(dtype: gl.DType, tol: FxFile["tolerance"]): number {
  return dtype === "float64" ? tol.float64 : dtype === "float32" ? tol.float32 : 0;
}

function multiIndex(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

/**
 * Compares a gradlab tensor with a fixture tensor and returns a description of the first
 * mismatch, or null. Measure: |actual - expected| <= tol * max(1, |expected|) per element;
 * NaN must meet NaN and an infinity the same infinity; int32/bool must be equal.
 */
export function compareTensor(actual: unknown, exp: { data: FxNumber[]; shape: number[]; dtype?: gl.DType }, tol: number, what: string): string | null {
  if (!(actual instanceof gl.Tensor)) return `${what}: expected a Tensor, got ${actual === null ? "null" : typeof actual}`;
  if (actual.shape.length !== exp.shape.length || actual.shape.some((s, i) => s !== exp.shape[i])) {
    return `${what}: shape [${actual.shape.join(",")}], expected [${exp.shape.join(",")}]`;
  }
  if (exp.dtype !== undefined && actual.dtype !== exp.dtype) return `${what}: dtype ${actual.dtype}, expected ${exp.dtype}`;
  const got = actual.dataSync();
  let bad = 0, first = -1, worst = 0;
  for (let i = 0; i < exp.data.length; i++) {
    const e = decodeNumber(exp.data[i]);
    const a = Number(got[i]);
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else {
      const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
      ok = err <= tol; // false for NaN
      if (!(err <= worst)) worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
    }
    if (!ok) { bad++; if (first < 0) first = i; }
  }
  if (bad === 0) return null;
  const at = multiIndex(first, exp.shape);
  return `${what}: ${bad}/${exp.data.length} elements off (tol ${tol}); first at [${at.join(",")}]: got ${Number(got[first])}, expected ${decodeNumber(exp.data[first])}; max rel err ${worst.toExponential(2)}`;
}

/** True if a tensor is all zeros (what PyTorch reports as an unused input, None). */
export function isAllZero(t: Tensor): boolean {
  return t.dataSync().every((v) => v === 0);
}
