import type { View } from "../backend/kernels.js";
import type { DType } from "../tensor/dtype.js";
import { isFloating, promoteTypes } from "../tensor/dtype.js";
import { scalarTensor } from "../tensor/creation.js";
import type { Shape } from "../tensor/shape.js";
import { broadcastStrides, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** A plain JS number or boolean, accepted wherever a tensor is (like a Python scalar). */
export type Scalar = number | boolean;
/** A tensor or a scalar. */
export type TensorLike = Tensor | Scalar;

type Category = 0 | 1 | 2; // bool, integer, floating
const category = (d: DType): Category => (d === "bool" ? 0 : d === "int32" ? 1 : 2);
const scalarCategory = (s: Scalar): Category => (typeof s === "boolean" ? 0 : Number.isInteger(s) ? 1 : 2);
const defaultFor = (c: Category): DType => (c === 0 ? "bool" : c === 1 ? "int32" : "float32");

/**
 * PyTorch's result_type: tensors with dimensions decide the dtype; 0-d tensors and then
 * plain scalars only raise the category (bool -> int -> float), never the width.
 */
export function resultType(operands: readonly TensorLike[]): DType {
  let dim: DType | null = null;
  let zero: DType | null = null;
  let scal: Category = 0;
  let anyScalar = false;
  for (const o of operands) {
    if (o instanceof Tensor) {
      if (o.shape.length > 0) dim = dim ? promoteTypes(dim, o.dtype) : o.dtype;
      else zero = zero ? promoteTypes(zero, o.dtype) : o.dtype;
    } else {
      anyScalar = true;
      scal = Math.max(scal, scalarCategory(o)) as Category;
    }
  }
  let out: DType | null = dim;
  if (zero) out = out === null ? zero : category(zero) > category(out) ? zero : out;
  if (anyScalar) out = out === null ? defaultFor(scal) : scal > category(out) ? defaultFor(scal) : out;
  return out ?? "float32";
}

/** A tensor of `dtype` for a scalar or tensor operand (tensors keep their dtype: kernels read any). */
export function operand(x: TensorLike, dtype: DType, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== "number" && typeof x !== "boolean") {
    throw new TypeError(`${op}: expected a Tensor, number or boolean operand, got ${x === null ? "null" : typeof x}`);
  }
  return scalarTensor(x, dtype);
}

export function asTensor(x: TensorLike, op: string, dtype?: DType): Tensor {
  if (x instanceof Tensor) return x;
  return operand(x, dtype ?? resultType([x]), op);
}

/** A view of `t` broadcast to `shape` for a kernel (t itself when shapes match). */
export function broadcastView(t: Tensor, shape: Shape): View {
  if (shapesEqual(t.shape, shape)) return t;
  return { data: t.data, shape, strides: broadcastStrides(t.shape, t.strides, shape), offset: t.offset };
}

export function requireFloat(t: Tensor, op: string): void {
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected a floating point tensor, got dtype ${t.dtype}`);
}

export function checkTensor(x: unknown, op: string, what = "input"): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${what} must be a Tensor, got ${x === null ? "null" : typeof x}`);
  return x;
}
