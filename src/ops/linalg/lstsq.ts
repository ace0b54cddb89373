import type { DType } from "../../tensor/dtype.js";
import { fmtShape, numel } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { cast } from "../cast.js";
import { abs, gt, maximum, mul, reciprocal, square, sub, where } from "../elementwise.js";
import { noGrad } from "../graph.js";
import { matmul } from "../matmul.js";
import { checkTensor } from "../operand.js";
import { sum } from "../reduce.js";
import { select, squeeze, unsqueeze } from "../shape.js";
import { batchOf, checkConverged, checkMatrix, checkSameDtype, epsOf, fromF64, kernels, LinAlgError, mT } from "./common.js";
import { eigh } from "./eigh.js";
import { qr } from "./qr.js";
import { svd } from "./svd.js";
import { solveTriangular } from "./triangular.js";

// Least squares and the pseudo-inverse: composites of svd / eigh / qr / triangular solves
// (in float64, cast back), so their gradients come from those ops.

/** Options of linalg.pinv. */
export interface PinvOptions {
  /** Absolute threshold: singular values <= atol are treated as zero. */
  atol?: number;
  /** Relative threshold (times the largest singular value). Default eps(dtype) * max(m, n), or 0 when only atol is given. */
  rtol?: number;
  /** A is symmetric: use eigh instead of svd. */
  hermitian?: boolean;
}

/**
 * Moore-Penrose pseudo-inverse of a matrix or batch (torch.linalg.pinv): V diag(1/s) U^T
 * keeping singular values above max(atol, rtol * s_max). Differentiable where the kept
 * singular values are distinct and the rank does not change (e.g. full rank).
 * @example gl.linalg.pinv(gl.tensor([[1, 0], [0, 2], [0, 0]])) // [[1, 0, 0], [0, 0.5, 0]]
 */
export function pinv(A: Tensor, opts: PinvOptions = {}): Tensor {
  const op = "linalg.pinv";
  checkMatrix(A, op);
  const m = A.shape[A.ndim - 2], n = A.shape[A.ndim - 1];
  const rtol = opts.rtol ?? (opts.atol !== undefined && opts.atol > 0 ? 0 : epsOf(A.dtype) * Math.max(m, n));
  return cast(pinv64(cast(A, "float64"), opts.atol ?? 0, rtol, opts.hermitian ?? false), A.dtype);
}

/** 1/x where keep, else 0; the second where keeps the unused branch finite for the gradient. */
const safeReciprocal = (x: Tensor, keep: Tensor) => where(keep, reciprocal(where(keep, x, 1)), 0);

function pinv64(A: Tensor, atol: number, rtol: number, hermitian: boolean): Tensor {
  if (Math.min(A.shape[A.ndim - 2], A.shape[A.ndim - 1]) === 0) return mT(mul(A, 0));
  if (hermitian) {
    const { eigenvalues: L, eigenvectors: V } = eigh(A);
    const a = abs(L);
    const tol = noGrad(() => maximum(mul(unsqueeze(maxOver(a), -1), rtol), atol));
    const Linv = safeReciprocal(L, gt(a, tol));
    return matmul(mul(V, unsqueeze(Linv, -2)), mT(V));
  }
  const { U, S, Vh } = svd(A, { fullMatrices: false });
  const tol = noGrad(() => maximum(mul(unsqueeze(select(S, -1, 0), -1), rtol), atol));
  const Sinv = safeReciprocal(S, gt(S, tol));
  return matmul(mul(mT(Vh), unsqueeze(Sinv, -2)), mT(U));
}

/** max over the last dim (no gradient needed: thresholds only). */
function maxOver(x: Tensor): Tensor {
  const k = x.shape[x.ndim - 1];
  let r = select(x, -1, 0);
  for (let i = 1; i < k; i++) r = maximum(r, select(x, -1, i));
  return r;
}

/** LAPACK drivers of torch.linalg.lstsq; they differ in what the result reports. */
export type LstsqDriver = "gelsy" | "gelsd" | "gelss" | "gels";

/** Options of linalg.lstsq. */
export interface LstsqOptions {
  /** Singular values below rcond * s_max count as zero (rank). Default eps(dtype) * max(m, n). */
  rcond?: number;
  /** "gelsy" (default), "gelsd", "gelss" or "gels"; see lstsq. */
  driver?: LstsqDriver;
}

/** What linalg.lstsq returns (torch.linalg.lstsq's named tuple). */
export interface LstsqResult {
  /** X minimising ||A X - B||, the minimum-norm one when A is rank deficient or wide. */
  solution: Tensor;
  /** ||A X - B||^2 per column: drivers other than gelsy, when m > n and A has full rank; else empty. */
  residuals: Tensor;
  /** Effective rank per matrix (int32); empty for gels. */
  rank: Tensor;
  /** Singular values of A for gelsd and gelss; else empty. */
  singularValues: Tensor;
}

