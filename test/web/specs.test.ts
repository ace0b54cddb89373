import { beforeAll, describe, expect, test } from "vitest";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { getExperiment, runExperiment } from "../../src/lab/registry.js";
import type { DlnnRecords, ExperimentId, OptionValue } from "../../src/lab/types.js";
import { EPOCH_PARAM, explorableEpochs, explorerSpec, initialEpoch } from "../../web/src/explore.js";
import { liveChart } from "../../web/src/live.js";

// Small configs that still learn every mode in ~100 epochs (fewer features need a smaller
// lr for stability and a larger init scale to keep the plateaus short).
const TREE = { nFeatures: 1000, lr: 60, gamma: 1e-6, epochs: 120 };
const CONFIGS: Record<ExperimentId, Record<string, OptionValue>> = {
  dlnn: TREE,
  illusory: TREE,
  linreg: { ...TREE, shallowEpochs: 30 },
  optimizers: { epochs: 20, gridSize: 11 },
};

async function view(spec: TopLevelSpec): Promise<View> {
  const v = new View(parse(compile(spec).spec), { renderer: "none" });
  await v.runAsync();
  return v;
}

/** Every scenegraph item of the data marks (not axes or legends) of a type, depth first. */
function items(node: unknown, marktype: string, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  const n = node as { marktype?: string; role?: string; items?: unknown[] };
  for (const child of n.items ?? []) {
    if (n.marktype === marktype && n.role === "mark") out.push(child as Record<string, unknown>);
    items(child, marktype, out);
  }
  return out;
}

describe("live charts stream the partial records of a real run", () => {
  for (const id of Object.keys(CONFIGS) as ExperimentId[]) {
    test(id, async () => {
      const config = CONFIGS[id];
      const batches: unknown[][] = [[]];
      runExperiment(id, config as never, (p) => {
        if (p.partial === undefined) return;
        batches[batches.length - 1]!.push(p.partial);
        if (batches[batches.length - 1]!.length >= 25) batches.push([]);
      });
      const partials = batches.flat();
      expect(partials.length).toBeGreaterThan(0);
      const live = liveChart(id, { ...getExperiment(id).defaults, ...config } as Record<string, OptionValue>);
      const first = live.rows(batches[0]!);
      const v = await view(live.spec(first));
      const expected: Record<string, number> = {};
      for (const [name, rows] of Object.entries(first)) if (rows.length > 0) expected[name] = rows.length;
      for (const batch of batches.slice(1)) {
        for (const [name, rows] of Object.entries(live.rows(batch))) {
          if (rows.length === 0) continue;
          v.insert(name, rows);
          expected[name] = (expected[name] ?? 0) + rows.length;
        }
        await v.runAsync();
      }
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      for (const [name, n] of Object.entries(expected)) expect(v.data(name)).toHaveLength(n);
      // The loss curve covers the whole run (each tree epoch, or each optimizer's epochs).
      const lossEpochs = new Set(v.data("loss").map((r: { epoch: number }) => r.epoch));
      expect(lossEpochs.size).toBeGreaterThan(10);
      v.finalize();
    }, 60_000);
  }
});

describe("dlnn explorer", () => {
  let records: DlnnRecords;
  beforeAll(() => { records = runExperiment("dlnn", TREE); }, 60_000);

  test("opens where the animals and plants part, or where the link says (clamped)", () => {
    expect(explorableEpochs(records)).toEqual(Array.from({ length: 121 }, (_, i) => i));
    const epoch = initialEpoch(records, undefined);
    expect(epoch).toBeGreaterThan(0);
    expect(epoch).toBeLessThan(120);
    expect(initialEpoch(records, 40)).toBe(40);
    expect(initialEpoch(records, 9999)).toBe(120);
    expect(initialEpoch({ ...records, epochs: records.epochs.map(({ rsm: _, ...e }) => e) }, 40)).toBe(0);
  });

  test("the epoch parameter picks the similarity matrix shown, without rebuilding the view", async () => {
    const v = await view(explorerSpec(records, 0));
    const fills = () => items((v.scenegraph() as unknown as { root: unknown }).root, "rect").map((i) => String(i.fill));
    const at0 = fills();
    expect(at0).toHaveLength(64);
    // At epoch 0 every similarity is ~0: one colour.
    expect(new Set(at0).size).toBe(1);
    await v.signal(EPOCH_PARAM, 120).runAsync();
    const atEnd = fills();
    expect(atEnd).toHaveLength(64);
    expect(new Set(atEnd).size).toBeGreaterThan(4);
    v.finalize();
  });
});
