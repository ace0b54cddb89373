/**
 * Figures of the optimizer comparison: the loss surface over the two parameters as a heat
 * map with iso-loss lines, every optimizer's path drawn on it, and the loss per epoch; the
 * titles compare the learning rate with the gradient-descent stability limit 2 / lambda_max.
 */
import type { TopLevelSpec } from "vega-lite";
import type { OptimizersRecords, Trajectory } from "../lab/types.js";
import { FIGURE_HEIGHT, FIGURE_WIDTH, LOG_LABEL, SERIES_COLORS, SHORT_LABEL, VEGA_LITE_SCHEMA, labConfig } from "./theme.js";
import { contourLevels, contourLines } from "./contour.js";
import { thinIndices } from "./series.js";

/** Most points drawn per optimizer path. */
const MAX_PATH_POINTS = 300;
/** Iso-loss lines on the surface. */
const CONTOUR_LEVELS = 14;

/** Every optimizer in display order (fixes each one's colour). */
const ALL_OPTIMIZERS: readonly string[] = ["gd", "sgd", "minibatch", "momentum", "nesterov", "rmsprop", "adam"];

/** Names of the optimizers as the legends show them. */
const OPTIMIZER_NAMES: Record<string, string> = {
  gd: "GD (full batch)", sgd: "SGD (batch 1)", minibatch: "mini-batch SGD", momentum: "momentum",
  nesterov: "Nesterov", rmsprop: "RMSprop", adam: "Adam",
};

/**
 * The legend name of a trajectory: the optimizer, its learning rate, and "diverged" if so.
 * @example trajectoryLabel({ optimizer: "gd", lr: 0.1, diverged: false, ... }) // "GD (full batch), lr 0.1"
 */
export function trajectoryLabel(t: Trajectory): string {
  return `${OPTIMIZER_NAMES[t.optimizer] ?? t.optimizer}, lr ${t.lr}${t.diverged ? " (diverged)" : ""}`;
}

/**
 * The line under an optimizers figure's title: lr against the stability limit 2/lambda_max.
 * @example stabilityText(records) // "GD lr 0.5 < 2/λmax = 0.96 (λmax = 2.08): full-batch GD is stable"
 */
export function stabilityText(r: OptimizersRecords): string {
  const rel = r.config.lr < r.stabilityLimit ? "<" : r.config.lr > r.stabilityLimit ? ">" : "=";
  const verdict = r.summary.lrStable ? "full-batch GD is stable" : "full-batch GD diverges";
  return `GD lr ${r.config.lr} ${rel} 2/λmax = ${fmt(r.stabilityLimit)} (λmax = ${fmt(r.lambdaMax)}): ${verdict}`;
}

/** The pieces every surface figure draws, computed once from the records. */
interface SurfaceParts {
  colorDomain: [number, number];
  /** The plotted extent of each axis. */
  box: { x: number[]; y: number[] };
  cells: { x: number; x2: number; y: number; y2: number; loss: number }[];
  /** Iso-loss lines as rows: `line` names the polyline, `order` the point's place along it. */
  contours: { line: number; order: number; x: number; y: number }[];
  x: Record<string, unknown>;
  y: Record<string, unknown>;
  markers: { x: number; y: number; label: string; shape: string }[];
}

