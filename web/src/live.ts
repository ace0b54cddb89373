/**
 * The live chart of a run in progress: the curves so far, drawn from the records the worker
 * streams, on an epoch axis that already spans the whole run so they grow left to right.
 * The spec reads named datasets that the page extends row by row (no re-render per epoch).
 */
import type { TopLevelSpec } from "vega-lite";
import type { DlnnEpoch, ExperimentId, IllusoryEpoch, OptionValue, Trajectory } from "../../src/lab/types.js";
import { LOG_LABEL, SERIES_SCHEME, VEGA_LITE_SCHEMA, labConfig } from "../../src/viz/theme.js";

/** Rows to append, by dataset name. */
export type LiveRows = Record<string, Record<string, unknown>[]>;

/**
 * A live chart: a converter from streamed partial records to rows, and the spec drawn once
 * the first rows are in (so no axis is ever computed from empty data).
 */
export interface LiveChart {
  /** Rows of the partial records streamed since the last call. */
  rows(partials: readonly unknown[]): LiveRows;
  /** The spec, its named datasets starting with `first`. */
  spec(first: LiveRows): TopLevelSpec;
}

const WIDTH = 330;
const HEIGHT = 170;
/** The tutorial's colours: the loss in red, the modes in cool tones. */
const LOSS_COLOR = "#d62728";

type Config = Readonly<Record<string, OptionValue>>;

/**
 * The live chart of an experiment's run with `config`.
 * @example const live = liveChart("dlnn", config); view.insert("loss", live.rows(message.partials).loss)
 */
export function liveChart(experiment: ExperimentId, config: Config): LiveChart {
  switch (experiment) {
    case "dlnn": return treeLive(config, false);
    case "illusory": return treeLive(config, true);
    case "linreg": return linregLive(config);
    case "optimizers": return optimizersLive(config);
  }
}

function epochAxis(epochs: number): Record<string, unknown> {
  return { field: "epoch", type: "quantitative", title: "epoch", scale: { domain: [0, epochs], nice: false } };
}

/** Small-number axis labels: 5e-21 rather than 0.000000000000000000005. */
const SMALL_LABEL = "datum.value == 0 || abs(datum.value) >= 0.001 ? format(datum.value, '~g') : format(datum.value, '.0e')";

function named(name: string, first: LiveRows): Record<string, unknown> {
  return { name, values: first[name] ?? [] };
}

function lossPanel(epochs: number, first: LiveRows, color?: Record<string, unknown>): Record<string, unknown> {
  return {
    width: WIDTH, height: HEIGHT,
    title: "Loss so far",
    data: named("loss", first),
    mark: { type: "line", clip: true, ...(color ? {} : { color: LOSS_COLOR }) },
    encoding: {
      x: epochAxis(epochs),
      y: { field: "loss", type: "quantitative", title: "MSE (log scale)", scale: { type: "log" }, axis: { labelExpr: LOG_LABEL, tickCount: 5 } },
      ...(color ? { color } : {}),
    },
  };
}

function top(panels: Record<string, unknown>[]): TopLevelSpec {
  return { $schema: VEGA_LITE_SCHEMA, config: { ...labConfig(), title: { ...labConfig().title, fontSize: 13 } }, hconcat: panels } as unknown as TopLevelSpec;
}

/** dlnn and illusory: the loss, and the singular values (dlnn) or the illusory prediction. */
function treeLive(config: Config, illusory: boolean): LiveChart {
  const epochs = config.epochs as number;
  const right = (first: LiveRows): Record<string, unknown> => illusory
    ? {
        width: WIDTH, height: HEIGHT,
        title: `Prediction for (${String(config.itemName)}, ${String(config.featureName)})`,
        data: named("prediction", first),
        mark: { type: "line", color: LOSS_COLOR, clip: true },
        encoding: { x: epochAxis(epochs), y: { field: "value", type: "quantitative", title: "network output", scale: { domain: [-1.05, 1.05] } } },
      }
    : {
        width: WIDTH, height: HEIGHT,
        title: "Singular values of W₂·W₁ so far (log scale)",
        data: named("modes", first),
        mark: { type: "line", clip: true },
        encoding: {
          x: epochAxis(epochs),
          y: { field: "value", type: "quantitative", title: "singular value", scale: { type: "log" }, axis: { labelExpr: SMALL_LABEL, tickCount: 5 } },
          color: { field: "mode", type: "ordinal", title: "mode", scale: { scheme: SERIES_SCHEME } },
        },
      };
  return {
    spec: (first) => top([lossPanel(epochs, first), right(first)]),
    rows(partials) {
      const loss: Record<string, unknown>[] = [], modes: Record<string, unknown>[] = [], prediction: Record<string, unknown>[] = [];
      for (const p of partials as (DlnnEpoch | IllusoryEpoch)[]) {
        if (p.loss > 0 && Number.isFinite(p.loss)) loss.push({ epoch: p.epoch, loss: p.loss });
        if (illusory) prediction.push({ epoch: p.epoch, value: (p as IllusoryEpoch).prediction });
        else p.singularValues.slice(0, 8).forEach((v, a) => { if (v > 0) modes.push({ epoch: p.epoch, mode: a + 1, value: v }); });
      }
      return { loss, modes, prediction };
    },
  };
}

/** linreg: the shallow network's loss, then the deep network's, on one axis. */
function linregLive(config: Config): LiveChart {
  const epochs = Math.max(config.epochs as number, config.shallowEpochs as number);
  let shallow = 0, deep = 0;
  const color = { field: "network", type: "nominal", title: "network", scale: { domain: ["shallow (no hidden layer)", "deep"], range: ["#1f77b4", LOSS_COLOR] } };
  return {
    spec: (first) => top([{ ...lossPanel(epochs, first, color), width: 2 * WIDTH + 40 }]),
    rows(partials) {
      const loss: Record<string, unknown>[] = [];
      for (const p of partials as { shallowLoss?: number; deepLoss?: number }[]) {
        if (p.shallowLoss !== undefined) pushLoss(loss, shallow++, p.shallowLoss, "shallow (no hidden layer)");
        if (p.deepLoss !== undefined) pushLoss(loss, deep++, p.deepLoss, "deep");
      }
      return { loss };
    },
  };
}

/** optimizers: each finished optimizer's loss per epoch. */
function optimizersLive(config: Config): LiveChart {
  const epochs = config.epochs as number;
  const color = { field: "optimizer", type: "nominal", title: "optimizer", scale: { scheme: SERIES_SCHEME } };
  return {
    spec: (first) => top([{ ...lossPanel(epochs, first, color), width: 2 * WIDTH + 40 }]),
    rows(partials) {
      const loss: Record<string, unknown>[] = [];
      for (const t of partials as Trajectory[]) {
        for (const p of t.points) pushLoss(loss, p.epoch, p.loss, t.optimizer);
      }
      return { loss };
    },
  };
}

function pushLoss(rows: Record<string, unknown>[], epoch: number, loss: number, series: string): void {
  if (loss > 0 && Number.isFinite(loss)) rows.push({ epoch, loss, network: series, optimizer: series });
}
