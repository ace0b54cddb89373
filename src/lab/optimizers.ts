import { backward } from "../autograd/index.js";
import { DataLoader } from "../data/dataloader.js";
import { TensorDataset } from "../data/dataset.js";
import { makeRegression } from "../data/datasets/synthetic.js";
import { mseLoss } from "../nn/functional/loss.js";
import { Parameter } from "../nn/parameter.js";
import { cast, matmul } from "../ops/index.js";
import { Adam } from "../optim/adam.js";
import { RMSprop } from "../optim/rmsprop.js";
import { SGD } from "../optim/sgd.js";
import { linspace } from "../tensor/creation.js";
import { Tensor } from "../tensor/tensor.js";
import { deriveSeed, resolveConfig } from "./config.js";
import type { OptimizerName, OptimizersConfig, OptimizersRecords, OptionSpec, ProgressCallback, Trajectory, TrajectoryPoint } from "./types.js";

/** Most points recorded per trajectory (SGD with batch 1 takes nSamples steps per epoch). */
export const MAX_POINTS = 2000;

/** Every optimizer the experiment knows, in display order. */
export const OPTIMIZERS: readonly OptimizerName[] = ["gd", "sgd", "minibatch", "momentum", "nesterov", "rmsprop", "adam"];

/** y = 5x + 2 on 100 points in [0, 1], from (0, 0), with a learning rate below 2 / lambdaMax (0.79). */
export const defaults: OptimizersConfig = {
  dataset: "line", nSamples: 100, seed: 0, noise: 0,
  lr: 0.5, sgdLr: 0.2, adaptiveLr: 0.2, momentum: 0.8, batchSize: 10, epochs: 150,
  start: [0, 0], optimizers: [...OPTIMIZERS], gridSize: 41,
};

/** Option schema of the optimizers experiment. */
export const options: readonly OptionSpec[] = [
  { name: "dataset", type: "choice", default: "line", choices: ["line", "regression"], group: "data", description: "\"line\": X = linspace(0, 1, n), y = 5X + 2, parameters (w, b); \"regression\": makeRegression with 2 features and no bias, parameters (w1, w2)." },
  { name: "nSamples", type: "integer", default: 100, min: 2, max: 100000, group: "data", description: "Number of data points." },
  { name: "seed", type: "integer", default: 0, min: 0, max: 4294967295, group: "data", description: "Seed of the regression data and of the stochastic methods' shuffles." },
  { name: "noise", type: "number", default: 0, min: 0, max: 1000, group: "data", description: "Noise of the regression dataset's targets (the line has none)." },
  { name: "lr", type: "number", default: 0.5, min: 0, max: 100, step: 0.01, group: "training", description: "Learning rate of the full-batch methods (gd, momentum, nesterov); GD is stable below 2 / lambdaMax." },
  { name: "sgdLr", type: "number", default: 0.2, min: 0, max: 100, step: 0.01, group: "training", description: "Learning rate of the stochastic methods (sgd with batch 1, minibatch)." },
  { name: "adaptiveLr", type: "number", default: 0.2, min: 0, max: 100, step: 0.01, group: "training", description: "Learning rate of the adaptive methods (rmsprop, adam)." },
  { name: "momentum", type: "number", default: 0.8, min: 0, max: 0.999, step: 0.01, group: "training", description: "Momentum of the momentum and nesterov methods." },
  { name: "batchSize", type: "integer", default: 10, min: 1, max: 100000, group: "training", description: "Batch size of the minibatch method." },
  { name: "epochs", type: "integer", default: 150, min: 1, max: 10000, group: "training", description: "Passes over the data (one step each for the full-batch methods)." },
  { name: "start", type: "numberArray", default: [0, 0], length: 2, min: -1e6, max: 1e6, group: "training", description: "Starting parameters, (w, b) or (w1, w2)." },
  { name: "optimizers", type: "choiceArray", default: [...OPTIMIZERS], choices: OPTIMIZERS, group: "training", description: "Which optimizers to run (a list of their names)." },
  { name: "gridSize", type: "integer", default: 41, min: 2, max: 401, group: "records", description: "Grid points per axis of the recorded loss surface." },
];

/**
 * Validates a partial optimizers config (filling the defaults); `optimizers` is a non-empty
 * list of distinct optimizer names and batchSize may not exceed nSamples.
 * @example validate({ lr: 0.85 }).optimizers // all seven
 */
export function validate(config: Partial<OptimizersConfig> = {}): OptimizersConfig {
  const cfg = resolveConfig("optimizers", options, defaults, config);
  if (cfg.batchSize > cfg.nSamples) {
    throw new RangeError(`optimizers: option "batchSize" (${cfg.batchSize}) must not exceed "nSamples" (${cfg.nSamples})`);
  }
  return cfg;
}

/** The regression problem: design matrix Z [n, 2] (rows (x, 1) or (x1, x2)), targets y [n]. */
interface Problem {
  Z: Tensor;
  y: Tensor;
  names: [string, string];
  /** Second moments: A = Z^T Z / n, c = Z^T y / n, d = y^T y / n, so MSE(t) = t^T A t - 2 t^T c + d. */
  A: [[number, number], [number, number]];
  c: [number, number];
  d: number;
}

