// Simpson's paradox: success rates by group, within each stratum and pooled, with a
// printable report that says which group is ahead where, whether the comparison reverses
// on pooling, and how the strata mix explains it.
import type { Level } from "./frame/categorical.js";
import { levelName, sortLevels } from "./frame/categorical.js";

/** Successes out of a total, as an object or a [successes, total] pair. */
export type RateCount = { successes: number; total: number } | readonly [successes: number, total: number];

/** The data of a Simpson's-paradox analysis, with the labels its report uses. */
export interface SimpsonData {
  /** Counts by group, then stratum: { A: { small: [81, 87], large: [192, 263] }, B: ... }. */
  counts?: Readonly<Record<string, Readonly<Record<string, RateCount>>>>;
  /** Or one record per case: its group, stratum and outcome (true / 1 = success). */
  observations?: { group: readonly Level[]; stratum: readonly Level[]; outcome: readonly (boolean | 0 | 1)[] };
  /** What the groups are, e.g. "treatment"; default "group". */
  groupLabel?: string;
  /** What the strata are, e.g. "stone size"; default "stratum". */
  stratumLabel?: string;
  /** What a success is, e.g. "success"; default "success". */
  outcomeLabel?: string;
  /** Where the data come from, printed under the report. */
  source?: string;
}

/** Options of simpsonParadox. */
export interface SimpsonOptions {
  /** Decimals of the printed percentages (more are used when needed to tell rates apart); 0. */
  digits?: number;
}

/** Successes, total and rate of one cell. */
export interface Rate {
  successes: number;
  total: number;
  rate: number;
}

/**
 * The result of simpsonParadox: rates by group within each stratum (`cells`) and pooled
 * (`overall`), the leading group overall and in each stratum (null on a tie), whether the
 * paradox occurs, and toString() for the printable report.
 * @example stats.simpsonParadox(stats.kidneyStones).overall.B.rate // 0.8257...
 */
export class SimpsonReport {
  readonly overallBest: string | null;
  readonly stratumBest: Readonly<Record<string, string | null>>;
  /** True when one group leads within every stratum but another leads once strata are pooled. */
  readonly paradox: boolean;
  /** The group that leads within every stratum, or null. */
  readonly everyStratumBest: string | null;

  constructor(
    readonly groups: readonly string[],
    readonly strata: readonly string[],
    readonly cells: Readonly<Record<string, Readonly<Record<string, Rate>>>>,
    readonly overall: Readonly<Record<string, Rate>>,
    readonly labels: { group: string; stratum: string; outcome: string; source?: string },
    private readonly digits: number,
  ) {
    const best = (rates: [string, number][]): string | null => {
      const top = Math.max(...rates.map(([, r]) => r));
      const at = rates.filter(([, r]) => r === top);
      return at.length === 1 ? at[0][0] : null;
    };
    this.overallBest = best(groups.map((g) => [g, overall[g].rate]));
    const sb: Record<string, string | null> = {};
    for (const s of strata) sb[s] = best(groups.map((g) => [g, cells[g][s].rate]));
    this.stratumBest = sb;
    const first = sb[strata[0]];
    this.everyStratumBest = first !== null && strata.every((s) => sb[s] === first) ? first : null;
    this.paradox = this.everyStratumBest !== null && this.overallBest !== null && this.overallBest !== this.everyStratumBest;
  }

