/**
 * The lab's shared vocabulary: experiment configs, option schemas, progress events and the
 * records every experiment returns. Records are plain JSON (numbers, strings, booleans,
 * arrays, objects; never typed arrays, NaN or Infinity), so `JSON.stringify(records)` is
 * lossless and the CLI, the reports and the web lab read the same object.
 */

/** The experiments of the lab, by id (the CLI's `gradlab run <id>`). */
export type ExperimentId = "dlnn" | "illusory" | "linreg" | "optimizers";

// ---------------------------------------------------------------------------------------
// Progress and options

/** One progress event: `epoch` of `total` done; `partial` is a JSON value to stream (a record so far). */
export interface Progress {
  epoch: number;
  total: number;
  partial?: unknown;
}

/** Called by `run` after each epoch (synchronously; it must not mutate what it is given). */
export type ProgressCallback = (p: Progress) => void;

/**
 * How a control is drawn and checked: numbers (maybe integers), a switch, a text, one of
 * `choices`, a vector of numbers, or a list of distinct `choices` (checkboxes).
 */
export type OptionType = "number" | "integer" | "boolean" | "string" | "choice" | "numberArray" | "choiceArray";

/** Any value an option can hold. */
export type OptionValue = number | boolean | string | number[] | string[];

/**
 * One option of an experiment's config, enough to build a CLI flag or a web control and to
 * validate a value: `min`/`max` are inclusive bounds (for numberArray: of every element),
 * `logScale` asks for a logarithmic slider, `choices` lists a choice's values, `length` fixes
 * a numberArray's length; a choiceArray is a non-empty list of distinct `choices`.
 */
export interface OptionSpec {
  name: string;
  type: OptionType;
  default: OptionValue;
  description: string;
  min?: number;
  max?: number;
  /** Suggested slider step (linear sliders). */
  step?: number;
  logScale?: boolean;
  choices?: readonly string[];
  length?: number;
  /** Heading under which a UI groups the control ("data", "network", "training", "theory", ...). */
  group?: string;
}

/** A named starting point: a partial config applied over the defaults. */
export interface Preset<C> {
  name: string;
  description: string;
  config: Partial<C>;
}

/**
 * An experiment as the registry lists it: metadata, defaults, the option schema, presets,
 * `validate` (fills defaults, throws a RangeError/TypeError naming the option) and `run`.
 */
export interface Experiment<C, R> {
  id: ExperimentId;
  title: string;
  description: string;
  defaults: C;
  options: readonly OptionSpec[];
  presets: readonly Preset<C>[];
  validate(config?: Partial<C>): C;
  run(config?: Partial<C>, onProgress?: ProgressCallback): R;
}

// ---------------------------------------------------------------------------------------
// Shared data and training options of the hierarchical-tree experiments

/** The hierarchical data (Saxe et al. 2013; the Neuromatch tutorial's generate_hsd). */
export interface TreeDataConfig {
  /** Seed of both the data and the weight init. */
  seed: number;
  nLevels: number;
  nBranches: number;
  flipProbability: number;
  rootFlipProbability: number;
  nFeatures: number;
}

/** The deep linear network and its full-batch SGD training. */
export interface DlnnTrainConfig {
  hidden: number;
  lr: number;
  /** Init scale: each weight matrix ~ N(0, (gamma / sqrt(nIn + nOut))^2). */
  gamma: number;
  epochs: number;
  dtype: "float32" | "float64";
}

// ---------------------------------------------------------------------------------------
// dlnn: deep linear network learning dynamics

export interface DlnnConfig extends TreeDataConfig, DlnnTrainConfig {
  /** Record the 8x8 representational similarity matrix every epoch. */
  recordRsm: boolean;
}

/**
 * The network's state after `epoch` SGD steps (epoch 0 is the initial network), so every
 * field describes the same weights: `loss` is the MSE of that network.
 */
export interface DlnnEpoch {
  epoch: number;
  loss: number;
  /** Singular values of W_tot = W2 W1, descending. */
  singularValues: number[];
  /** Mode strengths u_a^T W_tot v_a on the data's singular vectors, in the data's order. */
  modeStrengths: number[];
  /** h h^T of the hidden layer (items x items), unnormalised; present when recordRsm. */
  rsm?: number[][];
}

/**
 * When a mode is half learned: the first epoch at which it reaches half its final value;
 * null when the mode is not learned in the run (its final value is below half its singular
 * value: too few epochs, or fewer hidden units than modes).
 */
