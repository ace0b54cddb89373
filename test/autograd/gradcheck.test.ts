import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { record } from "../../src/ops/graph.js";

// Every differentiable op against central finite differences (gradcheck: PyTorch's
// criterion and defaults, float64 inputs), and a subset through second derivatives
// (gradgradcheck). Inputs keep away from kinks (|x|, ties, clamp bounds) where the
// derivative jumps, since finite differences are meaningless there.

type T = gl.Tensor;
const gen = new gl.Generator(1234);

/** A float64 leaf requiring grad from explicit values. */
const leaf = (data: gl.TensorData) => gl.tensor(data, { dtype: "float64", requiresGrad: true });
/** Standard normals. */
const rn = (...shape: number[]) => gl.randn(shape, { dtype: "float64", generator: gen, requiresGrad: true });
/** Uniform in [lo, hi). */
const uni = (lo: number, hi: number, ...shape: number[]) =>
  gl.rand(shape, { dtype: "float64", generator: gen }).mul(hi - lo).add(lo).requiresGrad_(true);
/** Magnitudes in [0.3, 1.5) with random signs: away from 0. */
const away = (...shape: number[]) => {
  const mag = gl.rand(shape, { dtype: "float64", generator: gen }).mul(1.2).add(0.3);
  const sign = gl.rand(shape, { dtype: "float64", generator: gen }).gt(0.5).to("float64").mul(2).sub(1);
  return mag.mul(sign).requiresGrad_(true);
};
/** Distinct values (no ties; neighbours at least 0.2 apart), shuffled. */
const distinct = (...shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = gl.randperm(n, { generator: gen }).to("float64");
  return perm.mul(0.3).sub(n * 0.15).add(gl.rand([n], { dtype: "float64", generator: gen }).mul(0.1)).reshape(shape).requiresGrad_(true);
};
/** A well-conditioned square matrix (or batch): identity-dominated. */
const wellConditioned = (...shape: number[]) => {
  const n = shape[shape.length - 1];
  return gl.randn(shape, { dtype: "float64", generator: gen }).mul(0.3).add(gl.eye(n, n, { dtype: "float64" }).mul(2)).requiresGrad_(true);
};
const idx = (data: gl.TensorData) => gl.tensor(data, { dtype: "int32" });

interface Case {
  name: string;
  fn: (...xs: T[]) => T | T[];
  inputs: () => T[];
  /** Also run gradgradcheck. */
  gg?: boolean;
  opts?: gl.autograd.GradcheckOptions;
}

