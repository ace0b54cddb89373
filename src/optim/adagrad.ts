import { fullLike } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import type { OptimizerOptions, ParamGroup, Params, ParamState } from "./optimizer.js";
import { checkOption, Optimizer } from "./optimizer.js";

/** Options of Adagrad (PyTorch's names in camelCase). */
export interface AdagradOptions extends OptimizerOptions {
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * Adagrad, as torch.optim.Adagrad (1.13): s += g^2; p -= clr * g / (sqrt(s) + eps) with
 * clr = lr / (1 + (t - 1) * lrDecay). The accumulators `sum` (filled with
 * `initialAccumulatorValue`) and `step` exist from construction on, as in PyTorch.
 *
 * @example
 * const opt = new optim.Adagrad(model.parameters(), { lr: 1e-2 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, {
      lr: options.lr ?? 1e-2, lrDecay: options.lrDecay ?? 0, weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0, eps: options.eps ?? 1e-10,
      maximize: options.maximize ?? false,
    }, "Adagrad");
  }

  protected checkOptions(o: Partial<AdagradOptions>, where: string): void {
    checkOption("Adagrad", where, o.lr! >= 0, "learning rate", o.lr, "lr >= 0");
    checkOption("Adagrad", where, o.lrDecay! >= 0, "lrDecay value", o.lrDecay, "lrDecay >= 0");
    checkOption("Adagrad", where, o.weightDecay! >= 0, "weightDecay value", o.weightDecay, "weightDecay >= 0");
    checkOption("Adagrad", where, o.initialAccumulatorValue! >= 0, "initialAccumulatorValue value", o.initialAccumulatorValue, "initialAccumulatorValue >= 0");
    checkOption("Adagrad", where, o.eps! >= 0, "epsilon value", o.eps, "eps >= 0");
  }

  protected override onGroupAdded(group: ParamGroup<AdagradOptions>): void {
    for (const p of group.params) this.initState(this.stateOf(p), p, group);
  }

  private initState(state: ParamState, p: Tensor, group: ParamGroup<AdagradOptions>): void {
    if (state.sum !== undefined) return;
    state.step = 0;
    state.sum = fullLike(p, group.initialAccumulatorValue);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const state = this.stateOf(p);
      // State loaded from a dict that lacks this parameter starts as at construction.
      this.initState(state, p, group);
      const step = (state.step as number) + 1;
      state.step = step;
      let g = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) g = g.add(p, weightDecay);
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = state.sum as Tensor;
      sum.addcmul_(g, g, 1);
      const std = sum.sqrt().add_(eps);
      p.addcdiv_(g, std, -clr);
    }
  }
}
