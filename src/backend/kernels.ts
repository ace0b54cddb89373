import type { DType, TypedArray } from "../tensor/dtype.js";
import type { Shape, Strides } from "../tensor/shape.js";
import type { ConvKernels } from "./conv_kernels.js";
import type { NormKernels } from "./norm_kernels.js";

/**
 * A strided window onto a typed array: what every kernel reads. A Tensor satisfies it.
 * Broadcast operands arrive with stride 0 on broadcast dims.
 */
export interface View {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly strides: Strides;
  readonly offset: number;
}

/** Elementwise functions of one argument that backends implement as kernels. */
export const UNARY_OPS = [
  "neg", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "abs", "sign", "square",
  "sin", "cos", "tan", "tanh", "sigmoid", "relu", "floor", "ceil", "round", "trunc",
  "reciprocal", "erf", "logicalNot", "isnan", "asin", "acos", "atan",
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/**
 * Elementwise functions of two arguments. Comparisons write 0/1 into a bool output.
 * "reluBackward" is relu's gradient in one pass, PyTorch's threshold_backward(grad = a,
 * self = b, threshold = 0): out = b <= 0 ? 0 : a, so a NaN in b passes a through; output
 * dtype a's (float).
 */
export const BINARY_OPS = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "fmod", "remainder",
  "floorDivide", "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor",
  "reluBackward",
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/**
 * Reductions. "sumsq" is the sum of squares: each x*x rounded in x's dtype (int32 wrapping, as
 * square does), then summed as "sum" sums, without materialising the squares.
 */
export type ReduceOp = "sum" | "prod" | "max" | "min" | "sumsq";
export type ArgReduceOp = "argmax" | "argmin";
export type ScanOp = "cumsum" | "cumprod";

/** Options of a batched matrix product: a [..., M, K] x b [..., K, N] -> [..., M, N]. */
export interface MatmulArgs {
  /** Batch sizes shared by both operands after broadcasting (may be empty). */
  readonly batch: Shape;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /**
   * Optional [n] vector (1-D view, any stride) added to every row of every product once its
   * sum is complete: out = A B + bias, rounded as that one addition (linear's bias). Its
   * dtype is the output's.
   */
  readonly bias?: View;
  /**
   * Optional array to accumulate into: C += A B (+ bias), in place, instead of a new output.
   * Row-major [...batch, m, n] of the output's dtype (float32 or float64), whole (offset 0,
   * length batch * m * n); matmul returns it. For a gradient added into an existing .grad
   * (no temporary, no separate addition pass).
   */
  readonly into?: TypedArray;
}

/** An LU factorisation with partial pivoting of `batch` n x n matrices (LAPACK getrf layout). */
export interface LuFactors {
  readonly batch: number;
  readonly n: number;
  /** [batch, n, n]: U on and above the diagonal, L's multipliers below it (L's unit diagonal implied). */
  readonly lu: Float64Array;
  /** [batch, n]: at step i, row i was swapped with row pivots[i] (0-based, >= i). */
  readonly pivots: Int32Array;
  /** One per matrix: 0, or k + 1 when the k-th pivot is exactly zero (the matrix is singular). */
  readonly info: Int32Array;
}

/** Which factors a QR decomposition returns (torch.linalg.qr's `mode`). */
export type QrMode = "reduced" | "complete" | "r";

/**
 * Dense linear algebra on batches of matrices, computed in float64. Inputs are views of
 * shape [...batch, rows, cols] with any strides (batch dims may be broadcast, stride 0)
 * and any floating dtype; every output is a new contiguous Float64Array, batch-major.
 */
export interface LinalgKernels {
  /** LU with partial pivoting of [..., n, n]. Singular matrices are reported in `info`, never thrown. */
  lu(a: View): LuFactors;
  /** Solves A X = B from A's factors; b is [..., n, k] with the factors' batch. Output [batch, n, k]. */
  luSolve(f: LuFactors, b: View): Float64Array;
  /** Determinants of [..., n, n] (from LU). Output [batch]. */
  det(a: View): Float64Array;
  /** Solves A X = B for triangular A [..., n, n] (only its `upper` or lower triangle is read); b is [..., n, k]. */
  triangularSolve(a: View, b: View, upper: boolean, unitriangular: boolean): Float64Array;
  /**
   * Householder QR of [..., m, n] with LAPACK's sign convention (R's diagonal is -sign of
   * the pivot column's leading entry). With k = min(m, n): reduced gives Q [m, k] and
   * R [k, n]; complete Q [m, m] and R [m, n]; "r" only R [k, n] (q is empty).
   */
  qr(a: View, mode: QrMode): { q: Float64Array; r: Float64Array };
  /**
   * SVD of [..., m, n] by one-sided Jacobi: S [k] descending; U [m, m or k] and Vh [n or k, n]
   * (fullMatrices), each left singular vector's largest-magnitude entry made positive.
   * Without computeUV, u and vh are empty. A matrix with non-finite entries gives NaNs.
   * For a float32 input a backend may return u already rounded to float32 (a Float32Array):
   * U is the one long output, and rounding it as it is formed saves a pass over it.
   */
  svd(a: View, fullMatrices: boolean, computeUV: boolean): { u: Float64Array | Float32Array; s: Float64Array; vh: Float64Array };
  /**
   * Symmetric eigendecomposition of [..., n, n] (reading the `upper` or lower triangle) by
   * cyclic Jacobi: eigenvalues [n] ascending, eigenvectors as columns of [n, n], each with
   * its largest-magnitude entry positive (empty without computeVectors). A matrix with
   * non-finite entries gives NaNs.
   */
  eigh(a: View, upper: boolean, computeVectors: boolean): { values: Float64Array; vectors: Float64Array };
}

/**
 * The fixed set of kernels a backend implements. Every op in `src/ops` is written
 * against this interface only; a backend knows nothing above it. Outputs are always new
 * contiguous (row-major) typed arrays of `outDtype`, which the caller wraps in a tensor.
 */
export interface Backend extends ConvKernels, NormKernels {
  readonly name: string;

  /**
   * Optional: takes back the memory of an output that nothing will read or write again (the
   * autograd engine's own gradient temporaries), for a later output of the same size; every
   * view of it is detached. Returns whether it was kept. Backends without a pool omit it.
   */
  recycle?(data: TypedArray): boolean;

  /** out[i] = f(x[i]) over x's shape. */
  unary(op: UnaryOp, x: View, outDtype: DType): TypedArray;
  /** out = f(a, b); `a` and `b` already have `outShape` (broadcast dims carry stride 0). */
  binary(op: BinaryOp, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray;
  /** out = cond ? a : b, all three already broadcast to `outShape`; cond is true where nonzero (NaN too, as a cast to bool). */
  where(cond: View, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray;
  /** Reduces over `axes` (sorted, non-negative); the output has x's shape with those axes dropped. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], outDtype: DType): TypedArray;
  /** Index of the first max/min along `axis` (NaN counts as the max, as in PyTorch). Output drops `axis`. */
  argReduce(op: ArgReduceOp, x: View, axis: number): Int32Array;
  /** Inclusive scan along `axis`; output has x's shape. */
  scan(op: ScanOp, x: View, axis: number, outDtype: DType): TypedArray;
  /** Strided copy into a contiguous array, converting to `outDtype`. */
  copy(x: View, outDtype: DType): TypedArray;
  /** Writes `src` (broadcast to dst's shape) into the strided destination, in place. */
  assign(dst: View, src: View): void;
  /** Batched matrix product; operands are [...batch, M, K] and [...batch, K, N] with any strides. */
  matmul(a: View, b: View, args: MatmulArgs, outDtype: DType): TypedArray;
  /** out[..., j, ...] = x[..., index[j], ...] along `axis`; index is int32 1-D. Output shape: x's with shape[axis] = index length. */
  indexSelect(x: View, axis: number, index: View, outDtype: DType): TypedArray;
  /** out = zeros(outShape); out[..., index[j], ...] += src[..., j, ...] along `axis`. */
  indexAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray;
  /** torch.gather: out[i][j] = x[index[i][j]][j] (for axis 0), output has index's shape. */
  gather(x: View, axis: number, index: View, outDtype: DType): TypedArray;
  /** torch.scatter_add on zeros(outShape): out[index[i][j]][j] += src[i][j] (for axis 0). */
  scatterAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray;
  // ---- fused in-place kernels (ops helper) ----
  /**
   * dst += alpha * src, in place: one pass, no temporary. `src` already has dst's shape
   * (broadcast dims carry stride 0) and the same dtype, float32, float64 or int32. As in
   * add(dst, mul(src, alpha)): alpha is first rounded to the dtype (ToInt32 for int32) and
   * the product is rounded before the sum (int32 wraps). dst's elements must not overlap
   * each other; src may be dst itself (the same view) but must not otherwise overlap it.
   */
  axpy(dst: View, src: View, alpha: number): void;
  // ---- end fused in-place kernels ----
  /** Matrix factorisations and solvers (float64 inside), for gl.linalg. */
  readonly linalg: LinalgKernels;
}
