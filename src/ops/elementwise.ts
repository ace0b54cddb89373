import type { BinaryOp, UnaryOp } from "../backend/kernels.js";
import { backend } from "../backend/registry.js";
import type { DType } from "../tensor/dtype.js";
import { isFloating, toFloating } from "../tensor/dtype.js";
import { broadcastShapes, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { attach, needsGrad } from "./graph.js";
import type { Scalar, TensorLike } from "./operand.js";
import { broadcastView, checkTensor, operand, resultType } from "./operand.js";
import { sumTo } from "./reduce.js";

// Every elementwise op: its forward (one kernel call) and, on the next lines, its
// gradient written with other ops, so higher-order gradients come for free.

function runUnary(op: UnaryOp, x: Tensor, outDtype: DType): Tensor {
  return Tensor.fromArray(backend().unary(op, x, outDtype), x.shape, outDtype);
}

function runBinary(op: BinaryOp, a: Tensor, b: Tensor, outDtype: DType, name: string): Tensor {
  if (shapesEqual(a.shape, b.shape)) return Tensor.fromArray(backend().binary(op, a, b, a.shape, outDtype), a.shape, outDtype);
  const shape = broadcastShapes(a.shape, b.shape, name);
  return Tensor.fromArray(backend().binary(op, broadcastView(a, shape), broadcastView(b, shape), shape, outDtype), shape, outDtype);
}

/** A unary op whose output is floating (integers promote to float32). */
function floatUnary(op: UnaryOp, name: string, x: Tensor, grad: (g: Tensor, x: Tensor, y: Tensor) => Tensor): Tensor {
  checkTensor(x, name);
  const y = runUnary(op, x, toFloating(x.dtype));
  if (needsGrad(x)) attach(y, nodeName(name), [x], (g) => [grad(g, x, y)], savedFor(grad, x, y));
  return y;
}

const nodeName = (op: string) => op[0].toUpperCase() + op.slice(1) + "Backward";

/** The tensors a rule reads, by its parameter list: (g, x) reads the input, (g, _x, y) the output. */
function savedFor(grad: (g: Tensor, x: Tensor, y: Tensor) => Tensor, x: Tensor, y: Tensor): Tensor[] {
  if (grad.length >= 3) return [y];
  if (grad.length === 2) return [x];
  return [];
}

/** A unary op that keeps the input dtype (abs, neg, relu on ints stay ints). */
function sameUnary(op: UnaryOp, name: string, x: Tensor, grad: ((g: Tensor, x: Tensor, y: Tensor) => Tensor) | null): Tensor {
  checkTensor(x, name);
  if (x.dtype === "bool" && op !== "logicalNot") throw new TypeError(`${name}: not supported for bool tensors`);
  const y = runUnary(op, x, x.dtype);
  if (grad && needsGrad(x)) attach(y, nodeName(name), [x], (g) => [grad(g, x, y)], savedFor(grad, x, y));
  return y;
}

const ZERO_GRAD = (g: Tensor) => zerosLikeT(g);
function zerosLikeT(t: Tensor): Tensor {
  return Tensor.fromArray(new (t.data.constructor as Float32ArrayConstructor)(t.numel()), t.shape, t.dtype);
}

// ---- unary -------------------------------------------------------------------------
export const neg = (x: Tensor): Tensor => sameUnary("neg", "neg", x, (g) => neg(g));
export const exp = (x: Tensor): Tensor => floatUnary("exp", "exp", x, (g, _x, y) => mul(g, y));
export const log = (x: Tensor): Tensor => floatUnary("log", "log", x, (g, x) => div(g, x));
export const log1p = (x: Tensor): Tensor => floatUnary("log1p", "log1p", x, (g, x) => div(g, add(x, 1)));
export const expm1 = (x: Tensor): Tensor => floatUnary("expm1", "expm1", x, (g, _x, y) => mul(g, add(y, 1)));
export const sqrt = (x: Tensor): Tensor => floatUnary("sqrt", "sqrt", x, (g, _x, y) => div(g, mul(y, 2)));
export const rsqrt = (x: Tensor): Tensor => floatUnary("rsqrt", "rsqrt", x, (g, _x, y) => mul(g, mul(pow(y, 3), -0.5)));
export const abs = (x: Tensor): Tensor => sameUnary("abs", "abs", x, (g, x) => mul(g, sign(x)));
export const sign = (x: Tensor): Tensor => sameUnary("sign", "sign", x, ZERO_GRAD);
export const square = (x: Tensor): Tensor => sameUnary("square", "square", x, (g, x) => mul(g, mul(x, 2)));
export const sin = (x: Tensor): Tensor => floatUnary("sin", "sin", x, (g, x) => mul(g, cos(x)));
export const cos = (x: Tensor): Tensor => floatUnary("cos", "cos", x, (g, x) => neg(mul(g, sin(x))));
export const tan = (x: Tensor): Tensor => floatUnary("tan", "tan", x, (g, _x, y) => mul(g, add(square(y), 1)));
export const asin = (x: Tensor): Tensor => floatUnary("asin", "asin", x, (g, x) => div(g, sqrt(rsub(square(x), 1))));
export const acos = (x: Tensor): Tensor => floatUnary("acos", "acos", x, (g, x) => neg(div(g, sqrt(rsub(square(x), 1)))));
export const atan = (x: Tensor): Tensor => floatUnary("atan", "atan", x, (g, x) => div(g, add(square(x), 1)));
export const tanh = (x: Tensor): Tensor => floatUnary("tanh", "tanh", x, (g, _x, y) => mul(g, rsub(square(y), 1)));
export const sigmoid = (x: Tensor): Tensor => floatUnary("sigmoid", "sigmoid", x, (g, _x, y) => mul(g, mul(y, rsub(y, 1))));
export const relu = (x: Tensor): Tensor => sameUnary("relu", "relu", x, (g, _x, y) => reluBackward(g, y));

/**
 * relu's gradient in one kernel pass, PyTorch's threshold_backward(g, y, 0): g where y > 0
 * or y is NaN, else 0. Linear in g, so its own gradient is reluBackward(gg, y); none for y
 * (zero almost everywhere, as in PyTorch).
 */
function reluBackward(g: Tensor, y: Tensor): Tensor {
  const out = runBinary("reluBackward", g, y, g.dtype, "reluBackward");
  if (needsGrad(g)) attach(out, "ThresholdBackwardBackward", [g], (gg) => [sumTo(reluBackward(gg, y), g.shape)], [y]);
  return out;
}

export const floor = (x: Tensor): Tensor => sameUnary("floor", "floor", x, ZERO_GRAD);
export const ceil = (x: Tensor): Tensor => sameUnary("ceil", "ceil", x, ZERO_GRAD);
export const round = (x: Tensor): Tensor => sameUnary("round", "round", x, ZERO_GRAD);
export const trunc = (x: Tensor): Tensor => sameUnary("trunc", "trunc", x, ZERO_GRAD);
export const reciprocal = (x: Tensor): Tensor => floatUnary("reciprocal", "reciprocal", x, (g, _x, y) => neg(mul(g, square(y))));
export const erf = (x: Tensor): Tensor => floatUnary("erf", "erf", x, (g, x) => mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));
export const logicalNot = (x: Tensor) => runUnary("logicalNot", checkTensor(x, "logicalNot"), "bool");
export const isnan = (x: Tensor) => runUnary("isnan", checkTensor(x, "isnan"), "bool");

