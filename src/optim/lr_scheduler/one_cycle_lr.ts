import type { ParamGroup } from "../optimizer.js";
import { Optimizer } from "../optimizer.js";
import type { SchedulerOptions } from "./lr_scheduler.js";
import { LRScheduler } from "./lr_scheduler.js";

/** Options of OneCycleLR (PyTorch's defaults); give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions extends SchedulerOptions {
  /** The peak lr: one number, or one per param group. */
  maxLr: number | number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

type GroupKey = "initialLr" | "maxLr" | "minLr" | "maxMomentum" | "baseMomentum";

/** One phase of the cycle: it ends at `endStep` and anneals between the named group fields. */
interface Phase {
  endStep: number;
  startLr: GroupKey;
  endLr: GroupKey;
  startMomentum: GroupKey;
  endMomentum: GroupKey;
}

function positiveInteger(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new RangeError(`OneCycleLR: expected positive integer ${name}, but got ${String(v)}`);
  return v;
}

function perGroup(name: string, optimizer: Optimizer, v: number | number[]): number[] {
  if (!Array.isArray(v)) return optimizer.paramGroups.map(() => v);
  if (v.length !== optimizer.paramGroups.length) {
    throw new RangeError(`OneCycleLR: expected ${optimizer.paramGroups.length} values for ${name}, got ${v.length}`);
  }
  return v.slice();
}

/**
 * The 1cycle policy, as torch.optim.lr_scheduler.OneCycleLR (1.13): the lr rises from
 * maxLr / divFactor to maxLr over the first `pctStart` of `totalSteps`, then anneals to
 * maxLr / divFactor / finalDivFactor (with `threePhase`, back to the initial lr first);
 * momentum (SGD/RMSprop `momentum`, or Adam's `betas[0]`) cycles the opposite way between
 * `maxMomentum` and `baseMomentum`. Step it after every batch, `totalSteps` times at most.
 *
 * @example
 * const sched = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: loader.length });
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: "cos" | "linear";
  cycleMomentum: boolean;
  useBeta1: boolean;
  schedulePhases: Phase[];

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = "cos", cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = options ?? ({} as OneCycleLROptions);
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`OneCycleLR: expected an optimizer (an optim.Optimizer), got ${optimizer === null ? "null" : typeof optimizer}`);
    let total: number;
    if (totalSteps === undefined && epochs === undefined && stepsPerEpoch === undefined) {
      throw new RangeError("OneCycleLR: you must define either totalSteps OR (epochs AND stepsPerEpoch)");
    } else if (totalSteps !== undefined) {
      total = positiveInteger("totalSteps", totalSteps);
    } else {
      total = positiveInteger("epochs", epochs) * positiveInteger("stepsPerEpoch", stepsPerEpoch);
    }
    if (!(pctStart >= 0 && pctStart <= 1)) throw new RangeError(`OneCycleLR: expected pctStart between 0 and 1, but got ${pctStart}`);
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new RangeError(`OneCycleLR: annealStrategy must be one of "cos" or "linear", instead got ${String(annealStrategy)}`);
    }
    if (maxLr === undefined) throw new RangeError("OneCycleLR: maxLr is required");
    const phases: Phase[] = threePhase
      ? [
        { endStep: pctStart * total - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
        { endStep: 2 * pctStart * total - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        { endStep: total - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
      ]
      : [
        { endStep: pctStart * total - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
        { endStep: total - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
      ];
    const maxLrs = perGroup("maxLr", optimizer, maxLr);
    const groups = optimizer.paramGroups;
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = g.initialLr / finalDivFactor;
      });
    }
    const defaults = optimizer.defaults as Record<string, unknown>;
    const useBeta1 = "betas" in defaults;
    if (cycleMomentum) {
      if (!("momentum" in defaults) && !useBeta1) {
        throw new RangeError("OneCycleLR: optimizer must support momentum (a momentum or betas option) with the cycleMomentum option enabled");
      }
      const maxMs = perGroup("maxMomentum", optimizer, maxMomentum);
      const baseMs = perGroup("baseMomentum", optimizer, baseMomentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          setMomentum(g, useBeta1, maxMs[i]);
          g.maxMomentum = maxMs[i];
          g.baseMomentum = baseMs[i];
        });
      }
    }
    super(optimizer, lastEpoch, "OneCycleLR");
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.schedulePhases = phases;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === "linear") return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + (start - end) / 2 * cosOut;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(`OneCycleLR: tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    const phases = this.schedulePhases;
    return this.optimizer.paramGroups.map((group) => {
      let startStep = 0;
      let lr = NaN;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === phases.length - 1) {
          if (endStep === startStep) throw new RangeError(`OneCycleLR: phase ${i} of the cycle is empty (totalSteps ${this.totalSteps} is too small for its phases)`);
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = this.anneal(group[phase.startLr]!, group[phase.endLr]!, pct);
          if (this.cycleMomentum) setMomentum(group, this.useBeta1, this.anneal(group[phase.startMomentum]!, group[phase.endMomentum]!, pct));
          break;
        }
        startStep = phase.endStep;
      }
      return lr;
    });
  }
}

/** Writes the cycled momentum: Adam's betas[0], or the momentum option. */
function setMomentum(group: ParamGroup, useBeta1: boolean, m: number): void {
  const g = group as unknown as Record<string, unknown>;
  if (useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
  else g.momentum = m;
}
