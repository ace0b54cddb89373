import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { sumSquares } from "../../src/ops/reduce.js";

// Expected values come from PyTorch 1.13 (the expression is beside each one); int64
// results of PyTorch are int32 here.

type Nested = number | Nested[];

function flat(v: Nested | Tensor): number[] {
  if (v instanceof gl.Tensor) return v.tolist();
  return Array.isArray(v) ? v.flatMap((e) => flat(e)) : [v];
}

/** Elementwise |actual - expected| <= tol * (1 + |expected|), NaN matching NaN, shapes by element count. */
function expectClose(actual: Tensor | Nested, expected: Nested, tol = 1e-5): void {
  const a = flat(actual), e = flat(expected);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    if (Number.isNaN(e[i])) expect(v).toBeNaN();
    else if (!Number.isFinite(e[i])) expect(v).toBe(e[i]);
    else if (Math.abs(v - e[i]) > tol * (1 + Math.abs(e[i]))) throw new Error(`element ${i}: got ${v}, expected ${e[i]} (actual ${JSON.stringify(a)})`);
  });
}

const leaf = (data: Nested, dtype: "float32" | "float64" = "float32") => gl.tensor(data, { dtype, requiresGrad: true });

/** The gradient of sum(f(x) * w) for the given weights. */
function gradOf(f: (x: Tensor) => Tensor, data: Nested, w?: Nested): number[] {
  const x = leaf(data);
  const y = f(x);
  (w === undefined ? y.sum() : y.mul(gl.tensor(w))).sum().backward();
  return x.grad!.tolist();
}

/** Deterministic, distinct, non-round weights so every output element matters. */
function weights(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.3 + 0.71 * ((i * 5) % 7) - 0.9 * (i % 2);
  return w;
}

function scalarLoss(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const y = f(x);
  return y.mul(gl.tensor(weights(y.numel()), { dtype: "float64" }).reshape(y.shape)).sum();
}

function leafAt(values: Float64Array, shape: number[]): Tensor {
  return gl.tensor(values, { dtype: "float64" }).reshape(shape).detach().requiresGrad_();
}

/**
 * Finite differences in float64: every input element perturbed by +-1e-6; the central
 * difference of sum(f(x) * w) must match the analytical gradient.
 */
function fdCheck(f: (x: Tensor) => Tensor, values: number[], shape: number[], tol = 1e-6): void {
  const v0 = Float64Array.from(values);
  const x = leafAt(v0, shape);
  const [g] = gl.autograd.grad(scalarLoss(f, x), [x]);
  const analytic = g!.tolist();
  const eps = 1e-6;
  const at = (i: number, d: number) => {
    const v = v0.slice();
    v[i] += d;
    return gl.noGrad(() => scalarLoss(f, gl.tensor(v, { dtype: "float64" }).reshape(shape)).item());
  };
  for (let i = 0; i < v0.length; i++) {
    const numeric = (at(i, eps) - at(i, -eps)) / (2 * eps);
    if (Math.abs(numeric - analytic[i]) > tol * (1 + Math.abs(numeric))) {
      throw new Error(`element ${i}: analytic ${analytic[i]}, numeric ${numeric}`);
    }
  }
}

/** Second order: the gradient of sum(grad(x) * v) against finite differences of that sum. */
function fdCheck2(f: (x: Tensor) => Tensor, values: number[], shape: number[], tol = 1e-5): void {
  const v0 = Float64Array.from(values);
  const dir = gl.tensor(weights(v0.length + 3).slice(3), { dtype: "float64" }).reshape(shape);
  const h = (x: Tensor, create: boolean) => gl.autograd.grad(scalarLoss(f, x), [x], { createGraph: create })[0]!.mul(dir).sum();
  const x = leafAt(v0, shape);
  const [hh] = gl.autograd.grad(h(x, true), [x]);
  const analytic = hh!.tolist();
  const eps = 1e-6;
  const at = (i: number, d: number) => {
    const v = v0.slice();
    v[i] += d;
    return h(leafAt(v, shape), false).item();
  };
  for (let i = 0; i < v0.length; i++) {
    const numeric = (at(i, eps) - at(i, -eps)) / (2 * eps);
    if (Math.abs(numeric - analytic[i]) > tol * (1 + Math.abs(numeric))) {
      throw new Error(`second order, element ${i}: analytic ${analytic[i]}, numeric ${numeric}`);
    }
  }
}

const M = [[1, 5, 5], [7, 2, 7]];
const A = [[3, -4, 0], [1, 0, -1]];

