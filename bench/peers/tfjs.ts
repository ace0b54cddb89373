import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { Rng, normalArray } from "../data.js";
import { DLN, GRAM_SVD_METHOD, dlnData, dlnInit, dlnSanity, svdFromGram } from "../dln.js";
import type { Prepared } from "./types.js";

// TensorFlow.js peers (cpu: plain JS kernels; wasm: XNNPACK with SIMD), written the way
// tfjs users write them: tidy/dispose for memory, variables and an optimizer for training.

export type TfBackend = "cpu" | "wasm";

async function init(backend: TfBackend): Promise<Record<string, unknown>> {
  if (backend === "wasm") {
    // In Node the .wasm binaries are read from disk: point tfjs at the package's dist folder.
    const req = createRequire(import.meta.url);
    const dir = path.join(path.dirname(req.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
    setWasmPaths(dir + path.sep);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to initialise`);
  await tf.ready();
  const info: Record<string, unknown> = { tfjs: tf.version.tfjs, backend: tf.getBackend() };
  if (backend === "wasm") {
    info.wasm_simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    info.wasm_multithread = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  }
  return info;
}

function sgemm(n: number, info: Record<string, unknown>): Prepared {
  const rng = new Rng(n);
  const a = tf.tensor2d(normalArray(rng, n * n), [n, n]);
  const b = tf.tensor2d(normalArray(rng, n * n), [n, n]);
  const before = tf.memory().numTensors;
  return {
    threads: 1,
    unit: { run: () => tf.matMul(a, b).dispose() },
    extra: () => ({ ...info, writes_into_preallocated_c: false, tensors_leaked: tf.memory().numTensors - before }),
  };
}

function dln(withSvd: boolean, info: Record<string, unknown>): Prepared {
  const { nIn, nHidden, nOut, epochs, lr } = DLN;
  const data = dlnData();
  const x = tf.tensor2d(data.x, [nIn, nIn]);
  const y = tf.tensor2d(data.y, [nIn, nOut]);
  const rng = new Rng(1);
  const opt = tf.train.sgd(lr);
  let w1: tf.Variable | null = null;
  let w2: tf.Variable | null = null;
  const losses = new Float64Array(epochs);
  let lastS: ArrayLike<number> = [];

  // tfjs has no SVD op: Gram matrix in tfjs, 8x8 eigh on the host, U = W_tot V S^-1 in tfjs.
  const netSvd = (): ArrayLike<number> => {
    let s: Float64Array = new Float64Array(0);
    tf.tidy(() => {
      const wTot = tf.matMul(w2!, w1!);
      const r = svdFromGram(tf.matMul(wTot, wTot, true, false).dataSync(), nIn);
      tf.matMul(wTot, tf.tensor2d(r.vSinv, [nIn, nIn]));
      s = r.s;
    });
    return s;
  };

  const run = (): void => {
    for (let e = 0; e < epochs; e++) {
      const loss = opt.minimize(() => {
        const out = tf.matMul(tf.matMul(x, w1!, false, true), w2!, false, true);
        return tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
      }, true, [w1!, w2!])!;
      losses[e] = loss.dataSync()[0];
      loss.dispose();
      if (withSvd) lastS = netSvd();
    }
  };
  let before = 0;
  return {
    threads: 1,
    unit: {
      setup: () => {
        w1?.dispose();
        w2?.dispose();
        const w = dlnInit(rng);
        w1 = tf.tidy(() => tf.variable(tf.tensor2d(w.w1, [nHidden, nIn])));
        w2 = tf.tidy(() => tf.variable(tf.tensor2d(w.w2, [nOut, nHidden])));
        if (before === 0) before = tf.memory().numTensors;
      },
      run,
    },
    extra: () => ({
      ...info,
      optimizer: "tf.train.sgd(100).minimize",
      ...(withSvd ? { svd_method: GRAM_SVD_METHOD } : {}),
      ...dlnSanity(losses, withSvd ? lastS : netSvd()),
      tensors_leaked: tf.memory().numTensors - before,
    }),
  };
}

function dispatch(grad: boolean, info: Record<string, unknown>): Prepared {
  const rng = new Rng(6);
  const a0 = tf.tensor1d(normalArray(rng, 8));
  const b0 = tf.tensor1d(normalArray(rng, 8));
  const before = tf.memory().numTensors;
  const noGradLoop = (): void => {
    for (let i = 0; i < 10000; i++) tf.add(a0, b0).dispose();
  };
  const a = tf.variable(a0), b = tf.variable(b0);
  const gradLoop = (): void => {
    const { value, grads } = tf.variableGrads(() => {
      let c: tf.Tensor | null = null;
      for (let i = 0; i < 10000; i++) {
        const next = tf.add(a, b);
        c?.dispose();
        c = next;
      }
      return tf.sum(c!) as tf.Scalar;
    }, [a, b]);
    value.dispose();
    tf.dispose(grads);
  };
  return {
    threads: 1,
    unit: { run: grad ? gradLoop : noGradLoop },
    extra: () => ({
      ...info,
      includes: grad
        ? "tf.variableGrads over 10,000 x tf.add on variables (each c disposed) + sum: includes the tape, the backward pass and scope disposal"
        : "10,000 x tf.add(a, b).dispose()",
      tensors_leaked: tf.memory().numTensors - before - 2,
    }),
  };
}

/** Prepares one workload on a tfjs backend (data uploaded, nothing timed yet). */
export async function prepareTfjs(backend: TfBackend, workload: string): Promise<Prepared> {
  const info = await init(backend);
  const g = /^sgemm_n(\d+)$/.exec(workload);
  if (g) return sgemm(Number(g[1]), info);
  if (workload === "dln_250ep") return dln(false, info);
  if (workload === "dln_250ep_svd") return dln(true, info);
  if (workload === "dispatch_add8_nograd") return dispatch(false, info);
  if (workload === "dispatch_add8_grad") return dispatch(true, info);
  throw new Error(`tfjs: unknown workload ${workload}`);
}
