import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Node } from "../../src/ops/graph.js";

// Checkpointed gradients must equal the gradients of running fn directly (bit for bit:
// the recomputation runs the same kernels on the same values).

const f64 = (shape: number[], requiresGrad = true) => gl.randn(shape, { dtype: "float64", requiresGrad });

function gradsOf(loss: () => gl.Tensor, leaves: gl.Tensor[]): number[][] {
  for (const l of leaves) l.grad = null;
  loss().backward();
  const out = leaves.map((l) => l.grad!.tolist());
  for (const l of leaves) l.grad = null;
  return out;
}

/** Every node reachable from `t`'s gradFn. */
function reachable(t: gl.Tensor): Node[] {
  const seen = new Set<Node>();
  const stack = [t.gradFn as Node];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const nx of n.next) if (nx) stack.push(nx);
  }
  return [...seen];
}

describe("autograd.checkpoint", () => {
  gl.manualSeed(7);
  const w1 = f64([4, 5]);
  const w2 = f64([5, 3]);
  const block = (h: gl.Tensor) => h.matmul(w1).tanh().matmul(w2).sigmoid().mul(h.sum(-1, true));

  it("gives the same gradients as running fn directly, for inputs and closed-over parameters", () => {
    const x = f64([2, 4]);
    const plain = gradsOf(() => block(x).pow(2).sum(), [x, w1, w2]);
    const ckpt = gradsOf(() => gl.autograd.checkpoint(block, x).pow(2).sum(), [x, w1, w2]);
    expect(ckpt).toEqual(plain);
  });

  it("works under autograd.grad for a parameter fn closes over (unlike reentrant checkpointing)", () => {
    const x = f64([2, 4]);
    const [plain] = gl.autograd.grad(block(x).sum(), [w2]);
    const [ckpt] = gl.autograd.grad(gl.autograd.checkpoint(block, x).sum(), [w2]);
    expect(ckpt!.tolist()).toEqual(plain!.tolist());
    expect(w2.grad).toBeNull();
  });

  it("keeps no intermediate activations: the output's graph is one checkpoint node over the leaves", () => {
    const x = f64([2, 4]);
    const y = gl.autograd.checkpoint(block, x);
    expect(y.gradFn!.name).toBe("CheckpointBackward");
    const nodes = reachable(y);
    // The checkpoint node and one accumulator per leaf it reads (x, w1, w2): nothing else.
    expect(nodes.map((n) => n.name).sort()).toEqual(["AccumulateGrad", "AccumulateGrad", "AccumulateGrad", "CheckpointBackward"]);
    const direct = reachable(block(x));
    expect(direct.length).toBeGreaterThan(8);
  });

  it("releases the first run's graph, so intermediates a caller kept cannot pin activations", () => {
    const x = f64([2, 4]);
    let inner: gl.Tensor | null = null;
    gl.autograd.checkpoint((h: gl.Tensor) => { inner = h.matmul(w1); return inner.tanh(); }, x);
    const node = inner!.gradFn as Node;
    expect(node.released).toBe(true);
    expect(node.saved).toBeNull();
    expect(node.backwardFn).toBeNull();
  });

  it("recomputes fn exactly once per backward", () => {
    const x = f64([3]);
    let calls = 0;
    const y = gl.autograd.checkpoint((h: gl.Tensor) => { calls++; return h.exp().mul(h); }, x);
    expect(calls).toBe(1);
    y.sum().backward();
    expect(calls).toBe(2);
  });

  it("handles fn returning an array, outputs without gradient, and an input returned as is", () => {
    const x = f64([3]);
    const fn = (h: gl.Tensor): gl.Tensor[] => [h.sin(), h.mul(h).exp(), h, h.gt(0)];
    const plain = gradsOf(() => { const [a, b, c] = fn(x); return a.sum().add(c.mul(2).sum()).add(b.mul(0).sum()); }, [x]);
    const ckpt = gradsOf(() => {
      const [a, b, c, d] = gl.autograd.checkpoint(fn, x);
      expect(d.dtype).toBe("bool");
      expect(c).toBe(x);
      return a.sum().add(c.mul(2).sum()).add(b.mul(0).sum());
    }, [x]);
    expect(ckpt).toEqual(plain);
    // Only the second output gets a gradient: the first gets zeros inside the recomputation.
    const only = gradsOf(() => gl.autograd.checkpoint(fn, x)[1].sum(), [x]);
    expect(only).toEqual(gradsOf(() => fn(x)[1].sum(), [x]));
  });

  it("accepts inputs that do not require grad and non-tensor arguments", () => {
    const c = f64([2, 4], false);
    const fn = (h: gl.Tensor, scale: number) => block(h).mul(scale);
    const y = gl.autograd.checkpoint(fn, c, 3);
    expect(y.requiresGrad).toBe(true); // through w1, w2
    expect(gradsOf(() => gl.autograd.checkpoint(fn, c, 3).sum(), [w1, w2])).toEqual(gradsOf(() => fn(c, 3).sum(), [w1, w2]));
    // Nothing requires grad: a plain result.
    const z = gl.autograd.checkpoint((h: gl.Tensor) => h.mul(2), c);
    expect(z.requiresGrad).toBe(false);
  });

  it("sends gradients into non-leaf inputs and non-leaf tensors fn closes over", () => {
    const x = f64([2, 4]);
    const a = f64([4]);
    // bias is a non-leaf fn closes over; it also feeds the loss outside the segment.
    const run = (wrap: (f: (h: gl.Tensor) => gl.Tensor, h: gl.Tensor) => gl.Tensor) => gradsOf(() => {
      const bias = a.exp();
      const fn = (h: gl.Tensor) => h.add(bias).matmul(w1).relu().sum(0);
      return wrap(fn, x.mul(2)).sum().add(bias.sum());
    }, [x, a, w1]);
    expect(run((f, h) => gl.autograd.checkpoint(f, h))).toEqual(run((f, h) => f(h)));
  });

  it("replays the random state, so dropout-like masks match the forward pass", () => {
    const x = f64([50]);
    const fn = (h: gl.Tensor) => h.mul(gl.rand([50], { dtype: "float64" }).gt(0.5)).mul(2);
    gl.manualSeed(11);
    const plain = gradsOf(() => fn(x).sum(), [x]);
    gl.manualSeed(11);
    const y = gl.autograd.checkpoint(fn, x);
    gl.randn([3]); // consume random numbers between forward and backward
    const before = gl.defaultGenerator.getState();
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual(plain[0]);
    // Backward leaves the caller's random stream where it was.
    const next = gl.rand([4]).tolist();
    gl.defaultGenerator.setState(before);
    expect(gl.rand([4]).tolist()).toEqual(next);
    x.grad = null;
  });

  it("supports double backward (createGraph) with the same second derivatives", () => {
    const x = f64([3]);
    const fn = (h: gl.Tensor) => h.pow(3).mul(h.sin());
    const second = (run: (h: gl.Tensor) => gl.Tensor) => {
      const [g] = gl.autograd.grad(run(x).sum(), x, { createGraph: true });
      const [g2] = gl.autograd.grad(g!.sum(), x);
      return [g!.tolist(), g2!.tolist()];
    };
    expect(second((h) => gl.autograd.checkpoint(fn, h))).toEqual(second(fn));
  });

  it("works with retainGraph (two backwards recompute twice) and nested checkpoints", () => {
    const x = f64([2, 4]);
    const y = gl.autograd.checkpoint((h: gl.Tensor) => gl.autograd.checkpoint(block, h.mul(2)).sum(), x);
    y.backward(null, { retainGraph: true });
    const once = x.grad!.tolist();
    y.backward();
    x.grad!.tolist().forEach((v, i) => expect(v).toBeCloseTo(2 * once[i], 12));
    x.grad = null;
    w1.grad = null; w2.grad = null;
    expect(gradsOf(() => gl.autograd.checkpoint((h: gl.Tensor) => gl.autograd.checkpoint(block, h.mul(2)).sum(), x), [x, w1, w2]))
      .toEqual(gradsOf(() => block(x.mul(2)).sum(), [x, w1, w2]));
  });

  it("under noGrad it simply runs fn", () => {
    const x = f64([2]);
    const y = gl.noGrad(() => gl.autograd.checkpoint((h: gl.Tensor) => h.mul(2), x));
    expect(y.requiresGrad).toBe(false);
  });

  it("refuses to backward after an input was modified in place", () => {
    const x = f64([3], false);
    const w = f64([3]);
    const y = gl.autograd.checkpoint((h: gl.Tensor) => h.mul(w), x);
    x.add_(1);
    expect(() => y.sum().backward()).toThrow(/CheckpointBackward \(shape \[3\], float64\) was modified by an in-place operation/);
  });

  it("rejects a fn that returns something other than tensors", () => {
    const x = f64([2]);
    expect(() => gl.autograd.checkpoint((_h: gl.Tensor) => 3 as unknown as gl.Tensor, x)).toThrow(/checkpoint: fn must return a Tensor or an array of Tensors; output 0 is number/);
  });
});
