// What OLS and logit results share: the coefficient table's rows, the significance level,
// the summary options, and predictions returned in the kind of container they came in.
import { Tensor } from "../../tensor/tensor.js";
import type { ParamRow } from "../report/summary_table.js";

/** Options of a printed summary. */
export interface SummaryOptions {
  /** Significance level of the confidence intervals; 0.05. */
  alpha?: number;
  /** The date and time printed in the header; now by default. */
  date?: Date;
  /** The title; "OLS Regression Results" / "Logit Regression Results". */
  title?: string;
}

/** One row of the coefficient table. */
export interface CoefficientRow {
  name: string;
  coef: number;
  stdErr: number;
  /** The t (OLS) or z (logit) statistic. */
  statistic: number;
  pValue: number;
  lower: number;
  upper: number;
}

/** Checks a significance level. */
export function checkAlpha(alpha: number, op: string): number {
  if (typeof alpha !== "number" || !(alpha > 0 && alpha < 1)) throw new RangeError(`${op}: alpha must be in (0, 1), got ${String(alpha)}`);
  return alpha;
}

/** What new data predict() returns: a tensor for a tensor, else an array. */
export function predictionOutput(values: Float64Array, X: unknown): number[] | Tensor {
  return X instanceof Tensor ? Tensor.fromArray(values, [values.length], "float64") : Array.from(values);
}

/** [b - q se, b + q se] for each coefficient b with standard error se (q: the quantile of the level). */
export function coefficientIntervals(params: readonly number[], bse: readonly number[], q: number): [number, number][] {
  return params.map((b, i) => [b - q * bse[i], b + q * bse[i]]);
}

/** The fields of a fitted model that its coefficient table reads. */
export interface CoefficientFit {
  readonly names: readonly string[];
  readonly params: readonly number[];
  readonly bse: readonly number[];
  readonly tvalues: readonly number[];
  readonly pvalues: readonly number[];
}

/** The coefficient table as rows, with the intervals `ci` (one [lower, upper] per coefficient). */
export function coefficientRows(fit: CoefficientFit, ci: readonly (readonly [number, number])[]): CoefficientRow[] {
  return fit.names.map((name, i) => ({
    name, coef: fit.params[i], stdErr: fit.bse[i], statistic: fit.tvalues[i], pValue: fit.pvalues[i], lower: ci[i][0], upper: ci[i][1],
  }));
}

/** x b for each row of an n x p row-major design D, mapped through `link` (identity for OLS, the sigmoid for logit). */
export function linearPrediction(D: ArrayLike<number>, n: number, params: readonly number[], link: (eta: number) => number = (e) => e): Float64Array {
  const p = params.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += D[i * p + j] * params[j];
    out[i] = link(s);
  }
  return out;
}

/** A coefficient row for the printed table. */
export function toParamRow(r: CoefficientRow): ParamRow {
  return { name: r.name, coef: r.coef, stdErr: r.stdErr, stat: r.statistic, p: r.pValue, lower: r.lower, upper: r.upper };
}
