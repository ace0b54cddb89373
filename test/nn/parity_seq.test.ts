import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { deserialize } from "../../src/io/index.js";
import * as nn from "../../src/nn/index.js";
import * as F from "../../src/nn/functional/index.js";
import type { FxNumber } from "../helpers/fixtures.js";
import { compareTensor, makeTensor } from "../helpers/fixtures.js";

// PyTorch parity of the sequence layers (fixtures: tools/oracle/gen_nn_seq.py, torch 1.13).
// Each module case loads PyTorch's state dict from its .safetensors file with a strict
// loadStateDict, runs forward, and compares every output and the gradients of
// sum_k sum(out_k * upstream_k) for every parameter and input that requires grad.
// Tolerance: |actual - expected| <= tol * max(1, |expected|), 1e-5 (float32) / 1e-10 (float64).

interface SeqTensor { data: FxNumber[]; shape: number[]; dtype: gl.DType; requiresGrad?: boolean; upstream?: FxNumber[] }
interface SeqCase {
  name: string;
  kind: string;
  dtype: "float32" | "float64";
  args?: [number, number, Record<string, unknown>];
  train?: boolean;
  weights?: string;
  stateKeys?: string[];
  options: Record<string, unknown>;
  inputs: Record<string, SeqTensor>;
  outputs: Record<string, SeqTensor>;
  grads: Record<string, SeqTensor | null>;
  inputLengths?: number[];
  targetLengths?: number[];
  lengthsAs?: "array" | "tensor";
}

const FIX = new URL("../fixtures/nn/", import.meta.url);
const doc = JSON.parse(readFileSync(new URL("seq.json", FIX), "utf8")) as { torch: string; tolerance: Record<string, number>; cases: SeqCase[] };
const tolOf = (dt: string) => doc.tolerance[dt];

function buildModule(c: SeqCase): nn.Module {
  const [a, b, o] = c.args!;
  switch (c.kind) {
    case "MultiheadAttention": return new nn.MultiheadAttention(a, b, o);
    case "TransformerEncoderLayer": return new nn.TransformerEncoderLayer(a, b, o);
    case "TransformerEncoder": {
      const layer = new nn.TransformerEncoderLayer(a, b, o);
      return new nn.TransformerEncoder(layer, c.options.numLayers as number, { norm: c.options.norm ? new nn.LayerNorm(a) : null });
    }
    case "LSTM": return new nn.LSTM(a, b, o);
    case "GRU": return new nn.GRU(a, b, o);
    case "RNN": return new nn.RNN(a, b, o);
  }
  throw new Error(`[harness] unknown module kind ${c.kind}`);
}

/** Runs the case's forward and returns its named outputs. */
function run(c: SeqCase, m: nn.Module | null, x: Record<string, Tensor>): Record<string, Tensor | null> {
  switch (c.kind) {
    case "MultiheadAttention": {
      const { output, weights } = (m as nn.MultiheadAttention).forward(x.query, x.key, x.value, {
        attnMask: x.attnMask, keyPaddingMask: x.keyPaddingMask,
        needWeights: c.options.needWeights as boolean, averageAttnWeights: c.options.averageAttnWeights as boolean,
      });
      return { output, weights };
    }
    case "TransformerEncoderLayer":
      return { output: (m as nn.TransformerEncoderLayer).forward(x.src, { srcMask: x.srcMask, srcKeyPaddingMask: x.srcKeyPaddingMask }) };
    case "TransformerEncoder":
      return { output: (m as nn.TransformerEncoder).forward(x.src, { srcKeyPaddingMask: x.srcKeyPaddingMask }) };
    case "LSTM": {
      const [output, [hN, cN]] = (m as nn.LSTM).forward(x.x, x.h0 ? [x.h0, x.c0] : undefined);
      return { output, hN, cN };
    }
    case "GRU": case "RNN": {
      const [output, hN] = (m as nn.GRU | nn.RNN).forward(x.x, x.h0);
      return { output, hN };
    }
    case "ctcLoss": {
      const lp = x.logits ? x.logits.logSoftmax(2) : x.logProbs;
      const asT = (l: number[]) => (c.lengthsAs === "tensor" ? gl.tensor(l, { dtype: "int32" }) : l);
      return { loss: F.ctcLoss(lp, x.targets, asT(c.inputLengths!), asT(c.targetLengths!), c.options) };
    }
    case "scaledDotProductAttention":
      return { out: F.scaledDotProductAttention(x.q, x.k, x.v, { attnMask: x.attnMask, ...c.options }) };
  }
  throw new Error(`[harness] unknown kind ${c.kind}`);
}

function check(c: SeqCase): void {
  let m: nn.Module | null = null;
  if (c.weights) {
    m = buildModule(c);
    if (c.dtype === "float64") m.double();
    const bytes = new Uint8Array(readFileSync(new URL(c.weights, FIX)));
    const sd = deserialize(bytes).tensors;
    m.loadStateDict(sd); // strict: every key must match
    expect(Object.keys(m.stateDict())).toEqual(c.stateKeys);
    m.train(c.train ?? true);
  }
  const x: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(c.inputs)) x[k] = makeTensor(t.data, t.shape, t.dtype, t.requiresGrad ?? false);
  const outs = run(c, m, x);
  const problems: string[] = [];
  let loss: Tensor | null = null;
  for (const [k, want] of Object.entries(c.outputs)) {
    const got = outs[k];
    const p = compareTensor(got, want, tolOf(want.dtype), `output ${k}`);
    if (p) problems.push(p);
    if (got && want.upstream) {
      const term = got.mul(makeTensor(want.upstream, want.shape, got.dtype)).sum();
      loss = loss ? loss.add(term) : term;
    }
  }
  for (const [k, v] of Object.entries(outs)) if (!(k in c.outputs) && v !== null) problems.push(`output ${k}: PyTorch returned None`);
  loss!.backward();
  const params = m ? Object.fromEntries(m.namedParameters()) : {};
  for (const [k, want] of Object.entries(c.grads)) {
    const [where, name] = k.split(":");
    const t = where === "input" ? x[name] : params[name];
    if (!t) { problems.push(`${k}: no such ${where} in gradlab`); continue; }
    if (want === null) { if (t.grad && t.grad.dataSync().some((v) => v !== 0)) problems.push(`${k}: PyTorch has no gradient, gradlab's is nonzero`); continue; }
    const p = compareTensor(t.grad, want, tolOf(want.dtype), `grad ${k}`);
    if (p) problems.push(p);
  }
  if (m) for (const [k] of m.namedParameters()) if (!(`param:${k}` in c.grads)) problems.push(`param ${k} is not in PyTorch's module`);
  expect(problems).toEqual([]);
}

describe(`sequence layers match PyTorch ${doc.torch} (tools/oracle/gen_nn_seq.py)`, () => {
  for (const c of doc.cases) it(`${c.kind}: ${c.name}`, () => check(c));
});
