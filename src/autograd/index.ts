import "./methods.js";

export { backward, grad } from "./engine.js";
export type { BackwardOptions, GradOptions } from "./engine.js";
export { registerHook, retainGrad } from "./hooks.js";
export type { RemovableHandle } from "./hooks.js";
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "../ops/graph.js";
export { checkpoint } from "./checkpoint.js";
export { gradcheck, gradgradcheck } from "./gradcheck.js";
export type { GradcheckOptions, GradgradcheckOptions } from "./gradcheck.js";
export { jvp, vjp } from "./functional.js";
export type { FunctionalOptions } from "./functional.js";
export * as functional from "./functional.js";
