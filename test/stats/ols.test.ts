// OLS against statsmodels 0.13 (tools/oracle/gen_stats.py, regression.json): the diabetes
// data shipped with scikit-learn and a seeded synthetic design, with and without a
// constant; coefficients, standard errors, t and p values, intervals, fit statistics, and
// the printed summary character for character (date pinned to 2024-01-02 03:04:05).
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as stats from "../../src/stats/index.js";
import type { FxNum } from "./fixtures.js";
import { loadFixture, maxRelErr } from "./fixtures.js";
import type { OlsFx } from "./statsmodels.js";
import { expectMatchesStatsmodels, PINNED } from "./statsmodels.js";

interface Fx {
  statsmodels: string;
  diabetes: { X: number[][]; y: number[]; names: string[]; yName: string; result: OlsFx; vif: FxNum[] };
  synthetic: { X: number[][]; y: number[]; result: OlsFx; noConstant: OlsFx; vif: FxNum[] };
}
const fx = loadFixture<Fx>("regression.json");
describe(`OLS against statsmodels ${fx.statsmodels}`, () => {
  const d = fx.diabetes;
  it("diabetes (442 x 10 + const): every statistic within 1e-9 relative", () => {
    const res = stats.ols(d.y, d.X, { names: d.names, yName: d.yName });
    expectMatchesStatsmodels(res, d.result);
  });

  it("diabetes: summary() prints statsmodels' table character for character", () => {
    const res = stats.ols({ y: d.y, X: d.X }, { names: d.names, yName: d.yName });
    expect(res.summary({ date: PINNED })).toBe(d.result.summary);
  });

  it("diabetes as tensors and as an object of columns gives the same fit", () => {
    const X = gl.tensor(d.X, { dtype: "float64" }), y = gl.tensor(d.y, { dtype: "float64" });
    const a = stats.ols(y, X, { names: d.names });
    const cols = Object.fromEntries(d.names.map((n, j) => [n, d.X.map((r) => r[j])]));
    const b = stats.ols(d.y, cols);
    expect(maxRelErr(a.params, d.result.params)).toBeLessThan(1e-9);
    expect(b.names).toEqual(d.result.names);
    expect(maxRelErr(b.bse, d.result.bse)).toBeLessThan(1e-9);
  });

  it("seeded synthetic design with a constant, and without one (uncentered R^2)", () => {
    const s = fx.synthetic;
    expectMatchesStatsmodels(stats.ols(s.y, s.X), s.result);
    const nc = stats.ols(s.y, s.X, { intercept: false });
    expect(nc.hasConstant).toBe(false);
    expectMatchesStatsmodels(nc, s.noConstant);
    expect(nc.summary({ date: PINNED })).toBe(s.noConstant.summary);
  });
});

describe("OLSResult", () => {
  it("table(), predict() on new rows and on tensors, missing report", () => {
    const res = stats.ols({ y: [1, 3, 2, 5, 4], X: { x: [1, 2, 3, 4, 5] } });
    expect(res.params[0]).toBeCloseTo(0.6, 14);
    expect(res.params[1]).toBeCloseTo(0.8, 14);
    const row = res.table()[1];
    expect(row.name).toBe("x");
    expect(row.statistic).toBeCloseTo(0.8 / row.stdErr, 14);
    expect(res.predict({ x: [10] })).toEqual([res.params[0] + 10 * res.params[1]]);
    const m = stats.ols([1, 3, 2, 5, 4], [[1], [2], [3], [4], [5]]);
    const t = m.predict(gl.tensor([[0], [1]], { dtype: "float64" }));
    expect(t).toBeInstanceOf(gl.Tensor);
    expect((t as gl.Tensor).tolist()[1]).toBeCloseTo(1.4, 14);
    expect(String(res.missing)).toBe("no missing values");
  });

  it("10,000 x 20 fits in well under a second, with residuals orthogonal to the design", () => {
    const gen = new gl.Generator(7);
    const n = 10_000, k = 20;
    const X = gl.randn([n, k], { dtype: "float64", generator: gen });
    const beta = gl.randn([k], { dtype: "float64", generator: gen });
    const y = gl.add(gl.matmul(X, beta), gl.randn([n], { dtype: "float64", generator: gen }));
    stats.ols(y, X); // warm up the JIT once
    const t0 = performance.now();
    const res = stats.ols(y, X);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
    expect(res.nobs).toBe(n);
    const Xd = X.tolist(), e = res.resid;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Xd[i * k + j] * e[i];
      expect(Math.abs(s)).toBeLessThan(1e-8 * n);
    }
    expect(maxRelErr(res.params.slice(1), beta.tolist().map((b) => b), 1)).toBeLessThan(0.05);
  });
});

