// linear's weight gradient added straight into an existing .grad (the engine's gradSink): a
// plain backward with a .grad already there (zeroGrad's zeros, or an earlier backward's sum)
// accumulates the product in place, on every backend; anything that could observe the
// gradient on its way (a hook, autograd.grad, createGraph) gets the ordinary path. The values
// are the same either way: bit for bit over zeros, to rounding over an earlier gradient.

import { afterEach, describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { MatmulArgs } from "../../src/backend/kernels.js";
import { backend } from "../../src/backend/registry.js";
import * as nn from "../../src/nn/index.js";

const F = nn.functional;

/** Counts the backend's matmul calls that accumulate into an array, while installed. */
function countInto(): { calls: number; restore: () => void } {
  const b = backend() as unknown as { matmul: (...a: unknown[]) => unknown };
  const orig = b.matmul;
  const counter = {
    calls: 0,
    restore: () => { b.matmul = orig; },
  };
  b.matmul = (...a: unknown[]) => {
    if ((a[2] as MatmulArgs).into) counter.calls++;
    return orig.apply(b, a);
  };
  return counter;
}

let restore: (() => void) | null = null;
afterEach(() => { restore?.(); restore = null; });

function setup(dtype: "float32" | "float64") {
  const g = new gl.Generator(3);
  const x = gl.randn([37, 20], { dtype, generator: g });
  const w = gl.randn([30, 20], { dtype, generator: g }).requiresGrad_(true);
  const b = gl.randn([30], { dtype, generator: g }).requiresGrad_(true);
  const t = gl.randn([37, 30], { dtype, generator: g });
  const loss = (): Tensor => F.linear(x, w, b).sub(t).square().mean();
  return { x, w, b, t, loss };
}

const arr = (t: Tensor | null): number[] => Array.from(t!.contiguous().data as Float32Array | Float64Array);

describe("linear: the weight gradient accumulated in place into .grad", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`${dtype}: over zeroGrad's zeros it is bit-identical to a fresh gradient, and in place`, () => {
      const { w, loss } = setup(dtype);
      loss().backward();
      const fresh = arr(w.grad);
      const opt = new gl.optim.SGD([w], { lr: 0 });
      opt.zeroGrad();
      const gradBefore = w.grad!;
      const version = gradBefore._version;
      const c = countInto(); restore = c.restore;
      loss().backward();
      expect(c.calls).toBe(1);
      expect(w.grad).toBe(gradBefore); // the same tensor, written in place
      expect(w.grad!._version).toBeGreaterThan(version);
      expect(arr(w.grad)).toEqual(fresh);
    });

    it(`${dtype}: a second backward adds to the first (gradient accumulation), like the product added separately`, () => {
      const { x, w, b, t, loss } = setup(dtype);
      loss().backward();
      loss().backward();
      // The reference: the same gradient formula in float64, twice.
      const x64 = x.double(), w64 = w.detach().double(), t64 = t.double();
      const g = F.linear(x64, w64, null).add(b.detach().double()).sub(t64).mul(2 / (37 * 30));
      const want = g.t().matmul(x64).mul(2);
      const got = arr(w.grad), exp = arr(want);
      const tol = dtype === "float32" ? 1e-5 : 1e-12;
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - exp[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(exp[i])));
    });
  }

  it("is not used where the gradient can be observed: a hook, autograd.grad, createGraph, no .grad yet", () => {
    const { w, loss } = setup("float32");
    const c = countInto(); restore = c.restore;
    loss().backward(); // no .grad yet: the gradient itself becomes .grad
    expect(c.calls).toBe(0);
    const first = arr(w.grad);

    // A hook sees (and here doubles) the gradient before it is accumulated.
    const seen: number[] = [];
    const h = w.registerHook((g) => { seen.push(g.numel()); return g.mul(2); });
    loss().backward();
    expect(c.calls).toBe(0);
    expect(seen).toEqual([600]);
    arr(w.grad).forEach((v, i) => expect(v).toBeCloseTo(3 * first[i], 4));
    h.remove();

    // autograd.grad returns the gradient and leaves .grad alone.
    const before = arr(w.grad);
    const [gw] = gl.autograd.grad(loss(), [w]);
    expect(c.calls).toBe(0);
    expect(arr(w.grad)).toEqual(before);
    arr(gw).forEach((v, i) => expect(v).toBeCloseTo(first[i], 5));

    // createGraph: the gradient keeps its graph.
    w.grad = null;
    loss().backward(null, { createGraph: true });
    loss().backward(null, { createGraph: true });
    expect(c.calls).toBe(0);
    expect(w.grad!.requiresGrad).toBe(true);
  });

  it("a weight used twice (tied) gets both contributions", () => {
    const g = new gl.Generator(4);
    const x = gl.randn([9, 6], { generator: g });
    const w = gl.randn([6, 6], { generator: g }).requiresGrad_(true);
    const f = (): Tensor => F.linear(F.linear(x, w).tanh(), w).sum();
    f().backward();
    const once = arr(w.grad);
    const c = countInto(); restore = c.restore;
    f().backward();
    expect(c.calls).toBe(2);
    arr(w.grad).forEach((v, i) => expect(v).toBeCloseTo(2 * once[i], 4));
  });

  it("trains an MLP to the same weights as with the gradient set to none each step", () => {
    const run = (setToNone: boolean): number[] => {
      gl.manualSeed(11);
      const net = new nn.Sequential(new nn.Linear(12, 16), new nn.ReLU(), new nn.Linear(16, 3));
      const opt = new gl.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
      const g = new gl.Generator(5);
      const x = gl.randn([32, 12], { generator: g }), y = gl.randint(0, 3, [32], { generator: g });
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad({ setToNone });
        F.crossEntropy(net.forward(x), y).backward();
        opt.step();
      }
      return net.parameters().flatMap((p) => arr(p));
    };
    // Zero-filled gradients take the in-place path from the second step on; the sums are the
    // same bit for bit (0 + s = s).
    expect(run(false)).toEqual(run(true));
  });
});
