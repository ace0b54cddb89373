import { describe, expect, it } from "vitest";
import * as ml from "../../src/ml/index.js";
import { expectClose, load, split } from "./fixtures.js";
import type { FxArray } from "./fixtures.js";

// SVC against scikit-learn 1.2.1 (libsvm; tools/oracle/gen_ml.py): test accuracy within
// 2 percentage points of sklearn's (the acceptance bar), and, because both solve the same
// dual to the same KKT tolerance, near-identical predictions and support-vector counts.

interface SvmCase {
  name: string; dataset: string; standardize: boolean; options: ml.SVCOptions;
  predictTest: FxArray; scoreTest: number; nSupport: FxArray; intercept: FxArray; decisionTest?: FxArray;
}
const fx = load<{ tolerance: number; cases: SvmCase[] }>("svm");

describe("SVC matches scikit-learn", () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const { Xtr, Xte, ytr, yte } = split(c.dataset, c.standardize);
      const m = new ml.SVC(c.options).fit(Xtr, ytr);
      const acc = m.score(Xte, yte);
      expect(Math.abs(acc - c.scoreTest), `accuracy ${acc} vs sklearn ${c.scoreTest}`).toBeLessThanOrEqual(fx.tolerance);
      const pred = Array.from(m.predict(Xte).dataSync());
      const agree = pred.filter((v, i) => v === c.predictTest.data[i]).length / pred.length;
      expect(agree, "share of test predictions equal to sklearn's").toBeGreaterThanOrEqual(0.98);
      const nsv = Array.from(m.nSupport.dataSync()), want = c.nSupport.data;
      nsv.forEach((v, i) => expect(Math.abs(v - want[i]), `nSupport[${i}] ${v} vs ${want[i]}`).toBeLessThanOrEqual(Math.max(2, 0.03 * want[i])));
      if (c.decisionTest) expectClose(m.decisionFunction(Xte), c.decisionTest, 0.02, "decisionFunction (to the KKT tolerance)");
    });
  }
});
