/**
 * gradlab.train: an optional fit helper (epochs, validation, metrics, early stopping,
 * progress bar, callbacks) and evaluation metrics. The plain PyTorch-style loop stays the
 * first-class way to train; this only saves typing it.
 *
 * @example
 * import { train } from "gradlab";
 * const { history } = train.fit(model, loader, { epochs: 5, optimizer, loss: F.crossEntropy, metrics: { accuracy: train.metrics.accuracy } });
 */
import * as metrics from "./metrics.js";

export { fit } from "./fit.js";
export type { FitOptions, FitResult } from "./fit.js";
export { evaluate } from "./evaluate.js";
export type { EvaluateOptions, EvaluateResult } from "./evaluate.js";
export type { LossFn, Loader } from "./batch.js";
export { EarlyStopping } from "./early_stopping.js";
export type { EarlyStoppingOptions } from "./early_stopping.js";
export { CurveRecorder } from "./callbacks.js";
export type { BatchRecord, Callback, EpochRecord } from "./callbacks.js";
export { Progress, formatEpoch, formatNumber, formatDuration } from "./progress.js";
export type { ProgressMode, ProgressOptions, ProgressStream } from "./progress.js";
export type { Metric, Average, ClassMetricOptions } from "./metrics.js";
export { metrics };
