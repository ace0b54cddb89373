import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";

// A leaf's first gradient may take the memory of the gradient the engine computed instead of
// a copy (as PyTorch does when nothing else holds it). These check that it never takes memory
// that something else can still see: another leaf, the caller's gradient, a hook's capture, a
// retained gradient.

const vals = (t: gl.Tensor): number[] => Array.from(t.dataSync() as Float32Array);

describe("leaf gradients own their memory", () => {
  it("two leaves fed the same gradient tensor get separate storage", () => {
    const a = gl.tensor([1, 2, 3], { requiresGrad: true });
    const b = gl.tensor([4, 5, 6], { requiresGrad: true });
    // mul's backward makes one fresh gradient; add's backward hands that same tensor to both.
    a.add(b).mul(2).sum().backward();
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
    gl.noGrad(() => a.grad!.mul_(10));
    expect(vals(b.grad!)).toEqual([2, 2, 2]);
    // A second backward accumulates into each exactly once.
    a.add(b).mul(2).sum().backward();
    expect(vals(a.grad!)).toEqual([22, 22, 22]);
    expect(vals(b.grad!)).toEqual([4, 4, 4]);
  });

  it("the caller's gradient is never taken", () => {
    const a = gl.tensor([1, 2, 3], { requiresGrad: true });
    const g = gl.tensor([1, 1, 1]);
    a.add(0).backward(g);
    expect(a.grad!.storage).not.toBe(g.storage);
    gl.noGrad(() => g.fill_(7));
    expect(vals(a.grad!)).toEqual([1, 1, 1]);
  });

  it("a gradient a hook has seen is never taken", () => {
    const a = gl.tensor([1, 2, 3], { requiresGrad: true });
    const mid = a.add(0); // add's backward hands the hooked gradient straight to a
    let seen: gl.Tensor | null = null;
    mid.registerHook((g) => { seen = g; });
    mid.mul(2).sum().backward();
    expect(a.grad!.storage).not.toBe(seen!.storage);
    gl.noGrad(() => seen!.fill_(0));
    expect(vals(a.grad!)).toEqual([2, 2, 2]);
  });

  it("a retained gradient and a leaf gradient do not share memory", () => {
    const a = gl.tensor([1, 2, 3], { requiresGrad: true });
    const mid = a.add(0);
    mid.retainGrad();
    mid.mul(2).sum().backward();
    expect(a.grad!.storage).not.toBe(mid.grad!.storage);
    gl.noGrad(() => mid.grad!.zero_());
    expect(vals(a.grad!)).toEqual([2, 2, 2]);
  });

  it("training with gradients set to null between steps matches training with zeroed gradients", () => {
    gl.manualSeed(3);
    const x = gl.randn([16, 5]), y = gl.randn([16, 2]);
    const run = (setToNone: boolean): number[] => {
      gl.manualSeed(4);
      const model = new gl.nn.Sequential(new gl.nn.Linear(5, 8), new gl.nn.ReLU(), new gl.nn.Linear(8, 2));
      const opt = new gl.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const losses: number[] = [];
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad({ setToNone });
        const loss = gl.nn.functional.mseLoss(model.forward(x), y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      return losses;
    };
    expect(run(true)).toEqual(run(false));
  });
});
