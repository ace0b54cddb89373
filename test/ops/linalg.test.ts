import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const { linalg } = gl;
const f64 = { dtype: "float64" as const };

// Fixed inputs (the torch expressions beside expected values use the same numbers).
const S3 = [[4, 1, 2], [1, 3, 0.5], [2, 0.5, 5]]; // symmetric positive definite
const M = [[1, 2, 0], [3, -1, 4], [0.5, 2, -2]]; // general, det 10
const T = [[1, 2], [3, 4], [5, 6], [7, -8]]; // tall 4 x 2
const B = [[1, 0], [2, 1], [0, -1], [3, 2]];

function close(actual: Tensor | unknown[] | number, expected: unknown, tol = 1e-10): void {
  const a = typeof actual === "number" ? [actual] : Array.isArray(actual) ? actual.flat(Infinity as 1) as number[] : (actual as Tensor).tolist();
  const e = (Array.isArray(expected) ? expected.flat(Infinity as 1) : [expected]) as number[];
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(a[i] - e[i]) > tol * (1 + Math.abs(e[i]))) {
      throw new Error(`element ${i}: got ${a[i]}, expected ${e[i]} (tol ${tol})\nactual:   ${a.join(", ")}\nexpected: ${e.join(", ")}`);
    }
  }
}

/** Flips columns of `got` ([m, k]) so each matches the sign of `ref`'s column (sign gauge). */
function alignColumns(got: Tensor, ref: number[][]): number[][] {
  const g = got.toArray() as number[][];
  const k = g[0].length;
  for (let j = 0; j < k; j++) {
    let dot = 0;
    for (let i = 0; i < g.length; i++) dot += g[i][j] * ref[i][j];
    if (dot < 0) for (let i = 0; i < g.length; i++) g[i][j] = -g[i][j];
  }
  return g;
}

const t64 = (data: Float64Array, shape: readonly number[]) => gl.Tensor.fromArray(data, shape, "float64");

/** Checks d f / d x (f scalar) from backward against central finite differences in float64. */
function gradcheck(f: (x: Tensor) => Tensor, x0: Tensor, tol = 1e-6, eps = 1e-6): void {
  const x = x0.detach().clone().requiresGrad_(true);
  const [g] = gl.autograd.grad(f(x), [x]);
  const analytic = g!.tolist();
  const base = x0.dataSync() as Float64Array;
  const numeric: number[] = [];
  gl.noGrad(() => {
    for (let i = 0; i < base.length; i++) {
      const p = base.slice(), m = base.slice();
      p[i] += eps; m[i] -= eps;
      numeric.push((f(t64(p, x0.shape)).item() - f(t64(m, x0.shape)).item()) / (2 * eps));
    }
  });
  close(analytic, numeric, tol);
}

/** Checks the second derivative: the gradient of <grad f(x), w> (createGraph) against finite differences of it. */
function gradgradcheck(f: (x: Tensor) => Tensor, x0: Tensor, tol = 1e-5): void {
  const w = gl.randnLike(x0);
  const h = (x: Tensor) => {
    const xr = x.requiresGrad ? x : x.detach().requiresGrad_(true);
    const [g] = gl.autograd.grad(f(xr), [xr], { createGraph: x.requiresGrad });
    return g!.mul(w).sum();
  };
  gradcheck((x) => (x.requiresGrad ? h(x) : gl.enableGrad(() => h(x))), x0, tol);
}

const weights = (shape: number[]) => gl.randn(shape, f64);