// ---- binary ------------------------------------------------------------------------

function prepare(a: TensorLike, b: TensorLike, name: string): [Tensor, Tensor, DType] {
  const dt = resultType([a, b]);
  return [operand(a, dt, name), operand(b, dt, name), dt];
}

/**
 * a + b with broadcasting (`alpha` scales b, as in torch.add).
 * @example gl.tensor([1, 2]).add(gl.tensor([[10], [20]])) // [[11, 12], [21, 22]]
 */
export function add(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  if (alpha !== undefined && alpha !== 1) return add(a, mul(b, alpha));
  const [x, y, dt] = prepare(a, b, "add");
  const out = runBinary(dt === "bool" ? "logicalOr" : "add", x, y, dt, "add");
  if (needsGrad(x, y)) attach(out, "AddBackward", [x, y], (g) => [x.requiresGrad ? sumTo(g, x.shape) : null, y.requiresGrad ? sumTo(g, y.shape) : null]);
  return out;
}

export function sub(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  if (alpha !== undefined && alpha !== 1) return sub(a, mul(b, alpha));
  const [x, y, dt] = prepare(a, b, "sub");
  if (dt === "bool") throw new TypeError("sub: subtraction of bool tensors is not supported; use logicalXor or logicalNot");
  const out = runBinary("sub", x, y, dt, "sub");
  if (needsGrad(x, y)) attach(out, "SubBackward", [x, y], (g) => [x.requiresGrad ? sumTo(g, x.shape) : null, y.requiresGrad ? sumTo(neg(g), y.shape) : null]);
  return out;
}

