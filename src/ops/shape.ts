import { backend } from "../backend/registry.js";
import type { Shape } from "../tensor/shape.js";
import { checkShape, contiguousStrides, fmtShape, isContiguous, normDim, numel, shapesEqual } from "../tensor/shape.js";
import { Storage } from "../tensor/storage.js";
import { Tensor } from "../tensor/tensor.js";
import { attach, needsGrad } from "./graph.js";
import { checkTensor } from "./operand.js";
import { sumTo } from "./reduce.js";

// View ops share storage with their input; their gradients put the gradient back into
// the input's shape (reshape back, permute back, sum over expanded dims, pad a slice).

/** A new tensor over `x`'s storage (no copy). */
export function makeView(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  const v = new Tensor(x.storage, shape, strides, offset);
  v._base = x._base ?? x;
  return v;
}

/** Sizes given as an array or as separate numbers: `x.reshape([2, 3])` or `x.reshape(2, 3)`. */
export type SizeArgs = readonly (number | readonly number[])[];
export function sizesOf(args: SizeArgs): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as number[])];
  return args as number[];
}

/** Resolves a -1 in a requested shape and checks the element count. */
export function inferShape(shape: readonly number[], n: number, op: string, from: Shape): number[] {
  let neg = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (s === -1) {
      if (neg >= 0) throw new RangeError(`${op}: only one dimension can be -1, got [${shape.join(",")}]`);
      neg = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new RangeError(`${op}: invalid size ${s} in [${shape.join(",")}]`);
    } else known *= s;
  }
  const out = shape.slice();
  if (neg >= 0) {
    if (known === 0 || n % known !== 0) throw new RangeError(`${op}: shape [${shape.join(",")}] is invalid for input of shape ${fmtShape(from)} (${n} elements)`);
    out[neg] = n / known;
  } else if (known !== n) {
    throw new RangeError(`${op}: shape [${shape.join(",")}] is invalid for input of shape ${fmtShape(from)} (${n} elements)`);
  }
  return out;
}

/** Strides that let `x` be viewed with `shape` without copying, or null (PyTorch's computeStride). */
function viewStrides(x: Tensor, shape: readonly number[]): number[] | null {
  if (isContiguous(x.shape, x.strides)) return contiguousStrides(shape);
  const oldShape = x.shape, oldStrides = x.strides;
  const newStrides = new Array<number>(shape.length);
  if (numel(oldShape) === 0) return contiguousStrides(shape);
  let viewD = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

function viewAs(x: Tensor, shape: number[], strides: number[], name: string): Tensor {
  const out = makeView(x, shape, strides, x.offset);
  if (needsGrad(x)) attach(out, name, [x], (g) => [reshape(g, x.shape)]);
  return out;
}

/**
 * A view with a new shape when the strides allow it, otherwise a copy (like torch.reshape).
 * @example gl.arange(6).reshape(2, 3)
 */
export function reshape(x: Tensor, ...sizes: SizeArgs): Tensor {
  checkTensor(x, "reshape");
  const shape = inferShape(sizesOf(sizes), x.numel(), "reshape", x.shape);
  if (shapesEqual(shape, x.shape)) return viewAs(x, shape, x.strides.slice(), "ViewBackward");
  const st = viewStrides(x, shape);
  if (st) return viewAs(x, shape, st, "ViewBackward");
  return viewAs(contiguous(x), shape, contiguousStrides(shape), "ReshapeBackward");
}

/** Like reshape, but never copies: an error when the strides do not allow a view. */
export function view(x: Tensor, ...sizes: SizeArgs): Tensor {
  checkTensor(x, "view");
  const shape = inferShape(sizesOf(sizes), x.numel(), "view", x.shape);
  const st = viewStrides(x, shape);
  if (!st) {
    throw new RangeError(`view: size ${fmtShape(shape)} is not compatible with the input's shape ${fmtShape(x.shape)} and strides ${fmtShape(x.strides)}: at least one dimension spans two contiguous subspaces. Use reshape() instead.`);
  }
  return viewAs(x, shape, st, "ViewBackward");
}

/** Returns x when already contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return clone(x);
}

/** A copy with its own storage (the gradient passes through). */
export function clone(x: Tensor): Tensor {
  checkTensor(x, "clone");
  const out = Tensor.fromArray(backend().copy(x, x.dtype), x.shape, x.dtype);
  if (needsGrad(x)) attach(out, "CloneBackward", [x], (g) => [g]);
  return out;
}

/**
 * Broadcasts to a larger shape without copying (-1 keeps a size).
 * @example gl.tensor([1, 2]).expand(3, 2)
 */
export function expand(x: Tensor, ...sizes: SizeArgs): Tensor {
  checkTensor(x, "expand");
  const shape = sizesOf(sizes);
  if (shape.length < x.ndim) {
    throw new RangeError(`expand: the number of sizes provided (${shape.length}) must be at least the number of dimensions of the tensor (${x.ndim}), input shape ${fmtShape(x.shape)}`);
  }
  const lead = shape.length - x.ndim;
  const outShape = new Array<number>(shape.length);
  const strides = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const want = shape[i];
    if (i < lead) {
      if (want < 0) throw new RangeError(`expand: -1 is not allowed in a leading, non-existing dimension (sizes [${shape.join(",")}])`);
      outShape[i] = want; strides[i] = 0;
      continue;
    }
    const have = x.shape[i - lead];
    if (want === -1 || want === have) { outShape[i] = have; strides[i] = x.strides[i - lead]; }
    else if (have === 1) { outShape[i] = want; strides[i] = 0; }
    else throw new RangeError(`expand: the expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${i}. Target sizes: [${shape.join(",")}]. Tensor sizes: ${fmtShape(x.shape)}`);
  }
  checkShape(outShape, "expand");
  if (shapesEqual(outShape, x.shape)) return x;
  const out = makeView(x, outShape, strides, x.offset);
  if (needsGrad(x)) attach(out, "ExpandBackward", [x], (g) => [sumTo(g, x.shape)]);
  return out;
}

