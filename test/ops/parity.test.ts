import { describe, expect, it } from "vitest";
import type { FxFile } from "../helpers/fixtures.js";
import { loadFixtures } from "../helpers/fixtures.js";
import { OP_TABLE, runCase } from "../helpers/parity.js";

// Parity with PyTorch: every case in test/fixtures/core (written by tools/oracle/gen_core.py
// with the torch version named in each file's header) is replayed with gradlab. Forward
// outputs, first-order gradients of sum(out * upstream) and, where stored, second-order
// gradients must match within tol * max(1, |expected|) per element: tol = 1e-10 for float64,
// 1e-5 for float32, exact for int32/bool.

const FILES = ["elementwise", "reduce", "shape", "indexing", "linalg"];
const loaded: [string, FxFile][] = FILES.map((f) => [f, loadFixtures("core", f)]);

describe("PyTorch fixtures", () => {
  it("cover every op of the table, in float32 and float64, with >= 300 cases", () => {
    const cases = loaded.flatMap(([, f]) => f.cases);
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const names = new Set(cases.map((c) => c.name));
    expect(names.size).toBe(cases.length);
    for (const op of Object.keys(OP_TABLE)) {
      const dts = new Set(cases.filter((c) => c.op === op).map((c) => c.dtype));
      if (op === "dot" || op === "mv") expect(dts.size, op).toBeGreaterThan(0); // extras beyond API.md's list
      else expect([...dts], op).toEqual(expect.arrayContaining(["float32", "float64"]));
    }
    for (const c of cases) expect(OP_TABLE[c.op], `${c.name}: op ${c.op}`).toBeDefined();
    expect(new Set(cases.filter((c) => c.second).map((c) => c.op)).size).toBeGreaterThanOrEqual(20);
    for (const [, f] of loaded) expect(f.torch).toMatch(/^\d+\.\d+/);
  });
});

for (const [file, fx] of loaded) {
  describe(`parity with torch ${fx.torch}: ${file}`, () => {
    for (const c of fx.cases) {
      it(c.name, () => runCase(c, fx));
    }
  });
}

describe("the parity harness", () => {
  const find = (file: string, name: string) => {
    const fx = loaded.find(([f]) => f === file)![1];
    const c = fx.cases.find((k) => k.name === name)!;
    return { fx, c: structuredClone(c) };
  };
  const bump = (v: unknown, rel: number) => (typeof v === "number" ? v * (1 + rel) + rel : 1);

  it("fails on a forward value, gradient or second-order value off by more than the tolerance", () => {
    const { fx, c } = find("elementwise", "mul_f64");
    expect(() => runCase(c, fx)).not.toThrow();
    const fwd = structuredClone(c);
    fwd.outputs[0].data[3] = bump(fwd.outputs[0].data[3], 1e-9);
    expect(() => runCase(fwd, fx)).toThrow(/\[forward\] output "out": 1\/12 elements off .* first at \[0,3\]/);
    const grad = structuredClone(c);
    grad.grads![1].data[0] = bump(grad.grads![1].data[0], 1e-9);
    expect(() => runCase(grad, fx)).toThrow(/\[grad\] input 1: 1\/12 elements off/);
    const sec = structuredClone(c);
    sec.second!.grads[0]!.data[5] = bump(sec.second!.grads[0]!.data[5], 1e-9);
    expect(() => runCase(sec, fx)).toThrow(/\[second\] input 0: 1\/12 elements off/);
  });

  it("uses the float32 tolerance for float32 and checks shapes, dtypes and NaN", () => {
    const { fx, c } = find("elementwise", "exp_f32_transposed");
    const off = structuredClone(c);
    off.outputs[0].data[0] = bump(off.outputs[0].data[0], 1e-4);
    expect(() => runCase(off, fx)).toThrow(/\[forward\]/);
    const near = structuredClone(c);
    near.outputs[0].data[0] = bump(near.outputs[0].data[0], 1e-7);
    expect(() => runCase(near, fx)).not.toThrow();
    const shape = structuredClone(c);
    shape.outputs[0].shape = [4, 3];
    expect(() => runCase(shape, fx)).toThrow(/shape \[3,4\], expected \[4,3\]/);
    const dtype = structuredClone(c);
    dtype.outputs[0].dtype = "float64";
    expect(() => runCase(dtype, fx)).toThrow(/dtype float32, expected float64/);
    const s = find("elementwise", "log_special_f64");
    expect(() => runCase(s.c, s.fx)).not.toThrow();
    const nan = structuredClone(s.c);
    nan.outputs[0].data = nan.outputs[0].data.map((v) => (v === "nan" ? 0 : v));
    expect(() => runCase(nan, s.fx)).toThrow(/got NaN, expected 0/);
  });
});
