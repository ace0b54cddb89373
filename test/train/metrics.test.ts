// train.metrics against hand-computed values and scikit-learn 1.2.1 (expressions in the comments).
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { metrics } from "../../src/train/index.js";

const int = (v: number[]) => gl.tensor(v, { dtype: "int32" });

// Shared multiclass case: 12 examples, 4 classes.
const yt = [0, 1, 2, 2, 1, 0, 3, 3, 2, 1, 0, 2];
const yp = [0, 2, 2, 2, 1, 1, 3, 0, 2, 1, 0, 1];

/** Logits whose argmax over dim 1 is `labels` (4 classes). */
function logitsFor(labels: number[]): gl.Tensor {
  return gl.tensor(labels.map((c, i) => [0, 1, 2, 3].map((k) => (k === c ? 2 + (i % 3) : -(k + i) % 5))));
}

describe("accuracy", () => {
  it("from labels, logits and binary scores", () => {
    expect(metrics.accuracy(int(yp), int(yt))).toBe(8 / 12); // accuracy_score(yt, yp) = 0.6666666666666666
    expect(metrics.accuracy(logitsFor(yp), int(yt))).toBe(8 / 12);
    // probabilities cut at 0.5 -> [1, 0, 1, 0] vs [1, 1, 1, 0]
    expect(metrics.accuracy(gl.tensor([0.9, 0.2, 0.5, 0.1]), int([1, 1, 1, 0]))).toBe(0.75);
    // logits cut at 0 -> [1, 0, 0, 1] vs [1, 1, 1, 0]; and as a [N, 1] column
    expect(metrics.accuracy(gl.tensor([2, -1, -0.5, 3]), int([1, 1, 1, 0]), { threshold: 0 })).toBe(0.25);
    expect(metrics.accuracy(gl.tensor([[2], [-1], [-0.5], [3]]), int([1, 1, 1, 0]), { threshold: 0 })).toBe(0.25);
  });

  it("scores [N, C, L] against targets [N, L] (class dim 1)", () => {
    // example 0: positions -> classes [1, 0]; example 1: [0, 1]
    const out = gl.tensor([[[0, 5], [1, 2]], [[3, 0], [1, 4]]]);
    expect(metrics.accuracy(out, gl.tensor([[1, 0], [0, 0]], { dtype: "int32" }))).toBe(0.75);
  });

  it("rejects mismatched shapes and non-label targets", () => {
    expect(() => metrics.accuracy(gl.zeros([4, 3]), int([0, 1]))).toThrow("accuracy: scores of shape [4,3] do not match target of shape [2] (expected target [4]: the class dim is dim 1)");
    expect(() => metrics.accuracy(gl.zeros([4]), int([0, 1]))).toThrow(/accuracy: output of shape \[4\] does not fit target of shape \[2\]/);
    expect(() => metrics.accuracy(gl.zeros([2, 3]), gl.tensor([0.5, 1]))).toThrow("accuracy: target must hold non-negative integer class labels, found 0.5 at flat index 0");
    expect(() => metrics.accuracy(gl.zeros([0, 3]), int([]))).toThrow("accuracy: no examples");
  });
});

describe("topKAccuracy", () => {
  it("counts the target among the k best scores", () => {
    const out = gl.tensor([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1], [0.3, 0.3, 0.4]]);
    const t = int([2, 2, 0]);
    // ranks of the target: 2nd, 3rd, tied 2nd -> top1 0/3, top2 2/3, top3 3/3
    expect(metrics.topKAccuracy(out, t, 1)).toBe(0);
    expect(metrics.topKAccuracy(out, t, 2)).toBe(2 / 3);
    expect(metrics.topKAccuracy(out, t, 3)).toBe(1);
    expect(() => metrics.topKAccuracy(out, t, 4)).toThrow("topKAccuracy: k must be an integer in [1, 3] (the number of classes), got 4");
    expect(() => metrics.topKAccuracy(out, int([0, 5, 1]), 1)).toThrow("topKAccuracy: target label 5 is out of range for 3 classes");
  });
});

describe("confusionMatrix", () => {
  it("matches scikit-learn (rows true, columns predicted)", () => {
    // confusion_matrix(yt, yp).tolist()
    const expected = [[2, 1, 0, 0], [0, 2, 1, 0], [0, 1, 3, 0], [1, 0, 0, 1]];
    expect(metrics.confusionMatrix(int(yp), int(yt))).toEqual(expected);
    expect(metrics.confusionMatrix(logitsFor(yp), int(yt))).toEqual(expected);
  });

  it("takes its size from numClasses, the scores, or the largest label", () => {
    expect(metrics.confusionMatrix(int([0, 1]), int([1, 1]), { numClasses: 3 })).toEqual([[0, 0, 0], [1, 1, 0], [0, 0, 0]]);
    expect(metrics.confusionMatrix(gl.tensor([[1, 0, 0], [0, 1, 0]]), int([0, 0]))).toEqual([[1, 1, 0], [0, 0, 0], [0, 0, 0]]);
    expect(() => metrics.confusionMatrix(int([0, 3]), int([0, 1]), { numClasses: 3 })).toThrow("confusionMatrix: label 3 is out of range for 3 classes");
  });
});

