import { Generator } from "../../tensor/random.js";
import { Tensor } from "../../tensor/tensor.js";

/** The eight items of the deep linear network experiment (3 levels, 2 branches). */
export const TREE_ITEMS = ["Goldfish", "Tuna", "Robin", "Canary", "Rose", "Daisy", "Pine", "Oak"] as const;

export interface TreeOptions {
  /** Depth of the tree (default 3). */
  nLevels?: number;
  /** Children per node (default 2). */
  nBranches?: number;
  /** Probability that a node flips its parent's sign (default 0.15). */
  flipProbability?: number;
  /** Flip probability of the root (default 0.5: each feature's overall sign is a coin). */
  rootFlipProbability?: number;
  /** Number of sampled features (default 10000). */
  nFeatures?: number;
  seed?: number;
}

/**
 * Hierarchically structured data from a branching diffusion process (Saxe, McClelland &
 * Ganguli 2013; the Neuromatch deep linear networks tutorial). Each feature is sampled by
 * giving every tree node a sign (+1, or -1 with its flip probability) and setting each
 * leaf item's value to the product of the signs on its path to the root. Items are the
 * leaves; X is the one-hot identity of the items.
 * @example const { X, Y, items } = data.datasets.hierarchicalTree({ seed: 0 }); // X [8, 8], Y [8, 10000]
 */
export function hierarchicalTree(opts: TreeOptions = {}): { X: Tensor; Y: Tensor; items: string[] } {
  const levels = opts.nLevels ?? 3, branches = opts.nBranches ?? 2;
  const p = opts.flipProbability ?? 0.15, pRoot = opts.rootFlipProbability ?? 0.5;
  const nFeat = opts.nFeatures ?? 10000;
  for (const [v, name] of [[p, "flipProbability"], [pRoot, "rootFlipProbability"]] as const) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`hierarchicalTree: ${name} must be in [0, 1], got ${v}`);
  }
  if (!Number.isInteger(levels) || levels < 1 || !Number.isInteger(branches) || branches < 1) {
    throw new RangeError(`hierarchicalTree: nLevels and nBranches must be positive integers, got ${levels} and ${branches}`);
  }
  // Nodes in breadth-first order: node j's parent is floor((j - 1) / branches).
  const nNodes = (branches ** (levels + 1) - 1) / (branches - 1 || 1) || levels + 1;
  const nItems = branches ** levels;
  const firstLeaf = nNodes - nItems;
  const g = new Generator(opts.seed ?? 0);
  const Y = new Float32Array(nItems * nFeat);
  const sign = new Float64Array(nNodes);
  for (let f = 0; f < nFeat; f++) {
    for (let j = 0; j < nNodes; j++) {
      // The parent's accumulated sign times this node's own (+1 unless it flips).
      const own = g.uniform() > (j === 0 ? pRoot : p) ? 1 : -1;
      sign[j] = j === 0 ? own : sign[Math.floor((j - 1) / branches)] * own;
    }
    for (let i = 0; i < nItems; i++) Y[i * nFeat + f] = sign[firstLeaf + i];
  }
  const X = new Float32Array(nItems * nItems);
  for (let i = 0; i < nItems; i++) X[i * nItems + i] = 1;
  const items = levels === 3 && branches === 2 ? [...TREE_ITEMS] : Array.from({ length: nItems }, (_, i) => `item ${i}`);
  return { X: Tensor.fromArray(X, [nItems, nItems], "float32"), Y: Tensor.fromArray(Y, [nItems, nFeat], "float32"), items };
}
