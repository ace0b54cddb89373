import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { nn } from "../../src/index.js";

// Whole models whose weights PyTorch saved as safetensors (tools/oracle/gen_nn_models.py):
// they must load strictly and give PyTorch's outputs, input gradient, parameter gradients
// and batch-norm running statistics (float32 within 1e-5 relative, float64 within 1e-10).

interface Case {
  name: string; train: boolean; dtype: "float32" | "float64";
  input: { shape: number[]; data: number[] }; output: { shape: number[]; data: number[] };
  upstream: number[]; inputGrad: number[]; grads: Record<string, number[]>;
  stateKeys: string[]; runningAfter: Record<string, number[]>;
}

const FIX = new URL("../fixtures/nn/", import.meta.url);
const { cases } = JSON.parse(readFileSync(new URL("models.json", FIX), "utf8")) as { cases: Case[] };

function build(name: string): nn.Module {
  if (name.startsWith("mlp")) {
    return new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 16), new nn.Tanh(), new nn.Linear(16, 5));
  }
  return new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3), new nn.ReLU(), new nn.AvgPool2d(2), new nn.Flatten(), new nn.Linear(16 * 2 * 2, 10),
  );
}

function close(got: gl.Tensor, want: number[], tol: number, what: string): void {
  const g = Array.from(got.dataSync() as ArrayLike<number>);
  expect(g.length, what).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  expect(worst, `${what}: worst relative error`).toBeLessThanOrEqual(tol);
}

describe("PyTorch models load from safetensors and match", () => {
  for (const c of cases) {
    it(`${c.name} (${c.train ? "train" : "eval"} mode)`, async () => {
      const tol = c.dtype === "float64" ? 1e-10 : 1e-5;
      const model = build(c.name).to(c.dtype);
      const sd = await gl.io.load(new URL(`model_${c.name}.safetensors`, FIX).pathname);
      model.loadStateDict(sd); // strict
      expect(Object.keys(model.stateDict())).toEqual(c.stateKeys);
      model.train(c.train);
      const x = gl.tensor(c.input.data, { dtype: c.dtype }).reshape(c.input.shape).requiresGrad_();
      const out = model.forward(x) as gl.Tensor;
      expect(out.shape).toEqual(c.output.shape);
      close(out, c.output.data, tol, "output");
      out.mul(gl.tensor(c.upstream, { dtype: c.dtype }).reshape(out.shape)).sum().backward();
      close(x.grad!, c.inputGrad, tol, "input gradient");
      const params = Object.fromEntries(model.namedParameters());
      expect(Object.keys(params)).toEqual(Object.keys(c.grads));
      for (const [k, g] of Object.entries(c.grads)) close(params[k].grad!, g, tol, `grad of ${k}`);
      const after = model.stateDict();
      for (const [k, v] of Object.entries(c.runningAfter)) close(after[k], v, tol, `${k} after the step`);
    });
  }

  it("a wrong architecture is refused with the offending keys and shapes", async () => {
    const sd = await gl.io.load(new URL("model_mlp_f32.safetensors", FIX).pathname);
    const other = new nn.Sequential(new nn.Linear(20, 32), new nn.ReLU(), new nn.Linear(32, 8));
    expect(() => other.loadStateDict(sd)).toThrow(/Unexpected key\(s\) in state_dict: "4.bias", "4.weight".[\s\S]*size mismatch for 2.weight: copying a param with shape \[16,32\] from checkpoint, the shape in current model is \[8,32\]/);
  });
});
