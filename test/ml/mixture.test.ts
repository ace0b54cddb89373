import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as ml from "../../src/ml/index.js";
import { datasets, expectClose, expectLabels, load, rows, t64 } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// Gaussian mixtures against scikit-learn 1.2.1 (tools/oracle/gen_ml.py). With weights,
// means and precisions given, EM is deterministic: parameters, lower bound, test
// log-likelihood and responsibilities within 1e-4, same iteration count and labels.
// From k-means starts (different random streams, EM stopped once the mean log-likelihood
// gains less than 1e-3) the mean log-likelihoods must agree within 1e-2.

interface GmmCase {
  name: string; dataset: string; options: ml.GaussianMixtureOptions & { nComponents: number };
  meansInitRows?: number[]; weightsInit?: FxArray; precisionsInit?: FxArray;
  weights?: FxArray; means?: FxArray; covariances?: FxArray; lowerBound: number; nIter?: number; converged?: boolean;
  scoreTest: number; predictTest?: FxArray; probaTest?: FxArray; scoreSamplesTest?: FxArray;
}
const fx = load<{ tolerance: number; kmeansTolerance: number; cases: GmmCase[] }>("mixture");

describe("GaussianMixture matches scikit-learn", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const ds = datasets()[c.dataset];
      const Xtr = rows(ds.X, ds.train), Xte = rows(ds.X, ds.test);
      const given = c.meansInitRows !== undefined;
      const opts = given
        ? { ...c.options, meansInit: c.meansInitRows!.map((i) => Xtr[i]), weightsInit: c.weightsInit!.data, precisionsInit: t64(c.precisionsInit!), seed: 0 }
        : c.options;
      const g = new ml.GaussianMixture(opts).fit(Xtr);
      if (given) {
        expectClose(g.weights, c.weights!, fx.tolerance, "weights");
        expectClose(g.means, c.means!, fx.tolerance, "means");
        expectClose(g.covariances, c.covariances!, fx.tolerance, "covariances");
        expect(g.nIter).toBe(c.nIter);
        expect(g.converged).toBe(c.converged);
        expectLabels(g.predict(Xte), c.predictTest!, "predict");
        expectClose(g.predictProba(Xte), c.probaTest!, fx.tolerance, "predictProba");
        expectClose(g.scoreSamples(Xte), c.scoreSamplesTest!, fx.tolerance, "scoreSamples");
      }
      const tol = given ? fx.tolerance : fx.kmeansTolerance;
      expectClose(g.lowerBound, c.lowerBound, tol, "lowerBound");
      expectClose(g.score(Xte), c.scoreTest, tol, "score (mean test log-likelihood)");
    });
  }
});

describe("GaussianMixture: behaviour", () => {
  it("one component is the sample mean and covariance (+ regCovar)", () => {
    const X = gl.randn([200, 2], { dtype: "float64", generator: new gl.Generator(5) });
    const g = new ml.GaussianMixture({ seed: 0 }).fit(X);
    expectClose(g.means, { data: Array.from(X.mean(0).dataSync()), shape: [1, 2] }, 1e-12, "mean");
    const Xc = X.sub(X.mean(0));
    const cov = gl.matmul(Xc.mT, Xc).div(200).add(gl.eye(2, 2, { dtype: "float64" }).mul(1e-6));
    expectClose(g.covariances, { data: Array.from(cov.dataSync()), shape: [1, 2, 2] }, 1e-12, "covariance");
    const P = gl.matmul(g.precisions.select(0, 0), g.covariances.select(0, 0));
    expectClose(P, { data: [1, 0, 0, 1], shape: [2, 2] }, 1e-10, "precision is the inverse");
    expect(g.bic(X)).toBeGreaterThan(g.aic(X));
  });

  it("errors name the estimator and the problem", () => {
    expect(() => new ml.GaussianMixture({ nComponents: 3 }).fit([[0], [1]])).toThrow(/GaussianMixture: nComponents = 3 is larger than the number of samples \(2\)/);
    expect(() => new ml.GaussianMixture({ covarianceType: "diag" as never })).toThrow(/GaussianMixture: covarianceType must be one of "full"/);
    expect(() => new ml.GaussianMixture().score([[0]])).toThrow(/GaussianMixture: .*not fitted yet; call fit before score/);
    expect(() => new ml.GaussianMixture({ nComponents: 2, meansInit: [[0, 0]] }).fit([[0, 1], [1, 0], [2, 2]])).toThrow(/GaussianMixture: meansInit must have shape \[2, 2\], got \[1, 2\]/);
    expect(() => new ml.GaussianMixture({ regCovar: 0 }).fit([[1, 1], [1, 1], [1, 1]])).toThrow(/GaussianMixture: .*ill-defined .*covariance/);
  });
});
