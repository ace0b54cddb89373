// Inverting a continuous cdf: bracket the root by stepping outward from a guess, then
// Newton steps (on the log of the tail probability, so tiny tails converge) that fall
// back to bisection whenever a step leaves the bracket.

/** What the inverter needs from a distribution, all for scalar arguments. */
export interface Invertible {
  /** The support's ends; a finite lower end of 0 means positive support. */
  readonly support: readonly [number, number];
  pdf1(x: number): number;
  cdf1(x: number): number;
  sf1(x: number): number;
  /** cdf(x) - 1/2 computed without cancellation, for distributions symmetric about 0. */
  centered1?(x: number): number;
  /** The center of symmetry, for distributions symmetric about a point. */
  readonly median?: number;
  /** A starting point near the p-quantile (lower tail) or 1 - q-quantile (upper). */
  guess(p: number, upper: boolean): number;
}

const MAX_ITER = 400;

/**
 * The x with cdf(x) = p (upper = false) or sf(x) = p (upper = true), p in (0, 1), to
 * about 1e-15 relative.
 */
export function invert(dist: Invertible, p: number, upper: boolean): number {
  const [lo, hi] = dist.support;
  if (p === 0.5 && dist.median !== undefined) return dist.median;
  const positive = lo === 0;
  // Solve in u = log x on (0, inf): scale-free steps for quantiles from 1e-200 to 1e200.
  const toX = positive ? Math.exp : (u: number) => u;
  const toU = positive ? Math.log : (x: number) => x;
  const center = dist.centered1 !== undefined && p > 0.25 && p < 0.75;
  const logP = Math.log(p);
  const half = upper ? 0.5 - p : p - 0.5; // exact for p in [0.25, 0.75]

  // h(u) increases with u; its root is the quantile. Returns [h, dh/du].
  const h = (u: number): [number, number] => {
    const x = toX(u);
    const dens = dist.pdf1(x) * (positive ? x : 1);
    if (center) {
      const c = dist.centered1!(x);
      return [c - half, dens];
    }
    if (upper) {
      const s = dist.sf1(x);
      return [logP - Math.log(s), dens / s];
    }
    const F = dist.cdf1(x);
    return [Math.log(F) - logP, dens / F];
  };

  // Bracket [a, b] with h(a) <= 0 <= h(b), stepping outward from the guess, never past the
  // float range: a root beyond it is returned as the support's end.
  const uMin = positive ? Math.log(Number.MIN_VALUE) : -Number.MAX_VALUE;
  const uMax = positive ? Math.log(Number.MAX_VALUE) : Number.MAX_VALUE;
  let u = toU(clampToSupport(dist.guess(p, upper), lo, hi));
  if (!Number.isFinite(u)) u = 0;
  u = Math.min(uMax, Math.max(uMin, u));
  let [hu, du] = h(u);
  if (hu === 0) return toX(u);
  let a = NaN, b = NaN, ha = NaN, hb = NaN;
  if (hu < 0) { a = u; ha = hu; } else { b = u; hb = hu; }
  let step = 1;
  while (Number.isNaN(a) || Number.isNaN(b)) {
    const down = Number.isNaN(a);
    const from = down ? b : a;
    if (from === (down ? uMin : uMax)) return down ? (positive ? 0 : -Infinity) : Infinity;
    const next = down ? Math.max(uMin, from - step) : Math.min(uMax, from + step);
    const [hn] = h(next);
    if (hn === 0) return toX(next);
    if (hn < 0) { a = next; ha = hn; } else { b = next; hb = hn; }
    step *= 2;
  }
  if (!(u > a && u < b)) { u = (0.5 * a + 0.5 * b); [hu, du] = h(u); }

  for (let i = 0; i < MAX_ITER; i++) {
    if (hu === 0) return toX(u);
    if (hu < 0) { a = u; ha = hu; } else { b = u; hb = hu; }
    let next = u - hu / du;
    if (!(next > a && next < b) || !Number.isFinite(next)) {
      // A secant-weighted point keeps progress when Newton overshoots; halve if it stalls.
      next = Number.isFinite(ha) && Number.isFinite(hb) && hb !== ha ? a - ha * (b - a) / (hb - ha) : (0.5 * a + 0.5 * b);
      if (!(next > a && next < b) || Math.min(next - a, b - next) < 0.01 * (b - a)) next = (0.5 * a + 0.5 * b);
    }
    const tol = 2e-16 * Math.max(Math.abs(next), positive ? 1 : 1e-300) + (positive ? 0 : 1e-300);
    if (Math.abs(next - u) <= tol || b - a <= tol) return toX(next);
    u = next;
    [hu, du] = h(u);
    if (Number.isNaN(hu)) { u = (0.5 * a + 0.5 * b); [hu, du] = h(u); }
  }
  return toX(u);
}

function clampToSupport(x: number, lo: number, hi: number): number {
  if (Number.isNaN(x)) return lo === 0 ? 1 : 0;
  if (x <= lo) return lo === 0 ? Number.MIN_VALUE * 1e10 : lo;
  if (x >= hi) return hi === Infinity ? 1e300 : hi;
  return x;
}
