import { matmul } from "../ops/matmul.js";
import { transpose } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkNumber, fitted } from "./estimator.js";
import type { Matrix, MatrixLike, VectorLike } from "./matrix.js";
import { checkFeatures, encodeLabels, f64, labelTensor, toMatrix, toSamples } from "./matrix.js";
import type { DType } from "../tensor/dtype.js";
import { accuracyOfPrediction } from "./metrics.js";

// L2-regularised logistic regression (binary: sigmoid; more classes: multinomial softmax)
// minimised to the optimum by truncated Newton (Newton-CG with exact Hessian-vector
// products), the objective of scikit-learn's default solver:
//   sum_i logloss_i(w, b) + ||w||^2 / (2C)      (the intercept is not penalised)

/** Options of LogisticRegression. */
export interface LogisticRegressionOptions {
  /** Inverse regularisation strength (default 1): smaller C, stronger L2 penalty. */
  C?: number;
  /** Fit an unpenalised intercept (default true). */
  fitIntercept?: boolean;
  /** Most Newton iterations (default 100). */
  maxIter?: number;
  /** Stop when the largest gradient entry of the objective is <= tol (default 1e-4). */
  tol?: number;
}

interface LogisticState {
  classes: Float64Array;
  labelDtype: DType;
  /** Row-major [nRows, d], nRows = 1 for two classes, else nClasses. */
  coef: Float64Array;
  intercept: Float64Array;
  nRows: number;
  nFeatures: number;
  nIter: number;
}

/** The objective's pieces for one model shape, on fixed data. */
class Objective {
  readonly nRows: number;
  readonly size: number;
  /** X as a tensor, for the two big products (gl.matmul's blocked kernel). */
  private readonly Xt: Tensor;
  /** Probabilities at the last `value` call ([n] for binary, [n, K] multinomial). */
  private readonly P: Float64Array;
  /** Per-sample residuals (gradient) or curvature-weighted scores (Hessian-vector) [n, K]. */
  private readonly R: Float64Array;

  constructor(private readonly X: Matrix, private readonly yIdx: Int32Array, nClasses: number, private readonly invC: number, private readonly fi: boolean) {
    this.nRows = nClasses === 2 ? 1 : nClasses;
    this.size = this.nRows * (X.cols + (fi ? 1 : 0));
    this.Xt = f64(X.data, [X.rows, X.cols]);
    this.P = new Float64Array(X.rows * this.nRows);
    this.R = new Float64Array(X.rows * this.nRows);
  }

  /** z = X W^T + b [n, nRows] for parameters (or a direction) v. */
  private scores(v: Float64Array): Float64Array {
    const { rows, cols } = this.X;
    const K = this.nRows, off = K * cols;
    const W = f64(v.subarray(0, off), [K, cols]);
    const Z = matmul(this.Xt, transpose(W, 0, 1)).data as Float64Array;
    if (this.fi) for (let i = 0; i < rows; i++) for (let k = 0; k < K; k++) Z[i * K + k] += v[off + k];
    return Z;
  }

  /** out = [R^T X | column sums of R] (+ invC * v on the weights): the shared form of gradient and Hv. */
  private backProject(v: Float64Array, out: Float64Array): void {
    const { rows, cols } = this.X;
    const K = this.nRows, off = K * cols, R = this.R;
    const G = matmul(transpose(f64(R, [rows, K]), 0, 1), this.Xt).data as Float64Array;
    for (let t = 0; t < off; t++) out[t] = G[t] + this.invC * v[t];
    if (this.fi) {
      for (let k = 0; k < K; k++) out[off + k] = 0;
      for (let i = 0; i < rows; i++) for (let k = 0; k < K; k++) out[off + k] += R[i * K + k];
    }
  }

  /** Objective value at w (keeps the probabilities for gradient and Hv). */
  value(w: Float64Array): number {
    const Z = this.scores(w);
    const { rows, cols } = this.X;
    const K = this.nRows, P = this.P, y = this.yIdx;
    let loss = 0;
    if (K === 1) {
      for (let i = 0; i < rows; i++) {
        const z = Z[i];
        // log(1 + e^z) - y z, computed without overflow.
        loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (y[i] === 1 ? z : 0);
        P[i] = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      }
    } else {
      for (let i = 0; i < rows; i++) {
        let m = -Infinity;
        for (let k = 0; k < K; k++) m = Math.max(m, Z[i * K + k]);
        let s = 0;
        for (let k = 0; k < K; k++) { const e = Math.exp(Z[i * K + k] - m); P[i * K + k] = e; s += e; }
        for (let k = 0; k < K; k++) P[i * K + k] /= s;
        loss += m + Math.log(s) - Z[i * K + y[i]];
      }
    }
    let pen = 0;
    for (let t = 0; t < K * cols; t++) pen += w[t] * w[t];
    return loss + 0.5 * this.invC * pen;
  }

