import type { DType } from "../tensor/dtype.js";
import type { Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import type { SeedOptions } from "./estimator.js";
import { checkChoice, checkNumber, fitted, generatorOf } from "./estimator.js";
import type { Matrix, MatrixLike, VectorLike } from "./matrix.js";
import { checkFeatures, checkSameLength, encodeLabels, f64, i32, labelTensor, toMatrix, toSamples, toVector } from "./matrix.js";
import { accuracyOfPrediction, r2OfPrediction } from "./metrics.js";

// CART decision trees after scikit-learn's (depth-first builder, BestSplitter): at each
// node the features are visited in random order and every threshold between consecutive
// distinct values (midpoints) is scored; the best weighted impurity decrease wins.

/** Split quality: "gini" or "entropy" (log2; "logLoss" is the same) for classifiers, "squaredError" for regressors. */
export type TreeCriterion = "gini" | "entropy" | "logLoss" | "squaredError";

/** How many features a split considers: "sqrt", "log2", a count (integer), a fraction in (0, 1), or null for all. */
export type MaxFeatures = "sqrt" | "log2" | number | null;

/** Options shared by trees and forests (sklearn's names and defaults). */
export interface TreeOptions extends SeedOptions {
  /** Deepest allowed node (root = 0); default unlimited. */
  maxDepth?: number | null;
  /** Fewest samples a node needs to be split (default 2). */
  minSamplesSplit?: number;
  /** Fewest samples each child must keep (default 1). */
  minSamplesLeaf?: number;
  /** Features considered per split (trees: default null = all). */
  maxFeatures?: MaxFeatures;
}

/** Options of DecisionTreeClassifier. */
export interface DecisionTreeClassifierOptions extends TreeOptions {
  /** "gini" (default) or "entropy". */
  criterion?: "gini" | "entropy" | "logLoss";
}

/** Options of DecisionTreeRegressor. */
export interface DecisionTreeRegressorOptions extends TreeOptions {
  /** "squaredError" (default; the only one). */
  criterion?: "squaredError";
}

/** A fitted tree as flat arrays (sklearn's tree_): node i's children, split and value. */
export interface TreeStructure {
  nodeCount: number;
  /** Left child of each node, -1 for leaves. */
  childrenLeft: Int32Array;
  childrenRight: Int32Array;
  /** Split feature (-2 for leaves, as sklearn). */
  feature: Int32Array;
  /** Go left when x[feature] <= threshold (-2 for leaves). */
  threshold: Float64Array;
  /** [nodeCount, nOutputs]: weighted class counts (classifier) or the mean target (regressor). */
  value: Float64Array;
  nOutputs: number;
  impurity: Float64Array;
  nNodeSamples: Int32Array;
  weightedNNodeSamples: Float64Array;
  maxDepth: number;
}

const FEATURE_THRESHOLD = 1e-7;
const EPS = Number.EPSILON;

/** Training data in the layout the builder wants. */
export interface TreeData {
  /** Column-major X: feature f of sample s at f * n + s. */
  Xc: Float64Array;
  n: number;
  d: number;
  /** Classification: class index per sample and the class count; regression: yIdx null. */
  yIdx: Int32Array | null;
  nClasses: number;
  y: Float64Array;
}

/** Column-major copy of a row-major matrix. */
export function columnMajor(X: Matrix): Float64Array {
  const { data, rows, cols } = X;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

interface BuildParams {
  criterion: TreeCriterion;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: number;
}

/** Sorts vals[lo, hi) ascending, moving idx along (3-way quicksort: fast on many equal values). */
function sortPairs(vals: Float64Array, idx: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const a = vals[lo], b = vals[(lo + hi) >> 1], c = vals[hi - 1];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
    let lt = lo, gt = hi - 1, i = lo;
    while (i <= gt) {
      const v = vals[i];
      if (v < pivot) {
        const tv = vals[lt]; vals[lt] = v; vals[i] = tv;
        const ti = idx[lt]; idx[lt] = idx[i]; idx[i] = ti;
        lt++; i++;
      } else if (v > pivot) {
        const tv = vals[gt]; vals[gt] = v; vals[i] = tv;
        const ti = idx[gt]; idx[gt] = idx[i]; idx[i] = ti;
        gt--;
      } else {
        i++;
      }
    }
    // Recurse into the smaller side, loop on the larger: O(log n) stack.
    if (lt - lo < hi - gt - 1) { sortPairs(vals, idx, lo, lt); lo = gt + 1; } else { sortPairs(vals, idx, gt + 1, hi); hi = lt; }
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = vals[i], t = idx[i];
    let j = i - 1;
    while (j >= lo && vals[j] > v) { vals[j + 1] = vals[j]; idx[j + 1] = idx[j]; j--; }
    vals[j + 1] = v;
    idx[j + 1] = t;
  }
}

/** W * H of one side of a split: class weights c (or total - c), -sum v log2(v / W). */
function weightedEntropy(c: Float64Array, minus: Float64Array | null, W: number, K: number): number {
  let h = 0;
  for (let k = 0; k < K; k++) {
    const v = minus === null ? c[k] : c[k] - minus[k];
    if (v > 0) h -= v * Math.log2(v / W);
  }
  return h;
}

/** Grows one tree on the samples with positive weight; returns its arrays. */
export function buildTree(data: TreeData, w: Float64Array, params: BuildParams, gen: Generator): TreeStructure {
  const { Xc, n, d, yIdx, y } = data;
  const classify = yIdx !== null;
  const K = classify ? data.nClasses : 1;
  const crit = params.criterion;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) if (w[i] > 0) samples.push(i);
  const S = Int32Array.from(samples);
  const Xf = new Float64Array(S.length);
  const features = Int32Array.from({ length: d }, (_, j) => j);
  const left: number[] = [], right: number[] = [], feat: number[] = [], thr: number[] = [], imp: number[] = [], ns: number[] = [], wns: number[] = [];
  const value: number[] = [];
  const tot = new Float64Array(K), lc = new Float64Array(K);
  let depthSeen = 0;

  /** Node statistics over S[start, end): fills tot (class weights, or [sum w y]); returns [W, impurity, sum w y^2]. */
  const nodeStats = (start: number, end: number): [number, number] => {
    tot.fill(0);
    let W = 0, sq = 0;
    for (let p = start; p < end; p++) {
      const s = S[p], ws = w[s];
      W += ws;
      if (classify) tot[yIdx![s]] += ws;
      else { tot[0] += ws * y[s]; sq += ws * y[s] * y[s]; }
    }
    let impurity = 0;
    if (!classify) {
      const mean = tot[0] / W;
      impurity = sq / W - mean * mean;
    } else if (crit === "gini") {
      let s2 = 0;
      for (let k = 0; k < K; k++) s2 += (tot[k] / W) ** 2;
      impurity = 1 - s2;
    } else {
      for (let k = 0; k < K; k++) if (tot[k] > 0) { const q = tot[k] / W; impurity -= q * Math.log2(q); }
    }
    return [W, impurity];
  };

  const build = (start: number, end: number, depth: number): number => {
    const node = left.length;
    const [W, impurity] = nodeStats(start, end);
    left.push(-1); right.push(-1); feat.push(-2); thr.push(-2); imp.push(impurity); ns.push(end - start); wns.push(W);
    if (classify) for (let k = 0; k < K; k++) value.push(tot[k]);
    else value.push(tot[0] / W);
    depthSeen = Math.max(depthSeen, depth);
    const m = end - start;
    if (depth >= params.maxDepth || m < params.minSamplesSplit || m < 2 * params.minSamplesLeaf || impurity <= EPS) return node;

    const totSaved = tot.slice();
    let bestProxy = -Infinity, bestFeat = -1, bestThr = 0;
    let remaining = d, visited = 0, constants = 0;
    // Features in random order; stop after maxFeatures visits once a non-constant one was seen.
    while (remaining > 0 && (visited < params.maxFeatures || visited <= constants)) {
      visited++;
      const r = gen.integer(0, remaining);
      const f = features[r];
      features[r] = features[remaining - 1];
      features[remaining - 1] = f;
      remaining--;
      const off = f * n;
      for (let p = start; p < end; p++) Xf[p] = Xc[off + S[p]];
      sortPairs(Xf, S, start, end);
      if (Xf[end - 1] <= Xf[start] + FEATURE_THRESHOLD) { constants++; continue; }
      lc.fill(0);
      let wl = 0, sumL = 0, prev = start, p = start;
      while (p < end) {
        while (p + 1 < end && Xf[p + 1] <= Xf[p] + FEATURE_THRESHOLD) p++;
        p++;
        if (p >= end) break;
        for (let q = prev; q < p; q++) {
          const s = S[q], ws = w[s];
          wl += ws;
          if (classify) lc[yIdx![s]] += ws;
          else sumL += ws * y[s];
        }
        prev = p;
        if (p - start < params.minSamplesLeaf || end - p < params.minSamplesLeaf) continue;
        const wr = W - wl;
        let proxy: number;
        if (!classify) {
          const sumR = totSaved[0] - sumL;
          proxy = (sumL * sumL) / wl + (sumR * sumR) / wr;
        } else if (crit === "gini") {
          let a = 0, b = 0;
          for (let k = 0; k < K; k++) { a += lc[k] * lc[k]; const rc = totSaved[k] - lc[k]; b += rc * rc; }
          proxy = a / wl + b / wr;
        } else {
          proxy = -(weightedEntropy(lc, null, wl, K) + weightedEntropy(totSaved, lc, wr, K));
        }
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeat = f;
          let t = Xf[p - 1] / 2 + Xf[p] / 2;
          if (t === Xf[p] || !Number.isFinite(t)) t = Xf[p - 1];
          bestThr = t;
        }
      }
    }
    if (bestFeat < 0) return node;
    // Partition S[start, end) by the winning split.
    const off = bestFeat * n;
    let p = start, pe = end;
    while (p < pe) {
      if (Xc[off + S[p]] <= bestThr) p++;
      else { pe--; const t = S[p]; S[p] = S[pe]; S[pe] = t; }
    }
    feat[node] = bestFeat;
    thr[node] = bestThr;
    left[node] = build(start, p, depth + 1);
    right[node] = build(p, end, depth + 1);
    return node;
  };
  if (S.length === 0) throw new RangeError("tree: no samples with positive weight");
  build(0, S.length, 0);
  return {
    nodeCount: left.length, childrenLeft: Int32Array.from(left), childrenRight: Int32Array.from(right), feature: Int32Array.from(feat),
    threshold: Float64Array.from(thr), value: Float64Array.from(value), nOutputs: K, impurity: Float64Array.from(imp),
    nNodeSamples: Int32Array.from(ns), weightedNNodeSamples: Float64Array.from(wns), maxDepth: depthSeen,
  };
}

