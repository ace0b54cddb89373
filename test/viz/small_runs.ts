// Small, fast configurations of every lab experiment (a fraction of a second each), shared by
// the figure and CLI tests; each is run once per test file and cached.
import { runExperiment } from "../../src/lab/registry.js";
import type { LabRecordsById } from "../../src/lab/types.js";

/** 300 features instead of 10000, lr scaled to match, a larger init: every mode is learned by epoch ~100. */
export const SMALL_TREE = { nFeatures: 300, lr: 17, gamma: 1e-4, epochs: 110 };

export const SMALL = {
  dlnn: SMALL_TREE,
  illusory: SMALL_TREE,
  linreg: { ...SMALL_TREE, shallowLr: 100, shallowEpochs: 110 },
  optimizers: { epochs: 20, gridSize: 15, nSamples: 20, batchSize: 5 },
} as const;

const cache = new Map<string, unknown>();

/** The records of a small run of experiment `id` (computed once). */
export function smallRun<K extends keyof LabRecordsById>(id: K): LabRecordsById[K] {
  if (!cache.has(id)) cache.set(id, runExperiment(id, SMALL[id] as never));
  return cache.get(id) as LabRecordsById[K];
}
