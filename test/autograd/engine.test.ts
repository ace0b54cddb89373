import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";

// Expected values are derived by hand (noted per case) and agree with PyTorch 1.13.

const f64 = (data: gl.TensorData, requiresGrad = true) => gl.tensor(data, { dtype: "float64", requiresGrad });

function close(t: gl.Tensor | null, want: number[], tol = 1e-12): void {
  expect(t).not.toBeNull();
  const got = t!.tolist();
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));
}

describe("hooks", () => {
  it("a hook on a leaf sees the gradient and can replace it before accumulation", () => {
    const x = f64([1, 2, 3]);
    const seen: number[][] = [];
    x.registerHook((g) => { seen.push(g.tolist()); return g.mul(10); });
    x.mul(x).sum().backward(); // d/dx sum x^2 = 2x
    expect(seen).toEqual([[2, 4, 6]]);
    close(x.grad, [20, 40, 60]);
  });

  it("a hook returning nothing leaves the gradient unchanged", () => {
    const x = f64([1, 2]);
    let calls = 0;
    x.registerHook(() => { calls++; });
    x.mul(3).sum().backward();
    expect(calls).toBe(1);
    close(x.grad, [3, 3]);
  });

  it("a hook on a non-leaf replaces the gradient flowing to its inputs", () => {
    const x = f64([1, 2]);
    const h = x.mul(2);              // dh/dx = 2
    h.registerHook((g) => g.mul(-1)); // flips the sign of dL/dh
    h.pow(2).sum().backward();       // dL/dh = 2h = [4, 8] -> hooked [-4, -8]
    close(x.grad, [-8, -16]);
  });

  it("hooks run in registration order and remove() unregisters one", () => {
    const x = f64([1]);
    const order: string[] = [];
    const a = x.registerHook((g) => { order.push("a"); return g.add(1); });
    x.registerHook((g) => { order.push("b"); return g.mul(2); });
    x.mul(5).sum().backward(); // (5 + 1) * 2
    expect(order).toEqual(["a", "b"]);
    close(x.grad, [12]);
    a.remove();
    a.remove(); // removing twice is harmless
    x.grad = null;
    order.length = 0;
    x.mul(5).sum().backward(); // 5 * 2
    expect(order).toEqual(["b"]);
    close(x.grad, [10]);
  });

  it("registerHook refuses a tensor that does not require grad", () => {
    expect(() => gl.tensor([1]).registerHook((g) => g)).toThrow(/registerHook: cannot register a hook on a tensor that doesn't require gradient \(shape \[1\]\)/);
  });
});

describe("retainGrad and grad()", () => {
  it("retainGrad keeps a non-leaf's gradient; non-leaves otherwise have none", () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    const k = h.exp();
    h.retainGrad();
    k.sum().backward();
    close(h.grad, [Math.exp(3), Math.exp(6)]); // d sum exp(h) / dh = exp(h)
    expect(k.grad).toBeNull();
    close(x.grad, [3 * Math.exp(3), 3 * Math.exp(6)]);
  });

  it("a retained gradient accumulates across backward calls, like a leaf's (PyTorch 1.13: [4, 8] then [8, 16])", () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    h.retainGrad();
    const y = h.mul(h).sum();
    y.backward(null, { retainGraph: true });
    close(h.grad, [4, 8]);
    y.backward();
    close(h.grad, [8, 16]);
    close(x.grad, [16, 32]);
  });

  it("retainGrad sees the gradient after hooks ran (PyTorch >= 2.0 order)", () => {
    const x = f64([1]);
    const h = x.mul(1);
    h.retainGrad();
    h.registerHook((g) => g.mul(7));
    h.mul(2).sum().backward();
    close(h.grad, [14]);
  });

  it("grad() returns gradients for non-leaf inputs without touching .grad", () => {
    const x = f64([1, 2]);
    const h = x.mul(x);              // h = x^2
    const y = h.sin().sum();         // dy/dh = cos(h)
    const [dh, dx] = gl.autograd.grad(y, [h, x]);
    close(dh, [Math.cos(1), Math.cos(4)]);
    close(dx, [Math.cos(1) * 2, Math.cos(4) * 4]);
    expect(x.grad).toBeNull();
  });

  it("grad() raises for an unused input unless allowUnused", () => {
    const x = f64([1, 2]);
    const unused = f64([5]);
    const y = x.mul(2).sum();
    expect(() => gl.autograd.grad(y, [x, unused], { retainGraph: true })).toThrow(/grad: input 1 \(shape \[1\]\) appears to not have been used in the graph\. Set \{ allowUnused: true \}/);
    const [dx, du] = gl.autograd.grad(y, [x, unused], { allowUnused: true });
    close(dx, [2, 2]);
    expect(du).toBeNull();
  });

  it("grad() runs hooks on the path to its inputs only (PyTorch's exec_info pruning)", () => {
    const x = f64([1, 2]);
    const w = f64([3, 4]);
    const fired: string[] = [];
    w.registerHook(() => { fired.push("w"); });
    const h = w.mul(1);
    h.registerHook(() => { fired.push("h"); });
    const k = x.mul(2);
    k.registerHook(() => { fired.push("k"); });
    const [dx] = gl.autograd.grad(k.mul(h).sum(), x);
    close(dx, [6, 8]);
    expect(fired).toEqual(["k"]);
    expect(w.grad).toBeNull();
  });

  it("grad() with gradOutputs computes a vector-Jacobian product", () => {
    const x = f64([1, 2, 3]);
    const y = x.pow(2);
    const [g] = gl.autograd.grad(y, x, { gradOutputs: [f64([1, 0, -1], false)] });
    close(g, [2, 0, -6]);
  });
});

