import { backend } from "../backend/registry.js";
import { arange, scalarTensor, tensor } from "../tensor/creation.js";
import type { Shape } from "../tensor/shape.js";
import { broadcastShapes, fmtShape, normDim, numel, shapesEqual } from "../tensor/shape.js";
import type { NestedArray } from "../tensor/tensor.js";
import { Tensor } from "../tensor/tensor.js";
import { cast } from "./cast.js";
import { add, where } from "./elementwise.js";
import { attach, isGradEnabled, needsGrad, noGrad } from "./graph.js";
import { commit, guardInplace } from "./inplace.js";
import type { TensorLike } from "./operand.js";
import { broadcastView, checkTensor } from "./operand.js";
import { clone, expand, permute, reshape, select, slice, unsqueeze } from "./shape.js";

// Gather/scatter ops and Python-style indexing. Each gather has a scatter as its gradient
// and vice versa (indexSelect <-> indexAdd, gather <-> scatterAdd), both differentiable,
// so gradients of any order flow through indexing.

/** An index: an int32 tensor, or (nested) JS arrays of integers. */
export type IndexArg = Tensor | readonly NestedArray[];

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v);
  return typeof v;
}

/** A tensor from a JS array used as an index: integers give int32, all-booleans give a bool mask. */
function arrayIndex(a: readonly NestedArray[], op: string): Tensor {
  const flat: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const e of v) walk(e);
    else flat.push(v);
  };
  walk(a);
  if (flat.length > 0 && flat.every((v) => typeof v === "boolean")) return tensor(a as NestedArray, { dtype: "bool" });
  for (const v of flat) {
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(`${op}: index arrays must hold integers (or only booleans), got ${typeof v === "number" ? v : describe(v)}`);
    }
  }
  return tensor(a as NestedArray, { dtype: "int32" });
}

/** The int32 tensor behind an index argument. */
function indexTensor(index: IndexArg, op: string): Tensor {
  if (index instanceof Tensor) {
    if (index.dtype !== "int32") throw new TypeError(`${op}: index must be an int32 tensor, got dtype ${index.dtype}`);
    return index;
  }
  if (Array.isArray(index)) {
    const t = arrayIndex(index, op);
    if (t.dtype !== "int32") throw new TypeError(`${op}: index must hold integers, got booleans`);
    return t;
  }
  throw new TypeError(`${op}: index must be an int32 Tensor or an array of integers, got ${describe(index)}`);
}

// ---- indexSelect / indexAdd ----------------------------------------------------------

/**
 * The slices of `x` at positions `index` along `dim` (torch.index_select). Repeated
 * indices repeat slices; their gradients add up.
 * @example gl.tensor([[1, 2], [3, 4], [5, 6]]).indexSelect(0, [2, 0]) // [[5, 6], [1, 2]]
 */
export function indexSelect(x: Tensor, dim: number, index: IndexArg): Tensor {
  checkTensor(x, "indexSelect");
  const idx = indexTensor(index, "indexSelect");
  if (idx.ndim > 1) throw new RangeError(`indexSelect: index must be 0-D or 1-D, got shape ${fmtShape(idx.shape)}`);
  if (x.ndim === 0) {
    normDim(dim, 0, "indexSelect");
    if (idx.numel() !== 1) throw new RangeError(`indexSelect: a 0-d input takes a single index, got index of shape ${fmtShape(idx.shape)}`);
    return reshape(indexSelect(reshape(x, [1]), 0, reshape(idx, [1])), []);
  }
  const d = normDim(dim, x.ndim, "indexSelect");
  const shape = x.shape.slice();
  shape[d] = idx.numel();
  const out = Tensor.fromArray(backend().indexSelect(x, d, idx, x.dtype), shape, x.dtype);
  if (needsGrad(x)) attach(out, "IndexSelectBackward", [x], (g) => [indexAddZeros(g, x.shape, d, idx)]);
  return out;
}

/** zeros(shape) with the slices of `src` added at `idx` along `d`: indexSelect's gradient, differentiable in turn. */
function indexAddZeros(src: Tensor, shape: Shape, d: number, idx: Tensor): Tensor {
  const out = Tensor.fromArray(backend().indexAdd(shape, d, idx, src, src.dtype), shape.slice(), src.dtype);
  if (needsGrad(src)) attach(out, "IndexAddBackward", [src], (g) => [indexSelect(g, d, idx)]);
  return out;
}

