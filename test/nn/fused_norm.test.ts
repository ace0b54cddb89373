// The fused softmax / logSoftmax / layerNorm ops and MultiheadAttention's packed self-attention
// path, checked where the other suites' small cases do not reach: inputs large enough that
// the native backend runs its own kernels (not the js ones it uses for tiny calls), gradients
// against finite differences to second order, and the self-attention path against the general
// one (the same module fed three distinct tensors of equal values).

import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

const F = nn.functional;
const g = new gl.Generator(11);
const rn = (shape: number[], scale = 1, shift = 0) => gl.randn(shape, { dtype: "float64", generator: g }).mul(scale).add(shift).requiresGrad_(true);

function check(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  expect(gl.autograd.gradcheck(fn, inputs)).toBe(true);
  expect(gl.autograd.gradgradcheck(fn, inputs)).toBe(true);
}

describe("fused normalisation ops on inputs past the small-call threshold (float64)", () => {
  it("softmax and logSoftmax along the last dim and an inner dim, to second order", () => {
    check((x) => x.softmax(-1).mul(gl.arange(0, 17, 1, { dtype: "float64" })), [rn([6, 17], 2)]);
    check((x) => x.logSoftmax(1).pow(2), [rn([3, 9, 4], 2)]);
  });

  it("layerNorm with and without affine parameters, to second order", () => {
    check((x, w, b) => F.layerNorm(x, [20], { weight: w, bias: b }).pow(2), [rn([5, 20], 2, 1), rn([20]), rn([20])]);
    check((x) => F.layerNorm(x, [3, 11]).pow(3), [rn([4, 3, 11], 1.5)]);
  });

  it("layerNorm gradients reach a transposed input and a weight alone", () => {
    check((a, b) => F.layerNorm(a.t(), [6], { weight: b }).mul(gl.linspace(-1, 1, 6, { dtype: "float64" })), [rn([6, 20]), rn([6])]);
  });

  it("crossEntropy through the fused logSoftmax, to second order", () => {
    const t = gl.randint(0, 10, [12], { generator: g });
    check((x) => F.crossEntropy(x, t), [rn([12, 10], 2)]);
  });
});

describe("MultiheadAttention: the packed self-attention path equals the general path", () => {
  const cases = [
    { name: "batch first", batchFirst: true, shape: [3, 7, 16] },
    { name: "sequence first", batchFirst: false, shape: [7, 3, 16] },
    { name: "unbatched", batchFirst: false, shape: [7, 16] },
  ];
  for (const c of cases) {
    it(`${c.name}: outputs, weights and gradients, with an attention mask and a padding mask`, () => {
      gl.manualSeed(3);
      const m = new nn.MultiheadAttention(16, 4, { batchFirst: c.batchFirst, dtype: "float64" });
      const L = 7;
      const pos = gl.arange(0, L, 1, { dtype: "int32" });
      const attnMask = pos.unsqueeze(0).gt(pos.unsqueeze(1)); // true above the diagonal: a future key
      const kpm = c.shape.length === 3 ? gl.tensor([[0, 0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1]]).bool() : null;
      const run = (same: boolean) => {
        const x = gl.randn(c.shape, { dtype: "float64", generator: new gl.Generator(5) }).requiresGrad_(true);
        for (const p of m.parameters()) p.grad = null;
        const k = same ? x : x.mul(1), v = same ? x : x.mul(1);
        const { output, weights } = m.forward(x, k, v, { attnMask, keyPaddingMask: kpm, averageAttnWeights: false });
        output.pow(2).sum().add(weights!.mul(weights!).sum()).backward();
        return { output, weights: weights!, dx: x.grad!, dp: m.parameters().map((p) => p.grad!) };
      };
      const fast = run(true), slow = run(false);
      const near = (a: Tensor, b: Tensor) => {
        expect(a.shape).toEqual(b.shape);
        expect(a.sub(b).abs().max().item()).toBeLessThanOrEqual(1e-12 + 1e-10 * b.abs().max().item());
      };
      expect(fast.output.shape).toEqual(slow.output.shape);
      near(fast.output, slow.output);
      near(fast.weights, slow.weights);
      near(fast.dx, slow.dx);
      fast.dp.forEach((d, i) => near(d, slow.dp[i]));
    });
  }

  it("second-order gradients through the packed path", () => {
    gl.manualSeed(4);
    const m = new nn.MultiheadAttention(8, 2, { batchFirst: true, dtype: "float64" });
    check((x) => m.forward(x, x, x, { needWeights: false }).output.pow(2), [rn([2, 3, 8])]);
  });
});
