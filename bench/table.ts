import type { BenchRecord } from "./protocol.js";
import { higherIsBetter } from "./protocol.js";

// The summary table: one row per workload, one column per peer, and gradlab's speed
// relative to each peer (>1 means gradlab is faster), as a markdown table.

const PEER_COLUMNS = ["gradlab[js]", "tfjs[cpu]", "tfjs[wasm]"] as const;

function fmt(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** gradlab speed / peer speed: the value ratio for throughputs, the inverse for times. */
export function speedRatio(gradlab: BenchRecord, peer: BenchRecord): number {
  return higherIsBetter(gradlab.metric) ? gradlab.value / peer.value : peer.value / gradlab.value;
}

/** Prints the markdown table of one run's records. */
export function printTable(records: readonly BenchRecord[]): void {
  const workloads = [...new Set(records.map((r) => r.workload))];
  const lines = [
    "| workload | metric | gradlab js | tfjs cpu | tfjs wasm | gradlab/tfjs-cpu | gradlab/tfjs-wasm | threads | load1 |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const w of workloads) {
    const by = new Map(records.filter((r) => r.workload === w).map((r) => [r.peer, r]));
    const g = by.get("gradlab[js]");
    const cells = PEER_COLUMNS.map((p) => {
      const r = by.get(p);
      return r ? fmt(r.value) : "-";
    });
    const ratio = (p: string): string => {
      const r = by.get(p);
      return g && r ? `${fmt(speedRatio(g, r))}x` : "-";
    };
    const rows = [...by.values()];
    const threads = [...new Set(rows.map((r) => r.threads))].join("/");
    const load = Math.max(...rows.map((r) => r.load1));
    lines.push(`| ${w} | ${rows[0].metric} | ${cells.join(" | ")} | ${ratio("tfjs[cpu]")} | ${ratio("tfjs[wasm]")} | ${threads} | ${load.toFixed(2)} |`);
  }
  console.log(lines.join("\n"));
  console.log("\nratio = gradlab speed / peer speed (GFLOP/s ratio; inverse ratio for s/run and us/op): >1 means gradlab is faster.");
  printTargets(records);
  const bad = records.filter((r) => r.extra.sanity_ok === false);
  for (const r of bad) console.log(`warning: ${r.peer} ${r.workload} failed the DLN sanity check: ${JSON.stringify(r.extra)}`);
}

/** The js backend's goals from the issue, checked against this run's records. */
function printTargets(records: readonly BenchRecord[]): void {
  const get = (peer: string, w: string) => records.find((r) => r.peer === peer && r.workload === w);
  const lines: string[] = [];
  const vsCpu = (w: string, want: number): void => {
    const g = get("gradlab[js]", w), c = get("tfjs[cpu]", w);
    if (g && c) {
      const r = speedRatio(g, c);
      lines.push(`${w}: gradlab ${fmt(r)}x tfjs-cpu (goal >= ${want}x): ${r >= want ? "met" : "NOT met"}`);
    }
  };
  for (const n of [256, 512, 1024]) vsCpu(`sgemm_n${n}`, 2);
  vsCpu("dln_250ep", 5);
  const d = get("gradlab[js]", "dispatch_add8_grad");
  if (d) lines.push(`dispatch_add8_grad: ${fmt(d.value)} us/op (goal < 2 us): ${d.value < 2 ? "met" : "NOT met"}`);
  if (lines.length) console.log("\ngoals (issue):\n  " + lines.join("\n  "));
}
