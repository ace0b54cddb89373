// Loading the stats fixtures written by tools/oracle/gen_stats.py (numpy, scipy and
// statsmodels on scikit-learn's datasets), and comparing numbers with a tolerance.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "stats");

/** A number as stored in a fixture: NaN and the infinities are strings. */
export type FxNum = number | "nan" | "inf" | "-inf";

/** Reads one fixture file. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(DIR, name), "utf8")) as T;
}

/** Decodes a fixture number. */
export function dec(v: FxNum): number {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  return v;
}

/**
 * The largest error of got against want, relative to |want| (absolute below `floor`);
 * NaN and infinities must match exactly.
 */
export function maxRelErr(got: ArrayLike<number>, want: ArrayLike<FxNum>, floor = 0): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const g = got[i], w = dec(want[i]);
    if (Number.isNaN(w) || !Number.isFinite(w)) { if (!Object.is(g, w)) return Infinity; continue; }
    if (!Number.isFinite(g)) return Infinity;
    worst = Math.max(worst, Math.abs(g - w) / Math.max(Math.abs(w), floor));
  }
  return worst;
}

/** Where the largest error is, for test messages. */
export function worstAt(got: ArrayLike<number>, want: ArrayLike<FxNum>, floor = 0): string {
  let worst = -1, at = -1;
  for (let i = 0; i < Math.min(got.length, want.length); i++) {
    const w = dec(want[i]);
    const e = Number.isFinite(w) ? Math.abs(got[i] - w) / Math.max(Math.abs(w), floor) : (Object.is(got[i], w) ? 0 : Infinity);
    if (!(e <= worst)) { worst = e; at = i; }
  }
  return at < 0 ? "no values" : `index ${at}: got ${got[at]}, want ${want[at]} (error ${worst})`;
}
