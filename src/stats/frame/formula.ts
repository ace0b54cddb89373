// A small Wilkinson formula parser, after patsy: "y ~ x1 + C(group) - 1" gives the
// response, the main-effect terms (numeric or categorical) and whether there is an intercept.
import type { Level } from "./categorical.js";

/** One main-effect term of a formula. */
export interface FormulaTerm {
  /** The data column it reads. */
  column: string;
  /** Forced categorical by C(...); string and boolean columns are categorical anyway. */
  categorical: boolean;
  /** The reference level from C(column, Treatment(reference)). */
  reference?: Level;
  /** The term as patsy prints it in column names: "x1", "C(group)", "C(g, Treatment('b'))". */
  label: string;
}

/** A parsed formula. */
export interface Formula {
  response: string | null;
  terms: FormulaTerm[];
  intercept: boolean;
}

const IDENT = /^[A-Za-z_.][A-Za-z0-9_.]*$/;
const C_TERM = /^C\(([A-Za-z_.][A-Za-z0-9_.]*)(?:,(Treatment\((?:reference=)?(.+)\)))?\)$/;

/** Removes whitespace outside quotes; with commaSpace, one space after each comma, as patsy prints code. */
function normalise(code: string, commaSpace: boolean): string {
  let out = "", quote: string | null = null;
  for (const ch of code) {
    if (quote !== null) { out += ch; if (ch === quote) quote = null; continue; }
    if (ch === "'" || ch === '"') { quote = ch; out += ch; continue; }
    if (/\s/.test(ch)) continue;
    out += ch === "," && commaSpace ? ", " : ch;
  }
  return out;
}

function parseLiteral(text: string, formula: string): Level {
  const t = text.trim();
  const q = /^(['"])(.*)\1$/.exec(t);
  if (q) return q[2];
  if (t === "True") return true;
  if (t === "False") return false;
  const n = Number(t);
  if (t !== "" && Number.isFinite(n)) return n;
  throw new SyntaxError(`formula: cannot read the reference level ${t} in ${JSON.stringify(formula)}; write a quoted string, a number, True or False`);
}

/** Splits at top-level + and - signs, keeping each piece's sign. */
function splitTerms(rhs: string, formula: string): { sign: 1 | -1; text: string }[] {
  const out: { sign: 1 | -1; text: string }[] = [];
  let depth = 0, quote: string | null = null, sign: 1 | -1 = 1, cur = "";
  const flush = (): void => {
    const text = cur.trim();
    if (text !== "") out.push({ sign, text });
    else if (out.length > 0 || sign === -1) throw new SyntaxError(`formula: an empty term in ${JSON.stringify(formula)} (two signs in a row, or a sign at the end)`);
    cur = "";
  };
  for (const ch of rhs) {
    if (quote !== null) { cur += ch; if (ch === quote) quote = null; continue; }
    if (ch === "'" || ch === '"') { quote = ch; cur += ch; continue; }
    if (ch === "(") depth++;
    if (ch === ")") { depth--; if (depth < 0) throw new SyntaxError(`formula: unbalanced ')' in ${JSON.stringify(formula)}`); }
    if (depth === 0 && (ch === "+" || ch === "-")) {
      if (cur.trim() === "" && out.length === 0) { sign = ch === "-" ? -1 : 1; continue; }
      flush();
      sign = ch === "-" ? -1 : 1;
      continue;
    }
    cur += ch;
  }
  if (depth !== 0) throw new SyntaxError(`formula: unbalanced '(' in ${JSON.stringify(formula)}`);
  if (cur.trim() === "") throw new SyntaxError(`formula: ${JSON.stringify(formula)} ends with a sign or has no terms after '~'`);
  flush();
  return out;
}

/**
 * Parses "response ~ terms" (or "~ terms" without a response). Terms: column names,
 * C(column) for a categorical, C(column, Treatment(reference)) to pick the left-out level,
 * 1 / 0 / -1 to keep or drop the intercept, and "- term" to remove one.
 */
export function parseFormula(formula: string): Formula {
  if (typeof formula !== "string") throw new TypeError(`formula: expected a string like "y ~ x1 + C(group)", got ${typeof formula}`);
  const parts = formula.split("~");
  if (parts.length !== 2) throw new SyntaxError(`formula: expected exactly one '~' in ${JSON.stringify(formula)}, as in "y ~ x1 + C(group)"`);
  const lhs = parts[0].trim();
  if (lhs !== "" && !IDENT.test(lhs)) throw new SyntaxError(`formula: the response ${JSON.stringify(lhs)} must be a column name`);
  let intercept = true;
  const terms: FormulaTerm[] = [];
  for (const { sign, text } of splitTerms(parts[1], formula)) {
    if (text === "1" || text === "0") {
      intercept = (text === "1") === (sign === 1);
      continue;
    }
    const term = parseTerm(text, formula);
    const at = terms.findIndex((t) => t.label === term.label);
    if (sign === -1) { if (at >= 0) terms.splice(at, 1); continue; }
    if (at < 0) terms.push(term);
  }
  return { response: lhs === "" ? null : lhs, terms, intercept };
}

function parseTerm(text: string, formula: string): FormulaTerm {
  if (IDENT.test(text)) return { column: text, categorical: false, label: text };
  const m = C_TERM.exec(normalise(text, false));
  if (m) {
    const term: FormulaTerm = { column: m[1], categorical: true, label: normalise(text, true) };
    if (m[3] !== undefined) term.reference = parseLiteral(m[3], formula);
    return term;
  }
  throw new SyntaxError(`formula: cannot read the term ${JSON.stringify(text)} in ${JSON.stringify(formula)}; supported terms are column names, C(column), C(column, Treatment(reference)), 1, 0 and -1`);
}
