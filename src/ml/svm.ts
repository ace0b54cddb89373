import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkChoice, checkNumber, fitted } from "./estimator.js";
import type { Matrix, MatrixLike, VectorLike } from "./matrix.js";
import { checkFeatures, encodeLabels, f64, i32, labelTensor, takeRows, toMatrix, toSamples } from "./matrix.js";
import { accuracyOfPrediction } from "./metrics.js";

// C-support vector classification trained like libsvm (which scikit-learn's SVC wraps):
// SMO on the dual with second-order working-set selection (Fan, Chen & Lin 2005), a
// cache of kernel rows, and one-vs-one voting for more than two classes.

/** Kernel of the SVM: <x, y>; (gamma <x, y> + coef0)^degree; exp(-gamma |x - y|^2); tanh(gamma <x, y> + coef0). */
export type SVCKernel = "linear" | "poly" | "rbf" | "sigmoid";

/** Options of SVC (sklearn's names and defaults). */
export interface SVCOptions {
  /** Penalty on margin violations (default 1). */
  C?: number;
  /** Kernel (default "rbf"). */
  kernel?: SVCKernel;
  /** Degree of the polynomial kernel (default 3). */
  degree?: number;
  /** Kernel coefficient: "scale" (default) = 1 / (nFeatures * X.var()), "auto" = 1 / nFeatures, or a number > 0. */
  gamma?: "scale" | "auto" | number;
  /** Constant term of the poly and sigmoid kernels (default 0). */
  coef0?: number;
  /** Stop when the maximal KKT violation is below tol (default 1e-3, as libsvm). */
  tol?: number;
  /** Most SMO iterations per binary problem (default max(1e7, 100 n), as libsvm). */
  maxIter?: number;
  /** Kernel row cache per binary problem, in MB (default 200, as sklearn). */
  cacheSize?: number;
  /** Multiclass decisionFunction: "ovr" (default, sklearn's vote-based [n, nClasses]) or "ovo" ([n, nPairs]). */
  decisionFunctionShape?: "ovr" | "ovo";
}

/** Kernel evaluation over the rows of a matrix. */
class KernelFn {
  constructor(readonly kind: SVCKernel, readonly gamma: number, readonly coef0: number, readonly degree: number) {}

  /** out[k] = K(a_i, b_k) for all rows k of B (aSq / bSq: squared row norms, for rbf). */
  row(A: Float64Array, i: number, B: Float64Array, nb: number, d: number, aSq: number, bSq: Float64Array, out: Float64Array): void {
    const io = i * d;
    let k = 0;
    // Four rows of B per pass share each a_i value (register blocking, ~2x faster).
    for (; k + 4 <= nb; k += 4) {
      const o0 = k * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < d; j++) {
        const a = A[io + j];
        s0 += a * B[o0 + j]; s1 += a * B[o1 + j]; s2 += a * B[o2 + j]; s3 += a * B[o3 + j];
      }
      out[k] = s0; out[k + 1] = s1; out[k + 2] = s2; out[k + 3] = s3;
    }
    for (; k < nb; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += A[io + j] * B[k * d + j];
      out[k] = s;
    }
    const g = this.gamma, c0 = this.coef0;
    switch (this.kind) {
      case "linear": break;
      case "poly": for (let k = 0; k < nb; k++) out[k] = Math.pow(g * out[k] + c0, this.degree); break;
      case "rbf": for (let k = 0; k < nb; k++) out[k] = Math.exp(-g * (aSq + bSq[k] - 2 * out[k])); break;
      case "sigmoid": for (let k = 0; k < nb; k++) out[k] = Math.tanh(g * out[k] + c0); break;
    }
  }
}

function squaredNorms(X: Float64Array, n: number, d: number): Float64Array {
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[i * d + j] * X[i * d + j];
    sq[i] = s;
  }
  return sq;
}

/** Rows of Q = y_i y_k K(x_i, x_k) for one binary problem, kept in a least-recently-used cache. */
class QRows {
  private readonly cache = new Map<number, Float64Array>();
  private readonly sq: Float64Array;
  private readonly capacity: number;

  constructor(private readonly X: Float64Array, private readonly n: number, private readonly d: number, private readonly y: Float64Array, private readonly k: KernelFn, cacheMB: number) {
    this.sq = squaredNorms(X, n, d);
    this.capacity = Math.max(2, Math.floor((cacheMB * 1024 * 1024) / (8 * n)));
  }

