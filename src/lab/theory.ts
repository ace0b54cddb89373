import { cast } from "../ops/cast.js";
import { svd } from "../ops/linalg/svd.js";
import { matmul } from "../ops/matmul.js";
import { Tensor } from "../tensor/tensor.js";
import type { ModeHalfTime, ModeTheory } from "./types.js";

// The learning dynamics of a two-layer linear network trained on Y from one-hot inputs,
// mode by mode (Saxe, McClelland & Ganguli 2013). The derivations are in docs/lab-theory.md.

/** The singular modes of the data's input-output correlation Y^T X = Y^T (X one-hot): Y^T = U diag(s) V^T. */
export interface DataModes {
  /** Singular values, descending. */
  s: number[];
  /** U [nFeatures, k] row-major: column a is the feature-space direction of mode a. */
  U: Float64Array;
  /** V [nItems, k] row-major: column a is the item-space direction of mode a. */
  V: Float64Array;
  nItems: number;
  nFeatures: number;
  /** ||Y||_F^2 (the loss of the zero network, times nItems nFeatures). */
  totalSquares: number;
}

/**
 * The SVD of Y^T for targets Y [nItems, nFeatures] (row-major), in float64.
 * @example const modes = dataModes(Y, 8, 10000); modes.s[0] // the strongest mode
 */
export function dataModes(Y: ArrayLike<number>, nItems: number, nFeatures: number): DataModes {
  const yt = new Float64Array(nFeatures * nItems);
  let totalSquares = 0;
  for (let i = 0; i < nItems; i++) {
    for (let f = 0; f < nFeatures; f++) {
      const y = Y[i * nFeatures + f];
      yt[f * nItems + i] = y;
      totalSquares += y * y;
    }
  }
  const r = svd(Tensor.fromArray(yt, [nFeatures, nItems], "float64"), { fullMatrices: false });
  const k = Math.min(nItems, nFeatures);
  const vh = r.Vh.dataSync();
  const V = new Float64Array(nItems * k);
  for (let a = 0; a < k; a++) for (let i = 0; i < nItems; i++) V[i * k + a] = vh[a * nItems + i];
  return { s: Array.from(r.S.dataSync()), U: Float64Array.from(r.U.dataSync()), V, nItems, nFeatures, totalSquares };
}

/**
 * The mode strengths a_a = u_a^T W_tot v_a of a network whose outputs for the one-hot items
 * are `out` [nItems, nFeatures] (out = W_tot^T).
 * @example modeStrengths(modes, out) // one number per mode
 */
export function modeStrengths(modes: DataModes, out: Tensor): number[] {
  const k = modes.s.length, P = modes.nItems;
  // (out U)[i, a] = out[i, :] . u_a, then a_a = sum_i v_a[i] (out U)[i, a].
  const B = matmul(cast(out, "float64"), modesU(modes)).dataSync();
  const res: number[] = [];
  for (let a = 0; a < k; a++) {
    let acc = 0;
    for (let i = 0; i < P; i++) acc += modes.V[i * k + a] * B[i * k + a];
    res.push(acc);
  }
  return res;
}

/** U as a float64 tensor [nFeatures, k], made once per DataModes. */
function modesU(modes: DataModes): Tensor {
  let t = uTensors.get(modes);
  if (!t) {
    t = Tensor.fromArray(modes.U, [modes.nFeatures, modes.s.length], "float64");
    uTensors.set(modes, t);
  }
  return t;
}
const uTensors = new WeakMap<DataModes, Tensor>();

/** The initial state of each mode, read off the initial weights (see docs/lab-theory.md). */
export interface InitialModes {
  /** u_a^T W_tot(0) v_a. */
  projections: number[];
  /** Effective initial strength |m_a|^2 of each mode's growing, balanced part. */
  a0: number[];
  /** The growing parts m_a = (W1 v_a + W2^T u_a) / 2 in hidden space, one per mode. */
  growing: Float64Array[];
}

/**
 * Reads each mode's initial state from W1 [hidden, nItems] and W2 [nFeatures, hidden]
 * (row-major). With p_a = W1 v_a and q_a = W2^T u_a, the early (linear) dynamics
 * p <- p + eta' s q, q <- q + eta' s p grow m_a = (p_a + q_a) / 2 by (1 + eta' s_a) per
 * step and shrink d_a = (p_a - q_a) / 2 by (1 - eta' s_a), while u^T W_tot v = |m|^2 - |d|^2;
 * so the balanced, aligned part that the scalar theory follows starts at a0 = |m_a|^2.
 * @example initialModes(modes, W1, W2, 30).a0
 */
