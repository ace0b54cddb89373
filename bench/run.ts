/**
 * The benchmark runner of issue 4: every workload of /work/shared/bench/WORKLOADS.md on
 * gradlab[native] (1 and 2 threads), gradlab[js], PyTorch CPU 1.13 through /usr/bin/python3
 * (1 and 2 threads, OpenBLAS and OpenMP pinned), tfjs[cpu] and tfjs[wasm], in ONE run.
 * Each (peer, threads, workload) runs in its own process so that one framework's JIT state,
 * heap and thread pools never colour another's timings; for each workload gradlab[native]
 * and PyTorch at the same thread count run back to back, so load changes hit both alike.
 * Records (one JSON line each, WORKLOADS.md's format; a peer that fails, e.g. tfjs-wasm
 * without a kernel, gives a row with null numbers and extra.error) are appended to
 * results/raw.jsonl, and a table of values and ratios is printed.
 *
 * The full table (about 15-25 minutes, most of it tfjs-cpu; start it on a quiet machine):
 *
 *   npm run bench
 *
 * which is `npm run bench -- --threads 1,2` over the default set (SGEMM 256-2048, MLP, CNN,
 * Transformer, DLN with and without SVD, dispatch with and without grad) on every peer.
 *
 * @example
 * npm run bench -- --quick                                   # every workload, few samples (development)
 * npm run bench -- --workloads sgemm,mlp --peers gradlab-native,pytorch --threads 1
 * npm run bench -- --table results/raw.jsonl                  # reprint the table of the last run in a file
 * npm run bench -- --workloads sgemm_n1024,mlp --peers gradlab-native,pytorch --repeat 5   # ratios over 5 back-to-back pairs
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PeerName, Prepared } from "./peers/types.js";
import { PEERS, RECORD_NAME, THREADED } from "./peers/types.js";
import type { AnyRecord } from "./protocol.js";
import { failureRecord, load1, makeRecord, measure, measured, recordProblems } from "./protocol.js";
import { printTable } from "./table.js";
import { DEFAULT_WORKLOADS, OPT_IN, WORKLOADS } from "./workloads.js";

const RESULT_TAG = "@@RESULT ";
const PYTHON = "/usr/bin/python3";
const OPENMP_BLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

interface Args {
  workloads: string[];
  peers: PeerName[];
  threads: number[];
  quick: boolean;
  verbose: boolean;
  timeoutS: number;
  table: string | null;
  /** "openmp": PyTorch loads Debian's OpenMP build of OpenBLAS (its best 2-thread setting). */
  torchBlas: "default" | "openmp";
  /** How many times each gradlab[native] / PyTorch pair runs (the single-threaded peers run once). */
  repeat: number;
  child: { peer: PeerName; threads: number; workload: string } | null;
}

function usage(msg?: string): never {
  if (msg) console.error(`bench: ${msg}`);
  console.error(
    "usage: npm run bench -- [--workloads a,b,...] [--peers p,q,...] [--threads 1,2] [--all] [--quick] [--timeout s] [--verbose] [--table file.jsonl] [--torch-blas default|openmp] [--repeat n]\n" +
      `  workloads: ${WORKLOADS.join(", ")}\n` +
      `    (a name selects that workload, anything else is a prefix: --workloads sgemm,dln; ${OPT_IN.join(", ")} only by name or with --all)\n` +
      `  peers: ${PEERS.join(", ")}, or gradlab for both gradlab backends (${THREADED.join(" and ")} run once per --threads count, the others with 1 thread)`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    workloads: [...DEFAULT_WORKLOADS], peers: [...PEERS], threads: [1, 2], quick: false, verbose: false,
    timeoutS: 900, table: null, torchBlas: "default", repeat: 1, child: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const list = (): string[] => value().split(",").filter(Boolean);
    if (a === "--quick") args.quick = true;
    else if (a.startsWith("--torch-blas")) {
      const v = value();
      if (v !== "default" && v !== "openmp") usage(`--torch-blas: expected default or openmp, got ${v}`);
      if (v === "openmp" && !fs.existsSync(path.join(OPENMP_BLAS, "libopenblas.so.0"))) usage(`--torch-blas openmp: ${OPENMP_BLAS} is missing (apt-get install libopenblas0-openmp)`);
      args.torchBlas = v;
    }
    else if (a === "--all") args.workloads = [...WORKLOADS];
    else if (a === "--verbose") args.verbose = true;
    else if (a.startsWith("--workloads")) {
      const wanted = list();
      const exact = (p: string): boolean => (WORKLOADS as readonly string[]).includes(p);
      for (const p of wanted) if (!WORKLOADS.some((w) => w.startsWith(p))) usage(`no workload matches "${p}"`);
      args.workloads = WORKLOADS.filter((w) => wanted.some((p) => w === p || (!exact(p) && w.startsWith(p) && !OPT_IN.includes(w))));
    } else if (a.startsWith("--peers")) {
      // "gradlab" (the name before the native backend) means both of gradlab's backends.
      const wanted = list().flatMap((p) => (p === "gradlab" ? ["gradlab-native", "gradlab-js"] : [p]));
      for (const p of wanted) if (!(PEERS as readonly string[]).includes(p)) usage(`unknown peer "${p}"`);
      args.peers = PEERS.filter((p) => wanted.includes(p));
    } else if (a.startsWith("--threads")) {
      args.threads = list().map(Number);
      if (args.threads.length === 0 || args.threads.some((t) => !Number.isInteger(t) || t < 1)) usage("--threads takes positive integers, e.g. --threads 1,2");
    } else if (a.startsWith("--repeat")) {
      args.repeat = Number(value());
      if (!Number.isInteger(args.repeat) || args.repeat < 1) usage("--repeat takes a positive integer, e.g. --repeat 5");
    } else if (a.startsWith("--timeout")) {
      args.timeoutS = Number(value());
      if (!(args.timeoutS > 0)) usage("--timeout takes seconds > 0");
    } else if (a.startsWith("--table")) args.table = value();
    else if (a === "--child") {
      args.child = { peer: argv[i + 1] as PeerName, threads: Number(argv[i + 2]), workload: argv[i + 3] };
      i += 3;
    } else usage(`unknown argument ${a}`);
  }
  return args;
}