  /** Q's diagonal K(x_i, x_i). */
  diagonal(): Float64Array {
    const out = new Float64Array(this.n), one = new Float64Array(1);
    for (let i = 0; i < this.n; i++) {
      this.k.row(this.X, i, this.X.subarray(i * this.d, (i + 1) * this.d), 1, this.d, this.sq[i], this.sq.subarray(i, i + 1), one);
      out[i] = one[0];
    }
    return out;
  }

  get(i: number): Float64Array {
    const hit = this.cache.get(i);
    if (hit !== undefined) {
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    let row: Float64Array;
    if (this.cache.size >= this.capacity) {
      const oldest = this.cache.keys().next().value as number;
      row = this.cache.get(oldest)!;
      this.cache.delete(oldest);
    } else {
      row = new Float64Array(this.n);
    }
    this.k.row(this.X, i, this.X, this.n, this.d, this.sq[i], this.sq, row);
    const yi = this.y[i], y = this.y;
    for (let t = 0; t < this.n; t++) row[t] *= yi * y[t];
    this.cache.set(i, row);
    return row;
  }
}

const TAU = 1e-12;

/**
 * libsvm's Solver for the C-SVC dual: min 1/2 a^T Q a - e^T a, 0 <= a <= C, y^T a = 0.
 * Returns the multipliers, rho (the decision is sum a_i y_i K(x_i, x) - rho) and the
 * iteration count.
 */
function solveDual(Q: QRows, y: Float64Array, C: number, eps: number, maxIter: number): { alpha: Float64Array; rho: number; iters: number } {
  const l = y.length;
  const alpha = new Float64Array(l);
  const G = new Float64Array(l).fill(-1);
  const QD = Q.diagonal();
  let iters = 0;
  while (iters < maxIter) {
    // Working set: i maximises the violation; j the second-order gain with i (WSS3).
    let Gmax = -Infinity, Gmax2 = -Infinity, gi = -1, gj = -1, objMin = Infinity;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1) {
        if (alpha[t] < C && -G[t] >= Gmax) { Gmax = -G[t]; gi = t; }
      } else if (alpha[t] > 0 && G[t] >= Gmax) { Gmax = G[t]; gi = t; }
    }
    const Qi = gi >= 0 ? Q.get(gi) : null;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1) {
        if (alpha[t] > 0) {
          const diff = Gmax + G[t];
          if (G[t] >= Gmax2) Gmax2 = G[t];
          if (diff > 0 && Qi !== null) {
            const quad = QD[gi] + QD[t] - 2 * y[gi] * Qi[t];
            const obj = -(diff * diff) / (quad > 0 ? quad : TAU);
            if (obj <= objMin) { gj = t; objMin = obj; }
          }
        }
      } else if (alpha[t] < C) {
        const diff = Gmax - G[t];
        if (-G[t] >= Gmax2) Gmax2 = -G[t];
        if (diff > 0 && Qi !== null) {
          const quad = QD[gi] + QD[t] + 2 * y[gi] * Qi[t];
          const obj = -(diff * diff) / (quad > 0 ? quad : TAU);
          if (obj <= objMin) { gj = t; objMin = obj; }
        }
      }
    }
    if (Gmax + Gmax2 < eps || gj === -1) break;
    iters++;
    const i = gi, j = gj;
    const Qirow = Qi!, Qj = Q.get(j);
    const oldI = alpha[i], oldJ = alpha[j];
    if (y[i] !== y[j]) {
      let quad = QD[i] + QD[j] + 2 * Qirow[j];
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) { if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = diff; } } else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = -diff; }
      if (diff > 0) { if (alpha[i] > C) { alpha[i] = C; alpha[j] = C - diff; } } else if (alpha[j] > C) { alpha[j] = C; alpha[i] = C + diff; }
    } else {
      let quad = QD[i] + QD[j] - 2 * Qirow[j];
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) { if (alpha[i] > C) { alpha[i] = C; alpha[j] = sum - C; } } else if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = sum; }
      if (sum > C) { if (alpha[j] > C) { alpha[j] = C; alpha[i] = sum - C; } } else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = sum; }
    }
    const dI = alpha[i] - oldI, dJ = alpha[j] - oldJ;
    for (let t = 0; t < l; t++) G[t] += Qirow[t] * dI + Qj[t] * dJ;
  }
  // rho: the mean of y G over free multipliers, else the middle of the feasible interval.
  let nFree = 0, sumFree = 0, ub = Infinity, lb = -Infinity;
  for (let t = 0; t < l; t++) {
    const yG = y[t] * G[t];
    if (alpha[t] >= C) { if (y[t] === -1) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else if (alpha[t] <= 0) { if (y[t] === 1) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else { nFree++; sumFree += yG; }
  }
  return { alpha, rho: nFree > 0 ? sumFree / nFree : (ub + lb) / 2, iters };
}

interface SVCState {
  classes: Float64Array;
  labelDtype: DType;
  kernel: KernelFn;
  /** Support vectors [nSV, d], grouped by class. */
  sv: Float64Array;
  svSq: Float64Array;
  support: Int32Array;
  nSupport: Int32Array;
  /** libsvm's coefficients [K - 1, nSV] (alpha_i y_i, positive towards the first class of a pair). */
  coef: Float64Array;
  /** libsvm's rho per pair (0,1), (0,2), ..., (1,2), ... */
  rho: Float64Array;
  nIter: Int32Array;
  nFeatures: number;
}

/**
 * C-support vector classifier (sklearn's SVC): the dual is solved by SMO with libsvm's
 * second-order working-set selection and stopping rule (tol on the maximal KKT violation),
 * so the fitted model agrees with scikit-learn's to that tolerance. More than two classes:
 * one-vs-one, one binary SVM per pair, predictions by vote (ties to the smaller class).
 * Fitted: classes, support, supportVectors, nSupport, dualCoef, intercept (sklearn's
 * layouts and signs), gamma, nIter.
 * @example
 * const svm = new ml.SVC({ kernel: "rbf", C: 1 }).fit(Xtrain, ytrain);
 * svm.score(Xtest, ytest);
 */
export class SVC {
  readonly C: number;
  readonly kernel: SVCKernel;
  readonly degree: number;
  readonly gamma: "scale" | "auto" | number;
  readonly coef0: number;
  readonly tol: number;
  readonly maxIter: number | undefined;
  readonly cacheSize: number;
  readonly decisionFunctionShape: "ovr" | "ovo";
  private state: SVCState | null = null;
  private readonly who = "SVC";

  constructor(opts: SVCOptions = {}) {
    const who = this.who;
    this.C = checkNumber(who, "C", opts.C ?? 1, { min: 0, exclusiveMin: true });
    this.kernel = checkChoice(who, "kernel", opts.kernel ?? "rbf", ["linear", "poly", "rbf", "sigmoid"]);
    this.degree = checkNumber(who, "degree", opts.degree ?? 3, { min: 0, integer: true });
    const g = opts.gamma ?? "scale";
    this.gamma = typeof g === "number" ? checkNumber(who, "gamma", g, { min: 0, exclusiveMin: true }) : checkChoice<"scale" | "auto">(who, "gamma", g, ["scale", "auto"]);
    this.coef0 = checkNumber(who, "coef0", opts.coef0 ?? 0);
    this.tol = checkNumber(who, "tol", opts.tol ?? 1e-3, { min: 0, exclusiveMin: true });
    this.maxIter = opts.maxIter === undefined ? undefined : checkNumber(who, "maxIter", opts.maxIter, { min: 1, integer: true });
    this.cacheSize = checkNumber(who, "cacheSize", opts.cacheSize ?? 200, { min: 0, exclusiveMin: true });
    this.decisionFunctionShape = checkChoice(who, "decisionFunctionShape", opts.decisionFunctionShape ?? "ovr", ["ovr", "ovo"]);
  }

  private gammaFor(X: Matrix): number {
    if (typeof this.gamma === "number") return this.gamma;
    if (this.gamma === "auto") return 1 / X.cols;
    let mean = 0;
    for (let i = 0; i < X.data.length; i++) mean += X.data[i];
    mean /= X.data.length;
    let v = 0;
    for (let i = 0; i < X.data.length; i++) v += (X.data[i] - mean) ** 2;
    v /= X.data.length;
    return v === 0 ? 1 : 1 / (X.cols * v);
  }

  /** Fits one binary SVM per pair of classes on X [n, d] and labels y [n]. Returns this. */
  fit(X: MatrixLike, y: VectorLike): this {
    const { A, y: lab } = toSamples(X, y, this.who);
    const { classes, index } = encodeLabels(lab.data);
    const K = classes.length, d = A.cols;
    if (K < 2) throw new RangeError(`${this.who}: y must hold at least 2 classes, got only one (label ${classes[0]})`);
    const kernel = new KernelFn(this.kernel, this.gammaFor(A), this.coef0, this.degree);
    // Samples grouped by class (ascending), training order within a class, as libsvm.
    const byClass: number[][] = Array.from({ length: K }, () => []);
    for (let i = 0; i < A.rows; i++) byClass[index[i]].push(i);
    const pairs = (K * (K - 1)) / 2;
    const rho = new Float64Array(pairs), nIter = new Int32Array(pairs);
    // Per pair, the coefficient of every member sample (alpha * y).
    const pairCoef: Float64Array[] = [];
    let p = 0;
    for (let a = 0; a < K; a++) {
      for (let b = a + 1; b < K; b++, p++) {
        const members = [...byClass[a], ...byClass[b]];
        const sub = takeRows(A, members);
        const ys = new Float64Array(members.length);
        for (let t = 0; t < members.length; t++) ys[t] = t < byClass[a].length ? 1 : -1;
        const Q = new QRows(sub.data, sub.rows, d, ys, kernel, this.cacheSize);
        const maxIter = this.maxIter ?? Math.max(10_000_000, 100 * sub.rows);
        const r = solveDual(Q, ys, this.C, this.tol, maxIter);
        rho[p] = r.rho;
        nIter[p] = r.iters;
        const c = new Float64Array(members.length);
        for (let t = 0; t < members.length; t++) c[t] = r.alpha[t] * ys[t];
        pairCoef.push(c);
      }
    }
    // A sample is a support vector if it has a nonzero multiplier in any of its pairs.
    const isSV = new Uint8Array(A.rows);
    p = 0;
    for (let a = 0; a < K; a++) {
      for (let b = a + 1; b < K; b++, p++) {
        const members = [...byClass[a], ...byClass[b]];
        members.forEach((m, t) => { if (pairCoef[p][t] !== 0) isSV[m] = 1; });
      }
    }
    const support: number[] = [];
    const nSupport = new Int32Array(K);
    for (let c = 0; c < K; c++) for (const i of byClass[c]) if (isSV[i]) { support.push(i); nSupport[c]++; }
    const nSV = support.length;
    const col = new Map<number, number>();
    support.forEach((i, s) => col.set(i, s));
    // libsvm's layout: in pair (a, b), class a's coefficients go to row b - 1, class b's to row a.
    const coef = new Float64Array((K - 1) * nSV);
    p = 0;
    for (let a = 0; a < K; a++) {
      for (let b = a + 1; b < K; b++, p++) {
        const members = [...byClass[a], ...byClass[b]];
        members.forEach((m, t) => {
          const s = col.get(m);
          if (s !== undefined) coef[(t < byClass[a].length ? b - 1 : a) * nSV + s] = pairCoef[p][t];
        });
      }
    }
    const sv = takeRows(A, support).data;
    this.state = {
      classes, labelDtype: lab.dtype, kernel, sv, svSq: squaredNorms(sv, nSV, d), support: Int32Array.from(support),
      nSupport, coef, rho, nIter, nFeatures: d,
    };
    return this;
  }

  private st(what: string): SVCState {
    return fitted(this.state, this.who, what);
  }

  /** The class labels, sorted. */
  get classes(): Tensor { const s = this.st("reading classes"); return labelTensor(s.classes.slice(), s.labelDtype); }
  /** Training-row indices of the support vectors (int32), grouped by class. */
  get support(): Tensor { const s = this.st("reading support"); return i32(s.support.slice(), [s.support.length]); }
  /** The support vectors [nSV, d]. */
  get supportVectors(): Tensor { const s = this.st("reading supportVectors"); return f64(s.sv.slice(), [s.support.length, s.nFeatures]); }
  /** Number of support vectors per class (int32). */
  get nSupport(): Tensor { const s = this.st("reading nSupport"); return i32(s.nSupport.slice(), [s.nSupport.length]); }
  /** The gamma the kernel used (after "scale"/"auto"). */
  get gammaValue(): number { return this.st("reading gammaValue").kernel.gamma; }
  /** SMO iterations per binary problem (int32 [nPairs]). */
  get nIter(): Tensor { const s = this.st("reading nIter"); return i32(s.nIter.slice(), [s.nIter.length]); }

  private get binary(): boolean { return this.st("reading the model").classes.length === 2; }

  /** Dual coefficients alpha_i y_i [nClasses - 1, nSV] in sklearn's layout (signs flipped for two classes, as sklearn). */
  get dualCoef(): Tensor {
    const s = this.st("reading dualCoef");
    const c = s.coef.slice();
    if (this.binary) for (let i = 0; i < c.length; i++) c[i] = -c[i];
    return f64(c, [s.classes.length - 1, s.support.length]);
  }

  /** Intercepts per pair [nPairs] (sklearn's: -rho, and rho for two classes). */
  get intercept(): Tensor {
    const s = this.st("reading intercept");
    const r = s.rho.slice();
    if (!this.binary) for (let i = 0; i < r.length; i++) r[i] = -r[i];
    return f64(r, [r.length]);
  }

  /** libsvm's pairwise decision values [n, nPairs], positive towards the first class of each pair. */
  private ovo(X: MatrixLike, what: string): { s: SVCState; D: Float64Array; n: number } {
    const s = this.st(what);
    const Q = toMatrix(X, this.who);
    checkFeatures(Q, s.nFeatures, this.who);
    const K = s.classes.length, nSV = s.support.length, d = s.nFeatures, pairs = s.rho.length;
    const start = new Int32Array(K + 1);
    for (let c = 0; c < K; c++) start[c + 1] = start[c] + s.nSupport[c];
    const kv = new Float64Array(nSV), qSq = squaredNorms(Q.data, Q.rows, d);
    const D = new Float64Array(Q.rows * pairs);
    for (let i = 0; i < Q.rows; i++) {
      s.kernel.row(Q.data, i, s.sv, nSV, d, qSq[i], s.svSq, kv);
      let p = 0;
      for (let a = 0; a < K; a++) {
        for (let b = a + 1; b < K; b++, p++) {
          let sum = 0;
          for (let t = start[a]; t < start[a + 1]; t++) sum += s.coef[(b - 1) * nSV + t] * kv[t];
          for (let t = start[b]; t < start[b + 1]; t++) sum += s.coef[a * nSV + t] * kv[t];
          D[i * pairs + p] = sum - s.rho[p];
        }
      }
    }
    return { s, D, n: Q.rows };
  }

  /**
   * Decision values: for two classes [n] (positive means classes[1], as sklearn); for more,
   * sklearn's "ovr" shape [n, nClasses] (votes plus a confidence in (-1/3, 1/3)) or the
   * raw pairwise values [n, nPairs] with decisionFunctionShape "ovo".
   */
  decisionFunction(X: MatrixLike): Tensor {
    const { s, D, n } = this.ovo(X, "decisionFunction");
    const K = s.classes.length, pairs = s.rho.length;
    if (K === 2) {
      for (let i = 0; i < n; i++) D[i] = -D[i];
      return f64(D, [n]);
    }
    if (this.decisionFunctionShape === "ovo") return f64(D, [n, pairs]);
    const out = new Float64Array(n * K), conf = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      conf.fill(0);
      let p = 0;
      for (let a = 0; a < K; a++) {
        for (let b = a + 1; b < K; b++, p++) {
          const v = D[i * pairs + p];
          conf[a] += v;
          conf[b] -= v;
          out[i * K + (v < 0 ? b : a)] += 1;
        }
      }
      for (let c = 0; c < K; c++) out[i * K + c] += conf[c] / (3 * (Math.abs(conf[c]) + 1));
    }
    return f64(out, [n, K]);
  }

  /** One-vs-one vote per sample (a tie goes to the smaller class, as libsvm). */
  predict(X: MatrixLike): Tensor {
    const { s, D, n } = this.ovo(X, "predict");
    const K = s.classes.length, pairs = s.rho.length;
    const out = new Float64Array(n), votes = new Int32Array(K);
    for (let i = 0; i < n; i++) {
      votes.fill(0);
      let p = 0;
      for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++, p++) votes[D[i * pairs + p] > 0 ? a : b]++;
      let best = 0;
      for (let c = 1; c < K; c++) if (votes[c] > votes[best]) best = c;
      out[i] = s.classes[best];
    }
    return labelTensor(out, s.labelDtype);
  }

  /** Accuracy of predict(X) against y. */
  score(X: MatrixLike, y: VectorLike): number {
    return accuracyOfPrediction(y, () => this.predict(X), this.who);
  }
}