describe("linalg.det, inv, solve (LU with partial pivoting)", () => {
  it("match torch.linalg for a general matrix", () => {
    const A = gl.tensor(M, f64);
    close(linalg.det(A), 10); // torch.linalg.det(M) = 10.0
    // torch.linalg.inv(M)
    close(linalg.inv(A), [[-0.6, 0.4, 0.8], [0.8, -0.2, -0.4], [0.65, -0.1, -0.7]]);
    // torch.linalg.solve(M, torch.tensor([1., 2, 3]))
    close(linalg.solve(A, gl.tensor([1, 2, 3], f64)), [2.6, -0.8, -1.65]);
    close(A.matmul(linalg.inv(A)), gl.eye(3).tolist());
  });

  it("batch, broadcast and keep float32", () => {
    const A = gl.tensor([M, S3]);
    expect(A.dtype).toBe("float32");
    const d = linalg.det(A);
    expect(d.dtype).toBe("float32");
    close(d, [10, 4 * (15 - 0.25) - (5 - 1) + 2 * (0.5 - 6)], 1e-6);
    // A 1-D B is a vector for every matrix of the batch.
    const x = linalg.solve(A, gl.tensor([1, 2, 3]));
    expect(x.shape).toEqual([2, 3]);
    close(A.matmul(x.unsqueeze(-1)).squeeze(-1), [[1, 2, 3], [1, 2, 3]], 1e-5);
    // A [3, 3] against B [2, 3, 1]: batch dims broadcast.
    const y = linalg.solve(gl.tensor(M), gl.tensor([[[1], [0], [0]], [[0], [1], [0]]]));
    expect(y.shape).toEqual([2, 3, 1]);
    close(y.squeeze(-1), [[-0.6, 0.8, 0.65], [0.4, -0.2, -0.1]], 1e-6);
    // left: false solves X A = B.
    const Bm = gl.tensor([[1, 2, 3], [0, 1, 0]], f64);
    const X = linalg.solve(gl.tensor(M, f64), Bm, { left: false });
    close(X.matmul(gl.tensor(M, f64)), Bm.toArray());
  });

  it("gradients match finite differences, to second order", () => {
    gl.manualSeed(1);
    const A = gl.tensor(M, f64);
    const W = weights([3, 3]);
    gradcheck((a) => linalg.det(a), A);
    gradcheck((a) => linalg.inv(a).mul(W).sum(), A);
    gradgradcheck((a) => linalg.inv(a).mul(W).sum(), A);
    gradgradcheck((a) => linalg.det(a), A);
    const Bm = weights([3, 2]);
    const W2 = weights([3, 2]);
    gradcheck((a) => linalg.solve(a, Bm).mul(W2).sum(), A);
    gradcheck((b) => linalg.solve(A, b).square().sum(), Bm);
    gradgradcheck((a) => linalg.solve(a, Bm).square().sum(), A);
    // Broadcast batch: A [3, 3] shared by B [2, 3, 2].
    const Bb = weights([2, 3, 2]);
    gradcheck((a) => linalg.solve(a, Bb).square().sum(), A);
    // Batched det of [2, 3, 3].
    gradcheck((a) => linalg.det(a).mul(gl.tensor([1, -2], f64)).sum(), gl.tensor([M, S3], f64));
  });

  it("det of a singular matrix has the cofactor gradient", () => {
    const A = gl.tensor([[1, 2, 3], [2, 4, 6], [1, 0, 1]], f64);
    expect(Math.abs(linalg.det(A).item())).toBe(0); // torch.linalg.det gives -0. too
    gradcheck((a) => linalg.det(a), A);
  });

  it("explain singular, non-square and badly shaped inputs", () => {
    const sing = gl.tensor([[1, 2, 3], [2, 4, 6], [1, 0, 1]]);
    // torch.linalg.lu_factor_ex(sing).info = 3
    expect(() => linalg.inv(sing)).toThrow(/linalg.inv: the matrix is singular \(pivot 3 is zero\), so it has no inverse/);
    expect(() => linalg.inv(gl.tensor([[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 2, 3], [2, 4, 6], [1, 0, 1]]]))).toThrow(/batch element 1: the matrix is singular \(pivot 3 is zero\)/);
    expect(() => linalg.inv(sing)).toThrow(linalg.LinAlgError);
    expect(() => linalg.svd(gl.tensor([[NaN, 1], [1, 1]]))).toThrow(/linalg.svd: the input contains non-finite values \(NaN or Infinity\)/);
    expect(() => linalg.eigh(gl.tensor([[1, 0], [Infinity, 1]]))).toThrow(/linalg.eigh: the input contains non-finite values/);
    // Only the triangle that is read matters: an Infinity above the diagonal is ignored with UPLO "L".
    close(linalg.eigvalsh(gl.tensor([[1, Infinity], [0, 2]], f64)), [1, 2]);
    expect(() => linalg.solve(sing, gl.ones([3]))).toThrow(/linalg.solve: the matrix is singular \(pivot 3 is zero\), so AX = B has no unique solution/);
    expect(() => linalg.inv(gl.ones([2, 3]))).toThrow(/linalg.inv: A must be a square matrix or a batch of square matrices, but it has shape \[2,3\] \(2 by 3 matrices\)/);
    expect(() => linalg.det(gl.ones([3]))).toThrow(/linalg.det: A must have at least 2 dimensions .* got shape \[3\]/);
    expect(() => linalg.inv(gl.tensor([[1, 0], [0, 1]], { dtype: "int32" }))).toThrow(/floating point .* got dtype int32/);
    expect(() => linalg.solve(gl.eye(3), gl.ones([4]))).toThrow(/incompatible shapes of A and B .*\[3,3\] and \[4,1\].*B needs 3 rows/);
    expect(() => linalg.solve(gl.eye(3), gl.ones([3], f64))).toThrow(/same dtype, but A is float32 and B is float64/);
  });
});