const elementwise: Case[] = [
  { name: "neg", fn: (x) => x.neg(), inputs: () => [rn(2, 3)] },
  { name: "exp", fn: (x) => x.exp(), inputs: () => [rn(2, 3)], gg: true },
  { name: "log", fn: (x) => x.log(), inputs: () => [uni(0.5, 2, 2, 3)], gg: true },
  { name: "log1p", fn: (x) => x.log1p(), inputs: () => [uni(-0.5, 2, 5)] },
  { name: "expm1", fn: (x) => x.expm1(), inputs: () => [rn(5)] },
  { name: "sqrt", fn: (x) => x.sqrt(), inputs: () => [uni(0.5, 2, 5)], gg: true },
  { name: "rsqrt", fn: (x) => x.rsqrt(), inputs: () => [uni(0.5, 2, 5)] },
  { name: "abs", fn: (x) => x.abs(), inputs: () => [away(6)] },
  { name: "square", fn: (x) => x.square(), inputs: () => [rn(5)] },
  { name: "sin", fn: (x) => x.sin(), inputs: () => [rn(5)], gg: true },
  { name: "cos", fn: (x) => x.cos(), inputs: () => [rn(5)] },
  { name: "tan", fn: (x) => x.tan(), inputs: () => [uni(-1.2, 1.2, 5)] },
  { name: "asin", fn: (x) => x.asin(), inputs: () => [uni(-0.9, 0.9, 5)] },
  { name: "acos", fn: (x) => x.acos(), inputs: () => [uni(-0.9, 0.9, 5)] },
  { name: "atan", fn: (x) => x.atan(), inputs: () => [rn(5)] },
  { name: "tanh", fn: (x) => x.tanh(), inputs: () => [rn(2, 3)], gg: true },
  { name: "sigmoid", fn: (x) => x.sigmoid(), inputs: () => [rn(2, 3)], gg: true },
  { name: "relu", fn: (x) => x.relu(), inputs: () => [away(2, 4)], gg: true },
  { name: "reciprocal", fn: (x) => x.reciprocal(), inputs: () => [away(5)] },
  { name: "erf", fn: (x) => x.erf(), inputs: () => [rn(5)] },
  { name: "sign (zero gradient)", fn: (x) => x.sign().add(x), inputs: () => [away(4)] },
  { name: "floor/round (zero gradient)", fn: (x) => x.floor().add(x.round()).add(x), inputs: () => [leaf([0.2, 1.3, -0.7])] },
  { name: "gelu (exact)", fn: (x) => x.gelu(), inputs: () => [rn(2, 3)], gg: true },
  { name: "gelu (tanh)", fn: (x) => x.gelu("tanh"), inputs: () => [rn(2, 3)], gg: true },
  { name: "silu", fn: (x) => x.silu(), inputs: () => [rn(2, 3)], gg: true },
  { name: "softplus", fn: (x) => x.softplus(), inputs: () => [rn(2, 3)], gg: true },
  { name: "softplus beta 2, threshold 1 (both branches)", fn: (x) => x.softplus(2, 1), inputs: () => [leaf([-1.3, 0.1, 0.3, 0.9, 2.5])] },
  { name: "clamp(min, max)", fn: (x) => x.clamp(-0.5, 0.5), inputs: () => [leaf([-1.2, -0.3, 0.1, 0.45, 0.8])] },
  { name: "clamp(min)", fn: (x) => x.clamp(0.2), inputs: () => [leaf([-1, 0.1, 0.5, 2])] },
  { name: "clamp(null, max)", fn: (x) => x.clamp(null, 0.2), inputs: () => [leaf([-1, 0.1, 0.5, 2])] },
  { name: "add broadcast [2,3]+[3]", fn: (a, b) => a.add(b), inputs: () => [rn(2, 3), rn(3)] },
  { name: "add with alpha", fn: (a, b) => a.add(b, -2.5), inputs: () => [rn(3), rn(3)] },
  { name: "sub broadcast [2,1]-[1,3]", fn: (a, b) => a.sub(b), inputs: () => [rn(2, 1), rn(1, 3)] },
  { name: "rsub scalar", fn: (a) => a.rsub(1.5), inputs: () => [rn(3)] },
  { name: "mul broadcast [4,1,3]*[2,1]", fn: (a, b) => a.mul(b), inputs: () => [rn(4, 1, 3), rn(2, 1)], gg: true },
  { name: "mul same tensor twice", fn: (a) => a.mul(a), inputs: () => [rn(4)], gg: true },
  { name: "mul by scalar", fn: (a) => a.mul(3.5), inputs: () => [rn(4)] },
  { name: "div broadcast", fn: (a, b) => a.div(b), inputs: () => [rn(2, 3), away(3)], gg: true },
  { name: "div scalar numerator", fn: (b) => gl.div(2, b), inputs: () => [away(4)] },
  { name: "pow tensor^tensor", fn: (a, b) => a.pow(b), inputs: () => [uni(0.5, 2, 2, 3), rn(3)], gg: true },
  { name: "pow tensor^scalar", fn: (a) => a.pow(3), inputs: () => [rn(5)], gg: true },
  { name: "pow tensor^0.5", fn: (a) => a.pow(0.5), inputs: () => [uni(0.5, 2, 4)] },
  { name: "pow scalar^tensor", fn: (b) => gl.pow(2.5, b), inputs: () => [rn(4)] },
  { name: "maximum", fn: (a, b) => a.maximum(b), inputs: () => [leaf([0.1, 2, -1, 0.4]), leaf([0.7, 1, -2, 0.2])] },
  { name: "minimum broadcast", fn: (a, b) => a.minimum(b), inputs: () => [leaf([[0.1, 2], [-1, 0.4]]), leaf([0.7, 1])] },
  { name: "atan2", fn: (a, b) => a.atan2(b), inputs: () => [rn(4), away(4)] },
  { name: "fmod", fn: (a, b) => a.fmod(b), inputs: () => [leaf([2.3, -2.3, 0.7]), leaf([1.1, 0.9, 2])] },
  { name: "remainder", fn: (a, b) => a.remainder(b), inputs: () => [leaf([2.3, -2.3, 0.7]), leaf([1.1, 0.9, 2])] },
  { name: "where with broadcasting", fn: (a, b) => gl.where(gl.tensor([[true, false, true], [false, false, true]]), a, b), inputs: () => [rn(2, 3), rn(3)], gg: true },
  { name: "where with a scalar branch", fn: (a) => gl.where(gl.tensor([true, false, true]), a, 0.5), inputs: () => [rn(3)] },
];

