import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkChoice, checkNumber, fitted } from "./estimator.js";
import type { Matrix, MatrixLike, VectorLike } from "./matrix.js";
import { checkFeatures, encodeLabels, f64, i32, labelTensor, toMatrix, toSamples } from "./matrix.js";
import { accuracyOfPrediction, r2OfPrediction } from "./metrics.js";

// k-nearest neighbours by brute force over the training set (scikit-learn's
// algorithm="brute"): exact distances, the k smallest kept with ties going to the lower
// training index, votes or averages weighted uniformly or by inverse distance.

/** Distance between samples: Minkowski (p = 2 is euclidean, p = 1 manhattan) or cosine. */
export type NeighborsMetric = "minkowski" | "euclidean" | "manhattan" | "cosine";

/** Options of the k-nearest-neighbour estimators. */
export interface KNeighborsOptions {
  /** Number of neighbours k (default 5, as sklearn). */
  nNeighbors?: number;
  /** "uniform" (default): every neighbour counts the same; "distance": weight 1/d (exact matches take all the weight). */
  weights?: "uniform" | "distance";
  /** Distance (default "minkowski" with p = 2, i.e. euclidean). */
  metric?: NeighborsMetric;
  /** Power of the Minkowski metric (default 2); >= 1. */
  p?: number;
}

/** What kneighbors returns. */
export interface KNeighborsResult {
  /** Distances [nQueries, k], ascending. */
  distances: Tensor;
  /** Training-row indices [nQueries, k] (int32). */
  indices: Tensor;
}

type Kind = "euclidean" | "manhattan" | "minkowski" | "cosine";

interface NeighborsFit {
  X: Matrix;
  /** Rows scaled to unit norm (cosine only). */
  unit: Float64Array | null;
  y: Float64Array;
}

/** Unit-norm copies of the rows (zero rows stay zero, as sklearn's normalize). */
function unitRows(X: Matrix): Float64Array {
  const { data, rows, cols } = X;
  const out = data.slice();
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[i * cols + j] ** 2;
    const norm = Math.sqrt(s);
    if (norm > 0) for (let j = 0; j < cols; j++) out[i * cols + j] /= norm;
  }
  return out;
}

/**
 * Reduced distances (no root: they rank like the distances) from query row qd[qo..qo+d)
 * to every training row of T [n, d], into out [n]; one tight loop per metric.
 */
function reducedDistances(kind: Kind, p: number, qd: Float64Array, qo: number, T: Float64Array, n: number, d: number, out: Float64Array): void {
  if (kind === "minkowski") {
    const intPow = Number.isInteger(p) && p <= 8;
    for (let t = 0, to = 0; t < n; t++, to += d) {
      let r = 0;
      for (let j = 0; j < d; j++) {
        const u = Math.abs(qd[qo + j] - T[to + j]);
        if (intPow) {
          // Integer powers by repeated products: Math.pow with a variable exponent is ~30x slower.
          let v = u;
          for (let e = 1; e < p; e++) v *= u;
          r += v;
        } else {
          r += Math.pow(u, p);
        }
      }
      out[t] = r;
    }
    return;
  }
  // Four training rows per pass share each query value (register blocking: ~2x faster);
  // every pair still sums its terms in feature order, so results equal the plain loop's.
  const metric = kind === "euclidean" ? 0 : kind === "manhattan" ? 1 : 2;
  let t = 0;
  for (; t + 4 <= n; t += 4) {
    const o0 = t * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
    if (metric === 0) {
      for (let j = 0; j < d; j++) {
        const x = qd[qo + j];
        const u0 = x - T[o0 + j], u1 = x - T[o1 + j], u2 = x - T[o2 + j], u3 = x - T[o3 + j];
        r0 += u0 * u0; r1 += u1 * u1; r2 += u2 * u2; r3 += u3 * u3;
      }
    } else if (metric === 1) {
      for (let j = 0; j < d; j++) {
        const x = qd[qo + j];
        r0 += Math.abs(x - T[o0 + j]); r1 += Math.abs(x - T[o1 + j]); r2 += Math.abs(x - T[o2 + j]); r3 += Math.abs(x - T[o3 + j]);
      }
    } else {
      for (let j = 0; j < d; j++) {
        const x = qd[qo + j];
        r0 += x * T[o0 + j]; r1 += x * T[o1 + j]; r2 += x * T[o2 + j]; r3 += x * T[o3 + j];
      }
    }
    out[t] = r0; out[t + 1] = r1; out[t + 2] = r2; out[t + 3] = r3;
  }
  for (; t < n; t++) {
    const to = t * d;
    let r = 0;
    for (let j = 0; j < d; j++) {
      const x = qd[qo + j], y = T[to + j];
      r += metric === 0 ? (x - y) * (x - y) : metric === 1 ? Math.abs(x - y) : x * y;
    }
    out[t] = r;
  }
  // Cosine distance 1 - <u, v> of unit rows, clipped to [0, 2] as sklearn.
  if (metric === 2) for (let i = 0; i < n; i++) out[i] = Math.min(2, Math.max(0, 1 - out[i]));
}

