import { zerosLike } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import type { OptimizerOptions, ParamGroup, Params, ParamState } from "./optimizer.js";
import { checkOption, Optimizer } from "./optimizer.js";

/** Options of Adam and AdamW (PyTorch's names in camelCase). */
export interface AdamOptions extends OptimizerOptions {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Validates Adam/AdamW options with PyTorch's checks. */
export function checkAdamOptions(kind: string, o: Partial<AdamOptions>, where: string): void {
  checkOption(kind, where, o.lr! >= 0, "learning rate", o.lr, "lr >= 0");
  checkOption(kind, where, o.eps! >= 0, "epsilon value", o.eps, "eps >= 0");
  const betas = o.betas!;
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new TypeError(`${kind}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}${where}`);
  }
  checkOption(kind, where, betas[0] >= 0 && betas[0] < 1, "beta parameter at index 0", betas[0], "0 <= betas[0] < 1");
  checkOption(kind, where, betas[1] >= 0 && betas[1] < 1, "beta parameter at index 1", betas[1], "0 <= betas[1] < 1");
  checkOption(kind, where, o.weightDecay! >= 0, "weightDecay value", o.weightDecay, "weightDecay >= 0");
}

/**
 * One Adam step of one parameter, as PyTorch 1.13's _single_tensor_adam(w); `decoupled`
 * selects AdamW's decay (p *= 1 - lr * weightDecay) over Adam's L2 term in the gradient.
 */
export function adamUpdate(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdamOptions>, decoupled: boolean): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = group;
  const [beta1, beta2] = group.betas;
  if (state.step === undefined) {
    state.step = 0;
    state.expAvg = zerosLike(p);
    state.expAvgSq = zerosLike(p);
    if (amsgrad) state.maxExpAvgSq = zerosLike(p);
  }
  let g = maximize ? grad.neg() : grad;
  const expAvg = state.expAvg as Tensor;
  const expAvgSq = state.expAvgSq as Tensor;
  const step = (state.step as number) + 1;
  state.step = step;
  if (decoupled) p.mul_(1 - lr * weightDecay);
  else if (weightDecay !== 0) g = g.add(p, weightDecay);
  expAvg.mul_(beta1).add_(g, 1 - beta1);
  expAvgSq.mul_(beta2).addcmul_(g, g, 1 - beta2);
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  let second = expAvgSq;
  if (amsgrad) {
    // A group switched to amsgrad mid-run starts its running max here, as a fresh buffer would.
    const max = (state.maxExpAvgSq ?? (state.maxExpAvgSq = zerosLike(p))) as Tensor;
    max.maximum_(expAvgSq);
    second = max;
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
  p.addcdiv_(expAvg, denom, -stepSize);
}

/**
 * Adam, as torch.optim.Adam (1.13): moment estimates m, v with bias correction,
 * p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps); `weightDecay` adds
 * weightDecay * p to the gradient (L2); `amsgrad` uses the running max of v. State per
 * parameter: `step`, `expAvg`, `expAvgSq` (and `maxExpAvgSq`).
 *
 * @example
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, {
      lr: options.lr ?? 1e-3, betas: options.betas ?? [0.9, 0.999], eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0, amsgrad: options.amsgrad ?? false, maximize: options.maximize ?? false,
    }, "Adam");
  }

  protected checkOptions(o: Partial<AdamOptions>, where: string): void {
    checkAdamOptions("Adam", o, where);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const p of group.params) {
      if (p.grad !== null) adamUpdate(p, p.grad, this.stateOf(p), group, false);
    }
  }
}
