import type { AvgPool2dParams, Conv2dParams, MaxPool2dParams, Pair } from "../../backend/conv_kernels.js";
import { add } from "../../ops/elementwise.js";
import {
  adaptiveAvgPool2dOp, avgPool2dOp, conv2dInputGrad, conv2dOp, conv2dOutShape, maxPool2dOp, poolOutShape,
} from "../../ops/conv.js";
import { checkTensor } from "../../ops/operand.js";
import type { ValuesIndices } from "../../ops/reduce.js";
import { reshape, slice, squeeze, unsqueeze } from "../../ops/shape.js";
import { isFloating } from "../../tensor/dtype.js";
import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";

// nn.functional convolution and pooling: PyTorch's argument rules and defaults, checked
// here with errors that name the op and the shapes; the ops in src/ops/conv.ts compute.
// 1-D versions run the 2-D ops on [N, C, 1, L]; unbatched inputs get a batch dim of 1.

/** A size for both spatial dims, or one per dim as [height, width]. */
export type Size2 = number | readonly [number, number];
/** A 1-D size (a number or a one-element array, as PyTorch's tuples). */
export type Size1 = number | readonly [number];

export interface Conv2dOptions {
  /** Default 1. */
  stride?: Size2;
  /** Zeros added on both sides (default 0); "valid" = 0; "same" keeps the size (stride 1 only). */
  padding?: Size2 | "same" | "valid";
  /** Default 1. */
  dilation?: Size2;
  /** Default 1. */
  groups?: number;
}

export interface Conv1dOptions {
  stride?: Size1;
  padding?: Size1 | "same" | "valid";
  dilation?: Size1;
  groups?: number;
}

export interface ConvTranspose2dOptions {
  stride?: Size2;
  /** Removes this many rows/cols from each side of the full output (default 0). */
  padding?: Size2;
  /** Extra rows/cols added on one side of the output (default 0; smaller than stride or dilation). */
  outputPadding?: Size2;
  groups?: number;
  dilation?: Size2;
}

export interface MaxPool2dOptions {
  /** Default (or null): the kernel size. */
  stride?: Size2 | null;
  /** Implicit -inf padding on both sides, at most half the kernel (default 0). */
  padding?: Size2;
  dilation?: Size2;
  /** Use ceil instead of floor for the output size (default false). */
  ceilMode?: boolean;
  /** Also return the argmax positions (default false). */
  returnIndices?: boolean;
}

export interface MaxPool1dOptions {
  stride?: Size1 | null;
  padding?: Size1;
  dilation?: Size1;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  /** Default (or null): the kernel size. */
  stride?: Size2 | null;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  padding?: Size2;
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window by this instead of its size. */
  divisorOverride?: number | null;
}

