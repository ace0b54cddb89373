import type { ReduceOp } from "../backend/kernels.js";
import { backend } from "../backend/registry.js";
import type { DType, TypedArray } from "../tensor/dtype.js";
import { allocate, isFloating, toFloating } from "../tensor/dtype.js";
import { arange, zeros } from "../tensor/creation.js";
import type { Shape } from "../tensor/shape.js";
import { fmtShape, normDim, numel, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { cast } from "./cast.js";
import {
  abs, add, div, eq, exp, ge, isnan, log, logicalAnd, logicalOr, maximum, minimum, mul, ne, pow, sign, sqrt, sub, where,
} from "./elementwise.js";
import { attach, isGradEnabled, needsGrad, noGrad } from "./graph.js";
import { checkTensor } from "./operand.js";
import { expand, reshape, transpose, unsqueeze } from "./shape.js";

/** A dim argument: one dim, several, or all (undefined/null). Negative dims count from the end. */
export type DimArg = number | readonly number[] | null | undefined;

/** Sorted, unique, non-negative reduction axes; all axes when `dim` is omitted. */
export function reductionAxes(dim: DimArg, ndim: number, op: string): number[] {
  if (dim === undefined || dim === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === "number" ? [dim] : dim;
  const axes = list.map((d) => normDim(d, ndim, op)).filter((d) => d < ndim);
  const uniq = [...new Set(axes)].sort((a, b) => a - b);
  if (uniq.length !== axes.length) throw new RangeError(`${op}: dim ${JSON.stringify(list)} appears more than once`);
  return uniq;
}

/** Shape after reducing `axes` (kept as 1s when keepdim). */
export function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) { if (keepdim) out.push(1); } else out.push(shape[i]);
  }
  return out;
}

/** Reinserts reduced axes as size-1 dims so a reduced result broadcasts against the input. */
export function keepDims(t: Tensor, inShape: Shape, axes: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return t;
  return reshape(t, reducedShape(inShape, axes, true));
}

/**
 * Sums a gradient back to `shape`, undoing broadcasting: leading dims and dims that were
 * 1 in `shape` are summed. The gradient rule of every broadcasting op ends with this.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  let r = axes.length ? sum(g, axes, true) : g;
  if (lead > 0 || !shapesEqual(r.shape, shape)) r = reshape(r, shape);
  return r;
}

function runReduce(op: ReduceOp, x: Tensor, axes: number[], keepdim: boolean, outDtype: DType): Tensor {
  const data = backend().reduce(op, x, axes, outDtype);
  return Tensor.fromArray(data, reducedShape(x.shape, axes, keepdim), outDtype);
}

/**
 * Sum over `dim` (all dims by default). Integer and bool inputs sum to int32.
 * @example gl.tensor([[1, 2], [3, 4]]).sum(0) // [4, 6]
 */
export function sum(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  checkTensor(x, "sum");
  const axes = reductionAxes(dim, x.ndim, "sum");
  const dt: DType = x.dtype === "bool" ? "int32" : x.dtype;
  const out = runReduce("sum", x, axes, keepdim, dt);
  if (needsGrad(x)) attach(out, "SumBackward", [x], (g) => [expand(keepDims(g, x.shape, axes, keepdim), x.shape)]);
  return out;
}

/**
 * Sum of squares over `dim` (all dims by default): sum(square(x)) in one kernel pass, without
 * the squares as a temporary, and the same values. Integer and bool inputs give int32.
 * Internal (norms, losses); not part of the public API.
 * @example sumSquares(gl.tensor([[1, 2], [3, 4]]), 1) // [5, 25]
 */
export function sumSquares(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  checkTensor(x, "sumSquares");
  const axes = reductionAxes(dim, x.ndim, "sumSquares");
  const dt: DType = x.dtype === "bool" ? "int32" : x.dtype;
  const out = runReduce("sumsq", x, axes, keepdim, dt);
  if (needsGrad(x)) attach(out, "SumSquaresBackward", [x], (g) => [mul(keepDims(g, x.shape, axes, keepdim), mul(x, 2))], [x]);
  return out;
}

