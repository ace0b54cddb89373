import * as gl from "../../src/index.js";
import { Rng, normalArray } from "../data.js";
import { DLN, GRAM_SVD_METHOD, dlnData, dlnInit, dlnSanity, svdFromGram } from "../dln.js";
import type { Prepared } from "./types.js";

// gradlab on its pure-TypeScript backend, written the way a user writes it: tensors,
// methods, autograd, in-place updates under noGrad.

const fromArray = (data: Float32Array, shape: number[]): gl.Tensor => gl.tensor(data).reshape(shape);

/** Live JS heap in MB after a full collection (when the runner exposes gc), for the memory check. */
function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1e5) / 10;
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

function sgemm(n: number): Prepared {
  const rng = new Rng(n);
  const ad = normalArray(rng, n * n), bd = normalArray(rng, n * n);
  const a = fromArray(ad, [n, n]), b = fromArray(bd, [n, n]);
  const err = checkProduct(ad, bd, a.matmul(b).data as Float32Array, n);
  if (!(err < 1e-5)) throw new Error(`sgemm_n${n}: gradlab product is wrong (relative error ${err})`);
  const heap0 = heapMb();
  return {
    threads: 1,
    unit: { run: () => { a.matmul(b); } },
    extra: () => ({ backend: gl.getBackend(), writes_into_preallocated_c: false, check_max_rel_err: err, heap_mb_before: heap0, heap_mb_after: heapMb() }),
  };
}

type SvdFn = (a: gl.Tensor, opts?: { fullMatrices?: boolean }) => { U: gl.Tensor; S: gl.Tensor; Vh: gl.Tensor };

/** gl.linalg.svd when the linalg module provides it (it is being written in parallel). */
function linalgSvd(): SvdFn | null {
  const f = (gl.linalg as unknown as Record<string, unknown>)["svd"];
  return typeof f === "function" ? (f as SvdFn) : null;
}

function dln(withSvd: boolean): Prepared {
  const { nIn, nHidden, nOut, epochs, lr } = DLN;
  const data = dlnData();
  const x = fromArray(data.x, [nIn, nIn]);
  const y = fromArray(data.y, [nIn, nOut]);
  const rng = new Rng(1);
  const svd = withSvd ? linalgSvd() : null;
  let w1 = gl.zeros([nHidden, nIn]);
  let w2 = gl.zeros([nOut, nHidden]);
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
      const out = x.matmul(w1.t()).matmul(w2.t());
      const loss = out.sub(y).square().mean();
      loss.backward();
      gl.noGrad(() => {
        w1.sub_(w1.grad!.mul(lr));
        w2.sub_(w2.grad!.mul(lr));
      });
      w1.grad = null;
      w2.grad = null;
      losses[e] = loss.item();
      if (withSvd) {
        const t0 = process.hrtime.bigint();
        lastS = netSvd();
        svdSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
      }
    }
    runs++;
  };
  const heap0 = heapMb();
  return {
    threads: 1,
    unit: {
      setup: () => {
        const w = dlnInit(rng);
        w1 = fromArray(w.w1, [nHidden, nIn]).requiresGrad_(true);
        w2 = fromArray(w.w2, [nOut, nHidden]).requiresGrad_(true);
      },
      run,
    },
    extra: () => ({
      backend: gl.getBackend(),
      ...(withSvd ? { svd_method: svd ? "gl.linalg.svd (fullMatrices: false)" : GRAM_SVD_METHOD, svd_seconds_per_run: svdSeconds / Math.max(runs, 1) } : {}),
      ...dlnSanity(losses, withSvd ? lastS : netSvd()),
      heap_mb_before: heap0, heap_mb_after: heapMb(),
    }),
  };
}

function dispatch(grad: boolean): Prepared {
  const rng = new Rng(6);
  const a = gl.tensor(normalArray(rng, 8), { requiresGrad: grad });
  const b = gl.tensor(normalArray(rng, 8), { requiresGrad: grad });
  let c: gl.Tensor | null = null;
  const loop = (): void => {
    for (let i = 0; i < 10000; i++) c = a.add(b);
  };
  const heap0 = heapMb();
  return {
    threads: 1,
    unit: { run: grad ? loop : () => gl.noGrad(loop) },
    extra: () => ({
      backend: gl.getBackend(),
      includes: grad
        ? "10,000 x (c = a.add(b)) with a, b requiring grad: each add records an AddBackward node, freed when c is overwritten; no backward pass (as PyTorch)"
        : "10,000 x (c = a.add(b)) inside gl.noGrad",
      last_has_grad_fn: c !== null && (c as gl.Tensor).gradFn !== null,
      heap_mb_before: heap0, heap_mb_after: heapMb(),
    }),
  };
}

/** Prepares one workload for gradlab (data made and checked, nothing timed yet). */
export async function prepareGradlab(workload: string): Promise<Prepared> {
  gl.setBackend("js");
  const g = /^sgemm_n(\d+)$/.exec(workload);
  if (g) return sgemm(Number(g[1]));
  if (workload === "dln_250ep") return dln(false);
  if (workload === "dln_250ep_svd") return dln(true);
  if (workload === "dispatch_add8_nograd") return dispatch(false);
  if (workload === "dispatch_add8_grad") return dispatch(true);
  throw new Error(`gradlab: unknown workload ${workload}`);
}
