/**
 * Figures of the linear-regression comparison (Neuromatch W1D2 T3, bonus): the analytic
 * least-squares map, a zero-hidden-layer network and the deep network's W_tot agree, but
 * reach it along very different loss curves.
 */
import type { TopLevelSpec } from "vega-lite";
import type { LinregRecords } from "../lab/types.js";
import { FIGURE_HEIGHT, FIGURE_WIDTH, LOG_LABEL, VEGA_LITE_SCHEMA, labConfig } from "./theme.js";
import { thinIndices } from "./series.js";

const MAX_POINTS = 400;
const METHODS = ["analytic", "shallow network", "deep network"] as const;
const METHOD_COLORS = ["#4c78a8", "#f58518", "#54a24b"];

/**
 * The largest absolute difference between each pair of the three maps, on a log axis,
 * against the agreement tolerance.
 * @example const spec = linregDiffSpec(linreg.run()); // three bars, all left of the tolerance line
 */
export function linregDiffSpec(r: LinregRecords): TopLevelSpec {
  const d = r.maxAbsDiff;
  // A difference of exactly 0 cannot sit on a log axis; it is drawn at a floor and labelled as 0.
  const floor = 1e-12;
  const pairs = [
    { pair: "analytic vs shallow network", diff: d.analyticVsShallow },
    { pair: "analytic vs deep network", diff: d.analyticVsDeep },
    { pair: "shallow vs deep network", diff: d.shallowVsDeep },
  ];
  const known = pairs.flatMap((p) => (p.diff === null ? [] : [Math.max(p.diff, floor)]));
  const lo = Math.min(...known, r.summary.tolerance) / 10;
  const hi = Math.max(...known, r.summary.tolerance) * 30;
  // A pair with a diverged network has no difference: its bar fills the axis and says so.
  const rows = pairs.map((p) => p.diff === null
    ? { pair: p.pair, shown: hi, label: "a network diverged", within: "diverged" }
    : { pair: p.pair, shown: Math.max(p.diff, floor), label: p.diff === 0 ? "0" : p.diff.toExponential(2), within: p.diff <= r.summary.tolerance ? "within tolerance" : "above tolerance" });
  const xScale = { type: "log", domain: [lo, hi] };
  const decades: number[] = [];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) decades.push(10 ** e);
  const kinds = ["within tolerance", "above tolerance", "diverged"].filter((k) => rows.some((p) => p.within === k));
  const palette: Record<string, string> = { "within tolerance": "#54a24b", "above tolerance": "#e45756", diverged: "#bbbbbb" };
  const y = { field: "pair", type: "nominal", title: null, sort: rows.map((p) => p.pair) };
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: labConfig(),
    title: {
      text: "Three ways to the same linear map",
      subtitle: [`Largest |difference| between the maps (${r.summary.agree ? "all agree" : "they do not all agree"} at tolerance ${r.summary.tolerance})`],
    },
    width: FIGURE_WIDTH - 120,
    height: 150,
    layer: [
      {
        data: { values: rows },
        // Bars on a log axis need an explicit start: the left edge of the axis.
        mark: { type: "bar", height: 24 },
        encoding: {
          y,
          x: { field: "shown", type: "quantitative", title: "max |difference| (log scale)", scale: xScale, axis: { values: decades, labelExpr: LOG_LABEL } },
          x2: { datum: lo },
          color: { field: "within", type: "nominal", title: null, scale: { domain: kinds, range: kinds.map((k) => palette[k]!) } },
        },
      },
      {
        data: { values: rows },
        mark: { type: "text", align: "right", dx: -5, fontSize: 11, fontWeight: "bold", color: "white" },
        encoding: { y, x: { field: "shown", type: "quantitative", scale: xScale }, text: { field: "label" } },
      },
      {
        data: { values: [{ tolerance: r.summary.tolerance, label: `tolerance ${r.summary.tolerance}` }] },
        layer: [
          { mark: { type: "rule", strokeDash: [5, 3], color: "#333333", strokeWidth: 1.5 } },
          { mark: { type: "text", align: "left", baseline: "top", dx: 4, y: -16, fontSize: 11, color: "#333333" }, encoding: { text: { field: "label" } } },
        ],
        encoding: { x: { field: "tolerance", type: "quantitative", scale: xScale } },
      },
    ],
  } as TopLevelSpec;
}

