// Standard scores (x - mean) / std, per column by default as scipy.stats.zscore does.
import { Tensor } from "../tensor/tensor.js";
import type { ArrayInput, NanPolicy } from "./input.js";
import { accurateSum, checkNanPolicy, raiseOnNan, toNumeric } from "./input.js";

/** Options of zscore. */
export interface ZscoreOptions {
  /** 0 (default): standardize each column of a matrix; 1: each row; null: all values together. */
  axis?: 0 | 1 | -1 | -2 | null;
  /** Divisor n - ddof of the standard deviation; 0 (the default, as scipy). */
  ddof?: number;
  /** NaN handling; "raise" by default, "omit" ignores NaN in the statistics and keeps them in place. */
  nanPolicy?: NanPolicy;
}

/** The output kind follows the input: a tensor gives a float64 tensor, arrays give arrays. */
export type ZscoreOutput<T> = T extends Tensor ? Tensor : T extends readonly (readonly unknown[])[] ? number[][] : number[];

/**
 * Standard scores (x - mean) / std (scipy.stats.zscore: ddof 0, axis 0), of a vector or of
 * each column of a matrix; a tensor in gives a float64 tensor out. A constant lane has no
 * z-scores and is an error.
 * @example stats.zscore([1, 2, 3]) // [-1.22474487139158..., 0, 1.22474487139158...]
 */
export function zscore<T extends ArrayInput>(x: T, opts: ZscoreOptions = {}): ZscoreOutput<T> {
  const op = "zscore";
  const arr = toNumeric(x, op);
  const policy = checkNanPolicy(opts.nanPolicy, op);
  raiseOnNan(arr, policy, op);
  const ddof = opts.ddof ?? 0;
  if (!Number.isInteger(ddof) || ddof < 0) throw new RangeError(`${op}: ddof must be a non-negative integer, got ${ddof}`);
  const { data, shape } = arr;
  const axis = opts.axis === undefined ? 0 : opts.axis;
  if (axis !== null && shape.length > 2) throw new RangeError(`${op}: axis ${axis} needs a 1-D or 2-D input, got shape [${shape.join(", ")}]; pass axis: null to use every value`);
  // Lanes as index lists over the flat data.
  let laneIdx: number[][];
  if (axis === null || shape.length <= 1) laneIdx = [Array.from({ length: data.length }, (_, i) => i)];
  else {
    if (axis !== 0 && axis !== 1 && axis !== -1 && axis !== -2) throw new RangeError(`${op}: axis must be 0, 1 or null, got ${axis}`);
    const [r, c] = shape, ax = axis < 0 ? axis + 2 : axis;
    laneIdx = ax === 0
      ? Array.from({ length: c }, (_, j) => Array.from({ length: r }, (_, i) => i * c + j))
      : Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => i * c + j));
  }
  const out = new Float64Array(data.length);
  laneIdx.forEach((idx, k) => {
    const vals = idx.map((i) => data[i]);
    const hasNan = vals.some(Number.isNaN);
    if (hasNan && policy === "propagate") { for (const i of idx) out[i] = NaN; return; }
    const kept = vals.filter((v) => !Number.isNaN(v));
    if (kept.length <= ddof) throw new RangeError(`${op}: needs more than ddof = ${ddof} values per lane, got ${kept.length}`);
    const m = accurateSum(kept) / kept.length;
    let ss = 0;
    for (const v of kept) ss += (v - m) * (v - m);
    const s = Math.sqrt(ss / (kept.length - ddof));
    if (!(s > 0)) {
      const where = laneIdx.length === 1 ? "the values are" : `${shape.length === 2 && (axis === 1 || axis === -1) ? "row" : "column"} ${k} is`;
      throw new RangeError(`${op}: ${where} constant (standard deviation 0), so z-scores are undefined`);
    }
    for (const i of idx) out[i] = (data[i] - m) / s;
  });
  if (x instanceof Tensor) return Tensor.fromArray(out, shape.slice(), "float64") as ZscoreOutput<T>;
  if (shape.length === 2) {
    const [r, c] = shape;
    return Array.from({ length: r }, (_, i) => Array.from(out.subarray(i * c, (i + 1) * c))) as ZscoreOutput<T>;
  }
  return Array.from(out) as ZscoreOutput<T>;
}
