// The scripts in examples/ run to the end and reach their stated results (each runs in
// its own Node process, as `npx tsx examples/<name>.ts` would; about 13 s of CPU in all).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function runExample(name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", `examples/${name}.ts`], { cwd: root, maxBuffer: 1 << 20, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${name} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The last line of a script's output, with its printed numbers. */
function lastLine(out: string): string {
  const lines = out.trim().split("\n");
  return lines[lines.length - 1];
}

describe("examples", () => {
  it("linear-regression recovers w = 5 and b = 2", async () => {
    const out = await runExample("linear-regression");
    const m = lastLine(out).match(/^recovered w = (-?\d+\.\d+), b = (-?\d+\.\d+)/);
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m![1]) - 5)).toBeLessThan(0.1);
    expect(Math.abs(Number(m![2]) - 2)).toBeLessThan(0.1);
    expect(out).toMatch(/^epoch {2}1 {2}mse \d+\.\d{4}$/m);
  });

  for (const name of ["digits-mlp", "digits-cnn"]) {
    it(`${name} reaches at least 96% test accuracy, printing one line per epoch when not on a terminal`, async () => {
      const out = await runExample(name);
      const m = lastLine(out).match(/^test accuracy (\d+\.\d)% \((\d+)\/360\)$/);
      expect(m).not.toBeNull();
      expect(Number(m![2]) / 360).toBeGreaterThanOrEqual(0.96);
      expect(Math.abs(Number(m![1]) - (100 * Number(m![2])) / 360)).toBeLessThan(0.051);
      expect(out).toMatch(/^epoch 1\/\d+ {2}loss \d\.\d{4} {2}accuracy \d\.\d{4} {2}val loss \d\.\d{4} {2}val accuracy \d\.\d{4}/m);
      expect(out).not.toMatch(/[\r\x1b]/);
    });
  }
});