const DRIVERS: readonly string[] = ["gelsy", "gelsd", "gelss", "gels"];

const empty = (dtype: DType) => Tensor.fromArray(dtype === "float64" ? new Float64Array(0) : dtype === "int32" ? new Int32Array(0) : new Float32Array(0), [0], dtype);

/**
 * Least-squares solution of A X = B (torch.linalg.lstsq): A [..., m, n], B [..., m, k]
 * (or [..., m] when B has one dim fewer than A), batch dims broadcast. Full-rank systems
 * are solved through QR (min ||AX - B|| when tall, the minimum-norm solution when wide);
 * rank-deficient ones through the pseudo-inverse (minimum norm, like gelsy/gelsd).
 * Gradients are exact for full-rank A.
 * @example
 * const { solution } = gl.linalg.lstsq(gl.tensor([[1, 0], [0, 1], [1, 1]]), gl.tensor([[1], [2], [3]]));
 * solution // [[1], [2]]
 */
export function lstsq(A: Tensor, B: Tensor, opts: LstsqOptions = {}): LstsqResult {
  const op = "linalg.lstsq";
  checkMatrix(A, op);
  checkTensor(B, op, "B");
  checkSameDtype(A, B, op);
  const driver = opts.driver ?? "gelsy";
  if (!DRIVERS.includes(driver)) throw new RangeError(`${op}: driver must be one of "gelsy", "gelsd", "gelss", "gels", got ${JSON.stringify(driver)}`);
  if (B.ndim < A.ndim - 1 || B.ndim > A.ndim) {
    throw new RangeError(`${op}: B must have as many dims as A (matrices) or one fewer (vectors); got shapes ${fmtShape(A.shape)} and ${fmtShape(B.shape)}`);
  }
  const vector = B.ndim === A.ndim - 1;
  const b = vector ? unsqueeze(B, -1) : B;
  const m = A.shape[A.ndim - 2], n = A.shape[A.ndim - 1], k = Math.min(m, n);
  if (b.shape[b.ndim - 2] !== m) {
    throw new RangeError(`${op}: A has ${m} rows but B has ${b.shape[b.ndim - 2]} (shapes ${fmtShape(A.shape)} and ${fmtShape(B.shape)}); they need the same number of rows`);
  }
  const rcond = opts.rcond ?? epsOf(A.dtype) * Math.max(m, n);
  const A64 = cast(A, "float64"), B64 = cast(b, "float64");

  const s = kernels().svd(A, false, false).s;
  checkConverged(s, op);
  const nMat = numel(batchOf(A));
  const rank = new Int32Array(nMat);
  for (let i = 0; i < nMat; i++) {
    const top = s[i * k];
    for (let j = 0; j < k; j++) if (s[i * k + j] > rcond * top) rank[i]++;
  }
  const fullRank = rank.every((r) => r === k);

  let X: Tensor;
  if (fullRank || driver === "gels") {
    if (m >= n) {
      const { Q, R } = qr(A64);
      if (driver === "gels") checkNonzeroDiagonal(R, op);
      X = solveTriangular(R, matmul(mT(Q), B64), { upper: true });
    } else {
      const { Q, R } = qr(mT(A64));
      if (driver === "gels") checkNonzeroDiagonal(R, op);
      X = matmul(Q, solveTriangular(mT(R), B64, { upper: false }));
    }
  } else {
    X = matmul(pinv64(A64, 0, rcond, false), B64);
  }
  const withResiduals = driver !== "gelsy" && m > n && fullRank;
  const residuals = withResiduals ? cast(sum(square(sub(matmul(A64, X), B64)), -2), A.dtype) : empty(A.dtype);
  const solution = cast(vector ? squeeze(X, -1) : X, A.dtype);
  return {
    solution,
    residuals,
    rank: driver === "gels" ? empty("int32") : Tensor.fromArray(rank, batchOf(A), "int32"),
    singularValues: driver === "gelsd" || driver === "gelss" ? fromF64(s, [...batchOf(A), k], A.dtype) : empty(A.dtype),
  };
}

/** gels fails, as LAPACK does, when R has an exactly zero diagonal entry. */
function checkNonzeroDiagonal(R: Tensor, op: string): void {
  const k = R.shape[R.ndim - 1], d = R.dataSync(), rows = R.shape[R.ndim - 2];
  for (let o = 0; o < d.length; o += rows * k) {
    for (let i = 0; i < Math.min(rows, k); i++) {
      if (d[o + i * k + i] === 0) throw new LinAlgError(`${op}: the least squares solution could not be computed because A does not have full rank (diagonal element ${i + 1} of R is zero)`);
    }
  }
}
