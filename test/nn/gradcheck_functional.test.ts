import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import * as nn from "../../src/nn/index.js";

// Float64 central-difference checks (gl.autograd.gradcheck: eps 1e-6, atol 1e-5, rtol 1e-3)
// of every loss and normalisation in nn.functional, with respect to every differentiable
// argument, and second-order checks (gradgradcheck) of those whose gradients are smooth.
// Inputs stay away from the kinks of piecewise functions, where differences are meaningless.

const F = nn.functional;
const g = new gl.Generator(7);
const rn = (shape: number[], scale = 1, shift = 0) => gl.randn(shape, { dtype: "float64", generator: g }).mul(scale).add(shift).requiresGrad_(true);
const un = (shape: number[], lo: number, hi: number) => gl.rand(shape, { dtype: "float64", generator: g }).mul(hi - lo).add(lo).requiresGrad_(true);
const idx = (values: gl.TensorData) => gl.tensor(values, { dtype: "int32" });
const fixed = (t: Tensor) => t.detach();

function check(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], second = false): void {
  expect(gl.autograd.gradcheck(fn, inputs)).toBe(true);
  if (second) expect(gl.autograd.gradgradcheck(fn, inputs)).toBe(true);
}

describe("losses: gradients match finite differences (float64)", () => {
  it("mseLoss, l1Loss, smoothL1Loss, huberLoss", () => {
    const x = rn([3, 4]), y = rn([3, 4]);
    check((a, b) => F.mseLoss(a, b), [x, y], true);
    // The fused node: both reductions, with and without the target's gradient.
    check((a, b) => F.mseLoss(a, b, { reduction: "sum" }), [x, y], true);
    check((a) => F.mseLoss(a, fixed(y)), [x], true);
    check((a) => F.mseLoss(a, fixed(y), { reduction: "sum" }), [x], true);
    check((b) => F.mseLoss(fixed(x), b), [y], true);
    check((a, b) => F.mseLoss(a, b, { reduction: "none" }), [x, y], true);
    check((a, b) => F.l1Loss(a, b, { reduction: "sum" }), [x, y]);
    check((a, b) => F.smoothL1Loss(a, b, { beta: 0.7, reduction: "none" }), [x, y]);
    check((a, b) => F.huberLoss(a, b, { delta: 0.8 }), [x, y]);
  });

  it("crossEntropy with class indices: weights, ignoreIndex, label smoothing, spatial", () => {
    const logits = rn([5, 4], 2);
    const w = fixed(un([4], 0.5, 1.5));
    const t = idx([0, 3, -100, 1, 2]);
    check((x) => F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.2 }), [logits], true);
    check((x) => F.crossEntropy(x, t, { reduction: "none", labelSmoothing: 0.1 }), [logits]);
    check((x) => F.crossEntropy(x, idx([[1, 0], [2, 2]]).reshape(1, 2, 2)), [rn([1, 3, 2, 2])]);
  });

  it("crossEntropy with probability targets: gradients to the scores and to the targets", () => {
    const logits = rn([3, 4]);
    const probs = gl.noGrad(() => gl.softmax(gl.randn([3, 4], { dtype: "float64", generator: g }), 1)).requiresGrad_(true);
    check((x, p) => F.crossEntropy(x, p, { labelSmoothing: 0.1 }), [logits, probs], true);
  });

  it("nllLoss", () => {
    const w = fixed(un([3], 0.5, 2));
    check((x) => F.nllLoss(x, idx([2, 0, 1]), { weight: w }), [rn([3, 3])], true);
  });

  it("binaryCrossEntropy (input and target) and binaryCrossEntropyWithLogits (with posWeight)", () => {
    check((p, y) => F.binaryCrossEntropy(p, y), [un([2, 3], 0.1, 0.9), un([2, 3], 0, 1)], true);
    const w = fixed(un([3], 0.5, 1.5)), pw = fixed(un([3], 0.5, 3));
    check((z, y) => F.binaryCrossEntropyWithLogits(z, y, { weight: w, posWeight: pw }), [rn([2, 3], 2), un([2, 3], 0, 1)], true);
  });

  it("klDiv with probability and log-probability targets", () => {
    const lq = gl.noGrad(() => gl.logSoftmax(gl.randn([2, 3], { dtype: "float64", generator: g }), 1)).requiresGrad_(true);
    check((a, p) => F.klDiv(a, p, { reduction: "batchmean" }), [lq, un([2, 3], 0.1, 1)], true);
    check((a, lp) => F.klDiv(a, lp, { logTarget: true, reduction: "sum" }), [lq, rn([2, 3])]);
  });

  it("poissonNllLoss, gaussianNllLoss", () => {
    check((x) => F.poissonNllLoss(x, gl.tensor([[0, 2, 5]], { dtype: "float64" }), { full: true }), [rn([1, 3])]);
    check((x) => F.poissonNllLoss(x, gl.tensor([1, 3], { dtype: "float64" }), { logInput: false }), [un([2], 0.5, 3)]);
    check((m, y, v) => F.gaussianNllLoss(m, y, v, { full: true }), [rn([3, 2]), rn([3, 2]), un([3, 2], 0.3, 2)], true);
  });

  it("marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, cosineEmbeddingLoss", () => {
    const y = gl.tensor([1, -1, 1, -1], { dtype: "float64" });
    // Inputs placed so that no hinge sits at its kink.
    check((a, b) => F.marginRankingLoss(a, b, y, { margin: 0.1 }), [gl.tensor([1, 2, -1, 0.5], { dtype: "float64", requiresGrad: true }), gl.tensor([0, 0, 0, 0], { dtype: "float64", requiresGrad: true })]);
    check((x) => F.hingeEmbeddingLoss(x, y), [gl.tensor([0.3, 0.4, 2, 1.7], { dtype: "float64", requiresGrad: true })]);
    check((x) => F.softMarginLoss(x, y), [rn([4])], true);
    check((a, b) => F.cosineEmbeddingLoss(a, b, y, { margin: -1 }), [rn([4, 3]), rn([4, 3])], true);
  });
});

