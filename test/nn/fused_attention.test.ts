// The fused attention op (softmax((q * scale) k^T) v as one node over the backend's kernel,
// no mask, no dropout): on a backend that has the kernel it must give exactly what the
// composed ops give, forward and backward, on 1 and 2 threads, with gradients right to second
// order; a backend without it (js) must decline, so the composed ops run. MultiheadAttention
// and TransformerEncoderLayer take it when no weights are asked for.

import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { backend } from "../../src/backend/registry.js";
import * as nn from "../../src/nn/index.js";
import { attend, fusedAttention } from "../../src/nn/functional/attention.js";

const F = nn.functional;
const hasKernel = typeof backend().attention === "function";

/** q, k, v as views of one [N, L, 3 * H * D] projection, as MultiheadAttention's self-attention makes them. */
function projected(N: number, L: number, H: number, D: number, dtype: "float32" | "float64", seed: number): Tensor {
  return gl.randn([N, L, 3 * H * D], { dtype, generator: new gl.Generator(seed) });
}
const heads = (x: Tensor, i: number, H: number, D: number) => x.narrow(2, i * H * D, H * D).reshape([x.shape[0], x.shape[1], H, D]).permute([0, 2, 1, 3]);

/** Output and the projection's gradient, through the fused op or the composed ops. */
function run(x0: Tensor, H: number, D: number, fused: boolean, mask: Tensor | null = null, p = 0): { out: Float32Array | Float64Array; grad: Float32Array | Float64Array } {
  const x = x0.detach().requiresGrad_(true);
  const q = heads(x, 0, H, D), k = heads(x, 1, H, D), v = heads(x, 2, H, D);
  const scale = 1 / Math.sqrt(D);
  gl.manualSeed(7); // the same dropout draws on both paths
  const o = fused ? fusedAttention(q, k, v, scale, mask, p) : attend(q, k, v, mask, scale, p).output;
  if (!o) throw new Error("the fused op declined");
  const go = gl.randn(o.shape, { dtype: x.dtype, generator: new gl.Generator(99) });
  o.backward(go);
  return { out: o.contiguous().data.slice() as Float32Array, grad: x.grad!.data.slice() as Float32Array };
}

function identical(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  return a.length === b.length ? bad : -1;
}