describe("max and min", () => {
  it("reduce everything to a 0-d tensor, keeping the dtype", () => {
    const x = gl.tensor([[1, 5], [7, 2]]).max();
    expect(x.shape).toEqual([]);
    expect(x.item()).toBe(7); // torch.tensor([[1.,5.],[7.,2.]]).max() -> 7.
    const i = gl.tensor([1, 5, 2], { dtype: "int32" }).max();
    expect([i.dtype, i.item()]).toEqual(["int32", 5]); // torch.tensor([1,5,2]).max() -> 5 (int)
    expect(gl.tensor([true, false]).max().toArray()).toBe(true); // torch.tensor([True,False]).max() -> True
    expect(gl.min(gl.tensor([[4, -2], [0, 3]])).item()).toBe(-2);
  });

  it("with a dim return { values, indices } with the first index among ties", () => {
    const r = gl.tensor(M).max(1);
    expectClose(r.values, [5, 7]); // torch.tensor(M).max(1).values -> [5., 7.]
    expect(r.indices.toArray()).toEqual([1, 0]); // .indices -> [1, 0]
    expect(r.indices.dtype).toBe("int32");
    const [v, i] = gl.tensor(M).min(0); // torch.tensor(M).min(0) -> ([1., 2., 5.], [0, 1, 0])
    expect(v.toArray()).toEqual([1, 2, 5]);
    expect(i.toArray()).toEqual([0, 1, 0]);
    const k = gl.max(gl.tensor(M), -1, true); // torch.tensor(M).max(-1, keepdim=True) -> ([[5.],[7.]], [[1],[0]])
    expect(k.values.toArray()).toEqual([[5], [7]]);
    expect(k.indices.toArray()).toEqual([[1], [0]]);
    const s = gl.scalarTensor(3, "float32").max(0); // torch.tensor(3.).max(0) -> (3., 0), both 0-d
    expect([s.values.shape, s.indices.shape, s.values.item(), s.indices.item()]).toEqual([[], [], 3, 0]);
  });

  it("with a tensor argument is the elementwise maximum / minimum", () => {
    expect(gl.tensor([1, 5]).max(gl.tensor([3, 2])).toArray()).toEqual([3, 5]); // torch.max(a, b)
    expect(gl.min(gl.tensor([1, 5]), gl.tensor([3, 2])).toArray()).toEqual([1, 2]);
  });

  it("spread the gradient of a full reduction evenly over ties (and NaNs)", () => {
    // x=torch.tensor([1.,3.,3.],requires_grad=True); x.max().backward(); x.grad -> [0., 0.5, 0.5]
    expect(gradOf((x) => x.max(), [1, 3, 3])).toEqual([0, 0.5, 0.5]);
    expect(gradOf((x) => x.min(), [2, 1, 1, 1])).toEqual([0, 1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    // torch.tensor([1.,nan,3.]).max() -> nan; its gradient -> [0., 1., 0.]
    const x = leaf([1, NaN, 3]);
    const m = x.max();
    expect(m.item()).toBeNaN();
    m.backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 0]);
  });

  it("send the gradient of a reduction along a dim to the selected index", () => {
    // (t.max(1).values * [1., 2.]).sum().backward() -> [[0,1,0],[2,0,0]]
    expect(gradOf((x) => x.max(1).values, M, [1, 2])).toEqual([0, 1, 0, 2, 0, 0]);
    // (t.min(0).values * [1., 2., 3.]).sum().backward() -> [[1,0,3],[0,2,0]]
    expect(gradOf((x) => x.min(0).values, M, [1, 2, 3])).toEqual([1, 0, 3, 0, 2, 0]);
    expect(gradOf((x) => x.max(0, true).values, M, [[1, 2, 3]])).toEqual([0, 2, 0, 1, 0, 3]);
  });

  it("match finite differences in float64", () => {
    const v = [0.3, -1.2, 2.5, 0.7, 1.9, -0.4];
    fdCheck((x) => x.max(), v, [2, 3]);
    fdCheck((x) => x.min(), v, [2, 3]);
    fdCheck((x) => x.max(1).values, v, [2, 3]);
    fdCheck((x) => x.min(0, true).values, v, [2, 3]);
  });

  it("name the op, the dim and the valid range in errors", () => {
    expect(() => gl.tensor(M).max(2)).toThrow("max: dim 2 is out of range for a tensor of 2 dimensions (expected a dim in [-2, 1])");
    expect(() => gl.tensor(M).min(-3)).toThrow(/min: dim -3 is out of range .*\[-2, 1\]/);
    expect(() => gl.max(gl.tensor(M), [0, 1] as unknown as number)).toThrow("max: dim must be a single integer, got [0,1]");
    expect(() => gl.zeros([0]).max()).toThrow("max: cannot reduce an empty tensor (shape [0]) without a dim");
    expect(() => gl.zeros([0, 3]).max(0)).toThrow("max: expected reduction dim 0 to have non-zero size (input shape [0,3])");
    expect(gl.zeros([0, 3]).max(1).values.shape).toEqual([0]); // torch.zeros(0,3).max(1) -> empty values
  });
});

