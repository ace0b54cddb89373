import { Tensor } from "../tensor/tensor.js";
import type { SeedOptions } from "./estimator.js";
import { checkChoice, checkNumber, fitted, generatorOf } from "./estimator.js";
import { KMeans } from "./kmeans.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { checkFeatures, f64, i32, toMatrix, toVector } from "./matrix.js";

// Gaussian mixtures with full covariances fitted by EM, after scikit-learn's
// GaussianMixture: responsibilities from the precision Cholesky factors, M-step with
// regCovar on the diagonal, stop when the mean log-likelihood changes by less than tol.

/** Options of GaussianMixture (sklearn's names and defaults). */
export interface GaussianMixtureOptions extends SeedOptions {
  /** Number of components (default 1). */
  nComponents?: number;
  /** Covariance type: "full" (the default, and the only one). */
  covarianceType?: "full";
  /** Stop when the lower bound (mean log-likelihood) improves by less than tol (default 1e-3). */
  tol?: number;
  /** Added to every covariance diagonal (default 1e-6). */
  regCovar?: number;
  /** Most EM iterations per initialisation (default 100). */
  maxIter?: number;
  /** Initialisations; the best lower bound wins (default 1). */
  nInit?: number;
  /** Initial responsibilities: "kmeans" (default: one k-means run's labels) or "random". */
  initParams?: "kmeans" | "random";
  /** Initial mixing weights [k] (else from the initial responsibilities). */
  weightsInit?: readonly number[] | Tensor;
  /** Initial means [k, d]. */
  meansInit?: MatrixLike;
  /** Initial precision matrices [k, d, d] (nested arrays or a 3-D tensor). */
  precisionsInit?: readonly (readonly (readonly number[])[])[] | Tensor;
}

interface Params {
  weights: Float64Array;
  means: Float64Array;
  /** [k, d, d] */
  covariances: Float64Array | null;
  /** Factors U with precision = U U^T, [k, d, d] (sklearn's precisions_cholesky_: (L^-1)^T for cov = L L^T). */
  precChol: Float64Array;
}

interface GmmState extends Params {
  covariances: Float64Array;
  converged: boolean;
  nIter: number;
  lowerBound: number;
  nFeatures: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** In-place lower Cholesky factor of the symmetric d x d block at A[o..]; false if not positive definite. */
function cholesky(A: Float64Array, o: number, d: number, L: Float64Array): boolean {
  L.fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[o + i * d + j];
      for (let t = 0; t < j; t++) s -= L[i * d + t] * L[j * d + t];
      if (i === j) {
        if (!(s > 0)) return false;
        L[i * d + i] = Math.sqrt(s);
      } else {
        L[i * d + j] = s / L[j * d + j];
      }
    }
  }
  return true;
}

/** Precision Cholesky of a covariance: (L^-1)^T for cov = L L^T, into out[o..] (upper triangular). */
function precisionCholesky(cov: Float64Array, o: number, d: number, out: Float64Array, who: string): void {
  const L = new Float64Array(d * d);
  if (!cholesky(cov, o, d, L)) {
    throw new RangeError(`${who}: fitting the mixture failed because a component has an ill-defined (not positive definite) covariance; try fewer components, a larger regCovar, or rescaling the data`);
  }
  // Solve L M = I column by column (forward substitution), then write M^T.
  for (let c = 0; c < d; c++) {
    for (let i = 0; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let t = 0; t < i; t++) s -= L[i * d + t] * out[o + c * d + t];
      out[o + c * d + i] = s / L[i * d + i];
    }
  }
  // out now holds M^T row c = column c of M, i.e. out[c][i] = M[i][c]: exactly (L^-1)^T.
}

/** log N(x_i | mu_k, Sigma_k) + log w_k for every sample and component, into out [n, k]. */
function weightedLogProb(X: Matrix, p: Params, k: number, out: Float64Array): void {
  const { data, rows: n, cols: d } = X;
  const y = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const po = c * d * d;
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(p.precChol[po + j * d + j]);
    const lw = Math.log(p.weights[c]);
    for (let i = 0; i < n; i++) {
      // y = (x - mu) U, |y|^2 is the Mahalanobis distance (U upper, or lower when given as init).
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += (data[i * d + t] - p.means[c * d + t]) * p.precChol[po + t * d + j];
        y[j] = s;
      }
      let m = 0;
      for (let j = 0; j < d; j++) m += y[j] * y[j];
      out[i * k + c] = -0.5 * (d * LOG_2PI + m) + logDet + lw;
    }
  }
}

