/**
 * SGEMM on gradlab's native backend against PyTorch 1.13 (/usr/bin/python3) with 1 and 2
 * threads, in one run: the squares of workload 1 (/work/shared/bench/WORKLOADS.md) and the
 * products training actually runs (the MLP's and the flattened Transformer's linear layers
 * forward and backward, and the attention's batched, strided per-head products), each with
 * its real layout (a transposed operand is a strided view, never a copy). PyTorch runs in a
 * long-lived Python process per thread count (OpenBLAS's own pool sized by
 * OPENBLAS_NUM_THREADS, since torch.set_num_threads does not reach Debian's OpenBLAS), and
 * the two peers' samples alternate, so a change in machine load during the run hits both
 * alike; the ratio is the figure to quote. Each sample is batched to >= 10 ms; sampling
 * follows the protocol's stop rules for both peers.
 * Records (one JSON object per line) go to stdout, or are appended to a file with --out.
 *
 * @example
 * npx tsx bench/native_sgemm.ts                        # squares 256..2048 and training shapes; 1 and 2 threads
 * npx tsx bench/native_sgemm.ts --set train --threads 1 --quick
 * npx tsx bench/native_sgemm.ts --sizes 1024 --set squares --out results/raw.jsonl
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";
import type { View } from "../src/backend/kernels.js";
import { loadNativeBackend, nativeLoadError } from "../src/backend/native/index.js";
import { Generator } from "../src/tensor/random.js";
import type { BenchRecord, Measurement } from "./protocol.js";
import { load1, makeRecord } from "./protocol.js";

interface Args { sizes: number[]; threads: number[]; set: "all" | "squares" | "train"; filter: string; quick: boolean; out: string | null }

function parseArgs(argv: string[]): Args {
  const args: Args = { sizes: [256, 512, 1024, 2048], threads: [1, 2], set: "all", filter: "", quick: false, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") args.quick = true;
    else if (a === "--sizes") args.sizes = argv[++i].split(",").map(Number);
    else if (a === "--threads") args.threads = argv[++i].split(",").map(Number);
    else if (a === "--set") {
      const s = argv[++i];
      if (s !== "all" && s !== "squares" && s !== "train") throw new Error(`native_sgemm: --set takes all, squares or train, got ${s}`);
      args.set = s;
    } else if (a === "--filter") args.filter = argv[++i];
    else if (a === "--out") args.out = argv[++i];
    else throw new Error(`native_sgemm: unknown argument ${a} (use --sizes, --threads, --set, --filter, --quick, --out)`);
  }
  return args;
}

/** One operand: a strided window of `size` elements of fresh random storage. */
interface Operand { size: number; shape: number[]; strides: number[] }

/** One product: a [...batch, m, k] x b [...batch, k, n]. */
interface Case { name: string; workload: string; batch: number[]; m: number; n: number; k: number; a: Operand; b: Operand }

function contiguous(shape: number[]): number[] {
  const st = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) { st[d] = s; s *= shape[d]; }
  return st;
}

/** A [...batch, rows, cols] matrix: contiguous, or (t) the transpose of a contiguous [...batch, cols, rows]. */
function matrix(batch: number[], rows: number, cols: number, t: boolean): Operand {
  const size = [...batch, rows, cols].reduce((x, y) => x * y, 1);
  if (!t) return { size, shape: [...batch, rows, cols], strides: contiguous([...batch, rows, cols]) };
  const st = contiguous([...batch, cols, rows]);
  const nb = batch.length;
  return { size, shape: [...batch, rows, cols], strides: [...st.slice(0, nb), st[nb + 1], st[nb]] };
}

/** A 2-D product with layout "NT" etc. (N: contiguous operand, T: a transposed view). */
function product(group: string, m: number, n: number, k: number, layout: string): Case {
  const name = `${group} ${m}x${n}x${k} ${layout}`;
  return {
    name, workload: `sgemm_${group}_${m}x${n}x${k}_${layout}`, batch: [], m, n, k,
    a: matrix([], m, k, layout[0] === "T"), b: matrix([], k, n, layout[1] === "T"),
  };
}

// The attention of the Transformer workload (batch 16, 64 tokens, 4 heads of 32): q, k and v
// are per-head views into the [16, 64, 384] in-projection output, the scores P are contiguous.
const QKV: Operand = { size: 16 * 64 * 384, shape: [16, 4, 64, 32], strides: [64 * 384, 32, 384, 1] };
const QKV_T: Operand = { ...QKV, shape: [16, 4, 32, 64], strides: [64 * 384, 32, 1, 384] };
const HEADS: Operand = { size: 16 * 4 * 64 * 32, shape: [16, 4, 64, 32], strides: contiguous([16, 4, 64, 32]) };
const SCORES: Operand = { size: 16 * 4 * 64 * 64, shape: [16, 4, 64, 64], strides: contiguous([16, 4, 64, 64]) };
const SCORES_T: Operand = { ...SCORES, strides: [16384, 4096, 1, 64] };

