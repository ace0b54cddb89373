import * as dlnn from "./dlnn.js";
import * as illusory from "./illusory.js";
import * as linreg from "./linreg.js";
import * as optimizers from "./optimizers.js";
import type { Experiment, ExperimentId, LabConfigs, LabRecordsById, ProgressCallback } from "./types.js";

// The lab's experiments by id, with their option schemas and presets: the CLI builds its
// flags and the web lab its controls from these entries.

/** Deep linear network learning dynamics (Saxe et al. 2013; Neuromatch W1D2 tutorial 3). */
export const dlnnExperiment: Experiment<LabConfigs["dlnn"], LabRecordsById["dlnn"]> = {
  id: "dlnn",
  title: "Deep linear networks: learning dynamics",
  description: "A linear network items -> hidden -> features learns hierarchical data mode by mode, in the order of the singular values, with stage-like drops in the loss; the records compare it with Saxe's continuous-time theory and the exact discrete-step theory.",
  defaults: dlnn.defaults,
  options: dlnn.options,
  presets: [
    { name: "tutorial", description: "The tutorial's settings: lr 100, gamma 1e-12, 250 epochs.", config: {} },
    { name: "large-init", description: "gamma = 1: the modes start large and are learned at once, without plateaus.", config: { gamma: 1 } },
    { name: "slow", description: "lr 50 over 500 epochs: the same stages at half the speed, closer to continuous time.", config: { lr: 50, epochs: 500 } },
    { name: "narrow", description: "4 hidden units: only the 4 strongest modes can be learned.", config: { hidden: 4 } },
  ],
  validate: dlnn.validate,
  run: dlnn.run,
};

/** Illusory correlations of an early-stopped deep linear network (Neuromatch W1D2 tutorial 3, section 4). */
export const illusoryExperiment: Experiment<LabConfigs["illusory"], LabRecordsById["illusory"]> = {
  id: "illusory",
  title: "Illusory correlations",
  description: "A feature that breaks the hierarchy (sharks have no bones) is first predicted from the broad modes (animals have bones) and only corrected when the finer modes are learned.",
  defaults: illusory.defaults,
  options: illusory.options,
  presets: [
    { name: "shark-has-bones", description: "Goldfish becomes Shark; has_bones is yes for the other animals only.", config: {} },
    {
      name: "parrot-cannot-speak", description: "Canary becomes Parrot; cannot_speak is yes for every item but the parrot.",
      config: { itemIndex: 3, itemName: "Parrot", featureName: "cannot_speak", feature: [1, 1, 1, -1, 1, 1, 1, 1] },
    },
  ],
  validate: illusory.validate,
  run: illusory.run,
};

/** Linear regression three ways (Neuromatch W1D2 tutorial 3, bonus). */
export const linregExperiment: Experiment<LabConfigs["linreg"], LabRecordsById["linreg"]> = {
  id: "linreg",
  title: "Linear regression three ways",
  description: "The analytic least-squares map, a zero-hidden-layer network trained by SGD and the deep linear network's W_tot reach the same map by different paths.",
  defaults: linreg.defaults,
  options: linreg.options,
  presets: [{ name: "tutorial", description: "The tutorial's settings: deep lr 100, shallow lr 1000, 250 epochs each.", config: {} }],
  validate: linreg.validate,
  run: linreg.run,
};

/** Optimizers on a loss surface (MLx optimisation practical). */
export const optimizersExperiment: Experiment<LabConfigs["optimizers"], LabRecordsById["optimizers"]> = {
  id: "optimizers",
  title: "Optimizers on a loss surface",
  description: "GD, SGD, mini-batch SGD, momentum, Nesterov, RMSprop and Adam on the MSE surface of a two-parameter linear model; GD converges below the stability limit 2 / lambdaMax and diverges above it.",
  defaults: optimizers.defaults,
  options: optimizers.options,
  presets: [
    { name: "lr-good", description: "lr 0.5, below the limit 2 / lambdaMax = 0.79: GD converges to (5, 2).", config: {} },
    { name: "lr-too-small", description: "lr 0.05: GD crawls along the flat valley and is still far from (5, 2) after 150 epochs.", config: { lr: 0.05 } },
    { name: "lr-above-limit", description: "lr 0.85, above 2 / lambdaMax = 0.79: GD (and Nesterov) diverge; heavy-ball momentum still converges.", config: { lr: 0.85 } },
    { name: "regression", description: "makeRegression with 2 features (a round bowl), faster adaptive methods.", config: { dataset: "regression", adaptiveLr: 1 } },
    { name: "regression-above-limit", description: "makeRegression with lr 1, above its limit 2 / lambdaMax = 0.93: GD diverges.", config: { dataset: "regression", lr: 1 } },
  ],
  validate: optimizers.validate,
  run: optimizers.run,
};

/** Every experiment by id. */
export const experiments: { [K in ExperimentId]: Experiment<LabConfigs[K], LabRecordsById[K]> } = {
  dlnn: dlnnExperiment,
  illusory: illusoryExperiment,
  linreg: linregExperiment,
  optimizers: optimizersExperiment,
};

/** The experiment ids, in display order. */
export const experimentIds: readonly ExperimentId[] = ["dlnn", "illusory", "linreg", "optimizers"];

/**
 * The experiment of an id; throws a RangeError listing the known ids.
 * @example getExperiment("dlnn").options.map((o) => o.name)
 */
export function getExperiment<K extends ExperimentId>(id: K): Experiment<LabConfigs[K], LabRecordsById[K]> {
  if (!Object.prototype.hasOwnProperty.call(experiments, id)) {
    throw new RangeError(`lab: unknown experiment ${JSON.stringify(id)} (known: ${experimentIds.join(", ")})`);
  }
  return experiments[id];
}

/**
 * A preset's config over the defaults of an experiment (validated); throws a RangeError
 * listing the experiment's presets.
 * @example presetConfig("illusory", "parrot-cannot-speak").itemName // "Parrot"
 */
export function presetConfig<K extends ExperimentId>(id: K, name: string): LabConfigs[K] {
  const exp = getExperiment(id);
  const preset = exp.presets.find((p) => p.name === name);
  if (!preset) throw new RangeError(`lab: experiment "${id}" has no preset ${JSON.stringify(name)} (presets: ${exp.presets.map((p) => p.name).join(", ")})`);
  return exp.validate(preset.config);
}

/**
 * Runs an experiment by id: pure and seeded, the records are plain JSON.
 * @example const records = runExperiment("optimizers", { lr: 0.85 });
 */
export function runExperiment<K extends ExperimentId>(id: K, config: Partial<LabConfigs[K]> = {}, onProgress?: ProgressCallback): LabRecordsById[K] {
  return getExperiment(id).run(config, onProgress);
}
