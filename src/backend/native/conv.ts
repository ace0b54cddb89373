import type { AvgPool2dParams, Conv2dParams, ConvKernels, MaxPool2dParams, Pair } from "../conv_kernels.js";
import { convOutSize, poolOutSize } from "../conv_kernels.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { numel } from "../../tensor/shape.js";
import type { View } from "../kernels.js";
import { jsBackend } from "../js/index.js";
import type { NativeAddon } from "./addon.js";
import { writeView } from "./meta.js";

// The convolution and pooling kernels of the native backend (cpp/conv.cc). Each call writes
// its operands' views and integer parameters into the shared metadata array in the order
// cpp/addon.cc reads them. Operands whose dtype differs from the output's (the interface
// promises they match) run on the js kernels.

/** What createNativeBackend lends these kernels: the metadata array and its array helpers. */
export interface NativeIo {
  readonly meta: Float64Array;
  /** A new output array the kernel overwrites entirely (not zero-filled when large). */
  fresh(dtype: DType, n: number): TypedArray;
  /** An input as the addon should see it (a stand-in for tiny on-heap arrays) in argument slot `slot`. */
  arg(a: TypedArray, slot: number): TypedArray;
  /** Where the addon writes an output (a stand-in for tiny arrays, copied back by give). */
  dest(out: TypedArray): TypedArray;
  give<T extends TypedArray>(out: T, written: TypedArray): T;
}

const isFloat = (d: DType): boolean => d === "float32" || d === "float64";

/** Whether every view's array holds `dtype` (the addon refuses anything else). */
function sameDtype(dtype: DType, ...views: View[]): boolean {
  const ctor = dtype === "float32" ? Float32Array : Float64Array;
  return isFloat(dtype) && views.every((v) => v.data instanceof ctor);
}

/**
 * The ConvKernels of the native backend over a loaded addon.
 * @example const k = nativeConvKernels(addon, io); k.conv2d(x, w, null, p, "float32")
 */