const reductions: Case[] = [
  { name: "sum (all)", fn: (x) => x.sum(), inputs: () => [rn(2, 3)], gg: true },
  { name: "sum(dim=-1, keepdim)", fn: (x) => x.sum(-1, true), inputs: () => [rn(2, 3)] },
  { name: "sum([0, 2])", fn: (x) => x.sum([0, 2]), inputs: () => [rn(2, 3, 2)] },
  { name: "mean (all)", fn: (x) => x.mean(), inputs: () => [rn(2, 3)], gg: true },
  { name: "mean(dim=1)", fn: (x) => x.mean(1), inputs: () => [rn(2, 3)] },
  { name: "max (all)", fn: (x) => x.max(), inputs: () => [distinct(2, 3)] },
  { name: "max(dim).values", fn: (x) => x.max(1).values, inputs: () => [distinct(3, 4)] },
  { name: "max(dim, keepdim).values", fn: (x) => x.max(0, true).values, inputs: () => [distinct(3, 4)] },
  { name: "max(other) elementwise", fn: (a, b) => a.max(b), inputs: () => [leaf([0.1, 2]), leaf([0.5, 1])] },
  { name: "min (all)", fn: (x) => x.min(), inputs: () => [distinct(2, 3)] },
  { name: "min(dim).values", fn: (x) => x.min(-1).values, inputs: () => [distinct(3, 4)] },
  { name: "amax(dim)", fn: (x) => x.amax(1), inputs: () => [distinct(3, 4)] },
  { name: "amax with ties splits the gradient", fn: (x) => x.amax(), inputs: () => [leaf([1, 3, 3, 2])] },
  { name: "amin([0, 1])", fn: (x) => x.amin([0, 1]), inputs: () => [distinct(2, 3, 2)] },
  { name: "logsumexp(dim)", fn: (x) => x.logsumexp(1), inputs: () => [rn(3, 4)], gg: true },
  { name: "logsumexp(all dims)", fn: (x) => x.logsumexp([0, 1]), inputs: () => [rn(2, 3)] },
  { name: "var (all)", fn: (x) => x.var(), inputs: () => [rn(2, 3)], gg: true },
  { name: "var(dim, correction 0, keepdim)", fn: (x) => x.var(1, { correction: 0, keepdim: true }), inputs: () => [rn(3, 4)] },
  { name: "std(dim)", fn: (x) => x.std(0), inputs: () => [rn(3, 4)], gg: true },
  { name: "norm (2, all)", fn: (x) => x.norm(), inputs: () => [rn(2, 3)], gg: true },
  { name: "norm(1, dim)", fn: (x) => x.norm(1, 1), inputs: () => [away(2, 3)] },
  { name: "norm(3, dim)", fn: (x) => x.norm(3, 0), inputs: () => [away(2, 3)] },
  { name: "norm(fro)", fn: (x) => x.norm("fro"), inputs: () => [rn(3, 2)] },
  { name: "norm(inf)", fn: (x) => x.norm(Infinity, 1), inputs: () => [distinct(2, 3)] },
  { name: "prod (all)", fn: (x) => x.prod(), inputs: () => [uni(0.5, 1.5, 2, 3)], gg: true },
  { name: "prod(dim)", fn: (x) => x.prod(1), inputs: () => [away(3, 4)] },
  { name: "prod with a zero", fn: (x) => x.prod(1), inputs: () => [leaf([[0.5, 0, 2], [1.5, -1, 0.7]])] },
  { name: "prod with two zeros", fn: (x) => x.prod(), inputs: () => [leaf([0.5, 0, 2, 0])] },
  { name: "cumsum(dim)", fn: (x) => x.cumsum(1), inputs: () => [rn(2, 4)], gg: true },
  { name: "cumsum(-1) of 1-D", fn: (x) => x.cumsum(-1), inputs: () => [rn(5)] },
  { name: "cumprod(dim)", fn: (x) => x.cumprod(0), inputs: () => [away(4, 2)] },
  { name: "softmax(dim)", fn: (x) => x.softmax(1), inputs: () => [rn(3, 4)], gg: true },
  { name: "softmax(0)", fn: (x) => x.softmax(0), inputs: () => [rn(3, 2)] },
  { name: "logSoftmax(dim)", fn: (x) => x.logSoftmax(-1), inputs: () => [rn(3, 4)], gg: true },
  { name: "median (all)", fn: (x) => x.median(), inputs: () => [distinct(2, 3)] },
  { name: "median(dim).values", fn: (x) => x.median(1).values, inputs: () => [distinct(3, 5)] },
];

