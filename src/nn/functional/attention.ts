import { backend } from "../../backend/registry.js";
import type { View } from "../../backend/kernels.js";
import { add, le, mul, sub, where } from "../../ops/elementwise.js";
import { attach, isGradEnabled, needsGrad } from "../../ops/graph.js";
import { matmul } from "../../ops/matmul.js";
import { checkTensor } from "../../ops/operand.js";
import { softmax, sum } from "../../ops/reduce.js";
import { expand, permute, transpose, unsqueeze } from "../../ops/shape.js";
import { cast } from "../../ops/cast.js";
import { arange, scalarTensor } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { isFloating } from "../../tensor/dtype.js";
import { broadcastShapes, fmtShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { defaultGenerator } from "../../tensor/random.js";
import { dropout, dropoutMask } from "./misc.js";

// Scaled dot-product attention, and the pieces MultiheadAttention shares with it: mask
// conversion (bool or additive float) and the softmax(q k^T * scale + mask) v core.

export interface ScaledDotProductAttentionOptions {
  /**
   * Bool mask (true = the key takes part, as in PyTorch 2's SDPA) or a float mask added to
   * the scores; broadcast to [..., L, S].
   */
  attnMask?: Tensor | null;
  /** Each query attends only to keys at positions <= its own (top-left aligned [L, S] lower triangle). */
  isCausal?: boolean;
  /** Dropout probability on the attention weights (applied whenever > 0, as in PyTorch). */
  dropoutP?: number;
  /** Score scale (default 1 / sqrt(E), E the query's last dim). */
  scale?: number;
}

/** Bool [L, S], true where key j may be seen by query i (j <= i). */
function causalMask(l: number, s: number): Tensor {
  return le(unsqueeze(arange(0, s, 1, { dtype: "int32" }), 0), unsqueeze(arange(0, l, 1, { dtype: "int32" }), 1));
}

/**
 * A mask as an additive float tensor of `dtype`: bool masks become 0 / -inf, where `trueMeans`
 * says whether true marks a position that takes part ("keep", SDPA) or one that is masked
 * out ("mask", MultiheadAttention's attnMask and keyPaddingMask); float masks are added as they are.
 */
export function additiveMask(mask: Tensor, dtype: DType, trueMeans: "keep" | "mask", op: string, what: string): Tensor {
  checkTensor(mask, op, what);
  if (mask.dtype === "bool") {
    const zero = scalarTensor(0, dtype), ninf = scalarTensor(-Infinity, dtype);
    return trueMeans === "keep" ? where(mask, zero, ninf) : where(mask, ninf, zero);
  }
  if (!isFloating(mask.dtype)) throw new TypeError(`${op}: ${what} must be a bool or floating point tensor, got dtype ${mask.dtype}`);
  return mask.dtype === dtype ? mask : cast(mask, dtype);
}

/** Whether `from` broadcasts to exactly `to` (right-aligned dims equal or 1). */
function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  return from.every((d, i) => d === 1 || d === to[to.length - from.length + i]);
}

/** Fused attention is used from this many scores on (smaller calls compose the kernels). */
const FUSED_MIN_SCORES = 4096;

const viewOf = (t: Tensor): View => ({ data: t.data, offset: t.offset, shape: t.shape, strides: t.strides });

/**
 * dropout(softmax((q * scale) k^T + mask)) v for q [N, H, L, D], k [N, H, S, D], v [N, H, S, E],
 * an optional additive mask broadcastable to [N, H, L, S] and dropout probability `dropoutP`
 * on the weights (drawn from the default generator, as `attend` draws them), as one node over
 * the backend's fused attention kernel (the weights are not returned). The result is a
 * [N, H, L, E] view of a [N, L, H, E] tensor, so merging the heads afterwards costs no copy.
 * Null where the backend has no such kernel or the operands do not fit it (other ranks or
 * dtypes, broadcast batch dims, a mask that needs a gradient, dropoutP 1, small calls):
 * compose the ops then. Under createGraph the backward is the same formula in differentiable ops.
 */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, scale: number, mask: Tensor | null = null, dropoutP = 0): Tensor | null {
  const b = backend();
  if (!b.attention || !b.attentionBackward) return null;
  if (q.ndim !== 4 || k.ndim !== 4 || v.ndim !== 4) return null;
  const dt = q.dtype;
  if ((dt !== "float32" && dt !== "float64") || k.dtype !== dt || v.dtype !== dt) return null;
  const [N, H, L, D] = q.shape;
  const S = k.shape[2], E = v.shape[3];
  if (k.shape[0] !== N || k.shape[1] !== H || k.shape[3] !== D || v.shape[0] !== N || v.shape[1] !== H || v.shape[2] !== S) return null;
  if (N * H * L * S < FUSED_MIN_SCORES || D === 0 || E === 0 || !(dropoutP >= 0 && dropoutP < 1)) return null;
  let m: Tensor | null = null;
  if (mask) {
    if (mask.requiresGrad || mask.dtype !== dt || mask.ndim > 4 || !broadcastsTo(mask.shape, [N, H, L, S])) return null;
    m = expand(mask, N, H, L, S); // a view: broadcast dims get stride 0
  }
  // The dropout multipliers, drawn after the checks and before anything else draws: the same draws as attend's dropout.
  const drop = dropoutP > 0 ? dropoutMask(N * H * L * S, dropoutP, dt, defaultGenerator) : null;
  const { out, probs } = b.attention(viewOf(q), viewOf(k), viewOf(v), scale, dt, m ? viewOf(m) : null, drop);
  const o = Tensor.fromArray(out, [N, L, H, E], dt);
  if (needsGrad(q, k, v)) {
    const P = Tensor.fromArray(probs, [N, H, L, S], dt);
    attach(o, "ScaledDotProductAttentionBackward", [q, k, v], (g) => {
      const gh = permute(g, 0, 2, 1, 3); // [N, H, L, E]
      if (isGradEnabled()) {
        // createGraph: the weights recomputed as a function of q and k, every step differentiable.
        const qs = mul(q, scale);
        const scores = matmul(qs, transpose(k, -2, -1));
        const p = softmax(m ? add(scores, m) : scores, -1);
        const dropT = drop ? Tensor.fromArray(drop, [N, H, L, S], dt) : null;
        const w = dropT ? mul(p, dropT) : p;
        const dW = matmul(gh, transpose(v, -2, -1));
        const dP = dropT ? mul(dW, dropT) : dW;
        const dS = mul(p, sub(dP, sum(mul(dP, p), -1, true)));
        return [
          q.requiresGrad ? mul(matmul(dS, k), scale) : null,
          k.requiresGrad ? matmul(transpose(dS, -2, -1), qs) : null,
          v.requiresGrad ? matmul(transpose(w, -2, -1), gh) : null,
        ];
      }
      const r = b.attentionBackward!(viewOf(q), viewOf(k), viewOf(v), viewOf(P), viewOf(gh), scale, dt, drop);
      return [
        q.requiresGrad ? permute(Tensor.fromArray(r.dq, [N, L, H, D], dt), 0, 2, 1, 3) : null,
        k.requiresGrad ? permute(Tensor.fromArray(r.dk, [N, S, H, D], dt), 0, 2, 1, 3) : null,
        v.requiresGrad ? permute(Tensor.fromArray(r.dv, [N, S, H, E], dt), 0, 2, 1, 3) : null,
      ];
    }, [q, k, v]);
  }
  return permute(o, 0, 2, 1, 3);
}