describe("amax and amin", () => {
  it("reduce over one dim, a list of dims, or all", () => {
    expectClose(gl.tensor(M).amax(0), [7, 5, 7]); // torch.tensor(M).amax(0)
    const B = gl.tensor([[[1, 5], [7, 2]], [[0, 9], [3, 3]]]);
    expectClose(B.amax([0, 2]), [9, 7]); // B.amax((0,2)) -> [9., 7.]
    const k = B.amin([-1, 0], true); // B.amin((-1,0), keepdim=True) -> [[[0.],[2.]]]
    expect(k.shape).toEqual([1, 2, 1]);
    expectClose(k, [0, 2]);
    expect(B.amax().item()).toBe(9);
    expect(B.amax([]).item()).toBe(9); // torch: amax(()) reduces every dim
    expect(gl.tensor([1, 5], { dtype: "int32" }).amax().dtype).toBe("int32");
  });

  it("split the gradient evenly among ties in each slice", () => {
    // (t.amax(1) * [1., 2.]).sum().backward() on M -> [[0,.5,.5],[1,0,1]]
    expect(gradOf((x) => x.amax(1), M, [1, 2])).toEqual([0, 0.5, 0.5, 1, 0, 1]);
    // torch.tensor([[1.,5.,1.],[7.,1.,7.]]).amin() backward -> 1/3 at each of the three 1s
    expectClose(gradOf((x) => x.amin(), [[1, 5, 1], [7, 1, 7]]), [1 / 3, 0, 1 / 3, 0, 1 / 3, 0]);
    // PyTorch's formula makes a slice holding a NaN all-NaN: amax(1) of [[1,nan,3],[2,2,1]] -> [[nan,nan,nan],[.5,.5,0]]
    expectClose(gradOf((x) => x.amax(1), [[1, NaN, 3], [2, 2, 1]]), [NaN, NaN, NaN, 0.5, 0.5, 0]);
  });

  it("match finite differences in float64", () => {
    const v = [0.3, -1.2, 2.5, 0.7, 1.9, -0.4, 1.1, 0.05];
    fdCheck((x) => x.amax([0, 2]), v, [2, 2, 2]);
    fdCheck((x) => x.amin(-1, true), v, [2, 2, 2]);
  });

  it("refuse empty slices and repeated dims", () => {
    expect(() => gl.zeros([0, 3]).amax(0)).toThrow("amax: expected reduction dim 0 to have non-zero size (input shape [0,3])");
    expect(() => gl.zeros([2, 3]).amin([0, -2])).toThrow(/amin: dim \[0,-2\] appears more than once/);
    expect(() => gl.zeros([2, 3]).amax([0, 2])).toThrow(/amax: dim 2 is out of range .*\[-2, 1\]/);
  });
});

describe("argmax and argmin", () => {
  it("index the flattened tensor without a dim, and along a dim with one", () => {
    const x = gl.tensor(M);
    expect(x.argmax().item()).toBe(3); // torch.tensor(M).argmax() -> 3
    expect(x.argmax().dtype).toBe("int32");
    expect(x.argmax(null, true).toArray()).toEqual([[3]]); // argmax(None, True) -> [[3]]
    expect(x.argmax(1).toArray()).toEqual([1, 0]); // argmax(1) -> [1, 0]
    expect(x.argmin(0, true).toArray()).toEqual([[0, 1, 0]]); // argmin(0, keepdim=True)
    expect(gl.tensor([1, 5, 5], { dtype: "int32" }).argmax().item()).toBe(1); // torch.tensor([1,5,5]).argmax() -> 1
    expect(gl.tensor([1, NaN, 9]).argmax().item()).toBe(1);
  });

  it("reject bool tensors and empty tensors without a dim", () => {
    expect(() => gl.tensor([true, false]).argmax()).toThrow("argmax: not supported for bool tensors");
    expect(() => gl.zeros([0]).argmin()).toThrow("argmin: cannot reduce an empty tensor (shape [0]) without a dim");
    expect(() => gl.zeros([2]).argmax(1)).toThrow(/argmax: dim 1 is out of range for a tensor of 1 dimension \(expected a dim in \[-1, 0\]\)/);
  });
});

