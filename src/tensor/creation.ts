import type { DType, TypedArray } from "./dtype.js";
import { allocate, dtypeOfArray, isDType } from "./dtype.js";
import type { Generator } from "./random.js";
import { defaultGenerator } from "./random.js";
import type { Shape } from "./shape.js";
import { checkShape, fmtShape, numel } from "./shape.js";
import type { NestedArray } from "./tensor.js";
import { Tensor } from "./tensor.js";

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

/** Data `gl.tensor` accepts: numbers, booleans, nested arrays of them, or a typed array (1-D). */
export type TensorData = number | boolean | NestedArray | readonly NestedArray[] | TypedArray;

function finish(t: Tensor, opts: TensorOptions | undefined, op: string): Tensor {
  if (opts?.requiresGrad) {
    try {
      t.requiresGrad_(true);
    } catch {
      throw new TypeError(`${op}: only floating point tensors can require gradients (got dtype ${t.dtype})`);
    }
  }
  return t;
}

function checkDtype(d: unknown, op: string): DType | undefined {
  if (d === undefined) return undefined;
  if (!isDType(d)) throw new TypeError(`${op}: unknown dtype "${String(d)}" (expected float32, float64, int32 or bool)`);
  return d;
}

function shapeOf(data: unknown, op: string): number[] {
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  // Validate raggedness and element types in one walk.
  const walk = (x: unknown, d: number, path: string): void => {
    if (d === shape.length) {
      if (typeof x !== "number" && typeof x !== "boolean") {
        throw new TypeError(`${op}: expected a number or boolean at ${path || "top level"}, got ${Array.isArray(x) ? "an array (the nested arrays are ragged)" : typeof x}`);
      }
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[d]) {
      throw new RangeError(`${op}: ragged nested array: expected length ${shape[d]} at ${path || "top level"} (dim ${d}), got ${Array.isArray(x) ? x.length : "a scalar"}`);
    }
    for (let i = 0; i < x.length; i++) walk(x[i], d + 1, `${path}[${i}]`);
  };
  walk(data, 0, "");
  return shape;
}

/**
 * Creates a tensor from (nested) arrays, like torch.tensor. JS has no integer literals
 * (`1.0 === 1`), so numbers infer float32 (as in TensorFlow.js) and booleans infer bool;
 * pass `dtype: "int32"` for integers. Typed arrays keep their own dtype.
 * @example gl.tensor([[1, 2], [3, 4]], { dtype: "float32", requiresGrad: true })
 */
export function tensor(data: TensorData, opts?: TensorOptions): Tensor {
  const want = checkDtype(opts?.dtype, "tensor");
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray;
    const dtype = want ?? dtypeOfArray(src);
    const out = allocate(dtype, src.length);
    out.set(src as never);
    return finish(Tensor.fromArray(out, [src.length], dtype), opts, "tensor");
  }
  if (data instanceof Tensor) throw new TypeError("tensor: got a Tensor; use t.clone() or t.detach() to copy a tensor");
  const shape = shapeOf(data, "tensor");
  const flat = (shape.length === 0 ? [data] : (data as unknown[]).flat(Infinity)) as (number | boolean)[];
  let dtype = want;
  if (!dtype) {
    dtype = flat.length > 0 && flat.every((v) => typeof v === "boolean") ? "bool" : "float32";
  }
  const arr = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) arr[i] = dtype === "bool" ? (flat[i] ? 1 : 0) : +flat[i];
  return finish(Tensor.fromArray(arr, shape, dtype), opts, "tensor");
}

/** A 0-d tensor holding one number. */
export function scalarTensor(v: number | boolean, dtype: DType): Tensor {
  const arr = allocate(dtype, 1);
  arr[0] = +v;
  return Tensor.fromArray(arr, [], dtype);
}

type ShapeArg = Shape | number;
function toShape(args: readonly ShapeArg[] | Shape, op: string): number[] {
  const s = args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]);
  return checkShape(s as unknown[], op);
}

export function full(shape: Shape, value: number | boolean, opts?: TensorOptions): Tensor {
  const s = checkShape(shape as unknown[], "full");
  const dtype = checkDtype(opts?.dtype, "full") ?? (typeof value === "boolean" ? "bool" : "float32");
  const arr = allocate(dtype, numel(s));
  if (value) arr.fill(+value);
  return finish(Tensor.fromArray(arr, s, dtype), opts, "full");
}

/** @example gl.zeros([2, 3]) */
export function zeros(shape: Shape, opts?: TensorOptions): Tensor {
  const s = toShape(shape, "zeros");
  const dtype = checkDtype(opts?.dtype, "zeros") ?? "float32";
  return finish(Tensor.fromArray(allocate(dtype, numel(s)), s, dtype), opts, "zeros");
}