function surfaceParts(r: OptimizersRecords): SurfaceParts {
  const { axis0, axis1, loss } = r.surface;
  const e0 = edges(axis0), e1 = edges(axis1);
  // Neighbouring cells overlap by 2% so anti-aliasing leaves no seams between them.
  const pad0 = 0.01 * (e0[e0.length - 1]! - e0[0]!) / axis0.length, pad1 = 0.01 * (e1[e1.length - 1]! - e1[0]!) / axis1.length;
  let top = 0;
  for (const row of loss) for (const v of row) if (Number.isFinite(v) && v > top) top = v;
  // The log colour scale needs positive values (a loss's minimum can be 0, or by rounding a hair below)
  // and spans three decades below the top, like the contour levels.
  const floor = top > 0 ? top * 1e-3 : 1;
  const cells: SurfaceParts["cells"] = [];
  for (let i = 0; i < axis0.length; i++) {
    for (let j = 0; j < axis1.length; j++) {
      const v = loss[i]![j]!;
      if (Number.isFinite(v)) cells.push({ x: e0[i]! - pad0, x2: e0[i + 1]! + pad0, y: e1[j]! - pad1, y2: e1[j + 1]! + pad1, loss: Math.max(v, floor) });
    }
  }
  // contourSegments wants z[row = axis1 index][col = axis0 index]; the records store loss[axis0][axis1].
  const z = axis1.map((_, j) => axis0.map((__, i) => loss[i]![j]!));
  const contours: SurfaceParts["contours"] = [];
  contourLines(axis0, axis1, z, contourLevels(z, CONTOUR_LEVELS)).forEach((l, line) => l.points.forEach(([x, y], order) => contours.push({ line, order, x, y })));
  const [p0, p1] = r.paramNames;
  return {
    colorDomain: [floor, Math.max(top, floor * 10)],
    box: { x: [e0[0]!, e0[e0.length - 1]!], y: [e1[0]!, e1[e1.length - 1]!] },
    cells,
    contours,
    x: { type: "quantitative", scale: { domain: [e0[0]!, e0[e0.length - 1]!], nice: false, zero: false }, title: p0 },
    y: { type: "quantitative", scale: { domain: [e1[0]!, e1[e1.length - 1]!], nice: false, zero: false }, title: p1 },
    markers: [
      { x: r.solution[0], y: r.solution[1], label: "least squares", shape: "cross" },
      { x: r.config.start[0]!, y: r.config.start[1]!, label: "start", shape: "circle" },
    ],
  };
}

/** A trajectory's drawn points (thinned, finite only) and its end point if it did not diverge. */
function pathRows(t: Trajectory, label: string, box?: { x: number[]; y: number[] }): { path: { optimizer: string; step: number; x: number; y: number }[]; end: { optimizer: string; x: number; y: number }[] } {
  // A path that leaves the surface for good is cut at its first point outside: past it, clipped
  // segments would only criss-cross the picture.
  let points = t.points;
  if (box !== undefined && t.diverged) {
    const out = points.findIndex((p) => !(p.params[0] >= box.x[0]! && p.params[0] <= box.x[1]! && p.params[1] >= box.y[0]! && p.params[1] <= box.y[1]!));
    if (out >= 0) points = points.slice(0, out + 1);
  }
  const path: { optimizer: string; step: number; x: number; y: number }[] = [];
  for (const k of thinIndices(points.length, MAX_PATH_POINTS)) {
    const p = points[k]!;
    if (Number.isFinite(p.params[0]) && Number.isFinite(p.params[1])) path.push({ optimizer: label, step: p.step, x: p.params[0], y: p.params[1] });
  }
  const last = t.points[t.points.length - 1];
  return { path, end: last !== undefined && !t.diverged ? [{ optimizer: label, x: last.params[0], y: last.params[1] }] : [] };
}

function contourLayer(s: SurfaceParts, data: unknown): Record<string, unknown> {
  return {
    data,
    mark: { type: "line", color: "#555555", strokeWidth: 0.7, opacity: 0.7, clip: true, aria: false },
    encoding: { x: { field: "x", ...s.x }, y: { field: "y", ...s.y }, detail: { field: "line", type: "nominal" }, order: { field: "order", type: "quantitative" } },
  };
}

function markerLayer(s: SurfaceParts, size: number): Record<string, unknown> {
  return {
    data: { values: s.markers },
    layer: [
      { mark: { type: "point", size, strokeWidth: 2.5, color: "black", filled: false, clip: true }, encoding: { shape: { field: "shape", type: "nominal", scale: null } } },
      { mark: { type: "text", align: "left", dx: 8, dy: -8, fontSize: size > 100 ? 12 : 10, fontWeight: "bold", clip: true }, encoding: { text: { field: "label" } } },
    ],
    encoding: { x: { field: "x", ...s.x }, y: { field: "y", ...s.y } },
  };
}

