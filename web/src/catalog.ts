/**
 * What the web lab shows of each experiment beyond the registry's schema: a short
 * explanation of what the learner sees, friendlier control labels, which controls come
 * first, and slider ranges that suit a slider (the registry's bounds stay the limits
 * of the number box beside it).
 */
import { experimentIds, experiments } from "../../src/lab/registry.js";
import type { ExperimentId, OptionSpec } from "../../src/lab/types.js";
import type { ExperimentSchema } from "./state.js";
import { VIEW_KEYS, EXPERIMENT_KEY } from "./state.js";

/** How a numeric option's slider runs: its range, step and scale. */
export interface SliderRange {
  min: number;
  max: number;
  step?: number;
  log?: boolean;
}

/** The page of one experiment: nav label, lead paragraph, what to look at, first controls. */
export interface PageText {
  nav: string;
  lead: string;
  /** What to look at and what to try, one sentence each. */
  look: string[];
  /** Controls shown above the grouped ones, in this order. */
  primary: string[];
}

/** Every experiment's schema by id, as the state module wants them. */
export const schemas: Readonly<Record<ExperimentId, ExperimentSchema>> = experiments as unknown as Record<ExperimentId, ExperimentSchema>;

/** The experiments in nav order. */
export const pageOrder: readonly ExperimentId[] = experimentIds;

const TREE_LOOK_ITEMS = "8 items (Goldfish, Tuna, Robin, Canary, Rose, Daisy, Pine, Oak)";

export const pages: Readonly<Record<ExperimentId, PageText>> = {
  dlnn: {
    nav: "Deep linear network",
    lead: `A linear network with one hidden layer learns to map ${TREE_LOOK_ITEMS} to thousands of features sampled from a hierarchy: living things split into animals and plants, then into fish, birds, flowers and trees, then into species. `
      + "Although the network is linear, its learning is not: starting from tiny weights it learns the data's modes (singular vectors) one at a time, strongest first.",
    look: [
      "The loss sits on long plateaus and drops suddenly, once per mode.",
      "Each singular value of the network's map W₂·W₁ grows along a sigmoid, right on top of the theory's dashed curve.",
      "Drag the epoch slider: the hidden layer's similarity matrix splits animals from plants first, then birds from fish, then each item from its sibling.",
      "Try a larger init scale γ (the plateaus vanish) or a smaller learning rate (they stretch).",
    ],
    primary: ["lr", "gamma", "epochs"],
  },
  illusory: {
    nav: "Illusory correlations",
    lead: "Goldfish is replaced by a Shark and a new feature, has_bones, is added: yes for the other animals, no for the shark and for the plants. "
      + "No example ever tells the network that sharks have bones, yet for a while it believes they do.",
    look: [
      "The red curve is the network's answer for (Shark, has_bones): it first climbs towards yes, generalising from the shark's relatives.",
      "Only when a finer mode (the one that sets the shark apart) is learned does the answer fall to its target, no.",
      "Stopping training on a plateau would have kept the illusion; try fewer epochs or a smaller learning rate.",
    ],
    primary: ["lr", "gamma", "epochs"],
  },
  linreg: {
    nav: "Linear regression",
    lead: "A linear network without a hidden layer is linear regression, and a deep linear network still computes one linear map, W_tot = W₂·W₁. "
      + "This page finds the map from items to features three ways: the analytic least-squares solution, a shallow network trained by gradient descent, and the deep network.",
    look: [
      "The three maps agree: every pairwise difference lies left of the dashed tolerance line.",
      "The paths differ: the shallow network's loss falls at once, the deep network's waits on plateaus.",
    ],
    primary: ["lr", "gamma", "epochs", "shallowLr", "shallowEpochs"],
  },
  optimizers: {
    nav: "Optimizers",
    lead: "The mean squared error of a two-parameter linear model is a bowl-shaped surface; its curvature (the Hessian's eigenvalues) decides how fast gradient descent moves and whether it converges. "
      + "Every optimizer starts from the same point.",
    look: [
      "Full-batch gradient descent is stable only for a learning rate below 2/λmax: move the learning rate past that limit and its path starts to zig-zag and fly off.",
      "Momentum and Nesterov cut across the long valley; SGD and mini-batch SGD wander because each step sees only part of the data.",
      "RMSprop and Adam rescale each parameter's step, so the valley's shape matters less.",
    ],
    primary: ["lr", "sgdLr", "adaptiveLr", "momentum", "epochs", "dataset"],
  },
};

