// Logistic regression by Newton's method (statsmodels' Logit): maximum-likelihood
// coefficients, standard errors from the inverse Hessian, z tests, the log-likelihood,
// McFadden's pseudo R^2, the likelihood-ratio test, and separation caught as an error.
import { inv, solve } from "../../ops/linalg/lu.js";
import { Tensor } from "../../tensor/tensor.js";
import { ChiSquared } from "../distributions/chi_squared.js";
import { Normal } from "../distributions/normal.js";
import type { Frame } from "../frame/columns.js";
import type { Design } from "../frame/design.js";
import type { MissingReport } from "../frame/missing.js";
import type { ModelData, ModelOptions, PredictorsInput, VectorInput } from "../frame/model_data.js";
import { designOf, newPredictors, resolveModelData } from "../frame/model_data.js";
import { pyFormat } from "../report/py_format.js";
import type { HeaderRow } from "../report/summary_table.js";
import { dOrF, paramsBlock, summaryDate, twoColumnBlock } from "../report/summary_table.js";
import { factorDesign } from "./least_squares.js";
import type { CoefficientRow, SummaryOptions } from "./coefficients.js";
import { checkAlpha, coefficientIntervals, coefficientRows, linearPrediction, predictionOutput, toParamRow } from "./coefficients.js";

/** Options of logit. */
export interface LogitOptions extends ModelOptions {
  /** The most Newton steps; 100. */
  maxIter?: number;
  /** Converged when no coefficient moves more than tol * (1 + |coefficient|); 1e-10. */
  tol?: number;
}

/**
 * The error for data whose likelihood has no maximum: the outcomes are (quasi-)separated.
 * @example try { stats.logit([0, 0, 1, 1], [[1], [2], [3], [4]]); } catch (e) { e instanceof stats.SeparationError; } // true
 */
export class SeparationError extends RangeError {
  override name = "SeparationError";
}

/** log(1 + e^eta) without overflow. */
function softplus(eta: number): number {
  return eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
}

function sigmoid(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const e = Math.exp(eta);
  return e / (1 + e);
}

/**
 * The fit of a logistic regression, with statsmodels' LogitResults names in camelCase:
 * params, bse, tvalues (z), pvalues, confInt(), llf, llnull, llr, llrPvalue, prsquared,
 * aic, bic, nobs, dfModel, dfResid, predict() (probabilities) and summary().
 * @example
 * const res = stats.logit(frame, "cured ~ dose + C(site)");
 * res.prsquared; res.predict({ dose: [5], site: ["b"] }); console.log(res.summary());
 */
export class LogitResult {
  readonly names: string[];
  readonly params: number[];
  /** Standard errors sqrt(diag(inverse Hessian of -llf)). */
  readonly bse: number[];
  /** z statistics params / bse. */
  readonly tvalues: number[];
  /** Two-sided normal p-values. */
  readonly pvalues: number[];
  readonly covParams: number[][];
  readonly nobs: number;
  /** Coefficients minus one (statsmodels counts the constant as always there). */
  readonly dfModel: number;
  readonly dfResid: number;
  /** The log-likelihood at the estimates. */
  readonly llf: number;
  /** The log-likelihood of the intercept-only model. */
  readonly llnull: number;
  /** The likelihood-ratio statistic 2 (llf - llnull). */
  readonly llr: number;
  /** Its chi-square(dfModel) p-value. */
  readonly llrPvalue: number;
  /** McFadden's pseudo R^2, 1 - llf / llnull. */
  readonly prsquared: number;
  readonly aic: number;
  readonly bic: number;
  /** Fitted probabilities. */
  readonly fittedProbabilities: number[];
  /** Newton steps taken. */
  readonly iterations: number;
  readonly converged = true;
  readonly yName: string;
  readonly missing: MissingReport;
  private readonly observed: Float64Array;

