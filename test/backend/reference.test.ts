// Pins the reference backend (the conformance oracle) to PyTorch: every expected value
// below was printed by torch 1.13 on CPU (float64 unless the case says otherwise).

import { describe, expect, it } from "vitest";
import type { BinaryOp, UnaryOp, View } from "../../src/backend/kernels.js";
import type { DType } from "../../src/tensor/dtype.js";
import { allocate } from "../../src/tensor/dtype.js";
import { forEachIndex, referenceBackend as ref } from "./reference.js";

/** A contiguous 1-D view of `values` stored as `dtype`. */
function vec(values: readonly number[], dtype: DType = "float64"): View {
  const data = allocate(dtype, values.length);
  values.forEach((v, i) => { data[i] = v; });
  return { data, shape: [values.length], strides: [1], offset: 0 };
}

const unary = (op: UnaryOp, xs: number[], dtype: DType = "float64", out: DType = dtype) => Array.from(ref.unary(op, vec(xs, dtype), out));
const binary = (op: BinaryOp, as: number[], bs: number[], dtype: DType = "float64", out: DType = dtype) =>
  Array.from(ref.binary(op, vec(as, dtype), vec(bs, dtype), [as.length], out));

describe("reference backend: PyTorch 1.13 semantics", () => {
  it("walks multi-indices in row-major order, once for 0-d, never for size 0", () => {
    const seen: string[] = [];
    forEachIndex([2, 3], (idx, flat) => seen.push(`${flat}:${idx.join(",")}`));
    expect(seen).toEqual(["0:0,0", "1:0,1", "2:0,2", "3:1,0", "4:1,1", "5:1,2"]);
    let n = 0;
    forEachIndex([], () => n++);
    forEachIndex([3, 0], () => n++);
    expect(n).toBe(1);
  });

  it("reads strided views: a transposed 2x3 copies to its row-major order", () => {
    const x: View = { data: new Float64Array([9, 0, 1, 2, 3, 4, 5]), shape: [3, 2], strides: [1, 3], offset: 1 };
    expect(Array.from(ref.copy(x, "float64"))).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it("sign(NaN) is 0, relu(NaN) is NaN, round is half-to-even", () => {
    // torch.sign(tensor([nan, -inf, 2.])) -> [0., -1., 1.]
    expect(unary("sign", [NaN, -Infinity, 2])).toEqual([0, -1, 1]);
    expect(unary("relu", [NaN, -1, 2])).toEqual([NaN, 0, 2]);
    // torch.round(tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997]))
    expect(unary("round", [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997])).toEqual([0, 2, 2, -0, -2, -2, 0]);
  });

  it("NaN is true: logical ops and bool conversion", () => {
    // torch.logical_not(nan) -> False; logical_and(nan, 1.) -> True; logical_xor(nan, 1.) -> False; tensor([nan]).bool() -> True
    expect(unary("logicalNot", [NaN, 0, -0], "float64", "bool")).toEqual([0, 1, 1]);
    expect(binary("logicalAnd", [NaN], [1], "float64", "bool")).toEqual([1]);
    expect(binary("logicalOr", [NaN], [0], "float64", "bool")).toEqual([1]);
    expect(binary("logicalXor", [NaN], [1], "float64", "bool")).toEqual([0]);
    expect(Array.from(ref.copy(vec([NaN, -0, 2.5]), "bool"))).toEqual([1, 0, 1]);
  });

  it("floor division and remainder follow Python (via fmod), including infinities", () => {
    // torch.floor_divide(1., 0.1) -> 9.; torch.remainder(1., 0.1) -> 0.09999999999999995
    expect(binary("floorDivide", [1, -1, 0.5, Infinity, 1, -1, 0], [0.1, -0.1, 0.1, 2, 0, 0, 0])).toEqual([9, 9, 4, NaN, Infinity, -Infinity, NaN]);
    expect(binary("remainder", [1, -2, 2.5, 1e300, 5], [0.1, Infinity, -Infinity, -7, 0])).toEqual([0.09999999999999995, Infinity, -Infinity, -6, NaN]);
    expect(binary("floorDivide", [-2, -0.5], [Infinity, Infinity])).toEqual([-1, -1]);
    // int32: fmod([-7, 7], [2, -2]) -> [-1, 1]; remainder -> [1, -1]; floor_divide -> [-4, -4]
    expect(binary("fmod", [-7, 7], [2, -2], "int32")).toEqual([-1, 1]);
    expect(binary("remainder", [-7, 7], [2, -2], "int32")).toEqual([1, -1]);
    expect(binary("floorDivide", [-7, 7], [2, -2], "int32")).toEqual([-4, -4]);
  });

  it("pow follows C's pow: 1^y, x^0 and (-1)^inf are 1", () => {
    // torch.pow(tensor([1, 1, -1, -1, nan, 0, -8]), tensor([nan, inf, inf, -inf, 0, 0, 1/3]))
    expect(binary("pow", [1, 1, -1, -1, NaN, 0, -8], [NaN, Infinity, Infinity, -Infinity, 0, 0, 1 / 3])).toEqual([1, 1, 1, 1, 1, 1, NaN]);
  });

  it("int32 arithmetic wraps around", () => {
    const MAX = 2147483647, MIN = -2147483648;
    expect(binary("add", [MAX], [1], "int32")).toEqual([MIN]);
    expect(binary("mul", [196615, MAX], [327683, MAX], "int32")).toEqual([2883605, 1]);
    expect(unary("square", [100000, MAX], "int32")).toEqual([1410065408, 1]);
    expect(unary("neg", [MIN], "int32")).toEqual([MIN]);
    expect(unary("abs", [MIN], "int32")).toEqual([MIN]);
    // torch.cumprod(tensor([65536, 65536, 3], dtype=int32), 0, dtype=int32) -> [65536, 0, 0]
    expect(Array.from(ref.scan("cumprod", vec([65536, 65536, 3], "int32"), 0, "int32"))).toEqual([65536, 0, 0]);
  });

  it("float to int32 truncates toward zero", () => {
    expect(Array.from(ref.copy(vec([2.7, -2.7, -0.5]), "int32"))).toEqual([2, -2, 0]);
  });

  it("max, min, argmax and argmin: NaN wins, ties go to the first index", () => {
    // torch.max(tensor([1., nan, 3.])) -> nan; argmax(tensor([1., nan, 3., nan])) -> 1; argmin(tensor([1., nan, -3.])) -> 1
    expect(Array.from(ref.reduce("max", vec([1, NaN, 3]), [0], "float64"))).toEqual([NaN]);
    expect(Array.from(ref.reduce("min", vec([1, NaN, -3]), [0], "float64"))).toEqual([NaN]);
    expect(Array.from(ref.argReduce("argmax", vec([1, NaN, 3, NaN]), 0))).toEqual([1]);
    expect(Array.from(ref.argReduce("argmin", vec([1, NaN, -3]), 0))).toEqual([1]);
    // argmax(tensor([3, 1, 3])) -> 0; argmin(tensor([1, 1, 0, 0])) -> 2
    expect(Array.from(ref.argReduce("argmax", vec([3, 1, 3], "int32"), 0))).toEqual([0]);
    expect(Array.from(ref.argReduce("argmin", vec([1, 1, 0, 0], "int32"), 0))).toEqual([2]);
  });

  it("erf and sigmoid to float64 precision (within a few ulp)", () => {
    // torch.erf / math.erf at [1e-10, 0.5, 1, 2.5, -3, 5, 5.9]
    const want = [1.1283791670955126e-10, 0.5204998778130465, 0.8427007929497149, 0.999593047982555, -0.9999779095030014, 0.9999999999984626, 0.9999999999999999];
    unary("erf", [1e-10, 0.5, 1, 2.5, -3, 5, 5.9]).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-14 * Math.abs(want[i])));
    expect(unary("erf", [Infinity, -7, NaN])).toEqual([1, -1, NaN]);
    // torch.sigmoid(tensor([-800., -30., 0., 30.]))
    const sig = [0, 9.357622968839299e-14, 0.5, 0.9999999999999065];
    unary("sigmoid", [-800, -30, 0, 30]).forEach((v, i) => expect(Math.abs(v - sig[i])).toBeLessThanOrEqual(1e-15 * sig[i]));
  });

  it("accumulates float32 in float64 and rounds once (the exact answer; backends get a tolerance)", () => {
    // torch.sum(tensor([16777216., 1., 1.])) adds in float32 and gives 16777216; the exact sum is 16777218.
    const x = vec([16777216, 1, 1], "float32");
    expect(Array.from(ref.reduce("sum", x, [0], "float32"))).toEqual([16777218]);
  });

  it("sumsq adds the squares as square() stores them: rounded to float32, wrapped in int32", () => {
    // torch.square(tensor([1 + 2**-12, 3.])).double().sum() -> 10.00048828125; in float64 -> 10.000488340854645
    expect(Array.from(ref.reduce("sumsq", vec([1 + 2 ** -12, 3], "float32"), [0], "float64"))).toEqual([10.00048828125]);
    expect(Array.from(ref.reduce("sumsq", vec([1 + 2 ** -12, 3], "float64"), [0], "float64"))).toEqual([10.000488340854645]);
    // torch.square(tensor([65536, 3], dtype=torch.int32)) -> [0, 9] (wraps)
    expect(Array.from(ref.reduce("sumsq", vec([65536, 3], "int32"), [0], "int32"))).toEqual([9]);
  });
});