describe("fused attention", () => {
  if (hasKernel) {
    it("equals the composed ops bit for bit, forward and backward, float32 and float64, 1 and 2 threads", () => {
      const before = gl.getNumThreads();
      try {
        for (const threads of [1, 2]) {
          gl.setNumThreads(threads);
          for (const dtype of ["float32", "float64"] as const) {
            for (const [N, L, H, D] of [[16, 64, 4, 32], [3, 37, 2, 12]] as const) {
              const x = projected(N, L, H, D, dtype, N + L);
              // Additive masks as the callers build them: causal [L, L], key padding [N, 1, 1, L], a float [N, H, L, L].
              const above = gl.arange(0, L).reshape([L, 1]).lt(gl.arange(0, L).reshape([1, L])); // j > i
              const causal = gl.where(above, -Infinity, 0).to(dtype);
              const padding = gl.where(gl.arange(0, L).ge(L - 3).reshape([1, 1, 1, L]).expand([N, 1, 1, L]), -Infinity, 0).to(dtype);
              const float = gl.randn([N, H, L, L], { dtype, generator: new gl.Generator(4) });
              const cases = [["no mask", null, 0], ["causal", causal, 0], ["padding", padding, 0], ["float", float, 0], ["dropout 0.3", null, 0.3], ["causal, dropout 0.1", causal, 0.1]] as const;
              for (const [name, mask, p] of cases) {
                const a = run(x, H, D, false, mask, p), b = run(x, H, D, true, mask, p);
                expect([identical(a.out, b.out), identical(a.grad, b.grad)], `${dtype} ${threads}t [${N},${L},${H},${D}] ${name}`).toEqual([0, 0]);
              }
            }
          }
        }
      } finally {
        gl.setNumThreads(before);
      }
    });
  } else {
    it("is declined by a backend without the kernel, so the composed ops run", () => {
      const x = projected(16, 64, 4, 32, "float32", 1);
      expect(fusedAttention(heads(x, 0, 4, 32), heads(x, 1, 4, 32), heads(x, 2, 4, 32), 0.2)).toBeNull();
    });
  }

  it("declines what it does not cover: small calls, broadcast batch dims, mixed dtypes, other ranks", () => {
    const q = gl.randn([1, 1, 8, 4]), k = gl.randn([1, 1, 8, 4]);
    expect(fusedAttention(q, k, k, 0.5)).toBeNull(); // 64 scores: the composed ops
    const big = gl.randn([2, 2, 40, 8]);
    expect(fusedAttention(big, gl.randn([1, 2, 40, 8]).expand([2, 2, 40, 8]).narrow(0, 0, 1), big, 0.5)).toBeNull();
    expect(fusedAttention(big, big.to("float64"), big, 0.5)).toBeNull();
    expect(fusedAttention(big.reshape([4, 40, 8]), big.reshape([4, 40, 8]), big.reshape([4, 40, 8]), 0.5)).toBeNull();
    // A mask that needs its own gradient, or that does not broadcast: the composed ops.
    expect(fusedAttention(big, big, big, 0.5, gl.zeros([40, 40]).requiresGrad_(true))).toBeNull();
    expect(fusedAttention(big, big, big, 0.5, gl.zeros([3, 40, 40]))).toBeNull();
  });

  it("has gradients right to second order (float64, finite differences)", () => {
    const g = new gl.Generator(5);
    const rn = (shape: number[]) => gl.randn(shape, { dtype: "float64", generator: g }).requiresGrad_(true);
    // 2 x 48 x 48 = 4608 scores: past the threshold, so on native this is the fused node.
    const fn = (q: Tensor, k: Tensor, v: Tensor) => F.scaledDotProductAttention(q, k, v).pow(2);
    const inputs = [rn([1, 2, 48, 3]), rn([1, 2, 48, 3]), rn([1, 2, 48, 2])];
    expect(gl.autograd.gradcheck(fn, inputs)).toBe(true);
    expect(gl.autograd.gradgradcheck(fn, inputs)).toBe(true);
    const causal = (q: Tensor, k: Tensor, v: Tensor) => F.scaledDotProductAttention(q, k, v, { isCausal: true }).pow(2);
    expect(gl.autograd.gradcheck(causal, inputs)).toBe(true);
    expect(gl.autograd.gradgradcheck(causal, inputs)).toBe(true);
    // Dropout: the same draws on every call (reseeded), so the function is deterministic.
    const dropped = (q: Tensor, k: Tensor, v: Tensor) => {
      gl.manualSeed(3);
      return F.scaledDotProductAttention(q, k, v, { dropoutP: 0.3 }).pow(2);
    };
    expect(gl.autograd.gradcheck(dropped, inputs)).toBe(true);
    expect(gl.autograd.gradgradcheck(dropped, inputs)).toBe(true);
  });

  it("is what MultiheadAttention and TransformerEncoderLayer run when no weights are asked for, with the same results", () => {
    gl.manualSeed(3);
    const mha = new nn.MultiheadAttention(32, 4, { batchFirst: true });
    const x = gl.randn([6, 30, 32]);
    const withWeights = mha.forward(x, x, x).output; // the composed path (weights needed)
    const fused = mha.forward(x, x, x, { needWeights: false }).output;
    expect(identical(withWeights.contiguous().data, fused.contiguous().data)).toBe(0);
    const grads = (needWeights: boolean) => {
      mha.zeroGrad();
      mha.forward(x, x, x, { needWeights }).output.pow(2).sum().backward();
      return mha.in_proj_weight!.grad!.data.slice();
    };
    expect(identical(grads(true), grads(false))).toBe(0);
    // With a key padding mask and a causal attention mask, the same.
    const keyPaddingMask = gl.arange(0, 30).ge(26).reshape([1, 30]).expand([6, 30]);
    const attnMask = gl.arange(0, 30).reshape([30, 1]).lt(gl.arange(0, 30).reshape([1, 30])); // true above the diagonal: masked
    const masked = (needWeights: boolean) => mha.forward(x, x, x, { needWeights, keyPaddingMask, attnMask }).output.contiguous().data;
    expect(identical(masked(true), masked(false))).toBe(0);
    // Training with dropout on the weights: the same draws, so the same output, and the generator
    // left in the same state for whatever draws next.
    const withDropout = new nn.MultiheadAttention(32, 4, { batchFirst: true, dropout: 0.2 });
    const trained = (needWeights: boolean) => {
      gl.manualSeed(8);
      const out = withDropout.forward(x, x, x, { needWeights }).output.contiguous().data;
      return [out, gl.rand([4]).data];
    };
    const [o1, r1] = trained(true), [o2, r2] = trained(false);
    expect([identical(o1, o2), identical(r1, r2)]).toEqual([0, 0]);
    const layer = new nn.TransformerEncoderLayer(32, 4, { dimFeedforward: 64, dropout: 0, batchFirst: true });
    const y = layer.forward(x);
    expect(y.shape).toEqual([6, 30, 32]);
    expect(y.isContiguous()).toBe(true);
  });
});
