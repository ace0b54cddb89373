import type { Tensor } from "../../tensor/tensor.js";
import { add, div, mul, sub } from "../elementwise.js";
import { needsGrad, record } from "../graph.js";
import { matmul } from "../matmul.js";
import { narrow, unsqueeze } from "../shape.js";
import { batchOf, checkConverged, checkMatrix, diagEmbed, eyeOf, fromF64, isZeroConst, kernels, mT } from "./common.js";

// Singular value decomposition: one-sided Jacobi in the kernels (accurate small singular
// values), PyTorch's svd_backward written with tensor ops.

/** Options of linalg.svd. */
export interface SvdOptions {
  /** U [m, m] and Vh [n, n] (true, PyTorch's default), or the reduced U [m, k], Vh [k, n]. */
  fullMatrices?: boolean;
}

/** The factors A = U diag(S) Vh. */
export interface SvdResult {
  U: Tensor;
  /** Singular values, descending. */
  S: Tensor;
  Vh: Tensor;
}

/**
 * Singular value decomposition A = U diag(S) Vh of a matrix or batch (torch.linalg.svd),
 * with k = min(m, n) singular values in descending order. Signs are deterministic: each
 * column of U has its largest-magnitude entry positive. Gradients follow PyTorch: they
 * are defined when the singular values are distinct (and nonzero where U or Vh is used
 * beyond the square part); with fullMatrices only the first k columns of U and rows of
 * Vh carry gradient.
 * @example
 * const { U, S, Vh } = gl.linalg.svd(gl.randn([5, 3]), { fullMatrices: false });
 * U.matmul(S.unsqueeze(-1).mul(Vh)) // ~ A
 */
export function svd(A: Tensor, opts: SvdOptions = {}): SvdResult {
  checkMatrix(A, "linalg.svd");
  const full = opts.fullMatrices ?? true;
  const m = A.shape[A.ndim - 2], n = A.shape[A.ndim - 1], k = Math.min(m, n);
  const batch = batchOf(A);
  const r = kernels().svd(A, full, true);
  checkConverged(r.s, "linalg.svd");
  const U = fromF64(r.u, [...batch, m, full ? m : k], A.dtype);
  const S = fromF64(r.s, [...batch, k], A.dtype);
  const Vh = fromF64(r.vh, [...batch, full ? n : k, n], A.dtype);
  if (needsGrad(A)) {
    record("LinalgSvdBackward", [A], [U, S, Vh], ([gU, gS, gVh]) => {
      if (!full) return [svdBackward(gU, gS, gVh, U, S, Vh)];
      const cols = (t: Tensor) => (t.shape[t.ndim - 1] === k ? t : narrow(t, -1, 0, k));
      const rows = (t: Tensor) => (t.shape[t.ndim - 2] === k ? t : narrow(t, -2, 0, k));
      return [svdBackward(cols(gU), gS, rows(gVh), cols(U), S, rows(Vh))];
    }, [U, S, Vh]);
  }
  return { U, S, Vh };
}

/**
 * Singular values only, descending (torch.linalg.svdvals); differentiable like svd.
 * @example gl.linalg.svdvals(gl.tensor([[3, 0], [0, 4]])) // [4, 3]
 */
export function svdvals(A: Tensor): Tensor {
  checkMatrix(A, "linalg.svdvals");
  if (needsGrad(A)) return svd(A, { fullMatrices: false }).S;
  const k = Math.min(A.shape[A.ndim - 2], A.shape[A.ndim - 1]);
  const s = kernels().svd(A, false, false).s;
  checkConverged(s, "linalg.svdvals");
  return fromF64(s, [...batchOf(A), k], A.dtype);
}

/**
 * The gradient of the reduced SVD (PyTorch's svd_backward): with E_ij = s_j^2 - s_i^2,
 * gA = U [skew(U^T gU) S + S skew(V^T gV)] / E Vh + U diag(gS) Vh, plus the terms
 * (I - U U^T) gU S^-1 Vh when m > n and U S^-1 gVh (I - V V^T) when m < n.
 */
function svdBackward(gU: Tensor, gS: Tensor, gVh: Tensor, U: Tensor, S: Tensor, Vh: Tensor): Tensor {
  const m = U.shape[U.ndim - 2], n = Vh.shape[Vh.ndim - 1], k = S.shape[S.ndim - 1];
  const useU = !isZeroConst(gU), useV = !isZeroConst(gVh);
  if (!useU && !useV) {
    return m >= n ? matmul(U, mul(unsqueeze(gS, -1), Vh)) : matmul(mul(U, unsqueeze(gS, -2)), Vh);
  }
  const skew = (X: Tensor) => sub(X, mT(X));
  const Srow = unsqueeze(S, -2), Scol = unsqueeze(S, -1);
  const S2 = mul(S, S);
  // E_ij = s_j^2 - s_i^2 off the diagonal, 1 on it (where the numerators are zero).
  const E = add(sub(unsqueeze(S2, -2), unsqueeze(S2, -1)), eyeOf(k, S.dtype));
  const UhgU = useU ? skew(matmul(mT(U), gU)) : null;
  const VhgV = useV ? skew(matmul(Vh, mT(gVh))) : null;
  let inner: Tensor;
  if (UhgU && VhgV) inner = div(add(mul(UhgU, Srow), mul(Scol, VhgV)), E);
  else if (VhgV) inner = mul(Scol, div(VhgV, E));
  else inner = mul(div(UhgU!, E), Srow);
  inner = add(inner, diagEmbed(gS));
  if (m > n && useU) {
    const gUSinv = div(gU, Srow);
    const gA = add(matmul(U, inner), sub(gUSinv, matmul(U, matmul(mT(U), gUSinv))));
    return matmul(gA, Vh);
  }
  if (m < n && useV) {
    const SinvgVh = div(gVh, Scol);
    const gA = add(matmul(inner, Vh), sub(SinvgVh, matmul(matmul(SinvgVh, mT(Vh)), Vh)));
    return matmul(U, gA);
  }
  return m >= n ? matmul(U, matmul(inner, Vh)) : matmul(matmul(U, inner), Vh);
}
