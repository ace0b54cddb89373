import { cast } from "../../ops/cast.js";
import { add, clamp, div, eq, mul, sqrt, sub, where } from "../../ops/elementwise.js";
import { noGrad } from "../../ops/graph.js";
import { indexSelect } from "../../ops/indexing.js";
import { cat } from "../../ops/join.js";
import { checkTensor } from "../../ops/operand.js";
import { sum } from "../../ops/reduce.js";
import { expand, flatten, narrow, reshape, unsqueeze } from "../../ops/shape.js";
import { full } from "../../tensor/creation.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate, isFloating } from "../../tensor/dtype.js";
import type { Generator } from "../../tensor/random.js";
import { defaultGenerator } from "../../tensor/random.js";
import { broadcastShapes, fmtShape, normDim, shapesEqual } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

// Dropout, embedding lookup, padding, one-hot encoding and cosine similarity. The
// differentiable ones are compositions (indexSelect's gradient is the scatter-add
// embedding needs; cat's and indexSelect's make pad's).

export interface DropoutOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
  /** Dropout is applied only in training (default true); otherwise it is the identity. */
  training?: boolean;
  /** Source of the mask (default: the global generator seeded by gl.manualSeed). */
  generator?: Generator;
}

/**
 * Inverted dropout: zeroes each element with probability p and scales the rest by
 * 1 / (1 - p), so the expected value is unchanged; the identity when not training or p = 0.
 * The gradient is the same mask times the upstream gradient.
 * @example gl.manualSeed(0); F.dropout(gl.ones([8]), { p: 0.5 }) // zeros and 2s
 */
export function dropout(x: Tensor, opts: DropoutOptions = {}): Tensor {
  checkTensor(x, "dropout");
  const p = opts.p ?? 0.5;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout: probability has to be between 0 and 1, but got ${p}`);
  if (opts.training === false || p === 0) return x;
  if (!isFloating(x.dtype)) throw new TypeError(`dropout: expected a floating point input, got dtype ${x.dtype}`);
  if (p === 1) return mul(x, 0);
  const mask = dropoutMask(x.numel(), p, x.dtype, opts.generator ?? defaultGenerator);
  return mul(x, Tensor.fromArray(mask, x.shape.slice(), x.dtype));
}

/**
 * dropout's multipliers for n elements in order: 0 with probability p, else 1 / (1 - p) (in
 * `dtype`), one uniform draw each from `g`. The fused attention draws the same ones.
 */
export function dropoutMask(n: number, p: number, dtype: DType, g: Generator): TypedArray {
  const mask = allocate(dtype, n);
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) mask[i] = g.uniform() < p ? 0 : scale;
  return mask;
}

export interface EmbeddingOptions {
  /** Entries at this index get no gradient into the table (their row stays as it is, typically zeros). */
  paddingIdx?: number | null;
}

/**
 * Looks up rows of `weight` ([numEmbeddings, dim]) at the int32 `indices` (any shape);
 * the output has shape [...indices.shape, dim]. The table's gradient is the scatter-add
 * of the output's gradient into the rows used, as many times as each was used, with
 * nothing flowing into `paddingIdx`'s row.
 * @example F.embedding(gl.tensor([[0, 2]], { dtype: "int32" }), gl.randn([3, 4])).shape // [1, 2, 4]
 */
export function embedding(indices: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  checkTensor(indices, "embedding", "indices");
  checkTensor(weight, "embedding", "weight");
  if (indices.dtype !== "int32") throw new TypeError(`embedding: indices must be an int32 tensor, got ${indices.dtype} ${fmtShape(indices.shape)}`);
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be a 2-D table [numEmbeddings, embeddingDim], got shape ${fmtShape(weight.shape)}`);
  const [V, D] = weight.shape;
  const idx = indices.dataSync();
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= V) throw new RangeError(`embedding: index ${idx[i]} is out of range for a table of ${V} rows (valid: 0..${V - 1})`);
  }
  const out = reshape(indexSelect(weight, 0, flatten(indices)), [...indices.shape, D]);
  if (opts.paddingIdx === undefined || opts.paddingIdx === null) return out;
  const pad = opts.paddingIdx;
  if (!Number.isInteger(pad) || pad < -V || pad >= V) throw new RangeError(`embedding: paddingIdx must be within the table's ${V} rows ([-${V}, ${V - 1}]), got ${pad}`);
  const isPad = unsqueeze(eq(indices, pad < 0 ? pad + V : pad), -1);
  // Same values everywhere, but the padding positions pass no gradient back to the table.
  return where(isPad, out.detach(), out);
}

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

