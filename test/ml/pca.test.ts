import { describe, expect, it } from "vitest";
import * as ml from "../../src/ml/index.js";
import { expectClose, load, split } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// PCA against scikit-learn 1.2.1 (svd_solver="full": LAPACK SVD + svd_flip;
// tools/oracle/gen_ml.py): components with their signs, variances, projections and
// reconstructions within 1e-4.

interface PcaCase {
  name: string; dataset: string; standardize: boolean; options: ml.PCAOptions; nComponentsFitted: number;
  components: FxArray; explainedVariance: FxArray; explainedVarianceRatio: FxArray; singularValues: FxArray; mean: FxArray;
  noiseVariance: number; transformTest40: FxArray; inverseTransformTest40: FxArray;
}
const fx = load<{ tolerance: number; cases: PcaCase[] }>("pca");

describe("PCA matches scikit-learn", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const { Xtr, Xte } = split(c.dataset, c.standardize);
      const pca = new ml.PCA(c.options).fit(Xtr);
      expect(pca.components.shape[0]).toBe(c.nComponentsFitted);
      expectClose(pca.components, c.components, fx.tolerance, "components");
      expectClose(pca.explainedVariance, c.explainedVariance, fx.tolerance, "explainedVariance");
      expectClose(pca.explainedVarianceRatio, c.explainedVarianceRatio, fx.tolerance, "explainedVarianceRatio");
      expectClose(pca.singularValues, c.singularValues, fx.tolerance, "singularValues");
      expectClose(pca.mean, c.mean, fx.tolerance, "mean");
      expectClose(pca.noiseVariance, c.noiseVariance, fx.tolerance, "noiseVariance");
      const Z = pca.transform(Xte.narrow(0, 0, Math.min(40, Xte.shape[0])));
      expectClose(Z, c.transformTest40, fx.tolerance, "transform");
      expectClose(pca.inverseTransform(Z), c.inverseTransformTest40, fx.tolerance, "inverseTransform");
    });
  }
});

describe("PCA: behaviour", () => {
  it("keeping every component reconstructs the data exactly", () => {
    const X = [[2, 0, 1], [0, 1, 3], [1, 1, 1], [4, 2, 0]];
    const pca = new ml.PCA().fit(X);
    expectClose(pca.inverseTransform(pca.transform(X)), { data: X.flat(), shape: [4, 3] }, 1e-12, "round trip");
    expect(pca.noiseVariance).toBe(0);
    const r = Array.from(pca.explainedVarianceRatio.dataSync());
    expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("errors name the estimator and the problem", () => {
    expect(() => new ml.PCA({ nComponents: 1.5 })).toThrow(/PCA: nComponents must be an integer >= 1, a fraction in \(0, 1\), or null, got 1.5/);
    expect(() => new ml.PCA({ nComponents: 4 }).fit([[1, 2, 3], [4, 5, 6]])).toThrow(/PCA: nComponents = 4 must be <= min\(nSamples, nFeatures\) = 2/);
    expect(() => new ml.PCA().transform([[1]])).toThrow(/PCA: .*not fitted yet; call fit before transform/);
    const pca = new ml.PCA({ nComponents: 1 }).fit([[1, 2], [3, 5], [0, 0]]);
    expect(() => pca.inverseTransform([[1, 2]])).toThrow(/PCA: Z has 2 columns, but PCA kept 1 components/);
  });
});
