/**
 * Figures of the deep-linear-network experiment (Saxe et al. 2013; Neuromatch W1D2 T3):
 * the loss with its plateaus and drops, the singular values of W_tot against the theory,
 * and the hidden layer's representational similarity at a few telling epochs.
 */
import type { TopLevelSpec } from "vega-lite";
import type { DlnnRecords } from "../lab/types.js";
import { FIGURE_HEIGHT, FIGURE_WIDTH, LOG_LABEL, SERIES_SCHEME, VEGA_LITE_SCHEMA, labConfig } from "./theme.js";
import { groupModes, modeLabel, thinIndices, type ModeGroup } from "./series.js";

/** Most points drawn per curve; longer runs are thinned evenly. */
const MAX_POINTS = 400;
/** The three loss curves, in legend order. */
const LOSS_CURVES = ["network (SGD)", "theory, continuous time", "theory, discrete steps"] as const;

/** Most RSM panels in one figure. */
const MAX_RSM_PANELS = 6;

/**
 * The first epoch at which each mode's strength u_aᵀ W_tot v_a reached half the data's
 * singular value s_a (half of what it converges to), or null if it never did in the run.
 * @example halfLearnedEpochs(records) // [94, 115, 136, 138, 186, 188, 190, 189] for the tutorial's run
 */
export function halfLearnedEpochs(r: Pick<DlnnRecords, "epochs" | "theory">): (number | null)[] {
  return r.theory.singularValues.map((s, a) => {
    const hit = r.epochs.find((e) => (e.modeStrengths[a] ?? -Infinity) >= s / 2);
    return hit === undefined ? null : hit.epoch;
  });
}

/**
 * The modes grouped by the epoch at which the network had learned half of each (the drops
 * of the loss), modes within 4% (at least 2 epochs) of each other counted together.
 * @example learnedModeGroups(records).map((g) => g.label) // ["mode 1", "mode 2", "modes 3-4", "modes 5-8"]
 */
export function learnedModeGroups(r: Pick<DlnnRecords, "epochs" | "theory">): ModeGroup[] {
  return groupModes(halfLearnedEpochs(r), 0.04, 2);
}

/**
 * The training loss per epoch on a log axis; each dashed rule marks when a mode (or a group
 * of equal modes) was half learned, which is where the loss drops off a plateau.
 * @example const spec = dlnnLossSpec(dlnn.run({ epochs: 250 })); await renderSVG(spec)
 */