/** Normalises rows of log-probabilities into log-responsibilities; returns the per-sample log-likelihoods. */
function logNormalise(L: Float64Array, n: number, k: number): Float64Array {
  const ll = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, L[i * k + c]);
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(L[i * k + c] - m);
    const lse = m + Math.log(s);
    ll[i] = lse;
    for (let c = 0; c < k; c++) L[i * k + c] -= lse;
  }
  return ll;
}

/** M-step: weights, means, covariances (+ regCovar) and their precision factors from responsibilities R [n, k]. */
function mStep(X: Matrix, R: Float64Array, k: number, reg: number, who: string): Params & { covariances: Float64Array } {
  const { data, rows: n, cols: d } = X;
  const nk = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) nk[c] += R[i * k + c];
  for (let c = 0; c < k; c++) nk[c] += 10 * Number.EPSILON;
  const means = new Float64Array(k * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) {
    const r = R[i * k + c];
    if (r !== 0) for (let j = 0; j < d; j++) means[c * d + j] += r * data[i * d + j];
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] /= nk[c];
  const cov = new Float64Array(k * d * d), diff = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const o = c * d * d;
    for (let i = 0; i < n; i++) {
      const r = R[i * k + c];
      if (r === 0) continue;
      for (let j = 0; j < d; j++) diff[j] = data[i * d + j] - means[c * d + j];
      for (let a = 0; a < d; a++) {
        const ra = r * diff[a];
        for (let b = 0; b <= a; b++) cov[o + a * d + b] += ra * diff[b];
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const v = cov[o + a * d + b] / nk[c];
        cov[o + a * d + b] = v;
        cov[o + b * d + a] = v;
      }
      cov[o + a * d + a] += reg;
    }
  }
  let total = 0;
  for (let c = 0; c < k; c++) total += nk[c];
  const weights = new Float64Array(k);
  for (let c = 0; c < k; c++) weights[c] = nk[c] / total;
  const precChol = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) precisionCholesky(cov, c * d * d, d, precChol, who);
  return { weights, means, covariances: cov, precChol };
}

/** Reads a [k, d, d] stack of matrices from nested arrays or a 3-D tensor. */
function toStack(v: unknown, k: number, d: number, who: string, what: string): Float64Array {
  if (v instanceof Tensor) {
    const t = v;
    if (t.ndim !== 3 || t.shape[0] !== k || t.shape[1] !== d || t.shape[2] !== d) {
      throw new RangeError(`${who}: ${what} must have shape [${k}, ${d}, ${d}], got [${t.shape.join(", ")}]`);
    }
    return Float64Array.from(t.dataSync() as ArrayLike<number>);
  }
  if (!Array.isArray(v) || v.length !== k) throw new RangeError(`${who}: ${what} must be ${k} matrices of shape [${d}, ${d}]`);
  const out = new Float64Array(k * d * d);
  v.forEach((m, c) => {
    const M = toMatrix(m, who, `${what}[${c}]`);
    if (M.rows !== d || M.cols !== d) throw new RangeError(`${who}: ${what}[${c}] must be [${d}, ${d}], got [${M.rows}, ${M.cols}]`);
    out.set(M.data, c * d * d);
  });
  return out;
}

/**
 * Gaussian mixture model with full covariances fitted by EM (sklearn's GaussianMixture):
 * responsibilities initialised from k-means labels (or given weights/means/precisions),
 * regCovar added to each covariance, iterations until the mean log-likelihood gains less
 * than tol. Fitted: weights, means, covariances, precisions, precisionsCholesky,
 * converged, nIter, lowerBound.
 * @example
 * const gmm = new ml.GaussianMixture({ nComponents: 3, seed: 0 }).fit(X);
 * gmm.predictProba(X); gmm.score(X); // mean log-likelihood
 */
export class GaussianMixture {
  readonly nComponents: number;
  readonly covarianceType = "full" as const;
  readonly tol: number;
  readonly regCovar: number;
  readonly maxIter: number;
  readonly nInit: number;
  readonly initParams: "kmeans" | "random";
  private state: GmmState | null = null;
  private readonly who = "GaussianMixture";

  constructor(private readonly opts: GaussianMixtureOptions = {}) {
    const who = this.who;
    this.nComponents = checkNumber(who, "nComponents", opts.nComponents ?? 1, { min: 1, integer: true });
    checkChoice(who, "covarianceType", opts.covarianceType ?? "full", ["full"]);
    this.tol = checkNumber(who, "tol", opts.tol ?? 1e-3, { min: 0 });
    this.regCovar = checkNumber(who, "regCovar", opts.regCovar ?? 1e-6, { min: 0 });
    this.maxIter = checkNumber(who, "maxIter", opts.maxIter ?? 100, { min: 0, integer: true });
    this.nInit = checkNumber(who, "nInit", opts.nInit ?? 1, { min: 1, integer: true });
    this.initParams = checkChoice(who, "initParams", opts.initParams ?? "kmeans", ["kmeans", "random"]);
  }

