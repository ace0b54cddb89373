import { noGrad } from "../../ops/graph.js";
import { add_ } from "../../ops/inplace.js";
import { squeeze, unsqueeze } from "../../ops/shape.js";
import { ones, zeros } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { batchNorm, groupNorm, instanceNorm, layerNorm } from "../functional/normalization.js";
import { ones_, zeros_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

// Normalisation layers with PyTorch's parameters, buffers and state-dict names
// (weight, bias, running_mean, running_var, num_batches_tracked), so that PyTorch
// checkpoints load unchanged. Buffers are fields with PyTorch's snake_case names; the
// camelCase getters are aliases for TypeScript code.

/** Python's repr of a float (1e-05, 0.1), so that toString() reads like PyTorch's. */
function pyFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  const e = Math.floor(Math.log10(Math.abs(v)));
  if (e < -4 || e >= 16) return v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  return String(v);
}
const pyBool = (b: boolean) => (b ? "True" : "False");

function positiveInt(v: number, what: string, op: string): void {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${op}: ${what} must be a positive integer, got ${v}`);
}

export interface NormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel weight and bias. */
  affine?: boolean;
  /** Keep running statistics for evaluation. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/** What BatchNorm and InstanceNorm share: per-channel affine parameters and running statistics. */
abstract class NormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(readonly numFeatures: number, opts: NormOptions, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    positiveInt(numFeatures, "numFeatures", this.constructor.name);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? defaults.affine;
    this.trackRunningStats = opts.trackRunningStats ?? defaults.trackRunningStats;
    const dtype = opts.dtype ?? "float32";
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    this.registerBuffer("running_mean", this.trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer("running_var", this.trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer("num_batches_tracked", this.trackRunningStats ? zeros([], { dtype: "int32" }) : null);
  }

  /** The running mean buffer (state-dict key "running_mean"). */
  get runningMean(): Tensor | null { return this.running_mean; }
  /** The running variance buffer (state-dict key "running_var"). */
  get runningVar(): Tensor | null { return this.running_var; }
  /** Batches seen in training (state-dict key "num_batches_tracked"). */
  get numBatchesTracked(): Tensor | null { return this.num_batches_tracked; }

  /** Running mean to 0, variance to 1, batch count to 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    zeros_(this.running_mean!);
    ones_(this.running_var!);
    noGrad(() => this.num_batches_tracked!.zero_());
  }

  /** Running statistics reset, weight to 1 and bias to 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  override extraRepr(): string {
    const m = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** BatchNorm1d/2d/3d: the dims their input may have, and how to describe them. */
abstract class BatchNormBase extends NormBase {
  constructor(numFeatures: number, opts: NormOptions = {}) {
    super(numFeatures, opts, { affine: true, trackRunningStats: true });
  }

  protected abstract expected(): string;
  protected abstract accepts(ndim: number): boolean;

  forward(x: Tensor): Tensor {
    if (!this.accepts(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${this.constructor.name}(${this.numFeatures}): expected ${this.expected()}, got ${fmtShape(x.shape)}`);
    }
    // PyTorch's rule: count batches in training; momentum null means a cumulative average.
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      noGrad(() => add_(this.num_batches_tracked!, 1));
      factor = this.momentum === null ? 1 / this.num_batches_tracked.item() : this.momentum;
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const track = !this.training || this.trackRunningStats;
    return batchNorm(x, track ? this.running_mean : null, track ? this.running_var : null, {
      weight: this.weight, bias: this.bias, training: useBatchStats, momentum: factor, eps: this.eps,
    });
  }
}

/**
 * Batch normalisation over [N, C] or [N, C, L] inputs, per channel.
 * @example const bn = new nn.BatchNorm1d(16); bn.forward(gl.randn([8, 16])).shape // [8, 16]
 */
export class BatchNorm1d extends BatchNormBase {
  protected expected(): string { return `2-D input [N, ${this.numFeatures}] or 3-D input [N, ${this.numFeatures}, L]`; }
  protected accepts(ndim: number): boolean { return ndim === 2 || ndim === 3; }
}

/**
 * Batch normalisation over [N, C, H, W] images, per channel.
 * @example const bn = new nn.BatchNorm2d(3); bn.forward(gl.randn([4, 3, 8, 8])).shape // [4, 3, 8, 8]
 */
export class BatchNorm2d extends BatchNormBase {
  protected expected(): string { return `4-D input [N, ${this.numFeatures}, H, W]`; }
  protected accepts(ndim: number): boolean { return ndim === 4; }
}

