import { cast } from "../../ops/cast.js";
import {
  abs, add, clamp, div, eq, exp, gt, log, logicalNot, lt, mul, ne, neg, rsub, sqrt, square, sub, where,
} from "../../ops/elementwise.js";
import { attach, isGradEnabled, needsGrad, noGrad } from "../../ops/graph.js";
import { gather, indexSelect } from "../../ops/indexing.js";
import { checkTensor } from "../../ops/operand.js";
import { logSoftmax, sum, sumSquares, sumTo } from "../../ops/reduce.js";
import { flatten, reshape, squeeze, unsqueeze } from "../../ops/shape.js";
import { isFloating, promoteTypes } from "../../tensor/dtype.js";
import { broadcastShapes, fmtShape, shapesEqual } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { logSigmoid } from "./activation.js";

// The losses of torch.nn.functional with PyTorch 1.13's formulas and reductions. Each is
// a composition of differentiable ops (gradients of every order come from the parts),
// except binaryCrossEntropy, whose fused rule reproduces PyTorch's clamped gradient, and the
// reduced mseLoss, one node with PyTorch's one-pass gradient.

/** How a loss reduces its per-element values: PyTorch's `reduction` argument. */
export type Reduction = "none" | "mean" | "sum";

export interface ReductionOptions {
  /** "mean" (default), "sum", or "none" for the per-element losses. */
  reduction?: Reduction;
}

function reductionOf(opts: { reduction?: string } | undefined, op: string, allowed: readonly string[] = ["none", "mean", "sum"]): string {
  const r = opts?.reduction ?? "mean";
  if (!allowed.includes(r)) throw new TypeError(`${op}: reduction must be ${allowed.map((a) => `"${a}"`).join(", ")}; got ${JSON.stringify(r)}`);
  return r;
}

function reduce(loss: Tensor, reduction: string): Tensor {
  if (reduction === "none") return loss;
  const s = sum(loss);
  return reduction === "sum" ? s : div(s, loss.numel());
}

const describe = (t: Tensor) => `${t.dtype} ${fmtShape(t.shape)}`;

function floatInput(x: unknown, op: string, what = "input"): Tensor {
  const t = checkTensor(x, op, what);
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: ${what} must be a floating point tensor, got ${describe(t)}; convert it first, e.g. ${what}.float()`);
  return t;
}

/** The elementwise losses take a floating target of exactly the input's shape. */
function sameShapeTarget(input: Tensor, target: unknown, op: string): Tensor {
  const t = checkTensor(target, op, "target");
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: target must be a floating point tensor of the input's shape ${fmtShape(input.shape)}; got ${describe(t)}; convert it first, e.g. target.float()`);
  if (!shapesEqual(t.shape, input.shape)) {
    throw new RangeError(`${op}: target of shape ${fmtShape(t.shape)} must have the input's shape ${fmtShape(input.shape)} (broadcasting a target is almost always a bug; reshape it, e.g. target.reshape(${fmtShape(input.shape)}))`);
  }
  return t;
}

/** An optional per-element weight that broadcasts to the input's shape. */
function elementWeight(w: Tensor | null | undefined, input: Tensor, op: string, what = "weight"): Tensor | null {
  if (w === undefined || w === null) return null;
  floatInput(w, op, what);
  const b = broadcastShapes(w.shape, input.shape, op);
  if (!shapesEqual(b, input.shape)) throw new RangeError(`${op}: ${what} of shape ${fmtShape(w.shape)} must broadcast to the input's shape ${fmtShape(input.shape)}`);
  return w;
}

// ---- regression losses -------------------------------------------------------------------

/**
 * Mean squared error (input - target)^2, reduced.
 * @example F.mseLoss(gl.tensor([1, 2]), gl.tensor([0, 0])) // 2.5
 */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const x = floatInput(input, "mseLoss");
  const y = sameShapeTarget(x, target, "mseLoss");
  const reduction = reductionOf(opts, "mseLoss");
  if (reduction === "none") return square(sub(x, y));
  return reducedMse(x, y, reduction === "mean");
}

/**
 * The reduced mseLoss as one node, as PyTorch's mse_loss: forward d = x - y (kept) and its sum
 * of squares; backward one pass gx = d * (norm * g), norm = 2/numel (mean) or 2 (sum), and
 * gy = -gx. When createGraph records the gradient, the same formula in differentiable ops.
 */
