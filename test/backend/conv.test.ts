// Conformance of the convolution and pooling kernels: every backend against the js kernels
// (the reference) over random shapes, strides, layouts and hyper-parameters, plus sizes past
// the native kernels' chunking, identical results with 1 and 2 threads, and the error for a
// bad max-pool index. Runs on the native backend when it is built (every call in C++, and
// as shipped); the js backend is the reference itself.

import { describe, expect, it } from "vitest";
import type { AvgPool2dParams, Conv2dParams, ConvKernels, MaxPool2dParams, Pair } from "../../src/backend/conv_kernels.js";
import { convOutSize, poolOutSize } from "../../src/backend/conv_kernels.js";
import { jsBackend } from "../../src/backend/js/index.js";
import type { View } from "../../src/backend/kernels.js";
import { loadNativeBackend, nativeKernelsOnly } from "../../src/backend/native/index.js";
import type { DType, TypedArray } from "../../src/tensor/dtype.js";
import { Generator } from "../../src/tensor/random.js";
import { compareOutput, toleranceFor } from "./compare.js";
import { floats } from "./samplers.js";
import type { LayoutSpec, Sampler } from "./views.js";
import { makeView } from "./views.js";

type Kernels = ConvKernels & { name: string };

/** 4-d layouts: contiguous, offset, channels-last, stepped, everything reversed and stepped, broadcast over channels. */
const LAYOUTS4: readonly LayoutSpec[] = [
  {}, { offset: 3, oddOnes: true }, { perm: [0, 2, 3, 1] }, { step: 2, offset: 1 }, { perm: [3, 2, 1, 0], step: 2, offset: 5 },
  { zero: [false, true, false, false], offset: 2 },
];
const LAYOUTS1: readonly LayoutSpec[] = [{}, { step: 3, offset: 2 }];

const normal: Sampler = (g) => g.normal();
const pick = <T>(g: Generator, xs: readonly T[]): T => xs[g.integer(0, xs.length)];

/** |v| as a contiguous float64 view: the magnitudes an accumulation's error is measured against. */
function absView(v: View): View {
  const data = Float64Array.from(jsBackend.copy(v, "float64"), Math.abs);
  const strides = v.shape.map((_, d) => v.shape.slice(d + 1).reduce((p, s) => p * s, 1));
  return { data, shape: v.shape, strides, offset: 0 };
}

/** One kernel call, run on a backend and on the reference; `scale` loosens accumulating outputs. */
interface Case {
  readonly label: string;
  readonly run: (b: ConvKernels) => TypedArray;
  readonly exact: boolean;
  readonly scale?: () => ArrayLike<number>;
}

function conv2dCases(g: Generator, dtype: DType, count: number): Case[] {
  const out: Case[] = [];
  while (out.length < count) {
    const groups = pick(g, [1, 1, 2, 3]);
    const N = g.integer(1, 4), Cg = g.integer(1, 4), Og = g.integer(1, 4);
    const H = g.integer(1, 10), W = g.integer(1, 10), KH = g.integer(1, 5), KW = g.integer(1, 5);
    const p: Conv2dParams = {
      stride: [g.integer(1, 4), g.integer(1, 4)], padding: [g.integer(0, 3), g.integer(0, 3)],
      dilation: [g.integer(1, 3), g.integer(1, 3)], groups,
    };
    const OH = convOutSize(H, KH, p.stride[0], p.padding[0], p.dilation[0]);
    const OW = convOutSize(W, KW, p.stride[1], p.padding[1], p.dilation[1]);
    if (OH < 1 || OW < 1) continue;
    out.push(...convTriple(g, dtype, [N, Cg * groups, H, W], [Og * groups, Cg, KH, KW], p, pick(g, LAYOUTS4), pick(g, LAYOUTS4), g.uniform() < 0.6));
  }
  return out;
}

