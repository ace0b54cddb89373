import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

// Behaviour of nn.functional that the PyTorch fixtures cannot pin down (dropout's
// randomness) or that concerns gradlab's own contract (error messages, dtypes).
// Values from PyTorch 1.13 where a number is quoted.

const F = nn.functional;
const i32 = (v: gl.TensorData) => gl.tensor(v, { dtype: "int32" });

describe("F.dropout", () => {
  it("zeroes about p of the elements, scales the rest by 1/(1-p), and its gradient is the same mask", () => {
    gl.manualSeed(123);
    const x = gl.ones([200, 50], { requiresGrad: true });
    const y = F.dropout(x, { p: 0.3 });
    const vals = y.dataSync();
    const zeros = vals.filter((v) => v === 0).length;
    expect(Math.abs(zeros / vals.length - 0.3)).toBeLessThan(0.02); // 10000 draws: sd 0.0046
    expect(vals.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual(y.detach().toArray());
  });

  it("is the identity when not training or p = 0, and all zeros when p = 1", () => {
    const x = gl.randn([4, 5]);
    expect(F.dropout(x, { training: false })).toBe(x);
    expect(F.dropout(x, { p: 0 })).toBe(x);
    expect(F.dropout(x, { p: 1 }).abs().sum().item()).toBe(0);
  });

  it("draws its mask from the default generator (reproducible with manualSeed) or the one given", () => {
    gl.manualSeed(5);
    const a = F.dropout(gl.ones([64])).toArray();
    gl.manualSeed(5);
    expect(F.dropout(gl.ones([64])).toArray()).toEqual(a);
    const b = F.dropout(gl.ones([64]), { generator: new gl.Generator(5) }).toArray();
    expect(b).toEqual(a);
  });

  it("rejects p outside [0, 1] and integer inputs", () => {
    expect(() => F.dropout(gl.ones([2]), { p: 1.5 })).toThrow("dropout: probability has to be between 0 and 1, but got 1.5");
    expect(() => F.dropout(i32([1, 2]))).toThrow(/floating point/);
  });
});

describe("F.embedding", () => {
  it("looks rows up with the indices' shape and scatter-adds the gradient, nothing into paddingIdx", () => {
    const w = gl.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
    const out = F.embedding(i32([[2, 0], [2, 1]]), w, { paddingIdx: 1 });
    expect(out.toArray()).toEqual([[[5, 6], [1, 2]], [[5, 6], [3, 4]]]);
    out.sum().backward();
    expect(w.grad!.toArray()).toEqual([[1, 1], [0, 0], [2, 2]]);
  });

  it("names the bad index or dtype", () => {
    const w = gl.randn([3, 2]);
    expect(() => F.embedding(i32([0, 3]), w)).toThrow("embedding: index 3 is out of range for a table of 3 rows (valid: 0..2)");
    expect(() => F.embedding(gl.tensor([0, 1]), w)).toThrow("embedding: indices must be an int32 tensor, got float32 [2]");
  });
});

describe("F.pad, F.oneHot, F.cosineSimilarity", () => {
  it("pads constant, reflect, replicate and circular like PyTorch", () => {
    const x = gl.tensor([[1, 2, 3]]);
    expect(F.pad(x, [2, 1], { value: 9 }).toArray()).toEqual([[9, 9, 1, 2, 3, 9]]);
    expect(F.pad(x, [2, 1], { mode: "reflect" }).toArray()).toEqual([[3, 2, 1, 2, 3, 2]]);
    expect(F.pad(x, [2, 1], { mode: "replicate" }).toArray()).toEqual([[1, 1, 1, 2, 3, 3]]);
    expect(F.pad(x, [2, 1], { mode: "circular" }).toArray()).toEqual([[2, 3, 1, 2, 3, 1]]);
    expect(F.pad(x, [-1, 0, 1, 0]).toArray()).toEqual([[0, 0], [2, 3]]);
    expect(F.pad(i32([[1, 2]]), [1, 0], { value: 5 }).dtype).toBe("int32");
  });

  it("refuses odd or too long paddings and reflections as wide as the input", () => {
    expect(() => F.pad(gl.ones([2, 3]), [1])).toThrow(/padding must be an even number/);
    expect(() => F.pad(gl.ones([3]), [1, 1, 1, 1])).toThrow(/at most 2 per dim/);
    expect(() => F.pad(gl.ones([1, 3]), [3, 0], { mode: "reflect" })).toThrow(/must be less than the size of dim 1 \(3\)/);
  });

  it("oneHot gives int32, infers the class count, and names bad indices", () => {
    const h = F.oneHot(i32([2, 0]));
    expect(h.dtype).toBe("int32");
    expect(h.toArray()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(() => F.oneHot(i32([3]), 3)).toThrow("oneHot: class index 3 is out of range for 3 classes (valid: 0..2)");
    expect(() => F.oneHot(gl.tensor([1]))).toThrow(/int32/);
  });

  it("cosineSimilarity reduces dim 1 and broadcasts", () => {
    const c = F.cosineSimilarity(gl.tensor([[1, 0], [0, 2]]), gl.tensor([[1, 1]]));
    expect(c.shape).toEqual([2]);
    expect(c.dataSync()[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(c.dataSync()[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });
});

describe("losses: semantics and errors", () => {
  it("crossEntropy stays finite for huge scores (logSoftmax inside)", () => {
    const l = F.crossEntropy(gl.tensor([[1000, 0], [0, 1000]]), i32([0, 0]));
    expect(l.item()).toBeCloseTo(500, 3);
  });

  it("crossEntropy and nllLoss name the target they expected", () => {
    const x = gl.randn([4, 3]);
    expect(() => F.crossEntropy(x, gl.randn([4, 5]))).toThrow(
      "crossEntropy: target must be int32 class indices of shape [4] or probabilities of the input's shape [4,3]; got float32 [4,5]");
    expect(() => F.crossEntropy(x, i32([[0], [1], [2], [0]]))).toThrow(/got int32 \[4,1\]/);
    expect(() => F.nllLoss(x, gl.tensor([0, 1, 2, 0]))).toThrow("nllLoss: target must be int32 class indices of shape [4]; got float32 [4]");
    expect(() => F.crossEntropy(x, i32([0, 1, 3, 0]))).toThrow("crossEntropy: target 3 is out of bounds for 3 classes (expected a class in [0, 2] or ignoreIndex -100)");
    expect(() => F.crossEntropy(x, i32([0, 1, 2, 0]), { weight: gl.ones([4]) })).toThrow(/weight must be a 1-D tensor with one entry per class \(3\)/);
    expect(() => F.crossEntropy(x, i32([0, 1, 2, 0]), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be between 0 and 1/);
  });

  it("mean over only ignored targets is NaN (as in PyTorch) with a zero gradient", () => {
    const x = gl.randn([2, 3], { requiresGrad: true });
    const l = F.crossEntropy(x, i32([-100, -100]));
    expect(Number.isNaN(l.item())).toBe(true);
    l.backward();
    expect(x.grad!.abs().sum().item()).toBe(0);
  });

  it("elementwise losses refuse a target of another shape instead of broadcasting it", () => {
    expect(() => F.mseLoss(gl.zeros([3, 1]), gl.zeros([3]))).toThrow("mseLoss: target of shape [3] must have the input's shape [3,1]");
    expect(() => F.l1Loss(gl.zeros([3]), i32([1, 2, 3]))).toThrow(/l1Loss: target must be a floating point tensor/);
    expect(() => F.mseLoss(gl.zeros([3]), gl.zeros([3]), { reduction: "avg" as "mean" })).toThrow(/reduction must be "none", "mean", "sum"/);
  });

  it("binaryCrossEntropy checks that inputs are probabilities and clamps log(0) at -100", () => {
    expect(() => F.binaryCrossEntropy(gl.tensor([0.5, 1.2]), gl.tensor([1, 0]))).toThrow(/between 0 and 1.*got 1\.2/);
    expect(F.binaryCrossEntropy(gl.tensor([0, 1]), gl.tensor([1, 0])).item()).toBe(100);
  });

  it("klDiv: 'mean' averages over elements, 'batchmean' over the batch", () => {
    const lq = gl.tensor([[-1, -0.5], [-2, -0.2]]), p = gl.tensor([[0.3, 0.7], [0.1, 0.9]]);
    const sum = F.klDiv(lq, p, { reduction: "sum" }).item();
    expect(F.klDiv(lq, p).item()).toBeCloseTo(sum / 4, 6);
    expect(F.klDiv(lq, p, { reduction: "batchmean" }).item()).toBeCloseTo(sum / 2, 6);
  });
});

describe("normalisation: errors", () => {
  it("names the expected shapes", () => {
    expect(() => F.layerNorm(gl.randn([2, 4]), [5])).toThrow("layerNorm: given normalizedShape=[5], expected input with shape [*, 5], but got input of shape [2,4]");
    expect(() => F.groupNorm(gl.randn([2, 6]), 4)).toThrow("groupNorm: expected the number of channels (C=6) to be divisible by numGroups (4); input of shape [2,6]");
    expect(() => F.batchNorm(gl.randn([1, 3]), null, null, { training: true })).toThrow("batchNorm: expected more than 1 value per channel when training, got input of shape [1,3]");
    expect(() => F.batchNorm(gl.randn([4, 3]), gl.zeros([2]), gl.ones([3]))).toThrow("batchNorm: runningMean must have shape [3], got [2]");
    expect(() => F.batchNorm(gl.randn([4, 3]), null, null)).toThrow(/runningMean and runningVar are required when training is false/);
  });

  it("batchNorm in training updates the running statistics with the unbiased variance", () => {
    const x = gl.tensor([[1], [2], [3], [6]]);
    const rm = gl.zeros([1]), rv = gl.ones([1]);
    F.batchNorm(x, rm, rv, { training: true, momentum: 0.5 });
    expect(rm.item()).toBeCloseTo(0.5 * 3, 6);
    expect(rv.item()).toBeCloseTo(0.5 * 1 + 0.5 * (14 / 3), 5); // unbiased var of [1,2,3,6] is 14/3
  });
});