function problem(cfg: OptimizersConfig): Problem {
  let Z: Tensor, y: Tensor, names: [string, string];
  if (cfg.dataset === "line") {
    const x = linspace(0, 1, cfg.nSamples, { dtype: "float64" }).dataSync();
    const z = new Float64Array(2 * cfg.nSamples), t = new Float64Array(cfg.nSamples);
    for (let i = 0; i < cfg.nSamples; i++) {
      z[2 * i] = x[i];
      z[2 * i + 1] = 1;
      t[i] = 5 * x[i] + 2;
    }
    Z = Tensor.fromArray(z, [cfg.nSamples, 2], "float64");
    y = Tensor.fromArray(t, [cfg.nSamples], "float64");
    names = ["w", "b"];
  } else {
    const r = makeRegression({ nSamples: cfg.nSamples, nFeatures: 2, nInformative: 2, noise: cfg.noise, seed: deriveSeed(cfg.seed, 0) });
    Z = cast(r.X, "float64");
    y = cast(r.y, "float64");
    names = ["w1", "w2"];
  }
  const z = Z.dataSync(), t = y.dataSync(), n = cfg.nSamples;
  let a00 = 0, a01 = 0, a11 = 0, c0 = 0, c1 = 0, d = 0;
  for (let i = 0; i < n; i++) {
    const u = z[2 * i], v = z[2 * i + 1];
    a00 += u * u; a01 += u * v; a11 += v * v;
    c0 += u * t[i]; c1 += v * t[i]; d += t[i] * t[i];
  }
  return { Z, y, names, A: [[a00 / n, a01 / n], [a01 / n, a11 / n]], c: [c0 / n, c1 / n], d: d / n };
}

/** The full-data MSE at t, from the second moments (exactly the mean over the data). */
function lossAt(p: Problem, t: readonly number[]): number {
  const { A, c, d } = p;
  return A[0][0] * t[0] * t[0] + 2 * A[0][1] * t[0] * t[1] + A[1][1] * t[1] * t[1] - 2 * (c[0] * t[0] + c[1] * t[1]) + d;
}

/** Eigenvalues of a symmetric 2x2 matrix, [largest, smallest]. */
function eig2(m: [[number, number], [number, number]]): [number, number] {
  const tr = m[0][0] + m[1][1], det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  const disc = Math.sqrt(Math.max(tr * tr / 4 - det, 0));
  return [tr / 2 + disc, tr / 2 - disc];
}

/** What the loop needs of an optimizer. */
interface Stepper {
  zeroGrad(): void;
  step(): void;
}

/** A real gl.optim optimizer for a name, over the one parameter vector, with its lr and batch size. */
function makeOptimizer(name: OptimizerName, theta: Parameter, cfg: OptimizersConfig): { opt: Stepper; lr: number; batch: number } {
  const n = cfg.nSamples;
  switch (name) {
    case "gd": return { opt: new SGD([theta], { lr: cfg.lr }), lr: cfg.lr, batch: n };
    case "sgd": return { opt: new SGD([theta], { lr: cfg.sgdLr }), lr: cfg.sgdLr, batch: 1 };
    case "minibatch": return { opt: new SGD([theta], { lr: cfg.sgdLr }), lr: cfg.sgdLr, batch: cfg.batchSize };
    case "momentum": return { opt: new SGD([theta], { lr: cfg.lr, momentum: cfg.momentum }), lr: cfg.lr, batch: n };
    case "nesterov": return { opt: new SGD([theta], { lr: cfg.lr, momentum: cfg.momentum, nesterov: true }), lr: cfg.lr, batch: n };
    case "rmsprop": return { opt: new RMSprop([theta], { lr: cfg.adaptiveLr }), lr: cfg.adaptiveLr, batch: n };
    case "adam": return { opt: new Adam([theta], { lr: cfg.adaptiveLr }), lr: cfg.adaptiveLr, batch: n };
  }
}

/**
 * Runs one optimizer from the start for `epochs` passes, recording the parameters and the
 * full-data loss after every step (every stride-th step for long stochastic runs). Divergence (a non-finite loss, or a loss 1e6 times the
 * starting one) stops the recording; a run that ends above its starting loss has diverged too.
 */
