/**
 * Small shaping helpers for figure data: thinning long series so a figure stays light,
 * naming modes, and grouping modes learned at the same time.
 */

/**
 * At most `max` indices of 0..n-1, evenly spread, always keeping the first and the last.
 * @example thinIndices(10, 4) // [0, 3, 6, 9]
 */
export function thinIndices(n: number, max: number): number[] {
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  if (max < 2) return [n - 1];
  const out: number[] = [];
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (n - 1)) / (max - 1));
    if (out.length === 0 || out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/**
 * The display name of mode `a` (0-based): "mode 1" is the strongest.
 * @example modeLabel(0) // "mode 1"
 */
export function modeLabel(a: number): string {
  return `mode ${a + 1}`;
}

/** Modes that reach a milestone at about the same epoch, drawn as one marker. */
export interface ModeGroup {
  /** 0-based mode indices, ascending. */
  modes: number[];
  /** The (rounded mean) epoch of the group. */
  epoch: number;
  /** "mode 2" or "modes 5-8". */
  label: string;
}

/**
 * Groups modes whose epochs lie within `relTolerance` (a fraction of the group's first
 * epoch, at least `minTolerance` epochs) of the group's first one, so nearly equal modes
 * share one marker. Null epochs (never reached) drop out.
 * @example groupModes([40, 80, 81, null], 0.03, 2) // [{modes: [0], epoch: 40, label: "mode 1"}, {modes: [1, 2], epoch: 81, label: "modes 2-3"}]
 */
export function groupModes(epochs: readonly (number | null)[], relTolerance: number, minTolerance = 0): ModeGroup[] {
  const known = epochs.map((e, a) => ({ e, a })).filter((m): m is { e: number; a: number } => m.e !== null && Number.isFinite(m.e));
  known.sort((p, q) => p.e - q.e || p.a - q.a);
  const groups: { modes: number[]; es: number[] }[] = [];
  for (const m of known) {
    const g = groups[groups.length - 1];
    if (g !== undefined && m.e - g.es[0]! <= Math.max(minTolerance, relTolerance * g.es[0]!)) { g.modes.push(m.a); g.es.push(m.e); } else groups.push({ modes: [m.a], es: [m.e] });
  }
  return groups.map((g) => {
    const modes = [...g.modes].sort((p, q) => p - q);
    const epoch = Math.round(g.es.reduce((s, e) => s + e, 0) / g.es.length);
    const contiguous = modes.every((m, i) => i === 0 || m === modes[i - 1]! + 1);
    const label = modes.length === 1 ? modeLabel(modes[0]!)
      : contiguous ? `modes ${modes[0]! + 1}-${modes[modes.length - 1]! + 1}` : `modes ${modes.map((m) => m + 1).join(",")}`;
    return { modes, epoch, label };
  });
}
