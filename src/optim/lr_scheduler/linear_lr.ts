import type { Optimizer } from "../optimizer.js";
import type { SchedulerOptions } from "./lr_scheduler.js";
import { LRScheduler } from "./lr_scheduler.js";

/** Options of LinearLR (PyTorch's defaults). */
export interface LinearLROptions extends SchedulerOptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
}

/**
 * Scales every group's lr by a factor moving linearly from `startFactor` to `endFactor`
 * over `totalIters` steps, then holds it, as torch.optim.lr_scheduler.LinearLR (1.13).
 *
 * @example
 * // warm-up: 0.1 * lr at step 0 rising to lr at step 40
 * const sched = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 40 });
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch = -1 }: LinearLROptions = {}) {
    if (!(startFactor >= 0 && startFactor <= 1)) throw new RangeError(`LinearLR: starting multiplicative factor expected to be between 0 and 1, got startFactor ${startFactor}`);
    if (!(endFactor >= 0 && endFactor <= 1)) throw new RangeError(`LinearLR: ending multiplicative factor expected to be between 0 and 1, got endFactor ${endFactor}`);
    super(optimizer, lastEpoch, "LinearLR");
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    if (t === 0) return groups.map((g) => g.lr * s);
    if (t > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
}