export interface AvgPool1dOptions {
  stride?: Size1 | null;
  padding?: Size1;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

// ---- argument checks ------------------------------------------------------------------

function fmtPair(p: Pair): string {
  return `(${p[0]}, ${p[1]})`;
}

/** A Size2 as a validated [h, w] pair of integers >= min. */
export function pair(v: Size2 | undefined | null, dflt: number, what: string, op: string, min: number): Pair {
  if (v === undefined || v === null) return [dflt, dflt];
  const p: readonly number[] = typeof v === "number" ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2) throw new TypeError(`${op}: ${what} must be an integer or a pair [h, w] of integers, got ${JSON.stringify(v)}`);
  for (const n of p) {
    if (typeof n !== "number" || !Number.isInteger(n)) throw new TypeError(`${op}: ${what} must be an integer or a pair [h, w] of integers, got ${JSON.stringify(v)}`);
    if (n < min) throw new RangeError(`${op}: ${what} must be ${min === 0 ? "non-negative" : `at least ${min}`}, got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
}

/** A Size1 as an integer >= min. */
export function single(v: Size1 | undefined | null, dflt: number, what: string, op: string, min: number): number {
  if (v === undefined || v === null) return dflt;
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof n !== "number" || !Number.isInteger(n)) throw new TypeError(`${op}: ${what} must be an integer (or a one-element array), got ${JSON.stringify(v)}`);
  if (n < min) throw new RangeError(`${op}: ${what} must be ${min === 0 ? "non-negative" : `at least ${min}`}, got ${JSON.stringify(v)}`);
  return n;
}

function groupsOf(g: number | undefined, op: string): number {
  if (g === undefined) return 1;
  if (!Number.isInteger(g) || g < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${g}`);
  return g;
}

function requireFloatTensor(t: Tensor, what: string, op: string): void {
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: ${what} must be a floating point tensor (float32 or float64), got dtype ${t.dtype}`);
}

/** Checks the input's rank (batched or unbatched) and returns it batched, with whether to squeeze back. */
function batched(x: Tensor, spatial: 1 | 2, op: string): [Tensor, boolean] {
  const dims = spatial + 2;
  if (x.ndim === dims) return [x, false];
  if (x.ndim === dims - 1) return [unsqueeze(x, 0), true];
  const names = spatial === 2 ? "[N, C, H, W] or [C, H, W]" : "[N, C, L] or [C, L]";
  throw new RangeError(`${op}: expected a ${dims}-D input ${names}, got shape ${fmtShape(x.shape)}`);
}

/** The common checks of a convolution's operands: dtypes, ranks, channels, groups and bias. */
function checkConvOperands(x: Tensor, w: Tensor, bias: Tensor | null | undefined, groups: number, spatial: 1 | 2, transposed: boolean, op: string): void {
  checkTensor(x, op);
  checkTensor(w, op, "weight");
  batched(x, spatial, op);
  requireFloatTensor(x, "input", op);
  if (w.dtype !== x.dtype) throw new TypeError(`${op}: input (${x.dtype}) and weight (${w.dtype}) must have the same dtype`);
  const dims = spatial + 2;
  const layout = transposed ? (spatial === 2 ? "[C_in, C_out/groups, kH, kW]" : "[C_in, C_out/groups, K]") : spatial === 2 ? "[C_out, C_in/groups, kH, kW]" : "[C_out, C_in/groups, K]";
  if (w.ndim !== dims) throw new RangeError(`${op}: weight must be ${dims}-D ${layout}, got shape ${fmtShape(w.shape)}`);
  const ex = x.ndim === dims ? x.shape.slice(1) : x.shape;
  const inC = ex[0];
  if (transposed) {
    if (w.shape[0] % groups !== 0) throw new RangeError(`${op}: weight of shape ${fmtShape(w.shape)} has ${w.shape[0]} input channels, which groups=${groups} does not divide`);
    if (inC !== w.shape[0]) throw new RangeError(`${op}: weight of shape ${fmtShape(w.shape)} expects an input with ${w.shape[0]} channels, got input of shape ${fmtShape(x.shape)} with ${inC}`);
  } else {
    if (w.shape[0] % groups !== 0) throw new RangeError(`${op}: weight of shape ${fmtShape(w.shape)} has ${w.shape[0]} output channels, which groups=${groups} does not divide`);
    if (inC !== w.shape[1] * groups) {
      throw new RangeError(`${op}: weight of shape ${fmtShape(w.shape)} with groups=${groups} expects an input with ${w.shape[1] * groups} channels, got input of shape ${fmtShape(x.shape)} with ${inC}`);
    }
  }
  for (let d = 2; d < dims; d++) if (w.shape[d] < 1) throw new RangeError(`${op}: weight of shape ${fmtShape(w.shape)} has an empty kernel`);
  if (bias !== null && bias !== undefined) {
    checkTensor(bias, op, "bias");
    const outC = transposed ? w.shape[1] * groups : w.shape[0];
    if (bias.ndim !== 1 || bias.shape[0] !== outC) throw new RangeError(`${op}: bias must have shape [${outC}] (one per output channel), got ${fmtShape(bias.shape)}`);
    if (bias.dtype !== x.dtype) throw new TypeError(`${op}: bias (${bias.dtype}) must have the input's dtype (${x.dtype})`);
  }
}