describe("prod", () => {
  const P = [[1, 2, 3], [4, 5, 6]];
  it("multiplies all elements or along a dim; integers give int32", () => {
    expect(gl.tensor(P).prod().item()).toBe(720); // torch.tensor(P).prod() -> 720.
    expectClose(gl.tensor(P).prod(0), [4, 10, 18]); // .prod(0)
    expect(gl.tensor(P).prod(-1, true).toArray()).toEqual([[6], [120]]); // .prod(-1, keepdim=True)
    const i = gl.tensor([2, 3], { dtype: "int32" }).prod();
    expect([i.dtype, i.item()]).toEqual(["int32", 6]); // torch.tensor([2,3]).prod() -> 6
    expect(gl.tensor([true, true]).prod().dtype).toBe("int32");
    expect(gl.zeros([0]).prod().item()).toBe(1); // torch.ones(0).prod() -> 1.
  });

  it("has the gradient of the other elements' product, also at zeros", () => {
    expect(gradOf((x) => x.prod(), [2, 3, 4])).toEqual([12, 8, 6]); // torch: [12., 8., 6.]
    expect(gradOf((x) => x.prod(), [2, 0, 4])).toEqual([0, 8, 0]); // torch: [0., 8., 0.]
    expect(gradOf((x) => x.prod(), [0, 3, 0])).toEqual([0, 0, 0]); // torch: [0., 0., 0.]
    // (t.prod(1) * [1., 2., 3.]).sum() on [[2,0,4],[1,2,3],[0,5,0]] -> [[0,8,0],[12,6,4],[0,0,0]]
    expect(gradOf((x) => x.prod(1), [[2, 0, 4], [1, 2, 3], [0, 5, 0]], [1, 2, 3])).toEqual([0, 8, 0, 12, 6, 4, 0, 0, 0]);
  });

  it("has exact second derivatives with one zero per slice", () => {
    // torch.autograd.functional.hessian(lambda t: t.prod(), torch.tensor([2.,0.,4.])) -> [[0,4,0],[4,0,2],[0,2,0]]
    const x = leaf([2, 0, 4], "float64");
    const [g] = gl.autograd.grad(x.prod(), [x], { createGraph: true });
    const rows = [0, 1, 2].map((i) => gl.autograd.grad(g!.select(0, i), [x], { retainGraph: true })[0]!.tolist());
    expect(rows).toEqual([[0, 4, 0], [4, 0, 2], [0, 2, 0]]);
  });

  it("matches finite differences in float64 (with and without zeros)", () => {
    fdCheck((x) => x.prod(), [0.5, -1.5, 2, 1.25], [2, 2]);
    fdCheck((x) => x.prod(1), [0.5, 0, 2, 1.25, 3, -0.5], [2, 3]);
    fdCheck2((x) => x.prod(0), [0.5, 0, 2, 1.25, 3, -0.5], [2, 3]);
  });
});

describe("logsumexp", () => {
  it("is stable and reduces one dim or a list", () => {
    // torch.tensor([[1.,2.,3.],[4.,5.,6.]]).logsumexp(1) -> [3.4076059, 6.4076061]
    expectClose(gl.tensor([[1, 2, 3], [4, 5, 6]]).logsumexp(1), [3.4076058864593506, 6.40760612487793]);
    expectClose(gl.tensor([[1, 2, 3], [4, 5, 6]]).logsumexp([0, 1]), 6.456193447113037); // .logsumexp((0,1))
    expectClose(gl.tensor([1000, 1000]).logsumexp(0), 1000.6931472); // torch: 1000.6932
    const r = gl.tensor([[1, 2, 3], [4, 5, 6]], { dtype: "int32" }).logsumexp(0);
    expect(r.dtype).toBe("float32"); // torch.tensor([[1,2,3],[4,5,6]]).logsumexp(0) -> float [4.0485873, ...]
    expectClose(r, [4.048587322235107, 5.048587322235107, 6.048587322235107]);
    // torch.tensor([[-inf,-inf],[inf,1.]]).logsumexp(1) -> [-inf, inf]; an empty slice gives -inf
    expectClose(gl.tensor([[-Infinity, -Infinity], [Infinity, 1]]).logsumexp(1), [-Infinity, Infinity]);
    expectClose(gl.zeros([0, 2]).logsumexp(0), [-Infinity, -Infinity]);
    expect(gl.tensor([[1, 2]]).logsumexp(1, true).shape).toEqual([1, 1]);
  });

  it("has gradient softmax(x) * g", () => {
    // (t.logsumexp(1) * [1., 2.]).sum() -> [[.0900306, .2447285, .665241], [.1800611, .4894569, 1.3304818]]
    expectClose(gradOf((x) => x.logsumexp(1), [[1, 2, 3], [4, 5, 6]], [1, 2]), [0.09003058, 0.24472849, 0.665241, 0.18006112, 0.48945686, 1.33048177]);
    fdCheck((x) => x.logsumexp([0, 2]), [0.3, -1.2, 2.5, 0.7, 1.9, -0.4, 1.1, 0.05], [2, 2, 2]);
    fdCheck2((x) => x.logsumexp(1), [0.3, -1.2, 2.5, 0.7, 1.9, -0.4], [2, 3]);
  });

  it("requires a dim", () => {
    expect(() => gl.logsumexp(gl.zeros([2]), undefined)).toThrow("logsumexp: dim is required");
  });
});

