/**
 * The whole state of the web lab in one serialisable object, and its mirror in the URL
 * query (as TensorFlow Playground does): every picture the lab shows is a shareable link.
 * `?exp=dlnn&lr=50&gamma=1e-10&epoch=80` reads back to the same state; only options that
 * differ from the experiment's defaults are written, so links stay short.
 */
import type { ExperimentId, OptionSpec, OptionValue } from "../../src/lab/types.js";

/** What the state needs to know of an experiment: its id, defaults, options and checker. */
export interface ExperimentSchema {
  id: ExperimentId;
  defaults: object;
  options: readonly OptionSpec[];
  /** Fills defaults and throws a RangeError/TypeError naming a bad option. */
  validate(config: Partial<Record<string, unknown>>): object;
}

/** Settings that change what is shown but not what is computed (moving them never re-runs). */
export interface ViewState {
  /** The epoch the dlnn explorer shows (its RSM and the marker on the curves). */
  epoch?: number;
}

/** The web lab's state: the experiment on screen, its full config and the view settings. */
export interface LabState {
  experiment: ExperimentId;
  config: Record<string, OptionValue>;
  view: ViewState;
}

/** Query keys that are not experiment options. */
export const EXPERIMENT_KEY = "exp";
export const VIEW_KEYS = ["epoch"] as const;

/** A state read from a URL, with what could not be used (shown to the user, never thrown). */
export interface ParsedState {
  state: LabState;
  problems: string[];
}

/**
 * The default state of an experiment: its defaults and an unset view.
 * @example defaultState(schemas.dlnn).config.lr // 100
 */
export function defaultState(schema: ExperimentSchema): LabState {
  return { experiment: schema.id, config: copyConfig(schema.defaults as Record<string, OptionValue>), view: {} };
}

/**
 * Reads a state from a URL query. Unknown experiments, unknown keys and bad values are
 * reported in `problems` and replaced by defaults, so a mistyped link still opens a page.
 * @example parseQuery("?exp=dlnn&lr=50", schemas).state.config.lr // 50
 */
export function parseQuery(query: string, schemas: Readonly<Record<ExperimentId, ExperimentSchema>>, fallback: ExperimentId = "dlnn"): ParsedState {
  const params = new URLSearchParams(query);
  const problems: string[] = [];
  const requested = params.get(EXPERIMENT_KEY);
  let id = fallback;
  if (requested !== null) {
    if (Object.prototype.hasOwnProperty.call(schemas, requested)) id = requested as ExperimentId;
    else problems.push(`unknown experiment "${requested}" (experiments: ${Object.keys(schemas).join(", ")}); showing ${fallback}`);
  }
  const schema = schemas[id];
  const state = defaultState(schema);
  const byName = new Map(schema.options.map((o) => [o.name, o]));
  const accepted: Record<string, OptionValue> = {};
  for (const [key, text] of params) {
    if (key === EXPERIMENT_KEY) continue;
    if ((VIEW_KEYS as readonly string[]).includes(key)) {
      const epoch = Number(text);
      if (key === "epoch" && Number.isInteger(epoch) && epoch >= 0) state.view.epoch = epoch;
      else problems.push(`"${key}" must be a whole number >= 0, got "${text}"; ignored`);
      continue;
    }
    const spec = byName.get(key);
    if (spec === undefined) {
      problems.push(`unknown option "${key}" for ${id}; ignored`);
      continue;
    }
    try {
      const value = decodeValue(spec, text);
      // Checked alone first, so one bad value does not throw away the good ones.
      schema.validate({ [key]: value });
      accepted[key] = value;
    } catch (err) {
      problems.push(`${errorText(err)}; using the default ${encodeValue(spec.default)}`);
    }
  }
  try {
    state.config = copyConfig(schema.validate(accepted) as Record<string, OptionValue>);
  } catch (err) {
    // Options valid alone can clash together (e.g. a tree too large): fall back to the defaults.
    problems.push(`${errorText(err)}; using the defaults`);
  }
  return { state, problems };
}

/**
 * The URL query of a state: the experiment, every option that differs from its default,
 * then the view settings; commas stay readable in lists.
 * @example toQuery({ experiment: "dlnn", config: { ...defaults, lr: 50 }, view: {} }, schemas) // "?exp=dlnn&lr=50"
 */
export function toQuery(state: LabState, schemas: Readonly<Record<ExperimentId, ExperimentSchema>>): string {
  const schema = schemas[state.experiment];
  const parts = [`${EXPERIMENT_KEY}=${state.experiment}`];
  const defaults = schema.defaults as Record<string, OptionValue>;
  for (const spec of schema.options) {
    const value = state.config[spec.name];
    if (value === undefined || sameValue(value, defaults[spec.name]!)) continue;
    parts.push(`${spec.name}=${encodeComponent(encodeValue(value))}`);
  }
  if (state.view.epoch !== undefined) parts.push(`epoch=${state.view.epoch}`);
  return `?${parts.join("&")}`;
}

/**
 * The text of an option value in a URL or a text box: numbers in their shortest exact form
 * (1e-12, 0.15), lists comma-separated.
 * @example encodeValue([-1, 1, 1]) // "-1,1,1"
 */
export function encodeValue(value: OptionValue): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(",");
  return String(value);
}

/**
 * Reads an option value from text by the option's type; throws a TypeError naming the
 * option when the text is not a value of that type (ranges are the validator's job).
 * @example decodeValue({ name: "lr", type: "number", default: 100, description: "" }, "50") // 50
 */
export function decodeValue(spec: OptionSpec, text: string): OptionValue {
  const bad = (what: string): never => { throw new TypeError(`option "${spec.name}" must be ${what}, got "${text}"`); };
  const num = (t: string): number => {
    const v = t.trim() === "" ? NaN : Number(t);
    return Number.isFinite(v) ? v : bad(spec.type === "numberArray" ? "a comma-separated list of numbers" : "a number");
  };
  switch (spec.type) {
    case "number": return num(text);
    case "integer": {
      const v = num(text);
      return Number.isInteger(v) ? v : bad("a whole number");
    }
    case "boolean":
      if (text === "true" || text === "1") return true;
      if (text === "false" || text === "0") return false;
      return bad("true or false");
    case "numberArray": return text.trim() === "" ? [] : text.split(",").map(num);
    case "choiceArray": return text.trim() === "" ? [] : text.split(",").map((s) => s.trim());
    default: return text;
  }
}

/** Whether two option values are equal (lists element by element). */
export function sameValue(a: OptionValue, b: OptionValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return a === b;
}

/** A config whose lists are its own (states never share arrays). */
function copyConfig(config: Record<string, OptionValue>): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const [k, v] of Object.entries(config)) out[k] = Array.isArray(v) ? (v.slice() as OptionValue) : v;
  return out;
}

/** URL-encodes a value but keeps list commas readable. */
function encodeComponent(text: string): string {
  return encodeURIComponent(text).replace(/%2C/g, ",");
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
