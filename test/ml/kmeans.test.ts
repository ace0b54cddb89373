import { describe, expect, it } from "vitest";
import * as ml from "../../src/ml/index.js";
import { datasets, expectClose, expectLabels, load, rows } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// k-means against scikit-learn 1.2.1's KMeans(algorithm="lloyd") (tools/oracle/gen_ml.py):
// from the same initial centres, centres/inertia within 1e-4, labels and iteration counts
// identical; from k-means++ (different random streams), the same optimum's inertia.

interface KmCase {
  name: string; dataset: string; options: ml.KMeansOptions & { nClusters: number }; initRows: number[] | null;
  clusterCenters: FxArray; labels?: FxArray; inertia: number; nIter?: number; predictFirst20?: FxArray; score?: number;
}
const fx = load<{ tolerance: number; cases: KmCase[] }>("kmeans");

describe("KMeans matches scikit-learn", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const X = rows(datasets()[c.dataset].X);
      const init = c.initRows ? c.initRows.map((i) => X[i]) : undefined;
      const km = new ml.KMeans({ ...c.options, ...(init ? { init } : {}) }).fit(X);
      if (c.initRows) {
        expectClose(km.clusterCenters, c.clusterCenters, fx.tolerance, "clusterCenters");
        expectLabels(km.labels, c.labels!, "labels");
        expect(km.nIter).toBe(c.nIter);
        expectLabels(km.predict(X.slice(0, 20)), c.predictFirst20!, "predict");
        expectClose(km.score(X), c.score!, fx.tolerance, "score");
      }
      expectClose(km.inertia, c.inertia, fx.tolerance, "inertia");
    });
  }
});

describe("KMeans: behaviour", () => {
  it("separates two obvious groups and reports distances", () => {
    const X = [[0, 0], [0, 1], [10, 10], [10, 11]];
    const km = new ml.KMeans({ nClusters: 2, nInit: 3, seed: 1 }).fit(X);
    const l = Array.from(km.labels.dataSync());
    expect(l[0]).toBe(l[1]);
    expect(l[2]).toBe(l[3]);
    expect(l[0]).not.toBe(l[2]);
    expect(km.inertia).toBeCloseTo(1, 12);
    const D = km.transform([[0, 0.5]]).toArray() as number[][];
    expect(Math.min(...D[0])).toBeCloseTo(0, 12);
  });

  it("an empty cluster takes the farthest sample, as sklearn", () => {
    // Centre 2 starts far away and catches nothing in the first assignment.
    const km = new ml.KMeans({ nClusters: 2, init: [[0], [100]], maxIter: 1 }).fit([[0], [1], [2], [9]]);
    expect(Array.from(km.clusterCenters.dataSync())).toEqual([1, 9]);
  });

  it("errors name the estimator and the problem", () => {
    expect(() => new ml.KMeans({ nClusters: 5 }).fit([[0], [1], [2]])).toThrow(/KMeans: nClusters = 5 is larger than the number of samples \(3\)/);
    expect(() => new ml.KMeans({ nClusters: 2, init: [[0, 0]] }).fit([[0, 1], [2, 3]])).toThrow(/KMeans: init has shape \[1, 2\] but must be \[nClusters, nFeatures\] = \[2, 2\]/);
    expect(() => new ml.KMeans().predict([[0]])).toThrow(/KMeans: .*not fitted yet; call fit before predict/);
    expect(() => new ml.KMeans({ init: "kmeans" as never })).toThrow(/KMeans: init must be/);
  });
});