/** conv2d on a batched 4-D input with resolved padding (zeros, or "same" with possibly uneven sides). */
function conv2dResolved(x: Tensor, w: Tensor, bias: Tensor | null, stride: Pair, padding: Pair | "same", dilation: Pair, groups: number, op: string, shown: string, oneD = false): Tensor {
  let pad: Pair, trim: [boolean, boolean] = [false, false];
  if (padding === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) throw new RangeError(`${op}: padding="same" is not supported for strided convolutions (stride ${fmtPair(stride)})`);
    // An odd total puts the extra zero at the end (as PyTorch): pad one more on both sides and drop the first output row/col.
    const total = [dilation[0] * (w.shape[2] - 1), dilation[1] * (w.shape[3] - 1)];
    pad = [Math.ceil(total[0] / 2), Math.ceil(total[1] / 2)];
    trim = [total[0] % 2 === 1, total[1] % 2 === 1];
  } else {
    pad = padding;
  }
  const p: Conv2dParams = { stride, padding: pad, dilation, groups };
  const out = conv2dOutShape(x.shape, w.shape, p);
  if (out[2] < 1 || out[3] < 1) {
    const ph = x.shape[2] + 2 * pad[0], pw = x.shape[3] + 2 * pad[1];
    const kh = dilation[0] * (w.shape[2] - 1) + 1, kw = dilation[1] * (w.shape[3] - 1) + 1;
    // 1-D convolutions run with height 1: report only the length.
    const [padded, kernel, size, padding] = oneD ? [`${pw}`, `${kw}`, `${out[3]}`, `${pad[1]}`] : [`${ph}x${pw}`, `${kh}x${kw}`, `${out[2]}x${out[3]}`, fmtPair(pad)];
    throw new RangeError(`${op}: input of shape ${shown} padded by ${padding} is ${padded} per channel, smaller than the ${kernel} (dilated) kernel: the output would be ${size}`);
  }
  let y = conv2dOp(x, w, bias, p);
  if (trim[0]) y = slice(y, 2, 1);
  if (trim[1]) y = slice(y, 3, 1);
  return y;
}

function convPadding(v: Size2 | "same" | "valid" | undefined, op: string): Pair | "same" {
  if (v === "same") return "same";
  if (v === "valid") return [0, 0];
  if (typeof v === "string") throw new TypeError(`${op}: padding must be an integer, a pair, "same" or "valid", got "${v}"`);
  return pair(v, 0, "padding", op, 0);
}

// ---- convolutions -----------------------------------------------------------------------

/**
 * 2-D convolution (cross-correlation, as in PyTorch) of x [N, C_in, H, W] (or unbatched
 * [C_in, H, W]) with weight [C_out, C_in/groups, kH, kW] and an optional bias [C_out].
 * Output [N, C_out, H_out, W_out] with H_out = floor((H + 2 padding - dilation (kH - 1) - 1) / stride) + 1.
 * @example F.conv2d(gl.randn([8, 1, 28, 28]), gl.randn([16, 1, 3, 3]), null, { padding: 1 }).shape // [8, 16, 28, 28]
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  return conv2dAs("conv2d", x, weight, bias, opts);
}

/** conv2d with errors that name `op` (a module names itself). */
export function conv2dAs(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: Conv2dOptions): Tensor {
  const groups = groupsOf(opts.groups, op);
  checkConvOperands(x, weight, bias, groups, 2, false, op);
  const stride = pair(opts.stride, 1, "stride", op, 1);
  const dilation = pair(opts.dilation, 1, "dilation", op, 1);
  const padding = convPadding(opts.padding, op);
  const [xb, unb] = batched(x, 2, op);
  const y = conv2dResolved(xb, weight, bias ?? null, stride, padding, dilation, groups, op, fmtShape(x.shape));
  return unb ? squeeze(y, 0) : y;
}

