/**
 * gradlab.lab: the lab's experiments as pure, seeded functions (config in, JSON records
 * out; no I/O, no printing), with option schemas and presets that the CLI and the web lab
 * build their controls from.
 *
 * @example
 * const rec = runExperiment("dlnn", { lr: 100, epochs: 250 });
 * rec.theory.halfTimes; // per mode: trained vs discrete vs continuous theory
 * getExperiment("optimizers").options; // the option schema a CLI or a web page builds controls from
 */
export * from "./types.js";
export { experiments, experimentIds, getExperiment, presetConfig, runExperiment } from "./registry.js";
export { dlnnExperiment, illusoryExperiment, linregExperiment, optimizersExperiment } from "./registry.js";
export { resolveConfig, deriveSeed } from "./config.js";
export * as dlnn from "./dlnn.js";
export * as illusory from "./illusory.js";
export * as linreg from "./linreg.js";
export * as optimizers from "./optimizers.js";
export * as theory from "./theory.js";