describe("var and std", () => {
  const V = [[1, 2, 3], [4, 5, 9]];
  it("use correction 1 by default, any correction on request", () => {
    expect(gl.tensor(V).var().item()).toBeCloseTo(8, 5); // torch.tensor(V).var() -> 8.
    expectClose(gl.tensor(V).var(1), [1, 7]); // .var(1)
    const k = gl.tensor(V).var(0, { correction: 0, keepdim: true }); // .var(0, correction=0, keepdim=True) -> [[2.25, 2.25, 9.]]
    expect(k.shape).toEqual([1, 3]);
    expectClose(k, [2.25, 2.25, 9]);
    expectClose(gl.var(gl.tensor(V), [0, 1], { unbiased: false }), 6.666666507720947); // .var((0,1), unbiased=False)
    expectClose(gl.tensor(V).std(), 2.8284270763397217); // .std()
    expectClose(gl.tensor(V).std(-1, { correction: 0 }), [0.8164966106414795, 2.1602468490600586]); // .std(-1, correction=0)
    expect(gl.tensor([1]).var().item()).toBeNaN(); // torch.tensor([1.]).var() -> nan
    expect(gl.tensor([1, 2]).var(null, { correction: 3 }).item()).toBe(Infinity); // .var(None, correction=3) -> inf
  });

  it("have the gradients 2(x - mean)/(N - c) and, for std, 0 at zero deviation", () => {
    // (t.var(1) * [1., 2.]).sum() -> [[-1,0,1],[-4,-2,6]]
    expectClose(gradOf((x) => x.var(1), V, [1, 2]), [-1, 0, 1, -4, -2, 6]);
    // t.std() backward -> [[-.2121320,-.1414214,-.0707107],[0,.0707107,.3535534]]
    expectClose(gradOf((x) => x.std(), V), [-0.21213204, -0.14142136, -0.07071068, 0, 0.07071068, 0.35355341]);
    expect(gradOf((x) => x.std(), [2, 2, 2])).toEqual([0, 0, 0]); // torch.tensor([2.,2.,2.]).std() backward -> [0,0,0]
  });

  it("match finite differences in float64, to second order", () => {
    const v = [0.3, -1.2, 2.5, 0.7, 1.9, -0.4];
    fdCheck((x) => x.var(1), v, [2, 3]);
    fdCheck((x) => x.std([0, 1], { correction: 0 }), v, [2, 3]);
    fdCheck2((x) => x.var(0), v, [2, 3]);
    fdCheck2((x) => x.std(1), v, [2, 3]);
  });

  it("reject integer tensors", () => {
    expect(() => gl.tensor([1, 2], { dtype: "int32" }).var()).toThrow("var: std and var only support floating point dtypes, got int32");
    expect(() => gl.tensor([true]).std()).toThrow("std: std and var only support floating point dtypes, got bool");
    expect(() => gl.tensor([1, 2], { dtype: "int32" }).mean()).toThrow(/mean: could not infer output dtype/);
  });
});

describe("median", () => {
  const D = [[2, 1, 2, 2, 3], [5, 5, 5, 1, 1]];
  it("takes the lower median; along a dim it picks indices as PyTorch does among ties", () => {
    expect(gl.tensor([3, 1, 2, 4]).median().item()).toBe(2); // torch.tensor([3.,1.,2.,4.]).median() -> 2.
    const r = gl.tensor(D).median(1); // torch.tensor(D).median(1) -> ([2., 5.], [2, 0])
    expect(r.values.toArray()).toEqual([2, 5]);
    expect(r.indices.toArray()).toEqual([2, 0]);
    const c = gl.tensor(D).median(0, true); // .median(0, keepdim=True) -> ([[2,1,2,1,1]], [[0,0,0,1,1]])
    expect(c.values.toArray()).toEqual([[2, 1, 2, 1, 1]]);
    expect(c.indices.toArray()).toEqual([[0, 0, 0, 1, 1]]);
    // torch.tensor([[1.,nan,2.,nan],[nan,nan,1.,1.]]).median(1) -> ([nan, nan], [1, 0])
    const n = gl.tensor([[1, NaN, 2, NaN], [NaN, NaN, 1, 1]]).median(1);
    expectClose(n.values, [NaN, NaN]);
    expect(n.indices.toArray()).toEqual([1, 0]);
    const i = gl.tensor([3, 1, 2, 4], { dtype: "int32" }).median();
    expect([i.dtype, i.item()]).toEqual(["int32", 2]); // torch.tensor([3,1,2,4]).median() -> 2
    expect(gl.zeros([0]).median().item()).toBeNaN(); // torch.zeros(0).median() -> nan
  });

  it("spreads the full median's gradient over ties and sends a dim median's to its index", () => {
    // torch.tensor([2.,1.,2.,2.,3.]).median() backward -> [1/3, 0, 1/3, 1/3, 0]
    expectClose(gradOf((x) => x.median(), [2, 1, 2, 2, 3]), [1 / 3, 0, 1 / 3, 1 / 3, 0]);
    // (t.median(1).values * [1., 2.]).sum() on D -> [[0,0,1,0,0],[2,0,0,0,0]]
    expect(gradOf((x) => x.median(1).values, D, [1, 2])).toEqual([0, 0, 1, 0, 0, 2, 0, 0, 0, 0]);
    fdCheck((x) => x.median(), [0.3, -1.2, 2.5, 0.7, 1.9], [5]);
    fdCheck((x) => x.median(0).values, [0.3, -1.2, 2.5, 0.7, 1.9, -0.4], [3, 2]);
  });

  it("rejects bool tensors and empty slices", () => {
    expect(() => gl.tensor([true]).median()).toThrow("median: not supported for bool tensors");
    expect(() => gl.zeros([0, 2]).median(0)).toThrow("median: expected reduction dim 0 to have non-zero size (input shape [0,2])");
  });
});

