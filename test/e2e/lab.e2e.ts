/**
 * End-to-end tests of the web lab in a real browser: playwright-core drives Debian's
 * Chromium (/usr/bin/chromium, installed by `apt-get install -y chromium`) against the
 * built lab served on 127.0.0.1. Each experiment's page must train its default config in
 * the worker and draw its figures; dragging the learning-rate slider must restart the run
 * once and change the chart's data; the URL must carry the settings; and no page may log
 * a console error. A full-page screenshot of each page is saved under the test output
 * (test-results/e2e/, or $GRADLAB_E2E_OUT).
 *
 * The lab is built into a temporary folder first (set GRADLAB_E2E_DIST=dist-web to test an
 * existing build instead). A missing Chromium fails the suite with the command to install it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveStatic, type StaticServer } from "../../src/cli/serve.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUT = path.resolve(REPO, process.env.GRADLAB_E2E_OUT ?? "test-results/e2e");
/** The longest a default run may take on a slow, shared CI machine. */
const RUN_TIMEOUT_MS = 150_000;

let server: StaticServer;
let context: BrowserContext;
let buildDir: string | null = null;
let profileDir: string;

/** Console errors and uncaught exceptions of a page, as they happen. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console.error: ${m.text()}`); });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? "?"})`));
  return errors;
}

/** Waits until run `run` of the page has finished and its figures are drawn; fails on a run error. */
async function waitForRun(page: Page, run: number): Promise<void> {
  const status = page.locator("#status");
  await expect.poll(async () => {
    const s = await status.getAttribute("data-status");
    if (s === "error") throw new Error(`run failed: ${await status.textContent()}`);
    return `${await status.getAttribute("data-run")}:${s}`;
  }, { timeout: RUN_TIMEOUT_MS, interval: 250 }).toBe(`${run}:done`);
}

/** The data a figure draws: the geometry of its line, point and rect marks. */
async function figureData(page: Page, figure: string): Promise<string> {
  return page.locator(`[data-figure="${figure}"] svg`).first().evaluate((svg) =>
    Array.from(svg.querySelectorAll("g.mark-line path, g.mark-symbol path, g.mark-rect path, g.mark-area path"))
      .map((p) => `${p.getAttribute("d") ?? ""}|${p.getAttribute("transform") ?? ""}`).join("\n"));
}

/**
 * Drags a slider's thumb to `fraction` of its track with the mouse, as a person would: the
 * page sees input events while dragging and one change on release.
 */
async function dragSlider(page: Page, selector: string, fraction: number): Promise<void> {
  const slider = page.locator(selector);
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  if (!box) throw new Error(`slider ${selector} is not visible`);
  const { min, max, value } = await slider.evaluate((el: HTMLInputElement) => ({ min: Number(el.min), max: Number(el.max), value: Number(el.value) }));
  // Chromium's thumb is about 16 px wide: its centre runs from 8 px to width - 8 px.
  const xAt = (f: number) => box.x + 8 + f * (box.width - 16);
  const y = box.y + box.height / 2;
  await page.mouse.move(xAt((value - min) / (max - min)), y);
  await page.mouse.down();
  for (let k = 1; k <= 8; k++) await page.mouse.move(xAt((value - min) / (max - min) + (k / 8) * (fraction - (value - min) / (max - min))), y);
  await page.mouse.up();
}

/** Records every status the page shows from now on (run, status, text), to see a run stream. */
async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const el = document.getElementById("status")!;
    const log: string[] = [];
    (window as unknown as { statusLog: string[] }).statusLog = log;
    new MutationObserver(() => log.push(`${el.dataset.run}|${el.dataset.status}|${el.textContent ?? ""}`))
      .observe(el, { attributes: true, childList: true, subtree: true, characterData: true });
  });
}

async function statusLog(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { statusLog: string[] }).statusLog);
}

// Checked when the file loads, so a missing browser fails the run outright (no test is skipped).
if (!existsSync(CHROMIUM)) {
  throw new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" (as .ci/run does) or set CHROMIUM_PATH`);
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  let dist = process.env.GRADLAB_E2E_DIST ? path.resolve(REPO, process.env.GRADLAB_E2E_DIST) : null;
  if (dist === null) {
    buildDir = mkdtempSync(path.join(tmpdir(), "gradlab-web-"));
    const { build } = await import("vite");
    await build({ configFile: path.join(REPO, "web/vite.config.ts"), logLevel: "warn", build: { outDir: buildDir, emptyOutDir: true, sourcemap: false } });
    dist = buildDir;
  }
  if (!existsSync(path.join(dist, "index.html"))) throw new Error(`no built web lab in ${dist} (run npm run build:web)`);
  server = await serveStatic(dist);
  profileDir = mkdtempSync(path.join(tmpdir(), "gradlab-chromium-"));
  // A persistent context is how Playwright takes a fresh --user-data-dir; headless adds --headless.
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1440, height: 1000 },
  });
}, 300_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

