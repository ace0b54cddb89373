import { lstsq } from "../ops/linalg/lstsq.js";
import { solve } from "../ops/linalg/lu.js";
import { matmul } from "../ops/matmul.js";
import { transpose } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkNumber, fitted } from "./estimator.js";
import type { Matrix, MatrixLike, TargetLike } from "./matrix.js";
import { checkFeatures, checkSameLength, columnMeans, f64, toMatrix, toTargets } from "./matrix.js";
import { r2Of } from "./metrics.js";

// Least squares, ridge (closed form, through gl.linalg) and lasso (cyclic coordinate
// descent with scikit-learn's stopping rule), sharing centring, prediction and scoring.

interface LinearState {
  /** Row-major [nTargets, nFeatures]. */
  coef: Float64Array;
  intercept: Float64Array;
  nFeatures: number;
  nTargets: number;
  single: boolean;
}

/** Options every linear model takes. */
export interface LinearOptions {
  /** Fit an intercept (centre X and y first; default true). */
  fitIntercept?: boolean;
}

interface Centred {
  X: Float64Array;
  Y: Float64Array;
  xMean: Float64Array;
  yMean: Float64Array;
}

function centre(X: Matrix, Y: Matrix, fitIntercept: boolean): Centred {
  const xMean = fitIntercept ? columnMeans(X) : new Float64Array(X.cols);
  const yMean = fitIntercept ? columnMeans(Y) : new Float64Array(Y.cols);
  const Xc = X.data.slice(), Yc = Y.data.slice();
  if (fitIntercept) {
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < X.cols; j++) Xc[i * X.cols + j] -= xMean[j];
      for (let j = 0; j < Y.cols; j++) Yc[i * Y.cols + j] -= yMean[j];
    }
  }
  return { X: Xc, Y: Yc, xMean, yMean };
}

/** Row-major X @ coef^T + intercept for coef [t, d]. */
export function linearPredict(X: Matrix, coef: Float64Array, intercept: Float64Array, t: number): Float64Array {
  const { data, rows, cols } = X;
  const out = new Float64Array(rows * t);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < t; k++) {
      let s = intercept[k];
      for (let j = 0; j < cols; j++) s += data[i * cols + j] * coef[k * cols + j];
      out[i * t + k] = s;
    }
  }
  return out;
}

/** The shared half of the linear regressors: fitted attributes, predict and score. */
abstract class LinearRegressorBase {
  protected state: LinearState | null = null;
  readonly fitIntercept: boolean;

  protected constructor(protected readonly who: string, opts: LinearOptions) {
    this.fitIntercept = opts.fitIntercept ?? true;
  }

  /** Solves the centred problem: returns coef [t, d] row-major. */
  protected abstract solveCentred(c: Centred, n: number, d: number, t: number): Float64Array;

  /** Fits the model to X [n, d] and y [n] (or [n, t] where supported). Returns this. */
  fit(X: MatrixLike, y: TargetLike): this {
    const A = toMatrix(X, this.who);
    const Y = toTargets(y, this.who);
    checkSameLength(A.rows, Y.rows, this.who);
    this.beforeFit(Y.single);
    const c = centre(A, Y, this.fitIntercept);
    const coef = this.solveCentred(c, A.rows, A.cols, Y.cols);
    const intercept = new Float64Array(Y.cols);
    for (let k = 0; k < Y.cols; k++) {
      let s = c.yMean[k];
      for (let j = 0; j < A.cols; j++) s -= c.xMean[j] * coef[k * A.cols + j];
      intercept[k] = this.fitIntercept ? s : 0;
    }
    this.state = { coef, intercept, nFeatures: A.cols, nTargets: Y.cols, single: Y.single };
    return this;
  }

  /** Hook for models that restrict the targets. */
  protected beforeFit(_single: boolean): void {}

  /** Coefficients: [nFeatures] for one target, [nTargets, nFeatures] for several. */
  get coef(): Tensor {
    const s = fitted(this.state, this.who, "reading coef");
    return f64(s.coef.slice(), s.single ? [s.nFeatures] : [s.nTargets, s.nFeatures]);
  }

  /** Intercept: a 0-d tensor for one target, [nTargets] for several (zeros without fitIntercept). */
  get intercept(): Tensor {
    const s = fitted(this.state, this.who, "reading intercept");
    return f64(s.intercept.slice(), s.single ? [] : [s.nTargets]);
  }

  /** Number of features seen in fit. */
  get nFeaturesIn(): number {
    return fitted(this.state, this.who, "reading nFeaturesIn").nFeatures;
  }