describe("sumSquares (internal: the norm's, the variance's and mseLoss's sum of squares)", () => {
  it("is sum(square(x)) over dims, bit for bit, ints wrapping as square does", () => {
    expect(sumSquares(gl.tensor(A)).item()).toBe(27);
    expect(sumSquares(gl.tensor(A), 1).toArray()).toEqual([25, 2]);
    expect(sumSquares(gl.tensor(A), [0], true).toArray()).toEqual([[10, 16, 1]]);
    // torch.square(tensor([65536, 3], dtype=torch.int32)).sum() -> 9 (the square of 65536 wraps to 0)
    const i = sumSquares(gl.tensor([65536, 3], { dtype: "int32" }));
    expect([i.dtype, i.item()]).toEqual(["int32", 9]);
    expect(sumSquares(gl.tensor([true, false, true])).toArray()).toEqual(2);
    expect(sumSquares(gl.zeros([0, 3]), 0).toArray()).toEqual([0, 0, 0]);
    // Bit for bit where the squares are laid out as x is; a transposed x is summed in another order.
    const x = gl.randn([37, 300]), xt = gl.randn([300, 37]).t();
    for (const dim of [undefined, 0, 1]) {
      expect(sumSquares(x, dim).toArray()).toEqual(x.square().sum(dim).toArray());
      expectClose(sumSquares(xt, dim), xt.square().sum(dim).tolist(), 1e-6);
    }
  });

  it("has the gradient 2 x g, to second order", () => {
    expect(gradOf((x) => sumSquares(x, 1), A, [1, 2])).toEqual([6, -8, 0, 4, 0, -4]);
    fdCheck((x) => sumSquares(x, [0], true), [0.3, -1.2, 2.5, 0.7, 1.9, -0.4], [2, 3]);
    fdCheck2((x) => sumSquares(x, 1), [0.3, -1.2, 2.5, 0.7, 1.9, -0.4], [2, 3]);
  });
});

describe("norm", () => {
  it("computes p-norms for p = 2, 1, 0, 3, 0.5, +-Infinity, -1 and fro", () => {
    const a = gl.tensor(A);
    expectClose(a.norm(), 5.196152210235596); // torch.tensor(A).norm()
    expect(a.norm(1).item()).toBe(9); // .norm(1)
    expect(a.norm(0).item()).toBe(4); // .norm(0)
    expectClose(a.norm(3), 4.5306549072265625); // .norm(3)
    expectClose(a.norm(0.5), 32.856407165527344); // .norm(0.5)
    expect(a.norm(Infinity).item()).toBe(4); // .norm(inf)
    expect(a.norm(-Infinity).item()).toBe(0); // .norm(-inf)
    expect(a.norm(-1).item()).toBe(0); // .norm(-1)
    expectClose(a.norm(2, 1), [5, 1.4142135381698608]); // .norm(2, 1)
    expectClose(a.norm("fro", [0, 1]), 5.196152210235596); // .norm('fro', (0,1))
    expect(a.norm(1, -1, true).toArray()).toEqual([[7], [2]]); // .norm(1, -1, True)
    expect(a.norm(Infinity, 0).toArray()).toEqual([3, 4, 1]); // .norm(inf, 0)
    expect(gl.zeros([0]).norm(Infinity).item()).toBe(0); // torch.zeros(0).norm(p=inf) -> 0.
  });

  it("has PyTorch's gradients, 0 (not NaN) at a zero norm", () => {
    // t.norm(p).backward() on A, for each p:
    expectClose(gradOf((x) => x.norm(), A), [0.57735032, -0.76980036, 0, 0.19245009, 0, -0.19245009]);
    expectClose(gradOf((x) => x.norm(1), A), [1, -1, 0, 1, 0, -1]);
    expectClose(gradOf((x) => x.norm(3), A), [0.43845046, -0.77946746, 0, 0.04871672, 0, -0.04871672]);
    expectClose(gradOf((x) => x.norm(0.5), A), [3.30940104, -2.86602545, 0, 5.7320509, 0, -5.7320509]);
    expectClose(gradOf((x) => x.norm(Infinity), A), [0, -1, 0, 0, 0, 0]);
    expectClose(gradOf((x) => x.norm(-Infinity), A), [0, 0, 0, 0, 0, 0]);
    // (t.norm(2, 1) * [1., 2.]).sum() -> [[.6,-.8,0],[1.4142136,0,-1.4142136]]
    expectClose(gradOf((x) => x.norm(2, 1), A, [1, 2]), [0.6, -0.8, 0, 1.41421354, 0, -1.41421354]);
    for (const p of [2, 1, 3, 0.5, Infinity]) expect(gradOf((x) => x.norm(p), [0, 0, 0])).toEqual([0, 0, 0]); // torch.zeros(3).norm(p) -> grad 0
    const x = leaf([3, 4]);
    x.norm(0).backward(); // torch: no gradient flows from the 0-"norm"
    expect(x.grad).toBeNull();
  });

  it("matches finite differences in float64, to second order for p = 2", () => {
    const v = [0.3, -1.2, 2.5, 0.7, 1.9, -0.4];
    for (const p of [2, 1, 3, 1.5, 0.5, Infinity, -Infinity]) fdCheck((x) => x.norm(p, 1), v, [2, 3]);
    fdCheck2((x) => x.norm(), v, [2, 3]);
    fdCheck2((x) => x.norm(3, 0), v, [2, 3]);
    // A zero vector: the first and second derivatives stay finite (0).
    const z = leaf([0, 0], "float64");
    const [g] = gl.autograd.grad(z.norm(), [z], { createGraph: true });
    expect(gl.autograd.grad(g!.sum(), [z])[0]!.toArray()).toEqual([0, 0]);
  });

  it("rejects integer tensors and unknown orders", () => {
    expect(() => gl.tensor([3, 4], { dtype: "int32" }).norm()).toThrow("norm: expected a floating point tensor, got dtype int32");
    expect(() => gl.norm(gl.zeros([2]), "nuc" as never)).toThrow(`norm: p must be a number (Infinity and -Infinity included) or "fro", got "nuc"`);
    expect(() => gl.zeros([2, 2, 2]).norm("fro", [0, 1, 2])).toThrow('norm: p="fro" reduces at most 2 dims, got dim [0,1,2]');
  });
});

