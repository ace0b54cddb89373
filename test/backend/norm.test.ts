// Conformance of the NormKernels (softmax, logSoftmax, layerNorm, forward and backward) on
// every backend: js, native as shipped, and native with every call in C++. Each kernel is
// compared with a float64 reference written here element by element from the formulas, on
// strided layouts, odd row lengths (vector tails), size-0 and size-1 dims, edge values
// (NaN, infinities, fully masked rows) and rows enough to split over threads and blocks.

import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/backend/js/index.js";
import type { Backend, View } from "../../src/backend/kernels.js";
import { loadAddon } from "../../src/backend/native/addon.js";
import { loadNativeBackend, nativeKernelsOnly } from "../../src/backend/native/index.js";
import type { DType, TypedArray } from "../../src/tensor/dtype.js";
import { Generator } from "../../src/tensor/random.js";
import { close } from "./compare.js";
import { floats } from "./samplers.js";
import type { LayoutSpec, Sampler } from "./views.js";
import { logicalValues, makeView } from "./views.js";

type NormBackend = Pick<Backend, "name" | "softmax" | "softmaxBackward" | "layerNorm" | "layerNormBackward">;

const RTOL: Record<"float32" | "float64", number> = { float32: 2e-5, float64: 1e-12 };
// Absorbs exp results below float32's normal range, which the native kernel flushes to 0.
const ATOL: Record<"float32" | "float64", number> = { float32: 1e-30, float64: 1e-300 };

/** Mismatches of `got` against the float64 reference `want`, |err| <= rtol * max(|want|, scale) + atol. */
function mismatches(label: string, got: TypedArray | null, want: number[], scale: number[], dtype: "float32" | "float64"): string[] {
  if (!got) return [`${label}: no output`];
  const ctor = dtype === "float32" ? Float32Array : Float64Array;
  if (!(got instanceof ctor)) return [`${label}: returned ${got.constructor.name}, expected ${ctor.name}`];
  if (got.length !== want.length) return [`${label}: ${got.length} elements, expected ${want.length}`];
  const tol = { rtol: RTOL[dtype], atol: ATOL[dtype] };
  const out: string[] = [];
  for (let i = 0; i < want.length && out.length < 3; i++) {
    const w = dtype === "float32" && Number.isFinite(want[i]) ? Math.fround(want[i]) : want[i];
    if (!close(got[i], w, tol, scale[i])) out.push(`${label}: out[${i}] expected ${want[i]} got ${got[i]}`);
  }
  return out;
}

const contiguousStrides = (shape: readonly number[]): number[] => shape.map((_, d) => shape.slice(d + 1).reduce((p, v) => p * v, 1));

/** Logical [outer, n, inner] rows of a row-major value list, as index lists. */
function rowsOf(shape: readonly number[], axis: number): number[][] {
  let outer = 1, inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const n = shape[axis];
  const rows: number[][] = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) rows.push(Array.from({ length: n }, (_, j) => (o * n + j) * inner + i));
  return rows;
}

function refSoftmax(x: number[], shape: number[], axis: number, log: boolean): { y: number[]; scale: number[] } {
  const y = new Array<number>(x.length), scale = new Array<number>(x.length);
  for (const row of rowsOf(shape, axis)) {
    let m = -Infinity;
    for (const k of row) if (x[k] > m || Number.isNaN(x[k])) m = Number.isNaN(m) ? m : x[k];
    let s = 0;
    for (const k of row) s += Math.exp(x[k] - m);
    for (const k of row) {
      y[k] = log ? x[k] - m - Math.log(s) : Math.exp(x[k] - m) / s;
      // log(s) of a sum s >= 1 rounded in the output dtype is off by about one ulp of 1.
      scale[k] = log ? Math.abs(x[k] - m) + Math.abs(Math.log(s)) + 1 : 0;
    }
  }
  return { y, scale };
}

function refSoftmaxBackward(y: number[], g: number[], shape: number[], axis: number, log: boolean): { dx: number[]; scale: number[] } {
  const dx = new Array<number>(y.length), scale = new Array<number>(y.length);
  for (const row of rowsOf(shape, axis)) {
    let s = 0, sa = 0;
    for (const k of row) {
      s += log ? g[k] : g[k] * y[k];
      sa += log ? Math.abs(g[k]) : Math.abs(g[k] * y[k]);
    }
    for (const k of row) {
      dx[k] = log ? g[k] - Math.exp(y[k]) * s : y[k] * (g[k] - s);
      scale[k] = log ? Math.abs(g[k]) + Math.exp(y[k]) * sa : Math.abs(y[k]) * (Math.abs(g[k]) + sa);
    }
  }
  return { dx, scale };
}