/** b - a (for scalar-first expressions like 1 - x). */
export function rsub(a: TensorLike, b: TensorLike): Tensor {
  return sub(b, a);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = prepare(a, b, "mul");
  const out = runBinary(dt === "bool" ? "logicalAnd" : "mul", x, y, dt, "mul");
  if (needsGrad(x, y)) {
    attach(out, "MulBackward", [x, y], (g) => [
      x.requiresGrad ? sumTo(mul(g, y), x.shape) : null,
      y.requiresGrad ? sumTo(mul(g, x), y.shape) : null,
    ], [x, y]);
  }
  return out;
}

/** True division: integer inputs give float32, as in PyTorch. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt0] = prepare(a, b, "div");
  const dt = toFloating(dt0);
  const out = runBinary("div", x, y, dt, "div");
  if (needsGrad(x, y)) {
    attach(out, "DivBackward", [x, y], (g) => [
      x.requiresGrad ? sumTo(div(g, y), x.shape) : null,
      y.requiresGrad ? sumTo(neg(div(mul(g, x), square(y))), y.shape) : null,
    ], [x, y]);
  }
  return out;
}

/** a ** b. @example gl.tensor([1, 2, 3]).pow(2) // [1, 4, 9] */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = prepare(a, b, "pow");
  const out = runBinary("pow", x, y, dt, "pow");
  if (needsGrad(x, y)) {
    attach(out, "PowBackward", [x, y], (g) => [
      x.requiresGrad ? sumTo(where(eq(y, 0), 0, mul(g, mul(y, pow(x, sub(y, 1))))), x.shape) : null,
      // d/db a^b = a^b log a, defined as 0 where a == 0 and b >= 0 (as PyTorch does).
      y.requiresGrad ? sumTo(where(logicalAnd(eq(x, 0), ge(y, 0)), 0, mul(g, mul(out, log(x)))), y.shape) : null,
    ], [x, y, out]);
  }
  return out;
}

/** Elementwise max; ties split the gradient evenly, as PyTorch does. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return minmax(a, b, "maximum");
}
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return minmax(a, b, "minimum");
}
function minmax(a: TensorLike, b: TensorLike, op: "maximum" | "minimum"): Tensor {
  const [x, y, dt] = prepare(a, b, op);
  const out = runBinary(op, x, y, dt, op);
  if (needsGrad(x, y)) {
    attach(out, op === "maximum" ? "MaximumBackward" : "MinimumBackward", [x, y], (g) => {
      const xWins = op === "maximum" ? gt(x, y) : lt(x, y);
      const tie = eq(x, y);
      const half = mul(g, 0.5);
      return [
        sumTo(where(xWins, g, where(tie, half, 0)), x.shape),
        sumTo(where(xWins, 0, where(tie, half, g)), y.shape),
      ];
    }, [x, y]);
  }
  return out;
}

export function atan2(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = prepare(a, b, "atan2");
  const out = runBinary("atan2", x, y, toFloating(dt), "atan2");
  if (needsGrad(x, y)) {
    attach(out, "Atan2Backward", [x, y], (g) => {
      const r = add(square(x), square(y));
      return [sumTo(div(mul(g, y), r), x.shape), sumTo(neg(div(mul(g, x), r)), y.shape)];
    }, [x, y]);
  }
  return out;
}

/** C-style remainder (sign of the dividend). */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = prepare(a, b, "fmod");
  const out = runBinary("fmod", x, y, dt, "fmod");
  if (needsGrad(x, y)) attach(out, "FmodBackward", [x, y], (g) => [sumTo(g, x.shape), sumTo(neg(mul(g, trunc(div(x, y)))), y.shape)], [x, y]);
  return out;
}

