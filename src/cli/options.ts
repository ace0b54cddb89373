/**
 * Command-line flags from an experiment's option schema: the flag name (`nFeatures` ->
 * `--n-features`), parsing of a flag's text by the option's type, and the checks of its
 * bounds, with one-line messages that name the flag, the value and what was expected.
 */
import type { OptionSpec, OptionValue } from "../lab/types.js";

/**
 * The kebab-case flag of an option name.
 * @example flagName("rootFlipProbability") // "root-flip-probability"
 */
export function flagName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * What a flag's value looks like in help texts: `<number>`, `<integer>`, `<a,b>`...
 * @example valuePlaceholder({ name: "lr", type: "number", default: 1, description: "" }) // "<number>"
 */
export function valuePlaceholder(spec: OptionSpec): string {
  switch (spec.type) {
    case "number": return "<number>";
    case "integer": return "<integer>";
    case "string": return "<text>";
    case "choice": return `<${(spec.choices ?? []).join("|")}>`;
    case "numberArray": return spec.length !== undefined ? `<${Array.from({ length: spec.length }, (_, i) => `x${i + 1}`).join(",")}>` : "<x1,x2,...>";
    case "choiceArray": return "<a,b,...>";
    case "boolean": return "";
  }
}

/**
 * A value in the form a user types it on the command line.
 * @example formatValue([1, 2]) // "1,2"
 */
export function formatValue(v: OptionValue): string {
  return Array.isArray(v) ? v.join(",") : String(v);
}

/**
 * The allowed range of a numeric option, for help texts: "in [0, 1000]", ">= 1", "".
 * @example rangeText({ name: "lr", type: "number", default: 1, min: 0, description: "" }) // ">= 0"
 */
export function rangeText(spec: OptionSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return `in [${spec.min}, ${spec.max}]`;
  if (spec.min !== undefined) return `>= ${spec.min}`;
  if (spec.max !== undefined) return `<= ${spec.max}`;
  return "";
}

/**
 * Parses a flag's text by the option's type and checks it against the schema; throws an
 * Error whose message says what was expected ("must be a number >= 0, got '-1'").
 * @example parseOptionText({ name: "epochs", type: "integer", default: 250, min: 1, description: "" }, "40") // 40
 */
export function parseOptionText(spec: OptionSpec, text: string): OptionValue {
  const got = `got '${text}'`;
  const range = rangeText(spec);
  const checkNumber = (v: number, integer: boolean, what: string): number => {
    const kind = integer ? "an integer" : "a number";
    if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) throw new Error(`must be ${kind}${range ? ` ${range}` : ""}, ${what}`);
    if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) throw new Error(`must be ${range}, ${what}`);
    return v;
  };
  switch (spec.type) {
    case "number":
    case "integer":
      return checkNumber(toNumber(text), spec.type === "integer", got);
    case "boolean": {
      const t = text.toLowerCase();
      if (t === "true" || t === "yes" || t === "1") return true;
      if (t === "false" || t === "no" || t === "0") return false;
      throw new Error(`must be true or false, ${got}`);
    }
    case "string":
      if (text.length === 0) throw new Error("must not be empty");
      return text;
    case "choice":
      if (!(spec.choices ?? []).includes(text)) throw new Error(`must be one of ${(spec.choices ?? []).join(", ")}, ${got}`);
      return text;
    case "numberArray": {
      const parts = text.split(",").map((p) => p.trim());
      if (spec.length !== undefined && parts.length !== spec.length) throw new Error(`must be ${spec.length} comma-separated numbers, ${got}`);
      return parts.map((p, i) => checkNumber(toNumber(p), false, `got '${p}' at position ${i + 1} of '${text}'`));
    }
    case "choiceArray": {
      const choices = spec.choices ?? [];
      const parts = text.split(",").map((p) => p.trim());
      const bad = parts.find((p) => !choices.includes(p));
      if (bad !== undefined) throw new Error(`must be a comma-separated list of ${choices.join(", ")}, got '${bad}'${parts.length > 1 ? ` in '${text}'` : ""}`);
      const twice = parts.find((p, i) => parts.indexOf(p) !== i);
      if (twice !== undefined) throw new Error(`lists '${twice}' twice in '${text}'`);
      return parts;
    }
  }
}

// Number("") is 0 and Number(" ") too; an empty flag value is a mistake, not zero.
function toNumber(text: string): number {
  return text.trim() === "" ? NaN : Number(text);
}
