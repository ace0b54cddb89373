/**
 * Evaluation metrics on whole sets of predictions (not differentiable; they return plain
 * numbers). Classification metrics take either scores `[N, C, ...]` (logits or
 * probabilities; the class is the argmax over dim 1, as in PyTorch) or predicted labels
 * shaped like the target; the target holds integer class labels.
 */
import { argmax } from "../ops/reduce.js";
import { isFloating } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** A metric as `fit` and `evaluate` use it: the model output and the target of a whole pass in, one number out. */
export type Metric = (output: Tensor, target: Tensor) => number;

/** How per-class precision, recall and F1 are combined (scikit-learn's `average`). */
export type Average = "macro" | "micro" | "weighted";

/** Options of the per-class classification metrics. */
export interface ClassMetricOptions {
  /** Score the classes 0..numClasses-1 (default: the classes present in the target or the predictions, as scikit-learn). */
  numClasses?: number;
  /** Combination of the per-class scores (default "macro": their unweighted mean). */
  average?: Average;
  /** For predictions shaped like the target with a floating dtype: class 1 where output >= threshold (default 0.5). */
  threshold?: number;
}

function checkTensors(output: unknown, target: unknown, who: string): asserts output is Tensor {
  if (!(output instanceof Tensor)) throw new TypeError(`${who}: output must be a Tensor, got ${output === null ? "null" : typeof output}`);
  if (!(target instanceof Tensor)) throw new TypeError(`${who}: target must be a Tensor, got ${target === null ? "null" : typeof target}`);
}

/** Integer class labels of a tensor, checked. */
function labelValues(t: Tensor, who: string, what: string): Int32Array {
  const v = t.dataSync();
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = Number(v[i]);
    if (!Number.isInteger(x) || x < 0) throw new RangeError(`${who}: ${what} must hold non-negative integer class labels, found ${x} at flat index ${i}`);
    out[i] = x;
  }
  return out;
}

/** Predicted and true labels, flat and of equal length, plus the class count the scores imply (0 for label inputs). */
function predictedLabels(output: Tensor, target: Tensor, who: string, threshold = 0.5): { pred: Int32Array; truth: Int32Array; scoreClasses: number } {
  checkTensors(output, target, who);
  const truth = labelValues(target, who, "target");
  if (output.ndim === target.ndim + 1 && output.ndim >= 2 && output.shape[1] !== 1) {
    const rest = [output.shape[0], ...output.shape.slice(2)];
    if (!shapesEqual(rest, target.shape)) {
      throw new RangeError(`${who}: scores of shape ${fmtShape(output.shape)} do not match target of shape ${fmtShape(target.shape)} (expected target ${fmtShape(rest)}: the class dim is dim 1)`);
    }
    return { pred: argmax(output, 1).dataSync() as Int32Array, truth, scoreClasses: output.shape[1] };
  }
  // A class dim of size 1 holds one binary score per example.
  if (output.ndim === target.ndim + 1 && output.ndim >= 2 && output.shape[1] === 1) output = output.squeeze(1);
  if (!shapesEqual(output.shape, target.shape)) {
    throw new RangeError(`${who}: output of shape ${fmtShape(output.shape)} does not fit target of shape ${fmtShape(target.shape)} (expected scores [N, C, ...] for a target [N, ...], or predictions of the target's shape)`);
  }
  if (isFloating(output.dtype)) {
    // Same-shape floating outputs are binary scores: class 1 at or above the threshold.
    const v = output.dataSync();
    const pred = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) pred[i] = v[i] >= threshold ? 1 : 0;
    return { pred, truth, scoreClasses: 2 };
  }
  return { pred: labelValues(output, who, "predicted labels"), truth, scoreClasses: 0 };
}

function checkNonEmpty(n: number, who: string): void {
  if (n === 0) throw new RangeError(`${who}: no examples (empty output and target)`);
}

/**
 * Fraction of examples whose predicted class equals the target: scores `[N, C, ...]`
 * are reduced by argmax over dim 1 (a single score column `[N, 1]` is binary); integer predictions shaped like the target are
 * compared directly; floating ones shaped like the target are binary scores cut at
 * `threshold` (0.5 for probabilities; pass 0 for logits).
 * @example train.metrics.accuracy(gl.tensor([[2, 1], [0, 3]]), gl.tensor([0, 0], { dtype: "int32" })) // 0.5
 */
export function accuracy(output: Tensor, target: Tensor, opts: { threshold?: number } = {}): number {
  const { pred, truth } = predictedLabels(output, target, "accuracy", opts.threshold);
  checkNonEmpty(truth.length, "accuracy");
  let hit = 0;
  for (let i = 0; i < truth.length; i++) if (pred[i] === truth[i]) hit++;
  return hit / truth.length;
}

