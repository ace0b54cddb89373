import type { Tensor } from "../tensor/tensor.js";
import type { SeedOptions } from "./estimator.js";
import { checkNumber, fitted, generatorOf } from "./estimator.js";
import { LinearRegression, Ridge } from "./linear.js";
import type { Matrix, MatrixLike, TargetLike } from "./matrix.js";
import { checkFeatures, checkSameLength, f64, toMatrix, toTargets } from "./matrix.js";

// The random-features baseline: a fixed random projection W ~ N(0, 1/d), ReLU, and a
// linear readout (least squares, or ridge) trained on the features. Only the readout learns.

/** Options of RandomFeaturesRegressor. */
export interface RandomFeaturesOptions extends SeedOptions {
  /** Number of random ReLU features (default 100). */
  nFeatures?: number;
  /** Ridge penalty of the readout; 0 (default) is ordinary least squares. */
  alpha?: number;
  /** Fit an intercept in the readout (default true). */
  fitIntercept?: boolean;
  /** A fixed projection W [d, nFeatures] instead of a random one. */
  projection?: MatrixLike;
}

interface RFState {
  /** [d, m] row-major. */
  W: Float64Array;
  d: number;
  m: number;
  readout: LinearRegression | Ridge;
}

/** relu(X W) for X [n, d], W [d, m]. */
function reluFeatures(X: Matrix, W: Float64Array, m: number): Float64Array {
  const { data, rows: n, cols: d } = X;
  const F = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const x = data[i * d + j];
      if (x === 0) continue;
      for (let c = 0; c < m; c++) F[i * m + c] += x * W[j * m + c];
    }
    for (let c = 0; c < m; c++) if (F[i * m + c] < 0) F[i * m + c] = 0;
  }
  return F;
}

/**
 * Random-features regression, the classic baseline: features relu(X W) with a fixed random
 * W [d, nFeatures] drawn N(0, 1/d) (seeded), then a linear readout fitted by least squares
 * (alpha = 0) or ridge (alpha > 0). Fitted: projection, coef, intercept; transform(X)
 * gives the features.
 * @example
 * const rf = new ml.RandomFeaturesRegressor({ nFeatures: 200, alpha: 1e-3, seed: 0 }).fit(X, y);
 * rf.score(Xtest, ytest);
 */
export class RandomFeaturesRegressor {
  readonly nFeatures: number;
  readonly alpha: number;
  readonly fitIntercept: boolean;
  private state: RFState | null = null;
  private readonly who = "RandomFeaturesRegressor";

  constructor(private readonly opts: RandomFeaturesOptions = {}) {
    this.nFeatures = checkNumber(this.who, "nFeatures", opts.nFeatures ?? 100, { min: 1, integer: true });
    this.alpha = checkNumber(this.who, "alpha", opts.alpha ?? 0, { min: 0 });
    this.fitIntercept = opts.fitIntercept ?? true;
  }

  /** Draws (or takes) the projection and fits the readout on relu(X W) against y. Returns this. */
  fit(X: MatrixLike, y: TargetLike): this {
    const A = toMatrix(X, this.who);
    checkSameLength(A.rows, toTargets(y, this.who).rows, this.who);
    const d = A.cols, m = this.nFeatures;
    let W: Float64Array;
    if (this.opts.projection !== undefined) {
      const P = toMatrix(this.opts.projection, this.who, "projection");
      if (P.rows !== d || P.cols !== m) throw new RangeError(`${this.who}: projection must have shape [nFeaturesIn, nFeatures] = [${d}, ${m}], got [${P.rows}, ${P.cols}]`);
      W = P.data;
    } else {
      const gen = generatorOf(this.opts);
      const sd = 1 / Math.sqrt(d);
      W = new Float64Array(d * m);
      for (let t = 0; t < W.length; t++) W[t] = gen.normal() * sd;
    }
    const F = f64(reluFeatures(A, W, m), [A.rows, m]);
    const readout = this.alpha > 0 ? new Ridge({ alpha: this.alpha, fitIntercept: this.fitIntercept }) : new LinearRegression({ fitIntercept: this.fitIntercept });
    readout.fit(F, y);
    this.state = { W, d, m, readout };
    return this;
  }

  private st(what: string): RFState {
    return fitted(this.state, this.who, what);
  }

  /** The projection W [d, nFeatures]. */
  get projection(): Tensor { const s = this.st("reading projection"); return f64(s.W.slice(), [s.d, s.m]); }
  /** Readout coefficients ([nFeatures], or [nTargets, nFeatures]). */
  get coef(): Tensor { return this.st("reading coef").readout.coef; }
  /** Readout intercept (0-d, or [nTargets]). */
  get intercept(): Tensor { return this.st("reading intercept").readout.intercept; }

  /** The random ReLU features relu(X W) [n, nFeatures]. */
  transform(X: MatrixLike): Tensor {
    const s = this.st("transform");
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.d, this.who);
    return f64(reluFeatures(A, s.W, s.m), [A.rows, s.m]);
  }

  /** Readout predictions on the features of X. */
  predict(X: MatrixLike): Tensor {
    return this.st("predict").readout.predict(this.transform(X));
  }

  /** R^2 of predict(X) against y. */
  score(X: MatrixLike, y: TargetLike): number {
    return this.st("score").readout.score(this.transform(X), y);
  }
}