  /** Gradient at the point of the last `value` call: X^T (P - Y) + w / C. */
  gradient(w: Float64Array, g: Float64Array): void {
    const K = this.nRows, P = this.P, R = this.R, y = this.yIdx;
    for (let i = 0; i < this.X.rows; i++) {
      for (let k = 0; k < K; k++) R[i * K + k] = P[i * K + k] - ((K === 1 ? y[i] === 1 : y[i] === k) ? 1 : 0);
    }
    this.backProject(w, g);
  }

  /** Hessian-vector product H v at the point of the last `value` call. */
  hessVec(v: Float64Array, out: Float64Array): void {
    const K = this.nRows, P = this.P, R = this.R;
    const U = this.scores(v);
    // R = D u: the per-sample curvature of the log-loss applied to the direction's scores.
    for (let i = 0; i < this.X.rows; i++) {
      if (K === 1) {
        R[i] = U[i] * P[i] * (1 - P[i]);
      } else {
        let pu = 0;
        for (let k = 0; k < K; k++) pu += P[i * K + k] * U[i * K + k];
        for (let k = 0; k < K; k++) R[i * K + k] = P[i * K + k] * (U[i * K + k] - pu);
      }
    }
    this.backProject(v, out);
  }
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Truncated Newton: CG on H d = -g to a gradient-scaled tolerance, then a backtracking line search. */
function newtonCG(f: Objective, maxIter: number, tol: number): { w: Float64Array; nIter: number } {
  const P = f.size;
  const w = new Float64Array(P), g = new Float64Array(P), d = new Float64Array(P);
  const r = new Float64Array(P), p = new Float64Array(P), Ap = new Float64Array(P), trial = new Float64Array(P);
  let fw = f.value(w);
  let it = 0;
  for (; it < maxIter; it++) {
    f.gradient(w, g);
    let gmax = 0, gsum = 0;
    for (let t = 0; t < P; t++) { const a = Math.abs(g[t]); gmax = Math.max(gmax, a); gsum += a; }
    if (gmax <= tol) break;
    // Inner CG (as scipy/sklearn's newton-cg): stop at residual l1 <= min(0.5, sqrt(|g|_1)) |g|_1.
    const term = Math.min(0.5, Math.sqrt(gsum)) * gsum;
    d.fill(0);
    r.set(g);
    for (let t = 0; t < P; t++) p[t] = -g[t];
    let rr = dot(r, r);
    for (let inner = 0; inner < 200 + P; inner++) {
      let rsum = 0;
      for (let t = 0; t < P; t++) rsum += Math.abs(r[t]);
      if (rsum <= term) break;
      f.hessVec(p, Ap);
      const curv = dot(p, Ap);
      if (curv <= 3 * Number.EPSILON * rr) {
        if (inner === 0) for (let t = 0; t < P; t++) d[t] = -g[t];
        break;
      }
      const a = rr / curv;
      for (let t = 0; t < P; t++) { d[t] += a * p[t]; r[t] += a * Ap[t]; }
      const rr1 = dot(r, r);
      const b = rr1 / rr;
      for (let t = 0; t < P; t++) p[t] = -r[t] + b * p[t];
      rr = rr1;
    }
    // The Hessian-vector products overwrote nothing the line search needs: value() refills P.
    const slope = dot(g, d);
    let step = 1, ft = 0, ok = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let t = 0; t < P; t++) trial[t] = w[t] + step * d[t];
      ft = f.value(trial);
      if (ft <= fw + 1e-4 * step * slope) { ok = true; break; }
      step *= 0.5;
    }
    if (!ok) { f.value(w); break; } // no decrease representable: at the optimum to rounding
    w.set(trial);
    fw = ft;
  }
  return { w, nIter: it };
}

/**
 * Logistic regression classifier (sklearn's LogisticRegression with its default L2 penalty
 * and C = 1): two classes use the sigmoid, more classes the multinomial softmax. The
 * objective sum(logloss) + ||w||^2/(2C) is minimised to the optimum by Newton-CG, so the
 * coefficients equal scikit-learn's optimum. Fitted: classes, coef [1 or nClasses, d],
 * intercept, nIter.
 * @example
 * const clf = new ml.LogisticRegression({ C: 1 }).fit(X, y);
 * clf.predictProba(Xtest); // [n, nClasses]
 */
export class LogisticRegression {
  readonly C: number;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  private state: LogisticState | null = null;
  private readonly who = "LogisticRegression";

  constructor(opts: LogisticRegressionOptions = {}) {
    this.C = checkNumber(this.who, "C", opts.C ?? 1, { min: 0, exclusiveMin: true });
    this.fitIntercept = opts.fitIntercept ?? true;
    this.maxIter = checkNumber(this.who, "maxIter", opts.maxIter ?? 100, { min: 1, integer: true });
    this.tol = checkNumber(this.who, "tol", opts.tol ?? 1e-4, { min: 0 });
  }

