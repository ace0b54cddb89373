import type { AdamOptions } from "./adam.js";
import { adamUpdate, checkAdamOptions } from "./adam.js";
import type { ParamGroup, Params } from "./optimizer.js";
import { Optimizer } from "./optimizer.js";

/**
 * AdamW, as torch.optim.AdamW (1.13): Adam with decoupled weight decay, p *= 1 - lr *
 * weightDecay before the Adam step (default weightDecay 1e-2). Same options and state
 * as Adam.
 *
 * @example
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, {
      lr: options.lr ?? 1e-3, betas: options.betas ?? [0.9, 0.999], eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 1e-2, amsgrad: options.amsgrad ?? false, maximize: options.maximize ?? false,
    }, "AdamW");
  }

  protected checkOptions(o: Partial<AdamOptions>, where: string): void {
    checkAdamOptions("AdamW", o, where);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const p of group.params) {
      if (p.grad !== null) adamUpdate(p, p.grad, this.stateOf(p), group, true);
    }
  }
}
