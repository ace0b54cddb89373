// Descriptive statistics against numpy 1.24 and scipy 1.10 (tools/oracle/gen_stats.py,
// descriptive.json): moments, quantiles (five methods), z-scores, covariance, correlation,
// NaN-omitting variants, and the residual tests statsmodels prints.
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as stats from "../../src/stats/index.js";
import type { FxNum } from "./fixtures.js";
import { loadFixture, maxRelErr, worstAt } from "./fixtures.js";

type Stats = Record<string, FxNum & number>;
interface Fx {
  numpy: string; vector: number[]; matrix: number[][]; vectorWithNan: (number | "nan")[]; q: number[];
  vectorStats: Stats & { quantile: Record<stats.QuantileMethod, number[]>; zscore0: number[]; zscore1: number[] };
  matrixStats: Record<string, number | number[] | number[][]>;
  nanStats: { mean: number; var1: number; median: number; quantile: number[]; zscore: FxNum[] };
  residuals: { x: number[]; durbinWatson: number; jarqueBera: Record<string, number>; normalTest: Record<string, number> };
}
const fx = loadFixture<Fx>("descriptive.json");
const v = fx.vector, M = fx.matrix, vs = fx.vectorStats, ms = fx.matrixStats;
const nanVec = fx.vectorWithNan.map((x) => (x === "nan" ? NaN : x));
const TOL = 1e-12;
const flat = (m: number[][]): number[] => m.flat();
const close = (got: number | number[], want: unknown): void => {
  const g = typeof got === "number" ? [got] : got;
  const w = (Array.isArray(want) ? (want as unknown[]).flat() : [want]) as FxNum[];
  expect(maxRelErr(g, w, 1e-8), worstAt(g, w, 1e-8)).toBeLessThan(TOL);
};

describe(`moments against numpy ${fx.numpy} and scipy.stats`, () => {
  it("mean, variance and std: population (ddof 0) and sample (ddof 1, the default)", () => {
    close(stats.mean(v), vs.mean);
    close(stats.variance(v, { ddof: 0 }), vs.var0);
    close(stats.variance(v), vs.var1);
    close(stats.std(v, { ddof: 0 }), vs.std0);
    close(stats.std(v), vs.std1);
  });
  it("per column (axis 0) and per row (axis 1) of a matrix, and over all values", () => {
    close(stats.mean(M, { axis: 0 }), ms.mean0);
    close(stats.mean(M, { axis: 1 }), ms.mean1);
    close(stats.mean(M), ms.meanAll);
    close(stats.variance(M, { axis: 0 }), ms.var1Axis0);
    close(stats.std(M, { axis: -1, ddof: 0 }), ms.std0Axis1);
  });
  it("skewness and kurtosis (biased, bias-corrected, Fisher and Pearson)", () => {
    close(stats.skewness(v), vs.skew);
    close(stats.skewness(v, { bias: false }), vs.skewUnbiased);
    close(stats.kurtosis(v), vs.kurtosis);
    close(stats.kurtosis(v, { fisher: false }), vs.kurtosisPearson);
    close(stats.kurtosis(v, { bias: false }), vs.kurtosisUnbiased);
  });
  it("takes tensors and typed arrays", () => {
    close(stats.mean(gl.tensor(M, { dtype: "float64" }), { axis: 0 }), ms.mean0);
    close(stats.variance(Float64Array.from(v), { ddof: 0 }), vs.var0);
    expect(stats.mean(gl.tensor([1, 2, 3, 4]))).toBe(2.5);
  });
});

describe("quantiles and the median against numpy", () => {
  for (const method of ["linear", "lower", "higher", "midpoint", "nearest"] as const) {
    it(`quantile(x, [${fx.q.join(", ")}], { method: "${method}" })`, () => {
      close(stats.quantile(v, fx.q, { method }), vs.quantile[method]);
    });
  }
  it("median, per column; quantiles per row come q-first as numpy orders them", () => {
    close(stats.median(v), vs.median);
    close(stats.median(M, { axis: 0 }), ms.medianAxis0);
    const q = stats.quantile(M, fx.q, { axis: 1 });
    expect(q.length).toBe(fx.q.length);
    close(flat(q), ms.quantileAxis1);
    expect(stats.quantile([1, 2, 3, 4], 0.25)).toBe(1.75); // numpy.quantile([1, 2, 3, 4], 0.25)
    expect(stats.median([3, 1, 4, 1, 5])).toBe(3);
  });
});