/** Mean over `dim` (all dims by default). */
export function mean(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  checkTensor(x, "mean");
  if (x.dtype === "int32" || x.dtype === "bool") {
    throw new TypeError(`mean: could not infer output dtype: input dtype is ${x.dtype}; convert it first, e.g. x.float().mean()`);
  }
  const axes = reductionAxes(dim, x.ndim, "mean");
  let n = 1;
  for (const a of axes) n *= x.shape[a];
  return div(sum(x, axes, keepdim), n);
}

export function countOver(shape: Shape, axes: readonly number[]): number {
  let n = 1;
  for (const a of axes) n *= shape[a];
  return n;
}

export function describe(x: Tensor): string {
  return `${fmtShape(x.shape)} (${numel(x.shape)} elements, ${x.dtype})`;
}

// ---- shared helpers of the reductions below -----------------------------------------

/** What max/min/median return when given a dim: the values and their int32 positions along it. Destructures like PyTorch's namedtuple. */
export interface ValuesIndices extends Iterable<Tensor> {
  readonly values: Tensor;
  readonly indices: Tensor;
}

function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return {
    values,
    indices,
    *[Symbol.iterator]() { yield values; yield indices; },
  };
}

const allAxes = (ndim: number): number[] => Array.from({ length: ndim }, (_, i) => i);

/** Reduction axes where an empty list means every dim (PyTorch's rule for amax, var, norm, logsumexp). */
function axesOrAll(dim: DimArg, ndim: number, op: string): number[] {
  if (Array.isArray(dim) && dim.length === 0) return allAxes(ndim);
  return reductionAxes(dim, ndim, op);
}

/** The one dim of ops that take a single integer (max, argmax, median, prod, cumsum, softmax). */
function singleDim(dim: unknown, ndim: number, op: string): number {
  if (typeof dim !== "number") {
    throw new TypeError(`${op}: dim must be a single integer, got ${Array.isArray(dim) ? `[${dim.join(",")}]` : String(dim)}`);
  }
  return normDim(dim, ndim, op);
}

/** Reductions without an identity (max, median...) refuse to reduce a size-0 dim, as PyTorch does. */
function requireNonEmpty(x: Tensor, axes: readonly number[], op: string): void {
  for (const a of axes) {
    if (x.shape[a] === 0) throw new RangeError(`${op}: expected reduction dim ${a} to have non-zero size (input shape ${fmtShape(x.shape)})`);
  }
}

function requireFloating(x: Tensor, op: string, call: string): void {
  if (!isFloating(x.dtype)) {
    throw new TypeError(`${op}: expected a floating point tensor, got dtype ${x.dtype}; convert it first, e.g. x.float().${call}`);
  }
}

/** Wraps the storage of a fresh contiguous tensor (offset 0) in a new shape, without a graph node. */
function rewrap(t: Tensor, shape: Shape): Tensor {
  return Tensor.fromArray(t.data, shape, t.dtype);
}

/** Whether any element of a bool tensor is set (read at backward time to pick a gradient formula). */
function anyTrue(mask: Tensor): boolean {
  return noGrad(() => sum(mask).item()) > 0;
}

/**
 * Gradient of a full reduction that picks a value (max, min, median): split evenly among
 * all elements equal to it (NaNs count as equal to a NaN result), as PyTorch does.
 */
function evenlySpread(g: Tensor, x: Tensor, value: Tensor): Tensor {
  const mask = logicalOr(eq(x, value), logicalAnd(isnan(x), isnan(value)));
  return where(mask, div(g, sum(mask)), 0);
}

/** Gradient of a reduction along `d` that selected `indices`: `g` placed at those positions, zeros elsewhere. */
function placeAt(g: Tensor, indices: Tensor, shape: Shape, d: number, keepdim: boolean): Tensor {
  const gK = keepDims(g, shape, [d], keepdim);
  const iK = keepdim ? indices : reshape(indices, reducedShape(shape, [d], true));
  const pos = reshape(arange(shape[d]), shape.map((s, i) => (i === d ? s : 1)));
  return where(eq(pos, iK), gK, 0);
}

// ---- max, min, amax, amin, argmax, argmin -------------------------------------------

