import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

// Expected values were computed with torch 1.13 (the expression is in the comment beside
// each); x = torch.arange(12.).reshape(3, 4), x3 = torch.arange(24.).reshape(2, 3, 4).

const x12 = () => gl.arange(12).reshape(3, 4).float();
const x24 = () => gl.arange(24).reshape(2, 3, 4).float();
const c12 = () => gl.arange(1, 13).reshape(3, 4).float(); // torch.arange(1., 13).reshape(3, 4)
const leaf = (t: Tensor) => t.detach().clone().requiresGrad_(true);

/**
 * Central-difference check of autograd for float64 inputs: compares d/dx_i of
 * sum(fn(...xs) * c), for a fixed random c, with the autograd gradient.
 */
function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], eps = 1e-6, tol = 1e-6): void {
  gl.manualSeed(7);
  const out = fn(...inputs);
  const c = gl.randn(out.shape, { dtype: "float64" });
  const loss = (xs: Tensor[]) => fn(...xs).mul(c).sum();
  const grads = gl.autograd.grad(loss(inputs), inputs, { allowUnused: true });
  inputs.forEach((inp, k) => {
    const base = inp.detach().dataSync() as Float64Array;
    const analytic = grads[k] ? Array.from(grads[k]!.dataSync()) : new Array<number>(base.length).fill(0);
    for (let i = 0; i < base.length; i++) {
      const at = (delta: number) => {
        const p = Float64Array.from(base);
        p[i] += delta;
        // Leaves that require grad, so that fn may itself take gradients (gradgradcheck).
        const xs = inputs.map((t, j) => (j === k ? gl.tensor(p, { dtype: "float64" }).reshape(inp.shape) : t.detach()).requiresGrad_(true));
        return loss(xs).item();
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(analytic[i] - numeric)).toBeLessThan(tol * (1 + Math.abs(numeric)));
    }
  });
}

/** gradcheck of the first derivative: checks second derivatives (double backward). */
function gradgradcheck(fn: (x: Tensor) => Tensor, x: Tensor): void {
  gl.manualSeed(11);
  const w = gl.randn(fn(x).shape, { dtype: "float64" });
  gradcheck((xi) => gl.autograd.grad(fn(xi).mul(w).sum(), [xi], { createGraph: true })[0]!, [x]);
}

const f64 = (shape: number[]) => {
  gl.manualSeed(3);
  return gl.randn(shape, { dtype: "float64", requiresGrad: true });
};

describe("indexSelect / indexAdd", () => {
  it("selects slices, repeating indices, on contiguous and strided inputs", () => {
    // x.index_select(1, torch.tensor([3, 0, 3]))
    expect(x12().indexSelect(1, [3, 0, 3]).toArray()).toEqual([[3, 0, 3], [7, 4, 7], [11, 8, 11]]);
    // x.T.index_select(0, torch.tensor([1, 2]))
    expect(x12().T.indexSelect(0, gl.tensor([1, 2], { dtype: "int32" })).toArray()).toEqual([[1, 5, 9], [2, 6, 10]]);
    expect(x12().indexSelect(-1, []).shape).toEqual([3, 0]);
  });

  it("accumulates the gradient of repeated indices", () => {
    const w = leaf(x12());
    w.indexSelect(0, [2, 0, 2]).mul(c12()).sum().backward();
    // w.index_select(0, torch.tensor([2, 0, 2])) * c, summed: w.grad
    expect(w.grad!.toArray()).toEqual([[5, 6, 7, 8], [0, 0, 0, 0], [10, 12, 14, 16]]);
  });

  it("indexAdd adds slices out of place", () => {
    // torch.zeros(3, 2).index_add(0, torch.tensor([0, 0, 2]), torch.tensor([[1., 2], [3, 4], [5, 6]]))
    const src = gl.tensor([[1, 2], [3, 4], [5, 6]]);
    expect(gl.zeros([3, 2]).indexAdd(0, [0, 0, 2], src).toArray()).toEqual([[4, 6], [0, 0], [5, 6]]);
  });

  it("matches finite differences, to second order", () => {
    gradcheck((x) => gl.indexSelect(x, 1, [2, 0, 2, 1]), [f64([2, 3])]);
    gradcheck((x, s) => gl.indexAdd(x, 0, [1, 1, 0], s), [f64([2, 3]), f64([3, 3])]);
    gradgradcheck((x) => x.indexSelect(0, [1, 1, 0]).pow(3), f64([2, 3]));
  });
});

