// gl.ml fit times against scikit-learn's, in the same run on the same data.
//
//   npx tsx bench/ml.ts [--repeats 3]
//
// Data are generated here with a seeded generator and handed to /usr/bin/python3 (one run per
// task, right before gradlab's, so both meet similar machine load) through a
// temporary JSON file, so both libraries fit identical inputs. Each fit is timed `repeats`
// times (gradlab after one warm-up fit, for the JIT) and the median is reported; the
// ratio is sklearn time / gradlab time (> 1: gradlab is faster). scikit-learn runs with
// OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1, since gradlab's js backend uses one thread.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import * as gl from "../src/index.js";
import * as ml from "../src/ml/index.js";
import * as stats from "../src/stats/index.js";

const load0 = loadavg()[0];
const argv = process.argv.slice(2);
const repeats = Number(argv[argv.indexOf("--repeats") + 1] ?? 3) || 3;

/** Gaussian blobs: n points in d dims around k random centres (box [-10, 10]). */
function blobs(n: number, d: number, k: number, seed: number): { X: number[][]; y: number[] } {
  const g = new gl.Generator(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => g.uniform() * 20 - 10));
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = g.integer(0, k);
    X.push(centres[c].map((v) => v + g.normal()));
    y.push(c);
  }
  return { X, y };
}

/** Two noisy interleaved half-moons lifted to d dims with noise features (a nonlinear task). */
function moons(n: number, d: number, seed: number): { X: number[][]; y: number[] } {
  const g = new gl.Generator(seed);
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2, t = Math.PI * g.uniform();
    const x0 = c === 0 ? Math.cos(t) : 1 - Math.cos(t), x1 = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    X.push([x0 + 0.2 * g.normal(), x1 + 0.2 * g.normal(), ...Array.from({ length: d - 2 }, () => 0.5 * g.normal())]);
    y.push(c);
  }
  return { X, y };
}

const km = blobs(10_000, 8, 8, 1);
const svm = moons(2_000, 10, 2);
const svmTest = moons(1_000, 10, 3);
const dg = gl.data.datasets.digits();
const digits = { X: dg.X.toArray() as number[][], y: Array.from(dg.y.dataSync()) };
const gmm = blobs(5_000, 4, 5, 4);
/** A 10,000 x 20 regression problem with known coefficients and noise. */
const ols = (() => {
  const g = new gl.Generator(5);
  const X = Array.from({ length: 10_000 }, () => Array.from({ length: 20 }, () => g.normal()));
  const y = X.map((r) => 1 + r.reduce((s, v, j) => s + (j + 1) * 0.1 * v, 0) + g.normal());
  return { X, y };
})();

interface Task {
  name: string;
  data: string;
  gradlab: () => number | string;
  sklearn: string;
}

const tasks: Task[] = [
  {
    name: "OLS with standard errors, 10,000 x 20 (statsmodels)",
    data: "ols",
    gradlab: () => stats.ols(ols.y, ols.X).rsquared,
    sklearn: "sm.OLS(y, sm.add_constant(X)).fit().rsquared",
  },
  {
    name: "KMeans k=8, 10,000 x 8, given init (1 run)",
    data: "km",
    gradlab: () => new ml.KMeans({ nClusters: 8, init: km.X.slice(0, 8), nInit: 1 }).fit(km.X).inertia,
    sklearn: "KMeans(n_clusters=8, init=X[:8], n_init=1).fit(X).inertia_",
  },
  {
    name: "KMeans k=8, 10,000 x 8, k-means++ nInit=10",
    data: "km",
    gradlab: () => new ml.KMeans({ nClusters: 8, nInit: 10, seed: 0 }).fit(km.X).inertia,
    sklearn: "KMeans(n_clusters=8, n_init=10, random_state=0).fit(X).inertia_",
  },
  {
    name: "SVC rbf, 2,000 x 10 (fit; test accuracy)",
    data: "svm",
    gradlab: () => new ml.SVC().fit(svm.X, svm.y).score(svmTest.X, svmTest.y),
    sklearn: "SVC().fit(X, y).score(Xt, yt)",
  },
  {
    name: "SVC rbf, digits 1,797 x 64, 10 classes (ovo)",
    data: "digits",
    gradlab: () => new ml.SVC().fit(digits.X, digits.y).score(digits.X, digits.y),
    sklearn: "SVC().fit(X, y).score(X, y)",
  },
  {
    name: "LogisticRegression multinomial, digits (scaled)",
    data: "digitsScaled",
    gradlab: () => new ml.LogisticRegression().fit(digitsScaled(), digits.y).score(digitsScaled(), digits.y),
    sklearn: "LogisticRegression(max_iter=1000).fit(X, y).score(X, y)",
  },
  {
    name: "RandomForestClassifier 100 trees, digits",
    data: "digits",
    gradlab: () => new ml.RandomForestClassifier({ nEstimators: 100, seed: 0 }).fit(digits.X, digits.y).score(digits.X, digits.y),
    sklearn: "RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y).score(X, y)",
  },
  {
    name: "DecisionTreeClassifier, digits",
    data: "digits",
    gradlab: () => new ml.DecisionTreeClassifier({ seed: 0 }).fit(digits.X, digits.y).getNLeaves(),
    sklearn: "DecisionTreeClassifier(random_state=0).fit(X, y).get_n_leaves()",
  },
  {
    name: "KNeighborsClassifier k=5, digits 1,347 fit / 450 queries",
    data: "digits",
    gradlab: () => new ml.KNeighborsClassifier().fit(digits.X.slice(0, 1347), digits.y.slice(0, 1347)).score(digits.X.slice(1347), digits.y.slice(1347)),
    sklearn: "KNeighborsClassifier(algorithm='brute').fit(X[:1347], y[:1347]).score(X[1347:], y[1347:])",
  },
  {
    name: "PCA 10 components, digits",
    data: "digits",
    gradlab: () => (new ml.PCA({ nComponents: 10 }).fit(digits.X).explainedVarianceRatio.sum().item()),
    sklearn: "PCA(n_components=10, svd_solver='full').fit(X).explained_variance_ratio_.sum()",
  },
  {
    name: "GaussianMixture 5 comps, 5,000 x 4",
    data: "gmm",
    gradlab: () => new ml.GaussianMixture({ nComponents: 5, seed: 0 }).fit(gmm.X).lowerBound,
    sklearn: "GaussianMixture(n_components=5, random_state=0).fit(X).lower_bound_",
  },
];

