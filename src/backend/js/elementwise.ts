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
    // PyTorch's threshold_backward: a NaN in b is not <= 0, so the gradient passes.
    case "reluBackward": for (let j = io; j < end; j++, ia += sa, ib += sb) o[j] = b[ib] <= 0 ? 0 : a[ia]; return;
  }
}

// ---- float32 fast paths -------------------------------------------------------------
// These functions only ever see Float32Array, so V8 keeps their element accesses
// monomorphic however many dtypes the program uses elsewhere (a generic loop that has seen
// four array types runs about twice as slow). Loops are unrolled by 4 so the per-iteration
// checks V8 inserts (array map, length, bounds) are paid once per 4 elements.

type F32 = Float32Array;

/** o[0..n) = a[ia..] op b[ib..] for dense float32 operands; false if `op` has no fast path. */
function binaryDenseF32(op: BinaryOp, a: F32, ia: number, b: F32, ib: number, o: F32, n: number): boolean {
  const n4 = n - (n % 4);
  let j = 0;
  switch (op) {
    case "add":
      for (; j < n4; j += 4) {
        const p = ia + j, q = ib + j;
        const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
        const y0 = b[q], y1 = b[q + 1], y2 = b[q + 2], y3 = b[q + 3];
        o[j] = x0 + y0; o[j + 1] = x1 + y1; o[j + 2] = x2 + y2; o[j + 3] = x3 + y3;
      }
      for (; j < n; j++) o[j] = a[ia + j] + b[ib + j];
      return true;
    case "sub":
      for (; j < n4; j += 4) {
        const p = ia + j, q = ib + j;
        const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
        const y0 = b[q], y1 = b[q + 1], y2 = b[q + 2], y3 = b[q + 3];
        o[j] = x0 - y0; o[j + 1] = x1 - y1; o[j + 2] = x2 - y2; o[j + 3] = x3 - y3;
      }
      for (; j < n; j++) o[j] = a[ia + j] - b[ib + j];
      return true;
    case "mul":
      for (; j < n4; j += 4) {
        const p = ia + j, q = ib + j;
        const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
        const y0 = b[q], y1 = b[q + 1], y2 = b[q + 2], y3 = b[q + 3];
        o[j] = x0 * y0; o[j + 1] = x1 * y1; o[j + 2] = x2 * y2; o[j + 3] = x3 * y3;
      }
      for (; j < n; j++) o[j] = a[ia + j] * b[ib + j];
      return true;
    case "div":
      for (; j < n4; j += 4) {
        const p = ia + j, q = ib + j;
        const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
        const y0 = b[q], y1 = b[q + 1], y2 = b[q + 2], y3 = b[q + 3];
        o[j] = x0 / y0; o[j + 1] = x1 / y1; o[j + 2] = x2 / y2; o[j + 3] = x3 / y3;
      }
      for (; j < n; j++) o[j] = a[ia + j] / b[ib + j];
      return true;
    case "reluBackward":
      for (; j < n4; j += 4) {
        const p = ia + j, q = ib + j;
        const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
        const y0 = b[q], y1 = b[q + 1], y2 = b[q + 2], y3 = b[q + 3];
        o[j] = y0 <= 0 ? 0 : x0; o[j + 1] = y1 <= 0 ? 0 : x1; o[j + 2] = y2 <= 0 ? 0 : x2; o[j + 3] = y3 <= 0 ? 0 : x3;
      }
      for (; j < n; j++) o[j] = b[ib + j] <= 0 ? 0 : a[ia + j];
      return true;
    default:
      return false;
  }
}

/**
 * o[0..n) = a[ia..] op s (or s op a[ia..] when `scalarFirst`) for a dense float32 operand
 * and a broadcast single value; false if `op` has no fast path.
 */
