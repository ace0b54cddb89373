import { describe, expect, it } from "vitest";
import * as ml from "../../src/ml/index.js";
import { expectClose, load, split } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// StandardScaler against scikit-learn 1.2.1 (tools/oracle/gen_ml.py), within 1e-10.

interface ScalerCase { name: string; dataset: string; options: ml.StandardScalerOptions; mean: FxArray; scale: FxArray; var: FxArray; transformTest40: FxArray; }
const fx = load<{ tolerance: number; cases: ScalerCase[] }>("preprocessing");

describe("StandardScaler matches scikit-learn", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const { Xtr, Xte } = split(c.dataset);
      const s = new ml.StandardScaler(c.options).fit(Xtr);
      expectClose(s.mean, c.mean, fx.tolerance, "mean");
      expectClose(s.var, c.var, fx.tolerance, "var");
      expectClose(s.scale, c.scale, fx.tolerance, "scale");
      const Z = s.transform(Xte.narrow(0, 0, 40));
      expectClose(Z, c.transformTest40, fx.tolerance, "transform");
      expectClose(s.inverseTransform(Z), { data: Array.from(Xte.narrow(0, 0, 40).dataSync()), shape: [40, Xte.shape[1]] }, 1e-12, "inverseTransform");
    });
  }
});

describe("StandardScaler: behaviour", () => {
  it("constant features keep scale 1; fitTransform standardises", () => {
    const s = new ml.StandardScaler();
    const Z = s.fitTransform([[1, 5], [3, 5], [5, 5]]);
    expect(Z.toArray()).toEqual([[-Math.sqrt(1.5), 0], [0, 0], [Math.sqrt(1.5), 0]]);
    expect(Array.from(s.scale.dataSync())).toEqual([Math.sqrt(8 / 3), 1]);
    expect(s.nSamplesSeen).toBe(3);
  });

  it("errors name the estimator and the problem", () => {
    expect(() => new ml.StandardScaler().transform([[1]])).toThrow(/StandardScaler: .*not fitted yet; call fit before transform/);
    expect(() => new ml.StandardScaler().fit([[1], [2]]).transform([[1, 2]])).toThrow(/StandardScaler: X has 2 features, but StandardScaler was fitted with 1 features/);
    expect(() => new ml.StandardScaler().fit([])).toThrow(/StandardScaler: X is empty/);
  });
});