function reducedMse(input: Tensor, target: Tensor, mean: boolean): Tensor {
  // Mixed float dtypes promote as sub does; the casts carry the gradients back.
  const dt = promoteTypes(input.dtype, target.dtype);
  const x = input.dtype === dt ? input : cast(input, dt);
  const y = target.dtype === dt ? target : cast(target, dt);
  const n = x.numel();
  const d = noGrad(() => sub(x, y));
  const loss = noGrad(() => (mean ? div(sumSquares(d), n) : sumSquares(d)));
  if (!needsGrad(x, y)) return loss;
  const norm = mean ? 2 / n : 2;
  // x and y are saved (as PyTorch saves them): an in-place change before backward is an error.
  return attach(loss, "MseLossBackward", [x, y], (g) => {
    const diff = isGradEnabled() ? sub(x, y) : d;
    const gx = x.requiresGrad ? mul(diff, mul(g, norm)) : null;
    return [gx, y.requiresGrad ? (gx ? neg(gx) : mul(diff, mul(g, -norm))) : null];
  }, [x, y]);
}

/**
 * Mean absolute error |input - target| (gradient 0 where they are equal, as in PyTorch).
 * @example F.l1Loss(gl.tensor([1, -2]), gl.tensor([0, 0]), { reduction: "sum" }) // 3
 */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const x = floatInput(input, "l1Loss");
  const y = sameShapeTarget(x, target, "l1Loss");
  return reduce(abs(sub(x, y)), reductionOf(opts, "l1Loss"));
}

/**
 * Smooth L1: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta = 0 is the L1 loss).
 * @example F.smoothL1Loss(gl.tensor([0.5, 3]), gl.tensor([0, 0])) // (0.125 + 2.5) / 2
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: ReductionOptions & { beta?: number } = {}): Tensor {
  const x = floatInput(input, "smoothL1Loss");
  const y = sameShapeTarget(x, target, "smoothL1Loss");
  const beta = opts.beta ?? 1;
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const red = reductionOf(opts, "smoothL1Loss");
  const d = sub(x, y);
  const ad = abs(d);
  if (beta === 0) return reduce(ad, red);
  return reduce(where(lt(ad, beta), div(mul(square(d), 0.5), beta), sub(ad, 0.5 * beta)), red);
}

/**
 * Huber loss: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).
 * @example F.huberLoss(gl.tensor([0.5, 3]), gl.tensor([0, 0]), { delta: 1 }) // (0.125 + 2.5) / 2
 */
export function huberLoss(input: Tensor, target: Tensor, opts: ReductionOptions & { delta?: number } = {}): Tensor {
  const x = floatInput(input, "huberLoss");
  const y = sameShapeTarget(x, target, "huberLoss");
  const delta = opts.delta ?? 1;
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be positive, got ${delta}`);
  const d = sub(x, y);
  const ad = abs(d);
  return reduce(where(lt(ad, delta), mul(square(d), 0.5), mul(sub(ad, 0.5 * delta), delta)), reductionOf(opts, "huberLoss"));
}

// ---- classification: nll and cross entropy ------------------------------------------------

export interface NllOptions extends ReductionOptions {
  /** A rescaling weight for each class (1-D, length C). */
  weight?: Tensor | null;
  /** Targets equal to this value contribute nothing, neither to the loss nor to the mean's denominator. */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the target with the uniform distribution: (1 - s) * target + s / C (default 0). */
  labelSmoothing?: number;
}

/** The class dim and class count of a [C] or [N, C, d1, ...] input. */
function classLayout(input: Tensor, op: string): [number, number] {
  if (input.ndim === 0) throw new RangeError(`${op}: input must be [C] or [N, C, d1, ...] scores, got a 0-d tensor`);
  const cd = input.ndim === 1 ? 0 : 1;
  return [cd, input.shape[cd]];
}

function indexTargetShape(input: Tensor, cd: number): number[] {
  return input.shape.filter((_, i) => i !== cd);
}

function targetError(op: string, input: Tensor, target: Tensor, probsAllowed: boolean): Error {
  const idx = fmtShape(indexTargetShape(input, classLayout(input, op)[0]));
  const probs = probsAllowed ? ` or probabilities of the input's shape ${fmtShape(input.shape)}` : "";
  return new TypeError(`${op}: target must be int32 class indices of shape ${idx}${probs}; got ${describe(target)}`);
}