describe("OLS bad input is an error naming the problem", () => {
  it("perfect collinearity names the column and the combination", () => {
    const x1 = [1, 2, 3, 4, 5, 6], x2 = [2, 1, 4, 3, 6, 5];
    const x3 = x1.map((v, i) => 2 * v - x2[i]);
    expect(() => stats.ols([1, 2, 3, 2, 5, 4], { x1, x2, x3 })).toThrow(
      "ols: the design matrix is singular (perfect collinearity): column 'x3' is a linear combination of other columns: x3 = 2*x1 - x2; drop one of 'x3', 'x1', 'x2'");
    expect(() => stats.ols([1, 2, 3, 2], { x: [1, 2, 3, 4], five: [5, 5, 5, 5] })).toThrow(
      "ols: the design matrix is singular (perfect collinearity): column 'five' is constant (five = 5*const), which duplicates the intercept 'const'; drop the column or the intercept");
    expect(() => stats.ols([1, 2, 3, 2], { x: [1, 2, 3, 4], z: [0, 0, 0, 0] })).toThrow("ols: the design matrix is singular: column 'z' is all zeros");
    const err = (() => { try { stats.ols([1, 2, 3], { a: [1, 2, 3], b: [2, 4, 6] }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(stats.CollinearityError);
  });

  it("too few observations, ragged or mismatched data, NaN without a rule, infinities, constant response", () => {
    expect(() => stats.ols([1, 2], [[1, 2], [3, 4]])).toThrow("ols: 2 observations cannot determine 3 coefficients (const, x1, x2)");
    expect(() => stats.ols([1, 2, 3], [[1, 2], [3], [4, 5]])).toThrow("ols: X is ragged: X[1] has 1 entries but X[0] has 2");
    expect(() => stats.ols([1, 2, 3], { x: [1, 2] })).toThrow("ols: columns must have the same length, but 'y' has 3 rows and 'x' has 2");
    expect(() => stats.ols([1, 2, 3, 4], [[1], [NaN], [3], [4]])).toThrow(
      "ols: missing values (NaN or null) in 'x1' (1 row: 1); choose a rule: missing: \"drop\" drops those rows, missing: { impute: \"mean\" | \"median\" | \"mode\" | { constant: value } } fills the predictors");
    expect(() => stats.ols([1, 2, 3, 4], [[1], [Infinity], [3], [4]])).toThrow("ols: column 'x1' has the infinite value Infinity in row 1; remove or replace infinite values");
    expect(() => stats.ols([3, 3, 3, 3], [[1], [2], [3], [5]])).toThrow("ols: the response 'y' is constant (every value is 3), so there is no variation to explain");
    expect(() => stats.ols([1, 2, 3], [[1], [2], [4]], { names: ["a", "b"] })).toThrow("ols: names has 2 entries but X has 1 columns");
    expect(() => stats.ols([1, 2], { x: [1, 2] })).toThrow("ols: 2 observations for 2 coefficients leave no residual degrees of freedom");
  });
});

describe("OLS estimator (scikit-learn style)", () => {
  it("fit / predict / score / coef / intercept", () => {
    const m = new stats.OLS().fit([[1], [2], [3], [4]], [3, 5, 7, 9.5]);
    expect(m.coef[0]).toBeCloseTo(2.15, 13);
    expect(m.intercept).toBeCloseTo(0.75, 13);
    expect((m.predict([[5]]) as number[])[0]).toBeCloseTo(11.5, 13);
    expect(m.score([[1], [2], [3], [4]], [3, 5, 7, 9.5])).toBeCloseTo(m.result.rsquared, 14);
    expect(() => new stats.OLS().coef).toThrow("OLS: the model is not fitted yet; call fit(X, y) first");
    const noInt = new stats.OLS({ intercept: false }).fit([[1], [2], [3]], [2, 4, 6]);
    expect(noInt.coef[0]).toBeCloseTo(2, 14);
    expect(noInt.intercept).toBe(0);
  });
});
