// Building a model's design matrix from columns: numeric columns as they are, categorical
// ones as treatment-coded dummies, an optional intercept, the missing-value rule applied,
// and column names as patsy (formulas) or pandas.get_dummies (column objects) write them.
import { levelName, sortLevels } from "./categorical.js";
import type { Level } from "./categorical.js";
import type { CategoricalColumn, Column } from "./columns.js";
import { isMissing, resolveMissing } from "./missing.js";
import type { MissingPolicy, MissingReport } from "./missing.js";

/** One term of a design: a column used as a number or as categories. */
export interface DesignTerm {
  column: string;
  categorical: boolean;
  reference?: Level;
  /** The prefix of the term's column names. */
  label: string;
}

/**
 * What to build: "formula" style names and orders columns as patsy (Intercept, categorical
 * terms, numeric terms; "C(g)[T.b]"), "columns" style as statsmodels.add_constant with
 * pandas.get_dummies(drop_first=True) (const, numeric columns, dummies; "g_b").
 */
export interface DesignSpec {
  response: string | null;
  terms: DesignTerm[];
  intercept: boolean;
  style: "formula" | "columns";
}

/** A term after fitting: numeric, or categorical with its levels and the dummies kept. */
type EncodedTerm =
  | { kind: "numeric"; column: string; name: string }
  | { kind: "categorical"; column: string; levels: Level[]; dummies: Level[]; names: string[] };

/** A built design matrix (row-major n x p) and everything needed to encode new rows alike. */
export interface Design {
  X: Float64Array;
  n: number;
  p: number;
  names: string[];
  /** The response values (null when the spec has none). */
  y: Float64Array | null;
  yName: string | null;
  /** Whether column 0 is the added intercept. */
  intercept: boolean;
  /** The input rows kept, in order. */
  rows: number[];
  missing: MissingReport;
  encoder: DesignEncoder;
}

/** Encodes rows with the levels, dummies and fill values learnt when the design was built. */
export class DesignEncoder {
  constructor(
    readonly terms: readonly EncodedTerm[],
    readonly intercept: boolean,
    readonly fills: ReadonlyMap<string, Level>,
    readonly names: readonly string[],
    readonly style: "formula" | "columns",
  ) {}

  /** The columns the design reads. */
  get columns(): string[] { return this.terms.map((t) => t.column); }

  /** Builds the design rows for new data; missing values are filled as in training or are an error. */
  encode(columns: ReadonlyMap<string, Column>, op: string): { X: Float64Array; n: number } {
    const used = this.terms.map((t) => lookup(columns, t.column, op));
    const n = commonLength(used, op);
    const p = this.names.length;
    const X = new Float64Array(n * p);
    if (this.intercept) for (let i = 0; i < n; i++) X[i * p] = 1;
    let j = this.intercept ? 1 : 0;
    this.terms.forEach((t, k) => {
      const col = used[k];
      const fill = this.fills.get(t.column);
      const missingError = (i: number): Error => new RangeError(`${op}: column '${t.column}' row ${i} is missing, and the model was fit without an imputation rule for it`);
      if (t.kind === "numeric") {
        const values = asNumeric(col, op).values;
        for (let i = 0; i < n; i++) {
          let v = values[i];
          if (Number.isNaN(v)) {
            if (fill === undefined) throw missingError(i);
            v = fill as number;
          }
          X[i * p + j] = v;
        }
        j += 1;
        return;
      }
      const cats = col.kind === "categorical" ? col.values : Array.from(col.values, (v) => (Number.isNaN(v) ? null : v));
      const slot = new Map(t.dummies.map((d, k2) => [d, k2]));
      for (let i = 0; i < n; i++) {
        let v = cats[i];
        if (v === null) {
          if (fill === undefined) throw missingError(i);
          v = fill;
        }
        if (!t.levels.includes(v)) throw new RangeError(`${op}: column '${t.column}' row ${i} has the level ${JSON.stringify(v)}, which the model did not see when fit (levels: ${t.levels.map((l) => JSON.stringify(l)).join(", ")})`);
        const at = slot.get(v);
        if (at !== undefined) X[i * p + j + at] = 1;
      }
      j += t.dummies.length;
    });
    return { X, n };
  }
}

function lookup(columns: ReadonlyMap<string, Column>, name: string, op: string): Column {
  const c = columns.get(name);
  if (c === undefined) {
    const have = [...columns.keys()];
    throw new RangeError(`${op}: no column named '${name}' in the data (columns: ${have.length > 0 ? have.join(", ") : "none"})`);
  }
  return c;
}

function commonLength(cols: readonly Column[], op: string): number {
  if (cols.length === 0) return 0;
  const n = cols[0].values.length;
  for (const c of cols) {
    if (c.values.length !== n) throw new RangeError(`${op}: columns must have the same length, but '${cols[0].name}' has ${n} rows and '${c.name}' has ${c.values.length}`);
  }
  return n;
}

/** A numeric view of a column: numbers as they are, booleans as 0/1. */
function asNumeric(col: Column, op: string): { values: Float64Array } {
  if (col.kind === "numeric") return col;
  if (col.boolean) return { values: Float64Array.from(col.values, (v) => (v === null ? NaN : v ? 1 : 0)) };
  throw new TypeError(`${op}: column '${col.name}' holds categories (${describeLevels(col)}), not numbers; use it as a predictor through C(${col.name}) or stats.categorical(...)`);
}

function describeLevels(col: CategoricalColumn): string {
  const seen = [...new Set(col.values.filter((v) => v !== null))].slice(0, 3).map((v) => JSON.stringify(v));
  return seen.join(", ") + (seen.length === 3 ? ", ..." : "");
}