/**
 * Out-of-place torch.index_add: `x` plus the slices of `src` added at positions `index`
 * along `dim` (repeated indices accumulate). `src` has x's shape except along `dim`,
 * where its size is the number of indices; its dtype must be x's.
 * @example gl.zeros([3]).indexAdd(0, [0, 0, 2], gl.tensor([1, 2, 3])) // [3, 0, 3]
 */
export function indexAdd(x: Tensor, dim: number, index: IndexArg, src: Tensor): Tensor {
  checkTensor(x, "indexAdd");
  checkTensor(src, "indexAdd", "src");
  const idx = indexTensor(index, "indexAdd");
  if (idx.ndim > 1) throw new RangeError(`indexAdd: index must be 0-D or 1-D, got shape ${fmtShape(idx.shape)}`);
  if (x.ndim === 0) throw new RangeError("indexAdd: expects an input with at least 1 dimension, got a 0-d tensor");
  if (x.dtype === "bool") throw new TypeError("indexAdd: not supported for bool tensors");
  if (src.dtype !== x.dtype) throw new TypeError(`indexAdd: src dtype ${src.dtype} must match the input's dtype ${x.dtype}`);
  const d = normDim(dim, x.ndim, "indexAdd");
  const want = x.shape.slice();
  want[d] = idx.numel();
  if (!shapesEqual(src.shape, want)) {
    throw new RangeError(`indexAdd: src of shape ${fmtShape(src.shape)} does not match the expected shape ${fmtShape(want)} (the input's shape ${fmtShape(x.shape)} with dim ${d} of size ${idx.numel()}, the number of indices)`);
  }
  return add(x, indexAddZeros(src, x.shape, d, idx));
}

// ---- gather / scatterAdd ---------------------------------------------------------------

/**
 * torch.gather: out[i][j] = x[index[i][j]][j] for dim 0 (and likewise for other dims).
 * `index` has x's number of dims and is no larger than x apart from `dim`; the output
 * has index's shape.
 * @example gl.tensor([[1, 2], [3, 4]]).gather(1, [[0, 0], [1, 0]]) // [[1, 1], [4, 3]]
 */
export function gather(x: Tensor, dim: number, index: IndexArg): Tensor {
  checkTensor(x, "gather");
  const idx = indexTensor(index, "gather");
  if (idx.ndim !== x.ndim) {
    throw new RangeError(`gather: index must have the same number of dimensions as the input: index shape ${fmtShape(idx.shape)}, input shape ${fmtShape(x.shape)}`);
  }
  if (x.ndim === 0) {
    normDim(dim, 0, "gather");
    return reshape(gather(reshape(x, [1]), 0, reshape(idx, [1])), []);
  }
  const d = normDim(dim, x.ndim, "gather");
  for (let i = 0; i < x.ndim; i++) {
    if (i !== d && idx.shape[i] > x.shape[i]) {
      throw new RangeError(`gather: index of shape ${fmtShape(idx.shape)} is larger than the input of shape ${fmtShape(x.shape)} at dim ${i} (only dim ${d} may be larger)`);
    }
  }
  const out = Tensor.fromArray(backend().gather(x, d, idx, x.dtype), idx.shape.slice(), x.dtype);
  if (needsGrad(x)) attach(out, "GatherBackward", [x], (g) => [scatterAddZeros(g, x.shape, d, idx)]);
  return out;
}

/** zeros(shape) with `src` scatter-added at `idx` along `d` (src has idx's shape): gather's gradient, differentiable in turn. */
function scatterAddZeros(src: Tensor, shape: Shape, d: number, idx: Tensor): Tensor {
  const out = Tensor.fromArray(backend().scatterAdd(shape, d, idx, src, src.dtype), shape.slice(), src.dtype);
  if (needsGrad(src)) attach(out, "ScatterAddBackward", [src], (g) => [gather(g, d, idx)]);
  return out;
}

/**
 * Out-of-place torch.scatter_add: `x` plus `src` added at out[index[i][j]][j] (dim 0).
 * index, src and x have the same number of dims; only the part of `src` that `index`
 * covers is used (and gets a gradient). src's dtype must be x's.
 * @example gl.zeros([3]).scatterAdd(0, [0, 2, 0], gl.tensor([1, 2, 3])) // [4, 0, 2]
 */
