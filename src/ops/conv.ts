import type { AvgPool2dParams, Conv2dParams, MaxPool2dParams, Pair } from "../backend/conv_kernels.js";
import { convOutSize, poolOutSize } from "../backend/conv_kernels.js";
import { backend } from "../backend/registry.js";
import type { Shape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { attach, needsGrad } from "./graph.js";
import { gather } from "./indexing.js";
import { sum } from "./reduce.js";
import { narrow, reshape } from "./shape.js";

// Convolution and pooling as differentiable ops on 4-D NCHW tensors with validated
// hyper-parameters (nn/functional/conv.ts checks user input and builds these). Every
// gradient is another op of this file, so gradients of any order exist:
//   y = conv2d(x, w):           dx = conv2dInputGrad(g, w)      dw = conv2dWeightGrad(x, g)
//   z = conv2dInputGrad(g, w):  dg = conv2d(dz, w)              dw = conv2dWeightGrad(dz, g)
//   z = conv2dWeightGrad(x, g): dx = conv2dInputGrad(g, dz)     dg = conv2d(x, dz)
// (each follows from <conv2d(x, w), g> being linear in x, w and g separately), and pooling
// gradients are scatters whose own gradients are the matching gathers/poolings.

/** Shape of the output of conv2d on these operands (sizes may be < 1: callers check). */
export function conv2dOutShape(xShape: Shape, wShape: Shape, p: Conv2dParams): number[] {
  const o = (i: 0 | 1) => convOutSize(xShape[2 + i], wShape[2 + i], p.stride[i], p.padding[i], p.dilation[i]);
  return [xShape[0], wShape[0], o(0), o(1)];
}

/** Keeps the first rows/cols of a conv output so it matches `shape` (the overhang of a transposed conv's output padding). */
function cropTo(t: Tensor, shape: Shape): Tensor {
  if (t.shape[2] !== shape[2]) t = narrow(t, 2, 0, shape[2]);
  if (t.shape[3] !== shape[3]) t = narrow(t, 3, 0, shape[3]);
  return t;
}

/**
 * 2-D cross-correlation of x [N, C, H, W] with weight [O, C/groups, kH, kW] plus bias [O].
 * @example conv2dOp(x, w, b, { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 })
 */
export function conv2dOp(x: Tensor, w: Tensor, bias: Tensor | null, p: Conv2dParams): Tensor {
  const shape = conv2dOutShape(x.shape, w.shape, p);
  const out = Tensor.fromArray(backend().conv2d(x, w, bias, p, x.dtype), shape, x.dtype);
  if (needsGrad(x, w, bias ?? undefined)) {
    const inputs = bias ? [x, w, bias] : [x, w];
    attach(out, "ConvolutionBackward", inputs, (g) => {
      const grads = [
        x.requiresGrad ? conv2dInputGrad(g, w, x.shape, p) : null,
        w.requiresGrad ? conv2dWeightGrad(x, g, w.shape, p) : null,
      ];
      if (bias) grads.push(bias.requiresGrad ? sum(g, [0, 2, 3]) : null);
      return grads;
    }, [x, w]);
  }
  return out;
}

/**
 * The gradient of conv2d with respect to its input: a transposed convolution of g
 * [N, O, OH, OW] with weight [O, C/groups, kH, kW], producing `inputShape` [N, C, H, W].
 * Also the forward of convTranspose2d.
 * @example conv2dInputGrad(g, w, [N, C, H, W], p)
 */
export function conv2dInputGrad(g: Tensor, w: Tensor, inputShape: Shape, p: Conv2dParams): Tensor {
  const shape = inputShape.slice();
  const out = Tensor.fromArray(backend().conv2dInputGrad(g, w, shape, p, g.dtype), shape, g.dtype);
  if (needsGrad(g, w)) {
    attach(out, "ConvolutionBackwardInput", [g, w], (dz) => [
      g.requiresGrad ? cropTo(conv2dOp(dz, w, null, p), g.shape) : null,
      w.requiresGrad ? conv2dWeightGrad(dz, g, w.shape, p) : null,
    ], [g, w]);
  }
  return out;
}

/**
 * The gradient of conv2d with respect to its weight: x [N, C, H, W] correlated with
 * g [N, O, OH, OW], summed over the batch, giving `weightShape` [O, C/groups, kH, kW].
 * @example conv2dWeightGrad(x, g, w.shape, p)
 */
export function conv2dWeightGrad(x: Tensor, g: Tensor, weightShape: Shape, p: Conv2dParams): Tensor {
  const shape = weightShape.slice();
  const out = Tensor.fromArray(backend().conv2dWeightGrad(x, g, shape, p, x.dtype), shape, x.dtype);
  if (needsGrad(x, g)) {
    attach(out, "ConvolutionBackwardWeight", [x, g], (dz) => [
      x.requiresGrad ? conv2dInputGrad(g, dz, x.shape, p) : null,
      g.requiresGrad ? cropTo(conv2dOp(x, dz, null, p), g.shape) : null,
    ], [x, g]);
  }
  return out;
}

/** Output spatial size of max pooling (PyTorch's rule; may be < 1: callers check). */
export function poolOutShape(xShape: Shape, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, ceilMode: boolean): number[] {
  const o = (i: 0 | 1) => poolOutSize(xShape[2 + i], kernel[i], stride[i], padding[i], dilation[i], ceilMode);
  return [xShape[0], xShape[1], o(0), o(1)];
}

/**
 * Max pooling of x [N, C, H, W]: the values (differentiable) and the int32 position of each
 * maximum within its input plane (h * W + w).
 * @example const { values, indices } = maxPool2dOp(x, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false })
 */
export function maxPool2dOp(x: Tensor, p: MaxPool2dParams): { values: Tensor; indices: Tensor } {
  const shape = poolOutShape(x.shape, p.kernel, p.stride, p.padding, p.dilation, p.ceilMode);
  const r = backend().maxPool2d(x, p, x.dtype);
  const values = Tensor.fromArray(r.values, shape, x.dtype);
  const indices = Tensor.fromArray(r.indices, shape.slice(), "int32");
  if (needsGrad(x)) attach(values, "MaxPool2DWithIndicesBackward", [x], (g) => [maxPoolScatter(g, indices, x.shape)]);
  return { values, indices };
}

/** zeros(inputShape) with g added at each plane's `indices`: max pooling's gradient; its own gradient gathers from the same indices. */
function maxPoolScatter(g: Tensor, indices: Tensor, inputShape: Shape): Tensor {
  const shape = inputShape.slice();
  const out = Tensor.fromArray(backend().maxPool2dBackward(g, indices, shape, g.dtype), shape, g.dtype);
  if (needsGrad(g)) {
    attach(out, "MaxPool2DWithIndicesBackwardBackward", [g], (dz) => {
      const [n, c, h, w] = shape;
      const flatIdx = reshape(indices, [n, c, indices.shape[2] * indices.shape[3]]);
      return [reshape(gather(reshape(dz, [n, c, h * w]), 2, flatIdx), g.shape)];
    });
  }
  return out;
}

/**
 * Average pooling of x [N, C, H, W] with PyTorch's padding, ceil-mode and divisor rules.
 * @example avgPool2dOp(x, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: false, countIncludePad: true, divisorOverride: null })
 */
export function avgPool2dOp(x: Tensor, p: AvgPool2dParams): Tensor {
  const shape = poolOutShape(x.shape, p.kernel, p.stride, p.padding, [1, 1], p.ceilMode);
  const out = Tensor.fromArray(backend().avgPool2d(x, p, x.dtype), shape, x.dtype);
  if (needsGrad(x)) attach(out, "AvgPool2DBackward", [x], (g) => [avgPoolScatter(g, x.shape, p)]);
  return out;
}

/** Average pooling's gradient (each output's gradient spread over its window); its own gradient is average pooling. */
function avgPoolScatter(g: Tensor, inputShape: Shape, p: AvgPool2dParams): Tensor {
  const shape = inputShape.slice();
  const out = Tensor.fromArray(backend().avgPool2dBackward(g, shape, p, g.dtype), shape, g.dtype);
  if (needsGrad(g)) attach(out, "AvgPool2DBackwardBackward", [g], (dz) => [avgPool2dOp(dz, p)]);
  return out;
}

/**
 * Adaptive average pooling of x [N, C, H, W] to [N, C, outSize[0], outSize[1]]: window i
 * spans [floor(i * in / out), ceil((i + 1) * in / out)).
 * @example adaptiveAvgPool2dOp(x, [1, 1]) // global average pooling
 */
export function adaptiveAvgPool2dOp(x: Tensor, outSize: Pair): Tensor {
  const shape = [x.shape[0], x.shape[1], outSize[0], outSize[1]];
  const out = Tensor.fromArray(backend().adaptiveAvgPool2d(x, outSize, x.dtype), shape, x.dtype);
  if (needsGrad(x)) attach(out, "AdaptiveAvgPool2DBackward", [x], (g) => [adaptiveAvgScatter(g, x.shape)]);
  return out;
}

/** Adaptive average pooling's gradient; its own gradient is adaptive average pooling. */
function adaptiveAvgScatter(g: Tensor, inputShape: Shape): Tensor {
  const shape = inputShape.slice();
  const out = Tensor.fromArray(backend().adaptiveAvgPool2dBackward(g, shape, g.dtype), shape, g.dtype);
  if (needsGrad(g)) attach(out, "AdaptiveAvgPool2DBackwardBackward", [g], (dz) => [adaptiveAvgPool2dOp(dz, [g.shape[2], g.shape[3]])]);
  return out;
}
