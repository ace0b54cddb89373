import { backend } from "../backend/registry.js";
import type { DType } from "../tensor/dtype.js";
import { toFloating } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";
import { fmtShape, normDim, numel, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { div } from "./elementwise.js";
import { attach, needsGrad } from "./graph.js";
import { checkTensor } from "./operand.js";
import { expand, reshape } from "./shape.js";

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

function runReduce(op: "sum" | "prod" | "max" | "min", x: Tensor, axes: number[], keepdim: boolean, outDtype: DType): Tensor {
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

export { toFloating };
