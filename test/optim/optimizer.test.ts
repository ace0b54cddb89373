// The Optimizer base: zeroGrad, step with a closure, skipped parameters, param groups,
// and the argument checks (messages after PyTorch 1.13's, naming the optimizer).
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as optim from "../../src/optim/index.js";

const leaf = (v: number[], dtype: gl.DType = "float32") => gl.tensor(v, { dtype, requiresGrad: true });

describe("Optimizer", () => {
  it("zeroGrad zero-fills by default (PyTorch 1.13) and sets null with setToNone", () => {
    const w = leaf([1, 2]);
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.mul(w).sum().backward();
    const g = w.grad!;
    opt.zeroGrad();
    expect(w.grad).toBe(g);
    expect(g.tolist()).toEqual([0, 0]);
    opt.zeroGrad({ setToNone: true });
    expect(w.grad).toBeNull();
  });

  it("step runs the closure with grad enabled, returns its loss, and records no graph", () => {
    const w = leaf([1, -2]);
    const opt = new optim.SGD([w], { lr: 0.25 });
    const l = gl.noGrad(() => opt.step(() => {
      opt.zeroGrad();
      const out = w.mul(w).sum();
      out.backward();
      return out;
    }));
    expect(l!.item()).toBe(5);
    expect(w.tolist()).toEqual([0.5, -1]); // w - 0.25 * 2w
    expect(w.isLeaf).toBe(true);
    expect(w.gradFn).toBeNull();
    expect(w.requiresGrad).toBe(true);
  });

  it("skips parameters whose grad is null and creates no state for them", () => {
    const [a, b] = [leaf([1]), leaf([1])];
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    a.grad = gl.tensor([1]);
    opt.step();
    expect(b.tolist()).toEqual([1]);
    expect(opt.state.has(b)).toBe(false);
    expect(a.item()).toBeCloseTo(0.9, 6);
    expect(opt.state.get(a)!.step).toBe(1);
  });

  it("keeps float32 parameters and buffers in float32", () => {
    const w = leaf([1, 2]);
    const opt = new optim.RMSprop([w], { momentum: 0.9, centered: true });
    w.grad = gl.tensor([0.1, 0.2]);
    opt.step();
    expect(w.dtype).toBe("float32");
    for (const v of Object.values(opt.state.get(w)!)) if (v instanceof gl.Tensor) expect(v.dtype).toBe("float32");
  });

  it("resolves group options from the defaults; lr edits in paramGroups take effect", () => {
    const [a, b] = [leaf([0]), leaf([0])];
    const opt = new optim.SGD([{ params: [a], lr: 1 }, { params: b }], { lr: 0.5, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.nesterov])).toEqual([[1, 0.9, false], [0.5, 0.9, false]]);
    expect(opt.defaults).toMatchObject({ lr: 0.5, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    opt.paramGroups[1].lr = 2;
    a.grad = gl.tensor([1]); b.grad = gl.tensor([1]);
    opt.step();
    expect([a.item(), b.item()]).toEqual([-1, -2]);
  });

  it("addParamGroup adds a group with the defaults (Adagrad fills its accumulators)", () => {
    const [a, b] = [leaf([1]), leaf([1])];
    const opt = new optim.Adagrad([a], { initialAccumulatorValue: 0.5 });
    opt.addParamGroup({ params: [b], lr: 0.1 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.1, lrDecay: 0, eps: 1e-10, initialAccumulatorValue: 0.5 });
    expect((opt.state.get(b)!.sum as gl.Tensor).tolist()).toEqual([0.5]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow("Adagrad: some parameters appear in more than one parameter group");
  });

  it("PyTorch's defaults", () => {
    const w = () => [leaf([0])];
    expect(new optim.Adam(w()).defaults).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    expect(new optim.AdamW(w()).defaults).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false });
    expect(new optim.RMSprop(w()).defaults).toMatchObject({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false });
    expect(new optim.Adagrad(w()).defaults).toMatchObject({ lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 });
  });
});

