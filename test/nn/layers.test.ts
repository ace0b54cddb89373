import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

// The normalisation, dropout, embedding and loss layers: PyTorch's state-dict names and
// init, train/eval behaviour, and input checks that name the layer and the shapes.

describe("BatchNorm", () => {
  it("has PyTorch's state-dict keys, init and repr", () => {
    const bn = new nn.BatchNorm2d(4);
    expect(Object.keys(bn.stateDict())).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    expect(bn.weight!.toArray()).toEqual([1, 1, 1, 1]);
    expect(bn.bias!.toArray()).toEqual([0, 0, 0, 0]);
    expect(bn.runningVar!.toArray()).toEqual([1, 1, 1, 1]);
    expect(bn.numBatchesTracked!.dtype).toBe("int32");
    expect(bn.parameters().length).toBe(2);
    expect(bn.toString()).toBe("BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
    const plain = new nn.BatchNorm1d(3, { affine: false, trackRunningStats: false });
    expect(Object.keys(plain.stateDict())).toEqual([]);
    expect(plain.toString()).toBe("BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)");
  });

  it("counts batches and updates running statistics only in training", () => {
    const bn = new nn.BatchNorm1d(2);
    const x = gl.tensor([[1, 10], [3, 20], [5, 60]]);
    bn.forward(x);
    expect(bn.num_batches_tracked!.item()).toBe(1);
    expect(bn.running_mean!.toArray()).toEqual([0.1 * 3, 0.1 * 30].map((v) => Math.fround(v)));
    bn.eval();
    const before = bn.running_mean!.toArray();
    const y = bn.forward(x);
    expect(bn.running_mean!.toArray()).toEqual(before);
    expect(bn.num_batches_tracked!.item()).toBe(1);
    // Eval normalises with the running statistics.
    const rm = bn.running_mean!, rv = bn.running_var!;
    const manual = x.sub(rm).div(rv.add(1e-5).sqrt());
    expect(y.sub(manual).abs().max().item()).toBeLessThan(1e-6);
  });

  it("with momentum null keeps a cumulative average", () => {
    const bn = new nn.BatchNorm1d(1, { momentum: null });
    bn.forward(gl.tensor([[0], [2]]));
    bn.forward(gl.tensor([[4], [6]]));
    expect(bn.running_mean!.item()).toBeCloseTo(3, 6); // mean of the batch means 1 and 5
  });

  it("loads a state dict written with PyTorch's names", () => {
    const bn = new nn.BatchNorm1d(2);
    bn.loadStateDict({
      weight: gl.tensor([2, 3]), bias: gl.tensor([0.5, -1]), running_mean: gl.tensor([1, 2]), running_var: gl.tensor([4, 9]),
      num_batches_tracked: gl.tensor(7, { dtype: "int32" }),
    });
    bn.eval();
    const y = bn.forward(gl.tensor([[3, 5]]));
    expect(y.dataSync()[0]).toBeCloseTo(2 * (3 - 1) / Math.sqrt(4 + 1e-5) + 0.5, 5);
    expect(y.dataSync()[1]).toBeCloseTo(3 * (5 - 2) / Math.sqrt(9 + 1e-5) - 1, 5);
    expect(bn.num_batches_tracked!.item()).toBe(7);
  });

  it("names itself and the expected shape when the input does not fit", () => {
    expect(() => new nn.BatchNorm2d(16).forward(gl.randn([8, 3, 5]))).toThrow("BatchNorm2d(16): expected 4-D input [N, 16, H, W], got [8,3,5]");
    expect(() => new nn.BatchNorm1d(16).forward(gl.randn([8, 3]))).toThrow("BatchNorm1d(16): expected 2-D input [N, 16] or 3-D input [N, 16, L], got [8,3]");
    expect(() => new nn.BatchNorm1d(0)).toThrow(/numFeatures must be a positive integer/);
  });

  it("converts with to('float64') and keeps the int32 batch counter", () => {
    const bn = new nn.BatchNorm2d(2).to("float64");
    expect(bn.weight!.dtype).toBe("float64");
    expect(bn.running_var!.dtype).toBe("float64");
    expect(bn.num_batches_tracked!.dtype).toBe("int32");
    expect(bn.forward(gl.randn([2, 2, 3, 3], { dtype: "float64" })).dtype).toBe("float64");
  });
});

describe("LayerNorm, GroupNorm, InstanceNorm", () => {
  it("LayerNorm normalises the last dims; keys weight and bias; repr like PyTorch", () => {
    const ln = new nn.LayerNorm([2, 3]);
    expect(Object.keys(ln.stateDict())).toEqual(["weight", "bias"]);
    expect(ln.weight!.shape).toEqual([2, 3]);
    expect(new nn.LayerNorm(5).toString()).toBe("LayerNorm((5,), eps=1e-05, elementwise_affine=True)");
    const y = ln.forward(gl.randn([4, 2, 3]).mul(5).add(3));
    expect(y.mean([1, 2]).abs().max().item()).toBeLessThan(1e-5);
    expect(() => ln.forward(gl.randn([4, 3, 2]))).toThrow("LayerNorm([2,3]): expected input with shape [*, 2, 3], got [4,3,2]");
    expect(new nn.LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
  });

  it("GroupNorm checks divisibility and channels", () => {
    expect(() => new nn.GroupNorm(4, 6)).toThrow("GroupNorm: numChannels (6) must be divisible by numGroups (4)");
    expect(() => new nn.GroupNorm(2, 6).forward(gl.randn([2, 4, 3]))).toThrow("GroupNorm(2, 6): expected input [N, 6, *], got [2,4,3]");
    expect(new nn.GroupNorm(2, 6).toString()).toBe("GroupNorm(2, 6, eps=1e-05, affine=True)");
  });

  it("InstanceNorm2d: no parameters or buffers by default, unbatched inputs, and running statistics when asked", () => {
    const inorm = new nn.InstanceNorm2d(3);
    expect(Object.keys(inorm.stateDict())).toEqual([]);
    expect(inorm.forward(gl.randn([3, 4, 4])).shape).toEqual([3, 4, 4]);
    const tracked = new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true });
    expect(Object.keys(tracked.stateDict())).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    expect(() => tracked.forward(gl.randn([2, 5, 4, 4]))).toThrow("InstanceNorm2d(3): expected 4-D input [N, 3, H, W] or 3-D input [3, H, W], got [2,5,4,4]");
  });
});

