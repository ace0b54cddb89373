// Schedulers against PyTorch 1.13: the lr (and cycled momentum) of a two-group SGD
// (lr 0.1 and 0.02, momentum 0.9) after construction and after each of 200 steps.
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as optim from "../../src/optim/index.js";
import { buildScheduler, fixture, relErr } from "./problem.js";

const { StepLR, CosineAnnealingLR, OneCycleLR, LinearLR } = optim.lrScheduler;

function twoGroupSGD(): optim.SGD {
  const a = gl.zeros([2], { dtype: "float64", requiresGrad: true });
  const b = gl.zeros([1], { dtype: "float64", requiresGrad: true });
  return new optim.SGD([{ params: [a] }, { params: [b], lr: 0.02 }], { lr: 0.1, momentum: 0.9 });
}

function momenta(opt: optim.Optimizer): number[] {
  return opt.paramGroups.map((g) => {
    const o = g as unknown as { betas?: number[]; momentum: number };
    return o.betas ? o.betas[0] : o.momentum;
  });
}

describe(`lr schedulers reproduce PyTorch ${fixture.torch} (200 steps)`, () => {
  for (const spec of fixture.schedulers) {
    it(`${spec.type} ${JSON.stringify(spec.args)}`, () => {
      const opt = twoGroupSGD();
      const sched = buildScheduler(spec, opt);
      const lrs = [sched.getLastLr()];
      const moms = [momenta(opt)];
      for (let i = 0; i < fixture.steps; i++) {
        opt.step(); // no gradients: parameters untouched, as in the generator
        sched.step();
        lrs.push(sched.getLastLr());
        moms.push(momenta(opt));
      }
      lrs.forEach((row, i) => expect(relErr(row, spec.lrs[i]), `lr at step ${i}`).toBeLessThan(1e-12));
      moms.forEach((row, i) => expect(relErr(row, spec.momentum[i] as number[]), `momentum at step ${i}`).toBeLessThan(1e-12));
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(sched.getLastLr());
    });
  }
});

describe("scheduler behaviour", () => {
  it("records initialLr in the groups and keeps baseLrs", () => {
    const opt = twoGroupSGD();
    const sched = new StepLR(opt, 2, { gamma: 0.5 });
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.02]);
    expect(sched.baseLrs).toEqual([0.1, 0.02]);
    sched.step(); sched.step();
    expect(sched.getLastLr()).toEqual([0.05, 0.01]);
    expect(sched.lastEpoch).toBe(2);
  });

  const makers: [string, (opt: optim.Optimizer) => optim.lrScheduler.LRScheduler][] = [
    ["OneCycleLR", (opt) => new OneCycleLR(opt, { maxLr: 0.3, totalSteps: 60, threePhase: true })],
    ["CosineAnnealingLR", (opt) => new CosineAnnealingLR(opt, 7, { etaMin: 0.01 })],
  ];
  for (const [name, make] of makers) {
    it(`${name}: stateDict / loadStateDict resume the schedule exactly (PyTorch's order: build, then load both)`, () => {
      const run = (cut: number | null) => {
        let opt = twoGroupSGD();
        let sched = make(opt);
        const out: number[][] = [];
        for (let i = 0; i < 60; i++) {
          if (i === cut) {
            const optState = opt.stateDict();
            const schedState = sched.stateDict();
            opt = twoGroupSGD();
            sched = make(opt);
            opt.loadStateDict(optState);
            sched.loadStateDict(schedState);
          }
          opt.step(); sched.step();
          out.push([...sched.getLastLr(), ...momenta(opt)]);
        }
        return out;
      };
      expect(run(25)).toEqual(run(null));
    });
  }

  it("stateDict is plain data without the optimizer", () => {
    const sched = new CosineAnnealingLR(twoGroupSGD(), 10, { etaMin: 0.001 });
    sched.step();
    const sd = sched.stateDict();
    expect(sd).toMatchObject({ tMax: 10, etaMin: 0.001, lastEpoch: 1, stepCount: 2, baseLrs: [0.1, 0.02] });
    expect("optimizer" in sd).toBe(false);
    expect(JSON.parse(JSON.stringify(sd))).toEqual(sd);
    expect(() => sched.loadStateDict({ bogus: 1 })).toThrow(/CosineAnnealingLR.loadStateDict: unexpected key "bogus"/);
  });

  it("OneCycleLR cycles Adam's betas[0] and refuses to step past totalSteps", () => {
    const w = gl.zeros([2], { dtype: "float64", requiresGrad: true });
    const opt = new optim.Adam([w], { betas: [0.9, 0.99] });
    const sched = new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 10 });
    expect(opt.paramGroups[0].betas).toEqual([0.95, 0.99]);
    for (let i = 0; i < 10; i++) sched.step();
    expect(() => sched.step()).toThrow("OneCycleLR: tried to step 12 times. The specified number of total steps is 10");
  });

  it("rejects bad arguments with PyTorch's messages", () => {
    const opt = twoGroupSGD();
    expect(() => new OneCycleLR(opt, { maxLr: 0.1 })).toThrow("OneCycleLR: you must define either totalSteps OR (epochs AND stepsPerEpoch)");
    expect(() => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 0 })).toThrow("OneCycleLR: expected positive integer totalSteps, but got 0");
    expect(() => new OneCycleLR(opt, { maxLr: 0.1, epochs: 2, stepsPerEpoch: 1.5 })).toThrow("expected positive integer stepsPerEpoch, but got 1.5");
    expect(() => new OneCycleLR(opt, { maxLr: [0.1, 0.2, 0.3], totalSteps: 10 })).toThrow("OneCycleLR: expected 2 values for maxLr, got 3");
    expect(() => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, pctStart: 1.5 })).toThrow("OneCycleLR: expected pctStart between 0 and 1, but got 1.5");
    expect(() => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, annealStrategy: "exp" as "cos" })).toThrow(/annealStrategy must be one of "cos" or "linear", instead got exp/);
    const w = gl.zeros([1], { requiresGrad: true });
    expect(() => new OneCycleLR(new optim.Adagrad([w]), { maxLr: 0.1, totalSteps: 10 })).toThrow(/optimizer must support momentum/);
    expect(() => new LinearLR(opt, { startFactor: 1.5 })).toThrow("LinearLR: starting multiplicative factor expected to be between 0 and 1, got startFactor 1.5");
    expect(() => new LinearLR(opt, { endFactor: -1 })).toThrow("LinearLR: ending multiplicative factor expected to be between 0 and 1");
    expect(() => new StepLR({} as optim.Optimizer, 3)).toThrow("StepLR: expected an optimizer (an optim.Optimizer), got Object");
    expect(() => new StepLR(twoGroupSGD(), 3, { lastEpoch: 5 })).toThrow("StepLR: param 'initialLr' is not specified in paramGroups[0] when resuming an optimizer");
    expect(() => new StepLR(opt, 0)).toThrow("StepLR: stepSize must be a positive integer, got 0");
  });
});