export function initialModes(modes: DataModes, W1: ArrayLike<number>, W2: ArrayLike<number>, hidden: number): InitialModes {
  const { U, V, nItems: P, nFeatures: N, s } = modes;
  const k = s.length, H = hidden;
  const p = new Float64Array(k * H), q = new Float64Array(k * H);
  for (let a = 0; a < k; a++) {
    for (let h = 0; h < H; h++) {
      let acc = 0;
      for (let i = 0; i < P; i++) acc += W1[h * P + i] * V[i * k + a];
      p[a * H + h] = acc;
    }
  }
  for (let f = 0; f < N; f++) {
    for (let a = 0; a < k; a++) {
      const u = U[f * k + a];
      if (u === 0) continue;
      for (let h = 0; h < H; h++) q[a * H + h] += u * W2[f * H + h];
    }
  }
  const projections: number[] = [], a0: number[] = [], growing: Float64Array[] = [];
  for (let a = 0; a < k; a++) {
    let dot = 0, n2 = 0;
    const m = new Float64Array(H);
    for (let h = 0; h < H; h++) {
      dot += p[a * H + h] * q[a * H + h];
      m[h] = (p[a * H + h] + q[a * H + h]) / 2;
      n2 += m[h] * m[h];
    }
    projections.push(dot);
    a0.push(n2);
    growing.push(m);
  }
  return { projections, a0, growing };
}

/** A squared remainder below this fraction of the whole is rounding, not a component (R^H is used up). */
const NOTHING_LEFT = 1e-10;

/** A mode strength this many times its singular value means the discrete map has diverged. */
const DIVERGED = 1e6;

/**
 * The exact discrete-step dynamics of every mode, strongest first. Each mode follows the
 * balanced map b <- b (1 + eta' (s - a)) (a = b^2), except that the part of its growing
 * vector m_a along the direction of a stronger mode c is also damped by that mode's
 * strength, b_c <- b_c (1 + eta' (s_a - a - a_c)): once c is learned, W2^T W2 holds a_c along
 * c's direction and pushes a's component there back (docs/lab-theory.md). Returns
 * [mode][epoch] for epochs 0..epochs (shorter if the map diverges).
 * @example discreteModeDynamics(modes.s, init.growing, 0.0025, 250)
 */
export function discreteModeDynamics(s: readonly number[], growing: readonly Float64Array[], etaEff: number, epochs: number): number[][] {
  const k = s.length, H = growing[0]?.length ?? 0;
  const order = s.map((_, a) => a).sort((x, y) => s[y] - s[x] || x - y);
  const out: number[][] = new Array(k);
  const basis: { e: Float64Array; mode: number }[] = [];
  for (const a of order) {
    // Components of m_a along the stronger modes' directions, and the free rest.
    const m = growing[a];
    let n2 = 0;
    for (let h = 0; h < H; h++) n2 += m[h] * m[h];
    const comps: { b: number; mode: number }[] = [];
    let rest = n2;
    for (const { e, mode } of basis) {
      let dot = 0;
      for (let h = 0; h < H; h++) dot += m[h] * e[h];
      comps.push({ b: Math.abs(dot), mode });
      rest -= dot * dot;
    }
    // With as many stronger modes as hidden units nothing is free: what rounding leaves is not a part.
    let free = rest > NOTHING_LEFT * n2 ? Math.sqrt(rest) : 0;
    const traj: number[] = [];
    for (let t = 0; t <= epochs; t++) {
      let A = free * free;
      for (const c of comps) A += c.b * c.b;
      // Far above s the map has diverged (lr too large): stop before the numbers overflow.
      if (!(A <= DIVERGED * s[a])) break;
      traj.push(A);
      free *= 1 + etaEff * (s[a] - A);
      for (const c of comps) c.b *= 1 + etaEff * (s[a] - A - (out[c.mode][t] ?? s[c.mode]));
    }
    out[a] = traj;
    addToBasis(basis, m, a);
  }
  return out;
}

/** Gram-Schmidt: adds the unit direction of v orthogonal to the basis (if any is left). */
function addToBasis(basis: { e: Float64Array; mode: number }[], v0: Float64Array, mode: number): void {
  const v = Float64Array.from(v0);
  for (const { e } of basis) {
    let dot = 0;
    for (let h = 0; h < v.length; h++) dot += v[h] * e[h];
    for (let h = 0; h < v.length; h++) v[h] -= dot * e[h];
  }
  let n = 0, n0 = 0;
  for (let h = 0; h < v.length; h++) {
    n += v[h] * v[h];
    n0 += v0[h] * v0[h];
  }
  // Nothing left (more modes than hidden units): rounding noise is not a direction.
  if (n > NOTHING_LEFT * n0 && n > 0) {
    n = Math.sqrt(n);
    basis.push({ e: v.map((x) => x / n), mode });
  }
}

