import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import type { FxFile, FxGrad, FxInput, FxNumber, FxOutput, FxTensor } from "../helpers/fixtures.js";
import { compareTensor, isAllZero, loadFixtures, makeTensor, resolveArgs, toleranceFor } from "../helpers/fixtures.js";

// Replays tools/oracle/gen_nn_functional.py's PyTorch 1.13 fixtures: every F function
// and layer of this area, with outputs, gradients of sum(out * upstream), second-order
// gradients for some cases, and the running statistics an op updates in place.
// Tolerance: |a - e| <= tol * max(1, |e|), tol 1e-5 for float32 and 1e-10 for float64.

interface FnCase {
  name: string;
  op: string;
  dtype: gl.DType;
  inputs: FxInput[];
  args: unknown[];
  outputs: FxOutput[];
  grads?: FxGrad[];
  second?: { v: FxNumber[][]; grads: (FxGrad | null)[] };
  after?: (FxTensor & { input: number })[];
  note?: string;
  /** A looser tolerance where PyTorch itself is less accurate (the note says why). */
  tolerance?: FxFile["tolerance"];
}

interface ModuleCase {
  name: string;
  module: string;
  ctor: unknown[];
  dtype: gl.DType;
  train: boolean;
  warmup: number;
  state: [string, FxTensor][];
  inputs: FxInput[];
  args: unknown[];
  outputs: FxOutput[];
  grads: FxGrad[];
  paramGrads: [string, FxGrad][];
  stateAfter: [string, FxTensor][];
}

type AnyFn = (...args: unknown[]) => unknown;
const F = nn.functional as unknown as Record<string, AnyFn>;

function buildLeaves(inputs: FxInput[]): Tensor[] {
  return inputs.map((i) => makeTensor(i.data, i.shape, i.dtype, i.requiresGrad));
}

/** Compares `out` and returns the loss sum(out * upstream) (null when there is no upstream). */
function checkOutput(out: unknown, exp: FxOutput, tol: FxFile["tolerance"], problems: string[]): Tensor | null {
  const err = compareTensor(out, exp, toleranceFor(exp.dtype, tol), "[forward] out");
  if (err) problems.push(err);
  if (!(out instanceof gl.Tensor) || !exp.upstream || !out.requiresGrad) {
    if (exp.upstream && out instanceof gl.Tensor && !out.requiresGrad) problems.push("[grad] output does not require grad, PyTorch's does");
    return null;
  }
  return out.mul(makeTensor(exp.upstream, exp.shape, exp.dtype)).sum();
}

function runFnCase(c: FnCase, file: FxFile): void {
  const tol = c.tolerance ?? file.tolerance;
  const leaves = buildLeaves(c.inputs);
  const fn = F[c.op];
  if (typeof fn !== "function") throw new Error(`[op missing] F.${c.op} is not a function`);
  const args = resolveArgs(c.args, leaves) as unknown[];
  const out = fn(...args);
  const problems: string[] = [];
  const loss = checkOutput(out, c.outputs[0], tol, problems);
  for (const a of c.after ?? []) {
    const err = compareTensor(leaves[a.input], a, toleranceFor(a.dtype, tol), `[after] input ${a.input}`);
    if (err) problems.push(err);
  }
  const gradLeaves = leaves.filter((_, i) => c.inputs[i].requiresGrad);
  if (c.grads && loss) {
    const grads = gl.autograd.grad(loss, gradLeaves, { createGraph: !!c.second, allowUnused: true });
    c.grads.forEach((g, i) => {
      const got = grads[i] ?? gl.zerosLike(gradLeaves[i]);
      const err = compareTensor(got, { ...g, dtype: gradLeaves[i].dtype }, toleranceFor(gradLeaves[i].dtype, tol), `[grad] input ${i}`);
      if (err) problems.push(err);
    });
    if (c.second) {
      const terms = grads.map((g, i) => (g ? g.mul(makeTensor(c.second!.v[i], g.shape, g.dtype)).sum() : null)).filter((t): t is Tensor => t !== null);
      const l2 = terms.reduce((a, b) => a.add(b));
      const g2: (Tensor | null)[] = l2.requiresGrad ? gl.autograd.grad(l2, gradLeaves, { allowUnused: true }) : gradLeaves.map(() => null);
      c.second.grads.forEach((exp, i) => {
        const got = g2[i];
        if (exp === null) {
          if (got !== null && !isAllZero(got)) problems.push(`[second] input ${i}: PyTorch has no dependence, gradlab gives a nonzero gradient`);
        } else {
          const err = compareTensor(got ?? gl.zerosLike(gradLeaves[i]), { ...exp, dtype: gradLeaves[i].dtype }, toleranceFor(gradLeaves[i].dtype, tol), `[second] input ${i}`);
          if (err) problems.push(err);
        }
      });
    }
  } else if (c.grads) {
    problems.push("[grad] PyTorch differentiates this case, gradlab's output has no graph");
  }
  if (problems.length) throw new Error(problems.join("\n"));
}

