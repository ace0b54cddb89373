import { backend } from "../../backend/registry.js";
import { add, mul, rsqrt, sub } from "../../ops/elementwise.js";
import { anyNeedsGrad, attach, isGradEnabled, noGrad } from "../../ops/graph.js";
import { copy_ } from "../../ops/inplace.js";
import { checkTensor } from "../../ops/operand.js";
import { mean, sumTo } from "../../ops/reduce.js";
import { reshape } from "../../ops/shape.js";
import { isFloating } from "../../tensor/dtype.js";
import { fmtShape, numel, shapesEqual } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

// Normalisation layers as compositions of mean, sub, mul and rsqrt: their gradients (and
// gradients of gradients) follow from the parts. Statistics are biased variances, as in
// PyTorch; running variances are updated with the unbiased one.

export interface AffineOptions {
  /** Per-feature scale (gamma); none when omitted. */
  weight?: Tensor | null;
  /** Per-feature shift (beta); none when omitted. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

function floatInput(x: unknown, op: string): Tensor {
  const t = checkTensor(x, op);
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected a floating point input, got dtype ${t.dtype}; convert it first, e.g. x.float()`);
  return t;
}

/** (x - mean) / sqrt(var + eps) over `axes`, with the biased variance; also returns the statistics. */
function standardize(x: Tensor, axes: number[], eps: number): { y: Tensor; mu: Tensor; var: Tensor } {
  const mu = mean(x, axes, true);
  const d = sub(x, mu);
  const v = mean(mul(d, d), axes, true);
  return { y: mul(d, rsqrt(add(v, eps))), mu, var: v };
}

/** Checks an optional per-channel tensor (weight, bias, running stats) against its expected shape. */
function perFeature(t: Tensor | null | undefined, shape: readonly number[], op: string, what: string): Tensor | null {
  if (t === undefined || t === null) return null;
  checkTensor(t, op, what);
  if (!shapesEqual(t.shape, shape)) throw new RangeError(`${op}: ${what} must have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
  return t;
}

/** weight and bias of shape [C] viewed as [1, C, 1, ...] and applied. */
function channelAffine(y: Tensor, weight: Tensor | null, bias: Tensor | null, ndim: number): Tensor {
  const view = (t: Tensor) => reshape(t, Array.from({ length: ndim }, (_, i) => (i === 1 ? t.shape[0] : 1)));
  let out = y;
  if (weight) out = mul(out, view(weight));
  if (bias) out = add(out, view(bias));
  return out;
}

/** running = (1 - momentum) * running + momentum * value, in place and outside the graph. */
function updateRunning(running: Tensor, value: Tensor, momentum: number): void {
  noGrad(() => copy_(running, add(mul(running, 1 - momentum), mul(reshape(value, running.shape), momentum))));
}

/**
 * Layer normalisation over the last dims (`normalizedShape`), with optional elementwise
 * affine `weight` and `bias` of that shape.
 * @example F.layerNorm(gl.randn([2, 3, 5]), [5], { eps: 1e-5 }).shape // [2, 3, 5]
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], opts: AffineOptions = {}): Tensor {
  const op = "layerNorm";
  floatInput(x, op);
  const ns = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const k = ns.length;
  if (k === 0 || k > x.ndim || !shapesEqual(x.shape.slice(x.ndim - k), ns)) {
    throw new RangeError(`${op}: given normalizedShape=${fmtShape(ns)}, expected input with shape [*, ${ns.join(", ")}], but got input of shape ${fmtShape(x.shape)}`);
  }
  const weight = perFeature(opts.weight, ns, op, "weight");
  const bias = perFeature(opts.bias, ns, op, "bias");
  const axes = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const eps = opts.eps ?? 1e-5;
  // Mixed dtypes promote like the composite ops do; the fused kernel takes one dtype.
  if ((weight && weight.dtype !== x.dtype) || (bias && bias.dtype !== x.dtype)) {
    let y = standardize(x, axes, eps).y;
    if (weight) y = mul(y, weight);
    if (bias) y = add(y, bias);
    return y;
  }
  return fusedLayerNorm(x, axes, numel(ns), weight, bias, eps);
}

/** layerNorm by the fused kernels: one forward pass, and one backward pass unless createGraph records the gradient's graph. */
function fusedLayerNorm(x: Tensor, axes: number[], n: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const r = backend().layerNorm(x, n, weight, bias, eps, x.dtype);
  const y = Tensor.fromArray(r.y, x.shape, x.dtype);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  if (!anyNeedsGrad(inputs)) return y;
  const rows = r.mean.length;
  const stat = (data: typeof r.mean) => ({ data, shape: [rows], strides: [1], offset: 0 });
  attach(y, "NativeLayerNormBackward", inputs, (g) => {
    const needW = weight !== null && weight.requiresGrad, needB = bias !== null && bias.requiresGrad;
    let dx: Tensor | null, dw: Tensor | null = null, db: Tensor | null = null;
    if (!isGradEnabled()) {
      const gr = backend().layerNormBackward(g, x, stat(r.mean), stat(r.rstd), weight, n, needW, needB, x.dtype);
      dx = Tensor.fromArray(gr.dx, x.shape, x.dtype);
      if (gr.dweight) dw = Tensor.fromArray(gr.dweight, weight!.shape, x.dtype);
      if (gr.dbias) db = Tensor.fromArray(gr.dbias, bias!.shape, x.dtype);
    } else {
      // The same gradient written with differentiable ops of x, so gradients of it are exact.
      const { y: xh, rstd } = standardizeWithRstd(x, axes, eps);
      const gw = weight ? mul(g, weight) : g;
      dx = mul(rstd, sub(sub(gw, mean(gw, axes, true)), mul(xh, mean(mul(gw, xh), axes, true))));
      if (needW) dw = sumTo(mul(g, xh), weight!.shape);
      if (needB) db = sumTo(g, bias!.shape);
    }
    const grads: (Tensor | null)[] = [x.requiresGrad ? dx : null];
    if (weight) grads.push(dw);
    if (bias) grads.push(db);
    return grads;
  }, [x, ...(weight ? [weight] : [])]);
  return y;
}

/** (x - mean) * rstd over `axes` with rstd = 1 / sqrt(biased variance + eps), both recorded. */
function standardizeWithRstd(x: Tensor, axes: number[], eps: number): { y: Tensor; rstd: Tensor } {
  const d = sub(x, mean(x, axes, true));
  const rstd = rsqrt(add(mean(mul(d, d), axes, true), eps));
  return { y: mul(d, rstd), rstd };
}

export interface BatchNormOptions extends AffineOptions {
  /** Use batch statistics and update the running ones (default false: use the running statistics). */
  training?: boolean;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
}

/**
 * Batch normalisation of [N, C, ...] over every dim but the channel dim 1. In training
 * mode the batch statistics normalise (biased variance) and, when given, `runningMean`
 * and `runningVar` are updated in place with momentum (the unbiased variance), as in
 * PyTorch; otherwise the running statistics normalise.
 * @example
 * const rm = gl.zeros([3]), rv = gl.ones([3]);
 * F.batchNorm(gl.randn([8, 3, 4, 4]), rm, rv, { training: true, momentum: 0.1 });
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  const op = "batchNorm";
  floatInput(x, op);
  if (x.ndim < 2) throw new RangeError(`${op}: expected an input of shape [N, C, ...] with at least 2 dims, got ${fmtShape(x.shape)}`);
  const C = x.shape[1];
  const rm = perFeature(runningMean, [C], op, "runningMean");
  const rv = perFeature(runningVar, [C], op, "runningVar");
  const weight = perFeature(opts.weight, [C], op, "weight");
  const bias = perFeature(opts.bias, [C], op, "bias");
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  const axes = Array.from({ length: x.ndim }, (_, i) => i).filter((i) => i !== 1);
  let y: Tensor;
  if (opts.training) {
    const n = numel(x.shape) / Math.max(C, 1);
    if (n <= 1) throw new RangeError(`${op}: expected more than 1 value per channel when training, got input of shape ${fmtShape(x.shape)}`);
    const s = standardize(x, axes, eps);
    y = s.y;
    if (rm) updateRunning(rm, s.mu, momentum);
    if (rv) updateRunning(rv, noGrad(() => mul(s.var, n / (n - 1))), momentum);
  } else {
    if (!rm || !rv) throw new TypeError(`${op}: runningMean and runningVar are required when training is false (pass training: true to use batch statistics)`);
    const view = (t: Tensor) => reshape(t, Array.from({ length: x.ndim }, (_, i) => (i === 1 ? C : 1)));
    y = mul(sub(x, view(rm)), rsqrt(add(view(rv), eps)));
  }
  return channelAffine(y, weight, bias, x.ndim);
}

/**
 * Group normalisation: the C channels of [N, C, ...] split into `numGroups` groups, each
 * normalised over its channels and positions; then a per-channel affine.
 * @example F.groupNorm(gl.randn([2, 6, 4, 4]), 3).shape // [2, 6, 4, 4]
 */
export function groupNorm(x: Tensor, numGroups: number, opts: AffineOptions = {}): Tensor {
  const op = "groupNorm";
  floatInput(x, op);
  if (x.ndim < 2) throw new RangeError(`${op}: expected an input of shape [N, C, ...] with at least 2 dims, got ${fmtShape(x.shape)}`);
  const [N, C] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || C % numGroups !== 0) {
    throw new RangeError(`${op}: expected the number of channels (C=${C}) to be divisible by numGroups (${numGroups}); input of shape ${fmtShape(x.shape)}`);
  }
  const weight = perFeature(opts.weight, [C], op, "weight");
  const bias = perFeature(opts.bias, [C], op, "bias");
  const grouped = reshape(x, [N, numGroups, numel(x.shape) / Math.max(1, N * numGroups)]);
  const y = reshape(standardize(grouped, [2], opts.eps ?? 1e-5).y, x.shape);
  return channelAffine(y, weight, bias, x.ndim);
}

export interface InstanceNormOptions extends AffineOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Normalise with each instance's own statistics (default true); false uses the running ones. */
  useInputStats?: boolean;
  momentum?: number;
}

/**
 * Instance normalisation: each (sample, channel) of [N, C, ...] normalised over its
 * positions. With running statistics and `useInputStats`, they are updated with the
 * batch average of the instance statistics (unbiased variance), as PyTorch does.
 * @example F.instanceNorm(gl.randn([2, 3, 8, 8])).shape // [2, 3, 8, 8]
 */
export function instanceNorm(x: Tensor, opts: InstanceNormOptions = {}): Tensor {
  const op = "instanceNorm";
  floatInput(x, op);
  if (x.ndim < 3) throw new RangeError(`${op}: expected an input of shape [N, C, ...] with at least one spatial dim, got ${fmtShape(x.shape)}`);
  const C = x.shape[1];
  const rm = perFeature(opts.runningMean, [C], op, "runningMean");
  const rv = perFeature(opts.runningVar, [C], op, "runningVar");
  const weight = perFeature(opts.weight, [C], op, "weight");
  const bias = perFeature(opts.bias, [C], op, "bias");
  const eps = opts.eps ?? 1e-5;
  const useInputStats = opts.useInputStats ?? true;
  const axes = Array.from({ length: x.ndim - 2 }, (_, i) => i + 2);
  let y: Tensor;
  if (useInputStats) {
    const n = numel(x.shape.slice(2));
    if (n <= 1) throw new RangeError(`${op}: expected more than 1 spatial element when training, got input of shape ${fmtShape(x.shape)}`);
    const s = standardize(x, axes, eps);
    y = s.y;
    const momentum = opts.momentum ?? 0.1;
    if (rm) updateRunning(rm, noGrad(() => mean(reshape(s.mu, [x.shape[0], C]), 0)), momentum);
    if (rv) updateRunning(rv, noGrad(() => mean(reshape(mul(s.var, n / (n - 1)), [x.shape[0], C]), 0)), momentum);
  } else {
    if (!rm || !rv) throw new TypeError(`${op}: runningMean and runningVar are required when useInputStats is false`);
    const view = (t: Tensor) => reshape(t, Array.from({ length: x.ndim }, (_, i) => (i === 1 ? C : 1)));
    y = mul(sub(x, view(rm)), rsqrt(add(view(rv), eps)));
  }
  return channelAffine(y, weight, bias, x.ndim);
}