  /** The printable report: the table of rates, the comparisons, the verdict and the explanation. */
  toString(): string {
    const { group: G, stratum: S, outcome: O } = this.labels;
    const { groups, strata, cells, overall } = this;
    const d = this.digits;
    const pct = (r: number): string => `${(100 * r).toFixed(d)}%`;
    const cell = (r: Rate): string => `${pct(r.rate)} (${r.successes}/${r.total})`;
    const head = [G, ...strata, "overall"];
    const rows = groups.map((g) => [g, ...strata.map((s) => cell(cells[g][s])), cell(overall[g])]);
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]): string => r.map((v, c) => v.padEnd(widths[c])).join("   ").trimEnd();
    const out: string[] = [
      `Simpson's paradox analysis: ${O} rate by ${G}, within each ${S} and overall`,
      "",
      line(head),
      ...rows.map(line),
      "",
    ];
    const others = (g: string, rate: (h: string) => number): string => groups.filter((h) => h !== g).map((h) => `${pct(rate(h))} for ${G} ${h}`).join(", ");
    if (this.overallBest !== null) {
      const g = this.overallBest;
      out.push(`Overall: ${G} ${g} has the higher ${O} rate (${pct(overall[g].rate)} vs ${others(g, (h) => overall[h].rate)}).`);
    } else out.push(`Overall: the ${O} rates tie at ${pct(overall[groups[0]].rate)}.`);
    if (this.everyStratumBest !== null) {
      const g = this.everyStratumBest;
      const by = strata.map((s) => `${s} ${pct(cells[g][s].rate)} vs ${groups.filter((h) => h !== g).map((h) => pct(cells[h][s].rate)).join(" / ")}`).join("; ");
      out.push(`Within every ${S}: ${G} ${g} has the higher ${O} rate (${by}).`);
    } else {
      const by = strata.map((s) => `${s}: ${this.stratumBest[s] === null ? "tie" : `${G} ${this.stratumBest[s]}`}`).join("; ");
      out.push(`Within each ${S}, the leading ${G} differs (${by}).`);
    }
    if (this.paradox) {
      out.push(`Simpson's paradox: ${G} ${this.everyStratumBest} is better in every ${S}, yet ${G} ${this.overallBest} is better overall; the comparison reverses when the data are pooled across ${S}.`);
      out.push(this.explanation(pct));
    } else if (this.everyStratumBest !== null) {
      out.push(`No Simpson's paradox: the overall comparison agrees with every ${S}.`);
    } else {
      out.push(`No Simpson's paradox: that needs one ${G} ahead within every ${S}.`);
    }
    if (this.labels.source) out.push("", `Data: ${this.labels.source}`);
    return out.join("\n");
  }

  /** Why pooling reverses the comparison: the groups' cases fall in the strata in different proportions. */
  private explanation(pct: (r: number) => string): string {
    const { group: G, stratum: S, outcome: O } = this.labels;
    const pooled = this.strata.map((s) => {
      let k = 0, t = 0;
      for (const g of this.groups) { k += this.cells[g][s].successes; t += this.cells[g][s].total; }
      return { s, rate: k / t };
    });
    const hard = pooled.reduce((a, b) => (b.rate < a.rate ? b : a));
    const shares = this.groups.map((g) => {
      const c = this.cells[g][hard.s].total, t = this.overall[g].total;
      return `${pct(c / t)} of ${G} ${g}'s cases (${c} of ${t})`;
    });
    return `Why: the ${G} groups have different mixes of ${S}. The ${S} '${hard.s}' has the lowest ${O} rate (${pct(hard.rate)} pooled), and it makes up ${shares.length === 2 ? shares.join(" but ") : shares.join(", ")}. `
      + `Pooling mixes the ${G} effect with this difference in case mix; the rates within each ${S} compare like with like.`;
  }
}

function readCount(v: unknown, where: string): Rate {
  let successes: unknown, total: unknown;
  if (Array.isArray(v)) [successes, total] = v;
  else if (typeof v === "object" && v !== null) ({ successes, total } = v as { successes?: unknown; total?: unknown });
  else throw new TypeError(`simpsonParadox: ${where} must be [successes, total] or { successes, total }, got ${JSON.stringify(v)}`);
  if (typeof total !== "number" || !Number.isInteger(total) || total <= 0) throw new RangeError(`simpsonParadox: ${where} needs a positive whole total, got ${String(total)}`);
  if (typeof successes !== "number" || !Number.isInteger(successes) || successes < 0 || successes > total) {
    throw new RangeError(`simpsonParadox: ${where} needs successes between 0 and the total ${total}, got ${String(successes)}`);
  }
  return { successes, total, rate: successes / total };
}

function countsFromObservations(obs: NonNullable<SimpsonData["observations"]>): Record<string, Record<string, [number, number]>> {
  const { group, stratum, outcome } = obs;
  if (!Array.isArray(group) || !Array.isArray(stratum) || !Array.isArray(outcome)) throw new TypeError("simpsonParadox: observations needs arrays group, stratum and outcome");
  if (group.length !== stratum.length || group.length !== outcome.length) {
    throw new RangeError(`simpsonParadox: observations.group, .stratum and .outcome must have the same length, got ${group.length}, ${stratum.length} and ${outcome.length}`);
  }
  const gs = sortLevels([...new Set(group)]), ss = sortLevels([...new Set(stratum)]);
  const out: Record<string, Record<string, [number, number]>> = {};
  for (const g of gs) { out[levelName(g)] = {}; for (const s of ss) out[levelName(g)][levelName(s)] = [0, 0]; }
  outcome.forEach((o, i) => {
    if (o !== true && o !== false && o !== 0 && o !== 1) throw new TypeError(`simpsonParadox: observations.outcome[${i}] must be true/false or 1/0, got ${JSON.stringify(o)}`);
    const c = out[levelName(group[i])][levelName(stratum[i])];
    c[0] += Number(o); c[1] += 1;
  });
  return out;
}

