import type { OptionSpec, OptionValue } from "./types.js";

/**
 * Fills a partial config from the defaults and checks every value against its option spec,
 * so a CLI flag or a web control gets the same error: a RangeError/TypeError that names the
 * experiment, the option, the value and what was expected. Unknown keys are rejected too
 * (a misspelt option must not be silently ignored).
 * @example resolveConfig("dlnn", dlnnOptions, dlnnDefaults, { lr: 50 }).lr // 50
 */
export function resolveConfig<C extends object>(experiment: string, options: readonly OptionSpec[], defaults: C, partial: Partial<C> = {}): C {
  if (partial === null || typeof partial !== "object" || Array.isArray(partial)) {
    throw new TypeError(`${experiment}: config must be an object of options, got ${describe(partial)}`);
  }
  const byName = new Map(options.map((o) => [o.name, o]));
  for (const key of Object.keys(partial)) {
    if (!byName.has(key)) {
      throw new RangeError(`${experiment}: unknown option "${key}" (options: ${options.map((o) => o.name).join(", ")})`);
    }
  }
  // Arrays are copied so a returned config never aliases the defaults.
  const out: Record<string, OptionValue> = {};
  for (const [key, value] of Object.entries(defaults as Record<string, OptionValue>)) out[key] = Array.isArray(value) ? ([...value] as OptionValue) : value;
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    out[key] = checkOption(experiment, byName.get(key)!, value);
  }
  return out as C;
}

/** Checks one value against its spec and returns it (arrays copied so the config owns them). */
function checkOption(experiment: string, spec: OptionSpec, value: unknown): OptionValue {
  const where = `${experiment}: option "${spec.name}"`;
  const inRange = (v: number, what: string) => {
    if (spec.min !== undefined && v < spec.min) throw new RangeError(`${where} must be >= ${spec.min}, got ${what}`);
    if (spec.max !== undefined && v > spec.max) throw new RangeError(`${where} must be <= ${spec.max}, got ${what}`);
  };
  switch (spec.type) {
    case "number":
    case "integer": {
      if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(`${where} must be a finite number, got ${describe(value)}`);
      if (spec.type === "integer" && !Number.isInteger(value)) throw new TypeError(`${where} must be an integer, got ${value}`);
      inRange(value, String(value));
      return value;
    }
    case "boolean":
      if (typeof value !== "boolean") throw new TypeError(`${where} must be true or false, got ${describe(value)}`);
      return value;
    case "string":
      if (typeof value !== "string" || value.length === 0) throw new TypeError(`${where} must be a non-empty string, got ${describe(value)}`);
      return value;
    case "choice":
      if (typeof value !== "string" || !spec.choices?.includes(value)) {
        throw new RangeError(`${where} must be one of ${spec.choices?.map((c) => JSON.stringify(c)).join(", ")}, got ${describe(value)}`);
      }
      return value;
    case "numberArray": {
      if (!Array.isArray(value)) throw new TypeError(`${where} must be an array of numbers, got ${describe(value)}`);
      if (spec.length !== undefined && value.length !== spec.length) {
        throw new RangeError(`${where} must have ${spec.length} numbers, got ${value.length}`);
      }
      value.forEach((v, i) => {
        if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${where}[${i}] must be a finite number, got ${describe(v)}`);
        inRange(v, `${v} at index ${i}`);
      });
      return [...value] as number[];
    }
    case "choiceArray": {
      if (!Array.isArray(value) || value.length === 0) throw new TypeError(`${where} must be a non-empty list of ${spec.choices?.join(", ")}, got ${describe(value)}`);
      value.forEach((v, i) => {
        if (typeof v !== "string" || !spec.choices?.includes(v)) {
          throw new RangeError(`${where}[${i}] must be one of ${spec.choices?.map((c) => JSON.stringify(c)).join(", ")}, got ${describe(v)}`);
        }
      });
      if (new Set(value).size !== value.length) throw new RangeError(`${where} lists a value twice: ${value.join(", ")}`);
      return [...value] as string[];
    }
  }
}

/** A short rendering of a bad value for error messages. */
function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return "null";
  return typeof v === "object" ? "an object" : `${String(v)} (${typeof v})`;
}

/**
 * A 32-bit seed for one random stream of an experiment (data, init, batches...), so the
 * streams of one seed are unrelated to each other and to the neighbouring seeds' streams.
 * @example new Generator(deriveSeed(config.seed, 1)) // the weight-init stream
 */
export function deriveSeed(seed: number, stream: number): number {
  // splitmix32 finaliser over the seed mixed with the stream number.
  let z = (Math.trunc(seed) + Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