export interface ModeHalfTime {
  mode: number;
  /** The data's singular value s_a (the mode's final strength). */
  singularValue: number;
  /** From the trained network's mode strength u_a^T W_tot v_a. */
  trained: number | null;
  /** From the trained network's a-th singular value of W_tot. */
  trainedSingularValue: number | null;
  /** Exact discrete-step theory. */
  discrete: number | null;
  /** Saxe's continuous-time theory. */
  continuous: number | null;
}

/** The theory of the mode dynamics (Saxe, McClelland & Ganguli 2013), see docs/lab-theory.md. */
export interface ModeTheory {
  /** Singular values s_a of the input-output correlation Y^T X (= Y^T with one-hot X), descending. */
  singularValues: number[];
  /** The per-layer step eta' = 2 lr / (nItems * nFeatures) that SGD on the mean-squared loss takes. */
  etaEff: number;
  /** The continuous-time constant tau = 1 / eta' (in epochs); null when lr = 0 (nothing moves). */
  tau: number | null;
  /** u_a^T W_tot(0) v_a of the initial network. */
  initialProjections: number[];
  /** The effective initial strength of each mode's growing part (from the initial weights). */
  a0: number[];
  /** a_a(t) from the continuous-time solution, [epoch][mode], epochs 0..E. */
  continuous: number[][];
  /** a_a(k) from the exact discrete map, [epoch][mode], epochs 0..E (fewer if the map diverges: lr too large). */
  discrete: number[][];
  /** The MSE the two predictions imply, sum_a (s_a - a_a)^2 / (nItems nFeatures) + the rest, per epoch. */
  continuousLoss: number[];
  discreteLoss: number[];
  /** The loss plateau once modes 0..a are learned (the stages of the loss curve). */
  lossAfterMode: number[];
  halfTimes: ModeHalfTime[];
}

export interface DlnnRecords {
  experiment: "dlnn";
  config: DlnnConfig;
  items: string[];
  epochs: DlnnEpoch[];
  theory: ModeTheory;
  summary: {
    finalLoss: number;
    /** Largest entry of all recorded RSMs (the tutorial normalises its plots by it); 0 without RSMs. */
    rsmMax: number;
    /** Largest singular value over all epochs (the tutorial normalises mode plots by it). */
    singularValueMax: number;
    /** Modes are learned in the order of their singular values: a mode whose singular value is at least 5% larger than another's is half-learned strictly earlier (a mode not learned counts as never). */
    learnedInOrder: boolean;
    /** max over modes |discrete - trained| half-time, in epochs; null if the two disagree on whether some mode is learned, or no mode is. */
    maxHalfTimeError: number | null;
    /** The loss became non-finite (lr too large): the records stop at the last finite epoch. */
    diverged: boolean;
  };
}

// ---------------------------------------------------------------------------------------
// illusory: illusory correlations

export interface IllusoryConfig extends TreeDataConfig, DlnnTrainConfig {
  /** Index of the item that is replaced (0 = Goldfish). */
  itemIndex: number;
  /** The replacing item's name (e.g. "Shark"). */
  itemName: string;
  /** The appended feature's name (e.g. "has_bones"). */
  featureName: string;
  /** The appended feature's value (±1) for every item. */
  feature: number[];
}

export interface IllusoryEpoch {
  epoch: number;
  loss: number;
  singularValues: number[];
  modeStrengths: number[];
  /** The network's output for (item, new feature). */
  prediction: number;
  /** The same output predicted by the discrete mode theory (null past a diverged map). */
  theoryPrediction: number | null;
}

export interface IllusoryRecords {
  experiment: "illusory";
  config: IllusoryConfig;
  /** The item names after the replacement. */
  items: string[];
  item: string;
  featureName: string;
  /** The new feature's target for the item (what the prediction settles at). */
  target: number;
  epochs: IllusoryEpoch[];
  theory: ModeTheory;
  summary: {
    /** The largest prediction (the illusory peak) and when it happens. */
    peak: { epoch: number; value: number };
    final: number;
    /** First epoch from which the prediction stays within 0.05 of the target; null if never. */
    settledEpoch: number | null;
    /** The loss became non-finite (lr too large): the records stop at the last finite epoch. */
    diverged: boolean;
  };
}

// ---------------------------------------------------------------------------------------
// linreg: linear regression three ways

export interface LinregConfig extends TreeDataConfig, DlnnTrainConfig {
  /** Learning rate of the zero-hidden-layer network. */
  shallowLr: number;
  shallowEpochs: number;
  /** Agreement tolerance (max absolute difference). */
  tolerance: number;
}

