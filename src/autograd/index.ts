import "./methods.js";

export { backward, grad } from "./engine.js";
export type { BackwardOptions, GradOptions } from "./engine.js";
export { registerHook, retainGrad } from "./hooks.js";
export type { RemovableHandle } from "./hooks.js";
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "../ops/graph.js";