function classWeight(weight: Tensor | null | undefined, C: number, op: string): Tensor | null {
  if (weight === undefined || weight === null) return null;
  floatInput(weight, op, "weight");
  if (weight.ndim !== 1 || weight.shape[0] !== C) throw new RangeError(`${op}: weight must be a 1-D tensor with one entry per class (${C}), got shape ${fmtShape(weight.shape)}`);
  return weight;
}

/** Throws unless every target is a class in [0, C) or the ignore index. */
function checkClassRange(target: Tensor, C: number, ignoreIndex: number, op: string): void {
  const data = target.dataSync();
  for (let i = 0; i < data.length; i++) {
    const t = data[i];
    if (t !== ignoreIndex && (t < 0 || t >= C)) {
      throw new RangeError(`${op}: target ${t} is out of bounds for ${C} classes (expected a class in [0, ${C - 1}] or ignoreIndex ${ignoreIndex})`);
    }
  }
}

interface PickedClasses {
  /** -w[y] * logp[y] per target position (0 where ignored). */
  losses: Tensor;
  /** w[y] per target position (0 where ignored): the mean's denominators. */
  weights: Tensor;
  ignored: Tensor;
}

/** The core of nllLoss: the log-probability of each target class, weighted, ignored positions zeroed. */
function pickClasses(logp: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, cd: number): PickedClasses {
  const ignored = eq(target, ignoreIndex);
  const safe = where(ignored, 0, target);
  const picked = squeeze(gather(logp, cd, unsqueeze(safe, cd)), cd);
  const kept = cast(logicalNot(ignored), logp.dtype);
  const weights = weight ? mul(reshape(indexSelect(weight, 0, flatten(safe)), safe.shape), kept) : kept;
  return { losses: mul(picked, neg(weights)), weights, ignored };
}

function checkIndexTarget(input: Tensor, target: Tensor, op: string, probsAllowed: boolean): void {
  const [cd] = classLayout(input, op);
  if (target.dtype !== "int32" || !shapesEqual(target.shape, indexTargetShape(input, cd))) throw targetError(op, input, target, probsAllowed);
}

/**
 * Negative log-likelihood of log-probabilities `input` ([N, C], [C] or [N, C, d1, ...]) at
 * the int32 class indices `target` ([N], [] or [N, d1, ...]). With "mean" the sum is divided
 * by the total weight of the non-ignored targets, as in PyTorch.
 * @example F.nllLoss(gl.tensor([[-0.1, -2.4]]).logSoftmax(1), gl.tensor([0], { dtype: "int32" }))
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  const x = floatInput(input, "nllLoss");
  checkTensor(target, "nllLoss", "target");
  const [cd, C] = classLayout(x, "nllLoss");
  checkIndexTarget(x, target, "nllLoss", false);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const red = reductionOf(opts, "nllLoss");
  const weight = classWeight(opts.weight, C, "nllLoss");
  checkClassRange(target, C, ignoreIndex, "nllLoss");
  const { losses, weights } = pickClasses(x, target, weight, ignoreIndex, cd);
  if (red === "none") return losses;
  if (red === "sum") return sum(losses);
  return weightedMean(losses, weights);
}

/**
 * sum(losses) / sum(weights). With no weight left (every target ignored) the value is NaN,
 * as in PyTorch, but the gradient stays 0 rather than 0/0.
 */
function weightedMean(losses: Tensor, weights: Tensor): Tensor {
  const total = sum(weights);
  const empty = eq(total, 0);
  return add(div(sum(losses), where(empty, 1, total)), where(empty, NaN, 0));
}

