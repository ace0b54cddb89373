import type { Tensor } from "../../tensor/tensor.js";
import { add, div, mul, sub } from "../elementwise.js";
import { needsGrad, record } from "../graph.js";
import { matmul } from "../matmul.js";
import { unsqueeze } from "../shape.js";
import { batchOf, checkConverged, checkSquare, diagEmbed, eyeOf, fromF64, isZeroConst, kernels, mT } from "./common.js";

// Symmetric eigendecomposition: cyclic Jacobi in the kernels, PyTorch's eigh gradient
// (linalg_eig_backward, Hermitian case) written with tensor ops.

/** Options of linalg.eigh / eigvalsh. */
export interface EighOptions {
  /** Which triangle of A is read: "L" (lower, the default) or "U". */
  UPLO?: "L" | "U";
}

/** The eigenvalues (ascending) and the eigenvectors as columns. */
export interface EighResult {
  eigenvalues: Tensor;
  eigenvectors: Tensor;
}

function uploOf(opts: EighOptions, op: string): boolean {
  const uplo = opts.UPLO ?? "L";
  if (uplo !== "L" && uplo !== "U") throw new RangeError(`${op}: UPLO must be "L" or "U", got ${JSON.stringify(uplo)}`);
  return uplo === "U";
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors of a real symmetric matrix or
 * batch (torch.linalg.eigh); only the UPLO triangle is read. Each eigenvector has its
 * largest-magnitude entry positive. The gradient assumes distinct eigenvalues and is
 * symmetric: gA = V (diag(gL) + skew(V^T gV) / 2 / E) V^T with E_ij = L_j - L_i.
 * @example
 * const { eigenvalues, eigenvectors } = gl.linalg.eigh(gl.tensor([[2, 1], [1, 2]]));
 * eigenvalues // [1, 3]
 */
export function eigh(A: Tensor, opts: EighOptions = {}): EighResult {
  const op = "linalg.eigh";
  checkSquare(A, op);
  const upper = uploOf(opts, op);
  const n = A.shape[A.ndim - 1];
  const r = kernels().eigh(A, upper, true);
  checkConverged(r.values, op);
  const L = fromF64(r.values, [...batchOf(A), n], A.dtype);
  const V = fromF64(r.vectors, A.shape, A.dtype);
  if (needsGrad(A)) {
    record("LinalgEighBackward", [A], [L, V], ([gL, gV]) => {
      let inner = diagEmbed(gL);
      if (!isZeroConst(gV)) {
        const K = matmul(mT(V), gV);
        // E_ij = L_j - L_i off the diagonal, 1 on it (where the skew part is zero).
        const E = add(sub(unsqueeze(L, -2), unsqueeze(L, -1)), eyeOf(n, L.dtype));
        inner = add(inner, div(mul(sub(K, mT(K)), 0.5), E));
      }
      return [matmul(V, matmul(inner, mT(V)))];
    }, [L, V]);
  }
  return { eigenvalues: L, eigenvectors: V };
}

/**
 * Eigenvalues of a symmetric matrix or batch, ascending (torch.linalg.eigvalsh).
 * @example gl.linalg.eigvalsh(gl.tensor([[2, 1], [1, 2]])) // [1, 3]
 */
export function eigvalsh(A: Tensor, opts: EighOptions = {}): Tensor {
  const op = "linalg.eigvalsh";
  checkSquare(A, op);
  const upper = uploOf(opts, op);
  if (needsGrad(A)) return eigh(A, opts).eigenvalues;
  const n = A.shape[A.ndim - 1];
  const values = kernels().eigh(A, upper, false).values;
  checkConverged(values, op);
  return fromF64(values, [...batchOf(A), n], A.dtype);
}