describe("linalg.svd (one-sided Jacobi)", () => {
  // torch.linalg.svd(T): S, U, Vh
  const tS = [11.119051562646156, 8.964747199292129];
  const tU = [[-0.14609158840010764, 0.1714114508423898, -0.4952772784013918, -0.8390326452636697], [-0.2661212283457317, 0.4495846435624117, -0.6666090660209332, 0.5316817593216058], [-0.38615086829135553, 0.7277578362824337, 0.5556069702185258, -0.11205772303564344], [0.8710477865997509, 0.48873335728439615, -0.040418624946919925, -0.027960573931847314]];
  const tV = [[0.28978414868843017, 0.9570920264890528], [-0.9570920264890528, 0.28978414868843017]]; // Vh.T

  it("matches torch up to column signs and reconstructs A", () => {
    const A = gl.tensor(T, f64);
    const { U, S, Vh } = linalg.svd(A);
    expect([U.shape, S.shape, Vh.shape]).toEqual([[4, 4], [2], [2, 2]]);
    close(S, tS);
    const u2 = U.slice(1, 0, 2);
    close(alignColumns(u2, tU.map((r) => r.slice(0, 2))), tU.map((r) => r.slice(0, 2)));
    close(alignColumns(Vh.T, tV), tV);
    close(U.T.matmul(U), gl.eye(4).tolist()); // the completed U is orthogonal
    close(u2.mul(S).matmul(Vh), T);
    // Deterministic signs: each column of U has its largest-magnitude entry positive.
    for (const col of U.T.toArray() as number[][]) expect(col.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a))).toBeGreaterThan(0);
  });

  it("reduced, wide, batched and rank-deficient inputs", () => {
    gl.manualSeed(2);
    const A = gl.randn([3, 2, 5], f64);
    const { U, S, Vh } = linalg.svd(A, { fullMatrices: false });
    expect([U.shape, S.shape, Vh.shape]).toEqual([[3, 2, 2], [3, 2], [3, 2, 5]]);
    close(U.mul(S.unsqueeze(-2)).matmul(Vh), A.toArray());
    close(Vh.matmul(Vh.mT), [gl.eye(2).tolist(), gl.eye(2).tolist(), gl.eye(2).tolist()]);
    const full = linalg.svd(A);
    expect(full.Vh.shape).toEqual([3, 5, 5]);
    close(full.Vh.matmul(full.Vh.mT).select(0, 1), gl.eye(5).tolist());
    // Rank 1: torch.linalg.svd(torch.ones(3, 2)).S = [2.449489742783178, 0]
    const r1 = linalg.svd(gl.ones([3, 2], f64));
    close(r1.S, [Math.sqrt(6), 0]);
    close(r1.U.T.matmul(r1.U), gl.eye(3).tolist());
    // torch.linalg.svd(torch.zeros(3, 2)): U = I, S = 0, Vh = I
    const z = linalg.svd(gl.zeros([3, 2], f64));
    close(z.U, gl.eye(3).tolist());
    close(z.S, [0, 0]);
    close(z.Vh, gl.eye(2).tolist());
  });

  it("keeps small singular values accurate (relative)", () => {
    // A graded lower-triangular matrix with det 1e-15: the product of its singular values.
    const A = gl.tensor([[1, 0, 0], [1, 1e-5, 0], [1, 1e-5, 1e-10]], f64);
    const S = linalg.svdvals(A).tolist();
    // torch.linalg.svdvals(A)
    [1.7320508076073673, 8.164965809197881e-6, 7.071067811777087e-11].forEach((want, i) => expect(Math.abs(S[i] / want - 1)).toBeLessThan(1e-12));
    expect(Math.abs(S[0] * S[1] * S[2] / 1e-15 - 1)).toBeLessThan(1e-13);
  });

  it("a [10000, 8] float32 matrix is fast and accurate to 1e-5", () => {
    gl.manualSeed(3);
    const X = gl.randn([10000, 8], f64).mul(gl.tensor([1, 2, 3, 4, 5, 6, 7, 100], f64));
    const X32 = X.float();
    const t0 = performance.now();
    const { U, S, Vh } = linalg.svd(X32, { fullMatrices: false });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
    expect(U.dtype).toBe("float32");
    const ref = linalg.svdvals(X32.double()).tolist();
    S.tolist().forEach((s, i) => expect(Math.abs(s / ref[i] - 1)).toBeLessThan(1e-5));
    const err = U.double().mul(S.double()).matmul(Vh.double()).sub(X32.double()).abs().tolist().reduce((a, b) => Math.max(a, b));
    expect(err).toBeLessThan(1e-5 * 100);
  });

  it("gradients match finite differences for sign-invariant losses", () => {
    gl.manualSeed(4);
    for (const shape of [[4, 3], [3, 5], [3, 3]]) {
      const A = gl.randn(shape, f64);
      const k = Math.min(shape[0], shape[1]);
      const w = weights([k]), WU = weights([shape[0], k]), WV = weights([k, shape[1]]);
      const loss = (a: Tensor) => {
        const { U, S, Vh } = linalg.svd(a, { fullMatrices: false });
        return S.mul(w).sum().add(U.square().mul(WU).sum()).add(Vh.square().mul(WV).sum());
      };
      gradcheck(loss, A);
      gradcheck((a) => linalg.svdvals(a).sum(), A);
    }
    // Second order through U, S and Vh.
    const A = gl.randn([4, 3], f64);
    const WU = weights([4, 3]);
    gradgradcheck((a) => { const { U, S } = linalg.svd(a, { fullMatrices: false }); return U.square().mul(WU).sum().add(S.square().sum()); }, A);
    // fullMatrices: the first k columns of U carry the gradient (as in PyTorch).
    const WU4 = weights([4, 4]);
    gradcheck((a) => { const { U, S } = linalg.svd(a); return U.slice(1, 0, 3).square().mul(WU4.slice(1, 0, 3)).sum().add(S.sum()); }, A);
    // Batched.
    const W23 = weights([2, 3]);
    gradcheck((a) => linalg.svdvals(a).square().mul(W23).sum(), gl.randn([2, 3, 4], f64));
  });

  it("rejects inputs that are not matrices", () => {
    expect(() => linalg.svd(gl.ones([3]))).toThrow(/linalg.svd: A must have at least 2 dimensions .* got shape \[3\]/);
  });
});