/**
 * Batch normalisation over [N, C, D, H, W] volumes, per channel.
 * @example const bn = new nn.BatchNorm3d(2); bn.forward(gl.randn([2, 2, 3, 4, 4])).shape
 */
export class BatchNorm3d extends BatchNormBase {
  protected expected(): string { return `5-D input [N, ${this.numFeatures}, D, H, W]`; }
  protected accepts(ndim: number): boolean { return ndim === 5; }
}

/** InstanceNorm1d/2d: instance statistics; running statistics only when asked for. */
abstract class InstanceNormBase extends NormBase {
  constructor(numFeatures: number, opts: NormOptions = {}) {
    super(numFeatures, opts, { affine: false, trackRunningStats: false });
  }

  /** The number of dims of an input with a batch dim. */
  protected abstract batchedDims(): number;
  protected abstract expected(): string;

  forward(x: Tensor): Tensor {
    const nd = this.batchedDims();
    // Without affine parameters or running statistics the channel count does not matter (PyTorch only warns).
    const channelsMatter = this.affine || this.trackRunningStats;
    const cDim = x.ndim === nd ? 1 : 0;
    if ((x.ndim !== nd && x.ndim !== nd - 1) || (channelsMatter && x.shape[cDim] !== this.numFeatures)) {
      throw new RangeError(`${this.constructor.name}(${this.numFeatures}): expected ${this.expected()}, got ${fmtShape(x.shape)}`);
    }
    if (x.ndim === nd - 1) return squeeze(this.forward(unsqueeze(x, 0)), 0);
    return instanceNorm(x, {
      runningMean: this.running_mean, runningVar: this.running_var, weight: this.weight, bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats, momentum: this.momentum ?? 0.1, eps: this.eps,
    });
  }
}

/**
 * Instance normalisation of [N, C, L] (or unbatched [C, L]) sequences.
 * @example new nn.InstanceNorm1d(4).forward(gl.randn([2, 4, 10])).shape // [2, 4, 10]
 */
export class InstanceNorm1d extends InstanceNormBase {
  protected batchedDims(): number { return 3; }
  protected expected(): string { return `3-D input [N, ${this.numFeatures}, L] or 2-D input [${this.numFeatures}, L]`; }
}

/**
 * Instance normalisation of [N, C, H, W] (or unbatched [C, H, W]) images (style transfer's norm).
 * @example new nn.InstanceNorm2d(3, { affine: true }).forward(gl.randn([2, 3, 8, 8])).shape
 */
export class InstanceNorm2d extends InstanceNormBase {
  protected batchedDims(): number { return 4; }
  protected expected(): string { return `4-D input [N, ${this.numFeatures}, H, W] or 3-D input [${this.numFeatures}, H, W]`; }
}

/**
 * Layer normalisation over the trailing `normalizedShape` dims, with an elementwise affine
 * (weight 1, bias 0 at init) of that shape.
 * @example const ln = new nn.LayerNorm(64); ln.forward(gl.randn([8, 10, 64])).shape // [8, 10, 64]
 */
export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], opts: { eps?: number; elementwiseAffine?: boolean; dtype?: DType } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    for (const s of this.normalizedShape) positiveInt(s, "each size of normalizedShape", "LayerNorm");
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const dtype = opts.dtype ?? "float32";
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = this.elementwiseAffine ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.ndim < k || !shapesEqual(x.shape.slice(x.ndim - k), this.normalizedShape)) {
      throw new RangeError(`LayerNorm(${fmtShape(this.normalizedShape)}): expected input with shape [*, ${this.normalizedShape.join(", ")}], got ${fmtShape(x.shape)}`);
    }
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(", ")}${k1(this.normalizedShape)}), eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Python prints a 1-tuple as (5,). */
const k1 = (s: readonly number[]) => (s.length === 1 ? "," : "");

/**
 * Group normalisation: numChannels split into numGroups groups normalised together, with
 * a per-channel affine (weight 1, bias 0 at init).
 * @example const gn = new nn.GroupNorm(2, 6); gn.forward(gl.randn([4, 6, 5, 5])).shape // [4, 6, 5, 5]
 */
export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly affine: boolean;

  constructor(readonly numGroups: number, readonly numChannels: number, opts: { eps?: number; affine?: boolean; dtype?: DType } = {}) {
    super();
    positiveInt(numGroups, "numGroups", "GroupNorm");
    positiveInt(numChannels, "numChannels", "GroupNorm");
    if (numChannels % numGroups !== 0) throw new RangeError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    const dtype = opts.dtype ?? "float32";
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new RangeError(`GroupNorm(${this.numGroups}, ${this.numChannels}): expected input [N, ${this.numChannels}, *], got ${fmtShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
