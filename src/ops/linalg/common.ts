import type { LinalgKernels, View } from "../../backend/kernels.js";
import { backend } from "../../backend/registry.js";
import type { DType } from "../../tensor/dtype.js";
import { isFloating } from "../../tensor/dtype.js";
import { eye } from "../../tensor/creation.js";
import type { Shape } from "../../tensor/shape.js";
import { broadcastStrides, fmtShape, shapesEqual } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { mul } from "../elementwise.js";
import { attach, needsGrad } from "../graph.js";
import { matmul } from "../matmul.js";
import { checkTensor } from "../operand.js";
import { makeView, transpose, unsqueeze } from "../shape.js";

// What every linalg op shares: argument checks, float64 <-> dtype conversion, and the few
// differentiable matrix helpers (transpose, diagonal, diag_embed, triangle masks).

/**
 * The error linalg ops raise when a matrix cannot be factorised or inverted (PyTorch's
 * torch.linalg.LinAlgError).
 * @example
 * try { gl.linalg.inv(gl.zeros([2, 2])); } catch (e) { e instanceof gl.linalg.LinAlgError; } // true
 */
export class LinAlgError extends Error {
  override name = "LinAlgError";
}

/** The current backend's linalg kernels. */
export const kernels = (): LinalgKernels => backend().linalg;

/** Checks that A is a floating tensor with at least 2 dims (a batch of matrices). */
export function checkMatrix(A: unknown, op: string, what = "A"): Tensor {
  const t = checkTensor(A, op, what);
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected ${what} to be a floating point tensor (float32 or float64), got dtype ${t.dtype}`);
  if (t.ndim < 2) throw new RangeError(`${op}: ${what} must have at least 2 dimensions (a matrix or a batch of matrices), got shape ${fmtShape(t.shape)}`);
  return t;
}

/** Checks for a batch of square matrices. */
export function checkSquare(A: unknown, op: string, what = "A"): Tensor {
  const t = checkMatrix(A, op, what);
  const m = t.shape[t.ndim - 2], n = t.shape[t.ndim - 1];
  if (m !== n) throw new RangeError(`${op}: ${what} must be a square matrix or a batch of square matrices, but it has shape ${fmtShape(t.shape)} (${m} by ${n} matrices)`);
  return t;
}

/** Two operands of a solve must share a dtype, as in PyTorch. */
export function checkSameDtype(A: Tensor, B: Tensor, op: string): void {
  if (A.dtype !== B.dtype) throw new TypeError(`${op}: expected A and B to have the same dtype, but A is ${A.dtype} and B is ${B.dtype}`);
}

/** The batch dims of a matrix tensor. */
export const batchOf = (t: Tensor): number[] => t.shape.slice(0, -2);

/**
 * Wraps a kernel result (float64, or float32 already rounded for a float32 input) as a
 * tensor of `dtype`, converting only when the precisions differ.
 */
export function fromF64(data: Float64Array | Float32Array, shape: Shape, dtype: DType): Tensor {
  if (dtype === "float64") return Tensor.fromArray(data instanceof Float64Array ? data : Float64Array.from(data), shape, "float64");
  return Tensor.fromArray(data instanceof Float32Array ? data : Float32Array.from(data), shape, dtype);
}

/** A kernel view of `t` broadcast to `shape` (stride 0 on broadcast dims). */
export function viewAs(t: Tensor, shape: Shape): View {
  if (shapesEqual(t.shape, shape)) return t;
  return { data: t.data, shape, strides: broadcastStrides(t.shape, t.strides, shape), offset: t.offset };
}

/** The identity as a kernel view over `batch` (one n x n buffer, batch strides 0). */
export function identityView(batch: Shape, n: number): View {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { data, shape: [...batch, n, n], strides: [...batch.map(() => 0), n, 1], offset: 0 };
}

/** The first batch element whose factorisation reported a zero pivot, or -1. */
export function firstFailure(info: Int32Array): number {
  for (let i = 0; i < info.length; i++) if (info[i] !== 0) return i;
  return -1;
}

/** The singular-matrix error, naming the batch element when there is a batch. */
export function singularError(op: string, info: Int32Array, batch: Shape, consequence: string): LinAlgError {
  const b = firstFailure(info);
  const where = batch.length > 0 ? `batch element ${b}: ` : "";
  return new LinAlgError(`${op}: ${where}the matrix is singular (pivot ${info[b]} is zero), ${consequence}`);
}

/** The last two dims swapped (A^T for each matrix of a batch). */
export const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

/** The identity of `dtype` (m x n). */
export const eyeOf = (n: number, dtype: DType, m = n): Tensor => eye(n, m, { dtype });

/** [..., k] -> [..., k, k] with v on the diagonal (torch.diag_embed). */
export function diagEmbed(v: Tensor): Tensor {
  const k = v.shape[v.ndim - 1];
  return mul(unsqueeze(v, -1), eyeOf(k, v.dtype));
}

/**
 * The main diagonal of each matrix, [..., m, n] -> [..., min(m, n)], as a view. Its
 * gradient puts g back on the diagonal of zeros (a composite, so it differentiates again).
 */
export function diagonal(A: Tensor): Tensor {
  const m = A.shape[A.ndim - 2], n = A.shape[A.ndim - 1], k = Math.min(m, n);
  const st = A.strides;
  const out = makeView(A, [...A.shape.slice(0, -2), k], [...st.slice(0, -2), st[st.length - 2] + st[st.length - 1]], A.offset);
  if (needsGrad(A)) {
    attach(out, "DiagonalBackward", [A], (g) => {
      let d = diagEmbed(g);
      if (m > k) d = matmul(eyeOf(m, g.dtype, k), d);
      if (n > k) d = matmul(d, eyeOf(k, g.dtype, n));
      return [d];
    });
  }
  return out;
}

/**
 * A constant m x n mask: 1 on the kept triangle (`upper`: j >= i + offset, else
 * j <= i + offset), `diag` on the main diagonal when it is kept, 0 elsewhere.
 */
export function triangleMask(m: number, n: number, upper: boolean, dtype: DType, offset = 0, diag = 1): Tensor {
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const keep = upper ? j - i >= offset : j - i <= offset;
      if (keep) data[i * n + j] = i === j ? diag : 1;
    }
  }
  return fromF64(data, [m, n], dtype);
}

/** The upper (or lower) triangle of each matrix, the rest zeroed (torch.triu / tril). */
export function triangle(A: Tensor, upper: boolean, offset = 0): Tensor {
  return mul(A, triangleMask(A.shape[A.ndim - 2], A.shape[A.ndim - 1], upper, A.dtype, offset));
}

/**
 * Whether a gradient is an exact zero that carries no graph. The engine hands zeros to a
 * rule for outputs that got no gradient; skipping their terms avoids 0 * inf where a
 * formula divides (e.g. by repeated singular values) that PyTorch skips the same way.
 */
export function isZeroConst(g: Tensor): boolean {
  if (g.requiresGrad) return false;
  const d = g.dataSync();
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}

/** Raises when a decomposition kernel reported NaN for a matrix with non-finite entries. */
export function checkConverged(values: Float64Array, op: string): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) throw new LinAlgError(`${op}: the input contains non-finite values (NaN or Infinity), so the decomposition is undefined`);
  }
}

/** Machine epsilon of a floating dtype (torch.finfo(dtype).eps). */
export const epsOf = (dtype: DType): number => (dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7);
