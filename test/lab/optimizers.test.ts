import { describe, expect, it } from "vitest";
import { optimizers, presetConfig } from "../../src/lab/index.js";

// y = 5x + 2 on linspace(0, 1, 100): the MSE's Hessian is 2 [[mean x^2, mean x], [mean x, 1]]
// with mean x = 0.5 and mean x^2 = (2n - 1) / (6 (n - 1)) = 0.33670 for n = 100.
const mx2 = 199 / 594;
const tr = 2 * (mx2 + 1), det = 4 * (mx2 - 0.25);
const lambdaMax = tr / 2 + Math.sqrt(tr * tr / 4 - det);

describe("lab optimizers (optimizers on a loss surface)", () => {
  const good = optimizers.run();

  it("computes the least-squares solution, the Hessian and the stability limit", () => {
    expect(good.solution[0]).toBeCloseTo(5, 10);
    expect(good.solution[1]).toBeCloseTo(2, 10);
    expect(good.hessian[0][0]).toBeCloseTo(2 * mx2, 12);
    expect(good.hessian[0][1]).toBeCloseTo(1, 12);
    expect(good.hessian[1][1]).toBeCloseTo(2, 12);
    expect(good.lambdaMax).toBeCloseTo(lambdaMax, 12);
    expect(good.stabilityLimit).toBeCloseTo(2 / lambdaMax, 12); // 0.7887
    expect(good.paramNames).toEqual(["w", "b"]);
    expect(JSON.parse(JSON.stringify(good))).toEqual(good);
  });

  it("records the loss surface on the grid", () => {
    const { axis0, axis1, loss } = good.surface;
    expect(axis0.length).toBe(41);
    expect(loss.length).toBe(41);
    expect(loss[0].length).toBe(41);
    // MSE(w, b) = mean((w x + b - 5x - 2)^2): at the grid's middle point (the solution) 0.
    expect(loss[20][20]).toBeCloseTo(0, 12);
    const w = axis0[3], b = axis1[30];
    const xs = Array.from({ length: 100 }, (_, i) => i / 99);
    const direct = xs.reduce((acc, x) => acc + (w * x + b - 5 * x - 2) ** 2, 0) / 100;
    expect(loss[3][30]).toBeCloseTo(direct, 9);
  });

  it("below 2 / lambdaMax every optimizer's path starts at the same point; GD converges to (5, 2)", () => {
    expect(good.trajectories.map((t) => t.optimizer)).toEqual(["gd", "sgd", "minibatch", "momentum", "nesterov", "rmsprop", "adam"]);
    for (const t of good.trajectories) expect(t.points[0].params).toEqual([0, 0]);
    for (const name of ["gd", "sgd", "minibatch", "momentum", "nesterov", "rmsprop"]) {
      const t = good.trajectories.find((x) => x.optimizer === name)!;
      expect(t.diverged).toBe(false);
      expect(t.converged).toBe(true);
      expect(t.final[0]).toBeCloseTo(5, 2);
      expect(t.final[1]).toBeCloseTo(2, 2);
    }
    // Adam is still on its way (its momentum oscillates along the narrow valley) but getting there.
    const adam = good.trajectories.find((x) => x.optimizer === "adam")!;
    expect(adam.diverged).toBe(false);
    expect(adam.finalLoss).toBeLessThan(1e-2 * adam.points[0].loss);
    expect(good.summary).toMatchObject({ lrStable: true, gdDiverged: false, gdConverged: true });
  });

  it("SGD with batch 1 takes nSamples steps per epoch, recorded with a stride", () => {
    const sgd = good.trajectories.find((x) => x.optimizer === "sgd")!;
    expect(sgd.stride).toBe(Math.ceil((150 * 100) / optimizers.MAX_POINTS));
    expect(sgd.points[sgd.points.length - 1].step).toBe(150 * 100);
    expect(sgd.points.length).toBeLessThanOrEqual(optimizers.MAX_POINTS + 2);
    const mini = good.trajectories.find((x) => x.optimizer === "minibatch")!;
    expect(mini.points[mini.points.length - 1].step).toBe(150 * 10);
  });

  it("GD converges for every learning rate below the limit and diverges above it", () => {
    const limit = 2 / lambdaMax;
    // Enough steps for the slowest direction: (1 - lr lambdaMin)^k < 1e-4.
    for (const f of [0.05, 0.5, 0.9]) {
      const r = optimizers.run({ lr: f * limit, epochs: 3000, optimizers: ["gd"] });
      expect(r.summary.gdContraction).toBeLessThan(1);
      expect(r.trajectories[0].diverged).toBe(false);
      expect(r.trajectories[0].distanceToSolution).toBeLessThan(1e-3);
    }
    for (const f of [1.02, 1.1]) {
      const r = optimizers.run({ lr: f * limit, epochs: 1000, optimizers: ["gd"] });
      expect(r.summary.gdContraction).toBeGreaterThan(1);
      expect(r.summary.lrStable).toBe(false);
      expect(r.trajectories[0].diverged).toBe(true);
    }
  });

  it("the presets: too small crawls, above the limit diverges", () => {
    const small = optimizers.run({ ...presetConfig("optimizers", "lr-too-small"), optimizers: ["gd"] });
    expect(small.trajectories[0].diverged).toBe(false);
    expect(small.trajectories[0].converged).toBe(false);
    expect(small.trajectories[0].distanceToSolution).toBeLessThan(Math.hypot(5, 2));
    const above = optimizers.run({ ...presetConfig("optimizers", "lr-above-limit"), optimizers: ["gd", "momentum", "nesterov"] });
    expect(above.config.lr).toBeGreaterThan(above.stabilityLimit);
    const gd = above.trajectories.find((t) => t.optimizer === "gd")!;
    expect(gd.diverged).toBe(true);
    expect(gd.divergedAtStep).not.toBeNull();
    // Heavy-ball momentum is stable up to lr = 2 (1 + momentum) / lambdaMax, Nesterov only up to 2 (1 + m) / ((1 + 2m) lambdaMax).
    expect(above.trajectories.find((t) => t.optimizer === "momentum")!.converged).toBe(true);
    expect(above.trajectories.find((t) => t.optimizer === "nesterov")!.diverged).toBe(true);
    expect(JSON.parse(JSON.stringify(above))).toEqual(above);
  });

  it("the 2-feature makeRegression variant converges below its limit and diverges above it", () => {
    const r = optimizers.run({ ...presetConfig("optimizers", "regression"), optimizers: ["gd", "rmsprop"] });
    expect(r.paramNames).toEqual(["w1", "w2"]);
    expect(r.data.x[0].length).toBe(2);
    const gd = r.trajectories.find((t) => t.optimizer === "gd")!;
    expect(gd.converged).toBe(true);
    const above = optimizers.run({ ...presetConfig("optimizers", "regression-above-limit"), optimizers: ["gd"] });
    expect(above.config.lr).toBeGreaterThan(above.stabilityLimit);
    expect(above.trajectories[0].diverged).toBe(true);
  });

  it("is deterministic for a seed (the stochastic methods' shuffles too)", () => {
    const a = optimizers.run({ epochs: 5, optimizers: ["sgd", "minibatch"], seed: 3 });
    const b = optimizers.run({ epochs: 5, optimizers: ["sgd", "minibatch"], seed: 3 });
    const c = optimizers.run({ epochs: 5, optimizers: ["sgd", "minibatch"], seed: 4 });
    expect(a).toEqual(b);
    expect(a.trajectories[0].points[1].params).not.toEqual(c.trajectories[0].points[1].params);
  });

  it("validates its options", () => {
    expect(() => optimizers.run({ lr: -0.1 })).toThrow(/optimizers: option "lr" must be >= 0, got -0.1/);
    expect(() => optimizers.run({ epochs: 1.5 })).toThrow(/optimizers: option "epochs" must be an integer, got 1.5/);
    expect(() => optimizers.run({ optimizers: ["gd", "lbfgs" as never] })).toThrow(/optimizers: option "optimizers"\[1\] must be one of/);
    expect(() => optimizers.run({ batchSize: 500 })).toThrow(/option "batchSize" \(500\) must not exceed "nSamples" \(100\)/);
    expect(() => optimizers.run({ start: [1] })).toThrow(/option "start" must have 2 numbers, got 1/);
  });
});
