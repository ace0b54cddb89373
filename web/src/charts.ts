/**
 * Draws Vega-Lite specs into the page with vega-embed (SVG, so each figure is crisp and its
 * marks are inspectable) and keeps track of the views so they can be freed when replaced.
 */
import embed, { type Result } from "vega-embed";
import type { TopLevelSpec } from "vega-lite";

/** A drawn chart: its Vega view and how to free it. */
export type Chart = Result;

/**
 * Draws `spec` into `el` (replacing what was there); the export menu offers SVG and PNG.
 * The live chart goes without it: it changes too fast to be worth saving.
 * @example const chart = await drawChart(div, dlnnLossSpec(records)); chart.finalize();
 */
export async function drawChart(el: HTMLElement, spec: TopLevelSpec, exportMenu = true): Promise<Chart> {
  return embed(el, spec, {
    renderer: "svg",
    actions: exportMenu ? { export: true, source: false, compiled: false, editor: false } : false,
    downloadFileName: el.dataset.figure ?? "figure",
  });
}