let scaledCache: gl.Tensor | null = null;
function digitsScaled(): gl.Tensor {
  scaledCache ??= new ml.StandardScaler().fitTransform(digits.X);
  return scaledCache;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// scikit-learn runs task by task, each right before gradlab's, so both see similar machine load.
const dir = mkdtempSync(join(tmpdir(), "gradlab-bench-ml-"));
const dataFile = join(dir, "data.json");
writeFileSync(dataFile, JSON.stringify({ km, svm, svmTest, digits, gmm, ols }));
const py = `
import json, sys, time, statistics, warnings
import numpy as np
warnings.filterwarnings("ignore")
from sklearn.cluster import KMeans
from sklearn.svm import SVC
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler
import sklearn
D = json.load(open(sys.argv[1]))
task = json.loads(sys.argv[2]); repeats = int(sys.argv[3])
if task["data"] == "km": X, y = np.array(D["km"]["X"]), np.array(D["km"]["y"])
if task["data"] == "svm": X, y, Xt, yt = np.array(D["svm"]["X"]), np.array(D["svm"]["y"]), np.array(D["svmTest"]["X"]), np.array(D["svmTest"]["y"])
if task["data"] in ("digits", "digitsScaled"): X, y = np.array(D["digits"]["X"], dtype=float), np.array(D["digits"]["y"])
if task["data"] == "digitsScaled": X = StandardScaler().fit_transform(X)
if task["data"] == "gmm": X = np.array(D["gmm"]["X"])
if task["data"] == "ols": X, y = np.array(D["ols"]["X"]), np.array(D["ols"]["y"])
import statsmodels.api as sm
times = []
for r in range(repeats):
    t0 = time.perf_counter(); v = eval(task["sklearn"]); times.append(time.perf_counter() - t0)
print(json.dumps({"sklearn": sklearn.__version__, "ms": statistics.median(times) * 1000, "value": float(v)}))
`;
function sklearnRun(t: Task): { sklearn: string; ms: number; value: number } {
  const out = execFileSync("/usr/bin/python3", ["-c", py, dataFile, JSON.stringify({ data: t.data, sklearn: t.sklearn }), String(repeats)], {
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    maxBuffer: 1 << 24,
  }).toString();
  return JSON.parse(out) as { sklearn: string; ms: number; value: number };
}

const fmt = (v: number | string) => (typeof v === "number" ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(5)) : v);
const rows: string[] = [];
let version = "";
for (const t of tasks) {
  const s = sklearnRun(t);
  version = s.sklearn;
  t.gradlab(); // warm-up (JIT)
  const times: number[] = [];
  let value: number | string = "";
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    value = t.gradlab();
    times.push(performance.now() - t0);
  }
  const ms = median(times);
  rows.push(`| ${t.name} | ${ms.toFixed(0)} | ${s.ms.toFixed(0)} | ${(s.ms / ms).toFixed(2)}x | ${fmt(value)} | ${fmt(s.value)} |`);
  console.error(`done: ${t.name}`);
}
rmSync(dir, { recursive: true, force: true });
console.log([
  `gradlab gl.ml vs scikit-learn ${version} (median of ${repeats}; sklearn single-threaded; node ${process.version}; ` +
    `${cpus().length} cores, load average ${load0.toFixed(1)} at the start)`,
  "",
  "| task | gradlab ms | sklearn ms | sklearn/gradlab | gradlab value | sklearn value |",
  "|---|---|---|---|---|---|",
  ...rows,
].join("\n"));
