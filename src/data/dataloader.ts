import { Generator } from "../tensor/random.js";
import { defaultGenerator } from "../tensor/random.js";
import type { Collated } from "./collate.js";
import { defaultCollate } from "./collate.js";
import type { Dataset } from "./dataset.js";
import { TensorDataset } from "./dataset.js";
import type { Sampler } from "./sampler.js";
import { BatchSampler, RandomSampler, SequentialSampler } from "./sampler.js";

export interface DataLoaderOptions<T> {
  /** Examples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle at every pass (epoch). */
  shuffle?: boolean;
  /** Drop the last, smaller batch. */
  dropLast?: boolean;
  /** Seed of this loader's own generator, so its shuffles repeat across runs whatever else draws random numbers. */
  seed?: number;
  /** Generator to shuffle with (default: a new one from `seed`, else the global one). */
  generator?: Generator;
  /** Custom order of examples (excludes shuffle). */
  sampler?: Sampler;
  /** Custom batches of indices (excludes batchSize, shuffle, sampler, dropLast). */
  batchSampler?: Iterable<number[]> & { length?: number };
  /** Turns a list of examples into a batch (default: stack tensors field by field). */
  collate?: (examples: T[]) => Collated;
}

/**
 * Iterates a dataset in batches, batch-first, optionally shuffled with a seed (each pass
 * is a new shuffle; the sequence of passes repeats for the same seed).
 * @example for (const [xb, yb] of new data.DataLoader(ds, { batchSize: 32, shuffle: true, seed: 0 })) { ... }
 */
export class DataLoader<T = unknown> implements Iterable<Collated> {
  readonly batchSize: number;
  readonly generator: Generator;
  private readonly batches: Iterable<number[]> & { length?: number };
  // `any[]`, not `T[]`: keeps DataLoader<T> assignable to DataLoader<unknown> (parameters are contravariant).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly collate: ((examples: any[]) => Collated) | null;

  constructor(readonly dataset: Dataset<T>, opts: DataLoaderOptions<T> = {}) {
    const batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (opts.sampler && opts.shuffle) throw new TypeError("DataLoader: sampler option is mutually exclusive with shuffle");
    if (opts.batchSampler && (opts.batchSize !== undefined || opts.shuffle || opts.sampler || opts.dropLast)) {
      throw new TypeError("DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler and dropLast");
    }
    this.batchSize = batchSize;
    this.generator = opts.generator ?? (opts.seed !== undefined ? new Generator(opts.seed) : defaultGenerator);
    const sampler = opts.sampler ?? (opts.shuffle ? new RandomSampler(dataset.length, { generator: this.generator }) : new SequentialSampler(dataset.length));
    this.batches = opts.batchSampler ?? new BatchSampler(sampler, batchSize, opts.dropLast ?? false);
    this.collate = opts.collate ?? null;
  }

  /** Number of batches per pass. */
  get length(): number {
    const n = this.batches.length;
    if (n === undefined) throw new TypeError("DataLoader: the batchSampler has no length");
    return n;
  }

  *[Symbol.iterator](): Iterator<Collated> {
    for (const idx of this.batches) {
      if (!this.collate && this.dataset instanceof TensorDataset) yield this.dataset.takeBatch(idx);
      else {
        const examples = this.dataset.getBatch(idx);
        yield (this.collate ?? defaultCollate)(examples);
      }
    }
  }
}
