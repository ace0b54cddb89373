import type { Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import type { SeedOptions } from "./estimator.js";
import { checkNumber, fitted, generatorOf } from "./estimator.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { checkFeatures, columnMeans, f64, i32, toMatrix } from "./matrix.js";

// k-means by Lloyd's algorithm, step for step as scikit-learn's "lloyd": data centred
// first, labels from the old centres, centres moved to their means, empty clusters
// re-seeded with the farthest points, stop when the labels repeat or the squared centre
// shift falls to tol * mean feature variance; k-means++ (greedy, 2 + log k trials) init.

/** Options of KMeans (sklearn's names and defaults). */
export interface KMeansOptions extends SeedOptions {
  /** Number of clusters k (default 8). */
  nClusters?: number;
  /** "k-means++" (default), "random" (k distinct samples), or the initial centres [k, d] (then one run). */
  init?: "k-means++" | "random" | MatrixLike;
  /** Runs from different initialisations; the lowest inertia wins (default 10, as sklearn 1.2). */
  nInit?: number;
  /** Most Lloyd iterations per run (default 300). */
  maxIter?: number;
  /** Relative tolerance on the squared centre shift (default 1e-4). */
  tol?: number;
}

interface Run {
  centres: Float64Array;
  labels: Int32Array;
  inertia: number;
  nIter: number;
}

/** Nearest centre of every sample: labels, squared distances; returns the inertia. */
function assign(X: Float64Array, n: number, d: number, C: Float64Array, k: number, labels: Int32Array, dist: Float64Array): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0, bestD = Infinity;
    const io = i * d;
    for (let c = 0; c < k; c++) {
      const co = c * d;
      let s = 0;
      for (let j = 0; j < d; j++) { const u = X[io + j] - C[co + j]; s += u * u; }
      if (s < bestD) { bestD = s; best = c; }
    }
    labels[i] = best;
    dist[i] = bestD;
    inertia += bestD;
  }
  return inertia;
}

/** One Lloyd run from `init` (centred coordinates). */
function lloyd(X: Float64Array, n: number, d: number, init: Float64Array, k: number, maxIter: number, tol: number): Run {
  let centres = init.slice();
  let next = new Float64Array(k * d);
  const labels = new Int32Array(n).fill(-1), old = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n), count = new Float64Array(k);
  let strict = false, it = 0;
  for (; it < maxIter; it++) {
    assign(X, n, d, centres, k, labels, dist);
    next.fill(0);
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      count[c]++;
      for (let j = 0; j < d; j++) next[c * d + j] += X[i * d + j];
    }
    relocateEmpty(X, n, d, labels, dist, next, count, k);
    let shift = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        if (count[c] > 0) next[c * d + j] /= count[c];
        shift += (next[c * d + j] - centres[c * d + j]) ** 2;
      }
    }
    [centres, next] = [next, centres];
    let same = true;
    for (let i = 0; i < n; i++) if (labels[i] !== old[i]) { same = false; break; }
    if (same) { strict = true; break; }
    if (shift <= tol) break;
    old.set(labels);
  }
  // Labels that match the final centres (unless the last step left them unchanged).
  const inertia = strict ? inertiaOf(X, n, d, centres, labels) : assign(X, n, d, centres, k, labels, dist);
  return { centres, labels, inertia, nIter: Math.min(it + 1, maxIter) };
}

function inertiaOf(X: Float64Array, n: number, d: number, C: Float64Array, labels: Int32Array): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) s += (X[i * d + j] - C[labels[i] * d + j]) ** 2;
  return s;
}

/** sklearn's empty-cluster fix: each empty cluster takes the sample farthest from its centre. */
function relocateEmpty(X: Float64Array, n: number, d: number, labels: Int32Array, dist: Float64Array, sums: Float64Array, count: Float64Array, k: number): void {
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (count[c] === 0) empty.push(c);
  if (empty.length === 0) return;
  const far = Array.from({ length: n }, (_, i) => i).sort((a, b) => dist[b] - dist[a] || a - b).slice(0, empty.length);
  empty.forEach((c, e) => {
    const i = far[e], from = labels[i];
    for (let j = 0; j < d; j++) { sums[from * d + j] -= X[i * d + j]; sums[c * d + j] = X[i * d + j]; }
    count[from]--;
    count[c] = 1;
  });
}

