import type { LinalgKernels, LuFactors, QrMode, View } from "../kernels.js";

// Dense linear algebra in float64 on batches of row-major matrices: LU with partial
// pivoting, triangular solves, Householder QR, one-sided Jacobi SVD (QR-first for
// non-square matrices), cyclic Jacobi eigh. Each routine copies its input once into a
// contiguous Float64Array and works in place. ../native/cpp/linalg.cc mirrors this file.

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 80;

/** Product of the dims before the last two (the number of matrices). */
function batchCount(shape: readonly number[]): number {
  let b = 1;
  for (let i = 0; i < shape.length - 2; i++) b *= shape[i];
  return b;
}

/** A contiguous float64 copy of a strided view (broadcast dims read their one element repeatedly). */
function toF64(v: View): Float64Array {
  const shape = v.shape, strides = v.strides, data = v.data, nd = shape.length;
  let n = 1;
  for (let d = 0; d < nd; d++) n *= shape[d];
  const out = new Float64Array(n);
  if (n === 0) return out;
  if (nd === 0) { out[0] = data[v.offset]; return out; }
  const inner = shape[nd - 1], st = strides[nd - 1];
  const idx = new Int32Array(nd);
  let base = v.offset, o = 0;
  for (;;) {
    for (let i = 0, p = base; i < inner; i++, p += st) out[o++] = data[p];
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return out;
  }
}

/** Whether all `len` values from `o` are finite (Jacobi would not converge otherwise). */
function allFinite(a: Float64Array, o: number, len: number): boolean {
  for (let i = o; i < o + len; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

// ---- LU ------------------------------------------------------------------------------

/** In-place LU of the n x n matrix at `o` (getrf); returns LAPACK's info (0 or first zero pivot + 1). */
function luInPlace(a: Float64Array, o: number, n: number, piv: Int32Array, po: number): number {
  let info = 0;
  for (let j = 0; j < n; j++) {
    let p = j, best = Math.abs(a[o + j * n + j]);
    for (let i = j + 1; i < n; i++) {
      const v = Math.abs(a[o + i * n + j]);
      if (v > best) { best = v; p = i; }
    }
    piv[po + j] = p;
    if (best === 0) {
      // The whole column below is zero: nothing to eliminate, but the matrix is singular.
      if (info === 0) info = j + 1;
      continue;
    }
    const rj = o + j * n;
    if (p !== j) {
      const rp = o + p * n;
      for (let c = 0; c < n; c++) { const t = a[rj + c]; a[rj + c] = a[rp + c]; a[rp + c] = t; }
    }
    const d = a[rj + j];
    for (let i = j + 1; i < n; i++) {
      const ri = o + i * n;
      const l = a[ri + j] / d;
      a[ri + j] = l;
      if (l !== 0) for (let c = j + 1; c < n; c++) a[ri + c] -= l * a[rj + c];
    }
  }
  return info;
}

function lu(a: View): LuFactors {
  const n = a.shape[a.shape.length - 1];
  const batch = batchCount(a.shape);
  const w = toF64(a);
  const pivots = new Int32Array(batch * n);
  const info = new Int32Array(batch);
  for (let b = 0; b < batch; b++) info[b] = luInPlace(w, b * n * n, n, pivots, b * n);
  return { batch, n, lu: w, pivots, info };
}

function luSolve(f: LuFactors, b: View): Float64Array {
  const { n, batch, lu: a, pivots } = f;
  const k = b.shape[b.shape.length - 1];
  const x = toF64(b);
  for (let bi = 0; bi < batch; bi++) {
    const o = bi * n * n, xo = bi * n * k, po = bi * n;
    for (let j = 0; j < n; j++) {
      const p = pivots[po + j];
      if (p === j) continue;
      const rj = xo + j * k, rp = xo + p * k;
      for (let c = 0; c < k; c++) { const t = x[rj + c]; x[rj + c] = x[rp + c]; x[rp + c] = t; }
    }
    for (let i = 1; i < n; i++) {
      const ri = xo + i * k;
      for (let j = 0; j < i; j++) {
        const l = a[o + i * n + j];
        if (l === 0) continue;
        const rj = xo + j * k;
        for (let c = 0; c < k; c++) x[ri + c] -= l * x[rj + c];
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      const ri = xo + i * k;
      for (let j = i + 1; j < n; j++) {
        const u = a[o + i * n + j];
        if (u === 0) continue;
        const rj = xo + j * k;
        for (let c = 0; c < k; c++) x[ri + c] -= u * x[rj + c];
      }
      const d = a[o + i * n + i];
      for (let c = 0; c < k; c++) x[ri + c] /= d;
    }
  }
  return x;
}

function det(a: View): Float64Array {
  const f = lu(a);
  const { n, batch } = f;
  const out = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    let d = 1;
    for (let j = 0; j < n; j++) {
      d *= f.lu[b * n * n + j * n + j];
      if (f.pivots[b * n + j] !== j) d = -d;
    }
    out[b] = d;
  }
  return out;
}

function triangularSolve(a: View, b: View, upper: boolean, unitriangular: boolean): Float64Array {
  const n = a.shape[a.shape.length - 1];
  const k = b.shape[b.shape.length - 1];
  const batch = batchCount(b.shape);
  const t = toF64(a);
  const x = toF64(b);
  for (let bi = 0; bi < batch; bi++) {
    const o = bi * n * n, xo = bi * n * k;
    for (let s = 0; s < n; s++) {
      const i = upper ? n - 1 - s : s;
      const ri = xo + i * k;
      const j0 = upper ? i + 1 : 0, j1 = upper ? n : i;
      for (let j = j0; j < j1; j++) {
        const v = t[o + i * n + j];
        if (v === 0) continue;
        const rj = xo + j * k;
        for (let c = 0; c < k; c++) x[ri + c] -= v * x[rj + c];
      }
      if (!unitriangular) {
        const d = t[o + i * n + i];
        for (let c = 0; c < k; c++) x[ri + c] /= d;
      }
    }
  }
  return x;
}

// ---- QR ------------------------------------------------------------------------------

/** Sum of x[xo + i] * y[yo + i] for i < n, in four partial sums (independent chains). */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[xo + i] * y[yo + i]; s1 += x[xo + i + 1] * y[yo + i + 1];
    s2 += x[xo + i + 2] * y[yo + i + 2]; s3 += x[xo + i + 3] * y[yo + i + 3];
  }
  for (; i < n; i++) s0 += x[xo + i] * y[yo + i];
  return (s0 + s1) + (s2 + s3);
}