/** @example x.permute(2, 0, 1) */
export function permute(x: Tensor, ...dims: SizeArgs): Tensor {
  checkTensor(x, "permute");
  const d = sizesOf(dims).map((v) => normDim(v, x.ndim, "permute"));
  if (d.length !== x.ndim || new Set(d).size !== d.length) {
    throw new RangeError(`permute: dims [${sizesOf(dims).join(",")}] must be a permutation of the ${x.ndim} dims of a tensor of shape ${fmtShape(x.shape)}`);
  }
  const out = makeView(x, d.map((i) => x.shape[i]), d.map((i) => x.strides[i]), x.offset);
  if (needsGrad(x)) {
    const inv = new Array<number>(d.length);
    d.forEach((p, i) => (inv[p] = i));
    attach(out, "PermuteBackward", [x], (g) => [permute(g, inv)]);
  }
  return out;
}

export function transpose(x: Tensor, d0: number, d1: number): Tensor {
  checkTensor(x, "transpose");
  if (x.ndim === 0) return x;
  const a = normDim(d0, x.ndim, "transpose"), b = normDim(d1, x.ndim, "transpose");
  const perm = Array.from({ length: x.ndim }, (_, i) => i);
  perm[a] = b; perm[b] = a;
  return permute(x, perm);
}

/** Reverses all dims (x.T); for a matrix, the transpose. */
export function t(x: Tensor): Tensor {
  return permute(x, Array.from({ length: x.ndim }, (_, i) => x.ndim - 1 - i));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor(x, "unsqueeze");
  const d = normDim(dim, x.ndim + 1, "unsqueeze");
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d] * x.shape[d] : 1);
  return viewAs(x, shape, strides, "UnsqueezeBackward");
}