interface LnRef { y: number[]; ys: number[]; mean: number[]; ms: number[]; rstd: number[]; dx: number[]; dxs: number[]; dw: number[]; dws: number[]; db: number[]; dbs: number[] }

function refLayerNorm(x: number[], g: number[], w: number[] | null, b: number[] | null, n: number, eps: number): LnRef {
  const rows = n === 0 ? 0 : x.length / n;
  const r: LnRef = { y: [], ys: [], mean: [], ms: [], rstd: [], dx: [], dxs: [], dw: new Array(n).fill(0), dws: new Array(n).fill(0), db: new Array(n).fill(0), dbs: new Array(n).fill(0) };
  for (let i = 0; i < rows; i++) {
    const xs = x.slice(i * n, i * n + n), gs = g.slice(i * n, i * n + n);
    const mu = xs.reduce((p, v) => p + v, 0) / n;
    const absMean = xs.reduce((p, v) => p + Math.abs(v), 0) / n;
    const rs = 1 / Math.sqrt(xs.reduce((p, v) => p + (v - mu) ** 2, 0) / n + eps);
    r.mean.push(mu); r.ms.push(absMean); r.rstd.push(rs);
    const xh = xs.map((v) => (v - mu) * rs);
    const gw = gs.map((v, j) => v * (w ? w[j] : 1));
    const a = gw.reduce((p, v) => p + v, 0) / n, aa = gw.reduce((p, v) => p + Math.abs(v), 0) / n;
    const c = gw.reduce((p, v, j) => p + v * xh[j], 0) / n, ca = gw.reduce((p, v, j) => p + Math.abs(v * xh[j]), 0) / n;
    for (let j = 0; j < n; j++) {
      const wj = w ? w[j] : 1, bj = b ? b[j] : 0;
      r.y.push(xh[j] * wj + bj);
      r.ys.push((Math.abs(xs[j] - mu) + absMean) * rs * Math.abs(wj) + Math.abs(bj));
      r.dx.push(rs * (gw[j] - a - xh[j] * c));
      // The statistics' own rounding (relative to the row's magnitudes) enters every term.
      r.dxs.push(rs * (Math.abs(gw[j]) + aa + (Math.abs(xh[j]) + absMean * rs) * ca + absMean * rs * aa));
      r.dw[j] += gs[j] * xh[j];
      r.dws[j] += Math.abs(gs[j]) * (Math.abs(xh[j]) + absMean * rs);
      r.db[j] += gs[j];
      r.dbs[j] += Math.abs(gs[j]);
    }
  }
  return r;
}

const normalSampler: Sampler = (g) => g.normal() * 2;
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e3, -1e3];

interface SoftmaxCase { label: string; x: View; g: View; axis: number }

function softmaxCases(dtype: "float32" | "float64"): SoftmaxCase[] {
  const gen = new Generator(dtype === "float32" ? 21 : 22);
  const cases: SoftmaxCase[] = [];
  const T = (nd: number): LayoutSpec => ({ perm: Array.from({ length: nd }, (_, i) => nd - 1 - i), offset: 1 });
  const shapes: [number[], number][] = [[[5], 0], [[3, 7], 1], [[3, 7], 0], [[2, 3, 17], -1], [[2, 9, 4], 1], [[4, 1], 1], [[1, 8], 1], [[0, 5], 1], [[3, 0], 0], [[64, 64], 1], [[130, 33], 1], [[16, 4, 64, 64], 3]];
  for (const [shape, ax] of shapes) {
    const axis = ax < 0 ? ax + shape.length : ax;
    for (const [name, spec] of [["contiguous", {}], ["offset", { offset: 5 }], ["transposed", T(shape.length)], ["stepped", { step: 2, offset: 3 }]] as [string, LayoutSpec][]) {
      if (shape.length === 4 && name !== "contiguous") continue;
      cases.push({ label: `[${shape}] axis ${axis} ${name}`, axis, x: makeView(gen, dtype, shape, spec, normalSampler), g: makeView(gen, dtype, shape, {}, normalSampler) });
    }
  }
  // Edge values: NaN, infinities, rows entirely -inf (masked), large magnitudes.
  cases.push({ label: "edge values", axis: 1, x: makeView(gen, dtype, [40, 11], {}, floats({ special: 0.1, specials: SPECIALS })), g: makeView(gen, dtype, [40, 11], {}, normalSampler) });
  const masked = makeView(gen, dtype, [3, 12], {}, normalSampler);
  for (let j = 0; j < 12; j++) masked.data[12 + j] = -Infinity;
  masked.data[5] = -Infinity;
  cases.push({ label: "a fully masked row", axis: 1, x: masked, g: makeView(gen, dtype, [3, 12], {}, normalSampler) });
  const wide = makeView(gen, dtype, [6, 20], {}, (g) => g.normal() * 60);
  cases.push({ label: "spread over exp's range", axis: 1, x: wide, g: makeView(gen, dtype, [6, 20], {}, normalSampler) });
  return cases;
}

