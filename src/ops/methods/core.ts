import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { cast } from "../cast.js";
import * as E from "../elementwise.js";
import * as I from "../inplace.js";
import * as M from "../matmul.js";
import type { Scalar, TensorLike } from "../operand.js";
import type { DimArg } from "../reduce.js";
import * as R from "../reduce.js";
import type { SizeArgs } from "../shape.js";
import * as S from "../shape.js";
import type { MethodTable } from "./install.js";

declare module "../../tensor/tensor.js" {
  interface Tensor {
    add(other: TensorLike, alpha?: number): Tensor;
    sub(other: TensorLike, alpha?: number): Tensor;
    rsub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    atan2(other: TensorLike): Tensor;
    fmod(other: TensorLike): Tensor;
    remainder(other: TensorLike): Tensor;
    floorDivide(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    logicalAnd(other: TensorLike): Tensor;
    logicalOr(other: TensorLike): Tensor;
    logicalXor(other: TensorLike): Tensor;
    logicalNot(): Tensor;
    isnan(): Tensor;
    neg(): Tensor; exp(): Tensor; log(): Tensor; log1p(): Tensor; expm1(): Tensor;
    sqrt(): Tensor; rsqrt(): Tensor; abs(): Tensor; sign(): Tensor; square(): Tensor;
    sin(): Tensor; cos(): Tensor; tan(): Tensor; asin(): Tensor; acos(): Tensor; atan(): Tensor;
    tanh(): Tensor; sigmoid(): Tensor; relu(): Tensor; floor(): Tensor; ceil(): Tensor;
    round(): Tensor; trunc(): Tensor; reciprocal(): Tensor; erf(): Tensor;
    gelu(approximate?: "none" | "tanh"): Tensor;
    silu(): Tensor;
    softplus(beta?: number, threshold?: number): Tensor;
    clamp(min?: Scalar | null, max?: Scalar | null): Tensor;
    where(condition: Tensor, other: TensorLike): Tensor;

    sum(dim?: DimArg, keepdim?: boolean): Tensor;
    mean(dim?: DimArg, keepdim?: boolean): Tensor;

    reshape(...shape: SizeArgs): Tensor;
    view(...shape: SizeArgs): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    expand(...shape: SizeArgs): Tensor;
    expandAs(other: Tensor): Tensor;
    permute(...dims: SizeArgs): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    /** All dims reversed (the matrix transpose for 2-D). */
    readonly T: Tensor;
    /** The last two dims swapped. */
    readonly mT: Tensor;
    unsqueeze(dim: number): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    repeat(...reps: SizeArgs): Tensor;

    matmul(other: Tensor): Tensor;
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    mv(vec: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;

    to(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    bool(): Tensor;

    add_(other: TensorLike, alpha?: number): Tensor;
    sub_(other: TensorLike, alpha?: number): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike): Tensor;
    pow_(exponent: TensorLike): Tensor;
    maximum_(other: TensorLike): Tensor;
    minimum_(other: TensorLike): Tensor;
    neg_(): Tensor; exp_(): Tensor; log_(): Tensor; sqrt_(): Tensor; abs_(): Tensor;
    relu_(): Tensor; sigmoid_(): Tensor; tanh_(): Tensor; square_(): Tensor; sign_(): Tensor;
    clamp_(min?: Scalar | null, max?: Scalar | null): Tensor;
    addcmul_(t1: Tensor, t2: Tensor, value?: number): Tensor;
    addcdiv_(t1: Tensor, t2: Tensor, value?: number): Tensor;
    lerp_(end: TensorLike, weight: number): Tensor;
    copy_(src: TensorLike): Tensor;
    fill_(value: Scalar): Tensor;
    zero_(): Tensor;
  }
}

export const coreMethods: MethodTable = {
  add(o: TensorLike, alpha?: number) { return E.add(this, o, alpha); },
  sub(o: TensorLike, alpha?: number) { return E.sub(this, o, alpha); },
  rsub(o: TensorLike) { return E.rsub(this, o); },
  mul(o: TensorLike) { return E.mul(this, o); },
  div(o: TensorLike) { return E.div(this, o); },
  pow(o: TensorLike) { return E.pow(this, o); },
  maximum(o: TensorLike) { return E.maximum(this, o); },
  minimum(o: TensorLike) { return E.minimum(this, o); },
  atan2(o: TensorLike) { return E.atan2(this, o); },
  fmod(o: TensorLike) { return E.fmod(this, o); },
  remainder(o: TensorLike) { return E.remainder(this, o); },
  floorDivide(o: TensorLike) { return E.floorDivide(this, o); },
  eq(o: TensorLike) { return E.eq(this, o); },
  ne(o: TensorLike) { return E.ne(this, o); },
  lt(o: TensorLike) { return E.lt(this, o); },
  le(o: TensorLike) { return E.le(this, o); },
  gt(o: TensorLike) { return E.gt(this, o); },
  ge(o: TensorLike) { return E.ge(this, o); },
  logicalAnd(o: TensorLike) { return E.logicalAnd(this, o); },
  logicalOr(o: TensorLike) { return E.logicalOr(this, o); },
  logicalXor(o: TensorLike) { return E.logicalXor(this, o); },
  logicalNot() { return E.logicalNot(this); },
  isnan() { return E.isnan(this); },
  neg() { return E.neg(this); },
  exp() { return E.exp(this); },
  log() { return E.log(this); },
  log1p() { return E.log1p(this); },
  expm1() { return E.expm1(this); },
  sqrt() { return E.sqrt(this); },
  rsqrt() { return E.rsqrt(this); },
  abs() { return E.abs(this); },
  sign() { return E.sign(this); },
  square() { return E.square(this); },
  sin() { return E.sin(this); },
  cos() { return E.cos(this); },
  tan() { return E.tan(this); },
  asin() { return E.asin(this); },
  acos() { return E.acos(this); },
  atan() { return E.atan(this); },
  tanh() { return E.tanh(this); },
  sigmoid() { return E.sigmoid(this); },
  relu() { return E.relu(this); },
  floor() { return E.floor(this); },
  ceil() { return E.ceil(this); },
  round() { return E.round(this); },
  trunc() { return E.trunc(this); },
  reciprocal() { return E.reciprocal(this); },
  erf() { return E.erf(this); },
  gelu(approximate?: "none" | "tanh") { return E.gelu(this, approximate); },
  silu() { return E.silu(this); },
  softplus(beta?: number, threshold?: number) { return E.softplus(this, beta, threshold); },
  clamp(min?: Scalar | null, max?: Scalar | null) { return E.clamp(this, min, max); },
  where(cond: Tensor, other: TensorLike) { return E.where(cond, this, other); },

  sum(dim?: DimArg, keepdim?: boolean) { return R.sum(this, dim, keepdim); },
  mean(dim?: DimArg, keepdim?: boolean) { return R.mean(this, dim, keepdim); },

  reshape(...s: SizeArgs) { return S.reshape(this, ...s); },
  view(...s: SizeArgs) { return S.view(this, ...s); },
  contiguous() { return S.contiguous(this); },
  clone() { return S.clone(this); },
  expand(...s: SizeArgs) { return S.expand(this, ...s); },
  expandAs(o: Tensor) { return S.expand(this, o.shape); },
  permute(...d: SizeArgs) { return S.permute(this, ...d); },
  transpose(a: number, b: number) { return S.transpose(this, a, b); },
  t() {
    if (this.ndim > 2) throw new RangeError(`t: expects a tensor with <= 2 dimensions, but got ${this.ndim}; use transpose(d0, d1) or permute`);
    return S.t(this);
  },
  unsqueeze(d: number) { return S.unsqueeze(this, d); },
  squeeze(d?: number | readonly number[]) { return S.squeeze(this, d); },
  flatten(s?: number, e?: number) { return S.flatten(this, s, e); },
  slice(d: number, s?: number | null, e?: number | null, st?: number) { return S.slice(this, d, s, e, st); },
  narrow(d: number, s: number, l: number) { return S.narrow(this, d, s, l); },
  select(d: number, i: number) { return S.select(this, d, i); },
  repeat(...r: SizeArgs) { return S.repeat(this, ...r); },

  matmul(o: Tensor) { return M.matmul(this, o); },
  mm(o: Tensor) { return M.mm(this, o); },
  bmm(o: Tensor) { return M.bmm(this, o); },
  mv(o: Tensor) { return M.mv(this, o); },
  dot(o: Tensor) { return M.dot(this, o); },
  outer(o: Tensor) { return M.outer(this, o); },

  to(d: DType) { return cast(this, d); },
  float() { return cast(this, "float32"); },
  double() { return cast(this, "float64"); },
  int() { return cast(this, "int32"); },
  bool() { return cast(this, "bool"); },

  add_(o: TensorLike, alpha?: number) { return I.add_(this, o, alpha); },
  sub_(o: TensorLike, alpha?: number) { return I.sub_(this, o, alpha); },
  mul_(o: TensorLike) { return I.mul_(this, o); },
  div_(o: TensorLike) { return I.div_(this, o); },
  pow_(o: TensorLike) { return I.pow_(this, o); },
  maximum_(o: TensorLike) { return I.maximum_(this, o); },
  minimum_(o: TensorLike) { return I.minimum_(this, o); },
  neg_() { return I.neg_(this); },
  exp_() { return I.exp_(this); },
  log_() { return I.log_(this); },
  sqrt_() { return I.sqrt_(this); },
  abs_() { return I.abs_(this); },
  relu_() { return I.relu_(this); },
  sigmoid_() { return I.sigmoid_(this); },
  tanh_() { return I.tanh_(this); },
  square_() { return I.square_(this); },
  sign_() { return I.sign_(this); },
  clamp_(min?: Scalar | null, max?: Scalar | null) { return I.clamp_(this, min, max); },
  addcmul_(a: Tensor, b: Tensor, v?: number) { return I.addcmul_(this, a, b, v); },
  addcdiv_(a: Tensor, b: Tensor, v?: number) { return I.addcdiv_(this, a, b, v); },
  lerp_(e: TensorLike, w: number) { return I.lerp_(this, e, w); },
  copy_(s: TensorLike) { return I.copy_(this, s); },
  fill_(v: Scalar) { return I.fill_(this, v); },
  zero_() { return I.zero_(this); },
};

export const coreGetters: Record<string, (this: Tensor) => unknown> = {
  T() { return S.t(this); },
  mT() {
    if (this.ndim < 2) throw new RangeError(`mT: tensor of shape [${this.shape.join(",")}] has fewer than 2 dims`);
    return S.transpose(this, -2, -1);
  },
};