/** Removes size-1 dims (all of them, or the given ones). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  checkTensor(x, "squeeze");
  const dims = dim === undefined ? null : (typeof dim === "number" ? [dim] : dim).map((v) => normDim(v, x.ndim, "squeeze"));
  const shape: number[] = [], strides: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    if (x.shape[i] === 1 && (dims === null || dims.includes(i))) continue;
    shape.push(x.shape[i]); strides.push(x.strides[i]);
  }
  return viewAs(x, shape, strides, "SqueezeBackward");
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(x, "flatten");
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim, "flatten"), e = normDim(endDim, x.ndim, "flatten");
  if (s > e) throw new RangeError(`flatten: startDim (${startDim}) cannot come after endDim (${endDim})`);
  const shape = [...x.shape.slice(0, s), x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/**
 * Every `step`-th element of `dim` from start (inclusive) to end (exclusive); negative
 * bounds count from the end and are clamped like Python slices. A view.
 * @example gl.arange(10).slice(0, 1, 8, 3) // [1, 4, 7]
 */
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  checkTensor(x, "slice");
  const d = normDim(dim, x.ndim, "slice");
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  const n = x.shape[d];
  const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = start === undefined || start === null ? 0 : clampIdx(start);
  const e = end === undefined || end === null ? n : clampIdx(end);
  const len = e > s ? Math.ceil((e - s) / step) : 0;
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape[d] = len;
  strides[d] = x.strides[d] * step;
  const out = makeView(x, shape, strides, x.offset + s * x.strides[d]);
  if (needsGrad(x)) attach(out, "SliceBackward", [x], (g) => [unslice(g, x.shape, d, s, step)]);
  return out;
}

/** The gradient of `slice`: `g` placed into zeros of `shape` at dim `d`, start `s`, step `step`. */
export function unslice(g: Tensor, shape: Shape, d: number, s: number, step: number): Tensor {
  const out = Tensor.fromArray(new (g.data.constructor as Float64ArrayConstructor)(numel(shape)), shape.slice(), g.dtype);
  const strides = out.strides.slice();
  strides[d] *= step;
  const dst = new Tensor(out.storage, g.shape, strides, s * out.strides[d]);
  backend().assign(dst, g);
  if (needsGrad(g)) {
    attach(out, "UnsliceBackward", [g], (gg) => [slice(gg, d, s, s + (g.shape[d] - 1) * step + 1, step)]);
  }
  return out;
}

/** `len` elements of `dim` starting at `start` (a view). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor(x, "narrow");
  const d = normDim(dim, x.ndim, "narrow");
  const n = x.shape[d];
  const s = start < 0 ? start + n : start;
  if (s < 0 || length < 0 || s + length > n) {
    throw new RangeError(`narrow: start (${start}) + length (${length}) exceeds dimension size (${n}) of dim ${dim} in shape ${fmtShape(x.shape)}`);
  }
  return slice(x, d, s, s + length, 1);
}

/** The sub-tensor at `index` of `dim`, with that dim removed (a view). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor(x, "select");
  const d = normDim(dim, x.ndim, "select");
  const n = x.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new RangeError(`select: index ${index} is out of range for dim ${dim} of size ${n} (shape ${fmtShape(x.shape)})`);
  }
  const i = index < 0 ? index + n : index;
  return squeeze(slice(x, d, i, i + 1), d);
}

/** Tiles the tensor: `repeat(2, 1)` stacks two copies along dim 0. */
export function repeat(x: Tensor, ...reps: SizeArgs): Tensor {
  checkTensor(x, "repeat");
  const r = sizesOf(reps);
  if (r.length < x.ndim) throw new RangeError(`repeat: number of repeat dims (${r.length}) can not be smaller than number of tensor dims (${x.ndim})`);
  const lead = r.length - x.ndim;
  const src = [...new Array<number>(lead).fill(1), ...x.shape];
  // [a, b] -> [1, a, 1, b] -> expand [r0, a, r1, b] -> [r0*a, r1*b]
  const inter: number[] = [], expanded: number[] = [], final: number[] = [];
  for (let i = 0; i < r.length; i++) {
    inter.push(1, src[i]);
    expanded.push(r[i], src[i]);
    final.push(r[i] * src[i]);
  }
  return reshape(expand(reshape(x, inter), expanded), final);
}