function trajectory(name: OptimizerName, p: Problem, cfg: OptimizersConfig, solution: [number, number], onStep: () => void): Trajectory {
  const theta = new Parameter(Tensor.fromArray(Float64Array.from(cfg.start), [2], "float64"));
  const { opt, lr, batch } = makeOptimizer(name, theta, cfg);
  const loader = batch >= cfg.nSamples ? null : new DataLoader(new TensorDataset(p.Z, p.y), { batchSize: batch, shuffle: true, seed: deriveSeed(cfg.seed, 1 + OPTIMIZERS.indexOf(name)) });
  const startLoss = lossAt(p, cfg.start);
  const start: TrajectoryPoint = { step: 0, epoch: 0, params: [cfg.start[0], cfg.start[1]], loss: startLoss };
  const points: TrajectoryPoint[] = [start];
  // Long stochastic runs keep every stride-th step (and the last), at most MAX_POINTS points.
  const totalSteps = cfg.epochs * (loader ? loader.length : 1);
  const stride = Math.ceil(totalSteps / MAX_POINTS);
  let step = 0, divergedAtStep: number | null = null, lastPoint = start;
  outer: for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    for (const [Z, y] of loader ?? [[p.Z, p.y]]) {
      opt.zeroGrad();
      backward(mseLoss(matmul(Z, theta), y));
      opt.step();
      step++;
      const t = theta.dataSync();
      const loss = lossAt(p, [t[0], t[1]]);
      if (!Number.isFinite(loss) || !Number.isFinite(t[0]) || !Number.isFinite(t[1]) || loss > 1e6 * Math.max(startLoss, 1e-12)) {
        divergedAtStep = step;
        break outer;
      }
      lastPoint = { step, epoch, params: [t[0], t[1]], loss };
      if (step % stride === 0) points.push(lastPoint);
    }
    onStep();
  }
  if (points[points.length - 1] !== lastPoint) points.push(lastPoint);
  const last = points[points.length - 1];
  const distanceToSolution = Math.hypot(last.params[0] - solution[0], last.params[1] - solution[1]);
  const diverged = divergedAtStep !== null || last.loss > startLoss;
  return {
    optimizer: name, lr, stride, points, diverged, divergedAtStep, final: last.params, finalLoss: last.loss,
    distanceToSolution, converged: !diverged && distanceToSolution <= 1e-3,
  };
}

/**
 * Optimizers on a loss surface (the MLx optimisation practical): the MSE of a two-parameter
 * linear model over a grid, the Hessian's eigenvalues and GD's stability limit 2 / lambdaMax,
 * and the paths of GD, SGD (batch 1), mini-batch SGD, momentum, Nesterov, RMSprop and Adam
 * (the real gl.optim optimizers) from the same start. With lr above the limit GD diverges;
 * below it it converges to the least-squares solution ((5, 2) for the line).
 * @example
 * const rec = run({ lr: 0.85 });
 * rec.stabilityLimit; // 0.788...
 * rec.trajectories[0].diverged; // true
 */
export function run(config: Partial<OptimizersConfig> = {}, onProgress?: ProgressCallback): OptimizersRecords {
  const cfg = validate(config);
  const p = problem(cfg);
  const { A, c } = p;
  const det = A[0][0] * A[1][1] - A[0][1] * A[1][0];
  if (!(Math.abs(det) > 1e-12 * (A[0][0] * A[1][1] + 1e-300))) {
    throw new RangeError(`optimizers: the data do not determine both parameters (singular second-moment matrix); use more distinct samples (nSamples = ${cfg.nSamples})`);
  }
  const solution: [number, number] = [(A[1][1] * c[0] - A[0][1] * c[1]) / det, (A[0][0] * c[1] - A[1][0] * c[0]) / det];
  const hessian: [[number, number], [number, number]] = [[2 * A[0][0], 2 * A[0][1]], [2 * A[1][0], 2 * A[1][1]]];
  const [lambdaMax, lambdaMin] = eig2(hessian);
  const stabilityLimit = 2 / lambdaMax;

  // The grid spans the start and the solution with a margin (at least 1 on each side).
  const axes = [0, 1].map((i) => {
    const half = 1.25 * Math.max(Math.abs(cfg.start[i] - solution[i]), 1);
    const lo = solution[i] - half, hi = solution[i] + half;
    return Array.from({ length: cfg.gridSize }, (_, j) => lo + ((hi - lo) * j) / (cfg.gridSize - 1));
  });
  const surface = { axis0: axes[0], axis1: axes[1], loss: axes[0].map((u) => axes[1].map((v) => lossAt(p, [u, v]))) };

  const total = cfg.epochs * cfg.optimizers.length;
  let done = 0;
  const trajectories: Trajectory[] = [];
  for (const name of cfg.optimizers) {
    trajectories.push(trajectory(name, p, cfg, solution, () => onProgress?.({ epoch: ++done, total })));
    done = trajectories.length * cfg.epochs;
    onProgress?.({ epoch: done, total, partial: trajectories[trajectories.length - 1] });
  }
  const gd = trajectories.find((t) => t.optimizer === "gd");
  const z = p.Z.dataSync(), yv = p.y.dataSync();
  return {
    experiment: "optimizers",
    config: cfg,
    paramNames: p.names,
    data: { x: Array.from({ length: cfg.nSamples }, (_, i) => cfg.dataset === "line" ? [z[2 * i]] : [z[2 * i], z[2 * i + 1]]), y: Array.from(yv) },
    solution,
    hessian,
    lambdaMax,
    lambdaMin,
    stabilityLimit,
    surface,
    trajectories,
    summary: {
      lrStable: cfg.lr < stabilityLimit,
      gdContraction: Math.max(Math.abs(1 - cfg.lr * lambdaMax), Math.abs(1 - cfg.lr * lambdaMin)),
      gdDiverged: gd?.diverged ?? false, gdConverged: gd?.converged ?? false,
    },
  };
}