describe("gather / scatterAdd", () => {
  it("gathers along a dim", () => {
    // torch.gather(torch.tensor([[1., 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
    expect(gl.tensor([[1, 2], [3, 4]]).gather(1, [[0, 0], [1, 0]]).toArray()).toEqual([[1, 1], [4, 3]]);
    // torch.gather(x, 0, torch.tensor([[2, 0, 1], [2, 2, 0]]))
    expect(x12().gather(0, [[2, 0, 1], [2, 2, 0]]).toArray()).toEqual([[8, 1, 6], [8, 9, 2]]);
    // Non-contiguous input: x.T gathered along 1 is x gathered along 0, transposed.
    expect(x12().T.gather(1, [[2, 0], [1, 1]]).toArray()).toEqual([[8, 0], [5, 5]]);
  });

  it("sends gathered gradients back with scatterAdd", () => {
    const w = leaf(x12());
    w.gather(0, [[2, 0, 1], [2, 2, 0]]).mul(gl.tensor([[1, 2, 3], [4, 5, 6]])).sum().backward();
    // (torch.gather(w, 0, idx) * torch.tensor([[1., 2, 3], [4, 5, 6]])).sum().backward(); w.grad
    expect(w.grad!.toArray()).toEqual([[0, 2, 6, 0], [0, 0, 3, 0], [5, 5, 0, 0]]);
  });

  it("scatterAdd adds src at the indexed positions, with gradients for both", () => {
    // torch.zeros(3).scatter_add(0, torch.tensor([0, 2, 0]), torch.tensor([1., 2, 3]))
    expect(gl.zeros([3]).scatterAdd(0, [0, 2, 0], gl.tensor([1, 2, 3])).toArray()).toEqual([4, 0, 2]);
    const x = gl.ones([3, 4], { requiresGrad: true });
    const src = gl.arange(1, 7).reshape(3, 2).float().requiresGrad_(true);
    const out = x.scatterAdd(1, [[0, 3], [1, 1], [2, 0]], src);
    // torch.ones(3, 4).scatter_add(1, torch.tensor([[0, 3], [1, 1], [2, 0]]), torch.arange(1., 7).reshape(3, 2))
    expect(out.toArray()).toEqual([[2, 1, 1, 3], [1, 8, 1, 1], [7, 1, 6, 1]]);
    out.mul(x12()).sum().backward();
    expect(x.grad!.toArray()).toEqual(x12().toArray()); // the same in torch: x.grad
    expect(src.grad!.toArray()).toEqual([[0, 3], [5, 5], [10, 8]]); // torch: src.grad
  });

  it("uses (and differentiates) only the part of a larger src that index covers", () => {
    const src = gl.arange(1, 9).reshape(2, 4).float().requiresGrad_(true);
    const out = gl.zeros([2, 3]).scatterAdd(1, [[2, 2], [0, 1]], src);
    expect(out.toArray()).toEqual([[0, 0, 3], [5, 6, 0]]);
    out.sum().backward();
    expect(src.grad!.toArray()).toEqual([[1, 1, 0, 0], [1, 1, 0, 0]]);
  });

  it("matches finite differences, to second order", () => {
    const idx = gl.tensor([[1, 1, 0], [0, 1, 1]], { dtype: "int32" });
    gradcheck((x) => gl.gather(x, 0, idx), [f64([2, 3])]);
    gradcheck((x) => gl.gather(x, -1, [[2, 2], [0, 1]]), [f64([2, 3])]);
    gradcheck((x, s) => gl.scatterAdd(x, 1, idx, s), [f64([2, 3]), f64([2, 3])]);
    // torch: dg1 = [[0, 8], [6, 8]], dg2 = [[0, 64], [24, 32]] for w = [[1., 2], [3, 4]] (float64)
    const w = gl.tensor([[1, 2], [3, 4]], { dtype: "float64", requiresGrad: true });
    const [g] = gl.autograd.grad(w.gather(1, [[1, 1], [0, 1]]).pow(2).sum(), [w], { createGraph: true });
    expect(g!.toArray()).toEqual([[0, 8], [6, 8]]);
    expect(gl.autograd.grad(g!.mul(g!).sum(), [w])[0]!.toArray()).toEqual([[0, 64], [24, 32]]);
    gradgradcheck((x) => x.gather(1, idx).pow(3), f64([2, 3]));
  });
});

