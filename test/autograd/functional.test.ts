import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";

// jvp/vjp/jacobian/hessian against hand-derived values and against each other
// (J·v must equal the Jacobian times v; v·J its transpose).

const f64 = (data: gl.TensorData) => gl.tensor(data, { dtype: "float64" });
const F = gl.autograd.functional;

function close(t: gl.Tensor, want: number[], tol = 1e-12): void {
  const got = t.tolist();
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));
}

describe("autograd.vjp", () => {
  it("computes v·J and returns the detached output", () => {
    const x = f64([1, 2, 3]);
    const { output, vjp } = gl.autograd.vjp((x) => x.pow(2), x, f64([1, -1, 0.5]));
    close(output, [1, 4, 9]);
    expect(output.requiresGrad).toBe(false);
    close(vjp, [2, -4, 3]);
    expect(vjp.requiresGrad).toBe(false);
  });

  it("v may be omitted for a scalar output; several inputs give an array, unused ones zeros", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const c = f64([5]);
    const { vjp } = gl.autograd.vjp((a, b) => a.mul(b).sum(), [a, b, c]);
    close(vjp[0], [3, 4]);
    close(vjp[1], [1, 2]);
    close(vjp[2], [0]);
    expect(() => gl.autograd.vjp((x) => x.mul(2), a)).toThrow(/vjp: v can be omitted only when fn returns a single one-element tensor; got outputs of shapes \[2\]/);
    expect(() => gl.autograd.vjp((x) => x.mul(2), a, f64([1, 2, 3]))).toThrow(/vjp: v 0 has shape \[3\] but output 0 has shape \[2\]/);
  });
});

describe("autograd.jvp (double-vjp trick)", () => {
  it("computes J·v for an elementwise function: diag(f') v", () => {
    const x = f64([0.5, -1, 2]);
    const { output, jvp } = gl.autograd.jvp((x) => x.sin().mul(x), [x], [f64([1, 2, -1])]);
    const d = (t: number) => Math.cos(t) * t + Math.sin(t);
    close(output, [0.5, -1, 2].map((t) => Math.sin(t) * t));
    close(jvp, [d(0.5) * 1, d(-1) * 2, d(2) * -1]);
  });

  it("matches jacobian(fn)·v for a function mixing its inputs", () => {
    gl.manualSeed(3);
    const A = gl.randn([3, 4], { dtype: "float64" });
    const x = gl.randn([4], { dtype: "float64" });
    const v = gl.randn([4], { dtype: "float64" });
    const fn = (x: gl.Tensor) => A.matmul(x.tanh()).exp();
    const J = F.jacobian(fn, x) as gl.Tensor;
    expect(J.shape).toEqual([3, 4]);
    const { jvp } = gl.autograd.jvp(fn, x, v);
    close(jvp, J.matmul(v).tolist(), 1e-12);
  });

  it("handles several primals and outputs, unused primals, and constant-gradient ops", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const unused = f64([7]);
    const { jvp } = gl.autograd.jvp((a, b) => [a.mul(b), b.sign(), a.sum()], [a, b, unused], [f64([1, 0]), f64([0, 1]), f64([1])]);
    // d(ab) = b da + a db; sign has zero derivative; d sum(a) = sum(da)
    close(jvp[0], [3 * 1 + 1 * 0, 4 * 0 + 2 * 1]);
    close(jvp[1], [0, 0]);
    close(jvp[2], [1]);
  });

  it("checks the tangents' shapes", () => {
    expect(() => gl.autograd.jvp((x) => x, [f64([1, 2])], [f64([1])])).toThrow(/jvp: tangents 0 has shape \[1\] but primal 0 has shape \[2\]/);
    expect(() => gl.autograd.jvp((x) => x, [gl.tensor([1], { dtype: "int32" })], [f64([1])])).toThrow(/jvp: input 0 \(shape \[1\]\) has dtype int32; only floating point inputs can be differentiated/);
  });
});

describe("autograd.functional.jacobian / hessian", () => {
  it("jacobian of x^2 is diag(2x); shapes are output.shape ++ input.shape", () => {
    const J = F.jacobian((x) => x.pow(2), f64([1, 2])) as gl.Tensor;
    expect(J.toArray()).toEqual([[2, 0], [0, 4]]);
    const J2 = F.jacobian((m) => m.sum(0), f64([[1, 2, 3], [4, 5, 6]])) as gl.Tensor;
    expect(J2.shape).toEqual([3, 2, 3]);
    expect(J2.toArray()).toEqual([[[1, 0, 0], [1, 0, 0]], [[0, 1, 0], [0, 1, 0]], [[0, 0, 1], [0, 0, 1]]]);
  });

  it("nests arrays like torch: [output][input]", () => {
    const J = F.jacobian((a, b) => [a.mul(b), a.add(b).sum()], [f64([1, 2]), f64([3, 4])]) as gl.Tensor[][];
    expect(J[0][0].toArray()).toEqual([[3, 0], [0, 4]]);
    expect(J[0][1].toArray()).toEqual([[1, 0], [0, 2]]);
    expect(J[1][0].toArray()).toEqual([1, 1]);
    expect(J[1][1].toArray()).toEqual([1, 1]);
  });

  it("hessian of sum(x^3) is diag(6x); of a*b^2 the mixed blocks by hand", () => {
    expect((F.hessian((x) => x.pow(3).sum(), f64([1, 2])) as gl.Tensor).toArray()).toEqual([[6, 0], [0, 12]]);
    const H = F.hessian((a, b) => a.mul(b.pow(2)).sum(), [f64([2]), f64([3])]) as gl.Tensor[][];
    // f = a b^2: f_aa = 0, f_ab = 2b = 6, f_bb = 2a = 4
    expect(H[0][0].toArray()).toEqual([[0]]);
    expect(H[0][1].toArray()).toEqual([[6]]);
    expect(H[1][0].toArray()).toEqual([[6]]);
    expect(H[1][1].toArray()).toEqual([[4]]);
  });

  it("hessian of a linear function is zero, and a non-scalar fn is refused", () => {
    expect((F.hessian((x) => x.mul(3).sum(), f64([1, 2])) as gl.Tensor).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(() => F.hessian((x) => x.mul(3), f64([1, 2]))).toThrow(/hessian: fn must return a single one-element tensor, got shape \[2\]/);
  });
});