describe("optimizer argument errors", () => {
  const w = () => leaf([1, 2]);
  const cases: [string, () => unknown, string | RegExp][] = [
    ["negative lr", () => new optim.SGD([w()], { lr: -0.1 }), "SGD: invalid learning rate: -0.1 (expected lr >= 0)"],
    ["missing lr", () => new optim.SGD([w()]), "SGD: parameter group didn't specify a value of required optimization parameter lr in param group 0"],
    ["negative momentum", () => new optim.SGD([w()], { lr: 0.1, momentum: -1 }), "SGD: invalid momentum value: -1 (expected momentum >= 0)"],
    ["negative weight decay", () => new optim.SGD([w()], { lr: 0.1, weightDecay: -1 }), "SGD: invalid weightDecay value: -1 (expected weightDecay >= 0)"],
    ["nesterov without momentum", () => new optim.SGD([w()], { lr: 0.1, nesterov: true }), "SGD: Nesterov momentum requires a momentum and zero dampening (got momentum 0, dampening 0)"],
    ["nesterov with dampening", () => new optim.SGD([w()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), "SGD: Nesterov momentum requires a momentum and zero dampening (got momentum 0.9, dampening 0.1)"],
    ["beta1 = 1", () => new optim.Adam([w()], { betas: [1, 0.999] }), "Adam: invalid beta parameter at index 0: 1 (expected 0 <= betas[0] < 1)"],
    ["negative beta2", () => new optim.AdamW([w()], { betas: [0.9, -0.1] }), "AdamW: invalid beta parameter at index 1: -0.1 (expected 0 <= betas[1] < 1)"],
    ["negative eps", () => new optim.Adam([w()], { eps: -1 }), "Adam: invalid epsilon value: -1 (expected eps >= 0)"],
    ["negative lr AdamW", () => new optim.AdamW([w()], { lr: -1 }), "AdamW: invalid learning rate: -1 (expected lr >= 0)"],
    ["negative alpha", () => new optim.RMSprop([w()], { alpha: -0.5 }), "RMSprop: invalid alpha value: -0.5 (expected alpha >= 0)"],
    ["negative RMSprop momentum", () => new optim.RMSprop([w()], { momentum: -0.5 }), "RMSprop: invalid momentum value: -0.5 (expected momentum >= 0)"],
    ["negative lrDecay", () => new optim.Adagrad([w()], { lrDecay: -1 }), "Adagrad: invalid lrDecay value: -1 (expected lrDecay >= 0)"],
    ["negative accumulator", () => new optim.Adagrad([w()], { initialAccumulatorValue: -1 }), "Adagrad: invalid initialAccumulatorValue value: -1"],
    ["bad group override", () => new optim.Adam([{ params: [w()] }, { params: [w()], lr: -1 }]), "Adam: invalid learning rate: -1 in param group 1 (expected lr >= 0)"],
    ["param in two groups", () => { const t = w(); return new optim.SGD([{ params: [t] }, { params: [t] }], { lr: 1 }); }, "SGD: some parameters appear in more than one parameter group"],
    ["duplicate param", () => { const t = w(); return new optim.SGD([t, t], { lr: 1 }); }, /SGD: a param group contains the same parameter more than once in param group 0/],
    ["non-tensor param", () => new optim.SGD([w(), 3 as unknown as gl.Tensor], { lr: 1 }), "SGD: optimizer can only optimize Tensors, but params[1] in param group 0 is a number"],
    ["a bare tensor", () => new optim.Adam(w() as unknown as gl.Tensor[]), /Adam: params argument given to the optimizer should be an iterable of Tensors or param groups, but got a Tensor/],
    ["empty list", () => new optim.RMSprop([]), "RMSprop: optimizer got an empty parameter list"],
    ["non-leaf", () => new optim.SGD([w().mul(2)], { lr: 1 }), /SGD: can't optimize a non-leaf Tensor \(params\[0\] in param group 0 was produced by MulBackward/],
  ];
  for (const [what, make, msg] of cases) it(what, () => expect(make).toThrow(msg));
});
