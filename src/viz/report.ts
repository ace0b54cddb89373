/**
 * The HTML report of one lab run: a single self-contained page (inline SVG figures, inline
 * CSS, no scripts, no network) with the key results, each figure and its explanation, and
 * the configuration beside the defaults, so it opens offline from any folder.
 */
import type { OptionSpec, OptionValue } from "../lab/types.js";
import type { Figure } from "./figures.js";

/** Everything a report shows. */
export interface ReportInput {
  /** The experiment's title and what it is about. */
  title: string;
  description: string;
  /** The experiment id ("dlnn", ...). */
  experiment: string;
  /** The command that reproduces the run. */
  command?: string;
  /** The preset the run started from, if any. */
  preset?: string;
  config: Readonly<Record<string, unknown>>;
  options: readonly OptionSpec[];
  /** One-sentence key results. */
  results: readonly string[];
  /** Each figure with its rendered SVG text; `dir` is the folder (relative to the report) of its SVG/PNG files. */
  figures: readonly { figure: Figure; svg: string; dir?: string }[];
  /** Runs of several presets, each in its own folder with its own report. */
  presets?: readonly { name: string; description: string; dir: string; results: readonly string[] }[];
  /** Other files written beside the report, linked at its end. */
  files?: readonly string[];
  /** PNG copies of the figures sit beside the report (default true): link them. */
  png?: boolean;
  /** The gradlab version, shown in the footer. */
  version?: string;
}

/**
 * Escapes text for HTML element content and attribute values.
 * @example escapeHtml('a < b & "c"') // "a &lt; b &amp; &quot;c&quot;"
 */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * Makes an SVG's ids unique in a page that inlines several SVGs (Vega numbers clip paths
 * and gradients from 1 in every SVG), and lets it shrink to the page's width.
 * @example scopeSvg('<svg width="10"><clipPath id="clip1"/><g clip-path="url(#clip1)"/></svg>', "loss")
 * // '<svg style="max-width:100%;height:auto" width="10"><clipPath id="loss-clip1"/><g clip-path="url(#loss-clip1)"/></svg>'
 */
export function scopeSvg(svg: string, prefix: string): string {
  const body = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, "");
  return body
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/\b(xlink:href|href)="#([^"]+)"/g, (_, attr: string, id: string) => `${attr}="#${prefix}-${id}"`)
    .replace(/^<svg\b/, '<svg style="max-width:100%;height:auto"');
}

/**
 * The report page as one HTML string.
 * @example fs.writeFileSync("report.html", reportHTML({ title: "Deep linear networks", experiment: "dlnn", ... }))
 */
export function reportHTML(input: ReportInput): string {
  const e = escapeHtml;
  const results = input.results.length > 0 ? `<section><h2>Key results</h2><ul class="results">${input.results.map((r) => `<li>${e(r)}</li>`).join("")}</ul></section>` : "";
  const toc = input.figures.map(({ figure }) => `<li><a href="#fig-${e(figure.name)}">${e(figure.title)}</a></li>`).join("");
  const figures = input.figures.map(({ figure, svg, dir }, k) => `
<figure id="fig-${e(figure.name)}">
  <h3>Figure ${k + 1}. ${e(figure.title)}</h3>
  <div class="plot">${scopeSvg(svg, `f${k + 1}`)}</div>
  <figcaption>${e(figure.caption)} <span class="files">(<a href="${e(fileHref(dir, `${figure.name}.svg`))}">SVG</a>${input.png === false ? "" : `, <a href="${e(fileHref(dir, `${figure.name}.png`))}">PNG</a>`})</span></figcaption>
</figure>`).join("\n");
  const rows = input.options.map((o) => {
    const value = input.config[o.name];
    const changed = JSON.stringify(value) !== JSON.stringify(o.default);
    return `<tr${changed ? ' class="changed"' : ""}><td><code>${e(o.name)}</code></td><td>${e(show(value))}</td><td>${e(show(o.default))}</td><td>${e(o.description)}</td></tr>`;
  }).join("");
  const presets = input.presets && input.presets.length > 0
    ? `<section><h2>Presets</h2><p>Each preset ran in its own folder, with its own report, records and figures.</p><dl class="presets">${input.presets.map((p) => `<dt><a href="${e(fileHref(p.dir, "report.html"))}">${e(p.name)}</a></dt><dd>${e(p.description)}<ul>${p.results.map((r) => `<li>${e(r)}</li>`).join("")}</ul></dd>`).join("")}</dl></section>`
    : "";
  const config = input.options.length > 0 ? `<section><h2>Configuration</h2>
<p>Options of this run; highlighted rows differ from the defaults.</p>
<table><thead><tr><th>option</th><th>value</th><th>default</th><th>meaning</th></tr></thead><tbody>${rows}</tbody></table>
</section>` : "";
  const files = input.files && input.files.length > 0
    ? `<p class="files">Files of this run: ${input.files.map((f) => `<a href="${e(f)}">${e(f)}</a>`).join(", ")}.</p>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gradlab lab: ${e(input.title)}</title>
<style>
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #222; background: #fafafa; margin: 0; line-height: 1.5; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; background: white; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 8px; }
.lead { color: #444; margin: 4px 0 12px; } .cmd code { background: #f2f2f2; padding: 3px 6px; border-radius: 3px; }
figure { margin: 22px 0 30px; } .plot { overflow-x: auto; } figcaption { color: #333; font-size: 14px; max-width: 860px; margin-top: 6px; }
.files, .files a { color: #666; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f4f4f4; } tr.changed td { background: #fff6df; } tr.changed td:nth-child(2) { font-weight: bold; }
ul.results li { margin: 3px 0; } dl.presets dt { font-weight: bold; margin-top: 10px; } dl.presets dd { margin-left: 18px; } footer { margin-top: 32px; color: #777; font-size: 12px; }
</style>
</head>
<body>
<main>
<header>
<h1>${e(input.title)}</h1>
<p class="lead">${e(input.description)}</p>
${input.command ? `<p class="cmd">Reproduce with <code>${e(input.command)}</code>${input.preset ? ` (preset <code>${e(input.preset)}</code>)` : ""}</p>` : ""}
</header>
${results}
<section><h2>Figures</h2><ol>${toc}</ol>
${figures}
</section>
${presets}
${config}
${files}
<footer>Made by gradlab${input.version ? ` ${e(input.version)}` : ""}, experiment <code>${e(input.experiment)}</code>. The figures are Vega-Lite charts rendered to SVG; the page needs no network.</footer>
</main>
</body>
</html>
`;
}

function fileHref(dir: string | undefined, name: string): string {
  return dir ? `${dir.split("/").map(encodeURIComponent).join("/")}/${encodeURIComponent(name)}` : encodeURIComponent(name);
}

function show(v: unknown): string {
  if (Array.isArray(v)) return (v as OptionValue[]).join(", ");
  return v === undefined ? "" : String(v);
}
