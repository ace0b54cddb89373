// Out of memory inside the native kernels: a failed scratch or workspace allocation, on the
// calling thread or on a pool worker, must come back as a JavaScript Error that names the op
// and the size, never a crash or a wrong result; and the backend must work normally after it.
// The addon's test-only setAllocLimit makes every allocation above a size fail.
// Without a build this file fails, unless GRADLAB_EXPECT_NO_NATIVE=1 says that no compiler
// was expected (then it has nothing native to test).

import { afterEach, describe, expect, it } from "vitest";
import type { Conv2dParams, MaxPool2dParams } from "../../src/backend/conv_kernels.js";
import { jsBackend } from "../../src/backend/js/index.js";
import type { Backend, View } from "../../src/backend/kernels.js";
import { loadAddon } from "../../src/backend/native/addon.js";
import { nativeKernelsOnly } from "../../src/backend/native/index.js";
import type { DType, TypedArray } from "../../src/tensor/dtype.js";
import { Generator } from "../../src/tensor/random.js";
import { compareOutput, toleranceFor } from "./compare.js";
import type { Sampler } from "./views.js";
import { makeView } from "./views.js";

const nb = nativeKernelsOnly();
const addon = loadAddon().addon;
const expectNone = process.env.GRADLAB_EXPECT_NO_NATIVE === "1";

const normal: Sampler = (g) => g.normal();
const gen = new Generator(11);
const dense = (dtype: DType, shape: number[], sample: Sampler = normal): View => makeView(gen, dtype, shape, {}, sample);

/** One kernel call that needs scratch or workspace memory, and the error it must give when that is refused. */
interface OomCase {
  readonly name: string;
  /** Allocations above this many bytes fail. */
  readonly limit: number;
  readonly message: RegExp | string;
  readonly run: (b: Backend) => TypedArray;
  /** With 2 threads the call splits over the pool, so a worker can be the one whose allocation fails. */
  readonly split?: boolean;
}

const conv: Conv2dParams = { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 };
const pool: MaxPool2dParams = { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceilMode: false };
const scratchOf = (op: string, what: string) => new RegExp(`^${op}: out of memory \\(could not allocate \\d+(\\.\\d)? (bytes|KB|MB) of ${what}\\)$`);

function cases(): OomCase[] {
  const a = dense("float32", [300, 401]), b = dense("float32", [401, 500]);
  const ai = dense("int32", [300, 401], (g) => g.integer(-3, 4));
  const ba = dense("float32", [8, 64, 64]), bb = dense("float32", [8, 64, 64]);
  const x = dense("float32", [4, 8, 16, 16]), w = dense("float32", [16, 8, 3, 3]), bias = dense("float32", [16]);
  const g = dense("float32", [4, 16, 16, 16]);
  const xi = dense("int32", [100, 300], (r) => r.integer(-50, 50));
  const idx = dense("int32", [1000], (r) => r.integer(0, 50));
  const table = dense("float32", [50, 20]);
  const sq = dense("float64", [4, 64, 64]);
  const tall = dense("float64", [2, 100, 9]);
  const rows = dense("float32", [50, 40]);
  const ln = dense("float32", [64, 32]), lw = dense("float32", [32]), lg = dense("float32", [64, 32]);
  const stats = (bk: Backend) => {
    const r = bk.layerNorm(ln, 32, lw, null, 1e-5, "float32");
    const v = (data: TypedArray): View => ({ data, shape: [64], strides: [1], offset: 0 });
    return { mean: v(r.mean), rstd: v(r.rstd) };
  };
  return [
    { name: "matmul (GEMM packing)", limit: 4096, message: scratchOf("matmul", "packing scratch"),
      run: (bk) => bk.matmul(a, b, { batch: [], m: 300, n: 500, k: 401 }, "float32"), split: true },
    { name: "batched matmul (whole products per thread)", limit: 1024, message: scratchOf("matmul", "packing scratch"),
      run: (bk) => bk.matmul(ba, bb, { batch: [8], m: 64, n: 64, k: 64 }, "float32"), split: true },
    // int32 x float32: a is first converted into a float32 workspace of 300 * 401 * 4 bytes.
    { name: "matmul of mixed dtypes (conversion)", limit: 100000, message: "matmul: out of memory (could not allocate 469.9 KB of workspace)",
      run: (bk) => bk.matmul(ai, b, { batch: [], m: 300, n: 500, k: 401 }, "float32") },
    { name: "conv2d", limit: 1024, message: scratchOf("conv2d", "convolution scratch"),
      run: (bk) => bk.conv2d(x, w, bias, conv, "float32") },
    { name: "conv2dInputGrad", limit: 1024, message: scratchOf("conv2dInputGrad", "convolution scratch"),
      run: (bk) => bk.conv2dInputGrad(g, w, [4, 8, 16, 16], conv, "float32"), split: true },
    { name: "conv2dWeightGrad", limit: 1024, message: scratchOf("conv2dWeightGrad", "convolution scratch"),
      run: (bk) => bk.conv2dWeightGrad(x, g, [16, 8, 3, 3], conv, "float32") },
    // 8 output rows: a window table of 2 * 8 int64s.
    { name: "maxPool2d (window table)", limit: 64, message: "maxPool2d: out of memory (could not allocate 128 bytes of workspace)",
      run: (bk) => bk.maxPool2d(x, pool, "float32").values },
    // int32 -> int32 sums accumulate in a float64 workspace, one per output (300 * 8 bytes).
    { name: "reduce sum (accumulators)", limit: 1000, message: "sum: out of memory (could not allocate 2.3 KB of workspace)",
      run: (bk) => bk.reduce("sum", xi, [0], "int32") },
    // The 1000 checked indices are copied out first (1000 * 4 bytes).
    { name: "indexSelect (checked indices)", limit: 1000, message: "indexSelect: out of memory (could not allocate 3.9 KB of workspace)",
      run: (bk) => bk.indexSelect(table, 0, idx, "float32") },
    // One 64 x 64 float64 copy per thread.
    { name: "det (LU workspace)", limit: 10000, message: "det: out of memory (could not allocate 32.0 KB of workspace)",
      run: (bk) => bk.linalg.det(sq), split: true },
    // The 100 x 9 matrix copied into float64: 7200 bytes.
    { name: "svd (workspace)", limit: 4096, message: "svd: out of memory (could not allocate 7.0 KB of workspace)",
      run: (bk) => bk.linalg.svd(tall, false, true).s },
    // Along dim 0 of [50, 40]: each strided row of 50 floats is gathered into a buffer.
    { name: "softmax (strided rows)", limit: 100, message: "softmax: out of memory (could not allocate 200 bytes of workspace)",
      run: (bk) => bk.softmax(rows, 0, false, "float32") },
    // The weight gradient's per-block partial sums: 2 blocks of 32 float64s.
    { name: "layerNormBackward (partial sums)", limit: 100, message: "layerNormBackward: out of memory (could not allocate 512 bytes of workspace)",
      run: (bk) => {
        const s = stats(bk);
        return bk.layerNormBackward(lg, ln, s.mean, s.rstd, lw, 32, true, false, "float32").dweight!;
      } },
  ];
}

