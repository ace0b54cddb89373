import type { DType } from "../tensor/dtype.js";
import { fmtShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

// What every estimator takes in (gradlab tensors or plain arrays) turned into dense
// row-major float64 buffers, with the checks and messages that name the estimator.

/** A data matrix [nSamples, nFeatures]: a 2-D tensor of any dtype, or an array of equal-length rows. */
export type MatrixLike = Tensor | readonly (readonly number[])[];

/** A vector of targets or labels [nSamples]: a 1-D tensor, or an array of numbers (or booleans). */
export type VectorLike = Tensor | readonly (number | boolean)[];

/** Targets of a regressor: a vector [n], or a matrix [n, nTargets] where the model supports several. */
export type TargetLike = VectorLike | MatrixLike;

/** A dense row-major float64 matrix. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Throws at the first NaN or infinity; cols = 0 marks a vector (positions are indices). */
function checkFinite(data: Float64Array, cols: number, who: string, what: string): void {
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v - v !== 0) {
      const kind = Number.isNaN(v) ? "NaN" : "an infinite value";
      const at = cols === 0 ? `index ${k}` : `row ${Math.floor(k / cols)}, column ${k % cols}`;
      throw new RangeError(`${who}: ${what} contains ${kind} at ${at}; remove or impute it first`);
    }
  }
}

/**
 * Reads a data matrix, copying it into float64. Throws, naming the estimator, on a tensor
 * that is not 2-D, ragged nested arrays, non-numbers, NaN or infinities, and empty input.
 */
export function toMatrix(X: unknown, who: string, what = "X"): Matrix {
  let m: Matrix;
  if (X instanceof Tensor) {
    if (X.ndim !== 2) {
      throw new RangeError(`${who}: ${what} must be 2-D [nSamples, nFeatures], got a tensor of shape ${fmtShape(X.shape)}${X.ndim === 1 ? " (reshape a single feature with x.reshape(-1, 1))" : ""}`);
    }
    m = { data: Float64Array.from(X.dataSync() as ArrayLike<number>), rows: X.shape[0], cols: X.shape[1] };
  } else if (Array.isArray(X)) {
    const rows = X.length;
    if (rows > 0 && !Array.isArray(X[0])) {
      throw new TypeError(`${who}: ${what} must be a 2-D array of rows (number[][]), got a 1-D array; wrap each value as [v] for a single feature`);
    }
    const cols = rows > 0 ? (X[0] as unknown[]).length : 0;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = X[i] as unknown;
      if (!Array.isArray(row) || row.length !== cols) {
        throw new RangeError(`${who}: ${what} is ragged: row 0 has ${cols} values but row ${i} has ${Array.isArray(row) ? row.length : "none (not an array)"}`);
      }
      for (let j = 0; j < cols; j++) {
        const v = row[j] as unknown;
        if (typeof v !== "number") throw new TypeError(`${who}: ${what} must hold numbers, got ${v === null ? "null" : typeof v} at row ${i}, column ${j}`);
        data[i * cols + j] = v;
      }
    }
    m = { data, rows, cols };
  } else {
    throw new TypeError(`${who}: ${what} must be a 2-D Tensor or an array of rows, got ${X === null ? "null" : typeof X}`);
  }
  if (m.rows === 0 || m.cols === 0) throw new RangeError(`${who}: ${what} is empty (shape [${m.rows}, ${m.cols}]); need at least one sample and one feature`);
  checkFinite(m.data, m.cols, who, what);
  return m;
}

/** A vector read into float64; `dtype` is what labels come back as (the tensor's, or int32/float64 for arrays). */
export interface Vector {
  data: Float64Array;
  dtype: DType;
}