function attention(what: string, m: number, n: number, k: number, a: Operand, b: Operand): Case {
  return { name: `attn ${what} [16,4] ${m}x${n}x${k}`, workload: `sgemm_attn_${what}`, batch: [16, 4], m, n, k, a, b };
}

function trainingCases(): Case[] {
  const cases: Case[] = [];
  // MLP 784-512-512-10, batch 128: forward x W^T, input gradient g W, weight gradient g^T x.
  cases.push(product("mlp", 128, 512, 784, "NT"), product("mlp", 784, 512, 128, "TN"), product("mlp", 512, 784, 128, "TN"));
  cases.push(product("mlp", 128, 512, 512, "NT"), product("mlp", 128, 512, 512, "NN"), product("mlp", 512, 512, 128, "TN"));
  cases.push(product("mlp", 128, 10, 512, "NT"), product("mlp", 128, 512, 10, "NN"), product("mlp", 512, 10, 128, "TN"));
  // Transformer (d 128, ff 512, 1024 tokens) linear layers flattened to 2-D, forward and backward.
  for (const [out, inp] of [[384, 128], [128, 128], [512, 128], [128, 512]]) {
    cases.push(product("tf", 1024, out, inp, "NT"), product("tf", 1024, inp, out, "NN"), product("tf", out, inp, 1024, "TN"));
  }
  cases.push(
    attention("qk", 64, 64, 32, QKV, QKV_T),          // scores = q k^T
    attention("pv", 64, 32, 64, SCORES, QKV),         // out = P v
    attention("dp", 64, 64, 32, HEADS, QKV_T),        // dP = dOut v^T
    attention("dv", 64, 32, 64, SCORES_T, HEADS),     // dv = P^T dOut
    attention("dq", 64, 32, 64, SCORES, QKV),         // dq = dS k
    attention("dk", 64, 32, 64, SCORES_T, QKV),       // dk = dS^T q
  );
  return cases;
}

function squareCases(sizes: number[]): Case[] {
  return sizes.map((n) => ({ ...product("sq", n, n, n, "NN"), name: `square ${n}`, workload: `sgemm_n${n}` }));
}

