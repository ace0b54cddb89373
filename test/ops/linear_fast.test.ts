import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";

// linear as one op (one node, contiguous weight gradient), the matmul backward that keeps
// each gradient in its operand's layout and folds a broadcast operand's batch, and the
// one-pass add_/sub_ and gradient accumulation. Values are checked against the composite
// formulas (matmul + add, add + assign) they replace; gradients by finite differences.

const F = gl.nn.functional;
const gen = new gl.Generator(31);
const rn = (shape: number[], dtype: gl.DType = "float64", requiresGrad = true) =>
  gl.randn(shape, { dtype, generator: gen, requiresGrad });
const near = (a: gl.Tensor, b: gl.Tensor, tol = 1e-12) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.toArray() as unknown as number[], y = b.toArray() as unknown as number[];
  expect(gl.tensor(x as never).sub(gl.tensor(y as never)).abs().max().item()).toBeLessThanOrEqual(tol);
};
/** The composite linear that the one-op path replaces. */
const composite = (x: gl.Tensor, w: gl.Tensor, b?: gl.Tensor | null) => {
  const y = gl.matmul(x, w.t());
  return b ? y.add(b) : y;
};

describe("linear as one op", () => {
  it("matches matmul(x, W^T) + b for 1-D, 2-D, 3-D and 4-D inputs, with and without bias", () => {
    const w = rn([5, 3], "float64", false), b = rn([5], "float64", false);
    for (const shape of [[3], [4, 3], [2, 4, 3], [2, 1, 3, 3]]) {
      const x = rn(shape, "float64", false);
      near(F.linear(x, w, b), composite(x, w, b));
      near(F.linear(x, w), composite(x, w));
      expect(F.linear(x, w, b).shape).toEqual([...shape.slice(0, -1), 5]);
    }
  });

  it("reads non-contiguous inputs and weights correctly (mergeable, non-mergeable, transposed, stepped)", () => {
    const w = rn([6, 4], "float64", false), b = rn([6], "float64", false);
    const base = rn([3, 5, 4], "float64", false);
    const inputs = [
      base.transpose(0, 1), // leading dims do not merge: one copy
      base.transpose(1, 2).transpose(1, 2).slice(1, 0, 4), // rows a step apart
      rn([4, 7], "float64", false).t().slice(0, 0, 7, 2).t().t(), // stepped rows
      rn([3, 4], "float64", false).expand(2, 3, 4), // broadcast batch (stride 0)
      rn([3, 5, 8], "float64", false).slice(2, 0, 4), // leading dims merge, rows 8 apart
      rn([8, 3, 4], "float64", false).slice(1, 0, 3, 2), // every other row
    ];
    for (const x of inputs) {
      near(F.linear(x, w, b), composite(x, w, b));
      near(F.linear(x, w.t().contiguous().t(), b), composite(x, w, b));
    }
  });

  it("nn.Linear uses it: one LinearBackward node whose weight gradient is contiguous [out, in]", () => {
    const fc = new gl.nn.Linear(7, 3, { dtype: "float64" });
    const x = rn([2, 5, 7]);
    const y = fc.forward(x);
    expect(y.gradFn?.name).toBe("LinearBackward");
    y.square().sum().backward();
    expect(fc.weight.grad!.shape).toEqual([3, 7]);
    expect(fc.weight.grad!.isContiguous()).toBe(true);
    // The same gradients as the composite graph.
    const [gx, gw, gb] = gl.autograd.grad(composite(x, fc.weight, fc.bias).square().sum(), [x, fc.weight, fc.bias!]);
    near(x.grad!, gx!);
    near(fc.weight.grad!, gw!);
    near(fc.bias!.grad!, gb!);
  });

  it("passes gradcheck and gradgradcheck on 2-D and 3-D inputs, with and without bias", () => {
    for (const shape of [[3, 4], [2, 3, 4], [4]]) {
      const x = rn(shape), w = rn([5, 4]), b = rn([5]);
      expect(gl.autograd.gradcheck((x, w, b) => F.linear(x, w, b), [x, w, b])).toBe(true);
      expect(gl.autograd.gradcheck((x, w) => F.linear(x, w), [x, w])).toBe(true);
      expect(gl.autograd.gradgradcheck((x, w, b) => F.linear(x, w, b), [x, w, b])).toBe(true);
      expect(gl.autograd.gradgradcheck((x, w) => F.linear(x, w).tanh(), [x, w])).toBe(true);
    }
  });

  it("gives gradients only to the inputs that require them, and saves only what those read", () => {
    const x = rn([3, 4], "float64", false), w = rn([2, 4]);
    const y = F.linear(x, w);
    // x is not saved for dx (x needs no gradient) but is for dW: modifying it must be caught.
    gl.noGrad(() => x.add_(1));
    expect(() => y.sum().backward()).toThrow(/modified by an in-place operation/);
    const x2 = rn([3, 4]), w2 = rn([2, 4], "float64", false);
    const y2 = F.linear(x2, w2);
    gl.noGrad(() => w2.mul_(2));
    expect(() => y2.sum().backward()).toThrow(/modified by an in-place operation/);
  });

  it("keeps the composite behaviour for 1-D weights, mixed dtypes and broadcast biases", () => {
    const x = rn([3, 4], "float64", false);
    const w1 = rn([4], "float64", false);
    near(F.linear(x, w1), gl.matmul(x, w1));
    const w32 = rn([2, 4], "float32", false);
    expect(F.linear(x, w32).dtype).toBe("float64");
    near(F.linear(x, w32), composite(x, w32.to("float64")), 1e-6);
    const b1 = rn([1], "float64", false);
    near(F.linear(x, w32.to("float64"), b1), composite(x, w32.to("float64")).add(b1));
  });

  it("rejects bad shapes with clear errors", () => {
    const w = rn([5, 3]);
    expect(() => F.linear(rn([2, 4]), w)).toThrow(/linear: input of shape \[2,4\] does not match weight of shape \[5,3\]: expected the input's last dim to be 3/);
    expect(() => F.linear(rn([]), w)).toThrow(/linear: input of shape \[\] does not match/);
    expect(() => F.linear(rn([2, 3]), rn([2, 5, 3]))).toThrow(/linear: weight must be 1-D or 2-D.*\[2,5,3\]/);
    expect(() => F.linear(rn([2, 3]), w, rn([4]))).toThrow(/linear: bias of shape \[4\] cannot be added to the output of shape \[2,5\]/);
    expect(() => F.linear(rn([2, 3]), w, rn([2, 2, 5]))).toThrow(/linear: bias of shape \[2,2,5\] cannot be added to the output of shape \[2,5\]/);
    expect(() => new gl.nn.Linear(3, 5).forward(gl.randn([2, 4]))).toThrow(/Linear\(in_features=3, out_features=5\): input of shape \[2,4\] has 4 features/);
  });

  it("handles empty batches and zero input features", () => {
    const w = rn([3, 0], "float64", false), b = rn([3], "float64", false);
    near(F.linear(gl.zeros([2, 0], { dtype: "float64" }), w, b), b.expand(2, 3));
    expect(F.linear(gl.zeros([0, 4], { dtype: "float64" }), rn([3, 4], "float64", false), b).shape).toEqual([0, 3]);
  });
});

describe("matmul backward in the operands' layouts", () => {
  it("makes the gradient of a transposed operand a transposed view of a contiguous product", () => {
    const x = rn([6, 4]), w = rn([5, 4]);
    const wt = w.t();
    const y = gl.matmul(x, wt);
    const [gwt] = gl.autograd.grad(y.square().sum(), [wt], { retainGraph: true });
    expect(gwt!.shape).toEqual([4, 5]);
    expect(gwt!.stride()).toEqual([1, 4]);
    const [gw] = gl.autograd.grad(y.square().sum(), [w]);
    expect(gw!.isContiguous()).toBe(true);
    near(gw!, gwt!.t());
    const a = rn([4, 6]).t();
    const [ga] = gl.autograd.grad(gl.matmul(a, rn([4, 3], "float64", false)).sum(), [a]);
    expect(ga!.stride()).toEqual([1, 6]);
  });

  it("folds a batch against a 2-D operand into one product, forward and backward", () => {
    const a = rn([3, 4, 5]), b = rn([5, 2]);
    const y = gl.matmul(a, b);
    for (let i = 0; i < 3; i++) near(y.select(0, i), gl.matmul(a.select(0, i), b));
    expect(gl.autograd.gradcheck((a, b) => gl.matmul(a, b), [a, b])).toBe(true);
    expect(gl.autograd.gradgradcheck((a, b) => gl.matmul(a, b), [a, b])).toBe(true);
    // Batch dims that do not merge, a [1, K, N] operand, and a transposed 2-D one.
    expect(gl.autograd.gradcheck((a, b) => gl.matmul(a.transpose(0, 1), b), [rn([4, 3, 5]), b])).toBe(true);
    expect(gl.autograd.gradcheck((a, b) => gl.matmul(a, b), [a, rn([1, 5, 2])])).toBe(true);
    expect(gl.autograd.gradcheck((a, b) => gl.matmul(a, b.t()), [a, rn([2, 5])])).toBe(true);
  });

  it("keeps per-batch gradients for an operand expanded over the batch (stride 0, its own batch dim)", () => {
    const b0 = rn([5, 2]);
    const a = rn([3, 4, 5], "float64", false);
    const be = b0.expand(3, 5, 2);
    const y = gl.matmul(a, be);
    const [gbe] = gl.autograd.grad(y.square().sum(), [be], { retainGraph: true });
    expect(gbe!.shape).toEqual([3, 5, 2]);
    for (let i = 0; i < 3; i++) {
      const [gi] = gl.autograd.grad(gl.matmul(a.select(0, i), b0).square().sum(), [b0]);
      near(gbe!.select(0, i), gi!);
    }
    expect(gl.autograd.gradcheck((b) => gl.matmul(a, b.expand(3, 5, 2)), [b0])).toBe(true);
  });
});

describe("one-pass add_/sub_ and gradient accumulation", () => {
  it("add_ and sub_ give add + assign's values, bump the version once, and return self", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = rn([4, 6], dtype, false), y = rn([4, 6], dtype, false), r = rn([6], dtype, false);
      const want = x.add(y.mul(-0.01)).sub(r.mul(3)).add(2.5);
      const v = x._version;
      expect(x.add_(y, -0.01)).toBe(x);
      expect(x._version).toBe(v + 1);
      x.sub_(r, 3).add_(2.5);
      expect(x._version).toBe(v + 3);
      expect(x.toArray()).toEqual(want.toArray());
    }
    const i = gl.tensor([[1, 2], [3, 4]], { dtype: "int32" });
    i.add_(gl.tensor([10, 20], { dtype: "int32" }), 3).sub_(gl.tensor([2147483647, 0], { dtype: "int32" }));
    expect(i.toArray()).toEqual([[31 - 2147483647 | 0, 62], [33 - 2147483647 | 0, 64]]);
  });

  it("reads overlapping operands before writing (x.add_(x.t()), x.add_(x))", () => {
    const x = gl.tensor([[1, 2], [3, 4]], { dtype: "float64" });
    x.add_(x.t());
    expect(x.toArray()).toEqual([[2, 5], [5, 8]]);
    x.add_(x, 0.5);
    expect(x.toArray()).toEqual([[3, 7.5], [7.5, 12]]);
    const row = gl.tensor([1, 2, 3, 4], { dtype: "float64" });
    row.slice(0, 1, 4).add_(row.slice(0, 0, 3));
    expect(row.toArray()).toEqual([1, 3, 5, 7]);
  });

  it("keeps the in-place errors: promotion, shapes, leaves and views while recording", () => {
    const i = gl.tensor([1, 2], { dtype: "int32" });
    expect(() => i.add_(gl.tensor([0.5, 1]))).toThrow(/result type float32 can't be cast to the desired output type int32/);
    expect(() => i.add_(1, 0.5)).toThrow(/can't be cast/);
    expect(() => gl.zeros([2, 3]).add_(gl.ones([3, 3]))).toThrow(RangeError);
    expect(() => gl.zeros([3]).add_(gl.ones([2, 3]))).toThrow(/add_/);
    const leaf = rn([3]);
    expect(() => leaf.add_(1)).toThrow(/leaf tensor that requires grad/);
    expect(() => leaf.add(0).slice(0, 0, 2).sub_(1)).toThrow(/in-place modification of a view/);
    gl.noGrad(() => leaf.sub_(gl.ones([3], { dtype: "float64" }), 2));
  });

  it("accumulates a second backward into .grad in place, as add + assign did", () => {
    const w = rn([3, 4]);
    const x = rn([5, 4], "float64", false);
    F.linear(x, w).square().sum().backward();
    const first = w.grad!;
    const once = first.clone();
    const v = first._version;
    F.linear(x, w).square().sum().backward();
    expect(w.grad).toBe(first);
    expect(first._version).toBe(v + 1);
    near(first, once.mul(2));
    // A gradient of another dtype still goes through the general path.
    const f = rn([2], "float32");
    f.grad = gl.zeros([2], { dtype: "float32" });
    f.mul(2).sum().backward();
    expect(f.grad!.toArray()).toEqual([2, 2]);
  });
});
