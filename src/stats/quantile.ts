// Quantiles and the median with numpy's definitions: the default "linear" method
// interpolates between order statistics at index (n - 1) q.
import type { ArrayInput, Axis, NanPolicy } from "./input.js";
import { checkNanPolicy, cleanLane, lanes, raiseOnNan, toNumeric } from "./input.js";

/** numpy's quantile methods that need no distributional assumption beyond the sample. */
export type QuantileMethod = "linear" | "lower" | "higher" | "midpoint" | "nearest";

/** Options of quantile and median. */
export interface QuantileOptions {
  /** Per column (0) or per row (1) of a matrix; omitted: all values together. */
  axis?: Axis;
  /** Interpolation between order statistics; "linear" (numpy's default). */
  method?: QuantileMethod;
  /** NaN handling; "raise" by default. */
  nanPolicy?: NanPolicy;
}

const METHODS: readonly QuantileMethod[] = ["linear", "lower", "higher", "midpoint", "nearest"];

/** numpy's _lerp: a + (b - a) t, evaluated from b's side when t >= 0.5 for symmetry. */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** Rounds half to even, as numpy.around does. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v), diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function quantileSorted(s: Float64Array, q: number, method: QuantileMethod): number {
  const n = s.length;
  const h = (n - 1) * q;
  switch (method) {
    case "lower": return s[Math.floor(h)];
    case "higher": return s[Math.ceil(h)];
    case "nearest": return s[roundHalfEven(h)];
    case "midpoint": {
      const lo = Math.floor(h), hi = Math.ceil(h);
      return lo === hi ? s[lo] : lerp(s[lo], s[hi], 0.5);
    }
    default: {
      const lo = Math.min(Math.floor(h), n - 1), hi = Math.min(lo + 1, n - 1);
      return lerp(s[lo], s[hi], h - lo);
    }
  }
}

/**
 * The q-quantile(s) of the data (numpy.quantile), q in [0, 1]: a number for one q, an
 * array for several; with an axis, one value per column/row (an array per q, q first, as
 * numpy orders them). The default method "linear" interpolates at index (n - 1) q.
 * @example stats.quantile([1, 2, 3, 4], 0.25) // 1.75
 * @example stats.quantile([1, 2, 3, 4], [0.5, 0.9]) // [2.5, 3.7]
 */
export function quantile(x: ArrayInput, q: number, opts?: QuantileOptions & { axis?: undefined }): number;
export function quantile(x: ArrayInput, q: readonly number[], opts?: QuantileOptions & { axis?: undefined }): number[];
export function quantile(x: ArrayInput, q: number, opts: QuantileOptions & { axis: Axis }): number[];
export function quantile(x: ArrayInput, q: readonly number[], opts: QuantileOptions & { axis: Axis }): number[][];
export function quantile(x: ArrayInput, q: number | readonly number[], opts: QuantileOptions = {}): number | number[] | number[][] {
  return quantileImpl(x, q, opts, "quantile");
}

function quantileImpl(x: ArrayInput, q: number | readonly number[], opts: QuantileOptions, op: string): number | number[] | number[][] {
  const qs = typeof q === "number" ? [q] : Array.from(q);
  if (qs.length === 0 && typeof q !== "number") throw new RangeError(`${op}: q is an empty array`);
  for (const v of qs) {
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new RangeError(`${op}: q must be in [0, 1], got ${String(v)}`);
  }
  const method = opts.method ?? "linear";
  if (!METHODS.includes(method)) throw new RangeError(`${op}: method must be one of ${METHODS.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(method)}`);
  const arr = toNumeric(x, op);
  const policy = checkNanPolicy(opts.nanPolicy, op);
  raiseOnNan(arr, policy, op);
  const perLane = lanes(arr, opts.axis, op).map((lane) => {
    const clean = cleanLane(lane, policy);
    if (clean === null) return qs.map(() => NaN);
    if (clean.length === 0) throw new RangeError(`${op}: no values (the input, or a lane of it after omitting NaN, is empty)`);
    const sorted = Float64Array.from(clean).sort();
    return qs.map((v) => quantileSorted(sorted, v, method));
  });
  const hasAxis = opts.axis !== undefined && opts.axis !== null;
  if (!hasAxis) return typeof q === "number" ? perLane[0][0] : perLane[0];
  if (typeof q === "number") return perLane.map((r) => r[0]);
  return qs.map((_, k) => perLane.map((r) => r[k]));
}

/**
 * The median (numpy.median): the 0.5 quantile, the mean of the two middle values for an
 * even count; per column or row with an axis.
 * @example stats.median([3, 1, 4, 1, 5]) // 3
 */
export function median(x: ArrayInput, opts?: Omit<QuantileOptions, "method"> & { axis?: undefined }): number;
export function median(x: ArrayInput, opts: Omit<QuantileOptions, "method"> & { axis: Axis }): number[];
export function median(x: ArrayInput, opts: Omit<QuantileOptions, "method"> = {}): number | number[] {
  return quantileImpl(x, 0.5, { ...opts, method: "linear" }, "median") as number | number[];
}