/** conv2d, its input gradient and its weight gradient on one geometry. */
function convTriple(g: Generator, dtype: DType, xs: number[], wsh: number[], p: Conv2dParams, xl: LayoutSpec, wl: LayoutSpec, withBias: boolean): Case[] {
  const OH = convOutSize(xs[2], wsh[2], p.stride[0], p.padding[0], p.dilation[0]);
  const OW = convOutSize(xs[3], wsh[3], p.stride[1], p.padding[1], p.dilation[1]);
  const x = makeView(g, dtype, xs, xl, normal);
  const w = makeView(g, dtype, wsh, wl, normal);
  const b = withBias ? makeView(g, dtype, [wsh[0]], pick(g, LAYOUTS1), normal) : null;
  const gr = makeView(g, dtype, [xs[0], wsh[0], OH, OW], pick(g, LAYOUTS4), normal);
  const geo = `${dtype} x [${xs}] ${JSON.stringify(xl)} w [${wsh}] ${JSON.stringify(wl)} ${JSON.stringify(p)}`;
  return [
    {
      label: `conv2d ${geo}${b ? " +bias" : ""}`, exact: false,
      run: (k) => k.conv2d(x, w, b, p, dtype),
      scale: () => jsBackend.conv2d(absView(x), absView(w), b ? absView(b) : null, p, "float64"),
    },
    {
      label: `conv2dInputGrad ${geo} g ${gr.strides}`, exact: false,
      run: (k) => k.conv2dInputGrad(gr, w, xs, p, dtype),
      scale: () => jsBackend.conv2dInputGrad(absView(gr), absView(w), xs, p, "float64"),
    },
    {
      label: `conv2dWeightGrad ${geo} g ${gr.strides}`, exact: false,
      run: (k) => k.conv2dWeightGrad(x, gr, wsh, p, dtype),
      scale: () => jsBackend.conv2dWeightGrad(absView(x), absView(gr), wsh, p, "float64"),
    },
  ];
}

/** Sizes past the native kernels' chunks and thread splits: many samples, deep columns, 1x1 kernels, groups. */
function largeConvCases(g: Generator): Case[] {
  const unit: Conv2dParams = { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 };
  const out: Case[] = [];
  for (const dtype of ["float32", "float64"] as const) {
    out.push(...convTriple(g, dtype, [64, 1, 28, 28], [16, 1, 3, 3], unit, {}, {}, true));
    out.push(...convTriple(g, dtype, [37, 16, 14, 14], [32, 16, 3, 3], unit, {}, {}, true));
    out.push(...convTriple(g, dtype, [5, 24, 20, 17], [18, 8, 3, 5], { stride: [2, 1], padding: [2, 1], dilation: [1, 2], groups: 3 }, { perm: [0, 2, 3, 1] }, {}, true));
    out.push(...convTriple(g, dtype, [3, 64, 33, 9], [40, 64, 1, 1], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }, {}, {}, true));
    out.push(...convTriple(g, dtype, [3, 64, 33, 9], [40, 64, 1, 1], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }, { step: 2 }, { perm: [1, 0, 2, 3] }, false));
    out.push(...convTriple(g, dtype, [2, 300, 7, 7], [20, 300, 3, 3], unit, {}, {}, false));
  }
  return out;
}

/** Values with ties, NaNs and infinities: where max pooling's choice of index shows. */
const poolValues = floats({ special: 0.15, specials: [NaN, Infinity, -Infinity, 0, -0], ints: 0.4 });

function poolCases(g: Generator, dtype: DType, count: number): Case[] {
  const out: Case[] = [];
  while (out.length < count) {
    const N = g.integer(1, 3), C = g.integer(1, 4), H = g.integer(1, 11), W = g.integer(1, 11);
    const kernel: Pair = [g.integer(1, 4), g.integer(1, 4)];
    const stride: Pair = [g.integer(1, 4), g.integer(1, 4)];
    const padding: Pair = [g.integer(0, Math.floor(kernel[0] / 2) + 1), g.integer(0, Math.floor(kernel[1] / 2) + 1)];
    const dilation: Pair = [g.integer(1, 3), g.integer(1, 3)];
    const ceilMode = g.uniform() < 0.4;
    const xs = [N, C, H, W];
    const x = makeView(g, dtype, xs, pick(g, LAYOUTS4), poolValues);
    const geo = `${dtype} x [${xs}] strides [${x.strides}] k ${kernel} s ${stride} p ${padding}`;
    const mp: MaxPool2dParams = { kernel, stride, padding, dilation, ceilMode };
    const OH = poolOutSize(H, kernel[0], stride[0], padding[0], dilation[0], ceilMode);
    const OW = poolOutSize(W, kernel[1], stride[1], padding[1], dilation[1], ceilMode);
    if (OH >= 1 && OW >= 1) out.push(...maxPoolPair(g, dtype, x, mp, `${geo} d ${dilation} ceil ${ceilMode}`));
    const ap: AvgPool2dParams = { kernel, stride, padding, ceilMode, countIncludePad: g.uniform() < 0.5, divisorOverride: g.uniform() < 0.2 ? g.integer(1, 7) : null };
    const AH = poolOutSize(H, kernel[0], stride[0], padding[0], 1, ceilMode), AW = poolOutSize(W, kernel[1], stride[1], padding[1], 1, ceilMode);
    if (AH >= 1 && AW >= 1) out.push(...avgPoolPair(g, dtype, makeView(g, dtype, xs, pick(g, LAYOUTS4), normal), ap, `${geo} ${JSON.stringify(ap)}`));
    const os: Pair = [g.integer(1, H + 3), g.integer(1, W + 3)];
    out.push(...adaptivePair(g, dtype, makeView(g, dtype, xs, pick(g, LAYOUTS4), normal), os));
  }
  return out;
}