/**
 * Builds the design matrix and response for a spec: looks up the columns, applies the
 * missing-value rule, codes categorical terms with treatment (drop-first) dummies, and
 * names every column.
 */
export function buildDesign(columns: ReadonlyMap<string, Column>, spec: DesignSpec, missing: MissingPolicy | undefined, op: string): Design {
  const responseCol = spec.response === null ? null : lookup(columns, spec.response, op);
  const termCols = spec.terms.map((t) => lookup(columns, t.column, op));
  const n = commonLength(responseCol ? [responseCol, ...termCols] : termCols, op);
  let response = responseCol;
  if (responseCol !== null) {
    if (responseCol.kind === "categorical" && !responseCol.boolean) {
      throw new TypeError(`${op}: the response '${responseCol.name}' must be numeric (or boolean), but it holds categories (${describeLevels(responseCol)})`);
    }
    response = { kind: "numeric", name: responseCol.name, values: asNumeric(responseCol, op).values };
  }
  // Booleans are numbers in the column API (pandas) and categories in formulas (patsy).
  const isCat = (t: DesignTerm, c: Column): boolean => t.categorical || (c.kind === "categorical" && (spec.style === "formula" || !c.boolean));
  const predictors = termCols.map((c, k): Column => {
    if (isCat(spec.terms[k], c)) {
      if (c.kind === "categorical") return c;
      return { kind: "categorical", name: c.name, values: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)), boolean: false };
    }
    return c.kind === "numeric" ? c : { kind: "numeric", name: c.name, values: asNumeric(c, op).values };
  });
  const distinct = [...new Map(predictors.map((c) => [c.name, c])).values()];
  const { rows, fills, report } = resolveMissing(response, distinct, n, missing, op);

  // Order the terms: patsy puts categorical-only terms before numeric ones, pandas after.
  const order = spec.terms.map((_, k) => k);
  const catFirst = spec.style === "formula";
  order.sort((a, b) => {
    const ca = predictors[a].kind === "categorical" ? 0 : 1, cb = predictors[b].kind === "categorical" ? 0 : 1;
    return catFirst ? ca - cb || a - b : cb - ca || a - b;
  });
  let fullRankLeft = !spec.intercept;
  const encoded: EncodedTerm[] = [];
  const names: string[] = [];
  if (spec.intercept) names.push(spec.style === "formula" ? "Intercept" : "const");
  for (const k of order) {
    const term = spec.terms[k], col = predictors[k];
    if (col.kind === "numeric") {
      encoded.push({ kind: "numeric", column: col.name, name: term.label });
      names.push(term.label);
      continue;
    }
    const fill = fills.get(col.name);
    const levels = levelsOf(col, rows, fill, op);
    const reference = term.reference ?? col.reference ?? levels[0];
    if (!levels.includes(reference)) {
      throw new RangeError(`${op}: the reference level ${JSON.stringify(reference)} of '${term.label}' is not one of its levels (${levels.map((l) => JSON.stringify(l)).join(", ")})`);
    }
    // Without an intercept the first categorical term keeps every level, as patsy does.
    const full = fullRankLeft;
    fullRankLeft = false;
    const dummies = full ? levels : levels.filter((l) => l !== reference);
    const dnames = dummies.map((l) => (spec.style === "formula"
      ? `${term.label}[${full ? "" : "T."}${levelName(l)}]`
      : `${term.label}_${levelName(l)}`));
    encoded.push({ kind: "categorical", column: col.name, levels, dummies, names: dnames });
    names.push(...dnames);
  }
  const encoder = new DesignEncoder(encoded, spec.intercept, fills, names, spec.style);
  const kept = new Map<string, Column>();
  for (const c of termCols) kept.set(c.name, subsetColumn(c, rows));
  const { X } = encoder.encode(kept, op);
  const p = names.length;
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < p; j++) {
      if (!Number.isFinite(X[i * p + j])) throw new RangeError(`${op}: column '${names[j]}' has the infinite value ${X[i * p + j]} in row ${rows[i]}; remove or replace infinite values`);
    }
  }
  let y: Float64Array | null = null;
  if (response !== null) {
    const yv = response.kind === "numeric" ? response.values : new Float64Array(0);
    y = Float64Array.from(rows, (r) => yv[r]);
    const bad = y.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`${op}: the response '${response.name}' has the infinite value ${y[bad]} in row ${rows[bad]}; remove or replace infinite values`);
  }
  return { X, n: rows.length, p, names, y, yName: spec.response, intercept: spec.intercept, rows, missing: report, encoder };
}

function subsetColumn(c: Column, rows: readonly number[]): Column {
  if (c.kind === "numeric") return { ...c, values: Float64Array.from(rows, (r) => c.values[r]) };
  return { ...c, values: rows.map((r) => c.values[r]) };
}

/** The levels of a categorical column: as given, or the sorted distinct values of the kept rows. */
function levelsOf(col: CategoricalColumn, rows: readonly number[], fill: Level | undefined, op: string): Level[] {
  const present: Level[] = [];
  const seen = new Set<Level>();
  for (const r of rows) {
    const v = isMissing(col, r) ? fill : col.values[r];
    if (v === undefined || v === null || seen.has(v)) continue;
    seen.add(v);
    present.push(v);
  }
  if (col.levels !== undefined) {
    for (const v of present) {
      if (!col.levels.includes(v)) throw new RangeError(`${op}: column '${col.name}' has the value ${JSON.stringify(v)}, which is not among its levels (${col.levels.map((l) => JSON.stringify(l)).join(", ")})`);
    }
    return col.levels.slice();
  }
  if (present.length === 0) throw new RangeError(`${op}: the categorical column '${col.name}' has no values`);
  return sortLevels(present);
}
