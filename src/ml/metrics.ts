import type { Tensor } from "../tensor/tensor.js";
import { checkChoice } from "./estimator.js";
import type { Matrix, TargetLike, VectorLike } from "./matrix.js";
import { checkSameLength, i32, toTargets, toVector } from "./matrix.js";

// Scores of predictions against the truth, after scikit-learn's sklearn.metrics (same
// definitions, same zero-division conventions). Inputs are tensors or plain arrays.

function pair(yTrue: VectorLike, yPred: VectorLike, who: string): [Float64Array, Float64Array] {
  const a = toVector(yTrue, who, "yTrue").data;
  const b = toVector(yPred, who, "yPred").data;
  if (a.length !== b.length) throw new RangeError(`${who}: yTrue has ${a.length} samples but yPred has ${b.length}; they must have the same length`);
  return [a, b];
}

/** Fraction of equal entries (the estimators' classifier score). */
export function accuracyOf(a: Float64Array, b: Float64Array): number {
  let hit = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) hit++;
  return hit / a.length;
}

/**
 * The classifiers' `score`: the accuracy of `predict()` against y. y is read first, so a bad y
 * is reported before X is looked at; the counts of samples must agree.
 */
export function accuracyOfPrediction(y: VectorLike, predict: () => Tensor, who: string): number {
  const t = toVector(y, who).data;
  const p = predict();
  checkSameLength(p.shape[0], t.length, who);
  return accuracyOf(t, Float64Array.from(p.data as ArrayLike<number>));
}

/** The single-target regressors' `score`: R^2 of `predict()` against y, checked as above. */
export function r2OfPrediction(y: VectorLike, predict: () => Tensor, who: string): number {
  const t = toVector(y, who).data;
  const p = predict();
  checkSameLength(p.shape[0], t.length, who);
  return r2Of(t, p.data as Float64Array, t.length, 1);
}

/**
 * Fraction of samples whose predicted label equals the true one (sklearn's accuracy_score),
 * or the count of them with `normalize: false`.
 * @example ml.accuracyScore([0, 1, 2, 2], [0, 2, 2, 2]) // 0.75
 */
export function accuracyScore(yTrue: VectorLike, yPred: VectorLike, opts: { normalize?: boolean } = {}): number {
  const [a, b] = pair(yTrue, yPred, "accuracyScore");
  const acc = accuracyOf(a, b);
  return opts.normalize === false ? Math.round(acc * a.length) : acc;
}

function labelsOf(a: Float64Array, b: Float64Array, given?: readonly number[]): Float64Array {
  if (given !== undefined) return Float64Array.from(given);
  return Float64Array.from(new Set([...a, ...b])).sort();
}

/**
 * Confusion matrix C (sklearn's confusion_matrix): C[i][j] counts samples of true label
 * labels[i] predicted as labels[j]; labels default to the sorted union of both vectors.
 * Returns an int32 tensor [nLabels, nLabels].
 * @example ml.confusionMatrix([0, 1, 1], [0, 0, 1]).toArray() // [[1, 0], [1, 1]]
 */
export function confusionMatrix(yTrue: VectorLike, yPred: VectorLike, opts: { labels?: readonly number[] } = {}): Tensor {
  const [a, b] = pair(yTrue, yPred, "confusionMatrix");
  const labels = labelsOf(a, b, opts.labels);
  if (labels.length === 0) throw new RangeError("confusionMatrix: labels must not be empty");
  const pos = new Map<number, number>();
  labels.forEach((l, i) => pos.set(l, i));
  const k = labels.length;
  const C = new Int32Array(k * k);
  for (let i = 0; i < a.length; i++) {
    const r = pos.get(a[i]), c = pos.get(b[i]);
    if (r !== undefined && c !== undefined) C[r * k + c]++;
  }
  return i32(C, [k, k]);
}

/** How per-label scores are combined: one label ("binary"), means over labels, or per label (null). */
export type Average = "binary" | "micro" | "macro" | "weighted" | null;

/** Options of the precision / recall / F-scores. */
export interface PrfOptions {
  /** "binary" (default: the score of posLabel; binary targets only), "micro", "macro", "weighted", or null for per-label scores. */
  average?: Average;
  /** The positive class when average is "binary" (default 1). */
  posLabel?: number;
  /** The labels to score (default: sorted union of yTrue and yPred). */
  labels?: readonly number[];
  /** The value of 0/0 (a label never predicted, or never true); default 0, as sklearn's "warn". */
  zeroDivision?: number;
}

