/**
 * The dlnn explorer, the tutorial's interactive figure (plot_loss_sv_rsm): the loss and the
 * singular values over training with the chosen epoch marked, beside the hidden layer's
 * representational similarity matrix at that epoch. The epoch is a Vega-Lite parameter, so
 * moving the slider updates the picture without rebuilding it.
 */
import type { TopLevelSpec } from "vega-lite";
import type { DlnnRecords } from "../../src/lab/types.js";
import { LOG_LABEL, VEGA_LITE_SCHEMA, labConfig } from "../../src/viz/theme.js";
import { learnedModeGroups } from "../../src/viz/dlnn.js";

/** The name of the epoch parameter in the explorer's spec. */
export const EPOCH_PARAM = "epoch";

const LOSS_COLOR = "#d62728";
const MODE_COLORS = ["#08306b", "#08519c", "#2171b5", "#4292c6", "#6baed6", "#41ab5d", "#238b45", "#006d2c"];

/**
 * The epochs the explorer can show (those with a recorded RSM), first to last.
 * @example explorableEpochs(records) // [0, 1, ..., 250]
 */
export function explorableEpochs(r: DlnnRecords): number[] {
  return r.epochs.filter((e) => e.rsm !== undefined).map((e) => e.epoch);
}

/**
 * The epoch the explorer opens at: `wanted` if the run recorded it (clamped into the run),
 * else the epoch at which the second group of modes was half learned, where the RSM shows
 * the animals and the plants apart (the first mode only makes every item alike).
 * @example initialEpoch(records, undefined) // 115 for the tutorial's settings
 */
export function initialEpoch(r: DlnnRecords, wanted: number | undefined): number {
  const epochs = explorableEpochs(r);
  if (epochs.length === 0) return 0;
  const last = epochs[epochs.length - 1]!;
  if (wanted !== undefined) return Math.max(epochs[0]!, Math.min(last, Math.round(wanted)));
  const groups = learnedModeGroups(r);
  const pick = groups[1] ?? groups[0];
  return pick !== undefined && pick.epoch <= last ? pick.epoch : Math.round(last / 3);
}

/**
 * The explorer's spec for a run that recorded RSMs, opened at `epoch`.
 * @example embed(el, explorerSpec(records, 94)).then((res) => res.view.signal("epoch", 120).runAsync())
 */
export function explorerSpec(r: DlnnRecords, epoch: number): TopLevelSpec {
  const svMax = r.summary.singularValueMax > 0 ? r.summary.singularValueMax : 1;
  const rsmMax = r.summary.rsmMax > 0 ? r.summary.rsmMax : 1;
  const nModes = Math.min(r.items.length, MODE_COLORS.length);
  const loss = r.epochs.filter((e) => e.loss > 0 && Number.isFinite(e.loss)).map((e) => ({ epoch: e.epoch, loss: e.loss }));
  const modes: { epoch: number; mode: string; value: number }[] = [];
  for (const e of r.epochs) e.singularValues.slice(0, nModes).forEach((v, a) => modes.push({ epoch: e.epoch, mode: `mode ${a + 1}`, value: v / svMax }));
  const rsm: { epoch: number; row: string; col: string; similarity: number }[] = [];
  for (const e of r.epochs) {
    e.rsm?.forEach((line, i) => line.forEach((v, j) => rsm.push({ epoch: e.epoch, row: r.items[i]!, col: r.items[j]!, similarity: v / rsmMax })));
  }
  const x = { field: "epoch", type: "quantitative", title: "epoch", scale: { domain: [0, r.config.epochs], nice: false } };
  const marker = {
    data: { values: [{}] },
    transform: [{ calculate: EPOCH_PARAM, as: "at" }],
    mark: { type: "rule", color: "#9467bd", strokeWidth: 9, opacity: 0.3 },
    encoding: { x: { field: "at", type: "quantitative" } },
  };
  const dynamics = {
    width: 430,
    height: 300,
    title: { text: "Learning dynamics", subtitle: "red: loss (left axis); blue/green: singular values ÷ their maximum (right axis)" },
    layer: [
      marker,
      {
        data: { values: loss },
        mark: { type: "line", color: LOSS_COLOR, strokeWidth: 2.2 },
        encoding: {
          x,
          y: { field: "loss", type: "quantitative", title: "MSE (log scale)", scale: { type: "log" }, axis: { labelExpr: LOG_LABEL, titleColor: LOSS_COLOR, labelColor: LOSS_COLOR } },
        },
      },
      {
        data: { values: modes },
        mark: { type: "line", strokeWidth: 1.6 },
        encoding: {
          x,
          y: { field: "value", type: "quantitative", title: "singular value (normalised)", scale: { domain: [0, 1] }, axis: { orient: "right", titleColor: "#2171b5", labelColor: "#2171b5" } },
          color: { field: "mode", type: "nominal", legend: null, scale: { domain: Array.from({ length: nModes }, (_, a) => `mode ${a + 1}`), range: MODE_COLORS.slice(0, nModes) } },
        },
      },
    ],
    resolve: { scale: { y: "independent" } },
  };
  const heat = {
    width: 250,
    height: 250,
    title: { text: { expr: `'Similarity at epoch ' + ${EPOCH_PARAM}` }, subtitle: "h·hᵀ ÷ its largest value over training" },
    data: { values: rsm },
    transform: [{ filter: `datum.epoch == ${EPOCH_PARAM}` }],
    mark: { type: "rect" },
    encoding: {
      x: { field: "col", type: "nominal", sort: r.items, title: null, axis: { labelAngle: -45, ticks: false, domain: false } },
      y: { field: "row", type: "nominal", sort: r.items, title: null, axis: { ticks: false, domain: false } },
      color: { field: "similarity", type: "quantitative", title: "similarity", scale: { scheme: "purpleorange", domain: [-1, 1], reverse: true }, legend: { gradientLength: 200 } },
      tooltip: [{ field: "row", title: "item" }, { field: "col", title: "item" }, { field: "similarity", format: ".3f" }],
    },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: { ...labConfig(), view: { stroke: "#bbbbbb" } },
    params: [{ name: EPOCH_PARAM, value: epoch }],
    hconcat: [dynamics, heat],
    spacing: 30,
  } as unknown as TopLevelSpec;
}