describe("Dropout and Embedding", () => {
  it("Dropout is active in training and the identity in eval", () => {
    const d = new nn.Dropout(0.5);
    const x = gl.ones([1000]);
    gl.manualSeed(1);
    expect(d.forward(x).eq(0).sum().item()).toBeGreaterThan(400);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(d.toString()).toBe("Dropout(p=0.5, inplace=False)");
    expect(() => new nn.Dropout(-0.1)).toThrow(/between 0 and 1/);
  });

  it("Embedding: PyTorch layout and N(0, 1) init with the padding row zeroed; no gradient into it", () => {
    gl.manualSeed(0);
    const emb = new nn.Embedding(500, 8, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(499);
    expect(Object.keys(emb.stateDict())).toEqual(["weight"]);
    expect(emb.weight.shape).toEqual([500, 8]);
    expect(emb.weight.select(0, 499).abs().sum().item()).toBe(0);
    const w = emb.weight.narrow(0, 0, 499);
    expect(Math.abs(w.mean().item())).toBeLessThan(0.05);
    expect(Math.abs(w.std().item() - 1)).toBeLessThan(0.05);
    const out = emb.forward(gl.tensor([[499, 3, 3]], { dtype: "int32" }));
    expect(out.shape).toEqual([1, 3, 8]);
    out.sum().backward();
    expect(emb.weight.grad!.select(0, 3).toArray()).toEqual(new Array(8).fill(2));
    expect(emb.weight.grad!.select(0, 499).abs().sum().item()).toBe(0);
    expect(emb.toString()).toBe("Embedding(500, 8, padding_idx=499)");
    expect(() => emb.forward(gl.tensor([1, 2]))).toThrow("Embedding(500, 8): expected int32 indices, got float32 [2]");
  });

  it("Embedding.fromPretrained copies the table and freezes it by default", () => {
    const table = gl.tensor([[1, 2], [3, 4]]);
    const emb = nn.Embedding.fromPretrained(table);
    expect(emb.weight.requiresGrad).toBe(false);
    expect(emb.forward(gl.tensor([1], { dtype: "int32" })).toArray()).toEqual([[3, 4]]);
    expect(nn.Embedding.fromPretrained(table, { freeze: false }).weight.requiresGrad).toBe(true);
  });
});

describe("loss modules", () => {
  it("compute their functional and keep weights as buffers named as in PyTorch", () => {
    const w = gl.tensor([1, 2, 0.5]);
    const ce = new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
    expect(Object.keys(ce.stateDict())).toEqual(["weight"]);
    const x = gl.randn([4, 3]), t = gl.tensor([0, 2, 1, 1], { dtype: "int32" });
    expect(ce.forward(x, t).item()).toBe(nn.functional.crossEntropy(x, t, { weight: w, labelSmoothing: 0.1 }).item());
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
    const bce = new nn.BCEWithLogitsLoss({ posWeight: gl.tensor([3]) });
    expect(Object.keys(bce.stateDict())).toEqual(["pos_weight"]);
    expect(bce.posWeight!.toArray()).toEqual([3]);
    expect(new nn.MSELoss().toString()).toBe("MSELoss()");
  });

  it("train a tiny classifier end to end (loss goes down)", () => {
    gl.manualSeed(3);
    const model = new nn.Sequential(new nn.Linear(2, 16), new nn.LayerNorm(16), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(16, 2));
    const X = gl.randn([64, 2]);
    const y = X.select(1, 0).mul(X.select(1, 1)).gt(0).int();
    const lossFn = new nn.CrossEntropyLoss();
    const params = model.parameters();
    let first = 0, last = 0;
    for (let step = 0; step < 60; step++) {
      const loss = lossFn.forward(model.forward(X), y);
      if (step === 0) first = loss.item();
      last = loss.item();
      model.zeroGrad();
      loss.backward();
      gl.noGrad(() => { for (const p of params) p.sub_(p.grad!.mul(0.2)); });
    }
    expect(last).toBeLessThan(first * 0.7);
  });
});
