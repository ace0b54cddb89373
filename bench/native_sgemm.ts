/**
 * SGEMM (workload 1 of /work/shared/bench/WORKLOADS.md) on gradlab's native backend against
 * PyTorch 1.13 (/usr/bin/python3) with 1 and 2 threads, in one run. PyTorch runs in a
 * long-lived Python process per thread count (OpenBLAS's own pool sized by
 * OPENBLAS_NUM_THREADS, since torch.set_num_threads does not reach Debian's OpenBLAS), and
 * the two peers' samples alternate, so a change in machine load during the run hits both
 * alike; the ratio is the figure to quote. Each sample is batched to >= 10 ms; sampling
 * follows the protocol's stop rules for both peers.
 * Records (one JSON object per line) go to stdout, or are appended to a file with --out.
 *
 * @example
 * npx tsx bench/native_sgemm.ts                        # n = 256, 512, 1024, 2048; 1 and 2 threads
 * npx tsx bench/native_sgemm.ts --sizes 1024 --threads 1 --quick --out results/raw.jsonl
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";
import type { View } from "../src/backend/kernels.js";
import { loadNativeBackend, nativeLoadError } from "../src/backend/native/index.js";
import { Generator } from "../src/tensor/random.js";
import type { BenchRecord, Measurement } from "./protocol.js";
import { load1, makeRecord } from "./protocol.js";

interface Args { sizes: number[]; threads: number[]; quick: boolean; out: string | null }

function parseArgs(argv: string[]): Args {
  const args: Args = { sizes: [256, 512, 1024, 2048], threads: [1, 2], quick: false, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") args.quick = true;
    else if (a === "--sizes") args.sizes = argv[++i].split(",").map(Number);
    else if (a === "--threads") args.threads = argv[++i].split(",").map(Number);
    else if (a === "--out") args.out = argv[++i];
    else throw new Error(`native_sgemm: unknown argument ${a} (use --sizes, --threads, --quick, --out)`);
  }
  return args;
}

// The PyTorch side: "n threads reps" per line in, per-product seconds out.
const PY = `
import json, sys, time, torch
cache = {}
print(json.dumps({"torch": torch.__version__, "blas": "OpenBLAS" if "OpenBLAS" in torch.__config__.show() else "?"}), flush=True)
for line in sys.stdin:
    n, th, reps = map(int, line.split())
    torch.set_num_threads(th)
    if n not in cache:
        g = torch.Generator().manual_seed(n)
        cache[n] = (torch.randn(n, n, generator=g), torch.randn(n, n, generator=g))
    a, b = cache[n]
    t0 = time.perf_counter()
    for _ in range(reps):
        c = a @ b
    dt = time.perf_counter() - t0
    print(json.dumps({"t": dt / reps, "threads": torch.get_num_threads()}), flush=True)
`;

class Torch {
  private readonly proc;
  private readonly lines: AsyncIterator<string>;

  constructor(threads: number) {
    const t = String(threads);
    const env = { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t };
    this.proc = spawn("/usr/bin/python3", ["-c", PY], { stdio: ["pipe", "pipe", "inherit"], env });
    this.lines = readline.createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }

  async hello(): Promise<Record<string, string>> {
    return JSON.parse((await this.lines.next()).value as string) as Record<string, string>;
  }

  /** Seconds per product over `reps` back-to-back products. */
  async time(n: number, threads: number, reps: number): Promise<number> {
    this.proc.stdin.write(`${n} ${threads} ${reps}\n`);
    const r = JSON.parse((await this.lines.next()).value as string) as { t: number; threads: number };
    if (r.threads !== threads) throw new Error(`PyTorch ran with ${r.threads} threads, asked for ${threads}`);
    return r.t;
  }

  close(): void {
    this.proc.stdin.end();
  }
}

function matrix(n: number, seed: number): View {
  const g = new Generator(seed);
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return { data, shape: [n, n], strides: [n, 1], offset: 0 };
}

function stats(times: number[], batch: number): Measurement {
  const s = [...times].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { times, batch, medianS: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, minS: s[0], maxS: s[s.length - 1] };
}

