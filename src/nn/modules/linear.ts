import type { View } from "../../backend/kernels.js";
import { backend } from "../../backend/registry.js";
import { add } from "../../ops/elementwise.js";
import { attach, needsGrad } from "../../ops/graph.js";
import { gradSink } from "../../autograd/engine.js";
import { matmul, mm, rowStride } from "../../ops/matmul.js";
import { checkTensor } from "../../ops/operand.js";
import { sum } from "../../ops/reduce.js";
import { reshape, transpose, t as transpose2d } from "../../ops/shape.js";
import { empty } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { broadcastShapes, fmtShape, numel, shapesEqual } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

/**
 * Rows of `x` ([..., K]) as an [M, K] matrix view: its leading dims merged without copying
 * when their strides allow, else a contiguous copy (the one copy linear may make).
 */
function rowsOf(x: Tensor, m: number, k: number): View {
  const rs = rowStride(x.shape, x.strides, x.ndim - 1);
  if (rs === null) return { data: backend().copy(x, x.dtype), offset: 0, shape: [m, k], strides: [k, 1] };
  return { data: x.data, offset: x.offset, shape: [m, k], strides: [rs, x.strides[x.ndim - 1]] };
}

/** linear through matmul and add (1-D weights, mixed dtypes, bias shapes other than [N]). */
function linearComposite(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const y = matmul(x, transpose2d(weight));
  if (!bias) return y;
  let fits = false;
  try { fits = shapesEqual(broadcastShapes(y.shape, bias.shape, "linear"), y.shape); } catch { /* reported below */ }
  if (!fits) throw new RangeError(`linear: bias of shape ${fmtShape(bias.shape)} cannot be added to the output of shape ${fmtShape(y.shape)}`);
  return add(y, bias);
}

/**
 * y = x W^T + b, with PyTorch's layout (weight [outFeatures, inFeatures]), as one op: the
 * leading dims of x are merged into one 2-D product with the weight read transposed in
 * place, the bias added into the product, and one graph node whose gradients are
 * dx = g W, dW = g^T x (in the weight's own layout) and db = g summed over rows.
 * @example gl.nn.functional.linear(gl.randn([4, 3]), gl.randn([5, 3]), gl.zeros([5])).shape // [4, 5]
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor(x, "linear", "input");
  checkTensor(weight, "linear", "weight");
  if (bias) checkTensor(bias, "linear", "bias");
  if (weight.ndim === 0 || weight.ndim > 2) {
    throw new RangeError(`linear: weight must be 1-D or 2-D ([outFeatures, inFeatures]), got shape ${fmtShape(weight.shape)}`);
  }
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[weight.ndim - 1]) {
    throw new RangeError(`linear: input of shape ${fmtShape(x.shape)} does not match weight of shape ${fmtShape(weight.shape)}: expected the input's last dim to be ${weight.shape[weight.ndim - 1]}`);
  }
  const dt = x.dtype;
  const n = weight.ndim === 2 ? weight.shape[0] : -1;
  const fast = n >= 0 && weight.dtype === dt && dt !== "bool" && (!bias || (bias.dtype === dt && bias.ndim === 1 && bias.shape[0] === n));
  if (!fast) return linearComposite(x, weight, bias ?? null);

  const k = weight.shape[1];
  const lead = x.shape.slice(0, -1);
  const m = numel(lead);
  const wt: View = { data: weight.data, offset: weight.offset, shape: [k, n], strides: [weight.strides[1], weight.strides[0]] };
  // The bias is added in the product's last pass, while each tile of it is in cache.
  const biasView: View | undefined = bias ? { data: bias.data, offset: bias.offset, shape: [n], strides: [bias.strides[0]] } : undefined;
  const data = backend().matmul(rowsOf(x, m, k), wt, { batch: [], m, n, k, bias: biasView }, dt);
  const out = Tensor.fromArray(data, [...lead, n], dt);
  if (needsGrad(x, weight, bias ?? undefined)) {
    const inputs = bias ? [x, weight, bias] : [x, weight];
    // Each gradient reads only the other operand: save just those (PyTorch's addmm does too).
    const saved = [...(weight.requiresGrad ? [x] : []), ...(x.requiresGrad ? [weight] : [])];
    attach(out, "LinearBackward", inputs, (g) => {
      const g2 = g.ndim === 2 ? g : reshape(g, [m, n]);
      const x2 = x.ndim === 2 ? x : reshape(x, [m, k]);
      // g^T x is [N, K]: the weight's layout, no transpose of the result. When the engine
      // allows it, the product is added straight into the weight's existing .grad.
      let gw: Tensor | null = null;
      const sink = weight.requiresGrad ? gradSink(weight) : null;
      if (sink) {
        const gt = transpose(g2, 0, 1);
        backend().matmul(gt, rowsOf(x2, m, k), { batch: [], m: n, n: k, k: m, into: sink.data }, dt);
        sink.storage.version++;
      } else if (weight.requiresGrad) {
        gw = mm(transpose(g2, 0, 1), x2);
      }
      const grads: (Tensor | null)[] = [
        x.requiresGrad ? (x.ndim === 2 ? mm(g2, weight) : reshape(mm(g2, weight), x.shape)) : null,
        gw,
      ];
      if (bias) grads.push(bias.requiresGrad ? sum(g2, 0) : null);
      return grads;
    }, saved);
  }
  return out;
}

/**
 * A fully connected layer, y = x W^T + b (see `linear`), with PyTorch's layout (weight
 * [outFeatures, inFeatures]) and init (kaiming-uniform weight, bias uniform in ±1/sqrt(inFeatures)).
 * @example const fc = new nn.Linear(784, 10); fc.forward(gl.randn([32, 784])).shape // [32, 10]
 */
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