  /** Fits to X [n, d] and class labels y [n]. Returns this. */
  fit(X: MatrixLike, y: VectorLike): this {
    const { A, y: lab } = toSamples(X, y, this.who);
    const { classes, index } = encodeLabels(lab.data);
    if (classes.length < 2) throw new RangeError(`${this.who}: y must hold at least 2 classes, got only one (label ${classes[0]})`);
    const f = new Objective(A, index, classes.length, 1 / this.C, this.fitIntercept);
    const { w, nIter } = newtonCG(f, this.maxIter, this.tol);
    const K = f.nRows, d = A.cols;
    const coef = w.slice(0, K * d);
    const intercept = this.fitIntercept ? w.slice(K * d) : new Float64Array(K);
    if (K > 1 && this.fitIntercept) {
      // Softmax is unchanged by a shared shift; report the zero-sum intercepts, as lbfgs does.
      const m = intercept.reduce((a, b) => a + b, 0) / K;
      for (let k = 0; k < K; k++) intercept[k] -= m;
    }
    this.state = { classes, labelDtype: lab.dtype, coef, intercept, nRows: K, nFeatures: d, nIter };
    return this;
  }

  private fittedState(what: string): LogisticState {
    return fitted(this.state, this.who, what);
  }

  /** The class labels, sorted. */
  get classes(): Tensor { const s = this.fittedState("reading classes"); return labelTensor(s.classes.slice(), s.labelDtype); }
  /** Coefficients [1, d] for two classes (towards classes[1]), [nClasses, d] otherwise. */
  get coef(): Tensor { const s = this.fittedState("reading coef"); return f64(s.coef.slice(), [s.nRows, s.nFeatures]); }
  /** Intercepts [1] or [nClasses]. */
  get intercept(): Tensor { const s = this.fittedState("reading intercept"); return f64(s.intercept.slice(), [s.nRows]); }
  /** Newton iterations of the last fit. */
  get nIter(): number { return this.fittedState("reading nIter").nIter; }

  private decision(X: MatrixLike, what: string): { s: LogisticState; Z: Float64Array; n: number } {
    const s = this.fittedState(what);
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.nFeatures, this.who);
    const K = s.nRows, d = s.nFeatures, Z = new Float64Array(A.rows * K);
    for (let i = 0; i < A.rows; i++) {
      for (let k = 0; k < K; k++) {
        let z = s.intercept[k];
        for (let j = 0; j < d; j++) z += A.data[i * d + j] * s.coef[k * d + j];
        Z[i * K + k] = z;
      }
    }
    return { s, Z, n: A.rows };
  }

  /** Scores X W^T + b: [n] for two classes (positive means classes[1]), else [n, nClasses]. */
  decisionFunction(X: MatrixLike): Tensor {
    const { s, Z, n } = this.decision(X, "decisionFunction");
    return f64(Z, s.nRows === 1 ? [n] : [n, s.nRows]);
  }

  /** Class probabilities [n, nClasses] (columns in classes order). */
  predictProba(X: MatrixLike): Tensor {
    const { s, Z, n } = this.decision(X, "predictProba");
    const K = s.classes.length, out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      if (s.nRows === 1) {
        const z = Z[i], p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
      } else {
        let m = -Infinity, sum = 0;
        for (let k = 0; k < K; k++) m = Math.max(m, Z[i * K + k]);
        for (let k = 0; k < K; k++) { out[i * K + k] = Math.exp(Z[i * K + k] - m); sum += out[i * K + k]; }
        for (let k = 0; k < K; k++) out[i * K + k] /= sum;
      }
    }
    return f64(out, [n, K]);
  }

  /** Log of predictProba. */
  predictLogProba(X: MatrixLike): Tensor {
    const p = this.predictProba(X);
    const d = p.data as Float64Array;
    for (let i = 0; i < d.length; i++) d[i] = Math.log(d[i]);
    return p;
  }

  /** Most probable class per sample (the first class on exact ties). */
  predict(X: MatrixLike): Tensor {
    const { s, Z, n } = this.decision(X, "predict");
    const out = new Float64Array(n), K = s.nRows;
    for (let i = 0; i < n; i++) {
      if (K === 1) { out[i] = s.classes[Z[i] > 0 ? 1 : 0]; continue; }
      let best = 0;
      for (let k = 1; k < K; k++) if (Z[i * K + k] > Z[i * K + best]) best = k;
      out[i] = s.classes[best];
    }
    return labelTensor(out, s.labelDtype);
  }

  /** Accuracy of predict(X) against y. */
  score(X: MatrixLike, y: VectorLike): number {
    return accuracyOfPrediction(y, () => this.predict(X), this.who);
  }
}