/** Leaf index reached by row i of X (row-major, d columns). */
export function leafOf(t: TreeStructure, X: Float64Array, i: number, d: number): number {
  let node = 0;
  while (t.childrenLeft[node] !== -1) node = X[i * d + t.feature[node]] <= t.threshold[node] ? t.childrenLeft[node] : t.childrenRight[node];
  return node;
}

/** Mean decrease in impurity per feature, normalised to sum 1 (sklearn's feature_importances_). */
export function impurityImportances(t: TreeStructure, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let v = 0; v < t.nodeCount; v++) {
    const l = t.childrenLeft[v], r = t.childrenRight[v];
    if (l === -1) continue;
    out[t.feature[v]] += t.weightedNNodeSamples[v] * t.impurity[v] - t.weightedNNodeSamples[l] * t.impurity[l] - t.weightedNNodeSamples[r] * t.impurity[r];
  }
  let s = 0;
  for (let j = 0; j < d; j++) { out[j] /= t.weightedNNodeSamples[0]; s += out[j]; }
  if (s > 0) for (let j = 0; j < d; j++) out[j] /= s;
  return out;
}

/** Resolves maxFeatures to a count for d features (sklearn's rules). */
export function resolveMaxFeatures(who: string, mf: MaxFeatures, d: number): number {
  if (mf === null) return d;
  if (mf === "sqrt") return Math.max(1, Math.floor(Math.sqrt(d)));
  if (mf === "log2") return Math.max(1, Math.floor(Math.log2(d)));
  if (typeof mf === "number" && Number.isInteger(mf) && mf >= 1) {
    if (mf > d) throw new RangeError(`${who}: maxFeatures = ${mf} is larger than the number of features (${d})`);
    return mf;
  }
  if (typeof mf === "number" && mf > 0 && mf < 1) return Math.max(1, Math.floor(mf * d));
  throw new RangeError(`${who}: maxFeatures must be "sqrt", "log2", null, an integer >= 1 or a fraction in (0, 1), got ${JSON.stringify(mf)}`);
}

