// Missing values in model data: refuse them (the default), drop the rows that hold them
// (listwise deletion), or fill predictors with a stated rule; the report says what was done.
import { accurateSum, listPositions } from "../input.js";
import { sortLevels } from "./categorical.js";
import type { Level } from "./categorical.js";
import type { Column } from "./columns.js";

/** How to fill a predictor's missing values: its mean, median, most frequent value, or a constant. */
export type ImputeRule = "mean" | "median" | "mode" | { constant: Level };

/**
 * The missing-value rule of a model: "raise" (default) throws an error naming the columns
 * and rows; "drop" drops every row with a missing value in a column the model uses (as
 * statsmodels' missing="drop" and patsy do); { impute } fills predictors by one rule for
 * all, or one per column, computed from that column's observed values. Rows missing the
 * response are always dropped when imputing (a response is never made up).
 */
export type MissingPolicy = "raise" | "drop" | { impute: ImputeRule | Readonly<Record<string, ImputeRule>> };

/** One imputed column: the rule, the value it filled in, and how many values. */
export interface ImputedColumn {
  column: string;
  rule: "mean" | "median" | "mode" | "constant";
  value: Level;
  count: number;
}

/**
 * What the missing-value rule did: the rows dropped and the values filled in, printable.
 * @example String(stats.ols(frame, "y ~ x", { missing: "drop" }).missing) // "3 of 200 rows dropped (missing values)"
 */
export class MissingReport {
  constructor(
    /** "raise" when there was nothing to do, else the rule applied. */
    readonly policy: "raise" | "drop" | "impute",
    /** Rows of the input left out (0-based). */
    readonly droppedRows: readonly number[],
    /** Columns whose missing values were filled. */
    readonly imputed: readonly ImputedColumn[],
    /** The number of rows of the input. */
    readonly inputRows: number,
  ) {}