function binaryScalarF32(op: BinaryOp, a: F32, ia: number, s: number, scalarFirst: boolean, o: F32, n: number): boolean {
  const n4 = n - (n % 4);
  let j = 0;
  switch (op) {
    case "add":
      for (; j < n4; j += 4) {
        const p = ia + j;
        const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
        o[j] = x0 + s; o[j + 1] = x1 + s; o[j + 2] = x2 + s; o[j + 3] = x3 + s;
      }
      for (; j < n; j++) o[j] = a[ia + j] + s;
      return true;
    case "mul":
      for (; j < n4; j += 4) {
        const p = ia + j;
        const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
        o[j] = x0 * s; o[j + 1] = x1 * s; o[j + 2] = x2 * s; o[j + 3] = x3 * s;
      }
      for (; j < n; j++) o[j] = a[ia + j] * s;
      return true;
    case "sub":
      if (scalarFirst) {
        for (; j < n4; j += 4) {
          const p = ia + j;
          const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
          o[j] = s - x0; o[j + 1] = s - x1; o[j + 2] = s - x2; o[j + 3] = s - x3;
        }
        for (; j < n; j++) o[j] = s - a[ia + j];
      } else {
        for (; j < n4; j += 4) {
          const p = ia + j;
          const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
          o[j] = x0 - s; o[j + 1] = x1 - s; o[j + 2] = x2 - s; o[j + 3] = x3 - s;
        }
        for (; j < n; j++) o[j] = a[ia + j] - s;
      }
      return true;
    case "div":
      if (scalarFirst) {
        for (; j < n4; j += 4) {
          const p = ia + j;
          const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
          o[j] = s / x0; o[j + 1] = s / x1; o[j + 2] = s / x2; o[j + 3] = s / x3;
        }
        for (; j < n; j++) o[j] = s / a[ia + j];
      } else {
        for (; j < n4; j += 4) {
          const p = ia + j;
          const x0 = a[p], x1 = a[p + 1], x2 = a[p + 2], x3 = a[p + 3];
          o[j] = x0 / s; o[j + 1] = x1 / s; o[j + 2] = x2 / s; o[j + 3] = x3 / s;
        }
        for (; j < n; j++) o[j] = a[ia + j] / s;
      }
      return true;
    default:
      return false;
  }
}

/** o[0..n) = f(x[ix..]) for a dense float32 input; false if `op` has no fast path. */
function unaryDenseF32(op: UnaryOp, x: F32, ix: number, o: F32, n: number): boolean {
  const n4 = n - (n % 4);
  let j = 0;
  switch (op) {
    case "neg":
      for (; j < n4; j += 4) {
        const p = ix + j;
        const v0 = x[p], v1 = x[p + 1], v2 = x[p + 2], v3 = x[p + 3];
        o[j] = -v0; o[j + 1] = -v1; o[j + 2] = -v2; o[j + 3] = -v3;
      }
      for (; j < n; j++) o[j] = -x[ix + j];
      return true;
    case "square":
      for (; j < n4; j += 4) {
        const p = ix + j;
        const v0 = x[p], v1 = x[p + 1], v2 = x[p + 2], v3 = x[p + 3];
        o[j] = v0 * v0; o[j + 1] = v1 * v1; o[j + 2] = v2 * v2; o[j + 3] = v3 * v3;
      }
      for (; j < n; j++) { const v = x[ix + j]; o[j] = v * v; }
      return true;
    case "relu":
      // Same expression as the generic loop: NaN stays NaN, -0 becomes 0.
      for (; j < n; j++) { const v = x[ix + j]; o[j] = v > 0 ? v : v === v ? 0 : v; }
      return true;
    case "abs":
      for (; j < n; j++) o[j] = Math.abs(x[ix + j]);
      return true;
    default:
      return false;
  }
}

