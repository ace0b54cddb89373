import { backend } from "../backend/registry.js";
import { promoteTypes } from "../tensor/dtype.js";
import { broadcastShapes, broadcastStrides, fmtShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { cast } from "./cast.js";
import { mul } from "./elementwise.js";
import { attach, needsGrad } from "./graph.js";
import { checkTensor } from "./operand.js";
import { sumTo } from "./reduce.js";
import { reshape, squeeze, transpose, unsqueeze } from "./shape.js";

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
  const av = { data: a.data, offset: a.offset, shape: [...batch, m, k], strides: broadcastStrides(a.shape, a.strides, [...batch, m, k]) };
  const bv = { data: b.data, offset: b.offset, shape: [...batch, k, n], strides: broadcastStrides(b.shape, b.strides, [...batch, k, n]) };
  const out = Tensor.fromArray(backend().matmul(av, bv, { batch, m, n, k }, dt), [...batch, m, n], dt);
  if (needsGrad(a, b)) {
    attach(out, "MmBackward", [a, b], (g) => [
      a.requiresGrad ? sumTo(matmulNd(g, transpose(b, -1, -2), op), a.shape) : null,
      b.requiresGrad ? sumTo(matmulNd(transpose(a, -1, -2), g, op), b.shape) : null,
    ], [a, b]);
  }
  return out;
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