/**
 * 1-D convolution of x [N, C_in, L] (or [C_in, L]) with weight [C_out, C_in/groups, K] and
 * an optional bias [C_out]; computed as a 2-D convolution of height 1.
 * @example F.conv1d(gl.randn([4, 2, 50]), gl.randn([8, 2, 5]), null, { padding: "same" }).shape // [4, 8, 50]
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv1dOptions = {}): Tensor {
  return conv1dAs("conv1d", x, weight, bias, opts);
}

/** conv1d with errors that name `op`. */
export function conv1dAs(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: Conv1dOptions): Tensor {
  const groups = groupsOf(opts.groups, op);
  checkConvOperands(x, weight, bias, groups, 1, false, op);
  const stride = single(opts.stride, 1, "stride", op, 1);
  const dilation = single(opts.dilation, 1, "dilation", op, 1);
  let padding: Pair | "same";
  if (opts.padding === "same") padding = "same";
  else if (opts.padding === "valid") padding = [0, 0];
  else if (typeof opts.padding === "string") throw new TypeError(`${op}: padding must be an integer, "same" or "valid", got "${opts.padding}"`);
  else padding = [0, single(opts.padding, 0, "padding", op, 0)];
  const [xb, unb] = batched(x, 1, op);
  const y = conv2dResolved(unsqueeze(xb, 2), unsqueeze(weight, 2), bias ?? null, [1, stride], padding, [1, dilation], groups, op, fmtShape(x.shape), true);
  const out = squeeze(y, 2);
  return unb ? squeeze(out, 0) : out;
}

/**
 * 2-D transposed convolution ("deconvolution"): the gradient of conv2d with respect to its
 * input, used forward. x [N, C_in, H, W], weight [C_in, C_out/groups, kH, kW] (PyTorch's
 * layout), bias [C_out]. H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + outputPadding + 1.
 * @example F.convTranspose2d(gl.randn([1, 8, 7, 7]), gl.randn([8, 4, 4, 4]), null, { stride: 2, padding: 1 }).shape // [1, 4, 14, 14]
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTranspose2dOptions = {}): Tensor {
  return convTranspose2dAs("convTranspose2d", x, weight, bias, opts);
}

/** convTranspose2d with errors that name `op`. */
export function convTranspose2dAs(op: string, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTranspose2dOptions): Tensor {
  const groups = groupsOf(opts.groups, op);
  checkConvOperands(x, weight, bias, groups, 2, true, op);
  const stride = pair(opts.stride, 1, "stride", op, 1);
  const padding = pair(opts.padding, 0, "padding", op, 0);
  const dilation = pair(opts.dilation, 1, "dilation", op, 1);
  const outPad = pair(opts.outputPadding, 0, "outputPadding", op, 0);
  for (const i of [0, 1]) {
    if (outPad[i] >= stride[i] && outPad[i] >= dilation[i]) {
      throw new RangeError(`${op}: outputPadding must be smaller than either stride or dilation, got outputPadding ${fmtPair(outPad)}, stride ${fmtPair(stride)}, dilation ${fmtPair(dilation)}`);
    }
  }
  const [xb, unb] = batched(x, 2, op);
  const size = (i: 0 | 1) => (xb.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (weight.shape[2 + i] - 1) + outPad[i] + 1;
  const oh = size(0), ow = size(1);
  if (oh < 1 || ow < 1) throw new RangeError(`${op}: input of shape ${fmtShape(x.shape)} with kernel ${weight.shape[2]}x${weight.shape[3]}, stride ${fmtPair(stride)}, padding ${fmtPair(padding)} gives an output of ${oh}x${ow}; each size must be at least 1`);
  const cOut = weight.shape[1] * groups;
  let y = conv2dInputGrad(xb, weight, [xb.shape[0], cOut, oh, ow], { stride, padding, dilation, groups });
  if (bias) y = add(y, reshape(bias, [1, cOut, 1, 1]));
  return unb ? squeeze(y, 0) : y;
}

// ---- pooling --------------------------------------------------------------------------------

function checkPoolInput(x: Tensor, spatial: 1 | 2, op: string): [Tensor, boolean] {
  checkTensor(x, op);
  requireFloatTensor(x, "input", op);
  const [xb, unb] = batched(x, spatial, op);
  for (let d = 1; d < xb.ndim; d++) {
    if (xb.shape[d] === 0) throw new RangeError(`${op}: expected an input with non-zero sizes apart from the batch dim, got shape ${fmtShape(x.shape)}`);
  }
  return [xb, unb];
}

function checkPoolPadding(kernel: Pair, padding: Pair, op: string): void {
  for (const i of [0, 1]) {
    if (padding[i] > Math.floor(kernel[i] / 2)) {
      throw new RangeError(`${op}: padding must be at most half the kernel size, got padding ${fmtPair(padding)} for kernel ${fmtPair(kernel)}`);
    }
  }
}

function checkPoolOut(x: Tensor, out: readonly number[], op: string): void {
  if (out[2] < 1 || out[3] < 1) throw new RangeError(`${op}: input of shape ${fmtShape(x.shape)} gives an output of ${out[2]}x${out[3]}, which is too small (each size must be at least 1)`);
}

function withIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return { values, indices, *[Symbol.iterator]() { yield values; yield indices; } };
}