/**
 * softmax(q k^T * scale + mask) v over the last two dims, with dropout on the weights.
 * Returns the weights too (after dropout, as PyTorch's MultiheadAttention returns them).
 */
export function attend(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, scale: number, dropoutP: number): { output: Tensor; weights: Tensor } {
  // Scaling q before the product is what PyTorch's attention does; it keeps float32 results closest.
  let scores = matmul(mul(q, scale), transpose(k, -2, -1));
  if (mask) scores = add(scores, mask);
  let weights = softmax(scores, -1);
  if (dropoutP > 0) weights = dropout(weights, { p: dropoutP, training: true });
  return { output: matmul(weights, v), weights };
}

/**
 * Attention of queries q [..., L, E] over keys k [..., S, E] and values v [..., S, Ev]:
 * softmax(q k^T / sqrt(E) + mask) v, with PyTorch 2's semantics (a bool `attnMask` marks the
 * keys that take part; a float one is added; leading dims broadcast). A query whose keys are
 * all masked gets NaN, as in PyTorch.
 * @example
 * const q = gl.randn([2, 4, 5, 8]), k = gl.randn([2, 4, 6, 8]), v = gl.randn([2, 4, 6, 3]);
 * F.scaledDotProductAttention(q, k, v, { isCausal: true }).shape // [2, 4, 5, 3]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: ScaledDotProductAttentionOptions = {}): Tensor {
  const op = "scaledDotProductAttention";
  checkTensor(q, op, "query"); checkTensor(k, op, "key"); checkTensor(v, op, "value");
  for (const [t, n] of [[q, "query"], [k, "key"], [v, "value"]] as const) {
    if (t.ndim < 2) throw new RangeError(`${op}: ${n} must have at least 2 dims ([..., seq, features]), got shape ${fmtShape(t.shape)}`);
    if (!isFloating(t.dtype)) throw new TypeError(`${op}: ${n} must be a floating point tensor, got dtype ${t.dtype}`);
  }
  if (q.dtype !== k.dtype || q.dtype !== v.dtype) {
    throw new TypeError(`${op}: query, key and value must have the same dtype, got ${q.dtype}, ${k.dtype} and ${v.dtype}`);
  }
  const e = q.shape[q.ndim - 1], l = q.shape[q.ndim - 2], s = k.shape[k.ndim - 2];
  if (k.shape[k.ndim - 1] !== e) {
    throw new RangeError(`${op}: query of shape ${fmtShape(q.shape)} and key of shape ${fmtShape(k.shape)} must have the same last dim (${e} != ${k.shape[k.ndim - 1]})`);
  }
  if (v.shape[v.ndim - 2] !== s) {
    throw new RangeError(`${op}: key of shape ${fmtShape(k.shape)} and value of shape ${fmtShape(v.shape)} must have the same sequence length (dim -2: ${s} != ${v.shape[v.ndim - 2]})`);
  }
  const p = opts.dropoutP ?? 0;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropoutP must be in [0, 1], got ${p}`);
  if (opts.isCausal && opts.attnMask) throw new TypeError(`${op}: pass either attnMask or isCausal, not both`);
  let mask: Tensor | null = null;
  if (opts.attnMask) {
    mask = additiveMask(opts.attnMask, q.dtype, "keep", op, "attnMask");
    const scores = [...broadcastShapes(q.shape.slice(0, -2), k.shape.slice(0, -2), op), l, s];
    if (!broadcastsTo(mask.shape, scores)) {
      throw new RangeError(`${op}: attnMask of shape ${fmtShape(mask.shape)} cannot be broadcast to the attention scores' shape ${fmtShape(scores)}`);
    }
  } else if (opts.isCausal) {
    mask = additiveMask(causalMask(l, s), q.dtype, "keep", op, "attnMask");
  }
  const scale = opts.scale ?? 1 / Math.sqrt(e);
  const fused = fusedAttention(q, k, v, scale, mask, p);
  if (fused) return fused;
  return attend(q, k, v, mask, scale, p).output;
}