describe("linalg.qr (Householder)", () => {
  it("matches torch.linalg.qr exactly, signs included", () => {
    // torch.linalg.qr(T)
    const { Q, R } = linalg.qr(gl.tensor(T, f64));
    close(Q, [[-0.10910894511799629, -0.19702760155977525], [-0.3273268353539886, -0.40719037655686885], [-0.5455447255899811, -0.6173531515539623], [-0.7637626158259735, 0.643623498428599]]);
    close(R, [[-9.16515138991168, 1.3093073414159542], [0, -10.875923606099589]]);
    // torch.linalg.qr(T.T)
    const w = linalg.qr(gl.tensor(T, f64).T);
    close(w.Q, [[-0.44721359549995787, -0.8944271909999157], [-0.8944271909999157, 0.4472135954999581]]);
    close(w.R, [[-2.23606797749979, -4.919349550499537, -7.602631123499284, 4.024922359499621], [0, -0.8944271909999153, -1.7888543819998306, -9.838699100999074]]);
  });

  it("modes, batches and reconstruction", () => {
    gl.manualSeed(5);
    const A = gl.randn([2, 5, 3]);
    const { Q, R } = linalg.qr(A);
    expect([Q.shape, R.shape, Q.dtype]).toEqual([[2, 5, 3], [2, 3, 3], "float32"]);
    close(Q.matmul(R), A.toArray(), 1e-5);
    close(R.mul(gl.tensor([[0, 0, 0], [1, 0, 0], [1, 1, 0]])), gl.zeros([2, 3, 3]).toArray(), 0);
    const c = linalg.qr(A, { mode: "complete" });
    expect([c.Q.shape, c.R.shape]).toEqual([[2, 5, 5], [2, 5, 3]]);
    close(c.Q.matmul(c.R), A.toArray(), 1e-5);
    close(c.Q.mT.matmul(c.Q).select(0, 1), gl.eye(5).tolist(), 1e-6);
    const r = linalg.qr(A, { mode: "r" });
    expect(r.Q.shape).toEqual([0]);
    close(r.R, R.toArray(), 0);
    expect(() => linalg.qr(A, { mode: "bad" as never })).toThrow(/linalg.qr: mode must be "reduced" \(the default\), "complete" or "r", got "bad"/);
  });

  it("gradients match finite differences (tall, square, wide)", () => {
    gl.manualSeed(6);
    for (const shape of [[5, 3], [3, 3], [2, 4]]) {
      const A = gl.randn(shape, f64);
      const k = Math.min(shape[0], shape[1]);
      const WQ = weights([shape[0], k]), WR = weights([k, shape[1]]);
      gradcheck((a) => { const { Q, R } = linalg.qr(a); return Q.mul(WQ).sum().add(R.mul(WR).sum()); }, A);
    }
    const A = gl.randn([4, 3], f64);
    const WQ = weights([4, 3]);
    gradgradcheck((a) => { const { Q, R } = linalg.qr(a); return Q.mul(WQ).sum().add(R.square().sum()); }, A);
  });

  it("refuses to differentiate mode r and complete tall QR", () => {
    const A = gl.randn([4, 2], { dtype: "float64", requiresGrad: true });
    expect(() => linalg.qr(A, { mode: "r" }).R.sum().backward()).toThrow(/Q, which is not computed when mode is "r"/);
    expect(() => linalg.qr(A, { mode: "complete" }).R.sum().backward()).toThrow(/not differentiable when mode is "complete" and A has more rows than columns \(4 > 2\)/);
  });
});

