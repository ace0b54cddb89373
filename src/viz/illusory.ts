/**
 * The illusory-correlation figure (Neuromatch W1D2 T3, section 4): the network's output for
 * one (item, feature) pair per epoch, its peak marked, above the mode strengths that explain
 * it: the coarse modes bring the wrong answer in, a finer mode takes it out again.
 */
import type { TopLevelSpec } from "vega-lite";
import type { IllusoryRecords } from "../lab/types.js";
import { FIGURE_WIDTH, SERIES_SCHEME, VEGA_LITE_SCHEMA, labConfig } from "./theme.js";
import { modeLabel, thinIndices } from "./series.js";

const MAX_POINTS = 400;
const PREDICTION_CURVES = ["network (SGD)", "theory, discrete steps"] as const;

/**
 * Two panels sharing the epoch axis: the (item, feature) prediction of the network and of
 * the discrete mode theory, with the target, zero and the peak marked; and below it each
 * mode's strength u_aᵀ W_tot v_a.
 * @example const spec = illusorySpec(illusory.run({ epochs: 250 })); // Shark / has_bones
 */
export function illusorySpec(r: IllusoryRecords): TopLevelSpec {
  const idx = thinIndices(r.epochs.length, MAX_POINTS);
  const prediction: { epoch: number; value: number; curve: string }[] = [];
  const modes: { epoch: number; mode: string; strength: number }[] = [];
  for (const i of idx) {
    const e = r.epochs[i]!;
    if (Number.isFinite(e.prediction)) prediction.push({ epoch: e.epoch, value: e.prediction, curve: PREDICTION_CURVES[0] });
    if (e.theoryPrediction !== null && Number.isFinite(e.theoryPrediction)) prediction.push({ epoch: e.epoch, value: e.theoryPrediction, curve: PREDICTION_CURVES[1] });
    e.modeStrengths.forEach((v, a) => { if (Number.isFinite(v)) modes.push({ epoch: e.epoch, mode: modeLabel(a), strength: v }); });
  }
  const { peak } = r.summary;
  const pair = `(${r.item}, ${r.featureName})`;
  const x = { field: "epoch", type: "quantitative", title: "epoch", scale: { domain: [0, r.config.epochs], nice: false } };
  const modeNames = Array.from({ length: r.theory.singularValues.length }, (_, a) => modeLabel(a));
  const reference = [{ value: r.target, label: `target ${fmt(r.target)} (what the data says)` }, ...(r.target === 0 ? [] : [{ value: 0, label: "" }])];
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: labConfig(),
    title: {
      text: `Illusory correlation: the network's answer for ${pair}`,
      subtitle: [`No example ever says ${r.featureName} = +1 for ${r.item}, yet while only the coarse modes are learned`, `the network predicts it from ${r.item}'s relatives; a finer mode later corrects it`],
    },
    resolve: { scale: { x: "shared", color: "independent" }, legend: { color: "independent" } },
    vconcat: [
      {
        width: FIGURE_WIDTH,
        height: 230,
        layer: [
          {
            data: { values: reference },
            mark: { type: "rule", color: "#777777", strokeDash: [4, 3] },
            encoding: { y: { field: "value", type: "quantitative" } },
          },
          {
            data: { values: reference },
            mark: { type: "text", align: "left", baseline: "bottom", dy: -2, fontSize: 11, color: "#555555" },
            encoding: { y: { field: "value", type: "quantitative" }, x: { value: 4 }, text: { field: "label" } },
          },
          {
            data: { values: prediction },
            mark: { type: "line", clip: true },
            encoding: {
              x,
              y: { field: "value", type: "quantitative", title: `prediction for ${pair}`, scale: { domain: [-1.1, 1.1] } },
              color: { field: "curve", type: "nominal", title: "prediction", sort: [...PREDICTION_CURVES], scale: { domain: [...PREDICTION_CURVES], range: ["#d62728", "#222222"] } },
              strokeDash: { field: "curve", type: "nominal", sort: [...PREDICTION_CURVES], scale: { domain: [...PREDICTION_CURVES], range: [[1, 0], [5, 4]] }, legend: null },
              strokeWidth: { field: "curve", type: "ordinal", sort: [...PREDICTION_CURVES], scale: { domain: [...PREDICTION_CURVES], range: [3, 1.5] }, legend: null },
            },
          },
          {
            data: { values: [{ epoch: peak.epoch, value: peak.value, label: `peak ${fmt(peak.value)} at epoch ${peak.epoch}` }] },
            layer: [
              { mark: { type: "point", shape: "circle", size: 90, filled: true, color: "#d62728", stroke: "white", strokeWidth: 1.5 } },
              { mark: { type: "text", align: "left", baseline: "bottom", dx: 7, dy: -5, fontSize: 12, fontWeight: "bold", color: "#d62728" }, encoding: { text: { field: "label" } } },
            ],
            encoding: { x: { field: "epoch", type: "quantitative" }, y: { field: "value", type: "quantitative" } },
          },
        ],
      },
      {
        width: FIGURE_WIDTH,
        height: 170,
        data: { values: modes },
        mark: { type: "line", strokeWidth: 2, clip: true },
        encoding: {
          x,
          y: { field: "strength", type: "quantitative", title: "mode strength" },
          color: { field: "mode", type: "nominal", title: "mode", sort: modeNames, scale: { scheme: SERIES_SCHEME } },
        },
      },
    ],
  } as TopLevelSpec;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
