import { broadcastShapes, fmtShape, shapesEqual } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { add, mul, neg } from "../elementwise.js";
import { attach, needsGrad, noGrad } from "../graph.js";
import { matmul } from "../matmul.js";
import { checkTensor } from "../operand.js";
import { sumTo } from "../reduce.js";
import { select, squeeze, unsqueeze } from "../shape.js";
import { batchOf, checkSameDtype, checkSquare, eyeOf, firstFailure, fromF64, identityView, kernels, mT, singularError, viewAs } from "./common.js";
import { svd } from "./svd.js";

// The LU-based ops: det, inv, solve. Forward = LU with partial pivoting in the kernels;
// gradients are written with inv/solve themselves, so they differentiate again.

/**
 * Determinant of a square matrix or of each matrix in a batch (torch.linalg.det). Its
 * gradient is det(A) * inv(A)^T, or, for singular A, the cofactor matrix from the SVD.
 * @example gl.linalg.det(gl.tensor([[1, 2], [3, 4]])).item() // -2
 */
export function det(A: Tensor): Tensor {
  checkSquare(A, "linalg.det");
  const out = fromF64(kernels().det(A), batchOf(A), A.dtype);
  if (needsGrad(A)) {
    attach(out, "LinalgDetBackward", [A], (g) => {
      const singular = firstFailure(noGrad(() => kernels().lu(A)).info) >= 0;
      // d det / dA = adj(A)^T, which is det(A) inv(A)^T when A is invertible.
      if (singular) return [mul(unsqueeze(unsqueeze(g, -1), -1), cofactors(A))];
      return [mul(unsqueeze(unsqueeze(mul(g, out), -1), -1), mT(inv(A)))];
    }, [A, out]);
  }
  return out;
}

/**
 * The cofactor matrix adj(A)^T without dividing by det(A): with A = U S Vh it is
 * det(U) det(Vh) U diag(prod_{j != i} S_j) Vh, finite for singular A.
 */
function cofactors(A: Tensor): Tensor {
  const { U, S, Vh } = svd(A);
  const sign = unsqueeze(mul(det(U), det(Vh)), -1);
  return matmul(mul(U, unsqueeze(mul(productOfOthers(S), sign), -2)), Vh);
}

/** out[..., i] = prod_{j != i} s[..., j], by prefix and suffix products (no division, so zeros are fine). */
function productOfOthers(s: Tensor): Tensor {
  const k = s.shape[s.ndim - 1];
  const cols = Array.from({ length: k }, (_, i) => select(s, -1, i));
  const prefix: (Tensor | null)[] = [null];
  for (let i = 1; i < k; i++) prefix.push(prefix[i - 1] ? mul(prefix[i - 1]!, cols[i - 1]) : cols[i - 1]);
  let suffix: Tensor | null = null;
  let out: Tensor | null = null;
  for (let i = k - 1; i >= 0; i--) {
    const p = prefix[i] && suffix ? mul(prefix[i]!, suffix) : prefix[i] ?? suffix;
    const onehot = select(eyeOf(k, s.dtype), 0, i);
    // With k = 1 the product is empty (1); the zero term keeps s's batch shape.
    const term = p ? mul(unsqueeze(p, -1), onehot) : add(mul(unsqueeze(cols[i], -1), 0), onehot);
    out = out ? add(out, term) : term;
    suffix = suffix ? mul(suffix, cols[i]) : cols[i];
  }
  return out!;
}

/**
 * Inverse of a square matrix or of each matrix in a batch (torch.linalg.inv); a
 * LinAlgError names the zero pivot when a matrix is singular.
 * @example gl.linalg.inv(gl.tensor([[2, 0], [0, 4]])) // [[0.5, 0], [0, 0.25]]
 */
export function inv(A: Tensor): Tensor {
  const op = "linalg.inv";
  checkSquare(A, op);
  const n = A.shape[A.ndim - 1];
  const f = kernels().lu(A);
  if (firstFailure(f.info) >= 0) throw singularError(op, f.info, batchOf(A), "so it has no inverse");
  const out = fromF64(kernels().luSolve(f, identityView(batchOf(A), n)), A.shape, A.dtype);
  if (needsGrad(A)) {
    attach(out, "LinalgInvBackward", [A], (g) => {
      const t = mT(out);
      return [neg(matmul(t, matmul(g, t)))];
    }, [out]);
  }
  return out;
}

/** Options of linalg.solve. */
export interface SolveOptions {
  /** Solve A X = B (true, the default) or X A = B (false). */
  left?: boolean;
}

/**
 * Solves A X = B for square A (torch.linalg.solve). B is a batch of vectors [..., n] when
 * it is 1-D or has A's shape minus the last dim; otherwise matrices [..., n, k]. Batch
 * dims broadcast. With `left: false` it solves X A = B.
 * @example gl.linalg.solve(gl.tensor([[3, 1], [1, 2]]), gl.tensor([9, 8])) // [2, 3]
 */
export function solve(A: Tensor, B: Tensor, opts: SolveOptions = {}): Tensor {
  const op = "linalg.solve";
  checkSquare(A, op);
  checkTensor(B, op, "B");
  checkSameDtype(A, B, op);
  const left = opts.left ?? true;
  const vector = B.ndim === 1 || (B.ndim === A.ndim - 1 && shapesEqual(B.shape, A.shape.slice(0, -1)));
  const a = left ? A : mT(A);
  if (vector) return squeeze(solveMatrices(a, unsqueeze(B, -1), op), -1);
  if (B.ndim < 2) throw new RangeError(`${op}: B must be a vector or a batch of matrices, got shape ${fmtShape(B.shape)}`);
  return left ? solveMatrices(a, B, op) : mT(solveMatrices(a, mT(B), op));
}

/** A X = B for A [..., n, n] and B [..., n, k] with broadcast batch dims. */
export function solveMatrices(A: Tensor, B: Tensor, op: string): Tensor {
  const n = A.shape[A.ndim - 1];
  if (B.shape[B.ndim - 2] !== n) {
    throw new RangeError(`${op}: incompatible shapes of A and B for the equation AX = B (${fmtShape(A.shape)} and ${fmtShape(B.shape)}): B needs ${n} rows`);
  }
  const k = B.shape[B.ndim - 1];
  const batch = broadcastShapes(batchOf(A), batchOf(B), op);
  const f = kernels().lu(viewAs(A, [...batch, n, n]));
  if (firstFailure(f.info) >= 0) throw singularError(op, f.info, batch, "so AX = B has no unique solution");
  const X = fromF64(kernels().luSolve(f, viewAs(B, [...batch, n, k])), [...batch, n, k], A.dtype);
  if (needsGrad(A, B)) {
    attach(X, "LinalgSolveBackward", [A, B], (g) => {
      const gB = solveMatrices(mT(A), g, op);
      return [
        A.requiresGrad ? sumTo(neg(matmul(gB, mT(X))), A.shape) : null,
        B.requiresGrad ? sumTo(gB, B.shape) : null,
      ];
    }, [A, X]);
  }
  return X;
}
