import { backend } from "../backend/registry.js";
import type { DType } from "../tensor/dtype.js";
import { allocate, promoteTypes } from "../tensor/dtype.js";
import { contiguousStrides, fmtShape, normDim, numel } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { anyNeedsGrad, attach } from "./graph.js";
import { checkTensor } from "./operand.js";
import { narrow, slice, unsqueeze } from "./shape.js";

// Joining tensors (cat, stack) and splitting them into views (split, chunk).

function checkList(tensors: readonly Tensor[], op: string): void {
  if (!Array.isArray(tensors)) throw new TypeError(`${op}: expected an array of tensors, got ${tensors === null ? "null" : typeof tensors}`);
  if (tensors.length === 0) throw new RangeError(`${op}: expected a non-empty list of tensors`);
  tensors.forEach((t, i) => checkTensor(t, op, `element ${i} of the list`));
}

/**
 * Concatenates tensors along an existing dim (torch.cat). Shapes must match except along
 * `dim`; dtypes promote as in PyTorch (int32 + float32 -> float32). Each input's gradient
 * is its slice of the output's gradient.
 * @example gl.cat([gl.ones([2, 3]), gl.zeros([1, 3])], 0).shape // [3, 3]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList(tensors, "cat");
  let dtype: DType = tensors[0].dtype;
  for (const t of tensors) dtype = promoteTypes(dtype, t.dtype);
  // PyTorch skips legacy empty 1-D tensors (shape [0]) whatever the other shapes are.
  let pos = tensors.map((_, i) => i).filter((i) => !(tensors[i].ndim === 1 && tensors[i].shape[0] === 0));
  if (pos.length === 0) pos = [0];
  const parts = pos.map((i) => tensors[i]);
  const ref = parts[0];
  for (const i of pos) {
    if (tensors[i].ndim === 0) throw new RangeError(`cat: zero-dimensional tensor (at position ${i}) cannot be concatenated; unsqueeze it or use gl.stack`);
  }
  const d = normDim(dim, ref.ndim, "cat");
  let total = 0;
  for (const i of pos) {
    const t = tensors[i];
    if (t.ndim !== ref.ndim) {
      throw new RangeError(`cat: tensors must have the same number of dimensions: tensor ${pos[0]} has shape ${fmtShape(ref.shape)} but tensor ${i} has shape ${fmtShape(t.shape)}`);
    }
    for (let k = 0; k < t.ndim; k++) {
      if (k !== d && t.shape[k] !== ref.shape[k]) {
        throw new RangeError(`cat: sizes of tensors must match except in dim ${d}: tensor ${pos[0]} has shape ${fmtShape(ref.shape)} but tensor ${i} has shape ${fmtShape(t.shape)} (size ${ref.shape[k]} != ${t.shape[k]} at dim ${k})`);
      }
    }
    total += t.shape[d];
  }
  const shape = ref.shape.slice();
  shape[d] = total;
  const data = allocate(dtype, numel(shape));
  const strides = contiguousStrides(shape);
  const starts: number[] = [];
  let start = 0;
  for (const t of parts) {
    starts.push(start);
    // Each input is copied into its block of the output, viewed with the output's strides.
    if (t.numel() > 0) backend().assign({ data, shape: t.shape, strides, offset: start * strides[d] }, t);
    start += t.shape[d];
  }
  const out = Tensor.fromArray(data, shape, dtype);
  if (anyNeedsGrad(parts)) {
    attach(out, "CatBackward", parts, (g) => parts.map((t, i) => (t.requiresGrad ? slice(g, d, starts[i], starts[i] + t.shape[d]) : null)));
  }
  return out;
}

/**
 * Joins tensors of one shape along a new dim (torch.stack): the result has a dim of size
 * `tensors.length` at `dim`.
 * @example gl.stack([gl.zeros([2]), gl.ones([2])], 1).toArray() // [[0, 1], [0, 1]]
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList(tensors, "stack");
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((s, k) => s !== ref.shape[k])) {
      throw new RangeError(`stack: expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`);
    }
  });
  const d = normDim(dim, ref.ndim + 1, "stack");
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

function splitDim(x: Tensor, dim: number, op: string): number {
  checkTensor(x, op);
  if (x.ndim === 0) throw new RangeError(`${op}: expects a tensor with at least 1 dimension, got a 0-d tensor`);
  return normDim(dim, x.ndim, op);
}

function splitSizes(x: Tensor, sizes: readonly number[], d: number): Tensor[] {
  let start = 0;
  return sizes.map((len) => {
    const t = narrow(x, d, start, len);
    start += len;
    return t;
  });
}

/**
 * Splits into views along `dim` (torch.split): pieces of `splitSize` (the last may be
 * smaller), or of the given sizes, which must sum to the size of `dim`.
 * @example gl.arange(5).split(2).map((t) => t.toArray()) // [[0, 1], [2, 3], [4]]
 * @example gl.arange(5).split([1, 4])                     // sizes 1 and 4
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = splitDim(x, dim, "split");
  const n = x.shape[d];
  if (typeof splitSizeOrSections === "number") {
    const s = splitSizeOrSections;
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`split: split size must be a non-negative integer, got ${s}`);
    if (s === 0 && n !== 0) throw new RangeError(`split: split size can only be 0 if the dimension size is 0, but dim ${d} has size ${n}`);
    const count = s === 0 ? 1 : Math.max(Math.ceil(n / s), 1);
    return splitSizes(x, Array.from({ length: count }, (_, i) => Math.min(s, n - i * s)), d);
  }
  if (!Array.isArray(splitSizeOrSections)) {
    throw new TypeError(`split: expected a split size or an array of sizes, got ${splitSizeOrSections === null ? "null" : typeof splitSizeOrSections}`);
  }
  const sizes = splitSizeOrSections as readonly number[];
  let sum = 0;
  for (const s of sizes) {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 0) throw new RangeError(`split: split sizes must be non-negative integers, got [${sizes.join(",")}]`);
    sum += s;
  }
  if (sum !== n) {
    throw new RangeError(`split: split sizes [${sizes.join(",")}] must sum exactly to ${n}, the size of dim ${d} of the input of shape ${fmtShape(x.shape)}, but sum to ${sum}`);
  }
  return splitSizes(x, sizes, d);
}

/**
 * Splits into `chunks` views of equal size along `dim` (the last may be smaller, and
 * fewer chunks come back when the size does not allow that many), like torch.chunk.
 * @example gl.arange(5).chunk(3).map((t) => t.shape[0]) // [2, 2, 1]
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = splitDim(x, dim, "chunk");
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const n = x.shape[d];
  const size = Math.ceil(n / chunks);
  // An empty dim gives `chunks` empty pieces, as in PyTorch.
  if (size === 0) return splitSizes(x, new Array<number>(chunks).fill(0), d);
  return split(x, size, d);
}
