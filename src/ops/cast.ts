import { backend } from "../backend/registry.js";
import type { DType } from "../tensor/dtype.js";
import { isDType, isFloating } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { attach, needsGrad } from "./graph.js";
import { checkTensor } from "./operand.js";

/**
 * Converts to another dtype (a copy; the same tensor when the dtype already matches).
 * Gradients flow back through float-to-float casts.
 * @example gl.tensor([1, 2]).to("float64")
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, "to");
  if (!isDType(dtype)) throw new TypeError(`to: unknown dtype "${String(dtype)}" (expected float32, float64, int32 or bool)`);
  if (x.dtype === dtype) return x;
  const out = Tensor.fromArray(backend().copy(x, dtype), x.shape, dtype);
  if (isFloating(dtype) && needsGrad(x)) attach(out, "ToCopyBackward", [x], (g) => [cast(g, x.dtype)]);
  return out;
}
