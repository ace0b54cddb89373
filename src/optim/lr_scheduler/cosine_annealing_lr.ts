import type { Optimizer } from "../optimizer.js";
import type { SchedulerOptions } from "./lr_scheduler.js";
import { LRScheduler } from "./lr_scheduler.js";

/** Python's `%`: the result takes the divisor's sign. */
const pymod = (a: number, b: number) => ((a % b) + b) % b;

/**
 * Cosine annealing from each group's lr down to `etaMin` over `tMax` steps (and back up,
 * periodically, past it), as torch.optim.lr_scheduler.CosineAnnealingLR (1.13), with its
 * recursive update so the values agree with PyTorch's step by step.
 *
 * @example
 * const sched = new optim.lrScheduler.CosineAnnealingLR(opt, 100, { etaMin: 1e-4 });
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, tMax: number, { etaMin = 0, lastEpoch = -1 }: { etaMin?: number } & SchedulerOptions = {}) {
    if (!(tMax > 0)) throw new RangeError(`CosineAnnealingLR: tMax must be positive, got ${tMax}`);
    super(optimizer, lastEpoch, "CosineAnnealingLR");
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { tMax, etaMin, lastEpoch: t, baseLrs } = this;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      // Resuming (lastEpoch given): jump to the closed form once.
      return baseLrs.map((base) => etaMin + (base - etaMin) * (1 + Math.cos(t * Math.PI / tMax)) / 2);
    }
    if (pymod(t - 1 - tMax, 2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + (baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2);
    }
    return groups.map((g) => (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax)) * (g.lr - etaMin) + etaMin);
  }
}