/**
 * Householder QR (geqr2) of the column-major m x n matrix x (column j at j * m), in place:
 * R on and above the diagonal, each reflector's vector (implicit leading 1) below it, its
 * scale in `tau`. Column-major keeps every inner loop a contiguous pass down a column (a
 * tall-skinny [10000, 8] matrix would otherwise loop over rows of 8).
 */
function geqr2(x: Float64Array, m: number, n: number, tau: Float64Array): void {
  const k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    const cj = j * m, v0 = cj + j + 1, below = m - j - 1;
    const alpha = x[cj + j];
    const ss = dot(x, v0, x, v0, below);
    let xnorm: number;
    if (ss > 1e-290 && ss < 1e290) xnorm = Math.sqrt(ss);
    else {
      // Squares would under- or overflow (or are all zero): scale by the largest magnitude.
      let scale = 0;
      for (let i = v0; i < v0 + below; i++) { const a = Math.abs(x[i]); if (a > scale) scale = a; }
      if (scale === 0) { tau[j] = 0; continue; } // already zero below the diagonal: H = I (dlarfg)
      let s2 = 0;
      for (let i = v0; i < v0 + below; i++) { const t = x[i] / scale; s2 += t * t; }
      xnorm = scale * Math.sqrt(s2);
    }
    const beta = (alpha >= 0 ? -1 : 1) * Math.hypot(alpha, xnorm);
    const tj = (beta - alpha) / beta;
    tau[j] = tj;
    const inv = 1 / (alpha - beta);
    for (let i = v0; i < v0 + below; i++) x[i] *= inv;
    x[cj + j] = beta;
    // Apply H = I - tau v v^T (v = [1, x[v0..]]) to each trailing column.
    for (let col = j + 1; col < n; col++) {
      const cc = col * m;
      const d = (x[cc + j] + dot(x, v0, x, cc + j + 1, below)) * tj;
      x[cc + j] -= d;
      for (let i = 0; i < below; i++) x[cc + j + 1 + i] -= d * x[v0 + i];
    }
  }
}

