// Every figure of every experiment compiles as Vega-Lite (warnings count as errors) and
// renders headless to SVG; the figures carry what they claim (mode markers, RSM panels,
// the illusory peak, one path per optimizer).
import { describe, expect, it } from "vitest";
import { figuresFor, type Figure } from "../../src/viz/figures.js";
import { compileSpec, renderSVG } from "../../src/viz/render.js";
import { halfLearnedEpochs, learnedModeGroups, rsmPanels } from "../../src/viz/dlnn.js";
import { fractionalEpochs, trajectoryLabel } from "../../src/viz/optimizers.js";
import { keyResults } from "../../src/viz/results.js";
import { smallRun } from "./small_runs.js";
import type { LabRecords } from "../../src/lab/types.js";
import { runExperiment } from "../../src/lab/registry.js";

/** Every data row of a Vega-Lite spec (inline values and named datasets), however nested. */
function dataRows(spec: unknown): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (node === null || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    const data = o.data as { values?: unknown } | undefined;
    if (data && Array.isArray(data.values)) rows.push(...(data.values as Record<string, unknown>[]));
    if (o.datasets && typeof o.datasets === "object") for (const v of Object.values(o.datasets)) rows.push(...(v as Record<string, unknown>[]));
    for (const [k, v] of Object.entries(o)) if (k !== "data" && k !== "datasets") walk(v);
  };
  walk(spec);
  return rows;
}

/** An axis title (or label) each figure must show, as SVG text content. */
const AXIS_TEXT: Record<string, string> = {
  "dlnn/loss": "MSE (log scale)", "dlnn/singular-values": "singular value", "dlnn/rsm": "Goldfish",
  "illusory/illusory": "mode strength",
  "linreg/differences": "max |difference| (log scale)", "linreg/loss": "MSE (log scale)", "linreg/maps": "feature 1",
  "optimizers/surface": "w", "optimizers/paths": "b", "optimizers/loss": "epoch",
};

const EXPECTED: Record<LabRecords["experiment"], string[]> = {
  dlnn: ["loss", "singular-values", "rsm"],
  illusory: ["illusory"],
  linreg: ["differences", "loss", "maps"],
  optimizers: ["surface", "paths", "loss"],
};

describe.each(["dlnn", "illusory", "linreg", "optimizers"] as const)("figures of %s", (id) => {
  const records = smallRun(id);
  const figures: Figure[] = figuresFor(records);

  it("lists the expected figures, each with a title and a caption", () => {
    expect(figures.map((f) => f.name)).toEqual(EXPECTED[id]);
    for (const f of figures) {
      expect(f.title.length).toBeGreaterThan(5);
      expect(f.caption.length).toBeGreaterThan(60);
    }
  });

  it("compiles every spec with Vega-Lite without a warning", () => {
    for (const f of figures) {
      const vg = compileSpec(f.spec);
      expect(vg.$schema).toMatch(/vega\/v\d/);
      expect(vg.marks?.length ?? 0).toBeGreaterThan(0);
    }
  });

  it("renders every spec to SVG with its title and labelled axes", async () => {
    for (const f of figures) {
      const svg = await renderSVG(f.spec);
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toMatch(/width="\d+" height="\d+"/);
      const title = typeof f.spec.title === "object" && f.spec.title !== null && "text" in f.spec.title ? String(f.spec.title.text) : "";
      expect(title.length).toBeGreaterThan(0);
      // Vega writes text escaped; compare the title's leading plain words.
      expect(svg).toContain(title.split(/[^A-Za-z ]/)[0]!.trim());
      expect(svg).toContain(`>${AXIS_TEXT[`${id}/${f.name}`]}<`);
    }
  });

  it("keeps every figure's data finite (nothing for Vega to drop silently)", () => {
    for (const f of figures) {
      for (const row of dataRows(f.spec)) {
        for (const v of Object.values(row)) if (typeof v === "number") expect(Number.isFinite(v)).toBe(true);
      }
    }
  });

  it("states key results", () => {
    const lines = keyResults(records);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/\.$/);
  });
});

