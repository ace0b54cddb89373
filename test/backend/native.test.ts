// The native (C++) backend against the conformance suite, plus what the suite's small
// cases cannot show: blocked GEMM paths at sizes past the cache blocks, every micro-kernel
// set this CPU has, and identical results with 1 and 2 threads.
// Without a build this file fails, unless GRADLAB_EXPECT_NO_NATIVE=1 says that no compiler
// was expected (then it checks that gradlab really fell back to the js backend).

import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/backend/js/index.js";
import type { View } from "../../src/backend/kernels.js";
import type { NativeBackend } from "../../src/backend/native/index.js";
import { loadAddon } from "../../src/backend/native/addon.js";
import { loadNativeBackend, nativeFallbackNotice, nativeKernelsOnly, nativeLoadError } from "../../src/backend/native/index.js";
import type { DType } from "../../src/tensor/dtype.js";
import { Generator } from "../../src/tensor/random.js";
import type { Shape } from "../../src/tensor/shape.js";
import { compareOutput, toleranceFor } from "./compare.js";
import { CHECKS, runCheck, runConformance } from "./conformance.js";
import type { LayoutSpec } from "./views.js";
import { makeView } from "./views.js";

const native = loadNativeBackend();
const expectNone = process.env.GRADLAB_EXPECT_NO_NATIVE === "1";

describe("native backend availability", () => {
  if (expectNone) {
    it("is absent, as GRADLAB_EXPECT_NO_NATIVE=1 says, and the fallback notice says how to get it", () => {
      expect(native).toBeNull();
      expect(nativeLoadError()).toMatch(/not built|failed to load/);
      expect(nativeFallbackNotice()).toMatch(/running on the js backend.*npm rebuild gradlab/);
    });
  } else {
    it("is built and loads (set GRADLAB_EXPECT_NO_NATIVE=1 only where no C++ compiler is expected)", () => {
      expect(nativeLoadError()).toBeNull();
      expect(native?.name).toBe("native");
    });
  }
});

/** |x| as a contiguous float64 view (the magnitudes a product's error is measured against). */
function absView(v: View): View {
  const data = Float64Array.from(jsBackend.copy(v, "float64"), Math.abs);
  const strides = v.shape.map((_, d) => v.shape.slice(d + 1).reduce((p, s) => p * s, 1));
  return { data, shape: v.shape, strides, offset: 0 };
}

const normal = (g: Generator) => g.normal();

