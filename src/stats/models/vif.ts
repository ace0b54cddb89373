// Variance inflation factors on the design with a constant, as statsmodels'
// variance_inflation_factor: VIF_j = 1 / (1 - R^2_j) from regressing column j on the rest.
import type { Frame } from "../frame/columns.js";
import type { ModelOptions, PredictorsInput } from "../frame/model_data.js";
import { designOf, resolveModelData } from "../frame/model_data.js";
import { CollinearityError, factorDesign } from "./least_squares.js";

/**
 * Variance inflation factors by design column (the constant included), with get(name) and
 * a printable table.
 * @example stats.vif(X).get("x1")
 */
export class VifResult {
  constructor(
    /** The design's column names, the constant first. */
    readonly names: string[],
    /** VIF of each column. */
    readonly values: number[],
  ) {}

  /** The VIF of a named column. */
  get(name: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new RangeError(`VifResult.get: no column named '${name}' (columns: ${this.names.join(", ")})`);
    return this.values[i];
  }

  /** A two-column table, one row per design column. */
  toString(): string {
    const w = Math.max(8, ...this.names.map((s) => s.length));
    const rows = this.names.map((n, i) => `${n.padEnd(w)}  ${this.values[i].toFixed(3).padStart(10)}`);
    return [`${"column".padEnd(w)}  ${"VIF".padStart(10)}`, ...rows].join("\n");
  }
}

/**
 * Variance inflation factors of every column of the design with a constant
 * (statsmodels.stats.outliers_influence.variance_inflation_factor on add_constant(X), or
 * on a formula's design): VIF_j = 1 / (1 - R^2_j), where R^2_j regresses column j on all
 * the others (centered R^2, except for the constant's own, which is uncentered as in
 * statsmodels). Takes X as a matrix, a tensor or an object of columns (categoricals become
 * dummies), or a frame and a right-hand-side formula "~ x1 + x2 + C(g)". A constant
 * predictor or perfectly collinear predictors are an error naming the columns.
 * @example
 * stats.vif({ x1: [1, 2, 3, 4, 5], x2: [2, 1, 4, 3, 6] }).get("x1") // 3.0833... = 1 / (1 - r^2)
 */
export function vif(frame: Frame, formula: string, opts?: Omit<ModelOptions, "intercept" | "yName">): VifResult;
export function vif(X: PredictorsInput, opts?: Omit<ModelOptions, "intercept" | "yName">): VifResult;
export function vif(...args: unknown[]): VifResult {
  const op = "vif";
  const data = resolveModelData(args, op, false);
  if ((data.options as ModelOptions).intercept === false || !data.spec.intercept) {
    throw new RangeError(`${op}: variance inflation factors are computed on the design with a constant, so the intercept cannot be dropped`);
  }
  const d = designOf(data, op);
  const { X, n, p, names } = d;
  for (let j = 1; j < p; j++) {
    const first = X[j];
    let constant = true;
    for (let i = 1; i < n && constant; i++) constant = X[i * p + j] === first;
    if (constant) throw new CollinearityError(`${op}: column '${names[j]}' is constant (every value is ${first}), so it duplicates the constant '${names[0]}' and its VIF is undefined; drop it`);
  }
  const f = factorDesign(X, n, p, names, op, 0);
  const values = names.map((_, j) => {
    // 1 / (1 - R^2_j) = TSS_j / SSR_j, and SSR_j = 1 / [(X'X)^-1]_jj.
    let tss = 0;
    if (j === 0) for (let i = 0; i < n; i++) tss += X[i * p] * X[i * p];
    else {
      let m = 0;
      for (let i = 0; i < n; i++) m += X[i * p + j];
      m /= n;
      for (let i = 0; i < n; i++) tss += (X[i * p + j] - m) ** 2;
    }
    return tss * f.covUnscaled[j * p + j];
  });
  return new VifResult(names, values);
}