function maxPoolPair(g: Generator, dtype: DType, x: View, p: MaxPool2dParams, label: string): Case[] {
  const [N, C, H, W] = x.shape;
  const OH = poolOutSize(H, p.kernel[0], p.stride[0], p.padding[0], p.dilation[0], p.ceilMode);
  const OW = poolOutSize(W, p.kernel[1], p.stride[1], p.padding[1], p.dilation[1], p.ceilMode);
  const ref = jsBackend.maxPool2d(x, p, dtype);
  // Indices as the forward made them, read through a strided view; the gradient strided too.
  const idx = makeView(g, "int32", [N, C, OH, OW], pick(g, LAYOUTS4.slice(0, 5)), () => 0);
  let k = 0;
  for (let a = 0; a < N; a++) for (let b = 0; b < C; b++) for (let c = 0; c < OH; c++) for (let d = 0; d < OW; d++) {
    idx.data[idx.offset + a * idx.strides[0] + b * idx.strides[1] + c * idx.strides[2] + d * idx.strides[3]] = ref.indices[k++];
  }
  const gr = makeView(g, dtype, [N, C, OH, OW], pick(g, LAYOUTS4), normal);
  return [
    { label: `maxPool2d values ${label}`, exact: true, run: (b) => b.maxPool2d(x, p, dtype).values },
    { label: `maxPool2d indices ${label}`, exact: true, run: (b) => b.maxPool2d(x, p, dtype).indices },
    { label: `maxPool2dBackward ${label}`, exact: true, run: (b) => b.maxPool2dBackward(gr, idx, x.shape, dtype) },
  ];
}

function avgPoolPair(g: Generator, dtype: DType, x: View, p: AvgPool2dParams, label: string): Case[] {
  const OH = poolOutSize(x.shape[2], p.kernel[0], p.stride[0], p.padding[0], 1, p.ceilMode);
  const OW = poolOutSize(x.shape[3], p.kernel[1], p.stride[1], p.padding[1], 1, p.ceilMode);
  const gr = makeView(g, dtype, [x.shape[0], x.shape[1], OH, OW], pick(g, LAYOUTS4), normal);
  return [
    { label: `avgPool2d ${label}`, exact: true, run: (b) => b.avgPool2d(x, p, dtype) },
    { label: `avgPool2dBackward ${label}`, exact: true, run: (b) => b.avgPool2dBackward(gr, x.shape, p, dtype) },
  ];
}

function adaptivePair(g: Generator, dtype: DType, x: View, os: Pair): Case[] {
  const gr = makeView(g, dtype, [x.shape[0], x.shape[1], os[0], os[1]], pick(g, LAYOUTS4), normal);
  const label = `${dtype} x [${x.shape}] strides [${x.strides}] to ${os}`;
  return [
    { label: `adaptiveAvgPool2d ${label}`, exact: true, run: (b) => b.adaptiveAvgPool2d(x, os, dtype) },
    { label: `adaptiveAvgPool2dBackward ${label}`, exact: true, run: (b) => b.adaptiveAvgPool2dBackward(gr, x.shape, dtype) },
  ];
}

/** Large pooling inputs (the threaded split and the 2x2 fast path), with NaNs and infinities. */
function largePoolCases(g: Generator): Case[] {
  const out: Case[] = [];
  for (const dtype of ["float32", "float64"] as const) {
    const x = makeView(g, dtype, [64, 16, 28, 28], {}, poolValues);
    out.push(...maxPoolPair(g, dtype, x, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false }, `${dtype} large 2x2`));
    out.push(...maxPoolPair(g, dtype, makeView(g, dtype, [8, 16, 27, 29], { perm: [0, 2, 3, 1] }, poolValues), { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceilMode: true }, `${dtype} large 3x3 channels-last`));
    out.push(...avgPoolPair(g, dtype, makeView(g, dtype, [16, 16, 30, 30], {}, normal), { kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: false, divisorOverride: null }, `${dtype} large`));
    out.push(...adaptivePair(g, dtype, makeView(g, dtype, [16, 32, 23, 23], {}, normal), [5, 7]));
  }
  return out;
}