describe("native kernels out of memory", () => {
  it("has the native kernels to test (unless GRADLAB_EXPECT_NO_NATIVE=1)", () => {
    expect((nb !== null && addon !== null) || expectNone).toBe(true);
  });
  if (!nb || !addon) return;
  const threadsBefore = nb.getNumThreads();
  afterEach(() => {
    addon.setAllocLimit(Infinity);
    nb.setNumThreads(threadsBefore);
  });

  for (const c of cases()) {
    for (const threads of [1, 2]) {
      it(`${c.name}, ${threads} thread${threads > 1 ? "s" : ""}: throws an Error naming the op and the size, then works again`, () => {
        nb.setNumThreads(threads);
        const before = c.run(nb);
        addon.setAllocLimit(c.limit);
        let caught: unknown = null;
        try {
          c.run(nb);
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(Error);
        expect((caught as Error).name).toBe("Error");
        if (typeof c.message === "string") expect((caught as Error).message).toBe(c.message);
        else expect((caught as Error).message).toMatch(c.message);
        addon.setAllocLimit(Infinity);
        // The same call again gives what it gave before the failure, bit for bit.
        expect(Array.from(c.run(nb))).toEqual(Array.from(before));
      });
    }
  }

  // The calling thread takes tasks too, and often all of them: only failures on the workers
  // show that a worker's error crosses back to the caller (without that, the process aborts).
  for (const c of cases().filter((x) => x.split)) {
    it(`${c.name}: a failure on a pool worker alone is the same Error, then the call works again`, () => {
      nb.setNumThreads(2);
      const before = c.run(nb);
      addon.setAllocLimit(c.limit, true);
      let caught: unknown = null;
      // Until a worker runs one of the tasks; until then the caller ran them all, unlimited.
      for (let attempt = 0; attempt < 500 && caught === null; attempt++) {
        let got: TypedArray | null = null;
        try {
          got = c.run(nb);
        } catch (e) {
          caught = e;
        }
        if (got) expect(Array.from(got)).toEqual(Array.from(before));
      }
      expect(caught).toBeInstanceOf(Error);
      if (typeof c.message === "string") expect((caught as Error).message).toBe(c.message);
      else expect((caught as Error).message).toMatch(c.message);
      addon.setAllocLimit(Infinity);
      expect(Array.from(c.run(nb))).toEqual(Array.from(before));
    });
  }

  it("a matmul after failed ones, on 1 and 2 threads, matches the js backend", () => {
    const a = dense("float64", [200, 300]), b = dense("float64", [300, 250]);
    const args = { batch: [], m: 200, n: 250, k: 300 };
    const want = jsBackend.matmul(a, b, args, "float64");
    const abs = (v: View): View => ({ ...v, data: Float64Array.from(v.data, Math.abs) });
    const scale = jsBackend.matmul(abs(a), abs(b), args, "float64");
    for (const threads of [2, 1]) {
      nb.setNumThreads(threads);
      addon.setAllocLimit(256);
      expect(() => nb.matmul(a, b, args, "float64")).toThrow(scratchOf("matmul", "packing scratch"));
      addon.setAllocLimit(Infinity);
      const r = compareOutput(nb.matmul(a, b, args, "float64"), want, toleranceFor("float64", "accumulate", scale));
      expect(r.problem ?? r.mismatches).toEqual([]);
    }
  });
});
