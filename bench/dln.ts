import { Rng, identity, normalArray, signArray } from "./data.js";

// Workload 5 (the Neuromatch deep linear network), framework-independent parts: the data,
// the initialiser, the host-side 8x8 eigendecomposition for the SVD fallback, and the
// sanity summary recorded in `extra`.

export const DLN = { nIn: 8, nHidden: 30, nOut: 10000, epochs: 250, lr: 100, gamma: 1e-12 } as const;

export interface DlnData {
  /** X = I8, [8, 8]. */
  x: Float32Array;
  /** Targets in {-1, +1}, [8, 10000]. */
  y: Float32Array;
}

export function dlnData(): DlnData {
  return { x: identity(DLN.nIn), y: signArray(new Rng(5), DLN.nIn * DLN.nOut) };
}

/** The tutorial's initializer_: N(0, sigma^2), sigma = gamma / sqrt(n_in + n_out). */
export function dlnInit(rng: Rng): { w1: Float32Array; w2: Float32Array } {
  const { nIn, nHidden, nOut, gamma } = DLN;
  return {
    w1: normalArray(rng, nHidden * nIn, gamma / Math.sqrt(nIn + nHidden)),
    w2: normalArray(rng, nOut * nHidden, gamma / Math.sqrt(nHidden + nOut)),
  };
}

/**
 * Eigendecomposition of a symmetric n x n matrix (row-major, float64) by cyclic Jacobi
 * rotations. Returns eigenvalues descending and the eigenvectors as columns of V.
 */
export function symEig(g: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(g);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 64; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off === 0 || !Number.isFinite(off)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

/**
 * From the Gram matrix W^T W (8x8) of W [m, 8]: singular values S and the matrix V S^-1
 * (float32, row-major) that turns W into U = W V S^-1.
 */
export function svdFromGram(gram: ArrayLike<number>, n: number): { s: Float64Array; vSinv: Float32Array } {
  const { values, vectors } = symEig(Float64Array.from(gram), n);
  const s = new Float64Array(n);
  const vSinv = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    s[j] = Math.sqrt(Math.max(values[j], 0));
    const inv = s[j] > 0 ? 1 / s[j] : 0;
    for (let i = 0; i < n; i++) vSinv[i * n + j] = vectors[i * n + j] * inv;
  }
  return { s, vSinv };
}

/** The name recorded in extra.svd_method for the fallback above. */
export const GRAM_SVD_METHOD = "gram-eig: W_tot^T W_tot (8x8) in-framework, host float64 Jacobi eigh, U = W_tot V S^-1 in-framework";

/** The sanity check of WORKLOADS.md (loss ~1 until epoch ~100-130, then ~1e-15; S ~ 100). */
export function dlnSanity(losses: ArrayLike<number>, singular: ArrayLike<number>): Record<string, unknown> {
  const l = Array.from(losses);
  const s = Array.from(singular);
  const dropEpoch = l.findIndex((v) => v < 0.5);
  const final = l[l.length - 1];
  const ok = dropEpoch >= 90 && dropEpoch <= 140 && l[0] > 0.9 && final < 1e-10 && s.length === 8 && s.every((v) => Math.abs(v - 100) <= 3);
  return {
    loss_epoch0: l[0], loss_epoch100: l[100], loss_epoch150: l[150], loss_final: final,
    loss_drop_epoch: dropEpoch,
    final_singular_values: s.map((v) => Math.round(v * 100) / 100),
    sanity_ok: ok,
  };
}
