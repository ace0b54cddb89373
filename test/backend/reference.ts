// The conformance oracle: every kernel of the Backend interface written as plain loops over
// multi-indices, one element at a time, with PyTorch 1.13's scalar semantics spelled out.
// Slow on purpose: nothing here merges dims, blocks, or special-cases layouts.

import type { ArgReduceOp, Backend, BinaryOp, MatmulArgs, ReduceOp, ScanOp, UnaryOp, View } from "../../src/backend/kernels.js";
import type { DType, TypedArray } from "../../src/tensor/dtype.js";
import { allocate, dtypeOfArray } from "../../src/tensor/dtype.js";
import type { Shape } from "../../src/tensor/shape.js";

/**
 * The kernels this suite covers: the elementwise, reduction, matmul and indexing core of
 * the Backend interface. Its `linalg` factorisations (not unique element by element) and
 * the conv kernels need checks of their own.
 */
export type KernelSet = Pick<Backend, "name" | "unary" | "binary" | "where" | "reduce" | "argReduce" | "scan" | "copy" | "assign"
  | "matmul" | "indexSelect" | "indexAdd" | "gather" | "scatterAdd"
  | "axpy">;

/**
 * Calls `fn` with every multi-index of `shape` in row-major order and its position in that
 * order (once with [] for a 0-d shape, never when a size is 0). The index array is reused:
 * copy it to keep it.
 */
