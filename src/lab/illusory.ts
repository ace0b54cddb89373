import { cat } from "../ops/join.js";
import { reshape } from "../ops/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { resolveConfig } from "./config.js";
import { checkTreeSize, deepLinearOptions, trainDeepLinear, treeData, treeDataOptions } from "./deep_linear.js";
import { epochRecord } from "./dlnn.js";
import { dataModes, initialModes, modeTheory } from "./theory.js";
import type { IllusoryConfig, IllusoryEpoch, IllusoryRecords, OptionSpec, ProgressCallback } from "./types.js";

/** The tutorial's demonstration: Goldfish becomes Shark, and has_bones is added (Shark: no). */
export const defaults: IllusoryConfig = {
  seed: 2021, nLevels: 3, nBranches: 2, flipProbability: 0.15, rootFlipProbability: 0.5, nFeatures: 10000,
  hidden: 30, gamma: 1e-12, lr: 100, epochs: 250, dtype: "float32",
  itemIndex: 0, itemName: "Shark", featureName: "has_bones", feature: [-1, 1, 1, 1, -1, -1, -1, -1],
};

/** Option schema of the illusory-correlations experiment. */
export const options: readonly OptionSpec[] = [
  ...treeDataOptions,
  ...deepLinearOptions,
  { name: "itemIndex", type: "integer", default: 0, min: 0, max: 63, group: "illusion", description: "Index of the item that is replaced and whose prediction is recorded (0 = Goldfish ... 7 = Oak)." },
  { name: "itemName", type: "string", default: "Shark", group: "illusion", description: "Name of the replacing item (names are labels only: the data does not depend on them)." },
  { name: "featureName", type: "string", default: "has_bones", group: "illusion", description: "Name of the feature appended to the targets." },
  { name: "feature", type: "numberArray", default: [-1, 1, 1, 1, -1, -1, -1, -1], min: -1, max: 1, group: "illusion", description: "The appended feature's value for every item (+1 yes, -1 no), one per item." },
];

/**
 * Validates a partial illusory config (filling the defaults); the feature needs one value per
 * item and the item index must name an item.
 * @example validate({ itemIndex: 3, itemName: "Parrot", featureName: "cannot_speak", feature: [1, 1, 1, -1, 1, 1, 1, 1] })
 */
export function validate(config: Partial<IllusoryConfig> = {}): IllusoryConfig {
  const cfg = resolveConfig("illusory", options, defaults, config);
  const nItems = checkTreeSize("illusory", cfg);
  if (cfg.feature.length !== nItems) {
    throw new RangeError(`illusory: option "feature" must have one value per item (${nItems}), got ${cfg.feature.length}`);
  }
  if (cfg.itemIndex >= nItems) {
    throw new RangeError(`illusory: option "itemIndex" must be < ${nItems} (the number of items), got ${cfg.itemIndex}`);
  }
  return cfg;
}

/**
 * Illusory correlations (the Neuromatch tutorial, section 4): an item is renamed (Goldfish
 * -> Shark) and a feature is appended to the tree data (has_bones: yes for the other
 * animals, no for the shark and the plants); the deep linear network is trained as in dlnn
 * and its prediction for (item, feature) is recorded each epoch beside the modes. It first
 * follows the broad animal/plant mode and climbs towards "yes" before the finer modes pull
 * it to its target: the records give the peak and when it settles, and the prediction the
 * discrete mode theory makes for it.
 * @example
 * const rec = run();
 * rec.summary.peak; // { epoch, value } with value about +0.5, then rec.summary.final ~ -1
 */
export function run(config: Partial<IllusoryConfig> = {}, onProgress?: ProgressCallback): IllusoryRecords {
  const cfg = validate(config);
  const tree = treeData(cfg);
  const [P, N0] = tree.Y.shape;
  // The tutorial's add_feature: the new feature becomes the last column of the targets.
  const column = reshape(Tensor.fromArray(Float64Array.from(cfg.feature), [P], cfg.dtype), [P, 1]);
  const Y = cat([tree.Y, column], 1);
  const N = N0 + 1, f = N0, i = cfg.itemIndex;
  const items = tree.items.slice();
  items[i] = cfg.itemName;
  const modes = dataModes(Y.dataSync(), P, N);
  const epochs: Omit<IllusoryEpoch, "theoryPrediction">[] = [];
  const result = trainDeepLinear(tree.X, Y, cfg, (s) => {
    const { epoch, loss, singularValues, modeStrengths: strengths } = epochRecord(s, modes, false);
    const rec = { epoch, loss, singularValues, modeStrengths: strengths, prediction: s.out.dataSync()[i * N + f] };
    epochs.push(rec);
    onProgress?.({ epoch: s.epoch, total: cfg.epochs, partial: rec });
  });
  const init = initialModes(modes, result.W1init, result.W2init, cfg.hidden);
  const theory = modeTheory(modes, init, cfg.lr, cfg.epochs, epochs.map((e) => e.modeStrengths), epochs.map((e) => e.singularValues));
  // The theory's W_tot = sum_a a_a u_a v_a^T, read at (feature f, item i).
  const k = modes.s.length;
  const weight = modes.s.map((_, a) => modes.U[f * k + a] * modes.V[i * k + a]);
  const full: IllusoryEpoch[] = epochs.map((e) => {
    const d = theory.discrete[e.epoch];
    return { ...e, theoryPrediction: d ? d.reduce((acc, v, a) => acc + v * weight[a], 0) : null };
  });
  let peak = { epoch: 0, value: -Infinity };
  for (const e of full) if (e.prediction > peak.value) peak = { epoch: e.epoch, value: e.prediction };
  const target = cfg.feature[i];
  let settledEpoch: number | null = null;
  for (let e = full.length - 1; e >= 0 && Math.abs(full[e].prediction - target) <= 0.05; e--) settledEpoch = full[e].epoch;
  return {
    experiment: "illusory",
    config: cfg,
    items,
    item: cfg.itemName,
    featureName: cfg.featureName,
    target,
    epochs: full,
    theory,
    summary: { peak, final: full[full.length - 1].prediction, settledEpoch, diverged: result.diverged },
  };
}
