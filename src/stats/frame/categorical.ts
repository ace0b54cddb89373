// Marking a column as categorical, with its levels and the reference level that
// treatment (drop-first) coding leaves out.

/** A category: a string, a number or a boolean. */
export type Level = string | number | boolean;

/** Options of `categorical`. */
export interface CategoricalOptions {
  /** The levels in order; by default the sorted distinct values. Values outside them are an error. */
  levels?: readonly Level[];
  /** The level left out by treatment coding; by default the first level. */
  reference?: Level;
}

/**
 * A categorical column: values (null or undefined = missing) with optional levels and
 * reference. Regression models turn it into 0/1 dummy columns for every level but the
 * reference (treatment coding, statsmodels' C() and pandas' get_dummies(drop_first=True)).
 * @example new stats.Categorical(["lo", "hi", "lo"], { levels: ["lo", "hi"] })
 */
export class Categorical {
  readonly values: readonly (Level | null | undefined)[];
  readonly levels?: readonly Level[];
  readonly reference?: Level;

  constructor(values: readonly (Level | null | undefined)[], opts: CategoricalOptions = {}) {
    if (!Array.isArray(values)) throw new TypeError(`categorical: expected an array of values, got ${typeof values}`);
    values.forEach((v, i) => {
      if (v !== null && v !== undefined && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
        throw new TypeError(`categorical: value ${i} is a ${typeof v}; levels must be strings, numbers or booleans (null for missing)`);
      }
      if (typeof v === "number" && Number.isNaN(v)) return;
    });
    this.values = values;
    if (opts.levels !== undefined) {
      const seen = new Set<Level>();
      for (const l of opts.levels) {
        if (seen.has(l)) throw new RangeError(`categorical: level ${JSON.stringify(l)} is listed twice in levels`);
        seen.add(l);
      }
      if (opts.levels.length === 0) throw new RangeError("categorical: levels is empty");
      this.levels = opts.levels.slice();
    }
    if (opts.reference !== undefined) this.reference = opts.reference;
  }
}

/**
 * Marks values as a categorical column for `stats.ols`, `stats.logit` and `stats.vif`; give
 * `levels` to fix their order and `reference` to choose the level left out.
 * @example
 * const group = stats.categorical(["a", "b", "a", "c"], { reference: "b" });
 * stats.ols({ y: [1, 2, 3, 4.5], X: { group } }).names // ["const", "group_a", "group_c"]
 */
export function categorical(values: readonly (Level | null | undefined)[], opts: CategoricalOptions = {}): Categorical {
  return new Categorical(values, opts);
}

/** Sorts levels the way pandas and patsy do: numbers numerically, strings by code unit, false < true. */
export function sortLevels(levels: Level[]): Level[] {
  return levels.sort((a, b) => {
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
    const sa = String(a), sb = String(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

/** A level as Python prints it in column names: True/False for booleans. */
export function levelName(l: Level): string {
  if (typeof l === "boolean") return l ? "True" : "False";
  return String(l);
}