/**
 * Cross entropy of unnormalised scores `input` ([N, C], [C] or [N, C, d1, ...]) against
 * either int32 class indices (shape [N] / [] / [N, d1, ...]) or class probabilities (a
 * floating tensor of the input's shape), with PyTorch's class weights, ignoreIndex, label
 * smoothing and reductions. Computed from logSoftmax, so large scores do not overflow.
 * @example
 * const logits = gl.tensor([[2, 0.5, -1], [0, 1, 0]], { requiresGrad: true });
 * F.crossEntropy(logits, gl.tensor([0, 1], { dtype: "int32" }), { labelSmoothing: 0.1 }).backward();
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const op = "crossEntropy";
  const x = floatInput(input, op);
  checkTensor(target, op, "target");
  const [cd, C] = classLayout(x, op);
  const red = reductionOf(opts, op);
  const weight = classWeight(opts.weight, C, op);
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new RangeError(`${op}: labelSmoothing must be between 0 and 1, got ${eps}`);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const wView = weight ? reshape(weight, x.shape.map((s, i) => (i === cd ? s : 1))) : null;

  if (isFloating(target.dtype)) {
    if (!shapesEqual(target.shape, x.shape)) throw targetError(op, x, target, true);
    if (ignoreIndex !== -100) throw new TypeError(`${op}: ignoreIndex is not supported with probability targets (got ${ignoreIndex}); it applies to class-index targets only`);
    const logp = logSoftmax(x, cd);
    const t = eps > 0 ? add(mul(target, 1 - eps), eps / C) : target;
    let prod = mul(logp, t);
    if (wView) prod = mul(prod, wView);
    if (red === "none") return neg(sum(prod, cd));
    if (red === "sum") return neg(sum(prod));
    // PyTorch divides by the number of samples (N * d1 * ...), not by the weights.
    return div(neg(sum(prod)), x.numel() / C);
  }
  checkIndexTarget(x, target, op, true);
  checkClassRange(target, C, ignoreIndex, op);
  const logp = logSoftmax(x, cd);
  const { losses, weights, ignored } = pickClasses(logp, target, weight, ignoreIndex, cd);
  const nll = red === "none" ? losses : red === "sum" ? sum(losses) : weightedMean(losses, weights);
  if (eps === 0) return nll;
  // The uniform part: -sum_c w_c logp_c per position, reduced like the nll part.
  const smooth = where(ignored, 0, neg(sum(wView ? mul(logp, wView) : logp, cd)));
  const smoothRed = red === "none" ? smooth : red === "sum" ? sum(smooth) : weightedMean(smooth, weights);
  return add(mul(nll, 1 - eps), mul(smoothRed, eps / C));
}

// ---- binary classification -----------------------------------------------------------------

export interface WeightedOptions extends ReductionOptions {
  /** A per-element rescaling weight that broadcasts to the input's shape. */
  weight?: Tensor | null;
}

/** The floor of BCE's gradient denominator x (1 - x): PyTorch's 1e-12, which its kernels round to float32. */
const BCE_EPS = Math.fround(1e-12);

/** max(log(v), -100): PyTorch clamps BCE's logs so that a probability of 0 or 1 gives a finite loss. */
const clampedLog = (v: Tensor) => clamp(log(v), -100);

/**
 * Binary cross entropy of probabilities `input` (in [0, 1]) against targets of the same
 * shape: -w (y log x + (1 - y) log(1 - x)), each log clamped at -100 as in PyTorch. The
 * input's gradient is w (x - y) / max(x (1 - x), 1e-12), PyTorch's clamped form.
 * @example F.binaryCrossEntropy(gl.tensor([0.9, 0.2]), gl.tensor([1, 0])) // 0.1643
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: WeightedOptions = {}): Tensor {
  const op = "binaryCrossEntropy";
  const x = floatInput(input, op);
  const y = sameShapeTarget(x, target, op);
  const red = reductionOf(opts, op);
  const w = elementWeight(opts.weight, x, op);
  const xs = x.dataSync();
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] >= 0 && xs[i] <= 1)) throw new RangeError(`${op}: all elements of input should be between 0 and 1 (they are probabilities; use binaryCrossEntropyWithLogits for scores), got ${xs[i]} at flat index ${i}`);
  }
  const lossOf = (xx: Tensor, yy: Tensor) => neg(add(mul(yy, clampedLog(xx)), mul(rsub(yy, 1), clampedLog(rsub(xx, 1)))));
  const out = noGrad(() => (w ? mul(lossOf(x, y), w) : lossOf(x, y)));
  const inputs = w ? [x, y, w] : [x, y];
  if (inputs.some((t) => needsGrad(t))) {
    attach(out, "BinaryCrossEntropyBackward", inputs, (g) => {
      const gw = w ? mul(g, w) : g;
      return [
        x.requiresGrad ? mul(gw, div(sub(x, y), clamp(mul(rsub(x, 1), x), BCE_EPS))) : null,
        y.requiresGrad ? mul(gw, sub(clampedLog(rsub(x, 1)), clampedLog(x))) : null,
        ...(w ? [w.requiresGrad ? sumTo(mul(g, lossOf(x, y)), w.shape) : null] : []),
      ];
    }, inputs);
  }
  return reduce(out, red);
}

export interface BceWithLogitsOptions extends WeightedOptions {
  /** Weight of the positive examples, broadcast along the last (class) dim. */
  posWeight?: Tensor | null;
}

