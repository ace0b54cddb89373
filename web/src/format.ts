/**
 * Number formatting for the lab's controls and status lines.
 */

/**
 * A number as a person would type it: plain for ordinary sizes, scientific for tiny and
 * huge ones (1e-12, not 0.000000000001), never more digits than the value has.
 * @example formatNumber(1e-12) // "1e-12"; formatNumber(0.15) // "0.15"
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6)) return String(v).replace("e+", "e");
  return String(v);
}

/**
 * A duration for the status line: "850 ms", "3.2 s".
 * @example formatDuration(3210) // "3.2 s"
 */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
