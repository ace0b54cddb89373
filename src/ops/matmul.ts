import { backend } from "../backend/registry.js";
import { promoteTypes } from "../tensor/dtype.js";
import { broadcastShapes, broadcastStrides, fmtShape, numel } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { cast } from "./cast.js";
import { mul } from "./elementwise.js";
import { attach, needsGrad } from "./graph.js";
import { checkTensor } from "./operand.js";
import { sumTo } from "./reduce.js";
import { reshape, squeeze, transpose, unsqueeze } from "./shape.js";

/**
 * The stride between consecutive rows when dims [0, upTo) of a strided layout merge into
 * one dim (size-1 dims may carry any stride), or null when they do not. 0 when all are 1.
 * @example rowStride([4, 8, 3], [24, 3, 1], 2) // 3: a contiguous [4, 8, 3] is 32 rows of 3
 */
export function rowStride(shape: readonly number[], strides: readonly number[], upTo: number): number | null {
  let inner = -1;
  for (let d = upTo - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (inner >= 0 && strides[d] !== strides[inner] * shape[inner]) return null;
    inner = d;
  }
  for (let d = upTo - 1; d >= 0; d--) if (shape[d] !== 1) return strides[d];
  return 0;
}

/** Whether t's last two dims are stored as the transpose of a contiguous matrix (strides [1, rows]). */
function isTransposedContiguous(t: Tensor): boolean {
  const r = t.ndim - 2;
  return r >= 0 && t.shape[r] > 1 && t.shape[r + 1] > 1 && t.strides[r] === 1 && t.strides[r + 1] === t.shape[r];
}

/** Whether every batch dim of a view is broadcast (stride 0) or of size 1. */
function batchBroadcast(shape: readonly number[], strides: readonly number[], nb: number): boolean {
  for (let d = 0; d < nb; d++) if (shape[d] !== 1 && strides[d] !== 0) return false;
  return true;
}

/** Batched product of two tensors with at least 2 dims each; batch dims broadcast. */
function matmulNd(a: Tensor, b: Tensor, op: string): Tensor {
  const m = a.shape[a.ndim - 2], k = a.shape[a.ndim - 1];
  const k2 = b.shape[b.ndim - 2], n = b.shape[b.ndim - 1];
  if (k !== k2) {
    throw new RangeError(`${op}: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${k} != ${k2})`);
  }
  let batch: number[];
  try {
    batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), op);
  } catch {
    // Name the full operand shapes, not just their batch parts.
    throw new RangeError(`${op}: the batch dimensions of shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be broadcast together (${fmtShape(a.shape.slice(0, -2))} vs ${fmtShape(b.shape.slice(0, -2))})`);
  }
  const dt = promoteTypes(a.dtype, b.dtype);
  if (dt === "bool") throw new TypeError(`${op}: not supported for bool tensors`);
  // Backends multiply operands of one dtype: cast first (differentiably) when they differ.
  if (a.dtype !== dt) a = cast(a, dt);
  if (b.dtype !== dt) b = cast(b, dt);
  const nb = batch.length;
  const aShape = [...batch, m, k], bShape = [...batch, k, n];
  const aStrides = broadcastStrides(a.shape, a.strides, aShape), bStrides = broadcastStrides(b.shape, b.strides, bShape);
  // b the same matrix for every batch and a's batch and row dims one run of rows: one 2-D GEMM.
  const rs = nb > 0 && batchBroadcast(bShape, bStrides, nb) ? rowStride(aShape, aStrides, nb + 1) : null;
  let data;
  if (rs !== null) {
    const rows = numel(batch) * m;
    const av = { data: a.data, offset: a.offset, shape: [rows, k], strides: [rs, aStrides[nb + 1]] };
    const bv = { data: b.data, offset: b.offset, shape: [k, n], strides: [bStrides[nb], bStrides[nb + 1]] };
    data = backend().matmul(av, bv, { batch: [], m: rows, n, k }, dt);
  } else {
    const av = { data: a.data, offset: a.offset, shape: aShape, strides: aStrides };
    const bv = { data: b.data, offset: b.offset, shape: bShape, strides: bStrides };
    data = backend().matmul(av, bv, { batch, m, n, k }, dt);
  }
  const out = Tensor.fromArray(data, [...batch, m, n], dt);
  if (needsGrad(a, b)) {
    attach(out, "MmBackward", [a, b], (g) => [
      a.requiresGrad ? gradA(g, a, b, op) : null,
      b.requiresGrad ? gradB(g, a, b, op) : null,
    ], [a, b]);
  }
  return out;
}

