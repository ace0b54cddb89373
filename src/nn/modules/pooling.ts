import type { ValuesIndices } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { AdaptiveSize2, AvgPool1dOptions, AvgPool2dOptions, MaxPool1dOptions, MaxPool2dOptions, Size1, Size2 } from "../functional/conv.js";
import {
  adaptiveAvgPool1dAs, adaptiveAvgPool2dAs, avgPool1dAs, avgPool2dAs, maxPool1dAs, maxPool2dAs, pair, single,
} from "../functional/conv.js";
import { Module } from "../module.js";

// Pooling layers: hold their hyper-parameters (as given, for PyTorch's repr) and call the
// functional ops, whose errors then name the layer.

/** A size as PyTorch prints it: an int stays an int, a pair is a tuple. */
const show = (v: unknown): string => (Array.isArray(v) ? (v.length === 1 ? `(${show(v[0])},)` : `(${v.map(show).join(", ")})`) : v === null ? "None" : String(v));
const pyBool = (b: boolean): string => (b ? "True" : "False");

/** A pooling result: the values, or values and indices when the layer was built with returnIndices: true. */
export type PoolOutput<R extends boolean> = R extends true ? ValuesIndices : Tensor;

/**
 * 2-D max pooling layer (stride defaults to the kernel size). With returnIndices: true,
 * forward returns { values, indices }.
 * @example const pool = new nn.MaxPool2d(2); pool.forward(gl.randn([1, 8, 28, 28])).shape // [1, 8, 14, 14]
 */
export class MaxPool2d<R extends boolean = false> extends Module {
  readonly stride: Size2;
  readonly padding: Size2;
  readonly dilation: Size2;
  readonly ceilMode: boolean;
  readonly returnIndices: R;

  constructor(readonly kernelSize: Size2, opts: MaxPool2dOptions & { returnIndices?: R } = {}) {
    super();
    pair(kernelSize, 1, "kernelSize", "MaxPool2d", 1);
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.ceilMode = opts.ceilMode ?? false;
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }

  forward(x: Tensor): PoolOutput<R> {
    return maxPool2dAs(`MaxPool2d(kernel_size=${show(this.kernelSize)})`, x, this.kernelSize, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices,
    }) as PoolOutput<R>;
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * 1-D max pooling layer over [N, C, L] (stride defaults to the kernel size).
 * @example new nn.MaxPool1d(2).forward(gl.tensor([[[1, 3, 2, 5]]])) // [[[3, 5]]]
 */
export class MaxPool1d<R extends boolean = false> extends Module {
  readonly stride: Size1;
  readonly padding: Size1;
  readonly dilation: Size1;
  readonly ceilMode: boolean;
  readonly returnIndices: R;

  constructor(readonly kernelSize: Size1, opts: MaxPool1dOptions & { returnIndices?: R } = {}) {
    super();
    single(kernelSize, 1, "kernelSize", "MaxPool1d", 1);
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.ceilMode = opts.ceilMode ?? false;
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }

  forward(x: Tensor): PoolOutput<R> {
    return maxPool1dAs(`MaxPool1d(kernel_size=${show(this.kernelSize)})`, x, this.kernelSize, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices,
    }) as PoolOutput<R>;
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * 2-D average pooling layer (stride defaults to the kernel size; padded zeros count in the
 * divisor unless countIncludePad is false).
 * @example new nn.AvgPool2d(2).forward(gl.ones([1, 1, 4, 4])).shape // [1, 1, 2, 2]
 */
export class AvgPool2d extends Module {
  readonly stride: Size2;
  readonly padding: Size2;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(readonly kernelSize: Size2, opts: AvgPool2dOptions = {}) {
    super();
    pair(kernelSize, 1, "kernelSize", "AvgPool2d", 1);
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  forward(x: Tensor): Tensor {
    return avgPool2dAs(`AvgPool2d(kernel_size=${show(this.kernelSize)})`, x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/**
 * 1-D average pooling layer over [N, C, L] (stride defaults to the kernel size).
 * @example new nn.AvgPool1d(2).forward(gl.tensor([[[1, 3, 2, 6]]])) // [[[2, 4]]]
 */
export class AvgPool1d extends Module {
  readonly stride: Size1;
  readonly padding: Size1;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(readonly kernelSize: Size1, opts: AvgPool1dOptions = {}) {
    super();
    single(kernelSize, 1, "kernelSize", "AvgPool1d", 1);
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
  }

  forward(x: Tensor): Tensor {
    return avgPool1dAs(`AvgPool1d(kernel_size=${show(this.kernelSize)})`, x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad,
    });
  }

  override extraRepr(): string {
    // PyTorch stores the 1-D sizes as one-element tuples.
    const t = (v: Size1) => show(typeof v === "number" ? [v] : v);
    return `kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}, padding=${t(this.padding)}`;
  }
}

/**
 * Adaptive 2-D average pooling to a fixed output size (null in a pair keeps that input size).
 * @example new nn.AdaptiveAvgPool2d([5, 7]).forward(gl.randn([1, 64, 8, 9])).shape // [1, 64, 5, 7]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize2) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2dAs(`AdaptiveAvgPool2d(output_size=${show(this.outputSize)})`, x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

/**
 * Adaptive 1-D average pooling to a fixed output length.
 * @example new nn.AdaptiveAvgPool1d(1).forward(gl.randn([2, 16, 50])).shape // [2, 16, 1]
 */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: Size1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1dAs(`AdaptiveAvgPool1d(output_size=${show(this.outputSize)})`, x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}
