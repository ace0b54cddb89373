/**
 * Contour lines of a function sampled on a grid, by marching squares. Vega-Lite has no
 * contour mark, so the lab draws iso-loss lines as short segments (rule marks).
 */

/** One piece of an iso-line: the level it belongs to and its two end points. */
export interface ContourSegment {
  level: number;
  x: number;
  y: number;
  x2: number;
  y2: number;
}

/**
 * `n` levels inside the range of the finite values of `z`. A surface that is non-negative
 * up to rounding (a loss) gets levels evenly spaced in log scale from 1/1000 of its largest
 * value (or its smallest positive value, if larger) up, since losses span decades; any other
 * surface gets linearly spaced levels.
 * @example
 * contourLevels([[1, 10], [100, 1000]], 3) // [~5.6, ~31.6, ~178]: log-spaced inside (1, 1000)
 */
export function contourLevels(z: readonly (readonly number[])[], n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`contourLevels: n must be a positive integer, got ${n}`);
  let lo = Infinity, hi = -Infinity, minPositive = Infinity;
  for (const row of z) {
    for (const v of row) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (v > 0 && v < minPositive) minPositive = v;
    }
  }
  if (!(hi > lo)) return [];
  // Rounding can leave a loss at -1e-14 at its minimum; that is still a non-negative surface.
  const log = hi > 0 && lo >= -1e-9 * hi;
  const a = log ? Math.log(Math.max(minPositive, hi * 1e-3)) : lo, b = log ? Math.log(hi) : hi;
  const out: number[] = [];
  // Levels sit strictly inside the range: lines at the extremes would be single points.
  for (let k = 1; k <= n; k++) {
    const t = a + ((b - a) * k) / (n + 1);
    out.push(log ? Math.exp(t) : t);
  }
  return out;
}

/**
 * Marching squares: the segments where the grid function crosses each level, with linear
 * interpolation along cell edges. `z[i][j]` is the value at (xs[j], ys[i]).
 * @example
 * const segs = contourSegments([0, 1], [0, 1], [[0, 1], [1, 2]], [1.5]);
 * // one segment from (1, 0.5) to (0.5, 1)
 */
export function contourSegments(
  xs: readonly number[], ys: readonly number[], z: readonly (readonly number[])[], levels: readonly number[],
): ContourSegment[] {
  if (z.length !== ys.length || z.some((row) => row.length !== xs.length)) {
    throw new Error(`contourSegments: z must be ${ys.length} rows of ${xs.length} values (ys by xs), got ${z.length} rows of [${[...new Set(z.map((r) => r.length))].join(",")}]`);
  }
  const out: ContourSegment[] = [];
  for (const level of levels) {
    for (let i = 0; i + 1 < ys.length; i++) {
      for (let j = 0; j + 1 < xs.length; j++) cell(xs, ys, z, i, j, level, out);
    }
  }
  return out;
}

// Corners of cell (i, j) counter-clockwise from bottom-left: (j,i) (j+1,i) (j+1,i+1) (j,i+1).
function cell(xs: readonly number[], ys: readonly number[], z: readonly (readonly number[])[], i: number, j: number, level: number, out: ContourSegment[]): void {
  const v0 = z[i]![j]!, v1 = z[i]![j + 1]!, v2 = z[i + 1]![j + 1]!, v3 = z[i + 1]![j]!;
  if (!(Number.isFinite(v0) && Number.isFinite(v1) && Number.isFinite(v2) && Number.isFinite(v3))) return;
  // A corner exactly on the level counts as above (as in d3-contour); the zero-length pieces that makes are dropped below.
  const code = (v0 >= level ? 1 : 0) | (v1 >= level ? 2 : 0) | (v2 >= level ? 4 : 0) | (v3 >= level ? 8 : 0);
  if (code === 0 || code === 15) return;
  const x0 = xs[j]!, x1 = xs[j + 1]!, y0 = ys[i]!, y1 = ys[i + 1]!;
  const f = (a: number, b: number): number => (level - a) / (b - a);
  // Crossing points on the four edges: bottom, right, top, left.
  const bottom = (): [number, number] => [x0 + (x1 - x0) * f(v0, v1), y0];
  const right = (): [number, number] => [x1, y0 + (y1 - y0) * f(v1, v2)];
  const top = (): [number, number] => [x0 + (x1 - x0) * f(v3, v2), y1];
  const left = (): [number, number] => [x0, y0 + (y1 - y0) * f(v0, v3)];
  const seg = (p: [number, number], q: [number, number]): void => {
    if (p[0] !== q[0] || p[1] !== q[1]) out.push({ level, x: p[0], y: p[1], x2: q[0], y2: q[1] });
  };
  const centreAbove = (v0 + v1 + v2 + v3) / 4 >= level;
  switch (code) {
    case 1: case 14: seg(left(), bottom()); break;
    case 2: case 13: seg(bottom(), right()); break;
    case 3: case 12: seg(left(), right()); break;
    case 4: case 11: seg(right(), top()); break;
    case 6: case 9: seg(bottom(), top()); break;
    case 7: case 8: seg(left(), top()); break;
    // Saddles: the cell centre decides which opposite corners are joined.
    case 5: if (centreAbove) { seg(left(), top()); seg(bottom(), right()); } else { seg(left(), bottom()); seg(right(), top()); } break;
    case 10: if (centreAbove) { seg(left(), bottom()); seg(right(), top()); } else { seg(left(), top()); seg(bottom(), right()); } break;
  }
}

/** One iso-line as a chain of points (closed lines repeat their first point at the end). */
export interface ContourLine {
  level: number;
  points: [number, number][];
}

/**
 * The segments of {@link contourSegments} joined end to end into polylines, so a figure
 * draws one path per iso-line instead of one element per grid cell.
 * @example
 * contourLines([0, 1, 2], [0, 1], [[0, 1, 2], [1, 2, 3]], [1.5]) // one line through 3 points
 */
export function contourLines(
  xs: readonly number[], ys: readonly number[], z: readonly (readonly number[])[], levels: readonly number[],
): ContourLine[] {
  const out: ContourLine[] = [];
  for (const level of levels) {
    const segs = contourSegments(xs, ys, z, [level]);
    // Neighbouring cells compute a shared edge's crossing from the same two values, so end points match exactly.
    const key = (x: number, y: number): string => `${x},${y}`;
    const at = new Map<string, number[]>();
    segs.forEach((s, i) => {
      for (const k of [key(s.x, s.y), key(s.x2, s.y2)]) {
        const list = at.get(k);
        if (list) list.push(i); else at.set(k, [i]);
      }
    });
    const used = new Uint8Array(segs.length);
    const extend = (points: [number, number][], from: [number, number]): void => {
      let cur = from;
      for (;;) {
        const next = (at.get(key(cur[0], cur[1])) ?? []).find((i) => used[i] === 0);
        if (next === undefined) return;
        used[next] = 1;
        const s = segs[next]!;
        cur = s.x === cur[0] && s.y === cur[1] ? [s.x2, s.y2] : [s.x, s.y];
        points.push(cur);
      }
    };
    for (let i = 0; i < segs.length; i++) {
      if (used[i] === 1) continue;
      used[i] = 1;
      const s = segs[i]!;
      const forward: [number, number][] = [[s.x, s.y], [s.x2, s.y2]];
      extend(forward, [s.x2, s.y2]);
      const backward: [number, number][] = [];
      extend(backward, [s.x, s.y]);
      out.push({ level, points: [...backward.reverse(), ...forward] });
    }
  }
  return out;
}