/**
 * The largest element (a 0-d tensor), or with `dim` the largest along it as
 * `{ values, indices }` (int32, first occurrence). With a tensor as second argument,
 * the elementwise maximum. The gradient of the full reduction is split evenly among tied
 * maxima; with `dim` it goes to the selected index. NaN counts as the maximum.
 * @example
 * gl.tensor([[1, 5], [7, 2]]).max().item();     // 7
 * const { values, indices } = gl.max(gl.tensor([[1, 5], [7, 2]]), 1); // [5, 7], [1, 0]
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim?: number | Tensor | null, keepdim = false): Tensor | ValuesIndices {
  return extreme("max", x, dim, keepdim);
}

/**
 * The smallest element, or with `dim` `{ values, indices }` along it; see `max`.
 * @example gl.tensor([3, 1, 2]).min(0).indices.item() // 1
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim?: number | Tensor | null, keepdim = false): Tensor | ValuesIndices {
  return extreme("min", x, dim, keepdim);
}

function extreme(op: "max" | "min", x: Tensor, dim: number | Tensor | null | undefined, keepdim: boolean): Tensor | ValuesIndices {
  checkTensor(x, op);
  if (dim instanceof Tensor) return op === "max" ? maximum(x, dim) : minimum(x, dim);
  if (dim === undefined || dim === null) return extremeAll(op, x);
  return extremeAlong(op, x, singleDim(dim, x.ndim, op), keepdim);
}

function extremeAll(op: "max" | "min", x: Tensor): Tensor {
  if (x.numel() === 0) {
    throw new RangeError(`${op}: cannot reduce an empty tensor (shape ${fmtShape(x.shape)}) without a dim; pass the dim to reduce over`);
  }
  const out = runReduce(op, x, allAxes(x.ndim), false, x.dtype);
  if (needsGrad(x)) attach(out, op === "max" ? "MaxBackward1" : "MinBackward1", [x], (g) => [evenlySpread(g, x, out)], [x, out]);
  return out;
}

function extremeAlong(op: "max" | "min", x: Tensor, d: number, keepdim: boolean): ValuesIndices {
  // A 0-d tensor reduces as a 1-element vector; the results stay 0-d, as in PyTorch.
  if (x.ndim === 0) return extremeAlong(op, reshape(x, [1]), 0, false);
  requireNonEmpty(x, [d], op);
  const values = runReduce(op, x, [d], keepdim, x.dtype);
  const indices = Tensor.fromArray(backend().argReduce(op === "max" ? "argmax" : "argmin", x, d), values.shape, "int32");
  if (needsGrad(x)) {
    attach(values, op === "max" ? "MaxBackward0" : "MinBackward0", [x], (g) => [placeAt(g, indices, x.shape, d, keepdim)], [indices]);
  }
  return valuesIndices(values, indices);
}

/**
 * Maximum over `dim` (one dim, a list, or all dims when omitted or `[]`). Unlike `max`,
 * returns only values, and its gradient is split evenly among the tied maxima of each slice.
 * @example gl.tensor([[1, 3, 3], [2, 2, 1]]).amax(1) // [3, 2]
 */
export function amax(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return aExtreme("amax", x, dim, keepdim);
}

/**
 * Minimum over `dim` (one, several or all dims); ties share the gradient. See `amax`.
 * @example gl.tensor([[1, 3], [0, 2]]).amin([0, 1]) // 0
 */
export function amin(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return aExtreme("amin", x, dim, keepdim);
}

function aExtreme(op: "amax" | "amin", x: Tensor, dim: DimArg, keepdim: boolean): Tensor {
  checkTensor(x, op);
  const axes = axesOrAll(dim, x.ndim, op);
  requireNonEmpty(x, axes, op);
  const out = runReduce(op === "amax" ? "max" : "min", x, axes, keepdim, x.dtype);
  if (needsGrad(x)) {
    attach(out, op === "amax" ? "AmaxBackward" : "AminBackward", [x], (g) => {
      const mask = eq(x, keepDims(out, x.shape, axes, keepdim));
      // PyTorch's formula (grad / count) * mask, NaN slices included.
      return [mul(div(keepDims(g, x.shape, axes, keepdim), sum(mask, axes, true)), mask)];
    }, [x, out]);
  }
  return out;
}

/**
 * Index of the largest element (int32): of the flattened tensor without `dim`, or along
 * `dim`. Ties give the first occurrence; NaN counts as the maximum.
 * @example gl.tensor([[1, 5], [7, 2]]).argmax() // 2 (flat index)
 */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme("argmax", x, dim, keepdim);
}