describe("maskedFill", () => {
  it("fills where a broadcast mask is true", () => {
    // x.masked_fill(torch.tensor([[True], [False], [True]]), -1.)
    const m = gl.tensor([[true], [false], [true]]);
    expect(x12().maskedFill(m, -1).toArray()).toEqual([[-1, -1, -1, -1], [4, 5, 6, 7], [-1, -1, -1, -1]]);
    // torch.zeros(2, 3).masked_fill(torch.tensor([True, False, True]), torch.tensor(2.)): output broadcasts to [2, 3]
    expect(gl.zeros([3]).maskedFill(gl.tensor([[true, false, true], [false, false, true]]), 2).toArray()).toEqual([[2, 0, 2], [0, 0, 2]]);
    expect(gl.tensor([1, 2], { dtype: "int32" }).maskedFill(gl.tensor([true, false]), 7).dtype).toBe("int32");
  });

  it("gives gradients to x off the mask and to a 0-d value on it", () => {
    const w = leaf(x12());
    const v = gl.tensor(2, { requiresGrad: true });
    w.maskedFill(gl.tensor([true, false, false, true]), v).mul(c12()).sum().backward();
    // w.masked_fill(torch.tensor([True, False, False, True]), v) * c, summed: w.grad, v.grad
    expect(w.grad!.toArray()).toEqual([[0, 2, 3, 0], [0, 6, 7, 0], [0, 10, 11, 0]]);
    expect(v.grad!.item()).toBe(39);
  });
});