/** The value of a view whose every element is the same storage slot (all strides 0), else null. */
function constantValue(v: View, shape: Shape): number | null {
  for (let i = 0; i < shape.length; i++) if (shape[i] !== 1 && v.strides[i] !== 0) return null;
  return v.data[v.offset];
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
    if (x.data instanceof Float32Array && out instanceof Float32Array && unaryDenseF32(op, x.data, x.offset, out, n)) return out;
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
  if (n === 0) return out;
  const aDense = isDense(a, outShape), bDense = isDense(b, outShape);
  if (out instanceof Float32Array && a.data instanceof Float32Array && b.data instanceof Float32Array) {
    if (aDense && bDense) {
      if (binaryDenseF32(op, a.data, a.offset, b.data, b.offset, out, n)) return out;
    } else if (aDense || bDense) {
      const s = constantValue(aDense ? b : a, outShape);
      if (s !== null && binaryScalarF32(op, aDense ? a.data : b.data, aDense ? a.offset : b.offset, s, bDense, out, n)) return out;
    }
  }
  if (aDense && bDense) {
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

// A condition is true where it is nonzero, NaN included (a cast to bool), not where JS finds it truthy.
export function where(cond: View, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray {
  const out = allocate(outDtype, numel(outShape));
  const it = new RowIter(outShape, [cond.strides, a.strides, b.strides], [cond.offset, a.offset, b.offset]);
  const [sc, sa, sb] = it.innerStrides;
  const c = cond.data, ad = a.data, bd = b.data;
  for (let r = 0, o = 0; r < it.rows; r++) {
    let ic = it.offs[0], ia = it.offs[1], ib = it.offs[2];
    for (let j = 0; j < it.inner; j++, o++, ic += sc, ia += sa, ib += sb) out[o] = c[ic] !== 0 ? ad[ia] : bd[ib];
    it.next();
  }
  return out;
}

/**
 * Copies a view whose last two (non-1) dims are transposed, strides [1, S], as a block
 * transpose: 4 source rows are read contiguously and written to 4 adjacent output columns,
 * instead of one cache line per element. Returns false for other layouts.
 */
function copyTransposed(x: View, out: TypedArray): boolean {
  const dims: number[] = [], strides: number[] = [];
  for (let i = 0; i < x.shape.length; i++) {
    if (x.shape[i] !== 1) { dims.push(x.shape[i]); strides.push(x.strides[i]); }
  }
  const d = dims.length;
  if (d < 2 || strides[d - 2] !== 1 || strides[d - 1] === 1) return false;
  const R = dims[d - 2], C = dims[d - 1], S = strides[d - 1];
  if (R < 8 || C < 4) return false;
  const src = x.data;
  const lead = new RowIter(dims.slice(0, d - 2), [strides.slice(0, d - 2)], [x.offset]);
  const ls = lead.innerStrides[0];
  let o = 0;
  for (let r = 0; r < lead.rows; r++) {
    let base = lead.offs[0];
    for (let j = 0; j < lead.inner; j++, base += ls, o += R * C) {
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const x0 = base + c * S, x1 = x0 + S, x2 = x1 + S, x3 = x2 + S;
        for (let i = 0, q = o + c; i < R; i++, q += C) {
          const v0 = src[x0 + i], v1 = src[x1 + i], v2 = src[x2 + i], v3 = src[x3 + i];
          out[q] = v0; out[q + 1] = v1; out[q + 2] = v2; out[q + 3] = v3;
        }
      }
      for (; c < C; c++) {
        const x0 = base + c * S;
        for (let i = 0, q = o + c; i < R; i++, q += C) out[q] = src[x0 + i];
      }
    }
    lead.next();
  }
  return true;
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
  const toBool = outDtype === "bool";
  if (!toBool && copyTransposed(x, out)) return out;
  const it = new RowIter(x.shape, [x.strides], [x.offset]);
  const s = it.innerStrides[0];
  const src = x.data;
  for (let r = 0, o = 0; r < it.rows; r++) {
    let ix = it.offs[0];
    if (toBool) for (let j = 0; j < it.inner; j++, o++, ix += s) out[o] = src[ix] !== 0 ? 1 : 0;
    else for (let j = 0; j < it.inner; j++, o++, ix += s) out[o] = src[ix];
    it.next();
  }
  return out;
}

export function assign(dst: View, src: View): void {
  const d0 = dst.data, s0 = src.data;
  // Same type, both dense, distinct buffers: a block copy (overlap keeps the element loop's order).
  if (d0.constructor === s0.constructor && d0.buffer !== s0.buffer && isDense(dst, dst.shape) && isDense(src, dst.shape)) {
    const n = numel(dst.shape);
    d0.set(s0.subarray(src.offset, src.offset + n) as never, dst.offset);
    return;
  }
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
