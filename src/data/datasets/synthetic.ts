import { Generator } from "../../tensor/random.js";
import { Tensor } from "../../tensor/tensor.js";

// Seeded synthetic data sets in the spirit of scikit-learn's make_* generators (same
// shapes and parameters; our own random streams).

interface SeedOpt { seed?: number }
const genOf = (o: SeedOpt) => new Generator(o.seed ?? 0);

function matrix(rows: number, cols: number, fill: (i: number, j: number) => number): Tensor {
  const a = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) a[i * cols + j] = fill(i, j);
  return Tensor.fromArray(a, [rows, cols], "float32");
}

function checkCount(v: number, name: string, op: string, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${v}`);
}

export interface RegressionOptions extends SeedOpt {
  nSamples?: number; nFeatures?: number; nInformative?: number; noise?: number; bias?: number;
}

/**
 * A linear regression problem: X ~ N(0, 1), y = X coef + bias + noise; only the first
 * `nInformative` coefficients are non-zero (uniform in [0, 100), as in scikit-learn).
 * @example const { X, y, coef } = data.datasets.makeRegression({ nSamples: 200, nFeatures: 2, noise: 0.1, seed: 0 });
 */
export function makeRegression(opts: RegressionOptions = {}): { X: Tensor; y: Tensor; coef: Tensor } {
  const n = opts.nSamples ?? 100, f = opts.nFeatures ?? 100;
  const inf = Math.min(opts.nInformative ?? 10, f);
  checkCount(n, "nSamples", "makeRegression"); checkCount(f, "nFeatures", "makeRegression");
  const g = genOf(opts);
  const X = matrix(n, f, () => g.normal());
  const coef = new Float32Array(f);
  for (let j = 0; j < inf; j++) coef[j] = 100 * g.uniform();
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = opts.bias ?? 0;
    for (let j = 0; j < f; j++) s += X.data[i * f + j] * coef[j];
    y[i] = s + (opts.noise ?? 0) * g.normal();
  }
  return { X, y: Tensor.fromArray(y, [n], "float32"), coef: Tensor.fromArray(coef, [f], "float32") };
}

export interface BlobsOptions extends SeedOpt {
  nSamples?: number; nFeatures?: number; centers?: number | number[][]; clusterStd?: number; centerBox?: [number, number];
}

/**
 * Gaussian blobs around `centers` (random in `centerBox` when given as a count).
 * @example const { X, y } = data.datasets.makeBlobs({ nSamples: 300, centers: 3, seed: 0 });
 */
export function makeBlobs(opts: BlobsOptions = {}): { X: Tensor; y: Tensor; centers: Tensor } {
  const n = opts.nSamples ?? 100;
  checkCount(n, "nSamples", "makeBlobs");
  const g = genOf(opts);
  const [lo, hi] = opts.centerBox ?? [-10, 10];
  let centers: number[][];
  if (Array.isArray(opts.centers)) centers = opts.centers;
  else {
    const k = opts.centers ?? 3, f = opts.nFeatures ?? 2;
    checkCount(k, "centers", "makeBlobs"); checkCount(f, "nFeatures", "makeBlobs");
    centers = Array.from({ length: k }, () => Array.from({ length: f }, () => lo + (hi - lo) * g.uniform()));
  }
  const k = centers.length, f = centers[0].length;
  const std = opts.clusterStd ?? 1;
  const X = new Float32Array(n * f);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k; // as many points per blob as possible, like scikit-learn
    y[i] = c;
    for (let j = 0; j < f; j++) X[i * f + j] = centers[c][j] + std * g.normal();
  }
  return { X: Tensor.fromArray(X, [n, f], "float32"), y: Tensor.fromArray(y, [n], "int32"), centers: matrix(k, f, (i, j) => centers[i][j]) };
}

/**
 * Two interleaving half circles (scikit-learn's make_moons), with Gaussian noise.
 * @example const { X, y } = data.datasets.makeMoons({ nSamples: 200, noise: 0.1, seed: 0 });
 */
export function makeMoons(opts: SeedOpt & { nSamples?: number; noise?: number } = {}): { X: Tensor; y: Tensor } {
  const n = opts.nSamples ?? 100;
  checkCount(n, "nSamples", "makeMoons", 2);
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const g = genOf(opts);
  const noise = opts.noise ?? 0;
  const X = new Float32Array(n * 2), y = new Int32Array(n);
  for (let i = 0; i < nOut; i++) {
    const t = nOut > 1 ? (Math.PI * i) / (nOut - 1) : 0;
    X[2 * i] = Math.cos(t) + noise * g.normal(); X[2 * i + 1] = Math.sin(t) + noise * g.normal();
  }
  for (let i = 0; i < nIn; i++) {
    const t = nIn > 1 ? (Math.PI * i) / (nIn - 1) : 0;
    const r = nOut + i;
    X[2 * r] = 1 - Math.cos(t) + noise * g.normal(); X[2 * r + 1] = 1 - Math.sin(t) - 0.5 + noise * g.normal();
    y[r] = 1;
  }
  return { X: Tensor.fromArray(X, [n, 2], "float32"), y: Tensor.fromArray(y, [n], "int32") };
}

export interface ClassificationOptions extends SeedOpt {
  nSamples?: number; nFeatures?: number; nInformative?: number; nRedundant?: number; nClasses?: number; classSep?: number; flipY?: number;
}

/**
 * A classification problem like scikit-learn's make_classification: one Gaussian
 * cluster per class at a vertex of a hypercube of side 2*classSep in the informative
 * dims, redundant features as random linear combinations of them, the rest noise, and a
 * fraction `flipY` of labels flipped at random.
 */
export function makeClassification(opts: ClassificationOptions = {}): { X: Tensor; y: Tensor } {
  const n = opts.nSamples ?? 100, f = opts.nFeatures ?? 20;
  const inf = opts.nInformative ?? 2, red = opts.nRedundant ?? 2, k = opts.nClasses ?? 2;
  checkCount(n, "nSamples", "makeClassification");
  if (inf + red > f) throw new RangeError(`makeClassification: nInformative (${inf}) + nRedundant (${red}) must be <= nFeatures (${f})`);
  if (k > 2 ** inf) throw new RangeError(`makeClassification: nClasses (${k}) must be <= 2**nInformative (${2 ** inf})`);
  const g = genOf(opts);
  const sep = opts.classSep ?? 1;
  const vertices = Array.from({ length: k }, (_, c) => Array.from({ length: inf }, (_, j) => ((c >> j) & 1 ? sep : -sep)));
  const mix = Array.from({ length: inf }, () => Array.from({ length: red }, () => 2 * g.uniform() - 1));
  const X = new Float32Array(n * f), y = new Int32Array(n);
  const flip = opts.flipY ?? 0.01;
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const row = i * f;
    for (let j = 0; j < inf; j++) X[row + j] = vertices[c][j] + g.normal();
    for (let r = 0; r < red; r++) {
      let s = 0;
      for (let j = 0; j < inf; j++) s += X[row + j] * mix[j][r];
      X[row + inf + r] = s;
    }
    for (let j = inf + red; j < f; j++) X[row + j] = g.normal();
    y[i] = g.uniform() < flip ? g.integer(0, k) : c;
  }
  return { X: Tensor.fromArray(X, [n, f], "float32"), y: Tensor.fromArray(y, [n], "int32") };
}
