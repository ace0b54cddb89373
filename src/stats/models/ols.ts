// Ordinary least squares with statsmodels' inference: standard errors, t tests, confidence
// intervals, R^2, the overall F test, likelihood criteria and a printable summary.
import type { Tensor } from "../../tensor/tensor.js";
import { FisherF } from "../distributions/fisher_f.js";
import { StudentT } from "../distributions/student_t.js";
import type { Frame } from "../frame/columns.js";
import type { MissingReport } from "../frame/missing.js";
import type { ModelData, ModelOptions, PredictorsInput, VectorInput } from "../frame/model_data.js";
import { designOf, newPredictors, resolveModelData } from "../frame/model_data.js";
import { accurateSum } from "../input.js";
import { durbinWatson, jarqueBeraOf, normalTestOf } from "../residual_tests.js";
import { pyFormat } from "../report/py_format.js";
import type { HeaderRow } from "../report/summary_table.js";
import { dOrF, paramsBlock, summaryDate, twoColumnBlock } from "../report/summary_table.js";
import type { CoefficientRow, SummaryOptions } from "./coefficients.js";
import { checkAlpha, coefficientIntervals, coefficientRows, linearPrediction, predictionOutput, toParamRow } from "./coefficients.js";
import { CollinearityError, factorDesign, solveLeastSquares } from "./least_squares.js";

/**
 * The fit of an ordinary least squares regression, with statsmodels' OLSResults names in
 * camelCase: params, bse, tvalues, pvalues, confInt(), rsquared, rsquaredAdj, fvalue,
 * fPvalue, llf, aic, bic, nobs, dfModel, dfResid, resid, fittedValues, and summary().
 * @example
 * const res = stats.ols(frame, "y ~ x1 + C(group)", { missing: "drop" });
 * res.pvalues; res.confInt(); console.log(res.summary());
 */
export class OLSResult {
  /** Coefficient names, in the design's order. */
  readonly names: string[];
  /** The estimated coefficients. */
  readonly params: number[];
  /** Their standard errors sqrt(diag(s^2 (X'X)^-1)). */
  readonly bse: number[];
  /** t statistics params / bse. */
  readonly tvalues: number[];
  /** Two-sided p-values of the t tests. */
  readonly pvalues: number[];
  /** The covariance matrix of the coefficients, s^2 (X'X)^-1. */
  readonly covParams: number[][];
  readonly nobs: number;
  /** Coefficients minus the constant. */
  readonly dfModel: number;
  /** Observations minus coefficients. */
  readonly dfResid: number;
  /** Whether the model has a constant (explicit or implied); R^2 is centered only then. */
  readonly hasConstant: boolean;
  /** Sum of squared residuals. */
  readonly ssr: number;
  /** Total sum of squares about the mean. */
  readonly centeredTss: number;
  /** Total sum of squares about zero. */
  readonly uncenteredTss: number;
  /** Explained sum of squares: the total (centered when there is a constant) minus ssr. */
  readonly ess: number;
  readonly rsquared: number;
  readonly rsquaredAdj: number;
  /** ess / dfModel. */
  readonly mseModel: number;
  /** ssr / dfResid, the residual variance estimate s^2 (statsmodels' scale). */
  readonly mseResid: number;
  /** The F statistic of the test that every coefficient but the constant is 0. */
  readonly fvalue: number;
  readonly fPvalue: number;
  /** The Gaussian log-likelihood at the estimates. */
  readonly llf: number;
  readonly aic: number;
  readonly bic: number;
  readonly resid: number[];
  readonly fittedValues: number[];
  /** The ratio of the largest to the smallest singular value of the design. */
  readonly conditionNumber: number;
  /** The smallest eigenvalue of X'X. */
  readonly minEigenvalue: number;
  /** The response's name. */
  readonly yName: string;
  /** What the missing-value rule did. */
  readonly missing: MissingReport;