export interface LinregRecords {
  experiment: "linreg";
  config: LinregConfig;
  /** Training loss per epoch (after `epoch` steps, epochs 0..E) of both networks (shorter if one diverged). */
  shallowLoss: number[];
  deepLoss: number[];
  /** Max absolute differences between the three [nFeatures, nItems] maps (null where a network diverged). */
  maxAbsDiff: { analyticVsShallow: number | null; analyticVsDeep: number | null; shallowVsDeep: number | null };
  /** A corner of the three maps (first rows x all items) for display. */
  sample: { rows: number; analytic: number[][]; shallow: number[][]; deep: number[][] };
  summary: {
    agree: boolean;
    tolerance: number;
    /** The largest of the three differences (null if a network diverged). */
    maxDiff: number | null;
    diverged: { shallow: boolean; deep: boolean };
  };
}

// ---------------------------------------------------------------------------------------
// optimizers: optimizers on a loss surface

/** The optimizers compared on the surface. */
export type OptimizerName = "gd" | "sgd" | "minibatch" | "momentum" | "nesterov" | "rmsprop" | "adam";

export interface OptimizersConfig {
  /** "line": X = linspace(0, 1, n), y = 5X + 2, parameters (w, b); "regression": makeRegression with 2 features, no bias, parameters (w1, w2). */
  dataset: "line" | "regression";
  nSamples: number;
  /** Seed of the data (regression) and of the stochastic batches. */
  seed: number;
  /** Noise of the regression dataset. */
  noise: number;
  /** Learning rate of the full-batch methods (gd, momentum, nesterov): compare it with 2 / lambdaMax. */
  lr: number;
  /** Learning rate of the stochastic methods (sgd with batch 1, minibatch). */
  sgdLr: number;
  /** Learning rate of the adaptive methods (rmsprop, adam). */
  adaptiveLr: number;
  momentum: number;
  batchSize: number;
  epochs: number;
  /** Start point (both parameters). */
  start: number[];
  optimizers: OptimizerName[];
  /** Grid points per axis of the loss surface. */
  gridSize: number;
}

export interface TrajectoryPoint {
  step: number;
  epoch: number;
  params: [number, number];
  loss: number;
}

export interface Trajectory {
  optimizer: OptimizerName;
  lr: number;
  /** Points are recorded every `stride` steps (1 unless the run is longer than 2000 steps), plus the last one. */
  stride: number;
  /** The start (step 0) and the parameters after the recorded steps. */
  points: TrajectoryPoint[];
  /** The loss became non-finite or the parameters left a box 1e6 times the surface's size. */
  diverged: boolean;
  /** Step at which divergence was detected (recording stopped there). */
  divergedAtStep: number | null;
  final: [number, number];
  finalLoss: number;
  /** Euclidean distance of the final parameters to the least-squares solution. */
  distanceToSolution: number;
  /** Within 1e-3 of the least-squares solution at the end. */
  converged: boolean;
}

export interface OptimizersRecords {
  experiment: "optimizers";
  config: OptimizersConfig;
  paramNames: [string, string];
  /** The data points (first feature for "regression"). */
  data: { x: number[][]; y: number[] };
  /** Least-squares parameters (5, 2 for "line"). */
  solution: [number, number];
  /** The loss Hessian (constant for MSE), its eigenvalues and the GD stability limit 2 / lambdaMax. */
  hessian: [[number, number], [number, number]];
  lambdaMax: number;
  lambdaMin: number;
  stabilityLimit: number;
  /** MSE over a grid: loss[i][j] at (axis0[i], axis1[j]). */
  surface: { axis0: number[]; axis1: number[]; loss: number[][] };
  trajectories: Trajectory[];
  summary: {
    /** lr < stabilityLimit (full-batch GD converges for any start). */
    lrStable: boolean;
    /** GD's per-step contraction of the error, max_i |1 - lr lambda_i| (< 1: converges, > 1: diverges). */
    gdContraction: number;
    gdDiverged: boolean;
    gdConverged: boolean;
  };
}

/** Records of any experiment. */
export type LabRecords = DlnnRecords | IllusoryRecords | LinregRecords | OptimizersRecords;

/** Config of any experiment, by id. */
export interface LabConfigs {
  dlnn: DlnnConfig;
  illusory: IllusoryConfig;
  linreg: LinregConfig;
  optimizers: OptimizersConfig;
}

/** Records of any experiment, by id. */
export interface LabRecordsById {
  dlnn: DlnnRecords;
  illusory: IllusoryRecords;
  linreg: LinregRecords;
  optimizers: OptimizersRecords;
}
