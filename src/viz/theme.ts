/**
 * The look shared by every lab figure: one Vega-Lite `config` so the CLI report and the
 * web lab draw the same picture, and the palette used to tell modes and optimizers apart.
 */
import type { Config } from "vega-lite";

/** Width and height of a single-panel figure, in CSS pixels. */
export const FIGURE_WIDTH = 560;
export const FIGURE_HEIGHT = 300;

/** The Vega-Lite schema URL every spec names (it is an identifier; nothing is fetched). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Log-axis tick labels: plain numbers down to 0.001, then "1e-6". */
export const LOG_LABEL = "datum.value >= 0.001 && datum.value < 1e5 ? format(datum.value, '~g') : replace(format(datum.value, '.0e'), 'e+', 'e')";

/** Categorical colours that stay distinct for up to ten series (Vega's tableau10). */
export const SERIES_SCHEME = "tableau10";

/** The colours of {@link SERIES_SCHEME}, for figures that must colour a series the same in several charts. */
export const SERIES_COLORS: readonly string[] = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"];

/** Compact tick labels for a colour legend: two significant digits. */
export const SHORT_LABEL = "format(datum.value, '.2~g')";

/**
 * The shared Vega-Lite config: a white background, readable font sizes, light grids.
 * @example
 * const spec = { $schema: VEGA_LITE_SCHEMA, config: labConfig(), mark: "line", ... };
 */
export function labConfig(): Config {
  return {
    background: "white",
    padding: 12,
    font: "sans-serif",
    view: { stroke: "#bbbbbb" },
    title: { fontSize: 16, fontWeight: "bold", anchor: "start", subtitleFontSize: 12, subtitleColor: "#555555", offset: 10 },
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", gridColor: "#e6e6e6", domainColor: "#888888", tickColor: "#888888" },
    legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", symbolStrokeWidth: 2.5, symbolOpacity: 1, labelLimit: 240 },
    header: { labelFontSize: 12, titleFontSize: 12 },
    line: { strokeWidth: 2 },
  };
}