/** Shared core of the classifier and the regressor. */
abstract class KNeighborsBase {
  readonly nNeighbors: number;
  readonly weights: "uniform" | "distance";
  readonly metric: NeighborsMetric;
  readonly p: number;
  protected fitState: NeighborsFit | null = null;
  private readonly kind: Kind;

  protected constructor(protected readonly who: string, opts: KNeighborsOptions) {
    this.nNeighbors = checkNumber(who, "nNeighbors", opts.nNeighbors ?? 5, { min: 1, integer: true });
    this.weights = checkChoice(who, "weights", opts.weights ?? "uniform", ["uniform", "distance"]);
    this.metric = checkChoice(who, "metric", opts.metric ?? "minkowski", ["minkowski", "euclidean", "manhattan", "cosine"]);
    this.p = checkNumber(who, "p", opts.p ?? 2, { min: 1 });
    // sklearn's effective metric: minkowski with p 2 or 1 is euclidean or manhattan.
    this.kind = this.metric === "minkowski" ? (this.p === 2 ? "euclidean" : this.p === 1 ? "manhattan" : "minkowski") : this.metric;
  }

  protected store(X: MatrixLike, y: VectorLike): { A: Matrix; lab: { data: Float64Array; dtype: DType } } {
    const { A, y: lab } = toSamples(X, y, this.who);
    if (this.nNeighbors > A.rows) {
      throw new RangeError(`${this.who}: nNeighbors = ${this.nNeighbors} is larger than the number of training samples (${A.rows}); need nNeighbors <= nSamples`);
    }
    this.fitState = { X: A, unit: this.kind === "cosine" ? unitRows(A) : null, y: lab.data };
    return { A, lab };
  }

  /**
   * The k nearest training rows of each query, ascending by distance, equal distances in
   * training order: distances [m, k] and indices [m, k] as typed arrays.
   */
  protected search(Q: Matrix, k: number): { dist: Float64Array; ind: Int32Array } {
    const s = fitted(this.fitState, this.who, "kneighbors");
    checkFeatures(Q, s.X.cols, this.who);
    if (!(Number.isInteger(k) && k >= 1 && k <= s.X.rows)) {
      throw new RangeError(`${this.who}: nNeighbors must be an integer in [1, ${s.X.rows}] (the number of training samples), got ${k}`);
    }
    const { rows: n, cols: d } = s.X;
    const T = s.unit ?? s.X.data;
    const m = Q.rows, kind = this.kind, p = this.p;
    const qd = kind === "cosine" ? unitRows(Q) : Q.data;
    const dist = new Float64Array(m * k), ind = new Int32Array(m * k);
    const bestD = new Float64Array(k), bestI = new Int32Array(k);
    const row = new Float64Array(n);
    for (let q = 0; q < m; q++) {
      reducedDistances(kind, p, qd, q * d, T, n, d, row);
      let filled = 0;
      for (let t = 0; t < n; t++) {
        const r = row[t];
        if (filled === k && !(r < bestD[k - 1])) continue;
        // Insert after every kept neighbour at distance <= r: the lower index wins ties.
        let pos = filled === k ? k - 1 : filled;
        while (pos > 0 && bestD[pos - 1] > r) {
          bestD[pos] = bestD[pos - 1];
          bestI[pos] = bestI[pos - 1];
          pos--;
        }
        bestD[pos] = r;
        bestI[pos] = t;
        if (filled < k) filled++;
      }
      for (let j = 0; j < k; j++) {
        const r = bestD[j];
        dist[q * k + j] = kind === "euclidean" ? Math.sqrt(r) : kind === "minkowski" ? r ** (1 / p) : r;
        ind[q * k + j] = bestI[j];
      }
    }
    return { dist, ind };
  }

  /** Neighbour weights [m, k] (uniform: all 1; distance: 1/d, or the exact matches only). */
  protected neighbourWeights(dist: Float64Array, m: number, k: number): Float64Array {
    const w = new Float64Array(m * k).fill(1);
    if (this.weights === "uniform") return w;
    for (let q = 0; q < m; q++) {
      let exact = false;
      for (let j = 0; j < k; j++) if (dist[q * k + j] === 0) exact = true;
      for (let j = 0; j < k; j++) {
        const v = dist[q * k + j];
        w[q * k + j] = exact ? (v === 0 ? 1 : 0) : 1 / v;
      }
    }
    return w;
  }

  /**
   * The k nearest training samples of each row of X (k defaults to nNeighbors): distances
   * ascending, equal distances in training-row order.
   */
  kneighbors(X: MatrixLike, nNeighbors?: number): KNeighborsResult {
    const Q = toMatrix(X, this.who);
    const k = nNeighbors ?? this.nNeighbors;
    const { dist, ind } = this.search(Q, k);
    return { distances: f64(dist, [Q.rows, k]), indices: i32(ind, [Q.rows, k]) };
  }
}

