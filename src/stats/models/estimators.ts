// scikit-learn-style wrappers: construct with options, fit(X, y), then predict and score
// (and the full statsmodels-style result in .result).
import type { Tensor } from "../../tensor/tensor.js";
import type { ModelOptions, PredictorsInput, VectorInput } from "../frame/model_data.js";
import { resolveModelData } from "../frame/model_data.js";
import { toNumeric } from "../input.js";
import type { LogitOptions, LogitResult } from "./logit.js";
import { fitLogit } from "./logit.js";
import type { OLSResult } from "./ols.js";
import { fitOls } from "./ols.js";

function notFitted(name: string): Error {
  return new Error(`${name}: the model is not fitted yet; call fit(X, y) first`);
}

function targets(y: VectorInput, op: string): Float64Array {
  const values = Array.isArray(y) ? y.map((v) => (typeof v === "boolean" ? Number(v) : v)) : y;
  return toNumeric(values, op, "y").data;
}

/** What OLS and Logit share: the fitted result, and the coefficients split into predictors and intercept. */
abstract class FittedModel<R extends { readonly params: readonly number[] }> {
  protected fitted: R | null = null;

  constructor(readonly options: { intercept?: boolean }, private readonly modelName: string) {}

  /** The statsmodels-style result (coefficients, standard errors, summary()). */
  get result(): R {
    if (this.fitted === null) throw notFitted(this.modelName);
    return this.fitted;
  }

  /** The coefficients of the predictors (without the intercept). */
  get coef(): number[] {
    const r = this.result;
    return (this.options.intercept ?? true) ? r.params.slice(1) : r.params.slice();
  }

  /** The intercept (0 when fit without one). */
  get intercept(): number {
    return (this.options.intercept ?? true) ? this.result.params[0] : 0;
  }
}

/**
 * Linear regression by ordinary least squares as a scikit-learn-style estimator:
 * `new stats.OLS(opts).fit(X, y)`, then `predict(X)`, `score(X, y)` (R^2), `coef`,
 * `intercept`, and the OLSResult with standard errors and summary() in `result`. X is a
 * matrix, a 2-D tensor or an object of columns; options as for `stats.ols`.
 * @example
 * const m = new stats.OLS().fit([[1], [2], [3], [4]], [3, 5, 7, 9]);
 * m.coef        // [2]
 * m.predict([[5]]) // [11]
 */
export class OLS extends FittedModel<OLSResult> {
  constructor(override readonly options: ModelOptions = {}) {
    super(options, "OLS");
  }

  /** Fits the model; returns this. */
  fit(X: PredictorsInput, y: VectorInput): this {
    this.fitted = fitOls(resolveModelData([y, X, this.options], "OLS.fit", true), "OLS.fit");
    return this;
  }

  /** Predictions for new X (a tensor gives a tensor). */
  predict(X: PredictorsInput): number[] | Tensor {
    return this.result.predict(X);
  }

  /** The coefficient of determination R^2 of the predictions on (X, y). */
  score(X: PredictorsInput, y: VectorInput): number {
    const pred = this.predict(X);
    const yp = Array.isArray(pred) ? pred : Array.from(pred.dataSync());
    const yt = targets(y, "OLS.score");
    if (yt.length !== yp.length) throw new RangeError(`OLS.score: X has ${yp.length} rows but y has ${yt.length} values`);
    const m = yt.reduce((a, b) => a + b, 0) / yt.length;
    let ssr = 0, tss = 0;
    yt.forEach((v, i) => { ssr += (v - yp[i]) ** 2; tss += (v - m) ** 2; });
    return 1 - ssr / tss;
  }
}

/**
 * Logistic regression by maximum likelihood (no penalty) as a scikit-learn-style
 * estimator: `new stats.Logit(opts).fit(X, y)`, then `predictProba(X)`, `predict(X)` (0/1
 * at threshold 0.5), `score(X, y)` (accuracy), `coef`, `intercept`, and the LogitResult in
 * `result`. Options as for `stats.logit`.
 * @example
 * const m = new stats.Logit().fit([[1], [2], [3], [4], [5], [6]], [0, 0, 1, 0, 1, 1]);
 * m.predict([[0], [7]]) // [0, 1]
 */
export class Logit extends FittedModel<LogitResult> {
  constructor(override readonly options: LogitOptions = {}) {
    super(options, "Logit");
  }

  /** Fits the model; returns this. */
  fit(X: PredictorsInput, y: VectorInput): this {
    this.fitted = fitLogit(resolveModelData([y, X, this.options], "Logit.fit", true), this.options, "Logit.fit");
    return this;
  }

  /** P(y = 1) for new X (a tensor gives a tensor). */
  predictProba(X: PredictorsInput): number[] | Tensor {
    return this.result.predict(X);
  }

  /** Predicted classes 0/1 at threshold 0.5. */
  predict(X: PredictorsInput): number[] {
    const p = this.predictProba(X);
    return (Array.isArray(p) ? p : Array.from(p.dataSync())).map((v) => (v >= 0.5 ? 1 : 0));
  }

  /** The accuracy of predict(X) against y. */
  score(X: PredictorsInput, y: VectorInput): number {
    const pred = this.predict(X);
    const yt = targets(y, "Logit.score");
    if (yt.length !== pred.length) throw new RangeError(`Logit.score: X has ${pred.length} rows but y has ${yt.length} values`);
    let right = 0;
    pred.forEach((v, i) => { if (v === yt[i]) right++; });
    return right / yt.length;
  }
}
