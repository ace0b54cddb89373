import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

// Recurrent layers: PyTorch's names, layouts, cell formulas and modes. Numbers against
// PyTorch itself are in parity_seq.test.ts.

const close = (a: Tensor, b: Tensor, tol = 1e-6) => {
  const x = a.dataSync(), y = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i]), `element ${i}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(y[i])));
};
const param = (m: nn.Module, name: string) => Object.fromEntries(m.namedParameters())[name];

describe("nn.RNN / GRU / LSTM parameters", () => {
  it("have PyTorch's names, order and shapes (LSTM with projection, 2 layers, bidirectional)", () => {
    const m = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2 });
    const names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"];
    const keys: string[] = [];
    for (const l of [0, 1]) for (const d of ["", "_reverse"]) for (const n of names) keys.push(`${n}_l${l}${d}`);
    expect(Object.keys(m.stateDict())).toEqual(keys);
    expect(param(m, "weight_ih_l0").shape).toEqual([16, 3]);
    expect(param(m, "weight_hh_l0").shape).toEqual([16, 2]);
    expect(param(m, "weight_hr_l0").shape).toEqual([2, 4]);
    expect(param(m, "weight_ih_l1_reverse").shape).toEqual([16, 4]); // 2 directions * projSize
    expect(m.allWeights.map((ws) => ws.length)).toEqual([5, 5, 5, 5]);
    expect(m.toString()).toBe("LSTM(3, 4, proj_size=2, num_layers=2, bidirectional=True)");
  });

  it("GRU has 3 gates, RNN 1, and bias: false drops the biases", () => {
    expect(Object.entries(new nn.GRU(3, 5).stateDict()).map(([k, t]) => [k, t.shape])).toEqual([
      ["weight_ih_l0", [15, 3]], ["weight_hh_l0", [15, 5]], ["bias_ih_l0", [15]], ["bias_hh_l0", [15]],
    ]);
    expect(Object.keys(new nn.RNN(3, 5, { bias: false, numLayers: 2 }).stateDict())).toEqual(["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1"]);
  });

  it("are initialised uniformly in ±1/sqrt(hiddenSize)", () => {
    gl.manualSeed(0);
    const m = new nn.LSTM(10, 25);
    for (const p of m.parameters()) expect(p.abs().max().item()).toBeLessThanOrEqual(0.2);
    expect(m.weight_ih_l0.abs().max().item()).toBeGreaterThan(0.19);
  });
});

describe("recurrent cells follow PyTorch's formulas and gate orders", () => {
  it("LSTM: gates i, f, g, o; c' = f c + i g; h' = o tanh(c')", () => {
    gl.manualSeed(1);
    const m = new nn.LSTM(3, 4);
    const x = gl.randn([1, 2, 3]), h0 = gl.randn([1, 2, 4]), c0 = gl.randn([1, 2, 4]);
    const [out, [hN, cN]] = m.forward(x, [h0, c0]);
    const g = x.select(0, 0).matmul(m.weight_ih_l0.T).add(param(m, "bias_ih_l0")).add(h0.select(0, 0).matmul(m.weight_hh_l0.T)).add(param(m, "bias_hh_l0"));
    const [i, f, gg, o] = g.chunk(4, 1);
    const c = f.sigmoid().mul(c0.select(0, 0)).add(i.sigmoid().mul(gg.tanh()));
    const h = o.sigmoid().mul(c.tanh());
    close(cN.select(0, 0), c);
    close(hN.select(0, 0), h);
    close(out.select(0, 0), h);
  });

  it("GRU: gates r, z, n; n = tanh(W_in x + b_in + r (W_hn h + b_hn)); h' = (1 - z) n + z h", () => {
    gl.manualSeed(2);
    const m = new nn.GRU(3, 4);
    const x = gl.randn([1, 2, 3]), h0 = gl.randn([1, 2, 4]);
    const [, hN] = m.forward(x, h0);
    const [ir, iz, inn] = x.select(0, 0).matmul(m.weight_ih_l0.T).add(param(m, "bias_ih_l0")).chunk(3, 1);
    const [hr, hz, hn] = h0.select(0, 0).matmul(m.weight_hh_l0.T).add(param(m, "bias_hh_l0")).chunk(3, 1);
    const r = ir.add(hr).sigmoid(), z = iz.add(hz).sigmoid();
    const n = inn.add(r.mul(hn)).tanh();
    close(hN.select(0, 0), z.neg().add(1).mul(n).add(z.mul(h0.select(0, 0))));
  });

  it("RNN: h' = relu(W_ih x + b_ih + W_hh h + b_hh) with nonlinearity relu; h0 defaults to zeros", () => {
    gl.manualSeed(3);
    const m = new nn.RNN(3, 4, { nonlinearity: "relu" });
    const x = gl.randn([2, 1, 3]);
    const [out, hN] = m.forward(x);
    const b = param(m, "bias_ih_l0").add(param(m, "bias_hh_l0"));
    const h1 = x.select(0, 0).matmul(m.weight_ih_l0.T).add(b).relu();
    const h2 = x.select(0, 1).matmul(m.weight_ih_l0.T).add(h1.matmul(m.weight_hh_l0.T)).add(b).relu();
    close(out.select(0, 0), h1);
    close(hN.select(0, 0), h2);
  });
});

describe("layouts and directions", () => {
  it("batchFirst and unbatched input give the same numbers; hidden states stay [layers, N, H]", () => {
    gl.manualSeed(4);
    const m = new nn.GRU(3, 4, { numLayers: 2 });
    const mb = new nn.GRU(3, 4, { numLayers: 2, batchFirst: true });
    mb.loadStateDict(m.stateDict());
    const x = gl.randn([5, 2, 3]), h0 = gl.randn([2, 2, 4]);
    const [o, h] = m.forward(x, h0);
    const [ob, hb] = mb.forward(x.transpose(0, 1), h0);
    close(ob.transpose(0, 1), o);
    close(hb, h);
    const [ou, hu] = m.forward(x.select(1, 1), h0.select(1, 1));
    expect(ou.shape).toEqual([5, 4]);
    close(ou, o.select(1, 1));
    close(hu, h.select(1, 1));
  });

  it("the reverse direction runs over the reversed sequence with the _reverse weights", () => {
    gl.manualSeed(5);
    const bi = new nn.LSTM(3, 4, { bidirectional: true });
    const fwd = new nn.LSTM(3, 4), rev = new nn.LSTM(3, 4);
    const sd = bi.stateDict();
    fwd.loadStateDict(Object.fromEntries(Object.entries(sd).filter(([k]) => !k.endsWith("_reverse"))));
    rev.loadStateDict(Object.fromEntries(Object.entries(sd).filter(([k]) => k.endsWith("_reverse")).map(([k, v]) => [k.replace("_reverse", ""), v])));
    const x = gl.randn([4, 2, 3]);
    const [o, [h]] = bi.forward(x);
    const [of] = fwd.forward(x);
    const flip = (t: Tensor) => gl.stack([3, 2, 1, 0].map((i) => t.select(0, i)), 0);
    const [or, [hr]] = rev.forward(flip(x));
    expect(o.shape).toEqual([4, 2, 8]);
    close(o.narrow(2, 0, 4), of);
    close(o.narrow(2, 4, 4), flip(or));
    close(h.select(0, 1), hr.select(0, 0));
  });

  it("dropout acts between layers in training only", () => {
    gl.manualSeed(6);
    const m = new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5 });
    const ref = new nn.LSTM(3, 4, { numLayers: 2 });
    ref.loadStateDict(m.stateDict());
    const x = gl.randn([4, 2, 3]);
    expect(Array.from(m.forward(x)[0].dataSync())).not.toEqual(Array.from(ref.forward(x)[0].dataSync()));
    m.eval();
    close(m.forward(x)[0], ref.forward(x)[0], 0);
  });

  it("gradients agree with finite differences (float64)", () => {
    gl.manualSeed(7);
    const m = new nn.GRU(2, 3, { bidirectional: true }).double();
    const x = gl.randn([3, 1, 2], { dtype: "float64", requiresGrad: true });
    const h0 = gl.randn([2, 1, 3], { dtype: "float64", requiresGrad: true });
    expect(gl.autograd.gradcheck((a: Tensor, b: Tensor) => m.forward(a, b)[0], [x, h0])).toBe(true);
    const l = new nn.LSTM(2, 3, { projSize: 2 }).double();
    expect(gl.autograd.gradcheck((a: Tensor) => l.forward(a)[1][1], [x])).toBe(true);
  });
});

describe("errors name the layer and the sizes", () => {
  it("input size, state shapes and dtypes", () => {
    const m = new nn.LSTM(10, 20, { numLayers: 2 });
    expect(() => m.forward(gl.randn([5, 3, 12]))).toThrow("LSTM: input has 12 features in its last dim but the layer expects inputSize 10");
    expect(() => m.forward(gl.randn([5, 3, 10]), [gl.zeros([1, 3, 20]), gl.zeros([2, 3, 20])])).toThrow("LSTM: expected h0 of shape [2,3,20], got [1,3,20]");
    expect(() => m.forward(gl.randn([5, 3, 10], { dtype: "float64" }))).toThrow("LSTM: input has dtype float64 but the layer's parameters are float32");
    expect(() => new nn.GRU(4, 4).forward(gl.randn([3, 4]), gl.zeros([1, 2, 4]))).toThrow("GRU: expected h0 of shape [1,4], got [1,2,4]");
    expect(() => new nn.RNN(4, 4).forward(gl.randn([4]))).toThrow(/RNN: expected input to be 2-D/);
    expect(() => new nn.RNN(4, 4, { nonlinearity: "sigmoid" as "tanh" })).toThrow('RNN: unknown nonlinearity "sigmoid"');
    expect(() => new nn.LSTM(4, 4, { projSize: 4 })).toThrow("LSTM: projSize has to be smaller than hiddenSize (4 >= 4)");
  });
});