describe("linalg.eigh (cyclic Jacobi)", () => {
  it("matches torch.linalg.eigh up to eigenvector signs", () => {
    const { eigenvalues: L, eigenvectors: V } = linalg.eigh(gl.tensor(S3, f64));
    // torch.linalg.eigh(S3)
    close(L, [2.0965216172967187, 3.0722239520050754, 6.831254430698205]);
    const tV = [[-0.7167430662893416, -0.3257672733027812, -0.616567158200162], [0.5748726248246245, -0.7765018813719533, -0.25800444463819483], [0.39471615390480125, 0.5393704773814453, -0.743827026919507]];
    close(alignColumns(V, tV), tV);
    close(gl.tensor(S3, f64).matmul(V), V.mul(L).toArray()); // A V = V diag(L)
    // The triangle read: torch.linalg.eigh(M).eigenvalues and torch.linalg.eigh(M, UPLO="U").eigenvalues
    close(linalg.eigvalsh(gl.tensor(M, f64)), [-4.143209726742434, -1.4815440936840898, 3.6247538204265237]);
    close(linalg.eigvalsh(gl.tensor(M, f64), { UPLO: "U" }), [-5.799435738662913, 0.2952414520842537, 3.5041942865786604]);
  });

  it("batches, keeps float32 and checks UPLO", () => {
    gl.manualSeed(7);
    const X = gl.randn([3, 4, 4]);
    const A = X.add(X.mT);
    const { eigenvalues: L, eigenvectors: V } = linalg.eigh(A);
    expect([L.shape, V.shape, L.dtype]).toEqual([[3, 4], [3, 4, 4], "float32"]);
    close(A.matmul(V), V.mul(L.unsqueeze(-2)).toArray(), 1e-5);
    for (const row of L.toArray() as number[][]) expect([...row].sort((a, b) => a - b)).toEqual(row);
    expect(() => linalg.eigh(A, { UPLO: "X" as never })).toThrow(/linalg.eigh: UPLO must be "L" or "U", got "X"/);
    expect(() => linalg.eigh(gl.ones([2, 3]))).toThrow(/linalg.eigh: A must be a square matrix .* shape \[2,3\]/);
  });

  it("gradients match finite differences for symmetric inputs", () => {
    gl.manualSeed(8);
    const X = gl.randn([4, 4], f64);
    const w = weights([4]), WV = weights([4, 4]);
    const loss = (x: Tensor) => {
      const { eigenvalues: L, eigenvectors: V } = linalg.eigh(x.add(x.T).mul(0.5));
      return L.mul(w).sum().add(V.square().mul(WV).sum());
    };
    gradcheck(loss, X);
    gradgradcheck(loss, X);
    gradcheck((x) => linalg.eigvalsh(x.add(x.mT)).square().sum(), gl.randn([2, 3, 3], f64));
  });
});

