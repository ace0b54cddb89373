import os from "node:os";

// The timing protocol of /work/shared/bench/WORKLOADS.md: warm-up, batching to >= 10 ms,
// sampling stop rules, median/min/max. Units are synchronous: every backend we time
// (gradlab native and js, tfjs cpu, tfjs wasm) has finished its work when the call returns.
// bench/peers/pytorch.py implements the same rules in Python; keep the two in step.

/** One timed unit of work, and optional untimed setup that must precede every unit. */
export interface Unit {
  /** Runs one unit (one product, one 250-epoch run, one 10,000-add loop). */
  run(): void;
  /** Untimed per-unit setup (workload 5 re-initialises weights); batching is off when present. */
  setup?(): void;
}

/** How hard to sample: the protocol's rules, or a quick pass for development. */
export interface ProtocolOptions {
  quick: boolean;
}

/** Per-unit times in seconds plus how they were taken. */
export interface Measurement {
  times: number[];
  batch: number;
  medianS: number;
  minS: number;
  maxS: number;
}

/** A row of results/raw.jsonl (the first eight keys are the protocol's required ones). */
export interface BenchRecord {
  peer: string;
  workload: string;
  threads: number;
  median_s: number;
  min_s: number;
  max_s: number;
  metric: string;
  value: number;
  samples: number;
  batch: number;
  load1: number;
  timestamp: string;
  extra: Record<string, unknown>;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

function timeOnce(unit: Unit): number {
  unit.setup?.();
  const t0 = process.hrtime.bigint();
  unit.run();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Warm-up per the protocol: >= 3 runs and >= 0.3 s, or a single run when it took over 1 s. */
function warmUp(unit: Unit, quick: boolean): number {
  const start = now();
  const first = timeOnce(unit);
  if (first > 1 || (quick && first > 0.2)) return first;
  let runs = 1;
  let last = first;
  const minRuns = quick ? 2 : 3;
  const minTime = quick ? 0.1 : 0.3;
  while (runs < minRuns || now() - start < minTime) {
    last = Math.min(last, timeOnce(unit));
    runs++;
  }
  return last;
}

function done(n: number, elapsed: number, quick: boolean): boolean {
  if (quick) return (n >= 5 && elapsed >= 0.5) || (n >= 3 && elapsed >= 2) || (n >= 1 && elapsed >= 4) || n >= 50;
  return (n >= 20 && elapsed >= 3) || (n >= 5 && elapsed >= 10) || (n >= 3 && elapsed >= 30) || n >= 200;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times `unit` with the protocol; returns per-unit seconds. */
export function measure(unit: Unit, opts: ProtocolOptions): Measurement {
  const est = warmUp(unit, opts.quick);
  // --quick only: a unit over 2 s (tfjs-cpu's SGEMM 2048, CNN, DLN) is timed by its warm-up run alone.
  if (opts.quick && est > 2) return { times: [est], batch: 1, medianS: est, minS: est, maxS: est };
  // Batching makes each sample >= 10 ms; workloads with per-unit setup are never batched.
  const batch = unit.setup || est >= 0.01 ? 1 : Math.ceil(0.01 / Math.max(est, 1e-9));
  const times: number[] = [];
  const start = now();
  while (!done(times.length, now() - start, opts.quick)) {
    unit.setup?.();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) unit.run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9 / batch);
  }
  return { times, batch, medianS: median(times), minS: Math.min(...times), maxS: Math.max(...times) };
}

/** The 1-minute load average, rounded as the records show it. */
export function load1(): number {
  return Math.round(os.loadavg()[0] * 100) / 100;
}

/** The metric and headline value of a workload id, derived from the median (WORKLOADS.md table). */
export function metricOf(workload: string, medianS: number): { metric: string; value: number } {
  const g = /^sgemm_n(\d+)$/.exec(workload);
  if (g) {
    const n = Number(g[1]);
    return { metric: "GFLOP/s", value: (2 * n ** 3) / medianS / 1e9 };
  }
  if (workload.startsWith("dln_")) return { metric: "s/run", value: medianS };
  if (workload.startsWith("dispatch_")) return { metric: "us/op", value: (medianS / 10000) * 1e6 };
  return { metric: "steps/s", value: 1 / medianS };
}

/** Builds the JSON record of one measurement. */
export function makeRecord(peer: string, workload: string, threads: number, m: Measurement, load: number, extra: Record<string, unknown>): BenchRecord {
  const { metric, value } = metricOf(workload, m.medianS);
  return {
    peer, workload, threads,
    median_s: m.medianS, min_s: m.minS, max_s: m.maxS,
    metric, value,
    samples: m.times.length, batch: m.batch, load1: load,
    timestamp: new Date().toISOString().slice(0, 19),
    extra,
  };
}

/** A failure row: a BenchRecord whose numbers are null, with the message in extra.error. */
export type FailedRecord = Omit<BenchRecord, "median_s" | "min_s" | "max_s" | "value"> & { median_s: null; min_s: null; max_s: null; value: null };

/** A row of results/raw.jsonl: a measurement or a failure. */
export type AnyRecord = BenchRecord | FailedRecord;

/** A failure row (a peer that lacks a kernel, a crash): the eight required keys, null numbers, the message in extra.error. */
export function failureRecord(peer: string, workload: string, threads: number, load: number, error: string, extra: Record<string, unknown> = {}): FailedRecord {
  return {
    peer, workload, threads,
    median_s: null, min_s: null, max_s: null,
    metric: metricOf(workload, 1).metric, value: null,
    samples: 0, batch: 0, load1: load,
    timestamp: new Date().toISOString().slice(0, 19),
    extra: { ...extra, failed: true, error },
  };
}

/** Whether a record holds a measurement (failure rows have null numbers). */
export function measured(r: AnyRecord): r is BenchRecord {
  return r.value !== null && r.median_s !== null;
}

/** The keys WORKLOADS.md requires first in every record. */
export const REQUIRED_KEYS = ["peer", "workload", "threads", "median_s", "min_s", "max_s", "metric", "value"] as const;

/** What is wrong with a record read back from a peer (empty when it is well formed). */
export function recordProblems(r: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of REQUIRED_KEYS) if (!(k in r)) out.push(`missing ${k}`);
  const failed = (r.extra as Record<string, unknown> | undefined)?.failed === true;
  for (const k of ["median_s", "min_s", "max_s", "value"]) {
    const v = r[k];
    if (failed ? v !== null : !(typeof v === "number" && Number.isFinite(v) && v > 0)) out.push(`${k} is ${JSON.stringify(v)}`);
  }
  if (!Number.isInteger(r.threads) || (r.threads as number) < 1) out.push(`threads is ${JSON.stringify(r.threads)}`);
  if (typeof r.workload === "string" && typeof r.metric === "string" && r.metric !== metricOf(r.workload, 1).metric) out.push(`metric ${r.metric} is not ${metricOf(r.workload, 1).metric}`);
  return out;
}

/** Whether a bigger value is better for this metric (throughputs) or a smaller one (times). */
export function higherIsBetter(metric: string): boolean {
  return metric === "GFLOP/s" || metric === "steps/s";
}