export interface PadOptions {
  mode?: PadMode;
  /** Fill value of constant padding (default 0). */
  value?: number;
}

/** The source index of each output position along a padded dim, for the index-based modes. */
function padIndices(size: number, left: number, right: number, mode: PadMode): Tensor {
  const n = size + left + right;
  const idx = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const j = k - left;
    if (mode === "reflect") idx[k] = j < 0 ? -j : j >= size ? 2 * (size - 1) - j : j;
    else if (mode === "replicate") idx[k] = Math.min(Math.max(j, 0), size - 1);
    else idx[k] = ((j % size) + size) % size;
  }
  return Tensor.fromArray(idx, [n], "int32");
}

/**
 * Pads (or, with negative amounts, crops) the last dims. `pad` lists (left, right) pairs
 * starting from the last dim: [l_last, r_last, l_prev, r_prev, ...]. Modes: "constant"
 * (with `value`), "reflect" (mirror without repeating the edge), "replicate" (repeat the
 * edge), "circular" (wrap around).
 * @example F.pad(gl.ones([1, 2, 2]), [1, 1, 0, 2]).shape // [1, 4, 4]
 */
export function pad(x: Tensor, padding: readonly number[], opts: PadOptions = {}): Tensor {
  checkTensor(x, "pad");
  const mode = opts.mode ?? "constant";
  if (!["constant", "reflect", "replicate", "circular"].includes(mode)) {
    throw new TypeError(`pad: mode must be "constant", "reflect", "replicate" or "circular", got ${JSON.stringify(mode)}`);
  }
  if (!Array.isArray(padding) || padding.length % 2 !== 0 || padding.length / 2 > x.ndim || !padding.every(Number.isInteger)) {
    throw new RangeError(`pad: padding must be an even number of integers, at most 2 per dim of the input (${x.ndim} dims, shape ${fmtShape(x.shape)}); got ${JSON.stringify(padding)}`);
  }
  if (mode !== "constant" && opts.value !== undefined && opts.value !== 0) {
    throw new TypeError(`pad: a fill value applies to mode "constant" only, got value ${opts.value} with mode "${mode}"`);
  }
  let out = x;
  for (let i = 0; i < padding.length / 2; i++) {
    const d = x.ndim - 1 - i;
    const left = padding[2 * i], right = padding[2 * i + 1];
    const size = out.shape[d];
    if (left === 0 && right === 0) continue;
    if (size + left + right < 0) throw new RangeError(`pad: padding (${left}, ${right}) of dim ${d} (size ${size}) would give a negative size`);
    if (mode === "constant") {
      // Crop first (negative amounts), then add blocks of the fill value.
      const lc = Math.max(0, -left), rc = Math.max(0, -right);
      if (lc || rc) out = narrow(out, d, lc, size - lc - rc);
      const block = (n: number) => full(out.shape.map((s, k) => (k === d ? n : s)), opts.value ?? 0, { dtype: out.dtype });
      const parts = [...(left > 0 ? [block(left)] : []), out, ...(right > 0 ? [block(right)] : [])];
      if (parts.length > 1) out = cat(parts, d);
      continue;
    }
    if (left < 0 || right < 0) throw new RangeError(`pad: negative padding (${left}, ${right}) is only supported in mode "constant"`);
    if (mode === "reflect" && (left >= size || right >= size)) {
      throw new RangeError(`pad: reflect padding (${left}, ${right}) must be less than the size of dim ${d} (${size}) of the input of shape ${fmtShape(x.shape)}`);
    }
    if (mode === "circular" && (left > size || right > size)) {
      throw new RangeError(`pad: circular padding (${left}, ${right}) must be at most the size of dim ${d} (${size}) of the input of shape ${fmtShape(x.shape)}`);
    }
    if (size === 0) throw new RangeError(`pad: cannot ${mode}-pad dim ${d} of size 0`);
    out = indexSelect(out, d, padIndices(size, left, right, mode));
  }
  return out;
}