  /** @internal */
  constructor(
    private readonly data: ModelData,
    private readonly encoder: Design["encoder"],
    fit: { names: string[]; beta: Float64Array; cov: Float64Array; y: Float64Array; probs: Float64Array; llf: number; n: number; p: number; iterations: number; yName: string; missing: MissingReport },
  ) {
    const { n, p, y } = fit;
    this.names = fit.names;
    this.params = Array.from(fit.beta);
    this.nobs = n;
    this.dfModel = p - 1;
    this.dfResid = n - p;
    this.covParams = Array.from({ length: p }, (_, i) => Array.from(fit.cov.subarray(i * p, (i + 1) * p)));
    this.bse = this.covParams.map((row, i) => Math.sqrt(row[i]));
    this.tvalues = this.params.map((b, i) => b / this.bse[i]);
    const z = new Normal();
    this.pvalues = this.tvalues.map((v) => 2 * z.sf(Math.abs(v)));
    this.llf = fit.llf;
    let ones = 0;
    for (let i = 0; i < n; i++) ones += y[i];
    const ybar = ones / n;
    this.llnull = ones * Math.log(ybar) + (n - ones) * Math.log1p(-ybar);
    this.llr = 2 * (this.llf - this.llnull);
    this.llrPvalue = this.dfModel > 0 ? new ChiSquared(this.dfModel).sf(this.llr) : NaN;
    this.prsquared = 1 - this.llf / this.llnull;
    this.aic = -2 * (this.llf - (this.dfModel + 1));
    this.bic = -2 * this.llf + Math.log(n) * (this.dfModel + 1);
    this.fittedProbabilities = Array.from(fit.probs);
    this.iterations = fit.iterations;
    this.yName = fit.yName;
    this.missing = fit.missing;
    this.observed = y;
  }

  /** Coefficient confidence intervals [lower, upper] at level 1 - alpha (normal quantiles). */
  confInt(alpha = 0.05): [number, number][] {
    checkAlpha(alpha, "LogitResult.confInt");
    return coefficientIntervals(this.params, this.bse, new Normal().isf(alpha / 2));
  }

  /** The coefficient table as rows (name, coef, std err, z, p, interval). */
  table(alpha = 0.05): CoefficientRow[] {
    return coefficientRows(this, this.confInt(alpha));
  }

  /**
   * Predicted probabilities P(y = 1): the fitted ones without an argument, else for new
   * data given the way the model was fit.
   */
  predict(X?: Frame | PredictorsInput): number[] | Tensor {
    if (X === undefined) return this.fittedProbabilities.slice();
    const { X: D, n } = this.encoder.encode(newPredictors(this.data, X, "LogitResult.predict"), "LogitResult.predict");
    return predictionOutput(linearPrediction(D, n, this.params, sigmoid), X);
  }

  /**
   * The summary table as statsmodels prints it: header (No. Observations, Df Residuals, Df
   * Model, Pseudo R-squ., Log-Likelihood, LL-Null, LLR p-value, converged) and the
   * coefficient table (coef, std err, z, P>|z|, [0.025 0.975]).
   */
  summary(opts: SummaryOptions = {}): string {
    const alpha = checkAlpha(opts.alpha ?? 0.05, "LogitResult.summary");
    const [date, time] = summaryDate(opts.date ?? new Date());
    const left: HeaderRow[] = [
      ["Dep. Variable:", this.yName], ["Model:", "Logit"], ["Method:", "MLE"], ["Date:", date], ["Time:", time],
      ["converged:", this.converged ? "True" : "False"], ["Covariance Type:", "nonrobust"],
    ];
    const right: HeaderRow[] = [
      ["No. Observations:", dOrF(this.nobs)], ["Df Residuals:", dOrF(this.dfResid)], ["Df Model:", dOrF(this.dfModel)],
      ["Pseudo R-squ.:", pyFormat("%#6.4g", this.prsquared)], ["Log-Likelihood:", pyFormat("%#8.5g", this.llf)],
      ["LL-Null:", pyFormat("%#8.5g", this.llnull)], ["LLR p-value:", pyFormat("%#6.4g", this.llrPvalue)],
    ];
    const top = twoColumnBlock(opts.title ?? "Logit Regression Results", left, right);
    const params = paramsBlock(this.table(alpha).map(toParamRow), "z", alpha);
    let text = [...top.lines, ...params.lines, "=".repeat(params.width)].join("\n");
    const y = this.observed;
    const close = this.fittedProbabilities.filter((pr, i) => Math.abs(y[i] - pr) < 1e-4).length;
    const frac = close / this.nobs;
    if (frac > 0.1) {
      text += `\n\nPossibly complete quasi-separation: A fraction ${pyFormat("%4.2f", frac)} of observations can be\nperfectly predicted. This might indicate that there is complete\nquasi-separation. In this case some parameters will not be identified.`;
    }
    return text;
  }

