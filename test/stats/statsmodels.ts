// Comparing a gradlab OLS fit with statsmodels' (the fields gen_stats.py writes), and the
// date the fixture summaries were printed with.
import { expect } from "vitest";
import type * as stats from "../../src/stats/index.js";
import type { FxNum } from "./fixtures.js";
import { dec, maxRelErr, worstAt } from "./fixtures.js";

export interface OlsFx {
  names: string[]; params: FxNum[]; bse: FxNum[]; tvalues: FxNum[]; pvalues: FxNum[]; confInt: FxNum[][]; confInt90: FxNum[][];
  rsquared: number; rsquaredAdj: number; fvalue: number; fPvalue: number; llf: number; aic: number; bic: number;
  nobs: number; dfModel: number; dfResid: number; ssr: number; ess: number; mseResid: number; conditionNumber: number;
  resid: number[]; summary: string;
}
export const PINNED = new Date(2024, 0, 2, 3, 4, 5);

/** Compares every statistic of an OLS fit with statsmodels'. */
export function expectMatchesStatsmodels(res: stats.OLSResult, want: OlsFx, tol = 1e-9): void {
  expect(res.names).toEqual(want.names);
  const check = (name: string, got: number[], w: FxNum[]): void => {
    expect(maxRelErr(got, w, 1e-300), `${name} ${worstAt(got, w, 1e-300)}`).toBeLessThan(tol);
  };
  check("params", res.params, want.params);
  check("bse", res.bse, want.bse);
  check("tvalues", res.tvalues, want.tvalues);
  check("pvalues", res.pvalues, want.pvalues);
  check("confInt", res.confInt().flat(), want.confInt.flat());
  check("confInt(0.1)", res.confInt(0.1).flat(), want.confInt90.flat());
  const scalars: [string, number, number][] = [
    ["rsquared", res.rsquared, want.rsquared], ["rsquaredAdj", res.rsquaredAdj, want.rsquaredAdj], ["fvalue", res.fvalue, want.fvalue],
    ["fPvalue", res.fPvalue, want.fPvalue], ["llf", res.llf, want.llf], ["aic", res.aic, want.aic], ["bic", res.bic, want.bic],
    ["ssr", res.ssr, want.ssr], ["ess", res.ess, want.ess], ["mseResid", res.mseResid, want.mseResid],
    ["conditionNumber", res.conditionNumber, want.conditionNumber],
  ];
  for (const [name, g, w] of scalars) check(name, [g], [w]);
  expect([res.nobs, res.dfModel, res.dfResid]).toEqual([want.nobs, want.dfModel, want.dfResid].map(dec));
  check("resid", res.resid.slice(0, 10), want.resid);
}