// The PyTorch side: one JSON case per line in, per-product seconds out.
const PY = `
import json, sys, time, torch
cache = {}
print(json.dumps({"torch": torch.__version__, "blas": "OpenBLAS" if "OpenBLAS" in torch.__config__.show() else "?"}), flush=True)
for line in sys.stdin:
    c = json.loads(line)
    torch.set_num_threads(c["threads"])
    key = c["name"]
    if key not in cache:
        g = torch.Generator().manual_seed(len(cache) + 1)
        ops = [torch.randn(o["size"], generator=g).as_strided(o["shape"], o["strides"]) for o in (c["a"], c["b"])]
        cache[key] = ops
    a, b = cache[key]
    reps = c["reps"]
    t0 = time.perf_counter(); c0 = time.process_time()
    for _ in range(reps):
        r = a @ b
    dt = time.perf_counter() - t0; dc = time.process_time() - c0
    print(json.dumps({"t": dt / reps, "cpu": dc / reps, "threads": torch.get_num_threads()}), flush=True)
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

  /** Seconds per product over `reps` back-to-back products: wall clock and the process's CPU time. */
  async time(c: Case, threads: number, reps: number): Promise<{ t: number; cpu: number }> {
    this.proc.stdin.write(JSON.stringify({ name: c.name, a: c.a, b: c.b, threads, reps }) + "\n");
    const r = JSON.parse((await this.lines.next()).value as string) as { t: number; cpu: number; threads: number };
    if (r.threads !== threads) throw new Error(`PyTorch ran with ${r.threads} threads, asked for ${threads}`);
    return r;
  }

  close(): void {
    this.proc.stdin.end();
  }
}

function view(o: Operand, seed: number): View {
  const g = new Generator(seed);
  const data = new Float32Array(o.size);
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return { data, shape: o.shape, strides: o.strides, offset: 0 };
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

/** A record whose headline is GFLOP/s of this case (protocol.ts derives it for squares only). */
function gflopRecord(peer: string, c: Case, threads: number, m: Measurement, load: number, extra: Record<string, unknown>): BenchRecord {
  const r = makeRecord(peer, c.workload, threads, m, load, extra);
  const flops = 2 * c.batch.reduce((x, y) => x * y, 1) * c.m * c.n * c.k;
  return { ...r, metric: "GFLOP/s", value: flops / m.medianS / 1e9 };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const native = loadNativeBackend();
  if (!native) throw new Error(`native_sgemm: the native backend is not available: ${nativeLoadError()}`);
  let cases = [
    ...(args.set === "train" ? [] : squareCases(args.sizes)),
    ...(args.set === "squares" ? [] : trainingCases()),
  ];
  if (args.filter) cases = cases.filter((c) => c.name.includes(args.filter));
  const torches = new Map<number, Torch>();
  let versions: Record<string, string> = {};
  for (const t of args.threads) {
    const torch = new Torch(t);
    versions = await torch.hello();
    torches.set(t, torch);
  }
  const records: BenchRecord[] = [];
  const rows: string[] = [];
  const ratios = new Map<number, number[]>();
  for (const c of cases) {
    const a = view(c.a, 1), b = view(c.b, 2);
    const mm = { batch: c.batch, m: c.m, n: c.n, k: c.k };
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
        tEst = Math.min(tEst, (await torch.time(c, threads, 1)).t);
        if (tEst > 1) break;
      }
      const kN = Math.max(1, Math.ceil(0.01 / est)), kT = Math.max(1, Math.ceil(0.01 / tEst));
      const tn: number[] = [], tt: number[] = [], cn: number[] = [], ct: number[] = [];
      let elapsedN = 0, elapsedT = 0;
      while (!enough(tn.length, elapsedN, args.quick) || !enough(tt.length, elapsedT, args.quick)) {
        if (!enough(tn.length, elapsedN, args.quick)) {
          const s = process.hrtime.bigint(), u = process.cpuUsage();
          for (let i = 0; i < kN; i++) native.matmul(a, b, mm, "float32");
          const dt = Number(process.hrtime.bigint() - s) / 1e9, du = process.cpuUsage(u);
          elapsedN += dt;
          tn.push(dt / kN);
          cn.push((du.user + du.system) / 1e6 / kN);
        }
        if (!enough(tt.length, elapsedT, args.quick)) {
          const { t, cpu } = await torch.time(c, threads, kT);
          elapsedT += t * kT;
          tt.push(t);
          ct.push(cpu);
        }
      }
      // Work per CPU-second of the whole process (all its threads): less sensitive than the
      // wall clock to other processes taking the cores, so a second opinion on a loaded machine.
      const flops = 2 * c.batch.reduce((x, y) => x * y, 1) * c.m * c.n * c.k;
      const perCpuN = flops / stats(cn, kN).medianS / 1e9, perCpuT = flops / stats(ct, kT).medianS / 1e9;
      const rn = gflopRecord("gradlab[native]", c, threads, stats(tn, kN), load,
        { gemm: native.gemmIsa(), call: "backend.matmul on views (allocates C)", interleaved_with: "pytorch", gflop_per_cpu_s: perCpuN });
      const rt = gflopRecord("pytorch", c, threads, stats(tt, kT), load,
        { ...versions, OPENBLAS_NUM_THREADS: threads, interleaved_with: "gradlab[native]", gflop_per_cpu_s: perCpuT });
      records.push(rn, rt);
      const ratio = rn.value / rt.value;
      if (!ratios.has(threads)) ratios.set(threads, []);
      ratios.get(threads)!.push(ratio);
      rows.push(`${c.name.padEnd(30)} ${String(threads).padStart(7)} ${rn.value.toFixed(1).padStart(15)} ${rt.value.toFixed(1).padStart(9)} ${ratio.toFixed(2).padStart(7)}   ${perCpuN.toFixed(1).padStart(7)} ${perCpuT.toFixed(1).padStart(7)} ${(perCpuN / perCpuT).toFixed(2).padStart(6)} ${String(load).padStart(6)}`);
    }
  }
  for (const t of torches.values()) t.close();
  const lines = records.map((r) => JSON.stringify(r)).join("\n") + "\n";
  if (args.out) fs.appendFileSync(args.out, lines);
  else process.stdout.write(lines);
  console.log(`\nSGEMM GFLOP/s (median), native ${native.gemmIsa()} vs PyTorch ${versions.torch}; samples alternate between the two`);
  console.log(`GFLOP per CPU-second of each process (all threads) follows: less affected by a loaded machine`);
  console.log(`${"product (m x n x k)".padEnd(30)} threads  gradlab[native]   pytorch   ratio   cpu:gl cpu:pt  ratio  load1`);
  for (const r of rows) console.log(r);
  for (const [t, rs] of ratios) {
    const geo = Math.exp(rs.reduce((s, r) => s + Math.log(r), 0) / rs.length);
    console.log(`${t} thread(s): geometric mean ratio ${geo.toFixed(2)} over ${rs.length} products, lowest ${Math.min(...rs).toFixed(2)}`);
  }
}

await main();
