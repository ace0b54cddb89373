/**
 * The benchmark runner: gradlab's js backend against TensorFlow.js (cpu and wasm) on the
 * workloads of /work/shared/bench/WORKLOADS.md, in one run, with the protocol's timing
 * rules. Each (peer, workload) pair runs in its own Node process so that one framework's
 * JIT state and heap never colour another's timings. Records are appended to
 * results/raw.jsonl and a table of ratios is printed.
 *
 * @example
 * npm run bench                                   # the default set (about 5 minutes)
 * npm run bench -- --all                          # plus SGEMM 2048 (tfjs-cpu alone needs ~90 s for it)
 * npm run bench -- --quick --workloads sgemm_n256,dln_250ep --peers gradlab,tfjs-wasm
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PeerName, Prepared } from "./peers/types.js";
import { PEERS, RECORD_NAME } from "./peers/types.js";
import type { BenchRecord } from "./protocol.js";
import { load1, makeRecord, measure } from "./protocol.js";
import { printTable } from "./table.js";

const WORKLOADS = [
  "sgemm_n64", "sgemm_n128", "sgemm_n256", "sgemm_n512", "sgemm_n1024", "sgemm_n2048",
  "dln_250ep", "dln_250ep_svd",
  "dispatch_add8_nograd", "dispatch_add8_grad",
] as const;

// Left out of the default set to keep `npm run bench` near 5 minutes: a 2048 product takes
// ~22 s on tfjs-cpu (~90 s with the protocol) and ~3 s on gradlab. Name it, or pass --all.
const OPT_IN = ["sgemm_n2048"];

const RESULT_TAG = "@@RESULT ";
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

interface Args {
  workloads: string[];
  peers: PeerName[];
  quick: boolean;
  verbose: boolean;
  child: [PeerName, string] | null;
}

function usage(): never {
  console.error(
    "usage: npm run bench -- [--workloads a,b,...] [--peers gradlab,tfjs-cpu,tfjs-wasm] [--all] [--quick] [--verbose]\n" +
      `workloads: ${WORKLOADS.join(", ")} (prefixes work: --workloads sgemm,dln; ${OPT_IN.join(", ")} only by name or with --all)`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { workloads: WORKLOADS.filter((w) => !OPT_IN.includes(w)), peers: [...PEERS], quick: false, verbose: false, child: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v === undefined) usage();
      return v;
    };
    if (a === "--quick") args.quick = true;
    else if (a === "--all") args.workloads = [...WORKLOADS];
    else if (a === "--verbose") args.verbose = true;
    else if (a.startsWith("--workloads")) {
      const wanted = value().split(",").filter(Boolean);
      const exact = (p: string): boolean => (WORKLOADS as readonly string[]).includes(p);
      // An exact name selects that workload only; anything else is a prefix (sgemm, dln).
      args.workloads = WORKLOADS.filter((w) => wanted.some((p) => w === p || (!exact(p) && w.startsWith(p) && !OPT_IN.includes(w))));
      if (args.workloads.length === 0) usage();
    } else if (a.startsWith("--peers")) {
      const wanted = value().split(",").filter(Boolean);
      for (const p of wanted) if (!(PEERS as readonly string[]).includes(p)) usage();
      args.peers = PEERS.filter((p) => wanted.includes(p));
    } else if (a === "--child") {
      args.child = [argv[++i] as PeerName, argv[++i]];
    } else usage();
  }
  return args;
}

/** Loads only the framework the child times (a tfjs import would sit in gradlab's heap and vice versa). */
async function prepare(peer: PeerName, workload: string): Promise<Prepared> {
  if (peer === "gradlab") return (await import("./peers/gradlab.js")).prepareGradlab(workload);
  return (await import("./peers/tfjs.js")).prepareTfjs(peer === "tfjs-cpu" ? "cpu" : "wasm", workload);
}

/** Child mode: time one workload on one peer and print its record. */
async function runChild(peer: PeerName, workload: string, quick: boolean): Promise<void> {
  const prepared = await prepare(peer, workload);
  const load = load1();
  const m = measure(prepared.unit, { quick });
  const extra = { ...prepared.extra(), node: process.version, ...(quick ? { quick: true } : {}) };
  const rec = makeRecord(RECORD_NAME[peer], workload, prepared.threads, m, load, extra);
  process.stdout.write(RESULT_TAG + JSON.stringify(rec) + "\n");
}

/** Runs one (peer, workload) in a fresh Node process with the same loader (tsx). */
function runInChild(peer: PeerName, workload: string, args: Args): Promise<BenchRecord | null> {
  // --expose-gc lets the child collect garbage before reading the heap (the "memory stays flat" check).
  const childArgs = [...process.execArgv, "--expose-gc", fileURLToPath(import.meta.url), "--child", peer, workload, ...(args.quick ? ["--quick"] : [])];
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, childArgs, { stdio: ["ignore", "pipe", "pipe"], cwd: root });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    proc.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    proc.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(RESULT_TAG));
      if (args.verbose) process.stderr.write(out.split("\n").filter((l) => !l.startsWith(RESULT_TAG)).join("\n") + err);
      if (code !== 0 || !line) {
        console.error(`  ${peer} ${workload}: failed (exit ${code})\n${err.trim().split("\n").slice(-8).join("\n")}`);
        resolve(null);
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_TAG.length)) as BenchRecord);
    });
  });
}

function fmtProgress(r: BenchRecord): string {
  const v = r.value >= 100 ? r.value.toFixed(0) : r.value >= 1 ? r.value.toFixed(2) : r.value.toPrecision(3);
  return `${v} ${r.metric} (median ${r.median_s.toPrecision(3)} s, ${r.samples} samples x ${r.batch}, load1 ${r.load1})`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    await runChild(args.child[0], args.child[1], args.quick);
    return;
  }
  const startLoad = load1();
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`gradlab bench: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, load1 ${startLoad}${args.quick ? ", QUICK (fewer samples)" : ""}`);
  if (startLoad > 0.6) console.log(`  warning: load1 ${startLoad} > 0.6: the protocol takes final numbers only on a quiet machine`);
  const resultsDir = path.join(root, "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const rawPath = path.join(resultsDir, "raw.jsonl");
  const records: BenchRecord[] = [];
  const t0 = Date.now();
  for (const workload of args.workloads) {
    for (const peer of args.peers) {
      const rec = await runInChild(peer, workload, args);
      if (!rec) continue;
      records.push(rec);
      fs.appendFileSync(rawPath, JSON.stringify(rec) + "\n");
      console.log(`  ${peer.padEnd(9)} ${workload.padEnd(20)} ${fmtProgress(rec)}`);
    }
  }
  console.log(`\ndone in ${((Date.now() - t0) / 1000).toFixed(0)} s; load1 at start ${startLoad}, at end ${load1()}; records appended to ${path.relative(process.cwd(), rawPath)}\n`);
  printTable(records);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
