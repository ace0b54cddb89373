// Formulas, categorical columns and missing values, against statsmodels/patsy and pandas
// (tools/oracle/gen_stats.py, regression.json): a seeded frame with a three-level group,
// NaN in x1, None in group and NaN in y, fit with missing="drop", with pandas-imputed
// values, through the get_dummies column API, with a Treatment reference and without an
// intercept.
import { describe, expect, it } from "vitest";
import * as stats from "../../src/stats/index.js";
import type { OlsFx } from "./statsmodels.js";
import { expectMatchesStatsmodels, PINNED } from "./statsmodels.js";
import { loadFixture } from "./fixtures.js";

interface Fx {
  frame: { y: (number | null)[]; x1: (number | null)[]; x2: number[]; group: (string | null)[] };
  categorical: {
    formula: string; drop: OlsFx; imputeMeanMode: OlsFx; imputeMedianConstant: OlsFx; columnsApi: OlsFx; reference: OlsFx; noIntercept: OlsFx;
    imputedValues: { x1Mean: number; x1Median: number; groupMode: string }; vif: { names: string[]; values: number[] }; droppedRows: number;
  };
}
const fx = loadFixture<Fx>("regression.json");
const frame = fx.frame, c = fx.categorical;

describe("formula API against statsmodels.formula.api.ols (patsy)", () => {
  it(`"${c.formula}" with missing: "drop" (listwise deletion, as patsy)`, () => {
    const res = stats.ols(frame, c.formula, { missing: "drop" });
    expectMatchesStatsmodels(res, c.drop);
    expect(res.summary({ date: PINNED })).toBe(c.drop.summary);
    expect(res.missing.droppedRows.length).toBe(c.droppedRows);
    expect(String(res.missing)).toBe(`${c.droppedRows} of 150 rows dropped (missing values)`);
  });

  it("imputing x1 with its mean and group with its mode (pandas fillna), rows missing y dropped", () => {
    const res = stats.ols(frame, c.formula, { missing: { impute: { x1: "mean", group: "mode" } } });
    expectMatchesStatsmodels(res, c.imputeMeanMode);
    const x1 = res.missing.imputed.find((i) => i.column === "x1")!;
    expect(x1.rule).toBe("mean");
    expect(x1.value).toBeCloseTo(c.imputedValues.x1Mean, 13);
    expect(res.missing.imputed.find((i) => i.column === "group")!.value).toBe(c.imputedValues.groupMode);
    expect(String(res.missing)).toBe([
      "3 of 150 rows dropped (missing response)",
      `x1: 9 missing values filled with the mean ${Number(c.imputedValues.x1Mean.toPrecision(6))}`,
      `group: 6 missing values filled with the mode "${c.imputedValues.groupMode}"`,
    ].join("\n"));
  });

  it("imputing x1 with its median and group with a constant level", () => {
    const res = stats.ols(frame, c.formula, { missing: { impute: { x1: "median", group: { constant: "west" } } } });
    expectMatchesStatsmodels(res, c.imputeMedianConstant);
    expect(res.missing.imputed[0].value).toBeCloseTo(c.imputedValues.x1Median, 13);
  });

  it("C(group, Treatment('south')) picks the reference level", () => {
    expectMatchesStatsmodels(stats.ols(frame, "y ~ x1 + C(group, Treatment('south'))", { missing: "drop" }), c.reference);
  });

  it('"- 1" drops the intercept and the first categorical keeps every level (full rank)', () => {
    const res = stats.ols(frame, "y ~ C(group) + x2 - 1", { missing: "drop" });
    expectMatchesStatsmodels(res, c.noIntercept);
    expect(res.hasConstant).toBe(true); // implied by the full set of dummies, so R^2 is centered
  });

  it("a frame given as an array of row objects works the same", () => {
    const rows = frame.y.map((y, i) => ({ y, x1: frame.x1[i], x2: frame.x2[i], group: frame.group[i] }));
    const res = stats.ols(rows, c.formula, { missing: "drop" });
    expectMatchesStatsmodels(res, c.drop);
  });

  it("predict() encodes new rows with the fitted levels and fill values", () => {
    const res = stats.ols(frame, c.formula, { missing: { impute: { x1: "mean", group: "mode" } } });
    const p = res.params;
    const [pred] = res.predict({ x1: [null], x2: [0.5], group: ["west"] }) as number[];
    const x1 = res.missing.imputed[0].value as number;
    expect(pred).toBeCloseTo(p[0] + p[2] + x1 * p[3] + 0.5 * p[4], 12);
    expect(() => res.predict({ x1: [1], x2: [0], group: ["east"] })).toThrow(
      'OLSResult.predict: column \'group\' row 0 has the level "east", which the model did not see when fit (levels: "north", "south", "west")');
  });
});

