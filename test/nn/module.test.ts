import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 3);
  act = new nn.ReLU();
  fc2 = new nn.Linear(3, 2, { bias: false });
  constructor() {
    super();
    this.registerBuffer("steps", gl.zeros([1]));
  }
  forward(x: gl.Tensor): gl.Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

describe("nn.Module", () => {
  it("registers parameters, children and buffers from fields, in definition order", () => {
    const net = new Net();
    expect([...net.namedParameters()].map(([k, p]) => [k, p.shape])).toEqual([
      ["fc1.weight", [3, 4]], ["fc1.bias", [3]], ["fc2.weight", [2, 3]],
    ]);
    expect([...net.namedChildren()].map(([k]) => k)).toEqual(["fc1", "act", "fc2"]);
    expect(Object.keys(net.stateDict())).toEqual(["steps", "fc1.weight", "fc1.bias", "fc2.weight"]);
    expect(net.parameters().every((p) => p.requiresGrad && p.isLeaf)).toBe(true);
  });

  it("Linear uses PyTorch's layout and init bounds", () => {
    gl.manualSeed(0);
    const fc = new nn.Linear(100, 7);
    const bound = 1 / Math.sqrt(100);
    for (const v of fc.weight.dataSync()) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    const x = gl.randn([5, 100]);
    const y = fc.forward(x);
    const manual = x.matmul(fc.weight.T).add(fc.bias!);
    expect(y.toArray()).toEqual(manual.toArray());
  });

  it("train/eval propagate; zeroGrad clears; hooks fire through call()", () => {
    const net = new Net();
    net.eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    const out = net.call(gl.randn([2, 4]));
    out.sum().backward();
    expect(net.fc1.weight.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.fc1.weight.grad!.abs().sum().item()).toBe(0);
    const seen: number[][] = [];
    const h = net.fc1.registerForwardHook((_m, _in, o) => { seen.push((o as gl.Tensor).shape.slice()); });
    net.call(gl.randn([5, 4]));
    h.remove();
    net.call(gl.randn([5, 4]));
    expect(seen).toEqual([[5, 3]]);
  });

  it("stateDict round-trips and loadStateDict reports missing, unexpected and mismatched keys like PyTorch", () => {
    const a = new Net(), b = new Net();
    b.loadStateDict(a.stateDict());
    const x = gl.randn([3, 4]);
    expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
    const sd = a.stateDict();
    delete sd["fc1.bias"];
    sd["extra.weight"] = gl.zeros([1]);
    sd["fc2.weight"] = gl.zeros([2, 4]);
    expect(() => b.loadStateDict(sd)).toThrow(
      /Error\(s\) in loading state_dict for Net:\n\tUnexpected key\(s\) in state_dict: "extra.weight".\n\tMissing key\(s\) in state_dict: "fc1.bias".\n\tsize mismatch for fc2.weight: copying a param with shape \[2,4\] from checkpoint, the shape in current model is \[2,3\]./,
    );
    const { missingKeys } = b.loadStateDict({ ...a.stateDict(), "fc1.bias": undefined as never }, { strict: false });
    expect(missingKeys).toEqual(["fc1.bias"]);
  });

  it("to(float64) converts in place, keeping parameter identity", () => {
    const net = new Net();
    const w = net.fc1.weight;
    net.double();
    expect(net.fc1.weight).toBe(w);
    expect(w.dtype).toBe("float64");
    expect(net.forward(gl.randn([2, 4], { dtype: "float64" })).dtype).toBe("float64");
  });

  it("Sequential chains and prints like PyTorch; bad input names the layer and shapes", () => {
    const m = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
    expect(m.forward(gl.randn([3, 4])).shape).toEqual([3, 2]);
    expect(String(m)).toBe("Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=8, out_features=2, bias=True)\n)");
    expect(() => m.forward(gl.randn([3, 5]))).toThrow("Linear(in_features=4, out_features=8): input of shape [3,5] has 5 features in its last dim, expected 4");
  });

  it("init: xavier/kaiming bounds and orthogonal rows", () => {
    const w = gl.zeros([20, 30]);
    nn.init.xavierUniform_(w);
    const a = Math.sqrt(6 / 50);
    expect(Math.max(...Array.from(w.dataSync(), Math.abs))).toBeLessThanOrEqual(a);
    nn.init.orthogonal_(w);
    const wwt = w.matmul(w.T);
    const eye = gl.eye(20);
    expect(wwt.sub(eye).abs().sum().item() / 400).toBeLessThan(1e-6);
  });
});

describe("activation modules", () => {
  it("LeakyReLU's gradient at 0 is the negative slope (as PyTorch)", () => {
    const x = gl.tensor([0, -2, 3], { dtype: "float64", requiresGrad: true });
    new nn.LeakyReLU(0.1).forward(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([0.1, 0.1, 1]); // torch.nn.LeakyReLU(0.1) at [0, -2, 3]
  });

  it("Softmax and LogSoftmax modules: rows sum to 1 and exp(logSoftmax) = softmax", () => {
    const x = gl.randn([2, 5], { dtype: "float64" });
    const p = new nn.Softmax(-1).forward(x);
    expect(p.sum(-1).sub(1).abs().max().item()).toBeLessThan(1e-12);
    expect(new nn.LogSoftmax(1).forward(x).exp().sub(p).abs().max().item()).toBeLessThan(1e-12);
    expect(String(new nn.Softmax(1))).toBe("Softmax(dim=1)");
  });
});