  private initialise(X: Matrix, seed: number): Params {
    const { rows: n, cols: d } = X, k = this.nComponents, who = this.who;
    const R = new Float64Array(n * k);
    if (this.initParams === "kmeans") {
      const labels = new KMeans({ nClusters: k, nInit: 1, seed }).fit(f64(X.data.slice(), [n, d])).labels.dataSync();
      for (let i = 0; i < n; i++) R[i * k + labels[i]] = 1;
    } else {
      const g = generatorOf({ seed });
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < k; c++) { R[i * k + c] = g.uniform(); s += R[i * k + c]; }
        for (let c = 0; c < k; c++) R[i * k + c] /= s;
      }
    }
    const p: Params = mStep(X, R, k, this.regCovar, who);
    const o = this.opts;
    if (o.weightsInit !== undefined) {
      const w = toVector(o.weightsInit, who, "weightsInit").data;
      if (w.length !== k || w.some((v) => !(v >= 0))) throw new RangeError(`${who}: weightsInit must be ${k} non-negative numbers`);
      const s = w.reduce((a, b) => a + b, 0);
      if (Math.abs(s - 1) > 1e-6) throw new RangeError(`${who}: weightsInit must sum to 1, got ${s}`);
      p.weights = w;
    }
    if (o.meansInit !== undefined) {
      const M = toMatrix(o.meansInit, who, "meansInit");
      if (M.rows !== k || M.cols !== d) throw new RangeError(`${who}: meansInit must have shape [${k}, ${d}], got [${M.rows}, ${M.cols}]`);
      p.means = M.data;
    }
    if (o.precisionsInit !== undefined) {
      const P = toStack(o.precisionsInit, k, d, who, "precisionsInit");
      const U = new Float64Array(k * d * d), L = new Float64Array(d * d);
      for (let c = 0; c < k; c++) {
        // sklearn stores the lower Cholesky factor of the given precision as precisions_cholesky_.
        if (!cholesky(P, c * d * d, d, L)) throw new RangeError(`${who}: precisionsInit[${c}] is not symmetric positive definite`);
        U.set(L, c * d * d);
      }
      p.precChol = U;
      p.covariances = null;
    }
    return p;
  }

  /** Fits the mixture to X [n, d] by EM. Returns this. */
  fit(X: MatrixLike): this {
    const A = toMatrix(X, this.who);
    const { rows: n, cols: d } = A, k = this.nComponents;
    if (n < 2) throw new RangeError(`${this.who}: need at least 2 samples, got ${n}`);
    if (k > n) throw new RangeError(`${this.who}: nComponents = ${k} is larger than the number of samples (${n}); need nComponents <= nSamples`);
    const gen = generatorOf(this.opts);
    const L = new Float64Array(n * k);
    let best: GmmState | null = null, anyConverged = false;
    for (let run = 0; run < this.nInit; run++) {
      let p = this.initialise(A, gen.nextUint32());
      let lower = -Infinity, converged = false, it = 0;
      let cov: Float64Array | null = p.covariances;
      for (it = 1; it <= this.maxIter; it++) {
        const prev = lower;
        weightedLogProb(A, p, k, L);
        const ll = logNormalise(L, n, k);
        for (let t = 0; t < L.length; t++) L[t] = Math.exp(L[t]);
        const next = mStep(A, L, k, this.regCovar, this.who);
        p = next;
        cov = next.covariances;
        lower = ll.reduce((a, b) => a + b, 0) / n;
        if (Math.abs(lower - prev) < this.tol) { converged = true; break; }
      }
      if (this.maxIter === 0) it = 0;
      else if (!converged) it = this.maxIter;
      anyConverged ||= converged;
      if (best === null || lower > best.lowerBound) {
        best = { ...p, covariances: cov ?? covFromPrecChol(p.precChol, k, d), converged, nIter: it, lowerBound: lower, nFeatures: d };
      }
    }
    best!.converged = anyConverged;
    this.state = best;
    return this;
  }

  private st(what: string): GmmState {
    return fitted(this.state, this.who, what);
  }

  /** Mixing weights [k]. */
  get weights(): Tensor { const s = this.st("reading weights"); return f64(s.weights.slice(), [this.nComponents]); }
  /** Component means [k, d]. */
  get means(): Tensor { const s = this.st("reading means"); return f64(s.means.slice(), [this.nComponents, s.nFeatures]); }
  /** Component covariances [k, d, d] (regCovar included). */
  get covariances(): Tensor { const s = this.st("reading covariances"); return f64(s.covariances.slice(), [this.nComponents, s.nFeatures, s.nFeatures]); }
  /** Factors U with precision = U U^T [k, d, d] (sklearn's precisions_cholesky_; upper triangular after fit). */
  get precisionsCholesky(): Tensor { const s = this.st("reading precisionsCholesky"); return f64(s.precChol.slice(), [this.nComponents, s.nFeatures, s.nFeatures]); }
  /** Precision matrices (inverse covariances) [k, d, d]. */
  get precisions(): Tensor {
    const s = this.st("reading precisions");
    const d = s.nFeatures, k = this.nComponents, out = new Float64Array(k * d * d);
    for (let c = 0; c < k; c++) {
      const o = c * d * d;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
        let v = 0;
        for (let t = 0; t < d; t++) v += s.precChol[o + a * d + t] * s.precChol[o + b * d + t];
        out[o + a * d + b] = v;
      }
    }
    return f64(out, [k, d, d]);
  }
  /** Whether the best run met tol within maxIter. */
  get converged(): boolean { return this.st("reading converged").converged; }
  /** EM iterations of the best run. */
  get nIter(): number { return this.st("reading nIter").nIter; }
  /** Mean log-likelihood of the training data at the last E-step of the best run. */
  get lowerBound(): number { return this.st("reading lowerBound").lowerBound; }

  private logResp(X: MatrixLike, what: string): { L: Float64Array; ll: Float64Array; n: number } {
    const s = this.st(what);
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.nFeatures, this.who);
    const L = new Float64Array(A.rows * this.nComponents);
    weightedLogProb(A, s, this.nComponents, L);
    const ll = logNormalise(L, A.rows, this.nComponents);
    return { L, ll, n: A.rows };
  }

  /** Log-likelihood of each sample under the mixture [n]. */
  scoreSamples(X: MatrixLike): Tensor {
    const { ll, n } = this.logResp(X, "scoreSamples");
    return f64(ll, [n]);
  }

  /** Mean log-likelihood of X. */
  score(X: MatrixLike): number {
    const { ll, n } = this.logResp(X, "score");
    return ll.reduce((a, b) => a + b, 0) / n;
  }

  /** Posterior probability of each component [n, k]. */
  predictProba(X: MatrixLike): Tensor {
    const { L, n } = this.logResp(X, "predictProba");
    for (let t = 0; t < L.length; t++) L[t] = Math.exp(L[t]);
    return f64(L, [n, this.nComponents]);
  }

  /** Most probable component of each sample (int32 [n]). */
  predict(X: MatrixLike): Tensor {
    const { L, n } = this.logResp(X, "predict");
    const k = this.nComponents, out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let b = 0;
      for (let c = 1; c < k; c++) if (L[i * k + c] > L[i * k + b]) b = c;
      out[i] = b;
    }
    return i32(out, [n]);
  }

  /** fit(X), then predict(X). */
  fitPredict(X: MatrixLike): Tensor {
    return this.fit(X).predict(X);
  }

  /** Number of free parameters of the fitted model. */
  private nParameters(d: number): number {
    const k = this.nComponents;
    return k * (d * (d + 1)) / 2 + k * d + k - 1;
  }

  /** Bayesian information criterion on X (lower is better). */
  bic(X: MatrixLike): number {
    const A = toMatrix(X, this.who);
    return -2 * this.score(X) * A.rows + this.nParameters(A.cols) * Math.log(A.rows);
  }

  /** Akaike information criterion on X (lower is better). */
  aic(X: MatrixLike): number {
    const A = toMatrix(X, this.who);
    return -2 * this.score(X) * A.rows + 2 * this.nParameters(A.cols);
  }
}

/** Covariances from precision factors (only needed when maxIter = 0 after a given init). */
function covFromPrecChol(U: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const o = c * d * d;
    // precision = U U^T; covariance = its inverse, by Cholesky of the precision.
    const P = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      let v = 0;
      for (let t = 0; t < d; t++) v += U[o + a * d + t] * U[o + b * d + t];
      P[a * d + b] = v;
    }
    const Pc = new Float64Array(d * d);
    precisionCholesky(P, 0, d, Pc, "GaussianMixture");
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
      let v = 0;
      for (let t = 0; t < d; t++) v += Pc[a * d + t] * Pc[b * d + t];
      out[o + a * d + b] = v;
    }
  }
  return out;
}
