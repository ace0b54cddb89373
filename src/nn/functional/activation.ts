import {
  abs, add, div, exp, expm1, ge, gt, le, log1p, logicalAnd, lt, minimum, mul, neg, sigmoid, softplus, sub, tanh, where,
} from "../../ops/elementwise.js";
import { attach, needsGrad, noGrad } from "../../ops/graph.js";
import { checkTensor, requireFloat } from "../../ops/operand.js";
import { softmax } from "../../ops/reduce.js";
import { chunk } from "../../ops/join.js";
import { normDim } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";

// Activations beyond the core elementwise ops, composed from differentiable ops so that
// gradients of every order come for free. Boundary points get PyTorch's one-sided
// derivatives (checked against torch 1.13 by the parity fixtures).

/**
 * x where x > 0, else negativeSlope * x (PyTorch's default slope 0.01; the gradient at 0 is the slope).
 * @example F.leakyRelu(gl.tensor([-2, 3]), 0.1) // [-0.2, 3]
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor(x, "leakyRelu");
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/**
 * The ELU family: scale * x for x > 0, else scale * alpha * (exp(inputScale * x) - 1).
 * Its rule matches PyTorch's on both sides of 0: the first derivative at 0 is the
 * exponential branch's, the second derivative there is 0.
 */
function eluFamily(x: Tensor, alpha: number, scale: number, inputScale: number, name: string): Tensor {
  checkTensor(x, name);
  requireFloat(x, name);
  // The exponential branch sees min(x, 0) so it cannot overflow where it is not used.
  const out = noGrad(() => mul(where(gt(x, 0), x, mul(expm1(mul(minimum(x, 0), inputScale)), alpha)), scale));
  if (needsGrad(x)) {
    attach(out, "EluBackward", [x], (g) => {
      const negPart = mul(exp(mul(where(lt(x, 0), x, 0), inputScale)), alpha * scale * inputScale);
      return [mul(g, where(gt(x, 0), scale, negPart))];
    }, [x]);
  }
  return out;
}

/**
 * ELU: x for x > 0, else alpha * (exp(x) - 1).
 * @example F.elu(gl.tensor([-1, 2])) // [-0.6321, 2]
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return eluFamily(x, alpha, 1, 1, "elu");
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * SELU: scale * elu(x, alpha) with the self-normalising constants of Klambauer et al.
 * @example F.selu(gl.tensor([0, 1])) // [0, 1.0507]
 */
export function selu(x: Tensor): Tensor {
  return eluFamily(x, SELU_ALPHA, SELU_SCALE, 1, "selu");
}

/**
 * CELU: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
 * @example F.celu(gl.tensor([-1, 1]), 2) // [-0.7869, 1]
 */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (alpha === 0) throw new RangeError("celu: alpha cannot be 0 (it divides the input)");
  return eluFamily(x, alpha, 1, 1 / alpha, "celu");
}

/**
 * Clamps to [minVal, maxVal]; the gradient is 1 strictly inside and 0 at and beyond the bounds, as in PyTorch.
 * @example F.hardtanh(gl.tensor([-3, 0.5, 2])) // [-1, 0.5, 1]
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  checkTensor(x, "hardtanh");
  if (minVal > maxVal) throw new RangeError(`hardtanh: minVal (${minVal}) cannot be greater than maxVal (${maxVal})`);
  return where(le(x, minVal), minVal, where(ge(x, maxVal), maxVal, x));
}

/**
 * min(max(x, 0), 6) (hardtanh on [0, 6]).
 * @example F.relu6(gl.tensor([-1, 3, 9])) // [0, 3, 6]
 */
export function relu6(x: Tensor): Tensor {
  checkTensor(x, "relu6");
  return hardtanh(x, 0, 6);
}

/**
 * Piecewise-linear sigmoid: 0 below -3, 1 above 3, x / 6 + 1/2 between.
 * @example F.hardsigmoid(gl.tensor([-4, 0, 4])) // [0, 0.5, 1]
 */