/**
 * One-hot encoding of int32 class indices: an int32 tensor of shape [...indices.shape,
 * numClasses] (numClasses = max index + 1 when -1).
 * @example F.oneHot(gl.tensor([0, 2], { dtype: "int32" }), 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  checkTensor(indices, "oneHot", "indices");
  if (indices.dtype !== "int32") throw new TypeError(`oneHot: indices must be an int32 tensor of class indices, got ${indices.dtype} ${fmtShape(indices.shape)}`);
  const idx = indices.dataSync();
  let C = numClasses;
  if (C === -1) {
    if (idx.length === 0) throw new RangeError("oneHot: cannot infer the number of classes from an empty tensor; pass numClasses");
    C = 0;
    for (let i = 0; i < idx.length; i++) C = Math.max(C, idx[i] + 1);
  } else if (!Number.isInteger(C) || C < 0) {
    throw new RangeError(`oneHot: numClasses must be a non-negative integer or -1, got ${numClasses}`);
  }
  const out = new Int32Array(idx.length * C);
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i];
    if (c < 0 || c >= C) throw new RangeError(`oneHot: class index ${c} is out of range for ${C} classes (valid: 0..${C - 1})`);
    out[i * C + c] = 1;
  }
  return Tensor.fromArray(out, [...indices.shape, C], "int32");
}

export interface CosineSimilarityOptions {
  /** The dim holding the vectors (default 1). */
  dim?: number;
  /** Lower bound of each vector's norm (default 1e-8). */
  eps?: number;
}

/**
 * Cosine of the angle between x1 and x2 along `dim` (they broadcast): sum of
 * (x1 / max(|x1|, eps)) * (x2 / max(|x2|, eps)). As in PyTorch 1.13 the norms are clamped
 * without differentiating the clamp.
 * @example F.cosineSimilarity(gl.tensor([[1, 0]]), gl.tensor([[1, 1]])) // [0.7071]
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, opts: CosineSimilarityOptions = {}): Tensor {
  checkTensor(x1, "cosineSimilarity", "x1");
  checkTensor(x2, "cosineSimilarity", "x2");
  const shape = broadcastShapes(x1.shape, x2.shape, "cosineSimilarity");
  const d = normDim(opts.dim ?? 1, shape.length, "cosineSimilarity");
  const eps = opts.eps ?? 1e-8;
  const toFloat = (t: Tensor) => (isFloating(t.dtype) ? t : cast(t, "float32"));
  // Broadcast first, so that each norm is taken over the full vectors.
  const a = toFloat(shapesEqual(x1.shape, shape) ? x1 : expand(x1, shape));
  const b = toFloat(shapesEqual(x2.shape, shape) ? x2 : expand(x2, shape));
  const unit = (t: Tensor) => {
    const sq = sum(mul(t, t), d, true);
    // The clamped value with the unclamped squared norm's gradient.
    const clamped = add(sq, noGrad(() => sub(clamp(sq, eps * eps), sq)));
    return div(t, sqrt(clamped));
  };
  return sum(mul(unit(a), unit(b)), d);
}