  /** One line per action, e.g. "3 of 200 rows dropped (missing values)". */
  toString(): string {
    const lines: string[] = [];
    if (this.droppedRows.length > 0) {
      const why = this.policy === "impute" ? "missing response" : "missing values";
      lines.push(`${this.droppedRows.length} of ${this.inputRows} rows dropped (${why})`);
    }
    for (const c of this.imputed) {
      const v = typeof c.value === "number" ? fmt(c.value) : JSON.stringify(c.value);
      lines.push(`${c.column}: ${c.count} missing value${c.count > 1 ? "s" : ""} filled with the ${c.rule === "constant" ? "constant" : c.rule} ${v}`);
    }
    return lines.length > 0 ? lines.join("\n") : "no missing values";
  }
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** Whether row i of a column is missing. */
export function isMissing(col: Column, i: number): boolean {
  return col.kind === "numeric" ? Number.isNaN(col.values[i]) : col.values[i] === null;
}

function missingRows(col: Column, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (isMissing(col, i)) out.push(i);
  return out;
}

/** The outcome of a missing-value rule: the rows kept, the fill value of each imputed column. */
export interface MissingResolution {
  rows: number[];
  fills: Map<string, Level>;
  report: MissingReport;
}

const RULES = ["mean", "median", "mode"];

/** Applies a missing-value rule to the response (if any) and the predictor columns. */
export function resolveMissing(response: Column | null, predictors: readonly Column[], n: number, policy: MissingPolicy | undefined, op: string): MissingResolution {
  const p = policy ?? "raise";
  const used = response ? [response, ...predictors] : [...predictors];
  const gaps = used.map((c) => ({ col: c, rows: missingRows(c, n) })).filter((g) => g.rows.length > 0);
  const all = Array.from({ length: n }, (_, i) => i);
  if (gaps.length === 0) return { rows: all, fills: new Map(), report: new MissingReport("raise", [], [], n) };
  if (p === "raise") {
    const where = gaps.map((g) => `'${g.col.name}' (${g.rows.length} row${g.rows.length > 1 ? "s" : ""}: ${listPositions(g.rows)})`).join(", ");
    throw new RangeError(`${op}: missing values (NaN or null) in ${where}; choose a rule: missing: "drop" drops those rows, missing: { impute: "mean" | "median" | "mode" | { constant: value } } fills the predictors`);
  }
  if (p === "drop") {
    const bad = new Set<number>();
    for (const g of gaps) for (const r of g.rows) bad.add(r);
    const dropped = all.filter((i) => bad.has(i));
    const rows = all.filter((i) => !bad.has(i));
    if (rows.length === 0) throw new RangeError(`${op}: every row has a missing value, so missing: "drop" leaves no data`);
    return { rows, fills: new Map(), report: new MissingReport("drop", dropped, [], n) };
  }
  if (typeof p !== "object" || p === null || !("impute" in p)) {
    throw new RangeError(`${op}: missing must be "raise", "drop" or { impute: rule }, got ${JSON.stringify(p)}`);
  }
  const fills = new Map<string, Level>();
  const imputed: ImputedColumn[] = [];
  for (const g of gaps) {
    if (g.col === response) continue;
    const rule = ruleFor(p.impute, g.col.name, op);
    const value = fillValue(g.col, rule, n, op);
    fills.set(g.col.name, value);
    imputed.push({ column: g.col.name, rule: typeof rule === "string" ? rule : "constant", value, count: g.rows.length });
  }
  const dropped = response ? missingRows(response, n) : [];
  const drop = new Set(dropped);
  const rows = all.filter((i) => !drop.has(i));
  if (rows.length === 0) throw new RangeError(`${op}: the response '${response!.name}' is missing in every row`);
  return { rows, fills, report: new MissingReport("impute", dropped, imputed, n) };
}

function ruleFor(impute: ImputeRule | Readonly<Record<string, ImputeRule>>, column: string, op: string): ImputeRule {
  if (typeof impute === "string" || (typeof impute === "object" && impute !== null && "constant" in impute)) return checkRule(impute as ImputeRule, column, op);
  if (typeof impute !== "object" || impute === null) throw new TypeError(`${op}: missing.impute must be a rule or an object of rules per column, got ${JSON.stringify(impute)}`);
  const rule = (impute as Record<string, ImputeRule>)[column];
  if (rule === undefined) {
    throw new RangeError(`${op}: column '${column}' has missing values but missing.impute gives no rule for it (rules given for: ${Object.keys(impute).join(", ") || "none"})`);
  }
  return checkRule(rule, column, op);
}

function checkRule(rule: ImputeRule, column: string, op: string): ImputeRule {
  if (typeof rule === "string" && RULES.includes(rule)) return rule;
  if (typeof rule === "object" && rule !== null && "constant" in rule) return rule;
  throw new RangeError(`${op}: unknown impute rule ${JSON.stringify(rule)} for column '${column}'; use "mean", "median", "mode" or { constant: value }`);
}

/** The value a rule fills in, from the column's observed values. */
function fillValue(col: Column, rule: ImputeRule, n: number, op: string): Level {
  if (typeof rule === "object") {
    const v = rule.constant;
    if (col.kind === "numeric" && (typeof v !== "number" || !Number.isFinite(v))) {
      throw new TypeError(`${op}: the numeric column '${col.name}' needs a finite number as its constant fill value, got ${JSON.stringify(v)}`);
    }
    return v;
  }
  const observed: Level[] = [];
  for (let i = 0; i < n; i++) if (!isMissing(col, i)) observed.push(col.kind === "numeric" ? col.values[i] : col.values[i]!);
  if (observed.length === 0) throw new RangeError(`${op}: column '${col.name}' has no observed values to compute its ${rule} from`);
  if (rule === "mode") return mode(observed);
  if (col.kind !== "numeric") {
    throw new TypeError(`${op}: cannot fill the categorical column '${col.name}' with its ${rule}; use "mode" or { constant: value } for it, e.g. missing: { impute: { ${col.name}: "mode" } }`);
  }
  const nums = Float64Array.from(observed as number[]);
  if (rule === "mean") return accurateSum(nums) / nums.length;
  nums.sort();
  const h = (nums.length - 1) / 2, lo = Math.floor(h);
  return lo === h ? nums[lo] : 0.5 * (nums[lo] + nums[lo + 1]);
}

/** The most frequent value; ties go to the smallest (as pandas' mode()[0]). */
function mode(values: Level[]): Level {
  const counts = new Map<Level, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const best = Math.max(...counts.values());
  return sortLevels([...counts.keys()].filter((k) => counts.get(k) === best))[0];
}
