import type { DType, TypedArray } from "../tensor/dtype.js";
import type { View } from "./kernels.js";

/** What the layerNorm kernel returns: the output and, per normalised row, the statistics its backward reads. */
export interface LayerNormResult {
  /** x's shape, contiguous. */
  readonly y: TypedArray;
  /** One per row (rows = numel(x) / n), contiguous. */
  readonly mean: TypedArray;
  /** 1 / sqrt(biased variance + eps), one per row. */
  readonly rstd: TypedArray;
}

/** What the layerNorm backward kernel returns; dweight and dbias are null when not asked for. */
export interface LayerNormGrads {
  readonly dx: TypedArray;
  readonly dweight: TypedArray | null;
  readonly dbias: TypedArray | null;
}

/**
 * Fused normalisation kernels, part of the Backend interface: softmax and logSoftmax along
 * one axis and layer normalisation over the trailing elements, forward and backward, each
 * one pass over its rows instead of a chain of elementwise and reduction kernels. Inputs
 * are strided views of one floating dtype (float32 or float64, converted to `outDtype` when
 * they differ); outputs are new contiguous arrays of `outDtype`. The fast path is a
 * contiguous input normalised along its last dim.
 */
export interface NormKernels {
  /**
   * softmax (or, with `log`, logSoftmax) of x along `axis`: exp(x - max) / sum(exp(x - max)),
   * resp. (x - max) - log(sum(exp(x - max))). A row holding NaN, or whose max is infinite,
   * gives NaN, as the composite formula does. Output: x's shape.
   */
  softmax(x: View, axis: number, log: boolean, outDtype: DType): TypedArray;
  /**
   * The input gradient of softmax (log false) or logSoftmax (log true) from its output `y`
   * and the output gradient `g` (same shape): y * (g - sum(g * y)), resp. g - exp(y) * sum(g),
   * the sums along `axis`.
   */
  softmaxBackward(y: View, g: View, axis: number, log: boolean, outDtype: DType): TypedArray;
  /**
   * Layer normalisation of x over its trailing `n` elements (x's shape read as [rows, n]):
   * y = (x - mean) * rstd * weight + bias with the biased variance; weight and bias are
   * [n]-element views or null (no scale / no shift).
   */
  layerNorm(x: View, n: number, weight: View | null, bias: View | null, eps: number, outDtype: DType): LayerNormResult;
  /**
   * Gradients of layerNorm from the output gradient g (x's shape), x, and the forward's mean
   * and rstd: dx, and when asked for, dweight = sum over rows of g * xhat and dbias = sum of g
   * (each [n]). The row sums are blocked in a fixed order, whatever the thread count.
   */
  layerNormBackward(g: View, x: View, mean: View, rstd: View, weight: View | null, n: number,
    needWeight: boolean, needBias: boolean, outDtype: DType): LayerNormGrads;
  /**
   * Optional fused attention for q [N, H, L, D], k [N, H, S, D] and v [N, H, S, E] (strided
   * views of `dtype`, float32 or float64), an optional additive mask ([N, H, L, S], broadcast
   * dims with stride 0) and optional dropout multipliers `drop` (contiguous [N, H, L, S] of
   * `dtype`: 0 or 1 / (1 - p), as dropout draws them): probs = softmax((q * scale) k^T + mask)
   * along S ([N, H, L, S], contiguous, before dropout) and out = (probs * drop) v, written
   * contiguous in [N, L, H, E] order (the heads merged). The same arithmetic as mul, matmul,
   * add, softmax and dropout's mul in turn. Backends without it leave it out and the op
   * composes those kernels.
   */
  attention?(q: View, k: View, v: View, scale: number, dtype: DType, mask?: View | null, drop?: TypedArray | null): AttentionResult;
  /**
   * attention's gradients from its operands, its probs (before dropout), the same `drop`, and
   * g, the gradient of out given as a [N, H, L, E] view: dq [N, L, H, D], dk [N, S, H, D],
   * dv [N, S, H, E], each contiguous in that order. The same arithmetic as the composed
   * kernels' backward.
   */
  attentionBackward?(q: View, k: View, v: View, probs: View, g: View, scale: number, dtype: DType, drop?: TypedArray | null): AttentionGrads;
}

/** What the fused attention kernel returns. */
export interface AttentionResult {
  /** [N, L, H, E] contiguous. */
  readonly out: TypedArray;
  /** The softmax weights, [N, H, L, S] contiguous. */
  readonly probs: TypedArray;
}

/** What the fused attention backward returns, each contiguous with the heads merged. */
export interface AttentionGrads {
  /** [N, L, H, D] */
  readonly dq: TypedArray;
  /** [N, S, H, D] */
  readonly dk: TypedArray;
  /** [N, S, H, E] */
  readonly dv: TypedArray;
}
