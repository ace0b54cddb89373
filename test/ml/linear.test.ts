import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as ml from "../../src/ml/index.js";
import { expectClose, load, split } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// Linear, ridge and lasso regression against scikit-learn 1.2.1 (tools/oracle/gen_ml.py):
// coefficients, intercepts, test predictions and R^2 within 1e-4 (relative, floor 1).

interface LinearCase {
  name: string; dataset: string; estimator: "LinearRegression" | "Ridge" | "Lasso"; options: Record<string, unknown>;
  coef: FxArray; intercept: number | FxArray; predictTest: FxArray; scoreTest?: number; nIter?: number; targets?: string;
}
const fx = load<{ tolerance: number; cases: LinearCase[] }>("linear");

function make(c: LinearCase) {
  if (c.estimator === "LinearRegression") return new ml.LinearRegression(c.options);
  if (c.estimator === "Ridge") return new ml.Ridge(c.options);
  return new ml.Lasso(c.options);
}

describe("linear models match scikit-learn", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const { Xtr, Xte, ytr, yte } = split(c.dataset);
      const y = c.targets ? gl.stack([ytr, ytr.sqrt()], 1) : ytr;
      const m = make(c).fit(Xtr, y);
      expectClose(m.coef, c.coef, fx.tolerance, "coef");
      expectClose(m.intercept, c.intercept, fx.tolerance, "intercept");
      expectClose(m.predict(Xte), c.predictTest, fx.tolerance, "predict");
      if (c.scoreTest !== undefined) expectClose(m.score(Xte, yte), c.scoreTest, fx.tolerance, "score");
      if (c.nIter !== undefined) expect((m as ml.Lasso).nIter).toBe(c.nIter);
    });
  }
});

describe("linear models: behaviour", () => {
  it("LinearRegression recovers an exact line from plain arrays", () => {
    const m = new ml.LinearRegression().fit([[0], [1], [2]], [1, 3, 5]);
    expectClose(m.coef, [2], 1e-12, "coef");
    expect(m.intercept.item()).toBeCloseTo(1, 12);
    expect(m.score([[3]], [7])).toBeNaN(); // R^2 needs two samples, as sklearn
    expectClose(m.predict([[3], [4]]), [7, 9], 1e-12, "predict");
  });

  it("Ridge with more features than samples uses the dual form and matches the primal", () => {
    const X = gl.randn([5, 8], { dtype: "float64", generator: new gl.Generator(1) });
    const y = gl.randn([5], { dtype: "float64", generator: new gl.Generator(2) });
    const m = new ml.Ridge({ alpha: 0.7 }).fit(X, y);
    // The primal normal equations must hold: (Xc^T Xc + alpha I) w = Xc^T yc.
    const Xc = X.sub(X.mean(0)), yc = y.sub(y.mean());
    const lhs = gl.matmul(Xc.mT, gl.matmul(Xc, m.coef)).add(m.coef.mul(0.7));
    expectClose(lhs, { data: Array.from(gl.matmul(Xc.mT, yc).dataSync()), shape: [8] }, 1e-10, "normal equations");
  });

  it("Lasso with a large alpha zeroes every coefficient and predicts the mean", () => {
    const m = new ml.Lasso({ alpha: 1e6 }).fit([[1, 2], [2, 1], [3, 5]], [1, 2, 6]);
    expect(Array.from(m.coef.dataSync())).toEqual([0, 0]);
    expect(m.intercept.item()).toBeCloseTo(3, 12);
    expect(m.nIter).toBe(1);
  });

  it("errors name the estimator and the problem", () => {
    expect(() => new ml.Ridge().predict([[1]])).toThrow(ml.NotFittedError);
    expect(() => new ml.Ridge().predict([[1]])).toThrow(/Ridge: this Ridge instance is not fitted yet; call fit before predict/);
    expect(() => new ml.Ridge().coef).toThrow(/Ridge: .*not fitted/);
    expect(() => new ml.LinearRegression().fit([[1, 2], [3]], [1, 2])).toThrow(/LinearRegression: X is ragged: row 0 has 2 values but row 1 has 1/);
    expect(() => new ml.Lasso().fit([[1], [NaN]], [1, 2])).toThrow(/Lasso: X contains NaN at row 1, column 0/);
    expect(() => new ml.Ridge().fit([[1], [2], [3]], [1, 2])).toThrow(/Ridge: X has 3 samples but y has 2/);
    expect(() => new ml.Ridge({ alpha: -1 })).toThrow(/Ridge: alpha must be a number >= 0, got -1/);
    expect(() => new ml.Ridge().fit(gl.ones([3]), [1, 2, 3])).toThrow(/Ridge: X must be 2-D/);
    const m = new ml.Ridge().fit([[1, 2], [3, 4], [5, 7]], [1, 2, 3]);
    expect(() => m.predict([[1, 2, 3]])).toThrow(/Ridge: X has 3 features, but Ridge was fitted with 2 features/);
    expect(() => new ml.Lasso().fit([[1], [2]], [[1, 2], [3, 4]])).toThrow(/Lasso: y must be 1-D/);
  });
});
