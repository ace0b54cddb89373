import { backward } from "../autograd/index.js";
import { mseLoss } from "../nn/functional/loss.js";
import { kaimingUniform_ } from "../nn/init.js";
import { Linear } from "../nn/modules/linear.js";
import { Module } from "../nn/module.js";
import { cast, matmul } from "../ops/index.js";
import { inv } from "../ops/linalg/lu.js";
import { transpose } from "../ops/shape.js";
import { SGD } from "../optim/sgd.js";
import { Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { deriveSeed, resolveConfig } from "./config.js";
import { checkTreeSize, deepLinearOptions, keepGlobalGenerator, trainDeepLinear, treeData, treeDataOptions } from "./deep_linear.js";
import type { LinregConfig, LinregRecords, OptionSpec, ProgressCallback } from "./types.js";

/** The tutorial's bonus section: analytic, zero-hidden-layer net (lr 1000), and the deep net's W_tot. */
export const defaults: LinregConfig = {
  seed: 2021, nLevels: 3, nBranches: 2, flipProbability: 0.15, rootFlipProbability: 0.5, nFeatures: 10000,
  hidden: 30, gamma: 1e-12, lr: 100, epochs: 250, dtype: "float32",
  shallowLr: 1000, shallowEpochs: 250, tolerance: 1e-2,
};

/** Option schema of the linear-regression experiment. */
export const options: readonly OptionSpec[] = [
  ...treeDataOptions,
  ...deepLinearOptions,
  { name: "shallowLr", type: "number", default: 1000, min: 0, max: 10000, step: 10, group: "shallow", description: "Learning rate of the zero-hidden-layer network (full-batch SGD on the MSE)." },
  { name: "shallowEpochs", type: "integer", default: 250, min: 1, max: 10000, group: "shallow", description: "Full-batch SGD steps of the zero-hidden-layer network." },
  { name: "tolerance", type: "number", default: 1e-2, min: 0, max: 1, logScale: true, group: "records", description: "The three maps agree when their largest absolute difference is at most this." },
];

/**
 * Validates a partial linreg config (filling the defaults).
 * @example validate({ shallowLr: 500 }).shallowEpochs // 250
 */
export function validate(config: Partial<LinregConfig> = {}): LinregConfig {
  const cfg = resolveConfig("linreg", options, defaults, config);
  checkTreeSize("linreg", cfg);
  return cfg;
}

/** The tutorial's LRNet: one bias-free linear layer with PyTorch's default init, drawn from `g`. */
class LRNet extends Module {
  inOut: Linear;

  constructor(nIn: number, nOut: number, g: Generator, dtype: LinregConfig["dtype"]) {
    super();
    this.inOut = keepGlobalGenerator(() => new Linear(nIn, nOut, { bias: false, dtype }));
    kaimingUniform_(this.inOut.weight, { a: Math.sqrt(5), generator: g });
  }

  forward(x: Tensor): Tensor {
    return this.inOut.forward(x);
  }
}

/**
 * The analytic least-squares map W = Y X^T (X X^T)^-1 for samples in the columns of X
 * [nIn, nSamples] and Y [nOut, nSamples] (the tutorial's linear_regression), in float64.
 * @example analyticRegression(gl.eye(2), gl.tensor([[1, 2]])) // [[1, 2]]
 */
export function analyticRegression(X: Tensor, Y: Tensor): Tensor {
  const x = cast(X, "float64"), y = cast(Y, "float64");
  const xt = transpose(x, 0, 1);
  return matmul(matmul(y, xt), inv(matmul(x, xt)));
}

/** Largest absolute difference of two equally long arrays. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The first `rows` rows of a row-major [*, cols] array, as nested arrays ([] if not all finite: JSON has no NaN). */
function corner(a: ArrayLike<number>, rows: number, cols: number): number[][] {
  const out = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => a[r * cols + c]));
  return out.every((row) => row.every(Number.isFinite)) ? out : [];
}

/**
 * Linear regression three ways on the tree data (the tutorial's bonus): the analytic map
 * W = Y X^T (X X^T)^-1, a zero-hidden-layer network trained by full-batch SGD, and the deep
 * linear network's W_tot = W2 W1 after the dlnn training. Reports the largest absolute
 * differences between the three [nFeatures, nItems] maps and both training curves.
 * @example
 * const rec = run();
 * rec.summary.agree; // true: all three within 1e-2
 */
export function run(config: Partial<LinregConfig> = {}, onProgress?: ProgressCallback): LinregRecords {
  const cfg = validate(config);
  const { X, Y } = treeData(cfg);
  const [P, N] = Y.shape;
  const total = cfg.epochs + cfg.shallowEpochs;
  // Samples are the rows of X and Y; the tutorial's formula takes them as columns.
  const analytic = analyticRegression(transpose(X, 0, 1), transpose(Y, 0, 1)).dataSync();

  const shallow = new LRNet(P, N, new Generator(deriveSeed(cfg.seed, 2)), cfg.dtype);
  const opt = new SGD(shallow.parameters(), { lr: cfg.shallowLr });
  const shallowLoss: number[] = [];
  let shallowDiverged = false;
  for (let e = 0; e <= cfg.shallowEpochs; e++) {
    const loss = mseLoss(shallow.forward(X), Y);
    const value = loss.item();
    if (!Number.isFinite(value)) {
      shallowDiverged = true;
      break;
    }
    shallowLoss.push(value);
    onProgress?.({ epoch: e, total, partial: { shallowLoss: shallowLoss[e] } });
    if (e === cfg.shallowEpochs) break;
    opt.zeroGrad();
    backward(loss);
    opt.step();
  }
  const shallowW = Float64Array.from(shallow.inOut.weight.dataSync());

  const deepLoss: number[] = [];
  let deepOut: Tensor = X;
  const deep = trainDeepLinear(X, Y, cfg, (s) => {
    deepLoss.push(s.loss);
    deepOut = s.out;
    onProgress?.({ epoch: cfg.shallowEpochs + s.epoch, total, partial: { deepLoss: s.loss } });
  });
  // W_tot = out^T for the one-hot items (the last state observed).
  const deepW = Float64Array.from(transpose(cast(deepOut, "float64"), 0, 1).contiguous().dataSync());

  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  const diffs = {
    analyticVsShallow: shallowDiverged ? null : finite(maxAbsDiff(analytic, shallowW)),
    analyticVsDeep: deep.diverged ? null : finite(maxAbsDiff(analytic, deepW)),
    shallowVsDeep: shallowDiverged || deep.diverged ? null : finite(maxAbsDiff(shallowW, deepW)),
  };
  const values = [diffs.analyticVsShallow, diffs.analyticVsDeep, diffs.shallowVsDeep];
  const maxDiff = values.some((v) => v === null) ? null : Math.max(...(values as number[]));
  const rows = Math.min(5, N);
  return {
    experiment: "linreg",
    config: cfg,
    shallowLoss,
    deepLoss,
    maxAbsDiff: diffs,
    sample: { rows, analytic: corner(analytic, rows, P), shallow: corner(shallowW, rows, P), deep: corner(deepW, rows, P) },
    summary: {
      agree: maxDiff !== null && maxDiff <= cfg.tolerance, tolerance: cfg.tolerance, maxDiff,
      diverged: { shallow: shallowDiverged, deep: deep.diverged },
    },
  };
}