/** Each page: its id, its title, the figure whose data the lr slider must change, where to drag it. */
const PAGES = [
  { id: "dlnn", title: "Deep linear networks", figure: "loss", to: 0.3 },
  { id: "illusory", title: "Illusory correlations", figure: "illusory", to: 0.3 },
  { id: "linreg", title: "Linear regression", figure: "loss", to: 0.3 },
  { id: "optimizers", title: "Optimizers", figure: "surface", to: 0.75 },
] as const;

describe("web lab", () => {
  for (const p of PAGES) {
    test(`${p.id}: trains the defaults, restarts on the lr slider, changes the chart`, async () => {
      const page = await context.newPage();
      const errors = watchErrors(page);
      try {
        const started = Date.now();
        await page.goto(`${server.url}/?exp=${p.id}`);
        await expect.poll(() => page.locator("h1").textContent()).toContain(p.title);
        expect(await page.locator('#nav a[aria-current="page"]').getAttribute("data-experiment")).toBe(p.id);
        await waitForRun(page, 1);
        const firstRunMs = Date.now() - started;
        const before = await figureData(page, p.figure);
        expect(before.length).toBeGreaterThan(0);
        const resultsBefore = await page.locator("#results").textContent();
        const lrBefore = await page.locator("#opt-lr").inputValue();
        await page.screenshot({ path: path.join(OUT, `${p.id}.png`), fullPage: true });

        await recordStatuses(page);
        await dragSlider(page, "#opt-lr-slider", p.to);
        const lrAfter = await page.locator("#opt-lr").inputValue();
        expect(lrAfter).not.toBe(lrBefore);
        await waitForRun(page, 2);
        // One restart for one drag (the run restarts on release, not on every step of the drag).
        const log = await statusLog(page);
        expect(log.some((s) => s.startsWith("2|running"))).toBe(true);
        expect(log.some((s) => s.startsWith("3|"))).toBe(false);
        expect(log.some((s) => /^2\|running\|training… epoch \d+ of \d+/.test(s))).toBe(true);
        // The settings are in the URL, and the chart and the results show the new run.
        expect(new URL(page.url()).searchParams.get("lr")).toBe(lrAfter);
        const after = await figureData(page, p.figure);
        expect(after.length).toBeGreaterThan(0);
        expect(after).not.toBe(before);
        expect(await page.locator("#results").textContent()).not.toBe(resultsBefore);
        await page.screenshot({ path: path.join(OUT, `${p.id}-lr-${lrAfter}.png`), fullPage: true });
        console.log(`${p.id}: first run drawn in ${(firstRunMs / 1000).toFixed(1)} s; lr ${lrBefore} -> ${lrAfter}`);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, 2 * RUN_TIMEOUT_MS + 60_000);
  }

  test("a link restores the settings; bad ones are reported, not thrown", async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(`${server.url}/?exp=optimizers&lr=0.85&optimizers=gd,momentum&bogus=1&momentum=7`);
      await waitForRun(page, 1);
      expect(await page.locator("#opt-lr").inputValue()).toBe("0.85");
      expect(await page.locator("#opt-optimizers-gd").isChecked()).toBe(true);
      expect(await page.locator("#opt-optimizers-adam").isChecked()).toBe(false);
      const problems = await page.locator(".problems").textContent();
      expect(problems).toContain('unknown option "bogus"');
      expect(problems).toContain("momentum");
      // Only the two chosen optimizers ran; lr 0.85 is above GD's stability limit.
      const results = (await page.locator("#results li").allTextContents()).join("\n");
      expect(results).toMatch(/GD[^\n]*lr 0\.85[^\n]*diverged/);
      expect(results).toMatch(/momentum/i);
      expect(results).not.toContain("Adam");
      // The URL is normalised: the bad keys are gone, the good ones kept.
      const query = new URL(page.url()).searchParams;
      expect(query.get("bogus")).toBeNull();
      expect(query.get("momentum")).toBeNull();
      expect(query.get("lr")).toBe("0.85");
      expect(query.get("optimizers")).toBe("gd,momentum");
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, RUN_TIMEOUT_MS);

  test("the nav switches experiments (abandoning the run) and the back button returns", async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(`${server.url}/?exp=optimizers&epochs=50`);
      await waitForRun(page, 1);
      await page.locator('#nav a[data-experiment="dlnn"]').click();
      await expect.poll(() => page.locator("h1").textContent()).toContain("Deep linear networks");
      expect(new URL(page.url()).searchParams.get("exp")).toBe("dlnn");
      await expect.poll(() => page.locator("#status").getAttribute("data-status")).toBe("running");
      await page.goBack();
      await expect.poll(() => page.locator("h1").textContent()).toContain("Optimizers");
      expect(new URL(page.url()).searchParams.get("epochs")).toBe("50");
      expect(await page.locator("#opt-epochs").inputValue()).toBe("50");
      // The abandoned dlnn run never reaches this page: the optimizers run finishes and draws.
      await expect.poll(async () => page.locator("#status").getAttribute("data-status"), { timeout: RUN_TIMEOUT_MS }).toBe("done");
      expect(await page.locator("#figure-surface").count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, RUN_TIMEOUT_MS);
});