/** Friendlier control labels (the option's own name is shown beside them). */
const LABELS: Readonly<Record<string, string>> = {
  lr: "learning rate η", gamma: "init scale γ", epochs: "epochs", hidden: "hidden units", seed: "seed",
  nLevels: "tree levels", nBranches: "branches per node", flipProbability: "flip probability",
  rootFlipProbability: "root flip probability", nFeatures: "features", dtype: "float type",
  recordRsm: "record similarity matrices", itemIndex: "replaced item", itemName: "new item's name",
  featureName: "new feature's name", feature: "new feature's values", shallowLr: "shallow learning rate",
  shallowEpochs: "shallow epochs", tolerance: "agreement tolerance", dataset: "dataset", nSamples: "samples",
  noise: "noise", sgdLr: "SGD learning rate", adaptiveLr: "adaptive learning rate", momentum: "momentum",
  batchSize: "batch size", start: "start point", optimizers: "optimizers", gridSize: "surface grid size",
};

/** Slider ranges by option name (all tree experiments share theirs). */
const SLIDERS: Readonly<Record<string, SliderRange>> = {
  lr: { min: 1, max: 200, step: 1 },
  gamma: { min: 1e-15, max: 10, log: true },
  epochs: { min: 10, max: 1000, step: 10 },
  hidden: { min: 1, max: 64, step: 1 },
  nLevels: { min: 1, max: 4, step: 1 },
  nBranches: { min: 2, max: 4, step: 1 },
  flipProbability: { min: 0, max: 0.5, step: 0.01 },
  rootFlipProbability: { min: 0, max: 1, step: 0.01 },
  nFeatures: { min: 100, max: 20000, step: 100 },
  itemIndex: { min: 0, max: 7, step: 1 },
  shallowLr: { min: 10, max: 2000, step: 10 },
  shallowEpochs: { min: 10, max: 1000, step: 10 },
  tolerance: { min: 1e-6, max: 1, log: true },
};

/** Slider ranges that differ for one experiment. */
const EXPERIMENT_SLIDERS: Readonly<Partial<Record<ExperimentId, Readonly<Record<string, SliderRange>>>>> = {
  optimizers: {
    lr: { min: 0.01, max: 1.5, step: 0.01 },
    sgdLr: { min: 0.01, max: 1.5, step: 0.01 },
    adaptiveLr: { min: 0.01, max: 2, step: 0.01 },
    momentum: { min: 0, max: 0.99, step: 0.01 },
    epochs: { min: 10, max: 500, step: 10 },
    nSamples: { min: 10, max: 1000, step: 10 },
    batchSize: { min: 1, max: 100, step: 1 },
    noise: { min: 0, max: 50, step: 0.5 },
    gridSize: { min: 11, max: 101, step: 2 },
  },
};

/**
 * The label of an option on a page.
 * @example optionLabel("gamma") // "init scale γ"
 */
export function optionLabel(name: string): string {
  return LABELS[name] ?? name;
}

/**
 * The slider range of a numeric option on an experiment's page, or null for a number box
 * alone (seeds and other values without a useful range). Ranges never exceed the
 * registry's bounds.
 * @example sliderRange("dlnn", gammaSpec) // { min: 1e-15, max: 10, log: true }
 */
export function sliderRange(experiment: ExperimentId, spec: OptionSpec): SliderRange | null {
  if (spec.type !== "number" && spec.type !== "integer") return null;
  const hint = EXPERIMENT_SLIDERS[experiment]?.[spec.name] ?? SLIDERS[spec.name];
  if (hint === undefined) return null;
  const min = spec.min !== undefined ? Math.max(spec.min, hint.min) : hint.min;
  const max = spec.max !== undefined ? Math.min(spec.max, hint.max) : hint.max;
  return { ...hint, min, max, log: hint.log ?? spec.logScale ?? false, step: hint.step ?? spec.step ?? (spec.type === "integer" ? 1 : undefined) };
}

/**
 * Checks that no experiment option takes a query key the lab reserves; throws naming it.
 * @example checkReservedKeys() // passes for the registry's experiments
 */
export function checkReservedKeys(): void {
  const reserved = new Set<string>([EXPERIMENT_KEY, ...VIEW_KEYS]);
  for (const id of pageOrder) {
    for (const o of schemas[id].options) {
      if (reserved.has(o.name)) throw new Error(`web lab: option "${o.name}" of ${id} clashes with the reserved URL key "${o.name}"`);
    }
  }
}