/** Greedy k-means++ (sklearn's): each new centre is the best of 2 + floor(ln k) D^2-sampled candidates. */
function kmeansPlusPlus(X: Float64Array, n: number, d: number, k: number, gen: Generator): Float64Array {
  const C = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = gen.integer(0, n);
  C.set(X.subarray(first * d, first * d + d), 0);
  const closest = new Float64Array(n), cand = new Float64Array(n), best = new Float64Array(n);
  let pot = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (X[i * d + j] - X[first * d + j]) ** 2;
    closest[i] = s;
    pot += s;
  }
  for (let c = 1; c < k; c++) {
    let bestPot = Infinity, bestId = 0;
    for (let t = 0; t < trials; t++) {
      // Sample an index with probability proportional to its squared distance.
      const r = gen.uniform() * pot;
      let acc = 0, id = n - 1;
      for (let i = 0; i < n; i++) { acc += closest[i]; if (acc > r) { id = i; break; } }
      let p = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (X[i * d + j] - X[id * d + j]) ** 2;
        cand[i] = Math.min(closest[i], s);
        p += cand[i];
      }
      if (p < bestPot) { bestPot = p; bestId = id; best.set(cand); }
    }
    C.set(X.subarray(bestId * d, bestId * d + d), c * d);
    closest.set(best);
    pot = bestPot;
  }
  return C;
}

interface KMeansState {
  centres: Float64Array;
  labels: Int32Array;
  inertia: number;
  nIter: number;
  nFeatures: number;
}

/**
 * k-means clustering (sklearn's KMeans, algorithm "lloyd"): nInit runs (default 10) from
 * k-means++ seeds, the lowest inertia kept. Given initial centres, the Lloyd iterations
 * reproduce scikit-learn's result (centres, labels, inertia, iteration count). Fitted:
 * clusterCenters [k, d], labels, inertia, nIter.
 * @example
 * const km = new ml.KMeans({ nClusters: 3, seed: 0 }).fit(X);
 * km.predict(Xnew); km.clusterCenters;
 */
export class KMeans {
  readonly nClusters: number;
  readonly init: "k-means++" | "random" | MatrixLike;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  private state: KMeansState | null = null;
  private readonly who = "KMeans";

  constructor(private readonly opts: KMeansOptions = {}) {
    this.nClusters = checkNumber(this.who, "nClusters", opts.nClusters ?? 8, { min: 1, integer: true });
    this.init = opts.init ?? "k-means++";
    if (typeof this.init === "string" && this.init !== "k-means++" && this.init !== "random") {
      throw new RangeError(`${this.who}: init must be "k-means++", "random" or an array of initial centres, got ${JSON.stringify(this.init)}`);
    }
    this.nInit = checkNumber(this.who, "nInit", opts.nInit ?? 10, { min: 1, integer: true });
    this.maxIter = checkNumber(this.who, "maxIter", opts.maxIter ?? 300, { min: 1, integer: true });
    this.tol = checkNumber(this.who, "tol", opts.tol ?? 1e-4, { min: 0 });
  }

