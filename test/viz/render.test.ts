// Headless rendering: Vega-Lite -> SVG offline, SVG -> PNG through resvg, text measured with
// the font's real widths, and a bad spec reported as an error rather than drawn wrong.
import { describe, expect, it } from "vitest";
import type { TopLevelSpec } from "vega-lite";
import { compileSpec, renderPNG, renderSVG } from "../../src/viz/render.js";
import { textWidth } from "../../src/viz/text_width.js";

const tiny: TopLevelSpec = {
  width: 200,
  height: 100,
  title: "tiny chart",
  data: { values: [{ epoch: 0, loss: 1 }, { epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.1 }] },
  mark: "line",
  encoding: { x: { field: "epoch", type: "quantitative" }, y: { field: "loss", type: "quantitative", scale: { type: "log" } } },
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

describe("renderSVG", () => {
  it("draws a Vega-Lite spec as standalone SVG with its text", async () => {
    const svg = await renderSVG(tiny);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain(">tiny chart<");
    expect(svg).toContain(">epoch<");
    expect(svg).toMatch(/<path[^>]*d="M[^"]+L/); // the line itself
  });

  it("refuses specs that want to load data (figures must carry their data inline)", async () => {
    const remote = { ...tiny, data: { url: "https://example.com/data.json" } } as TopLevelSpec;
    await expect(renderSVG(remote)).rejects.toThrow(/inline/);
  });

  it("reports Vega-Lite's complaints about a spec as errors", () => {
    const bad = { ...tiny, encoding: { ...tiny.encoding, strokeWidth: { field: "curve", type: "nominal" } } } as TopLevelSpec;
    expect(() => compileSpec(bad)).toThrow(/Vega-Lite: .*strokeWidth/);
  });

  it("lays text out with DejaVu Sans widths, not 0.8 em a character", async () => {
    // "Mmmm" is wide and "iiii" narrow; Vega's fallback would give both 0.8 em a character.
    expect(textWidth("iiii", 10)).toBeCloseTo(4 * 0.278 * 10, 6);
    expect(textWidth("MMMM", 10, true)).toBeGreaterThan(textWidth("MMMM", 10));
    const narrow = await renderSVG({ ...tiny, title: "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii" });
    const width = Number(/width="(\d+)"/.exec(narrow)![1]);
    // 80 bold i's at 16px are 80 * 0.343 * 16 = 439px wide; 0.8 em each would be 1024px.
    expect(width).toBeLessThan(600);
  });
});

describe("renderPNG", () => {
  it("rasterises at the requested scale", async () => {
    const svg = await renderSVG(tiny);
    const [w, h] = [Number(/width="(\d+)"/.exec(svg)![1]), Number(/height="(\d+)"/.exec(svg)![1])];
    const png = renderPNG(svg, { scale: 2 });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pngSize(png)).toEqual([2 * w, 2 * h]);
    expect(pngSize(renderPNG(svg, { scale: 1 }))).toEqual([w, h]);
  });

  it("rejects a scale outside (0, 8]", () => {
    expect(() => renderPNG("<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>", { scale: 0 })).toThrow(/scale must be in \(0, 8\], got 0/);
  });
});