/** Checks the growth options and returns them with defaults (maxFeatures resolved later). */
export function growthOptions(who: string, opts: TreeOptions): { maxDepth: number | null; minSamplesSplit: number; minSamplesLeaf: number } {
  const maxDepth = opts.maxDepth ?? null;
  if (maxDepth !== null) checkNumber(who, "maxDepth", maxDepth, { min: 1, integer: true });
  return {
    maxDepth,
    minSamplesSplit: checkNumber(who, "minSamplesSplit", opts.minSamplesSplit ?? 2, { min: 2, integer: true }),
    minSamplesLeaf: checkNumber(who, "minSamplesLeaf", opts.minSamplesLeaf ?? 1, { min: 1, integer: true }),
  };
}

interface TreeFit {
  tree: TreeStructure;
  nFeatures: number;
  classes: Float64Array | null;
  labelDtype: DType;
}

/** What the classifier and regressor share: options, fit plumbing, traversal, structure queries. */
abstract class DecisionTreeBase {
  readonly criterion: TreeCriterion;
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: MaxFeatures;
  protected fitState: TreeFit | null = null;

  protected constructor(protected readonly who: string, criterion: TreeCriterion, protected readonly opts: TreeOptions) {
    this.criterion = criterion;
    ({ maxDepth: this.maxDepth, minSamplesSplit: this.minSamplesSplit, minSamplesLeaf: this.minSamplesLeaf } = growthOptions(who, opts));
    this.maxFeatures = opts.maxFeatures ?? null;
  }

