import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";

describe("tensor creation and views", () => {
  it("infers float32 for numbers and bool for booleans", () => {
    expect(gl.tensor([[1, 2], [3, 4]]).dtype).toBe("float32");
    expect(gl.tensor([true, false]).dtype).toBe("bool");
    expect(gl.arange(0, 10, 2).toArray()).toEqual([0, 2, 4, 6, 8]);
    expect(gl.arange(0, 10, 2).dtype).toBe("int32");
  });

  it("rejects ragged arrays with the position", () => {
    expect(() => gl.tensor([[1, 2], [3]])).toThrow(/ragged nested array: expected length 2 at \[1\]/);
  });

  it("views share storage and transpose without copying", () => {
    const x = gl.arange(12).reshape(3, 4);
    const y = x.T;
    expect(y.shape).toEqual([4, 3]);
    expect(y.storage).toBe(x.storage);
    expect(y.isContiguous()).toBe(false);
    expect(y.toArray()).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    expect(x.slice(1, 1, null, 2).toArray()).toEqual([[1, 3], [5, 7], [9, 11]]);
  });

  it("reshape of a non-viewable layout copies; view refuses", () => {
    const y = gl.arange(6).reshape(2, 3).T;
    expect(y.reshape(6).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => y.view(6)).toThrow(/view: size \[6\] is not compatible/);
  });

  it("seeded RNG repeats", () => {
    gl.manualSeed(2021);
    const a = gl.randn([5]).toArray();
    gl.manualSeed(2021);
    expect(gl.randn([5]).toArray()).toEqual(a);
  });
});

describe("autograd basics", () => {
  it("accumulates into leaves through broadcasting", () => {
    const x = gl.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const b = gl.tensor([10, 20], { requiresGrad: true });
    x.mul(x).add(b).sum().backward();
    expect(x.grad!.toArray()).toEqual([[2, 4], [6, 8]]);
    expect(b.grad!.toArray()).toEqual([2, 2]);
  });

  it("computes second derivatives with createGraph", () => {
    const a = gl.tensor([2, 3], { dtype: "float64", requiresGrad: true });
    const [g1] = gl.autograd.grad(a.pow(3).sum(), [a], { createGraph: true });
    expect(g1!.toArray()).toEqual([12, 27]);
    const [g2] = gl.autograd.grad(g1!.sum(), [a]);
    expect(g2!.toArray()).toEqual([12, 18]);
  });

  it("raises on a second backward through a freed graph", () => {
    const q = gl.tensor([1, 2], { requiresGrad: true });
    const s = q.exp().sum();
    s.backward();
    expect(() => s.backward()).toThrow(/backward through the graph a second time/);
  });

  it("raises when a saved tensor was modified in place", () => {
    const q = gl.tensor([1, 2], { requiresGrad: true });
    const p = q.mul(2);
    const e = p.sin();
    p.mul_(2);
    expect(() => e.sum().backward()).toThrow(/SinBackward .* was modified by an in-place operation: it was saved at version 0 and is now at version 1/);
  });

  it("names the shapes in matmul errors", () => {
    expect(() => gl.matmul(gl.zeros([2, 3]), gl.zeros([4, 5]))).toThrow("matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)");
  });

  it("refuses gradients on integer tensors and non-scalar backward without a gradient", () => {
    expect(() => gl.tensor([1, 2], { dtype: "int32", requiresGrad: true })).toThrow(/only floating point tensors can require gradients \(got dtype int32\)/);
    const x = gl.ones([2, 3], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/grad can be implicitly created only for scalar outputs; output 0 has shape \[2,3\]/);
  });
});