/**
 * The loss surface as a heat map with iso-loss lines, the least-squares solution, the start,
 * and every optimizer's path on it (paths that leave the surface are clipped at its edge).
 * @example const spec = optimizersSurfaceSpec(optimizers.run({ lr: 0.9 }));
 */
export function optimizersSurfaceSpec(r: OptimizersRecords): TopLevelSpec {
  const s = surfaceParts(r);
  const labels = r.trajectories.map(trajectoryLabel);
  const paths: ReturnType<typeof pathRows>["path"] = [], ends: ReturnType<typeof pathRows>["end"] = [];
  r.trajectories.forEach((t, k) => { const rows = pathRows(t, labels[k]!, s.box); paths.push(...rows.path); ends.push(...rows.end); });
  const optimizerColor = { field: "optimizer", type: "nominal", title: "optimizer", sort: labels, scale: { domain: labels, range: colorsFor(r) } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: labConfig(),
    title: { text: `Optimizers on the loss surface (${r.config.dataset} data)`, subtitle: [stabilityText(r), "shading: MSE (darker is higher); thin lines: iso-loss contours"] },
    width: 460,
    height: 380,
    layer: [
      {
        data: { values: s.cells },
        mark: { type: "rect", aria: false },
        encoding: {
          x: { field: "x", ...s.x }, x2: { field: "x2" }, y: { field: "y", ...s.y }, y2: { field: "y2" },
          color: { field: "loss", type: "quantitative", title: "MSE", scale: { type: "log", domain: s.colorDomain, clamp: true, scheme: { name: "greys", extent: [0, 0.45] } }, legend: { labelExpr: SHORT_LABEL, gradientLength: 160 } },
        },
      },
      contourLayer(s, { values: s.contours }),
      {
        data: { values: paths },
        mark: { type: "line", strokeWidth: 2, clip: true, point: { size: 12, filled: true, aria: false } },
        encoding: { x: { field: "x", ...s.x }, y: { field: "y", ...s.y }, color: optimizerColor, order: { field: "step", type: "quantitative" } },
      },
      {
        data: { values: ends },
        mark: { type: "point", shape: "diamond", size: 90, filled: true, stroke: "white", strokeWidth: 1, opacity: 1, clip: true },
        encoding: { x: { field: "x", ...s.x }, y: { field: "y", ...s.y }, color: { ...optimizerColor, legend: null } },
      },
      markerLayer(s, 160),
    ],
    resolve: { scale: { color: "independent" } },
  } as unknown as TopLevelSpec;
}

/**
 * Small multiples: one panel per optimizer with only its own path on the iso-loss lines,
 * titled with how it ended (converged, diverged, or how far from the solution it stopped).
 * @example const spec = optimizersPathsSpec(records); // 7 panels, 4 a row
 */