describe("cumsum and cumprod", () => {
  it("scan along a dim; integers and bools give int32", () => {
    expect(gl.tensor([[0, 1, 2], [3, 4, 5]]).cumsum(1).toArray()).toEqual([[0, 1, 3], [3, 7, 12]]); // .cumsum(1)
    expect(gl.tensor([[0, 1, 2], [3, 4, 5]]).cumsum(-2).toArray()).toEqual([[0, 1, 2], [3, 5, 7]]); // .cumsum(-2)
    const i = gl.tensor([1, 2, 3], { dtype: "int32" }).cumsum(0);
    expect([i.dtype, i.toArray()]).toEqual(["int32", [1, 3, 6]]);
    expect(gl.tensor([true, true]).cumsum(0).toArray()).toEqual([1, 2]); // torch: [1, 2]
    expect(gl.tensor([[1, 2, 3], [4, 5, 6]]).cumprod(1).toArray()).toEqual([[1, 2, 6], [4, 20, 120]]); // .cumprod(1)
    expect(gl.scalarTensor(3, "float32").cumsum(0).item()).toBe(3); // torch.tensor(3.).cumsum(0) -> 3.
    expect(() => gl.zeros([2]).cumsum(1)).toThrow(/cumsum: dim 1 is out of range .*\[-1, 0\]/);
  });

  it("have the reversed cumsum as gradient, and exact cumprod gradients at zeros", () => {
    // (t.cumsum(1) * [[1,2,3],[4,5,6]]).sum() -> [[6,5,3],[15,11,6]]
    expect(gradOf((x) => x.cumsum(1), [[0, 1, 2], [3, 4, 5]], [[1, 2, 3], [4, 5, 6]])).toEqual([6, 5, 3, 15, 11, 6]);
    // (t.cumprod(1) * [1,-2,3,.5]).sum() on [[2,3,4,5],[2,0,4,5],[0,3,0,5]] -> [[61,40,33,12],[1,40,0,0],[-5,0,0,0]]
    const w = [[1, -2, 3, 0.5], [1, -2, 3, 0.5], [1, -2, 3, 0.5]];
    expect(gradOf((x) => x.cumprod(1), [[2, 3, 4, 5], [2, 0, 4, 5], [0, 3, 0, 5]], w)).toEqual([61, 40, 33, 12, 1, 40, 0, 0, -5, 0, 0, 0]);
  });

  it("match finite differences in float64, to second order", () => {
    const v = [0.3, -1.2, 2.5, 0.7, 1.9, -0.4];
    fdCheck((x) => x.cumsum(0), v, [2, 3]);
    fdCheck((x) => x.cumprod(1), v, [2, 3]);
    fdCheck((x) => x.cumprod(1), [0.3, 0, 2.5, 0.7, 0, 0, 1.5, 0], [2, 4]);
    fdCheck2((x) => x.cumprod(1), v, [2, 3]);
    fdCheck2((x) => x.cumprod(-1), [0.3, 0, 2.5, 0.7, 1.9, 0, 0.4, -1.1], [2, 4]);
  });
});