/**
 * y (column-major m x ncols) = H_0 ... H_{k-1} y from geqr2's reflectors in x. With
 * fromIdentity, columns below j are still unit vectors that H_j leaves alone (org2r).
 */
function applyQ(x: Float64Array, m: number, k: number, tau: Float64Array, y: Float64Array, ncols: number, fromIdentity: boolean): void {
  for (let j = k - 1; j >= 0; j--) {
    const tj = tau[j];
    if (tj === 0) continue;
    const v0 = j * m + j + 1, below = m - j - 1;
    for (let col = fromIdentity ? j : 0; col < ncols; col++) {
      const cc = col * m;
      const d = (y[cc + j] + dot(x, v0, y, cc + j + 1, below)) * tj;
      y[cc + j] -= d;
      for (let i = 0; i < below; i++) y[cc + j + 1 + i] -= d * x[v0 + i];
    }
  }
}

function qr(a: View, mode: QrMode): { q: Float64Array; r: Float64Array } {
  const m = a.shape[a.shape.length - 2], n = a.shape[a.shape.length - 1];
  const k = Math.min(m, n);
  const batch = batchCount(a.shape);
  const w = toF64(a);
  const qc = mode === "complete" ? m : k;
  const rr = mode === "complete" ? m : k;
  const q = new Float64Array(mode === "r" ? 0 : batch * m * qc);
  const r = new Float64Array(batch * rr * n);
  const tau = new Float64Array(k);
  const x = new Float64Array(m * n);
  const y = new Float64Array(mode === "r" ? 0 : m * qc);
  for (let b = 0; b < batch; b++) {
    const o = b * m * n;
    for (let i = 0; i < m; i++) for (let c = 0; c < n; c++) x[c * m + i] = w[o + i * n + c];
    geqr2(x, m, n, tau);
    const ro = b * rr * n;
    for (let i = 0; i < Math.min(rr, m); i++) for (let c = i; c < n; c++) r[ro + i * n + c] = x[c * m + i];
    if (mode === "r") continue;
    y.fill(0);
    for (let i = 0; i < Math.min(m, qc); i++) y[i * m + i] = 1;
    applyQ(x, m, k, tau, y, qc, true);
    const qo = b * m * qc;
    for (let i = 0; i < m; i++) for (let c = 0; c < qc; c++) q[qo + i * qc + c] = y[c * m + i];
  }
  return { q, r };
}

/**
 * The k x k upper triangular T of the compact WY form H_0 ... H_{k-1} = I - V T V^T
 * (LAPACK's dlarft, forward, column-wise) from geqr2's reflectors in x (m x k).
 */
function formT(x: Float64Array, m: number, k: number, tau: Float64Array, t: Float64Array): void {
  t.fill(0);
  for (let i = 0; i < k; i++) {
    const ti = tau[i];
    if (ti === 0) continue;
    const vi = i * m;
    // -tau_i v_c^T v_i for c < i (v_i has its implicit 1 at row i).
    for (let c = 0; c < i; c++) t[c * k + i] = -ti * (x[c * m + i] + dot(x, c * m + i + 1, x, vi + i + 1, m - i - 1));
    // T[0:i, i] = T[0:i, 0:i] w, top row first (each row reads only rows below it).
    for (let r = 0; r < i; r++) {
      let acc = 0;
      for (let c = r; c < i; c++) acc += t[r * k + c] * t[c * k + i];
      t[r * k + i] = acc;
    }
    t[i * k + i] = ti;
  }
}

/** W = T V^T Y0 (k x k) for Y0 zero below its first k rows, given as the row-major k x k `top`: Q Y0 = Y0 - V W. */
function formW(x: Float64Array, m: number, k: number, t: Float64Array, top: Float64Array, w: Float64Array): void {
  const vty = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < k; i++) vty[c * k + i] = top[c * k + i];
    for (let r = c + 1; r < k; r++) {
      const v = x[c * m + r];
      for (let i = 0; i < k; i++) vty[c * k + i] += v * top[r * k + i];
    }
  }
  w.fill(0);
  for (let r = 0; r < k; r++) {
    for (let c = r; c < k; c++) {
      const tv = t[r * k + c];
      for (let i = 0; i < k; i++) w[r * k + i] += tv * vty[c * k + i];
    }
  }
}