function checkSoftmax(b: NormBackend, dtype: "float32" | "float64"): string[] {
  const bad: string[] = [];
  for (const c of softmaxCases(dtype)) {
    const xv = logicalValues(c.x), gv = logicalValues(c.g);
    for (const log of [false, true]) {
      const name = `${log ? "logSoftmax" : "softmax"} ${dtype} ${c.label}`;
      const want = refSoftmax(xv, c.x.shape as number[], c.axis, log);
      const y = b.softmax(c.x, c.axis, log, dtype);
      bad.push(...mismatches(name, y, want.y, want.scale, dtype));
      // The backward reads the kernel's own output, as the op does.
      const yv = Array.from(y), yView: View = { data: y, shape: c.x.shape, strides: contiguousStrides(c.x.shape), offset: 0 };
      const wantB = refSoftmaxBackward(yv, gv, c.x.shape as number[], c.axis, log);
      bad.push(...mismatches(`${name} backward`, b.softmaxBackward(yView, c.g, c.axis, log, dtype), wantB.dx, wantB.scale, dtype));
    }
  }
  return bad;
}

interface LnCase { label: string; x: View; g: View; w: View | null; b: View | null; n: number; eps: number }

function lnCases(dtype: "float32" | "float64"): LnCase[] {
  const gen = new Generator(dtype === "float32" ? 31 : 32);
  const out: LnCase[] = [];
  const list: [number[], number, string, LayoutSpec][] = [
    [[4, 5], 5, "contiguous", {}], [[6, 10], 10, "offset", { offset: 3 }], [[3, 2, 6], 12, "two normalised dims", {}], [[7, 13], 13, "transposed", { perm: [1, 0], offset: 2 }],
    [[5, 9], 9, "stepped", { step: 2, offset: 1 }], [[1, 1], 1, "n = 1", {}], [[0, 8], 8, "no rows", {}], [[2, 3, 128], 128, "d_model 128", {}],
    [[1024, 128], 128, "many rows (threads, blocks)", {}], [[77, 37], 37, "odd rows and tails", {}],
  ];
  for (const [shape, n, label, spec] of list) {
    for (const affine of ["weight+bias", "weight", "none"] as const) {
      const ns = [n];
      out.push({
        label: `[${shape}] n ${n} ${label} ${affine}`, n, eps: 1e-5,
        x: makeView(gen, dtype, shape, spec, (g) => g.normal() * 3 + 1),
        g: makeView(gen, dtype, shape, spec, normalSampler),
        w: affine !== "none" ? makeView(gen, dtype, ns, { step: 2, offset: 1 }, normalSampler) : null,
        b: affine === "weight+bias" ? makeView(gen, dtype, ns, {}, normalSampler) : null,
      });
    }
  }
  out.push({ label: "constant rows (rstd = 1/sqrt(eps))", n: 6, eps: 0.1, x: makeView(gen, dtype, [3, 6], {}, () => 2.5), g: makeView(gen, dtype, [3, 6], {}, normalSampler), w: null, b: null });
  return out;
}

function checkLayerNorm(b: NormBackend, dtype: "float32" | "float64"): string[] {
  const bad: string[] = [];
  for (const c of lnCases(dtype)) {
    const name = `layerNorm ${dtype} ${c.label}`;
    const xv = logicalValues(c.x), gv = logicalValues(c.g);
    const wv = c.w ? logicalValues(c.w) : null, bv = c.b ? logicalValues(c.b) : null;
    const want = refLayerNorm(xv, gv, wv, bv, c.n, c.eps);
    const r = b.layerNorm(c.x, c.n, c.w, c.b, c.eps, dtype);
    bad.push(...mismatches(`${name} y`, r.y, want.y, want.ys, dtype));
    bad.push(...mismatches(`${name} mean`, r.mean, want.mean, want.ms, dtype));
    bad.push(...mismatches(`${name} rstd`, r.rstd, want.rstd, want.rstd.map(() => 0), dtype));
    const rows = want.mean.length;
    const stat = (data: TypedArray): View => ({ data, shape: [rows], strides: [1], offset: 0 });
    for (const [nw, nb] of [[true, true], [false, false], [true, false]] as const) {
      const gr = b.layerNormBackward(c.g, c.x, stat(r.mean), stat(r.rstd), c.w, c.n, nw, nb, dtype);
      bad.push(...mismatches(`${name} dx`, gr.dx, want.dx, want.dxs, dtype));
      if (nw) bad.push(...mismatches(`${name} dweight`, gr.dweight, want.dw, want.dws, dtype));
      else if (gr.dweight !== null) bad.push(`${name}: dweight not asked for but returned`);
      if (nb) bad.push(...mismatches(`${name} dbias`, gr.dbias, want.db, want.dbs, dtype));
      else if (gr.dbias !== null) bad.push(`${name}: dbias not asked for but returned`);
    }
  }
  return bad;
}

