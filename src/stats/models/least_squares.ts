// Least squares through the QR decomposition (gl.linalg.qr), with the rank check that
// turns a singular design into an error naming the collinear columns.
import { qr } from "../../ops/linalg/qr.js";
import { solveTriangular } from "../../ops/linalg/triangular.js";
import { svdvals } from "../../ops/linalg/svd.js";
import { matmul } from "../../ops/matmul.js";
import { transpose } from "../../ops/shape.js";
import { eye } from "../../tensor/creation.js";
import { Tensor } from "../../tensor/tensor.js";

/** A column whose part orthogonal to the earlier columns is below this fraction of its norm is dependent. */
export const RANK_TOL = 1e-10;

/**
 * The error for a singular design: perfect collinearity, a zero column, or too few rows.
 * @example try { stats.ols([1, 2, 3], { a: [1, 2, 3], b: [2, 4, 6] }); } catch (e) { e instanceof stats.CollinearityError; } // true
 */
export class CollinearityError extends RangeError {
  override name = "CollinearityError";
}

/** The R factor of a full-rank design and what follows from it. */
export interface Factored {
  /** R (p x p, upper triangular) of X = Q R, as a float64 tensor. */
  R: Tensor;
  /** Q'y when a response was given (p x 1). */
  qty: Tensor | null;
  /** (X'X)^-1 = R^-1 R^-T, row-major p x p. */
  covUnscaled: Float64Array;
  /** The singular values of X, largest first. */
  singularValues: Float64Array;
  /** Whether the ones vector lies in the column space (an explicit or implied constant). */
  spansConstant: boolean;
}

function fmtCoef(c: number): string {
  return String(Number(c.toPrecision(6)));
}

/**
 * Factors the n x p design X (row-major) as Q R, after checking that it has full column
 * rank; otherwise throws a CollinearityError naming the column that depends on the earlier
 * ones and the combination (`interceptIndex` marks the added intercept for a clearer
 * message). Q is never formed: the QR of [X | y | 1] gives R, Q'y and Q'1 at once.
 */
export function factorDesign(X: Float64Array, n: number, p: number, names: readonly string[], op: string, interceptIndex = -1, y: Float64Array | null = null): Factored {
  if (n < p) {
    throw new CollinearityError(`${op}: ${n} observation${n === 1 ? "" : "s"} cannot determine ${p} coefficients (${names.join(", ")}); the design matrix is singular, so there must be more observations than coefficients`);
  }
  const norms = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) norms[j] += X[i * p + j] * X[i * p + j];
  for (let j = 0; j < p; j++) {
    norms[j] = Math.sqrt(norms[j]);
    if (norms[j] === 0) throw new CollinearityError(`${op}: the design matrix is singular: column '${names[j]}' is all zeros${n < 50 ? "" : ` in all ${n} rows`} (a level that never occurs, or a column of zeros); drop it`);
  }
  // Augment with y (when given) and a column of ones; their R columns are Q'y and Q'1.
  const extra = y === null ? 1 : 2, w = p + extra;
  const aug = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) aug[i * w + j] = X[i * p + j];
    if (y !== null) aug[i * w + p] = y[i];
    aug[i * w + w - 1] = 1;
  }
  const full = qr(Tensor.fromArray(aug, [n, w], "float64"), { mode: "r" }).R.dataSync() as Float64Array;
  const r = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) r[i * p + j] = full[i * w + j];
  for (let j = 0; j < p; j++) {
    if (Math.abs(r[j * p + j]) > RANK_TOL * norms[j]) continue;
    // Column j = sum_k c_k column_k over the earlier (independent) columns: R[:j,:j] c = R[:j, j].
    const c = new Float64Array(j);
    for (let i = j - 1; i >= 0; i--) {
      let s = r[i * p + j];
      for (let k = i + 1; k < j; k++) s -= r[i * p + k] * c[k];
      c[i] = s / r[i * p + i];
    }
    throw collinearity(op, names, j, c, interceptIndex);
  }
  const R = Tensor.fromArray(r, [p, p], "float64");
  const Rinv = solveTriangular(R, eye(p, p, { dtype: "float64" }), { upper: true });
  const covUnscaled = matmul(Rinv, transpose(Rinv, 0, 1)).dataSync() as Float64Array;
  const singularValues = svdvals(R).dataSync() as Float64Array;
  let inSpan = 0;
  for (let k = 0; k < p; k++) inSpan += full[k * w + w - 1] ** 2;
  const qty = y === null ? null : Tensor.fromArray(Float64Array.from({ length: p }, (_, k) => full[k * w + p]), [p, 1], "float64");
  return { R, qty, covUnscaled, singularValues, spansConstant: n - inSpan <= 1e-9 * n };
}

function collinearity(op: string, names: readonly string[], j: number, c: Float64Array, interceptIndex: number): CollinearityError {
  const big = Math.max(0, ...Array.from(c, Math.abs));
  const parts: string[] = [];
  const involved: string[] = [];
  c.forEach((v, k) => {
    if (Math.abs(v) <= 1e-8 * big) return;
    involved.push(names[k]);
    const mag = fmtCoef(Math.abs(v));
    parts.push(`${parts.length === 0 ? (v < 0 ? "-" : "") : v < 0 ? " - " : " + "}${mag === "1" ? "" : `${mag}*`}${names[k]}`);
  });
  const combo = parts.length > 0 ? parts.join("") : "0";
  const head = `${op}: the design matrix is singular (perfect collinearity)`;
  if (involved.length === 1 && involved[0] === names[interceptIndex]) {
    return new CollinearityError(`${head}: column '${names[j]}' is constant (${names[j]} = ${combo}), which duplicates the intercept '${names[interceptIndex]}'; drop the column or the intercept`);
  }
  return new CollinearityError(`${head}: column '${names[j]}' is a linear combination of ${involved.length === 1 ? "another column" : "other columns"}: ${names[j]} = ${combo}; drop one of ${[names[j], ...involved].map((s) => `'${s}'`).join(", ")}`);
}

/** Ordinary least squares on a design factored with its response: coefficients, fitted values, residuals. */
export function solveLeastSquares(f: Factored, X: Float64Array, y: Float64Array, n: number, p: number): { beta: Float64Array; fitted: Float64Array; resid: Float64Array } {
  if (f.qty === null) throw new Error("solveLeastSquares: the design was factored without its response");
  const beta = Float64Array.from(solveTriangular(f.R, f.qty, { upper: true }).dataSync());
  const fitted = new Float64Array(n), resid = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += X[i * p + j] * beta[j];
    fitted[i] = s;
    resid[i] = y[i] - s;
  }
  return { beta, fitted, resid };
}
