import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { nn } from "../../src/index.js";
import type { FxCase, FxFile } from "../helpers/fixtures.js";
import { buildInputs, compareTensor, isAllZero, loadFixtures, makeTensor, resolveArgs, toleranceFor } from "../helpers/fixtures.js";

// Parity with PyTorch for convolution and pooling: every case of test/fixtures/nn/conv*.json
// (written by tools/oracle/gen_nn_conv.py with the torch version in each file's header) is
// replayed with gradlab. Forward outputs (pooling indices exactly), first-order gradients of
// sum(out * upstream) and, where stored, second-order gradients must match within
// tol * max(1, |expected|) per element: 1e-10 for float64, 1e-5 for float32.
// Call forms: "F" is nn.functional.<op>(...args); "module" builds nn.<op>(...args), loads
// inputs 1.. as its state dict (weight, bias) and calls it on input 0; its gradients are
// those of input 0 and of the module's parameters.

type AnyFn = (...a: unknown[]) => unknown;
const F = nn.functional as unknown as Record<string, AnyFn>;
const NN = nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>;

function outputsOf(res: unknown): Record<string, Tensor> {
  if (res instanceof gl.Tensor) return { out: res };
  const r = res as { values: Tensor; indices: Tensor };
  return { values: r.values, indices: r.indices };
}