  /** Clusters X [n, d]. Returns this. */
  fit(X: MatrixLike): this {
    const A = toMatrix(X, this.who);
    const { rows: n, cols: d } = A;
    const k = this.nClusters;
    if (k > n) throw new RangeError(`${this.who}: nClusters = ${k} is larger than the number of samples (${n}); need nClusters <= nSamples`);
    // Centre the data (sklearn does, for accuracy); the centres move back at the end.
    const mean = columnMeans(A);
    const Xc = A.data;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xc[i * d + j] -= mean[j];
    let variance = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Xc[i * d + j] ** 2;
      variance += s / n;
    }
    const tol = (variance / d) * this.tol;
    let given: Float64Array | null = null;
    if (typeof this.init !== "string") {
      const I = toMatrix(this.init, this.who, "init");
      if (I.rows !== k || I.cols !== d) throw new RangeError(`${this.who}: init has shape [${I.rows}, ${I.cols}] but must be [nClusters, nFeatures] = [${k}, ${d}]`);
      given = I.data;
      for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) given[c * d + j] -= mean[j];
    }
    const gen = generatorOf(this.opts);
    let best: Run | null = null;
    for (let r = 0; r < (given ? 1 : this.nInit); r++) {
      const init = given ?? (this.init === "random" ? randomRows(Xc, n, d, k, gen) : kmeansPlusPlus(Xc, n, d, k, gen));
      const run = lloyd(Xc, n, d, init, k, this.maxIter, tol);
      if (best === null || run.inertia < best.inertia) best = run;
    }
    const centres = best!.centres;
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centres[c * d + j] += mean[j];
    this.state = { centres, labels: best!.labels, inertia: best!.inertia, nIter: best!.nIter, nFeatures: d };
    return this;
  }

  private st(what: string): KMeansState {
    return fitted(this.state, this.who, what);
  }

  /** Cluster centres [k, d]. */
  get clusterCenters(): Tensor { const s = this.st("reading clusterCenters"); return f64(s.centres.slice(), [this.nClusters, s.nFeatures]); }
  /** Cluster of each training sample (int32 [n]). */
  get labels(): Tensor { const s = this.st("reading labels"); return i32(s.labels.slice(), [s.labels.length]); }
  /** Sum of squared distances of the training samples to their centres. */
  get inertia(): number { return this.st("reading inertia").inertia; }
  /** Lloyd iterations of the kept run. */
  get nIter(): number { return this.st("reading nIter").nIter; }

  private nearest(X: MatrixLike, what: string): { labels: Int32Array; dist: Float64Array; A: Matrix } {
    const s = this.st(what);
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.nFeatures, this.who);
    const labels = new Int32Array(A.rows), dist = new Float64Array(A.rows);
    assign(A.data, A.rows, A.cols, s.centres, this.nClusters, labels, dist);
    return { labels, dist, A };
  }

  /** The nearest centre of each row of X (int32 [n]). */
  predict(X: MatrixLike): Tensor {
    const { labels } = this.nearest(X, "predict");
    return i32(labels, [labels.length]);
  }

  /** fit(X), then the training labels. */
  fitPredict(X: MatrixLike): Tensor {
    return this.fit(X).labels;
  }

  /** Euclidean distances from each row of X to every centre [n, k]. */
  transform(X: MatrixLike): Tensor {
    const s = this.st("transform");
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.nFeatures, this.who);
    const k = this.nClusters, d = A.cols, out = new Float64Array(A.rows * k);
    for (let i = 0; i < A.rows; i++) {
      for (let c = 0; c < k; c++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += (A.data[i * d + j] - s.centres[c * d + j]) ** 2;
        out[i * k + c] = Math.sqrt(t);
      }
    }
    return f64(out, [A.rows, k]);
  }

  /** Minus the inertia of X under the fitted centres (sklearn's score: higher is better). */
  score(X: MatrixLike): number {
    const { dist } = this.nearest(X, "score");
    let s = 0;
    for (let i = 0; i < dist.length; i++) s += dist[i];
    return -s;
  }
}

/** k distinct random samples as centres (sklearn's init="random"). */
function randomRows(X: Float64Array, n: number, d: number, k: number, gen: Generator): Float64Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const C = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    const r = c + gen.integer(0, n - c);
    const t = idx[c]; idx[c] = idx[r]; idx[r] = t;
    C.set(X.subarray(idx[c] * d, idx[c] * d + d), c * d);
  }
  return C;
}
