// Simpson's paradox: the kidney-stone preset (Charig et al. 1986) and the printed report.
import { describe, expect, it } from "vitest";
import * as stats from "../../src/stats/index.js";

describe("simpsonParadox", () => {
  const report = stats.simpsonParadox(stats.kidneyStones);

  it("kidney stones: B better overall (83% vs 78%), A better for small and for large stones", () => {
    expect(report.paradox).toBe(true);
    expect(report.overallBest).toBe("B");
    expect(report.everyStratumBest).toBe("A");
    expect(report.stratumBest).toEqual({ small: "A", large: "A" });
    expect(report.overall.A).toEqual({ successes: 273, total: 350, rate: 273 / 350 });
    expect(report.overall.B).toEqual({ successes: 289, total: 350, rate: 289 / 350 });
    expect(report.cells.A.small.rate).toBeCloseTo(81 / 87, 15);
    expect(report.cells.B.large.rate).toBeCloseTo(55 / 80, 15);
  });

  it("the printed report states the rates, the reversal and why", () => {
    const text = report.toString();
    expect(text).toBe([
      "Simpson's paradox analysis: success rate by treatment, within each stone size and overall",
      "",
      "treatment   small           large           overall",
      "A           93% (81/87)     73% (192/263)   78% (273/350)",
      "B           87% (234/270)   69% (55/80)     83% (289/350)",
      "",
      "Overall: treatment B has the higher success rate (83% vs 78% for treatment A).",
      "Within every stone size: treatment A has the higher success rate (small 93% vs 87%; large 73% vs 69%).",
      "Simpson's paradox: treatment A is better in every stone size, yet treatment B is better overall; the comparison reverses when the data are pooled across stone size.",
      "Why: the treatment groups have different mixes of stone size. The stone size 'large' has the lowest success rate (72% pooled), and it makes up 75% of treatment A's cases (263 of 350) but 23% of treatment B's cases (80 of 350). Pooling mixes the treatment effect with this difference in case mix; the rates within each stone size compare like with like.",
      "",
      "Data: Charig et al. (1986), BMJ 292:879-882; A = open surgery, B = percutaneous nephrolithotomy",
    ].join("\n"));
    expect(text).toContain("treatment B has the higher success rate (83% vs 78%");
  });

  it("one record per case gives the same analysis; more digits when needed to tell rates apart", () => {
    const group: string[] = [], stratum: string[] = [], outcome: boolean[] = [];
    for (const [g, s, k, t] of [["A", "small", 81, 87], ["A", "large", 192, 263], ["B", "small", 234, 270], ["B", "large", 55, 80]] as const) {
      for (let i = 0; i < t; i++) { group.push(g); stratum.push(s); outcome.push(i < k); }
    }
    const r = stats.simpsonParadox({ observations: { group, stratum, outcome } });
    expect(r.paradox).toBe(true);
    expect(r.overall.B.successes).toBe(289);
    const close = stats.simpsonParadox({ counts: { X: { a: [783, 1000], b: [10, 20] }, Y: { a: [781, 1000], b: [12, 20] } } });
    expect(close.toString()).toContain("78.3% (783/1000)");
    expect(close.paradox).toBe(false);
    expect(close.toString()).toContain("No Simpson's paradox: that needs one group ahead within every stratum.");
  });

  it("no paradox when the overall comparison agrees with every stratum", () => {
    const r = stats.simpsonParadox({ counts: { new: { young: [90, 100], old: [60, 100] }, old: { young: [80, 100], old: [50, 100] } }, groupLabel: "drug", stratumLabel: "age group" });
    expect(r.paradox).toBe(false);
    expect(r.toString()).toContain("No Simpson's paradox: the overall comparison agrees with every age group.");
  });

  it("bad counts are errors naming the cell", () => {
    expect(() => stats.simpsonParadox({ counts: { A: { s: [5, 4], l: [1, 2] }, B: { s: [1, 2], l: [1, 2] } } })).toThrow("simpsonParadox: group 'A', stratum 's' needs successes between 0 and the total 4, got 5");
    expect(() => stats.simpsonParadox({ counts: { A: { s: [1, 2], l: [1, 2] }, B: { s: [1, 2] } } })).toThrow("simpsonParadox: every group needs counts for the same strata; group 'B' lacks l (strata of 'A': s, l)");
    expect(() => stats.simpsonParadox({ counts: { A: { s: [1, 0], l: [1, 2] }, B: { s: [1, 2], l: [1, 2] } } })).toThrow("simpsonParadox: group 'A', stratum 's' needs a positive whole total, got 0");
    expect(() => stats.simpsonParadox({})).toThrow("simpsonParadox: give exactly one of counts");
  });
});
