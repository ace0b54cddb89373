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

  it("reduced mseLoss is one node with PyTorch's value and gradients, to the target too", () => {
    const x = gl.tensor([[1, 2], [3, 5]], { requiresGrad: true }), y = gl.tensor([[0, 1], [1, 1]], { requiresGrad: true });
    // F.mse_loss(x, y, reduction='sum') -> 22; x.grad [[2,2],[4,8]], y.grad its negation; 'mean' -> 5.5 and a quarter of those
    const s = F.mseLoss(x, y, { reduction: "sum" });
    expect([s.item(), s.gradFn!.name]).toEqual([22, "MseLossBackward"]);
    s.backward();
    expect([x.grad!.toArray(), y.grad!.toArray()]).toEqual([[[2, 2], [4, 8]], [[-2, -2], [-4, -8]]]);
    x.grad = null; y.grad = null;
    const m = F.mseLoss(x, y);
    expect(m.item()).toBe(5.5);
    m.backward();
    expect([x.grad!.toArray(), y.grad!.toArray()]).toEqual([[[0.5, 0.5], [1, 2]], [[-0.5, -0.5], [-1, -2]]]);
    // Only the target requires grad; and neither (no node).
    const t = gl.tensor([1, 4], { requiresGrad: true });
    F.mseLoss(gl.tensor([2, 1]), t, { reduction: "sum" }).backward();
    expect(t.grad!.toArray()).toEqual([-2, 6]);
    expect(F.mseLoss(gl.tensor([2, 1]), gl.tensor([1, 4])).gradFn).toBeNull();
  });

  it("reduced mseLoss has the composite's value bit for bit and its gradient, in float32 and float64", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = gl.randn([8, 1000], { dtype, requiresGrad: true }), y = gl.randn([8, 1000], { dtype });
      for (const reduction of ["mean", "sum"] as const) {
        const fused = F.mseLoss(x, y, { reduction });
        const d = x.sub(y).square();
        const composite = reduction === "mean" ? d.mean() : d.sum();
        expect(fused.item()).toBe(composite.item());
        const [gf] = gl.autograd.grad(fused, [x]);
        const [gc] = gl.autograd.grad(composite, [x]);
        expect(gf!.sub(gc!).abs().max().item()).toBeLessThanOrEqual((dtype === "float32" ? 1e-6 : 1e-15) * gc!.abs().max().item());
      }
    }
  });

  it("reduced mseLoss: mixed float dtypes promote, empty inputs give NaN (mean), in-place changes before backward are errors", () => {
    const x = gl.tensor([1, 2], { requiresGrad: true }), y = gl.tensor([0, 0], { dtype: "float64" });
    const l = F.mseLoss(x, y);
    expect([l.dtype, l.item()]).toEqual(["float64", 2.5]);
    l.backward();
    expect([x.grad!.dtype, x.grad!.toArray()]).toEqual(["float32", [1, 2]]);
    // F.mse_loss(torch.zeros(0, 3, requires_grad=True), torch.zeros(0, 3)) -> nan; sum -> 0
    const e = gl.zeros([0, 3], { requiresGrad: true });
    const le = F.mseLoss(e, gl.zeros([0, 3]));
    expect(le.item()).toBeNaN();
    le.backward();
    expect(e.grad!.shape).toEqual([0, 3]);
    expect(F.mseLoss(e, gl.zeros([0, 3]), { reduction: "sum" }).item()).toBe(0);
    // PyTorch saves input and target: "one of the variables needed for gradient computation has been modified by an inplace operation"
    const a = gl.tensor([1, 2], { requiresGrad: true }), b = gl.tensor([0, 1]);
    const lb = F.mseLoss(a, b);
    b.add_(1);
    expect(() => lb.backward()).toThrow(/MseLossBackward .* was modified by an in-place operation/);
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