  /** Predictions X @ coef^T + intercept: [n] or [n, nTargets]. */
  predict(X: MatrixLike): Tensor {
    const s = fitted(this.state, this.who, "predict");
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.nFeatures, this.who);
    const out = linearPredict(A, s.coef, s.intercept, s.nTargets);
    return f64(out, s.single ? [A.rows] : [A.rows, s.nTargets]);
  }

  /** R^2 of the predictions on X against y (averaged over targets). */
  score(X: MatrixLike, y: TargetLike): number {
    const Y = toTargets(y, this.who);
    const p = this.predict(X);
    checkSameLength(p.shape[0], Y.rows, this.who);
    return r2Of(Y.data, p.data as Float64Array, Y.rows, Y.cols);
  }
}

function transposeToRows(sol: Tensor): Float64Array {
  return transpose(sol, 0, 1).dataSync() as Float64Array;
}

/**
 * Ordinary least squares (sklearn's LinearRegression): minimises ||y - X w - b||^2 through
 * gl.linalg.lstsq on centred data, the minimum-norm solution when X is rank deficient.
 * Fitted: coef, intercept. y may be [n] or [n, nTargets].
 * @example
 * const m = new ml.LinearRegression().fit([[0], [1], [2]], [1, 3, 5]);
 * m.coef.toArray(); // [2]      m.intercept.item(); // 1
 */
export class LinearRegression extends LinearRegressorBase {
  constructor(opts: LinearOptions = {}) {
    super("LinearRegression", opts);
  }

  protected solveCentred(c: Centred, n: number, d: number, t: number): Float64Array {
    return transposeToRows(lstsq(f64(c.X, [n, d]), f64(c.Y, [n, t]), { driver: "gelsd" }).solution);
  }
}

/** Options of Ridge. */
export interface RidgeOptions extends LinearOptions {
  /** L2 penalty strength (default 1). */
  alpha?: number;
}

/**
 * Ridge regression (sklearn's Ridge): minimises ||y - X w - b||^2 + alpha ||w||^2 in
 * closed form, (X^T X + alpha I) w = X^T y with gl.linalg.solve (the dual form
 * X^T (X X^T + alpha I)^-1 y when there are more features than samples).
 * @example
 * const m = new ml.Ridge({ alpha: 0.5 }).fit(X, y);
 * m.score(Xtest, ytest); // R^2
 */
export class Ridge extends LinearRegressorBase {
  readonly alpha: number;

  constructor(opts: RidgeOptions = {}) {
    super("Ridge", opts);
    this.alpha = checkNumber("Ridge", "alpha", opts.alpha ?? 1, { min: 0 });
  }

  protected solveCentred(c: Centred, n: number, d: number, t: number): Float64Array {
    return ridgeSolve(c.X, c.Y, n, d, t, this.alpha);
  }
}

/** Ridge coefficients [t, d] row-major for centred X [n, d], Y [n, t]. */
export function ridgeSolve(X: Float64Array, Y: Float64Array, n: number, d: number, t: number, alpha: number): Float64Array {
  const A = f64(X, [n, d]), B = f64(Y, [n, t]);
  const At = transpose(A, 0, 1);
  const primal = d <= n;
  const G = primal ? matmul(At, A) : matmul(A, At);
  const m = primal ? d : n;
  const g = G.data as Float64Array;
  for (let i = 0; i < m; i++) g[i * m + i] += alpha;
  let sol: Tensor;
  try {
    sol = primal ? solve(G, matmul(At, B)) : matmul(At, solve(G, B));
  } catch {
    // alpha = 0 with collinear columns: fall back to the minimum-norm least-squares solution.
    sol = lstsq(A, B, { driver: "gelsd" }).solution;
  }
  return transposeToRows(sol);
}

/** Options of Lasso. */
export interface LassoOptions extends LinearOptions {
  /** L1 penalty strength (default 1). */
  alpha?: number;
  /** Most passes over the features (default 1000). */
  maxIter?: number;
  /** Tolerance: stop when the duality gap is below tol * ||y||^2 (default 1e-4, as sklearn). */
  tol?: number;
  /** Constrain the coefficients to be >= 0 (default false). */
  positive?: boolean;
}