export function optimizersPathsSpec(r: OptimizersRecords): TopLevelSpec {
  const s = surfaceParts(r);
  const colors = colorsFor(r);
  const panels = r.trajectories.map((t, k) => {
    const label = trajectoryLabel(t);
    const rows = pathRows(t, label, s.box);
    return {
      width: 220,
      height: 180,
      title: { text: `${OPTIMIZER_NAMES[t.optimizer] ?? t.optimizer}, lr ${t.lr}`, subtitle: outcomeText(t), fontSize: 13, subtitleFontSize: 11 },
      layer: [
        contourLayer(s, { name: "contours" }),
        {
          data: { values: rows.path },
          mark: { type: "line", strokeWidth: 1.8, clip: true, color: colors[k]!, point: { size: 10, filled: true, color: colors[k]!, aria: false } },
          encoding: { x: { field: "x", ...s.x }, y: { field: "y", ...s.y }, order: { field: "step", type: "quantitative" } },
        },
        {
          data: { values: rows.end },
          mark: { type: "point", shape: "diamond", size: 70, filled: true, color: colors[k]!, stroke: "white", strokeWidth: 1, opacity: 1, clip: true },
          encoding: { x: { field: "x", ...s.x }, y: { field: "y", ...s.y } },
        },
        markerLayer(s, 90),
      ],
    };
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: labConfig(),
    title: { text: "Each optimizer's path", subtitle: [stabilityText(r), "thin lines: iso-loss contours; ◆: where the optimizer stopped"] },
    datasets: { contours: s.contours },
    columns: Math.min(4, panels.length),
    concat: panels,
    spacing: 20,
  } as unknown as TopLevelSpec;
}

/**
 * How a trajectory ended, in a few words.
 * @example outcomeText(t) // "converged" | "diverged at step 12" | "stopped 0.17 from the solution"
 */
export function outcomeText(t: Trajectory): string {
  if (t.diverged) return `diverged at step ${t.divergedAtStep}`;
  if (t.converged) return "converged";
  return `stopped ${t.distanceToSolution.toPrecision(2)} from the solution`;
}

/** One colour per trajectory, fixed by the optimizer's place in the full list, so it matches across figures. */
function colorsFor(r: OptimizersRecords): string[] {
  return r.trajectories.map((t) => SERIES_COLORS[Math.max(0, ALL_OPTIMIZERS.indexOf(t.optimizer)) % SERIES_COLORS.length]!);
}

/**
 * Each optimizer's loss against epochs (log axis); stochastic methods take several steps an
 * epoch and are drawn at fractional epochs.
 * @example const spec = optimizersLossSpec(records);
 */
export function optimizersLossSpec(r: OptimizersRecords): TopLevelSpec {
  const rows: { optimizer: string; epoch: number; loss: number }[] = [];
  for (const t of r.trajectories) {
    const label = trajectoryLabel(t);
    const at = fractionalEpochs(t);
    for (const k of thinIndices(t.points.length, 500)) {
      const p = t.points[k]!;
      if (Number.isFinite(p.loss) && p.loss > 0) rows.push({ optimizer: label, epoch: at[k]!, loss: p.loss });
    }
  }
  const labels = r.trajectories.map(trajectoryLabel);
  return {
    $schema: VEGA_LITE_SCHEMA,
    config: labConfig(),
    title: { text: "Loss per epoch", subtitle: [stabilityText(r)] },
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    data: { values: rows },
    mark: { type: "line", strokeWidth: 2, clip: true },
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "epoch", scale: { nice: false } },
      y: { field: "loss", type: "quantitative", title: "MSE (log scale)", scale: { type: "log" }, axis: { labelExpr: LOG_LABEL } },
      color: { field: "optimizer", type: "nominal", title: "optimizer", sort: labels, scale: { domain: labels, range: colorsFor(r) } },
      order: { field: "epoch", type: "quantitative" },
    },
  } as TopLevelSpec;
}

/**
 * The epoch of each point as a fraction: the k-th of m points recorded in one epoch sits at
 * epoch + k/m, so one step a batch spreads evenly over its epoch.
 * @example fractionalEpochs({ points: [{ epoch: 0 }, { epoch: 1 }, { epoch: 1 }] }) // [0, 1, 1.5]
 */
export function fractionalEpochs(t: Pick<Trajectory, "points">): number[] {
  const count = new Map<number, number>();
  for (const p of t.points) count.set(p.epoch, (count.get(p.epoch) ?? 0) + 1);
  const seen = new Map<number, number>();
  return t.points.map((p) => {
    const k = seen.get(p.epoch) ?? 0;
    seen.set(p.epoch, k + 1);
    return p.epoch + k / count.get(p.epoch)!;
  });
}

/** Cell edges around grid points: midpoints inside, half a spacing beyond each end. */
function edges(axis: readonly number[]): number[] {
  const n = axis.length;
  if (n === 1) return [axis[0]! - 0.5, axis[0]! + 0.5];
  const out = [axis[0]! - (axis[1]! - axis[0]!) / 2];
  for (let i = 0; i + 1 < n; i++) out.push((axis[i]! + axis[i + 1]!) / 2);
  out.push(axis[n - 1]! + (axis[n - 1]! - axis[n - 2]!) / 2);
  return out;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 || Math.abs(v) < 0.01 ? v.toPrecision(3) : v.toFixed(3).replace(/\.?0+$/, "");
}