function maxPoolResolved(x: Tensor, p: MaxPool2dParams, returnIndices: boolean, unb: boolean, squeezeH: boolean, shown: Tensor, op: string): Tensor | ValuesIndices {
  checkPoolPadding(p.kernel, p.padding, op);
  checkPoolOut(shown, poolOutShape(x.shape, p.kernel, p.stride, p.padding, p.dilation, p.ceilMode), op);
  let { values, indices } = maxPool2dOp(x, p);
  if (squeezeH) { values = squeeze(values, 2); indices = squeeze(indices, 2); }
  if (unb) { values = squeeze(values, 0); indices = squeeze(indices, 0); }
  return returnIndices ? withIndices(values, indices) : values;
}

/**
 * 2-D max pooling over x [N, C, H, W] (or [C, H, W]); stride defaults to the kernel size.
 * With returnIndices, returns { values, indices } (also destructurable as [values, indices]),
 * the indices being positions h * W + w in each input plane, as in PyTorch.
 * @example F.maxPool2d(gl.randn([1, 3, 28, 28]), 2, { stride: 2, ceilMode: false }).shape // [1, 3, 14, 14]
 */
export function maxPool2d(x: Tensor, kernelSize: Size2, opts: MaxPool2dOptions & { returnIndices: true }): ValuesIndices;
export function maxPool2d(x: Tensor, kernelSize: Size2, opts?: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Size2, opts?: MaxPool2dOptions): Tensor | ValuesIndices;
export function maxPool2d(x: Tensor, kernelSize: Size2, opts: MaxPool2dOptions = {}): Tensor | ValuesIndices {
  return maxPool2dAs("maxPool2d", x, kernelSize, opts);
}

/** maxPool2d with errors that name `op`. */
export function maxPool2dAs(op: string, x: Tensor, kernelSize: Size2, opts: MaxPool2dOptions): Tensor | ValuesIndices {
  const [xb, unb] = checkPoolInput(x, 2, op);
  const kernel = pair(kernelSize, 1, "kernelSize", op, 1);
  const p: MaxPool2dParams = {
    kernel,
    stride: opts.stride === undefined || opts.stride === null ? kernel : pair(opts.stride, 1, "stride", op, 1),
    padding: pair(opts.padding, 0, "padding", op, 0),
    dilation: pair(opts.dilation, 1, "dilation", op, 1),
    ceilMode: opts.ceilMode ?? false,
  };
  return maxPoolResolved(xb, p, opts.returnIndices ?? false, unb, false, x, op);
}

