import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";

// relu's gradient is PyTorch's threshold_backward(g, y, 0): g where the output y > 0 or is
// NaN, 0 where y <= 0 (zeros of either sign). Expected values are torch 1.13's.

const SPECIALS = [NaN, -1, 0, -0, 2, Infinity, -Infinity];
const G = [1, 2, 3, 4, 5, 6, 7];
// torch.relu(x).backward(g) for x = SPECIALS: NaN passes its gradient, as y = NaN is not <= 0.
const WANT = [1, 0, 0, 0, 5, 6, 0];

const gradOf = (f: (x: gl.Tensor) => gl.Tensor, dtype: "float32" | "float64", values = SPECIALS, g = G): number[] => {
  const x = gl.tensor(values, { dtype, requiresGrad: true });
  f(x).backward(gl.tensor(g, { dtype }));
  return Array.from(x.grad!.dataSync());
};

describe("relu gradient (threshold_backward)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`passes the gradient where the output is NaN and is 0 at 0, -0 and -inf (${dtype}), as PyTorch`, () => {
      expect(gradOf((x) => x.relu(), dtype)).toEqual(WANT);
      const zeros = gradOf((x) => x.relu(), dtype, [0, -0], [-3, -3]);
      expect(zeros.every((v) => Object.is(v, 0))).toBe(true);
    });

    it(`gives the same gradient through relu_, F.relu and nn.ReLU (${dtype})`, () => {
      expect(gradOf((x) => x.mul(1).relu_(), dtype)).toEqual(WANT);
      expect(gradOf((x) => gl.nn.functional.relu(x), dtype)).toEqual(WANT);
      expect(gradOf((x) => new gl.nn.ReLU().forward(x), dtype)).toEqual(WANT);
    });
  }

  it("keeps a negative zero gradient where the output is positive", () => {
    const g = gradOf((x) => x.relu(), "float32", [1, 2], [-0, 0]);
    expect(Object.is(g[0], -0)).toBe(true);
    expect(Object.is(g[1], 0)).toBe(true);
  });

  it("runs on large, broadcast-fed and strided gradients (the native kernel's paths)", () => {
    const x = gl.randn([64, 300], { generator: new gl.Generator(5) }).requiresGrad_(true);
    const y = x.t().relu();
    const g = gl.randn([300, 64], { generator: new gl.Generator(6) });
    y.backward(g.t().contiguous().t()); // a transposed gradient
    const xs = x.dataSync(), gs = g.t().contiguous().dataSync(), got = x.grad!.dataSync();
    let bad = 0;
    for (let i = 0; i < xs.length; i++) if (got[i] !== (xs[i] > 0 ? gs[i] : 0)) bad++;
    expect(bad).toBe(0);
    const x2 = gl.randn([200, 100], { generator: new gl.Generator(7) }).requiresGrad_(true);
    x2.relu().sum().backward(); // sum's gradient reaches relu as an expanded (stride-0) tensor
    const x2s = x2.dataSync(), got2 = x2.grad!.dataSync();
    bad = 0;
    for (let i = 0; i < x2s.length; i++) if (got2[i] !== (x2s[i] > 0 ? 1 : 0)) bad++;
    expect(bad).toBe(0);
  });

  it("is differentiable in the incoming gradient (double backward), as ThresholdBackwardBackward", () => {
    const x = gl.tensor(SPECIALS, { dtype: "float64", requiresGrad: true });
    const v = gl.tensor(G, { dtype: "float64", requiresGrad: true });
    const [d] = gl.autograd.grad(x.relu(), x, { gradOutputs: v, createGraph: true });
    expect(Array.from(d!.dataSync())).toEqual(WANT);
    expect(d!.gradFn!.name).toBe("ThresholdBackwardBackward");
    const [dv] = gl.autograd.grad(d!.mul(d!).sum(), v); // d(sum d^2)/dv = 2 d where y > 0 or NaN
    expect(Array.from(dv!.dataSync())).toEqual([2, 0, 0, 0, 10, 12, 0]);
  });
});
