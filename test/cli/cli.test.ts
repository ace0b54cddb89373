// The gradlab command: a short run writes records, report and every figure; mistakes on the
// command line end in exactly one line on stderr and exit code 2, never a stack trace. Most
// cases call main() in-process; two spawn the real executable to prove the wiring.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { experimentIds, experiments } from "../../src/lab/registry.js";
import { EXIT_OK, EXIT_USAGE, listText, main, type CliExperiment } from "../../src/cli/main.js";
import { figuresFor } from "../../src/viz/figures.js";

const ctx = { experiments: experimentIds.map((id) => experiments[id] as unknown as CliExperiment), version: "0.0.0-test" };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gradlab-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI in-process and captures what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await main(argv, { stdout: { write: (s: string) => { out += s; } }, stderr: { write: (s: string) => { err += s; } }, cwd: tmp }, ctx);
  return { code, out, err };
}

const SMALL_DLNN = ["--n-features", "300", "--lr", "17", "--gamma", "1e-4", "--epochs", "80"];

describe("gradlab run", () => {
  it("writes records.json, report.html and every figure as SVG and PNG", async () => {
    const res = await cli("run", "dlnn", ...SMALL_DLNN, "--out", "dlnn-small");
    expect(res.err).not.toMatch(/\bat .*\.ts:\d+/);
    expect(res.code).toBe(EXIT_OK);
    const dir = path.join(tmp, "dlnn-small");
    const records = JSON.parse(fs.readFileSync(path.join(dir, "records.json"), "utf8"));
    expect(records.experiment).toBe("dlnn");
    expect(records.config).toMatchObject({ nFeatures: 300, lr: 17, gamma: 1e-4, epochs: 80 });
    expect(records.epochs).toHaveLength(81);
    for (const f of figuresFor(records)) {
      expect(fs.readFileSync(path.join(dir, `${f.name}.svg`), "utf8").startsWith("<svg")).toBe(true);
      expect([...fs.readFileSync(path.join(dir, `${f.name}.png`)).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    }
    const html = fs.readFileSync(path.join(dir, "report.html"), "utf8");
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toMatch(/<script|src="http/);
    // The reproducing command lists the options in the schema's order.
    expect(html).toContain("gradlab run dlnn --n-features 300 --gamma 0.0001 --lr 17 --epochs 80 --out dlnn-small");
    expect(res.out).toContain(`Report: ${path.join(dir, "report.html")}`);
    // Progress went to stderr as a few plain lines (the capture is not a TTY).
    const progress = res.err.split("\n").filter((l) => l.startsWith("dlnn: epoch"));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(5);
    expect(res.err).not.toContain("\r");
  });

  it("applies a preset, with explicit options on top of it", async () => {
    const res = await cli("run", "optimizers", "--preset", "lr-above-limit", "--epochs", "15", "--grid-size", "9", "--quiet", "--no-png", "--out", "opt-above");
    expect(res.code).toBe(EXIT_OK);
    expect(res.err).toBe("");
    const dir = path.join(tmp, "opt-above");
    const records = JSON.parse(fs.readFileSync(path.join(dir, "records.json"), "utf8"));
    expect(records.config).toMatchObject({ lr: 0.85, epochs: 15, gridSize: 9 });
    expect(records.summary.lrStable).toBe(false);
    expect(fs.existsSync(path.join(dir, "surface.svg"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "surface.png"))).toBe(false);
    expect(fs.readFileSync(path.join(dir, "report.html"), "utf8")).toContain("preset <code>lr-above-limit</code>");
  });

  it("runs every preset into its own folder with --preset all, and an index report", async () => {
    const res = await cli("run", "optimizers", "--preset", "all", "--epochs", "8", "--grid-size", "7", "--n-samples", "16", "--quiet", "--no-png", "--out", "opt-all");
    expect(res.code).toBe(EXIT_OK);
    const dir = path.join(tmp, "opt-all");
    const presets = experiments.optimizers.presets.map((p) => p.name);
    for (const name of presets) {
      const records = JSON.parse(fs.readFileSync(path.join(dir, name, "records.json"), "utf8"));
      expect(records.config.epochs).toBe(8);
      expect(fs.existsSync(path.join(dir, name, "report.html"))).toBe(true);
    }
    const index = fs.readFileSync(path.join(dir, "report.html"), "utf8");
    expect(index.match(/<svg /g)).toHaveLength(presets.length);
    for (const name of presets) expect(index).toContain(`href="${name}/report.html"`);
    expect(index).toContain(`href="lr-good/surface.svg"`);
  });
});

describe("mistakes and failures: one line on stderr, no stack trace (usage mistakes exit 2)", () => {
  const cases: [string, string[], RegExp][] = [
    ["a negative learning rate", ["run", "dlnn", "--lr", "-1"], /^gradlab run dlnn: --lr must be in \[0, 1000\], got '-1'$/],
    ["epochs that are not a number", ["run", "dlnn", "--epochs", "abc"], /^gradlab run dlnn: --epochs must be an integer in \[1, 10000\], got 'abc'$/],
    ["a fractional epoch count", ["run", "illusory", "--epochs", "2.5"], /--epochs must be an integer/],
    ["an unknown experiment", ["run", "mnist"], /^gradlab run: unknown experiment 'mnist' \(experiments: dlnn, illusory, linreg, optimizers\)$/],
    ["an unknown option", ["run", "dlnn", "--learning-rate", "3"], /^gradlab: unknown option '--learning-rate'/],
    ["a missing value", ["run", "dlnn", "--lr"], /^gradlab: option '--lr <number>' argument missing$/],
    ["a bad choice", ["run", "dlnn", "--dtype", "float16"], /^gradlab run dlnn: --dtype must be one of float32, float64, got 'float16'$/],
    ["a bad vector", ["run", "optimizers", "--start", "1,x"], /^gradlab run optimizers: --start must be a number .*got 'x' at position 2 of '1,x'$/],
    ["a wrong vector length", ["run", "optimizers", "--start", "1,2,3"], /--start must be 2 comma-separated numbers, got '1,2,3'/],
    ["an unknown optimizer", ["run", "optimizers", "--optimizers", "gd,lbfgs"], /--optimizers must be a comma-separated list of gd, sgd, .*got 'lbfgs' in 'gd,lbfgs'/],
    ["an unknown preset", ["run", "dlnn", "--preset", "fast"], /^gradlab: option '--preset <name>' argument 'fast' is invalid\. Allowed choices are tutorial, large-init, slow, narrow, all\.$/],
    ["options the experiment rejects together", ["run", "optimizers", "--batch-size", "50", "--n-samples", "20"], /^gradlab run optimizers: optimizers: option "batchSize" \(50\) must not exceed "nSamples" \(20\)$/],
    ["an unknown command", ["train"], /^gradlab: unknown command 'train'/],
  ];
  it.each(cases)("%s", async (_, argv, message) => {
    const res = await cli(...argv);
    expect(res.code).toBe(EXIT_USAGE);
    expect(res.out).toBe("");
    const lines = res.err.split("\n").filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it("fails with one line and exit code 1 when the output folder cannot be made", async () => {
    fs.writeFileSync(path.join(tmp, "a-file"), "not a folder");
    const res = await cli("run", "optimizers", "--epochs", "3", "--grid-size", "5", "--quiet", "--out", "a-file/out");
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/^gradlab: cannot create the output directory .*a-file\/out: .*\n$/);
    expect(res.err.trim().split("\n")).toHaveLength(1);
  });

  it("lab: a bad port is a usage error; a missing build says how to build it", async () => {
    const bad = await cli("lab", "--port", "abc");
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.err.trim()).toBe("gradlab lab: --port must be an integer in [0, 65535], got 'abc'");
    let res = { code: 0, out: "", err: "" };
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "gradlab-noweb-"));
    let err = "";
    res.code = await main(["lab"], { stdout: { write: () => {} }, stderr: { write: (s: string) => { err += s; } }, cwd: tmp }, { ...ctx, webRoot: empty });
    res = { ...res, err };
    expect(res.code).toBe(EXIT_USAGE);
    expect(res.err).toMatch(/^gradlab lab: the web lab is not built \(.*index.html is missing\): run `npm run build:web` first\n$/);
  });

  it("lab: serves the built web lab on 127.0.0.1", async () => {
    const web = fs.mkdtempSync(path.join(os.tmpdir(), "gradlab-web-"));
    fs.writeFileSync(path.join(web, "index.html"), "<!doctype html><title>lab</title>");
    fs.writeFileSync(path.join(web, "app.js"), "export {};");
    let out = "";
    let server: { url: string; close(): Promise<void> } | null = null;
    const code = await main(["lab", "--port", "0"], { stdout: { write: (s: string) => { out += s; } }, stderr: { write: () => {} }, cwd: tmp }, { ...ctx, webRoot: web, onServing: (s) => { server = s; } });
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/^gradlab lab: serving the web lab at http:\/\/127\.0\.0\.1:\d+\/\?exp=dlnn/);
    const s = server as unknown as { url: string; close(): Promise<void> };
    try {
      const page = await fetch(`${s.url}/?exp=dlnn`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>lab</title>");
      const js = await fetch(`${s.url}/app.js`);
      expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect((await fetch(`${s.url}/../../etc/passwd`)).status).not.toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe("gradlab list and help", () => {
  it("names every experiment with its options, defaults and presets", async () => {
    const res = await cli("list");
    expect(res.code).toBe(EXIT_OK);
    expect(res.out).toBe(listText(ctx.experiments));
    for (const id of experimentIds) expect(res.out).toContain(`${id}: ${experiments[id].title}`);
    expect(res.out).toContain("--lr <number>  (default 100; in [0, 1000])");
    expect(res.out).toContain("--record-rsm / --no-record-rsm  (default true)");
    expect(res.out).toContain("lr-above-limit: ");
  });

  it("prints the help of an experiment and the version with exit code 0", async () => {
    const help = await cli("run", "linreg", "--help");
    expect(help.code).toBe(EXIT_OK);
    expect(help.out).toContain("--shallow-lr <number>");
    const version = await cli("--version");
    expect(version.out.trim()).toBe("0.0.0-test");
  });
});

describe("the gradlab executable", () => {
  const root = path.resolve(__dirname, "../..");
  // From the repository root so `--import tsx` finds the dev dependency; outputs go to absolute paths.
  const spawn = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/gradlab.ts", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });

  it("runs an experiment end to end", () => {
    const res = spawn("run", "illusory", ...SMALL_DLNN, "--out", path.join(tmp, "ill-spawned"));
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.status).toBe(0);
    const dir = path.join(tmp, "ill-spawned");
    expect(fs.readdirSync(dir).sort()).toEqual(["illusory.png", "illusory.svg", "records.json", "report.html"]);
    expect(res.stdout).toMatch(/peaked at/);
  });

  it("exits 2 with one line and no stack trace on a bad option", () => {
    const res = spawn("run", "dlnn", "--epochs", "abc");
    expect(res.status).toBe(2);
    expect(res.stdout).toBe("");
    // Without the native addon the package prints its one fallback notice first (on any command).
    const stderr = res.stderr.replace(/^gradlab: native backend unavailable \(.*\); running on the js backend\..*\n/, "");
    expect(stderr).toBe("gradlab run dlnn: --epochs must be an integer in [1, 10000], got 'abc'\n");
  });
});
