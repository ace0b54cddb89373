import type { DType, TypedArray } from "../../tensor/dtype.js";
import { dtypeOfArray } from "../../tensor/dtype.js";
import { numel } from "../../tensor/shape.js";
import { splitAt } from "../js/norm.js";
import { normKernels as jsNorm } from "../js/norm.js";
import type { View } from "../kernels.js";
import type { AttentionGrads, AttentionResult, LayerNormGrads, LayerNormResult, NormKernels } from "../norm_kernels.js";
import { uninitialised } from "./pool.js";

/** What cpp/norm.cc adds to the addon's exports (all operands contiguous from their offset, one float dtype). */
interface NormAddon {
  softmax(out: TypedArray, x: TypedArray, xOff: number, outer: number, n: number, inner: number, log: boolean): void;
  softmaxBackward(out: TypedArray, y: TypedArray, yOff: number, g: TypedArray, gOff: number, outer: number, n: number, inner: number, log: boolean): void;
  layerNorm(y: TypedArray, mean: TypedArray, rstd: TypedArray, x: TypedArray, xOff: number, w: TypedArray | null, wOff: number,
    b: TypedArray | null, bOff: number, rows: number, n: number, eps: number): void;
  layerNormBackward(dx: TypedArray, dw: TypedArray | null, db: TypedArray | null, g: TypedArray, gOff: number, x: TypedArray, xOff: number,
    mean: TypedArray, mOff: number, rstd: TypedArray, rOff: number, w: TypedArray | null, wOff: number, rows: number, n: number): void;
}

/** The fused attention of cpp/norm.cc (meta: N, H, L, S, D, E, then offset and 4 strides per operand). */
interface AttentionAddon {
  attention(out: TypedArray, probs: TypedArray, q: TypedArray, k: TypedArray, v: TypedArray, meta: Float64Array, scale: number,
    mask: TypedArray | null, drop: TypedArray | null): void;
  attentionBackward(dq: TypedArray, dk: TypedArray, dv: TypedArray, q: TypedArray, k: TypedArray, v: TypedArray, probs: TypedArray,
    g: TypedArray, meta: Float64Array, scale: number, drop: TypedArray | null): void;
}

function hasAttention(addon: object): addon is AttentionAddon {
  const a = addon as Partial<AttentionAddon>;
  return typeof a.attention === "function" && typeof a.attentionBackward === "function";
}

/** The metadata of a fused attention call: the sizes, then each 4-D view's offset and strides (the 4th: mask or g). */
function attentionMeta(q: View, k: View, v: View, extra?: View | null): Float64Array {
  const views = extra ? [q, k, v, extra] : [q, k, v];
  const m = new Float64Array(6 + 5 * views.length);
  m.set([q.shape[0], q.shape[1], q.shape[2], k.shape[2], q.shape[3], v.shape[3]]);
  views.forEach((x, i) => m.set([x.offset, ...x.strides], 6 + 5 * i));
  return m;
}

/** Whether a loaded addon has the norm kernels (an addon built before them has not). */
function hasNorm(addon: object): addon is NormAddon {
  const a = addon as Partial<NormAddon>;
  return typeof a.softmax === "function" && typeof a.layerNormBackward === "function";
}

/** A new off-heap float array the addon fills entirely (V8 keeps tiny typed arrays on its heap, which N-API would move). */
function fresh(dtype: DType, n: number): TypedArray {
  const buf = uninitialised(Math.max(n, 1) * (dtype === "float64" ? 8 : 4));
  return dtype === "float64" ? new Float64Array(buf, 0, n) : new Float32Array(buf, 0, n);
}

/**
 * The native NormKernels over a loaded addon: operands that are not contiguous in the output
 * dtype are first copied with `copy` (the backend's own strided copy); calls over at most
 * `small` elements, and every call when the addon lacks the kernels, run on the js kernels.
 * @example const k = createNativeNormKernels(addon, nativeBackend.copy, 64); k.softmax(x, 1, false, "float32")
 */
