// Tests on regression residuals that statsmodels prints under its OLS summary: the
// Durbin-Watson statistic, the Jarque-Bera and D'Agostino-Pearson (omnibus) normality tests.
import { ChiSquared } from "./distributions/chi_squared.js";
import type { ArrayInput } from "./input.js";
import { accurateSum, raiseOnNan, toNumeric } from "./input.js";

/** A test statistic and its p-value. */
export interface TestResult {
  statistic: number;
  pValue: number;
}

function vector(x: ArrayInput, op: string): Float64Array {
  const arr = toNumeric(x, op);
  raiseOnNan(arr, "raise", op);
  return arr.data;
}

/** Biased skewness and Pearson kurtosis (scipy.stats.skew / kurtosis(fisher=False)); NaN for constant data. */
export function shapeMoments(x: Float64Array): { skew: number; kurtosis: number } {
  const n = x.length, m = accurateSum(x) / n;
  let s2 = 0, s3 = 0, s4 = 0;
  for (let i = 0; i < n; i++) { const d = x[i] - m, d2 = d * d; s2 += d2; s3 += d2 * d; s4 += d2 * d2; }
  const m2 = s2 / n;
  if (m2 <= (1e-15 * m) ** 2 || m2 === 0) return { skew: NaN, kurtosis: NaN };
  return { skew: s3 / n / Math.pow(m2, 1.5), kurtosis: s4 / n / (m2 * m2) };
}

/**
 * The Durbin-Watson statistic sum(diff(e)^2) / sum(e^2) of residuals e (statsmodels'
 * durbin_watson): near 2 without first-order autocorrelation.
 * @example stats.durbinWatson([1, -1, 1, -1]) // 3
 */
export function durbinWatson(resid: ArrayInput): number {
  const e = vector(resid, "durbinWatson");
  if (e.length < 2) throw new RangeError(`durbinWatson: needs at least 2 residuals, got ${e.length}`);
  let num = 0, den = 0;
  for (let i = 0; i < e.length; i++) {
    den += e[i] * e[i];
    if (i > 0) num += (e[i] - e[i - 1]) ** 2;
  }
  return num / den;
}

/** The Jarque-Bera statistic with the skewness and Pearson kurtosis it is built from. */
export interface JarqueBeraResult extends TestResult {
  skew: number;
  kurtosis: number;
}

/** Jarque-Bera from data already checked; NaN statistics for constant data. */
export function jarqueBeraOf(x: Float64Array): JarqueBeraResult {
  const { skew, kurtosis } = shapeMoments(x);
  const statistic = x.length / 6 * (skew * skew + 0.25 * (kurtosis - 3) ** 2);
  return { statistic, pValue: Number.isNaN(statistic) ? NaN : new ChiSquared(2).sf(statistic), skew, kurtosis };
}

/**
 * The Jarque-Bera normality test n/6 (S^2 + (K - 3)^2 / 4) with its chi-square(2) p-value
 * (scipy.stats.jarque_bera; statsmodels also returns skewness S and kurtosis K).
 * @example stats.jarqueBera(stats.ols(y, X).resid).pValue
 */
export function jarqueBera(x: ArrayInput): JarqueBeraResult {
  const v = vector(x, "jarqueBera");
  if (v.length < 2) throw new RangeError(`jarqueBera: needs at least 2 values, got ${v.length}`);
  const r = jarqueBeraOf(v);
  if (Number.isNaN(r.statistic)) throw new RangeError("jarqueBera: the values are constant, so skewness and kurtosis are undefined");
  return r;
}

/** D'Agostino's skewness z-score (scipy.stats.skewtest), n >= 8. */
function skewZ(b2: number, n: number): number {
  let y = b2 * Math.sqrt(((n + 1) * (n + 3)) / (6 * (n - 2)));
  const beta2 = (3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3)) / ((n - 2) * (n + 5) * (n + 7) * (n + 9));
  const w2 = -1 + Math.sqrt(2 * (beta2 - 1));
  const delta = 1 / Math.sqrt(0.5 * Math.log(w2));
  const alpha = Math.sqrt(2 / (w2 - 1));
  if (y === 0) y = 1;
  return delta * Math.log(y / alpha + Math.sqrt((y / alpha) ** 2 + 1));
}

/** Anscombe and Glynn's kurtosis z-score (scipy.stats.kurtosistest), n >= 5. */
function kurtosisZ(b2: number, n: number): number {
  const E = 3 * (n - 1) / (n + 1);
  const varb2 = 24 * n * (n - 2) * (n - 3) / ((n + 1) * (n + 1) * (n + 3) * (n + 5));
  const x = (b2 - E) / Math.sqrt(varb2);
  const sqrtbeta1 = 6 * (n * n - 5 * n + 2) / ((n + 7) * (n + 9)) * Math.sqrt((6 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)));
  const A = 6 + 8 / sqrtbeta1 * (2 / sqrtbeta1 + Math.sqrt(1 + 4 / (sqrtbeta1 * sqrtbeta1)));
  const term1 = 1 - 2 / (9 * A);
  const denom = 1 + x * Math.sqrt(2 / (A - 4));
  const term2 = denom === 0 ? NaN : Math.sign(denom) * Math.cbrt((1 - 2 / A) / Math.abs(denom));
  return (term1 - term2) / Math.sqrt(2 / (9 * A));
}

/** The omnibus statistic from data already checked; NaN below 8 values or for constant data. */
export function normalTestOf(x: Float64Array): TestResult {
  const n = x.length;
  if (n < 8) return { statistic: NaN, pValue: NaN };
  const { skew, kurtosis } = shapeMoments(x);
  const statistic = skewZ(skew, n) ** 2 + kurtosisZ(kurtosis, n) ** 2;
  return { statistic, pValue: Number.isNaN(statistic) ? NaN : new ChiSquared(2).sf(statistic) };
}

/**
 * D'Agostino and Pearson's omnibus normality test (scipy.stats.normaltest, statsmodels'
 * "Omnibus"): the squared skewness and kurtosis z-scores summed, chi-square(2) p-value.
 * Needs at least 8 values.
 * @example stats.normalTest(stats.ols(y, X).resid) // { statistic, pValue } (statsmodels' "Omnibus")
 */
export function normalTest(x: ArrayInput): TestResult {
  const v = vector(x, "normalTest");
  if (v.length < 8) throw new RangeError(`normalTest: needs at least 8 values (the skewness test is not valid below that), got ${v.length}`);
  const r = normalTestOf(v);
  if (Number.isNaN(r.statistic)) throw new RangeError("normalTest: the values are constant, so skewness and kurtosis are undefined");
  return r;
}