export function scatterAdd(x: Tensor, dim: number, index: IndexArg, src: Tensor): Tensor {
  checkTensor(x, "scatterAdd");
  checkTensor(src, "scatterAdd", "src");
  const idx = indexTensor(index, "scatterAdd");
  if (x.dtype === "bool") throw new TypeError("scatterAdd: not supported for bool tensors");
  if (src.dtype !== x.dtype) throw new TypeError(`scatterAdd: src dtype ${src.dtype} must match the input's dtype ${x.dtype}`);
  if (idx.ndim !== x.ndim || src.ndim !== x.ndim) {
    throw new RangeError(`scatterAdd: index, src and input must have the same number of dimensions, got index ${fmtShape(idx.shape)}, src ${fmtShape(src.shape)}, input ${fmtShape(x.shape)}`);
  }
  if (x.ndim === 0) {
    normDim(dim, 0, "scatterAdd");
    return reshape(scatterAdd(reshape(x, [1]), 0, reshape(idx, [1]), reshape(src, [1])), []);
  }
  const d = normDim(dim, x.ndim, "scatterAdd");
  let s = src;
  for (let i = 0; i < x.ndim; i++) {
    if (idx.shape[i] > src.shape[i] || (i !== d && idx.shape[i] > x.shape[i])) {
      throw new RangeError(`scatterAdd: index of shape ${fmtShape(idx.shape)} must be no larger than src ${fmtShape(src.shape)} in every dim and than the input ${fmtShape(x.shape)} in every dim but ${d} (dim ${i} differs)`);
    }
    if (src.shape[i] > idx.shape[i]) s = slice(s, i, 0, idx.shape[i]);
  }
  return add(x, scatterAddZeros(s, x.shape, d, idx));
}

// ---- maskedFill --------------------------------------------------------------------------

/**
 * `value` where `mask` is true, `x` elsewhere (torch.masked_fill; the mask broadcasts).
 * `value` is a number or a 0-d tensor (which then receives a gradient).
 * @example gl.tensor([1, 2, 3]).maskedFill(gl.tensor([true, false, true]), 0) // [0, 2, 0]
 */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  checkTensor(x, "maskedFill");
  checkTensor(mask, "maskedFill", "mask");
  if (mask.dtype !== "bool") throw new TypeError(`maskedFill: mask must be a bool tensor, got dtype ${mask.dtype}`);
  broadcastShapes(x.shape, mask.shape, "maskedFill");
  let v: Tensor;
  if (value instanceof Tensor) {
    if (value.ndim !== 0) throw new RangeError(`maskedFill: value must be a number or a 0-d tensor, got a tensor of shape ${fmtShape(value.shape)}`);
    v = value.dtype === x.dtype ? value : cast(value, x.dtype);
  } else if (typeof value === "number" || typeof value === "boolean") {
    v = scalarTensor(value, x.dtype);
  } else {
    throw new TypeError(`maskedFill: value must be a number, boolean or 0-d tensor, got ${describe(value)}`);
  }
  return where(mask, v, x);
}

// ---- Python-style indexing -------------------------------------------------------------

/** A slice item for `index`/`indexPut`, like Python's `start:stop:step` (build it with `sl`). */
export class Slice {
  constructor(readonly start: number | null, readonly stop: number | null, readonly step: number) {}
  toString(): string {
    return `${this.start ?? ""}:${this.stop ?? ""}${this.step !== 1 ? `:${this.step}` : ""}`;
  }
}

/**
 * A slice for `x.index(...)`: `gl.sl(1, -1)` is Python's `1:-1`, `gl.sl()` is `:`,
 * `gl.sl(null, null, 2)` is `::2`. Omitted or null bounds mean the start/end; negative
 * bounds count from the end; bounds are clamped. The step must be positive, as in PyTorch.
 * @example x.index(gl.sl(null, null, 2), 0) // x[::2, 0]
 */
export function sl(start?: number | null, stop?: number | null, step?: number | null): Slice {
  for (const [name, v] of [["start", start], ["stop", stop]] as const) {
    if (v !== undefined && v !== null && (typeof v !== "number" || !Number.isInteger(v))) {
      throw new TypeError(`sl: ${name} must be an integer or null, got ${typeof v === "number" ? v : describe(v)}`);
    }
  }
  const s = step ?? 1;
  if (typeof s !== "number" || !Number.isInteger(s) || s <= 0) {
    throw new RangeError(`sl: step must be a positive integer (negative steps are not supported, as in PyTorch), got ${typeof s === "number" ? s : describe(s)}`);
  }
  return new Slice(start ?? null, stop ?? null, s);
}

/**
 * One item of an index expression, as in Python's `x[...]`: an integer (negative counts
 * from the end), a slice (`gl.sl`), `null` (a new axis), `"..."`, an int32 tensor or
 * integer array (advanced indexing), or a bool tensor/array (a mask).
 */