/** Reads a 1-D vector of targets or labels (checked finite, non-empty). */
export function toVector(y: unknown, who: string, what = "y"): Vector {
  let data: Float64Array;
  let dtype: DType;
  if (y instanceof Tensor) {
    if (y.ndim !== 1) throw new RangeError(`${who}: ${what} must be 1-D [nSamples], got a tensor of shape ${fmtShape(y.shape)}`);
    data = Float64Array.from(y.dataSync() as ArrayLike<number>);
    dtype = y.dtype === "bool" ? "int32" : y.dtype;
  } else if (Array.isArray(y)) {
    data = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) {
      const v = y[i] as unknown;
      if (typeof v === "boolean") data[i] = v ? 1 : 0;
      else if (typeof v === "number") data[i] = v;
      else throw new TypeError(`${who}: ${what} must hold numbers, got ${Array.isArray(v) ? "an array" : v === null ? "null" : typeof v} at index ${i}`);
    }
    dtype = data.every(Number.isInteger) ? "int32" : "float64";
  } else {
    throw new TypeError(`${who}: ${what} must be a 1-D Tensor or an array, got ${y === null ? "null" : typeof y}`);
  }
  if (data.length === 0) throw new RangeError(`${who}: ${what} is empty`);
  checkFinite(data, 0, who, what);
  return { data, dtype };
}

/** Reads regression targets: [n] (single) or [n, t] (several); `single` says which. */
export function toTargets(y: unknown, who: string, what = "y"): Matrix & { single: boolean } {
  const twoD = (y instanceof Tensor && y.ndim === 2) || (Array.isArray(y) && y.length > 0 && Array.isArray(y[0]));
  if (twoD) return { ...toMatrix(y, who, what), single: false };
  const v = toVector(y, who, what);
  return { data: v.data, rows: v.data.length, cols: 1, single: true };
}

/** A supervised fit's inputs: X as a matrix and y as a vector with one entry per row of X. */
export function toSamples(X: unknown, y: unknown, who: string): { A: Matrix; y: Vector } {
  const A = toMatrix(X, who);
  const v = toVector(y, who);
  checkSameLength(A.rows, v.data.length, who);
  return { A, y: v };
}

/** Throws unless X and y have the same number of samples. */
export function checkSameLength(n: number, m: number, who: string, what = "y"): void {
  if (n !== m) throw new RangeError(`${who}: X has ${n} samples but ${what} has ${m}; they must have the same length`);
}

/** Throws unless X at predict time has the feature count seen in fit. */
export function checkFeatures(X: Matrix, nFeatures: number, who: string): void {
  if (X.cols !== nFeatures) throw new RangeError(`${who}: X has ${X.cols} features, but ${who} was fitted with ${nFeatures} features`);
}

/** A float64 tensor over `data` (no copy). */
export function f64(data: Float64Array, shape: number[]): Tensor {
  return Tensor.fromArray(data, shape, "float64");
}

/** A tensor of labels in `dtype` (int32 labels are integers by construction). */
export function labelTensor(values: Float64Array, dtype: DType): Tensor {
  if (dtype === "float64") return Tensor.fromArray(values, [values.length], "float64");
  if (dtype === "float32") return Tensor.fromArray(Float32Array.from(values), [values.length], "float32");
  return Tensor.fromArray(Int32Array.from(values), [values.length], "int32");
}

/** An int32 tensor over `data` (no copy). */
export function i32(data: Int32Array, shape: number[]): Tensor {
  return Tensor.fromArray(data, shape, "int32");
}

/** Sorted distinct labels, and each sample's index into them. */
export function encodeLabels(y: Float64Array): { classes: Float64Array; index: Int32Array } {
  const classes = Float64Array.from(new Set(y)).sort();
  const pos = new Map<number, number>();
  classes.forEach((c, i) => pos.set(c, i));
  const index = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) index[i] = pos.get(y[i])!;
  return { classes, index };
}

/** Column means of a matrix. */
export function columnMeans(X: Matrix): Float64Array {
  const { data, rows, cols } = X;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += data[i * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  return mean;
}

/** Rows `idx` of a matrix, copied. */
export function takeRows(X: Matrix, idx: ArrayLike<number>): Matrix {
  const { data, cols } = X;
  const out = new Float64Array(idx.length * cols);
  for (let r = 0; r < idx.length; r++) out.set(data.subarray(idx[r] * cols, idx[r] * cols + cols), r * cols);
  return { data: out, rows: idx.length, cols };
}