describe("backward", () => {
  it("gradients accumulate across two backward calls", () => {
    const x = f64([1, 2]);
    x.mul(x).sum().backward();
    x.mul(3).sum().backward();
    close(x.grad, [2 + 3, 4 + 3]);
  });

  it("a second backward through freed buffers raises; retainGraph allows it", () => {
    const x = f64([1, 2]);
    const y = x.mul(x).sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    close(x.grad, [4, 8]);
    expect(() => y.backward()).toThrow(/backward: trying to backward through the graph a second time \(through SumBackward\).*retainGraph: true/);
  });

  it("createGraph gives differentiable gradients: second and mixed derivatives by hand", () => {
    const x = f64([0.5, -1.5]);
    const [dx] = gl.autograd.grad(x.pow(3).sum(), x, { createGraph: true }); // 3x^2
    close(dx, [0.75, 6.75]);
    expect(dx!.requiresGrad).toBe(true);
    const [d2x] = gl.autograd.grad(dx!.sum(), x); // 6x
    close(d2x, [3, -9]);

    const a = f64([1.3]);
    const b = f64([0.7]);
    const [db] = gl.autograd.grad(a.mul(b.pow(2)).sin().sum(), b, { createGraph: true }); // cos(ab^2) 2ab
    // d/da [cos(a b^2) 2ab] = -sin(ab^2) b^2 2ab + cos(ab^2) 2b
    const ab2 = 1.3 * 0.49;
    close(db, [Math.cos(ab2) * 2 * 1.3 * 0.7]);
    const [dab] = gl.autograd.grad(db!.sum(), a);
    close(dab, [-Math.sin(ab2) * 0.49 * 2 * 1.3 * 0.7 + Math.cos(ab2) * 2 * 0.7]);
  });

  it("backward with createGraph leaves a .grad that can itself be differentiated", () => {
    const x = f64([2]);
    x.exp().mul(x).sum().backward(undefined, { createGraph: true }); // (1 + x) e^x
    close(x.grad, [3 * Math.exp(2)]);
    const [g2] = gl.autograd.grad(x.grad!.sum(), x); // (2 + x) e^x
    close(g2, [4 * Math.exp(2)]);
  });

  it("non-scalar outputs need an explicit gradient", () => {
    const x = f64([1, 2]);
    expect(() => x.mul(2).backward()).toThrow(/backward: grad can be implicitly created only for scalar outputs; output 0 has shape \[2\]/);
    x.mul(2).backward(f64([1, 10], false));
    close(x.grad, [2, 20]);
  });

  it("multiple roots: backward([a, b], [ga, gb]) sums both contributions", () => {
    const x = f64([1, 2]);
    const a = x.mul(3);
    const b = x.pow(2);
    gl.autograd.backward([a, b], [f64([1, 1], false), f64([0.5, 2], false)]);
    close(x.grad, [3 + 0.5 * 2, 3 + 2 * 4]);
  });

  it("a root that is an ancestor of another root still runs once, after its consumer", () => {
    const x = f64([2]);
    const a = x.mul(x);     // 4
    const b = a.mul(3);     // 12
    gl.autograd.backward([a, b], [f64([1], false), f64([1], false)]);
    close(x.grad, [(1 + 3) * 2 * 2]);
  });

  it("diamond graphs sum the gradient of a tensor used on several paths", () => {
    const x = f64([0.3, -0.4]);
    const a = x.add(1);               // used three times below
    const y = a.mul(a).add(a.exp());  // dy/dx = 2a + e^a
    y.sum().backward();
    close(x.grad, [2 * 1.3 + Math.exp(1.3), 2 * 0.6 + Math.exp(0.6)]);
  });

  it("detach stops gradients; the detached tensor shares storage", () => {
    const x = f64([1, 2]);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    const y = x.mul(d).sum(); // d is a constant: dy/dx = d
    y.backward();
    close(x.grad, [2, 4]);
    const v = x.detach();
    expect(v.storage).toBe(x.storage);
  });

  it("a 10,000-op chain runs forward and backward without stack overflow", () => {
    const x = f64([1]);
    let y = x;
    for (let i = 0; i < 10_000; i++) y = y.mul(1.0001);
    y.sum().backward();
    close(x.grad, [Math.pow(1.0001, 10_000)], 1e-9);
  });

  it("backward of a tensor that does not require grad explains why", () => {
    expect(() => gl.tensor([1]).backward()).toThrow(/backward: element 0 of tensors does not require grad and does not have a gradFn/);
  });

  it("gradients are cast back to the dtype of the input they flow to", () => {
    const x = gl.tensor([1, 2], { requiresGrad: true });   // float32
    x.to("float64").mul(f64([3, 4], false)).sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    close(x.grad, [3, 4]);
  });
});

describe("grad mode", () => {
  it("noGrad and enableGrad nest and restore the previous mode", () => {
    const x = f64([1]);
    expect(gl.isGradEnabled()).toBe(true);
    const r = gl.noGrad(() => {
      expect(gl.isGradEnabled()).toBe(false);
      const inner = gl.enableGrad(() => {
        expect(gl.isGradEnabled()).toBe(true);
        return gl.noGrad(() => x.mul(2)).add(0).mul(x);
      });
      expect(gl.isGradEnabled()).toBe(false);
      return [x.mul(2), inner] as const;
    });
    expect(gl.isGradEnabled()).toBe(true);
    expect(r[0].requiresGrad).toBe(false);
    expect(r[1].requiresGrad).toBe(true);
  });

  it("grad mode is restored when the function throws", () => {
    expect(() => gl.noGrad(() => { throw new Error("boom"); })).toThrow("boom");
    expect(gl.isGradEnabled()).toBe(true);
  });
});