export function hardsigmoid(x: Tensor): Tensor {
  checkTensor(x, "hardsigmoid");
  return where(le(x, -3), 0, where(ge(x, 3), 1, add(div(x, 6), 0.5)));
}

/**
 * x * hardsigmoid(x) (MobileNetV3), with PyTorch's derivative (2x + 3) / 6 on [-3, 3].
 * @example F.hardswish(gl.tensor([-4, 1, 4])) // [0, 0.6667, 4]
 */
export function hardswish(x: Tensor): Tensor {
  checkTensor(x, "hardswish");
  return where(lt(x, -3), 0, where(le(x, 3), div(mul(x, add(x, 3)), 6), x));
}

/**
 * log(sigmoid(x)), computed as min(x, 0) - log1p(exp(-|x|)) so it stays finite for large |x|.
 * Its gradient is sigmoid(-x), itself differentiable.
 * @example F.logSigmoid(gl.tensor([0, -100])) // [-0.6931, -100]
 */
export function logSigmoid(x: Tensor): Tensor {
  checkTensor(x, "logSigmoid");
  requireFloat(x, "logSigmoid");
  const out = noGrad(() => sub(minimum(x, 0), log1p(exp(neg(abs(x))))));
  if (needsGrad(x)) attach(out, "LogSigmoidBackward", [x], (g) => [mul(g, sigmoid(neg(x)))], [x]);
  return out;
}

/**
 * softmax(-x) along `dim`.
 * @example F.softmin(gl.tensor([1, 2]), 0) // [0.7311, 0.2689]
 */
export function softmin(x: Tensor, dim: number): Tensor {
  checkTensor(x, "softmin");
  return softmax(neg(x), dim);
}

/**
 * x / (1 + |x|).
 * @example F.softsign(gl.tensor([1, -3])) // [0.5, -0.75]
 */
export function softsign(x: Tensor): Tensor {
  checkTensor(x, "softsign");
  return div(x, add(abs(x), 1));
}

/**
 * Mish: x * tanh(softplus(x)).
 * @example F.mish(gl.tensor([1])) // [0.8651]
 */
export function mish(x: Tensor): Tensor {
  checkTensor(x, "mish");
  return mul(x, tanh(softplus(x)));
}

/**
 * x - tanh(x).
 * @example F.tanhshrink(gl.tensor([1])) // [0.2384]
 */
export function tanhshrink(x: Tensor): Tensor {
  checkTensor(x, "tanhshrink");
  return sub(x, tanh(x));
}

/**
 * x - lambd above lambd, x + lambd below -lambd, 0 between (gradient 0 at ±lambd, as in PyTorch).
 * @example F.softshrink(gl.tensor([-2, 0.3, 2]), 0.5) // [-1.5, 0, 1.5]
 */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  checkTensor(x, "softshrink");
  if (lambd < 0) throw new RangeError(`softshrink: lambd must be non-negative, got ${lambd}`);
  return where(gt(x, lambd), sub(x, lambd), where(lt(x, -lambd), add(x, lambd), 0));
}

/**
 * x where |x| > lambd, else 0.
 * @example F.hardshrink(gl.tensor([-2, 0.3, 2]), 0.5) // [-2, 0, 2]
 */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  checkTensor(x, "hardshrink");
  return where(logicalAnd(ge(x, -lambd), le(x, lambd)), 0, x);
}

/**
 * Gated linear unit: splits `x` in two halves a, b along `dim` and returns a * sigmoid(b).
 * @example F.glu(gl.tensor([1, 2, 0, 0])) // [0.5, 1]
 */
export function glu(x: Tensor, dim = -1): Tensor {
  checkTensor(x, "glu");
  const d = normDim(dim, x.ndim, "glu");
  if (x.shape[d] % 2 !== 0) throw new RangeError(`glu: halving dimension must be even, but dim ${d} of shape [${x.shape.join(", ")}] has size ${x.shape[d]}`);
  const [a, b] = chunk(x, 2, d);
  return mul(a, sigmoid(b));
}
