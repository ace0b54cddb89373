import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as ml from "../../src/ml/index.js";
import { expectClose, load } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// Metrics against sklearn.metrics 1.2.1 (tools/oracle/gen_ml.py), zero_division=0.

interface MetricsCase {
  name: string; yTrue: number[]; yPred: number[]; accuracy: number; confusionMatrix: FxArray;
  precision: Record<string, number | number[]>; recall: Record<string, number | number[]>; f1: Record<string, number | number[]>;
}
const fx = load<{ tolerance: number; classification: MetricsCase[]; regression: { yTrue: number[]; yPred: number[]; r2: number; mse: number; mae: number } }>("metrics");

describe("classification metrics match scikit-learn", () => {
  for (const c of fx.classification) {
    it(c.name, () => {
      expect(ml.accuracyScore(c.yTrue, c.yPred)).toBeCloseTo(c.accuracy, 14);
      expect(ml.confusionMatrix(c.yTrue, c.yPred).toArray()).toEqual(gl.tensor(c.confusionMatrix.data).reshape(...c.confusionMatrix.shape).toArray());
      for (const [key, fn] of [["precision", ml.precisionScore], ["recall", ml.recallScore], ["f1", ml.f1Score]] as const) {
        for (const [avg, want] of Object.entries(c[key])) {
          const average = avg === "None" ? null : (avg as ml.Average);
          const got = fn(c.yTrue, c.yPred, { average } as ml.PrfOptions & { average: null });
          expectClose(got, want as number | number[], fx.tolerance, `${key} average=${avg}`);
        }
      }
    });
  }
});

describe("regression metrics match scikit-learn", () => {
  it("r2, mse, mae", () => {
    const r = fx.regression;
    expectClose(ml.r2Score(r.yTrue, r.yPred), r.r2, fx.tolerance, "r2");
    expectClose(ml.meanSquaredError(r.yTrue, r.yPred), r.mse, fx.tolerance, "mse");
    expectClose(ml.meanSquaredError(r.yTrue, r.yPred, { squared: false }), Math.sqrt(r.mse), fx.tolerance, "rmse");
    expectClose(ml.meanAbsoluteError(gl.tensor(r.yTrue, { dtype: "float64" }), gl.tensor(r.yPred, { dtype: "float64" })), r.mae, fx.tolerance, "mae");
  });
});

describe("metrics: documented examples and edge cases", () => {
  it("sklearn's documentation values", () => {
    expect(ml.r2Score([3, -0.5, 2, 7], [2.5, 0, 2, 8])).toBeCloseTo(0.9486081370449679, 14);
    expect(ml.meanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8])).toBe(0.375);
    expect(ml.meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8])).toBe(0.5);
    expect(ml.accuracyScore([0, 1, 2, 3], [0, 2, 1, 3], { normalize: false })).toBe(2);
    // f1_score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], average=...) from sklearn's docs.
    const t = [0, 1, 2, 0, 1, 2], p = [0, 2, 1, 0, 0, 1];
    expect(ml.f1Score(t, p, { average: "macro" })).toBeCloseTo(0.26666666666666666, 14);
    expect(ml.f1Score(t, p, { average: "micro" })).toBeCloseTo(0.3333333333333333, 14);
    expect(ml.f1Score(t, p, { average: "weighted" })).toBeCloseTo(0.26666666666666666, 14);
    expect(ml.f1Score(t, p, { average: null })).toEqual([0.8, 0, 0]);
    expect(ml.precisionRecallFscoreSupport(t, p, { average: null }).support).toEqual([2, 2, 2]);
  });

  it("constant targets, multi-output r2, labels option, posLabel", () => {
    expect(ml.r2Score([1, 1, 1], [1, 1, 1])).toBe(1);
    expect(ml.r2Score([1, 1, 1], [1, 2, 1])).toBe(0);
    expect(ml.r2Score([[0.5, 1], [-1, 1], [7, -6]], [[0, 2], [-1, 2], [8, -5]])).toBeCloseTo(0.9368005266622779, 14); // sklearn docs
    expect(ml.confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], { labels: [2, 0] }).toArray()).toEqual([[2, 1], [0, 2]]);
    expect(ml.recallScore([0, 0, 1, 1], [0, 1, 1, 1], { posLabel: 0 })).toBe(0.5);
  });

  it("errors name the metric and the problem", () => {
    expect(() => ml.accuracyScore([0, 1], [0])).toThrow(/accuracyScore: yTrue has 2 samples but yPred has 1/);
    expect(() => ml.f1Score([0, 1, 2], [0, 1, 2])).toThrow(/f1Score: the targets are multiclass \(3 labels\) but average is "binary"/);
    expect(() => ml.precisionScore([0, 2], [2, 0])).toThrow(/precisionScore: posLabel=1 is not a valid label; it should be one of \[0, 2\]/);
    expect(() => ml.recallScore([0, 1], [0, 1], { average: "samples" as never })).toThrow(/recallScore: average must be one of/);
    expect(() => ml.r2Score([[1, 2], [3, 4]], [1, 2])).toThrow(/r2Score: yTrue is \[2, 2\] but yPred is \[2\]; they must have the same shape/);
    expect(ml.r2Score([1, 2], [[1], [2]])).toBe(1); // [n] and [n, 1] are the same targets, as sklearn
    expect(() => ml.meanSquaredError([1, NaN], [1, 2])).toThrow(/meanSquaredError: yTrue contains NaN at index 1/);
  });
});
