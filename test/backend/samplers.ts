// Input value distributions for conformance cases: ordinary values mixed with the edge
// values where kernels differ (NaN, infinities, signed zeros, halves, int32 extremes).

import type { Generator } from "../../src/tensor/random.js";
import type { Sampler } from "./views.js";

/** Float edge values: NaN and infinities, signed zeros, rounding halves, 1 and -1 (pow), 0.1 (floor division). */
export const FLOAT_SPECIALS: readonly number[] = [
  0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 2, 3, -3, 0.1, 1e-3, 100,
];

/** int32 values whose sums and products wrap around. */
export const INT_EXTREMES: readonly number[] = [2147483647, -2147483648, 2147483646, -2147483647, 65536, 46341, -46341, 0];

export interface FloatOptions {
  /** Standard deviation of the ordinary values. */
  readonly scale?: number;
  /** Probability of an edge value from FLOAT_SPECIALS (or from `specials`). */
  readonly special?: number;
  readonly specials?: readonly number[];
  /** Probability of a small integer in [-3, 3] (ties for comparisons and arg-reductions). */
  readonly ints?: number;
  /** Probability that an ordinary value is made positive (domains such as log and sqrt). */
  readonly positive?: number;
}

/** Normal values times `scale`, mixed with edge values and small integers. */
export function floats(opts: FloatOptions = {}): Sampler {
  const { scale = 2, special = 0.12, specials = FLOAT_SPECIALS, ints = 0.1, positive = 0 } = opts;
  return (gen: Generator) => {
    const u = gen.uniform();
    if (u < special) return specials[gen.integer(0, specials.length)];
    if (u < special + ints) return gen.integer(-3, 4);
    const v = gen.normal() * scale;
    return gen.uniform() < positive ? Math.abs(v) : v;
  };
}

/** Uniform in [lo, hi). */
export function uniform(lo: number, hi: number): Sampler {
  return (gen: Generator) => lo + (hi - lo) * gen.uniform();
}

/** Integers in [lo, hi]; `extremes` is the probability of an INT_EXTREMES value instead; zero is skipped when `nonzero`. */
export function ints(lo: number, hi: number, opts: { nonzero?: boolean; extremes?: number } = {}): Sampler {
  return (gen: Generator) => {
    if (opts.extremes && gen.uniform() < opts.extremes) return INT_EXTREMES[gen.integer(0, INT_EXTREMES.length)];
    for (;;) {
      const v = gen.integer(lo, hi + 1);
      if (!(opts.nonzero && v === 0)) return v;
    }
  };
}

/** 0 or 1 with equal probability. */
export const bools: Sampler = (gen: Generator) => (gen.uniform() < 0.5 ? 1 : 0);

/** One of `values`, uniformly. */
export function choice(values: readonly number[]): Sampler {
  return (gen: Generator) => values[gen.integer(0, values.length)];
}

/** Values whose products neither overflow nor underflow: magnitudes in [0.5, 1.5], a rare exact 0 or edge value. */
export const productFloats: Sampler = (gen: Generator) => {
  const u = gen.uniform();
  if (u < 0.02) return 0;
  if (u < 0.04) return FLOAT_SPECIALS[gen.integer(0, FLOAT_SPECIALS.length)];
  const m = 0.5 + gen.uniform();
  return gen.uniform() < 0.5 ? -m : m;
};

/** Small integers for integer products: mostly +-1 so long products stay exact in float64 before wrapping. */
export const productInts: Sampler = choice([-2, -1, -1, -1, 1, 1, 1, 1, 1, 1, 2, 2, -2, 1, -1, 0]);
