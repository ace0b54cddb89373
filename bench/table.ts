import { peakDerivation, peakGflops } from "./peak.js";
import type { AnyRecord, BenchRecord } from "./protocol.js";
import { higherIsBetter, measured } from "./protocol.js";

// The summary of one run: per workload each peer's value, gradlab[native]'s speed relative
// to PyTorch at the same thread count and to the best TensorFlow.js backend, SGEMM as a
// share of the machine's fp32 peak, and the issue's targets checked against this run.

type Measured = BenchRecord;

function fmt(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** a's speed / b's speed: the value ratio for throughputs, the inverse for times (>1: a is faster). */
export function speedRatio(a: BenchRecord, b: BenchRecord): number {
  return higherIsBetter(a.metric) ? a.value / b.value : b.value / a.value;
}

/** Looks up one record of a run by peer, thread count and workload. */
class Run {
  constructor(readonly records: readonly AnyRecord[]) {}
  get(peer: string, workload: string, threads?: number): AnyRecord | undefined {
    return this.records.find((r) => r.peer === peer && r.workload === workload && (threads === undefined || r.threads === threads));
  }
  ok(peer: string, workload: string, threads?: number): Measured | undefined {
    const r = this.get(peer, workload, threads);
    return r && measured(r) ? r : undefined;
  }
  /** The faster of tfjs's backends on this workload. */
  bestTfjs(workload: string): Measured | undefined {
    const c = [this.ok("tfjs[cpu]", workload), this.ok("tfjs[wasm]", workload)].filter((r): r is Measured => r !== undefined);
    return c.sort((a, b) => speedRatio(b, a) - speedRatio(a, b))[0];
  }
}

const key = (r: AnyRecord): string => `${r.peer}|${r.workload}|${r.threads}`;

/**
 * One record per (peer, workload, threads): where a run repeated it (--repeat), the measured
 * record of median value (the upper median of an even count); a failure only where none was
 * measured. Order follows each key's first record.
 */
export function consolidate(records: readonly AnyRecord[]): AnyRecord[] {
  const groups = new Map<string, AnyRecord[]>();
  for (const r of records) {
    const g = groups.get(key(r));
    if (g) g.push(r); else groups.set(key(r), [r]);
  }
  return [...groups.values()].map((g) => {
    const ok = g.filter(measured).sort((a, b) => a.value - b.value);
    return ok.length ? ok[Math.floor(ok.length / 2)] : g[0];
  });
}

/** gradlab[native]'s speed over PyTorch's in each repeat of one workload at one thread count (the two ran back to back). */
export interface PairedRatios {
  workload: string;
  threads: number;
  ratios: number[];
}

/** The per-repeat ratios of a run (records carry extra.repeat; a run without it is one repeat); pairs with a failure are left out. */
export function pairedRatios(records: readonly AnyRecord[]): PairedRatios[] {
  const out: PairedRatios[] = [];
  const find = (peer: string, w: string, t: number, rep: unknown): BenchRecord | undefined => {
    const r = records.find((x) => x.peer === peer && x.workload === w && x.threads === t && (x.extra.repeat ?? 0) === rep);
    return r && measured(r) ? r : undefined;
  };
  const seen = new Set<string>();
  for (const g of records.filter((r) => r.peer === "gradlab[native]")) {
    const id = `${g.workload}|${g.threads}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const reps = [...new Set(records.filter((r) => r.peer === "gradlab[native]" && r.workload === g.workload && r.threads === g.threads).map((r) => r.extra.repeat ?? 0))];
    const ratios: number[] = [];
    for (const rep of reps) {
      const a = find("gradlab[native]", g.workload, g.threads, rep), b = find("pytorch", g.workload, g.threads, rep);
      if (a && b) ratios.push(speedRatio(a, b));
    }
    if (ratios.length) out.push({ workload: g.workload, threads: g.threads, ratios });
  }
  return out;
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Prints the markdown table of one run's records, the SGEMM peak table and the targets. */
export function printTable(all: readonly AnyRecord[]): void {
  const paired = pairedRatios(all).filter((p) => p.ratios.length > 1);
  const records = consolidate(all);
  const run = new Run(records);
  const workloads = [...new Set(records.map((r) => r.workload))];
  const threads = [...new Set(records.filter((r) => r.peer === "gradlab[native]" || r.peer === "pytorch").map((r) => r.threads))].sort((a, b) => a - b);
  const t0 = threads[0] ?? 1;
  const columns: { head: string; peer: string; threads?: number }[] = [
    ...threads.map((t) => ({ head: `gradlab native ${t}t`, peer: "gradlab[native]", threads: t })),
    { head: "gradlab js", peer: "gradlab[js]" },
    ...threads.map((t) => ({ head: `pytorch ${t}t`, peer: "pytorch", threads: t })),
    { head: "tfjs cpu", peer: "tfjs[cpu]" },
    { head: "tfjs wasm", peer: "tfjs[wasm]" },
  ];
  const heads = ["workload", "metric", ...columns.map((c) => c.head), ...threads.map((t) => `native/pytorch ${t}t`), `native ${t0}t/best tfjs`, "load1"];
  const lines = [`| ${heads.join(" | ")} |`, `|${heads.map(() => "---").join("|")}|`];
  for (const w of workloads) {
    const rows = records.filter((r) => r.workload === w);
    const cells = columns.map((c) => {
      const r = run.get(c.peer, w, c.threads);
      return !r ? "-" : measured(r) ? fmt(r.value) : "fails";
    });
    const ratio = (a?: Measured, b?: Measured): string => (a && b ? `${fmt(speedRatio(a, b))}x` : "-");
    const vsTorch = threads.map((t) => ratio(run.ok("gradlab[native]", w, t), run.ok("pytorch", w, t)));
    const best = run.bestTfjs(w);
    const vsTfjs = best ? `${ratio(run.ok("gradlab[native]", w, t0), best)} (${best.peer})` : "-";
    const load = Math.max(...rows.map((r) => r.load1));
    lines.push(`| ${w} | ${rows[0].metric} | ${cells.join(" | ")} | ${vsTorch.join(" | ")} | ${vsTfjs} | ${load.toFixed(2)} |`);
  }
  console.log(lines.join("\n"));
  console.log("\nratios = gradlab[native] speed / peer speed (value ratio for GFLOP/s and steps/s, inverse for s/run and us/op): >1 means gradlab is faster. " +
    `tfjs runs single-threaded, so it is compared with gradlab[native] at ${t0} thread${t0 > 1 ? "s" : ""}.`);
  const maxLoad = Math.max(...records.map((r) => r.load1));
  if (maxLoad > 0.6) console.log(`load1 reached ${maxLoad} during this run (the protocol wants < 0.6 at the start): the machine was shared, treat every figure as noisy.`);
  if (records.some((r) => r.extra.quick === true)) console.log("--quick run: few samples, not for quoting.");
  for (const r of records.filter((x) => !measured(x))) console.log(`fails: ${r.peer} ${r.threads}t ${r.workload}: ${String(r.extra.error)}`);
  if (paired.length) {
    console.log("\nrepeats (--repeat): the table above shows each peer's median record; per repeat, gradlab[native] / PyTorch run back to back:");
    for (const p of paired) {
      const wins = p.ratios.filter((r) => r >= 1).length;
      console.log(`  ${`${p.workload} ${p.threads}t`.padEnd(26)} median ${fmt(median(p.ratios))}x, ${wins} of ${p.ratios.length} >= 1.0x (${p.ratios.map((r) => fmt(r)).join(", ")})`);
    }
  }
  printPeak(run, threads);
  printTargets(run, threads);
  printSanity(all);
}

/** SGEMM as a share of the machine's fp32 peak (derivation in bench/peak.ts, printed once). */
function printPeak(run: Run, threads: number[]): void {
  const sgemm = [...new Set(run.records.map((r) => r.workload))].filter((w) => w.startsWith("sgemm_"));
  if (sgemm.length === 0) return;
  console.log(`\nSGEMM, % of the machine's fp32 peak: ${peakDerivation()}`);
  const heads = ["workload", ...threads.flatMap((t) => [`gradlab native ${t}t`, `pytorch ${t}t`])];
  const lines = [`| ${heads.join(" | ")} |`, `|${heads.map(() => "---").join("|")}|`];
  for (const w of sgemm) {
    const cell = (peer: string, t: number): string => {
      const r = run.ok(peer, w, t);
      return r ? `${fmt(r.value)} GFLOP/s (${((100 * r.value) / peakGflops()).toFixed(0)}%)` : "-";
    };
    lines.push(`| ${w} | ${threads.flatMap((t) => [cell("gradlab[native]", t), cell("pytorch", t)]).join(" | ")} |`);
  }
  console.log(lines.join("\n"));
  console.log(`(1 thread can reach at most ${((100 * peakGflops(1)) / peakGflops()).toFixed(0)}% of the machine's peak.)`);
}

/** The issue's acceptance targets, checked against this run's records. */
function printTargets(run: Run, threads: number[]): void {
  const lines: string[] = [];
  const mark = (ok: boolean): string => (ok ? "met" : "NOT met");
  for (const n of [1024, 2048]) {
    const w = `sgemm_n${n}`;
    const t = Math.max(...threads);
    const g = run.ok("gradlab[native]", w, t);
    if (g) lines.push(`${w} ${t}t: ${((100 * g.value) / peakGflops()).toFixed(0)}% of peak (target >= 75%): ${mark(g.value >= 0.75 * peakGflops())}`);
  }
  const workloads = [...new Set(run.records.map((r) => r.workload))];
  for (const w of workloads) {
    for (const t of threads) {
      const g = run.ok("gradlab[native]", w, t), p = run.ok("pytorch", w, t);
      if (g && p) lines.push(`${w} ${t}t: ${fmt(speedRatio(g, p))}x PyTorch (target >= 1.0x): ${mark(speedRatio(g, p) >= 1)}`);
    }
  }
  for (const w of workloads) {
    const g = run.ok("gradlab[native]", w, threads[0]), b = run.bestTfjs(w);
    if (g && b) lines.push(`${w}: ${fmt(speedRatio(g, b))}x best tfjs (${b.peer}) (target >= 10x): ${mark(speedRatio(g, b) >= 10)}`);
  }
  if (lines.length) console.log("\ntargets (issue 4), this run:\n  " + lines.join("\n  "));
}

/** Sanity facts from `extra` that a reader should not miss: failed checks, losses that did not fall, memory that grew. */
function printSanity(records: readonly AnyRecord[]): void {
  const notes: string[] = [];
  for (const r of records.filter(measured)) {
    const e = r.extra;
    const who = `${r.peer} ${r.threads}t ${r.workload}`;
    if (e.sanity_ok === false) notes.push(`${who}: DLN sanity check failed (loss drop epoch ${String(e.loss_drop_epoch)}, final loss ${String(e.loss_final)}, S ${JSON.stringify(e.final_singular_values)})`);
    if (e.loss_decreased === false) notes.push(`${who}: the loss did not decrease (${String(e.loss_first_step)} -> ${String(e.loss_final)})`);
    for (const [k, slack] of [["heap_mb", 20], ["array_buffers_mb", 20], ["rss_mb", 50], ["tensor_mb", 1]] as const) {
      const before = e[`${k}_before`], after = e[`${k}_after`];
      if (typeof before === "number" && typeof after === "number" && after > before * 1.5 + slack) notes.push(`${who}: ${k} grew from ${before} to ${after}`);
    }
    if (typeof e.tensors_leaked === "number" && e.tensors_leaked > 0) notes.push(`${who}: ${e.tensors_leaked} tfjs tensors leaked`);
  }
  console.log(notes.length ? "\nsanity warnings:\n  " + notes.join("\n  ") : "\nsanity: no warnings (losses decreased, DLN checks passed, memory flat; the facts are in each record's extra).");
}