// The protocol's stop rules (WORKLOADS.md, timing step 3), or a short pass with --quick.
function enough(n: number, elapsed: number, quick: boolean): boolean {
  if (quick) return (n >= 5 && elapsed >= 0.5) || n >= 20;
  return (n >= 20 && elapsed >= 3) || (n >= 5 && elapsed >= 10) || (n >= 3 && elapsed >= 30) || n >= 200;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const native = loadNativeBackend();
  if (!native) throw new Error(`native_sgemm: the native backend is not available: ${nativeLoadError()}`);
  const torches = new Map<number, Torch>();
  let versions: Record<string, string> = {};
  for (const t of args.threads) {
    const torch = new Torch(t);
    versions = await torch.hello();
    torches.set(t, torch);
  }
  const records: BenchRecord[] = [];
  const rows: string[] = [];
  for (const n of args.sizes) {
    const a = matrix(n, 1), b = matrix(n, 2);
    const mm = { batch: [], m: n, n, k: n };
    for (const threads of args.threads) {
      const torch = torches.get(threads)!;
      native.setNumThreads(threads);
      const load = load1();
      // Warm-up: >= 3 runs and >= 0.3 s each (one run when a product takes over 1 s).
      let est = Infinity, tEst = Infinity;
      for (let i = 0, t0 = performance.now(); i < 3 || performance.now() - t0 < 300; i++) {
        const s = process.hrtime.bigint();
        native.matmul(a, b, mm, "float32");
        est = Math.min(est, Number(process.hrtime.bigint() - s) / 1e9);
        if (est > 1) break;
      }
      for (let i = 0, t0 = performance.now(); i < 3 || performance.now() - t0 < 300; i++) {
        tEst = Math.min(tEst, await torch.time(n, threads, 1));
        if (tEst > 1) break;
      }
      const kN = Math.max(1, Math.ceil(0.01 / est)), kT = Math.max(1, Math.ceil(0.01 / tEst));
      const tn: number[] = [], tt: number[] = [];
      let elapsedN = 0, elapsedT = 0;
      while (!enough(tn.length, elapsedN, args.quick) || !enough(tt.length, elapsedT, args.quick)) {
        if (!enough(tn.length, elapsedN, args.quick)) {
          const s = process.hrtime.bigint();
          for (let i = 0; i < kN; i++) native.matmul(a, b, mm, "float32");
          const dt = Number(process.hrtime.bigint() - s) / 1e9;
          elapsedN += dt;
          tn.push(dt / kN);
        }
        if (!enough(tt.length, elapsedT, args.quick)) {
          const t = await torch.time(n, threads, kT);
          elapsedT += t * kT;
          tt.push(t);
        }
      }
      const workload = `sgemm_n${n}`;
      const rn = makeRecord("gradlab[native]", workload, threads, stats(tn, kN), load,
        { gemm: native.gemmIsa(), call: "backend.matmul on views (allocates C)", interleaved_with: "pytorch" });
      const rt = makeRecord("pytorch", workload, threads, stats(tt, kT), load,
        { ...versions, OPENBLAS_NUM_THREADS: threads, interleaved_with: "gradlab[native]" });
      records.push(rn, rt);
      rows.push(`${String(n).padStart(5)} ${String(threads).padStart(7)} ${rn.value.toFixed(1).padStart(15)} ${rt.value.toFixed(1).padStart(15)} ${(rn.value / rt.value).toFixed(2).padStart(7)} ${String(load).padStart(6)}`);
    }
  }
  for (const t of torches.values()) t.close();
  const lines = records.map((r) => JSON.stringify(r)).join("\n") + "\n";
  if (args.out) fs.appendFileSync(args.out, lines);
  else process.stdout.write(lines);
  console.log(`\nSGEMM GFLOP/s (median), native ${native.gemmIsa()} vs PyTorch ${versions.torch}; samples alternate between the two`);
  console.log(`    n threads  gradlab[native]         pytorch   ratio  load1`);
  for (const r of rows) console.log(r);
}

await main();