// ---- sign convention and orthonormal completion ------------------------------------

/** Whether the largest-magnitude entry (first one on ties) of x[o], x[o+st], ... is negative. */
function leadIsNegative(x: Float64Array, o: number, len: number, st: number): boolean {
  let best = -1, v = 0;
  for (let i = 0, p = o; i < len; i++, p += st) {
    const a = Math.abs(x[p]);
    if (a > best) { best = a; v = x[p]; }
  }
  return v < 0;
}

/**
 * Fills the rows of y (count x len, row-major) not marked in `have` with unit vectors
 * orthogonal to all others: Gram-Schmidt (twice) on the coordinate vector that the
 * current rows cover least, so the result is deterministic and well conditioned.
 */
function completeBasis(y: Float64Array, count: number, len: number, have: Uint8Array): void {
  const uncovered = new Float64Array(len).fill(1);
  for (let i = 0; i < count; i++) {
    if (!have[i]) continue;
    for (let r = 0; r < len; r++) uncovered[r] -= y[i * len + r] * y[i * len + r];
  }
  for (let i = 0; i < count; i++) {
    if (have[i]) continue;
    let best = 0;
    for (let r = 1; r < len; r++) if (uncovered[r] > uncovered[best]) best = r;
    const vo = i * len;
    for (let r = 0; r < len; r++) y[vo + r] = 0;
    y[vo + best] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < count; j++) {
        if (!have[j]) continue;
        const jo = j * len;
        let d = 0;
        for (let r = 0; r < len; r++) d += y[jo + r] * y[vo + r];
        if (d !== 0) for (let r = 0; r < len; r++) y[vo + r] -= d * y[jo + r];
      }
    }
    let nrm = 0;
    for (let r = 0; r < len; r++) nrm += y[vo + r] * y[vo + r];
    nrm = Math.sqrt(nrm);
    for (let r = 0; r < len; r++) y[vo + r] /= nrm;
    have[i] = 1;
    for (let r = 0; r < len; r++) uncovered[r] -= y[vo + r] * y[vo + r];
  }
}

// ---- SVD -----------------------------------------------------------------------------

/**
 * One-sided (Hestenes) Jacobi: rotates pairs of the k rows of g (each of length len)
 * until they are mutually orthogonal, accumulating the rotations into the columns of j
 * (k x k) when given. Orthogonality is judged relative to the rows' norms, which keeps
 * small singular values accurate to high relative precision.
 */
function oneSidedJacobi(g: Float64Array, k: number, len: number, j: Float64Array | null): void {
  const tol = EPS * Math.sqrt(len);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      const po = p * len;
      for (let q = p + 1; q < k; q++) {
        const qo = q * len;
        let alpha = 0, beta = 0, gamma = 0;
        for (let r = 0; r < len; r++) {
          const x = g[po + r], y = g[qo + r];
          alpha += x * x; beta += y * y; gamma += x * y;
        }
        if (gamma === 0 || alpha === 0 || beta === 0) continue;
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let r = 0; r < len; r++) {
          const x = g[po + r], y = g[qo + r];
          g[po + r] = c * x - s * y;
          g[qo + r] = s * x + c * y;
        }
        if (j) {
          for (let r = 0; r < k; r++) {
            const x = j[r * k + p], y = j[r * k + q];
            j[r * k + p] = c * x - s * y;
            j[r * k + q] = s * x + c * y;
          }
        }
      }
    }
    if (!rotated) return;
  }
}

/** Normalised rows of g (k x len) into y for nonzero norms; marks them in `have`. */
function normalisedRows(g: Float64Array, k: number, len: number, norms: Float64Array, order: number[], y: Float64Array, have: Uint8Array): void {
  for (let i = 0; i < k; i++) {
    const sv = norms[order[i]];
    if (sv === 0 || !Number.isFinite(1 / sv)) continue;
    const go = order[i] * len;
    for (let r = 0; r < len; r++) y[i * len + r] = g[go + r] / sv;
    have[i] = 1;
  }
}