function nativeOnly(nb: NativeBackend): void {
  interface Product { name: string; a: View; b: View; batch: number[]; m: number; k: number; n: number; dtype: DType; bias?: View }

  // Past every blocking parameter (KC 256-512 deep, NC 256-512 columns, MC 2048-4092 rows) with odd edges.
  function products(): Product[] {
    const g = new Generator(7);
    const out: Product[] = [];
    const T: LayoutSpec = { perm: [1, 0], offset: 3 };
    // Narrow ones (a side of at most 8) take AVX-512's half-width kernels: read in place, swapped
    // into C's columns with transposed stores, past MC rows, and depth-split.
    const sizes: [number, number, number][] = [[301, 517, 259], [13, 5, 1100], [4100, 3, 20], [150, 300, 2], [2, 700, 300], [1, 600, 500], [500, 600, 1],
      [8, 30, 5003], [5003, 30, 8], [4100, 40, 6], [7, 4500, 8], [3, 31, 2049], [5, 1100, 700]];
    for (const dtype of ["float32", "float64"] as const) {
      for (const [m, k, n] of sizes) {
        for (const [an, al, bn, bl] of [["contiguous", {}, "contiguous", {}], ["transposed", T, "transposed", T], ["stepped", { step: 2, offset: 1 }, "transposed", T]] as const) {
          out.push({
            name: `${dtype} m=${m} k=${k} n=${n} a ${an} b ${bn}`, batch: [], m, k, n, dtype,
            a: makeView(g, dtype, [m, k], al, normal), b: makeView(g, dtype, [k, n], bl, normal),
          });
        }
      }
      // Deep, thin products (a small C summed in fixed depth chunks): W^T W and a narrow layer's input gradient.
      out.push({ name: `${dtype} deep 30x10000x30 (a transposed)`, batch: [], m: 30, k: 10000, n: 30, dtype,
        a: makeView(g, dtype, [30, 10000], T, normal), b: makeView(g, dtype, [10000, 30], {}, normal) });
      out.push({ name: `${dtype} deep 8x9001x30`, batch: [], m: 8, k: 9001, n: 30, dtype,
        a: makeView(g, dtype, [8, 9001], {}, normal), b: makeView(g, dtype, [9001, 30], { step: 2, offset: 1 }, normal) });
      out.push({ name: `${dtype} batch 2 of deep 5x4096x7`, batch: [2], m: 5, k: 4096, n: 7, dtype,
        a: makeView(g, dtype, [2, 5, 4096], {}, normal), b: makeView(g, dtype, [2, 4096, 7], { perm: [0, 2, 1] }, normal) });
      // Many small products (split by batch across threads) and a few large ones (split inside).
      out.push({ name: `${dtype} batch 64 of 40x33x50`, batch: [64], m: 40, k: 33, n: 50, dtype,
        a: makeView(g, dtype, [64, 40, 33], {}, normal), b: makeView(g, dtype, [64, 33, 50], { perm: [0, 2, 1] }, normal) });
      out.push({ name: `${dtype} batch 3 of 200x150x170, b broadcast`, batch: [3], m: 200, k: 150, n: 170, dtype,
        a: makeView(g, dtype, [3, 200, 150], {}, normal), b: makeView(g, dtype, [3, 150, 170], { zero: [true, false, false] }, normal) });
      // Column splits (m < n) over 2 threads share A's packed panels: a partial last panel, KC
      // slices with a shorter last one, several NC blocks per thread, a transposed A, a bias.
      out.push({ name: `${dtype} column split 130x1100x1200`, batch: [], m: 130, k: 1100, n: 1200, dtype,
        a: makeView(g, dtype, [130, 1100], {}, normal), b: makeView(g, dtype, [1100, 1200], {}, normal) });
      out.push({ name: `${dtype} column split 61x700x900 + bias, a transposed`, batch: [], m: 61, k: 700, n: 900, dtype,
        a: makeView(g, dtype, [61, 700], T, normal), b: makeView(g, dtype, [700, 900], T, normal), bias: makeView(g, dtype, [900], {}, normal) });
      // With a bias (linear's): added in the micro-kernel's last store, or after a depth-split sum.
      out.push({ name: `${dtype} 300x200x260 + bias`, batch: [], m: 300, k: 200, n: 260, dtype,
        a: makeView(g, dtype, [300, 200], {}, normal), b: makeView(g, dtype, [200, 260], T, normal), bias: makeView(g, dtype, [260], {}, normal) });
      out.push({ name: `${dtype} deep 8x9001x30 + stepped bias`, batch: [], m: 8, k: 9001, n: 30, dtype,
        a: makeView(g, dtype, [8, 9001], {}, normal), b: makeView(g, dtype, [9001, 30], {}, normal), bias: makeView(g, dtype, [30], { step: 2 }, normal) });
      out.push({ name: `${dtype} narrow 5x40x3000 + bias (swapped)`, batch: [], m: 5, k: 40, n: 3000, dtype,
        a: makeView(g, dtype, [5, 40], {}, normal), b: makeView(g, dtype, [40, 3000], T, normal), bias: makeView(g, dtype, [3000], {}, normal) });
    }
    return out;
  }

  let built: Product[] | undefined;
  // Built on first use, inside a test, so collecting the file stays fast.
  const all = (): Product[] => (built ??= products());

  function checkAgainstJs(label: string): string[] {
    const problems: string[] = [];
    for (const p of all()) {
      const args = { batch: p.batch, m: p.m, n: p.n, k: p.k, bias: p.bias };
      const want = jsBackend.matmul(p.a, p.b, args, p.dtype);
      const scale = jsBackend.matmul(absView(p.a), absView(p.b), { ...args, bias: p.bias && absView(p.bias) }, "float64");
      const r = compareOutput(nb.matmul(p.a, p.b, args, p.dtype), want, toleranceFor(p.dtype, "accumulate", scale));
      if (r.problem || r.count) problems.push(`${label} ${p.name}: ${r.problem ?? `${r.count} elements differ, first ${JSON.stringify(r.mismatches[0])}`}`);
    }
    return problems;
  }

  describe("native backend: large and batched matmul", () => {
    it("matches the js backend past every cache block, with the default micro-kernels", () => {
      expect(checkAgainstJs(nb.gemmIsa())).toEqual([]);
    });

    it("gives bit-identical products with 1 and 2 threads", () => {
      const before = nb.getNumThreads();
      try {
        nb.setNumThreads(1);
        const one = all().map((p) => nb.matmul(p.a, p.b, { batch: p.batch, m: p.m, n: p.n, k: p.k, bias: p.bias }, p.dtype));
        nb.setNumThreads(2);
        const two = all().map((p) => nb.matmul(p.a, p.b, { batch: p.batch, m: p.m, n: p.n, k: p.k, bias: p.bias }, p.dtype));
        const differ = all().filter((_, i) => !one[i].every((v, j) => Object.is(v, two[i][j]))).map((p) => p.name);
        expect(differ).toEqual([]);
      } finally {
        nb.setNumThreads(before);
      }
    });

    it("gives bit-identical large elementwise results and reductions with 1 and 2 threads", () => {
      const g = new Generator(3);
      const x = makeView(g, "float32", [300, 700], {}, normal);
      const y = makeView(g, "float32", [300, 700], {}, normal);
      const tall = makeView(g, "float32", [2100, 100], {}, normal);
      const mask: View = { data: Uint8Array.from({ length: 300 * 700 }, () => (g.uniform() < 0.5 ? 1 : 0)), shape: [300, 700], strides: [700, 1], offset: 0 };
      const xT: View = { ...x, shape: [700, 300], strides: [1, 700] };
      const y2 = makeView(g, "float32", [700, 300], {}, normal);
      const run = () => [
        nb.unary("tanh", x, "float32"), nb.unary("exp", x, "float32"), nb.binary("mul", x, y, [300, 700], "float32"),
        nb.binary("gt", x, y, [300, 700], "bool"), nb.copy({ ...x, shape: [700, 300], strides: [1, 700] }, "float32"),
        nb.reduce("sum", x, [0], "float32"), nb.reduce("sum", x, [1], "float32"),
        // Few outputs: the reduced range is cut into blocks whose partial results are combined in order.
        nb.reduce("sum", x, [0, 1], "float32"), nb.reduce("sum", tall, [0], "float32"), nb.reduce("max", tall, [0], "float32"),
        nb.reduce("sum", { ...tall, shape: [100, 2100], strides: [1, 100] }, [1], "float32"), nb.reduce("min", x, [0, 1], "float32"),
        nb.where(mask, x, y, [300, 700], "float32"), nb.where({ ...mask, shape: [700, 300], strides: [1, 700] }, xT, y2, [700, 300], "float32"),
        nb.binary("add", x, { ...y2, shape: [300, 700], strides: [1, 300] }, [300, 700], "float32"),
        nb.reduce("sumsq", x, [0], "float32"), nb.reduce("sumsq", x, [1], "float32"), nb.reduce("sumsq", x, [0, 1], "float32"),
        nb.reduce("sumsq", tall, [0], "float32"), nb.reduce("sumsq", { ...tall, shape: [100, 2100], strides: [1, 100] }, [1], "float32"),
      ];
      const before = nb.getNumThreads();
      try {
        nb.setNumThreads(1);
        const one = run();
        nb.setNumThreads(2);
        const two = run();
        expect(one.map((o, i) => o.every((v, j) => Object.is(v, two[i][j])))).toEqual(one.map(() => true));
      } finally {
        nb.setNumThreads(before);
      }
    });
  });

  describe("native backend: large elementwise kernels, reductions and copies", () => {
    // The conformance cases are small; these run the split (threaded) and tiled paths.
    const g = new Generator(11);
    const sample = (dt: DType) => (gen: Generator) => (dt === "bool" ? (gen.uniform() < 0.5 ? 1 : 0) : dt === "int32" ? gen.integer(-1000, 1000) : gen.normal() * 3);

    it("copies large transposed and permuted views exactly as the js backend does", () => {
      const bad: string[] = [];
      for (const from of ["float32", "float64", "int32", "bool"] as const) {
        for (const to of ["float32", "float64", "int32", "bool"] as const) {
          for (const [shape, spec] of [[[70, 300], { perm: [1, 0], offset: 2 }], [[3, 40, 50], { perm: [0, 2, 1] }], [[4, 30, 20, 9], { perm: [2, 0, 3, 1], step: 2 }]] as const) {
            const x = makeView(g, from, shape as unknown as number[], spec as LayoutSpec, sample(from));
            const r = compareOutput(nb.copy(x, to), jsBackend.copy(x, to), toleranceFor(to, "exact"));
            if (r.problem || r.count) bad.push(`${from}->${to} [${shape.join(",")}] ${JSON.stringify(spec)}: ${r.problem ?? JSON.stringify(r.mismatches[0])}`);
          }
        }
      }
      expect(bad).toEqual([]);
    });

    it("computes large unary and binary ops and reductions as the js backend does", () => {
      const bad: string[] = [];
      const shape = [300, 700];
      for (const dt of ["float32", "float64"] as const) {
        const x = makeView(g, dt, shape, {}, normal), y = makeView(g, dt, shape, {}, normal);
        const xt = makeView(g, dt, shape, { perm: [1, 0] }, normal);
        const check = (label: string, got: ArrayLike<number>, want: Float32Array | Float64Array | Int32Array | Uint8Array, tol: ReturnType<typeof toleranceFor>) => {
          const r = compareOutput(got, want, tol);
          if (r.problem || r.count) bad.push(`${dt} ${label}: ${r.problem ?? JSON.stringify(r.mismatches[0])}`);
        };
        for (const op of ["exp", "tanh", "sigmoid", "relu", "neg", "log1p"] as const) {
          check(`unary ${op}`, nb.unary(op, x, dt), jsBackend.unary(op, x, dt), toleranceFor(dt, "elementwise"));
          check(`unary ${op} transposed`, nb.unary(op, xt, dt), jsBackend.unary(op, xt, dt), toleranceFor(dt, "elementwise"));
        }
        for (const op of ["add", "mul", "div", "maximum", "reluBackward"] as const) {
          check(`binary ${op}`, nb.binary(op, x, y, shape, dt), jsBackend.binary(op, x, y, shape, dt), toleranceFor(dt, "elementwise"));
          check(`binary ${op} transposed`, nb.binary(op, x, xt, shape, dt), jsBackend.binary(op, x, xt, shape, dt), toleranceFor(dt, "elementwise"));
        }
        check("binary gt", nb.binary("gt", x, y, shape, "bool"), jsBackend.binary("gt", x, y, shape, "bool"), toleranceFor("bool", "exact"));
        const mask: View = { data: Uint8Array.from({ length: 300 * 700 }, () => (g.uniform() < 0.5 ? 1 : 0)), shape, strides: [700, 1], offset: 0 };
        check("where", nb.where(mask, x, y, shape, dt), jsBackend.where(mask, x, y, shape, dt), toleranceFor(dt, "exact"));
        check("where transposed", nb.where(mask, xt, y, shape, dt), jsBackend.where(mask, xt, y, shape, dt), toleranceFor(dt, "exact"));
        for (const axes of [[0], [1], [0, 1]]) {
          const scale = jsBackend.reduce("sum", absView(x), axes, "float64");
          check(`sum over [${axes}]`, nb.reduce("sum", x, axes, dt), jsBackend.reduce("sum", x, axes, dt), toleranceFor(dt, "accumulate", scale));
          check(`max over [${axes}]`, nb.reduce("max", xt, axes, dt), jsBackend.reduce("max", xt, axes, dt), toleranceFor(dt, "exact"));
          check(`sumsq over [${axes}]`, nb.reduce("sumsq", x, axes, dt), jsBackend.reduce("sumsq", x, axes, dt), toleranceFor(dt, "accumulate"));
          check(`sumsq over [${axes}] transposed`, nb.reduce("sumsq", xt, axes, dt), jsBackend.reduce("sumsq", xt, axes, dt), toleranceFor(dt, "accumulate"));
        }
        // Long rows with a NaN, infinities of one or both signs, or neither: max/min's fast pass and its exact fallback.
        const specials = makeView(g, dt, [8, 300], {}, normal);
        const sd = specials.data as Float32Array | Float64Array;
        sd[5] = NaN; sd[300 + 299] = NaN; sd[600 + 17] = Infinity; sd[900 + 40] = -Infinity;
        sd[1200 + 3] = Infinity; sd[1200 + 250] = -Infinity; sd[1500 + 100] = 3e38; sd[1500 + 101] = 3e38; sd[1800 + 31] = NaN; sd[1800 + 32] = Infinity;
        for (const op of ["max", "min"] as const) {
          check(`${op} of rows with NaN and infinities`, nb.reduce(op, specials, [1], dt), jsBackend.reduce(op, specials, [1], dt), toleranceFor(dt, "exact"));
        }
        // Leading-dim reductions into few columns (row blocks), and into a transposed view's columns.
        const tall = makeView(g, dt, [2100, 100], {}, normal);
        const tallT = { ...tall, shape: [100, 2100], strides: [1, 100] };
        for (const [label, v, axes] of [["tall [0]", tall, [0]], ["tall^T [1]", tallT, [1]], ["tall [0,1]", tall, [0, 1]]] as const) {
          const scale = jsBackend.reduce("sum", absView(v), axes, "float64");
          check(`sum ${label}`, nb.reduce("sum", v, axes, dt), jsBackend.reduce("sum", v, axes, dt), toleranceFor(dt, "accumulate", scale));
          check(`min ${label}`, nb.reduce("min", v, axes, dt), jsBackend.reduce("min", v, axes, dt), toleranceFor(dt, "exact"));
          check(`sumsq ${label}`, nb.reduce("sumsq", v, axes, dt), jsBackend.reduce("sumsq", v, axes, dt), toleranceFor(dt, "accumulate"));
        }
      }
      expect(bad).toEqual([]);
    });
  });

  // Every micro-kernel set this CPU can run, not only the one chosen by default.
  for (const isa of ["avx512", "avx2", "generic"]) {
    describe(`native backend: ${isa} micro-kernels`, () => {
      it(`${isa}: conformance matmul checks and large products (checked where the CPU has ${isa}; generic must always load)`, () => {
        const chosen = nb.gemmIsa();
        const ok = nb.setGemmIsa(isa);
        if (!ok) {
          // Only instruction sets the CPU lacks may be unavailable; generic always is.
          expect(isa).not.toBe("generic");
          return;
        }
        try {
          const failures = ["matmul sizes", "matmul strided operands", "matmul batched", "matmul mixed dtypes"].flatMap((c) => runCheck(nb, c).map((f) => f.message));
          expect(failures).toEqual([]);
          expect(checkAgainstJs(isa)).toEqual([]);
        } finally {
          nb.setGemmIsa(chosen);
        }
      });
    });
  }

  // Every vector-math set (float32 functions, reduction rows) this CPU can run (the default is the widest).
  describe("native backend: vector math sets", () => {
    const addon = loadAddon().addon;
    const checks = [...CHECKS.filter((c) => c.name.endsWith("across the float32 range")).map((c) => c.name), "reduce sum", "reduce max", "reduce min", "reduce sumsq"];
    const g = new Generator(5);
    const big = (["float32", "float64"] as const).map((dt) => makeView(g, dt, [300, 700], {}, normal));
    const large = (): string[] => big.flatMap((x) => ([[0], [1], [0, 1]] as const).flatMap((axes) => (["sum", "max", "min", "sumsq"] as const).flatMap((op) => {
      const dt = x.data instanceof Float32Array ? "float32" : "float64";
      const scale = jsBackend.reduce("sum", absView(x), axes, "float64");
      const r = compareOutput(nb.reduce(op, x, axes, dt), jsBackend.reduce(op, x, axes, dt), toleranceFor(dt, op === "sum" || op === "sumsq" ? "accumulate" : "exact", scale));
      return r.problem || r.count ? [`${op} ${dt} over [${axes}]: ${r.problem ?? JSON.stringify(r.mismatches[0])}`] : [];
    })));
    // sumsq must add exactly what square() writes (no fused multiply-add), in sum's order: the
    // squares are laid out as x is, so both reductions take the same plan (rows, columns, blocks).
    const layouts: [string, Shape, number[], LayoutSpec][] = [
      ["rows", [300, 700], [1], {}], ["columns", [2100, 100], [0], {}], ["few outputs", [8, 10000], [0, 1], {}],
      ["transposed", [700, 300], [0], { perm: [1, 0] }], ["stepped", [40, 90], [1], { step: 2, offset: 1 }],
    ];
    const squaresBitwise = (): string[] => (["float32", "float64"] as const).flatMap((dt) => layouts.flatMap(([label, shape, axes, spec]) => {
      const x = makeView(g, dt, shape, spec, normal);
      const squares: View = { ...x, data: nb.unary("square", { data: x.data, shape: [x.data.length], strides: [1], offset: 0 }, dt) };
      const got = nb.reduce("sumsq", x, axes, dt), want = nb.reduce("sum", squares, axes, dt);
      const i = got.findIndex((v, k) => !Object.is(v, want[k]));
      return i < 0 ? [] : [`${dt} ${label}: sumsq[${i}] ${got[i]} != sum of squares ${want[i]}`];
    }));
    for (const isa of ["avx512", "avx2", "generic"]) {
      it(`${isa}: float ops across the float32 range and reductions (checked where the CPU has ${isa}; generic must always load)`, () => {
        expect(addon).not.toBeNull();
        const chosen = addon!.info().vmath;
        if (!addon!.setVmathIsa(isa)) {
          expect(isa).not.toBe("generic");
          return;
        }
        try {
          expect(checks.length).toBeGreaterThan(10);
          expect(checks.flatMap((c) => runCheck(nb, c).map((f) => f.message))).toEqual([]);
          expect(large()).toEqual([]);
          expect(squaresBitwise()).toEqual([]);
        } finally {
          addon!.setVmathIsa(chosen);
        }
      });
    }
  });

  describe("native backend: errors", () => {
    it("reports an out-of-range index as the js backend does", () => {
      const x: View = { data: new Float32Array(300), shape: [300], strides: [1], offset: 0 };
      const idx: View = { data: Int32Array.from({ length: 200 }, (_, i) => (i === 150 ? 300 : i)), shape: [200], strides: [1], offset: 0 };
      const src: View = { ...x, shape: [200] };
      for (const b of [nb, jsBackend]) {
        expect(() => b.indexSelect(x, 0, idx, "float32")).toThrow(new RangeError("indexSelect: index 300 is out of bounds for dim 0 with size 300"));
        expect(() => b.gather(x, 0, idx, "float32")).toThrow(new RangeError("gather: index 300 is out of bounds for dim 0 with size 300"));
        expect(() => b.scatterAdd([300], 0, idx, src, "float32")).toThrow(new RangeError("scatterAdd: index 300 is out of bounds for dim 0 with size 300"));
        expect(() => b.indexAdd([300], 0, idx, src, "float32")).toThrow(new RangeError("indexAdd: index 300 is out of bounds for dim 0 with size 300"));
      }
    });

    it("refuses a view that reaches outside its storage instead of reading past it", () => {
      const x: View = { data: new Float32Array(100), shape: [10, 20], strides: [20, 1], offset: 0 };
      expect(() => nb.unary("neg", x, "float32")).toThrow(/outside its storage/);
      expect(() => nb.matmul(x, { ...x, shape: [20, 10], strides: [1, 20] }, { batch: [], m: 10, n: 10, k: 20 }, "float32")).toThrow(/outside its storage/);
    });

    it("rejects a thread count below 1", () => {
      expect(() => nb.setNumThreads(0)).toThrow(RangeError);
    });
  });
}

const kernels = nativeKernelsOnly();
if (native && kernels) {
  // Every call in C++ (small ones too, through the stand-ins for V8's on-heap arrays)...
  runConformance({ ...kernels, name: "native, every call in C++" });
  // ...and the backend as shipped, which sends calls too small to repay a native call to js.
  runConformance(native);
  nativeOnly(kernels);
}
