// The text tables of statsmodels' summaries (its SimpleTable with the fmt_2cols and
// fmt_params layouts): a two-column header block, the coefficient table, and notes.
import { center, pyFormat } from "./py_format.js";

/** A label and its formatted value in a header block. */
export type HeaderRow = readonly [label: string, value: string];

/**
 * The two-column block: left labels padded to 18 and values right-aligned in 18; right
 * labels "  label" padded to 21 and values in 18; all separated by one space. Returns the
 * lines (title, rule, rows) and the width; the closing rule is left to the caller.
 */
export function twoColumnBlock(title: string, left: readonly HeaderRow[], right: readonly HeaderRow[]): { lines: string[]; width: number } {
  const rows = Math.max(left.length, right.length);
  const pad = (list: readonly HeaderRow[]): HeaderRow[] => [...list, ...Array.from({ length: rows - list.length }, (): HeaderRow => [" ", " "])];
  const L = pad(left), R = pad(right).map(([k, v]): HeaderRow => [pyFormat("%-21s", "  " + k), v]);
  const cells = L.map(([k, v], i) => [k, pyFormat("%18s", v), R[i][0], pyFormat("%18s", R[i][1])]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(c === 2 ? 21 : 18, ...cells.map((r) => r[c].length)));
  const text = cells.map((r) => [r[0].padEnd(widths[0]), r[1].padStart(widths[1]), r[2].padEnd(widths[2]), r[3].padStart(widths[3])].join(" "));
  const width = text[text.length - 1].length;
  const lines = title ? [center(title, width), "=".repeat(width), ...text] : ["=".repeat(width), ...text];
  return { lines, width };
}

/** One coefficient row: its name and the six statistics. */
export interface ParamRow {
  name: string;
  coef: number;
  stdErr: number;
  stat: number;
  p: number;
  lower: number;
  upper: number;
}

/** statsmodels' forg: %9.3f (or %10.4f at prec 4), switching to g outside [1e-4, 1e4). */
export function forg(x: number, prec: 3 | 4 = 3): string {
  const ax = Math.abs(x);
  const useG = ax >= 1e4 || ax < 1e-4;
  if (prec === 3) return pyFormat(useG ? "%9.3g" : "%9.3f", x);
  return pyFormat(useG ? "%10.4g" : "%10.4f", x);
}

/**
 * The coefficient table: a header (coef, std err, t or z, P>|t|, the interval bounds), a
 * dashed rule under it, and one row per coefficient; columns at least 10 wide.
 */
export function paramsBlock(rows: readonly ParamRow[], statName: "t" | "z", alpha: number): { lines: string[]; width: number } {
  const lo = `[${pyRepr(alpha / 2)}`, hi = `${pyRepr(1 - alpha / 2)}]`;
  const header = ["", "coef", "std err", statName, `P>|${statName}|`, lo, hi];
  const body = rows.map((r) => [
    r.name, forg(r.coef, 4), forg(r.stdErr), pyFormat("%8s", forg(r.stat)), pyFormat("%#6.3f", r.p),
    pyFormat("%11s", forg(r.lower)), pyFormat("%11s", forg(r.upper)),
  ]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(10, ...all.map((r) => r[c].length)));
  const fmt = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(" ");
  const head = fmt(header);
  const text = body.map(fmt);
  const width = (text.length > 0 ? text[text.length - 1] : head).length;
  return { lines: ["=".repeat(width), head, "-".repeat(head.length), ...text], width };
}

/** Python's repr of a float for the interval labels (0.025, 0.975, 0.05, 0.95). */
function pyRepr(v: number): string {
  const s = String(v);
  return s.includes(".") || s.includes("e") ? s : s + ".0";
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (v: number): string => String(v).padStart(2, "0");

/** Python's strftime("%a, %d %b %Y") and ("%H:%M:%S") in local time. */
export function summaryDate(d: Date): [string, string] {
  return [
    `${DAYS[d.getDay()]}, ${two(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`,
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`,
  ];
}

/** statsmodels' d_or_f: "%#6d" for whole numbers, "%#8.2f" otherwise. */
export function dOrF(x: number): string {
  if (Number.isNaN(x)) return "   NaN";
  return Math.floor(x) === x ? pyFormat("%#6d", x) : pyFormat("%#8.2f", x);
}
