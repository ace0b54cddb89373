import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { FxCase, FxFile, FxOutput, FxTransform } from "./fixtures.js";
import { buildInputs, compareTensor, isAllZero, makeTensor, resolveArgs, toleranceFor } from "./fixtures.js";

// Replays one PyTorch fixture case with gradlab: call the op, compare the outputs, the
// first-order gradients of sum(out * upstream) and the second-order gradients.
// Failure messages start with a category: [op missing], [error], [forward], [grad],
// [second], [harness].

type Form = "fn" | "method" | "linalg";

/**
 * Every op the fixtures name, with the ways gradlab exposes it (API.md): `fn` is
 * gl.<name>(x, ...args), `method` is x.<name>(...args), `linalg` is gl.linalg.<name>(...args).
 * The fixture's `call` picks one form per case; the generator alternates them.
 */
export const OP_TABLE: Record<string, { forms: Form[]; name: string }> = {};
const both = (...names: string[]) => { for (const n of names) OP_TABLE[n] = { forms: ["fn", "method"], name: n }; };
both(
  // elementwise
  "add", "sub", "mul", "div", "pow", "neg", "exp", "log", "log1p", "sqrt", "rsqrt", "abs", "sign", "square",
  "sin", "cos", "relu", "sigmoid", "tanh", "gelu", "silu", "softplus", "clamp", "maximum", "minimum",
  "eq", "ne", "lt", "le", "gt", "ge",
  // reductions
  "sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "prod", "logsumexp", "var", "std",
  "median", "norm", "cumsum", "softmax", "logSoftmax",
  // shape
  "reshape", "view", "flatten", "squeeze", "unsqueeze", "transpose", "permute", "expand", "repeat",
  "narrow", "select", "slice", "split", "chunk",
  // indexing
  "indexSelect", "gather", "scatterAdd", "maskedFill",
  // matmul family
  "matmul", "mm", "bmm", "outer", "dot", "mv",
);
for (const n of ["where", "cat", "stack"]) OP_TABLE[n] = { forms: ["fn"], name: n };
for (const n of ["index", "indexPut"]) OP_TABLE[n] = { forms: ["method"], name: n };
for (const n of ["svd", "inv", "solve", "lstsq", "pinv", "qr", "eigh", "det", "norm"]) OP_TABLE[`linalg.${n}`] = { forms: ["linalg"], name: n };

type AnyFn = (...args: unknown[]) => unknown;

/** Calls a case's op in the form the fixture names. */
export function callOp(c: FxCase, args: unknown[]): unknown {
  const entry = OP_TABLE[c.op];
  if (!entry) throw new Error(`[harness] op "${c.op}" is not in the parity op table`);
  if (!entry.forms.includes(c.call)) throw new Error(`[harness] op "${c.op}" has no "${c.call}" form`);
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  let fn: unknown, self: unknown, rest: unknown[];
  if (c.call === "method") {
    self = args[0];
    if (!(self instanceof gl.Tensor)) throw new Error(`[harness] method call needs a Tensor first argument`);
    fn = (self as unknown as Record<string, unknown>)[entry.name];
    rest = args.slice(1);
    if (typeof fn !== "function") throw new Error(`[op missing] Tensor.prototype.${entry.name} is not a function`);
  } else {
    const ns = c.call === "linalg" ? (gl.linalg as unknown as Record<string, unknown>) : (gl as unknown as Record<string, unknown>);
    fn = ns[entry.name];
    self = undefined;
    rest = args;
    if (typeof fn !== "function") throw new Error(`[op missing] gl.${c.call === "linalg" ? "linalg." : ""}${entry.name} is not a function`);
  }
  try {
    return (fn as AnyFn).apply(self, rest);
  } catch (e) {
    throw new Error(`[error] ${c.call === "method" ? "x." : "gl."}${c.call === "linalg" ? "linalg." : ""}${entry.name} threw: ${(e as Error).message}`);
  }
}

/** An op's result as named tensors: "out" for a tensor, "0".."n" for a list, else its Tensor fields. */
export function normalizeResult(res: unknown): Record<string, Tensor> {
  if (res instanceof gl.Tensor) return { out: res };
  if (Array.isArray(res)) return Object.fromEntries(res.map((t, i) => [String(i), t as Tensor]));
  if (res !== null && typeof res === "object") {
    return Object.fromEntries(Object.entries(res as Record<string, unknown>).filter(([, v]) => v instanceof gl.Tensor)) as Record<string, Tensor>;
  }
  throw new Error(`[forward] the op returned ${res === null ? "null" : typeof res}, expected a Tensor, a list or an object of Tensors`);
}

function applyTransform(t: Tensor, step: FxTransform): Tensor {
  if (step === "abs") return t.abs();
  if ("narrow" in step) return t.narrow(step.narrow[0], step.narrow[1], step.narrow[2]);
  throw new Error(`[harness] unknown output transform ${JSON.stringify(step)}`);
}