/**
 * 1-D max pooling over x [N, C, L] (or [C, L]); stride defaults to the kernel size.
 * @example F.maxPool1d(gl.tensor([[[1, 3, 2, 5]]]), 2) // [[[3, 5]]]
 */
export function maxPool1d(x: Tensor, kernelSize: Size1, opts: MaxPool1dOptions & { returnIndices: true }): ValuesIndices;
export function maxPool1d(x: Tensor, kernelSize: Size1, opts?: MaxPool1dOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: Size1, opts?: MaxPool1dOptions): Tensor | ValuesIndices;
export function maxPool1d(x: Tensor, kernelSize: Size1, opts: MaxPool1dOptions = {}): Tensor | ValuesIndices {
  return maxPool1dAs("maxPool1d", x, kernelSize, opts);
}

/** maxPool1d with errors that name `op`. */
export function maxPool1dAs(op: string, x: Tensor, kernelSize: Size1, opts: MaxPool1dOptions): Tensor | ValuesIndices {
  const [xb, unb] = checkPoolInput(x, 1, op);
  const k = single(kernelSize, 1, "kernelSize", op, 1);
  const s = opts.stride === undefined || opts.stride === null ? k : single(opts.stride, 1, "stride", op, 1);
  const p: MaxPool2dParams = {
    kernel: [1, k], stride: [1, s],
    padding: [0, single(opts.padding, 0, "padding", op, 0)],
    dilation: [1, single(opts.dilation, 1, "dilation", op, 1)],
    ceilMode: opts.ceilMode ?? false,
  };
  return maxPoolResolved(unsqueeze(xb, 2), p, opts.returnIndices ?? false, unb, true, x, op);
}

function avgPoolResolved(x: Tensor, p: AvgPool2dParams, shown: Tensor, op: string): Tensor {
  checkPoolPadding(p.kernel, p.padding, op);
  if (p.divisorOverride !== null && (!Number.isInteger(p.divisorOverride) || p.divisorOverride === 0)) {
    throw new RangeError(`${op}: divisorOverride must be a non-zero integer, got ${p.divisorOverride}`);
  }
  checkPoolOut(shown, poolOutShape(x.shape, p.kernel, p.stride, p.padding, [1, 1], p.ceilMode), op);
  return avgPool2dOp(x, p);
}

/**
 * 2-D average pooling over x [N, C, H, W] (or [C, H, W]); stride defaults to the kernel
 * size. Padded zeros count in the divisor unless countIncludePad is false.
 * @example F.avgPool2d(gl.ones([1, 1, 4, 4]), 2).toArray() // [[[[1, 1], [1, 1]]]]
 */
export function avgPool2d(x: Tensor, kernelSize: Size2, opts: AvgPool2dOptions = {}): Tensor {
  return avgPool2dAs("avgPool2d", x, kernelSize, opts);
}

/** avgPool2d with errors that name `op`. */
export function avgPool2dAs(op: string, x: Tensor, kernelSize: Size2, opts: AvgPool2dOptions): Tensor {
  const [xb, unb] = checkPoolInput(x, 2, op);
  const kernel = pair(kernelSize, 1, "kernelSize", op, 1);
  const p: AvgPool2dParams = {
    kernel,
    stride: opts.stride === undefined || opts.stride === null ? kernel : pair(opts.stride, 1, "stride", op, 1),
    padding: pair(opts.padding, 0, "padding", op, 0),
    ceilMode: opts.ceilMode ?? false,
    countIncludePad: opts.countIncludePad ?? true,
    divisorOverride: opts.divisorOverride ?? null,
  };
  const y = avgPoolResolved(xb, p, x, op);
  return unb ? squeeze(y, 0) : y;
}

