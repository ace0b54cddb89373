import { enableGrad, noGrad } from "../ops/graph.js";
import { randn, zeros } from "../tensor/creation.js";
import { isFloating } from "../tensor/dtype.js";
import { Generator } from "../tensor/random.js";
import type { Shape } from "../tensor/shape.js";
import { contiguousStrides, fmtShape, numel } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { grad } from "./engine.js";

// Finite-difference checks of gradient rules: every entry of the Jacobian that backward
// computes (one vector-Jacobian product per output element) against central differences.

export interface GradcheckOptions {
  /** Step of the central differences. */
  eps?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance (of the numerical value). */
  rtol?: number;
}

export interface GradgradcheckOptions extends GradcheckOptions {
  /** Seed of the random output gradients (when `gradOutputs` is not given). */
  seed?: number;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function asList(r: Tensor | readonly Tensor[]): Tensor[] {
  return Array.isArray(r) ? [...(r as Tensor[])] : [r as Tensor];
}

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const outs = asList(fn(...inputs));
  outs.forEach((o, i) => {
    if (!(o instanceof Tensor)) throw new TypeError(`gradcheck: fn must return a Tensor or an array of Tensors; output ${i} is ${o === null ? "null" : typeof o}`);
  });
  return outs;
}

/** Storage positions of a tensor's elements in row-major order. */
function positions(t: Tensor): number[] {
  const out: number[] = [];
  const rec = (d: number, off: number): void => {
    if (d === t.ndim) { out.push(off); return; }
    for (let i = 0; i < t.shape[d]; i++) rec(d + 1, off + i * t.strides[d]);
  };
  rec(0, t.offset);
  return out;
}

/** The multi-index of flat element `k` of `shape`, as "[i,j]". */
function indexOf(k: number, shape: Shape): string {
  const st = contiguousStrides(shape);
  return fmtShape(st.map((s, d) => Math.floor(k / s) % shape[d]));
}

/** Values of the outputs flattened to float64. */
function flatValues(outs: readonly Tensor[]): Float64Array[] {
  return outs.map((o) => Float64Array.from(o.dataSync() as ArrayLike<number>));
}