describe("softmax and logSoftmax", () => {
  const S = [[1, 2, 3], [1, 1, 1]];
  it("normalise along a dim, stably", () => {
    // torch.tensor(S).softmax(1)
    expectClose(gl.tensor(S).softmax(1), [0.09003057, 0.24472848, 0.66524094, 1 / 3, 1 / 3, 1 / 3]);
    // torch.tensor(S).softmax(0)
    expectClose(gl.tensor(S).softmax(0), [0.5, 0.7310586, 0.88079703, 0.5, 0.26894143, 0.11920292]);
    // torch.tensor(S).log_softmax(1)
    expectClose(gl.tensor(S).logSoftmax(-1), [-2.40760589, -1.40760589, -0.40760595, -1.09861231, -1.09861231, -1.09861231]);
    expectClose(gl.tensor([1000, 0, -1000]).softmax(0), [1, 0, 0]); // torch: [1., 0., 0.]
    expectClose(gl.tensor([1000, 0, -1000]).logSoftmax(0), [0, -1000, -2000]); // torch: [0., -1000., -2000.]
    // torch.tensor([[-inf,-inf],[1.,2.]]).softmax(1) -> [[nan, nan], [.2689414, .7310586]]
    expectClose(gl.tensor([[-Infinity, -Infinity], [1, 2]]).softmax(1), [NaN, NaN, 0.26894142, 0.73105858]);
    expect(gl.scalarTensor(3, "float32").softmax(0).item()).toBe(1); // torch.tensor(3.).softmax(0) -> 1.
  });

  it("have y * (g - sum(g * y)) and g - exp(y) * sum(g) as gradients", () => {
    const w = [[1, 2, 3], [-1, 0, 4]];
    // (t.softmax(1) * w).sum() -> [[-.1418171,-.1407703,.2825875],[-.6666667,-.3333333,1.]]
    expectClose(gradOf((x) => x.softmax(1), S, w), [-0.14181709, -0.14077035, 0.28258747, -2 / 3, -1 / 3, 1]);
    // (t.log_softmax(1) * w).sum() -> [[.4598165,.5316291,-.991446],[-2,-1,3]]
    expectClose(gradOf((x) => x.logSoftmax(1), S, w), [0.45981652, 0.53162909, -0.99144602, -2, -1, 3]);
  });

  it("match finite differences in float64, to second order", () => {
    const v = [0.3, -1.2, 2.5, 0.7, 1.9, -0.4];
    fdCheck((x) => x.softmax(1), v, [2, 3]);
    fdCheck((x) => x.logSoftmax(0), v, [2, 3]);
    fdCheck2((x) => x.softmax(-1), v, [2, 3]);
    fdCheck2((x) => x.logSoftmax(1), v, [2, 3]);
  });

  it("reject integer tensors", () => {
    expect(() => gl.tensor([1, 2], { dtype: "int32" }).softmax(0)).toThrow("softmax: expected a floating point tensor, got dtype int32; convert it first, e.g. x.float().softmax(dim)");
    expect(() => gl.tensor([1, 2], { dtype: "int32" }).logSoftmax(0)).toThrow(/logSoftmax: expected a floating point tensor, got dtype int32/);
    expect(() => gl.zeros([2]).softmax(1)).toThrow("softmax: dim 1 is out of range for a tensor of 1 dimension (expected a dim in [-1, 0])");
  });
});

describe("strided inputs and saved tensors", () => {
  it("reduce non-contiguous views like contiguous ones", () => {
    // torch.tensor([[2.,1,2,2,3],[5,5,5,1,1]]).T.median(0) -> ([2., 5.], [2, 0])
    const m = gl.tensor([[2, 1, 2, 2, 3], [5, 5, 5, 1, 1]]).T.median(0);
    expect([m.values.toArray(), m.indices.toArray()]).toEqual([[2, 5], [2, 0]]);
    const x = gl.arange(24).reshape(2, 3, 4).float().permute(2, 0, 1); // x = torch.arange(24).reshape(2,3,4).float().permute(2,0,1)
    expect(x.median(-1).values.toArray()).toEqual([[4, 16], [5, 17], [6, 18], [7, 19]]); // x.median(-1).values
    expect(x.prod(1).toArray()).toEqual([[0, 64, 160], [13, 85, 189], [28, 108, 220], [45, 133, 253]]); // x.prod(1)
    expect(x.amax([0, 2]).toArray()).toEqual([11, 23]); // x.amax((0,2))
    expectClose(x.var([0, 2]), [13, 13]); // x.var((0,2))
    expectClose(x.norm(2, [1, 2]), [29.664793014526367, 31.71750259399414, 33.82307052612305, 35.97220993041992]); // x.norm(2,(1,2))
    expectClose(x.logsumexp([0, 1]), [15.44019603729248, 19.440195083618164, 23.440195083618164]); // x.logsumexp((0,1))
    expect(x.cumsum(2).select(0, 3).toArray()).toEqual([[3, 10, 21], [15, 34, 57]]); // x.cumsum(2)[3]
  });

  it("refuse backward after an in-place change of a saved output", () => {
    const x = leaf([1, 2, 3]);
    const y = x.softmax(0);
    y.mul_(2);
    expect(() => y.sum().backward()).toThrow(/SoftmaxBackward .* was modified by an in-place operation/);
  });
});

describe("sum and mean keep working", () => {
  it("sum of ints is int, mean of floats is float", () => {
    const s = gl.tensor([[1, 2], [3, 4]], { dtype: "int32" }).sum(0);
    expect([s.dtype, s.toArray()]).toEqual(["int32", [4, 6]]); // torch.tensor([[1,2],[3,4]]).sum(0) -> [4, 6]
    expectClose(gl.tensor([[1, 2], [3, 4]]).mean([0, 1]), 2.5);
    fdCheck((x) => x.mean(1), [0.3, -1.2, 2.5, 0.7, 1.9, -0.4], [2, 3]);
  });
});
