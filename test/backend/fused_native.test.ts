// The native axpy on sizes past its threading threshold: the split paths (one long run, and
// many rows) must give exactly the js backend's result with 1 and with 2 threads.

import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/backend/js/index.js";
import type { View } from "../../src/backend/kernels.js";
import { nativeKernelsOnly } from "../../src/backend/native/index.js";
import { Generator } from "../../src/tensor/random.js";
import { compareOutput, toleranceFor } from "./compare.js";
import type { LayoutSpec } from "./views.js";
import { cloneView, makeView } from "./views.js";

const nb = nativeKernelsOnly();
const expectNone = process.env.GRADLAB_EXPECT_NO_NATIVE === "1";

describe("native axpy: large views, 1 and 2 threads", () => {
  it("has the native kernels to test (unless GRADLAB_EXPECT_NO_NATIVE=1)", () => {
    expect(nb !== null || expectNone).toBe(true);
  });
  if (!nb) return;
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
