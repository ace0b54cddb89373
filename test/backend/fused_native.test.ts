// The native axpy and assign on sizes past their threading threshold: the split paths (one
// long run, and many rows) must give exactly the js backend's result with 1 and with 2 threads.

import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/backend/js/index.js";
import type { View } from "../../src/backend/kernels.js";
import { nativeKernelsOnly } from "../../src/backend/native/index.js";
import { Generator } from "../../src/tensor/random.js";
import { compareOutput, toleranceFor } from "./compare.js";
import type { LayoutSpec } from "./views.js";
import { cloneView, makeView } from "./views.js";

const native = nativeKernelsOnly();
const expectNone = process.env.GRADLAB_EXPECT_NO_NATIVE === "1";

describe("native axpy and assign past the threading threshold", () => {
  it("has the native kernels to test (unless GRADLAB_EXPECT_NO_NATIVE=1)", () => {
    expect(native !== null || expectNone).toBe(true);
  });
  if (native) {
    axpyCases(native);
    assignCases(native);
  }
});

function axpyCases(nb: NonNullable<typeof native>): void {
  describe("native axpy: large views, 1 and 2 threads", () => {
    const g = new Generator(5);
    const cases: [string, number[], LayoutSpec, LayoutSpec, number[]?][] = [
      ["contiguous", [700, 300], {}, {}],
      ["row broadcast (a bias)", [600, 257], {}, { zero: [true, false] }],
      ["transposed src", [300, 500], {}, { perm: [1, 0], offset: 3 }],
      ["stepped dst", [400, 333], { step: 2, offset: 1 }, {}],
    ];
    for (const dtype of ["float32", "float64", "int32"] as const) {
      for (const [name, shape, dl, sl] of cases) {
        it(`${dtype} ${name} [${shape.join(",")}]`, () => {
          const sample = (gen: Generator) => (dtype === "int32" ? gen.integer(-100000, 100000) : gen.normal() * 3);
          const dst = makeView(g, dtype, shape, dl, sample);
          const src = makeView(g, dtype, shape, sl, sample);
          const before = nb.getNumThreads();
          const bad: string[] = [];
          for (const alpha of [1, -0.01, 7]) {
            const want = cloneView(dst);
            jsBackend.axpy(want, src, alpha);
            for (const threads of [1, 2]) {
              nb.setNumThreads(threads);
              const got: View = cloneView(dst);
              nb.axpy(got, src, alpha);
              const r = compareOutput(got.data, want.data, toleranceFor(dtype, "exact"));
              if (r.problem || r.count) bad.push(`alpha ${alpha}, ${threads} threads: ${r.problem ?? JSON.stringify(r.mismatches[0])}`);
            }
          }
          nb.setNumThreads(before);
          expect(bad).toEqual([]);
        });
      }
    }
  });
}

function assignCases(nb: NonNullable<typeof native>): void {
  describe("native assign: large views, 1 and 2 threads", () => {
    const g = new Generator(6);
    // [name, shape, dst layout, src layout, src dtype]: one run (copy, fill), rows, element loops, conversion.
    const cases: [string, number[], LayoutSpec, LayoutSpec, "float32" | "float64" | "int32"][] = [
      ["contiguous copy", [700, 300], {}, {}, "float32"],
      ["fill from a scalar (zero_)", [512, 784], {}, { zero: [true, true] }, "float32"],
      ["row broadcast", [600, 257], {}, { zero: [true, false] }, "float32"],
      ["rows of a stepped dst", [400, 333], { step: 2, offset: 1 }, {}, "float32"],
      ["transposed src", [300, 500], {}, { perm: [1, 0], offset: 3 }, "float32"],
      ["float64 into float32", [500, 300], {}, {}, "float64"],
      ["int32 into float32, offset", [90000], { offset: 5 }, { offset: 2 }, "int32"],
    ];
    for (const [name, shape, dl, sl, from] of cases) {
      it(`${name} [${shape.join(",")}]`, () => {
        const sample = (gen: Generator) => (from === "int32" ? gen.integer(-100000, 100000) : gen.normal() * 3);
        const dst = makeView(g, "float32", shape, dl, (gen) => gen.normal());
        const src = makeView(g, from, shape, sl, sample);
        const want = cloneView(dst);
        jsBackend.assign(want, src);
        const before = nb.getNumThreads();
        const bad: string[] = [];
        for (const threads of [1, 2]) {
          nb.setNumThreads(threads);
          const got: View = cloneView(dst);
          nb.assign(got, src);
          const r = compareOutput(got.data, want.data, toleranceFor("float32", "exact"));
          if (r.problem || r.count) bad.push(`${threads} threads: ${r.problem ?? JSON.stringify(r.mismatches[0])}`);
        }
        nb.setNumThreads(before);
        expect(bad).toEqual([]);
      });
    }
    it("overlapping views of one buffer stay in element order (as the js backend), with 2 threads", () => {
      const n = 200000;
      const data = new Float32Array(n + 7);
      for (let i = 0; i < data.length; i++) data[i] = i % 1013;
      const dstOf = (d: Float32Array): View => ({ data: d, shape: [n], strides: [1], offset: 7 });
      const srcOf = (d: Float32Array): View => ({ data: d, shape: [n], strides: [1], offset: 0 });
      const want = data.slice();
      jsBackend.assign(dstOf(want), srcOf(want));
      const before = nb.getNumThreads();
      nb.setNumThreads(2);
      const got = data.slice();
      nb.assign(dstOf(got), srcOf(got));
      nb.setNumThreads(before);
      // Element order copies forward: every element becomes a copy of the first seven's pattern.
      expect(Array.from(got.subarray(0, 30))).toEqual(Array.from(want.subarray(0, 30)));
      expect(compareOutput(got, want, toleranceFor("float32", "exact")).count).toBe(0);
    });
  });
}
