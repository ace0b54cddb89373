import { noGrad } from "../ops/graph.js";
import { assignData } from "../ops/inplace.js";
import type { Generator } from "../tensor/random.js";
import { defaultGenerator } from "../tensor/random.js";
import { fmtShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

// nn.init: in-place initialisers (no graph recorded) that return the tensor, with
// PyTorch's fan and gain conventions. Random ones draw from the default generator
// unless one is passed.

export type Nonlinearity = "linear" | "conv1d" | "conv2d" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";

/** Recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear": case "conv1d": case "conv2d": case "sigmoid": return 1;
    case "tanh": return 5 / 3;
    case "relu": return Math.SQRT2;
    case "leaky_relu": { const a = param ?? 0.01; return Math.sqrt(2 / (1 + a * a)); }
    case "selu": return 3 / 4;
  }
  throw new TypeError(`calculateGain: unsupported nonlinearity "${nonlinearity}"`);
}

/** [fanIn, fanOut] of a weight laid out as PyTorch does ([out, in, ...kernel]). */
export function fans(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new RangeError(`init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${fmtShape(t.shape)})`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fill(t: Tensor, draw: () => number): Tensor {
  const n = t.numel();
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = draw();
  noGrad(() => assignData(t, Tensor.fromArray(vals, t.shape.slice(), "float64")));
  return t;
}

/** U(a, b) in place. */
export const uniform_ = (t: Tensor, a = 0, b = 1, g: Generator = defaultGenerator) => fill(t, () => a + (b - a) * g.uniform());
/** N(mean, std^2) in place. */
export const normal_ = (t: Tensor, mean = 0, std = 1, g: Generator = defaultGenerator) => fill(t, () => mean + std * g.normal());
export const constant_ = (t: Tensor, v: number) => fill(t, () => v);
export const zeros_ = (t: Tensor) => constant_(t, 0);
export const ones_ = (t: Tensor) => constant_(t, 1);

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, g: Generator = defaultGenerator): Tensor {
  const [fi, fo] = fans(t);
  const a = gain * Math.sqrt(6 / (fi + fo));
  return uniform_(t, -a, a, g);
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, g: Generator = defaultGenerator): Tensor {
  const [fi, fo] = fans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fi + fo)), g);
}

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (PyTorch's `a`, default 0). */
  a?: number;
  mode?: "fanIn" | "fanOut";
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const [fi, fo] = fans(t);
  const fan = (o.mode ?? "fanIn") === "fanIn" ? fi : fo;
  return calculateGain(o.nonlinearity ?? "leaky_relu", o.a ?? 0) / Math.sqrt(fan);
}

/** He uniform: U(-b, b) with b = gain * sqrt(3 / fan). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const b = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform_(t, -b, b, opts.generator);
}

/** He normal: N(0, (gain / sqrt(fan))^2). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, opts), opts.generator);
}

/**
 * A (semi-)orthogonal matrix scaled by `gain` (Saxe et al. 2013): Gram–Schmidt on a
 * Gaussian matrix, with signs fixed so the result is uniformly distributed.
 */
export function orthogonal_(t: Tensor, gain = 1, g: Generator = defaultGenerator): Tensor {
  if (t.ndim < 2) throw new RangeError(`orthogonal_: only tensors with 2 or more dimensions are supported (shape ${fmtShape(t.shape)})`);
  const rows = t.shape[0], cols = t.numel() / rows;
  const tall = rows >= cols;
  const m = tall ? rows : cols, n = tall ? cols : rows; // orthonormalise n vectors of length m
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = g.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i] * v[i];
        for (let i = 0; i < m; i++) v[i] -= d * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) v[i] /= norm;
    q.push(v);
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? q[c][r] : q[r][c]);
  noGrad(() => assignData(t, Tensor.fromArray(out, t.shape.slice(), "float64")));
  return t;
}
