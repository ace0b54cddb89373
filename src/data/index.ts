import * as datasets from "./datasets/index.js";
import * as transforms from "./transforms.js";

export { Dataset, TensorDataset, Subset, ConcatDataset } from "./dataset.js";
export { DataLoader } from "./dataloader.js";
export type { DataLoaderOptions } from "./dataloader.js";
export { defaultCollate } from "./collate.js";
export type { Sampler, RandomSamplerOptions } from "./sampler.js";
export { SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler } from "./sampler.js";
export { randomSplit, kFold, timeSeriesSplit, groupSplit, trainTestSplit } from "./splits.js";
export type { Fold } from "./splits.js";
export { datasets, transforms };
