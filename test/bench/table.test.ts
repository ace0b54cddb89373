// The benchmark table's handling of repeated runs (--repeat): one median record per peer,
// workload and thread count, and gradlab[native] / PyTorch ratios per back-to-back pair.
import { describe, expect, it } from "vitest";
import type { AnyRecord } from "../../bench/protocol.js";
import { failureRecord } from "../../bench/protocol.js";
import { consolidate, median, pairedRatios } from "../../bench/table.js";

function rec(peer: string, workload: string, threads: number, value: number, repeat: number, metric = "GFLOP/s"): AnyRecord {
  const t = metric === "GFLOP/s" || metric === "steps/s" ? 1 / value : value;
  return {
    peer, workload, threads, median_s: t, min_s: t, max_s: t, metric, value, samples: 5, batch: 1, load1: 0.5,
    timestamp: "2026-11-23T00:00:00", extra: { repeat },
  };
}

describe("bench table: repeated pairs", () => {
  const runs: AnyRecord[] = [
    rec("gradlab[native]", "sgemm_n1024", 2, 190, 0), rec("pytorch", "sgemm_n1024", 2, 200, 0),
    rec("pytorch", "sgemm_n1024", 2, 180, 1), rec("gradlab[native]", "sgemm_n1024", 2, 198, 1),
    rec("gradlab[native]", "sgemm_n1024", 2, 205, 2), rec("pytorch", "sgemm_n1024", 2, 195, 2),
    // A time metric (lower is better): the ratio is PyTorch's time over gradlab's.
    rec("gradlab[native]", "dln_250ep", 1, 0.1, 0, "s/run"), rec("pytorch", "dln_250ep", 1, 0.25, 0, "s/run"),
    rec("gradlab[native]", "dln_250ep", 1, 0.2, 1, "s/run"),
    { ...failureRecord("pytorch", "dln_250ep", 1, 0.5, "crashed"), extra: { error: "crashed", repeat: 1 } },
  ];

  it("keeps one record per peer, workload and thread count: the median-valued one, never a failure beside a measurement", () => {
    const c = consolidate(runs);
    expect(c.map((r) => [r.peer, r.workload, r.value])).toEqual([
      ["gradlab[native]", "sgemm_n1024", 198], ["pytorch", "sgemm_n1024", 195],
      ["gradlab[native]", "dln_250ep", 0.2], ["pytorch", "dln_250ep", 0.25],
    ]);
  });

  it("pairs each repeat's two records, speed over speed, and leaves out a pair with a failure", () => {
    const p = pairedRatios(runs);
    expect(p.map((x) => [x.workload, x.threads, x.ratios.length])).toEqual([["sgemm_n1024", 2, 3], ["dln_250ep", 1, 1]]);
    expect(p[0].ratios[0]).toBeCloseTo(0.95, 12);
    expect(p[0].ratios[1]).toBeCloseTo(1.1, 12);
    expect(p[0].ratios[2]).toBeCloseTo(205 / 195, 12);
    expect(p[1].ratios[0]).toBeCloseTo(2.5, 12);
  });

  it("treats a run without repeats as one repeat, and takes medians of odd and even counts", () => {
    const single = runs.slice(0, 2).map((r) => ({ ...r, extra: {} }));
    expect(pairedRatios(single)).toEqual([{ workload: "sgemm_n1024", threads: 2, ratios: [0.95] }]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
