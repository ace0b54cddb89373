import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import * as gl from "../../src/index.js";
import { StandardScaler } from "../../src/ml/index.js";

// Loading the scikit-learn fixtures written by tools/oracle/gen_ml.py and comparing with them.

/** A stored array: flat row-major values and a shape. */
export interface FxArray { data: number[]; shape: number[]; }

export interface FxDataset { X: FxArray; y: FxArray; train: number[]; test: number[]; task: string; source: string; }

const DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "ml");

/** Reads test/fixtures/ml/<name>.json. */
export function load<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as T;
}

let cache: Record<string, FxDataset> | null = null;

/** The stored datasets (iris, wine, breast_cancer, digits, diabetes and seeded synthetic sets). */
export function datasets(): Record<string, FxDataset> {
  cache ??= load<{ datasets: Record<string, FxDataset> }>("datasets").datasets;
  return cache;
}

/** Rows of a stored matrix as number[][]. */
export function rows(a: FxArray, idx?: readonly number[]): number[][] {
  const d = a.shape[1];
  const pick = idx ?? Array.from({ length: a.shape[0] }, (_, i) => i);
  return pick.map((i) => a.data.slice(i * d, (i + 1) * d));
}

/** A float64 tensor of a stored array. */
export function t64(a: FxArray): gl.Tensor {
  return gl.Tensor.fromArray(Float64Array.from(a.data), a.shape, "float64");
}

/** A fixture split as tensors: Xtrain/Xtest float64, ytrain/ytest (int32 for classification). */
export function split(name: string, standardize = false): { Xtr: gl.Tensor; Xte: gl.Tensor; ytr: gl.Tensor; yte: gl.Tensor } {
  const ds = datasets()[name];
  const d = ds.X.shape[1];
  const take = (idx: number[]) => {
    const out = new Float64Array(idx.length * d);
    idx.forEach((i, r) => out.set(ds.X.data.slice(i * d, (i + 1) * d), r * d));
    return gl.Tensor.fromArray(out, [idx.length, d], "float64");
  };
  const ys = (idx: number[]) => ds.task === "classification"
    ? gl.Tensor.fromArray(Int32Array.from(idx.map((i) => ds.y.data[i])), [idx.length], "int32")
    : gl.Tensor.fromArray(Float64Array.from(idx.map((i) => ds.y.data[i])), [idx.length], "float64");
  let Xtr = take(ds.train), Xte = take(ds.test);
  if (standardize) {
    const s = new StandardScaler().fit(Xtr);
    Xtr = s.transform(Xtr);
    Xte = s.transform(Xte);
  }
  return { Xtr, Xte, ytr: ys(ds.train), yte: ys(ds.test) };
}

/**
 * Expects a tensor (or number) to equal a stored array elementwise within
 * |a - e| <= tol * max(1, |e|), with a message naming the first bad element.
 */
export function expectClose(actual: gl.Tensor | number | readonly number[], expected: FxArray | number | readonly number[], tol: number, what: string): void {
  const exp = typeof expected === "number" ? { data: [expected], shape: [] } : Array.isArray(expected) ? { data: expected as number[], shape: [expected.length] } : expected as FxArray;
  let got: number[];
  if (actual instanceof gl.Tensor) {
    expect(actual.shape, `${what}: shape`).toEqual(exp.shape);
    got = Array.from(actual.dataSync() as ArrayLike<number>);
  } else {
    got = typeof actual === "number" ? [actual] : [...actual];
  }
  expect(got.length, `${what}: length`).toBe(exp.data.length);
  let worst = 0, at = -1;
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - exp.data[i]) / Math.max(1, Math.abs(exp.data[i]));
    if (!(err <= worst)) { worst = Number.isNaN(err) ? Infinity : err; at = i; }
  }
  if (worst > tol) expect.fail(`${what}: max rel err ${worst.toExponential(2)} > ${tol} at flat index ${at}: got ${got[at]}, sklearn ${exp.data[at]}`);
}

/** Expects identical integer labels. */
export function expectLabels(actual: gl.Tensor, expected: FxArray | readonly number[], what: string): void {
  const exp = Array.isArray(expected) ? expected : (expected as FxArray).data;
  const got = Array.from(actual.dataSync() as ArrayLike<number>);
  const diff = got.map((g, i) => (g === exp[i] ? -1 : i)).filter((i) => i >= 0);
  if (got.length !== exp.length || diff.length > 0) {
    expect.fail(`${what}: ${diff.length} of ${exp.length} labels differ${diff.length ? ` (first at ${diff[0]}: got ${got[diff[0]]}, sklearn ${exp[diff[0]]})` : ` (lengths ${got.length} vs ${exp.length})`}`);
  }
}
