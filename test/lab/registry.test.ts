import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { dlnn, experimentIds, experiments, getExperiment, presetConfig, resolveConfig, runExperiment } from "../../src/lab/index.js";
import type { OptionSpec } from "../../src/lab/index.js";

describe("lab registry and config validation", () => {
  it("lists every experiment with defaults that match its option schema", () => {
    expect(experimentIds).toEqual(["dlnn", "illusory", "linreg", "optimizers"]);
    for (const id of experimentIds) {
      const exp = getExperiment(id);
      expect(exp.id).toBe(id);
      expect(experiments[id]).toBe(exp);
      const defaults = exp.defaults as unknown as Record<string, unknown>;
      expect(exp.options.map((o) => o.name).sort()).toEqual(Object.keys(defaults).sort());
      for (const o of exp.options) expect(o.default).toEqual(defaults[o.name]);
      // The defaults pass their own validation, and every preset too.
      expect(exp.validate({})).toEqual(exp.defaults);
      for (const p of exp.presets) expect(() => exp.validate(p.config as never)).not.toThrow();
      // The schema is plain JSON for the CLI and the web lab.
      expect(JSON.parse(JSON.stringify(exp.options))).toEqual(exp.options);
    }
    expect(() => getExperiment("mnist" as never)).toThrow(/lab: unknown experiment "mnist" \(known: dlnn, illusory, linreg, optimizers\)/);
    expect(() => presetConfig("dlnn", "nope")).toThrow(/lab: experiment "dlnn" has no preset "nope" \(presets: tutorial/);
  });

  it("rejects bad options with messages naming the option", () => {
    expect(() => dlnn.validate({ lr: -1 })).toThrow(/dlnn: option "lr" must be >= 0, got -1/);
    expect(() => dlnn.validate({ epochs: 2.5 })).toThrow(/dlnn: option "epochs" must be an integer, got 2.5/);
    expect(() => dlnn.validate({ epochs: "100" as never })).toThrow(/dlnn: option "epochs" must be a finite number, got "100"/);
    expect(() => dlnn.validate({ gamma: Number.NaN })).toThrow(/dlnn: option "gamma" must be a finite number/);
    expect(() => dlnn.validate({ dtype: "float16" as never })).toThrow(/dlnn: option "dtype" must be one of "float32", "float64", got "float16"/);
    expect(() => dlnn.validate({ recordRsm: 1 as never })).toThrow(/dlnn: option "recordRsm" must be true or false/);
    expect(() => dlnn.validate({ learningRate: 5 } as never)).toThrow(/dlnn: unknown option "learningRate"/);
    expect(() => dlnn.validate({ nLevels: 4, nBranches: 3 })).toThrow(/dlnn: options "nBranches" \^ "nLevels" = 3\^4 = 81 items, at most 64/);
    expect(() => runExperiment("linreg", { epochs: 0 })).toThrow(/linreg: option "epochs" must be >= 1, got 0/);
  });

  it("resolveConfig copies arrays so configs never alias the defaults", () => {
    const spec: OptionSpec[] = [{ name: "v", type: "numberArray", default: [1, 2], description: "a vector" }];
    const defaults = { v: [1, 2] };
    const cfg = resolveConfig("t", spec, defaults);
    cfg.v.push(3);
    expect(defaults.v).toEqual([1, 2]);
  });

  it("every experiment leaves the global generator alone and returns plain JSON", () => {
    const small = {
      dlnn: { epochs: 2, nFeatures: 50 },
      illusory: { epochs: 2, nFeatures: 50 },
      linreg: { epochs: 2, shallowEpochs: 2, nFeatures: 50 },
      optimizers: { epochs: 2 },
    } as const;
    for (const id of experimentIds) {
      gl.manualSeed(11);
      const before = gl.defaultGenerator.getState();
      const rec = runExperiment(id, small[id]);
      expect(gl.defaultGenerator.getState()).toEqual(before);
      expect(rec.experiment).toBe(id);
      expect(JSON.parse(JSON.stringify(rec))).toEqual(rec);
    }
  });

  it("is deterministic for a seed and differs between seeds", () => {
    // lr 10 on 300 features keeps eta' s_1 < 1 (stable) and gamma 1e-3 makes the 40 epochs eventful.
    const small = { epochs: 40, nFeatures: 300, lr: 10, gamma: 1e-3, recordRsm: true };
    const a = runExperiment("dlnn", { ...small, seed: 7 });
    const b = runExperiment("dlnn", { ...small, seed: 7 });
    const c = runExperiment("dlnn", { ...small, seed: 8 });
    expect(a.summary.diverged).toBe(false);
    expect(a).toEqual(b);
    expect(a.epochs[40].loss).not.toBe(c.epochs[40].loss);
    expect(a.theory.singularValues).not.toEqual(c.theory.singularValues);
  });
});
