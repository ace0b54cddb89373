// The three ways to hand data to a model: a frame with a formula, an object { y, X }, or
// y and X side by side (X a matrix, a tensor, or an object of named columns).
import { Tensor } from "../../tensor/tensor.js";
import { describeValue, toNumeric } from "../input.js";
import { Categorical } from "./categorical.js";
import type { ColumnInput, Column, Frame } from "./columns.js";
import { frameColumns, toColumn } from "./columns.js";
import type { Design, DesignSpec } from "./design.js";
import { buildDesign } from "./design.js";
import { parseFormula } from "./formula.js";
import type { MissingPolicy } from "./missing.js";

/** A response: numbers (null or NaN = missing), booleans, or a 1-D tensor. */
export type VectorInput = readonly (number | null)[] | readonly (boolean | null)[] | Float64Array | Float32Array | Int32Array | Tensor;

/** Predictors: a matrix (rows = observations) or 2-D tensor, or an object of named columns. */
export type PredictorsInput = readonly (readonly (number | null)[])[] | Tensor | Readonly<Record<string, ColumnInput>>;

/** Options every model shares. */
export interface ModelOptions {
  /** The missing-value rule; "raise" by default (see MissingPolicy). */
  missing?: MissingPolicy;
  /** Add an intercept column (y and X forms; default true). Formulas say it themselves ("- 1"). */
  intercept?: boolean;
  /** Names of a matrix's columns (default x1, x2, ...). */
  names?: readonly string[];
  /** The response's name in summaries (default "y"; formulas use the column name). */
  yName?: string;
}

/** A model's data in one of its three forms, before the design is built. */
export interface ModelData {
  columns: Map<string, Column>;
  spec: DesignSpec;
  /** How the predictors were given, so predict() can take new data the same way. */
  form: "formula" | "record" | "matrix";
  options: ModelOptions;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && !ArrayBuffer.isView(x) && !(x instanceof Categorical);
}

/** Reads the arguments of ols/logit/vif: (frame, formula, opts), ({ y, X }, opts) or (y, X, opts). */
export function resolveModelData(args: readonly unknown[], op: string, needsResponse: boolean): ModelData {
  const [a, b, c] = args;
  if (typeof b === "string") {
    const opts = checkOptions(c, op);
    if (opts.intercept !== undefined) throw new RangeError(`${op}: with a formula, say "- 1" (or "+ 0") in the formula to drop the intercept instead of the intercept option`);
    const f = parseFormula(b);
    if (needsResponse && f.response === null) throw new SyntaxError(`${op}: the formula ${JSON.stringify(b)} has no response; write it as "y ~ x1 + x2"`);
    if (!needsResponse && f.response !== null) throw new SyntaxError(`${op}: the formula ${JSON.stringify(b)} has a response; write only the predictors, as "~ x1 + x2"`);
    if (f.terms.length === 0 && !f.intercept) throw new SyntaxError(`${op}: the formula ${JSON.stringify(b)} has no terms and no intercept`);
    const raw = frameColumns(a as Frame, op);
    const columns = new Map<string, Column>();
    for (const [k, v] of raw) columns.set(k, toColumn(k, v, op));
    const spec: DesignSpec = { response: f.response, terms: f.terms.map((t) => ({ ...t })), intercept: f.intercept, style: "formula" };
    return { columns, spec, form: "formula", options: opts };
  }
  let y: unknown, X: unknown, opts: ModelOptions;
  if (needsResponse && isPlainObject(a) && "X" in a) {
    ({ y, X } = a as { y?: unknown; X?: unknown });
    if (y === undefined) throw new TypeError(`${op}: the data object needs a response 'y' beside 'X'`);
    opts = checkOptions(b, op);
  } else if (needsResponse) {
    y = a; X = b; opts = checkOptions(c, op);
    if (X === undefined) throw new TypeError(`${op}: expected (y, X), ({ y, X }) or (frame, formula); got one argument`);
  } else {
    X = a; opts = checkOptions(b, op);
  }
  const yName = opts.yName ?? "y";
  const columns = new Map<string, Column>();
  const terms: DesignSpec["terms"] = [];
  let form: ModelData["form"];
  if (isPlainObject(X)) {
    form = "record";
    for (const [k, v] of Object.entries(X)) {
      const col = toColumn(k, v, op);
      columns.set(k, col);
      terms.push({ column: k, categorical: false, label: k });
    }
    if (terms.length === 0) throw new RangeError(`${op}: X has no columns`);
  } else {
    form = "matrix";
    const m = toNumeric(X, op, "X");
    if (m.shape.length === 1) m.shape = [m.shape[0], 1];
    if (m.shape.length !== 2) throw new RangeError(`${op}: X must be a matrix (rows = observations), got shape [${m.shape.join(", ")}]`);
    const [n, k] = m.shape;
    const names = opts.names ?? Array.from({ length: k }, (_, j) => `x${j + 1}`);
    if (names.length !== k) throw new RangeError(`${op}: names has ${names.length} entries but X has ${k} columns`);
    if (new Set(names).size !== names.length) throw new RangeError(`${op}: names must be distinct, got ${names.join(", ")}`);
    names.forEach((name, j) => {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = m.data[i * k + j];
      columns.set(name, { kind: "numeric", name, values: v });
      terms.push({ column: name, categorical: false, label: name });
    });
  }
  if (needsResponse) {
    if (columns.has(yName)) throw new RangeError(`${op}: the response name '${yName}' is also a predictor's name; pass yName to rename the response`);
    columns.set(yName, responseColumn(y, yName, op));
  }
  const spec: DesignSpec = { response: needsResponse ? yName : null, terms, intercept: opts.intercept ?? true, style: "columns" };
  return { columns, spec, form, options: opts };
}

