import type { GradHook } from "../ops/graph.js";
import { installMethods } from "../ops/methods/install.js";
import type { Tensor } from "../tensor/tensor.js";
import type { BackwardOptions } from "./engine.js";
import { backward } from "./engine.js";
import type { RemovableHandle } from "./hooks.js";
import { registerHook, retainGrad } from "./hooks.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /**
     * Computes gradients of this tensor with respect to the graph's leaves (accumulated into `.grad`).
     * @example loss.backward();
     */
    backward(gradient?: Tensor | null, opts?: BackwardOptions): void;
    /** Registers a gradient hook; see autograd.registerHook. */
    registerHook(hook: GradHook): RemovableHandle;
    /** Keeps `.grad` on a non-leaf after backward. */
    retainGrad(): void;
  }
}

installMethods({
  backward(gradient?: Tensor | null, opts?: BackwardOptions) { backward(this, gradient ?? null, opts); },
  registerHook(hook: GradHook) { return registerHook(this, hook); },
  retainGrad() { retainGrad(this); },
});
