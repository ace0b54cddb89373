import { afterEach, describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { backend } from "../../src/backend/registry.js";
import { POOL_MIN_BYTES, recycle, recycleStats, setRecycling } from "../../src/backend/native/pool.js";

// The engine gives the memory of its own gradient temporaries back to the backend once the
// last of its references is consumed (src/autograd/engine.ts, Recycler). These check that it
// never gives back memory something else can still see, and that gradients come out exactly
// the same with and without it. Only the native backend keeps a pool; on js the same
// gradients must come out and nothing is recycled.

const native = backend().recycle !== undefined;
const big = [64, 512]; // 128 KB of float32: above the pool's minimum
const snapshot = (t: gl.Tensor): Float32Array => Float32Array.from(t.dataSync() as Float32Array);
const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

afterEach(() => {
  setRecycling(true);
});

/** Runs `fn` with recycling on or off; returns what it returned and how many buffers were recycled. */
function withRecycling<T>(on: boolean, fn: () => T): { value: T; recycled: number } {
  setRecycling(on);
  const before = recycleStats().recycled;
  const value = fn();
  return { value, recycled: recycleStats().recycled - before };
}

/** A few training steps of a small MLP whose gradients pass the pool's minimum; returns every parameter gradient of the last step. */
function trainSteps(steps: number): Float32Array[] {
  gl.manualSeed(3);
  const model = new gl.nn.Sequential(new gl.nn.Linear(512, 256), new gl.nn.ReLU(), new gl.nn.Linear(256, 512));
  const opt = new gl.optim.SGD(model.parameters(), { lr: 0.01 });
  const x = gl.randn(big), y = gl.randn(big);
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    gl.nn.functional.mseLoss(model.forward(x), y).backward();
    opt.step();
  }
  return model.parameters().map((p) => snapshot(p.grad!));
}

describe("the engine recycles only gradient memory nothing else can see", () => {
  it("gives bit-identical gradients with and without recycling, and recycles on the native backend", () => {
    const on = withRecycling(true, () => trainSteps(4));
    const off = withRecycling(false, () => trainSteps(4));
    expect(on.value.every((g, i) => same(g, off.value[i]))).toBe(true);
    expect(off.recycled).toBe(0);
    if (native) expect(on.recycled).toBeGreaterThan(4);
    else expect(on.recycled).toBe(0);
  });

  it("keeps a gradient alive while a rule's view of it is still pending (reshape, expand, add to two consumers)", () => {
    const run = (): Float32Array[] => {
      gl.manualSeed(5);
      const p = gl.randn(big, { requiresGrad: true });
      const q = gl.randn(big, { requiresGrad: true });
      // add's backward hands one gradient to both products; reshape's backward passes views on.
      const a = p.mul(2).reshape([512, 64]), b = q.mul(3).reshape([512, 64]);
      const s = a.add(b);
      s.mul(s).reshape([64, 512]).t().sum().backward();
      return [snapshot(p.grad!), snapshot(q.grad!)];
    };
    const on = withRecycling(true, run), off = withRecycling(false, run);
    expect(same(on.value[0], off.value[0]) && same(on.value[1], off.value[1])).toBe(true);
  });

  /** Heavy work after backward: new outputs of the sizes just recycled, which would reuse their memory. */
  const churn = (): void => {
    const w = gl.randn(big, { requiresGrad: true });
    w.mul(w).mul(3).sum().backward();
    gl.randn(big).mul(2).add(1);
  };

  it("never recycles a gradient a hook kept", () => {
    const p = gl.randn(big, { requiresGrad: true });
    const mid = p.mul(2);
    let kept: gl.Tensor | null = null;
    let atHook: Float32Array | null = null;
    mid.registerHook((g) => { kept = g; atHook = snapshot(g); });
    mid.mul(mid).sum().backward();
    churn();
    expect(kept!.data.length).toBe(64 * 512);
    expect(same(snapshot(kept!), atHook!)).toBe(true);
  });

  it("never recycles a retained gradient", () => {
    const p = gl.randn(big, { requiresGrad: true });
    const mid = p.mul(2);
    mid.retainGrad();
    mid.mul(mid).sum().backward();
    const first = snapshot(mid.grad!);
    churn();
    expect(same(snapshot(mid.grad!), first)).toBe(true);
  });

  it("never recycles gradients built with createGraph or returned by autograd.grad", () => {
    const p = gl.randn(big, { requiresGrad: true });
    const [g1] = gl.autograd.grad(p.mul(p).mul(p).sum(), [p], { createGraph: true });
    const g1Values = snapshot(g1!);
    const q = gl.randn(big, { requiresGrad: true });
    const [g2] = gl.autograd.grad(q.mul(q).mul(2).sum(), [q]);
    const g2Values = snapshot(g2!);
    churn();
    expect(same(snapshot(g1!), g1Values)).toBe(true);
    expect(same(snapshot(g2!), g2Values)).toBe(true);
  });

  it("never recycles a gradient a leaf took, over several backward passes", () => {
    const p = gl.randn(big, { requiresGrad: true });
    p.mul(p).mul(2).sum().backward();
    const first = snapshot(p.grad!);
    for (let i = 0; i < 3; i++) churn();
    expect(p.grad!.data.length).toBe(64 * 512);
    expect(same(snapshot(p.grad!), first)).toBe(true);
  });
});

describe("the pool", () => {
  it("detaches every view of a recycled buffer; the next output of that size reuses it (native)", () => {
    const t = gl.randn(big);
    const data = t.data, view = data.subarray(5);
    expect(recycle(data)).toBe(true);
    expect(data.length).toBe(0);
    expect(view.length).toBe(0);
    const before = recycleStats().reused;
    gl.randn(big).mul(2);
    expect(recycleStats().reused - before).toBe(native ? 1 : 0);
  });

  it("a tensor whose memory the engine recycled fails loudly, large or small, on any backend", () => {
    const t = gl.randn(big);
    const small = t.narrow(0, 0, 1).narrow(1, 0, 4); // small enough for the js kernels
    const recycled = gl.randn(big);
    recycled.storage.recycled = true; // what the engine marks when it gives memory back
    t.storage.recycled = true;
    expect(() => small.mul(2)).toThrow(/recycled by the autograd engine/);
    expect(() => t.mul(2)).toThrow(/recycled by the autograd engine/);
    expect(() => recycled.dataSync()).toThrow(/recycled by the autograd engine/);
  });

  it("keeps only large arrays that span their whole buffer", () => {
    const small = new Float32Array(POOL_MIN_BYTES / 4 - 1);
    expect(recycle(small)).toBe(false);
    expect(small.length).toBe(POOL_MIN_BYTES / 4 - 1);
    const whole = new Float32Array(POOL_MIN_BYTES / 2);
    const part = whole.subarray(1);
    expect(recycle(part)).toBe(false);
    expect(whole.length).toBe(POOL_MIN_BYTES / 2);
    setRecycling(false);
    expect(recycle(whole)).toBe(false);
    expect(whole.length).toBe(POOL_MIN_BYTES / 2);
  });
});
