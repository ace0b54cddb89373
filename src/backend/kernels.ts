import type { DType, TypedArray } from "../tensor/dtype.js";
import type { Shape, Strides } from "../tensor/shape.js";

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

/** Elementwise functions of two arguments. Comparisons write 0/1 into a bool output. */
export const BINARY_OPS = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "fmod", "remainder",
  "floorDivide", "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor",
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export type ReduceOp = "sum" | "prod" | "max" | "min";
export type ArgReduceOp = "argmax" | "argmin";
export type ScanOp = "cumsum" | "cumprod";

/** Options of a batched matrix product: a [..., M, K] x b [..., K, N] -> [..., M, N]. */
export interface MatmulArgs {
  /** Batch sizes shared by both operands after broadcasting (may be empty). */
  readonly batch: Shape;
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/**
 * The fixed set of kernels a backend implements. Every op in `src/ops` is written
 * against this interface only; a backend knows nothing above it. Outputs are always new
 * contiguous (row-major) typed arrays of `outDtype`, which the caller wraps in a tensor.
 */
export interface Backend {
  readonly name: string;

  /** out[i] = f(x[i]) over x's shape. */
  unary(op: UnaryOp, x: View, outDtype: DType): TypedArray;
  /** out = f(a, b); `a` and `b` already have `outShape` (broadcast dims carry stride 0). */
  binary(op: BinaryOp, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray;
  /** out = cond ? a : b, all three already broadcast to `outShape`. */
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
}
