import { enableGrad } from "../ops/graph.js";
import { cast } from "../ops/cast.js";
import { ones, zeros } from "../tensor/creation.js";
import { isFloating, allocate } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { grad } from "./engine.js";

// Function transforms built on reverse mode, like torch.autograd.functional: vjp, jvp
// (by the double-vjp trick), and whole Jacobians and Hessians by repeated vjp.

export interface FunctionalOptions {
  /** Keep the results differentiable with respect to primals that require grad. */
  createGraph?: boolean;
}

type Many = Tensor | readonly Tensor[];

function asList(x: Many, op: string, what: string): Tensor[] {
  const list = Array.isArray(x) ? [...(x as Tensor[])] : [x as Tensor];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${what} ${i} must be a Tensor, got ${t === null ? "null" : typeof t}`);
  });
  return list;
}

/** The same structure as `like`: a single tensor, or an array. */
function shaped<T>(list: T[], like: unknown): T | T[] {
  return Array.isArray(like) ? list : list[0];
}

/** Primals as the tensors to differentiate with respect to (fresh leaves unless createGraph keeps them). */
function prepare(primals: Tensor[], op: string, createGraph: boolean): Tensor[] {
  return primals.map((p, i) => {
    if (!isFloating(p.dtype)) throw new TypeError(`${op}: input ${i} (shape ${fmtShape(p.shape)}) has dtype ${p.dtype}; only floating point inputs can be differentiated`);
    if (createGraph && p.requiresGrad) return p;
    return p.detach().requiresGrad_(true);
  });
}

function checkLike(vs: Tensor[], refs: Tensor[], op: string, what: string, of: string): void {
  if (vs.length !== refs.length) throw new RangeError(`${op}: expected ${refs.length} ${what} (one per ${of}), got ${vs.length}`);
  vs.forEach((v, i) => {
    if (!shapesEqual(v.shape, refs[i].shape)) {
      throw new RangeError(`${op}: ${what} ${i} has shape ${fmtShape(v.shape)} but ${of} ${i} has shape ${fmtShape(refs[i].shape)}`);
    }
  });
}

function finish(ts: Tensor[], createGraph: boolean): Tensor[] {
  return createGraph ? ts : ts.map((t) => (t.requiresGrad ? t.detach() : t));
}

/**
 * Vector-Jacobian product v·J of `fn` at `inputs` (reverse mode, one backward pass), with
 * fn's output. `v` has the output's shape; it may be omitted for a scalar output.
 * Results have the structure of `inputs`.
 * @example
 * const { output, vjp } = gl.autograd.vjp((x) => x.pow(2), gl.tensor([1, 2]), gl.tensor([1, 1]));
 * vjp.toArray(); // [2, 4]
 */
export function vjp<I extends Many, O extends Many>(fn: (...inputs: Tensor[]) => O, inputs: I, v?: Many | null, opts: FunctionalOptions = {}): { output: O; vjp: I } {
  const createGraph = opts.createGraph ?? false;
  const xs = prepare(asList(inputs, "vjp", "input"), "vjp", createGraph);
  const out = enableGrad(() => fn(...xs));
  const ys = asList(out, "vjp", "output");
  let vs: Tensor[];
  if (v === undefined || v === null) {
    if (ys.length !== 1 || ys[0].numel() !== 1) {
      throw new RangeError(`vjp: v can be omitted only when fn returns a single one-element tensor; got outputs of shapes ${ys.map((y) => fmtShape(y.shape)).join(", ")}`);
    }
    vs = [ones(ys[0].shape, { dtype: ys[0].dtype })];
  } else {
    vs = asList(v, "vjp", "v");
    checkLike(vs, ys, "vjp", "v", "output");
  }
  const used = ys.map((y, i) => i).filter((i) => ys[i].requiresGrad);
  const gs = used.length === 0 ? xs.map(() => null) : enableGrad(() => grad(used.map((i) => ys[i]), xs, { gradOutputs: used.map((i) => vs[i]), createGraph, allowUnused: true }));
  const res = gs.map((g, i) => g ?? zeros(xs[i].shape, { dtype: xs[i].dtype }));
  return { output: shaped(finish(ys, createGraph), out) as O, vjp: shaped(finish(res, createGraph), inputs) as I };
}

/**
 * Jacobian-vector product J·v of `fn` at `primals` (forward mode), with fn's output.
 * Computed by the double-vjp trick, as torch.autograd.functional.jvp does: with a dummy
 * cotangent u, g(u) = uᵀJ is linear in u, so differentiating g·v with respect to u gives
 * J·v — two backward passes, the second through the graph of the first.
 * @example
 * const { jvp } = gl.autograd.jvp((x) => x.pow(2), [gl.tensor([1, 2])], [gl.tensor([1, 0])]);
 * jvp.toArray(); // [2, 0]
 */
export function jvp<O extends Many>(fn: (...primals: Tensor[]) => O, primals: Many, tangents: Many, opts: FunctionalOptions = {}): { output: O; jvp: O } {
  const createGraph = opts.createGraph ?? false;
  const xs = prepare(asList(primals, "jvp", "primal"), "jvp", createGraph);
  const ts = asList(tangents, "jvp", "tangent");
  checkLike(ts, xs, "jvp", "tangents", "primal");
  const out = enableGrad(() => fn(...xs));
  const ys = asList(out, "jvp", "output");
  const res = enableGrad(() => {
    const used = ys.map((_, i) => i).filter((i) => ys[i].requiresGrad && isFloating(ys[i].dtype));
    const jv: (Tensor | null)[] = ys.map(() => null);
    if (used.length > 0) {
      const us = used.map((i) => zeros(ys[i].shape, { dtype: ys[i].dtype, requiresGrad: true }));
      const gs = grad(used.map((i) => ys[i]), xs, { gradOutputs: us, createGraph: true, allowUnused: true });
      // Inputs with no path, and rules with a constant gradient, contribute nothing.
      const live = gs.map((g, i) => i).filter((i) => gs[i] !== null && gs[i]!.requiresGrad);
      if (live.length > 0) {
        const jus = grad(live.map((i) => gs[i]!), us, { gradOutputs: live.map((i) => cast(ts[i], gs[i]!.dtype)), createGraph, allowUnused: true });
        used.forEach((yi, k) => { jv[yi] = jus[k]; });
      }
    }
    return jv.map((j, i) => j ?? zeros(ys[i].shape, { dtype: isFloating(ys[i].dtype) ? ys[i].dtype : "float32" }));
  });
  return { output: shaped(finish(ys, createGraph), out) as O, jvp: shaped(finish(res, createGraph), out) as O };
}

/** Rows of the Jacobian of `ys` with respect to `xs`: out[o][i] has shape ys[o].shape ++ xs[i].shape. */
function jacobianBlocks(ys: Tensor[], xs: Tensor[]): Tensor[][] {
  return ys.map((y) => {
    const n = y.numel();
    const blocks = xs.map((x) => ({ data: allocate(x.dtype, n * x.numel()), m: x.numel() }));
    if (y.requiresGrad && isFloating(y.dtype)) {
      for (let j = 0; j < n; j++) {
        const onehot = zeros(y.shape, { dtype: y.dtype });
        onehot.data[j] = 1;
        const gs = grad([y], xs, { gradOutputs: [onehot], retainGraph: true, allowUnused: true });
        gs.forEach((g, i) => { if (g) blocks[i].data.set(g.dataSync() as never, j * blocks[i].m); });
      }
    }
    return blocks.map((b, i) => Tensor.fromArray(b.data, [...y.shape, ...xs[i].shape], xs[i].dtype));
  });
}

/**
 * The Jacobian of `fn` at `inputs`, one vjp per output element (so best for functions
 * with few outputs). For one input and one output it is a tensor of shape
 * output.shape ++ input.shape; for several inputs an array over inputs, for several
 * outputs an array over outputs (of arrays over inputs when both), as in
 * torch.autograd.functional.jacobian. The result is not differentiable.
 * @example
 * gl.autograd.functional.jacobian((x) => x.pow(2), gl.tensor([1, 2])).toArray(); // [[2, 0], [0, 4]]
 */
export function jacobian(fn: (...inputs: Tensor[]) => Many, inputs: Many): Tensor | Tensor[] | Tensor[][] {
  const xs = prepare(asList(inputs, "jacobian", "input"), "jacobian", false);
  const out = enableGrad(() => fn(...xs));
  const blocks = enableGrad(() => jacobianBlocks(asList(out, "jacobian", "output"), xs));
  const perOutput = blocks.map((row) => shaped(row, inputs));
  return shaped(perOutput as Tensor[], out) as Tensor | Tensor[] | Tensor[][];
}

/**
 * The Hessian of a scalar function at `inputs` (the Jacobian of its gradient): for one
 * input a tensor of shape input.shape ++ input.shape, for several an array of arrays
 * (block [i][j] is d²f / dx_i dx_j). Not differentiable.
 * @example
 * gl.autograd.functional.hessian((x) => x.pow(3).sum(), gl.tensor([1, 2])).toArray(); // [[6, 0], [0, 12]]
 */
export function hessian(fn: (...inputs: Tensor[]) => Tensor, inputs: Many): Tensor | Tensor[][] {
  const xs = prepare(asList(inputs, "hessian", "input"), "hessian", false);
  const y = enableGrad(() => fn(...xs));
  if (!(y instanceof Tensor) || y.numel() !== 1) {
    throw new RangeError(`hessian: fn must return a single one-element tensor, got ${y instanceof Tensor ? `shape ${fmtShape(y.shape)}` : typeof y}`);
  }
  const blocks = enableGrad(() => {
    const gs = y.requiresGrad ? grad([y], xs, { createGraph: true, allowUnused: true }) : xs.map(() => null);
    const grads = gs.map((g, i) => g ?? zeros(xs[i].shape, { dtype: xs[i].dtype }));
    return jacobianBlocks(grads, xs);
  });
  return Array.isArray(inputs) ? blocks : blocks[0][0];
}
