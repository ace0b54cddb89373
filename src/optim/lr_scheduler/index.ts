export { LRScheduler } from "./lr_scheduler.js";
export type { SchedulerOptions, SchedulerStateDict } from "./lr_scheduler.js";
export { StepLR } from "./step_lr.js";
export { LinearLR } from "./linear_lr.js";
export type { LinearLROptions } from "./linear_lr.js";
export { CosineAnnealingLR } from "./cosine_annealing_lr.js";
export { OneCycleLR } from "./one_cycle_lr.js";
export type { OneCycleLROptions } from "./one_cycle_lr.js";