  protected grow(A: Matrix, data: TreeData, sampleWeight: VectorLike | undefined, classes: Float64Array | null, labelDtype: DType): this {
    let w: Float64Array;
    if (sampleWeight === undefined) w = new Float64Array(A.rows).fill(1);
    else {
      w = toVector(sampleWeight, this.who, "sampleWeight").data;
      checkSameLength(A.rows, w.length, this.who, "sampleWeight");
      if (w.some((v) => v < 0)) throw new RangeError(`${this.who}: sampleWeight must be >= 0`);
    }
    const tree = buildTree(data, w, {
      criterion: this.criterion, maxDepth: this.maxDepth ?? Infinity, minSamplesSplit: this.minSamplesSplit,
      minSamplesLeaf: this.minSamplesLeaf, maxFeatures: resolveMaxFeatures(this.who, this.maxFeatures, A.cols),
    }, generatorOf(this.opts));
    this.fitState = { tree, nFeatures: A.cols, classes, labelDtype };
    return this;
  }

  protected st(what: string): TreeFit {
    return fitted(this.fitState, this.who, what);
  }

  /** The fitted tree's arrays (copies of nothing: treat as read-only). */
  get tree(): TreeStructure { return this.st("reading tree").tree; }
  /** Depth of the tree (the root alone has depth 0). */
  getDepth(): number { return this.st("getDepth").tree.maxDepth; }
  /** Number of leaves. */
  getNLeaves(): number { const t = this.st("getNLeaves").tree; return t.childrenLeft.filter((c) => c === -1).length; }
  /** Normalised total impurity decrease per feature [d]. */
  get featureImportances(): Tensor { const s = this.st("reading featureImportances"); return f64(impurityImportances(s.tree, s.nFeatures), [s.nFeatures]); }

  /** The leaf index each row of X lands in (int32 [n]). */
  apply(X: MatrixLike): Tensor {
    const s = this.st("apply");
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.nFeatures, this.who);
    const out = new Int32Array(A.rows);
    for (let i = 0; i < A.rows; i++) out[i] = leafOf(s.tree, A.data, i, A.cols);
    return i32(out, [A.rows]);
  }

  protected leaves(X: MatrixLike, what: string): { s: TreeFit; leaves: Int32Array } {
    const s = this.st(what);
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.nFeatures, this.who);
    const leaves = new Int32Array(A.rows);
    for (let i = 0; i < A.rows; i++) leaves[i] = leafOf(s.tree, A.data, i, A.cols);
    return { s, leaves };
  }
}

/** Class probabilities of the leaves [n, K] from a tree's weighted class counts. */
export function leafProba(t: TreeStructure, leaves: Int32Array, out: Float64Array, scale = 1): void {
  const K = t.nOutputs;
  for (let i = 0; i < leaves.length; i++) {
    const o = leaves[i] * K;
    let s = 0;
    for (let k = 0; k < K; k++) s += t.value[o + k];
    for (let k = 0; k < K; k++) out[i * K + k] += (scale * t.value[o + k]) / s;
  }
}