/** Gauge-invariant reconstructions, as in the generator: U diag(S) Vh, Q R, V diag(L) V^T. */
function reconstruct(r: Record<string, Tensor>, kind: NonNullable<FxOutput["recon"]>): Tensor {
  const need = (k: string): Tensor => {
    if (!(r[k] instanceof gl.Tensor)) throw new Error(`[forward] result has no "${k}" field (fields: ${Object.keys(r).join(", ")})`);
    return r[k];
  };
  return gl.noGrad(() => {
    if (kind === "svd") {
      const U = need("U"), S = need("S"), Vh = need("Vh");
      const k = S.shape[S.ndim - 1];
      return U.narrow(-1, 0, k).mul(S.unsqueeze(-2)).matmul(Vh.narrow(-2, 0, k));
    }
    if (kind === "qr") {
      const Q = need("Q"), R = need("R");
      const k = Math.min(Q.shape[Q.ndim - 1], R.shape[R.ndim - 2]);
      return Q.narrow(-1, 0, k).matmul(R.narrow(-2, 0, k));
    }
    const L = need("eigenvalues"), V = need("eigenvectors");
    return V.mul(L.unsqueeze(-2)).matmul(V.mT);
  });
}

function sumAll(terms: Tensor[]): Tensor {
  return terms.reduce((acc, t) => acc.add(t));
}

/** Runs one case; throws one error listing every mismatch found. */
export function runCase(c: FxCase, file: FxFile): void {
  const tol = file.tolerance;
  const { leaves, values } = buildInputs(c);
  const args = resolveArgs(c.args, values) as unknown[];
  const result = normalizeResult(callOp(c, args));

  const problems: string[] = [];
  const lossTerms: Tensor[] = [];
  for (const o of c.outputs) {
    let v: Tensor;
    if (o.recon) {
      v = reconstruct(result, o.recon);
    } else {
      if (!(result[o.key] instanceof gl.Tensor)) {
        problems.push(`[forward] output "${o.key}" missing (got: ${Object.keys(result).join(", ") || "nothing"})`);
        continue;
      }
      v = result[o.key];
      for (const step of o.transform ?? []) v = applyTransform(v, step);
    }
    const what = `[forward] output "${o.key}"${o.compare === "value" ? "" : ` (compared as ${o.compare})`}`;
    const err = compareTensor(v, o, toleranceFor(o.dtype, tol), what);
    if (err) problems.push(err);
    if (o.requiresGrad !== undefined && v.requiresGrad !== o.requiresGrad) {
      problems.push(`[grad] output "${o.key}": requiresGrad ${v.requiresGrad}, PyTorch has ${o.requiresGrad}`);
    }
    const sameShape = v.shape.length === o.shape.length && v.shape.every((n, i) => n === o.shape[i]);
    if (o.upstream && v.requiresGrad && sameShape) lossTerms.push(v.mul(makeTensor(o.upstream, o.shape, o.dtype)).sum());
  }

  const gradLeaves = leaves.filter((_, i) => c.inputs[i].requiresGrad);
  if (c.grads) {
    if (lossTerms.length === 0) {
      problems.push(`[grad] no output requires grad, but PyTorch differentiates ${gradLeaves.length} input(s)`);
      throw new Error(problems.join("\n"));
    }
    const loss = sumAll(lossTerms);
    let grads: (Tensor | null)[];
    try {
      if (c.second) {
        grads = gl.autograd.grad(loss, gradLeaves, { createGraph: true, allowUnused: true });
      } else {
        loss.backward();
        grads = gradLeaves.map((l) => l.grad);
      }
    } catch (e) {
      problems.push(`[grad] backward threw: ${(e as Error).message}`);
      throw new Error(problems.join("\n"));
    }
    c.grads.forEach((g, i) => {
      const dtype = gradLeaves[i].dtype;
      const got = grads[i];
      if (got === null) problems.push(`[grad] input ${i}: no gradient`);
      else {
        const err = compareTensor(got, { ...g, dtype }, toleranceFor(dtype, tol), `[grad] input ${i}`);
        if (err) problems.push(err);
      }
    });

    if (c.second && grads.every((g) => g !== null)) {
      const terms = grads.map((g, i) => g!.mul(makeTensor(c.second!.v[i], g!.shape, g!.dtype)).sum());
      const l2 = sumAll(terms);
      if (!l2.requiresGrad) {
        problems.push("[second] the first-order gradients do not require grad (createGraph recorded nothing)");
      } else {
        try {
          const g2 = gl.autograd.grad(l2, gradLeaves, { allowUnused: true });
          c.second.grads.forEach((exp, i) => {
            const got = g2[i];
            const dtype = gradLeaves[i].dtype;
            if (exp === null) {
              if (got !== null && !isAllZero(got)) problems.push(`[second] input ${i}: PyTorch has no dependence, gradlab gives a nonzero gradient`);
            } else if (got === null) {
              const zero = exp.data.every((x) => x === 0);
              if (!zero) problems.push(`[second] input ${i}: no gradient`);
            } else {
              const err = compareTensor(got, { ...exp, dtype }, toleranceFor(dtype, tol), `[second] input ${i}`);
              if (err) problems.push(err);
            }
          });
        } catch (e) {
          problems.push(`[second] grad threw: ${(e as Error).message}`);
        }
      }
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
}
