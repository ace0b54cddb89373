import type { Tensor } from "../tensor/tensor.js";
import { fitted } from "./estimator.js";
import type { MatrixLike } from "./matrix.js";
import { checkFeatures, columnMeans, f64, toMatrix } from "./matrix.js";

// Feature standardisation, after scikit-learn's StandardScaler.

/** Options of StandardScaler. */
export interface StandardScalerOptions {
  /** Subtract the mean (default true). */
  withMean?: boolean;
  /** Divide by the standard deviation (default true). */
  withStd?: boolean;
}

interface ScalerState {
  mean: Float64Array;
  var: Float64Array;
  scale: Float64Array;
  n: number;
}

/**
 * Standardises features to zero mean and unit variance (sklearn's StandardScaler): z =
 * (x - mean) / scale with the population standard deviation (ddof 0); (near-)constant
 * features get scale 1, as in sklearn. Fitted: mean, var, scale, nSamplesSeen.
 * @example
 * const s = new ml.StandardScaler().fit(Xtrain);
 * const Z = s.transform(Xtest);
 */
export class StandardScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  private state: ScalerState | null = null;
  private readonly who = "StandardScaler";

  constructor(opts: StandardScalerOptions = {}) {
    this.withMean = opts.withMean ?? true;
    this.withStd = opts.withStd ?? true;
  }

  /** Computes the per-feature mean and variance of X. Returns this. */
  fit(X: MatrixLike): this {
    const A = toMatrix(X, this.who);
    const { data, rows, cols } = A;
    const mean = columnMeans(A);
    const v = new Float64Array(cols);
    // Two passes (mean, then squared deviations) for accuracy, as sklearn's incremental variant.
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) v[j] += (data[i * cols + j] - mean[j]) ** 2;
    const scale = new Float64Array(cols);
    const eps = Number.EPSILON;
    for (let j = 0; j < cols; j++) {
      v[j] /= rows;
      // sklearn's _is_constant_feature: variance within rounding of zero counts as constant.
      const bound = rows * eps * v[j] + (rows * mean[j] * eps) ** 2;
      scale[j] = v[j] <= bound ? 1 : Math.sqrt(v[j]);
    }
    this.state = { mean, var: v, scale, n: rows };
    return this;
  }

  private st(what: string): ScalerState {
    return fitted(this.state, this.who, what);
  }

  /** Per-feature means [d]. */
  get mean(): Tensor { const s = this.st("reading mean"); return f64(s.mean.slice(), [s.mean.length]); }
  /** Per-feature population variances [d]. */
  get var(): Tensor { const s = this.st("reading var"); return f64(s.var.slice(), [s.var.length]); }
  /** Per-feature scales [d] (standard deviations; 1 for constant features). */
  get scale(): Tensor { const s = this.st("reading scale"); return f64(s.scale.slice(), [s.scale.length]); }
  /** Number of samples seen in fit. */
  get nSamplesSeen(): number { return this.st("reading nSamplesSeen").n; }

  /** (X - mean) / scale (each step as the options say), as a float64 tensor. */
  transform(X: MatrixLike): Tensor {
    const s = this.st("transform");
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.mean.length, this.who);
    const { data, rows, cols } = A;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let v = data[i * cols + j];
        if (this.withMean) v -= s.mean[j];
        if (this.withStd) v /= s.scale[j];
        data[i * cols + j] = v;
      }
    }
    return f64(data, [rows, cols]);
  }

  /** fit(X) then transform(X). */
  fitTransform(X: MatrixLike): Tensor {
    return this.fit(X).transform(X);
  }

  /** Undoes transform: Z * scale + mean. */
  inverseTransform(Z: MatrixLike): Tensor {
    const s = this.st("inverseTransform");
    const A = toMatrix(Z, this.who, "Z");
    checkFeatures(A, s.mean.length, this.who);
    const { data, rows, cols } = A;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let v = data[i * cols + j];
        if (this.withStd) v *= s.scale[j];
        if (this.withMean) v += s.mean[j];
        data[i * cols + j] = v;
      }
    }
    return f64(data, [rows, cols]);
  }
}