export type IndexItem = number | boolean | Slice | null | "..." | Tensor | readonly NestedArray[];

type Item = number | Slice | null | "..." | Tensor;

function normItem(it: IndexItem, pos: number, op: string): Item {
  if (it === null || it === "..." || it instanceof Slice) return it;
  if (typeof it === "number") {
    if (!Number.isInteger(it)) throw new TypeError(`${op}: item ${pos} must be an integer index, got ${it}`);
    return it;
  }
  // Python's x[True] / x[False]: a 0-d mask (adds a dim of size 1 / 0).
  if (typeof it === "boolean") return scalarTensor(it, "bool");
  if (it instanceof Tensor) {
    if (it.dtype !== "int32" && it.dtype !== "bool") {
      throw new TypeError(`${op}: tensors used as indices must be int32 or bool tensors, got dtype ${it.dtype} (item ${pos})`);
    }
    return it;
  }
  if (Array.isArray(it)) return arrayIndex(it, op);
  throw new TypeError(`${op}: item ${pos} must be a number, gl.sl(...), null, "...", an int32/bool tensor or an array, got ${describe(it)}`);
}

/**
 * An advanced index into `span` dims of the basic view from `dim` (dim `srcDim` of the
 * input): an int tensor has span 1; a mask spans its dims and holds positions in them, flattened.
 */
interface Advanced { dim: number; span: number; index: Tensor; srcDim: number }

/** Row-major positions of the true elements of a mask (its nonzero, flattened). */
function maskPositions(mask: Tensor): Tensor {
  const m = mask.dataSync();
  let count = 0;
  for (let i = 0; i < m.length; i++) if (m[i]) count++;
  const pos = new Int32Array(count);
  for (let i = 0, c = 0; i < m.length; i++) if (m[i]) pos[c++] = i;
  return Tensor.fromArray(pos, [count], "int32");
}

/**
 * Applies the basic items (integers, slices, new axes, ellipsis) as views, keeping the
 * advanced ones (index tensors; masks as flattened positions) for the dims they index.
 */
function applyBasic(x: Tensor, items: readonly IndexItem[], op: string): { view: Tensor; adv: Advanced[] } {
  const norm = items.map((it, i) => normItem(it, i, op));
  let consumed = 0;
  let ellipsis = false;
  for (const it of norm) {
    if (it === "...") {
      if (ellipsis) throw new RangeError(`${op}: an index can only have a single ellipsis ("...")`);
      ellipsis = true;
    } else if (it instanceof Tensor) consumed += it.dtype === "bool" ? it.ndim : 1;
    else if (it !== null) consumed++;
  }
  if (consumed > x.ndim) {
    throw new RangeError(`${op}: too many indices for a tensor of dimension ${x.ndim} (shape ${fmtShape(x.shape)}): the items index ${consumed} dims`);
  }
  let view = x;
  let d = 0; // current dim of the view
  let src = 0; // current dim of x
  const adv: Advanced[] = [];
  for (let i = 0; i < norm.length; i++) {
    const it = norm[i];
    if (it === "...") {
      d += x.ndim - consumed;
      src += x.ndim - consumed;
    } else if (it === null) {
      view = unsqueeze(view, d++);
    } else if (typeof it === "number") {
      const n = view.shape[d];
      if (it < -n || it >= n) throw new RangeError(`${op}: index ${it} is out of bounds for dim ${src} with size ${n}`);
      view = select(view, d, it);
      src++;
    } else if (it instanceof Slice) {
      view = slice(view, d++, it.start, it.stop, it.step);
      src++;
    } else if (it.dtype === "int32") {
      adv.push({ dim: d++, span: 1, index: it, srcDim: src++ });
    } else if (it.ndim === 0) {
      view = unsqueeze(view, d);
      adv.push({ dim: d++, span: 1, index: Tensor.fromArray(new Int32Array(it.item() ? 1 : 0), [it.item() ? 1 : 0], "int32"), srcDim: src });
    } else {
      const dims = view.shape.slice(d, d + it.ndim);
      if (!shapesEqual(dims, it.shape)) {
        throw new RangeError(`${op}: the shape of the mask ${fmtShape(it.shape)} (item ${i}) does not match the shape ${fmtShape(dims)} of the dims it indexes, starting at dim ${src} of the input of shape ${fmtShape(x.shape)}`);
      }
      adv.push({ dim: d, span: it.ndim, index: maskPositions(it), srcDim: src });
      d += it.ndim;
      src += it.ndim;
    }
  }
  return { view, adv };
}

