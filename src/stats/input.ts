// Turning what users pass (numbers, nested arrays, typed arrays, tensors) into float64
// data with a shape, with clear errors for ragged or non-numeric input, and the NaN policy
// and axis handling the descriptive statistics share.
import { Tensor } from "../tensor/tensor.js";

/** Numeric data the statistics accept: nested arrays, typed arrays or a tensor. */
export type ArrayInput =
  | readonly (number | null)[]
  | readonly (readonly (number | null)[])[]
  | Float64Array | Float32Array | Int32Array | Uint8Array
  | Tensor;

/**
 * What to do with NaN (and null) values, after scipy's nan_policy: "raise" (the default)
 * throws an error naming where they are, "omit" leaves them out, "propagate" returns NaN.
 */
export type NanPolicy = "raise" | "omit" | "propagate";

/** Float64 data in row-major order with its shape. */
export interface NumericArray {
  data: Float64Array;
  shape: number[];
}

/** Describes a value for an error message. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "object"}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * Converts nested arrays, typed arrays or a tensor to float64 data and a shape; null and
 * undefined become NaN (missing). Throws for ragged arrays and non-numeric entries.
 */
export function toNumeric(x: unknown, op: string, what = "x"): NumericArray {
  if (x instanceof Tensor) return { data: Float64Array.from(x.dataSync()), shape: x.shape.slice() };
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    return { data: Float64Array.from(x as unknown as ArrayLike<number>), shape: [(x as unknown as ArrayLike<number>).length] };
  }
  if (!Array.isArray(x)) throw new TypeError(`${op}: expected ${what} to be an array of numbers or a Tensor, got ${describeValue(x)}`);
  const shape: number[] = [];
  for (let level: unknown = x; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  let at = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof v === "number") data[at++] = v;
      else if (v === null || v === undefined) data[at++] = NaN;
      else if (Array.isArray(v)) throw new RangeError(`${op}: ${what} is ragged: ${what}${path} is an array, but ${what}${"[0]".repeat(depth)} is a number`);
      else throw new TypeError(`${op}: ${what}${path} is ${describeValue(v)}; expected numbers (null or NaN for a missing value)`);
      return;
    }
    if (!Array.isArray(v)) throw new RangeError(`${op}: ${what} is ragged: ${what}${path} is ${describeValue(v)}, but other entries at that depth are arrays of length ${shape[depth]}`);
    if (v.length !== shape[depth]) {
      throw new RangeError(`${op}: ${what} is ragged: ${what}${path} has ${v.length} entries but ${what}${"[0]".repeat(depth)} has ${shape[depth]}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
  };
  walk(x, 0, "");
  return { data, shape };
}

/** Formats up to five positions (flat indices, or [row, col] for matrices). */
export function listPositions(indices: readonly number[], shape: readonly number[] = []): string {
  const fmt = (i: number): string => (shape.length === 2 ? `[${Math.floor(i / shape[1])}, ${i % shape[1]}]` : String(i));
  const head = indices.slice(0, 5).map(fmt).join(", ");
  return indices.length > 5 ? `${head}, ... (${indices.length} in all)` : head;
}

/** Checks a NaN policy option. */
export function checkNanPolicy(policy: unknown, op: string): NanPolicy {
  const p = policy ?? "raise";
  if (p !== "raise" && p !== "omit" && p !== "propagate") {
    throw new RangeError(`${op}: nanPolicy must be "raise", "omit" or "propagate", got ${JSON.stringify(p)}`);
  }
  return p;
}

/** Throws the NaN policy's error when the data hold NaN and the policy is "raise". */
export function raiseOnNan(arr: NumericArray, policy: NanPolicy, op: string, what = "x"): void {
  if (policy !== "raise") return;
  const where: number[] = [];
  for (let i = 0; i < arr.data.length; i++) if (Number.isNaN(arr.data[i])) where.push(i);
  if (where.length > 0) {
    throw new RangeError(`${op}: ${what} has ${where.length} NaN (missing) value${where.length > 1 ? "s" : ""} at ${listPositions(where, arr.shape)}; pass nanPolicy: "omit" to leave them out, or "propagate" to get NaN`);
  }
}

/** The axis option of the reductions: undefined (all values), or 0 / 1 (-2 / -1) of a matrix. */
export type Axis = 0 | 1 | -1 | -2;

/**
 * Splits data into the lanes a reduction runs over: one lane of every value without an
 * axis; for a matrix, its columns (axis 0) or rows (axis 1).
 */
export function lanes(arr: NumericArray, axis: number | undefined | null, op: string): Float64Array[] {
  if (axis === undefined || axis === null) return [arr.data];
  if (arr.shape.length !== 2) {
    throw new RangeError(`${op}: axis ${axis} needs a 2-D input (a matrix), but x has shape [${arr.shape.join(", ")}]; omit axis to use every value`);
  }
  if (axis !== 0 && axis !== 1 && axis !== -1 && axis !== -2) throw new RangeError(`${op}: axis must be 0 or 1 (or -2, -1) for a matrix, got ${axis}`);
  const [r, c] = arr.shape;
  const ax = axis < 0 ? axis + 2 : axis;
  if (ax === 0) {
    return Array.from({ length: c }, (_, j) => { const l = new Float64Array(r); for (let i = 0; i < r; i++) l[i] = arr.data[i * c + j]; return l; });
  }
  return Array.from({ length: r }, (_, i) => arr.data.slice(i * c, (i + 1) * c));
}

/** Applies the NaN policy to one lane: the lane without NaN, or null to mean "result is NaN". */
export function cleanLane(lane: Float64Array, policy: NanPolicy): Float64Array | null {
  let nans = 0;
  for (let i = 0; i < lane.length; i++) if (Number.isNaN(lane[i])) nans++;
  if (nans === 0) return lane;
  if (policy === "propagate") return null;
  const out = new Float64Array(lane.length - nans);
  let k = 0;
  for (let i = 0; i < lane.length; i++) if (!Number.isNaN(lane[i])) out[k++] = lane[i];
  return out;
}

/** Options shared by the reductions. */
export interface ReduceOptions {
  /** Reduce a matrix's columns (0) or rows (1); omitted: all values together. */
  axis?: Axis;
  /** NaN handling; "raise" by default. */
  nanPolicy?: NanPolicy;
}

/**
 * Runs a reduction over each lane, applying the NaN policy: a number without an axis, one
 * number per column (axis 0) or row (axis 1) with one.
 */
export function reduce(x: unknown, opts: ReduceOptions, op: string, f: (lane: Float64Array) => number): number | number[] {
  const arr = toNumeric(x, op);
  const policy = checkNanPolicy(opts.nanPolicy, op);
  raiseOnNan(arr, policy, op);
  const out = lanes(arr, opts.axis, op).map((lane) => {
    const clean = cleanLane(lane, policy);
    return clean === null ? NaN : f(clean);
  });
  return opts.axis === undefined || opts.axis === null ? out[0] : out;
}

/** Sum with Neumaier's compensation, so means of long or badly scaled data keep their digits. */
export function accurateSum(v: ArrayLike<number>): number {
  let s = 0, c = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i], t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  return s + c;
}
