import { Module } from "../nn/module.js";
import { noGrad } from "../ops/graph.js";
import type { LossFn, Loader } from "./batch.js";
import { batchSize, computeLoss, MetricAccumulator, splitBatch } from "./batch.js";
import type { Metric } from "./metrics.js";

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Loss to average over the examples (optional). */
  loss?: LossFn;
  /** Named metrics computed on the whole pass, e.g. `{ accuracy: train.metrics.accuracy }`. */
  metrics?: Record<string, Metric>;
}

/** What `evaluate` measured. */
export interface EvaluateResult {
  /** Mean loss per example (batch losses weighted by batch size), or null without a loss. */
  loss: number | null;
  /** Each metric on all the examples together. */
  metrics: Record<string, number>;
  /** Examples seen. */
  examples: number;
}

/**
 * Runs the model over a loader in eval mode without recording gradients, and returns the
 * mean loss and the metrics over all examples (the model's training mode is restored
 * afterwards). Batches are arrays `[input, ..., target]`.
 * @example
 * const { loss, metrics } = train.evaluate(model, testLoader, { loss: F.crossEntropy, metrics: { accuracy: train.metrics.accuracy } });
 */
export function evaluate(model: Module, loader: Loader, opts: EvaluateOptions = {}): EvaluateResult {
  if (!(model instanceof Module)) throw new TypeError(`evaluate: model must be an nn.Module, got ${model === null ? "null" : typeof model}`);
  if (loader === null || loader === undefined || typeof (loader as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError("evaluate: loader must be iterable (a DataLoader or an array of batches)");
  }
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => runEval(model, loader, opts, "evaluate"));
  } finally {
    model.train(wasTraining);
  }
}

/** The evaluation pass itself; the caller sets eval mode and no-grad. */
export function runEval(model: Module, loader: Loader, opts: EvaluateOptions, who: string): EvaluateResult {
  const acc = new MetricAccumulator(opts.metrics ?? {}, who);
  let lossSum = 0, examples = 0;
  for (const batch of loader) {
    const { inputs, target } = splitBatch(batch, who);
    const output: unknown = model.forward(...inputs);
    const n = batchSize(target);
    if (opts.loss) lossSum += computeLoss(opts.loss, output, target, who).item() * n;
    acc.add(output, target);
    examples += n;
  }
  if (examples === 0) throw new RangeError(`${who}: the loader yielded no examples`);
  return { loss: opts.loss ? lossSum / examples : null, metrics: acc.compute(), examples };
}
