import type { Tensor } from "../../tensor/tensor.js";
import * as L from "../functional/loss.js";
import type { BceWithLogitsOptions, CrossEntropyOptions, KlDivOptions, NllOptions, Reduction, ReductionOptions, WeightedOptions } from "../functional/loss.js";
import { Module } from "../module.js";

// Every loss of nn.functional as a module (PyTorch's nn.MSELoss, nn.CrossEntropyLoss, ...):
// the options are fixed at construction, forward(input, target) computes the loss. Class
// and element weights are buffers named as in PyTorch ("weight", "pos_weight"), so they
// move with the module (to(), stateDict()).

/** Losses whose only option is the reduction. */
abstract class ReducedLoss extends Module {
  readonly reduction: Reduction;
  constructor(opts: ReductionOptions = {}) {
    super();
    this.reduction = opts.reduction ?? "mean";
  }
}

/**
 * Mean squared error. @example new nn.MSELoss().forward(pred, target)
 */
export class MSELoss extends ReducedLoss {
  forward(input: Tensor, target: Tensor): Tensor { return L.mseLoss(input, target, { reduction: this.reduction }); }
}

/** Mean absolute error. @example new nn.L1Loss({ reduction: "sum" }).forward(pred, target) */
export class L1Loss extends ReducedLoss {
  forward(input: Tensor, target: Tensor): Tensor { return L.l1Loss(input, target, { reduction: this.reduction }); }
}

/** Smooth L1 (quadratic below beta, linear above). @example new nn.SmoothL1Loss({ beta: 0.5 }) */
export class SmoothL1Loss extends ReducedLoss {
  readonly beta: number;
  constructor(opts: ReductionOptions & { beta?: number } = {}) { super(opts); this.beta = opts.beta ?? 1; }
  forward(input: Tensor, target: Tensor): Tensor { return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

/** Huber loss (quadratic below delta, delta-scaled linear above). @example new nn.HuberLoss({ delta: 2 }) */
export class HuberLoss extends ReducedLoss {
  readonly delta: number;
  constructor(opts: ReductionOptions & { delta?: number } = {}) { super(opts); this.delta = opts.delta ?? 1; }
  forward(input: Tensor, target: Tensor): Tensor { return L.huberLoss(input, target, { reduction: this.reduction, delta: this.delta }); }
}

/** Weighted losses keep their weight as a buffer named "weight", as PyTorch's _WeightedLoss does. */
abstract class WeightedLoss extends ReducedLoss {
  declare weight: Tensor | null;
  constructor(opts: ReductionOptions & { weight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer("weight", opts.weight ?? null);
  }
}

/**
 * Negative log-likelihood of log-probabilities at int32 class indices.
 * @example new nn.NLLLoss({ ignoreIndex: 0 }).forward(logProbs, target)
 */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  constructor(opts: NllOptions = {}) { super(opts); this.ignoreIndex = opts.ignoreIndex ?? -100; }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/**
 * Cross entropy of scores against class indices or class probabilities.
 * @example new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(logits, labels)
 */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(opts: CrossEntropyOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing });
  }
}

/** Binary cross entropy of probabilities. @example new nn.BCELoss().forward(gl.sigmoid(scores), labels) */
export class BCELoss extends WeightedLoss {
  constructor(opts: WeightedOptions = {}) { super(opts); }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Sigmoid + binary cross entropy, stable for any score; `posWeight` is a buffer "pos_weight".
 * @example new nn.BCEWithLogitsLoss({ posWeight: gl.tensor([3]) }).forward(scores, labels)
 */
export class BCEWithLogitsLoss extends WeightedLoss {
  declare pos_weight: Tensor | null;
  constructor(opts: BceWithLogitsOptions = {}) {
    super(opts);
    this.registerBuffer("pos_weight", opts.posWeight ?? null);
  }
  /** The positive-class weight (state-dict key "pos_weight"). */
  get posWeight(): Tensor | null { return this.pos_weight; }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.pos_weight, reduction: this.reduction });
  }
}

/**
 * KL divergence with log-probability inputs; use reduction "batchmean" for the true KL.
 * @example new nn.KLDivLoss({ reduction: "batchmean" }).forward(logq, p)
 */
export class KLDivLoss extends Module {
  readonly reduction: NonNullable<KlDivOptions["reduction"]>;
  readonly logTarget: boolean;
  constructor(opts: KlDivOptions = {}) {
    super();
    this.reduction = opts.reduction ?? "mean";
    this.logTarget = opts.logTarget ?? false;
  }
  forward(input: Tensor, target: Tensor): Tensor { return L.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget }); }
}

/** Poisson negative log-likelihood. @example new nn.PoissonNLLLoss({ logInput: true }).forward(logRate, counts) */
export class PoissonNLLLoss extends ReducedLoss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  constructor(opts: ReductionOptions & { logInput?: boolean; full?: boolean; eps?: number } = {}) {
    super(opts);
    this.logInput = opts.logInput ?? true;
    this.full = opts.full ?? false;
    this.eps = opts.eps ?? 1e-8;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.poissonNllLoss(input, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** Gaussian negative log-likelihood with predicted variances. @example new nn.GaussianNLLLoss().forward(mu, y, variance) */
export class GaussianNLLLoss extends ReducedLoss {
  readonly full: boolean;
  readonly eps: number;
  constructor(opts: ReductionOptions & { full?: boolean; eps?: number } = {}) {
    super(opts);
    this.full = opts.full ?? false;
    this.eps = opts.eps ?? 1e-6;
  }
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return L.gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** Losses with a margin and a ±1 target. */
abstract class MarginLoss extends ReducedLoss {
  readonly margin: number;
  constructor(opts: ReductionOptions & { margin?: number }, defaultMargin: number) {
    super(opts);
    this.margin = opts.margin ?? defaultMargin;
  }
}

/** max(0, -y (x1 - x2) + margin). @example new nn.MarginRankingLoss({ margin: 0.5 }).forward(a, b, y) */
export class MarginRankingLoss extends MarginLoss {
  constructor(opts: ReductionOptions & { margin?: number } = {}) { super(opts, 0); }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return L.marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Hinge loss on distances of similar (1) and dissimilar (-1) pairs. @example new nn.HingeEmbeddingLoss().forward(d, y) */
export class HingeEmbeddingLoss extends MarginLoss {
  constructor(opts: ReductionOptions & { margin?: number } = {}) { super(opts, 1); }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Cosine embedding loss of pairs with targets ±1. @example new nn.CosineEmbeddingLoss({ margin: 0.2 }).forward(a, b, y) */
export class CosineEmbeddingLoss extends MarginLoss {
  constructor(opts: ReductionOptions & { margin?: number } = {}) { super(opts, 0); }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return L.cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Logistic loss for ±1 targets. @example new nn.SoftMarginLoss().forward(scores, y) */
export class SoftMarginLoss extends ReducedLoss {
  forward(input: Tensor, target: Tensor): Tensor { return L.softMarginLoss(input, target, { reduction: this.reduction }); }
}
