import type { Optimizer } from "../optimizer.js";
import type { SchedulerOptions } from "./lr_scheduler.js";
import { LRScheduler } from "./lr_scheduler.js";

/**
 * Multiplies every group's lr by `gamma` once every `stepSize` steps, as
 * torch.optim.lr_scheduler.StepLR (1.13).
 *
 * @example
 * // lr = 0.05 for steps 0-29, 0.005 for 30-59, ...
 * const sched = new optim.lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, stepSize: number, { gamma = 0.1, lastEpoch = -1 }: { gamma?: number } & SchedulerOptions = {}) {
    super(optimizer, lastEpoch, "StepLR");
    if (!Number.isInteger(stepSize) || stepSize <= 0) throw new RangeError(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}
