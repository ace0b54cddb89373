import { clone } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import type { OptimizerOptions, ParamGroup, Params } from "./optimizer.js";
import { checkOption, Optimizer } from "./optimizer.js";

/** Options of SGD (PyTorch's names in camelCase, same defaults; `lr` is required). */
export interface SGDOptions extends OptimizerOptions {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * Stochastic gradient descent with optional momentum, as torch.optim.SGD (1.13):
 * g = grad (+ weightDecay * p); b = momentum * b + (1 - dampening) * g (b = g on the first
 * step); g = nesterov ? g + momentum * b : b; p -= lr * g (+= with maximize). State per
 * parameter: `momentumBuffer` (null while momentum is 0).
 *
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, {
      lr: options.lr, momentum: options.momentum ?? 0, dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0, nesterov: options.nesterov ?? false, maximize: options.maximize ?? false,
    }, "SGD");
  }

  protected checkOptions(o: Partial<SGDOptions>, where: string): void {
    if (o.lr !== undefined) checkOption("SGD", where, o.lr >= 0, "learning rate", o.lr, "lr >= 0");
    checkOption("SGD", where, o.momentum! >= 0, "momentum value", o.momentum, "momentum >= 0");
    checkOption("SGD", where, o.weightDecay! >= 0, "weightDecay value", o.weightDecay, "weightDecay >= 0");
    if (o.nesterov && (o.momentum! <= 0 || o.dampening !== 0)) {
      throw new RangeError(`SGD: Nesterov momentum requires a momentum and zero dampening (got momentum ${o.momentum}, dampening ${o.dampening})${where}`);
    }
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const state = this.stateOf(p);
      let d: Tensor = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) d = d.add(p, weightDecay);
      if (momentum !== 0) {
        let buf = (state.momentumBuffer ?? null) as Tensor | null;
        if (buf === null) {
          buf = clone(d);
          state.momentumBuffer = buf;
        } else {
          buf.mul_(momentum).add_(d, 1 - dampening);
        }
        d = nesterov ? d.add(buf, momentum) : buf;
      } else {
        state.momentumBuffer = null;
      }
      p.add_(d, -lr);
    }
  }
}
