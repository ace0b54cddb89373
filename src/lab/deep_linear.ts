// The ops and autograd entries also install the Tensor methods that nn and optim call.
import { backward } from "../autograd/index.js";
import { cast } from "../ops/index.js";
import { mseLoss } from "../nn/functional/loss.js";
import { normal_ } from "../nn/init.js";
import { Linear } from "../nn/modules/linear.js";
import { Module } from "../nn/module.js";
import { SGD } from "../optim/sgd.js";
import { hierarchicalTree } from "../data/datasets/tree.js";
import { defaultGenerator, Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { deriveSeed } from "./config.js";
import type { DlnnTrainConfig, OptionSpec, TreeDataConfig } from "./types.js";

// The deep linear network of the tree experiments (dlnn, illusory, linreg): its data,
// model, init and full-batch SGD loop, shared so the three train exactly the same way.

/** Option specs of the hierarchical data (shared by the tree experiments). */
export const treeDataOptions: readonly OptionSpec[] = [
  { name: "seed", type: "integer", default: 2021, min: 0, max: 4294967295, group: "data", description: "Seed of the sampled features and of the weight init." },
  { name: "nLevels", type: "integer", default: 3, min: 1, max: 6, group: "data", description: "Depth of the tree; the items are its leaves (nBranches^nLevels of them, at most 64)." },
  { name: "nBranches", type: "integer", default: 2, min: 2, max: 8, group: "data", description: "Children per node of the tree." },
  { name: "flipProbability", type: "number", default: 0.15, min: 0, max: 1, step: 0.01, group: "data", description: "Probability that a node flips the sign it inherits from its parent." },
  { name: "rootFlipProbability", type: "number", default: 0.5, min: 0, max: 1, step: 0.01, group: "data", description: "Flip probability of the root (0.5: each feature's overall sign is a coin)." },
  { name: "nFeatures", type: "integer", default: 10000, min: 1, max: 100000, group: "data", description: "Number of sampled features (the output dimension)." },
];

/** Option specs of the network and its training (shared by the tree experiments). */
export const deepLinearOptions: readonly OptionSpec[] = [
  { name: "hidden", type: "integer", default: 30, min: 1, max: 1000, group: "network", description: "Hidden units of the linear network items -> hidden -> features (no biases)." },
  { name: "gamma", type: "number", default: 1e-12, min: 1e-15, max: 10, logScale: true, group: "network", description: "Init scale: each weight matrix ~ N(0, (gamma / sqrt(nIn + nOut))^2)." },
  { name: "lr", type: "number", default: 100, min: 0, max: 1000, step: 1, group: "training", description: "Learning rate of full-batch SGD on the MSE (mean over items x features)." },
  { name: "epochs", type: "integer", default: 250, min: 1, max: 10000, group: "training", description: "Number of full-batch SGD steps." },
  { name: "dtype", type: "choice", default: "float32", choices: ["float32", "float64"], group: "training", description: "Floating-point type of the network (float32 as in PyTorch)." },
];

/** Largest number of items (leaves) the tree experiments accept (their matrices are items x items). */
export const MAX_ITEMS = 64;

/** Checks the tree's size, naming the options. */
export function checkTreeSize(experiment: string, cfg: TreeDataConfig): number {
  const nItems = cfg.nBranches ** cfg.nLevels;
  if (nItems > MAX_ITEMS) {
    throw new RangeError(`${experiment}: options "nBranches" ^ "nLevels" = ${cfg.nBranches}^${cfg.nLevels} = ${nItems} items, at most ${MAX_ITEMS} are supported`);
  }
  return nItems;
}

/**
 * The tree data of a config: one-hot items X [P, P] and features Y [P, N], in `dtype`.
 * @example const { X, Y, items } = treeData(config)
 */
export function treeData(cfg: TreeDataConfig & { dtype: DlnnTrainConfig["dtype"] }): { X: Tensor; Y: Tensor; items: string[] } {
  const { X, Y, items } = hierarchicalTree({
    nLevels: cfg.nLevels, nBranches: cfg.nBranches, flipProbability: cfg.flipProbability,
    rootFlipProbability: cfg.rootFlipProbability, nFeatures: cfg.nFeatures, seed: cfg.seed,
  });
  return { X: cast(X, cfg.dtype), Y: cast(Y, cfg.dtype), items };
}

/**
 * Runs `make` (which builds nn layers) without moving the process-wide generator: nn.Linear
 * draws its default init from it, and a run must not change what the user's gl.randn gives.
 * @example const fc = keepGlobalGenerator(() => new Linear(8, 30, { bias: false }));
 */
export function keepGlobalGenerator<T>(make: () => T): T {
  const saved = defaultGenerator.getState();
  try {
    return make();
  } finally {
    defaultGenerator.setState(saved);
  }
}

/**
 * The tutorial's LNNet: a linear network without biases that returns its output and its
 * hidden activity. Its layers are drawn from `g` (not the process-wide generator).
 * @example const net = new LNNet(8, 30, 10000, 1e-12, new Generator(0)); net.forward(X).out
 */
export class LNNet extends Module {
  inHid: Linear;
  hidOut: Linear;

  constructor(nIn: number, nHidden: number, nOut: number, gamma: number, g: Generator, dtype: DlnnTrainConfig["dtype"] = "float32") {
    super();
    this.inHid = keepGlobalGenerator(() => new Linear(nIn, nHidden, { bias: false, dtype }));
    this.hidOut = keepGlobalGenerator(() => new Linear(nHidden, nOut, { bias: false, dtype }));
    for (const w of [this.inHid.weight, this.hidOut.weight]) {
      const [nOutW, nInW] = w.shape;
      normal_(w, 0, gamma / Math.sqrt(nInW + nOutW), g);
    }
  }

  forward(x: Tensor): { out: Tensor; hid: Tensor } {
    const hid = this.inHid.forward(x);
    return { out: this.hidOut.forward(hid), hid };
  }
}

/** The network at one epoch: after `epoch` SGD steps (epoch 0: the initial network). */
export interface DeepLinearState {
  epoch: number;
  loss: number;
  /** Outputs for the one-hot items [P, N] (= W_tot^T, since X = I), detached. */
  out: Tensor;
  /** Hidden activity [P, H] (= W1^T), detached. */
  hid: Tensor;
}

export interface DeepLinearResult {
  /** Initial W1 [H, P] and W2 [N, H], row-major. */
  W1init: Float64Array;
  W2init: Float64Array;
  /** The loss became non-finite: training stopped at `lastEpoch`. */
  diverged: boolean;
  lastEpoch: number;
}

/**
 * Trains LNNet(P -> hidden -> N) by full-batch SGD on the MSE, calling `observe` with the
 * state at epochs 0..epochs (each state costs one forward pass, which the next step reuses).
 * The init draws from the seed's stream 1 (the data use the seed itself).
 * @example trainDeepLinear(X, Y, config, (s) => losses.push(s.loss))
 */
export function trainDeepLinear(
  X: Tensor, Y: Tensor, cfg: DlnnTrainConfig & { seed: number }, observe: (s: DeepLinearState) => void,
): DeepLinearResult {
  const [P, N] = Y.shape;
  const net = new LNNet(P, cfg.hidden, N, cfg.gamma, new Generator(deriveSeed(cfg.seed, 1)), cfg.dtype);
  const W1init = Float64Array.from(net.inHid.weight.dataSync());
  const W2init = Float64Array.from(net.hidOut.weight.dataSync());
  const opt = new SGD(net.parameters(), { lr: cfg.lr });
  let diverged = false, lastEpoch = 0;
  for (let e = 0; e <= cfg.epochs; e++) {
    const { out, hid } = net.forward(X);
    const loss = mseLoss(out, Y);
    const lossValue = loss.item();
    if (!Number.isFinite(lossValue)) {
      diverged = true;
      break;
    }
    lastEpoch = e;
    observe({ epoch: e, loss: lossValue, out: out.detach(), hid: hid.detach() });
    if (e === cfg.epochs) break;
    opt.zeroGrad();
    backward(loss);
    opt.step();
  }
  return { W1init, W2init, diverged, lastEpoch };
}