/**
 * Simpson's paradox analysis: compares the success rates of groups (e.g. treatments)
 * within each stratum (e.g. stone size) and pooled, flags the paradox (one group ahead in
 * every stratum, another ahead overall) and explains it by the groups' different mixes of
 * strata. `stats.kidneyStones` is the classic example.
 * @example
 * const report = stats.simpsonParadox(stats.kidneyStones);
 * report.paradox // true
 * console.log(report.toString());
 */
export function simpsonParadox(data: SimpsonData, opts: SimpsonOptions = {}): SimpsonReport {
  if (typeof data !== "object" || data === null) throw new TypeError("simpsonParadox: expected { counts } or { observations }");
  if ((data.counts === undefined) === (data.observations === undefined)) {
    throw new TypeError("simpsonParadox: give exactly one of counts ({ group: { stratum: [successes, total] } }) or observations ({ group, stratum, outcome })");
  }
  const raw = data.counts ?? countsFromObservations(data.observations!);
  const groups = Object.keys(raw);
  if (groups.length < 2) throw new RangeError(`simpsonParadox: needs at least 2 groups to compare, got ${groups.length}`);
  const strata = Object.keys(raw[groups[0]]);
  if (strata.length < 2) throw new RangeError(`simpsonParadox: needs at least 2 strata, got ${strata.length}`);
  const cells: Record<string, Record<string, Rate>> = {};
  const overall: Record<string, Rate> = {};
  for (const g of groups) {
    const have = Object.keys(raw[g]);
    const missing = strata.filter((s) => !have.includes(s)), extra = have.filter((s) => !strata.includes(s));
    if (missing.length > 0 || extra.length > 0) {
      throw new RangeError(`simpsonParadox: every group needs counts for the same strata; group '${g}' ${missing.length > 0 ? `lacks ${missing.join(", ")}` : `has extra ${extra.join(", ")}`} (strata of '${groups[0]}': ${strata.join(", ")})`);
    }
    cells[g] = {};
    let k = 0, t = 0;
    for (const s of strata) {
      const c = readCount(raw[g][s], `group '${g}', stratum '${s}'`);
      cells[g][s] = c; k += c.successes; t += c.total;
    }
    overall[g] = { successes: k, total: t, rate: k / t };
  }
  const base = opts.digits ?? 0;
  if (!Number.isInteger(base) || base < 0 || base > 6) throw new RangeError(`simpsonParadox: digits must be a whole number from 0 to 6, got ${base}`);
  // Use enough decimals that rates which differ never print the same.
  const compared = [groups.map((g) => overall[g].rate), ...strata.map((s) => groups.map((g) => cells[g][s].rate))];
  let digits = base;
  const clash = (d: number): boolean => compared.some((rs) => rs.some((a, i) => rs.some((b, j) => j > i && a !== b && (100 * a).toFixed(d) === (100 * b).toFixed(d))));
  while (digits < 6 && clash(digits)) digits++;
  return new SimpsonReport(groups, strata, cells, overall, {
    group: data.groupLabel ?? "group", stratum: data.stratumLabel ?? "stratum", outcome: data.outcomeLabel ?? "success", source: data.source,
  }, digits);
}

/**
 * The kidney-stone data of Charig et al. (1986), the textbook Simpson's paradox: treatment
 * A (open surgery) succeeds more often for small and for large stones, yet treatment B
 * (percutaneous nephrolithotomy) succeeds more often overall (83% vs 78%), because A was
 * given mostly to the harder large stones.
 * @example console.log(stats.simpsonParadox(stats.kidneyStones).toString());
 */
export const kidneyStones: SimpsonData = Object.freeze({
  counts: Object.freeze({
    A: Object.freeze({ small: [81, 87] as const, large: [192, 263] as const }),
    B: Object.freeze({ small: [234, 270] as const, large: [55, 80] as const }),
  }),
  groupLabel: "treatment",
  stratumLabel: "stone size",
  outcomeLabel: "success",
  source: "Charig et al. (1986), BMJ 292:879-882; A = open surgery, B = percutaneous nephrolithotomy",
});
