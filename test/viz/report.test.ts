// The report page: self-contained (no scripts, no remote resources), every figure inline with
// ids that cannot clash, the configuration against the defaults, and text safely escaped.
import { describe, expect, it } from "vitest";
import { escapeHtml, reportHTML, scopeSvg } from "../../src/viz/report.js";
import { groupModes, thinIndices } from "../../src/viz/series.js";
import type { Figure } from "../../src/viz/figures.js";
import type { OptionSpec } from "../../src/lab/types.js";

const svgWithClip = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs><clipPath id="clip1"><rect/></clipPath><linearGradient id="gradient_0"/></defs><g clip-path="url(#clip1)"><rect fill="url(#gradient_0)"/></g></svg>';
const figure = (name: string): Figure => ({ name, title: `Figure ${name}`, caption: `About <${name}> & more.`, spec: { mark: "point" } as never });
const options: OptionSpec[] = [
  { name: "lr", type: "number", default: 100, min: 0, description: "Learning rate." },
  { name: "epochs", type: "integer", default: 250, min: 1, description: "Epochs." },
];

describe("scopeSvg", () => {
  it("prefixes every id and every reference to one", () => {
    const out = scopeSvg(svgWithClip, "f2");
    expect(out).toContain('id="f2-clip1"');
    expect(out).toContain('clip-path="url(#f2-clip1)"');
    expect(out).toContain('fill="url(#f2-gradient_0)"');
    expect(out).not.toMatch(/url\(#(clip1|gradient_0)\)/);
    expect(out.startsWith('<svg style="max-width:100%;height:auto"')).toBe(true);
  });
});

describe("reportHTML", () => {
  const html = reportHTML({
    title: "Deep linear networks", description: "Learning <dynamics>.", experiment: "dlnn",
    command: "gradlab run dlnn --lr 50", config: { lr: 50, epochs: 250 }, options,
    results: ["Final loss 1e-3."], figures: [{ figure: figure("loss"), svg: svgWithClip }, { figure: figure("rsm"), svg: svgWithClip }],
    files: ["records.json"], version: "0.1.0",
  });

  it("is a complete page that needs nothing from the network", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|src="http/i);
  });

  it("inlines each figure with its own ids, caption and file links", () => {
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('id="f1-clip1"');
    expect(html).toContain('id="f2-clip1"');
    expect(html).toContain("About &lt;loss&gt; &amp; more.");
    expect(html).toContain('href="loss.svg"');
    expect(html).toContain('href="rsm.png"');
  });

  it("shows the configuration and marks options that differ from the defaults", () => {
    expect(html).toMatch(/<tr class="changed"><td><code>lr<\/code><\/td><td>50<\/td><td>100<\/td>/);
    expect(html).toMatch(/<tr><td><code>epochs<\/code><\/td><td>250<\/td><td>250<\/td>/);
    expect(html).toContain("<code>gradlab run dlnn --lr 50</code>");
    expect(html).toContain("Learning &lt;dynamics&gt;.");
  });

  it("escapes HTML special characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("series helpers", () => {
  it("thins a series evenly, keeping both ends", () => {
    expect(thinIndices(10, 4)).toEqual([0, 3, 6, 9]);
    expect(thinIndices(3, 10)).toEqual([0, 1, 2]);
    expect(thinIndices(0, 5)).toEqual([]);
    const idx = thinIndices(1001, 400);
    expect(idx).toHaveLength(400);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(1000);
  });

  it("groups modes reached at nearly the same epoch and names the group", () => {
    expect(groupModes([40, 80, 81, null], 0.03, 2)).toEqual([
      { modes: [0], epoch: 40, label: "mode 1" },
      { modes: [1, 2], epoch: 81, label: "modes 2-3" },
    ]);
    expect(groupModes([100, 50, 101], 0.04, 2).map((g) => g.label)).toEqual(["mode 2", "modes 1,3"]);
  });
});
