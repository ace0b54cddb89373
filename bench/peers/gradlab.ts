import * as gl from "../../src/index.js";
import { Rng, normalArray } from "../data.js";
import { DLN, GRAM_SVD_METHOD, dlnData, dlnInit, dlnSanity, svdFromGram } from "../dln.js";
import { CNN, MLP, TRANSFORMER, trainSanity } from "../workloads.js";
import type { Prepared } from "./types.js";

// gradlab on either backend, written the way a user writes it: nn modules, F losses,
// optim.SGD, autograd, in-place updates under noGrad. It runs whatever src/ contains.

const { nn, optim } = gl;
const F = gl.nn.functional;

const fromArray = (data: Float32Array, shape: number[]): gl.Tensor => gl.tensor(data).reshape(shape);

interface Memory { heap_mb: number; array_buffers_mb: number }

/**
 * Live memory in MB after a full collection (when the runner exposes gc): the JS heap and
 * the ArrayBuffers outside it, where tensor storage lives (on both backends). V8 frees dead
 * ArrayBuffers' memory after the collection, in a later task, hence the wait before reading.
 */
async function memory(): Promise<Memory> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 50));
  const m = process.memoryUsage();
  return { heap_mb: Math.round(m.heapUsed / 1e5) / 10, array_buffers_mb: Math.round(m.arrayBuffers / 1e5) / 10 };
}

/** The memory facts of `extra`: before the timed units and after them. */
async function memoryExtra(before: Memory): Promise<Record<string, unknown>> {
  const after = await memory();
  return {
    heap_mb_before: before.heap_mb, heap_mb_after: after.heap_mb,
    array_buffers_mb_before: before.array_buffers_mb, array_buffers_mb_after: after.array_buffers_mb,
  };
}

/** Largest |C - A B| / sum_k |A||B| over sampled entries, against a float64 product. */
function checkProduct(a: Float32Array, b: Float32Array, c: Float32Array, n: number): number {
  const rng = new Rng(99);
  let worst = 0;
  for (let s = 0; s < 256; s++) {
    const i = Math.floor(rng.next() * n), j = Math.floor(rng.next() * n);
    let exact = 0, scale = 0;
    for (let p = 0; p < n; p++) {
      exact += a[i * n + p] * b[p * n + j];
      scale += Math.abs(a[i * n + p] * b[p * n + j]);
    }
    worst = Math.max(worst, Math.abs(c[i * n + j] - exact) / scale);
  }
  return worst;
}

function sgemm(n: number): Omit<Prepared, "threads"> {
  const rng = new Rng(n);
  const ad = normalArray(rng, n * n), bd = normalArray(rng, n * n);
  const a = fromArray(ad, [n, n]), b = fromArray(bd, [n, n]);
  const err = checkProduct(ad, bd, a.matmul(b).dataSync() as Float32Array, n);
  if (!(err < 1e-5)) throw new Error(`sgemm_n${n}: gradlab product is wrong (relative error ${err})`);
  return {
    unit: { run: () => { a.matmul(b); } },
    extra: () => ({ call: "a.matmul(b) (allocates C)", writes_into_preallocated_c: false, check_max_rel_err: err }),
  };
}

/** A training step as a user writes it; the first (untimed) step's loss is the sanity baseline. */
function trainer(model: gl.nn.Module, x: gl.Tensor, y: gl.Tensor, loss: (out: gl.Tensor, y: gl.Tensor) => gl.Tensor, lr: number, what: string): Omit<Prepared, "threads"> {
  const opt = new optim.SGD(model.parameters(), { lr });
  const step = (): number => {
    opt.zeroGrad();
    const l = loss(model.forward(x) as gl.Tensor, y);
    l.backward();
    opt.step();
    return l.item() as number;
  };
  const log = { firstLoss: step(), lastLoss: NaN, steps: 1 };
  const params = model.parameters();
  return {
    unit: { run: () => { log.lastLoss = step(); log.steps++; } },
    extra: () => ({
      model: what,
      parameters: params.reduce((s, p) => s + p.numel(), 0),
      parameter_tensors: params.length,
      ...trainSanity(log),
    }),
  };
}