describe("normalisation and the rest of F: gradients match finite differences (float64)", () => {
  it("layerNorm (input, weight, bias), to second order", () => {
    check((x, w, b) => F.layerNorm(x, [4], { weight: w, bias: b }), [rn([2, 4], 2, 1), rn([4]), rn([4])], true);
    check((x) => F.layerNorm(x, [2, 3]), [rn([2, 2, 3])]);
  });

  it("batchNorm in training (batch statistics) and in evaluation (running statistics)", () => {
    const rmean = gl.zeros([3], { dtype: "float64" }), rvar = gl.ones([3], { dtype: "float64" });
    check((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [rn([4, 3], 1.5, 0.5), rn([3]), rn([3])], true);
    check((x) => F.batchNorm(x, rmean, rvar, { training: true }), [rn([2, 3, 2])]);
    check((x, w) => F.batchNorm(x, rmean, rvar, { weight: w }), [rn([2, 3, 2]), rn([3])]);
  });

  it("groupNorm and instanceNorm", () => {
    check((x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }), [rn([2, 4, 3]), rn([4]), rn([4])], true);
    check((x, w) => F.instanceNorm(x, { weight: w }), [rn([2, 2, 3]), rn([2])], true);
  });

  it("embedding (repeated rows add up), pad, cosineSimilarity", () => {
    check((w) => F.embedding(idx([[0, 2, 2], [3, 0, 1]]), w), [rn([4, 2])]);
    check((x) => F.pad(x, [2, 1, 1, 0], { mode: "reflect" }), [rn([1, 3, 4])]);
    check((x) => F.pad(x, [1, 2], { mode: "replicate" }), [rn([2, 3])]);
    check((x) => F.pad(x, [-1, 2, 1, 1], { value: 3 }), [rn([2, 3])]);
    check((a, b) => F.cosineSimilarity(a, b), [rn([3, 4]), rn([3, 4])], true);
  });

  it("activations with their own gradient rules, to second order", () => {
    const away = gl.tensor([-2.5, -0.7, 0.4, 1.9, -4, 3.3], { dtype: "float64", requiresGrad: true });
    const fns: ((x: Tensor) => Tensor)[] = [F.logSigmoid, (x) => F.elu(x), F.selu, (x) => F.celu(x, 1.7), F.mish, F.softsign, F.tanhshrink];
    for (const f of fns) check(f, [away], true);
    check((x) => F.glu(x, 0), [rn([4, 2])], true);
  });
});