const matmuls: Case[] = [
  { name: "matmul 2-D", fn: (a, b) => a.matmul(b), inputs: () => [rn(2, 3), rn(3, 4)], gg: true },
  { name: "matmul batched with broadcasting [2,1,2,3]@[3,3,2]", fn: (a, b) => a.matmul(b), inputs: () => [rn(2, 1, 2, 3), rn(3, 3, 2)], gg: true },
  { name: "matmul batched @ 2-D", fn: (a, b) => a.matmul(b), inputs: () => [rn(2, 2, 3), rn(3, 2)] },
  { name: "matmul 1-D @ 2-D", fn: (a, b) => a.matmul(b), inputs: () => [rn(3), rn(3, 2)] },
  { name: "matmul 2-D @ 1-D", fn: (a, b) => a.matmul(b), inputs: () => [rn(2, 3), rn(3)] },
  { name: "matmul 1-D @ 1-D", fn: (a, b) => a.matmul(b), inputs: () => [rn(4), rn(4)] },
  { name: "matmul 1-D @ batched", fn: (a, b) => a.matmul(b), inputs: () => [rn(3), rn(2, 3, 2)] },
  { name: "matmul of transposed views", fn: (a, b) => a.T.matmul(b.T), inputs: () => [rn(3, 2), rn(4, 3)] },
  { name: "mm", fn: (a, b) => gl.mm(a, b), inputs: () => [rn(2, 3), rn(3, 2)] },
  { name: "bmm", fn: (a, b) => gl.bmm(a, b), inputs: () => [rn(2, 2, 3), rn(2, 3, 2)] },
  { name: "mv", fn: (a, b) => gl.mv(a, b), inputs: () => [rn(2, 3), rn(3)] },
  { name: "dot", fn: (a, b) => gl.dot(a, b), inputs: () => [rn(3), rn(3)] },
  { name: "outer", fn: (a, b) => gl.outer(a, b), inputs: () => [rn(3), rn(2)] },
];

const shapes: Case[] = [
  { name: "reshape", fn: (x) => x.reshape(3, 2).mul(gl.arange(6).reshape(3, 2)), inputs: () => [rn(2, 3)] },
  { name: "reshape of a transposed (copying) view", fn: (x) => x.T.reshape(6).mul(gl.arange(6)), inputs: () => [rn(2, 3)] },
  { name: "view with -1", fn: (x) => x.view(-1).mul(gl.arange(6)), inputs: () => [rn(2, 3)] },
  { name: "permute", fn: (x) => x.permute(2, 0, 1).mul(gl.arange(12).reshape(2, 2, 3)), inputs: () => [rn(2, 3, 2)], gg: true },
  { name: "transpose", fn: (x) => x.transpose(0, -1).sin(), inputs: () => [rn(2, 3)] },
  { name: "expand", fn: (x) => x.expand(3, 2, 4).mul(gl.arange(24).reshape(3, 2, 4)), inputs: () => [rn(2, 1)], gg: true },
  { name: "expandAs", fn: (x) => x.expandAs(gl.zeros([2, 3])).mul(gl.arange(6).reshape(2, 3)), inputs: () => [rn(3)] },
  { name: "slice with step", fn: (x) => x.slice(1, 1, null, 2).sin(), inputs: () => [rn(3, 6)], gg: true },
  { name: "slice with negative bounds", fn: (x) => x.slice(0, -3, -1), inputs: () => [rn(5, 2)] },
  { name: "narrow", fn: (x) => x.narrow(-1, 1, 2).exp(), inputs: () => [rn(2, 4)] },
  { name: "select", fn: (x) => x.select(1, -1).exp(), inputs: () => [rn(3, 4)] },
  { name: "repeat", fn: (x) => x.repeat(2, 1, 3).mul(gl.arange(36).reshape(2, 3, 6)), inputs: () => [rn(3, 2)] },
  { name: "flatten(1)", fn: (x) => x.flatten(1).mul(gl.arange(6)), inputs: () => [rn(2, 3, 2)] },
  { name: "squeeze / unsqueeze", fn: (x) => x.squeeze(1).unsqueeze(0).mul(gl.arange(3)), inputs: () => [rn(3, 1)] },
  { name: "T / mT / t()", fn: (x) => x.T.add(x.mT).mul(x.t()), inputs: () => [rn(2, 2)] },
  { name: "contiguous / clone", fn: (x) => x.T.contiguous().clone().mul(gl.arange(6).reshape(3, 2)), inputs: () => [rn(2, 3)] },
  { name: "a non-contiguous (transposed) leaf input", fn: (x) => x.mul(gl.arange(6).reshape(2, 3)).sin(), inputs: () => [gl.randn([3, 2], { dtype: "float64", generator: gen }).T.requiresGrad_(true)] },
  { name: "cast float64 -> float64 (identity)", fn: (x) => x.to("float64").exp(), inputs: () => [rn(3)] },
  // Through float32 the values are rounded (~1e-7 relative): a larger step keeps the
  // finite differences above the rounding noise.
  { name: "cast through float32 and back", fn: (x) => x.float().mul(2).double(), inputs: () => [rn(4)], opts: { eps: 1e-3, atol: 1e-4, rtol: 1e-3 } },
];

