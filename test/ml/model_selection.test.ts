import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as ml from "../../src/ml/index.js";

// ml.trainTestSplit applies gl.data.trainTestSplit's indices to X and y.

describe("trainTestSplit", () => {
  it("uses gl.data.trainTestSplit's indices and keeps rows paired", () => {
    const X = Array.from({ length: 10 }, (_, i) => [i, 10 * i]);
    const y = Array.from({ length: 10 }, (_, i) => i);
    const s = ml.trainTestSplit(X, y, { testFraction: 0.3, seed: 4 });
    const idx = gl.data.trainTestSplit(10, { testFraction: 0.3, seed: 4 });
    expect(s.test).toEqual(idx.test);
    expect(s.train).toEqual(idx.train);
    expect(s.XTest.shape).toEqual([3, 2]);
    expect(s.yTrain.dtype).toBe("int32");
    expect((s.XTest.toArray() as number[][]).map((r) => r[0])).toEqual(s.yTest.toArray());
    expect([...s.train, ...s.test].sort((a, b) => a - b)).toEqual(y);
  });

  it("errors name the helper and the problem", () => {
    expect(() => ml.trainTestSplit([[1], [2]], [1])).toThrow(/trainTestSplit: X has 2 samples but y has 1/);
    expect(() => ml.trainTestSplit([[1], [2]], [1, 2], { testFraction: 1 })).toThrow(/trainTestSplit: testFraction must be < 1/);
  });
});
