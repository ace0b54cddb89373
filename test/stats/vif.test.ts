// Variance inflation factors against statsmodels' variance_inflation_factor on
// add_constant(X) (tools/oracle/gen_stats.py, regression.json): diabetes and a seeded
// design with correlated columns; the categorical design is in formula.test.ts.
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as stats from "../../src/stats/index.js";
import type { FxNum } from "./fixtures.js";
import { loadFixture, maxRelErr, worstAt } from "./fixtures.js";

interface Fx {
  diabetes: { X: number[][]; names: string[]; vif: FxNum[] };
  synthetic: { X: number[][]; vif: FxNum[] };
}
const fx = loadFixture<Fx>("regression.json");

describe("vif against statsmodels' variance_inflation_factor (the constant included)", () => {
  it("diabetes: every column within 1e-9", () => {
    const v = stats.vif(fx.diabetes.X, { names: fx.diabetes.names });
    expect(v.names).toEqual(["const", ...fx.diabetes.names]);
    expect(maxRelErr(v.values, fx.diabetes.vif), worstAt(v.values, fx.diabetes.vif)).toBeLessThan(1e-9);
    expect(v.get("s1")).toBeGreaterThan(50); // s1 and s2 are nearly collinear in this dataset
  });

  it("seeded synthetic design (x4 correlated with x1), as a tensor", () => {
    const v = stats.vif(gl.tensor(fx.synthetic.X, { dtype: "float64" }));
    expect(maxRelErr(v.values, fx.synthetic.vif), worstAt(v.values, fx.synthetic.vif)).toBeLessThan(1e-9);
  });

  it("a frame with a right-hand-side formula; a printable table", () => {
    const df = { a: [1, 2, 3, 4, 5, 6], b: [2, 1, 4, 3, 6, 9], g: ["u", "v", "u", "v", "u", "u"] };
    const v = stats.vif(df, "~ a + b + C(g)");
    expect(v.names).toEqual(["Intercept", "C(g)[T.v]", "a", "b"]);
    const cols = stats.vif({ a: df.a, b: df.b, g: df.g });
    expect(cols.names).toEqual(["const", "a", "b", "g_v"]);
    expect(cols.get("a")).toBeCloseTo(v.get("a"), 12);
    expect(String(cols).split("\n")[0]).toBe("column           VIF");
    expect(stats.vif({ x1: [1, 2, 3, 4, 5], x2: [2, 1, 4, 3, 6] }).get("x1")).toBeCloseTo(148 / 48, 12); // 1 / (1 - r^2), r^2 = 100 / 148
  });

  it("a constant column, collinear columns and a dropped intercept are errors naming the problem", () => {
    expect(() => stats.vif({ a: [1, 2, 3, 4], c: [7, 7, 7, 7] })).toThrow("vif: column 'c' is constant (every value is 7), so it duplicates the constant 'const' and its VIF is undefined; drop it");
    expect(() => stats.vif({ a: [1, 2, 3, 4], b: [3, 1, 2, 5], s: [4, 3, 5, 9] })).toThrow("vif: the design matrix is singular (perfect collinearity): column 's' is a linear combination of other columns: s = a + b; drop one of 's', 'a', 'b'");
    expect(() => stats.vif({ a: [1, 2, 3] }, { intercept: false } as never)).toThrow("vif: variance inflation factors are computed on the design with a constant, so the intercept cannot be dropped");
    expect(() => stats.vif([[1, NaN], [2, 3], [3, 1]])).toThrow("vif: missing values (NaN or null) in 'x2' (1 row: 0)");
  });
});
