import { backend } from "../backend/registry.js";
import type { DType } from "../tensor/dtype.js";
import { isFloating } from "../tensor/dtype.js";
import { broadcastShapes, fmtShape, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { cast } from "./cast.js";
import * as E from "./elementwise.js";
import { isGradEnabled } from "./graph.js";
import type { Scalar, TensorLike } from "./operand.js";
import { broadcastView, operand, resultType } from "./operand.js";
import { axpyInto } from "./fused.js";
import { clone } from "./shape.js";

// In-place ops compute out of place, then write into self's storage and bump its
// version counter, so autograd can refuse to use a saved tensor that was overwritten.

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

function canCast(from: DType, to: DType): boolean {
  // PyTorch: an in-place result may not move up a category (float into int, int into bool).
  const cat = (d: DType) => (d === "bool" ? 0 : d === "int32" ? 1 : 2);
  return cat(from) <= cat(to) || RANK[from] <= RANK[to];
}

/** Guards an in-place op and returns the tensor to compute from (a clone when the graph is recorded). */
function source(self: Tensor, op: string, others: readonly TensorLike[]): Tensor {
  const recording = isGradEnabled() && (self.requiresGrad || others.some((o) => o instanceof Tensor && o.requiresGrad));
  if (!recording) return self;
  guardInplace(self, op, "the out-of-place op", "out-of-place ops (gl.where, gl.cat, gl.indexPutOutOfPlace)");
  // Compute from a copy so the saved inputs of the new node are not the tensor we overwrite.
  return clone(self);
}

/**
 * The two in-place writes autograd refuses while recording: into a leaf that requires
 * grad, and into a view (its base's history cannot be rewritten). `instead` names the
 * alternatives in the messages.
 */
export function guardInplace(self: Tensor, op: string, insteadOfLeaf: string, insteadOfView: string): void {
  if (self.isLeaf && self._requiresGrad) {
    throw new Error(`${op}: a leaf tensor that requires grad (shape ${fmtShape(self.shape)}) is being used in an in-place operation. Wrap the update in gl.noGrad(() => ...) as optimizers do, or use ${insteadOfLeaf}.`);
  }
  if (self._base !== null) {
    throw new Error(`${op}: in-place modification of a view (shape ${fmtShape(self.shape)}) while recording gradients is not supported: the base tensor's history cannot be rewritten. Use ${insteadOfView}, or clone() the view first.`);
  }
}

/** Writes `result` into `self` (broadcasting to self's shape) and rebases self's history. */
export function commit(self: Tensor, result: Tensor, op: string): Tensor {
  if (!canCast(result.dtype, self.dtype)) {
    throw new TypeError(`${op}: result type ${result.dtype} can't be cast to the desired output type ${self.dtype}`);
  }
  const shape = broadcastShapes(self.shape, result.shape, op);
  if (!shapesEqual(shape, self.shape)) {
    throw new RangeError(`${op}: output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`);
  }
  backend().assign(self, broadcastView(result, self.shape));
  self.storage.version++;
  if (result.requiresGrad && isGradEnabled()) {
    const r = result.dtype === self.dtype ? result : cast(result, self.dtype);
    self._gradFn = r._gradFn;
    self._outputNr = r._outputNr;
  }
  return self;
}

function binaryInplace(op: string, f: (a: Tensor, b: TensorLike) => Tensor) {
  return (self: Tensor, other: TensorLike): Tensor => commit(self, f(source(self, op, [other]), other), op);
}
function unaryInplace(op: string, f: (a: Tensor) => Tensor) {
  return (self: Tensor): Tensor => commit(self, f(source(self, op, [])), op);
}

/** add_/sub_ without a graph to record: one fused pass when axpyInto can take it. */
function fusedAdd(self: Tensor, other: TensorLike, alpha: number, op: string): boolean {
  if (isGradEnabled() && (self.requiresGrad || (other instanceof Tensor && other.requiresGrad))) return false;
  if (!(self instanceof Tensor)) return false;
  if (other instanceof Tensor) return axpyInto(self, other, alpha);
  if (typeof other !== "number" || resultType([self, other]) !== self.dtype) return false;
  return axpyInto(self, operand(other, self.dtype, op), alpha);
}

/** self += alpha * other (in place; one pass when nothing is recorded). */
export const add_ = (self: Tensor, other: TensorLike, alpha?: number) =>
  fusedAdd(self, other, alpha ?? 1, "add_") ? self : commit(self, E.add(source(self, "add_", [other]), other, alpha), "add_");
/** self -= alpha * other (in place; one pass when nothing is recorded). */
export const sub_ = (self: Tensor, other: TensorLike, alpha?: number) =>
  fusedAdd(self, other, -(alpha ?? 1), "sub_") ? self : commit(self, E.sub(source(self, "sub_", [other]), other, alpha), "sub_");
export const mul_ = binaryInplace("mul_", E.mul);
export const div_ = binaryInplace("div_", E.div);
export const pow_ = binaryInplace("pow_", E.pow);
export const maximum_ = binaryInplace("maximum_", E.maximum);
export const minimum_ = binaryInplace("minimum_", E.minimum);
export const neg_ = unaryInplace("neg_", E.neg);
export const exp_ = unaryInplace("exp_", E.exp);
export const log_ = unaryInplace("log_", E.log);
export const sqrt_ = unaryInplace("sqrt_", E.sqrt);
export const abs_ = unaryInplace("abs_", E.abs);
export const relu_ = unaryInplace("relu_", E.relu);
export const sigmoid_ = unaryInplace("sigmoid_", E.sigmoid);
export const tanh_ = unaryInplace("tanh_", E.tanh);
export const square_ = unaryInplace("square_", E.square);
export const sign_ = unaryInplace("sign_", E.sign);
export const clamp_ = (self: Tensor, min?: Scalar | null, max?: Scalar | null) => commit(self, E.clamp(source(self, "clamp_", []), min, max), "clamp_");

/** self += value * t1 * t2 (as torch.addcmul_, used by optimizers). */
export const addcmul_ = (self: Tensor, t1: Tensor, t2: Tensor, value = 1) =>
  commit(self, E.add(source(self, "addcmul_", [t1, t2]), E.mul(E.mul(t1, t2), value)), "addcmul_");
/** self += value * t1 / t2 (as torch.addcdiv_). */
export const addcdiv_ = (self: Tensor, t1: Tensor, t2: Tensor, value = 1) =>
  commit(self, E.add(source(self, "addcdiv_", [t1, t2]), E.mul(E.div(t1, t2), value)), "addcdiv_");
/** self = self + weight * (end - self) (as torch.lerp_). */
export const lerp_ = (self: Tensor, end: TensorLike, weight: number) => {
  const s = source(self, "lerp_", [end]);
  return commit(self, E.add(s, E.mul(E.sub(end, s), weight)), "lerp_");
};

/** Copies `src` (broadcast) into self. */
export function copy_(self: Tensor, src: TensorLike): Tensor {
  const s = source(self, "copy_", [src]);
  const t = src instanceof Tensor ? src : operand(src, resultType([src]), "copy_");
  if (!(src instanceof Tensor) || !src.requiresGrad) {
    // A plain copy: no category check (copy_ converts, as in PyTorch).
    const shape = broadcastShapes(self.shape, t.shape, "copy_");
    if (!shapesEqual(shape, self.shape)) throw new RangeError(`copy_: source of shape ${fmtShape(t.shape)} cannot be broadcast to ${fmtShape(self.shape)}`);
    backend().assign(self, broadcastView(t, self.shape));
    self.storage.version++;
    if (s !== self) self._gradFn = null; // overwritten by a constant: no history left
    return self;
  }
  // Differentiable copy: the result is src (cast, broadcast) with the gradient flowing to src.
  const r = E.add(E.mul(s, 0), isFloating(self.dtype) ? cast(src, self.dtype) : src);
  return commit(self, r, "copy_");
}

/** Fills with a constant; a recorded tensor becomes a constant (its history is cut). */
export const fill_ = (self: Tensor, value: Scalar) => {
  const recording = source(self, "fill_", []) !== self;
  backend().assign(self, broadcastView(operand(value, self.dtype, "fill_"), self.shape));
  self.storage.version++;
  if (recording) self._gradFn = null;
  return self;
};
export const zero_ = (self: Tensor) => fill_(self, 0);

/** Element-wise random fills used by nn.init (in place, version bumped). */
export function assignData(self: Tensor, values: Tensor): Tensor {
  backend().assign(self, broadcastView(values, self.shape));
  self.storage.version++;
  return self;
}
