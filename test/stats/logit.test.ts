// Logistic regression against statsmodels 0.13's Logit (tools/oracle/gen_stats.py,
// logit.json): breast cancer and iris from scikit-learn, and a seeded frame with a
// categorical site and missing doses; the printed summary character for character.
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as stats from "../../src/stats/index.js";
import type { FxNum } from "./fixtures.js";
import { dec, loadFixture, maxRelErr, worstAt } from "./fixtures.js";
import { PINNED } from "./statsmodels.js";

interface LogitFx {
  names: string[]; params: FxNum[]; bse: FxNum[]; tvalues: FxNum[]; pvalues: FxNum[]; confInt: FxNum[][];
  llf: number; llnull: number; llr: number; llrPvalue: number; prsquared: number; aic: number; bic: number;
  nobs: number; dfModel: number; dfResid: number; fitted: number[]; summary: string;
}
interface Fx {
  statsmodels: string;
  breastCancer: { X: number[][]; y: number[]; names: string[]; yName: string; result: LogitFx };
  iris: { X: number[][]; y: number[]; names: string[]; yName: string; result: LogitFx; setosaX: number[][]; setosaY: number[]; setosaNames: string[] };
  frame: { columns: { cured: number[]; dose: (number | null)[]; site: string[] }; formula: string; result: LogitFx };
}
const fx = loadFixture<Fx>("logit.json");

function expectMatches(res: stats.LogitResult, want: LogitFx, tol = 1e-8): void {
  expect(res.names).toEqual(want.names);
  const check = (name: string, got: number[], w: FxNum[]): void => {
    expect(maxRelErr(got, w, 1e-300), `${name} ${worstAt(got, w, 1e-300)}`).toBeLessThan(tol);
  };
  check("params", res.params, want.params);
  check("bse", res.bse, want.bse);
  check("tvalues", res.tvalues, want.tvalues);
  check("pvalues", res.pvalues, want.pvalues);
  check("confInt", res.confInt().flat(), want.confInt.flat());
  check("fitted", (res.predict() as number[]).slice(0, 10), want.fitted);
  for (const k of ["llf", "aic", "bic"] as const) check(k, [res[k]], [want[k]]);
  // statsmodels fits the null model iteratively (its llnull is off by ~4e-8 absolute); ours
  // is the closed form, so what depends on it agrees to 1e-6 (the p-value moves by llr / 2).
  for (const k of ["llnull", "llr", "llrPvalue", "prsquared"] as const) {
    expect(maxRelErr([res[k]], [want[k]]), `${k}: got ${res[k]}, want ${want[k]}`).toBeLessThan(1e-6);
  }
  expect([res.nobs, res.dfModel, res.dfResid]).toEqual([want.nobs, want.dfModel, want.dfResid].map(dec));
}

describe(`logit against statsmodels ${fx.statsmodels} Logit`, () => {
  it("breast cancer (569 rows, 3 features + const): every statistic within 1e-8, and the summary", () => {
    const b = fx.breastCancer;
    const res = stats.logit(b.y, b.X, { names: b.names, yName: b.yName });
    expectMatches(res, b.result);
    // Includes statsmodels' note that 12% of the observations are predicted almost exactly.
    expect(res.summary({ date: PINNED })).toBe(b.result.summary);
  });

  it("iris, versicolor vs virginica on petal length and width", () => {
    const i = fx.iris;
    const res = stats.logit({ y: i.y, X: gl.tensor(i.X, { dtype: "float64" }) }, { names: i.names, yName: i.yName });
    expectMatches(res, i.result);
    expect(res.summary({ date: PINNED })).toBe(i.result.summary);
  });

  it(`a formula with a categorical and missing doses: "${fx.frame.formula}", missing: "drop"`, () => {
    const res = stats.logit(fx.frame.columns, fx.frame.formula, { missing: "drop" });
    expectMatches(res, fx.frame.result);
    expect(res.summary({ date: PINNED })).toBe(fx.frame.result.summary);
  });
});

describe("logit bad input is an error naming the problem", () => {
  it("perfect separation (iris setosa vs the rest) names a separating column", () => {
    const i = fx.iris;
    const fit = (): unknown => stats.logit(i.setosaY, i.setosaX, { names: i.setosaNames, yName: "setosa" });
    expect(fit).toThrow(stats.SeparationError);
    expect(fit).toThrow("logit: perfect separation: the predictors separate the outcomes completely (every fitted probability is within 1e-8 of the observed 0 or 1), so the maximum-likelihood estimates do not exist (the coefficients grow without bound). Column 'petal length (cm)' alone separates them: every petal length (cm) <= 1.9 has setosa = 1 and every petal length (cm) >= 3 has setosa = 0.");
  });

  it("quasi-complete separation: a predictor that is 1 only where y is 1", () => {
    const x = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
    const z = [1.2, -0.3, 0.8, 2.1, -1.0, 0.4, 1.6, -0.7, 0.3, 1.1, -0.2, 0.9];
    const y = [0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1];
    expect(() => stats.logit(y, { x, z })).toThrow(/^logit: quasi-complete separation: \d+ of 12 observations are predicted perfectly .* Column 'x' alone separates them apart from x = 0: every x > 0 has y = 1\./);
  });

  it("a response that is not 0/1, one class only, collinear predictors", () => {
    expect(() => stats.logit([0, 1, 2, 1], [[1], [2], [3], [4]])).toThrow("logit: the response 'y' must be 0 or 1 (or boolean), but row 2 is 2");
    expect(() => stats.logit([1, 1, 1], [[1], [2], [3]])).toThrow("logit: the response 'y' has only one class (every value is 1), so the coefficients cannot be estimated");
    expect(() => stats.logit([0, 1, 0, 1, 1], { a: [1, 2, 3, 4, 5], b: [2, 4, 6, 8, 10] })).toThrow("logit: the design matrix is singular (perfect collinearity): column 'b' is a linear combination of another column: b = 2*a");
  });
});

describe("Logit estimator (scikit-learn style)", () => {
  it("fit / predictProba / predict / score, booleans as the response", () => {
    const X = [[1], [2], [3], [4], [5], [6]], y = [false, false, true, false, true, true];
    const m = new stats.Logit().fit(X, y);
    const r = stats.logit(y.map(Number), X);
    expect(m.coef[0]).toBeCloseTo(r.params[1], 12);
    expect(m.intercept).toBeCloseTo(r.params[0], 12);
    expect(m.predict([[0], [7]])).toEqual([0, 1]);
    expect((m.predictProba([[3.5]]) as number[])[0]).toBeCloseTo(0.5, 12); // symmetric data: p = 1/2 at the middle
    expect(m.score(X, y)).toBeCloseTo(4 / 6, 14);
  });
});