/**
 * Fraction of examples whose target class is among the k highest scores of `output`
 * `[N, C]` (ties count in the target's favour: it is a hit when fewer than k classes
 * score strictly higher).
 * @example train.metrics.topKAccuracy(logits, labels, 5)
 */
export function topKAccuracy(output: Tensor, target: Tensor, k = 5): number {
  checkTensors(output, target, "topKAccuracy");
  if (output.ndim !== 2 || target.ndim !== 1 || output.shape[0] !== target.shape[0]) {
    throw new RangeError(`topKAccuracy: expected scores [N, C] and labels [N], got ${fmtShape(output.shape)} and ${fmtShape(target.shape)}`);
  }
  const [n, c] = output.shape;
  if (!Number.isInteger(k) || k < 1 || k > c) throw new RangeError(`topKAccuracy: k must be an integer in [1, ${c}] (the number of classes), got ${k}`);
  checkNonEmpty(n, "topKAccuracy");
  const truth = labelValues(target, "topKAccuracy", "target");
  const s = output.dataSync();
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i];
    if (t >= c) throw new RangeError(`topKAccuracy: target label ${t} is out of range for ${c} classes`);
    const row = i * c, st = s[row + t];
    let higher = 0;
    for (let j = 0; j < c && higher < k; j++) if (s[row + j] > st) higher++;
    if (higher < k) hit++;
  }
  return hit / n;
}

/** Output and target values as float64, checked to be the same shape (size-1 dims aside, so [N, 1] fits [N]). */
function regressionPair(output: Tensor, target: Tensor, who: string): { o: Float64Array; t: Float64Array; rows: number } {
  checkTensors(output, target, who);
  const squeezed = (s: readonly number[]) => s.filter((d) => d !== 1);
  if (!shapesEqual(squeezed(output.shape), squeezed(target.shape))) {
    throw new RangeError(`${who}: output of shape ${fmtShape(output.shape)} and target of shape ${fmtShape(target.shape)} differ`);
  }
  const o = Float64Array.from(output.dataSync() as ArrayLike<number>);
  const t = Float64Array.from(target.dataSync() as ArrayLike<number>);
  checkNonEmpty(t.length, who);
  return { o, t, rows: target.ndim === 0 ? 1 : target.shape[0] };
}

/**
 * Mean squared error over all elements (as F.mseLoss with reduction "mean", as a number).
 * @example train.metrics.mse(gl.tensor([1, 2]), gl.tensor([1, 4])) // 2
 */
export function mse(output: Tensor, target: Tensor): number {
  const { o, t } = regressionPair(output, target, "mse");
  let s = 0;
  for (let i = 0; i < t.length; i++) { const d = o[i] - t[i]; s += d * d; }
  return s / t.length;
}

/**
 * Mean absolute error over all elements.
 * @example train.metrics.mae(gl.tensor([1, 2]), gl.tensor([1, 4])) // 1
 */
export function mae(output: Tensor, target: Tensor): number {
  const { o, t } = regressionPair(output, target, "mae");
  let s = 0;
  for (let i = 0; i < t.length; i++) s += Math.abs(o[i] - t[i]);
  return s / t.length;
}

/**
 * Coefficient of determination R² = 1 - SS_res / SS_tot, as scikit-learn's r2_score:
 * dim 0 indexes examples, each remaining element is one output, and the outputs' scores
 * are averaged uniformly; a constant target scores 1 if predicted exactly, else 0.
 * @example train.metrics.r2(gl.tensor([2.5, 0, 2, 8]), gl.tensor([3, -0.5, 2, 7])) // 0.9486...
 */
export function r2(output: Tensor, target: Tensor): number {
  const { o, t, rows } = regressionPair(output, target, "r2");
  const cols = t.length / rows;
  let total = 0;
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += t[i * cols + j];
    mean /= rows;
    let res = 0, tot = 0;
    for (let i = 0; i < rows; i++) {
      const k = i * cols + j;
      res += (t[k] - o[k]) ** 2;
      tot += (t[k] - mean) ** 2;
    }
    total += tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
  }
  return total / cols;
}

function countMatrix(pred: Int32Array, truth: Int32Array, size: number, who: string): number[][] {
  const m = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i], p = pred[i];
    if (t >= size || p >= size) throw new RangeError(`${who}: label ${Math.max(t, p)} is out of range for ${size} classes`);
    m[t][p]++;
  }
  return m;
}

function checkNumClasses(n: number | undefined, who: string): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new RangeError(`${who}: numClasses must be a positive integer, got ${n}`);
}