/** Loads only the framework the child times (a tfjs import would sit in gradlab's heap and vice versa). */
async function prepare(peer: PeerName, threads: number, workload: string): Promise<Prepared> {
  if (peer === "gradlab-native" || peer === "gradlab-js") {
    return (await import("./peers/gradlab.js")).prepareGradlab(peer === "gradlab-native" ? "native" : "js", threads, workload);
  }
  if (peer === "tfjs-cpu" || peer === "tfjs-wasm") return (await import("./peers/tfjs.js")).prepareTfjs(peer === "tfjs-cpu" ? "cpu" : "wasm", workload);
  throw new Error(`bench: ${peer} does not run in Node`);
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** Child mode: time one workload on one Node peer and print its record (a failure is a record too). */
async function runChild(peer: PeerName, threads: number, workload: string, quick: boolean): Promise<void> {
  const load = load1();
  let rec: AnyRecord;
  try {
    const prepared = await prepare(peer, threads, workload);
    const m = measure(prepared.unit, { quick });
    const extra = { ...(await prepared.extra()), node: process.version, ...(quick ? { quick: true } : {}) };
    rec = makeRecord(RECORD_NAME[peer], workload, prepared.threads, m, load, extra);
  } catch (e) {
    rec = failureRecord(RECORD_NAME[peer], workload, threads, load, errorText(e), { node: process.version });
  }
  process.stdout.write(RESULT_TAG + JSON.stringify(rec) + "\n");
}

interface Job {
  peer: PeerName;
  threads: number;
  workload: string;
  /** Which repeat of the gradlab[native] / PyTorch pair (0 for the single-threaded peers). */
  repeat: number;
}

/** The command of one job: this file in child mode under the same loader (tsx), or the Python peer. */
function command(job: Job, args: Args): { file: string; argv: string[]; env: NodeJS.ProcessEnv } {
  const quick = args.quick ? ["--quick"] : [];
  if (job.peer === "pytorch") {
    const t = String(job.threads);
    // OpenBLAS keeps its own pool sized at load time: pin it (and OpenMP's) to the thread count.
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t };
    // Debian's default OpenBLAS runs its own pthread pool beside PyTorch's OpenMP one, and the two
    // fight over 2 cores; the OpenMP build shares one pool (PEERS.md's best 2-thread figures).
    // extra.blas in each record names the library actually loaded.
    if (args.torchBlas === "openmp") env.LD_LIBRARY_PATH = [OPENMP_BLAS, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
    return { file: PYTHON, argv: [path.join(here, "peers", "pytorch.py"), job.workload, t, ...quick], env };
  }
  // --expose-gc lets the child collect garbage before reading memory (the "memory stays flat" check).
  const argv = [...process.execArgv, "--expose-gc", fileURLToPath(import.meta.url), "--child", job.peer, String(job.threads), job.workload, ...quick];
  return { file: process.execPath, argv, env: process.env };
}

/** Runs one job in a fresh process; a crash, a timeout or a missing record becomes a failure record. */
function runJob(job: Job, args: Args): Promise<AnyRecord> {
  const { file, argv, env } = command(job, args);
  const fail = (msg: string): AnyRecord => failureRecord(RECORD_NAME[job.peer], job.workload, job.threads, load1(), msg);
  return new Promise((resolve) => {
    const proc = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"], cwd: root, env });
    let out = "";
    let err = "";
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; proc.kill("SIGKILL"); }, args.timeoutS * 1000);
    proc.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    proc.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    proc.on("error", (e) => { clearTimeout(timer); resolve(fail(`could not start ${file}: ${e.message}`)); });
    proc.on("close", (code) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith(RESULT_TAG));
      if (args.verbose) process.stderr.write(out.split("\n").filter((l) => !l.startsWith(RESULT_TAG)).join("\n") + err);
      if (line) {
        const rec = JSON.parse(line.slice(RESULT_TAG.length)) as AnyRecord;
        const problems = recordProblems(rec as unknown as Record<string, unknown>);
        resolve(problems.length ? fail(`malformed record (${problems.join(", ")}): ${line.slice(RESULT_TAG.length, 400)}`) : rec);
      } else if (timedOut) resolve(fail(`timed out after ${args.timeoutS} s (raise --timeout)`));
      else resolve(fail(`exit ${code}: ${err.trim().split("\n").slice(-4).join(" | ") || "no output"}`));
    });
  });
}

