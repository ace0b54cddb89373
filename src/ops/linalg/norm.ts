import { isFloating } from "../../tensor/dtype.js";
import { normDim } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { abs } from "../elementwise.js";
import { checkTensor } from "../operand.js";
import type { DimArg } from "../reduce.js";
import { amax, amin, norm as pNorm, reducedShape, sum } from "../reduce.js";
import { permute, reshape } from "../shape.js";
import { checkMatrix } from "./common.js";
import { svdvals } from "./svd.js";

// Vector and matrix norms (torch.linalg.vector_norm / matrix_norm / norm), as composites:
// the vector norm is the p-norm reduction (with PyTorch's norm_backward), matrix norms
// reduce abs-sums or singular values.

/** A matrix norm order: a number (1, -1, 2, -2, Infinity, -Infinity) or "fro" / "nuc". */
export type NormOrd = number | "fro" | "nuc";

/** Options of linalg.norm, for callers who prefer keywords. */
export interface NormOptions {
  ord?: NormOrd | null;
  dim?: DimArg;
  keepdim?: boolean;
}

function checkFloat(x: unknown, op: string): Tensor {
  const t = checkTensor(x, op);
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected a floating point tensor (float32 or float64), got dtype ${t.dtype}`);
  return t;
}

/**
 * The vector ord-norm over `dim` (all elements by default), torch.linalg.vector_norm:
 * (sum |x|^ord)^(1/ord); Infinity / -Infinity give max / min |x|, 0 counts nonzeros.
 * The gradient is PyTorch's (zero where the norm is zero).
 * @example gl.linalg.vectorNorm(gl.tensor([3, 4])).item() // 5
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: DimArg, keepdim = false): Tensor {
  const op = "linalg.vectorNorm";
  checkFloat(x, op);
  if (typeof ord !== "number" || Number.isNaN(ord)) throw new TypeError(`${op}: ord must be a number (or Infinity / -Infinity), got ${JSON.stringify(ord)}`);
  return pNorm(x, ord, dim, keepdim);
}

/**
 * A matrix norm over the two dims `dim` (the last two by default),
 * torch.linalg.matrix_norm: "fro" (default), "nuc" (sum of singular values), 2 / -2
 * (largest / smallest singular value), 1 / -1 (max / min column abs-sum), Infinity /
 * -Infinity (max / min row abs-sum).
 * @example gl.linalg.matrixNorm(gl.tensor([[1, -2], [3, 4]]), 1).item() // 6
 */
export function matrixNorm(A: Tensor, ord: NormOrd = "fro", dim: readonly number[] = [-2, -1], keepdim = false): Tensor {
  const op = "linalg.matrixNorm";
  checkMatrix(A, op);
  if (!Array.isArray(dim) || dim.length !== 2) throw new RangeError(`${op}: dim must be a list of two dims, got ${JSON.stringify(dim)}`);
  const d0 = normDim(dim[0], A.ndim, op), d1 = normDim(dim[1], A.ndim, op);
  if (d0 === d1) throw new RangeError(`${op}: dims must be different, got ${JSON.stringify(dim)}`);
  const both = [Math.min(d0, d1), Math.max(d0, d1)];
  const finish = (t: Tensor) => (keepdim ? t : reshape(t, reducedShape(A.shape, both, false)));
  if (ord === "fro") return vectorNorm(A, 2, both, keepdim);
  if (ord === "nuc" || ord === 2 || ord === -2) {
    // Move the two dims last, take singular values, reduce them.
    const rest = A.shape.map((_, i) => i).filter((i) => i !== d0 && i !== d1);
    const S = svdvals(permute(A, [...rest, d0, d1]));
    const r = ord === "nuc" ? sum(S, -1) : ord === 2 ? amax(S, -1) : amin(S, -1);
    return keepdim ? reshape(r, reducedShape(A.shape, both, true)) : r;
  }
  if (ord === 1 || ord === -1) {
    const colSums = sum(abs(A), d0, true);
    return finish(ord === 1 ? amax(colSums, d1, true) : amin(colSums, d1, true));
  }
  if (ord === Infinity || ord === -Infinity) {
    const rowSums = sum(abs(A), d1, true);
    return finish(ord > 0 ? amax(rowSums, d0, true) : amin(rowSums, d0, true));
  }
  throw new RangeError(`${op}: ord must be "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity, got ${JSON.stringify(ord)}`);
}

/**
 * A vector or matrix norm, torch.linalg.norm. With neither ord nor dim: the 2-norm of all
 * elements. With a 1-element dim: vectorNorm. With a 2-element dim: matrixNorm. With ord
 * but no dim: A must be 1-D (vector norm) or 2-D (matrix norm). The second argument may
 * also be an options object { ord, dim, keepdim }.
 * @example
 * gl.linalg.norm(gl.tensor([[3, 0], [0, 4]])).item()        // 5 (Frobenius)
 * gl.linalg.norm(gl.tensor([[3, 0], [0, 4]]), 2).item()     // 4 (spectral)
 * gl.linalg.norm(gl.tensor([[3, 0], [0, 4]]), { dim: 1 })   // [3, 4]
 */
export function norm(A: Tensor, ord?: NormOrd | null | NormOptions, dim?: DimArg, keepdim = false): Tensor {
  const op = "linalg.norm";
  if (ord !== null && typeof ord === "object") return norm(A, ord.ord, ord.dim, ord.keepdim ?? false);
  checkFloat(A, op);
  if (dim !== undefined && dim !== null) {
    const dims = typeof dim === "number" ? [dim] : [...dim];
    if (dims.length === 1) {
      if (typeof ord === "string") throw new RangeError(`${op}: ord "${ord}" is a matrix norm and needs a 2-element dim, got dim ${JSON.stringify(dim)}`);
      return vectorNorm(A, ord ?? 2, dims, keepdim);
    }
    if (dims.length === 2) return matrixNorm(A, ord ?? "fro", dims, keepdim);
    throw new RangeError(`${op}: dim must have 1 or 2 elements, got ${JSON.stringify(dim)}`);
  }
  if (ord === undefined || ord === null) return vectorNorm(A, 2, null, keepdim);
  if (A.ndim === 1) {
    if (typeof ord === "string") throw new RangeError(`${op}: ord "${ord}" is a matrix norm, but the input is 1-D (shape [${A.shape}])`);
    return vectorNorm(A, ord, null, keepdim);
  }
  if (A.ndim === 2) return matrixNorm(A, ord, [-2, -1], keepdim);
  throw new RangeError(`${op}: when ord is given without dim, the input must be 1-D or 2-D, got ${A.ndim}-D (shape [${A.shape}]); pass dim to choose the dims to reduce`);
}
