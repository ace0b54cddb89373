import { Module } from "../nn/module.js";
import { noGrad } from "../ops/graph.js";
import { clipGradNorm_ } from "../optim/clip_grad.js";
import { Optimizer } from "../optim/optimizer.js";
import type { LossFn, Loader } from "./batch.js";
import { batchSize, computeLoss, loaderLength, MetricAccumulator, splitBatch } from "./batch.js";
import type { BatchRecord, Callback, EpochRecord } from "./callbacks.js";
import type { EarlyStoppingOptions } from "./early_stopping.js";
import { EarlyStopping, monitorValue } from "./early_stopping.js";
import { runEval } from "./evaluate.js";
import type { Metric } from "./metrics.js";
import type { ProgressMode, ProgressStream } from "./progress.js";
import { formatNumber, Progress } from "./progress.js";

/** Options of `fit`. */
export interface FitOptions {
  /** Passes over the training loader. */
  epochs: number;
  /** Updates the model's parameters after each batch. */
  optimizer: Optimizer;
  /** (output, target) => scalar tensor, or a loss module; also scores validation. */
  loss: LossFn;
  /** Validation batches, scored after every epoch in eval mode without grad. */
  valLoader?: Loader;
  /** Named metrics, e.g. `{ accuracy: train.metrics.accuracy }`, on validation and (see trainMetrics) training outputs. */
  metrics?: Record<string, Metric>;
  /** Also compute the metrics on each epoch's training outputs (default true). */
  trainMetrics?: boolean;
  /** Stop when a monitored value stops improving (an options object, or an EarlyStopping to read its state afterwards). */
  earlyStopping?: EarlyStoppingOptions | EarlyStopping;
  /** A learning-rate scheduler (anything with step()), stepped per epoch or per batch. */
  scheduler?: { step(): void };
  /** When the scheduler steps: "epoch" (default; StepLR, CosineAnnealingLR) or "batch" (OneCycleLR). */
  schedulerInterval?: "epoch" | "batch";
  /** Clip the gradients' total 2-norm to this value before each step. */
  clipGradNorm?: number;
  /** Hooks called as training goes (e.g. a CurveRecorder). */
  callbacks?: Callback[];
  /** Shorthand for a callback's onEpochEnd; return "stop" to end training. */
  onEpochEnd?: (record: EpochRecord) => void | "stop";
  /** Shorthand for a callback's onBatchEnd. */
  onBatchEnd?: (record: BatchRecord) => void;
  /** Show progress: "auto"/true (default) draws a bar on a TTY and prints one line per epoch elsewhere; "bar" or "lines" force one; false is silent. */
  progress?: boolean | "auto" | ProgressMode;
  /** Where progress goes (default process.stdout). */
  stream?: ProgressStream;
}

/** What `fit` returns. */
export interface FitResult {
  /** One record per epoch trained. */
  history: EpochRecord[];
  /** Whether early stopping (or a callback returning "stop") ended training before `epochs`. */
  stoppedEarly: boolean;
  /** With early stopping: the epoch with the best monitored value; else null. */
  bestEpoch: number | null;
  /** Whether the best epoch's weights were loaded back (earlyStopping.restoreBest). */
  restoredBest: boolean;
}

function describe(v: unknown): string {
  return v === null ? "null" : typeof v === "object" ? (v as object).constructor?.name ?? "an object" : typeof v;
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function";
}