export function forEachIndex(shape: Shape, fn: (idx: number[], flat: number) => void): void {
  for (const s of shape) if (s === 0) return;
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; ; flat++) {
    fn(idx, flat);
    let d = shape.length - 1;
    while (d >= 0 && ++idx[d] === shape[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

/** Position of a logical multi-index inside the view's buffer. */
export function offsetOf(v: View, idx: readonly number[]): number {
  let o = v.offset;
  for (let d = 0; d < idx.length; d++) o += idx[d] * v.strides[d];
  return o;
}

/** The element of `v` at a logical multi-index. */
export function read(v: View, idx: readonly number[]): number {
  return v.data[offsetOf(v, idx)];
}

/** Converts a mathematical result to what a tensor of `dtype` stores (PyTorch casting). */
export function castTo(value: number, dtype: DType): number {
  switch (dtype) {
    case "bool": return value !== 0 ? 1 : 0; // NaN is non-zero, so it is true, as in C++.
    case "int32": return Math.trunc(value) | 0; // truncation toward zero, then two's-complement wrap.
    case "float32": return Math.fround(value);
    case "float64": return value;
  }
}

/** erf from the all-positive series (2/sqrt(pi)) e^(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1)): no cancellation. */
export function erfRef(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 6) return 1; // erfc(6) < 2^-54: erf rounds to exactly 1 in float64.
  if (x < -6) return -1;
  let term = x;
  let sum = x;
  for (let n = 1; n < 400; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** Round half to even (torch.round). */
export function roundHalfEvenRef(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && x < 0 ? -0 : r; // round(-0.4) is -0.0 in PyTorch
}

/** C's pow, which std::pow and torch.pow follow: 1 for x^0, 1^y and (-1)^(+-inf), unlike Math.pow. */
export function powRef(a: number, b: number): number {
  if (b === 0 || a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

/** torch.remainder: fmod, then shifted by b when the signs differ (the result takes b's sign). */
export function remainderRef(a: number, b: number): number {
  let m = a % b;
  if (m !== 0 && m < 0 !== b < 0) m += b;
  return m;
}

/** torch.floor_divide on floats: Python's floor division (via fmod, so 1 // 0.1 is 9, not 10). */
export function floorDivideRef(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

/** One unary op on one value; `int` says the input is an integer tensor (int32 or bool). */
export function unaryRef(op: UnaryOp, x: number, int: boolean): number {
  switch (op) {
    case "neg": return -x;
    case "exp": return Math.exp(x);
    case "log": return Math.log(x);
    case "log1p": return Math.log1p(x);
    case "expm1": return Math.expm1(x);
    case "sqrt": return Math.sqrt(x);
    case "rsqrt": return 1 / Math.sqrt(x);
    case "abs": return Math.abs(x);
    case "sign": return x > 0 ? 1 : x < 0 ? -1 : 0; // torch 1.13: sign(NaN) is 0.
    case "square": return int ? Math.imul(x, x) : x * x;
    case "sin": return Math.sin(x);
    case "cos": return Math.cos(x);
    case "tan": return Math.tan(x);
    case "tanh": return Math.tanh(x);
    case "sigmoid": return 1 / (1 + Math.exp(-x));
    case "relu": return Number.isNaN(x) ? x : x > 0 ? x : 0;
    case "floor": return Math.floor(x);
    case "ceil": return Math.ceil(x);
    case "round": return roundHalfEvenRef(x);
    case "trunc": return Math.trunc(x);
    case "reciprocal": return 1 / x;
    case "erf": return erfRef(x);
    case "logicalNot": return x === 0 ? 1 : 0; // NaN is true, so its negation is false.
    case "isnan": return Number.isNaN(x) ? 1 : 0;
    case "asin": return Math.asin(x);
    case "acos": return Math.acos(x);
    case "atan": return Math.atan(x);
  }
}

/** One binary op on two values; `int` says the inputs are integer tensors (int32 or bool). */
export function binaryRef(op: BinaryOp, a: number, b: number, int: boolean): number {
  switch (op) {
    case "add": return a + b;
    case "sub": return a - b;
    case "mul": return int ? Math.imul(a, b) : a * b;
    case "div": return a / b;
    case "pow": {
      if (!int) return powRef(a, b);
      let r = 1;
      for (let i = 0; i < b; i++) r = Math.imul(r, a);
      return r;
    }
    case "maximum": return Math.max(a, b);
    case "minimum": return Math.min(a, b);
    case "atan2": return Math.atan2(a, b);
    case "fmod": return a % b;
    case "remainder": return remainderRef(a, b);
    case "floorDivide": return int ? Math.floor(a / b) : floorDivideRef(a, b);
    case "eq": return a === b ? 1 : 0;
    case "ne": return a !== b ? 1 : 0;
    case "lt": return a < b ? 1 : 0;
    case "le": return a <= b ? 1 : 0;
    case "gt": return a > b ? 1 : 0;
    case "ge": return a >= b ? 1 : 0;
    case "logicalAnd": return a !== 0 && b !== 0 ? 1 : 0;
    case "logicalOr": return a !== 0 || b !== 0 ? 1 : 0;
    case "logicalXor": return (a !== 0) !== (b !== 0) ? 1 : 0;
    // threshold_backward(grad = a, self = b, 0): only b > 0 or NaN passes the gradient.
    case "reluBackward": return b > 0 || Number.isNaN(b) ? a : 0;
  }
}

const isIntArray = (v: View): boolean => v.data instanceof Int32Array || v.data instanceof Uint8Array;

function product(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Position of a multi-index in a contiguous row-major array of `shape`. */
function flatIndex(shape: Shape, idx: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
  return f;
}

function unary(op: UnaryOp, x: View, outDtype: DType): TypedArray {
  const out = allocate(outDtype, product(x.shape));
  const int = isIntArray(x);
  forEachIndex(x.shape, (idx, i) => { out[i] = castTo(unaryRef(op, read(x, idx), int), outDtype); });
  return out;
}

function binary(op: BinaryOp, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray {
  const out = allocate(outDtype, product(outShape));
  const int = isIntArray(a) && isIntArray(b);
  forEachIndex(outShape, (idx, i) => { out[i] = castTo(binaryRef(op, read(a, idx), read(b, idx), int), outDtype); });
  return out;
}

function where(cond: View, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray {
  const out = allocate(outDtype, product(outShape));
  forEachIndex(outShape, (idx, i) => { out[i] = castTo(read(cond, idx) !== 0 ? read(a, idx) : read(b, idx), outDtype); });
  return out;
}

/**
 * Combines the values of one reduction group in order; NaN wins max and min, as in PyTorch.
 * sumsq adds each value's square as square() stores it in the input's dtype.
 */
function combine(op: ReduceOp, values: readonly number[], int: boolean, inDtype: DType): number {
  switch (op) {
    case "sum": return values.reduce((s, v) => s + v, 0);
    case "sumsq": return values.reduce((s, v) => s + castTo(unaryRef("square", v, int), inDtype), 0);
    case "prod": return values.reduce((p, v) => (int ? Math.imul(p, v) : p * v), 1);
    case "max": return values.reduce((m, v) => Math.max(m, v), -Infinity);
    case "min": return values.reduce((m, v) => Math.min(m, v), Infinity);
  }
}

function reduce(op: ReduceOp, x: View, axes: readonly number[], outDtype: DType): TypedArray {
  const keptShape = x.shape.filter((_, d) => !axes.includes(d));
  const groups: number[][] = Array.from({ length: product(keptShape) }, () => []);
  forEachIndex(x.shape, (idx) => {
    groups[flatIndex(keptShape, idx.filter((_, d) => !axes.includes(d)))].push(read(x, idx));
  });
  const out = allocate(outDtype, groups.length);
  const int = isIntArray(x);
  groups.forEach((g, i) => { out[i] = castTo(combine(op, g, int, dtypeOfArray(x.data)), outDtype); });
  return out;
}

function argReduce(op: ArgReduceOp, x: View, axis: number): Int32Array {
  const keptShape = x.shape.filter((_, d) => d !== axis);
  const out = new Int32Array(product(keptShape));
  forEachIndex(keptShape, (kept, i) => {
    let best = NaN;
    let bestAt = -1;
    for (let t = 0; t < x.shape[axis]; t++) {
      const v = read(x, [...kept.slice(0, axis), t, ...kept.slice(axis)]);
      if (bestAt >= 0 && Number.isNaN(best)) break; // the first NaN is the answer for both
      const better = bestAt < 0 || Number.isNaN(v) || (op === "argmax" ? v > best : v < best);
      if (better) { best = v; bestAt = t; }
    }
    out[i] = bestAt;
  });
  return out;
}

function scan(op: ScanOp, x: View, axis: number, outDtype: DType): TypedArray {
  const out = allocate(outDtype, product(x.shape));
  const int = isIntArray(x);
  forEachIndex(x.shape, (idx, i) => {
    let acc = op === "cumsum" ? 0 : 1;
    for (let t = 0; t <= idx[axis]; t++) {
      const v = read(x, [...idx.slice(0, axis), t, ...idx.slice(axis + 1)]);
      acc = op === "cumsum" ? acc + v : int ? Math.imul(acc, v) : acc * v;
    }
    out[i] = castTo(acc, outDtype);
  });
  return out;
}

function copy(x: View, outDtype: DType): TypedArray {
  const out = allocate(outDtype, product(x.shape));
  forEachIndex(x.shape, (idx, i) => { out[i] = castTo(read(x, idx), outDtype); });
  return out;
}

function assign(dst: View, src: View): void {
  const dtype = dtypeOfArray(dst.data);
  forEachIndex(dst.shape, (idx) => { dst.data[offsetOf(dst, idx)] = castTo(read(src, idx), dtype); });
}

// ---- fused in-place kernels (ops helper) ----
/** dst += alpha * src: alpha rounded to dst's dtype, then the product, then the sum (int32 wraps). */
function axpy(dst: View, src: View, alpha: number): void {
  const dtype = dtypeOfArray(dst.data);
  if (dtypeOfArray(src.data) !== dtype || dtype === "bool") throw new TypeError(`axpy: dst and src must share a dtype among float32, float64 and int32, got ${dtype} and ${dtypeOfArray(src.data)}`);
  const a = dtype === "int32" ? alpha | 0 : castTo(alpha, dtype);
  forEachIndex(dst.shape, (idx) => {
    const o = offsetOf(dst, idx), d = dst.data[o], s = read(src, idx);
    dst.data[o] = dtype === "int32" ? (d + Math.imul(a, s)) | 0 : castTo(d + castTo(a * s, dtype), dtype);
  });
}
// ---- end fused in-place kernels ----

function matmul(a: View, b: View, args: MatmulArgs, outDtype: DType): TypedArray {
  const { batch, m, n, k } = args;
  if (args.into) {
    // Accumulating: the starting values plus the product, summed in float64 and rounded once.
    const prod = matmul(a, b, { batch, m, n, k, bias: args.bias }, "float64");
    const into = args.into;
    for (let i = 0; i < into.length; i++) into[i] = castTo(into[i] + prod[i], outDtype);
    return into;
  }
  const out = allocate(outDtype, product(batch) * m * n);
  const int = isIntArray(a) && isIntArray(b);
  const nb = batch.length;
  const [ars, acs, brs, bcs] = [a.strides[nb], a.strides[nb + 1], b.strides[nb], b.strides[nb + 1]];
  let o = 0;
  forEachIndex(batch, (bi) => {
    const aBase = offsetOf(a, bi), bBase = offsetOf(b, bi); // offsetOf walks only the batch dims of bi
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const x = a.data[aBase + i * ars + p * acs], y = b.data[bBase + p * brs + j * bcs];
          s = int ? (s + Math.imul(x, y)) | 0 : s + x * y;
        }
        if (args.bias) {
          const bj = read(args.bias, [j]);
          out[o++] = int ? (castTo(s, outDtype) + bj) | 0 : castTo(castTo(s, outDtype) + bj, outDtype);
        } else {
          out[o++] = castTo(s, outDtype);
        }
      }
    }
  });
  return out;
}

/** The int32 values of a 1-D or n-D index view in row-major order. */
function indexValues(index: View): number[] {
  const values: number[] = [];
  forEachIndex(index.shape, (idx) => values.push(read(index, idx)));
  return values;
}

function indexSelect(x: View, axis: number, index: View, outDtype: DType): TypedArray {
  const picks = indexValues(index);
  const outShape = x.shape.map((s, d) => (d === axis ? picks.length : s));
  const out = allocate(outDtype, product(outShape));
  forEachIndex(outShape, (idx, i) => {
    const from = idx.map((v, d) => (d === axis ? picks[v] : v));
    out[i] = castTo(read(x, from), outDtype);
  });
  return out;
}

function indexAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray {
  const picks = indexValues(index);
  const acc = new Float64Array(product(outShape));
  const int = outDtype === "int32" || outDtype === "bool";
  forEachIndex(src.shape, (idx) => {
    const to = flatIndex(outShape, idx.map((v, d) => (d === axis ? picks[v] : v)));
    acc[to] = int ? (acc[to] + read(src, idx)) | 0 : acc[to] + read(src, idx);
  });
  const out = allocate(outDtype, acc.length);
  acc.forEach((v, i) => { out[i] = castTo(v, outDtype); });
  return out;
}

function gather(x: View, axis: number, index: View, outDtype: DType): TypedArray {
  const out = allocate(outDtype, product(index.shape));
  forEachIndex(index.shape, (idx, i) => {
    const from = idx.map((v, d) => (d === axis ? read(index, idx) : v));
    out[i] = castTo(read(x, from), outDtype);
  });
  return out;
}

function scatterAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray {
  const acc = new Float64Array(product(outShape));
  const int = outDtype === "int32" || outDtype === "bool";
  forEachIndex(index.shape, (idx) => {
    const to = flatIndex(outShape, idx.map((v, d) => (d === axis ? read(index, idx) : v)));
    acc[to] = int ? (acc[to] + read(src, idx)) | 0 : acc[to] + read(src, idx);
  });
  const out = allocate(outDtype, acc.length);
  acc.forEach((v, i) => { out[i] = castTo(v, outDtype); });
  return out;
}

/**
 * The reference backend: every kernel as nested loops over multi-indices, accumulating in
 * float64 and rounding once into the output dtype. The conformance suite compares every
 * real backend against it.
 * @example referenceBackend.copy({ data: new Float64Array([1.5, 2]), shape: [2], strides: [1], offset: 0 }, "int32") // Int32Array [1, 2]
 */
export const referenceBackend: KernelSet = {
  name: "reference",
  unary, binary, where, reduce, argReduce, scan, copy, assign, matmul,
  indexSelect, indexAdd, gather, scatterAdd,
  axpy,
};