describe("column API against statsmodels OLS on add_constant(get_dummies(drop_first=True))", () => {
  it("string columns become dummies named group_<level>; const first", () => {
    const X = { x1: frame.x1, x2: frame.x2, group: frame.group };
    const res = stats.ols({ y: frame.y, X }, { missing: "drop" });
    expectMatchesStatsmodels(res, c.columnsApi);
  });

  it("stats.categorical(...) with levels and reference; numbers as categories", () => {
    const res = stats.ols({ y: [1, 2, 3, 4.5, 2, 1], X: { group: stats.categorical(["a", "b", "a", "c", "b", "c"], { reference: "b" }) } });
    expect(res.names).toEqual(["const", "group_a", "group_c"]);
    expect(res.params[0]).toBeCloseTo(2, 14); // the mean of the reference level b
    const num = stats.ols([1, 2, 3, 4, 5, 7], { dose: stats.categorical([1, 2, 3, 1, 2, 3]) });
    expect(num.names).toEqual(["const", "dose_2", "dose_3"]);
    const f = stats.ols({ y: [1, 2, 3, 4, 5, 7], dose: [1, 2, 3, 1, 2, 3] }, "y ~ C(dose)");
    expect(f.names).toEqual(["Intercept", "C(dose)[T.2]", "C(dose)[T.3]"]);
    expect(f.params).toEqual(num.params.map((v) => expect.closeTo(v, 12)));
  });

  it("variance inflation factors of the same design match statsmodels", () => {
    const complete = frame.y.map((_, i) => i).filter((i) => frame.y[i] !== null && frame.x1[i] !== null && frame.group[i] !== null);
    const pick = <T>(col: T[]): T[] => complete.map((i) => col[i]);
    const v = stats.vif({ x1: pick(frame.x1), x2: pick(frame.x2), group: pick(frame.group) });
    expect(v.names).toEqual(c.vif.names);
    v.values.forEach((x, i) => expect(Math.abs(x - c.vif.values[i]) / c.vif.values[i]).toBeLessThan(1e-9));
  });
});

describe("formula and missing-value errors name the problem", () => {
  it("missing values without a rule list the columns and rows", () => {
    expect(() => stats.ols(frame, c.formula)).toThrow(
      "ols: missing values (NaN or null) in 'y' (3 rows: ");
    expect(() => stats.ols(frame, "y ~ x2 + C(group)", { missing: { impute: "mean" } })).toThrow(
      "ols: cannot fill the categorical column 'group' with its mean; use \"mode\" or { constant: value } for it, e.g. missing: { impute: { group: \"mode\" } }");
    expect(() => stats.ols(frame, c.formula, { missing: { impute: { x1: "mean" } } })).toThrow(
      "ols: column 'group' has missing values but missing.impute gives no rule for it (rules given for: x1)");
    expect(() => stats.ols(frame, c.formula, { missing: { impute: { x1: { constant: "zero" }, group: "mode" } } })).toThrow(
      "ols: the numeric column 'x1' needs a finite number as its constant fill value, got \"zero\"");
    expect(() => stats.ols(frame, c.formula, { missing: "ignore" as "drop" })).toThrow('ols: missing must be "raise", "drop" or { impute: rule }, got "ignore"');
  });

  it("formula syntax and unknown columns", () => {
    expect(() => stats.ols(frame, "y = x1")).toThrow('formula: expected exactly one \'~\' in "y = x1", as in "y ~ x1 + C(group)"');
    expect(() => stats.ols(frame, "y ~ log(x1)")).toThrow('formula: cannot read the term "log(x1)" in "y ~ log(x1)"; supported terms are column names, C(column), C(column, Treatment(reference)), 1, 0 and -1');
    expect(() => stats.ols(frame, "y ~ x1 +")).toThrow("formula: \"y ~ x1 +\" ends with a sign or has no terms after '~'");
    expect(() => stats.ols(frame, "y ~ x3", { missing: "drop" })).toThrow("ols: no column named 'x3' in the data (columns: y, x1, x2, group)");
    expect(() => stats.ols(frame, "y ~ C(group, Treatment('east'))", { missing: "drop" })).toThrow(
      "ols: the reference level \"east\" of 'C(group, Treatment('east'))' is not one of its levels (\"north\", \"south\", \"west\")");
    expect(() => stats.ols(frame, "group ~ x2", { missing: "drop" })).toThrow("ols: the response 'group' must be numeric (or boolean), but it holds categories");
    expect(() => stats.ols({ y: [1, 2], x: [1, "a"] } as never, "y ~ x")).toThrow("ols: column 'x' mixes numbers and strings (row 1 is the string \"a\"); wrap it in stats.categorical(...) to treat every value as a category");
    expect(() => stats.ols(frame, "~ x1")).toThrow('ols: the formula "~ x1" has no response; write it as "y ~ x1 + x2"');
  });

  it("parses intercept terms and removals like patsy", () => {
    const df = { y: [1, 2, 3, 5, 4, 6], a: [1, 2, 3, 4, 5, 7], b: [2, 1, 2, 1, 2, 2] };
    expect(stats.ols(df, "y ~ a + b + 1 - b").names).toEqual(["Intercept", "a"]);
    expect(stats.ols(df, "y ~ 0 + a").names).toEqual(["a"]);
    expect(stats.ols(df, "y ~ -1 + a + b").names).toEqual(["a", "b"]);
    expect(stats.ols(df, "y~a+C( b )").names).toEqual(["Intercept", "C(b)[T.2]", "a"]);
  });
});
