import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { numel } from "../../tensor/shape.js";
import type { BinaryOp, UnaryOp, View } from "../kernels.js";
import { RowIter } from "./layout.js";
import { cPow, erf, pyFloorDiv, pyMod, roundHalfEven, sigmoid } from "./math.js";

type Arr = TypedArray;

// One loop per op, chosen once per row, so the inner loops hold no calls and no branches on op.
function unaryRow(op: UnaryOp, x: Arr, ix: number, sx: number, o: Arr, io: number, n: number): void {
  const end = io + n;
  switch (op) {
    case "neg": for (let j = io; j < end; j++, ix += sx) o[j] = -x[ix]; return;
    case "exp": for (let j = io; j < end; j++, ix += sx) o[j] = Math.exp(x[ix]); return;
    case "log": for (let j = io; j < end; j++, ix += sx) o[j] = Math.log(x[ix]); return;
    case "log1p": for (let j = io; j < end; j++, ix += sx) o[j] = Math.log1p(x[ix]); return;
    case "expm1": for (let j = io; j < end; j++, ix += sx) o[j] = Math.expm1(x[ix]); return;
    case "sqrt": for (let j = io; j < end; j++, ix += sx) o[j] = Math.sqrt(x[ix]); return;
    case "rsqrt": for (let j = io; j < end; j++, ix += sx) o[j] = 1 / Math.sqrt(x[ix]); return;
    case "abs": for (let j = io; j < end; j++, ix += sx) o[j] = Math.abs(x[ix]); return;
    case "sign": for (let j = io; j < end; j++, ix += sx) { const v = x[ix]; o[j] = v > 0 ? 1 : v < 0 ? -1 : 0; } return; // torch: sign(NaN) = 0
    case "square":
      // int32 products wrap like C's; through float64 they would lose their low bits.
      if (o instanceof Int32Array) for (let j = io; j < end; j++, ix += sx) { const v = x[ix]; o[j] = Math.imul(v, v); }
      else for (let j = io; j < end; j++, ix += sx) { const v = x[ix]; o[j] = v * v; }
      return;
    case "sin": for (let j = io; j < end; j++, ix += sx) o[j] = Math.sin(x[ix]); return;
    case "cos": for (let j = io; j < end; j++, ix += sx) o[j] = Math.cos(x[ix]); return;
    case "tan": for (let j = io; j < end; j++, ix += sx) o[j] = Math.tan(x[ix]); return;
    case "asin": for (let j = io; j < end; j++, ix += sx) o[j] = Math.asin(x[ix]); return;
    case "acos": for (let j = io; j < end; j++, ix += sx) o[j] = Math.acos(x[ix]); return;
    case "atan": for (let j = io; j < end; j++, ix += sx) o[j] = Math.atan(x[ix]); return;
    case "tanh": for (let j = io; j < end; j++, ix += sx) o[j] = Math.tanh(x[ix]); return;
    case "sigmoid": for (let j = io; j < end; j++, ix += sx) o[j] = sigmoid(x[ix]); return;
    case "relu": for (let j = io; j < end; j++, ix += sx) { const v = x[ix]; o[j] = v > 0 ? v : v === v ? 0 : v; } return;
    case "floor": for (let j = io; j < end; j++, ix += sx) o[j] = Math.floor(x[ix]); return;
    case "ceil": for (let j = io; j < end; j++, ix += sx) o[j] = Math.ceil(x[ix]); return;
    case "round": for (let j = io; j < end; j++, ix += sx) o[j] = roundHalfEven(x[ix]); return;
    case "trunc": for (let j = io; j < end; j++, ix += sx) o[j] = Math.trunc(x[ix]); return;
    case "reciprocal": for (let j = io; j < end; j++, ix += sx) o[j] = 1 / x[ix]; return;
    case "erf": for (let j = io; j < end; j++, ix += sx) o[j] = erf(x[ix]); return;
    case "logicalNot": for (let j = io; j < end; j++, ix += sx) o[j] = x[ix] !== 0 ? 0 : 1; return; // NaN is true, as in C
    case "isnan": for (let j = io; j < end; j++, ix += sx) o[j] = x[ix] !== x[ix] ? 1 : 0; return;
  }
}