function responseColumn(y: unknown, name: string, op: string): Column {
  if (y instanceof Tensor) {
    if (y.ndim !== 1 && !(y.ndim === 2 && y.shape[1] === 1)) throw new RangeError(`${op}: y must be a vector, got a tensor of shape [${y.shape.join(", ")}]`);
    return { kind: "numeric", name, values: Float64Array.from(y.dataSync()) };
  }
  if (!Array.isArray(y) && !ArrayBuffer.isView(y)) throw new TypeError(`${op}: y must be an array of numbers or a 1-D tensor, got ${describeValue(y)}`);
  if (Array.isArray(y) && y.some((v) => Array.isArray(v))) throw new RangeError(`${op}: y must be a vector (one value per observation), got nested arrays`);
  return toColumn(name, y, op);
}

function checkOptions(o: unknown, op: string): ModelOptions {
  if (o === undefined) return {};
  if (!isPlainObject(o)) throw new TypeError(`${op}: options must be an object, got ${describeValue(o)}`);
  return o as ModelOptions;
}

/** Builds the design of resolved model data. */
export function designOf(data: ModelData, op: string): Design {
  return buildDesign(data.columns, data.spec, data.options.missing, op);
}

/** Reads new predictors for predict(), in the same form the model was fit with. */
export function newPredictors(data: ModelData, X: unknown, op: string): Map<string, Column> {
  const out = new Map<string, Column>();
  if (data.form === "formula" || data.form === "record") {
    const raw = data.form === "formula" ? frameColumns(X, op) : (isPlainObject(X) ? new Map(Object.entries(X)) : null);
    if (raw === null) throw new TypeError(`${op}: the model was fit with named columns, so predict needs an object of columns, got ${describeValue(X)}`);
    for (const [k, v] of raw) out.set(k, toColumn(k, v, op));
    return out;
  }
  const m = toNumeric(X, op, "X");
  if (m.shape.length === 1) m.shape = [m.shape[0], 1];
  const names = data.spec.terms.map((t) => t.column);
  if (m.shape.length !== 2 || m.shape[1] !== names.length) {
    throw new RangeError(`${op}: X must have ${names.length} columns (${names.join(", ")}), like the data the model was fit on; got shape [${m.shape.join(", ")}]`);
  }
  const [n, k] = m.shape;
  names.forEach((name, j) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = m.data[i * k + j];
    out.set(name, { kind: "numeric", name, values: v });
  });
  return out;
}