function validate(inputs: Tensor[], op: string): number[] {
  const checked: number[] = [];
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: input ${i} is not a Tensor`);
    if (!x.requiresGrad) return;
    if (x.dtype !== "float64") {
      throw new TypeError(`${op}: input ${i} (shape ${fmtShape(x.shape)}) has dtype ${x.dtype}, but finite differences need float64 inputs to be accurate; create it with { dtype: "float64" } or call .double() on a leaf before requiresGrad_()`);
    }
    x.shape.forEach((s, d) => {
      if (s > 1 && x.strides[d] === 0) throw new RangeError(`${op}: input ${i} (shape ${fmtShape(x.shape)}) has overlapping memory (stride 0 in dim ${d}, e.g. from expand); pass a contiguous copy`);
    });
    checked.push(i);
  });
  if (checked.length === 0) throw new Error(`${op}: no input requires grad; create the inputs to check with { requiresGrad: true }`);
  return checked;
}

/**
 * The analytical Jacobian rows: for output `o` and its element `j`, the gradient of
 * out[o][j] with respect to each checked input, flattened (zeros where there is no path).
 */
function analyticalJacobian(outs: Tensor[], inputs: Tensor[], checked: number[]): Float64Array[][][] {
  const xs = checked.map((i) => inputs[i]);
  return outs.map((o) => {
    const rows: Float64Array[][] = [];
    const n = o.numel();
    for (let j = 0; j < n; j++) {
      if (!o.requiresGrad || !isFloating(o.dtype)) { rows.push(xs.map((x) => new Float64Array(x.numel()))); continue; }
      const onehot = zeros(o.shape, { dtype: o.dtype });
      onehot.data[j] = 1;
      const gs = grad([o], xs, { gradOutputs: [onehot], retainGraph: true, allowUnused: true });
      rows.push(gs.map((g, k) => {
        if (g === null) return new Float64Array(xs[k].numel());
        if (!shapesMatch(g.shape, xs[k].shape)) throw new Error(`gradcheck: gradient for input ${checked[k]} has shape ${fmtShape(g.shape)} but the input has shape ${fmtShape(xs[k].shape)}`);
        return Float64Array.from(g.dataSync() as ArrayLike<number>);
      }));
    }
    return rows;
  });
}

function shapesMatch(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * Checks `fn`'s gradients against central finite differences, entry by entry of the
 * Jacobian of every output with respect to every input that requires grad (one backward
 * per output element). Inputs that require grad must be float64. Returns true, or throws
 * an Error naming the output, the input, the element and the analytical and numerical
 * values. Passes when |analytical - numerical| <= atol + rtol * |numerical|, PyTorch's
 * criterion and defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
 * @example
 * const x = gl.randn([3], { dtype: "float64", requiresGrad: true });
 * gl.autograd.gradcheck((x) => x.sin().mul(x), [x]); // true
 */
export function gradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], opts: GradcheckOptions = {}): true {
  return check(fn, asList(inputs), opts, "gradcheck");
}

function check(fn: Fn, inputs: Tensor[], opts: GradcheckOptions, op: string): true {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  const checked = validate(inputs, op);
  const outs = enableGrad(() => outputsOf(fn, inputs));
  const analytical = analyticalJacobian(outs, inputs, checked);
  // Finite differences need no graph; gradgradcheck's fn turns grad mode back on itself.
  const evaluate = () => flatValues(noGrad(() => outputsOf(fn, inputs)));

  checked.forEach((inputIdx, k) => {
    const x = inputs[inputIdx];
    const pos = positions(x);
    const data = x.data;
    for (let e = 0; e < pos.length; e++) {
      const orig = data[pos[e]];
      let plus: Float64Array[], minus: Float64Array[];
      try {
        data[pos[e]] = orig + eps;
        plus = evaluate();
        data[pos[e]] = orig - eps;
        minus = evaluate();
      } finally {
        data[pos[e]] = orig;
      }
      for (let o = 0; o < outs.length; o++) {
        for (let j = 0; j < plus[o].length; j++) {
          const num = (plus[o][j] - minus[o][j]) / (2 * eps);
          const ana = analytical[o][j][k][e];
          if (!(Math.abs(ana - num) <= atol + rtol * Math.abs(num))) {
            throw new Error(
              `${op}: Jacobian mismatch for output ${o} with respect to input ${inputIdx}: ` +
                `d out[${o}]${indexOf(j, outs[o].shape)} / d in[${inputIdx}]${indexOf(e, x.shape)} ` +
                `(output element ${j}, input element ${e}) is ${ana} analytically but ${num} numerically ` +
                `(|difference| ${Math.abs(ana - num)} > atol ${atol} + rtol ${rtol} * |numerical|; input shape ${fmtShape(x.shape)}, output shape ${fmtShape(outs[o].shape)})`,
            );
          }
        }
      }
    }
  });
  return true;
}

/**
 * Checks second derivatives: runs gradcheck on the function that maps (inputs, v) to the
 * vector-Jacobian products v·J computed with `createGraph`, so every backward rule is
 * itself differentiated and compared against finite differences. `gradOutputs` (v)
 * default to seeded random normals, as in torch.autograd.gradgradcheck.
 * @example
 * const x = gl.randn([3], { dtype: "float64", requiresGrad: true });
 * gl.autograd.gradgradcheck((x) => x.pow(3), [x]); // true
 */
export function gradgradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], gradOutputs?: Tensor | readonly Tensor[] | null, opts: GradgradcheckOptions = {}): true {
  const xs = asList(inputs);
  const checked = validate(xs, "gradgradcheck");
  const outs = enableGrad(() => outputsOf(fn, xs));
  const diff = outs.map((o, i) => ({ o, i })).filter(({ o }) => o.requiresGrad && isFloating(o.dtype)).map(({ i }) => i);
  let vs: Tensor[];
  if (gradOutputs === undefined || gradOutputs === null) {
    const gen = new Generator(opts.seed ?? 0);
    vs = diff.map((i) => randn(outs[i].shape, { dtype: "float64", generator: gen, requiresGrad: true }));
  } else {
    vs = asList(gradOutputs);
    if (vs.length !== diff.length) {
      throw new RangeError(`gradgradcheck: got ${vs.length} gradOutputs for ${diff.length} differentiable outputs`);
    }
    vs.forEach((v, k) => {
      if (!shapesMatch(v.shape, outs[diff[k]].shape)) throw new RangeError(`gradgradcheck: gradOutputs[${k}] has shape ${fmtShape(v.shape)} but output ${diff[k]} has shape ${fmtShape(outs[diff[k]].shape)}`);
    });
  }
  const n = xs.length;
  const vjpFn = (...all: Tensor[]): Tensor[] => enableGrad(() => {
    const ins = all.slice(0, n);
    const ys = outputsOf(fn, ins);
    const targets = checked.map((i) => ins[i]);
    const gs = grad(diff.map((i) => ys[i]), targets, { gradOutputs: all.slice(n), createGraph: true, allowUnused: true });
    return gs.map((g, k) => g ?? zeros(targets[k].shape, { dtype: targets[k].dtype }));
  });
  return check(vjpFn, [...xs, ...vs], opts, "gradgradcheck");
}