export function dlnnLossSpec(r: DlnnRecords): TopLevelSpec {
  const rows: { epoch: number; loss: number; curve: string }[] = [];
  const add = (values: readonly { epoch: number; loss: number | null }[], curve: string): void => {
    for (const i of thinIndices(values.length, MAX_POINTS)) {
      const v = values[i]!;
      if (v.loss !== null && v.loss > 0 && Number.isFinite(v.loss)) rows.push({ epoch: v.epoch, loss: v.loss, curve });
    }
  };
  add(r.epochs, LOSS_CURVES[0]);
  add((r.theory.continuousLoss ?? []).map((loss, epoch) => ({ epoch, loss })), LOSS_CURVES[1]);
  add((r.theory.discreteLoss ?? []).map((loss, epoch) => ({ epoch, loss })), LOSS_CURVES[2]);
  const groups = learnedModeGroups(r);
  const marks = groups.map((g, k) => ({ epoch: g.epoch, label: g.label, row: k % 2 }));
  // The plateau reached once each group of modes is learned (the last one, near 0, is off a log axis).
  const start = r.epochs[0]?.loss ?? 0;
  const plateaus = groups
    .map((g) => ({ loss: r.theory.lossAfterMode?.[g.modes[g.modes.length - 1]!] ?? 0, label: `plateau after ${g.label}` }))
    .filter((p) => p.loss > 0 && Number.isFinite(p.loss) && p.loss >= 1e-6 * start);
  const x = { field: "epoch", type: "quantitative", title: "epoch", scale: { domain: [0, r.config.epochs], nice: false } };
  const linearY = { field: "loss", type: "quantitative", title: "MSE", scale: { zero: true } };
  const logY = { field: "loss", type: "quantitative", title: "MSE (log scale)", scale: { type: "log" }, axis: { labelExpr: LOG_LABEL } };
  const panel = (y: Record<string, unknown>, height: number, withLabels: boolean, withLegend: boolean) => ({
    width: FIGURE_WIDTH,
    height,
    // Layers without rows are left out: an empty layer on a data-driven scale makes Vega warn of an infinite extent.
    layer: [
      ...(plateaus.length > 0 ? [{
        data: { values: plateaus },
        mark: { type: "rule", color: "#999999", strokeWidth: 1, strokeDash: [1, 2] },
        encoding: { y },
      }] : []),
      ...(marks.length > 0 ? [{
        data: { values: marks },
        mark: { type: "rule", strokeDash: [4, 3], color: "#555555", strokeWidth: 1 },
        encoding: { x: { field: "epoch", type: "quantitative" } },
      }] : []),
      ...(withLabels && marks.length > 0 ? [{
        data: { values: marks },
        mark: { type: "text", align: "left", baseline: "bottom", dx: 3, fontSize: 11, color: "#333333" },
        encoding: {
          x: { field: "epoch", type: "quantitative" },
          y: { value: height - 4 },
          yOffset: { field: "row", type: "quantitative", scale: { domain: [0, 1], range: [0, -15] } },
          text: { field: "label" },
        },
      }] : []),
      {
        data: { values: rows },
        mark: { type: "line", clip: true },
        encoding: {
          x,
          y,
          color: { field: "curve", type: "nominal", title: null, sort: [...LOSS_CURVES], scale: { domain: [...LOSS_CURVES], range: ["#d62728", "#555555", "#111111"] }, legend: withLegend ? { orient: "top-right", fillColor: "white", padding: 6 } : null },
          strokeDash: { field: "curve", type: "nominal", sort: [...LOSS_CURVES], scale: { domain: [...LOSS_CURVES], range: [[1, 0], [7, 4], [1.5, 2.5]] }, legend: withLegend ? {} : null },
          strokeWidth: { field: "curve", type: "nominal", sort: [...LOSS_CURVES], scale: { domain: [...LOSS_CURVES], range: [2.6, 1.4, 1.6] }, legend: withLegend ? {} : null },
          order: { field: "epoch", type: "quantitative" },
        },
      },
    ],
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: labConfig(),
    title: { text: "Training loss (mean squared error)", subtitle: ["Long plateaus end in sudden drops, one per mode of the data; vertical dashes: each", "mode half learned; dotted: the plateaus the theory predicts. Below: the same on a log scale"] },
    vconcat: [panel(linearY, 230, true, true), panel(logY, 150, false, false)],
    spacing: 14,
    resolve: { legend: { color: "independent", strokeDash: "independent", strokeWidth: "independent" } },
  } as TopLevelSpec;
}

/** The three kinds of curve in the singular-value figure, in legend order. */
const CURVES = ["network (SGD)", "theory, continuous time", "theory, discrete steps"] as const;

/**
 * The singular values of W_tot = W2 W1 per epoch (solid), with Saxe's continuous-time
 * solution (dashed) and the exact discrete-step map (dotted) for each mode.
 * @example const spec = dlnnModesSpec(records); // 8 coloured modes x 3 curve styles
 */
export function dlnnModesSpec(r: DlnnRecords): TopLevelSpec {
  const rows: { epoch: number; mode: string; value: number; curve: string }[] = [];
  const nModes = r.theory.singularValues.length;
  for (const i of thinIndices(r.epochs.length, MAX_POINTS)) {
    const e = r.epochs[i]!;
    e.singularValues.slice(0, nModes).forEach((v, a) => rows.push({ epoch: e.epoch, mode: modeLabel(a), value: v, curve: CURVES[0] }));
  }
  const theoryRows = (series: number[][], curve: string): void => {
    for (const k of thinIndices(series.length, MAX_POINTS)) {
      series[k]!.forEach((v, a) => { if (Number.isFinite(v)) rows.push({ epoch: k, mode: modeLabel(a), value: v, curve }); });
    }
  };
  theoryRows(r.theory.continuous, CURVES[1]);
  theoryRows(r.theory.discrete, CURVES[2]);
  const modes = Array.from({ length: nModes }, (_, a) => modeLabel(a));
  const x = { field: "epoch", type: "quantitative", title: "epoch", scale: { domain: [0, r.config.epochs], nice: false } };
  const color = { field: "mode", type: "nominal", title: "mode", sort: modes, scale: { scheme: SERIES_SCHEME } };
  const strokeDash = { field: "curve", type: "nominal", title: "curve", sort: [...CURVES], scale: { domain: [...CURVES], range: [[1, 0], [7, 4], [1.5, 2.5]] } };
  // The measured curve is a wide translucent band so the theory lines drawn on top stay visible where they coincide.
  const layer = (curve: string, mark: Record<string, unknown>) => ({
    transform: [{ filter: { field: "curve", equal: curve } }],
    mark: { type: "line", clip: true, ...mark },
    encoding: { x, y: { field: "value", type: "quantitative", title: "singular value" }, color, strokeDash, order: { field: "epoch", type: "quantitative" } },
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: labConfig(),
    title: { text: "Singular values of W_tot = W2·W1 over training", subtitle: ["Stronger modes of the data are learned first, each along a sigmoid;", "the theory of Saxe et al. (2013) predicts each curve"] },
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    data: { values: rows },
    layer: [
      layer(CURVES[0], { strokeWidth: 5, opacity: 0.4 }),
      layer(CURVES[1], { strokeWidth: 1.4 }),
      layer(CURVES[2], { strokeWidth: 1.8 }),
    ],
  } as TopLevelSpec;
}

/** One RSM panel: its epoch and why it was chosen. */
export interface RsmPanel {
  epoch: number;
  label: string;
}

/**
 * The epochs whose RSMs tell the story: the start, each (group of) mode(s) half learned, and
 * the end; at most six, the latest mode groups dropped first.
 * @example rsmPanels(records) // [{epoch: 0, label: "epoch 0|start"}, {epoch: 94, label: "epoch 94|mode 1|half learned"}, ...]
 */
export function rsmPanels(r: DlnnRecords): RsmPanel[] {
  const recorded = new Set(r.epochs.filter((e) => e.rsm !== undefined).map((e) => e.epoch));
  if (recorded.size === 0) return [];
  const first = Math.min(...recorded), last = Math.max(...recorded);
  const panels: RsmPanel[] = [{ epoch: first, label: `epoch ${first}|start` }];
  for (const g of learnedModeGroups(r).slice(0, MAX_RSM_PANELS - 2)) {
    if (!recorded.has(g.epoch) || g.epoch === first || g.epoch === last) continue;
    panels.push({ epoch: g.epoch, label: `epoch ${g.epoch}|${g.label}|half learned` });
  }
  if (last !== first) panels.push({ epoch: last, label: `epoch ${last}|end` });
  return panels;
}

/**
 * Heat maps of the hidden layer's representational similarity h·hᵀ (items x items), all
 * divided by the largest entry of the run: empty at the start, then splitting animals from
 * plants, then birds from fish, then each item from its sibling.
 * @example const spec = dlnnRsmSpec(records); // null when the run did not record RSMs
 */
export function dlnnRsmSpec(r: DlnnRecords): TopLevelSpec | null {
  const panels = rsmPanels(r);
  if (panels.length === 0) return null;
  const byEpoch = new Map(r.epochs.map((e) => [e.epoch, e]));
  const scale = r.summary.rsmMax > 0 ? r.summary.rsmMax : 1;
  const rows: { panel: string; order: number; row: string; col: string; similarity: number }[] = [];
  panels.forEach((p, k) => {
    const rsm = byEpoch.get(p.epoch)!.rsm!;
    rsm.forEach((line, i) => line.forEach((v, j) => rows.push({ panel: p.label, order: k, row: r.items[i]!, col: r.items[j]!, similarity: v / scale })));
  });
  const side = Math.max(110, Math.min(170, Math.floor(840 / panels.length) - 30));
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: { ...labConfig(), view: { stroke: null } },
    title: { text: "Representational similarity of the hidden layer", subtitle: ["h·hᵀ of the items' hidden activities, divided by its largest value over training:", "structure appears coarse to fine as the modes are learned"] },
    data: { values: rows },
    spacing: 18,
    facet: {
      column: { field: "panel", type: "nominal", title: null, sort: { field: "order", op: "min" }, header: { labelFontSize: 11, labelLimit: 0, labelExpr: "split(datum.value, '|')" } },
    },
    spec: {
      width: side,
      height: side,
      mark: { type: "rect", aria: false },
      encoding: {
        x: { field: "col", type: "nominal", sort: r.items, title: null, axis: { labelAngle: -45, ticks: false, domain: false } },
        y: { field: "row", type: "nominal", sort: r.items, title: null, axis: { ticks: false, domain: false } },
        color: { field: "similarity", type: "quantitative", title: "similarity", scale: { scheme: "purpleorange", domain: [-1, 1], reverse: true }, legend: { gradientLength: side } },
        tooltip: [{ field: "row" }, { field: "col" }, { field: "similarity", format: ".3f" }],
      },
    },
    resolve: { scale: { color: "shared" } },
  } as TopLevelSpec;
}