function runModuleCase(c: ModuleCase, file: FxFile): void {
  const tol = file.tolerance;
  const leaves = buildLeaves(c.inputs);
  const Ctor = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[c.module];
  if (typeof Ctor !== "function") throw new Error(`[op missing] nn.${c.module} is not a class`);
  const m = new Ctor(...(resolveArgs(c.ctor, leaves) as unknown[])).to(c.dtype);
  const problems: string[] = [];
  const keys = Object.keys(m.stateDict());
  const want = c.state.map(([k]) => k);
  if (JSON.stringify(keys) !== JSON.stringify(want)) problems.push(`[state] keys ${JSON.stringify(keys)}, PyTorch has ${JSON.stringify(want)}`);
  m.loadStateDict(Object.fromEntries(c.state.map(([k, t]) => [k, makeTensor(t.data, t.shape, t.dtype)])));
  m.train(c.train);
  const args = resolveArgs(c.args, leaves) as unknown[];
  for (let i = 0; i < c.warmup; i++) gl.noGrad(() => m.forward(...args));
  const loss = checkOutput(m.forward(...args), c.outputs[0], tol, problems);
  if (loss) {
    loss.backward();
    const gradLeaves = leaves.filter((_, i) => c.inputs[i].requiresGrad);
    c.grads.forEach((g, i) => {
      const err = compareTensor(gradLeaves[i].grad, { ...g, dtype: gradLeaves[i].dtype }, toleranceFor(c.dtype, tol), `[grad] input ${i}`);
      if (err) problems.push(err);
    });
    const params = Object.fromEntries(m.namedParameters());
    for (const [k, g] of c.paramGrads) {
      const err = compareTensor(params[k]?.grad ?? null, { ...g, dtype: c.dtype }, toleranceFor(c.dtype, tol), `[grad] parameter ${k}`);
      if (err) problems.push(err);
    }
  }
  const after = m.stateDict();
  for (const [k, t] of c.stateAfter) {
    const err = compareTensor(after[k], t, toleranceFor(t.dtype, tol), `[state after] ${k}`);
    if (err) problems.push(err);
  }
  if (problems.length) throw new Error(problems.join("\n"));
}

const fnFile = loadFixtures("nn", "functional");
const moduleFile = loadFixtures("nn", "modules") as unknown as FxFile & { cases: ModuleCase[] };

describe(`nn.functional parity with PyTorch ${fnFile.torch}`, () => {
  it("covers every function of the area", () => {
    const ops = new Set((fnFile.cases as unknown as FnCase[]).map((c) => c.op));
    for (const op of ["crossEntropy", "nllLoss", "mseLoss", "l1Loss", "smoothL1Loss", "huberLoss", "binaryCrossEntropy", "binaryCrossEntropyWithLogits",
      "klDiv", "layerNorm", "batchNorm", "groupNorm", "instanceNorm", "embedding", "pad", "oneHot", "cosineSimilarity"]) {
      expect(ops.has(op), op).toBe(true);
    }
  });
  for (const c of fnFile.cases as unknown as FnCase[]) {
    it(c.name, () => runFnCase(c, fnFile));
  }
});

describe(`nn layers parity with PyTorch ${moduleFile.torch} (state dicts load unchanged)`, () => {
  for (const c of moduleFile.cases) {
    it(c.name, () => runModuleCase(c, moduleFile));
  }
});