function mlp(): Omit<Prepared, "threads"> {
  const [i, h1, h2, o] = MLP.sizes;
  const model = new nn.Sequential(new nn.Linear(i, h1), new nn.ReLU(), new nn.Linear(h1, h2), new nn.ReLU(), new nn.Linear(h2, o));
  const x = gl.randn([MLP.batch, i]);
  const y = gl.randint(0, MLP.classes, [MLP.batch]);
  return trainer(model, x, y, (out, t) => F.crossEntropy(out, t), MLP.lr, "nn.Sequential(Linear, ReLU, Linear, ReLU, Linear); F.crossEntropy; optim.SGD");
}

function cnn(): Omit<Prepared, "threads"> {
  const { batch, size, c1, c2, classes } = CNN;
  const model = new nn.Sequential(
    new nn.Conv2d(1, c1, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(c1, c2, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(c2 * (size / 4) ** 2, classes),
  );
  const x = gl.randn([batch, 1, size, size]);
  const y = gl.randint(0, classes, [batch]);
  return trainer(model, x, y, (out, t) => F.crossEntropy(out, t), CNN.lr, "nn.Sequential(Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, Flatten, Linear); NCHW; F.crossEntropy; optim.SGD");
}

function transformer(): Omit<Prepared, "threads"> {
  const { batch, seq, dModel, heads, ffn } = TRANSFORMER;
  const model = new nn.TransformerEncoderLayer(dModel, heads, { dimFeedforward: ffn, dropout: 0, batchFirst: true });
  const x = gl.randn([batch, seq, dModel]);
  const y = gl.randn([batch, seq, dModel]);
  return trainer(model, x, y, (out, t) => F.mseLoss(out, t), TRANSFORMER.lr, "nn.TransformerEncoderLayer(128, 4, {dimFeedforward: 512, dropout: 0, batchFirst: true}); F.mseLoss; optim.SGD");
}

type SvdFn = (a: gl.Tensor, opts?: { fullMatrices?: boolean }) => { U: gl.Tensor; S: gl.Tensor; Vh: gl.Tensor };

/** gl.linalg.svd when the linalg module provides it. */
function linalgSvd(): SvdFn | null {
  const f = (gl.linalg as unknown as Record<string, unknown>)["svd"];
  return typeof f === "function" ? (f as SvdFn) : null;
}

function dln(withSvd: boolean): Omit<Prepared, "threads"> {
  const { nIn, nHidden, nOut, epochs, lr } = DLN;
  const data = dlnData();
  const x = fromArray(data.x, [nIn, nIn]);
  const y = fromArray(data.y, [nIn, nOut]);
  const rng = new Rng(1);
  const svd = withSvd ? linalgSvd() : null;
  // As the PyTorch peer writes it: two bias-free nn.Linear layers and optim.SGD.
  const l1 = new nn.Linear(nIn, nHidden, { bias: false }), l2 = new nn.Linear(nHidden, nOut, { bias: false });
  const net = new nn.Sequential(l1, l2);
  const w1 = l1.weight, w2 = l2.weight;
  const opt = new optim.SGD(net.parameters(), { lr });
  const losses = new Float64Array(epochs);
  let lastS: ArrayLike<number> = [];
  let svdSeconds = 0;
  let runs = 0;

  // One SVD of W_tot = W2 W1; returns S on the host (U, V are computed and dropped).
  const netSvd = (): ArrayLike<number> => gl.noGrad(() => {
    const wTot = w2.matmul(w1);
    if (svd) return svd(wTot, { fullMatrices: false }).S.dataSync();
    const { s, vSinv } = svdFromGram(wTot.t().matmul(wTot).dataSync(), nIn);
    wTot.matmul(fromArray(vSinv, [nIn, nIn]));
    return s;
  });

  const run = (): void => {
    for (let e = 0; e < epochs; e++) {
      opt.zeroGrad();
      const loss = F.mseLoss(net.forward(x), y);
      loss.backward();
      opt.step();
      losses[e] = loss.item() as number;
      if (withSvd) {
        const t0 = process.hrtime.bigint();
        lastS = netSvd();
        svdSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
      }
    }
    runs++;
  };
  return {
    unit: {
      setup: () => {
        const w = dlnInit(rng);
        gl.noGrad(() => {
          w1.copy_(fromArray(w.w1, [nHidden, nIn]));
          w2.copy_(fromArray(w.w2, [nOut, nHidden]));
        });
        w1.grad = null;
        w2.grad = null;
      },
      run,
    },
    extra: () => ({
      written_as: "nn.Sequential(Linear(8, 30, {bias: false}), Linear(30, 10000, {bias: false})); F.mseLoss; optim.SGD (as the PyTorch peer)",
      ...(withSvd ? { svd_method: svd ? "gl.linalg.svd (fullMatrices: false)" : GRAM_SVD_METHOD, svd_seconds_per_run: svdSeconds / Math.max(runs, 1) } : {}),
      ...dlnSanity(losses, withSvd ? lastS : netSvd()),
    }),
  };
}

function dispatch(grad: boolean): Omit<Prepared, "threads"> {
  const rng = new Rng(6);
  const a = gl.tensor(normalArray(rng, 8), { requiresGrad: grad });
  const b = gl.tensor(normalArray(rng, 8), { requiresGrad: grad });
  let c: gl.Tensor | null = null;
  const loop = (): void => {
    for (let i = 0; i < 10000; i++) c = a.add(b);
  };
  return {
    unit: { run: grad ? loop : () => gl.noGrad(loop) },
    extra: () => ({
      includes: grad
        ? "10,000 x (c = a.add(b)) with a, b requiring grad: each add records an AddBackward node, freed when c is overwritten; no backward pass (as PyTorch)"
        : "10,000 x (c = a.add(b)) inside gl.noGrad",
      last_has_grad_fn: c !== null && (c as gl.Tensor).gradFn !== null,
    }),
  };
}

function build(workload: string): Omit<Prepared, "threads"> {
  const g = /^sgemm_n(\d+)$/.exec(workload);
  if (g) return sgemm(Number(g[1]));
  switch (workload) {
    case "mlp_train_step": return mlp();
    case "cnn_train_step": return cnn();
    case "transformer_train_step": return transformer();
    case "dln_250ep": return dln(false);
    case "dln_250ep_svd": return dln(true);
    case "dispatch_add8_nograd": return dispatch(false);
    case "dispatch_add8_grad": return dispatch(true);
  }
  throw new Error(`gradlab: unknown workload ${workload}`);
}

/**
 * Prepares one workload for gradlab on `backend` ("native" with `threads` threads, or "js",
 * which is single-threaded): data made and checked, nothing timed yet.
 */
export async function prepareGradlab(backend: "native" | "js", threads: number, workload: string): Promise<Prepared> {
  if (!gl.listBackends().includes(backend)) throw new Error(`gradlab: backend "${backend}" is not available here (available: ${gl.listBackends().join(", ")}); build it with npm run build:native`);
  gl.setBackend(backend);
  if (backend === "native") gl.setNumThreads(threads);
  gl.manualSeed(0);
  const p = build(workload);
  const mem0 = await memory();
  const used = backend === "native" ? gl.getNumThreads() : 1;
  if (used !== threads) throw new Error(`gradlab[${backend}]: asked for ${threads} threads, runs with ${used}`);
  return {
    threads: used,
    unit: p.unit,
    extra: async () => ({ backend: gl.getBackend(), ...(await p.extra()), ...(await memoryExtra(mem0)) }),
  };
}
