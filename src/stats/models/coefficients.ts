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

/** A coefficient row for the printed table. */
export function toParamRow(r: CoefficientRow): ParamRow {
  return { name: r.name, coef: r.coef, stdErr: r.stdErr, stat: r.statistic, p: r.pValue, lower: r.lower, upper: r.upper };
}