/**
 * Sigmoid + binary cross entropy in one stable expression: (1 - y) x - lw * logSigmoid(x)
 * with lw = 1 + (posWeight - 1) y, finite for any score.
 * @example F.binaryCrossEntropyWithLogits(gl.tensor([3, -2]), gl.tensor([1, 0])) // 0.0877
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  const op = "binaryCrossEntropyWithLogits";
  const x = floatInput(input, op);
  const y = sameShapeTarget(x, target, op);
  const red = reductionOf(opts, op);
  const w = elementWeight(opts.weight, x, op);
  const pw = elementWeight(opts.posWeight, x, op, "posWeight");
  const ls = logSigmoid(x);
  let loss = sub(mul(rsub(y, 1), x), pw ? mul(add(mul(sub(pw, 1), y), 1), ls) : ls);
  if (w) loss = mul(loss, w);
  return reduce(loss, red);
}

// ---- distributions ------------------------------------------------------------------------

export interface KlDivOptions {
  /** "mean" (default: over all elements, as PyTorch does), "batchmean" (the true KL: sum / N), "sum" or "none". */
  reduction?: "none" | "mean" | "sum" | "batchmean";
  /** Whether `target` holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence with `input` as log-probabilities: target (log target - input)
 * pointwise (0 where target is 0). Note PyTorch's "mean" averages over every element; the
 * mathematical KL per sample is "batchmean".
 * @example F.klDiv(gl.tensor([[-1.2, -0.4]]), gl.tensor([[0.3, 0.7]]), { reduction: "batchmean" })
 */
export function klDiv(input: Tensor, target: Tensor, opts: KlDivOptions = {}): Tensor {
  const op = "klDiv";
  const x = floatInput(input, op);
  const t = sameShapeTarget(x, target, op);
  const red = reductionOf(opts, op, ["none", "mean", "sum", "batchmean"]);
  let loss: Tensor;
  if (opts.logTarget) {
    loss = mul(exp(t), sub(t, x));
  } else {
    // t log t, defined as 0 at t = 0 (with a zero gradient there rather than NaN).
    const isZero = eq(t, 0);
    loss = sub(where(isZero, 0, mul(t, log(where(isZero, 1, t)))), mul(t, x));
  }
  if (red === "batchmean") {
    const s = sum(loss);
    return x.ndim === 0 ? s : div(s, x.shape[0]);
  }
  return reduce(loss, red);
}

/**
 * Poisson negative log-likelihood: exp(input) - target * input with `logInput` (default),
 * else input - target * log(input + eps); `full` adds Stirling's term for targets > 1.
 * @example F.poissonNllLoss(gl.tensor([0.5, 1]), gl.tensor([1, 2]))
 */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: ReductionOptions & { logInput?: boolean; full?: boolean; eps?: number } = {}): Tensor {
  const op = "poissonNllLoss";
  const x = floatInput(input, op);
  const y = sameShapeTarget(x, target, op);
  const red = reductionOf(opts, op);
  let loss = opts.logInput ?? true ? sub(exp(x), mul(y, x)) : sub(x, mul(y, log(add(x, opts.eps ?? 1e-8))));
  if (opts.full) {
    const big = gt(y, 1);
    const safeY = where(big, y, 2);
    const stirling = add(sub(mul(safeY, log(safeY)), safeY), mul(log(mul(safeY, 2 * Math.PI)), 0.5));
    loss = add(loss, where(big, stirling, 0));
  }
  return reduce(loss, red);
}

