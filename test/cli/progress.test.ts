// The run progress display: a bar redrawn in place on a terminal, a few plain lines elsewhere.
import { describe, expect, it } from "vitest";
import { RunProgress, formatSeconds } from "../../src/cli/progress.js";
import { flagName, parseOptionText } from "../../src/cli/options.js";
import type { OptionSpec } from "../../src/lab/types.js";

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns: 100, write: (s: string) => { chunks.push(s); } };
}

describe("RunProgress", () => {
  it("prints one plain line per quarter when the output is not a terminal", () => {
    const s = sink(false);
    let t = 0;
    const p = new RunProgress("dlnn", s, { now: () => t });
    for (let e = 0; e <= 250; e++) { t = e * 10; p.update(e, 250); }
    p.done();
    expect(s.chunks).toEqual([
      "dlnn: epoch 0/250 (0%) 0.0s\n",
      "dlnn: epoch 63/250 (25%) 0.6s\n",
      "dlnn: epoch 125/250 (50%) 1.3s\n",
      "dlnn: epoch 188/250 (75%) 1.9s\n",
      "dlnn: epoch 250/250 (100%) 2.5s\n",
    ]);
    expect(s.chunks.join("")).not.toMatch(/[\r\x1b]/);
  });

  it("redraws one bar in place on a terminal, at most every minIntervalMs, and ends with a newline", () => {
    const s = sink(true);
    let t = 0;
    const p = new RunProgress("optimizers", s, { now: () => t, minIntervalMs: 100 });
    for (let e = 1; e <= 100; e++) { t = e * 20; p.update(e, 100); }
    p.done();
    // 2000 ms of updates at one draw per 100 ms, plus the final epoch and done().
    expect(s.chunks.length).toBeGreaterThanOrEqual(19);
    expect(s.chunks.length).toBeLessThanOrEqual(23);
    for (const c of s.chunks) expect(c.startsWith("\r")).toBe(true);
    const last = s.chunks[s.chunks.length - 1]!;
    expect(last).toMatch(/^\roptimizers \[#{10,}\] epoch 100\/100 100%  2\.0s  left 0\.0s\x1b\[K\n$/);
    expect(s.chunks[0]).toMatch(/\[#?\.+\] epoch 1\/100/);
  });

  it("formats durations", () => {
    expect(formatSeconds(4.21)).toBe("4.2s");
    expect(formatSeconds(187)).toBe("3m07s");
    expect(formatSeconds(NaN)).toBe("?");
  });
});

describe("option flags", () => {
  it("turns option names into kebab-case flags", () => {
    expect(flagName("rootFlipProbability")).toBe("root-flip-probability");
    expect(flagName("lr")).toBe("lr");
  });

  it("parses values by type and checks the schema's bounds", () => {
    const lr: OptionSpec = { name: "lr", type: "number", default: 1, min: 0, max: 10, description: "" };
    expect(parseOptionText(lr, "1e-3")).toBe(0.001);
    expect(() => parseOptionText(lr, "")).toThrow("must be a number in [0, 10], got ''");
    expect(() => parseOptionText(lr, "11")).toThrow("must be in [0, 10], got '11'");
    const flag: OptionSpec = { name: "recordRsm", type: "boolean", default: true, description: "" };
    expect(parseOptionText(flag, "no")).toBe(false);
    const list: OptionSpec = { name: "optimizers", type: "choiceArray", default: ["gd"], choices: ["gd", "adam"], description: "" };
    expect(parseOptionText(list, "adam, gd")).toEqual(["adam", "gd"]);
    expect(() => parseOptionText(list, "gd,gd")).toThrow("lists 'gd' twice in 'gd,gd'");
  });
});