describe("linalg.lstsq and linalg.pinv", () => {
  it("match torch for tall, wide and rank-deficient systems", () => {
    const A = gl.tensor(T, f64), b = gl.tensor(B, f64);
    // torch.linalg.lstsq(T, B).solution
    close(linalg.lstsq(A, b).solution, [[0.32125603864734315, 0.12318840579710147], [-0.08454106280193235, -0.13768115942028986]]);
    // torch.linalg.lstsq(T.T, B[:2]).solution (minimum norm)
    close(linalg.lstsq(A.T, b.slice(0, 0, 2)).solution, [[0.05072463768115945, 0.018115942028985515], [0.11594202898550723, 0.03743961352657005], [0.1811594202898551, 0.056763285024154606], [-0.043478260869565216, -0.05917874396135266]]);
    // torch.linalg.lstsq(torch.ones(3, 2), torch.ones(3)): solution [0.5, 0.5], rank 1
    const r = linalg.lstsq(gl.ones([3, 2], f64), gl.ones([3], f64));
    close(r.solution, [0.5, 0.5]);
    expect(r.rank.item()).toBe(1);
    expect(r.residuals.shape).toEqual([0]);
    // torch.linalg.pinv(T)
    close(linalg.pinv(A), [[0.014492753623188416, 0.04106280193236715, 0.06763285024154592, 0.07487922705314011], [0.018115942028985515, 0.03743961352657007, 0.056763285024154606, -0.05917874396135266]]);
    // torch.linalg.pinv(torch.ones(3, 2)) = 1/6 everywhere
    close(linalg.pinv(gl.ones([3, 2], f64)), [[1 / 6, 1 / 6, 1 / 6], [1 / 6, 1 / 6, 1 / 6]]);
    close(linalg.pinv(gl.tensor(S3, f64), { hermitian: true }), linalg.inv(gl.tensor(S3, f64)).toArray());
  });

  it("reports residuals, rank and singular values per driver", () => {
    const A = gl.tensor(T, f64), b = gl.tensor(B, f64);
    const d = linalg.lstsq(A, b, { driver: "gelsd" });
    const res = A.matmul(d.solution).sub(b).square().sum(0);
    close(d.residuals, res.toArray());
    close(d.singularValues, [11.119051562646156, 8.964747199292129]); // torch.linalg.svd(T).S
    expect(d.rank.dtype).toBe("int32");
    expect(d.rank.item()).toBe(2);
    const y = linalg.lstsq(A, b);
    expect([y.residuals.shape, y.singularValues.shape]).toEqual([[0], [0]]);
    const g = linalg.lstsq(A, b, { driver: "gels" });
    expect(g.rank.shape).toEqual([0]);
    close(g.solution, y.solution.toArray());
    // Batched A [2, 4, 2] with a vector right-hand side [2, 4].
    const Ab = gl.tensor([T, T.map((r) => r.map((v) => 2 * v))], f64);
    const v = linalg.lstsq(Ab, gl.tensor([[1, 2, 0, 3], [1, 2, 0, 3]], f64));
    expect(v.solution.shape).toEqual([2, 2]);
    close(v.solution.select(0, 1).mul(2), v.solution.select(0, 0).toArray());
    expect(() => linalg.lstsq(gl.ones([3, 2]), gl.ones([4, 1]))).toThrow(/linalg.lstsq: A has 3 rows but B has 4/);
    // torch.linalg.lstsq(torch.tensor([[1., 0], [1, 0], [1, 0]]), torch.ones(3, 1), driver="gels") raises (error code 2)
    expect(() => linalg.lstsq(gl.tensor([[1, 0], [1, 0], [1, 0]]), gl.ones([3, 1]), { driver: "gels" })).toThrow(/does not have full rank \(diagonal element 2 of R is zero\)/);
  });

  it("gradients match finite differences for full-rank inputs", () => {
    gl.manualSeed(9);
    const A = gl.randn([5, 3], f64), b = gl.randn([5, 2], f64);
    const W = weights([3, 2]);
    gradcheck((a) => linalg.lstsq(a, b).solution.mul(W).sum(), A);
    gradcheck((bb) => linalg.lstsq(A, bb).solution.mul(W).sum(), b);
    const Aw = gl.randn([2, 4], f64), bw = gl.randn([2, 1], f64);
    gradcheck((a) => linalg.lstsq(a, bw).solution.square().sum(), Aw);
    const WP = weights([3, 5]);
    gradcheck((a) => linalg.pinv(a).mul(WP).sum(), A);
    gradcheck((a) => linalg.pinv(a).mul(WP.T).sum(), A.T.contiguous());
    const S = gl.tensor(S3, f64), WS = weights([3, 3]);
    gradcheck((a) => linalg.pinv(a.add(a.T).mul(0.5), { hermitian: true }).mul(WS).sum(), S);
  });
});

