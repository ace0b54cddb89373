import { add, clamp, div, maximum, mul, pow, sqrt } from "../ops/elementwise.js";
import { noGrad } from "../ops/graph.js";
import { amax, sum, sumSquares } from "../ops/reduce.js";
import { scalarTensor } from "../tensor/creation.js";
import { Tensor } from "../tensor/tensor.js";

/** Options of clipGradNorm_ (PyTorch's defaults). */
export interface ClipGradNormOptions {
  /** The p of the p-norm: a positive number, or Infinity / "inf" for the max-abs norm. */
  normType?: number | "inf";
  /** Throw when the total norm is NaN or infinite instead of scaling by it. */
  errorIfNonfinite?: boolean;
}

function gradsOf(parameters: Tensor | Iterable<Tensor>, op: string): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.map((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: parameters[${i}] is not a Tensor (got ${p === null ? "null" : typeof p})`);
    return p.grad;
  }).filter((g): g is Tensor => g !== null);
}

/** max |g| as a 0-d tensor (the inf-norm of one gradient). */
function maxAbs(g: Tensor): Tensor {
  return amax(g.abs());
}

/** The p-norm (p > 0, finite) of a tensor as a 0-d tensor. */
function pNorm(g: Tensor, p: number): Tensor {
  if (p === 2) return sqrt(sumSquares(g));
  if (p === 1) return sum(g.abs());
  return pow(sum(pow(g.abs(), p)), 1 / p);
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (as if all were
 * one vector) is at most `maxNorm`, as torch.nn.utils.clip_grad_norm_ (1.13): each
 * gradient is multiplied by min(1, maxNorm / (total + 1e-6)). Returns the total norm
 * before clipping, a 0-d tensor. Parameters without a gradient are ignored.
 *
 * @example
 * loss.backward();
 * const norm = optim.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, { normType = 2, errorIfNonfinite = false }: ClipGradNormOptions = {}): Tensor {
  const p = normType === "inf" ? Infinity : normType;
  if (typeof p !== "number" || !(p > 0)) {
    throw new RangeError(`clipGradNorm_: normType must be a positive number or Infinity, got ${String(normType)}`);
  }
  if (typeof maxNorm !== "number" || Number.isNaN(maxNorm)) throw new TypeError(`clipGradNorm_: maxNorm must be a number, got ${String(maxNorm)}`);
  const grads = gradsOf(parameters, "clipGradNorm_");
  if (grads.length === 0) return scalarTensor(0, "float32");
  return noGrad(() => {
    let total: Tensor;
    if (p === Infinity) {
      total = grads.map(maxAbs).reduce((a, b) => maximum(a, b));
    } else {
      // The norm of the per-gradient norms, as PyTorch's norm(stack(norms)).
      const norms = grads.map((g) => pNorm(g, p));
      if (norms.length === 1) total = norms[0];
      else if (p === 1) total = norms.reduce((a, b) => add(a, b));
      else if (p === 2) total = sqrt(norms.map((n) => mul(n, n)).reduce((a, b) => add(a, b)));
      else total = pow(norms.map((n) => pow(n, p)).reduce((a, b) => add(a, b)), 1 / p);
    }
    if (errorIfNonfinite && !Number.isFinite(total.item())) {
      throw new RangeError(`clipGradNorm_: the total norm of order ${p} for gradients from parameters is non-finite (${total.item()}), so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false`);
    }
    const coef = clamp(div(maxNorm, add(total, 1e-6)), null, 1);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/**
 * Clamps every gradient of `parameters` in place to [-clipValue, clipValue], as
 * torch.nn.utils.clip_grad_value_. Parameters without a gradient are ignored.
 *
 * @example
 * loss.backward();
 * optim.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== "number" || Number.isNaN(clipValue)) throw new TypeError(`clipGradValue_: clipValue must be a number, got ${String(clipValue)}`);
  const grads = gradsOf(parameters, "clipGradValue_");
  noGrad(() => { for (const g of grads) g.clamp_(-clipValue, clipValue); });
}
