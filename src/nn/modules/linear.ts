import { add } from "../../ops/elementwise.js";
import { matmul } from "../../ops/matmul.js";
import { t as transpose2d } from "../../ops/shape.js";
import { empty } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

/**
 * y = x W^T + b, with PyTorch's layout (weight [outFeatures, inFeatures]) and init
 * (weight and bias uniform in ±1/sqrt(inFeatures)).
 * @example const fc = new nn.Linear(784, 10); fc.forward(gl.randn([32, 784])).shape // [32, 10]
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[weight.ndim - 1]) {
    throw new RangeError(`linear: input of shape ${fmtShape(x.shape)} does not match weight of shape ${fmtShape(weight.shape)}: expected the input's last dim to be ${weight.shape[weight.ndim - 1]}`);
  }
  const y = matmul(x, transpose2d(weight));
  return bias ? add(y, bias) : y;
}

export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean; dtype?: DType } = {}) {
    super();
    for (const [v, n] of [[inFeatures, "inFeatures"], [outFeatures, "outFeatures"]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Linear: ${n} must be a non-negative integer, got ${v}`);
    }
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype: opts.dtype }));
    this.bias = opts.bias === false ? null : new Parameter(empty([outFeatures], { dtype: opts.dtype }));
    this.resetParameters();
  }

  /** PyTorch's default init: kaiming_uniform(a = sqrt(5)) for the weight, U(±1/sqrt(fanIn)) for the bias. */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new RangeError(`Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures}): input of shape ${fmtShape(x.shape)} has ${x.ndim === 0 ? "no" : x.shape[x.ndim - 1]} features in its last dim, expected ${this.inFeatures}`);
    }
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? "True" : "False"}`;
  }
}
