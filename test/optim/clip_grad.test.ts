// clipGradNorm_ / clipGradValue_ against torch.nn.utils (1.13) on the fixed problem's
// gradients at its initial point (tools/oracle/gen_optim.py).
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { clipGradNorm_, clipGradValue_ } from "../../src/optim/index.js";
import { fixture, freshParams, loss, relErr } from "./problem.js";

describe("clipGradNorm_", () => {
  for (const c of fixture.clip.norm) {
    it(`maxNorm ${c.maxNorm}, normType ${c.normType}`, () => {
      const p = freshParams();
      loss(p).backward();
      const total = clipGradNorm_([p.W, p.b, p.u], c.maxNorm, { normType: c.normType });
      expect(total.shape).toEqual([]);
      expect(relErr([total.item()], [c.totalNorm])).toBeLessThan(1e-12);
      expect(relErr([...p.W.grad!.tolist(), ...p.b.grad!.tolist()], [...c.grads.W, ...c.grads.b])).toBeLessThan(1e-12);
      expect(p.u.grad).toBeNull();
    });
  }

  it("returns 0 without gradients; takes a single tensor", () => {
    expect(clipGradNorm_([gl.zeros([2], { requiresGrad: true })], 1).item()).toBe(0);
    const w = gl.tensor([3, 4], { requiresGrad: true });
    w.grad = gl.tensor([3, 4]);
    expect(clipGradNorm_(w, 1).item()).toBe(5);
    expect(w.grad.tolist().map((v) => +v.toFixed(5))).toEqual([0.6, 0.8]);
  });

  it("errorIfNonfinite and bad normType", () => {
    const w = gl.tensor([1, 1], { requiresGrad: true });
    w.grad = gl.tensor([Infinity, 1]);
    expect(() => clipGradNorm_([w], 1, { errorIfNonfinite: true })).toThrow(/clipGradNorm_: the total norm of order 2 for gradients from parameters is non-finite \(Infinity\)/);
    expect(() => clipGradNorm_([w], 1, { normType: 0 })).toThrow("clipGradNorm_: normType must be a positive number or Infinity, got 0");
  });
});

describe("clipGradValue_", () => {
  it(`clipValue ${fixture.clip.value.clipValue}`, () => {
    const p = freshParams();
    loss(p).backward();
    clipGradValue_([p.W, p.b, p.u], fixture.clip.value.clipValue);
    const got = [...p.W.grad!.tolist(), ...p.b.grad!.tolist()];
    const want = [...fixture.clip.value.grads.W, ...fixture.clip.value.grads.b];
    expect(relErr(got, want)).toBeLessThan(1e-12);
    // Clamped entries are exactly the bound.
    want.forEach((v, i) => { if (Math.abs(v) === 0.4) expect(got[i]).toBe(v); });
    expect(want.filter((v) => Math.abs(v) === 0.4).length).toBeGreaterThan(0);
  });
});
