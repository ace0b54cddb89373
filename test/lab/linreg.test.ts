import { beforeAll, describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { linreg } from "../../src/lab/index.js";
import type { LinregRecords } from "../../src/lab/index.js";

// The tutorial's bonus at its settings: analytic W = Y X^T (X X^T)^-1, a zero-hidden-layer
// network (SGD, lr 1000, 250 epochs) and the deep network's W_tot (lr 100, 250 epochs).
let rec: LinregRecords;
beforeAll(() => {
  rec = linreg.run();
}, 120_000);

describe("lab linreg (linear regression three ways)", () => {
  it("all three maps agree within 1e-2", () => {
    expect(rec.summary.agree).toBe(true);
    expect(rec.maxAbsDiff.analyticVsShallow!).toBeLessThan(1e-2);
    expect(rec.maxAbsDiff.analyticVsDeep!).toBeLessThan(1e-2);
    expect(rec.maxAbsDiff.shallowVsDeep!).toBeLessThan(1e-2);
    expect(rec.summary.maxDiff).toBe(Math.max(rec.maxAbsDiff.analyticVsShallow!, rec.maxAbsDiff.analyticVsDeep!, rec.maxAbsDiff.shallowVsDeep!));
    expect(JSON.parse(JSON.stringify(rec))).toEqual(rec);
  });

  it("the shallow net converges geometrically at rate 1 - 2 lr / (8 * 10000)", () => {
    // W <- W + eta' (Y^T - W) with eta' = 2 * 1000 / 80000 = 0.025: the loss shrinks by (1 - eta')^2 per step.
    const l = rec.shallowLoss;
    expect(l.length).toBe(251);
    expect(l[101] / l[100]).toBeCloseTo(0.975 ** 2, 6);
    // The analytic map of one-hot inputs is Y^T itself: entries +-1.
    for (const row of rec.sample.analytic) for (const v of row) expect(Math.abs(v)).toBeCloseTo(1, 9);
  });

  it("the deep net's loss has the plateaus the shallow one lacks", () => {
    expect(rec.deepLoss[50]).toBeCloseTo(1, 4);
    expect(rec.shallowLoss[50]).toBeLessThan(0.2);
    expect(rec.deepLoss[250]).toBeLessThan(1e-6);
  });

  it("analyticRegression solves W = Y X^T (X X^T)^-1 for samples in columns", () => {
    const X = gl.tensor([[1, 2, 3, 4], [1, 1, 1, 1]], { dtype: "float64" });
    const Y = gl.tensor([[3, 5, 7, 9]], { dtype: "float64" }); // y = 2 x + 1
    const W = linreg.analyticRegression(X, Y).toArray() as number[][];
    expect(W[0][0]).toBeCloseTo(2, 10);
    expect(W[0][1]).toBeCloseTo(1, 10);
  });

  it("rejects a negative learning rate, naming the option", () => {
    expect(() => linreg.run({ shallowLr: -1 })).toThrow(/linreg: option "shallowLr" must be >= 0, got -1/);
  });
});
