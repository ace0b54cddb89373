import { svd } from "../ops/linalg/svd.js";
import type { Tensor } from "../tensor/tensor.js";
import { fitted } from "./estimator.js";
import type { MatrixLike } from "./matrix.js";
import { checkFeatures, columnMeans, f64, toMatrix } from "./matrix.js";

// Principal component analysis by the SVD of the centred data (gl.linalg.svd), with
// scikit-learn's sign convention (svd_flip on U: each column's largest entry positive).

/** Options of PCA. */
export interface PCAOptions {
  /** Components to keep: a count, a fraction in (0, 1) of the variance to explain, or null/undefined for min(n, d). */
  nComponents?: number | null;
  /** Scale the projections to unit variance (default false). */
  whiten?: boolean;
}

interface PCAState {
  /** [k, d] */
  components: Float64Array;
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  singularValues: Float64Array;
  mean: Float64Array;
  noiseVariance: number;
  k: number;
  nFeatures: number;
}

/**
 * Principal component analysis (sklearn's PCA with svd_solver "full"): components are the
 * right singular vectors of the centred data, signed as scikit-learn signs them, with the
 * explained variance S^2 / (n - 1) and its ratio. Fitted: components [k, d],
 * explainedVariance, explainedVarianceRatio, singularValues, mean, noiseVariance.
 * @example
 * const pca = new ml.PCA({ nComponents: 2 }).fit(X);
 * const Z = pca.transform(X); pca.inverseTransform(Z); // ~ X
 */
export class PCA {
  readonly nComponents: number | null;
  readonly whiten: boolean;
  private state: PCAState | null = null;
  private readonly who = "PCA";

  constructor(opts: PCAOptions = {}) {
    const k = opts.nComponents ?? null;
    if (k !== null && !(typeof k === "number" && ((Number.isInteger(k) && k >= 1) || (k > 0 && k < 1)))) {
      throw new RangeError(`${this.who}: nComponents must be an integer >= 1, a fraction in (0, 1), or null, got ${String(k)}`);
    }
    this.nComponents = k;
    this.whiten = opts.whiten ?? false;
  }

  /** Finds the principal axes of X [n, d]. Returns this. */
  fit(X: MatrixLike): this {
    const A = toMatrix(X, this.who);
    const { rows: n, cols: d } = A;
    const r = Math.min(n, d);
    if (n < 2) throw new RangeError(`${this.who}: need at least 2 samples, got ${n}`);
    if (this.nComponents !== null && this.nComponents >= 1 && this.nComponents > r) {
      throw new RangeError(`${this.who}: nComponents = ${this.nComponents} must be <= min(nSamples, nFeatures) = ${r}`);
    }
    const mean = columnMeans(A);
    const Xc = A.data;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xc[i * d + j] -= mean[j];
    // gl.linalg.svd already signs U's columns so their largest-magnitude entry is positive (svd_flip).
    const { S, Vh } = svd(f64(Xc, [n, d]), { fullMatrices: false });
    const s = S.dataSync() as Float64Array, V = Vh.dataSync() as Float64Array;
    const ev = new Float64Array(r);
    let total = 0;
    for (let i = 0; i < r; i++) { ev[i] = (s[i] * s[i]) / (n - 1); total += ev[i]; }
    const ratio = ev.map((v) => v / total);
    let k = r;
    if (this.nComponents !== null && this.nComponents >= 1) k = this.nComponents;
    else if (this.nComponents !== null) {
      // The smallest k whose cumulative ratio exceeds the fraction (sklearn's searchsorted, side "right").
      let cum = 0;
      k = r;
      for (let i = 0; i < r; i++) { cum += ratio[i]; if (cum > this.nComponents) { k = i + 1; break; } }
    }
    let noise = 0;
    if (k < r) { for (let i = k; i < r; i++) noise += ev[i]; noise /= r - k; }
    this.state = {
      components: V.slice(0, k * d), explainedVariance: ev.slice(0, k), explainedVarianceRatio: ratio.slice(0, k),
      singularValues: s.slice(0, k), mean, noiseVariance: noise, k, nFeatures: d,
    };
    return this;
  }

  private st(what: string): PCAState {
    return fitted(this.state, this.who, what);
  }

  /** Principal axes [k, d], by decreasing explained variance. */
  get components(): Tensor { const s = this.st("reading components"); return f64(s.components.slice(), [s.k, s.nFeatures]); }
  /** Variance along each component [k] (denominator n - 1). */
  get explainedVariance(): Tensor { const s = this.st("reading explainedVariance"); return f64(s.explainedVariance.slice(), [s.k]); }
  /** Share of the total variance along each component [k]. */
  get explainedVarianceRatio(): Tensor { const s = this.st("reading explainedVarianceRatio"); return f64(s.explainedVarianceRatio.slice(), [s.k]); }
  /** Singular values of the centred data for the kept components [k]. */
  get singularValues(): Tensor { const s = this.st("reading singularValues"); return f64(s.singularValues.slice(), [s.k]); }
  /** Per-feature training mean [d]. */
  get mean(): Tensor { const s = this.st("reading mean"); return f64(s.mean.slice(), [s.nFeatures]); }
  /** Mean variance of the discarded components (probabilistic PCA's noise; 0 when none are dropped). */
  get noiseVariance(): number { return this.st("reading noiseVariance").noiseVariance; }

  /** Projections (X - mean) V^T [n, k], divided by sqrt(explainedVariance) when whitening. */
  transform(X: MatrixLike): Tensor {
    const s = this.st("transform");
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.nFeatures, this.who);
    const { rows: n } = A, d = s.nFeatures, k = s.k, out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let v = 0;
        for (let j = 0; j < d; j++) v += (A.data[i * d + j] - s.mean[j]) * s.components[c * d + j];
        out[i * k + c] = this.whiten ? v / Math.sqrt(s.explainedVariance[c]) : v;
      }
    }
    return f64(out, [n, k]);
  }

  /** fit(X), then transform(X). */
  fitTransform(X: MatrixLike): Tensor {
    return this.fit(X).transform(X);
  }

  /** Back to feature space: Z V (undoing the whitening scale) + mean, [n, d]. */
  inverseTransform(Z: MatrixLike): Tensor {
    const s = this.st("inverseTransform");
    const A = toMatrix(Z, this.who, "Z");
    if (A.cols !== s.k) throw new RangeError(`${this.who}: Z has ${A.cols} columns, but PCA kept ${s.k} components`);
    const n = A.rows, d = s.nFeatures, k = s.k, out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        let v = s.mean[j];
        for (let c = 0; c < k; c++) {
          const z = this.whiten ? A.data[i * k + c] * Math.sqrt(s.explainedVariance[c]) : A.data[i * k + c];
          v += z * s.components[c * d + j];
        }
        out[i * d + j] = v;
      }
    }
    return f64(out, [n, d]);
  }
}