const indexing: Case[] = [
  { name: "index with int and slice", fn: (x) => x.index(1, gl.sl(0, null, 2)), inputs: () => [rn(3, 5)] },
  { name: "index with null and ellipsis", fn: (x) => x.index("...", null, gl.sl(1, null)).exp(), inputs: () => [rn(2, 3)] },
  { name: "index with an int tensor (repeated indices)", fn: (x) => x.index(idx([0, 2, 2, -1])), inputs: () => [rn(4, 2)], gg: true },
  { name: "index with two int arrays", fn: (x) => x.index([0, 1, 1], [2, 0, 0]), inputs: () => [rn(3, 3)] },
  { name: "index with a bool mask", fn: (x) => x.index(gl.tensor([[true, false, true], [false, true, true]])), inputs: () => [rn(2, 3)] },
  { name: "gather", fn: (x) => x.gather(1, idx([[0, 0, 2], [1, 2, 1]])), inputs: () => [rn(2, 3)], gg: true },
  { name: "gather(0)", fn: (x) => x.gather(0, idx([[1, 0], [1, 1], [0, 1]])), inputs: () => [rn(2, 2)] },
  { name: "indexSelect with repeats", fn: (x) => x.indexSelect(0, idx([2, 0, 2])), inputs: () => [rn(3, 2)], gg: true },
  { name: "indexSelect(-1)", fn: (x) => x.indexSelect(-1, idx([1, 1])), inputs: () => [rn(2, 3)] },
  { name: "scatterAdd (self and src)", fn: (x, s) => x.scatterAdd(0, idx([[0, 1, 0], [0, 0, 1]]), s), inputs: () => [rn(2, 3), rn(2, 3)], gg: true },
  { name: "indexAdd (self and src)", fn: (x, s) => x.indexAdd(0, idx([2, 0, 2]), s), inputs: () => [rn(3, 2), rn(3, 2)] },
  { name: "cat dim 0", fn: (a, b) => gl.cat([a, b], 0), inputs: () => [rn(2, 3), rn(1, 3)], gg: true },
  { name: "cat dim -1 of three", fn: (a, b, c) => gl.cat([a, b, c], -1), inputs: () => [rn(2, 1), rn(2, 3), rn(2, 2)] },
  { name: "stack dim 1", fn: (a, b) => gl.stack([a, b], 1), inputs: () => [rn(2, 3), rn(2, 3)], gg: true },
  { name: "split (sizes) into several outputs", fn: (x) => x.split([1, 3], 1), inputs: () => [rn(2, 4)] },
  { name: "split (equal chunks)", fn: (x) => x.split(2, 0).map((t, i) => t.mul(i + 1)), inputs: () => [rn(5, 2)] },
  { name: "chunk", fn: (x) => x.chunk(2, 1), inputs: () => [rn(2, 4)] },
  { name: "maskedFill", fn: (x) => x.maskedFill(gl.tensor([[true, false], [false, true]]), 0.5), inputs: () => [rn(2, 2)], gg: true },
  { name: "maskedFill with a broadcast mask", fn: (x) => x.maskedFill(gl.tensor([true, false, false]), -1), inputs: () => [rn(2, 3)] },
  { name: "indexPutOutOfPlace (self and value)", fn: (x, v) => gl.indexPutOutOfPlace(x, [idx([0, 2])], v), inputs: () => [rn(3, 2), rn(2, 2)] },
];