// The large cases and the reference's results are built once and shared by every suite (they dominate the file's time).
let largeConv: Case[] | undefined;
let largePool: Case[] | undefined;
const largeConvShared = (): Case[] => (largeConv ??= largeConvCases(new Generator(31)));
const largePoolShared = (): Case[] => (largePool ??= largePoolCases(new Generator(41)));
const reference = new WeakMap<Case, TypedArray>();
const scales = new WeakMap<Case, ArrayLike<number>>();

function runCases(b: Kernels, cases: Case[]): string[] {
  const bad: string[] = [];
  for (const c of cases) {
    let want = reference.get(c);
    if (!want) reference.set(c, (want = c.run(jsBackend)));
    let got: TypedArray;
    try {
      got = c.run(b);
    } catch (e) {
      bad.push(`${c.label}: threw ${String(e)}`);
      continue;
    }
    const dtype = want instanceof Float64Array ? "float64" : want instanceof Int32Array ? "int32" : "float32";
    let r = compareOutput(got, want, toleranceFor(dtype, c.exact ? "exact" : "accumulate"));
    if (r.count && !r.problem && c.scale) {
      let scale = scales.get(c);
      if (!scale) scales.set(c, (scale = c.scale()));
      r = compareOutput(got, want, toleranceFor(dtype, "accumulate", scale));
    }
    if (r.problem || r.count) bad.push(`${c.label}: ${r.problem ?? `${r.count} of ${want.length} differ, first ${JSON.stringify(r.mismatches[0])}`}`);
  }
  return bad;
}

/** maxPool2dBackward with one index past its 8x8 plane (the 71st of 96) must throw this RangeError. */
function expectBadIndexError(b: ConvKernels): void {
  const g: View = { data: new Float32Array(2 * 3 * 4 * 4).fill(1), shape: [2, 3, 4, 4], strides: [48, 16, 4, 1], offset: 0 };
  const idx: View = { data: Int32Array.from({ length: 96 }, (_, i) => (i === 70 ? 64 : i % 64)), shape: [2, 3, 4, 4], strides: [48, 16, 4, 1], offset: 0 };
  expect(() => b.maxPool2dBackward(g, idx, [2, 3, 8, 8], "float32")).toThrow(new RangeError("maxPool2dBackward: index 64 is out of range for an input plane of 8x8"));
}

describe("conv kernels: js (the reference)", () => {
  it("rejects a max-pool index outside its plane", () => {
    expectBadIndexError(jsBackend);
  });
});

function suite(b: Kernels): void {
  describe(`conv kernels: ${b.name} against the js kernels`, () => {
    for (const dtype of ["float32", "float64"] as const) {
      it(`conv2d, conv2dInputGrad, conv2dWeightGrad: random geometry, groups and layouts (${dtype})`, () => {
        expect(runCases(b, conv2dCases(new Generator(dtype === "float32" ? 11 : 12), dtype, 60))).toEqual([]);
      });
      it(`max, average and adaptive pooling and their gradients: random windows and layouts, NaN and ties (${dtype})`, () => {
        expect(runCases(b, poolCases(new Generator(dtype === "float32" ? 21 : 22), dtype, 120))).toEqual([]);
      });
    }
    it("large convolutions: many samples, deep columns, 1x1 kernels, groups, channels-last input", () => {
      expect(runCases(b, largeConvShared())).toEqual([]);
    });
    it("large pooling: the threaded split and the 2x2 fast path", () => {
      expect(runCases(b, largePoolShared())).toEqual([]);
    });
    it("rejects a max-pool index outside its plane as the js kernel does", () => {
      expectBadIndexError(b);
    });
  });
}

const native = loadNativeBackend();
const kernels = nativeKernelsOnly();
if (native && kernels) {
  suite({ ...kernels, name: "native, every call in C++" } as Kernels);
  suite(native as Kernels);

  describe("conv kernels: native results with 1 and 2 threads", () => {
    it("are bit-identical for every conv and pooling kernel at sizes that split", () => {
      const cases = [...largeConvShared(), ...largePoolShared()];
      const before = kernels.getNumThreads();
      try {
        kernels.setNumThreads(1);
        const one = cases.map((c) => c.run(kernels));
        kernels.setNumThreads(2);
        const two = cases.map((c) => c.run(kernels));
        const differ = cases.filter((_, i) => !one[i].every((v, j) => Object.is(v, two[i][j]))).map((c) => c.label);
        expect(differ).toEqual([]);
      } finally {
        kernels.setNumThreads(before);
      }
    });
  });
}
