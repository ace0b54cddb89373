import { describe, expect, it } from "vitest";
import * as ml from "../../src/ml/index.js";
import { load, split } from "./fixtures.js";

// Decision trees and random forests against scikit-learn 1.2.1 (tools/oracle/gen_ml.py).
// Equally good splits are tie-broken by each fit's random feature order, so one seed's test
// score is partly luck (sklearn's own spread over random_state reaches 11 points on wine):
// the acceptance bar compares MEAN test scores over seeds, within 2 points of sklearn's
// mean over random_state 0..9. The tie-independent structure (depth, leaves, train score)
// of single trees must equal sklearn's exactly.

interface TreeCase {
  name: string; dataset: string; estimator: "DecisionTreeClassifier" | "DecisionTreeRegressor" | "RandomForestClassifier" | "RandomForestRegressor";
  options: Record<string, unknown>; scoreTestSeeds: number[]; scoreTrainSeeds: number[]; scoreTestMean: number; depthSeeds?: number[]; nLeavesSeeds?: number[];
}
const fx = load<{ tolerance: number; cases: TreeCase[] }>("tree");

const make = (c: TreeCase, seed: number) => new ml[c.estimator]({ ...c.options, seed } as never);

describe("trees and forests match scikit-learn", () => {
  for (const c of fx.cases) {
    const single = c.estimator.startsWith("DecisionTree");
    it(c.name, () => {
      const { Xtr, Xte, ytr, yte } = split(c.dataset);
      const seeds = single ? 5 : 3;
      let sum = 0;
      for (let seed = 0; seed < seeds; seed++) {
        const m = make(c, seed).fit(Xtr, ytr);
        sum += m.score(Xte, yte);
        if (m instanceof ml.DecisionTreeClassifier || m instanceof ml.DecisionTreeRegressor) {
          expect(m.getDepth(), "depth").toBe(c.depthSeeds![0]);
          expect(m.getNLeaves(), "leaves").toBe(c.nLeavesSeeds![0]);
          expect(m.score(Xtr, ytr), "train score").toBeCloseTo(c.scoreTrainSeeds[0], 10);
        }
      }
      const mean = sum / seeds;
      expect(Math.abs(mean - c.scoreTestMean), `mean test score ${mean.toFixed(4)} vs sklearn ${c.scoreTestMean.toFixed(4)}`).toBeLessThanOrEqual(fx.tolerance);
    });
  }
});

describe("trees: behaviour", () => {
  it("splits at the midpoint between distinct values and predicts leaf majorities", () => {
    const t = new ml.DecisionTreeClassifier({ seed: 0 }).fit([[1], [2], [3], [10], [11]], [0, 0, 0, 1, 1]);
    expect(t.tree.threshold[0]).toBe(6.5);
    expect(t.getDepth()).toBe(1);
    expect(t.predict([[6], [7]]).toArray()).toEqual([0, 1]);
    expect(t.predictProba([[0]]).toArray()).toEqual([[1, 0]]);
    expect(Array.from(t.featureImportances.dataSync())).toEqual([1]);
    expect(Array.from(t.apply([[0], [20]]).dataSync())).toEqual([1, 2]);
  });

  it("minSamplesLeaf and maxDepth limit growth; regression leaves hold means", () => {
    const X = [[0], [1], [2], [3], [4], [5]], y = [0, 0, 0, 10, 10, 20];
    const r = new ml.DecisionTreeRegressor({ maxDepth: 1, seed: 0 }).fit(X, y);
    expect(r.predict([[0], [5]]).toArray()).toEqual([0, 40 / 3]);
    const leafy = new ml.DecisionTreeRegressor({ minSamplesLeaf: 3, seed: 0 }).fit(X, y);
    expect(leafy.getNLeaves()).toBe(2);
  });

  it("sample weights act as repeated samples", () => {
    const a = new ml.DecisionTreeClassifier({ seed: 0, maxDepth: 1 }).fit([[0], [1], [2]], [0, 1, 1], [3, 1, 1]);
    const b = new ml.DecisionTreeClassifier({ seed: 0, maxDepth: 1 }).fit([[0], [0], [0], [1], [2]], [0, 0, 0, 1, 1]);
    expect(a.predictProba([[0], [2]]).toArray()).toEqual(b.predictProba([[0], [2]]).toArray());
  });

  it("forests are reproducible from the seed", () => {
    const { Xtr, Xte, ytr } = split("iris");
    const p1 = new ml.RandomForestClassifier({ nEstimators: 5, seed: 3 }).fit(Xtr, ytr).predictProba(Xte).toArray();
    const p2 = new ml.RandomForestClassifier({ nEstimators: 5, seed: 3 }).fit(Xtr, ytr).predictProba(Xte).toArray();
    expect(p1).toEqual(p2);
    const rf = new ml.RandomForestClassifier({ nEstimators: 5, seed: 3 }).fit(Xtr, ytr);
    const imp = Array.from(rf.featureImportances.dataSync());
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(rf.trees.length).toBe(5);
  });

  it("errors name the estimator and the problem", () => {
    expect(() => new ml.DecisionTreeClassifier({ criterion: "mse" as never })).toThrow(/DecisionTreeClassifier: criterion must be one of "gini", "entropy", "logLoss"/);
    expect(() => new ml.DecisionTreeClassifier({ minSamplesSplit: 1 })).toThrow(/DecisionTreeClassifier: minSamplesSplit must be an integer >= 2, got 1/);
    expect(() => new ml.RandomForestRegressor({ nEstimators: 0 })).toThrow(/RandomForestRegressor: nEstimators must be an integer >= 1/);
    expect(() => new ml.RandomForestClassifier({ maxFeatures: 5 }).fit([[1, 2], [3, 4]], [0, 1])).toThrow(/RandomForestClassifier: maxFeatures = 5 is larger than the number of features \(2\)/);
    expect(() => new ml.DecisionTreeRegressor().predict([[1]])).toThrow(/DecisionTreeRegressor: .*not fitted yet; call fit before predict/);
    expect(() => new ml.DecisionTreeClassifier().fit([[1], [Infinity]], [0, 1])).toThrow(/DecisionTreeClassifier: X contains an infinite value at row 1, column 0/);
  });
});
