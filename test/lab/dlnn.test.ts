import { beforeAll, describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { dlnn } from "../../src/lab/index.js";
import type { DlnnRecords } from "../../src/lab/index.js";

// One default run (the tutorial's config: lr 100, gamma 1e-12, 250 epochs, seed 2021) serves
// every acceptance check; the expected values come from the theory in docs/lab-theory.md.
let rec: DlnnRecords;
beforeAll(() => {
  rec = dlnn.run();
}, 120_000);

/** Modes whose singular values are within 5% of each other are learned together. */
function groups(s: number[]): number[][] {
  const out: number[][] = [];
  s.forEach((v, a) => {
    const last = out[out.length - 1];
    if (last && s[last[0]] < 1.05 * v) last.push(a);
    else out.push([a]);
  });
  return out;
}

describe("lab dlnn (deep linear network on hierarchical data)", () => {
  it("records every epoch 0..250 as plain JSON", () => {
    expect(rec.epochs.length).toBe(251);
    expect(rec.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 251 }, (_, i) => i));
    expect(JSON.parse(JSON.stringify(rec))).toEqual(rec);
    expect(rec.items).toEqual(["Goldfish", "Tuna", "Robin", "Canary", "Rose", "Daisy", "Pine", "Oak"]);
    for (const e of rec.epochs) {
      expect(e.singularValues.length).toBe(8);
      expect(e.rsm?.length).toBe(8);
    }
  });

  it("starts at the loss of the zero network and learns Y exactly", () => {
    // Y is +-1, so the MSE of the (nearly zero) initial network is 1.
    expect(rec.epochs[0].loss).toBeCloseTo(1, 6);
    expect(rec.summary.finalLoss).toBeLessThan(1e-6);
    const last = rec.epochs[250];
    rec.theory.singularValues.forEach((s, a) => {
      expect(Math.abs(last.singularValues[a] - s) / s).toBeLessThan(1e-4);
      expect(Math.abs(last.modeStrengths[a] - s) / s).toBeLessThan(1e-4);
    });
  });

  it("singular values are descending and tiny at a gamma = 1e-12 init", () => {
    for (const e of rec.epochs) for (let a = 1; a < 8; a++) expect(e.singularValues[a]).toBeLessThanOrEqual(e.singularValues[a - 1]);
    expect(rec.epochs[0].singularValues[0]).toBeLessThan(1e-20);
  });

  it("learns the modes in the order of their singular values", () => {
    expect(rec.summary.learnedInOrder).toBe(true);
    const gs = groups(rec.theory.singularValues);
    expect(gs.length).toBeGreaterThanOrEqual(4); // root, animal/plant, 2 x level 2, 4 x level 3
    const half = rec.theory.halfTimes.map((h) => h.trained!);
    for (let g = 1; g < gs.length; g++) {
      expect(Math.min(...gs[g].map((a) => half[a]))).toBeGreaterThan(Math.max(...gs[g - 1].map((a) => half[a])) + 5);
    }
  });

  it("drops the loss in stages: flat plateaus at the theory's levels between the modes", () => {
    const gs = groups(rec.theory.singularValues);
    const half = rec.theory.halfTimes.map((h) => h.trained!);
    const loss = rec.epochs.map((e) => e.loss);
    for (let g = 0; g + 1 < gs.length; g++) {
      const end = Math.max(...gs[g].map((a) => half[a])), next = Math.min(...gs[g + 1].map((a) => half[a]));
      // Plateau: modes 0..(last of group g) learned, the rest not yet; the loss rests there
      // for a good part of the gap between the two groups' half-times.
      const level = rec.theory.lossAfterMode[gs[g][gs[g].length - 1]];
      let flat = 0;
      for (let e = end + 1; e < next; e++) if (Math.abs(loss[e] - level) < 0.01) flat++;
      expect(flat).toBeGreaterThanOrEqual(Math.max(3, 0.3 * (next - end)));
    }
    // Before the first mode the loss sits at 1; each group's drop happens within +-12 epochs of its half-times.
    expect(Math.abs(loss[Math.floor(half[0] / 2)] - 1)).toBeLessThan(1e-3);
    let before = 1;
    for (const grp of gs) {
      const after = rec.theory.lossAfterMode[grp[grp.length - 1]];
      const t0 = Math.min(...grp.map((a) => half[a])) - 12, t1 = Math.max(...grp.map((a) => half[a])) + 12;
      expect(loss[t0] - loss[Math.min(t1, 250)]).toBeGreaterThan(0.8 * (before - after));
      before = after;
    }
  });

  it("the discrete-step theory predicts every mode's half-time within 2 epochs", () => {
    for (const h of rec.theory.halfTimes) {
      expect(h.trained).not.toBeNull();
      expect(h.discrete).not.toBeNull();
      expect(Math.abs(h.trained! - h.discrete!)).toBeLessThanOrEqual(2);
      // The sorted singular values of W_tot tell the same story.
      expect(Math.abs(h.trainedSingularValue! - h.discrete!)).toBeLessThanOrEqual(2);
    }
    expect(rec.summary.maxHalfTimeError).toBeLessThanOrEqual(2);
  });

  it("shows Saxe's continuous-time form, which runs ahead of the discrete steps at lr 100", () => {
    const { etaEff, tau, continuous, halfTimes, singularValues, a0 } = rec.theory;
    expect(etaEff).toBeCloseTo((2 * 100) / (8 * 10000), 12);
    expect(tau).toBeCloseTo(1 / etaEff, 9);
    expect(continuous.length).toBe(251);
    // a(t) = s e^{2st/tau} / (e^{2st/tau} - 1 + s/a0) at t = 50 for mode 0.
    const s = singularValues[0], E = Math.exp((2 * s * 50) / tau!);
    expect(continuous[50][0] / ((s * E) / (E - 1 + s / a0[0]))).toBeCloseTo(1, 9);
    // e^{2 eta' s} > (1 + eta' s)^2 per step: continuous time learns each mode earlier.
    for (const h of halfTimes) expect(h.continuous!).toBeLessThan(h.discrete!);
  });

  it("the theory's implied loss follows the trained loss", () => {
    rec.epochs.forEach((e, i) => expect(Math.abs(e.loss - rec.theory.discreteLoss[i])).toBeLessThan(0.02));
  });

  it("the effective initial strength is the growing part |(W1 v + W2^T u) / 2|^2, not u^T W_tot(0) v", () => {
    // For gamma = 1e-12: E|m|^2 = hidden (s1^2 + s2^2) / 4 with s1 = gamma / sqrt(8 + 30), s2 = gamma / sqrt(30 + 10000).
    const expected = (30 * (1e-24 / 38 + 1e-24 / 10030)) / 4;
    const mean = rec.theory.a0.reduce((x, y) => x + y, 0) / 8;
    expect(mean / expected).toBeGreaterThan(0.6);
    expect(mean / expected).toBeLessThan(1.5);
    // The raw projections are smaller and of either sign.
    expect(rec.theory.initialProjections.some((p) => p < 0)).toBe(true);
    for (let a = 0; a < 8; a++) expect(Math.abs(rec.theory.initialProjections[a])).toBeLessThan(rec.theory.a0[a]);
  });

  it("the hidden representation becomes hierarchical (RSM)", () => {
    const rsm = rec.epochs[250].rsm!;
    // Tree distance of items i, j (0..7): 0 same, 1 siblings, 2 same class, 3 animal vs plant.
    const dist = (i: number, j: number) => (i === j ? 0 : Math.floor(i / 2) === Math.floor(j / 2) ? 1 : Math.floor(i / 4) === Math.floor(j / 4) ? 2 : 3);
    const mean = (d: number) => {
      const v: number[] = [];
      for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) if (dist(i, j) === d) v.push(rsm[i][j]);
      return v.reduce((x, y) => x + y, 0) / v.length;
    };
    expect(mean(0)).toBeGreaterThan(mean(1));
    expect(mean(1)).toBeGreaterThan(mean(2));
    expect(mean(2)).toBeGreaterThan(mean(3));
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(rsm[i][j]).toBeCloseTo(rsm[j][i], 9);
    expect(rec.summary.rsmMax).toBeGreaterThanOrEqual(rsm[0][0]);
  });

  it("with fewer hidden units than modes only the strongest are learned, as the discrete theory says", () => {
    // 4 hidden units: W_tot has rank <= 4; the theory's pushed-back components starve modes 4..7.
    const r = dlnn.run({ hidden: 4, nFeatures: 2000, lr: 50, gamma: 1e-3, epochs: 150, recordRsm: false });
    const h = r.theory.halfTimes;
    for (let a = 0; a < 4; a++) expect(Math.abs(h[a].trained! - h[a].discrete!)).toBeLessThanOrEqual(2);
    for (let a = 4; a < 8; a++) {
      expect(h[a].trained).toBeNull();
      expect(h[a].discrete).toBeNull();
      expect(h[a].continuous).not.toBeNull(); // Saxe's single-mode solution knows nothing of the width
    }
    expect(r.epochs[150].singularValues[4]).toBeLessThan(1e-3);
    expect(r.summary.finalLoss).toBeCloseTo(r.theory.lossAfterMode[3], 3);
    expect(r.summary.learnedInOrder).toBe(true);
  });

  it("lr = 0 leaves the network where it started (and the records stay JSON)", () => {
    const r = dlnn.run({ lr: 0, epochs: 3, nFeatures: 50, recordRsm: false });
    expect(r.epochs[3].singularValues).toEqual(r.epochs[0].singularValues);
    expect(r.theory.tau).toBeNull();
    expect(r.theory.halfTimes.every((h) => h.trained === null && h.discrete === null)).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("leaves the global random generator alone", () => {
    gl.manualSeed(5);
    const before = gl.defaultGenerator.getState();
    dlnn.run({ epochs: 2, nFeatures: 50 });
    expect(gl.defaultGenerator.getState()).toEqual(before);
  });

  it("streams progress once per recorded epoch", () => {
    const seen: number[] = [];
    const small = dlnn.run({ epochs: 5, nFeatures: 50, recordRsm: false }, (p) => {
      expect(p.total).toBe(5);
      seen.push(p.epoch);
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(small.epochs[0].rsm).toBeUndefined();
  });

  it("stops and says so when the learning rate makes SGD diverge", () => {
    // eta' s_1 > 1 (lr >~ 260 here): the top mode's map b <- b (1 + eta' (s - b^2)) is unstable at b^2 = s.
    const r = dlnn.run({ lr: 1000, gamma: 1, epochs: 60, nFeatures: 2000, recordRsm: false });
    expect(r.summary.diverged).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