describe("z-scores, covariance and correlation", () => {
  // z = (x - mean) / sd loses digits to rounding in the mean when |mean| >> sd (the last
  // column is about 1000 +- 0.1), in numpy as here, so z-scores compare absolutely at 1e-11.
  const closeZ = (got: number[], want: unknown): void => {
    const w = (want as number[] | number[][]).flat();
    expect(maxRelErr(got, w, 1), worstAt(got, w, 1)).toBeLessThan(1e-11);
  };
  it("zscore as scipy: ddof 0 by default, columns of a matrix by default, axis 1 or null", () => {
    closeZ(stats.zscore(v), vs.zscore0);
    closeZ(stats.zscore(v, { ddof: 1 }), vs.zscore1);
    closeZ(flat(stats.zscore(M)), ms.zscoreAxis0);
    closeZ(flat(stats.zscore(M, { axis: 1 })), ms.zscoreAxis1);
    closeZ(flat(stats.zscore(M, { axis: null })), ms.zscoreAll);
    const t = stats.zscore(gl.tensor(M, { dtype: "float32" }));
    expect(t).toBeInstanceOf(gl.Tensor);
    expect(t.dtype).toBe("float64");
    expect(t.shape).toEqual([M.length, 4]);
  });
  it("cov and corr as numpy (observations in rows; rowvar: true for numpy's layout)", () => {
    close(flat(stats.cov(M) as number[][]), ms.cov);
    close(flat(stats.cov(M, { ddof: 0 }) as number[][]), ms.cov0);
    close(flat(stats.cov(M.slice(0, 5), { rowvar: true }) as number[][]), ms.covRows);
    close(flat(stats.corr(M) as number[][]), ms.corr);
    const c0 = M.map((r) => r[0]), c1 = M.map((r) => r[1]);
    close(stats.cov(c0, c1) as number, ms.covPair);
    close(stats.corr(c0, c1) as number, ms.corrPair);
    expect(stats.cov([1, 2, 3, 4], [2, 4, 5, 9])).toBeCloseTo(3.6666666666666665, 15);
  });
});

describe("NaN policies", () => {
  it('"omit" matches numpy\'s nanmean, nanvar, nanmedian, nanquantile and scipy zscore(nan_policy="omit")', () => {
    close(stats.mean(nanVec, { nanPolicy: "omit" }), fx.nanStats.mean);
    close(stats.variance(nanVec, { nanPolicy: "omit" }), fx.nanStats.var1);
    close(stats.median(nanVec, { nanPolicy: "omit" }), fx.nanStats.median);
    close(stats.quantile(nanVec, fx.q, { nanPolicy: "omit" }), fx.nanStats.quantile);
    const z = stats.zscore(nanVec, { nanPolicy: "omit" });
    expect(maxRelErr(z, fx.nanStats.zscore, 1e-8)).toBeLessThan(TOL);
  });
  it('"propagate" returns NaN; "raise" (the default) is an error saying where', () => {
    expect(stats.mean(nanVec, { nanPolicy: "propagate" })).toBeNaN();
    expect(() => stats.mean(nanVec)).toThrow('mean: x has 3 NaN (missing) values at 3, 11, 30; pass nanPolicy: "omit" to leave them out, or "propagate" to get NaN');
    expect(() => stats.std([[1, null], [2, 3]] as number[][])).toThrow("std: x has 1 NaN (missing) value at [0, 1]");
    expect(() => stats.corr([1, 2, NaN], [1, 2, 3])).toThrow("corr: observation 2 hold NaN (missing) values");
  });
});

describe("residual tests against statsmodels' stattools", () => {
  const r = fx.residuals;
  it("durbinWatson, jarqueBera (with skew and kurtosis), normalTest (omnibus)", () => {
    close(stats.durbinWatson(r.x), r.durbinWatson);
    const jb = stats.jarqueBera(r.x);
    close([jb.statistic, jb.pValue, jb.skew, jb.kurtosis], [r.jarqueBera.statistic, r.jarqueBera.pValue, r.jarqueBera.skew, r.jarqueBera.kurtosis]);
    const nt = stats.normalTest(r.x);
    close([nt.statistic, nt.pValue], [r.normalTest.statistic, r.normalTest.pValue]);
    expect(() => stats.normalTest([1, 2, 3])).toThrow("normalTest: needs at least 8 values (the skewness test is not valid below that), got 3");
  });
});

describe("bad input is an error naming the problem", () => {
  it("ragged arrays, non-numbers, empty input, bad options", () => {
    expect(() => stats.mean([[1, 2], [3]])).toThrow("mean: x is ragged: x[1] has 1 entries but x[0] has 2");
    expect(() => stats.variance([1, "2" as unknown as number])).toThrow('variance: x[1] is the string "2"; expected numbers (null or NaN for a missing value)');
    expect(() => stats.mean([])).toThrow("mean: no values to reduce");
    expect(() => stats.variance([5])).toThrow("variance: needs more than ddof = 1 values, got 1");
    expect(() => stats.mean([1, 2, 3], { axis: 0 })).toThrow("mean: axis 0 needs a 2-D input (a matrix), but x has shape [3]; omit axis to use every value");
    expect(() => stats.quantile([1, 2], 1.5)).toThrow("quantile: q must be in [0, 1], got 1.5");
    expect(() => stats.quantile([1, 2], 0.5, { method: "hazen" as "linear" })).toThrow('quantile: method must be one of "linear", "lower", "higher", "midpoint", "nearest", got "hazen"');
    expect(() => stats.mean([1], { nanPolicy: "skip" as "omit" })).toThrow('mean: nanPolicy must be "raise", "omit" or "propagate", got "skip"');
  });
  it("statistics that divide by a spread refuse constant data", () => {
    expect(() => stats.zscore([[1, 2], [1, 3]])).toThrow("zscore: column 0 is constant (standard deviation 0), so z-scores are undefined");
    expect(() => stats.corr([[1, 2], [1, 3], [1, 5]])).toThrow("corr: variable 0 (column 0 of the data) is constant, so its correlation is undefined");
    expect(() => stats.skewness([2, 2, 2])).toThrow("skewness: the values are constant (variance 0), so the skewness is undefined");
  });
});