describe("cat / stack", () => {
  it("concatenates with dtype promotion", () => {
    const r = gl.cat([gl.ones([2, 2]), gl.zeros([1, 2], { dtype: "int32" })]);
    // torch.cat([torch.ones(2, 2), torch.zeros(1, 2, dtype=torch.int32)]): float32
    expect(r.dtype).toBe("float32");
    expect(r.toArray()).toEqual([[1, 1], [1, 1], [0, 0]]);
    // torch.cat([torch.arange(6.).reshape(2, 3), torch.arange(4.).reshape(2, 2)], 1)
    const r2 = gl.cat([gl.arange(6).reshape(2, 3).float(), gl.arange(4).reshape(2, 2).double()], 1);
    expect(r2.toArray()).toEqual([[0, 1, 2, 0, 1], [3, 4, 5, 2, 3]]);
    expect(r2.dtype).toBe("float64");
    // Non-contiguous inputs and PyTorch's skipping of legacy empty 1-D tensors.
    expect(gl.cat([x12().T, gl.zeros([0])], -1).toArray()).toEqual(x12().T.toArray());
  });

  it("gives each input its slice of the gradient", () => {
    const a = gl.arange(6).reshape(2, 3).float().requiresGrad_(true);
    const b = gl.arange(4).reshape(2, 2).float().requiresGrad_(true);
    gl.cat([a, b], -1).mul(gl.arange(10).reshape(2, 5).float()).sum().backward();
    // (torch.cat([a, b], -1) * torch.arange(10.).reshape(2, 5)).sum().backward()
    expect(a.grad!.toArray()).toEqual([[0, 1, 2], [5, 6, 7]]);
    expect(b.grad!.toArray()).toEqual([[3, 4], [8, 9]]);
  });

  it("stacks along a new dim", () => {
    const a = gl.tensor([1, 2], { requiresGrad: true });
    const b = gl.tensor([3, 4], { requiresGrad: true });
    // torch.stack([a, b], 1)
    expect(gl.stack([a, b], 1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(gl.stack([a, b], -1).shape).toEqual([2, 2]);
    expect(gl.stack([gl.tensor(1), gl.tensor(2)]).toArray()).toEqual([1, 2]);
    gl.stack([a, b], 0).mul(gl.tensor([[1, 2], [3, 4]])).sum().backward();
    expect(a.grad!.toArray()).toEqual([1, 2]); // torch: a.grad
    expect(b.grad!.toArray()).toEqual([3, 4]); // torch: b.grad
  });

  it("matches finite differences", () => {
    gradcheck((a, b) => gl.cat([a, b, a], 1), [f64([2, 2]), f64([2, 3])]);
    gradcheck((a, b) => gl.stack([a, b, a], -1), [f64([2, 3]), f64([2, 3])]);
  });

  it("names the offending tensor and both shapes", () => {
    expect(() => gl.cat([])).toThrow("cat: expected a non-empty list of tensors");
    expect(() => gl.stack([])).toThrow("stack: expected a non-empty list of tensors");
    expect(() => gl.cat([gl.zeros([2, 3]), gl.zeros([3, 4])], 1)).toThrow(
      "cat: sizes of tensors must match except in dim 1: tensor 0 has shape [2,3] but tensor 1 has shape [3,4] (size 2 != 3 at dim 0)",
    );
    expect(() => gl.cat([gl.zeros([2, 3]), gl.zeros([2, 3]), gl.zeros([3])], 1)).toThrow(
      "cat: tensors must have the same number of dimensions: tensor 0 has shape [2,3] but tensor 2 has shape [3]",
    );
    expect(() => gl.cat([gl.zeros([2]), gl.tensor(1)])).toThrow("cat: zero-dimensional tensor (at position 1) cannot be concatenated");
    expect(() => gl.stack([gl.zeros([2, 3]), gl.zeros([3, 2])])).toThrow(
      "stack: expects each tensor to be equal size, but got [2,3] at entry 0 and [3,2] at entry 1",
    );
  });
});

describe("split / chunk", () => {
  it("splits into views like torch.split and torch.chunk", () => {
    const x = gl.arange(5);
    // torch.split(torch.arange(5), 2); torch.split(torch.arange(5), [1, 4])
    expect(x.split(2).map((t) => t.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(x.split([1, 4]).map((t) => t.toArray())).toEqual([[0], [1, 2, 3, 4]]);
    // torch.chunk(torch.arange(5), 3); torch.arange(6).chunk(4) -> 3 chunks; torch.arange(0).chunk(3) -> 3 empty
    expect(x.chunk(3).map((t) => t.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(gl.arange(6).chunk(4).length).toBe(3);
    expect(gl.arange(0).chunk(3).map((t) => t.shape)).toEqual([[0], [0], [0]]);
    // torch.arange(10).reshape(2, 5).chunk(2, -1) shapes
    expect(gl.arange(10).reshape(2, 5).chunk(2, -1).map((t) => t.shape)).toEqual([[2, 3], [2, 2]]);
    for (const t of x.split(2)) expect(t.storage).toBe(x.storage);
  });

  it("routes gradients through the pieces", () => {
    const w = gl.arange(8).reshape(2, 4).float().requiresGrad_(true);
    const [a, b] = w.split([1, 3], 1);
    a.mul(2).sum().add(b.mul(b).sum()).backward();
    // a, b = w.split([1, 3], 1); (a * 2).sum() + (b * b).sum(): w.grad
    expect(w.grad!.toArray()).toEqual([[2, 2, 4, 6], [2, 10, 12, 14]]);
  });

  it("rejects bad sizes", () => {
    expect(() => gl.arange(5).split([1, 3])).toThrow("split: split sizes [1,3] must sum exactly to 5, the size of dim 0 of the input of shape [5], but sum to 4");
    expect(() => gl.arange(5).split(0)).toThrow("split: split size can only be 0 if the dimension size is 0");
    expect(() => gl.arange(5).chunk(0)).toThrow("chunk: chunks must be a positive integer, got 0");
  });
});

describe("index: basic items give views", () => {
  it("integers, slices, ellipsis and new axes", () => {
    const x = x24();
    expect(x.index(1, gl.sl(null, null, 2), -1).toArray()).toEqual([15, 23]); // x3[1, ::2, -1]
    // x3[:, -2:, 1:-1]
    expect(x.index(gl.sl(), gl.sl(-2), gl.sl(1, -1)).toArray()).toEqual([[[5, 6], [9, 10]], [[17, 18], [21, 22]]]);
    expect(x.index("...", 1).toArray()).toEqual([[1, 5, 9], [13, 17, 21]]); // x3[..., 1]
    expect(x.index(null, 0, "...", null).shape).toEqual([1, 3, 4, 1]); // x3[None, 0, ..., None].shape
    expect(x.index(-1, gl.sl(1, 100, 2)).toArray()).toEqual([[16, 17, 18, 19]]); // x3[-1, 1:100:2]
    expect(x.index(0, 0, 0).shape).toEqual([]);
    expect(gl.tensor(5).index(null).toArray()).toEqual([5]);
  });

  it("shares storage with the input", () => {
    const x = x24();
    const v = x.index(1, gl.sl(null, null, 2));
    expect(v.storage).toBe(x.storage);
    const e = x.index("...");
    expect(e).not.toBe(x);
    expect(e.storage).toBe(x.storage);
    v.indexPut([0, 0], 100); // x3[1, ::2][0, 0] = 100
    expect(x.index(1, 0, 0).item()).toBe(100);
  });

  it("slices backpropagate into place", () => {
    const w = leaf(x24());
    w.index(gl.sl(), gl.sl(1), 2).sum().backward();
    expect(w.grad!.sum().item()).toBe(4);
    expect(w.grad!.index(1, 2, 2).item()).toBe(1);
    expect(w.grad!.index(1, 0, 2).item()).toBe(0);
  });
});

describe("index: advanced indexing", () => {
  it("integer arrays and tensors, with NumPy's placement rules", () => {
    const x = x24();
    expect(x.index([1, 0, 1]).shape).toEqual([3, 3, 4]); // x3[[1, 0, 1]].shape
    // x3[[1, 0, 1], 0]
    expect(x.index([1, 0, 1], 0).toArray()).toEqual([[12, 13, 14, 15], [0, 1, 2, 3], [12, 13, 14, 15]]);
    expect(x.index(gl.sl(), [2, 2, 0], 1).toArray()).toEqual([[9, 9, 1], [21, 21, 13]]); // x3[:, [2, 2, 0], 1]
    // Separated by a slice: the advanced dim goes first. x3[[0, 1], :, [1, 3]]
    expect(x.index([0, 1], gl.sl(), [1, 3]).toArray()).toEqual([[1, 5, 9], [15, 19, 23]]);
    // Adjacent: in place. x3[:, [0, 2], [1, 3]]
    expect(x.index(gl.sl(), [0, 2], [1, 3]).toArray()).toEqual([[1, 11], [13, 23]]);
    // Broadcast indices around an integer. x3[torch.tensor([[0], [1]]), 0, torch.tensor([1, 2, 3])]
    const i0 = gl.tensor([[0], [1]], { dtype: "int32" }), i2 = gl.tensor([1, 2, 3], { dtype: "int32" });
    expect(x.index(i0, 0, i2).toArray()).toEqual([[1, 2, 3], [13, 14, 15]]);
    // x3[1, :, [0, 0, 3]]
    expect(x.index(1, gl.sl(), [0, 0, 3]).toArray()).toEqual([[12, 12, 15], [16, 16, 19], [20, 20, 23]]);
    // Negative indices: x3[torch.tensor([-1, 0]), torch.tensor([-3, 2])]
    expect(x.index([-1, 0], [-3, 2]).toArray()).toEqual([[12, 13, 14, 15], [8, 9, 10, 11]]);
    // A new axis separates: x3[[0, 1], None, [1, 2]]
    expect(x.index([0, 1], null, [1, 2]).toArray()).toEqual([[[4, 5, 6, 7]], [[20, 21, 22, 23]]]);
    // Strided input: x3.permute(2, 0, 1)[[3, 0], :, [2, 1]]
    expect(x.permute(2, 0, 1).index([3, 0], gl.sl(), [2, 1]).toArray()).toEqual([[11, 23], [4, 16]]);
    expect(x.index([]).shape).toEqual([0, 3, 4]); // x3[[]].shape
    expect(x.index(gl.sl(), []).shape).toEqual([2, 0, 4]); // x3[:, []].shape
  });

  it("bool masks select like nonzero", () => {
    const x = x24();
    expect(x.index(x.gt(20)).toArray()).toEqual([21, 22, 23]); // x3[x3 > 20]
    expect(x.index([true, false], 1).toArray()).toEqual([[4, 5, 6, 7]]); // x3[torch.tensor([True, False]), 1]
    const m = gl.tensor([[true, false, false, true], [false, false, false, false], [false, true, false, false]]);
    expect(x.index(gl.sl(), m).toArray()).toEqual([[0, 3, 9], [12, 15, 21]]); // x3[:, m]
    expect(x.index(0, true).shape).toEqual([1, 3, 4]); // x3[0, True].shape
    expect(x.index(false).shape).toEqual([0, 2, 3, 4]);
  });

  it("gradients accumulate over repeated indices, masks and mixed items", () => {
    let w = leaf(x24());
    w.index([1, 0, 1], gl.sl(), [3, 3, 3]).mul(gl.arange(1, 10).reshape(3, 3).float()).sum().backward();
    // y = w[[1, 0, 1], :, [3, 3, 3]]; (y * torch.arange(1., 10).reshape(3, 3)).sum().backward(); w.grad
    expect(w.grad!.toArray()).toEqual([[[0, 0, 0, 4], [0, 0, 0, 5], [0, 0, 0, 6]], [[0, 0, 0, 8], [0, 0, 0, 10], [0, 0, 0, 12]]]);

    w = leaf(x24());
    const y = w.index(w.gt(15));
    y.mul(y).sum().backward();
    // y = w[w > 15]; (y * y).sum().backward(); w.grad
    expect(w.grad!.toArray()).toEqual([[[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], [[0, 0, 0, 0], [32, 34, 36, 38], [40, 42, 44, 46]]]);

    w = leaf(x24());
    w.index(1, gl.sl(1), [0, 0, 2]).mul(gl.tensor([[1, 2, 3], [4, 5, 6]])).sum().backward();
    // y = w[1, 1:, [0, 0, 2]]; (y * torch.tensor([[1., 2, 3], [4, 5, 6]])).sum().backward(); w.grad
    expect(w.grad!.toArray()).toEqual([[[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], [[0, 0, 0, 0], [3, 0, 3, 0], [9, 0, 6, 0]]]);
  });

  it("matches finite differences, to second order", () => {
    gradcheck((x) => x.index([1, 1, 0], gl.sl(null, null, 2), [-1, 0, 0]), [f64([2, 3, 2])]);
    gradcheck((x) => x.index(gl.sl(), [[0], [2]], [1, 1]), [f64([2, 3, 2])]);
    const mask = gl.tensor([[true, false, true], [true, true, false]]);
    gradcheck((x) => x.index(mask), [f64([2, 3])]);
    // torch (float64): w = [1., 2, 3]; g = grad((w[[0, 2, 2]] ** 3).sum(), w) = [3, 0, 54];
    // grad((g * [1., 2, 3]).sum(), w) = [6, 0, 108]
    const w = gl.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    const [g] = gl.autograd.grad(w.index([0, 2, 2]).pow(3).sum(), [w], { createGraph: true });
    expect(g!.toArray()).toEqual([3, 0, 54]);
    expect(gl.autograd.grad(g!.mul(gl.tensor([1, 2, 3], { dtype: "float64" })).sum(), [w])[0]!.toArray()).toEqual([6, 0, 108]);
    gradgradcheck((x) => x.index([0, 1, 1], gl.sl(), [2, 0, 0]).pow(3), f64([2, 2, 3]));
  });
});

describe("indexPut", () => {
  it("writes in place through basic, advanced and mask items, broadcasting the value", () => {
    const z = gl.zeros([3, 4]);
    const v0 = z._version;
    z.indexPut([[0, 2]], gl.tensor([1, 2, 3, 4]));
    z.indexPut([1, gl.sl(1, 3)], 7);
    z.indexPut(z.eq(0), -1);
    // z[[0, 2]] = torch.tensor([1., 2, 3, 4]); z[1, 1:3] = 7; z[z == 0] = -1.
    expect(z.toArray()).toEqual([[1, 2, 3, 4], [-1, 7, 7, -1], [1, 2, 3, 4]]);
    expect(z._version).toBe(v0 + 3);

    const m = gl.zeros([2, 3]);
    m.indexPut(gl.tensor([[true, false, true], [false, true, false]]), gl.tensor([1, 2, 3]));
    expect(m.toArray()).toEqual([[1, 0, 2], [0, 3, 0]]); // z[mask] = torch.tensor([1., 2, 3])

    const b = gl.zeros([3, 4]);
    b.indexPut([gl.sl(), [1, 3]], gl.tensor([[5], [6], [7]]));
    expect(b.toArray()).toEqual([[0, 5, 0, 5], [0, 6, 0, 6], [0, 7, 0, 7]]); // z[:, [1, 3]] = [[5.], [6.], [7.]]

    const i = gl.zeros([2, 2], { dtype: "int32" });
    i.indexPut([0], gl.tensor([1.7, -2.5], { dtype: "float64" }));
    expect(i.toArray()).toEqual([[1, -2], [0, 0]]); // cast to the destination dtype
  });

  it("writes through a view into its base", () => {
    const x = gl.zeros([2, 4]);
    x.index(gl.sl(), gl.sl(null, null, 2)).indexPut([[1, 0]], gl.tensor([[1, 2], [3, 4]]));
    expect(x.toArray()).toEqual([[3, 0, 4, 0], [1, 0, 2, 0]]);
  });

  it("lets the last of repeated writes win", () => {
    const z = gl.zeros([3]);
    z.indexPut([[0, 0, 2]], gl.tensor([1, 2, 3]));
    expect(z.toArray()).toEqual([2, 0, 3]); // torch 1.13 on CPU gives the same (order unspecified there)
  });

  it("is differentiable in the tensor written to and in the value", () => {
    const w = gl.arange(6).reshape(2, 3).float().requiresGrad_(true);
    const v = gl.tensor([10, 20], { requiresGrad: true });
    const h = w.clone();
    h.indexPut([[1, 0], [2, 0]], v);
    // h = w.clone(); h[[1, 0], [2, 0]] = v; (h * torch.arange(1., 7).reshape(2, 3)).sum().backward()
    expect(h.toArray()).toEqual([[20, 1, 2], [3, 4, 10]]);
    h.mul(gl.arange(1, 7).reshape(2, 3).float()).sum().backward();
    expect(w.grad!.toArray()).toEqual([[0, 2, 3], [4, 5, 0]]);
    expect(v.grad!.toArray()).toEqual([6, 1]);
  });

  it("gives an overwritten repeated write zero gradient", () => {
    const v = gl.tensor([1, 2, 3], { requiresGrad: true });
    const z = gl.zeros([3]);
    z.indexPut([[0, 0, 2]], v);
    z.mul(gl.tensor([1, 2, 3])).sum().backward();
    expect(v.grad!.toArray()).toEqual([0, 1, 3]);
  });

  it("has an out-of-place variant that matches finite differences", () => {
    const x = gl.zeros([3]);
    const r = gl.indexPutOutOfPlace(x, [[0, 2]], gl.tensor([1, 2]));
    expect(r.toArray()).toEqual([1, 0, 2]);
    expect(x.toArray()).toEqual([0, 0, 0]);
    gradcheck((a, v) => gl.indexPutOutOfPlace(a, [gl.sl(), [2, 0]], v), [f64([2, 3]), f64([2])]);
    gradcheck((a, v) => gl.indexPutOutOfPlace(a, [0, gl.sl(1)], v), [f64([2, 3]), f64([1])]);
  });

  it("follows the in-place rules while recording gradients", () => {
    const w = gl.ones([3], { requiresGrad: true });
    expect(() => w.indexPut(0, 5)).toThrow(/indexPut: a leaf tensor that requires grad \(shape \[3\]\) is being used in an in-place operation/);
    gl.noGrad(() => w.indexPut(0, 5));
    expect(w.toArray()).toEqual([5, 1, 1]);

    const h = gl.ones([2, 2], { requiresGrad: true }).mul(2);
    expect(() => h.index(0).indexPut(0, 1)).toThrow(/indexPut: in-place modification of a view/);

    const q = w.mul(1);
    const y = q.mul(q);
    q.indexPut([[1]], 0);
    expect(() => y.sum().backward()).toThrow(/modified by an in-place operation/);
  });

  it("rejects values that do not broadcast", () => {
    expect(() => x12().indexPut([[0, 1]], gl.ones([3]))).toThrow(
      "indexPut: shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2,4]",
    );
    const z = x12();
    z.indexPut([[0, 1]], gl.ones([1, 1, 4])); // leading 1s are dropped, as in PyTorch
    expect(z.index(1).toArray()).toEqual([1, 1, 1, 1]);
  });
});

describe("indexing errors", () => {
  it("out-of-range indices name the index, the dim and its size", () => {
    expect(() => gl.zeros([3]).index(5)).toThrow("index: index 5 is out of bounds for dim 0 with size 3");
    expect(() => gl.zeros([3]).index(gl.tensor([5], { dtype: "int32" }))).toThrow("index: index 5 is out of bounds for dim 0 with size 3");
    expect(() => x24().index(0, gl.sl(), [-5])).toThrow("index: index -5 is out of bounds for dim 2 with size 4");
    expect(() => gl.tensor([1, 2, 3]).indexSelect(0, [3])).toThrow("indexSelect: index 3 is out of bounds for dim 0 with size 3");
    expect(() => gl.tensor([1, 2, 3]).indexSelect(0, [-1])).toThrow("indexSelect: index -1 is out of bounds for dim 0 with size 3");
    expect(() => x12().gather(1, [[0, 5]])).toThrow("gather: index 5 is out of bounds for dim 1 with size 4");
    expect(() => gl.zeros([3]).scatterAdd(0, [3], gl.ones([1]))).toThrow("scatterAdd: index 3 is out of bounds for dim 0 with size 3");
  });

  it("bad index expressions", () => {
    expect(() => x12().index(0, 0, 0)).toThrow("index: too many indices for a tensor of dimension 2 (shape [3,4]): the items index 3 dims");
    expect(() => x12().index("...", 0, "...")).toThrow('index: an index can only have a single ellipsis ("...")');
    expect(() => x12().index([0, 1], [0, 1, 2])).toThrow("index: shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]");
    expect(() => x12().index(gl.tensor([true, false]))).toThrow(
      "index: the shape of the mask [2] (item 0) does not match the shape [3] of the dims it indexes, starting at dim 0 of the input of shape [3,4]",
    );
    expect(() => x12().index(gl.tensor([0.5]))).toThrow("index: tensors used as indices must be int32 or bool tensors, got dtype float32 (item 0)");
    expect(() => x12().index(1.5)).toThrow("index: item 0 must be an integer index, got 1.5");
    expect(() => gl.sl(null, null, -1)).toThrow("sl: step must be a positive integer (negative steps are not supported, as in PyTorch), got -1");
    expect(() => x12().gather(1, [0, 1])).toThrow("gather: index must have the same number of dimensions as the input: index shape [2], input shape [3,4]");
    expect(() => x12().indexSelect(0, gl.tensor([0]))).toThrow("indexSelect: index must be an int32 tensor, got dtype float32");
    expect(() => x12().maskedFill(gl.ones([3, 4]), 0)).toThrow("maskedFill: mask must be a bool tensor, got dtype float32");
    expect(() => x12().maskedFill(gl.tensor([true]), gl.ones([2]))).toThrow("maskedFill: value must be a number or a 0-d tensor, got a tensor of shape [2]");
    expect(() => x12().scatterAdd(0, [[0]], gl.ones([1, 1], { dtype: "float64" }))).toThrow("scatterAdd: src dtype float64 must match the input's dtype float32");
  });
});
