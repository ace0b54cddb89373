import { broadcastShapes, fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { mul, neg } from "../elementwise.js";
import { attach, needsGrad } from "../graph.js";
import { matmul } from "../matmul.js";
import { sumTo } from "../reduce.js";
import { batchOf, checkMatrix, checkSameDtype, checkSquare, fromF64, kernels, mT, triangleMask, viewAs } from "./common.js";

/** Options of linalg.solveTriangular. */
export interface SolveTriangularOptions {
  /** Whether A is upper (true) or lower (false) triangular; required, as in PyTorch. */
  upper: boolean;
  /** Solve A X = B (true, the default) or X A = B (false). */
  left?: boolean;
  /** Assume A's diagonal is all ones (it is not read). */
  unitriangular?: boolean;
}

/**
 * Solves A X = B (or X A = B with `left: false`) for triangular A by substitution
 * (torch.linalg.solve_triangular); only A's `upper` or lower triangle is read. Batch dims
 * broadcast. A zero on the diagonal gives infinities, as in PyTorch.
 * @example gl.linalg.solveTriangular(gl.tensor([[2, 1], [0, 4]]), gl.tensor([[4], [8]]), { upper: true }) // [[1], [2]]
 */
export function solveTriangular(A: Tensor, B: Tensor, opts: SolveTriangularOptions): Tensor {
  const op = "linalg.solveTriangular";
  checkSquare(A, op);
  checkMatrix(B, op, "B");
  checkSameDtype(A, B, op);
  if (typeof opts?.upper !== "boolean") throw new TypeError(`${op}: the upper option is required (true for an upper triangular A, false for lower)`);
  const unit = opts.unitriangular ?? false;
  if (opts.left ?? true) return triangularLeft(A, B, opts.upper, unit, op);
  return mT(triangularLeft(mT(A), mT(B), !opts.upper, unit, op));
}

function triangularLeft(A: Tensor, B: Tensor, upper: boolean, unit: boolean, op: string): Tensor {
  const n = A.shape[A.ndim - 1];
  if (B.shape[B.ndim - 2] !== n) {
    throw new RangeError(`${op}: incompatible shapes of A and B for the equation AX = B (${fmtShape(A.shape)} and ${fmtShape(B.shape)}): B needs ${n} rows`);
  }
  const k = B.shape[B.ndim - 1];
  const batch = broadcastShapes(batchOf(A), batchOf(B), op);
  const X = fromF64(kernels().triangularSolve(viewAs(A, [...batch, n, n]), viewAs(B, [...batch, n, k]), upper, unit), [...batch, n, k], A.dtype);
  if (needsGrad(A, B)) {
    attach(X, "LinalgSolveTriangularBackward", [A, B], (g) => {
      const gB = triangularLeft(mT(A), g, !upper, unit, op);
      // Only the triangle that was read gets a gradient (without the diagonal when unit).
      const mask = triangleMask(n, n, upper, A.dtype, unit ? (upper ? 1 : -1) : 0);
      return [
        A.requiresGrad ? sumTo(mul(neg(matmul(gB, mT(X))), mask), A.shape) : null,
        B.requiresGrad ? sumTo(gB, B.shape) : null,
      ];
    }, [A, X]);
  }
  return X;
}
