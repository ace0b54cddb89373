// The shared shape of the continuous distributions: scalar formulas in each subclass,
// mapped here over numbers, arrays and tensors, and the quantile by numerical inversion.
import { Tensor } from "../../tensor/tensor.js";
import { invert } from "./invert.js";
import type { Invertible } from "./invert.js";

/** What a distribution function accepts: a number, an array of numbers, or a tensor. */
export type DistributionInput = number | readonly number[] | Float64Array | Float32Array | Tensor;

/** A number for a number, a float64 tensor of the same shape for a tensor, else number[]. */
export type DistributionOutput<T> = T extends number ? number : T extends Tensor ? Tensor : number[];

/** Applies a scalar function to each value, keeping the kind of container. */
function mapValues<T extends DistributionInput>(x: T, f: (v: number) => number, op: string): DistributionOutput<T> {
  if (typeof x === "number") return f(x) as DistributionOutput<T>;
  if (x instanceof Tensor) {
    const src = x.dataSync();
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
    return Tensor.fromArray(out, x.shape.slice(), "float64") as DistributionOutput<T>;
  }
  if (Array.isArray(x) || x instanceof Float64Array || x instanceof Float32Array) {
    const out: number[] = new Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v !== "number") throw new TypeError(`${op}: expected numbers, got ${typeof v} ${JSON.stringify(v)} at index ${i}`);
      out[i] = f(v);
    }
    return out as DistributionOutput<T>;
  }
  throw new TypeError(`${op}: expected a number, an array of numbers or a Tensor, got ${describe(x)}`);
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

/**
 * A continuous probability distribution with scipy.stats' methods, in camelCase: pdf,
 * logPdf, cdf, sf (the survival function 1 - cdf, accurate in the upper tail), quantile
 * (scipy's ppf) and isf (the inverse survival function), each taking a number, an array or
 * a tensor. Quantiles invert the cdf by bracketing and safeguarded Newton steps.
 * @example new stats.Normal().quantile([0.025, 0.975]) // [-1.95996398454005..., 1.95996398454005...]
 */
export abstract class ContinuousDistribution implements Invertible {
  /** The name used in messages, e.g. "StudentT(df=3)". */
  abstract readonly name: string;
  /** The support [lower, upper]. */
  abstract readonly support: readonly [number, number];
  /** @internal The density at one point. */
  abstract pdf1(x: number): number;
  /** @internal The log-density at one point. */
  abstract logPdf1(x: number): number;
  /** @internal P(X <= x). */
  abstract cdf1(x: number): number;
  /** @internal P(X > x), computed directly so upper tails keep their digits. */
  abstract sf1(x: number): number;
  /** @internal A starting point for the quantile search. */
  abstract guess(p: number, upper: boolean): number;
  /** The mean (NaN where it does not exist, Infinity where it diverges). */
  abstract mean(): number;
  /** The variance (NaN where it does not exist, Infinity where it diverges). */
  abstract variance(): number;

  /** The standard deviation. */
  std(): number { return Math.sqrt(this.variance()); }

  /** The probability density function. */
  pdf<T extends DistributionInput>(x: T): DistributionOutput<T> { return mapValues(x, (v) => this.pdf1(v), `${this.name}.pdf`); }
  /** The log of the density, finite far into the tails where pdf underflows to 0. */
  logPdf<T extends DistributionInput>(x: T): DistributionOutput<T> { return mapValues(x, (v) => this.logPdf1(v), `${this.name}.logPdf`); }
  /** The cumulative distribution function P(X <= x). */
  cdf<T extends DistributionInput>(x: T): DistributionOutput<T> { return mapValues(x, (v) => this.cdf1(v), `${this.name}.cdf`); }
  /** The survival function P(X > x) = 1 - cdf(x), accurate when it is tiny. */
  sf<T extends DistributionInput>(x: T): DistributionOutput<T> { return mapValues(x, (v) => this.sf1(v), `${this.name}.sf`); }
  /** The quantile function (inverse cdf, scipy's ppf): the x with cdf(x) = p, p in [0, 1]. */
  quantile<T extends DistributionInput>(p: T): DistributionOutput<T> { return mapValues(p, (v) => this.quantile1(v, false, "quantile"), `${this.name}.quantile`); }
  /** The inverse survival function: the x with sf(x) = q; precise for tiny upper tails. */
  isf<T extends DistributionInput>(q: T): DistributionOutput<T> { return mapValues(q, (v) => this.quantile1(v, true, "isf"), `${this.name}.isf`); }

  private quantile1(p: number, upperTail: boolean, op: string): number {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${this.name}.${op}: probabilities must be in [0, 1], got ${p}`);
    const [lo, hi] = this.support;
    if (p === 0) return upperTail ? hi : lo;
    if (p === 1) return upperTail ? lo : hi;
    // Invert the smaller tail: 1 - p is exact for p >= 0.5.
    if (p <= 0.5) return invert(this, p, upperTail);
    return invert(this, 1 - p, !upperTail);
  }

  toString(): string { return this.name; }
}

/** Throws unless a parameter is a positive finite number. */
export function checkPositive(value: number, what: string, dist: string): void {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${dist}: ${what} must be a positive finite number, got ${String(value)}`);
  }
}

/**
 * A rough standard normal quantile for the lower tail probability p <= 0.5 (Abramowitz and
 * Stegun 26.2.23, error < 5e-4): only a starting point for the exact inversion.
 */
export function roughNormalQuantile(p: number): number {
  const q = Math.min(p, 1 - p);
  const t = Math.sqrt(-2 * Math.log(q));
  const z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  return p < 0.5 ? -z : z;
}