interface ClassifierExtra { classes: Float64Array; yIdx: Int32Array; labelDtype: DType; }

/**
 * k-nearest-neighbour classifier (sklearn's KNeighborsClassifier, algorithm="brute"): the
 * k = 5 (default) nearest training samples vote, uniformly or by inverse distance;
 * equidistant neighbours are taken in training order and a tied vote goes to the
 * smallest label, exactly as sklearn. Metrics: euclidean, manhattan, minkowski (p), cosine.
 * @example
 * const knn = new ml.KNeighborsClassifier({ nNeighbors: 3 }).fit(Xtrain, ytrain);
 * knn.predict(Xtest);
 */
export class KNeighborsClassifier extends KNeighborsBase {
  private extra: ClassifierExtra | null = null;

  constructor(opts: KNeighborsOptions = {}) {
    super("KNeighborsClassifier", opts);
  }

  /** Stores the training set X [n, d] and labels y [n]. Returns this. */
  fit(X: MatrixLike, y: VectorLike): this {
    const { lab } = this.store(X, y);
    const { classes, index } = encodeLabels(lab.data);
    this.extra = { classes, yIdx: index, labelDtype: lab.dtype };
    return this;
  }

  /** The class labels, sorted. */
  get classes(): Tensor {
    const e = fitted(this.extra, this.who, "reading classes");
    return labelTensor(e.classes.slice(), e.labelDtype);
  }

  private votes(X: MatrixLike, what: string): { e: ClassifierExtra; V: Float64Array; m: number } {
    const e = fitted(this.extra, this.who, what);
    const Q = toMatrix(X, this.who);
    const k = this.nNeighbors, K = e.classes.length;
    const { dist, ind } = this.search(Q, k);
    const w = this.neighbourWeights(dist, Q.rows, k);
    const V = new Float64Array(Q.rows * K);
    for (let q = 0; q < Q.rows; q++) for (let j = 0; j < k; j++) V[q * K + e.yIdx[ind[q * k + j]]] += w[q * k + j];
    return { e, V, m: Q.rows };
  }

  /** Class probabilities [n, nClasses]: the (weighted) share of each class among the neighbours. */
  predictProba(X: MatrixLike): Tensor {
    const { e, V, m } = this.votes(X, "predictProba");
    const K = e.classes.length;
    for (let q = 0; q < m; q++) {
      let s = 0;
      for (let c = 0; c < K; c++) s += V[q * K + c];
      if (s === 0) s = 1;
      for (let c = 0; c < K; c++) V[q * K + c] /= s;
    }
    return f64(V, [m, K]);
  }

  /** The winning class of each row (a tie goes to the smallest label). */
  predict(X: MatrixLike): Tensor {
    const { e, V, m } = this.votes(X, "predict");
    const K = e.classes.length, out = new Float64Array(m);
    for (let q = 0; q < m; q++) {
      let best = 0;
      for (let c = 1; c < K; c++) if (V[q * K + c] > V[q * K + best]) best = c;
      out[q] = e.classes[best];
    }
    return labelTensor(out, e.labelDtype);
  }

  /** Accuracy of predict(X) against y. */
  score(X: MatrixLike, y: VectorLike): number {
    return accuracyOfPrediction(y, () => this.predict(X), this.who);
  }
}

/**
 * k-nearest-neighbour regressor (sklearn's KNeighborsRegressor, algorithm="brute"): the
 * mean of the k = 5 (default) nearest training targets, or their inverse-distance weighted
 * mean. Same metrics and tie rule as KNeighborsClassifier.
 * @example
 * const knn = new ml.KNeighborsRegressor({ nNeighbors: 5, weights: "distance" }).fit(X, y);
 * knn.score(Xtest, ytest); // R^2
 */
export class KNeighborsRegressor extends KNeighborsBase {
  constructor(opts: KNeighborsOptions = {}) {
    super("KNeighborsRegressor", opts);
  }

  /** Stores the training set X [n, d] and targets y [n]. Returns this. */
  fit(X: MatrixLike, y: VectorLike): this {
    this.store(X, y);
    return this;
  }

  /** The (weighted) mean target of each row's neighbours [n]. */
  predict(X: MatrixLike): Tensor {
    const s = fitted(this.fitState, this.who, "predict");
    const Q = toMatrix(X, this.who);
    const k = this.nNeighbors;
    const { dist, ind } = this.search(Q, k);
    const w = this.neighbourWeights(dist, Q.rows, k);
    const out = new Float64Array(Q.rows);
    for (let q = 0; q < Q.rows; q++) {
      let num = 0, den = 0;
      for (let j = 0; j < k; j++) { num += w[q * k + j] * s.y[ind[q * k + j]]; den += w[q * k + j]; }
      out[q] = num / den;
    }
    return f64(out, [Q.rows]);
  }

  /** R^2 of predict(X) against y. */
  score(X: MatrixLike, y: VectorLike): number {
    return r2OfPrediction(y, () => this.predict(X), this.who);
  }
}