/**
 * Advanced indexing of `view`: the index tensors broadcast to a shape B; the indexed dims
 * are replaced by B in place when they are adjacent, else B goes first (NumPy's rule).
 * The positions become one linear index into the indexed dims merged, so one
 * differentiable indexSelect does the gather (and its gradient accumulates repeats).
 */
function gatherAdvanced(view: Tensor, adv: readonly Advanced[], op: string): Tensor {
  let b: number[] = [];
  try {
    for (const a of adv) b = broadcastShapes(b, a.index.shape, op);
  } catch {
    throw new RangeError(`${op}: shape mismatch: indexing tensors could not be broadcast together with shapes ${adv.map((a) => fmtShape(a.index.shape)).join(", ")}`);
  }
  const n = numel(b);
  const s = view.shape;
  const lin = new Int32Array(n);
  let block = 1;
  for (let j = adv.length - 1; j >= 0; j--) {
    const a = adv[j];
    const size = numel(s.slice(a.dim, a.dim + a.span));
    const vals = a.index.isContiguous() && a.index.offset === 0 && shapesEqual(a.index.shape, b) ? a.index.data : backend().copy(broadcastView(a.index, b), "int32");
    for (let p = 0; p < n; p++) {
      const v = vals[p];
      if (v < -size || v >= size) throw new RangeError(`${op}: index ${v} is out of bounds for dim ${a.srcDim} with size ${size}`);
      lin[p] += (v < 0 ? v + size : v) * block;
    }
    block *= size;
  }
  const linT = Tensor.fromArray(lin, [n], "int32");
  const dims = adv.flatMap((a) => Array.from({ length: a.span }, (_, k) => a.dim + k));
  if (dims.every((dd, j) => dd === dims[0] + j)) {
    const before = s.slice(0, dims[0]), after = s.slice(dims[0] + dims.length);
    const merged = reshape(view, [...before, block, ...after]);
    return reshape(indexSelect(merged, before.length, linT), [...before, ...b, ...after]);
  }
  const rest = s.map((_, i) => i).filter((i) => !dims.includes(i));
  const restShape = rest.map((i) => s[i]);
  const merged = reshape(permute(view, [...dims, ...rest]), [block, ...restShape]);
  return reshape(indexSelect(merged, 0, linT), [...b, ...restShape]);
}

function indexWith(x: Tensor, items: readonly IndexItem[], op: string): Tensor {
  const { view, adv } = applyBasic(x, items, op);
  if (adv.length > 0) return gatherAdvanced(view, adv, op);
  // x[...] and x[()] still give a new tensor (a view), as in PyTorch.
  return view === x ? reshape(x, x.shape) : view;
}

/**
 * Python/NumPy-style indexing, `x[items]`: integers, slices (`gl.sl`), `null` (new axis)
 * and `"..."` give views sharing x's storage; int32 tensors/arrays and bool masks select
 * copies (advanced indexing, with NumPy's placement rules; negative indices count from
 * the end). Differentiable; gradients of repeated indices add up.
 * @example x.index(0, gl.sl(1, null), null) // x[0, 1:, None]
 * @example x.index([0, 2, 2]) // x[[0, 2, 2]]; x.index(x.gt(0)) // x[x > 0]
 */
export function index(x: Tensor, ...items: IndexItem[]): Tensor {
  checkTensor(x, "index");
  return indexWith(x, items, "index");
}

const isAdvanced = (it: IndexItem): boolean => it instanceof Tensor || Array.isArray(it) || typeof it === "boolean";

/** A top-level array of `indexPut` is the list of items (Python's tuple); anything else is one item. */
function itemList(items: IndexItem | readonly IndexItem[]): readonly IndexItem[] {
  return Array.isArray(items) ? (items as readonly IndexItem[]) : [items as IndexItem];
}

/** `value` as a tensor of x's dtype expanded to `shape` (leading size-1 dims of value may be dropped, as in PyTorch). */
function valueFor(x: Tensor, value: TensorLike, shape: Shape, op: string): Tensor {
  let v: Tensor;
  if (value instanceof Tensor) v = value;
  else if (typeof value === "number" || typeof value === "boolean") v = scalarTensor(value, x.dtype);
  else throw new TypeError(`${op}: value must be a Tensor, number or boolean, got ${describe(value)}`);
  const given = v.shape;
  if (v.dtype !== x.dtype) v = cast(v, x.dtype);
  let lead = 0;
  while (v.ndim - lead > shape.length && v.shape[lead] === 1) lead++;
  if (lead > 0) v = reshape(v, v.shape.slice(lead));
  let ok = v.ndim <= shape.length;
  if (ok) {
    try { ok = shapesEqual(broadcastShapes(v.shape, shape, op), shape); } catch { ok = false; }
  }
  if (!ok) throw new RangeError(`${op}: shape mismatch: value tensor of shape ${fmtShape(given)} cannot be broadcast to indexing result of shape ${fmtShape(shape)}`);
  return expand(v, shape);
}

