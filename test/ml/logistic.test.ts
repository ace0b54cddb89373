import { describe, expect, it } from "vitest";
import * as ml from "../../src/ml/index.js";
import { expectClose, expectLabels, load, split } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// Logistic regression against scikit-learn 1.2.1's optimum of the same objective
// (newton-cg at tol 1e-8; tools/oracle/gen_ml.py): coef, intercept, probabilities and
// decision values within 1e-4, identical predictions, with our default options.

interface LogCase {
  name: string; dataset: string; standardize: boolean; options: { C: number; fitIntercept?: boolean };
  classes: FxArray; coef: FxArray; intercept: FxArray; predictTest: FxArray; probaTest: FxArray; decisionTest: FxArray; scoreTest: number;
}
const fx = load<{ tolerance: number; cases: LogCase[] }>("logistic");

describe("LogisticRegression matches scikit-learn", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const { Xtr, Xte, ytr, yte } = split(c.dataset, c.standardize);
      const m = new ml.LogisticRegression(c.options).fit(Xtr, ytr);
      expectLabels(m.classes, c.classes, "classes");
      expectClose(m.coef, c.coef, fx.tolerance, "coef");
      expectClose(m.intercept, c.intercept, fx.tolerance, "intercept");
      expectClose(m.predictProba(Xte), c.probaTest, fx.tolerance, "predictProba");
      expectClose(m.decisionFunction(Xte), c.decisionTest, fx.tolerance, "decisionFunction");
      expectLabels(m.predict(Xte), c.predictTest, "predict");
      expect(m.score(Xte, yte)).toBeCloseTo(c.scoreTest, 12);
    });
  }
});

describe("LogisticRegression: behaviour", () => {
  it("string-free labels keep their values and dtype; probabilities sum to one", () => {
    const X = [[0], [1], [2], [3], [4], [5]];
    const m = new ml.LogisticRegression().fit(X, [10, 10, 10, 20, 20, 20]);
    expect(m.classes.toArray()).toEqual([10, 20]);
    expect(m.predict([[0], [5]]).toArray()).toEqual([10, 20]);
    expect(m.predict([[0]]).dtype).toBe("int32");
    const p = m.predictProba([[2.5]]).toArray() as number[][];
    expect(p[0][0] + p[0][1]).toBeCloseTo(1, 14);
    expect(p[0][0]).toBeCloseTo(0.5, 6); // symmetric data: the boundary sits at 2.5 (to the solver tolerance)
    expect(m.nIter).toBeGreaterThan(0);
  });

  it("errors name the estimator and the problem", () => {
    expect(() => new ml.LogisticRegression().fit([[1], [2]], [1, 1])).toThrow(/LogisticRegression: y must hold at least 2 classes, got only one \(label 1\)/);
    expect(() => new ml.LogisticRegression({ C: 0 })).toThrow(/LogisticRegression: C must be a number > 0/);
    expect(() => new ml.LogisticRegression().predictProba([[1]])).toThrow(/LogisticRegression: .*not fitted yet; call fit before predictProba/);
    expect(() => new ml.LogisticRegression().fit([[1], [2]], [0, 1, 1])).toThrow(/X has 2 samples but y has 3/);
  });
});
