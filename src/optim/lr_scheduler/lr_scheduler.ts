import { Optimizer } from "../optimizer.js";

/** A scheduler's state: every field except the optimizer (as PyTorch's state_dict). */
export type SchedulerStateDict = Record<string, unknown>;

/** Options every scheduler takes: `lastEpoch` > -1 resumes a schedule (the groups must hold `initialLr`). */
export interface SchedulerOptions {
  lastEpoch?: number;
}

/**
 * Base class of the learning-rate schedulers, as torch.optim.lr_scheduler._LRScheduler
 * (1.13): each `step()` advances `lastEpoch` and writes the new lr into every param
 * group, computed by the chainable (recursive) form from the groups' current lr, so the
 * floating point agrees with PyTorch step by step. Subclasses call `initialStep()` at the
 * end of their constructor, which sets the schedule's first lr.
 *
 * @example
 * const sched = new optim.lrScheduler.StepLR(opt, 30, { gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); opt.step(); sched.step(); }
 */
export abstract class LRScheduler {
  /** Each group's lr when the schedule started (its `initialLr`). */
  baseLrs: number[];
  /** Index of the last step taken (-1 before the constructor's initial step). */
  lastEpoch: number;
  /** How many times step() ran (PyTorch's _step_count). */
  stepCount = 0;
  protected lastLr: number[] = [];

  protected constructor(readonly optimizer: Optimizer, lastEpoch: number, protected readonly kind: string) {
    if (!(optimizer instanceof Optimizer)) {
      throw new TypeError(`${kind}: expected an optimizer (an optim.Optimizer), got ${optimizer === null ? "null" : typeof optimizer === "object" ? (optimizer as object).constructor?.name : typeof optimizer}`);
    }
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) {
      throw new RangeError(`${kind}: lastEpoch must be an integer >= -1, got ${lastEpoch}`);
    }
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) {
        if (g.initialLr === undefined) g.initialLr = g.lr;
      } else if (g.initialLr === undefined) {
        throw new RangeError(`${kind}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer (lastEpoch ${lastEpoch})`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** Takes the construction-time step that sets the first lr of the schedule. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The new lr of every group for `lastEpoch`, from the groups' current lr (the chainable form). */
  protected abstract getLr(): number[];

  /**
   * Advances the schedule one step and writes the new lr into every param group. Call it
   * after `optimizer.step()`.
   * @example opt.step(); sched.step();
   */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = values[i]; });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The lr of every param group as last set by this scheduler.
   * @example sched.getLastLr(); // [0.1]
   */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /**
   * The scheduler's state (every field but the optimizer), deep-copied and JSON-safe.
   * @example const saved = sched.stateDict(); other.loadStateDict(saved);
   */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== "optimizer" && k !== "kind") out[k] = structuredClone(v);
    return out;
  }

  /**
   * Restores fields saved by `stateDict()` (keys this scheduler does not have are refused).
   * @example sched.loadStateDict(saved);
   */
  loadStateDict(sd: SchedulerStateDict): void {
    for (const [k, v] of Object.entries(sd)) {
      if (k === "optimizer" || k === "kind" || !Object.prototype.hasOwnProperty.call(this, k)) {
        throw new RangeError(`${this.kind}.loadStateDict: unexpected key "${k}" (expected a state dict from ${this.kind}.stateDict())`);
      }
      (this as Record<string, unknown>)[k] = structuredClone(v);
    }
  }
}