/** Index of the largest entry of each row (the first on ties). */
export function argmaxRows(P: Float64Array, n: number, K: number, classes: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k] > P[i * K + best]) best = k;
    out[i] = classes[best];
  }
  return out;
}

/**
 * Decision tree classifier (sklearn's DecisionTreeClassifier): greedy CART with the gini
 * (default) or entropy criterion, every midpoint threshold of every considered feature,
 * growth limited by maxDepth, minSamplesSplit and minSamplesLeaf. Features are visited in
 * a seeded random order, which only matters for ties. Fitted: classes, tree,
 * featureImportances; getDepth(), getNLeaves(), apply().
 * @example
 * const t = new ml.DecisionTreeClassifier({ maxDepth: 3, seed: 0 }).fit(X, y);
 * t.predict(Xtest);
 */
export class DecisionTreeClassifier extends DecisionTreeBase {
  constructor(opts: DecisionTreeClassifierOptions = {}) {
    const c = checkChoice("DecisionTreeClassifier", "criterion", opts.criterion ?? "gini", ["gini", "entropy", "logLoss"]);
    super("DecisionTreeClassifier", c === "logLoss" ? "entropy" : c, opts);
  }

  /** Grows the tree on X [n, d] and labels y [n] (optional per-sample weights). Returns this. */
  fit(X: MatrixLike, y: VectorLike, sampleWeight?: VectorLike): this {
    const { A, y: lab } = toSamples(X, y, this.who);
    const { classes, index } = encodeLabels(lab.data);
    return this.grow(A, { Xc: columnMajor(A), n: A.rows, d: A.cols, yIdx: index, nClasses: classes.length, y: lab.data }, sampleWeight, classes, lab.dtype);
  }

  /** The class labels, sorted. */
  get classes(): Tensor { const s = this.st("reading classes"); return labelTensor(s.classes!.slice(), s.labelDtype); }

  /** Class probabilities [n, nClasses]: the class shares of each row's leaf. */
  predictProba(X: MatrixLike): Tensor {
    const { s, leaves } = this.leaves(X, "predictProba");
    const K = s.classes!.length, out = new Float64Array(leaves.length * K);
    leafProba(s.tree, leaves, out);
    return f64(out, [leaves.length, K]);
  }

  /** The majority class of each row's leaf (the smaller class on ties). */
  predict(X: MatrixLike): Tensor {
    const { s, leaves } = this.leaves(X, "predict");
    const K = s.classes!.length, P = new Float64Array(leaves.length * K);
    leafProba(s.tree, leaves, P);
    return labelTensor(argmaxRows(P, leaves.length, K, s.classes!), s.labelDtype);
  }

  /** Accuracy of predict(X) against y. */
  score(X: MatrixLike, y: VectorLike): number {
    return accuracyOfPrediction(y, () => this.predict(X), this.who);
  }
}

/**
 * Decision tree regressor (sklearn's DecisionTreeRegressor): CART minimising the squared
 * error; leaves predict the mean target. Same growth options as the classifier.
 * @example
 * const t = new ml.DecisionTreeRegressor({ maxDepth: 4, seed: 0 }).fit(X, y);
 * t.score(Xtest, ytest); // R^2
 */
export class DecisionTreeRegressor extends DecisionTreeBase {
  constructor(opts: DecisionTreeRegressorOptions = {}) {
    super("DecisionTreeRegressor", checkChoice("DecisionTreeRegressor", "criterion", opts.criterion ?? "squaredError", ["squaredError"]), opts);
  }

  /** Grows the tree on X [n, d] and targets y [n] (optional per-sample weights). Returns this. */
  fit(X: MatrixLike, y: VectorLike, sampleWeight?: VectorLike): this {
    const { A, y: t } = toSamples(X, y, this.who);
    return this.grow(A, { Xc: columnMajor(A), n: A.rows, d: A.cols, yIdx: null, nClasses: 0, y: t.data }, sampleWeight, null, "float64");
  }

  /** The mean target of each row's leaf [n]. */
  predict(X: MatrixLike): Tensor {
    const { s, leaves } = this.leaves(X, "predict");
    const out = new Float64Array(leaves.length);
    for (let i = 0; i < leaves.length; i++) out[i] = s.tree.value[leaves[i]];
    return f64(out, [leaves.length]);
  }

  /** R^2 of predict(X) against y. */
  score(X: MatrixLike, y: VectorLike): number {
    return r2OfPrediction(y, () => this.predict(X), this.who);
  }
}