  /** @internal */
  constructor(
    private readonly data: ModelData,
    private readonly encoder: ReturnType<typeof designOf>["encoder"],
    fit: {
      names: string[]; beta: Float64Array; covUnscaled: Float64Array; resid: Float64Array; fitted: Float64Array;
      y: Float64Array; n: number; p: number; hasConstant: boolean; singularValues: Float64Array; yName: string; missing: MissingReport;
    },
  ) {
    const { n, p, beta, resid, y } = fit;
    this.names = fit.names;
    this.params = Array.from(beta);
    this.nobs = n;
    this.hasConstant = fit.hasConstant;
    const k0 = fit.hasConstant ? 1 : 0;
    this.dfModel = p - k0;
    this.dfResid = n - p;
    this.ssr = accurateSum(resid.map((e) => e * e));
    const ybar = accurateSum(y) / n;
    this.centeredTss = accurateSum(y.map((v) => (v - ybar) * (v - ybar)));
    this.uncenteredTss = accurateSum(y.map((v) => v * v));
    const tss = fit.hasConstant ? this.centeredTss : this.uncenteredTss;
    this.ess = tss - this.ssr;
    this.rsquared = 1 - this.ssr / tss;
    this.rsquaredAdj = 1 - (n - k0) / this.dfResid * (1 - this.rsquared);
    this.mseModel = this.ess / this.dfModel;
    this.mseResid = this.ssr / this.dfResid;
    this.fvalue = this.dfModel > 0 ? this.mseModel / this.mseResid : NaN;
    this.fPvalue = this.dfModel > 0 ? new FisherF(this.dfModel, this.dfResid).sf(this.fvalue) : NaN;
    const scale = this.mseResid;
    this.covParams = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => scale * fit.covUnscaled[i * p + j]));
    this.bse = this.covParams.map((row, i) => Math.sqrt(row[i]));
    this.tvalues = this.params.map((b, i) => b / this.bse[i]);
    const t = new StudentT(this.dfResid);
    this.pvalues = this.tvalues.map((v) => 2 * t.sf(Math.abs(v)));
    this.llf = -n / 2 * (Math.log(2 * Math.PI) + Math.log(this.ssr / n) + 1);
    this.aic = -2 * this.llf + 2 * (this.dfModel + k0);
    this.bic = -2 * this.llf + Math.log(n) * (this.dfModel + k0);
    this.resid = Array.from(resid);
    this.fittedValues = Array.from(fit.fitted);
    const s = fit.singularValues;
    this.conditionNumber = s[0] / s[s.length - 1];
    this.minEigenvalue = s[s.length - 1] ** 2;
    this.yName = fit.yName;
    this.missing = fit.missing;
  }

  /** Coefficient confidence intervals [lower, upper] at level 1 - alpha (t quantiles). */
  confInt(alpha = 0.05): [number, number][] {
    checkAlpha(alpha, "OLSResult.confInt");
    return coefficientIntervals(this.params, this.bse, new StudentT(this.dfResid).isf(alpha / 2));
  }

  /** The coefficient table as rows (name, coef, std err, t, p, interval). */
  table(alpha = 0.05): CoefficientRow[] {
    return coefficientRows(this, this.confInt(alpha));
  }

  /**
   * Predictions X b: the fitted values without an argument; for new data given the way the
   * model was fit (a frame for a formula, an object of columns, or a matrix without the
   * constant column), with categories and missing values encoded as in the fit.
   */
  predict(X?: Frame | PredictorsInput): number[] | Tensor {
    if (X === undefined) return this.fittedValues.slice();
    const { X: D, n } = this.encoder.encode(newPredictors(this.data, X, "OLSResult.predict"), "OLSResult.predict");
    return predictionOutput(linearPrediction(D, n, this.params), X);
  }

  /**
   * The summary table as statsmodels prints it: the header block (R-squared, Adj.
   * R-squared, F-statistic, Prob (F-statistic), Log-Likelihood, AIC, BIC, No.
   * Observations, Df Residuals, Df Model), the coefficient table (coef, std err, t, P>|t|,
   * [0.025 0.975]), the residual diagnostics and the notes.
   */
  summary(opts: SummaryOptions = {}): string {
    const alpha = checkAlpha(opts.alpha ?? 0.05, "OLSResult.summary");
    const [date, time] = summaryDate(opts.date ?? new Date());
    const unc = this.hasConstant ? "" : " (uncentered)";
    const left: HeaderRow[] = [
      ["Dep. Variable:", this.yName], ["Model:", "OLS"], ["Method:", "Least Squares"], ["Date:", date], ["Time:", time],
      ["No. Observations:", dOrF(this.nobs)], ["Df Residuals:", dOrF(this.dfResid)], ["Df Model:", dOrF(this.dfModel)],
      ["Covariance Type:", "nonrobust"],
    ];
    const right: HeaderRow[] = [
      [`R-squared${unc}:`, pyFormat("%#8.3f", this.rsquared)], [`Adj. R-squared${unc}:`, pyFormat("%#8.3f", this.rsquaredAdj)],
      ["F-statistic:", pyFormat("%#8.4g", this.fvalue)], ["Prob (F-statistic):", pyFormat("%#6.3g", this.fPvalue)],
      ["Log-Likelihood:", pyFormat("%#8.5g", this.llf)], ["AIC:", pyFormat("%#8.4g", this.aic)], ["BIC:", pyFormat("%#8.4g", this.bic)],
    ];
    const top = twoColumnBlock(opts.title ?? "OLS Regression Results", left, right);
    const params = paramsBlock(this.table(alpha).map(toParamRow), "t", alpha);
    const e = Float64Array.from(this.resid);
    const omni = normalTestOf(e), jb = jarqueBeraOf(e);
    const dw = e.length >= 2 ? durbinWatson(e) : NaN;
    const diag = twoColumnBlock("", [
      ["Omnibus:", pyFormat("%#6.3f", omni.statistic)], ["Prob(Omnibus):", pyFormat("%#6.3f", omni.pValue)],
      ["Skew:", pyFormat("%#6.3f", jb.skew)], ["Kurtosis:", pyFormat("%#6.3f", jb.kurtosis)],
    ], [
      ["Durbin-Watson:", pyFormat("%#8.3f", dw)], ["Jarque-Bera (JB):", pyFormat("%#8.3f", jb.statistic)],
      ["Prob(JB):", pyFormat("%#8.3g", jb.pValue)], ["Cond. No.", pyFormat("%#8.3g", this.conditionNumber)],
    ]);
    const notes: string[] = [];
    if (!this.hasConstant) notes.push("R² is computed without centering (uncentered) since the model does not contain a constant.");
    notes.push("Standard Errors assume that the covariance matrix of the errors is correctly specified.");
    if (this.minEigenvalue < 1e-10) {
      notes.push(`The smallest eigenvalue is ${pyFormat("%6.3g", this.minEigenvalue)}. This might indicate that there are\nstrong multicollinearity problems or that the design matrix is singular.`);
    } else if (this.conditionNumber > 1000) {
      notes.push(`The condition number is large, ${pyFormat("%6.3g", this.conditionNumber)}. This might indicate that there are\nstrong multicollinearity or other numerical problems.`);
    }
    const lines = [...top.lines, ...params.lines, ...diag.lines, "=".repeat(diag.width)];
    return `${lines.join("\n")}\n\nNotes:\n${notes.map((t, i) => `[${i + 1}] ${t}`).join("\n")}`;
  }

  /** The summary, with the current date. */
  toString(): string { return this.summary(); }
}