function runNormConformance(b: NormBackend): void {
  describe(`norm kernels: ${b.name}`, () => {
    for (const dtype of ["float32", "float64"] as const) {
      it(`softmax and logSoftmax, forward and backward, ${dtype}`, () => expect(checkSoftmax(b, dtype)).toEqual([]));
      it(`layerNorm forward and backward, ${dtype}`, () => expect(checkLayerNorm(b, dtype)).toEqual([]));
    }
    it("converts a float64 input to a float32 output", () => {
      const x: View = { data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2], strides: [2, 1], offset: 0 };
      const y = b.softmax(x, 1, false, "float32");
      expect(y).toBeInstanceOf(Float32Array);
      expect(Array.from(y)).toEqual([1, 2].flatMap(() => [Math.fround(1 / (1 + Math.E)), Math.fround(Math.E / (1 + Math.E))]));
    });
  });
}

runNormConformance(jsBackend);
const native = loadNativeBackend();
const kernels = nativeKernelsOnly();
if (native && kernels) {
  runNormConformance(native);
  runNormConformance({ ...kernels, name: "native, every call in C++" });

  // The baseline (SSE2) row kernels too, which CPUs without AVX2 run.
  describe("norm kernels: native baseline row kernels", () => {
    const addon = loadAddon().addon as unknown as { setNormIsa(isa: string): boolean; normIsa(): string };
    it("match the reference with the baseline kernels forced", () => {
      const chosen = addon.normIsa();
      expect(addon.setNormIsa("base")).toBe(true);
      try {
        const b = { ...kernels, name: "native base" };
        expect([...checkSoftmax(b, "float32"), ...checkLayerNorm(b, "float32"), ...checkSoftmax(b, "float64"), ...checkLayerNorm(b, "float64")]).toEqual([]);
      } finally {
        addon.setNormIsa(chosen);
      }
    });
  });

  describe("norm kernels: native, 1 and 2 threads", () => {
    it("gives bit-identical results with 1 and 2 threads", () => {
      const gen = new Generator(5);
      const run = (dtype: DType) => {
        const x = makeView(gen, dtype, [2048, 128], {}, normalSampler), g = makeView(gen, dtype, [2048, 128], {}, normalSampler);
        const w = makeView(gen, dtype, [128], {}, normalSampler), bb = makeView(gen, dtype, [128], {}, normalSampler);
        const s = makeView(gen, dtype, [512, 4, 65], {}, normalSampler), sg = makeView(gen, dtype, [512, 4, 65], {}, normalSampler);
        const results = (): TypedArray[] => {
          const ln = kernels.layerNorm(x, 128, w, bb, 1e-5, dtype);
          const st = (data: TypedArray): View => ({ data, shape: [2048], strides: [1], offset: 0 });
          const lg = kernels.layerNormBackward(g, x, st(ln.mean), st(ln.rstd), w, 128, true, true, dtype);
          const sm = kernels.softmax(s, 2, false, dtype);
          const smView: View = { data: sm, shape: s.shape, strides: s.strides, offset: 0 };
          return [ln.y, ln.mean, ln.rstd, lg.dx, lg.dweight!, lg.dbias!, sm, kernels.softmax(s, 1, true, dtype),
            kernels.softmaxBackward(smView, sg, 2, false, dtype), kernels.softmaxBackward(smView, sg, 1, true, dtype)];
        };
        const before = kernels.getNumThreads();
        try {
          kernels.setNumThreads(1);
          const one = results();
          kernels.setNumThreads(2);
          const two = results();
          return one.map((o, i) => o.every((v, j) => Object.is(v, two[i][j])));
        } finally {
          kernels.setNumThreads(before);
        }
      };
      for (const dtype of ["float32", "float64"] as const) expect(run(dtype)).toEqual(new Array(10).fill(true));
    });

    it("rejects arrays too short for the rows they are said to hold", () => {
      const x: View = { data: new Float32Array(100), shape: [10, 20], strides: [20, 1], offset: 0 };
      expect(() => kernels.softmax(x, 1, false, "float32")).toThrow(/too short/);
    });
  });
}
