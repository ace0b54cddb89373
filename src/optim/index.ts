/**
 * gradlab.optim: optimizers with PyTorch 1.13's update formulas and defaults, learning-rate
 * schedulers, and gradient clipping.
 *
 * @example
 * import { optim } from "gradlab";
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 * const sched = new optim.lrScheduler.CosineAnnealingLR(opt, 100);
 */
import * as lrScheduler from "./lr_scheduler/index.js";

export { Optimizer } from "./optimizer.js";
export type {
  OptimizerOptions, OptimizerStateDict, ParamGroup, ParamGroupInput, Params, ParamState, SchedulerGroupFields, StateValue,
} from "./optimizer.js";
export { SGD } from "./sgd.js";
export type { SGDOptions } from "./sgd.js";
export { Adam } from "./adam.js";
export type { AdamOptions } from "./adam.js";
export { AdamW } from "./adamw.js";
export { RMSprop } from "./rmsprop.js";
export type { RMSpropOptions } from "./rmsprop.js";
export { Adagrad } from "./adagrad.js";
export type { AdagradOptions } from "./adagrad.js";
export { clipGradNorm_, clipGradValue_ } from "./clip_grad.js";
export type { ClipGradNormOptions } from "./clip_grad.js";
export { lrScheduler };
