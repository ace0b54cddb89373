import { describe, expect, it } from "vitest";
import * as ml from "../../src/ml/index.js";
import { expectClose, expectLabels, load, split } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// k-nearest neighbours against scikit-learn 1.2.1 with algorithm="brute"
// (tools/oracle/gen_ml.py): identical predictions, probabilities, neighbour distances.

interface KnnCase {
  name: string; dataset: string; standardize: boolean; estimator: "KNeighborsClassifier" | "KNeighborsRegressor";
  options: ml.KNeighborsOptions; predictTest: FxArray; probaTest?: FxArray; scoreTest: number; kneighborsDist: FxArray; kneighborsInd: FxArray;
}
const fx = load<{ tolerance: number; cases: KnnCase[] }>("neighbors");

describe("k-nearest neighbours match scikit-learn", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const { Xtr, Xte, ytr, yte } = split(c.dataset, c.standardize);
      const m = c.estimator === "KNeighborsClassifier" ? new ml.KNeighborsClassifier(c.options) : new ml.KNeighborsRegressor(c.options);
      m.fit(Xtr, ytr);
      if (m instanceof ml.KNeighborsClassifier) {
        expectLabels(m.predict(Xte), c.predictTest, "predict");
        expectClose(m.predictProba(Xte), c.probaTest!, fx.tolerance, "predictProba");
      } else {
        expectClose(m.predict(Xte), c.predictTest, fx.tolerance, "predict");
      }
      expect(m.score(Xte, yte)).toBeCloseTo(c.scoreTest, 10);
      const { distances } = m.kneighbors(Xte.narrow(0, 0, 10));
      expectClose(distances, c.kneighborsDist, fx.tolerance, "kneighbors distances");
    });
  }
});

describe("k-nearest neighbours: ties and errors", () => {
  it("equidistant neighbours go to the lower training index; a tied vote to the smallest label", () => {
    // Query 0 is at distance 1 from rows 0..3; k = 2 keeps rows 0 and 1.
    const X = [[1, 0], [-1, 0], [0, 1], [0, -1]];
    const knn = new ml.KNeighborsClassifier({ nNeighbors: 2 }).fit(X, [7, 3, 3, 7]);
    expect(knn.kneighbors([[0, 0]]).indices.toArray()).toEqual([[0, 1]]);
    expect(knn.predict([[0, 0]]).toArray()).toEqual([3]); // one vote each for 7 and 3: the smaller label
    expect(new ml.KNeighborsClassifier().fit(X.concat([[5, 5]]), [1, 2, 3, 4, 5]).predict([[0, 0]]).toArray()).toEqual([1]);
  });

  it("distance weights give exact matches all the weight", () => {
    const knn = new ml.KNeighborsRegressor({ nNeighbors: 3, weights: "distance" }).fit([[0], [1], [3]], [10, 20, 40]);
    expect(knn.predict([[1]]).toArray()).toEqual([20]);
    expectClose(knn.predict([[2]]), [(20 + 40 + 10 / 2) / (1 + 1 + 0.5)], 1e-14, "weighted mean");
  });

  it("errors name the estimator and the problem", () => {
    expect(() => new ml.KNeighborsClassifier({ nNeighbors: 4 }).fit([[0], [1], [2]], [0, 1, 0])).toThrow(/KNeighborsClassifier: nNeighbors = 4 is larger than the number of training samples \(3\)/);
    expect(() => new ml.KNeighborsClassifier().predict([[0]])).toThrow(/KNeighborsClassifier: .*not fitted yet/);
    expect(() => new ml.KNeighborsRegressor({ metric: "chebyshev" as never })).toThrow(/KNeighborsRegressor: metric must be one of/);
    expect(() => new ml.KNeighborsRegressor({ p: 0.5 })).toThrow(/KNeighborsRegressor: p must be a number >= 1, got 0.5/);
    const knn = new ml.KNeighborsRegressor({ nNeighbors: 1 }).fit([[0, 0]], [1]);
    expect(() => knn.kneighbors([[0, 0]], 2)).toThrow(/nNeighbors must be an integer in \[1, 1\]/);
    expect(() => knn.predict([[0]])).toThrow(/X has 1 features, but KNeighborsRegressor was fitted with 2 features/);
  });
});
