// Data frames as plain objects: a record of columns (arrays, typed arrays, tensors,
// categoricals) or an array of row objects, normalised to numeric or categorical columns.
import { Tensor } from "../../tensor/tensor.js";
import { describeValue } from "../input.js";
import { Categorical } from "./categorical.js";
import type { Level } from "./categorical.js";

/** One column: numbers (NaN, null, undefined = missing), strings, booleans, a tensor or a Categorical. */
export type ColumnInput =
  | readonly (number | null | undefined)[]
  | readonly (string | null | undefined)[]
  | readonly (boolean | null | undefined)[]
  | Float64Array | Float32Array | Int32Array
  | Tensor
  | Categorical;

/** A data frame: a record of equally long columns, or an array of row objects. */
export type Frame = Readonly<Record<string, ColumnInput>> | readonly Readonly<Record<string, unknown>>[];

/** A numeric column; NaN marks a missing value. */
export interface NumericColumn {
  kind: "numeric";
  name: string;
  values: Float64Array;
}

/** A categorical column; null marks a missing value. */
export interface CategoricalColumn {
  kind: "categorical";
  name: string;
  values: (Level | null)[];
  levels?: readonly Level[];
  reference?: Level;
  /** Booleans, which the column API keeps numeric (as pandas) and formulas treat as categories (as patsy). */
  boolean: boolean;
}

export type Column = NumericColumn | CategoricalColumn;

/** Normalises one column; strings and booleans become categorical, numbers numeric. */
export function toColumn(name: string, input: unknown, op: string): Column {
  if (input instanceof Categorical) {
    const values = input.values.map((v) => (v === undefined || v === null || (typeof v === "number" && Number.isNaN(v)) ? null : v));
    return { kind: "categorical", name, values, levels: input.levels, reference: input.reference, boolean: false };
  }
  if (input instanceof Tensor) {
    if (input.ndim !== 1) throw new RangeError(`${op}: column '${name}' must be a 1-D tensor, got shape [${input.shape.join(", ")}]`);
    return { kind: "numeric", name, values: Float64Array.from(input.dataSync()) };
  }
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    return { kind: "numeric", name, values: Float64Array.from(input as unknown as ArrayLike<number>) };
  }
  if (!Array.isArray(input)) throw new TypeError(`${op}: column '${name}' must be an array, a typed array, a 1-D tensor or stats.categorical(...), got ${describeValue(input)}`);
  let kind: "number" | "string" | "boolean" | null = null;
  input.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const t = typeof v;
    if (t !== "number" && t !== "string" && t !== "boolean") {
      throw new TypeError(`${op}: column '${name}' row ${i} is ${describeValue(v)}; expected numbers, strings or booleans (null for missing)`);
    }
    if (kind === null) kind = t as "number" | "string" | "boolean";
    else if (kind !== t) {
      throw new TypeError(`${op}: column '${name}' mixes ${kind}s and ${t}s (row ${i} is ${describeValue(v)}); wrap it in stats.categorical(...) to treat every value as a category`);
    }
  });
  if (kind === "string" || kind === "boolean") {
    return { kind: "categorical", name, values: input.map((v) => (v === undefined ? null : v as Level | null)), boolean: kind === "boolean" };
  }
  const values = new Float64Array(input.length);
  input.forEach((v, i) => { values[i] = v === null || v === undefined ? NaN : (v as number); });
  return { kind: "numeric", name, values };
}

/** The columns of a frame given as a record or as row objects, in order. */
export function frameColumns(frame: unknown, op: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (Array.isArray(frame)) {
    const names: string[] = [];
    const seen = new Set<string>();
    frame.forEach((row, i) => {
      if (row === null || typeof row !== "object" || Array.isArray(row)) throw new TypeError(`${op}: row ${i} of the frame is ${describeValue(row)}; expected an object of column values`);
      for (const k of Object.keys(row)) if (!seen.has(k)) { seen.add(k); names.push(k); }
    });
    for (const k of names) out.set(k, frame.map((row) => (row as Record<string, unknown>)[k] ?? null));
    return out;
  }
  if (frame === null || typeof frame !== "object" || frame instanceof Tensor || ArrayBuffer.isView(frame)) {
    throw new TypeError(`${op}: expected a frame (an object of columns or an array of row objects), got ${describeValue(frame)}`);
  }
  for (const [k, v] of Object.entries(frame)) out.set(k, v);
  return out;
}
