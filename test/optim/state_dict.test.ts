// Optimizer stateDict / loadStateDict: PyTorch's structure, and a mid-run save/load that
// continues on the PyTorch trajectory.
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as optim from "../../src/optim/index.js";
import { buildOptimizer, fixture, flat, freshParams, isMaximize, loss, relErr, trainStep } from "./problem.js";
import type { Problem } from "./problem.js";

describe("optimizer stateDict", () => {
  it("has PyTorch 1.13's structure (Adam, two groups, u without gradient)", () => {
    const params = freshParams();
    const opt = new optim.Adam([{ params: [params.W], amsgrad: true }, { params: [params.b, params.u], lr: 0.1 }]);
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      loss(params).backward();
      opt.step();
    }
    const sd = opt.stateDict();
    const shape: Record<string, Record<string, number | number[]>> = {};
    for (const [k, s] of Object.entries(sd.state)) {
      shape[k] = Object.fromEntries(Object.entries(s).map(([n, v]) => [n, v instanceof gl.Tensor ? [...v.shape] : (v as number)]));
    }
    expect(shape).toEqual(fixture.stateDict.state);
    expect(sd.paramGroups).toEqual(fixture.stateDict.paramGroups);
  });

  const cases = ["adam amsgrad", "sgd param groups", "rmsprop centered momentum", "adagrad maximize groups"];
  for (const name of cases) {
    it(`${name}: save at step 100, load into a fresh optimizer, continue on PyTorch's trajectory`, () => {
      const run = fixture.runs.find((r) => r.name === name)!;
      const params = freshParams();
      const opt = buildOptimizer(run, params);
      const maximize = isMaximize(opt);
      for (let i = 0; i < 100; i++) trainStep(opt, params, maximize);
      const sd = opt.stateDict();
      // Fresh tensors holding the same values, and a fresh optimizer over them.
      const copy: Problem = { W: params.W.detach().clone().requiresGrad_(), b: params.b.detach().clone().requiresGrad_(), u: params.u.detach().clone().requiresGrad_() };
      const resumed = buildOptimizer({ ...run, defaults: { ...run.defaults, lr: 123 } }, copy);
      resumed.loadStateDict(sd);
      expect(resumed.paramGroups.map((g) => g.lr)).toEqual(opt.paramGroups.map((g) => g.lr));
      for (let i = 100; i < fixture.steps; i++) {
        trainStep(opt, params, maximize);
        trainStep(resumed, copy, maximize);
        // loadStateDict copied the buffers, so the two runs cannot disturb each other.
        expect(flat(copy)).toEqual(flat(params));
        expect(relErr(flat(copy), run.trajectory[i])).toBeLessThan(1e-9);
      }
    });
  }

  it("loadStateDict casts floating state to the parameter's dtype, but not the step", () => {
    const w64 = gl.tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const opt64 = new optim.Adam([w64]);
    w64.grad = gl.tensor([0.5, -0.5], { dtype: "float64" });
    opt64.step();
    const w32 = gl.tensor([1, 2], { requiresGrad: true });
    const opt32 = new optim.Adam([w32]);
    opt32.loadStateDict(opt64.stateDict());
    const s = opt32.state.get(w32)!;
    expect((s.expAvg as gl.Tensor).dtype).toBe("float32");
    expect(s.step).toBe(1);
    expect(s.expAvg).not.toBe(opt64.state.get(w64)!.expAvg);
  });

  it("refuses a state dict of another layout", () => {
    const [a, b] = [gl.zeros([2], { requiresGrad: true }), gl.zeros([3], { requiresGrad: true })];
    const two = new optim.SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 });
    const one = new optim.SGD([a, b], { lr: 0.1 });
    expect(() => one.loadStateDict(two.stateDict())).toThrow("SGD.loadStateDict: loaded state dict has 2 parameter groups, the optimizer has 1");
    const other = new optim.SGD([{ params: [a, b] }, { params: [gl.zeros([1], { requiresGrad: true })] }], { lr: 0.1 });
    expect(() => two.loadStateDict(other.stateDict())).toThrow(/doesn't match the size of optimizer's group \(group 0: 2 saved, 1 here\)/);
  });
});