/** A symmetric matrix from any square input (eigh reads one triangle; gradcheck perturbs all entries). */
const sym = (a: T) => a.add(a.mT).mul(0.5);

const linalg: Case[] = [
  { name: "linalg.inv", fn: (a) => gl.linalg.inv(a), inputs: () => [wellConditioned(3, 3)], gg: true },
  { name: "linalg.inv batched", fn: (a) => gl.linalg.inv(a), inputs: () => [wellConditioned(2, 2, 2)] },
  { name: "linalg.solve (A and B)", fn: (a, b) => gl.linalg.solve(a, b), inputs: () => [wellConditioned(3, 3), rn(3, 2)], gg: true },
  { name: "linalg.solve with a vector right-hand side", fn: (a, b) => gl.linalg.solve(a, b), inputs: () => [wellConditioned(3, 3), rn(3)] },
  { name: "linalg.det", fn: (a) => gl.linalg.det(a), inputs: () => [wellConditioned(3, 3)], gg: true },
  { name: "linalg.det batched", fn: (a) => gl.linalg.det(a), inputs: () => [wellConditioned(2, 3, 3)] },
  { name: "linalg.svd: sum of singular values", fn: (a) => gl.linalg.svd(a, { fullMatrices: false }).S.sum(), inputs: () => [rn(3, 2)] },
  { name: "linalg.svd: reconstruction U diag(S) Vh", fn: (a) => { const { U, S, Vh } = gl.linalg.svd(a, { fullMatrices: false }); return U.mul(S.unsqueeze(-2)).matmul(Vh); }, inputs: () => [rn(3, 2)] },
  { name: "linalg.svd: gauge-invariant U*U and Vh*Vh", fn: (a) => { const { U, Vh } = gl.linalg.svd(a, { fullMatrices: false }); return [U.mul(U), Vh.mul(Vh)]; }, inputs: () => [rn(3, 3)] },
  { name: "linalg.eigh eigenvalues", fn: (a) => gl.linalg.eigh(sym(a)).eigenvalues, inputs: () => [rn(3, 3)] },
  { name: "linalg.eigh: Q diag(L) Q^T", fn: (a) => { const { eigenvalues: L, eigenvectors: Q } = gl.linalg.eigh(sym(a)); return Q.mul(L.unsqueeze(-2)).matmul(Q.mT); }, inputs: () => [rn(3, 3)] },
  { name: "linalg.eigh: gauge-invariant Q*Q", fn: (a) => { const { eigenvectors: Q } = gl.linalg.eigh(sym(a)); return Q.mul(Q); }, inputs: () => [rn(3, 3)] },
  { name: "linalg.qr (Q and R)", fn: (a) => { const { Q, R } = gl.linalg.qr(a); return [Q, R]; }, inputs: () => [rn(4, 3)] },
  { name: "linalg.qr square", fn: (a) => { const { Q, R } = gl.linalg.qr(a); return [Q, R]; }, inputs: () => [rn(3, 3)] },
  { name: "linalg.lstsq", fn: (a, b) => gl.linalg.lstsq(a, b).solution, inputs: () => [rn(4, 2), rn(4, 1)] },
  { name: "linalg.pinv", fn: (a) => gl.linalg.pinv(a), inputs: () => [rn(3, 2)] },
  { name: "linalg.norm (fro)", fn: (a) => gl.linalg.norm(a), inputs: () => [rn(2, 3)] },
];

function runTable(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.name, () => {
        expect(gl.autograd.gradcheck(c.fn, c.inputs(), c.opts)).toBe(true);
      });
    }
  });
}