/** d(a @ b)/da = g b^T, made in a's layout when a is a transposed matrix (as (b g^T)^T). */
function gradA(g: Tensor, a: Tensor, b: Tensor, op: string): Tensor {
  if (a.ndim === 2 && b.ndim === 2 && isTransposedContiguous(a)) return transpose(matmulNd(b, transpose(g, 0, 1), op), 0, 1);
  return sumTo(matmulNd(g, transpose(b, -1, -2), op), a.shape);
}

/**
 * d(a @ b)/db = a^T g, made in b's layout when b is a transposed matrix (as (g^T a)^T), and
 * as one product over all of a's rows when b has no batch dims of its own (instead of one
 * product per batch summed afterwards).
 */
function gradB(g: Tensor, a: Tensor, b: Tensor, op: string): Tensor {
  const k = b.shape[b.ndim - 2], n = b.shape[b.ndim - 1];
  let ownBatch = false;
  for (let d = 0; d < b.ndim - 2; d++) if (b.shape[d] !== 1) ownBatch = true;
  if (ownBatch) return sumTo(matmulNd(transpose(a, -1, -2), g, op), b.shape);
  const a2 = a.ndim === 2 ? a : reshape(a, [-1, k]);
  const g2 = g.ndim === 2 ? g : reshape(g, [-1, n]);
  const gb = isTransposedContiguous(b) ? transpose(matmulNd(transpose(g2, 0, 1), a2, op), 0, 1) : matmulNd(transpose(a2, 0, 1), g2, op);
  return b.ndim === 2 ? gb : reshape(gb, b.shape);
}

/**
 * Matrix product with NumPy's rules: 1-D operands are promoted to a row/column and the
 * added dim removed afterwards; leading (batch) dims broadcast.
 * @example gl.matmul(gl.ones([2, 3]), gl.ones([3, 4])).shape // [2, 4]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "matmul"); checkTensor(b, "matmul", "other");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`matmul: both arguments need at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  if (a.ndim === 1 && b.ndim === 1 && a.shape[0] !== b.shape[0]) {
    throw new RangeError(`matmul: 1-D tensors of shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} have different sizes (${a.shape[0]} != ${b.shape[0]})`);
  }
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
  let out = matmulNd(a2, b2, "matmul");
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
}

/** 2-D matrix product. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new RangeError(`mm: expected 2-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmulNd(a, b, "mm");
}

/** Batched product of two 3-D tensors with the same batch size. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) throw new RangeError(`bmm: expected 3-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape[0] !== b.shape[0]) throw new RangeError(`bmm: batch sizes differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (${a.shape[0]} != ${b.shape[0]})`);
  return matmulNd(a, b, "bmm");
}

/** Matrix-vector product. */
export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.ndim !== 2 || v.ndim !== 1) throw new RangeError(`mv: expected a 2-D matrix and a 1-D vector, got shapes ${fmtShape(a.shape)} and ${fmtShape(v.shape)}`);
  return matmul(a, v);
}

/** Dot product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new RangeError(`dot: expected 1-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return matmul(a, b);
}

/** Outer product of two 1-D tensors: out[i, j] = a[i] * b[j]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new RangeError(`outer: expected 1-D tensors, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return mul(reshape(a, [a.shape[0], 1]), reshape(b, [1, b.shape[0]]));
}
