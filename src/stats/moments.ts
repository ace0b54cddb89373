// Moment statistics: mean, variance and standard deviation (population or sample),
// skewness and kurtosis (scipy.stats' definitions), over all values or a matrix axis.
import type { ArrayInput, Axis, ReduceOptions } from "./input.js";
import { accurateSum, reduce } from "./input.js";

/** Options of variance and std. */
export interface VarianceOptions extends ReduceOptions {
  /**
   * Delta degrees of freedom: the divisor is n - ddof. 1 (the default) gives the sample
   * variance (pandas, torch, R); 0 gives the population variance (numpy's default).
   */
  ddof?: number;
}

function nonEmpty(lane: Float64Array, op: string): void {
  if (lane.length === 0) throw new RangeError(`${op}: no values to reduce (the input, or a lane of it after omitting NaN, is empty)`);
}

function laneMean(lane: Float64Array): number {
  return accurateSum(lane) / lane.length;
}

/** Central moment sums sum((x - mean)^k) for k = 2, 3, 4 (two passes, as numpy and scipy do). */
function centralSums(lane: Float64Array): { m: number; s2: number; s3: number; s4: number } {
  const m = laneMean(lane);
  let s2 = 0, s3 = 0, s4 = 0;
  for (let i = 0; i < lane.length; i++) {
    const d = lane[i] - m, d2 = d * d;
    s2 += d2; s3 += d2 * d; s4 += d2 * d2;
  }
  return { m, s2, s3, s4 };
}

function checkDdof(ddof: unknown, op: string): number {
  const d = ddof ?? 1;
  if (typeof d !== "number" || !Number.isInteger(d) || d < 0) throw new RangeError(`${op}: ddof must be a non-negative integer, got ${String(d)}`);
  return d;
}

/**
 * The arithmetic mean (numpy.mean), of all values or of each column (axis 0) or row
 * (axis 1) of a matrix; accepts arrays and tensors, computes in float64.
 * @example stats.mean([1, 2, 3, 4]) // 2.5
 * @example stats.mean([[1, 2], [3, 4]], { axis: 0 }) // [2, 3]
 */
export function mean(x: ArrayInput, opts?: ReduceOptions & { axis?: undefined }): number;
export function mean(x: ArrayInput, opts: ReduceOptions & { axis: Axis }): number[];
export function mean(x: ArrayInput, opts: ReduceOptions = {}): number | number[] {
  return reduce(x, opts, "mean", (lane) => { nonEmpty(lane, "mean"); return laneMean(lane); });
}

/**
 * The variance with divisor n - ddof: the sample variance by default (ddof 1), the
 * population variance with ddof 0 (numpy.var's default).
 * @example stats.variance([1, 2, 3, 4]) // 1.6666666666666667
 * @example stats.variance([1, 2, 3, 4], { ddof: 0 }) // 1.25
 */
export function variance(x: ArrayInput, opts?: VarianceOptions & { axis?: undefined }): number;
export function variance(x: ArrayInput, opts: VarianceOptions & { axis: Axis }): number[];
export function variance(x: ArrayInput, opts: VarianceOptions = {}): number | number[] {
  const ddof = checkDdof(opts.ddof, "variance");
  return reduce(x, opts, "variance", (lane) => laneVariance(lane, ddof, "variance"));
}

function laneVariance(lane: Float64Array, ddof: number, op: string): number {
  nonEmpty(lane, op);
  if (lane.length <= ddof) throw new RangeError(`${op}: needs more than ddof = ${ddof} values, got ${lane.length}`);
  return centralSums(lane).s2 / (lane.length - ddof);
}

/**
 * The standard deviation, the square root of `variance` with the same options (sample by
 * default, population with ddof 0).
 * @example stats.std([2, 4, 4, 4, 5, 5, 7, 9], { ddof: 0 }) // 2
 */
export function std(x: ArrayInput, opts?: VarianceOptions & { axis?: undefined }): number;
export function std(x: ArrayInput, opts: VarianceOptions & { axis: Axis }): number[];
export function std(x: ArrayInput, opts: VarianceOptions = {}): number | number[] {
  const ddof = checkDdof(opts.ddof, "std");
  return reduce(x, opts, "std", (lane) => Math.sqrt(laneVariance(lane, ddof, "std")));
}

/** Options of skewness and kurtosis. */
export interface ShapeOptions extends ReduceOptions {
  /** false: apply the small-sample correction (scipy's bias=False). Default true. */
  bias?: boolean;
}

/** m2, or an error when the lane is constant (the shape statistics divide by it). */
function spread(c: { m: number; s2: number }, n: number, op: string): number {
  const m2 = c.s2 / n;
  if (m2 <= (1e-15 * c.m) ** 2 || m2 === 0) throw new RangeError(`${op}: the values are constant (variance 0), so the ${op} is undefined`);
  return m2;
}

/**
 * The sample skewness m3 / m2^1.5 (scipy.stats.skew); with bias: false, the adjusted
 * Fisher-Pearson coefficient.
 * @example stats.skewness([1, 2, 3, 10]) // 1.0182...
 */
export function skewness(x: ArrayInput, opts?: ShapeOptions & { axis?: undefined }): number;
export function skewness(x: ArrayInput, opts: ShapeOptions & { axis: Axis }): number[];
export function skewness(x: ArrayInput, opts: ShapeOptions = {}): number | number[] {
  return reduce(x, opts, "skewness", (lane) => {
    nonEmpty(lane, "skewness");
    const n = lane.length, c = centralSums(lane);
    const m2 = spread(c, n, "skewness");
    const g1 = c.s3 / n / Math.pow(m2, 1.5);
    if (opts.bias ?? true) return g1;
    if (n < 3) throw new RangeError(`skewness: the bias-corrected skewness needs at least 3 values, got ${n}`);
    return g1 * Math.sqrt(n * (n - 1)) / (n - 2);
  });
}

/** Options of kurtosis. */
export interface KurtosisOptions extends ShapeOptions {
  /** true (default): excess kurtosis (normal = 0); false: Pearson's (normal = 3). */
  fisher?: boolean;
}

/**
 * The sample kurtosis m4 / m2^2 (scipy.stats.kurtosis): excess kurtosis by default,
 * Pearson's with fisher: false; bias: false applies the small-sample correction.
 * @example stats.kurtosis([1, 2, 3, 4, 5], { fisher: false }) // 1.7
 */
export function kurtosis(x: ArrayInput, opts?: KurtosisOptions & { axis?: undefined }): number;
export function kurtosis(x: ArrayInput, opts: KurtosisOptions & { axis: Axis }): number[];
export function kurtosis(x: ArrayInput, opts: KurtosisOptions = {}): number | number[] {
  return reduce(x, opts, "kurtosis", (lane) => {
    nonEmpty(lane, "kurtosis");
    const n = lane.length, c = centralSums(lane);
    const m2 = spread(c, n, "kurtosis");
    const m4 = c.s4 / n;
    let pearson = m4 / (m2 * m2);
    if (!(opts.bias ?? true)) {
      if (n < 4) throw new RangeError(`kurtosis: the bias-corrected kurtosis needs at least 4 values, got ${n}`);
      pearson = ((n * n - 1) * pearson - 3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3)) + 3;
    }
    return (opts.fisher ?? true) ? pearson - 3 : pearson;
  });
}
