import type { Generator } from "../tensor/random.js";
import { defaultGenerator } from "../tensor/random.js";

/** Yields dataset indices (PyTorch's Sampler). */
export interface Sampler extends Iterable<number> {
  readonly length: number;
}

/** Fisher–Yates permutation of 0..n-1 from a generator. */
export function permutation(n: number, g: Generator): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    const t = a[i]; a[i] = a[j]; a[j] = t;
  }
  return a;
}

/** 0, 1, ..., n-1. */
export class SequentialSampler implements Sampler {
  constructor(readonly length: number) {}
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  replacement?: boolean;
  numSamples?: number;
  generator?: Generator;
}

/** A fresh random order every pass (or draws with replacement). */
export class RandomSampler implements Sampler {
  readonly length: number;
  private readonly g: Generator;
  constructor(readonly n: number, private readonly opts: RandomSamplerOptions = {}) {
    this.g = opts.generator ?? defaultGenerator;
    this.length = opts.numSamples ?? n;
    if (!opts.replacement && this.length > n) throw new RangeError(`RandomSampler: numSamples (${this.length}) > dataset size (${n}) needs replacement: true`);
  }
  *[Symbol.iterator](): Iterator<number> {
    if (this.opts.replacement) {
      for (let i = 0; i < this.length; i++) yield this.g.integer(0, this.n);
      return;
    }
    yield* permutation(this.n, this.g).slice(0, this.length);
  }
}

/** The given indices in a fresh random order every pass. */
export class SubsetRandomSampler implements Sampler {
  readonly length: number;
  constructor(readonly indices: readonly number[], private readonly generator: Generator = defaultGenerator) {
    this.length = indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const p of permutation(this.indices.length, this.generator)) yield this.indices[p];
  }
}

/** Draws indices with probability proportional to `weights`. */
export class WeightedRandomSampler implements Sampler {
  private readonly cdf: number[];
  constructor(weights: readonly number[], readonly length: number, private readonly opts: { replacement?: boolean; generator?: Generator } = {}) {
    if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new RangeError("WeightedRandomSampler: weights must be finite and non-negative");
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new RangeError("WeightedRandomSampler: weights sum to zero");
    if (opts.replacement === false && length > weights.filter((w) => w > 0).length) {
      throw new RangeError(`WeightedRandomSampler: cannot draw ${length} samples without replacement from ${weights.filter((w) => w > 0).length} non-zero weights`);
    }
    let acc = 0;
    this.cdf = weights.map((w) => (acc += w / total));
  }
  *[Symbol.iterator](): Iterator<number> {
    const g = this.opts.generator ?? defaultGenerator;
    const taken = new Set<number>();
    let yielded = 0;
    while (yielded < this.length) {
      const u = g.uniform();
      let lo = 0, hi = this.cdf.length - 1;
      while (lo < hi) { const m = (lo + hi) >> 1; if (this.cdf[m] > u) hi = m; else lo = m + 1; }
      if (this.opts.replacement === false) { if (taken.has(lo)) continue; taken.add(lo); }
      yielded++;
      yield lo;
    }
  }
}

/** Groups a sampler's indices into batches. */
export class BatchSampler implements Iterable<number[]> {
  constructor(readonly sampler: Sampler, readonly batchSize: number, readonly dropLast: boolean) {
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`BatchSampler: batchSize must be a positive integer, got ${batchSize}`);
  }
  get length(): number {
    return this.dropLast ? Math.floor(this.sampler.length / this.batchSize) : Math.ceil(this.sampler.length / this.batchSize);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) { yield batch; batch = []; }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