/**
 * The thin singular vectors of a QR-preconditioned SVD, written into u and vh at uo, vo:
 * Y = Q [Y_R; 0] = Y0 - V W in the compact WY form (one pass over the reflectors V, not
 * one per reflector). Tall: U = Y (m x k), made sign-definite, and Vh = J^T; wide: U = J,
 * Vh = Y^T. yr holds Y_R's columns as rows; x and tau are geqr2's output for X (len x k).
 */
function thinVectors(x: Float64Array, tau: Float64Array, yr: Float64Array, j: Float64Array, len: number, k: number, tall: boolean, order: number[],
  u: Float64Array, uo: number, vh: Float64Array, vo: number): void {
  const top = new Float64Array(k * k), t = new Float64Array(k * k), w = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let i = 0; i < k; i++) top[r * k + i] = yr[i * k + r];
  formT(x, len, k, tau, t);
  formW(x, len, k, t, top, w);
  if (!tall) {
    // Vh row i = column i of Y: Y0's column i minus V's columns weighted by W's column i.
    for (let i = 0; i < k; i++) {
      const vi = vo + i * len;
      vh.fill(0, vi, vi + len);
      for (let r = 0; r < k; r++) vh[vi + r] = top[r * k + i];
      for (let c = 0; c < k; c++) {
        const d = w[c * k + i];
        vh[vi + c] -= d;
        for (let r = c + 1; r < len; r++) vh[vi + r] -= d * x[c * len + r];
      }
    }
    // U = J with columns in singular-value order, each column's largest entry positive.
    for (let i = 0; i < k; i++) {
      const col = order[i];
      const sign = leadIsNegative(j, col, k, k) ? -1 : 1;
      if (sign < 0) for (let r = 0; r < len; r++) vh[vo + i * len + r] = -vh[vo + i * len + r];
      for (let r = 0; r < k; r++) u[uo + r * k + i] = sign * j[r * k + col];
    }
    return;
  }
  // Y = Y0 - V W one column at a time: the first k rows (V's unit diagonal, zeros above)
  // directly, the rest as one pass over the reflectors' rows; each column's first
  // largest-magnitude entry is tracked while it is written into U's rows.
  const wi = new Float64Array(k);
  const lead = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let c = 0; c < k; c++) wi[c] = w[c * k + i];
    let best = -1;
    for (let r = 0; r < len; r++) {
      let v: number;
      if (r < k) {
        v = top[r * k + i] - wi[r];
        for (let c = 0; c < r; c++) v -= wi[c] * x[c * len + r];
      } else {
        v = 0;
        for (let c = 0, p = r; c < k; c++, p += len) v -= wi[c] * x[p];
      }
      const a = Math.abs(v);
      if (a > best) { best = a; lead[i] = v; }
      u[uo + r * k + i] = v;
    }
  }
  const sign = new Float64Array(k);
  let any = false;
  for (let i = 0; i < k; i++) { sign[i] = lead[i] < 0 ? -1 : 1; any ||= lead[i] < 0; }
  if (any) for (let r = 0; r < len; r++) for (let i = 0; i < k; i++) u[uo + r * k + i] *= sign[i];
  // Vh = J^T in singular-value order, with the signs of U's columns.
  for (let i = 0; i < k; i++) for (let c = 0; c < k; c++) vh[vo + i * k + c] = sign[i] * j[c * k + order[i]];
}

