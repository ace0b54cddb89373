import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import * as F from "../../src/nn/functional/index.js";

// Attention, Transformer encoder and CTC: semantics that the PyTorch parity fixtures
// (parity_seq.test.ts) do not pin down on their own — naming, masks, modes, errors.

const close = (a: Tensor, b: Tensor, tol = 1e-6) => {
  const x = a.dataSync(), y = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i]), `element ${i}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(y[i])));
};

describe("F.scaledDotProductAttention", () => {
  it("is softmax(q k^T / sqrt(E)) v, with leading dims broadcast", () => {
    gl.manualSeed(1);
    const q = gl.randn([2, 3, 4]), k = gl.randn([1, 5, 4]), v = gl.randn([1, 5, 6]);
    const ref = q.matmul(k.transpose(-2, -1)).div(2).softmax(-1).matmul(v);
    close(F.scaledDotProductAttention(q, k, v), ref);
  });

  it("bool masks mark the keys that take part (PyTorch 2), float masks are added, isCausal is the lower triangle", () => {
    gl.manualSeed(2);
    const q = gl.randn([4, 8]), k = gl.randn([6, 8]), v = gl.randn([6, 3]);
    const keep = gl.tensor([[1, 0, 1, 1, 0, 1], [1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 0, 0], [1, 1, 0, 0, 1, 1]]).gt(0);
    const additive = gl.where(keep, 0, -Infinity);
    close(F.scaledDotProductAttention(q, k, v, { attnMask: keep }), F.scaledDotProductAttention(q, k, v, { attnMask: additive }));
    // query 2 sees only key 3: its output is value 3
    close(F.scaledDotProductAttention(q, k, v, { attnMask: keep }).select(0, 2), v.select(0, 3));
    const tril = gl.tensor([[1, 0, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0], [1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 0, 0]]).gt(0);
    close(F.scaledDotProductAttention(q, k, v, { isCausal: true }), F.scaledDotProductAttention(q, k, v, { attnMask: tril }));
    close(F.scaledDotProductAttention(q, k, v, { isCausal: true }).select(0, 0), v.select(0, 0));
  });

  it("gives NaN for a query with every key masked, as PyTorch does", () => {
    const out = F.scaledDotProductAttention(gl.ones([2, 4]), gl.ones([3, 4]), gl.ones([3, 2]), { attnMask: gl.tensor([[true, true, true], [false, false, false]]) });
    expect(out.toArray()).toEqual([[1, 1], [NaN, NaN]]);
  });

  it("applies dropout to the weights whenever dropoutP > 0", () => {
    gl.manualSeed(3);
    const q = gl.randn([8, 4]), k = gl.randn([8, 4]), v = gl.randn([8, 4]);
    expect(F.scaledDotProductAttention(q, k, v, { dropoutP: 1 }).abs().sum().item()).toBe(0);
    const a = F.scaledDotProductAttention(q, k, v, { dropoutP: 0.5 }).dataSync();
    const b = F.scaledDotProductAttention(q, k, v).dataSync();
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it("rejects bad input with the op's name and the shapes", () => {
    const q = gl.randn([2, 3, 4]);
    expect(() => F.scaledDotProductAttention(q, gl.randn([2, 5, 3]), gl.randn([2, 5, 4]))).toThrow(/scaledDotProductAttention: query of shape \[2, ?3, ?4\] and key of shape \[2, ?5, ?3\] must have the same last dim/);
    expect(() => F.scaledDotProductAttention(q, gl.randn([2, 5, 4]), gl.randn([2, 6, 4]))).toThrow(/same sequence length/);
    expect(() => F.scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: gl.ones([3, 3]) })).toThrow(/either attnMask or isCausal/);
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: gl.ones([4, 3]) })).toThrow(/attnMask of shape \[4, ?3\] cannot be broadcast/);
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: gl.ones([3, 3], { dtype: "int32" }) })).toThrow(/bool or floating point/);
    expect(() => F.scaledDotProductAttention(q, q, q.double())).toThrow(/same dtype/);
  });
});

describe("nn.MultiheadAttention", () => {
  it("has PyTorch's parameter names, shapes and init", () => {
    const m = new nn.MultiheadAttention(16, 4);
    expect([...m.namedParameters()].map(([k, p]) => [k, p.shape])).toEqual([
      ["in_proj_weight", [48, 16]], ["in_proj_bias", [48]], ["out_proj.weight", [16, 16]], ["out_proj.bias", [16]],
    ]);
    expect(m.in_proj_bias!.abs().sum().item()).toBe(0);
    expect(m.out_proj.bias!.abs().sum().item()).toBe(0);
    const bound = Math.sqrt(6 / (48 + 16)); // xavier_uniform on [3E, E]
    expect(m.in_proj_weight!.abs().max().item()).toBeLessThanOrEqual(bound);
    const sep = new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5, addBiasKv: true, bias: false });
    expect(Object.entries(sep.stateDict()).map(([k, t]) => [k, t.shape])).toEqual([
      ["q_proj_weight", [8, 8]], ["k_proj_weight", [8, 3]], ["v_proj_weight", [8, 5]], ["bias_k", [1, 1, 8]], ["bias_v", [1, 1, 8]], ["out_proj.weight", [8, 8]],
    ]);
  });

  it("returns weights averaged over heads (or per head), or null without needWeights", () => {
    gl.manualSeed(4);
    const m = new nn.MultiheadAttention(8, 2);
    const q = gl.randn([3, 2, 8]), kv = gl.randn([5, 2, 8]);
    const { output, weights } = m.forward(q, kv, kv);
    expect(output.shape).toEqual([3, 2, 8]);
    expect(weights!.shape).toEqual([2, 3, 5]);
    close(weights!.sum(-1), gl.ones([2, 3]));
    const per = m.forward(q, kv, kv, { averageAttnWeights: false }).weights!;
    expect(per.shape).toEqual([2, 2, 3, 5]);
    close(per.mean(1), weights!);
    expect(m.forward(q, kv, kv, { needWeights: false }).weights).toBeNull();
  });

  it("batchFirst and unbatched inputs give the same numbers as [seq, batch, feature]", () => {
    gl.manualSeed(5);
    const m = new nn.MultiheadAttention(8, 2);
    const mb = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    mb.loadStateDict(m.stateDict());
    const q = gl.randn([3, 2, 8]), kv = gl.randn([5, 2, 8]);
    const ref = m.forward(q, kv, kv);
    const bf = mb.forward(q.transpose(0, 1), kv.transpose(0, 1), kv.transpose(0, 1));
    close(bf.output.transpose(0, 1), ref.output);
    close(bf.weights!, ref.weights!);
    const ub = m.forward(q.select(1, 1), kv.select(1, 1), kv.select(1, 1));
    close(ub.output, ref.output.select(1, 1));
    close(ub.weights!, ref.weights!.select(0, 1));
  });

  it("masks keys: true in keyPaddingMask or a bool attnMask means ignored (PyTorch's MultiheadAttention convention)", () => {
    gl.manualSeed(6);
    const m = new nn.MultiheadAttention(8, 2);
    const q = gl.randn([3, 1, 8]), k = gl.randn([4, 1, 8]), v = gl.randn([4, 1, 8]);
    const pad = gl.tensor([[false, false, true, true]]);
    const a = m.forward(q, k, v, { keyPaddingMask: pad });
    // changing the padded keys and values changes nothing
    const k2 = gl.cat([k.narrow(0, 0, 2), gl.randn([2, 1, 8])], 0), v2 = gl.cat([v.narrow(0, 0, 2), gl.randn([2, 1, 8])], 0);
    close(m.forward(q, k2, v2, { keyPaddingMask: pad }).output, a.output);
    expect(Array.from(a.weights!.narrow(2, 2, 2).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    const am = gl.tensor([[false, false, true, true], [false, false, true, true], [false, false, true, true]]);
    close(m.forward(q, k, v, { attnMask: am }).output, a.output);
    close(m.forward(q, k, v, { attnMask: gl.where(am, -Infinity, 0) }).output, a.output);
  });

  it("drops attention weights only in training mode", () => {
    gl.manualSeed(7);
    const m = new nn.MultiheadAttention(8, 2, { dropout: 0.5 });
    const ref = new nn.MultiheadAttention(8, 2);
    ref.loadStateDict(m.stateDict());
    const x = gl.randn([4, 2, 8]);
    const train = m.forward(x, x, x).output;
    expect(Array.from(train.dataSync())).not.toEqual(Array.from(ref.forward(x, x, x).output.dataSync()));
    m.eval();
    close(m.forward(x, x, x).output, ref.forward(x, x, x).output, 0);
  });

  it("names the layer and the sizes in its errors", () => {
    const m = new nn.MultiheadAttention(16, 4);
    expect(() => m.forward(gl.randn([5, 2, 12]), gl.randn([5, 2, 12]), gl.randn([5, 2, 12]))).toThrow("MultiheadAttention: query has embed dim 12 but the layer expects 16");
    expect(() => new nn.MultiheadAttention(10, 4)).toThrow("MultiheadAttention: embedDim 10 must be divisible by numHeads 4");
    const x = gl.randn([5, 2, 16]);
    expect(() => m.forward(x, x, x, { attnMask: gl.ones([5, 4]).gt(0) })).toThrow(/2-D attnMask has shape \[5, ?4\], but should be \[5, ?5\]/);
    expect(() => m.forward(x, x, x, { keyPaddingMask: gl.ones([5, 2]).gt(0) })).toThrow(/keyPaddingMask has shape \[5, ?2\], but should be \[2, ?5\]/);
    expect(() => m.forward(x, gl.randn([5, 3, 16]), gl.randn([5, 3, 16]))).toThrow("MultiheadAttention: key has batch size 3 but query has 2");
    expect(() => m.forward(x.double(), x.double(), x.double())).toThrow("MultiheadAttention: query has dtype float64 but the layer's parameters are float32");
  });
});

describe("nn.TransformerEncoderLayer / TransformerEncoder", () => {
  it("use PyTorch's submodule names, so state dict keys match", () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const keys = ["self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
      "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"];
    expect(Object.keys(layer.stateDict())).toEqual(keys);
    expect([...layer.namedChildren()].map(([k]) => k)).toEqual(["self_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2"]);
    const enc = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(8) });
    expect(Object.keys(enc.stateDict())).toEqual([...keys.map((k) => `layers.0.${k}`), ...keys.map((k) => `layers.1.${k}`), "norm.weight", "norm.bias"]);
  });

  it("TransformerEncoder's layers start as copies of the given layer and are independent", () => {
    gl.manualSeed(8);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 });
    const enc = new nn.TransformerEncoder(layer, 2);
    const sd = enc.stateDict();
    for (const [k, v] of Object.entries(layer.stateDict())) {
      expect(Array.from(sd[`layers.0.${k}`].dataSync())).toEqual(Array.from(v.dataSync()));
      expect(Array.from(sd[`layers.1.${k}`].dataSync())).toEqual(Array.from(v.dataSync()));
    }
    gl.noGrad(() => (enc.layers.at(0) as nn.TransformerEncoderLayer).linear1.weight.add_(1));
    expect(Array.from(sd["layers.1.linear1.weight"].dataSync())).toEqual(Array.from(layer.linear1.weight.dataSync()));
    // two layers applied in turn
    const x = gl.randn([5, 2, 8]);
    const l0 = enc.layers.at(0) as nn.TransformerEncoderLayer, l1 = enc.layers.at(1) as nn.TransformerEncoderLayer;
    close(enc.forward(x), l1.forward(l0.forward(x)), 0);
  });

  it("switches dropout off in eval mode", () => {
    gl.manualSeed(9);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.5, batchFirst: true });
    const ref = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true });
    ref.loadStateDict(layer.stateDict());
    const x = gl.randn([2, 5, 8]);
    const a = layer.forward(x).dataSync(), b = layer.forward(x).dataSync();
    expect(Array.from(a)).not.toEqual(Array.from(b));
    layer.eval();
    close(layer.forward(x), ref.forward(x), 0);
    // the encoder's copies keep the layer's mode, as PyTorch's deep copies do
    const enc = new nn.TransformerEncoder(layer, 2);
    expect([...enc.layers.at(1).modules()].every((m) => !m.training)).toBe(true);
  });

  it("accepts a function or module as activation, and rejects unknown names", () => {
    gl.manualSeed(10);
    const a = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: "gelu" });
    const b = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: new nn.GELU() });
    const c = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: (t) => t.gelu() });
    b.loadStateDict(a.stateDict());
    c.loadStateDict(a.stateDict());
    const x = gl.randn([3, 2, 8]);
    close(b.forward(x), a.forward(x), 0);
    close(c.forward(x), a.forward(x), 0);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: "swish" as "relu" })).toThrow(/TransformerEncoderLayer: activation should be "relu", "gelu"/);
  });
});

describe("F.ctcLoss", () => {
  const lp = (rows: number[][]) => gl.tensor(rows, { dtype: "float64" }).log().unsqueeze(1); // [T, 1, C]

  it("sums the probabilities of every alignment (checked by hand)", () => {
    // T = 2, classes {blank, a}, target "a": alignments aa, _a, a_
    const p = [[0.3, 0.7], [0.6, 0.4]];
    const want = -Math.log(0.7 * 0.4 + 0.3 * 0.4 + 0.7 * 0.6);
    const got = F.ctcLoss(lp(p), gl.tensor([[1]], { dtype: "int32" }), [2], [1], { reduction: "none" });
    expect(got.shape).toEqual([1]);
    expect(got.item()).toBeCloseTo(want, 12);
    // target "aa" needs a blank between: T = 3 allows only a_a
    const p3 = [[0.2, 0.8], [0.5, 0.5], [0.1, 0.9]];
    expect(F.ctcLoss(lp(p3), gl.tensor([[1, 1]], { dtype: "int32" }), [3], [2], { reduction: "sum" }).item()).toBeCloseTo(-Math.log(0.8 * 0.5 * 0.9), 12);
    // too short: infinite, or zero with zeroInfinity
    expect(F.ctcLoss(lp(p), gl.tensor([[1, 1]], { dtype: "int32" }), [2], [2], { reduction: "sum" }).item()).toBe(Infinity);
    expect(F.ctcLoss(lp(p), gl.tensor([[1, 1]], { dtype: "int32" }), [2], [2], { reduction: "sum", zeroInfinity: true }).item()).toBe(0);
  });

  it('"mean" divides each loss by its target length, then averages; unbatched equals a batch of one', () => {
    gl.manualSeed(11);
    const x = gl.randn([7, 3, 5], { dtype: "float64" }).logSoftmax(2);
    const tg = gl.tensor([[1, 2, 3], [4, 0, 0], [2, 2, 0]], { dtype: "int32" });
    const none = F.ctcLoss(x, tg, [7, 6, 7], [3, 1, 2], { reduction: "none" });
    const manual = none.div(gl.tensor([3, 1, 2], { dtype: "float64" })).mean();
    expect(F.ctcLoss(x, tg, [7, 6, 7], [3, 1, 2]).item()).toBeCloseTo(manual.item(), 12);
    const one = F.ctcLoss(x.select(1, 0), tg.select(0, 0), 7, 3, { reduction: "none" });
    expect(one.shape).toEqual([]);
    expect(one.item()).toBeCloseTo(none.dataSync()[0], 12);
    // concatenated targets give the same losses
    const flat = gl.tensor([1, 2, 3, 4, 2, 2], { dtype: "int32" });
    expect(Array.from(F.ctcLoss(x, flat, [7, 6, 7], [3, 1, 2], { reduction: "none" }).dataSync())).toEqual(Array.from(none.dataSync()));
  });

  it("refuses to differentiate its gradient (PyTorch defines no second derivative either)", () => {
    const x = gl.randn([4, 1, 3], { dtype: "float64", requiresGrad: true });
    const loss = F.ctcLoss(x.logSoftmax(2), gl.tensor([[1]], { dtype: "int32" }), [4], [1]);
    const [g] = gl.autograd.grad([loss], [x], { createGraph: true });
    expect(() => g!.sum().backward()).toThrow(/ctcLoss: the gradient of ctcLoss's gradient \(second order\) is not defined/);
  });

  it("names the problem in its errors", () => {
    const x = gl.randn([5, 2, 4]).logSoftmax(2);
    const tg = gl.tensor([[1, 2], [3, 0]], { dtype: "int32" });
    expect(() => F.ctcLoss(x, tg, [5, 6], [2, 1])).toThrow("ctcLoss: inputLengths[1] = 6 exceeds the length of logProbs (T = 5)");
    expect(() => F.ctcLoss(x, tg, [5, 5], [2, 3])).toThrow("ctcLoss: targetLengths[1] = 3 exceeds the padded targets' length 2");
    expect(() => F.ctcLoss(x, tg, [5, 5], [2, 1], { blank: 4 })).toThrow("ctcLoss: blank must be in [0, 4) (the number of classes), got 4");
    expect(() => F.ctcLoss(x, gl.tensor([[1, 7], [3, 0]], { dtype: "int32" }), [5, 5], [2, 1])).toThrow("ctcLoss: target 7 of sample 0 is not a class index in [0, 4)");
    expect(() => F.ctcLoss(x, tg, [5], [2, 1])).toThrow("ctcLoss: inputLengths has 1 entries, expected 2 (the batch size)");
    expect(() => F.ctcLoss(x, tg.float(), [5, 5], [2, 1])).toThrow("ctcLoss: targets must be an integer tensor, got dtype float32");
  });
});