describe("precision, recall, f1", () => {
  // precision_score / recall_score / f1_score(yt, yp, average=...)
  const cases: [string, "macro" | "micro" | "weighted", number, number, number][] = [
    ["macro", "macro", 0.7291666666666666, 0.6458333333333333, 0.6636904761904762],
    ["micro", "micro", 0.6666666666666666, 0.6666666666666666, 0.6666666666666666],
    ["weighted", "weighted", 0.7083333333333334, 0.6666666666666666, 0.6706349206349206],
  ];
  for (const [name, average, p, r, f] of cases) {
    it(`average "${name}" matches scikit-learn`, () => {
      expect(metrics.precision(int(yp), int(yt), { average })).toBeCloseTo(p, 14);
      expect(metrics.recall(logitsFor(yp), int(yt), { average })).toBeCloseTo(r, 14);
      expect(metrics.f1(int(yp), int(yt), { average })).toBeCloseTo(f, 14);
    });
  }

  it("defaults to macro; F1 is the mean of per-class F1 (not the harmonic mean of macro P and R)", () => {
    const f = metrics.f1(int(yp), int(yt));
    expect(f).toBeCloseTo(0.6636904761904762, 14);
    const p = metrics.precision(int(yp), int(yt)), r = metrics.recall(int(yp), int(yt));
    expect(Math.abs(f - (2 * p * r) / (p + r))).toBeGreaterThan(1e-3);
  });

  it("a class never predicted scores 0 (zero_division=0); numClasses adds absent classes", () => {
    // precision_score([0,1,2,2], [0,1,1,1], average="macro", zero_division=0) = 0.4444444444444444
    expect(metrics.precision(int([0, 1, 1, 1]), int([0, 1, 2, 2]))).toBeCloseTo(0.4444444444444444, 14);
    // f1_score([0,1,2,2], [0,1,1,1], average="macro") = 0.5
    expect(metrics.f1(int([0, 1, 1, 1]), int([0, 1, 2, 2]))).toBeCloseTo(0.5, 14);
    // f1_score([0,1,2,2], [0,1,1,1], average="macro", labels=[0,1,2,3]) = 0.375
    expect(metrics.f1(int([0, 1, 1, 1]), int([0, 1, 2, 2]), { numClasses: 4 })).toBeCloseTo(0.375, 14);
    expect(() => metrics.f1(int([0]), int([0]), { average: "binary" as "macro" })).toThrow('f1: average must be "macro", "micro" or "weighted", got "binary"');
  });
});

describe("regression metrics", () => {
  it("mse and mae", () => {
    const o = gl.tensor([1, 2, 3, 4]), t = gl.tensor([1, 4, 2, 4]);
    expect(metrics.mse(o, t)).toBe((0 + 4 + 1 + 0) / 4);
    expect(metrics.mae(o, t)).toBe((0 + 2 + 1 + 0) / 4);
    expect(metrics.mse(gl.tensor([[1], [2]]), gl.tensor([1, 4]))).toBe(2); // [N, 1] against [N]
    expect(() => metrics.mse(gl.zeros([3]), gl.zeros([2]))).toThrow("mse: output of shape [3] and target of shape [2] differ");
  });

  it("r2 matches scikit-learn's r2_score", () => {
    // r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.9486081370449679
    expect(metrics.r2(gl.tensor([2.5, 0, 2, 8], { dtype: "float64" }), gl.tensor([3, -0.5, 2, 7], { dtype: "float64" }))).toBeCloseTo(0.9486081370449679, 14);
    // r2_score([[0.5, 1], [-1, 1], [7, -6]], [[0, 2], [-1, 2], [8, -5]]) = 0.9368005266622779 (uniform average)
    expect(metrics.r2(gl.tensor([[0, 2], [-1, 2], [8, -5]]), gl.tensor([[0.5, 1], [-1, 1], [7, -6]]))).toBeCloseTo(0.9368005266622779, 14);
    // a constant target column: 1 if predicted exactly, else 0
    // r2_score([[1, 2], [1, 3]], [[1, 2.5], [1, 3.5]]) = 0.5; r2_score([[1, 2], [1, 3]], [[1.5, 2.5], [1, 3.5]]) = 0.0
    expect(metrics.r2(gl.tensor([[1, 2.5], [1, 3.5]]), gl.tensor([[1, 2], [1, 3]]))).toBe(0.5);
    expect(metrics.r2(gl.tensor([[1.5, 2.5], [1, 3.5]]), gl.tensor([[1, 2], [1, 3]]))).toBe(0);
  });
});