/**
 * The confusion matrix as scikit-learn's confusion_matrix: entry [i][j] counts examples
 * of true class i predicted as class j. Its size is `numClasses`, else the score tensor's
 * class count, else the largest label + 1.
 * @example train.metrics.confusionMatrix(gl.tensor([0, 1, 1], { dtype: "int32" }), gl.tensor([0, 1, 0], { dtype: "int32" })) // [[1, 1], [0, 1]]
 */
export function confusionMatrix(output: Tensor, target: Tensor, opts: { numClasses?: number; threshold?: number } = {}): number[][] {
  checkNumClasses(opts.numClasses, "confusionMatrix");
  const { pred, truth, scoreClasses } = predictedLabels(output, target, "confusionMatrix", opts.threshold);
  let size = opts.numClasses ?? scoreClasses;
  if (size === 0) for (let i = 0; i < truth.length; i++) size = Math.max(size, truth[i] + 1, pred[i] + 1);
  return countMatrix(pred, truth, size, "confusionMatrix");
}

/** Per-class true positives, false positives, false negatives and supports over the scored classes. */
function classCounts(output: Tensor, target: Tensor, who: string, opts: ClassMetricOptions): { tp: number[]; fp: number[]; fn: number[]; support: number[] } {
  checkNumClasses(opts.numClasses, who);
  const { pred, truth } = predictedLabels(output, target, who, opts.threshold);
  checkNonEmpty(truth.length, who);
  let size = opts.numClasses ?? 0;
  if (opts.numClasses === undefined) for (let i = 0; i < truth.length; i++) size = Math.max(size, truth[i] + 1, pred[i] + 1);
  const m = countMatrix(pred, truth, size, who);
  // Without numClasses, scikit-learn scores only the labels that occur in target or predictions.
  const classes = [...Array(size).keys()].filter((c) => opts.numClasses !== undefined || m[c].some((v) => v > 0) || m.some((row) => row[c] > 0));
  const tp: number[] = [], fp: number[] = [], fn: number[] = [], support: number[] = [];
  for (const c of classes) {
    const rowSum = m[c].reduce((a, b) => a + b, 0);
    let colSum = 0;
    for (let r = 0; r < size; r++) colSum += m[r][c];
    tp.push(m[c][c]); fp.push(colSum - m[c][c]); fn.push(rowSum - m[c][c]); support.push(rowSum);
  }
  return { tp, fp, fn, support };
}

/** Combines per-class num/den ratios (0 where den is 0, scikit-learn's zeroDivision=0) by `average`. */
function combine(num: number[], den: number[], support: number[], average: Average, who: string): number {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  if (average === "micro") return ratio(num.reduce((a, b) => a + b, 0), den.reduce((a, b) => a + b, 0));
  const per = num.map((n, i) => ratio(n, den[i]));
  if (average === "macro") return per.reduce((a, b) => a + b, 0) / per.length;
  if (average === "weighted") {
    const total = support.reduce((a, b) => a + b, 0);
    return ratio(per.reduce((a, p, i) => a + p * support[i], 0), total);
  }
  throw new RangeError(`${who}: average must be "macro", "micro" or "weighted", got "${String(average)}"`);
}

/**
 * Precision tp / (tp + fp) per class, averaged ("macro" by default; scikit-learn's
 * precision_score with zero_division=0 and average="macro").
 * @example train.metrics.precision(logits, labels, { average: "weighted" })
 */
export function precision(output: Tensor, target: Tensor, opts: ClassMetricOptions = {}): number {
  const { tp, fp, support } = classCounts(output, target, "precision", opts);
  return combine(tp, tp.map((t, i) => t + fp[i]), support, opts.average ?? "macro", "precision");
}

/**
 * Recall tp / (tp + fn) per class, averaged ("macro" by default, as scikit-learn's
 * recall_score with average="macro").
 * @example train.metrics.recall(logits, labels)
 */
export function recall(output: Tensor, target: Tensor, opts: ClassMetricOptions = {}): number {
  const { tp, fn, support } = classCounts(output, target, "recall", opts);
  return combine(tp, tp.map((t, i) => t + fn[i]), support, opts.average ?? "macro", "recall");
}

/**
 * F1 = 2tp / (2tp + fp + fn) per class, averaged ("macro" by default: the mean of the
 * per-class F1 scores, as scikit-learn's f1_score with average="macro", not the harmonic
 * mean of macro precision and recall).
 * @example train.metrics.f1(logits, labels)
 */
export function f1(output: Tensor, target: Tensor, opts: ClassMetricOptions = {}): number {
  const { tp, fp, fn, support } = classCounts(output, target, "f1", opts);
  return combine(tp.map((t) => 2 * t), tp.map((t, i) => 2 * t + fp[i] + fn[i]), support, opts.average ?? "macro", "f1");
}