/**
 * x with `value` written at x[items], computed out of place: the positions x[items] reads
 * are found by indexing a tensor of positions; the last write to a position wins.
 */
function putResult(x: Tensor, items: readonly IndexItem[], value: TensorLike, op: string): Tensor {
  const n = x.numel();
  const pos = noGrad(() => indexWith(reshape(arange(0, n, 1, { dtype: "int32" }), x.shape), items, op));
  const v = valueFor(x, value, pos.shape, op);
  const k = pos.numel();
  const p = pos.dataSync();
  const writer = new Int32Array(n).fill(-1);
  for (let j = 0; j < k; j++) writer[p[j]] = j;
  let u = 0;
  for (let i = 0; i < n; i++) if (writer[i] >= 0) u++;
  const at = new Int32Array(u), from = new Int32Array(u);
  const mask = new Uint8Array(n);
  for (let i = 0, c = 0; i < n; i++) {
    if (writer[i] < 0) continue;
    at[c] = i;
    from[c++] = writer[i];
    mask[i] = 1;
  }
  // Only each position's last writer contributes, so overwritten values get zero gradient.
  const picked = indexSelect(reshape(v, [k]), 0, Tensor.fromArray(from, [u], "int32"));
  const scattered = indexAddZeros(picked, [n], 0, Tensor.fromArray(at, [u], "int32"));
  return reshape(where(Tensor.fromArray(mask, [n], "bool"), scattered, reshape(x, [n])), x.shape);
}

/**
 * Out-of-place `x[items] = value`: a new tensor equal to x with `value` (broadcast to the
 * shape of `x.index(...items)`) written there. Differentiable in both x and value. With
 * repeated positions the last write wins, and only that write receives a gradient.
 * @example gl.indexPutOutOfPlace(gl.zeros([3]), [[0, 2]], gl.tensor([1, 2])) // [1, 0, 2]
 */
export function indexPutOutOfPlace(x: Tensor, items: IndexItem | readonly IndexItem[], value: TensorLike): Tensor {
  checkTensor(x, "indexPutOutOfPlace");
  return putResult(x, itemList(items), value, "indexPutOutOfPlace");
}

/**
 * In place `x[items] = value` (Python's __setitem__): `items` is the list of index items
 * (`x.indexPut([0, gl.sl()], v)` is `x[0, :] = v`; `x.indexPut([[0, 2]], v)` is
 * `x[[0, 2]] = v`; a single non-array item may be passed bare). `value` is cast to x's
 * dtype and broadcast. Repeated positions: the last write wins (deterministic; PyTorch
 * leaves the order unspecified), and only the winning write gets a gradient. Bumps the
 * version counter. While recording gradients it follows the in-place rules: not on a
 * leaf that requires grad, not on a view. Returns x.
 * @example x.indexPut(x.lt(0), 0) // x[x < 0] = 0
 */
export function indexPut(x: Tensor, items: IndexItem | readonly IndexItem[], value: TensorLike): Tensor {
  checkTensor(x, "indexPut");
  const list = itemList(items);
  const recording = isGradEnabled() && (x.requiresGrad || (value instanceof Tensor && value.requiresGrad));
  if (recording) {
    guardInplace(x, "indexPut", "gl.indexPutOutOfPlace", "gl.indexPutOutOfPlace");
    // putResult's gradient rules read no saved data of x, so no clone is needed before commit overwrites it.
    return commit(x, putResult(x, list, value, "indexPut"), "indexPut");
  }
  return noGrad(() => {
    if (list.some(isAdvanced)) {
      backend().assign(x, putResult(x, list, value, "indexPut"));
    } else {
      const { view } = applyBasic(x, list, "indexPut");
      let v = valueFor(x, value, view.shape, "indexPut");
      if (v.storage === x.storage) v = clone(v); // the value may overlap the region written
      backend().assign(view, v);
    }
    x.storage.version++;
    return x;
  });
}