/**
 * Saxe's continuous-time solution a(t) = s e^{2st/tau} / (e^{2st/tau} - 1 + s/a0), written
 * as s / (1 + (s/a0 - 1) e^{-2st/tau}) so it neither overflows nor loses precision.
 * @example continuousStrength(100, 1e-20, 400, 50)
 */
export function continuousStrength(s: number, a0: number, tau: number, t: number): number {
  if (a0 <= 0) return 0;
  return s / (1 + (s / a0 - 1) * Math.exp((-2 * s * t) / tau));
}

/**
 * The exact discrete-step map of a balanced, aligned mode: each layer's strength b (a = b^2)
 * follows b <- b (1 + eta' (s - b^2)), so a_{k+1} = a_k (1 + eta' (s - a_k))^2.
 * Returns a_0..a_epochs; stops (returning what it has) if the map diverges (a > 1e6 s).
 * @example discreteStrengths(100, 1e-20, 0.0025, 250)
 */
export function discreteStrengths(s: number, a0: number, etaEff: number, epochs: number): number[] {
  const out = [a0];
  let a = a0;
  for (let k = 0; k < epochs; k++) {
    const g = 1 + etaEff * (s - a);
    a = a * g * g;
    if (!(a <= DIVERGED * s)) break;
    out.push(a);
  }
  return out;
}

/**
 * The first index at which the series reaches half its final (last) value; null when the
 * mode was not learned: its final value is below half of `target` (its singular value).
 * @example halfTime([0, 1, 3, 4], 4) // 2
 */
export function halfTime(series: readonly number[], target: number): number | null {
  const last = series[series.length - 1];
  if (!(last >= target / 2) || !(last > 0)) return null;
  const i = series.findIndex((v) => v >= last / 2);
  return i < 0 ? null : i;
}

/**
 * The whole mode theory of a run: per-layer step eta' = 2 lr / (nItems nFeatures) (MSE's mean
 * over all entries), tau = 1 / eta', both predictions for epochs 0..epochs, and half-times
 * next to the trained network's (`trained[e][a]` strengths, `trainedSv[e][a]` singular values).
 * @example modeTheory(modes, init, 100, 250, strengths, svs)
 */
export function modeTheory(modes: DataModes, init: InitialModes, lr: number, epochs: number, trained: number[][], trainedSv: number[][]): ModeTheory {
  const etaEff = (2 * lr) / (modes.nItems * modes.nFeatures);
  const tau = 1 / etaEff;
  const k = modes.s.length;
  const disc = discreteModeDynamics(modes.s, init.growing, etaEff, epochs);
  // The discrete rows stop where a mode's map diverged (lr too large); the continuous ones never do.
  const steps = Math.min(epochs, ...disc.map((d) => d.length - 1));
  const continuous: number[][] = [], discrete: number[][] = [];
  for (let e = 0; e <= epochs; e++) continuous.push(modes.s.map((s, a) => continuousStrength(s, init.a0[a], tau, e)));
  for (let e = 0; e <= steps; e++) discrete.push(disc.map((d) => d[e]));
  const column = (rows: number[][], a: number) => rows.map((r) => r[a]);
  const halfTimes: ModeHalfTime[] = [];
  for (let a = 0; a < k; a++) {
    halfTimes.push({
      mode: a,
      singularValue: modes.s[a],
      trained: trained.length ? halfTime(column(trained, a), modes.s[a]) : null,
      trainedSingularValue: trainedSv.length ? halfTime(column(trainedSv, a), modes.s[a]) : null,
      discrete: halfTime(column(discrete, a), modes.s[a]),
      continuous: halfTime(column(continuous, a), modes.s[a]),
    });
  }
  const n = modes.nItems * modes.nFeatures;
  const rest = Math.max(modes.totalSquares - modes.s.reduce((acc, s) => acc + s * s, 0), 0);
  const impliedLoss = (a: number[]) => (rest + a.reduce((acc, v, i) => acc + (modes.s[i] - v) ** 2, 0)) / n;
  const lossAfterMode: number[] = [];
  let learned = 0;
  for (const s of modes.s) {
    learned += s * s;
    lossAfterMode.push(Math.max(modes.totalSquares - learned, 0) / n);
  }
  return {
    singularValues: modes.s, etaEff, tau: Number.isFinite(tau) ? tau : null, initialProjections: init.projections, a0: init.a0,
    continuous, discrete, continuousLoss: continuous.map(impliedLoss), discreteLoss: discrete.map(impliedLoss),
    lossAfterMode, halfTimes,
  };
}