export function createNativeNormKernels(addon: object, copy: (x: View, dt: DType) => TypedArray, small: number): NormKernels {
  if (!hasNorm(addon)) return jsNorm;
  const a = addon;
  const floating = (dt: DType) => dt === "float32" || dt === "float64";
  /** x as a contiguous array of `dtype` and the offset of its first element. */
  const dense = (x: View, dtype: DType): { data: TypedArray; off: number } => {
    let acc = 1, ok = dtypeOfArray(x.data) === dtype;
    for (let d = x.shape.length - 1; d >= 0 && ok; d--) {
      if (x.shape[d] !== 1 && x.strides[d] !== acc) ok = false;
      acc *= x.shape[d];
    }
    return ok ? { data: x.data, off: x.offset } : { data: copy(x, dtype), off: 0 };
  };

  const attn: Pick<NormKernels, "attention" | "attentionBackward"> = !hasAttention(addon) ? {} : {
    attention(q: View, k: View, v: View, scale: number, dtype: DType, mask?: View | null, drop?: TypedArray | null): AttentionResult {
      const [N, H, L] = q.shape, S = k.shape[2], E = v.shape[3];
      const out = fresh(dtype, N * L * H * E), probs = fresh(dtype, N * H * L * S);
      addon.attention(out, probs, q.data, k.data, v.data, attentionMeta(q, k, v, mask), scale, mask ? mask.data : null, drop ?? null);
      return { out, probs };
    },
    attentionBackward(q: View, k: View, v: View, probs: View, g: View, scale: number, dtype: DType, drop?: TypedArray | null): AttentionGrads {
      const [N, H, L, D] = q.shape, S = k.shape[2], E = v.shape[3];
      const dq = fresh(dtype, N * L * H * D), dk = fresh(dtype, N * S * H * D), dv = fresh(dtype, N * S * H * E);
      const p = dense(probs, dtype);
      addon.attentionBackward(dq, dk, dv, q.data, k.data, v.data, p.off === 0 ? p.data : p.data.subarray(p.off), g.data, attentionMeta(q, k, v, g), scale,
        drop ?? null);
      return { dq, dk, dv };
    },
  };

  return {
    ...attn,
    softmax(x: View, axis: number, log: boolean, outDtype: DType): TypedArray {
      const total = numel(x.shape);
      if (total <= small || !floating(outDtype)) return jsNorm.softmax(x, axis, log, outDtype);
      const [outer, n, inner] = splitAt(x.shape, axis);
      const out = fresh(outDtype, total);
      const d = dense(x, outDtype);
      a.softmax(out, d.data, d.off, outer, n, inner, log);
      return out;
    },

    softmaxBackward(y: View, g: View, axis: number, log: boolean, outDtype: DType): TypedArray {
      const total = numel(y.shape);
      if (total <= small || !floating(outDtype)) return jsNorm.softmaxBackward(y, g, axis, log, outDtype);
      const [outer, n, inner] = splitAt(y.shape, axis);
      const out = fresh(outDtype, total);
      const yd = dense(y, outDtype), gd = dense(g, outDtype);
      a.softmaxBackward(out, yd.data, yd.off, gd.data, gd.off, outer, n, inner, log);
      return out;
    },

    layerNorm(x: View, n: number, weight: View | null, bias: View | null, eps: number, outDtype: DType): LayerNormResult {
      const total = numel(x.shape);
      if (total <= small || n === 0 || !floating(outDtype)) return jsNorm.layerNorm(x, n, weight, bias, eps, outDtype);
      const rows = total / n;
      const y = fresh(outDtype, total), mean = fresh(outDtype, rows), rstd = fresh(outDtype, rows);
      const xd = dense(x, outDtype);
      const w = weight ? dense(weight, outDtype) : null, b = bias ? dense(bias, outDtype) : null;
      a.layerNorm(y, mean, rstd, xd.data, xd.off, w ? w.data : null, w ? w.off : 0, b ? b.data : null, b ? b.off : 0, rows, n, eps);
      return { y, mean, rstd };
    },

    layerNormBackward(g: View, x: View, mean: View, rstd: View, weight: View | null, n: number,
      needWeight: boolean, needBias: boolean, outDtype: DType): LayerNormGrads {
      const total = numel(x.shape);
      if (total <= small || n === 0 || !floating(outDtype)) {
        return jsNorm.layerNormBackward(g, x, mean, rstd, weight, n, needWeight, needBias, outDtype);
      }
      const rows = total / n;
      const dx = fresh(outDtype, total);
      const dweight = needWeight ? fresh(outDtype, n) : null, dbias = needBias ? fresh(outDtype, n) : null;
      const gd = dense(g, outDtype), xd = dense(x, outDtype), md = dense(mean, outDtype), rd = dense(rstd, outDtype);
      const w = weight ? dense(weight, outDtype) : null;
      a.layerNormBackward(dx, dweight, dbias, gd.data, gd.off, xd.data, xd.off, md.data, md.off, rd.data, rd.off,
        w ? w.data : null, w ? w.off : 0, rows, n);
      return { dx, dweight, dbias };
    },
  };
}