function binaryRow(op: BinaryOp, a: Arr, ia: number, sa: number, b: Arr, ib: number, sb: number, o: Arr, io: number, n: number): void {
  const end = io + n;
  switch (op) {
    case "add": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] + b[ib]; return;
    case "sub": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] - b[ib]; return;
    case "mul":
      if (o instanceof Int32Array) for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = Math.imul(a[ia], b[ib]);
      else for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] * b[ib];
      return;
    case "div": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] / b[ib]; return;
    case "pow": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = cPow(a[ia], b[ib]); return;
    case "maximum": for (let j = io; j < end; j++, ia += sa, ib += sb) { const x = a[ia], y = b[ib]; o[j] = x > y || x !== x ? x : y; } return;
    case "minimum": for (let j = io; j < end; j++, ia += sa, ib += sb) { const x = a[ia], y = b[ib]; o[j] = x < y || x !== x ? x : y; } return;
    case "atan2": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = Math.atan2(a[ia], b[ib]); return;
    case "fmod": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] % b[ib]; return;
    case "remainder": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = pyMod(a[ia], b[ib]); return;
    case "floorDivide": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = pyFloorDiv(a[ia], b[ib]); return;
    case "eq": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] === b[ib] ? 1 : 0; return;
    case "ne": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] !== b[ib] ? 1 : 0; return;
    case "lt": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] < b[ib] ? 1 : 0; return;
    case "le": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] <= b[ib] ? 1 : 0; return;
    case "gt": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] > b[ib] ? 1 : 0; return;
    case "ge": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] >= b[ib] ? 1 : 0; return;
    case "logicalAnd": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] !== 0 && b[ib] !== 0 ? 1 : 0; return;
    case "logicalOr": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] !== 0 || b[ib] !== 0 ? 1 : 0; return;
    case "logicalXor": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = (a[ia] !== 0) !== (b[ib] !== 0) ? 1 : 0; return;
  }
}

function isDense(v: View, shape: Shape): boolean {
  // Contiguous with the output's layout: one row covers everything.
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && v.strides[i] !== acc) return false;
    acc *= shape[i];
  }
  return true;
}

export function unary(op: UnaryOp, x: View, outDtype: DType): TypedArray {
  const n = numel(x.shape);
  const out = allocate(outDtype, n);
  if (isDense(x, x.shape)) {
    unaryRow(op, x.data, x.offset, 1, out, 0, n);
    return out;
  }
  const it = new RowIter(x.shape, [x.strides], [x.offset]);
  const s = it.innerStrides[0];
  for (let r = 0, o = 0; r < it.rows; r++, o += it.inner) {
    unaryRow(op, x.data, it.offs[0], s, out, o, it.inner);
    it.next();
  }
  return out;
}

export function binary(op: BinaryOp, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray {
  const n = numel(outShape);
  const out = allocate(outDtype, n);
  if (isDense(a, outShape) && isDense(b, outShape)) {
    binaryRow(op, a.data, a.offset, 1, b.data, b.offset, 1, out, 0, n);
    return out;
  }
  const it = new RowIter(outShape, [a.strides, b.strides], [a.offset, b.offset]);
  const [sa, sb] = it.innerStrides;
  for (let r = 0, o = 0; r < it.rows; r++, o += it.inner) {
    binaryRow(op, a.data, it.offs[0], sa, b.data, it.offs[1], sb, out, o, it.inner);
    it.next();
  }
  return out;
}

export function where(cond: View, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray {
  const out = allocate(outDtype, numel(outShape));
  const it = new RowIter(outShape, [cond.strides, a.strides, b.strides], [cond.offset, a.offset, b.offset]);
  const [sc, sa, sb] = it.innerStrides;
  const c = cond.data, ad = a.data, bd = b.data;
  for (let r = 0, o = 0; r < it.rows; r++) {
    let ic = it.offs[0], ia = it.offs[1], ib = it.offs[2];
    for (let j = 0; j < it.inner; j++, o++, ic += sc, ia += sa, ib += sb) out[o] = c[ic] ? ad[ia] : bd[ib];
    it.next();
  }
  return out;
}

export function copy(x: View, outDtype: DType): TypedArray {
  const n = numel(x.shape);
  const out = allocate(outDtype, n);
  if (isDense(x, x.shape)) {
    const src = x.data;
    if (outDtype === "bool" && !(src instanceof Uint8Array)) {
      for (let j = 0; j < n; j++) out[j] = src[x.offset + j] !== 0 ? 1 : 0;
    } else if (src.constructor === out.constructor) {
      out.set(src.subarray(x.offset, x.offset + n) as never);
    } else {
      for (let j = 0; j < n; j++) out[j] = src[x.offset + j];
    }
    return out;
  }
  const it = new RowIter(x.shape, [x.strides], [x.offset]);
  const s = it.innerStrides[0];
  const src = x.data;
  const toBool = outDtype === "bool";
  for (let r = 0, o = 0; r < it.rows; r++) {
    let ix = it.offs[0];
    if (toBool) for (let j = 0; j < it.inner; j++, o++, ix += s) out[o] = src[ix] !== 0 ? 1 : 0;
    else for (let j = 0; j < it.inner; j++, o++, ix += s) out[o] = src[ix];
    it.next();
  }
  return out;
}

export function assign(dst: View, src: View): void {
  const it = new RowIter(dst.shape, [dst.strides, src.strides], [dst.offset, src.offset]);
  const [sd, ss] = it.innerStrides;
  const d = dst.data, s = src.data;
  const toBool = d instanceof Uint8Array && !(s instanceof Uint8Array);
  for (let r = 0; r < it.rows; r++) {
    let id = it.offs[0], is = it.offs[1];
    if (toBool) for (let j = 0; j < it.inner; j++, id += sd, is += ss) d[id] = s[is] !== 0 ? 1 : 0;
    else for (let j = 0; j < it.inner; j++, id += sd, is += ss) d[id] = s[is];
    it.next();
  }
}
