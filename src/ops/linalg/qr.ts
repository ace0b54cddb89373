import type { QrMode } from "../../backend/kernels.js";
import { Tensor } from "../../tensor/tensor.js";
import { add, mul, sub } from "../elementwise.js";
import { needsGrad, record } from "../graph.js";
import { matmul } from "../matmul.js";
import { narrow } from "../shape.js";
import { batchOf, checkMatrix, eyeOf, fromF64, kernels, mT, triangleMask } from "./common.js";
import { solveTriangular } from "./triangular.js";

// QR decomposition: Householder reflections in the kernels (LAPACK's signs, so values
// match PyTorch); the gradient (as in PyTorch's linalg_qr_backward) with tensor ops.

/** Options of linalg.qr. */
export interface QrOptions {
  /** "reduced" (default): Q [m, k], R [k, n]; "complete": Q [m, m], R [m, n]; "r": R only (Q empty). */
  mode?: QrMode;
}

/** The factors A = Q R. */
export interface QrResult {
  Q: Tensor;
  R: Tensor;
}

/**
 * QR decomposition A = Q R of a matrix or batch (torch.linalg.qr): Q has orthonormal
 * columns, R is upper triangular; k = min(m, n). Differentiable in "reduced" mode (and in
 * "complete" mode when m <= n), when R's diagonal has no zeros.
 * @example
 * const { Q, R } = gl.linalg.qr(gl.tensor([[1, 2], [3, 4], [5, 6]]));
 * Q.matmul(R) // ~ A
 */
export function qr(A: Tensor, opts: QrOptions = {}): QrResult {
  const op = "linalg.qr";
  checkMatrix(A, op);
  const mode = opts.mode ?? "reduced";
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw new RangeError(`${op}: mode must be "reduced" (the default), "complete" or "r", got ${JSON.stringify(mode)}`);
  }
  const m = A.shape[A.ndim - 2], n = A.shape[A.ndim - 1], k = Math.min(m, n);
  const batch = batchOf(A);
  const res = kernels().qr(A, mode);
  const rows = mode === "complete" ? m : k;
  const Q = mode === "r" ? Tensor.fromArray(new (A.data.constructor as Float32ArrayConstructor)(0), [0], A.dtype) : fromF64(res.q, [...batch, m, mode === "complete" ? m : k], A.dtype);
  const R = fromF64(res.r, [...batch, rows, n], A.dtype);
  if (needsGrad(A)) {
    record("LinalgQrBackward", [A], [Q, R], ([gQ, gR]) => {
      if (mode === "r") {
        throw new Error(`${op}: the derivative of QR depends on Q, which is not computed when mode is "r"; use mode "reduced" to differentiate through linalg.qr`);
      }
      if (mode === "complete" && m > n) {
        throw new Error(`${op}: the QR decomposition is not differentiable when mode is "complete" and A has more rows than columns (${m} > ${n}); use mode "reduced"`);
      }
      if (m >= n) return [qrBackwardTall(gQ, gR, Q, R)];
      // Wide A = [X | Y]: X = Q U is a square QR and V = Q^T Y, so Y's gradient is Q gV and
      // Q's gradient gains Y gV^T.
      const Y = narrow(A, -1, m, n - m);
      const gU = narrow(gR, -1, 0, m), gV = narrow(gR, -1, m, n - m);
      const gX = qrBackwardTall(add(gQ, matmul(Y, mT(gV))), gU, Q, narrow(R, -1, 0, m));
      const gY = matmul(Q, gV);
      // [gX | gY] as a sum of products with shifted identities.
      return [add(matmul(gX, eyeOf(m, A.dtype, n)), matmul(gY, narrow(eyeOf(n, A.dtype), 0, m, n - m)))];
    }, [Q, R, A]);
  }
  return { Q, R };
}

/**
 * The QR gradient for m >= n: with M = gR R^T - Q^T gQ and sym(M) its upper triangle
 * mirrored below the diagonal, gA = (Q sym(M) + gQ) R^-T (a triangular solve).
 */
function qrBackwardTall(gQ: Tensor, gR: Tensor, Q: Tensor, R: Tensor): Tensor {
  const k = R.shape[R.ndim - 2];
  const M = sub(matmul(gR, mT(R)), matmul(mT(Q), gQ));
  const sym = add(mul(M, triangleMask(k, k, true, M.dtype)), mT(mul(M, triangleMask(k, k, true, M.dtype, 1))));
  const B = add(matmul(Q, sym), gQ);
  return mT(solveTriangular(R, mT(B), { upper: true }));
}