function svd(a: View, fullMatrices: boolean, computeUV: boolean): { u: Float64Array; s: Float64Array; vh: Float64Array } {
  const m = a.shape[a.shape.length - 2], n = a.shape[a.shape.length - 1];
  const k = Math.min(m, n), len = Math.max(m, n);
  const tall = m >= n;
  const batch = batchCount(a.shape);
  const src = toF64(a);
  const uc = fullMatrices ? m : k, vr = fullMatrices ? n : k;
  const s = new Float64Array(batch * k);
  const u = new Float64Array(computeUV ? batch * m * uc : 0);
  const vh = new Float64Array(computeUV ? batch * vr * n : 0);
  // Work on X = A (tall) or A^T (wide), len x k, column-major: X = Y S J^T, so U = Y, V = J
  // when tall and U = J, V = Y when wide. A non-square X is first reduced to its k x k R
  // factor (X = Q R, as LAPACK's gesdd does for tall matrices): Jacobi then sweeps
  // k-vectors instead of len-vectors, and Y = Q [Y_R; 0] (Q's further columns complete Y
  // to a basis when fullMatrices asks for one).
  const precondition = len > k && k > 0;
  const glen = precondition ? k : len;
  const need = fullMatrices ? len : k;
  const x = new Float64Array(len * k);
  const g = precondition ? new Float64Array(k * glen) : x;
  const tau = new Float64Array(k);
  const j = computeUV ? new Float64Array(k * k) : null;
  const y = computeUV && !(precondition && !fullMatrices) ? new Float64Array(need * len) : null;
  const yr = precondition && computeUV ? new Float64Array(k * k) : null;
  const norms = new Float64Array(k);
  const order = new Array<number>(k);
  const have = new Uint8Array(need);
  const haveR = new Uint8Array(k);
  for (let b = 0; b < batch; b++) {
    const o = b * m * n;
    if (!allFinite(src, o, m * n)) {
      // No decomposition exists: report NaN (the op turns it into an error).
      s.fill(NaN, b * k, (b + 1) * k);
      if (computeUV) { u.fill(NaN, b * m * uc, (b + 1) * m * uc); vh.fill(NaN, b * vr * n, (b + 1) * vr * n); }
      continue;
    }
    // Column c of X at x[c * len]: tall X(i, c) = A(i, c); wide X(i, c) = A(c, i), A's rows as they are.
    if (tall) { for (let r = 0; r < m; r++) for (let c = 0; c < n; c++) x[c * len + r] = src[o + r * n + c]; }
    else x.set(src.subarray(o, o + m * n));
    if (precondition) {
      geqr2(x, len, k, tau);
      // Row c of g = column c of R.
      g.fill(0);
      for (let c = 0; c < k; c++) for (let r = 0; r <= c; r++) g[c * k + r] = x[c * len + r];
    }
    if (j) { j.fill(0); for (let i = 0; i < k; i++) j[i * k + i] = 1; }
    oneSidedJacobi(g, k, glen, j);
    for (let i = 0; i < k; i++) {
      norms[i] = Math.sqrt(dot(g, i * glen, g, i * glen, glen));
      order[i] = i;
    }
    order.sort((p, r) => norms[r] - norms[p] || p - r);
    for (let i = 0; i < k; i++) s[b * k + i] = norms[order[i]];
    if (!j) continue;
    const uo = b * m * uc, vo = b * vr * n;

    if (yr) {
      yr.fill(0);
      haveR.fill(0);
      normalisedRows(g, k, k, norms, order, yr, haveR);
      completeBasis(yr, k, k, haveR);
      if (!y) { thinVectors(x, tau, yr, j, len, k, tall, order, u, uo, vh, vo); continue; }
      // Full: Y = Q [[Y_R, 0], [0, I]], column i at y[i * len].
      y.fill(0);
      for (let i = 0; i < k; i++) for (let r = 0; r < k; r++) y[i * len + r] = yr[i * k + r];
      for (let i = k; i < need; i++) y[i * len + i] = 1;
      applyQ(x, len, k, tau, y, need, false);
    } else {
      y!.fill(0);
      have.fill(0);
      normalisedRows(g, k, len, norms, order, y!, have);
      completeBasis(y!, need, len, have);
    }
    const yy = y!;

    // Deterministic signs: each left singular vector's largest entry is positive.
    for (let i = 0; i < k; i++) {
      const col = order[i];
      const flip = tall ? leadIsNegative(yy, i * len, len, 1) : leadIsNegative(j, col, k, k);
      if (!flip) continue;
      for (let r = 0; r < len; r++) yy[i * len + r] = -yy[i * len + r];
      for (let r = 0; r < k; r++) j[r * k + col] = -j[r * k + col];
    }
    for (let i = k; i < need; i++) {
      if (!leadIsNegative(yy, i * len, len, 1)) continue;
      for (let r = 0; r < len; r++) yy[i * len + r] = -yy[i * len + r];
    }

    if (tall) {
      for (let r = 0; r < m; r++) for (let i = 0; i < uc; i++) u[uo + r * uc + i] = yy[i * len + r];
      for (let i = 0; i < n; i++) for (let c = 0; c < n; c++) vh[vo + i * n + c] = j[c * k + order[i]];
    } else {
      for (let r = 0; r < m; r++) for (let i = 0; i < m; i++) u[uo + r * uc + i] = j[r * k + order[i]];
      vh.set(yy.subarray(0, vr * n), vo);
    }
  }
  return { u, s, vh };
}