/** Runs one case; throws one error listing every mismatch. */
function runConvCase(c: FxCase, file: FxFile): void {
  const { leaves, values } = buildInputs(c);
  const args = resolveArgs(c.args, values) as unknown[];
  let res: unknown;
  let gradLeaves: Tensor[];
  if (c.call === ("module" as string)) {
    const m = new NN[c.op](...args);
    if (c.dtype === "float64") m.to("float64");
    const names = ["weight", "bias"].slice(0, leaves.length - 1);
    expect(Object.keys(m.stateDict()), `${c.op}: state dict keys`).toEqual(names);
    m.loadStateDict(Object.fromEntries(names.map((n, i) => [n, leaves[i + 1]])));
    res = m.forward(values[0]);
    const params = m.stateDict();
    gradLeaves = [leaves[0], ...names.map((n) => (m as unknown as Record<string, Tensor>)[n])];
    for (const n of names) expect(params[n].shape).toEqual(leaves[names.indexOf(n) + 1].shape);
  } else {
    res = F[c.op](...args);
    gradLeaves = leaves.filter((_, i) => c.inputs[i].requiresGrad);
  }
  const outs = outputsOf(res);
  const tol = file.tolerance;
  const problems: string[] = [];
  let loss: Tensor | null = null;
  for (const o of c.outputs) {
    const v = outs[o.key];
    const err = compareTensor(v, o, toleranceFor(o.dtype, tol), `[forward] output "${o.key}"`);
    if (err) problems.push(err);
    if (o.requiresGrad !== undefined && v.requiresGrad !== o.requiresGrad) problems.push(`[grad] output "${o.key}": requiresGrad ${v.requiresGrad}, PyTorch has ${o.requiresGrad}`);
    if (o.upstream && v.requiresGrad) {
      const term = v.mul(makeTensor(o.upstream, o.shape, o.dtype)).sum();
      loss = loss ? loss.add(term) : term;
    }
  }
  if (c.grads) {
    if (!loss) throw new Error(problems.concat("[grad] no output requires grad").join("\n"));
    const grads = gl.autograd.grad(loss, gradLeaves, { createGraph: c.second !== undefined, allowUnused: true });
    c.grads.forEach((g, i) => {
      const got = grads[i];
      if (got === null) problems.push(`[grad] input ${i}: no gradient`);
      else {
        const err = compareTensor(got, { ...g, dtype: gradLeaves[i].dtype }, toleranceFor(gradLeaves[i].dtype, tol), `[grad] input ${i}`);
        if (err) problems.push(err);
      }
    });
    if (c.second) {
      const l2 = grads.map((g, i) => g!.mul(makeTensor(c.second!.v[i], g!.shape, g!.dtype)).sum()).reduce((a, b) => a.add(b));
      // A gradient that does not depend on the inputs (linear ops) records nothing: PyTorch's second order is then zero.
      const g2 = l2.requiresGrad ? gl.autograd.grad(l2, gradLeaves, { allowUnused: true }) : gradLeaves.map(() => null);
      c.second.grads.forEach((exp, i) => {
        const got = g2[i];
        if (exp === null) {
          if (got !== null && !isAllZero(got)) problems.push(`[second] input ${i}: PyTorch has no dependence, gradlab is nonzero`);
        } else if (got === null) {
          if (!exp.data.every((x) => x === 0)) problems.push(`[second] input ${i}: no gradient`);
        } else {
          const err = compareTensor(got, { ...exp, dtype: gradLeaves[i].dtype }, toleranceFor(gradLeaves[i].dtype, tol), `[second] input ${i}`);
          if (err) problems.push(err);
        }
      });
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

const FILES = ["conv", "conv_pool"];
const loaded: [string, FxFile][] = FILES.map((f) => [f, loadFixtures("nn", f)]);

describe("conv and pooling fixtures", () => {
  it("cover every op in float32 and float64, with second order for conv, convTranspose and pooling", () => {
    const cases = loaded.flatMap(([, f]) => f.cases);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    const ops = [
      "conv1d", "conv2d", "convTranspose2d", "maxPool1d", "maxPool2d", "avgPool1d", "avgPool2d", "adaptiveAvgPool1d", "adaptiveAvgPool2d",
      "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d",
    ];
    for (const op of ops) expect([...new Set(cases.filter((c) => c.op === op).map((c) => c.dtype))].sort(), op).toEqual(["float32", "float64"]);
    const second = new Set(cases.filter((c) => c.second).map((c) => c.op));
    for (const op of ["conv1d", "conv2d", "convTranspose2d", "avgPool2d", "adaptiveAvgPool2d"]) expect(second.has(op), op).toBe(true);
  });
});

for (const [file, fx] of loaded) {
  describe(`parity with torch ${fx.torch}: nn/${file}`, () => {
    for (const c of fx.cases) it(c.name, () => runConvCase(c, fx));
  });
}

describe("the conv parity replay", () => {
  const find = (name: string) => {
    for (const [, fx] of loaded) {
      const c = fx.cases.find((k) => k.name === name);
      if (c) return { fx, c: structuredClone(c) };
    }
    throw new Error(`no case ${name}`);
  };

  it("fails on a forward value, a gradient or a second-order value off by more than the tolerance", () => {
    const { fx, c } = find("conv2d_basic_f64");
    expect(() => runConvCase(c, fx)).not.toThrow();
    const fwd = structuredClone(c);
    fwd.outputs[0].data[7] = (fwd.outputs[0].data[7] as number) + 1e-8;
    expect(() => runConvCase(fwd, fx)).toThrow(/\[forward\] output "out": 1\/\d+ elements off/);
    const grad = structuredClone(c);
    grad.grads![1].data[4] = (grad.grads![1].data[4] as number) + 1e-8;
    expect(() => runConvCase(grad, fx)).toThrow(/\[grad\] input 1: 1\/108 elements off/);
    const sec = structuredClone(c);
    sec.second!.grads[0]!.data[3] = (sec.second!.grads[0]!.data[3] as number) + 1e-8;
    expect(() => runConvCase(sec, fx)).toThrow(/\[second\] input 0: 1\/\d+ elements off/);
  });

  it("compares pooling indices exactly", () => {
    const { fx, c } = find("maxPool2d_indices_f32");
    expect(() => runConvCase(c, fx)).not.toThrow();
    const idx = c.outputs.find((o) => o.key === "indices")!;
    idx.data[0] = (idx.data[0] as number) + 1;
    expect(() => runConvCase(c, fx)).toThrow(/\[forward\] output "indices"/);
  });
});
