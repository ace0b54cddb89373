import type { DType, TypedArray } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";
import type { View } from "./kernels.js";

/** A (height, width) pair of sizes: kernel, stride, padding or dilation. */
export type Pair = readonly [number, number];

/** Hyper-parameters of a 2-D convolution (already validated: positive stride/dilation, padding >= 0). */
export interface Conv2dParams {
  readonly stride: Pair;
  /** Zero padding added on both sides of each spatial dim. */
  readonly padding: Pair;
  readonly dilation: Pair;
  /** Channels are split into this many independent groups (in and out channels both divisible). */
  readonly groups: number;
}

/** Hyper-parameters of max pooling (PyTorch's max_pool2d; padding <= kernel / 2). */
export interface MaxPool2dParams {
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;
}

/** Hyper-parameters of average pooling (PyTorch's avg_pool2d; padding <= kernel / 2). */
export interface AvgPool2dParams {
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  /** Whether padded zeros count in the divisor (PyTorch's default: true). */
  readonly countIncludePad: boolean;
  /** A fixed divisor for every window instead of the window's size, or null. */
  readonly divisorOverride: number | null;
}

/**
 * Convolution and pooling kernels, part of the Backend interface. Tensors are batched NCHW
 * views with any strides; outputs are new contiguous arrays of `outDtype` (float32 or
 * float64, the dtype of every operand). Weights use PyTorch's layout [O, C / groups, kH, kW].
 */
export interface ConvKernels {
  /** Cross-correlation of x [N, C, H, W] with weight [O, C/groups, kH, kW] plus bias [O] (or null). Output [N, O, OH, OW]. */
  conv2d(x: View, weight: View, bias: View | null, p: Conv2dParams, outDtype: DType): TypedArray;
  /**
   * Gradient of conv2d with respect to its input (a transposed convolution): grad [N, O, OH, OW]
   * and weight give [N, C, H, W] = `inputShape`. OH, OW are read from grad's shape, so output
   * positions beyond what the input size produces simply do not exist.
   */
  conv2dInputGrad(grad: View, weight: View, inputShape: Shape, p: Conv2dParams, outDtype: DType): TypedArray;
  /** Gradient of conv2d with respect to its weight: x [N, C, H, W] and grad [N, O, OH, OW] give `weightShape`. */
  conv2dWeightGrad(x: View, grad: View, weightShape: Shape, p: Conv2dParams, outDtype: DType): TypedArray;
  /**
   * Max pooling of x [N, C, H, W]: the values and, for each, the position of the maximum in
   * its input plane (h * W + w, PyTorch's indices). NaN wins (the last NaN of a window).
   */
  maxPool2d(x: View, p: MaxPool2dParams, outDtype: DType): { values: TypedArray; indices: Int32Array };
  /** zeros(inputShape) with grad [N, C, OH, OW] added at the planes' `indices` (int32, same shape as grad). */
  maxPool2dBackward(grad: View, indices: View, inputShape: Shape, outDtype: DType): TypedArray;
  /** Average pooling of x [N, C, H, W] with PyTorch's divisor rules. */
  avgPool2d(x: View, p: AvgPool2dParams, outDtype: DType): TypedArray;
  /** Gradient of avgPool2d: each output's gradient spread over its window with the same divisor. */
  avgPool2dBackward(grad: View, inputShape: Shape, p: AvgPool2dParams, outDtype: DType): TypedArray;
  /** Adaptive average pooling of x [N, C, H, W] to [N, C, outSize[0], outSize[1]] (windows from adaptiveStart/End). */
  adaptiveAvgPool2d(x: View, outSize: Pair, outDtype: DType): TypedArray;
  /** Gradient of adaptiveAvgPool2d: grad [N, C, OH, OW] spread back over the windows. */
  adaptiveAvgPool2dBackward(grad: View, inputShape: Shape, outDtype: DType): TypedArray;
}

/**
 * Output length of a convolution along one dim: floor((in + 2 pad - dil (k - 1) - 1) / stride) + 1
 * (may be < 1; callers reject that).
 */
export function convOutSize(inSize: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((inSize + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Output length of pooling along one dim, PyTorch's pooling_output_shape: with ceilMode the
 * last window may hang over the end, but must start inside the input or its left padding.
 */
export function poolOutSize(inSize: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  const span = inSize + 2 * padding - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + padding) out--;
  return out;
}

/** First input index of adaptive window i (PyTorch: floor(i * in / out)). */
export function adaptiveStart(i: number, inSize: number, outSize: number): number {
  return Math.floor((i * inSize) / outSize);
}

/** One past the last input index of adaptive window i (PyTorch: ceil((i + 1) * in / out)). */
export function adaptiveEnd(i: number, inSize: number, outSize: number): number {
  return Math.ceil(((i + 1) * inSize) / outSize);
}

export type { DType, TypedArray, View };
