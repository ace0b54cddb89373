/** What `fit` reports: one record per batch and per epoch, and the callbacks that receive them. */

/** One optimisation step, as `fit` reports it to `onBatchEnd`. */
export interface BatchRecord {
  /** Epoch, from 1. */
  epoch: number;
  /** Batch within the epoch, from 1. */
  batch: number;
  /** Batches per epoch, or null when the loader has no length. */
  batches: number | null;
  /** Optimiser steps so far in this fit, from 1. */
  step: number;
  /** This batch's loss. */
  loss: number;
  /** Examples in this batch. */
  size: number;
  /** Learning rate of the first param group when the step was taken. */
  lr: number;
}

/** The summary of one epoch; `fit` returns them all as its history. */
export interface EpochRecord {
  /** Epoch, from 1. */
  epoch: number;
  /** Mean training loss over the epoch's examples (batch losses weighted by batch size). */
  trainLoss: number;
  /** Mean validation loss, or null without a validation loader. */
  valLoss: number | null;
  /** Metrics on the epoch's training outputs (computed in training mode, as the batches went by). */
  trainMetrics: Record<string, number>;
  /** Metrics on the validation set (eval mode, no grad); empty without a validation loader. */
  valMetrics: Record<string, number>;
  /** Learning rate of the first param group during the epoch's last step. */
  lr: number;
  /** Wall time of the whole epoch, validation included. */
  seconds: number;
  /** Training examples per second (training phase only). */
  examplesPerSec: number;
}

/**
 * Hooks `fit` calls as training goes. `onEpochEnd` may return "stop" to end training
 * after this epoch.
 * @example const logLr: train.Callback = { onEpochEnd: (r) => console.log(r.epoch, r.lr) };
 */
export interface Callback {
  onTrainBegin?(): void;
  onEpochBegin?(epoch: number): void;
  onBatchEnd?(record: BatchRecord): void;
  onEpochEnd?(record: EpochRecord): void | "stop";
  onTrainEnd?(history: EpochRecord[]): void;
}

/**
 * A callback that keeps the learning curves: every step's loss and every epoch's record,
 * ready to plot (e.g. `curves.steps.map((s) => [s.step, s.loss])`).
 * @example
 * const curves = new train.CurveRecorder();
 * train.fit(model, loader, { epochs: 5, optimizer, loss: F.crossEntropy, callbacks: [curves] });
 * curves.steps.length; // epochs * batches
 */
export class CurveRecorder implements Callback {
  /** Every optimiser step, in order. */
  readonly steps: BatchRecord[] = [];
  /** Every epoch's record, in order. */
  readonly epochs: EpochRecord[] = [];

  onBatchEnd(record: BatchRecord): void {
    this.steps.push(record);
  }

  onEpochEnd(record: EpochRecord): void {
    this.epochs.push(record);
  }

  /**
   * One named series per loss and metric, epoch by epoch (null where an epoch has no value).
   * @example curves.series().valLoss // [0.9, 0.5, 0.41]
   */
  series(): Record<string, (number | null)[]> {
    const out: Record<string, (number | null)[]> = { trainLoss: [], valLoss: [] };
    const names = new Set<string>();
    for (const r of this.epochs) {
      for (const k of Object.keys(r.trainMetrics)) names.add(`train.${k}`);
      for (const k of Object.keys(r.valMetrics)) names.add(`val.${k}`);
    }
    for (const n of names) out[n] = [];
    for (const r of this.epochs) {
      out.trainLoss.push(r.trainLoss);
      out.valLoss.push(r.valLoss);
      for (const n of names) {
        const [side, key] = [n.slice(0, n.indexOf(".")), n.slice(n.indexOf(".") + 1)];
        out[n].push((side === "train" ? r.trainMetrics : r.valMetrics)[key] ?? null);
      }
    }
    return out;
  }
}
