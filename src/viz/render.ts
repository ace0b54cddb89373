/**
 * Node-side rendering of lab figures: Vega-Lite spec -> Vega -> SVG text (headless, no
 * canvas, no network), and SVG -> PNG through resvg, whose prebuilt binary ships inside
 * its npm package. The browser renders the same specs live and never imports this file.
 */
import { createRequire } from "node:module";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { textWidth } from "./text_width.js";

/** Options for {@link renderPNG}. */
export interface PngOptions {
  /** Pixel density: 2 draws every CSS pixel as 2x2 device pixels (default 2). */
  scale?: number;
}

// Specs carry their data inline; a loader that refuses keeps rendering offline by construction.
const offlineLoader = {
  load: async (uri: string): Promise<never> => { throw new Error(`renderSVG: figures must carry their data inline, but the spec asked to load '${uri}'`); },
  sanitize: async (uri: string): Promise<never> => { throw new Error(`renderSVG: figures must carry their data inline, but the spec asked to load '${uri}'`); },
  http: async (): Promise<never> => { throw new Error("renderSVG: no network access while rendering"); },
  file: async (): Promise<never> => { throw new Error("renderSVG: no file access while rendering"); },
};

interface TextItem { fontSize?: number; fontWeight?: string | number }
type WidthFn = (item: TextItem, text: unknown) => number;
// Vega exports its text measurer but its typings do not declare it.
const textMetrics = (vega as unknown as { textMetrics: { width: WidthFn; estimateWidth: WidthFn } }).textMetrics;

// Without a canvas Vega estimates text at 0.8 em a character, which pads every figure with blank
// margins; measure with the widths of the font the PNGs use instead (as vl-convert does).
if (textMetrics.width === textMetrics.estimateWidth) {
  textMetrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const w = item.fontWeight;
    const isBold = w === "bold" || w === "bolder" || Number(w) >= 600;
    const lines = Array.isArray(text) ? text : [text];
    return Math.max(0, ...lines.map((t) => (t == null ? 0 : textWidth(String(t).trim(), size, isBold))));
  };
}

/**
 * Compiles a Vega-Lite spec to a Vega spec; throws with Vega-Lite's message if the spec
 * is invalid (unknown mark, channel, or property).
 * @example
 * const vgSpec = compileSpec({ mark: "point", data: { values: [{ x: 1 }] }, encoding: { x: { field: "x", type: "quantitative" } } });
 */
export function compileSpec(spec: TopLevelSpec): vega.Spec {
  const warnings: string[] = [];
  const logger = {
    level(): number { return 0; },
    error(...args: unknown[]): never { throw new Error(`Vega-Lite: ${args.map(String).join(" ")}`); },
    warn(...args: unknown[]) { warnings.push(args.map(String).join(" ")); return this; },
    info() { return this; },
    debug() { return this; },
  };
  // Vega-Lite reports a spec's mistakes (unknown fields, bad channels) as warnings; treat them as errors.
  const out = compile(spec, { logger: logger as never }).spec;
  if (warnings.length > 0) throw new Error(`Vega-Lite: ${warnings.join("; ")}`);
  return out;
}

/**
 * Renders a Vega-Lite spec to standalone SVG text, headless and offline.
 * @example
 * const svg = await renderSVG(lossCurveSpec(records));
 * fs.writeFileSync("loss.svg", svg);
 */
export async function renderSVG(spec: TopLevelSpec): Promise<string> {
  const runtime = vega.parse(compileSpec(spec));
  // Vega reports dataflow trouble (a refused load, an infinite extent) to its logger and draws on
  // regardless; a figure drawn from such a state would be silently wrong, so collect and fail.
  const errors: string[] = [];
  const collect = (args: unknown[]): void => { errors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ")); };
  const logger = {
    level(): number { return vega.Warn; },
    error(...args: unknown[]) { collect(args); return this; },
    warn(...args: unknown[]) { collect(args); return this; },
    info() { return this; },
    debug() { return this; },
  };
  const view = new vega.View(runtime, { renderer: "none", loader: offlineLoader as unknown as vega.Loader, logger: logger as unknown as vega.LoggerInterface });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(`renderSVG: Vega: ${errors.join("; ")}`);
    return svg;
  } finally {
    view.finalize();
  }
}

type ResvgModule = typeof import("@resvg/resvg-js");
let resvg: ResvgModule | null = null;

// Loaded on first use so SVG rendering works even where the native PNG renderer is missing.
function loadResvg(): ResvgModule {
  if (resvg === null) {
    const require = createRequire(import.meta.url);
    try {
      resvg = require("@resvg/resvg-js") as ResvgModule;
    } catch (e) {
      throw new Error(`renderPNG: the PNG renderer @resvg/resvg-js could not be loaded on ${process.platform}-${process.arch} (${(e as Error).message}); SVG output still works`);
    }
  }
  return resvg;
}

/**
 * Rasterises SVG text to PNG bytes with resvg, using the system's fonts.
 * @example
 * const png = renderPNG(await renderSVG(spec), { scale: 2 });
 * fs.writeFileSync("loss.png", png);
 */
export function renderPNG(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new Error(`renderPNG: scale must be in (0, 8], got ${scale}`);
  const { Resvg } = loadResvg();
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { loadSystemFonts: true, sansSerifFamily: "DejaVu Sans", defaultFontFamily: "DejaVu Sans" },
    logLevel: "off",
  });
  return new Uint8Array(r.render().asPng());
}