// ---- symmetric eigendecomposition ----------------------------------------------------

/** Cyclic Jacobi on the symmetric n x n matrix `s` (destroyed), accumulating eigenvectors as columns of v. */
function symmetricJacobi(s: Float64Array, n: number, v: Float64Array | null): void {
  let fro = 0;
  for (let i = 0; i < n * n; i++) fro += s[i] * s[i];
  // Below this, an off-diagonal entry is rounding noise at the scale of the matrix.
  const floor = EPS * 1e-3 * Math.sqrt(fro);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q];
        if (apq === 0) continue;
        const app = s[p * n + p], aqq = s[q * n + q];
        if (Math.abs(apq) <= floor || Math.abs(apq) <= EPS * Math.sqrt(Math.abs(app)) * Math.sqrt(Math.abs(aqq))) {
          s[p * n + q] = 0; s[q * n + p] = 0;
          continue;
        }
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.hypot(1, theta));
        const c = 1 / Math.sqrt(1 + t * t), sn = c * t;
        for (let r = 0; r < n; r++) {
          if (r === p || r === q) continue;
          const x = s[r * n + p], y = s[r * n + q];
          const nx = c * x - sn * y, ny = sn * x + c * y;
          s[r * n + p] = nx; s[p * n + r] = nx;
          s[r * n + q] = ny; s[q * n + r] = ny;
        }
        s[p * n + p] = app - t * apq;
        s[q * n + q] = aqq + t * apq;
        s[p * n + q] = 0; s[q * n + p] = 0;
        if (v) {
          for (let r = 0; r < n; r++) {
            const x = v[r * n + p], y = v[r * n + q];
            v[r * n + p] = c * x - sn * y;
            v[r * n + q] = sn * x + c * y;
          }
        }
      }
    }
    if (!rotated) return;
  }
}

function eigh(a: View, upper: boolean, computeVectors: boolean): { values: Float64Array; vectors: Float64Array } {
  const n = a.shape[a.shape.length - 1];
  const batch = batchCount(a.shape);
  const src = toF64(a);
  const values = new Float64Array(batch * n);
  const vectors = new Float64Array(computeVectors ? batch * n * n : 0);
  const s = new Float64Array(n * n);
  const v = computeVectors ? new Float64Array(n * n) : null;
  const order = new Array<number>(n);
  for (let b = 0; b < batch; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < n; c++) {
        const lo = Math.max(i, c), hi = Math.min(i, c);
        s[i * n + c] = upper ? src[o + hi * n + lo] : src[o + lo * n + hi];
      }
    }
    if (!allFinite(s, 0, n * n)) {
      values.fill(NaN, b * n, (b + 1) * n);
      if (computeVectors) vectors.fill(NaN, o, o + n * n);
      continue;
    }
    if (v) { v.fill(0); for (let i = 0; i < n; i++) v[i * n + i] = 1; }
    symmetricJacobi(s, n, v);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((p, q) => s[p * n + p] - s[q * n + q] || p - q);
    for (let i = 0; i < n; i++) values[b * n + i] = s[order[i] * n + order[i]];
    if (!v) continue;
    for (let i = 0; i < n; i++) {
      const col = order[i];
      const sign = leadIsNegative(v, col, n, n) ? -1 : 1;
      for (let r = 0; r < n; r++) vectors[o + r * n + i] = sign * v[r * n + col];
    }
  }
  return { values, vectors };
}

/** The js backend's linear algebra kernels. */
export const linalg: LinalgKernels = { lu, luSolve, det, triangularSolve, qr, svd, eigh };