  /** The summary, with the current date. */
  toString(): string { return this.summary(); }
}

/** Names a single predictor that separates the outcomes by itself (completely, or apart from one tied value). */
function separatingColumn(d: Design, y: Float64Array): string {
  const yn = d.yName;
  for (let j = 0; j < d.p; j++) {
    let min0 = Infinity, max0 = -Infinity, min1 = Infinity, max1 = -Infinity;
    for (let i = 0; i < d.n; i++) {
      const v = d.X[i * d.p + j];
      if (y[i] === 1) { min1 = Math.min(min1, v); max1 = Math.max(max1, v); } else { min0 = Math.min(min0, v); max0 = Math.max(max0, v); }
    }
    if (min0 === max0 && min1 === max1 && min0 === min1) continue; // constant
    const name = d.names[j];
    // Class `lo` lies at or below `a`, class `hi` at or above `b`.
    const split = max0 <= min1 ? { a: max0, b: min1, lo: 0, hi: 1 } : max1 <= min0 ? { a: max1, b: min0, lo: 1, hi: 0 } : null;
    if (split === null) continue;
    const { a, b, lo, hi } = split;
    if (a < b) return ` Column '${name}' alone separates them: every ${name} <= ${fmt(a)} has ${yn} = ${lo} and every ${name} >= ${fmt(b)} has ${yn} = ${hi}.`;
    const parts: string[] = [];
    if ((hi === 1 ? max1 : max0) > a) parts.push(`every ${name} > ${fmt(a)} has ${yn} = ${hi}`);
    if ((lo === 0 ? min0 : min1) < a) parts.push(`every ${name} < ${fmt(a)} has ${yn} = ${lo}`);
    return ` Column '${name}' alone separates them apart from ${name} = ${fmt(a)}: ${parts.join(" and ")}.`;
  }
  return "";
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** Fits a logit model on resolved model data. */
export function fitLogit(data: ModelData, opts: LogitOptions, op: string): LogitResult {
  const maxIter = opts.maxIter ?? 100, tol = opts.tol ?? 1e-10;
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new RangeError(`${op}: maxIter must be a positive integer, got ${maxIter}`);
  const d = designOf(data, op);
  const y = d.y!;
  const { n, p, X } = d;
  const bad = y.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) throw new RangeError(`${op}: the response '${d.yName}' must be 0 or 1 (or boolean), but row ${d.rows[bad]} is ${y[bad]}`);
  const ones = y.reduce((a, b) => a + b, 0);
  if (ones === 0 || ones === n) throw new RangeError(`${op}: the response '${d.yName}' has only one class (every value is ${ones === 0 ? 0 : 1}), so the coefficients cannot be estimated`);
  factorDesign(X, n, p, d.names, op, d.intercept ? 0 : -1);

  const beta = new Float64Array(p);
  const eta = new Float64Array(n), probs = new Float64Array(n);
  const H = new Float64Array(p * p), g = new Float64Array(p);
  const evaluate = (): number => {
    let llf = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += X[i * p + j] * beta[j];
      eta[i] = s;
      probs[i] = sigmoid(s);
      llf += y[i] * s - softplus(s);
    }
    return llf;
  };
  const hessian = (): void => {
    H.fill(0); g.fill(0);
    for (let i = 0; i < n; i++) {
      const w = probs[i] * (1 - probs[i]), r = y[i] - probs[i];
      for (let a = 0; a < p; a++) {
        const xa = X[i * p + a];
        g[a] += xa * r;
        const wa = w * xa;
        for (let b = 0; b <= a; b++) H[a * p + b] += wa * X[i * p + b];
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) H[b * p + a] = H[a * p + b];
  };
  const separated = (): number => {
    let exact = 0;
    for (let i = 0; i < n; i++) if (Math.abs(y[i] - probs[i]) < 1e-8) exact++;
    return exact;
  };

  let llf = evaluate();
  let iterations = 0, converged = false;
  while (iterations < maxIter) {
    if (separated() === n) {
      throw new SeparationError(`${op}: perfect separation: the predictors separate the outcomes completely (every fitted probability is within 1e-8 of the observed 0 or 1), so the maximum-likelihood estimates do not exist (the coefficients grow without bound).${separatingColumn(d, y)} Drop the separating predictor(s) or use a penalized model.`);
    }
    hessian();
    let step: Float64Array;
    try {
      step = solve(Tensor.fromArray(Float64Array.from(H), [p, p], "float64"), Tensor.fromArray(Float64Array.from(g), [p], "float64")).dataSync() as Float64Array;
    } catch {
      step = new Float64Array(p).fill(NaN);
    }
    if (!step.every(Number.isFinite)) break;
    let move = 0;
    for (let j = 0; j < p; j++) { beta[j] += step[j]; move = Math.max(move, Math.abs(step[j]) / (1 + Math.abs(beta[j]))); }
    llf = evaluate();
    iterations++;
    if (move <= tol) { converged = true; break; }
  }
  if (!converged) {
    const exact = separated();
    if (exact > 0) {
      throw new SeparationError(`${op}: quasi-complete separation: ${exact} of ${n} observations are predicted perfectly (fitted probability within 1e-8 of the outcome) and the coefficients do not converge in ${iterations} Newton steps, so some maximum-likelihood estimates do not exist (they diverge).${separatingColumn(d, y)} Drop the separating predictor(s) or use a penalized model.`);
    }
    throw new RangeError(`${op}: Newton's method did not converge in ${maxIter} steps (largest relative step still above tol = ${tol}); check the predictors' scales, or raise maxIter`);
  }
  hessian();
  let cov: Float64Array;
  try {
    cov = inv(Tensor.fromArray(Float64Array.from(H), [p, p], "float64")).dataSync() as Float64Array;
  } catch {
    throw new SeparationError(`${op}: the information matrix is singular at the estimates (fitted probabilities at 0 or 1), so standard errors do not exist; the outcomes are (quasi-)separated`);
  }
  return new LogitResult(data, d.encoder, {
    names: d.names, beta, cov: Float64Array.from(cov), y, probs, llf, n, p, iterations, yName: d.yName ?? "y", missing: d.missing,
  });
}

/**
 * Logistic regression by Newton's method (statsmodels' Logit(...).fit()): returns a
 * LogitResult with coefficients, standard errors, z and p values, confidence intervals,
 * the log-likelihood, McFadden's pseudo R^2 and a statsmodels-style summary(). Data are
 * given as for `ols` (a frame and a formula, { y, X }, or y and X); y holds 0/1 or
 * booleans. Separated outcomes (no finite maximum-likelihood estimate) are an error
 * naming the problem, and a predictor that separates them alone.
 * @example
 * const res = stats.logit({ y: [0, 0, 1, 0, 1, 1], X: { x: [1, 2, 3, 4, 5, 6] } });
 * res.params   // [-4.2491..., 1.2140...] (const, x)
 */
export function logit(frame: Frame, formula: string, opts?: LogitOptions): LogitResult;
export function logit(data: { y: VectorInput; X: PredictorsInput }, opts?: LogitOptions): LogitResult;
export function logit(y: VectorInput, X: PredictorsInput, opts?: LogitOptions): LogitResult;
export function logit(...args: unknown[]): LogitResult {
  const data = resolveModelData(args, "logit", true);
  return fitLogit(data, data.options as LogitOptions, "logit");
}