/**
 * The training loss of the zero-hidden-layer network and of the deep network (log axis):
 * one smooth descent against plateaus and drops.
 * @example const spec = linregLossSpec(records);
 */
export function linregLossSpec(r: LinregRecords): TopLevelSpec {
  const rows: { epoch: number; loss: number; network: string }[] = [];
  const add = (loss: number[], network: string) => {
    for (const i of thinIndices(loss.length, MAX_POINTS)) if (loss[i]! > 0 && Number.isFinite(loss[i]!)) rows.push({ epoch: i, loss: loss[i]!, network });
  };
  add(r.shallowLoss, `shallow (no hidden layer, lr ${r.config.shallowLr})`);
  add(r.deepLoss, `deep (${r.config.hidden} hidden units, lr ${r.config.lr})`);
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: labConfig(),
    title: { text: "Same solution, different paths", subtitle: ["Training loss of the two networks: the shallow one descends at once,", "the deep one waits on plateaus before each drop"] },
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    data: { values: rows },
    mark: { type: "line", strokeWidth: 2.2, clip: true },
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "epoch", scale: { nice: false } },
      y: { field: "loss", type: "quantitative", title: "MSE (log scale)", scale: { type: "log" }, axis: { labelExpr: LOG_LABEL } },
      color: { field: "network", type: "nominal", title: "network", scale: { range: [METHOD_COLORS[1]!, METHOD_COLORS[2]!] } },
    },
  } as TopLevelSpec;
}

/**
 * A corner of the three learned maps side by side (features x items): the same picture three
 * times is what "they agree" looks like.
 * @example const spec = linregMapsSpec(records);
 */
export function linregMapsSpec(r: LinregRecords): TopLevelSpec {
  const { sample } = r;
  const maps = [sample.analytic, sample.shallow, sample.deep];
  const rows: { method: string; feature: string; item: string; weight: number }[] = [];
  let maxAbs = 0;
  maps.forEach((m, k) => m.forEach((line, f) => line.forEach((v, i) => {
    rows.push({ method: METHODS[k]!, feature: `feature ${f + 1}`, item: `item ${i + 1}`, weight: v });
    maxAbs = Math.max(maxAbs, Math.abs(v));
  })));
  const nItems = sample.analytic[0]?.length ?? 0;
  const items = Array.from({ length: nItems }, (_, i) => `item ${i + 1}`);
  const features = Array.from({ length: sample.rows }, (_, f) => `feature ${f + 1}`);
  const cell = Math.max(12, Math.min(28, Math.floor(220 / Math.max(nItems, sample.rows))));
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: { ...labConfig(), view: { stroke: null } },
    title: { text: "The learned maps, side by side", subtitle: [`The first ${sample.rows} features' weights for every item, from each method`] },
    data: { values: rows },
    facet: { column: { field: "method", type: "nominal", title: null, sort: [...METHODS], header: { labelFontSize: 12 } } },
    spec: {
      width: cell * nItems,
      height: cell * sample.rows,
      mark: { type: "rect", aria: false },
      encoding: {
        x: { field: "item", type: "ordinal", sort: items, title: null, axis: { labelAngle: -45, ticks: false, domain: false } },
        y: { field: "feature", type: "ordinal", sort: features, title: null, axis: { ticks: false, domain: false } },
        color: { field: "weight", type: "quantitative", title: "weight", scale: { scheme: "redblue", domain: [-(maxAbs || 1), maxAbs || 1], reverse: true } },
        tooltip: [{ field: "method" }, { field: "feature" }, { field: "item" }, { field: "weight", format: ".4f" }],
      },
    },
  } as TopLevelSpec;
}