/**
 * Lasso (sklearn's Lasso): minimises 1/(2n) ||y - X w - b||^2 + alpha ||w||_1 by cyclic
 * coordinate descent, stopping like sklearn: when the largest coefficient change is
 * below tol times the largest coefficient, the duality gap is checked against
 * tol * ||y||^2. Fitted: coef, intercept, nIter, dualGap. y must be 1-D.
 * @example
 * const m = new ml.Lasso({ alpha: 0.1 }).fit(X, y);
 * m.coef; // sparse: some entries exactly 0
 */
export class Lasso extends LinearRegressorBase {
  readonly alpha: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly positive: boolean;
  private iters = 0;
  private gap = 0;

  constructor(opts: LassoOptions = {}) {
    super("Lasso", opts);
    this.alpha = checkNumber("Lasso", "alpha", opts.alpha ?? 1, { min: 0 });
    this.maxIter = checkNumber("Lasso", "maxIter", opts.maxIter ?? 1000, { min: 1, integer: true });
    this.tol = checkNumber("Lasso", "tol", opts.tol ?? 1e-4, { min: 0 });
    this.positive = opts.positive ?? false;
  }

  /** Passes over the features that the last fit made. */
  get nIter(): number {
    fitted(this.state, this.who, "reading nIter");
    return this.iters;
  }

  /** Duality gap of the objective 1/(2n)||y - Xw||^2 + alpha||w||_1 at the end of the fit. */
  get dualGap(): number {
    fitted(this.state, this.who, "reading dualGap");
    return this.gap;
  }

  protected override beforeFit(single: boolean): void {
    if (!single) throw new RangeError("Lasso: y must be 1-D [nSamples]; fit one Lasso per target");
  }

  protected solveCentred(c: Centred, n: number, d: number): Float64Array {
    const r = lassoCD(c.X, c.Y, n, d, this.alpha * n, this.maxIter, this.tol, this.positive);
    this.iters = r.nIter;
    this.gap = r.gap / n;
    return r.w;
  }
}

/**
 * Coordinate descent for 1/2 ||y - X w||^2 + l1 ||w||_1 on row-major X [n, d] (works on a
 * column-major copy so each coordinate update streams one contiguous column).
 */
function lassoCD(Xr: Float64Array, y: Float64Array, n: number, d: number, l1: number, maxIter: number, tol: number, positive: boolean): { w: Float64Array; nIter: number; gap: number } {
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[j * n + i] = Xr[i * d + j];
  const w = new Float64Array(d);
  const R = y.slice();
  const normCols = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += X[j * n + i] ** 2;
    normCols[j] = s;
  }
  let yy = 0;
  for (let i = 0; i < n; i++) yy += y[i] * y[i];
  const gapTol = tol * yy;
  let gap = tol + 1;
  let it = 0;
  for (; it < maxIter; it++) {
    let wMax = 0, dwMax = 0;
    for (let j = 0; j < d; j++) {
      if (normCols[j] === 0) continue;
      const off = j * n;
      const wj = w[j];
      if (wj !== 0) for (let i = 0; i < n; i++) R[i] += wj * X[off + i];
      let tmp = 0;
      for (let i = 0; i < n; i++) tmp += X[off + i] * R[i];
      const nw = positive && tmp < 0 ? 0 : Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0) / normCols[j];
      w[j] = nw;
      if (nw !== 0) for (let i = 0; i < n; i++) R[i] -= nw * X[off + i];
      dwMax = Math.max(dwMax, Math.abs(nw - wj));
      wMax = Math.max(wMax, Math.abs(nw));
    }
    if (wMax === 0 || dwMax / wMax < tol || it === maxIter - 1) {
      gap = dualityGap(X, y, R, w, n, d, l1, positive);
      if (gap < gapTol) { it++; break; }
    }
  }
  return { w, nIter: Math.min(it, maxIter), gap };
}

/** sklearn's duality gap for the lasso (l2 = 0) at residual R = y - X w. */
function dualityGap(X: Float64Array, y: Float64Array, R: Float64Array, w: Float64Array, n: number, d: number, l1: number, positive: boolean): number {
  let dual = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += X[j * n + i] * R[i];
    dual = Math.max(dual, positive ? s : Math.abs(s));
  }
  let rr = 0, ry = 0, l1w = 0;
  for (let i = 0; i < n; i++) { rr += R[i] * R[i]; ry += R[i] * y[i]; }
  for (let j = 0; j < d; j++) l1w += Math.abs(w[j]);
  let k = 1, gap = rr;
  if (dual > l1) {
    k = l1 / dual;
    gap = 0.5 * (rr + rr * k * k);
  }
  return gap + l1 * l1w - k * ry;
}
