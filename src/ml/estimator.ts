import { defaultGenerator, Generator } from "../tensor/random.js";

// What all estimators share: the not-fitted error, option checks whose messages name the
// estimator, and the seeded random source.

/**
 * Thrown when an estimator is used (predict, transform, a fitted attribute) before fit.
 * @example
 * try { new ml.Ridge().predict([[1]]); } catch (e) { e instanceof ml.NotFittedError; } // true
 */
export class NotFittedError extends Error {
  override name = "NotFittedError";
}

/** The fitted state, or a NotFittedError naming the estimator and what was asked. */
export function fitted<S>(state: S | null, who: string, what: string): S {
  if (state === null) throw new NotFittedError(`${who}: this ${who} instance is not fitted yet; call fit before ${what}`);
  return state;
}

/** Randomness options shared by the stochastic estimators. */
export interface SeedOptions {
  /** Seed of a private generator (reproducible fits). */
  seed?: number;
  /** A generator to draw from (advances it); the default generator when neither is given. */
  generator?: Generator;
}

/** The generator an estimator draws from for one fit. */
export function generatorOf(opts: SeedOptions): Generator {
  return opts.generator ?? (opts.seed !== undefined ? new Generator(opts.seed) : defaultGenerator);
}

/** Checks a numeric option: finite, above (or at) a bound, integer when asked. Returns it. */
export function checkNumber(who: string, name: string, v: number, opts: { min?: number; exclusiveMin?: boolean; integer?: boolean; max?: number } = {}): number {
  const bad = typeof v !== "number" || Number.isNaN(v)
    || (opts.integer && !Number.isInteger(v))
    || (opts.min !== undefined && (opts.exclusiveMin ? !(v > opts.min) : !(v >= opts.min)))
    || (opts.max !== undefined && !(v <= opts.max));
  if (bad) {
    const want = [
      opts.integer ? "an integer" : "a number",
      opts.min !== undefined ? `${opts.exclusiveMin ? ">" : ">="} ${opts.min}` : "",
      opts.max !== undefined ? `<= ${opts.max}` : "",
    ].filter(Boolean).join(" ");
    throw new RangeError(`${who}: ${name} must be ${want}, got ${String(v)}`);
  }
  return v;
}

/** Checks a string option against its allowed values. Returns it. */
export function checkChoice<T extends string>(who: string, name: string, v: T, allowed: readonly T[]): T {
  if (!allowed.includes(v)) throw new RangeError(`${who}: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(v)}`);
  return v;
}