describe("linalg.norm, vectorNorm, matrixNorm", () => {
  it("match torch.linalg.norm values", () => {
    const A = gl.tensor(M, f64);
    // torch.linalg.norm(M, ord) for each ord
    const cases: [Parameters<typeof linalg.norm>[1], number][] = [
      [undefined, 6.264982043070834], ["fro", 6.264982043070834], ["nuc", 9.099685410177978], [1, 6], [-1, 4.5],
      [2, 5.425645257311441], [-2, 0.599464417204949], [Infinity, 8], [-Infinity, 3],
    ];
    for (const [ord, want] of cases) close(linalg.norm(A, ord), want);
    const v = gl.tensor([3, -4, 0, 1], f64);
    // torch.linalg.norm(v, ord)
    const vcases: [number | undefined, number][] = [[undefined, 5.0990195135927845], [1, 8], [3, 4.514357435474001], [0.5, 22.392304845413257], [0, 3], [Infinity, 4], [-Infinity, 0]];
    for (const [ord, want] of vcases) close(linalg.norm(v, ord), want);
    // torch.linalg.norm(M, dim=1) and torch.linalg.norm(M, 1, dim=0, keepdim=True)
    close(linalg.norm(A, { dim: 1 }), [2.23606797749979, 5.0990195135927845, 2.8722813232690143]);
    const kd = linalg.norm(A, 1, 0, true);
    expect(kd.shape).toEqual([1, 3]);
    close(kd, [[4.5, 5, 6]]);
    // torch.linalg.matrix_norm(torch.stack([M, 2 * M]), 'nuc')
    close(linalg.matrixNorm(gl.tensor([M, M.map((r) => r.map((x) => 2 * x))], f64), "nuc"), [9.099685410177978, 18.199370820355956]);
    expect(linalg.matrixNorm(gl.ones([2, 3, 4]), 2, [0, 2], true).shape).toEqual([1, 3, 1]);
    expect(linalg.norm(gl.ones([2, 3, 4])).dtype).toBe("float32");
    close(linalg.norm(gl.ones([2, 3, 4])), Math.sqrt(24), 1e-6);
  });

  it("gradients match finite differences", () => {
    gl.manualSeed(10);
    const x = gl.randn([3, 4], f64);
    for (const ord of [2, 1, 3, 1.5, 0.5, Infinity, -Infinity]) gradcheck((a) => linalg.vectorNorm(a, ord, 1).mul(gl.tensor([1, -2, 3], f64)).sum(), x);
    for (const ord of ["fro", "nuc", 2, -2, 1, -1, Infinity, -Infinity] as const) gradcheck((a) => linalg.matrixNorm(a, ord), x);
    gradgradcheck((a) => linalg.norm(a), x);
    // The 2-norm of zero has gradient zero, as in PyTorch.
    const z = gl.zeros([3], { dtype: "float64", requiresGrad: true });
    linalg.norm(z).backward();
    expect(z.grad!.tolist()).toEqual([0, 0, 0]);
  });

  it("explain bad orders and dims", () => {
    expect(() => linalg.norm(gl.ones([2, 2, 2]), 2)).toThrow(/linalg.norm: when ord is given without dim, the input must be 1-D or 2-D, got 3-D/);
    expect(() => linalg.norm(gl.ones([3]), "fro")).toThrow(/ord "fro" is a matrix norm, but the input is 1-D/);
    expect(() => linalg.matrixNorm(gl.ones([3, 3]), 3)).toThrow(/linalg.matrixNorm: ord must be "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity, got 3/);
    expect(() => linalg.vectorNorm(gl.tensor([1, 2], { dtype: "int32" }))).toThrow(/linalg.vectorNorm: expected a floating point tensor/);
  });
});

describe("solveTriangular", () => {
  it("solves upper, lower, unit and right-sided systems, with gradients", () => {
    gl.manualSeed(11);
    const U = gl.tensor([[2, 1, -1], [0, 3, 2], [0, 0, 4]], f64);
    const b = gl.randn([3, 2], f64);
    const x = linalg.solveTriangular(U, b, { upper: true });
    close(U.matmul(x), b.toArray());
    // Only the triangle is read: garbage below the diagonal changes nothing.
    close(linalg.solveTriangular(U.add(gl.tensor([[0, 0, 0], [9, 0, 0], [9, 9, 0]], f64)), b, { upper: true }), x.toArray());
    const L = U.T.contiguous();
    close(L.matmul(linalg.solveTriangular(L, b, { upper: false })), b.toArray());
    const unit = linalg.solveTriangular(L, b, { upper: false, unitriangular: true });
    close(L.sub(gl.eye(3, 3, f64).mul(L)).add(gl.eye(3, 3, f64)).matmul(unit), b.toArray());
    const xr = linalg.solveTriangular(U, b.T, { upper: true, left: false });
    close(xr.matmul(U), b.T.toArray());
    gradcheck((a) => linalg.solveTriangular(a, b, { upper: true }).square().sum(), U);
    gradcheck((bb) => linalg.solveTriangular(L, bb, { upper: false, unitriangular: true }).square().sum(), b);
    gradcheck((a) => linalg.solveTriangular(a, b.T, { upper: false, left: false }).square().sum(), L);
    expect(() => linalg.solveTriangular(U, b, {} as never)).toThrow(/the upper option is required/);
  });
});

describe("Tensor methods", () => {
  it("det, inverse and pinverse", () => {
    const A = gl.tensor(M, f64);
    close(A.det(), 10);
    close(A.inverse(), linalg.inv(A).toArray());
    close(A.pinverse(), linalg.inv(A).toArray(), 1e-9);
    // torch.pinverse(torch.ones(3, 2), rcond=1e-15) = 1/6 everywhere
    close(gl.ones([3, 2], f64).pinverse(), [[1 / 6, 1 / 6, 1 / 6], [1 / 6, 1 / 6, 1 / 6]]);
  });
});

describe("Tensor.norm('nuc')", () => {
  it("is the sum of singular values over the last two dims", () => {
    // torch.tensor([[3., 0.], [4., 5.]]).norm(p="nuc") = 6.708203932499369 + ... : singular values sqrt(45) and sqrt(5)
    const A = gl.tensor([[3, 0], [4, 5]], { dtype: "float64" });
    expect(A.norm("nuc").item()).toBeCloseTo(Math.sqrt(45) + Math.sqrt(5), 12);
  });
});
