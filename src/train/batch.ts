/** How `fit` and `evaluate` read a batch, call the model and the loss, and gather outputs for metrics. */
import { Module } from "../nn/module.js";
import { cat } from "../ops/join.js";
import { fmtShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { Metric } from "./metrics.js";

/** A loss: a function of (output, target) returning a scalar tensor, or a loss module such as nn.CrossEntropyLoss. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LossFn = ((output: any, target: Tensor) => Tensor) | Module;

/** What fit and evaluate iterate: a DataLoader, or any iterable of batches (arrays `[input, ..., target]`). */
export type Loader = Iterable<unknown> & { readonly length?: number };

/** The model's inputs (every field but the last) and the target (the last field) of a batch. */
export function splitBatch(batch: unknown, who: string): { inputs: unknown[]; target: Tensor } {
  if (!Array.isArray(batch) || batch.length < 2) {
    throw new TypeError(`${who}: a batch must be an array [input, ..., target] (as a DataLoader over a TensorDataset(X, y) yields), got ${Array.isArray(batch) ? `an array of ${batch.length}` : batch === null ? "null" : typeof batch}`);
  }
  const target = batch[batch.length - 1];
  if (!(target instanceof Tensor)) throw new TypeError(`${who}: the last field of a batch (the target) must be a Tensor, got ${target === null ? "null" : typeof target}`);
  return { inputs: batch.slice(0, -1), target };
}

/** Examples in a batch: the target's first dimension. */
export function batchSize(target: Tensor): number {
  return target.ndim === 0 ? 1 : target.shape[0];
}

/** The loss of one batch, checked to be a scalar tensor. */
export function computeLoss(loss: LossFn, output: unknown, target: Tensor, who: string): Tensor {
  const l = loss instanceof Module ? loss.forward(output, target) : loss(output, target);
  if (!(l instanceof Tensor)) throw new TypeError(`${who}: the loss must return a Tensor, got ${l === null ? "null" : typeof l}`);
  if (l.numel() !== 1) throw new RangeError(`${who}: the loss must return a scalar tensor, got shape ${fmtShape(l.shape)} (use reduction "mean" or "sum")`);
  return l;
}

/** The number of batches of a loader, or null when it cannot say. */
export function loaderLength(loader: Loader): number | null {
  try {
    const n = loader.length;
    return typeof n === "number" && Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Collects detached outputs and targets over a pass, then scores them with the metrics. */
export class MetricAccumulator {
  private outputs: Tensor[] = [];
  private targets: Tensor[] = [];

  constructor(private readonly metrics: Record<string, Metric>, private readonly who: string) {}

  get active(): boolean {
    return Object.keys(this.metrics).length > 0;
  }

  add(output: unknown, target: Tensor): void {
    if (!this.active) return;
    if (!(output instanceof Tensor)) throw new TypeError(`${this.who}: metrics need the model to return a Tensor, got ${output === null ? "null" : typeof output}`);
    this.outputs.push(output.detach());
    this.targets.push(target.detach());
  }

  /** Every metric on the whole pass (empty when no batch was seen). */
  compute(): Record<string, number> {
    const out: Record<string, number> = {};
    if (!this.active || this.outputs.length === 0) return out;
    const o = this.outputs.length === 1 ? this.outputs[0] : cat(this.outputs, 0);
    const t = this.targets.length === 1 ? this.targets[0] : cat(this.targets, 0);
    for (const [name, fn] of Object.entries(this.metrics)) {
      if (typeof fn !== "function") throw new TypeError(`${this.who}: metric "${name}" must be a function (output, target) => number`);
      out[name] = fn(o, t);
    }
    this.outputs = [];
    this.targets = [];
    return out;
  }
}