/** Python-style remainder (sign of the divisor). */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = prepare(a, b, "remainder");
  const out = runBinary("remainder", x, y, dt, "remainder");
  if (needsGrad(x, y)) attach(out, "RemainderBackward", [x, y], (g) => [sumTo(g, x.shape), sumTo(neg(mul(g, floor(div(x, y)))), y.shape)], [x, y]);
  return out;
}

export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = prepare(a, b, "floorDivide");
  return runBinary("floorDivide", x, y, dt, "floorDivide");
}

function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = prepare(a, b, op);
  return runBinary(op, x, y, "bool", op);
}
export const eq = (a: TensorLike, b: TensorLike) => compare("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike) => compare("ne", a, b);
export const lt = (a: TensorLike, b: TensorLike) => compare("lt", a, b);
export const le = (a: TensorLike, b: TensorLike) => compare("le", a, b);
export const gt = (a: TensorLike, b: TensorLike) => compare("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike) => compare("ge", a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike) => compare("logicalAnd", a, b);
export const logicalOr = (a: TensorLike, b: TensorLike) => compare("logicalOr", a, b);
export const logicalXor = (a: TensorLike, b: TensorLike) => compare("logicalXor", a, b);

/**
 * cond ? a : b elementwise, with broadcasting of all three.
 * @example gl.where(x.gt(0), x, 0) // relu
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor(cond, "where", "condition");
  if (cond.dtype !== "bool") throw new TypeError(`where: condition must be a bool tensor, got dtype ${cond.dtype}`);
  const dt = resultType([a, b]);
  const x = operand(a, dt, "where");
  const y = operand(b, dt, "where");
  const shape = broadcastShapes(broadcastShapes(cond.shape, x.shape, "where"), y.shape, "where");
  const data = backend().where(broadcastView(cond, shape), broadcastView(x, shape), broadcastView(y, shape), shape, dt);
  const out = Tensor.fromArray(data, shape, dt);
  if (needsGrad(x, y)) {
    attach(out, "WhereBackward", [x, y], (g) => [
      x.requiresGrad ? sumTo(where(cond, g, 0), x.shape) : null,
      y.requiresGrad ? sumTo(where(cond, 0, g), y.shape) : null,
    ]);
  }
  return out;
}

/**
 * Clamps into [min, max] (either bound may be omitted). The gradient passes where
 * min <= x <= max, as in PyTorch.
 */
export function clamp(x: Tensor, min?: Scalar | null, max?: Scalar | null): Tensor {
  checkTensor(x, "clamp");
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new TypeError("clamp: at least one of min and max must be given");
  }
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  const dt = resultType([x, ...(hasMin ? [min] : []), ...(hasMax ? [max] : [])]);
  let out: Tensor = x;
  if (hasMin) out = runBinary("maximum", out, operand(min, dt, "clamp"), dt, "clamp");
  if (hasMax) out = runBinary("minimum", out, operand(max, dt, "clamp"), dt, "clamp");
  if (needsGrad(x)) {
    attach(out, "ClampBackward", [x], (g) => {
      let mask: Tensor | null = null;
      if (hasMin) mask = ge(x, min);
      if (hasMax) mask = mask ? logicalAnd(mask, le(x, max)) : le(x, max);
      return [where(mask!, g, 0)];
    }, [x]);
  }
  return out;
}

// ---- composites: no kernels or rules of their own ----------------------------------

/** GELU: x * Phi(x), or its tanh approximation. */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  if (approximate === "tanh") {
    const inner = mul(add(x, mul(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  if (approximate !== "none") throw new TypeError(`gelu: approximate must be "none" or "tanh", got "${approximate}"`);
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

/** SiLU / swish: x * sigmoid(x). */
export const silu = (x: Tensor) => mul(x, sigmoid(x));

/** log(1 + exp(beta x)) / beta, linear above `threshold` (PyTorch's defaults 1 and 20). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const bx = mul(x, beta);
  // Evaluate the soft branch on clamped input so the unused branch cannot overflow.
  const soft = div(log1p(exp(clamp(bx, null, threshold))), beta);
  return where(gt(bx, threshold), x, soft);
}

export function isFloatTensor(t: Tensor): boolean {
  return isFloating(t.dtype);
}