/** @example gl.ones([2, 3]) */
export function ones(shape: Shape, opts?: TensorOptions): Tensor {
  return full(toShape(shape, "ones"), 1, { dtype: "float32", ...opts });
}

/** @example gl.eye(3) */
export function eye(n: number, m: number = n, opts?: TensorOptions): Tensor {
  checkShape([n, m], "eye");
  const t = zeros([n, m], opts);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/**
 * Values from start (inclusive) to end (exclusive) by step; int32 when all are integers.
 * @example gl.arange(0, 10, 2) // [0, 2, 4, 6, 8]
 */
export function arange(start: number, end?: number, step = 1, opts?: TensorOptions): Tensor {
  if (end === undefined) { end = start; start = 0; }
  if (step === 0) throw new RangeError("arange: step must be non-zero");
  if ((end - start) / step < 0) throw new RangeError(`arange: upper bound and step are inconsistent (start ${start}, end ${end}, step ${step})`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = checkDtype(opts?.dtype, "arange") ?? ([start, end, step].every(Number.isInteger) ? "int32" : "float32");
  const arr = allocate(dtype, n);
  for (let i = 0; i < n; i++) arr[i] = start + i * step;
  return finish(Tensor.fromArray(arr, [n], dtype), opts, "arange");
}

/** `steps` evenly spaced values from start to end inclusive. @example gl.linspace(0, 1, 5) */
export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  checkShape([steps], "linspace");
  const dtype = checkDtype(opts?.dtype, "linspace") ?? "float32";
  const arr = allocate(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the first half from start and the second half from end (symmetric rounding).
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) arr[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  return finish(Tensor.fromArray(arr, [steps], dtype), opts, "linspace");
}

function randomFill(shape: Shape, opts: RandomOptions | undefined, op: string, draw: (g: Generator) => number): Tensor {
  const s = checkShape(shape as unknown[], op);
  const dtype = checkDtype(opts?.dtype, op) ?? "float32";
  const g = opts?.generator ?? defaultGenerator;
  const arr = allocate(dtype, numel(s));
  for (let i = 0; i < arr.length; i++) arr[i] = draw(g);
  return finish(Tensor.fromArray(arr, s, dtype), opts, op);
}

/** Uniform on [0, 1). @example gl.rand([2, 2]) */
export function rand(shape: Shape, opts?: RandomOptions): Tensor {
  return randomFill(shape, opts, "rand", (g) => g.uniform());
}

/** Standard normal. @example gl.randn([2, 2]) */
export function randn(shape: Shape, opts?: RandomOptions): Tensor {
  return randomFill(shape, opts, "randn", (g) => g.normal());
}

/** Integers uniform in [low, high). @example gl.randint(0, 10, [5]) */
export function randint(low: number, high: number, shape: Shape, opts?: RandomOptions): Tensor {
  if (!(high > low)) throw new RangeError(`randint: high (${high}) must be greater than low (${low})`);
  return randomFill(shape, { dtype: "int32", ...opts }, "randint", (g) => g.integer(low, high));
}

/** A random permutation of 0..n-1 (Fisher–Yates). */
export function randperm(n: number, opts?: RandomOptions): Tensor {
  const g = opts?.generator ?? defaultGenerator;
  const arr = new Int32Array(n);
  for (let i = 0; i < n; i++) arr[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    const t = arr[i]; arr[i] = arr[j]; arr[j] = t;
  }
  return Tensor.fromArray(arr, [n], "int32");
}

const likeOpts = (t: Tensor, opts?: TensorOptions): TensorOptions => ({ dtype: t.dtype, ...opts });
export const zerosLike = (t: Tensor, opts?: TensorOptions) => zeros(t.shape, likeOpts(t, opts));
export const onesLike = (t: Tensor, opts?: TensorOptions) => ones(t.shape, likeOpts(t, opts));
export const fullLike = (t: Tensor, v: number, opts?: TensorOptions) => full(t.shape, v, likeOpts(t, opts));
export const randLike = (t: Tensor, opts?: RandomOptions) => rand(t.shape, { dtype: t.dtype, ...opts });
export const randnLike = (t: Tensor, opts?: RandomOptions) => randn(t.shape, { dtype: t.dtype, ...opts });
/** An uninitialised-in-PyTorch tensor; here always zero-filled. */
export const empty = (shape: Shape, opts?: TensorOptions) => zeros(shape, opts);

export function describeShape(t: Tensor): string {
  return `${fmtShape(t.shape)} ${t.dtype}`;
}