/**
 * Per workload: gradlab[native] and PyTorch at each thread count back to back (--repeat times,
 * which of the two goes first alternating between repeats), then the single-threaded peers.
 */
function jobs(args: Args): Job[] {
  const out: Job[] = [];
  for (const workload of args.workloads) {
    for (let repeat = 0; repeat < args.repeat; repeat++) {
      for (const threads of args.threads) {
        const pair = THREADED.filter((p) => args.peers.includes(p));
        for (const peer of repeat % 2 ? pair.reverse() : pair) out.push({ peer, threads, workload, repeat });
      }
    }
    for (const peer of args.peers) if (!THREADED.includes(peer)) out.push({ peer, threads: 1, workload, repeat: 0 });
  }
  return out;
}

function fmtProgress(r: AnyRecord): string {
  if (!measured(r)) return `FAILED: ${String(r.extra.error)}`;
  const v = r.value >= 100 ? r.value.toFixed(0) : r.value >= 1 ? r.value.toFixed(2) : r.value.toPrecision(3);
  return `${v} ${r.metric} (median ${r.median_s.toPrecision(3)} s, ${r.samples} samples x ${r.batch}, load1 ${r.load1})`;
}

/** The records of the last run in a raw.jsonl file (the lines that share the last run_id). */
function lastRun(file: string): AnyRecord[] {
  const all = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as AnyRecord);
  const id = all.at(-1)?.extra.run_id;
  return id === undefined ? all : all.filter((r) => r.extra.run_id === id);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    await runChild(args.child.peer, args.child.threads, args.child.workload, args.quick);
    return;
  }
  if (args.table) {
    printTable(lastRun(args.table));
    return;
  }
  const startLoad = load1();
  const runId = new Date().toISOString().slice(0, 19);
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const todo = jobs(args);
  console.log(`gradlab bench ${runId}: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, load1 ${startLoad}; ` +
    `${todo.length} jobs, threads ${args.threads.join(",")}${args.quick ? ", QUICK (few samples: for development, not for quoting)" : ""}`);
  if (startLoad > 0.6) console.log(`  warning: load1 ${startLoad} > 0.6: the protocol takes final numbers only on a quiet machine`);
  const resultsDir = path.join(root, "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const rawPath = path.join(resultsDir, "raw.jsonl");
  const records: AnyRecord[] = [];
  const t0 = Date.now();
  for (const job of todo) {
    const rec = await runJob(job, args);
    rec.extra = { ...rec.extra, run_id: runId, ...(args.repeat > 1 ? { repeat: job.repeat } : {}) };
    records.push(rec);
    fs.appendFileSync(rawPath, JSON.stringify(rec) + "\n");
    const rep = args.repeat > 1 && THREADED.includes(job.peer) ? ` #${job.repeat + 1}` : "";
    console.log(`  ${`${RECORD_NAME[job.peer]}${THREADED.includes(job.peer) ? ` ${job.threads}t` : ""}${rep}`.padEnd(22)} ${job.workload.padEnd(23)} ${fmtProgress(rec)}`);
  }
  console.log(`\ndone in ${((Date.now() - t0) / 1000).toFixed(0)} s; load1 at start ${startLoad}, at end ${load1()}; ` +
    `${records.length} records appended to ${path.relative(process.cwd(), rawPath)} (run_id ${runId})\n`);
  printTable(records);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