/**
 * Gaussian negative log-likelihood 0.5 (log var + (input - target)^2 / var) with `var` clamped
 * at `eps` (the clamp is not differentiated, as in PyTorch). `var` has the input's shape, or
 * it without the last dim, or with a last dim of 1 (one variance per sample).
 * @example F.gaussianNllLoss(gl.tensor([1, 2]), gl.tensor([1.5, 2]), gl.tensor([0.5, 1]))
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, opts: ReductionOptions & { full?: boolean; eps?: number } = {}): Tensor {
  const op = "gaussianNllLoss";
  const x = floatInput(input, op);
  const y = sameShapeTarget(x, target, op);
  let v = floatInput(variance, op, "var");
  const red = reductionOf(opts, op);
  if (!shapesEqual(v.shape, x.shape)) {
    const lead = x.shape.slice(0, -1);
    if (x.ndim > 0 && shapesEqual(v.shape, lead)) v = unsqueeze(v, -1);
    else if (!(x.ndim > 0 && v.ndim === x.ndim && shapesEqual(v.shape.slice(0, -1), lead) && v.shape[v.ndim - 1] === 1)) {
      throw new RangeError(`${op}: var of shape ${fmtShape(v.shape)} must have the input's shape ${fmtShape(x.shape)}, or it without the last dim, or with a last dim of 1`);
    }
  }
  if (noGrad(() => sum(lt(v, 0)).item()) > 0) throw new RangeError(`${op}: var has negative entries`);
  const eps = opts.eps ?? 1e-6;
  // Clamp the value but let the gradient through unchanged (PyTorch clamps in place under no_grad).
  const vc = add(v, noGrad(() => sub(clamp(v, eps), v)));
  let loss = mul(add(log(vc), div(square(sub(x, y)), vc)), 0.5);
  if (opts.full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, red);
}

// ---- margin and embedding losses ------------------------------------------------------------

function signTarget(target: unknown, shape: readonly number[], op: string): Tensor {
  const t = checkTensor(target, op, "target");
  if (t.dtype === "bool" || !shapesEqual(t.shape, shape)) {
    throw new TypeError(`${op}: target must hold 1 or -1 (int32 or floating) with shape ${fmtShape(shape)}; got ${describe(t)}`);
  }
  return t;
}

/**
 * max(0, -y (x1 - x2) + margin) with y = 1 meaning x1 should rank higher.
 * @example F.marginRankingLoss(gl.tensor([1, 2]), gl.tensor([2, 1]), gl.tensor([1, 1]))
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: ReductionOptions & { margin?: number } = {}): Tensor {
  const op = "marginRankingLoss";
  const a = floatInput(input1, op, "input1");
  const b = floatInput(input2, op, "input2");
  if (!shapesEqual(a.shape, b.shape)) throw new RangeError(`${op}: input1 ${fmtShape(a.shape)} and input2 ${fmtShape(b.shape)} must have the same shape`);
  const y = signTarget(target, a.shape, op);
  return reduce(clamp(add(mul(neg(y), sub(a, b)), opts.margin ?? 0), 0), reductionOf(opts, op));
}

/**
 * x where y = 1, max(0, margin - x) where y = -1 (distances of similar / dissimilar pairs).
 * @example F.hingeEmbeddingLoss(gl.tensor([0.3, 2]), gl.tensor([1, -1]))
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: ReductionOptions & { margin?: number } = {}): Tensor {
  const op = "hingeEmbeddingLoss";
  const x = floatInput(input, op);
  const y = signTarget(target, x.shape, op);
  const margin = opts.margin ?? 1;
  const loss = add(where(ne(y, 1), clamp(rsub(x, margin), 0), 0), where(ne(y, -1), x, 0));
  return reduce(loss, reductionOf(opts, op));
}

/**
 * Logistic loss log(1 + exp(-y x)) for targets y of ±1 (computed stably).
 * @example F.softMarginLoss(gl.tensor([2, -1]), gl.tensor([1, -1]))
 */
export function softMarginLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const op = "softMarginLoss";
  const x = floatInput(input, op);
  const y = signTarget(target, x.shape, op);
  return reduce(neg(logSigmoid(mul(x, y))), reductionOf(opts, op));
}

/**
 * 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1, over rows of
 * [N, D] inputs (or single [D] vectors), with PyTorch's 1e-12 guard on the squared norms.
 * @example F.cosineEmbeddingLoss(gl.randn([4, 8]), gl.randn([4, 8]), gl.tensor([1, -1, 1, -1]))
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: ReductionOptions & { margin?: number } = {}): Tensor {
  const op = "cosineEmbeddingLoss";
  const a = floatInput(input1, op, "input1");
  const b = floatInput(input2, op, "input2");
  if (!shapesEqual(a.shape, b.shape) || a.ndim < 1 || a.ndim > 2) {
    throw new RangeError(`${op}: input1 and input2 must both be [N, D] or [D]; got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  const d = a.ndim - 1;
  const y = signTarget(target, a.shape.slice(0, d), op);
  const EPS = 1e-12;
  const cos = div(sum(mul(a, b), d), sqrt(mul(add(sum(square(a), d), EPS), add(sum(square(b), d), EPS))));
  const loss = add(where(eq(y, 1), rsub(cos, 1), 0), where(eq(y, -1), clamp(sub(cos, opts.margin ?? 0), 0), 0));
  return reduce(loss, reductionOf(opts, op));
}