/** Fits OLS on resolved model data. */
export function fitOls(data: ModelData, op: string): OLSResult {
  const d = designOf(data, op);
  const y = d.y!;
  const f = factorDesign(d.X, d.n, d.p, d.names, op, d.intercept ? 0 : -1, y);
  if (d.n === d.p) {
    throw new CollinearityError(`${op}: ${d.n} observations for ${d.p} coefficients leave no residual degrees of freedom, so standard errors and tests are undefined; use more observations than coefficients`);
  }
  const hasConstant = d.intercept || f.spansConstant;
  if (hasConstant && y.every((v) => v === y[0])) {
    throw new RangeError(`${op}: the response '${d.yName}' is constant (every value is ${y[0]}), so there is no variation to explain`);
  }
  const { beta, fitted, resid } = solveLeastSquares(f, d.X, y, d.n, d.p);
  return new OLSResult(data, d.encoder, {
    names: d.names, beta, covUnscaled: f.covUnscaled, resid, fitted, y, n: d.n, p: d.p, hasConstant,
    singularValues: f.singularValues, yName: d.yName ?? "y", missing: d.missing,
  });
}

/**
 * Ordinary least squares regression with statsmodels' inference (OLS(...).fit()): returns an
 * OLSResult with coefficients, standard errors, t and p values, confidence intervals, R^2,
 * adjusted R^2, the F test and a statsmodels-style summary(). Three ways to give data:
 *
 * - `ols(frame, "y ~ x1 + C(group)", opts)`: a formula over a frame (an object of columns or
 *   an array of row objects); string columns and C(...) terms become drop-first dummies,
 *   "- 1" drops the intercept; names as patsy writes them ("Intercept", "C(group)[T.b]").
 * - `ols({ y, X }, opts)` or `ols(y, X, opts)`: X a matrix / 2-D tensor (columns named by
 *   opts.names, default x1, x2, ...) or an object of columns (string columns and
 *   stats.categorical(...) become dummies named as pandas.get_dummies(drop_first=True):
 *   "group_b"); a constant "const" is added unless opts.intercept is false.
 *
 * Missing values are an error unless opts.missing says "drop" or { impute: rule }. A
 * singular design (perfect collinearity, a zero or duplicated column) is an error naming
 * the columns involved.
 * @example
 * const res = stats.ols({ y: [1, 3, 2, 5, 4], X: { x: [1, 2, 3, 4, 5] } });
 * res.params    // [0.6, 0.8] (const, x)
 * console.log(res.summary());
 */
export function ols(frame: Frame, formula: string, opts?: ModelOptions): OLSResult;
export function ols(data: { y: VectorInput; X: PredictorsInput }, opts?: ModelOptions): OLSResult;
export function ols(y: VectorInput, X: PredictorsInput, opts?: ModelOptions): OLSResult;
export function ols(...args: unknown[]): OLSResult {
  return fitOls(resolveModelData(args, "ols", true), "ols");
}