runTable("gradcheck: elementwise", elementwise);
runTable("gradcheck: reductions", reductions);
runTable("gradcheck: matmul", matmuls);
runTable("gradcheck: shape and view ops", shapes);
runTable("gradcheck: indexing and joining", indexing);
runTable("gradcheck: linalg", linalg);

describe("gradgradcheck (second derivatives through createGraph)", () => {
  const all = [...elementwise, ...reductions, ...matmuls, ...shapes, ...indexing, ...linalg].filter((c) => c.gg);
  it("covers at least 20 ops", () => expect(all.length).toBeGreaterThanOrEqual(20));
  for (const c of all) {
    it(c.name, () => {
      expect(gl.autograd.gradgradcheck(c.fn, c.inputs(), null, c.opts)).toBe(true);
    });
  }
});

describe("gradcheck catches wrong rules", () => {
  /** x^2 with a deliberately wrong gradient rule (3x instead of 2x). */
  const badSquare = (x: T): T => {
    const out = gl.noGrad(() => x.mul(x));
    record("BadSquareBackward", [x], [out], ([g]) => [g.mul(x).mul(3)], [x]);
    return out;
  };

  it("names the input, the element and both values", () => {
    const a = leaf([1, 2]);
    const x = leaf([0.5, -1, 2]);
    let msg = "";
    try { gl.autograd.gradcheck((a, x) => a.sum().add(badSquare(x)), [a, x]); } catch (e) { msg = (e as Error).message; }
    // Output element 0 of out = a.sum() + x^2 is out[0] = a0 + a1 + x0^2: d/dx0 = 2 * 0.5 = 1, but the rule gives 1.5.
    expect(msg).toMatch(/^gradcheck: Jacobian mismatch for output 0 with respect to input 1: d out\[0\]\[0\] \/ d in\[1\]\[0\] \(output element 0, input element 0\) is 1\.5 analytically but (1\.0000000|0\.9999999)\d* numerically/);
    expect(msg).toMatch(/input shape \[3\], output shape \[3\]/);
  });

  it("checks every output element of every output (vector-Jacobian rows)", () => {
    // Correct for output 0; wrong only for the second element of output 1.
    const fn = (x: T): T[] => {
      const y = gl.noGrad(() => x.mul(2));
      record("HalfWrongBackward", [x], [y], ([g]) => [g.mul(gl.tensor([2, 2, 5], { dtype: "float64" }))]);
      return [x.sin(), y.slice(0, 1, 3)];
    };
    expect(() => gl.autograd.gradcheck(fn, [leaf([0.1, 0.2, 0.3])])).toThrow(/mismatch for output 1 with respect to input 0: d out\[1\]\[1\] \/ d in\[0\]\[2\] \(output element 1, input element 2\) is 5 analytically but (2\.0000000|1\.9999999)\d* numerically/);
  });

  it("a rule right in value but not differentiable passes gradcheck and fails gradgradcheck", () => {
    // sin with a gradient of g * cos(x) computed on a detached x: first order right, second order 0.
    const detachedSin = (x: T): T => {
      const out = gl.noGrad(() => x.sin());
      record("DetachedSinBackward", [x], [out], ([g]) => [g.mul(x.detach().cos())], [x]);
      return out;
    };
    const x = leaf([0.3, -0.8]);
    expect(gl.autograd.gradcheck(detachedSin, [x])).toBe(true);
    expect(() => gl.autograd.gradgradcheck(detachedSin, [x])).toThrow(/^gradgradcheck: Jacobian mismatch for output 0 with respect to input 0: .* is 0 analytically but \S+ numerically/);
  });

  it("passes a rule missing for an input the output does not depend on, and rejects float32", () => {
    expect(gl.autograd.gradcheck((a, _b) => a.exp(), [leaf([1]), leaf([2])])).toBe(true);
    expect(() => gl.autograd.gradcheck((a) => a.exp(), [gl.tensor([1], { requiresGrad: true })])).toThrow(/^gradcheck: input 0 \(shape \[1\]\) has dtype float32, but finite differences need float64 inputs/);
  });

  it("refuses inputs with overlapping memory", () => {
    const x = gl.tensor([1], { dtype: "float64" }).expand(3).requiresGrad_(true);
    expect(() => gl.autograd.gradcheck((t) => t.exp(), [x])).toThrow(/^gradcheck: input 0 \(shape \[3\]\) has overlapping memory \(stride 0 in dim 0/);
  });
});
