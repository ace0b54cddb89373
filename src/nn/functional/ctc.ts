import { div, exp, mul, sub } from "../../ops/elementwise.js";
import { attach, isGradEnabled, needsGrad, noGrad } from "../../ops/graph.js";
import { checkTensor } from "../../ops/operand.js";
import { mean, sum } from "../../ops/reduce.js";
import { reshape, squeeze, unsqueeze } from "../../ops/shape.js";
import { allocate, isFloating } from "../../tensor/dtype.js";
import { fmtShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

// Connectionist temporal classification loss (Graves et al. 2006) with PyTorch's semantics:
// the forward (alpha) recursion in log space gives each sample's negative log-likelihood;
// the gradient is PyTorch's alpha-beta rule, exp(lp) - exp(log(sum alpha*beta) + nll - lp)
// for t < inputLength and 0 after, which is the gradient through a log_softmax.

export interface CtcLossOptions {
  /** Index of the blank label (default 0). */
  blank?: number;
  /** "mean" (default: each loss divided by its target length, then averaged), "sum" or "none". */
  reduction?: "none" | "mean" | "sum";
  /** Replace infinite losses (impossible alignments) and their gradients by zero (default false). */
  zeroInfinity?: boolean;
}

type Lengths = Tensor | readonly number[] | number;

function lengthsOf(x: Lengths, n: number, batched: boolean, what: string): number[] {
  const op = "ctcLoss";
  let vals: number[];
  if (x instanceof Tensor) {
    if (isFloating(x.dtype) || x.dtype === "bool") throw new TypeError(`${op}: ${what} must be an integer tensor, got dtype ${x.dtype}`);
    if (x.ndim > 1) throw new RangeError(`${op}: ${what} must be 0-D or 1-D, got shape ${fmtShape(x.shape)}`);
    vals = Array.from(x.dataSync() as ArrayLike<number>);
  } else if (typeof x === "number") {
    vals = [x];
  } else if (Array.isArray(x)) {
    vals = [...x];
  } else {
    throw new TypeError(`${op}: ${what} must be a tensor, an array of integers or (unbatched) an integer`);
  }
  if (vals.length !== n) throw new RangeError(`${op}: ${what} has ${vals.length} entries, expected ${n} (the batch size${batched ? "" : " of unbatched input, 1"})`);
  vals.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${op}: ${what}[${i}] must be a non-negative integer, got ${v}`);
  });
  return vals;
}

const lse2 = (a: number, b: number): number => {
  const m = a > b ? a : b;
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(a - m) + Math.exp(b - m));
};
const lse3 = (a: number, b: number, c: number): number => {
  const m = a > b ? (a > c ? a : c) : b > c ? b : c;
  return m === -Infinity ? -Infinity : m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m));
};

/**
 * One sample's negative log-likelihood and, if `occ` is given, PyTorch's occupancy term
 * exp(log(sum_s alpha_t(s) beta_t(s)) + nll - lp[t, c]) written into occ[t, n, c].
 */
function ctcSample(lp: Float64Array | Float32Array, T: number, N: number, C: number, n: number, targets: ArrayLike<number>, start: number, tl: number, blank: number, occ: Float64Array | null): number {
  if (T === 0) return tl === 0 ? 0 : Infinity;
  const S = 2 * tl + 1;
  const ext = new Int32Array(S);
  for (let s = 0; s < S; s++) ext[s] = s % 2 === 0 ? blank : targets[start + (s - 1) / 2];
  const row = (t: number) => (t * N + n) * C; // offset of lp[t, n, :]
  // skip[s]: the transition s-2 -> s is allowed (s is a label differing from the one two before)
  const skip = new Uint8Array(S);
  for (let s = 2; s < S; s++) skip[s] = ext[s] !== blank && ext[s] !== ext[s - 2] ? 1 : 0;
  const alpha = new Float64Array(T * S).fill(-Infinity);
  alpha[0] = lp[row(0) + blank];
  if (S > 1) alpha[1] = lp[row(0) + ext[1]];
  for (let t = 1; t < T; t++) {
    const prev = (t - 1) * S, cur = t * S, r = row(t);
    for (let s = 0; s < S; s++) {
      const a = alpha[prev + s];
      const b = s > 0 ? alpha[prev + s - 1] : -Infinity;
      const c = skip[s] ? alpha[prev + s - 2] : -Infinity;
      alpha[cur + s] = lse3(a, b, c) + lp[r + ext[s]];
    }
  }
  const last = (T - 1) * S;
  const nll = -(S > 1 ? lse2(alpha[last + S - 1], alpha[last + S - 2]) : alpha[last + S - 1]);
  if (!occ) return nll;

  const beta = new Float64Array(T * S).fill(-Infinity);
  beta[last + S - 1] = lp[row(T - 1) + ext[S - 1]];
  if (S > 1) beta[last + S - 2] = lp[row(T - 1) + ext[S - 2]];
  for (let t = T - 2; t >= 0; t--) {
    const nxt = (t + 1) * S, cur = t * S, r = row(t);
    for (let s = 0; s < S; s++) {
      const a = beta[nxt + s];
      const b = s + 1 < S ? beta[nxt + s + 1] : -Infinity;
      const c = s + 2 < S && skip[s + 2] ? beta[nxt + s + 2] : -Infinity;
      beta[cur + s] = lse3(a, b, c) + lp[r + ext[s]];
    }
  }
  const lcab = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    lcab.fill(-Infinity);
    for (let s = 0; s < S; s++) lcab[ext[s]] = lse2(lcab[ext[s]], alpha[t * S + s] + beta[t * S + s]);
    const base = row(t);
    for (let c = 0; c < C; c++) occ[base + c] = Math.exp(lcab[c] + nll - lp[base + c]);
  }
  return nll;
}

/**
 * The CTC loss of log-probabilities `logProbs` [T, N, C] (log_softmax over C) against
 * `targets`, either padded [N, S] or all targets concatenated [sum(targetLengths)], with
 * PyTorch's semantics and gradient. `inputLengths` and `targetLengths` give each sample's
 * lengths (tensors or arrays). "mean" divides each loss by its target length (at least 1)
 * and averages over the batch. Unbatched input is [T, C] with targets [S]. A sample with
 * no valid alignment has an infinite loss (zero with `zeroInfinity`). Gradients of the
 * gradient are not defined (nor are they in PyTorch).
 * @example
 * const lp = gl.randn([30, 2, 5]).logSoftmax(2);
 * const targets = gl.tensor([[1, 2, 2], [3, 1, 0]], { dtype: "int32" });
 * F.ctcLoss(lp, targets, [30, 25], [3, 2]); // scalar
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths, opts: CtcLossOptions = {}): Tensor {
  const op = "ctcLoss";
  checkTensor(logProbs, op, "logProbs");
  checkTensor(targets, op, "targets");
  if (!isFloating(logProbs.dtype)) throw new TypeError(`${op}: logProbs must be a floating point tensor, got dtype ${logProbs.dtype}`);
  if (logProbs.ndim !== 3 && logProbs.ndim !== 2) throw new RangeError(`${op}: logProbs must be [T, N, C] (or [T, C] unbatched), got shape ${fmtShape(logProbs.shape)}`);
  if (isFloating(targets.dtype) || targets.dtype === "bool") throw new TypeError(`${op}: targets must be an integer tensor, got dtype ${targets.dtype}`);
  const reduction = opts.reduction ?? "mean";
  if (reduction !== "none" && reduction !== "mean" && reduction !== "sum") throw new TypeError(`${op}: reduction must be "none", "mean" or "sum", got ${JSON.stringify(reduction)}`);
  const batched = logProbs.ndim === 3;
  const x = batched ? logProbs : unsqueeze(logProbs, 1);
  const [T, N, C] = x.shape;
  const blank = opts.blank ?? 0;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new RangeError(`${op}: blank must be in [0, ${C}) (the number of classes), got ${blank}`);
  if (!batched && targets.ndim !== 1) throw new RangeError(`${op}: for unbatched logProbs [T, C], targets must be 1-D, got shape ${fmtShape(targets.shape)}`);
  const il = lengthsOf(inputLengths, N, batched, "inputLengths");
  const tl = lengthsOf(targetLengths, N, batched, "targetLengths");
  il.forEach((v, i) => {
    if (v > T) throw new RangeError(`${op}: inputLengths[${i}] = ${v} exceeds the length of logProbs (T = ${T})`);
  });

  // Where each sample's targets start, and the stride between them.
  const tg = targets.dataSync() as ArrayLike<number>;
  const starts: number[] = [];
  const padded = batched && targets.ndim === 2;
  if (padded) {
    if (targets.shape[0] !== N) throw new RangeError(`${op}: padded targets of shape ${fmtShape(targets.shape)} must have ${N} rows (the batch size)`);
    const smax = targets.shape[1];
    tl.forEach((v, i) => {
      if (v > smax) throw new RangeError(`${op}: targetLengths[${i}] = ${v} exceeds the padded targets' length ${smax}`);
      starts.push(i * smax);
    });
  } else {
    if (targets.ndim !== 1) throw new RangeError(`${op}: targets must be [N, S] (padded) or 1-D (concatenated), got shape ${fmtShape(targets.shape)}`);
    const total = tl.reduce((a, b) => a + b, 0);
    if (batched && targets.shape[0] < total) throw new RangeError(`${op}: concatenated targets have ${targets.shape[0]} entries but targetLengths sum to ${total}`);
    if (!batched && targets.shape[0] < total) throw new RangeError(`${op}: targets have ${targets.shape[0]} entries but targetLength is ${total}`);
    let off = 0;
    for (const v of tl) { starts.push(off); off += v; }
  }
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < tl[i]; j++) {
      const v = tg[starts[i] + j];
      if (v < 0 || v >= C) throw new RangeError(`${op}: target ${v} of sample ${i} is not a class index in [0, ${C})`);
    }
  }

  const zeroInf = opts.zeroInfinity ?? false;
  const wantGrad = needsGrad(x);
  const lp = x.dataSync() as Float32Array | Float64Array;
  const occ = wantGrad ? new Float64Array(T * N * C) : null;
  const nll = allocate(x.dtype, N);
  const valid = allocate(x.dtype, T * N); // 1 where the gradient's exp(lp) term applies
  for (let n = 0; n < N; n++) {
    const v = ctcSample(lp, il[n], N, C, n, tg, starts[n], tl[n], blank, occ);
    const dead = zeroInf && v === Infinity;
    nll[n] = dead ? 0 : v;
    for (let t = 0; t < il[n] && !dead; t++) valid[t * N + n] = 1;
    if (dead && occ) for (let t = 0; t < T; t++) occ.fill(0, (t * N + n) * C, (t * N + n + 1) * C);
  }
  const losses = Tensor.fromArray(nll, [N], x.dtype);
  if (wantGrad) {
    const occT = Tensor.fromArray(x.dtype === "float64" ? occ! : Float32Array.from(occ!), [T, N, C], x.dtype);
    const validT = Tensor.fromArray(valid, [T, N, 1], x.dtype);
    attach(losses, "CtcLossBackward", [x], (g) => {
      const grad = noGrad(() => mul(reshape(g, 1, N, 1), sub(mul(exp(x), validT), occT)));
      if (isGradEnabled() && needsGrad(x, g)) {
        // createGraph: PyTorch defines no derivative of this rule, so differentiating through it is an error, not a silent zero.
        attach(grad, "CtcLossBackwardBackward", [x, g], () => {
          throw new Error("ctcLoss: the gradient of ctcLoss's gradient (second order) is not defined, as in PyTorch; take second-order gradients of a loss without ctcLoss");
        });
      }
      return [grad];
    }, [x]);
  }
  const out = batched ? losses : squeeze(losses, 0);
  if (reduction === "none") return out;
  if (reduction === "sum") return sum(losses);
  const lens = Tensor.fromArray(allocate(x.dtype, N).map((_, i) => Math.max(tl[i], 1)), [N], x.dtype);
  return mean(div(losses, lens));
}
