import type { Pair } from "../../backend/conv_kernels.js";
import { empty } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Size1, Size2 } from "../functional/conv.js";
import { conv1dAs, conv2dAs, convTranspose2dAs, pair, single } from "../functional/conv.js";
import { fans, kaimingUniform_, uniform_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

// Convolution layers with PyTorch's weight layouts (Conv: [out, in/groups, ...kernel];
// ConvTranspose: [in, out/groups, ...kernel]), init and repr, so state dicts move across.

interface ConvModuleOptions {
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  dtype?: DType;
}

export interface Conv2dModuleOptions extends ConvModuleOptions {
  stride?: Size2;
  padding?: Size2 | "same" | "valid";
  dilation?: Size2;
}

export interface Conv1dModuleOptions extends ConvModuleOptions {
  stride?: Size1;
  padding?: Size1 | "same" | "valid";
  dilation?: Size1;
}

export interface ConvTranspose2dModuleOptions extends ConvModuleOptions {
  stride?: Size2;
  padding?: Size2;
  outputPadding?: Size2;
  dilation?: Size2;
}

const tuple = (p: readonly number[]): string => (p.length === 1 ? `(${p[0]},)` : `(${p.join(", ")})`);

function checkChannels(name: string, inC: number, outC: number, groups: number): void {
  for (const [v, n] of [[inC, "inChannels"], [outC, "outChannels"]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name}: ${n} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${name}: groups must be a positive integer, got ${groups}`);
  if (inC % groups !== 0) throw new RangeError(`${name}: inChannels (${inC}) must be divisible by groups (${groups})`);
  if (outC % groups !== 0) throw new RangeError(`${name}: outChannels (${outC}) must be divisible by groups (${groups})`);
}

/** What every conv layer shares: weight and bias, PyTorch's init, the repr and the input check. */
abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly inChannels: number, readonly outChannels: number, readonly kernelSize: readonly number[],
    readonly stride: readonly number[], readonly padding: readonly number[] | "same" | "valid", readonly dilation: readonly number[],
    readonly groups: number, readonly outputPadding: readonly number[], transposed: boolean, bias: boolean, dtype: DType | undefined,
  ) {
    super();
    const wShape = transposed ? [inChannels, outChannels / groups, ...kernelSize] : [outChannels, inChannels / groups, ...kernelSize];
    this.weight = new Parameter(empty(wShape, { dtype }));
    this.bias = bias ? new Parameter(empty([outChannels], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's default init: kaiming_uniform(a = sqrt(5)) for the weight, U(±1/sqrt(fanIn)) for the bias. */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const fanIn = fans(this.weight)[0];
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /** "Conv2d(1, 8, kernel_size=3)": how errors name this layer. */
  protected label(): string {
    const k = this.kernelSize.every((v) => v === this.kernelSize[0]) ? String(this.kernelSize[0]) : tuple(this.kernelSize);
    return `${this.constructor.name}(${this.inChannels}, ${this.outChannels}, kernel_size=${k})`;
  }

  /** Checks the input's rank and channel count, naming the layer and the expected layout. */
  protected checkInput(x: Tensor, spatial: string[]): void {
    const dims = spatial.length + 2;
    if ((x.ndim !== dims && x.ndim !== dims - 1) || x.shape[x.ndim - spatial.length - 1] !== this.inChannels) {
      const batchedForm = `[N,${this.inChannels},${spatial.join(",")}]`;
      const unbatchedForm = `[${this.inChannels},${spatial.join(",")}]`;
      throw new RangeError(`${this.label()}: expected input ${batchedForm} (or unbatched ${unbatchedForm}), got ${fmtShape(x.shape)}`);
    }
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${tuple(this.kernelSize)}, stride=${tuple(this.stride)}`;
    if (typeof this.padding === "string") s += `, padding=${this.padding}`;
    else if (this.padding.some((v) => v !== 0)) s += `, padding=${tuple(this.padding)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${tuple(this.dilation)}`;
    if (this.outputPadding.some((v) => v !== 0)) s += `, output_padding=${tuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ", bias=False";
    return s;
  }
}

function convPaddingOption(v: Size2 | Size1 | "same" | "valid" | undefined, name: string, oneD: boolean, stride: readonly number[]): readonly number[] | "same" | "valid" {
  if (v === "same" || v === "valid") {
    if (v === "same" && stride.some((s) => s !== 1)) throw new RangeError(`${name}: padding="same" is not supported for strided convolutions (stride ${tuple(stride)})`);
    return v;
  }
  return oneD ? [single(v as Size1 | undefined, 0, "padding", name, 0)] : pair(v as Size2 | undefined, 0, "padding", name, 0);
}

/**
 * 2-D convolution layer over [N, C_in, H, W] inputs. Weight [outChannels, inChannels/groups,
 * kH, kW] and bias [outChannels], initialised as PyTorch does.
 * @example const conv = new nn.Conv2d(1, 8, 3, { stride: 1, padding: 1 }); conv.forward(gl.randn([4, 1, 28, 28])).shape // [4, 8, 28, 28]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, opts: Conv2dModuleOptions = {}) {
    const name = "Conv2d";
    const groups = opts.groups ?? 1;
    checkChannels(name, inChannels, outChannels, groups);
    const stride = pair(opts.stride, 1, "stride", name, 1);
    super(inChannels, outChannels, pair(kernelSize, 1, "kernelSize", name, 1), stride, convPaddingOption(opts.padding, name, false, stride),
      pair(opts.dilation, 1, "dilation", name, 1), groups, [0, 0], false, opts.bias ?? true, opts.dtype);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, ["H", "W"]);
    const padding = typeof this.padding === "string" ? this.padding : (this.padding as Pair);
    return conv2dAs(this.label(), x, this.weight, this.bias, { stride: this.stride as Pair, padding, dilation: this.dilation as Pair, groups: this.groups });
  }
}

/**
 * 1-D convolution layer over [N, C_in, L] inputs. Weight [outChannels, inChannels/groups, K]
 * and bias [outChannels], initialised as PyTorch does.
 * @example const conv = new nn.Conv1d(2, 8, 5, { padding: 2 }); conv.forward(gl.randn([4, 2, 100])).shape // [4, 8, 100]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size1, opts: Conv1dModuleOptions = {}) {
    const name = "Conv1d";
    const groups = opts.groups ?? 1;
    checkChannels(name, inChannels, outChannels, groups);
    const stride = [single(opts.stride, 1, "stride", name, 1)];
    super(inChannels, outChannels, [single(kernelSize, 1, "kernelSize", name, 1)], stride, convPaddingOption(opts.padding, name, true, stride),
      [single(opts.dilation, 1, "dilation", name, 1)], groups, [0], false, opts.bias ?? true, opts.dtype);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x, ["L"]);
    const padding = typeof this.padding === "string" ? this.padding : this.padding[0];
    return conv1dAs(this.label(), x, this.weight, this.bias, { stride: this.stride[0], padding, dilation: this.dilation[0], groups: this.groups });
  }
}

/**
 * 2-D transposed convolution layer ("deconvolution"), the input gradient of a Conv2d used
 * forward. Weight [inChannels, outChannels/groups, kH, kW] (PyTorch's layout) and bias
 * [outChannels]. `forward(x, outputSize)` picks the output padding that yields that size.
 * @example const up = new nn.ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1 }); up.forward(gl.randn([1, 8, 7, 7])).shape // [1, 4, 14, 14]
 */
export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, opts: ConvTranspose2dModuleOptions = {}) {
    const name = "ConvTranspose2d";
    const groups = opts.groups ?? 1;
    checkChannels(name, inChannels, outChannels, groups);
    const stride = pair(opts.stride, 1, "stride", name, 1);
    const dilation = pair(opts.dilation, 1, "dilation", name, 1);
    const outputPadding = pair(opts.outputPadding, 0, "outputPadding", name, 0);
    for (const i of [0, 1]) {
      if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]) {
        throw new RangeError(`${name}: outputPadding must be smaller than either stride or dilation, got outputPadding ${tuple(outputPadding)}, stride ${tuple(stride)}, dilation ${tuple(dilation)}`);
      }
    }
    super(inChannels, outChannels, pair(kernelSize, 1, "kernelSize", name, 1), stride, pair(opts.padding, 0, "padding", name, 0),
      dilation, groups, outputPadding, true, opts.bias ?? true, opts.dtype);
  }

  /** `outputSize` ([H_out, W_out], or a full shape whose last two sizes are used) resolves the ambiguity of strided outputs. */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    this.checkInput(x, ["H", "W"]);
    let outputPadding = this.outputPadding as Pair;
    if (outputSize !== undefined) {
      if (!Array.isArray(outputSize) || outputSize.length < 2) throw new TypeError(`${this.label()}: outputSize must be [H_out, W_out] (or a full shape), got ${JSON.stringify(outputSize)}`);
      const want = outputSize.slice(-2);
      const pads = [0, 1].map((i) => {
        const min = (x.shape[x.ndim - 2 + i] - 1) * this.stride[i] - 2 * (this.padding as readonly number[])[i] + this.dilation[i] * (this.kernelSize[i] - 1) + 1;
        return [min, want[i] - min] as const;
      });
      if (pads.some(([, p], i) => p < 0 || p >= this.stride[i])) {
        const lo = pads.map(([m]) => m), hi = pads.map(([m], i) => m + this.stride[i] - 1);
        throw new RangeError(`${this.label()}: requested an output size of [${want.join(", ")}], but valid sizes range from [${lo.join(", ")}] to [${hi.join(", ")}] for an input of shape ${fmtShape(x.shape)}`);
      }
      outputPadding = [pads[0][1], pads[1][1]];
    }
    return convTranspose2dAs(this.label(), x, this.weight, this.bias, {
      stride: this.stride as Pair, padding: this.padding as Pair, outputPadding, dilation: this.dilation as Pair, groups: this.groups,
    });
  }
}