function checkOptions(model: unknown, loader: unknown, opts: FitOptions): void {
  if (!(model instanceof Module)) throw new TypeError(`fit: model must be an nn.Module, got ${describe(model)}`);
  if (!isIterable(loader)) throw new TypeError("fit: trainLoader must be iterable (a DataLoader or an array of batches)");
  if (!opts || typeof opts !== "object") throw new TypeError("fit: options { epochs, optimizer, loss } are required");
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new RangeError(`fit: epochs must be a positive integer, got ${opts.epochs}`);
  if (!(opts.optimizer instanceof Optimizer)) throw new TypeError(`fit: optimizer must be an optim.Optimizer, got ${describe(opts.optimizer)}`);
  if (typeof opts.loss !== "function" && !(opts.loss instanceof Module)) throw new TypeError(`fit: loss must be a function (output, target) => Tensor or a loss module, got ${describe(opts.loss)}`);
  if (opts.valLoader !== undefined && !isIterable(opts.valLoader)) throw new TypeError("fit: valLoader must be iterable");
  const interval = opts.schedulerInterval ?? "epoch";
  if (interval !== "epoch" && interval !== "batch") throw new RangeError(`fit: schedulerInterval must be "epoch" or "batch", got "${String(interval)}"`);
  if (opts.scheduler !== undefined && typeof opts.scheduler?.step !== "function") throw new TypeError("fit: scheduler must have a step() method");
  if (opts.clipGradNorm !== undefined && !(opts.clipGradNorm > 0)) throw new RangeError(`fit: clipGradNorm must be a positive number, got ${opts.clipGradNorm}`);
}

/** The monitored name must be something the records will hold. */
function checkMonitor(monitor: string, opts: FitOptions): void {
  const names = Object.keys(opts.metrics ?? {});
  const hasVal = opts.valLoader !== undefined;
  const trainMetrics = opts.trainMetrics ?? true;
  const known = ["trainLoss", ...(hasVal ? ["valLoss", ...names.map((n) => `val.${n}`)] : []), ...(trainMetrics ? names.map((n) => `train.${n}`) : [])];
  if (!known.includes(monitor)) {
    throw new RangeError(`fit: earlyStopping monitors "${monitor}", which this fit does not record${hasVal ? "" : " (no valLoader was given)"}; expected one of ${known.map((k) => `"${k}"`).join(", ")}`);
  }
}

function makeProgress(opts: FitOptions): Progress | null {
  const p = opts.progress ?? "auto";
  if (p === false) return null;
  const stream = opts.stream ?? (typeof process !== "undefined" ? process.stdout : undefined);
  if (!stream) return null;
  const mode = p === "bar" || p === "lines" ? p : undefined;
  if (p !== true && p !== "auto" && mode === undefined) throw new RangeError(`fit: progress must be true, false, "auto", "bar" or "lines", got ${String(p)}`);
  return new Progress({ stream, epochs: opts.epochs, mode });
}

/**
 * Trains a model for some epochs: per batch zeroGrad, forward, loss, backward, (clip),
 * step; after each epoch, validation in eval mode without grad, metrics, early stopping,
 * callbacks, and a progress bar with loss and throughput. It is a convenience: the plain
 * PyTorch-style loop (`for (const [x, y] of loader) { ... }`) is the first-class way and
 * does the same. Batches are arrays `[input, ..., target]`; the model gets the inputs.
 * The model's training mode is restored at the end.
 *
 * @example
 * const { history } = train.fit(model, trainLoader, {
 *   epochs: 10, optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: F.crossEntropy,
 *   valLoader, metrics: { accuracy: train.metrics.accuracy },
 *   earlyStopping: { patience: 3, monitor: "valLoss", restoreBest: true },
 * });
 */
