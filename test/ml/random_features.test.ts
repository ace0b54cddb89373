import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as ml from "../../src/ml/index.js";
import { expectClose, load, split, t64 } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// The random-ReLU-features baseline against scikit-learn 1.2.1 (tools/oracle/gen_ml.py):
// with the fixture's projection W, the readout (Ridge or LinearRegression on relu(X W))
// must equal sklearn's within 1e-6.

interface RfCase {
  name: string; dataset: string; standardize: boolean; options: { nFeatures: number; alpha: number };
  projection: FxArray; coef: FxArray; intercept: number; predictTest: FxArray; scoreTest: number;
}
const fx = load<{ tolerance: number; cases: RfCase[] }>("random_features");

describe("RandomFeaturesRegressor matches scikit-learn's readout", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const { Xtr, Xte, ytr, yte } = split(c.dataset, c.standardize);
      const m = new ml.RandomFeaturesRegressor({ ...c.options, projection: t64(c.projection) }).fit(Xtr, ytr);
      expectClose(m.coef, c.coef, fx.tolerance, "coef");
      expectClose(m.intercept, c.intercept, fx.tolerance, "intercept");
      expectClose(m.predict(Xte), c.predictTest, fx.tolerance, "predict");
      expectClose(m.score(Xte, yte), c.scoreTest, fx.tolerance, "score");
    });
  }
});

describe("RandomFeaturesRegressor: behaviour", () => {
  it("draws W ~ N(0, 1/d) from the seed and features are relu(X W)", () => {
    const X = gl.randn([200, 4], { dtype: "float64", generator: new gl.Generator(0) });
    const y = X.select(1, 0).sin();
    const a = new ml.RandomFeaturesRegressor({ nFeatures: 150, seed: 7, alpha: 1e-3 }).fit(X, y);
    const b = new ml.RandomFeaturesRegressor({ nFeatures: 150, seed: 7, alpha: 1e-3 }).fit(X, y);
    expect(Array.from(a.projection.dataSync())).toEqual(Array.from(b.projection.dataSync()));
    const W = a.projection;
    expect(W.shape).toEqual([4, 150]);
    expect(W.var().item()).toBeCloseTo(0.25, 1); // variance 1/d
    expectClose(a.transform(X.narrow(0, 0, 5)), { data: Array.from(gl.matmul(X.narrow(0, 0, 5), W).relu().dataSync()), shape: [5, 150] }, 1e-12, "features");
    expect(a.score(X, y)).toBeGreaterThan(0.97); // 150 random ReLU features fit sin(x0) closely (R^2 0.983)
  });

  it("errors name the estimator and the problem", () => {
    expect(() => new ml.RandomFeaturesRegressor({ projection: [[1, 2]], nFeatures: 2 }).fit([[1, 2]], [1])).toThrow(/RandomFeaturesRegressor: projection must have shape \[nFeaturesIn, nFeatures\] = \[2, 2\], got \[1, 2\]/);
    expect(() => new ml.RandomFeaturesRegressor().fit([[1], [2]], [1])).toThrow(/RandomFeaturesRegressor: X has 2 samples but y has 1/);
    expect(() => new ml.RandomFeaturesRegressor().predict([[1]])).toThrow(/RandomFeaturesRegressor: .*not fitted/);
  });
});
