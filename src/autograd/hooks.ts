import type { GradHook } from "../ops/graph.js";
import { accumulateNode, Node } from "../ops/graph.js";
import { fmtShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** Returned by registerHook: call remove() to unregister. */
export interface RemovableHandle {
  remove(): void;
}

/**
 * Registers a hook that runs when `t`'s gradient is computed; it may return a
 * replacement gradient. On a leaf it runs before accumulation into `.grad`.
 * @example w.registerHook((g) => g.mul(0.5)); // halve w's gradient
 */
export function registerHook(t: Tensor, hook: GradHook): RemovableHandle {
  if (!t.requiresGrad) {
    throw new Error(`registerHook: cannot register a hook on a tensor that doesn't require gradient (shape ${fmtShape(t.shape)})`);
  }
  const node: Node = t.isLeaf ? accumulateNode(t) : (t._gradFn as Node);
  const nr = t.isLeaf ? 0 : t._outputNr;
  node.addPreHook(nr, hook);
  return {
    remove() {
      const list = node.preHooks?.[nr];
      if (!list) return;
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

/** Makes a non-leaf tensor keep its `.grad` after backward (leaves always do). */
export function retainGrad(t: Tensor): void {
  if (!t.requiresGrad) throw new Error(`retainGrad: can't retain the gradient of a tensor that doesn't require grad (shape ${fmtShape(t.shape)})`);
  if (t.isLeaf) return;
  const node = t._gradFn as Node;
  node.retained ??= node.outShapes.map(() => null);
  node.retained[t._outputNr] = t;
}