/** Per-label (average null) or averaged precision, recall, F-beta and support. */
export interface PrfResult<T> {
  precision: T;
  recall: T;
  fscore: T;
  /** Number of true samples per label (null when averaged). */
  support: number[] | null;
}

const AVERAGES: readonly string[] = ["binary", "micro", "macro", "weighted"];

function prf(yTrue: VectorLike, yPred: VectorLike, beta: number, opts: PrfOptions, who: string): PrfResult<number | number[]> {
  const [a, b] = pair(yTrue, yPred, who);
  const average = opts.average === undefined ? "binary" : opts.average;
  if (average !== null) checkChoice(who, "average", average as string, AVERAGES);
  const zd = opts.zeroDivision ?? 0;
  let labels = labelsOf(a, b, opts.labels);
  if (average === "binary") {
    const present = labelsOf(a, b);
    const posLabel = opts.posLabel ?? 1;
    if (present.length > 2) {
      throw new RangeError(`${who}: the targets are multiclass (${present.length} labels) but average is "binary"; choose "micro", "macro", "weighted" or null`);
    }
    if (present.length === 2 && !present.includes(posLabel)) {
      throw new RangeError(`${who}: posLabel=${posLabel} is not a valid label; it should be one of [${[...present].join(", ")}]`);
    }
    labels = Float64Array.of(posLabel);
  }
  const k = labels.length;
  const pos = new Map<number, number>();
  labels.forEach((l, i) => pos.set(l, i));
  let tp = new Float64Array(k), predSum = new Float64Array(k), trueSum = new Float64Array(k);
  for (let i = 0; i < a.length; i++) {
    const t = pos.get(a[i]), p = pos.get(b[i]);
    if (t !== undefined) trueSum[t]++;
    if (p !== undefined) predSum[p]++;
    if (t !== undefined && a[i] === b[i]) tp[t]++;
  }
  const support = Array.from(trueSum);
  if (average === "micro") {
    const s = (x: Float64Array) => Float64Array.of(x.reduce((u, v) => u + v, 0));
    tp = s(tp); predSum = s(predSum); trueSum = s(trueSum);
  }
  const n = tp.length, beta2 = beta * beta;
  const P = new Float64Array(n), R = new Float64Array(n), F = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    P[i] = predSum[i] === 0 ? zd : tp[i] / predSum[i];
    R[i] = trueSum[i] === 0 ? zd : tp[i] / trueSum[i];
    const denom = beta2 * P[i] + R[i];
    F[i] = (1 + beta2) * P[i] * R[i] / (denom === 0 ? 1 : denom);
  }
  if (average === null) return { precision: Array.from(P), recall: Array.from(R), fscore: Array.from(F), support };
  let weights: Float64Array | null = null;
  if (average === "weighted") {
    const total = trueSum.reduce((u, v) => u + v, 0);
    if (total === 0) {
      const z = zd === 1 ? 1 : 0;
      return predSum.reduce((u, v) => u + v, 0) === 0
        ? { precision: z, recall: z, fscore: z, support: null }
        : { precision: 0, recall: z, fscore: 0, support: null };
    }
    weights = trueSum;
  }
  const avg = (x: Float64Array) => {
    let s = 0, w = 0;
    for (let i = 0; i < n; i++) { const wi = weights ? weights[i] : 1; s += wi * x[i]; w += wi; }
    return s / w;
  };
  return { precision: avg(P), recall: avg(R), fscore: avg(F), support: null };
}

/**
 * Precision, recall, F-beta and support in one pass (sklearn's
 * precision_recall_fscore_support); averaged numbers, or per-label arrays with average null.
 * @example ml.precisionRecallFscoreSupport([0, 1, 1], [0, 1, 0], { average: null }).recall // [1, 0.5]
 */
export function precisionRecallFscoreSupport(yTrue: VectorLike, yPred: VectorLike, opts: PrfOptions & { average: null; beta?: number }): PrfResult<number[]>;
export function precisionRecallFscoreSupport(yTrue: VectorLike, yPred: VectorLike, opts?: PrfOptions & { beta?: number }): PrfResult<number>;
export function precisionRecallFscoreSupport(yTrue: VectorLike, yPred: VectorLike, opts: PrfOptions & { beta?: number } = {}): PrfResult<number | number[]> {
  const beta = opts.beta ?? 1;
  if (!(beta >= 0)) throw new RangeError(`precisionRecallFscoreSupport: beta must be >= 0, got ${beta}`);
  return prf(yTrue, yPred, beta, opts, "precisionRecallFscoreSupport");
}

