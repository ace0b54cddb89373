import type { Module, StateDict } from "../nn/module.js";
import { noGrad } from "../ops/graph.js";
import { clone } from "../ops/shape.js";
import type { EpochRecord } from "./callbacks.js";

/** Options of early stopping (Keras's EarlyStopping, in camelCase). */
export interface EarlyStoppingOptions {
  /** Epochs without improvement to wait before stopping (default 3). */
  patience?: number;
  /** What to watch: "valLoss", "trainLoss", "val.<metric>" or "train.<metric>" (default "valLoss", or "trainLoss" in fit without a validation loader). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** "min", "max", or "auto": max for accuracy-like names (accuracy, f1, precision, recall, r2, auc), else min. */
  mode?: "min" | "max" | "auto";
  /** Keep a copy of the weights at the best epoch and load them back at the end (default false). */
  restoreBest?: boolean;
}

/**
 * The monitored quantity of an epoch record.
 * @example monitorValue(record, "val.accuracy")
 */
export function monitorValue(record: EpochRecord, monitor: string): number | null {
  if (monitor === "trainLoss") return record.trainLoss;
  if (monitor === "valLoss") return record.valLoss;
  const dot = monitor.indexOf(".");
  const side = monitor.slice(0, dot), key = monitor.slice(dot + 1);
  if (side === "train") return record.trainMetrics[key] ?? null;
  if (side === "val") return record.valMetrics[key] ?? null;
  return null;
}

/**
 * Stops training when a monitored value has not improved for `patience` epochs, and can
 * restore the weights of the best epoch. `fit` uses it through its `earlyStopping`
 * option; a hand-written loop calls `update` once per epoch.
 * @example
 * const stopper = new train.EarlyStopping({ patience: 5, restoreBest: true });
 * for (let epoch = 1; epoch <= 100; epoch++) {
 *   trainOneEpoch(); const valLoss = validate();
 *   if (stopper.update(valLoss, model)) break;
 * }
 * stopper.restore(model);
 */
export class EarlyStopping {
  readonly patience: number;
  readonly monitor: string;
  readonly minDelta: number;
  readonly mode: "min" | "max";
  readonly restoreBest: boolean;
  /** Best value so far (null before the first update). */
  best: number | null = null;
  /** Update count (epoch) at which the best value was seen, from 1 (0 before any). */
  bestEpoch = 0;
  /** Updates since the last improvement. */
  wait = 0;
  /** Updates so far. */
  epochs = 0;
  private snapshot: StateDict | null = null;

  constructor(opts: EarlyStoppingOptions = {}) {
    this.patience = opts.patience ?? 3;
    this.monitor = opts.monitor ?? "valLoss";
    this.minDelta = Math.abs(opts.minDelta ?? 0);
    this.restoreBest = opts.restoreBest ?? false;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new RangeError(`EarlyStopping: patience must be a non-negative integer, got ${opts.patience}`);
    if (!Number.isFinite(this.minDelta)) throw new RangeError(`EarlyStopping: minDelta must be a finite number, got ${opts.minDelta}`);
    const m = opts.mode ?? "auto";
    if (m !== "min" && m !== "max" && m !== "auto") throw new RangeError(`EarlyStopping: mode must be "min", "max" or "auto", got "${String(m)}"`);
    this.mode = m !== "auto" ? m : /acc|f1|precision|recall|r2|auc/i.test(this.monitor) ? "max" : "min";
  }

  /**
   * Records one epoch's value (snapshotting `model` on an improvement when restoreBest);
   * returns true when training should stop. NaN never improves.
   */
  update(value: number, model?: Module): boolean {
    this.epochs++;
    const improved = !Number.isNaN(value) && (this.best === null || (this.mode === "min" ? value < this.best - this.minDelta : value > this.best + this.minDelta));
    if (improved) {
      this.best = value;
      this.bestEpoch = this.epochs;
      this.wait = 0;
      if (this.restoreBest && model) this.snapshot = copyState(model);
    } else {
      this.wait++;
    }
    return !improved && this.wait >= this.patience;
  }

  /** Loads the best epoch's weights back into `model` (when restoreBest kept them); returns whether it did. */
  restore(model: Module): boolean {
    if (!this.snapshot) return false;
    model.loadStateDict(this.snapshot);
    return true;
  }
}

function copyState(model: Module): StateDict {
  return noGrad(() => Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, clone(v)])));
}