export function nativeConvKernels(addon: NativeAddon, io: NativeIo): ConvKernels {
  const m = io.meta;
  let pos = 0;
  const view = (v: View): void => {
    pos = writeView(m, pos, v);
  };
  const ints = (...vs: number[]): void => {
    for (const v of vs) m[pos++] = v;
  };
  const convParams = (p: Conv2dParams): void => ints(p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.dilation[0], p.dilation[1], p.groups);
  const avgParams = (p: AvgPool2dParams): void =>
    ints(p.kernel[0], p.kernel[1], p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.countIncludePad ? 1 : 0, p.divisorOverride ?? 0);
  // A divisor override that is not a non-zero integer cannot travel as the addon's integer.
  const plainDivisor = (p: AvgPool2dParams): boolean => p.divisorOverride === null || (Number.isInteger(p.divisorOverride) && p.divisorOverride !== 0);

  return {
    conv2d(x: View, w: View, bias: View | null, p: Conv2dParams, outDtype: DType): TypedArray {
      if (!sameDtype(outDtype, x, w, ...(bias ? [bias] : []))) return jsBackend.conv2d(x, w, bias, p, outDtype);
      const oh = convOutSize(x.shape[2], w.shape[2], p.stride[0], p.padding[0], p.dilation[0]);
      const ow = convOutSize(x.shape[3], w.shape[3], p.stride[1], p.padding[1], p.dilation[1]);
      const out = io.fresh(outDtype, x.shape[0] * w.shape[0] * oh * ow);
      if (out.length === 0) return out;
      pos = 0; view(x); view(w); ints(bias ? 1 : 0); if (bias) view(bias); convParams(p); ints(oh, ow);
      const o = io.dest(out);
      addon.conv2d(o, io.arg(x.data, 1), io.arg(w.data, 2), io.arg(bias ? bias.data : x.data, 3));
      return io.give(out, o);
    },

    conv2dInputGrad(g: View, w: View, inputShape: Shape, p: Conv2dParams, outDtype: DType): TypedArray {
      if (!sameDtype(outDtype, g, w)) return jsBackend.conv2dInputGrad(g, w, inputShape, p, outDtype);
      const out = io.fresh(outDtype, numel(inputShape));
      if (out.length === 0) return out;
      pos = 0; view(g); view(w); ints(...inputShape); convParams(p);
      const o = io.dest(out);
      addon.conv2dInputGrad(o, io.arg(g.data, 1), io.arg(w.data, 2));
      return io.give(out, o);
    },

    conv2dWeightGrad(x: View, g: View, weightShape: Shape, p: Conv2dParams, outDtype: DType): TypedArray {
      if (!sameDtype(outDtype, x, g)) return jsBackend.conv2dWeightGrad(x, g, weightShape, p, outDtype);
      const out = io.fresh(outDtype, numel(weightShape));
      if (out.length === 0) return out;
      pos = 0; view(x); view(g); ints(...weightShape); convParams(p);
      const o = io.dest(out);
      addon.conv2dWeightGrad(o, io.arg(x.data, 1), io.arg(g.data, 2));
      return io.give(out, o);
    },

    maxPool2d(x: View, p: MaxPool2dParams, outDtype: DType): { values: TypedArray; indices: Int32Array } {
      if (!sameDtype(outDtype, x)) return jsBackend.maxPool2d(x, p, outDtype);
      const oh = poolOutSize(x.shape[2], p.kernel[0], p.stride[0], p.padding[0], p.dilation[0], p.ceilMode);
      const ow = poolOutSize(x.shape[3], p.kernel[1], p.stride[1], p.padding[1], p.dilation[1], p.ceilMode);
      const n = x.shape[0] * x.shape[1] * oh * ow;
      const values = io.fresh(outDtype, n);
      const indices = io.fresh("int32", n) as Int32Array;
      if (n === 0) return { values, indices };
      pos = 0; view(x);
      ints(p.kernel[0], p.kernel[1], p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.dilation[0], p.dilation[1], oh, ow);
      // values and indices differ in type, so each gets its own stand-in of slot 0.
      const v = io.dest(values), i = io.dest(indices);
      addon.maxPool2d(v, i as Int32Array, io.arg(x.data, 1));
      return { values: io.give(values, v), indices: io.give(indices, i) };
    },

    maxPool2dBackward(g: View, indices: View, inputShape: Shape, outDtype: DType): TypedArray {
      if (!sameDtype(outDtype, g) || !(indices.data instanceof Int32Array)) return jsBackend.maxPool2dBackward(g, indices, inputShape, outDtype);
      const out = io.fresh(outDtype, numel(inputShape));
      if (out.length === 0) return out;
      pos = 0; view(g); view(indices); ints(...inputShape);
      const o = io.dest(out);
      addon.maxPool2dBackward(o, io.arg(g.data, 1), io.arg(indices.data, 2));
      return io.give(out, o);
    },

    avgPool2d(x: View, p: AvgPool2dParams, outDtype: DType): TypedArray {
      if (!sameDtype(outDtype, x) || !plainDivisor(p)) return jsBackend.avgPool2d(x, p, outDtype);
      const oh = poolOutSize(x.shape[2], p.kernel[0], p.stride[0], p.padding[0], 1, p.ceilMode);
      const ow = poolOutSize(x.shape[3], p.kernel[1], p.stride[1], p.padding[1], 1, p.ceilMode);
      const out = io.fresh(outDtype, x.shape[0] * x.shape[1] * oh * ow);
      if (out.length === 0) return out;
      pos = 0; view(x); avgParams(p); ints(oh, ow);
      const o = io.dest(out);
      addon.avgPool2d(o, io.arg(x.data, 1));
      return io.give(out, o);
    },

    avgPool2dBackward(g: View, inputShape: Shape, p: AvgPool2dParams, outDtype: DType): TypedArray {
      if (!sameDtype(outDtype, g) || !plainDivisor(p)) return jsBackend.avgPool2dBackward(g, inputShape, p, outDtype);
      const out = io.fresh(outDtype, numel(inputShape));
      if (out.length === 0) return out;
      pos = 0; view(g); ints(...inputShape); avgParams(p);
      const o = io.dest(out);
      addon.avgPool2dBackward(o, io.arg(g.data, 1));
      return io.give(out, o);
    },

    adaptiveAvgPool2d(x: View, outSize: Pair, outDtype: DType): TypedArray {
      if (!sameDtype(outDtype, x)) return jsBackend.adaptiveAvgPool2d(x, outSize, outDtype);
      const out = io.fresh(outDtype, x.shape[0] * x.shape[1] * outSize[0] * outSize[1]);
      if (out.length === 0) return out;
      pos = 0; view(x); ints(outSize[0], outSize[1]);
      const o = io.dest(out);
      addon.adaptiveAvgPool2d(o, io.arg(x.data, 1));
      return io.give(out, o);
    },

    adaptiveAvgPool2dBackward(g: View, inputShape: Shape, outDtype: DType): TypedArray {
      if (!sameDtype(outDtype, g)) return jsBackend.adaptiveAvgPool2dBackward(g, inputShape, outDtype);
      const out = io.fresh(outDtype, numel(inputShape));
      if (out.length === 0) return out;
      pos = 0; view(g); ints(...inputShape);
      const o = io.dest(out);
      addon.adaptiveAvgPool2dBackward(o, io.arg(g.data, 1));
      return io.give(out, o);
    },
  };
}