/**
 * Precision tp / (tp + fp) (sklearn's precision_score); average "binary" by default.
 * @example ml.precisionScore([0, 1, 1, 0], [1, 1, 1, 0]) // 2/3
 */
export function precisionScore(yTrue: VectorLike, yPred: VectorLike, opts: PrfOptions & { average: null }): number[];
export function precisionScore(yTrue: VectorLike, yPred: VectorLike, opts?: PrfOptions): number;
export function precisionScore(yTrue: VectorLike, yPred: VectorLike, opts: PrfOptions = {}): number | number[] {
  return prf(yTrue, yPred, 1, opts, "precisionScore").precision;
}

/**
 * Recall tp / (tp + fn) (sklearn's recall_score); average "binary" by default.
 * @example ml.recallScore([0, 1, 1, 0], [1, 1, 0, 0]) // 0.5
 */
export function recallScore(yTrue: VectorLike, yPred: VectorLike, opts: PrfOptions & { average: null }): number[];
export function recallScore(yTrue: VectorLike, yPred: VectorLike, opts?: PrfOptions): number;
export function recallScore(yTrue: VectorLike, yPred: VectorLike, opts: PrfOptions = {}): number | number[] {
  return prf(yTrue, yPred, 1, opts, "recallScore").recall;
}

/**
 * F1 = 2 P R / (P + R) (sklearn's f1_score); average "binary" by default, "macro" averages
 * the per-label F1 values.
 * @example ml.f1Score([0, 1, 2, 2], [0, 2, 2, 1], { average: "macro" })
 */
export function f1Score(yTrue: VectorLike, yPred: VectorLike, opts: PrfOptions & { average: null }): number[];
export function f1Score(yTrue: VectorLike, yPred: VectorLike, opts?: PrfOptions): number;
export function f1Score(yTrue: VectorLike, yPred: VectorLike, opts: PrfOptions = {}): number | number[] {
  return prf(yTrue, yPred, 1, opts, "f1Score").fscore;
}

function regPair(yTrue: TargetLike, yPred: TargetLike, who: string): [Matrix, Matrix] {
  const a = toTargets(yTrue, who, "yTrue"), b = toTargets(yPred, who, "yPred");
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${who}: yTrue is [${a.rows}${a.single ? "" : `, ${a.cols}`}] but yPred is [${b.rows}${b.single ? "" : `, ${b.cols}`}]; they must have the same shape`);
  }
  return [a, b];
}

/** R^2 of predictions (row-major [rows, cols]), averaged uniformly over the columns. */
export function r2Of(t: Float64Array, p: Float64Array, rows: number, cols: number): number {
  if (rows < 2) return NaN;
  let total = 0;
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += t[i * cols + j];
    mean /= rows;
    let num = 0, den = 0;
    for (let i = 0; i < rows; i++) {
      const v = t[i * cols + j];
      num += (v - p[i * cols + j]) ** 2;
      den += (v - mean) ** 2;
    }
    // sklearn: a perfect fit scores 1 even on constant targets; otherwise 0/den -> 0.
    total += num === 0 ? 1 : den === 0 ? 0 : 1 - num / den;
  }
  return total / cols;
}

/**
 * Coefficient of determination 1 - SS_res / SS_tot (sklearn's r2_score; several targets
 * [n, t] are averaged uniformly). NaN with fewer than two samples.
 * @example ml.r2Score([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.9486...
 */
export function r2Score(yTrue: TargetLike, yPred: TargetLike): number {
  const [a, b] = regPair(yTrue, yPred, "r2Score");
  return r2Of(a.data, b.data, a.rows, a.cols);
}

function meanError(yTrue: TargetLike, yPred: TargetLike, who: string, power: 1 | 2): number {
  const [a, b] = regPair(yTrue, yPred, who);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    s += power === 2 ? d * d : Math.abs(d);
  }
  return s / a.data.length;
}

/**
 * Mean squared error (sklearn's mean_squared_error), or its root with `squared: false`.
 * @example ml.meanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.375
 */
export function meanSquaredError(yTrue: TargetLike, yPred: TargetLike, opts: { squared?: boolean } = {}): number {
  const mse = meanError(yTrue, yPred, "meanSquaredError", 2);
  return opts.squared === false ? Math.sqrt(mse) : mse;
}

/**
 * Mean absolute error (sklearn's mean_absolute_error).
 * @example ml.meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.5
 */
export function meanAbsoluteError(yTrue: TargetLike, yPred: TargetLike): number {
  return meanError(yTrue, yPred, "meanAbsoluteError", 1);
}
