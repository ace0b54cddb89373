import { cast } from "../ops/cast.js";
import { svdvals } from "../ops/linalg/svd.js";
import { matmul } from "../ops/matmul.js";
import { transpose } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { resolveConfig } from "./config.js";
import { checkTreeSize, deepLinearOptions, trainDeepLinear, treeData, treeDataOptions } from "./deep_linear.js";
import type { DeepLinearState } from "./deep_linear.js";
import { dataModes, initialModes, modeStrengths, modeTheory } from "./theory.js";
import type { DataModes } from "./theory.js";
import type { DlnnConfig, DlnnEpoch, DlnnRecords, ModeTheory, OptionSpec, ProgressCallback } from "./types.js";

/** The tutorial's settings: lr 100, gamma 1e-12, 250 epochs, 30 hidden units, seed 2021. */
export const defaults: DlnnConfig = {
  seed: 2021, nLevels: 3, nBranches: 2, flipProbability: 0.15, rootFlipProbability: 0.5, nFeatures: 10000,
  hidden: 30, gamma: 1e-12, lr: 100, epochs: 250, dtype: "float32", recordRsm: true,
};

/** Option schema of the dlnn experiment (CLI flags and web controls are built from it). */
export const options: readonly OptionSpec[] = [
  ...treeDataOptions,
  ...deepLinearOptions,
  { name: "recordRsm", type: "boolean", default: true, group: "records", description: "Record the hidden layer's representational similarity matrix h h^T every epoch." },
];

/**
 * Validates a partial dlnn config and fills in the defaults; throws a RangeError/TypeError
 * naming the option.
 * @example validate({ lr: 50 }).epochs // 250
 */
export function validate(config: Partial<DlnnConfig> = {}): DlnnConfig {
  const cfg = resolveConfig("dlnn", options, defaults, config);
  checkTreeSize("dlnn", cfg);
  return cfg;
}

/**
 * Singular values of W_tot (descending) from the outputs out = W_tot^T [P, N], in float64
 * (the unlearned modes are many orders of magnitude below the learned ones, so the small
 * values need an SVD's absolute accuracy, not a Gram matrix's).
 * @example totalSingularValues(gl.tensor([[3, 0, 0], [0, 0, 4]])) // [4, 3]
 */
export function totalSingularValues(out: Tensor): number[] {
  return Array.from(svdvals(cast(out, "float64")).dataSync());
}

/** The representational similarity matrix h h^T of the hidden activity h [P, H]. */
export function similarityMatrix(hid: Tensor): number[][] {
  const h = cast(hid, "float64");
  return matmul(h, transpose(h, 0, 1)).toArray() as number[][];
}

/** The per-epoch record of a network state: loss, singular values and mode strengths (+ RSM). */
export function epochRecord(s: DeepLinearState, modes: DataModes, withRsm: boolean): DlnnEpoch {
  const out = cast(s.out, "float64");
  const rec: DlnnEpoch = {
    epoch: s.epoch, loss: s.loss,
    singularValues: totalSingularValues(out),
    modeStrengths: modeStrengths(modes, out),
  };
  if (withRsm) rec.rsm = similarityMatrix(s.hid);
  return rec;
}

/**
 * Whether the trained modes are learned in the order of their singular values: a mode is
 * half-learned strictly before any learned mode whose singular value is at least 5% smaller
 * (closer modes are learned together, their order set by their random init), and some mode is.
 * @example learnedInOrder(records.theory) // true
 */
export function learnedInOrder(theory: ModeTheory): boolean {
  const h = theory.halfTimes;
  const when = (t: number | null) => t ?? Infinity;
  for (const a of h) {
    for (const c of h) {
      if (a.singularValue >= 1.05 * c.singularValue && c.trained !== null && !(when(a.trained) < c.trained)) return false;
    }
  }
  return h.some((a) => a.trained !== null);
}

/** max |discrete - trained| half-time over the modes; null if they disagree on a mode being learned, or none is. */
function maxHalfTimeError(theory: ModeTheory): number | null {
  let max: number | null = null;
  for (const { trained, discrete } of theory.halfTimes) {
    if ((trained === null) !== (discrete === null)) return null;
    if (trained !== null && discrete !== null) max = Math.max(max ?? 0, Math.abs(trained - discrete));
  }
  return max;
}

/**
 * Trains the deep linear network of Saxe et al. (2013) / the Neuromatch tutorial on the
 * hierarchical tree data and records, for epochs 0..epochs, the loss, the singular values of
 * W_tot = W2 W1, the mode strengths and the hidden layer's RSM, next to the mode theory
 * (continuous-time and exact discrete-step) with every mode's half-time. Pure and seeded.
 * @example
 * const rec = run({ epochs: 100 });
 * rec.theory.halfTimes.map((h) => [h.trained, h.discrete]);
 */
export function run(config: Partial<DlnnConfig> = {}, onProgress?: ProgressCallback): DlnnRecords {
  const cfg = validate(config);
  const { X, Y, items } = treeData(cfg);
  const [P, N] = Y.shape;
  const modes = dataModes(Y.dataSync(), P, N);
  const epochs: DlnnEpoch[] = [];
  const result = trainDeepLinear(X, Y, cfg, (s) => {
    const rec = epochRecord(s, modes, cfg.recordRsm);
    epochs.push(rec);
    onProgress?.({ epoch: s.epoch, total: cfg.epochs, partial: rec });
  });
  const init = initialModes(modes, result.W1init, result.W2init, cfg.hidden);
  const theory = modeTheory(modes, init, cfg.lr, cfg.epochs, epochs.map((e) => e.modeStrengths), epochs.map((e) => e.singularValues));
  let rsmMax = 0, svMax = 0;
  for (const e of epochs) {
    for (const row of e.rsm ?? []) for (const v of row) rsmMax = Math.max(rsmMax, v);
    for (const v of e.singularValues) svMax = Math.max(svMax, v);
  }
  return {
    experiment: "dlnn",
    config: cfg,
    items,
    epochs,
    theory,
    summary: {
      finalLoss: epochs[epochs.length - 1].loss,
      rsmMax,
      singularValueMax: svMax,
      learnedInOrder: learnedInOrder(theory),
      maxHalfTimeError: maxHalfTimeError(theory),
      diverged: result.diverged,
    },
  };
}
