import { beforeAll, describe, expect, it } from "vitest";
import { illusory, presetConfig } from "../../src/lab/index.js";
import type { IllusoryRecords } from "../../src/lab/index.js";

// The tutorial's demonstration at its settings (lr 100, gamma 1e-12, 250 epochs): Goldfish
// is replaced by Shark and has_bones = [-1, 1, 1, 1, -1, -1, -1, -1] is appended.
let rec: IllusoryRecords;
beforeAll(() => {
  rec = illusory.run();
}, 120_000);

describe("lab illusory (illusory correlations)", () => {
  it("replaces the item and appends the feature as the tutorial does", () => {
    expect(rec.items).toEqual(["Shark", "Tuna", "Robin", "Canary", "Rose", "Daisy", "Pine", "Oak"]);
    expect(rec.item).toBe("Shark");
    expect(rec.featureName).toBe("has_bones");
    expect(rec.target).toBe(-1);
    expect(rec.epochs.length).toBe(251);
    expect(rec.epochs[0].singularValues.length).toBe(8);
    expect(JSON.parse(JSON.stringify(rec))).toEqual(rec);
  });

  it("climbs to a clear positive peak (about +0.5) well before it settles at -1", () => {
    const { peak, final, settledEpoch } = rec.summary;
    // Once the root and animal/plant modes are learned: -2/8 + 6/8 = +0.5 (docs/lab-theory.md).
    expect(peak.value).toBeGreaterThan(0.35);
    expect(peak.value).toBeLessThan(0.65);
    expect(final).toBeCloseTo(-1, 3);
    expect(settledEpoch).not.toBeNull();
    expect(settledEpoch! - peak.epoch).toBeGreaterThan(40);
    // The peak comes after the animal/plant mode is learned and before the finest modes are.
    const half = rec.theory.halfTimes.map((h) => h.trained!);
    expect(peak.epoch).toBeGreaterThan(half[1]);
    expect(peak.epoch).toBeLessThan(half[7]);
    expect(rec.epochs[peak.epoch].prediction).toBe(peak.value);
  });

  it("the discrete mode theory predicts the illusion", () => {
    for (const e of rec.epochs) expect(Math.abs(e.prediction - e.theoryPrediction!)).toBeLessThan(0.1);
  });

  it("Canary -> Parrot with cannot_speak shows the same illusion (smaller data)", () => {
    const cfg = presetConfig("illusory", "parrot-cannot-speak");
    const r = illusory.run({ ...cfg, nFeatures: 2000 });
    expect(r.items[3]).toBe("Parrot");
    expect(r.target).toBe(-1);
    expect(r.summary.peak.value).toBeGreaterThan(0.4);
    expect(r.summary.final).toBeCloseTo(-1, 2);
    expect(r.summary.settledEpoch! - r.summary.peak.epoch).toBeGreaterThan(40);
  });

  it("accepts a user-defined item and feature and checks them", () => {
    const r = illusory.run({ itemIndex: 5, itemName: "Venus flytrap", featureName: "eats_insects", feature: [-1, -1, 1, 1, -1, 1, -1, -1], epochs: 3, nFeatures: 100 });
    expect(r.items[5]).toBe("Venus flytrap");
    expect(r.target).toBe(1);
    expect(() => illusory.run({ feature: [1, -1, 1] })).toThrow(/illusory: option "feature" must have one value per item \(8\), got 3/);
    expect(() => illusory.run({ itemIndex: 8 })).toThrow(/illusory: option "itemIndex" must be < 8/);
    expect(() => illusory.run({ feature: [1, 1, 1, 1, 1, 1, 1, 2] })).toThrow(/illusory: option "feature" must be <= 1, got 2 at index 7/);
  });
});
