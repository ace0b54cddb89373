import { backend } from "../backend/registry.js";
import { shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastView } from "./operand.js";

// In-place updates fused into one backend pass (axpy), for the callers that know nothing is
// being recorded: add_/sub_ outside a graph, and the engine's gradient accumulation. Not
// part of the public API (src/ops/index.ts does not re-export this file).

/** Whether no two elements of the view share a memory location (a stride-0 dim of size > 1 does). */
function nonOverlapping(t: Tensor): boolean {
  const dims: [number, number][] = [];
  for (let d = 0; d < t.ndim; d++) if (t.shape[d] > 1) dims.push([Math.abs(t.strides[d]), t.shape[d]]);
  dims.sort((a, b) => a[0] - b[0]);
  let extent = 0; // the largest offset the smaller dims reach
  for (const [st, n] of dims) {
    if (st <= extent) return false;
    extent += st * (n - 1);
  }
  return true;
}

/**
 * dst += alpha * src in one kernel pass, version bumped, when that gives exactly what
 * add + assign would: same dtype (not bool), src broadcasting to dst's shape, dst without
 * overlapping elements, and src either dst itself or in another buffer. False, with
 * nothing done, otherwise. The caller has checked that nothing is being recorded.
 * @example if (!axpyInto(v.grad, g, 1)) v.grad.copy_(v.grad.add(g))
 */
export function axpyInto(dst: Tensor, src: Tensor, alpha: number): boolean {
  const dt = dst.dtype;
  if (src.dtype !== dt || dt === "bool" || (dt === "int32" && !Number.isInteger(alpha))) return false;
  const nd = dst.ndim, off = nd - src.ndim;
  if (off < 0) return false;
  for (let d = 0; d < src.ndim; d++) if (src.shape[d] !== 1 && src.shape[d] !== dst.shape[d + off]) return false;
  if (src.data.buffer === dst.data.buffer) {
    const same = src.data === dst.data && src.offset === dst.offset && off === 0 && shapesEqual(src.strides, dst.strides) && shapesEqual(src.shape, dst.shape);
    if (!same) return false;
  }
  if (!nonOverlapping(dst)) return false;
  backend().axpy(dst, off === 0 && shapesEqual(src.shape, dst.shape) ? src : broadcastView(src, dst.shape), alpha);
  dst.storage.version++;
  return true;
}