export function fit(model: Module, trainLoader: Loader, opts: FitOptions): FitResult {
  checkOptions(model, trainLoader, opts);
  const { optimizer, loss, valLoader } = opts;
  const metrics = opts.metrics ?? {};
  const callbacks: Callback[] = [...(opts.callbacks ?? []), { onEpochEnd: opts.onEpochEnd, onBatchEnd: opts.onBatchEnd }];
  const interval = opts.schedulerInterval ?? "epoch";
  const defaultMonitor = valLoader ? "valLoss" : "trainLoss";
  const stopper = opts.earlyStopping instanceof EarlyStopping ? opts.earlyStopping
    : opts.earlyStopping ? new EarlyStopping({ monitor: defaultMonitor, ...opts.earlyStopping }) : null;
  if (stopper) checkMonitor(stopper.monitor, opts);
  const progress = makeProgress(opts);
  const params = optimizer.paramGroups.flatMap((g) => g.params);
  const nBatches = loaderLength(trainLoader);
  const wasTraining = model.training;
  const history: EpochRecord[] = [];
  let step = 0, stoppedEarly = false, restoredBest = false;

  for (const cb of callbacks) cb.onTrainBegin?.();
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      for (const cb of callbacks) cb.onEpochBegin?.(epoch);
      model.train();
      const acc = new MetricAccumulator(opts.trainMetrics ?? true ? metrics : {}, "fit");
      const t0 = performance.now();
      progress?.startEpoch(epoch, nBatches);
      let lossSum = 0, examples = 0, batch = 0, lr = optimizer.paramGroups[0].lr;
      for (const b of trainLoader) {
        const { inputs, target } = splitBatch(b, "fit");
        optimizer.zeroGrad();
        const output: unknown = model.forward(...inputs);
        const l = computeLoss(loss, output, target, "fit");
        l.backward();
        if (opts.clipGradNorm !== undefined) clipGradNorm_(params, opts.clipGradNorm);
        lr = optimizer.paramGroups[0].lr;
        optimizer.step();
        if (opts.scheduler && interval === "batch") opts.scheduler.step();
        const value = l.item(), n = batchSize(target);
        lossSum += value * n;
        examples += n;
        batch++;
        step++;
        acc.add(output, target);
        progress?.batch(batch, lossSum / examples, examples / ((performance.now() - t0) / 1000));
        const rec: BatchRecord = { epoch, batch, batches: nBatches, step, loss: value, size: n, lr };
        for (const cb of callbacks) cb.onBatchEnd?.(rec);
      }
      if (examples === 0) throw new RangeError(`fit: the training loader yielded no examples in epoch ${epoch}`);
      const trainSeconds = (performance.now() - t0) / 1000;
      const trainMetrics = acc.compute();
      let valLoss: number | null = null, valMetrics: Record<string, number> = {};
      if (valLoader) {
        model.eval();
        const r = noGrad(() => runEval(model, valLoader, { loss, metrics }, "fit (validation)"));
        valLoss = r.loss;
        valMetrics = r.metrics;
      }
      if (opts.scheduler && interval === "epoch") opts.scheduler.step();
      const record: EpochRecord = {
        epoch, trainLoss: lossSum / examples, valLoss, trainMetrics, valMetrics, lr,
        seconds: (performance.now() - t0) / 1000, examplesPerSec: examples / trainSeconds,
      };
      history.push(record);
      progress?.endEpoch(record);
      let stop = false;
      for (const cb of callbacks) if (cb.onEpochEnd?.(record) === "stop") stop = true;
      if (stopper && stopper.update(monitorValue(record, stopper.monitor) ?? NaN, model)) {
        stop = true;
        progress?.message(`early stopping after epoch ${epoch}: ${stopper.monitor} has not improved for ${stopper.wait} epochs (best ${formatNumber(stopper.best ?? NaN)} at epoch ${stopper.bestEpoch})`);
      }
      if (stop) {
        stoppedEarly = epoch < opts.epochs;
        break;
      }
    }
    if (stopper?.restoreBest && stopper.bestEpoch !== history.length && stopper.restore(model)) {
      restoredBest = true;
      progress?.message(`restored the weights of epoch ${stopper.bestEpoch} (${stopper.monitor} ${formatNumber(stopper.best ?? NaN)})`);
    }
  } finally {
    model.train(wasTraining);
  }
  for (const cb of callbacks) cb.onTrainEnd?.(history);
  return { history, stoppedEarly, bestEpoch: stopper && stopper.bestEpoch > 0 ? stopper.bestEpoch : null, restoredBest };
}
