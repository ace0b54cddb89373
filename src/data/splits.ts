import { Generator } from "../tensor/random.js";
import { defaultGenerator } from "../tensor/random.js";
import type { Dataset } from "./dataset.js";
import { Subset } from "./dataset.js";
import { permutation } from "./sampler.js";

/** Indices of one train/test split. */
export interface Fold {
  train: number[];
  test: number[];
}

function gen(opts: { seed?: number; generator?: Generator }): Generator {
  return opts.generator ?? (opts.seed !== undefined ? new Generator(opts.seed) : defaultGenerator);
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}

/**
 * Splits a dataset into non-overlapping random subsets, by counts or by fractions that
 * sum to 1 (remainders go round-robin to the first subsets, as in PyTorch).
 * @example const [train, val] = data.randomSplit(ds, [0.8, 0.2], { seed: 0 });
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], opts: { seed?: number; generator?: Generator } = {}): Subset<T>[] {
  const n = dataset.length;
  let counts = lengths.slice();
  const sum = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every((l) => l >= 0 && l <= 1) && Math.abs(sum - 1) < 1e-9 && sum !== n) {
    counts = lengths.map((f) => Math.floor(n * f));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]++;
  } else if (lengths.some((l) => !Number.isInteger(l) || l < 0)) {
    throw new RangeError(`randomSplit: lengths must be non-negative integers or fractions summing to 1, got [${lengths.join(", ")}]`);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== n) throw new RangeError(`randomSplit: sum of input lengths (${total}) does not equal the length of the input dataset (${n})`);
  const perm = permutation(n, gen(opts));
  const out: Subset<T>[] = [];
  let at = 0;
  for (const c of counts) { out.push(new Subset(dataset, perm.slice(at, at + c))); at += c; }
  return out;
}

/**
 * K-fold cross-validation (scikit-learn's KFold): the first n % k folds get one extra
 * example; with `shuffle`, indices are permuted once first.
 */
export function kFold(n: number, opts: { nSplits?: number; shuffle?: boolean; seed?: number; generator?: Generator } = {}): Fold[] {
  const k = opts.nSplits ?? 5;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`kFold: nSplits must be an integer >= 2, got ${k}`);
  if (k > n) throw new RangeError(`kFold: cannot have nSplits=${k} greater than the number of samples n=${n}`);
  const order = opts.shuffle ? permutation(n, gen(opts)) : range(0, n);
  const folds: Fold[] = [];
  let at = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const test = order.slice(at, at + size);
    const train = [...order.slice(0, at), ...order.slice(at + size)];
    folds.push({ train, test });
    at += size;
  }
  return folds;
}

/**
 * Time-series cross-validation (scikit-learn's TimeSeriesSplit): every test block comes
 * after all of its training indices (and after a `gap`), so no fold trains on the future.
 * @example data.timeSeriesSplit(100, { nSplits: 4 })
 */
export function timeSeriesSplit(n: number, opts: { nSplits?: number; testSize?: number; gap?: number; maxTrainSize?: number } = {}): Fold[] {
  const k = opts.nSplits ?? 5;
  const gap = opts.gap ?? 0;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`timeSeriesSplit: nSplits must be a positive integer, got ${k}`);
  const testSize = opts.testSize ?? Math.floor(n / (k + 1));
  if (testSize < 1 || n - gap - testSize * k <= 0) {
    throw new RangeError(`timeSeriesSplit: too many splits (${k}) for ${n} samples with testSize ${testSize} and gap ${gap}`);
  }
  const folds: Fold[] = [];
  for (let start = n - k * testSize; start < n; start += testSize) {
    const trainEnd = start - gap;
    const trainStart = opts.maxTrainSize ? Math.max(0, trainEnd - opts.maxTrainSize) : 0;
    folds.push({ train: range(trainStart, trainEnd), test: range(start, start + testSize) });
  }
  return folds;
}

/**
 * One train/test split in which every group lies entirely on one side (scikit-learn's
 * GroupShuffleSplit): ceil(testFraction * #groups) random groups form the test set.
 * @example const { train, test } = data.groupSplit(patientIds, { testFraction: 0.2, seed: 0 });
 */
export function groupSplit(groups: readonly (number | string)[], opts: { testFraction?: number; seed?: number; generator?: Generator } = {}): Fold {
  const frac = opts.testFraction ?? 0.2;
  if (!(frac > 0 && frac < 1)) throw new RangeError(`groupSplit: testFraction must be in (0, 1), got ${frac}`);
  const uniq = [...new Set(groups)];
  if (uniq.length < 2) throw new RangeError(`groupSplit: need at least 2 distinct groups, got ${uniq.length}`);
  const nTest = Math.min(uniq.length - 1, Math.ceil(frac * uniq.length));
  const perm = permutation(uniq.length, gen(opts));
  const testGroups = new Set(perm.slice(0, nTest).map((i) => uniq[i]));
  const train: number[] = [], test: number[] = [];
  groups.forEach((g, i) => (testGroups.has(g) ? test : train).push(i));
  return { train, test };
}

/**
 * A shuffled train/test split of indices 0..n-1 (scikit-learn's train_test_split):
 * ceil(testFraction * n) examples go to the test set.
 */
export function trainTestSplit(n: number, opts: { testFraction?: number; seed?: number; generator?: Generator } = {}): Fold {
  const frac = opts.testFraction ?? 0.25;
  if (!(frac > 0 && frac < 1)) throw new RangeError(`trainTestSplit: testFraction must be in (0, 1), got ${frac}`);
  const perm = permutation(n, gen(opts));
  const nTest = Math.ceil(frac * n);
  return { test: perm.slice(0, nTest), train: perm.slice(nTest) };
}
