import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { Rng, normalArray } from "../data.js";
import { DLN, GRAM_SVD_METHOD, dlnData, dlnInit, dlnSanity, svdFromGram } from "../dln.js";
import { CNN, MLP, TRANSFORMER, trainSanity } from "../workloads.js";
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


/** PyTorch's default Linear/Conv init, U(-1/sqrt(fan_in), +1/sqrt(fan_in)), as a trainable variable. */
function param(shape: number[], fanIn: number, seed: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, "float32", seed)));
}

/** The same PyTorch labels as one-hot rows (tf.losses.softmaxCrossEntropy takes one-hot targets). */
function oneHotLabels(batch: number, classes: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  const labels = Int32Array.from({ length: batch }, () => Math.floor(rng.next() * classes));
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), classes).toFloat() as tf.Tensor2D);
}

/** One SGD step per unit with tf.train.sgd(lr).minimize; the loss is read to the host each step. */
function trainer(vars: tf.Variable[], loss: () => tf.Scalar, lr: number, info: Record<string, unknown>, what: string): Prepared {
  const opt = tf.train.sgd(lr);
  const step = (): number => {
    const l = opt.minimize(loss, true, vars)!;
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  };
  const log = { firstLoss: step(), lastLoss: NaN, steps: 1 };
  const before = tf.memory().numTensors;
  const bytesBefore = tf.memory().numBytes;
  return {
    threads: 1,
    unit: { run: () => { log.lastLoss = step(); log.steps++; } },
    extra: () => ({
      ...info,
      model: what,
      parameters: vars.reduce((s, v) => s + v.size, 0),
      parameter_tensors: vars.length,
      ...trainSanity(log),
      tensors_leaked: tf.memory().numTensors - before,
      tensor_mb_before: Math.round(bytesBefore / 1e5) / 10,
      tensor_mb_after: Math.round(tf.memory().numBytes / 1e5) / 10,
    }),
  };
}

function mlp(info: Record<string, unknown>): Prepared {
  const [i, h1, h2, o] = MLP.sizes;
  const x = tf.tensor2d(normalArray(new Rng(2), MLP.batch * i), [MLP.batch, i]);
  const y = oneHotLabels(MLP.batch, MLP.classes, 3);
  const w1 = param([i, h1], i, 11), b1 = param([h1], i, 12);
  const w2 = param([h1, h2], h1, 13), b2 = param([h2], h1, 14);
  const w3 = param([h2, o], h2, 15), b3 = param([o], h2, 16);
  const loss = (): tf.Scalar => {
    const a1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const a2 = tf.relu(tf.add(tf.matMul(a1, w2), b2));
    const logits = tf.add(tf.matMul(a2, w3), b3);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  return trainer([w1, b1, w2, b2, w3, b3], loss, MLP.lr, info, "matMul/add/relu x3; tf.losses.softmaxCrossEntropy; tf.train.sgd");
}

function cnn(info: Record<string, unknown>): Prepared {
  const { batch, size, c1, c2, classes } = CNN;
  // NHWC, tfjs's native layout; flatten follows it (WORKLOADS.md allows this).
  const x = tf.tensor4d(normalArray(new Rng(2), batch * size * size), [batch, size, size, 1]);
  const y = oneHotLabels(batch, classes, 3);
  const flat = c2 * (size / 4) ** 2;
  const f1 = param([3, 3, 1, c1], 9, 11), b1 = param([c1], 9, 12);
  const f2 = param([3, 3, c1, c2], 9 * c1, 13), b2 = param([c2], 9 * c1, 14);
  const w3 = param([flat, classes], flat, 15), b3 = param([classes], flat, 16);
  const loss = (): tf.Scalar => {
    const h1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, f1 as tf.Tensor4D, 1, "same"), b1)) as tf.Tensor4D, 2, 2, "valid");
    const h2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h1, f2 as tf.Tensor4D, 1, "same"), b2)) as tf.Tensor4D, 2, 2, "valid");
    const logits = tf.add(tf.matMul(tf.reshape(h2, [batch, flat]), w3), b3);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  return trainer([f1, b1, f2, b2, w3, b3], loss, CNN.lr, info, "conv2d/relu/maxPool x2, matMul (NHWC); tf.losses.softmaxCrossEntropy; tf.train.sgd");
}

function transformer(info: Record<string, unknown>): Prepared {
  const { batch: B, seq: S, dModel: D, heads: H, ffn, eps } = TRANSFORMER;
  const dh = D / H;
  const x = tf.tensor2d(normalArray(new Rng(2), B * S * D), [B * S, D]);
  const target = tf.tensor2d(normalArray(new Rng(3), B * S * D), [B * S, D]);
  const wqkv = param([D, 3 * D], D, 11), bqkv = param([3 * D], D, 12);
  const wo = param([D, D], D, 13), bo = param([D], D, 14);
  const w1 = param([D, ffn], D, 15), b1 = param([ffn], D, 16);
  const w2 = param([ffn, D], ffn, 17), b2 = param([D], ffn, 18);
  const g1 = tf.variable(tf.ones([D])), be1 = tf.variable(tf.zeros([D]));
  const g2 = tf.variable(tf.ones([D])), be2 = tf.variable(tf.zeros([D]));
  const layerNorm = (t: tf.Tensor2D, g: tf.Variable, b: tf.Variable): tf.Tensor2D => {
    const { mean, variance } = tf.moments(t, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, eps))), g), b);
  };
  // [B*S, D] -> [B, H, S, dh] and back.
  const split = (t: tf.Tensor): tf.Tensor4D => tf.transpose(tf.reshape(t, [B, S, H, dh]), [0, 2, 1, 3]);
  const merge = (t: tf.Tensor4D): tf.Tensor2D => tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [B * S, D]);
  const loss = (): tf.Scalar => {
    const [q, k, v] = tf.split(tf.add(tf.matMul(x, wqkv), bqkv), 3, 1);
    const attn = tf.softmax(tf.div(tf.matMul(split(q), split(k), false, true), Math.sqrt(dh)));
    const ctx = tf.add(tf.matMul(merge(tf.matMul(attn, split(v))), wo), bo);
    const h = layerNorm(tf.add(x, ctx), g1, be1);
    const ff = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(h, w1), b1)), w2), b2);
    const out = layerNorm(tf.add(h, ff), g2, be2);
    return tf.losses.meanSquaredError(target, out) as tf.Scalar;
  };
  return trainer([wqkv, bqkv, wo, bo, w1, b1, w2, b2, g1, be1, g2, be2], loss, TRANSFORMER.lr, info,
    "post-norm encoder layer by hand (fused qkv, 4 heads, softmax, moments layer norm, relu ffn); tf.losses.meanSquaredError; tf.train.sgd");
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
  if (workload === "mlp_train_step") return mlp(info);
  if (workload === "cnn_train_step") return cnn(info);
  if (workload === "transformer_train_step") return transformer(info);
  if (workload === "dln_250ep") return dln(false, info);
  if (workload === "dln_250ep_svd") return dln(true, info);
  if (workload === "dispatch_add8_nograd") return dispatch(false, info);
  if (workload === "dispatch_add8_grad") return dispatch(true, info);
  throw new Error(`tfjs: unknown workload ${workload}`);
}
