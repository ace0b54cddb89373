import { zerosLike } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import type { OptimizerOptions, ParamGroup, Params } from "./optimizer.js";
import { checkOption, Optimizer } from "./optimizer.js";

/** Options of RMSprop (PyTorch's names in camelCase). */
export interface RMSpropOptions extends OptimizerOptions {
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/**
 * RMSprop, as torch.optim.RMSprop (1.13): v = alpha * v + (1 - alpha) * g^2; the
 * denominator is sqrt(v) + eps, or sqrt(v - mean(g)^2) + eps when `centered`; with
 * `momentum`, b = momentum * b + g / denom and p -= lr * b, else p -= lr * g / denom.
 * State per parameter: `step`, `squareAvg` (and `momentumBuffer`, `gradAvg`).
 *
 * @example
 * const opt = new optim.RMSprop(model.parameters(), { lr: 1e-2, alpha: 0.99, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, {
      lr: options.lr ?? 1e-2, alpha: options.alpha ?? 0.99, eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0, momentum: options.momentum ?? 0,
      centered: options.centered ?? false, maximize: options.maximize ?? false,
    }, "RMSprop");
  }

  protected checkOptions(o: Partial<RMSpropOptions>, where: string): void {
    checkOption("RMSprop", where, o.lr! >= 0, "learning rate", o.lr, "lr >= 0");
    checkOption("RMSprop", where, o.eps! >= 0, "epsilon value", o.eps, "eps >= 0");
    checkOption("RMSprop", where, o.momentum! >= 0, "momentum value", o.momentum, "momentum >= 0");
    checkOption("RMSprop", where, o.weightDecay! >= 0, "weightDecay value", o.weightDecay, "weightDecay >= 0");
    checkOption("RMSprop", where, o.alpha! >= 0, "alpha value", o.alpha, "alpha >= 0");
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.squareAvg = zerosLike(p);
        if (momentum > 0) state.momentumBuffer = zerosLike(p);
        if (centered) state.gradAvg = zerosLike(p);
      }
      state.step = (state.step as number) + 1;
      let g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p, weightDecay);
      const squareAvg = state.squareAvg as Tensor;
      squareAvg.mul_(alpha).addcmul_(g, g, 1 - alpha);
      let avg: Tensor;
      if (centered) {
        const gradAvg = (state.gradAvg ?? (state.gradAvg = zerosLike(p))) as Tensor;
        gradAvg.mul_(alpha).add_(g, 1 - alpha);
        avg = squareAvg.clone().addcmul_(gradAvg, gradAvg, -1).sqrt_();
      } else {
        avg = squareAvg.sqrt();
      }
      avg.add_(eps);
      if (momentum > 0) {
        const buf = (state.momentumBuffer ?? (state.momentumBuffer = zerosLike(p))) as Tensor;
        buf.mul_(momentum).addcdiv_(g, avg);
        p.add_(buf, -lr);
      } else {
        p.addcdiv_(g, avg, -lr);
      }
    }
  }
}