/**
 * 1-D average pooling over x [N, C, L] (or [C, L]); stride defaults to the kernel size.
 * @example F.avgPool1d(gl.tensor([[[1, 3, 2, 6]]]), 2) // [[[2, 4]]]
 */
export function avgPool1d(x: Tensor, kernelSize: Size1, opts: AvgPool1dOptions = {}): Tensor {
  return avgPool1dAs("avgPool1d", x, kernelSize, opts);
}

/** avgPool1d with errors that name `op`. */
export function avgPool1dAs(op: string, x: Tensor, kernelSize: Size1, opts: AvgPool1dOptions): Tensor {
  const [xb, unb] = checkPoolInput(x, 1, op);
  const k = single(kernelSize, 1, "kernelSize", op, 1);
  const p: AvgPool2dParams = {
    kernel: [1, k],
    stride: [1, opts.stride === undefined || opts.stride === null ? k : single(opts.stride, 1, "stride", op, 1)],
    padding: [0, single(opts.padding, 0, "padding", op, 0)],
    ceilMode: opts.ceilMode ?? false,
    countIncludePad: opts.countIncludePad ?? true,
    divisorOverride: null,
  };
  const y = squeeze(avgPoolResolved(unsqueeze(xb, 2), p, x, op), 2);
  return unb ? squeeze(y, 0) : y;
}

/** An adaptive output size: one for both dims, or [h, w] where null keeps the input's size. */
export type AdaptiveSize2 = number | readonly [number | null, number | null];

/**
 * Adaptive 2-D average pooling of x [N, C, H, W] (or [C, H, W]) to a fixed output size:
 * output i averages input [floor(i H / out), ceil((i + 1) H / out)), so windows may
 * overlap when the sizes do not divide.
 * @example F.adaptiveAvgPool2d(gl.randn([2, 64, 7, 7]), 1).shape // [2, 64, 1, 1]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize2): Tensor {
  return adaptiveAvgPool2dAs("adaptiveAvgPool2d", x, outputSize);
}

/** adaptiveAvgPool2d with errors that name `op`. */
export function adaptiveAvgPool2dAs(op: string, x: Tensor, outputSize: AdaptiveSize2): Tensor {
  const [xb, unb] = checkPoolInput(x, 2, op);
  const raw = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(raw) || raw.length !== 2) throw new TypeError(`${op}: outputSize must be an integer or a pair [h, w] (null keeps that size), got ${JSON.stringify(outputSize)}`);
  const size = raw.map((v, i) => {
    if (v === null) return xb.shape[2 + i];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new RangeError(`${op}: outputSize must hold non-negative integers (or null), got ${JSON.stringify(outputSize)}`);
    return v;
  }) as [number, number];
  const y = adaptiveAvgPool2dOp(xb, size);
  return unb ? squeeze(y, 0) : y;
}

/**
 * Adaptive 1-D average pooling of x [N, C, L] (or [C, L]) to `outputSize` positions.
 * @example F.adaptiveAvgPool1d(gl.tensor([[[1, 2, 3, 4]]]), 2) // [[[1.5, 3.5]]]
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: Size1): Tensor {
  return adaptiveAvgPool1dAs("adaptiveAvgPool1d", x, outputSize);
}

/** adaptiveAvgPool1d with errors that name `op`. */
export function adaptiveAvgPool1dAs(op: string, x: Tensor, outputSize: Size1): Tensor {
  const [xb, unb] = checkPoolInput(x, 1, op);
  const n = single(outputSize, 0, "outputSize", op, 0);
  const y = squeeze(adaptiveAvgPool2dOp(unsqueeze(xb, 2), [1, n]), 2);
  return unb ? squeeze(y, 0) : y;
}