/**
 * Index of the smallest element (int32), flattened or along `dim`; see `argmax`.
 * @example gl.tensor([[1, 5], [7, 2]]).argmin(1) // [0, 1]
 */
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme("argmin", x, dim, keepdim);
}

function argExtreme(op: "argmax" | "argmin", x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  checkTensor(x, op);
  if (x.dtype === "bool") throw new TypeError(`${op}: not supported for bool tensors; convert it first, e.g. x.int().${op}()`);
  if (dim === undefined || dim === null) {
    if (x.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor (shape ${fmtShape(x.shape)}) without a dim; pass the dim to reduce over`);
    const flat = noGrad(() => reshape(x, [x.numel()]));
    return Tensor.fromArray(backend().argReduce(op, flat, 0), keepdim ? x.shape.map(() => 1) : [], "int32");
  }
  const d = singleDim(dim, x.ndim, op);
  if (x.ndim === 0) return Tensor.fromArray(new Int32Array(1), [], "int32");
  requireNonEmpty(x, [d], op);
  return Tensor.fromArray(backend().argReduce(op, x, d), reducedShape(x.shape, [d], keepdim), "int32");
}

// ---- prod, logsumexp ----------------------------------------------------------------

/**
 * Product of all elements, or along `dim`. Integer and bool inputs give int32. The
 * gradient is exact also where inputs are zero (the product of the other elements).
 * @example gl.tensor([[1, 2], [3, 4]]).prod(1) // [2, 12]
 */
export function prod(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  checkTensor(x, "prod");
  const axes = dim === undefined || dim === null ? allAxes(x.ndim) : reductionAxes(singleDim(dim, x.ndim, "prod"), x.ndim, "prod");
  return prodOver(x, axes, keepdim);
}

function prodOver(x: Tensor, axes: number[], keepdim: boolean): Tensor {
  const dt: DType = isFloating(x.dtype) ? x.dtype : "int32";
  const out = runReduce("prod", x, axes, keepdim, dt);
  if (needsGrad(x)) attach(out, "ProdBackward", [x], (g) => [prodGrad(g, x, out, axes, keepdim)], [x, out]);
  return out;
}

/**
 * d prod / d x_i = product of the others. Without zeros that is prod / x_i; with one zero
 * in a slice only the zero's entry survives (the product of the non-zeros). Written so that
 * second derivatives stay exact with at most one zero per slice, like PyTorch's.
 */
function prodGrad(g: Tensor, x: Tensor, out: Tensor, axes: number[], keepdim: boolean): Tensor {
  const gK = keepDims(g, x.shape, axes, keepdim);
  const isZero = eq(x, 0);
  if (!anyTrue(isZero)) return mul(gK, div(keepDims(out, x.shape, axes, keepdim), x));
  const nonZero = where(isZero, 1, x);
  const p = prodOver(nonZero, axes, true);
  const count = sum(isZero, axes, true);
  // The slice's single zero as a differentiable factor (its value is 0, its derivative 1).
  const zeroFactor = where(eq(count, 0), 1, where(eq(count, 1), sum(where(isZero, x, 0), axes, true), 0));
  const others = where(isZero, where(eq(count, 1), p, 0), mul(div(p, nonZero), zeroFactor));
  return mul(gK, others);
}

/**
 * log(sum(exp(x))) over `dim` (one dim or a list), computed stably by shifting by the
 * maximum. Integer inputs give float32.
 * @example gl.tensor([1000, 1000]).logsumexp(0) // 1000.6931
 */
export function logsumexp(x: Tensor, dim: DimArg, keepdim = false): Tensor {
  checkTensor(x, "logsumexp");
  if (dim === undefined || dim === null) throw new TypeError("logsumexp: dim is required (a dim or a list of dims), as in torch.logsumexp");
  const xf = isFloating(x.dtype) ? x : cast(x, "float32");
  const axes = axesOrAll(dim, xf.ndim, "logsumexp");
  const out = noGrad(() => {
    const m = runReduce("max", xf, axes, true, xf.dtype);
    // An infinite (or empty-slice) max would turn x - m into NaN; shift by 0 there instead.
    const shift = where(eq(abs(m), Infinity), 0, m);
    const r = add(log(sum(exp(sub(xf, shift)), axes, true)), shift);
    return keepdim ? r : rewrap(r, reducedShape(xf.shape, axes, false));
  });
  if (needsGrad(xf)) {
    attach(out, "LogsumexpBackward", [xf], (g) => [
      mul(keepDims(g, xf.shape, axes, keepdim), exp(sub(xf, keepDims(out, xf.shape, axes, keepdim)))),
    ], [xf, out]);
  }
  return out;
}

// ---- var, std, median ---------------------------------------------------------------

/** Options of var and std: `correction` is subtracted from the count (1: Bessel's unbiased estimate). */
export interface VarOptions {
  /** Degrees of freedom subtracted from the element count (default 1). */
  correction?: number;
  keepdim?: boolean;
  /** PyTorch's older flag: false means correction 0. */
  unbiased?: boolean;
}

/**
 * Variance over `dim` (one, several, or all dims): sum((x - mean)^2) / max(0, N - correction).
 * Exported as `var`. Floating inputs only.
 * @example gl.var(gl.tensor([1, 2, 3, 4]), 0, { correction: 0 }) // 1.25
 */
export function variance(x: Tensor, dim?: DimArg, opts: VarOptions = {}): Tensor {
  return varImpl("var", x, dim, opts);
}

function varImpl(op: "var" | "std", x: Tensor, dim: DimArg, opts: VarOptions): Tensor {
  checkTensor(x, op);
  if (!isFloating(x.dtype)) {
    throw new TypeError(`${op}: std and var only support floating point dtypes, got ${x.dtype}; convert it first, e.g. x.float().${op}()`);
  }
  if (opts.correction !== undefined && opts.unbiased !== undefined) {
    throw new TypeError(`${op}: pass either correction or unbiased, not both`);
  }
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const keepdim = opts.keepdim ?? false;
  const axes = axesOrAll(dim, x.ndim, op);
  const denom = Math.max(0, countOver(x.shape, axes) - correction);
  const out = noGrad(() => {
    const d = sub(x, mean(x, axes, true));
    return div(sumSquares(d, axes, keepdim), denom);
  });
  if (needsGrad(x)) {
    // The mean is recomputed with the graph so that second derivatives see its dependence on x.
    attach(out, "VarBackward", [x], (g) => [
      mul(keepDims(g, x.shape, axes, keepdim), mul(sub(x, mean(x, axes, true)), 2 / denom)),
    ], [x]);
  }
  return out;
}

/**
 * Standard deviation: the square root of `var` with the same options. Its gradient is 0
 * (not NaN) where the deviation is 0, as in PyTorch.
 * @example gl.tensor([[1, 2], [3, 5]]).std(1) // [0.7071, 1.4142]
 */
export function std(x: Tensor, dim?: DimArg, opts: VarOptions = {}): Tensor {
  const v = varImpl("std", x, dim, opts);
  const out = noGrad(() => sqrt(v));
  if (needsGrad(v)) {
    attach(out, "StdBackward", [v], (g) => {
      const isZero = eq(out, 0);
      return [where(isZero, 0, div(g, mul(where(isZero, 1, out), 2)))];
    }, [out]);
  }
  return out;
}

/**
 * The lower median (the ((n-1)/2)-th smallest value): of all elements as a 0-d tensor,
 * or along `dim` as `{ values, indices }`. NaN propagates. Among tied values the index is
 * the one a stable sort would put at the median position, matching PyTorch's CPU kernel.
 * @example gl.tensor([3, 1, 2, 4]).median() // 2
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, dim?: number | null, keepdim = false): Tensor | ValuesIndices {
  checkTensor(x, "median");
  if (x.dtype === "bool") throw new TypeError("median: not supported for bool tensors; convert it first, e.g. x.int().median()");
  if (dim === undefined || dim === null) return medianAll(x);
  const d = singleDim(dim, x.ndim, "median");
  if (x.ndim === 0) return median(reshape(x, [1]), 0, false);
  requireNonEmpty(x, [d], "median");
  // Move the reduced dim last so each slice is one contiguous row.
  const order = [...allAxes(x.ndim).filter((i) => i !== d), d];
  const moved = backend().copy({ data: x.data, shape: order.map((i) => x.shape[i]), strides: order.map((i) => x.strides[i]), offset: x.offset }, x.dtype);
  const n = x.shape[d];
  const [vals, idx] = medianRows(moved, x.numel() / n, n, x.dtype);
  const shape = reducedShape(x.shape, [d], keepdim);
  const values = Tensor.fromArray(vals, shape, x.dtype);
  const indices = Tensor.fromArray(idx, shape, "int32");
  if (needsGrad(x)) attach(values, "MedianBackward1", [x], (g) => [placeAt(g, indices, x.shape, d, keepdim)], [indices]);
  return valuesIndices(values, indices);
}

function medianAll(x: Tensor): Tensor {
  const n = x.numel();
  if (n === 0 && !isFloating(x.dtype)) throw new RangeError(`median: cannot take the median of an empty ${x.dtype} tensor (shape ${fmtShape(x.shape)})`);
  let vals: TypedArray;
  if (n === 0) {
    vals = allocate(x.dtype, 1);
    vals[0] = NaN;
  } else {
    [vals] = medianRows(backend().copy(x, x.dtype), 1, n, x.dtype);
  }
  const out = Tensor.fromArray(vals, [], x.dtype);
  if (needsGrad(x)) attach(out, "MedianBackward0", [x], (g) => [evenlySpread(g, x, out)], [x, out]);
  return out;
}

/** Lower median of each of `rows` contiguous rows of length `n`; a row with a NaN gives its first NaN. */
function medianRows(data: TypedArray, rows: number, n: number, dtype: DType): [TypedArray, Int32Array] {
  const values = allocate(dtype, rows);
  const indices = new Int32Array(rows);
  const sorted = new Float64Array(n);
  const k = (n - 1) >> 1;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let nanAt = -1;
    for (let j = 0; j < n; j++) {
      const v = data[base + j];
      if (v !== v) { nanAt = j; break; }
      sorted[j] = v;
    }
    if (nanAt >= 0) { values[r] = NaN; indices[r] = nanAt; continue; }
    sorted.sort();
    const v = sorted[k];
    let first = k;
    while (first > 0 && sorted[first - 1] === v) first--;
    // The (k - first)-th occurrence of v in index order is where a stable sort puts position k.
    let rank = k - first;
    let at = 0;
    for (let j = 0; j < n; j++) {
      if (data[base + j] === v) {
        if (rank === 0) { at = j; break; }
        rank--;
      }
    }
    values[r] = v;
    indices[r] = at;
  }
  return [values, indices];
}

// ---- norm ---------------------------------------------------------------------------

/** The order of a vector norm: any number (Infinity: max |x|, -Infinity: min |x|, 0: count of non-zeros) or "fro". */
export type NormOrder = number | "fro";

/**
 * The p-norm (sum |x|^p)^(1/p) over `dim` (one, several, or all dims), like torch.norm.
 * p = 2 by default; "fro" is the 2-norm over at most 2 dims. The gradient at a zero norm
 * is 0, not NaN, as in PyTorch.
 * @example gl.tensor([[3, 4], [6, 8]]).norm(2, 1) // [5, 10]
 */
export function norm(x: Tensor, p: NormOrder = 2, dim?: DimArg, keepdim = false): Tensor {
  checkTensor(x, "norm");
  requireFloating(x, "norm", "norm()");
  let q: number;
  if (p === "fro") {
    if (Array.isArray(dim) && dim.length > 2) throw new RangeError(`norm: p="fro" reduces at most 2 dims, got dim [${dim.join(",")}]`);
    q = 2;
  } else if (typeof p === "number" && !Number.isNaN(p)) {
    q = p;
  } else {
    throw new TypeError(`norm: p must be a number (Infinity and -Infinity included) or "fro", got ${JSON.stringify(p)}`);
  }
  const axes = axesOrAll(dim, x.ndim, "norm");
  const out = noGrad(() => normForward(x, q, axes, keepdim));
  if (needsGrad(x)) attach(out, "NormBackward", [x], (g) => [normGrad(g, x, out, q, axes, keepdim)], [x, out]);
  return out;
}

function normForward(x: Tensor, p: number, axes: number[], keepdim: boolean): Tensor {
  if (p === Infinity || p === -Infinity) {
    // The max/min over no elements is 0 here, as torch.norm returns.
    if (countOver(x.shape, axes) === 0) return zeros(reducedShape(x.shape, axes, keepdim), { dtype: x.dtype });
    return runReduce(p > 0 ? "max" : "min", abs(x), axes, keepdim, x.dtype);
  }
  if (p === 0) return cast(sum(ne(x, 0), axes, keepdim), x.dtype);
  if (p === 1) return sum(abs(x), axes, keepdim);
  if (p === 2) return sqrt(sumSquares(x, axes, keepdim));
  return pow(sum(pow(abs(x), p), axes, keepdim), 1 / p);
}

/** PyTorch's norm_backward, with safe denominators so that second derivatives stay finite where the norm is 0. */
function normGrad(g: Tensor, x: Tensor, out: Tensor, p: number, axes: number[], keepdim: boolean): Tensor | null {
  if (p === 0) return null;
  const gK = keepDims(g, x.shape, axes, keepdim);
  const nK = keepDims(out, x.shape, axes, keepdim);
  if (p === 1) return mul(gK, sign(x));
  if (p === Infinity || p === -Infinity) {
    const a = abs(x);
    const mask = logicalOr(eq(a, nK), isnan(a));
    return mul(sign(x), mul(div(gK, sum(mask, axes, true)), mask));
  }
  const zeroNorm = eq(nK, 0);
  const safeNorm = where(zeroNorm, 1, nK);
  if (p === 2) return mul(gK, where(zeroNorm, 0, div(x, safeNorm)));
  if (p < 1) {
    const isZero = eq(x, 0);
    const scaled = where(isZero, 0, mul(sign(x), pow(where(isZero, 1, abs(x)), p - 1)));
    return mul(mul(scaled, gK), pow(nK, 1 - p));
  }
  const scaled = p < 2 ? mul(sign(x), pow(abs(x), p - 1)) : mul(x, pow(abs(x), p - 2));
  return mul(scaled, where(zeroNorm, 0, div(gK, pow(safeNorm, p - 1))));
}

// ---- cumsum, cumprod ----------------------------------------------------------------

/**
 * Running sum along `dim`. Integer and bool inputs give int32.
 * @example gl.tensor([1, 2, 3]).cumsum(0) // [1, 3, 6]
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  return scanOp("cumsum", x, dim);
}

/**
 * Running product along `dim`. Integer and bool inputs give int32. The gradient is exact
 * also where inputs are zero.
 * @example gl.tensor([1, 2, 3]).cumprod(0) // [1, 2, 6]
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  return scanOp("cumprod", x, dim);
}

function scanOp(op: "cumsum" | "cumprod", x: Tensor, dim: number): Tensor {
  checkTensor(x, op);
  const d = singleDim(dim, x.ndim, op);
  if (x.ndim === 0) return reshape(scanOp(op, reshape(x, [1]), 0), []);
  const dt: DType = isFloating(x.dtype) ? x.dtype : "int32";
  const out = Tensor.fromArray(backend().scan(op, x, d, dt), x.shape, dt);
  if (needsGrad(x)) {
    if (op === "cumsum") attach(out, "CumsumBackward", [x], (g) => [reverseCumsum(g, d)]);
    else attach(out, "CumprodBackward", [x], (g) => [cumprodGrad(g, x, out, d)], [x, out]);
  }
  return out;
}

/** sum_{k >= i} g_k along `d`: the gradient of cumsum. */
function reverseCumsum(g: Tensor, d: number): Tensor {
  return flipDim(cumsum(flipDim(g, d), d), d);
}

/** Reverses `d` (a copy); its own gradient. */
function flipDim(x: Tensor, d: number): Tensor {
  const n = x.shape[d];
  const out = Tensor.fromArray(backend().indexSelect(x, d, arange(n - 1, -1, -1), x.dtype), x.shape, x.dtype);
  if (needsGrad(x)) attach(out, "FlipBackward", [x], (g) => [flipDim(g, d)]);
  return out;
}

/**
 * d y_k / d x_i = prod_{j <= k, j != i} x_j. Before a slice's first zero that is y_k / x_i;
 * at the first zero it is a cumprod restarted with that zero replaced by 1; after it, 0.
 * That O(n) form is not differentiable with respect to the zeros, so when the gradient
 * itself is being recorded (createGraph) the O(n^2) form is used, as PyTorch does.
 */
function cumprodGrad(g: Tensor, x: Tensor, out: Tensor, d: number): Tensor {
  const isZero = eq(x, 0);
  if (!anyTrue(isZero)) return div(reverseCumsum(mul(g, out), d), x);
  if (isGradEnabled()) return cumprodGradQuadratic(g, x, d);
  const zerosSoFar = cumsum(isZero, d);
  const before = eq(zerosSoFar, 0);
  const first = logicalAnd(isZero, eq(zerosSoFar, 1));
  const left = div(reverseCumsum(mul(g, out), d), where(isZero, 1, x));
  const atZero = reverseCumsum(mul(g, cumprod(where(first, 1, x), d)), d);
  return where(before, left, where(first, atZero, 0));
}

/** grad_i = sum_{k >= i} g_k prod_{j <= k, j != i} x_j, built as an [..., n, n] cumprod: exact to every order. */
function cumprodGradQuadratic(g: Tensor, x: Tensor, d: number): Tensor {
  const n = x.shape[d];
  const xt = transpose(x, d, -1);
  const shape = [...xt.shape.slice(0, -1), n, n];
  const row = reshape(arange(n), [n, 1]); // i: the element left out
  const col = reshape(arange(n), [1, n]); // j, then k
  const others = cumprod(where(eq(row, col), 1, expand(unsqueeze(xt, -2), shape)), -1);
  const terms = where(ge(col, row), mul(unsqueeze(transpose(g, d, -1), -2), others), 0);
  return transpose(sum(terms, -1), d, -1);
}

// ---- softmax, logSoftmax ------------------------------------------------------------

/** The fused softmax kernel over `axes` (one axis, or none for a 0-d x: a row of one). */
function runSoftmax(x: Tensor, axes: readonly number[], log: boolean): Tensor {
  const v = x.ndim === 0 ? { data: x.data, shape: [1], strides: [1], offset: x.offset } : x;
  return Tensor.fromArray(backend().softmax(v, axes.length ? axes[0] : 0, log, x.dtype), x.shape, x.dtype);
}

/** The fused softmax/logSoftmax gradient from the output y and its gradient g. */
function runSoftmaxBackward(y: Tensor, g: Tensor, axes: readonly number[], log: boolean): Tensor {
  const flat = (t: Tensor) => (t.ndim === 0 ? { data: t.data, shape: [1], strides: [1], offset: t.offset } : t);
  return Tensor.fromArray(backend().softmaxBackward(flat(y), flat(g), axes.length ? axes[0] : 0, log, y.dtype), y.shape, y.dtype);
}

/**
 * exp(x) / sum(exp(x)) along `dim`, shifted by the maximum so large inputs do not
 * overflow. Floating inputs only.
 * @example gl.tensor([1, 2, 3]).softmax(0) // [0.0900, 0.2447, 0.6652]
 */
export function softmax(x: Tensor, dim: number): Tensor {
  checkTensor(x, "softmax");
  requireFloating(x, "softmax", "softmax(dim)");
  const axes = reductionAxes(singleDim(dim, x.ndim, "softmax"), x.ndim, "softmax");
  const y = runSoftmax(x, axes, false);
  // The fused gradient kernel unless the gradient's own graph is being recorded (createGraph).
  if (needsGrad(x)) {
    attach(y, "SoftmaxBackward", [x], (g) => [
      isGradEnabled() ? mul(y, sub(g, sum(mul(g, y), axes, true))) : runSoftmaxBackward(y, g, axes, false),
    ], [y]);
  }
  return y;
}

/**
 * log(softmax(x)) along `dim`, computed as x - max - log(sum(exp(x - max))) so it stays
 * finite where softmax underflows. Floating inputs only.
 * @example gl.tensor([1000, 0]).logSoftmax(0) // [0, -1000]
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  checkTensor(x, "logSoftmax");
  requireFloating(x, "logSoftmax", "logSoftmax(dim)");
  const axes = reductionAxes(singleDim(dim, x.ndim, "logSoftmax"), x.ndim, "logSoftmax");
  const y = runSoftmax(x, axes, true);
  if (needsGrad(x)) {
    attach(y, "LogSoftmaxBackward", [x], (g) => [
      isGradEnabled() ? sub(g, mul(exp(y), sum(g, axes, true))) : runSoftmaxBackward(y, g, axes, true),
    ], [y]);
  }
  return y;
}

export { toFloating };