describe("dlnn figures", () => {
  const r = smallRun("dlnn");

  it("finds each mode half learned where its strength first reaches s_a / 2", () => {
    const half = halfLearnedEpochs(r);
    expect(half).toHaveLength(8);
    half.forEach((e, a) => {
      expect(e).not.toBeNull();
      const s = r.theory.singularValues[a]!;
      expect(r.epochs[e!]!.modeStrengths[a]!).toBeGreaterThanOrEqual(s / 2);
      expect(r.epochs[e! - 1]!.modeStrengths[a]!).toBeLessThan(s / 2);
    });
    // Stronger modes first: the half-times of this run do not decrease with the mode index.
    expect([...half].sort((p, q) => p! - q!)).toEqual(half);
  });

  it("marks every mode group on the loss curve", () => {
    const groups = learnedModeGroups(r);
    const marked = dataRows(figuresFor(r)[0]!.spec).filter((row) => typeof row.label === "string" && String(row.label).startsWith("mode"));
    expect(new Set(marked.map((m) => m.label))).toEqual(new Set(groups.map((g) => g.label)));
    expect(groups.flatMap((g) => g.modes).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("draws the RSM at the start, at each group's half-time and at the end, on one colour scale", () => {
    const panels = rsmPanels(r);
    expect(panels[0]!.epoch).toBe(0);
    expect(panels[panels.length - 1]!.epoch).toBe(r.config.epochs);
    expect(panels.length).toBeGreaterThanOrEqual(3);
    expect(panels.length).toBeLessThanOrEqual(6);
    const rows = dataRows(figuresFor(r)[2]!.spec);
    expect(rows).toHaveLength(panels.length * 64);
    for (const row of rows) expect(Math.abs(row.similarity as number)).toBeLessThanOrEqual(1 + 1e-12);
    // The largest entry over the run is 1 after normalising by rsmMax.
    const last = rows.filter((row) => row.order === panels.length - 1).map((row) => row.similarity as number);
    expect(Math.max(...last)).toBeGreaterThan(0.5);
  });

  it("renders a run too short to learn any mode (no markers, no plateaus) without a Vega warning", async () => {
    const short = runExperiment("dlnn", { nFeatures: 50, epochs: 2 });
    expect(learnedModeGroups(short)).toEqual([]);
    for (const f of figuresFor(short)) expect((await renderSVG(f.spec)).startsWith("<svg")).toBe(true);
    expect(keyResults(short)).toContain("0 of 8 learnable modes were half learned by the end; more epochs (or a larger learning rate) would show the rest.");
  });

  it("says when the network diverged, and nothing about modes then", () => {
    const diverged = { ...r, summary: { ...r.summary, diverged: true } };
    const lines = keyResults(diverged);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^The network diverged .* the learning rate 17 is too large/);
  });

  it("has no RSM figure when the run recorded none", () => {
    const noRsm = { ...r, epochs: r.epochs.map(({ rsm: _rsm, ...e }) => e) };
    expect(figuresFor(noRsm).map((f) => f.name)).toEqual(["loss", "singular-values"]);
  });
});

describe("illusory figure", () => {
  it("marks the peak of the prediction where the records put it", () => {
    const r = smallRun("illusory");
    const rows = dataRows(figuresFor(r)[0]!.spec);
    const peak = rows.find((row) => typeof row.label === "string" && String(row.label).startsWith("peak"));
    expect(peak).toMatchObject({ epoch: r.summary.peak.epoch, value: r.summary.peak.value });
    const network = rows.filter((row) => row.curve === "network (SGD)").map((row) => row.value as number);
    expect(Math.max(...network)).toBeCloseTo(r.summary.peak.value, 12);
  });
});

describe("optimizers figures", () => {
  const r = smallRun("optimizers");

  it("draws one path per optimizer, in the records' order", () => {
    const rows = dataRows(figuresFor(r)[0]!.spec).filter((row) => typeof row.optimizer === "string" && typeof row.step === "number");
    expect([...new Set(rows.map((row) => row.optimizer))]).toEqual(r.trajectories.map(trajectoryLabel));
  });

  it("spreads the steps of one epoch evenly over it", () => {
    expect(fractionalEpochs({ points: [{ epoch: 0 }, { epoch: 1 }, { epoch: 1 }, { epoch: 1 }, { epoch: 1 }] as never })).toEqual([0, 1, 1.25, 1.5, 1.75]);
  });

  it("labels a diverged run in the legend and compares lr with 2/λmax", () => {
    const diverged = { ...r, trajectories: r.trajectories.map((t, k) => (k === 0 ? { ...t, diverged: true, divergedAtStep: 3 } : t)) };
    const figures = figuresFor(diverged);
    expect(JSON.stringify(figures[0]!.spec)).toContain("(diverged)");
    expect(figures[0]!.caption).toContain("diverged at step 3");
    expect(JSON.stringify(figures[0]!.spec.title)).toContain("2/λmax");
  });
});
