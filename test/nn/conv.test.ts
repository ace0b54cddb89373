import { describe, expect, it } from "vitest";
import type { Conv2dParams } from "../../src/backend/conv_kernels.js";
import { jsBackend } from "../../src/backend/js/index.js";
import { setConvColumnCap } from "../../src/backend/js/conv.js";
import * as gl from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { nn } from "../../src/index.js";

const F = nn.functional;
const { gradcheck, gradgradcheck } = gl.autograd;

// Convolution and pooling: the js kernels against direct loops written from the definition
// (one output element at a time), float64 finite-difference checks of first and second
// derivatives, the layers' PyTorch layouts/init/repr, and the errors. Parity of values with
// PyTorch itself is in parity_conv.test.ts.

// ---- reference loops ----------------------------------------------------------------------

/** Values of a tensor in row-major order as float64 (any strides). */
const vals = (t: Tensor): Float64Array => Float64Array.from(t.dataSync() as ArrayLike<number>);

interface Geometry { N: number; C: number; H: number; W: number; O: number; KH: number; KW: number; OH: number; OW: number; p: Conv2dParams }

function geometry(xs: readonly number[], ws: readonly number[], p: Conv2dParams): Geometry {
  const [N, C, H, W] = xs, [O, , KH, KW] = ws;
  const OH = Math.floor((H + 2 * p.padding[0] - p.dilation[0] * (KH - 1) - 1) / p.stride[0]) + 1;
  const OW = Math.floor((W + 2 * p.padding[1] - p.dilation[1] * (KW - 1) - 1) / p.stride[1]) + 1;
  return { N, C, H, W, O, KH, KW, OH, OW, p };
}

/** Calls fn(xIndex, wIndex, outIndex) for every (input, weight, output) triple a convolution multiplies. */
function forEachTap(g: Geometry, fn: (xi: number, wi: number, oi: number) => void): void {
  const { N, C, H, W, O, KH, KW, OH, OW, p } = g;
  const Cg = C / p.groups, Og = O / p.groups;
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const oi = ((n * O + o) * OH + oh) * OW + ow;
    const grp = Math.floor(o / Og);
    for (let c = 0; c < Cg; c++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const ih = oh * p.stride[0] - p.padding[0] + kh * p.dilation[0];
      const iw = ow * p.stride[1] - p.padding[1] + kw * p.dilation[1];
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      fn(((n * C + grp * Cg + c) * H + ih) * W + iw, ((o * Cg + c) * KH + kh) * KW + kw, oi);
    }
  }
}

function refConv(x: Tensor, w: Tensor, b: Tensor | null, p: Conv2dParams): Float64Array {
  const g = geometry(x.shape, w.shape, p);
  const xv = vals(x), wv = vals(w), bv = b ? vals(b) : null;
  const out = new Float64Array(g.N * g.O * g.OH * g.OW);
  if (bv) for (let i = 0; i < out.length; i++) out[i] = bv[Math.floor(i / (g.OH * g.OW)) % g.O];
  forEachTap(g, (xi, wi, oi) => { out[oi] += xv[xi] * wv[wi]; });
  return out;
}

function refInputGrad(gr: Tensor, w: Tensor, xShape: number[], p: Conv2dParams): Float64Array {
  const g = geometry(xShape, w.shape, p);
  const gv = vals(gr), wv = vals(w);
  const dx = new Float64Array(xShape.reduce((a, b) => a * b, 1));
  forEachTap(g, (xi, wi, oi) => { dx[xi] += gv[oi] * wv[wi]; });
  return dx;
}

function refWeightGrad(x: Tensor, gr: Tensor, wShape: number[], p: Conv2dParams): Float64Array {
  const g = geometry(x.shape, wShape, p);
  const xv = vals(x), gv = vals(gr);
  const dw = new Float64Array(wShape.reduce((a, b) => a * b, 1));
  forEachTap(g, (xi, wi, oi) => { dw[wi] += gv[oi] * xv[xi]; });
  return dw;
}

function expectClose(got: ArrayLike<number>, want: Float64Array, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    if (!(err <= worst)) { worst = Number.isNaN(err) ? Infinity : err; at = i; }
  }
  expect(worst, `${what}: worst relative error at element ${at}`).toBeLessThanOrEqual(tol);
}

const P = (o: Partial<Conv2dParams> = {}): Conv2dParams => ({ stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, ...o });

/** A strided (non-contiguous) view holding the same values as a fresh [shape] tensor: a permuted copy permuted back. */
function strided(shape: number[], dtype: gl.DType): Tensor {
  const t = gl.randn([shape[0], shape[2], shape[3], shape[1]], { dtype });
  return t.permute(0, 3, 1, 2);
}

// ---- kernels --------------------------------------------------------------------------------

describe("js conv kernels match direct loops", () => {
  const configs: [string, number[], number[], Conv2dParams][] = [
    ["3x3 pad 1", [2, 3, 7, 6], [4, 3, 3, 3], P({ padding: [1, 1] })],
    ["stride 2, non-square kernel", [2, 2, 9, 8], [3, 2, 3, 2], P({ stride: [2, 2], padding: [1, 0] })],
    ["stride (1, 3), dilation (2, 1)", [1, 3, 10, 11], [2, 3, 2, 3], P({ stride: [1, 3], dilation: [2, 1], padding: [2, 1] })],
    ["groups 2", [2, 4, 6, 6], [6, 2, 3, 3], P({ groups: 2, padding: [1, 1] })],
    ["depthwise", [3, 5, 6, 7], [5, 1, 3, 3], P({ groups: 5, stride: [2, 1] })],
    ["1x1", [2, 6, 4, 4], [3, 6, 1, 1], P()],
    ["padding larger than kernel reach", [1, 2, 3, 3], [2, 2, 2, 2], P({ padding: [3, 2], stride: [2, 2] })],
    ["16 -> 32 channels (blocked GEMM)", [2, 16, 9, 9], [32, 16, 3, 3], P({ padding: [1, 1] })],
  ];
  for (const dtype of ["float32", "float64"] as const) {
    const tol = dtype === "float32" ? 1e-5 : 1e-12;
    for (const [name, xs, ws, p] of configs) {
      it(`${name} (${dtype}, strided input and weight)`, () => {
        gl.manualSeed(11);
        const x = strided(xs, dtype);
        const w = gl.randn([ws[1], ws[0], ws[2], ws[3]], { dtype }).transpose(0, 1);
        const b = gl.randn([ws[0] * 2], { dtype }).slice(0, 0, null, 2);
        expect(x.isContiguous()).toBe(false);
        expect(b.isContiguous()).toBe(false);
        const g = geometry(xs, ws, p);
        const gr = strided([g.N, g.O, g.OH, g.OW], dtype);
        expectClose(jsBackend.conv2d(x, w, b, p, dtype), refConv(x, w, b, p), tol, "conv2d");
        expectClose(jsBackend.conv2d(x, w, null, p, dtype), refConv(x, w, null, p), tol, "conv2d without bias");
        expectClose(jsBackend.conv2dInputGrad(gr, w, xs, p, dtype), refInputGrad(gr, w, xs, p), tol, "conv2dInputGrad");
        expectClose(jsBackend.conv2dWeightGrad(x, gr, ws, p, dtype), refWeightGrad(x, gr, ws, p), tol, "conv2dWeightGrad");
      });
    }
  }

  it("returns the output dtype's array and gives the same results when the batch is unrolled in chunks", () => {
    gl.manualSeed(3);
    const p = P({ padding: [1, 1], stride: [2, 1] });
    const x = gl.randn([5, 3, 8, 8]), w = gl.randn([4, 3, 3, 3]), b = gl.randn([4]);
    const g = gl.randn([5, 4, 4, 8]);
    const whole = [jsBackend.conv2d(x, w, b, p, "float32"), jsBackend.conv2dInputGrad(g, w, x.shape, p, "float32"), jsBackend.conv2dWeightGrad(x, g, w.shape, p, "float32")];
    expect(whole.every((a) => a instanceof Float32Array)).toBe(true);
    // 3 * 9 * 32 column entries per sample: a cap of 2 samples' worth splits the batch of 5 into 2 + 2 + 1.
    const prev = setConvColumnCap(2 * 27 * 32);
    try {
      const chunked = [jsBackend.conv2d(x, w, b, p, "float32"), jsBackend.conv2dInputGrad(g, w, x.shape, p, "float32"), jsBackend.conv2dWeightGrad(x, g, w.shape, p, "float32")];
      chunked.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(whole[i])));
    } finally {
      setConvColumnCap(prev);
    }
    expect(() => setConvColumnCap(0)).toThrow("setConvColumnCap: expected a positive integer, got 0");
  });

  it("maxPool2d: values, PyTorch's indices (first max wins, NaN wins, padding never wins) and the scatter back", () => {
    const x = gl.tensor([[[[1, 5, 5, 0], [2, NaN, -1, 3], [-Infinity, -Infinity, 4, 4], [-Infinity, -Infinity, 4, 9]]]]);
    const p = { kernel: [2, 2] as const, stride: [2, 2] as const, padding: [0, 0] as const, dilation: [1, 1] as const, ceilMode: false };
    const r = jsBackend.maxPool2d(x, p, "float32");
    expect(Array.from(r.values)).toEqual([NaN, 5, -Infinity, 9]);
    expect(Array.from(r.indices)).toEqual([5, 2, 8, 15]);
    const padded = jsBackend.maxPool2d(gl.full([1, 1, 2, 2], -5), { ...p, padding: [1, 1] }, "float32");
    expect(Array.from(padded.values)).toEqual([-5, -5, -5, -5]);
    expect(Array.from(padded.indices)).toEqual([0, 1, 2, 3]);
    const back = jsBackend.maxPool2dBackward(gl.tensor([[[[1, 2], [3, 4]]]]), gl.tensor([[[[5, 5], [8, 15]]]], { dtype: "int32" }), [1, 1, 4, 4], "float64");
    expect(Array.from(back)).toEqual([0, 0, 0, 0, 0, 3, 0, 0, 3, 0, 0, 0, 0, 0, 0, 4]);
    expect(() => jsBackend.maxPool2dBackward(gl.ones([1, 1, 1, 1]), gl.tensor([[[[16]]]], { dtype: "int32" }), [1, 1, 4, 4], "float32"))
      .toThrow("maxPool2dBackward: index 16 is out of range for an input plane of 4x4");
  });

  it("avgPool2d and adaptiveAvgPool2d: PyTorch's windows and divisors", () => {
    const x = gl.arange(1, 26, 1, { dtype: "float64" }).reshape(1, 1, 5, 5);
    const base = { kernel: [3, 3] as const, stride: [2, 2] as const, padding: [1, 1] as const, ceilMode: false, countIncludePad: true, divisorOverride: null };
    // Top-left window covers rows/cols 0..1 of the image plus padding: (1 + 2 + 6 + 7) / 9 with padding counted, / 4 without.
    expect(jsBackend.avgPool2d(x, base, "float64")[0]).toBeCloseTo(16 / 9, 14);
    expect(jsBackend.avgPool2d(x, { ...base, countIncludePad: false }, "float64")[0]).toBeCloseTo(4, 14);
    expect(jsBackend.avgPool2d(x, { ...base, divisorOverride: 2 }, "float64")[0]).toBeCloseTo(8, 14);
    // Adaptive 5 -> 2: windows [0, 3) and [2, 5) overlap at index 2.
    const a = jsBackend.adaptiveAvgPool2d(x, [2, 2], "float64");
    expect(Array.from(a)).toEqual([7, 9, 17, 19]);
    const back = jsBackend.adaptiveAvgPool2dBackward(gl.ones([1, 1, 2, 2], { dtype: "float64" }), [1, 1, 5, 5], "float64");
    expect(back[2 * 5 + 2]).toBeCloseTo(4 / 9, 14); // the shared centre gets a ninth from each of the 4 windows
  });
});

// ---- gradients -----------------------------------------------------------------------------------

describe("conv and pooling gradients (float64 finite differences, first and second order)", () => {
  const f64 = (shape: number[]) => gl.randn(shape, { dtype: "float64", requiresGrad: true });

  it("conv2d with stride, padding, dilation and groups", () => {
    gl.manualSeed(1);
    const x = f64([2, 4, 5, 6]), w = f64([4, 2, 2, 3]), b = f64([4]);
    const fn = (x: Tensor, w: Tensor, b: Tensor) => F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 1], dilation: [1, 2], groups: 2 });
    expect(gradcheck(fn, [x, w, b])).toBe(true);
    expect(gradgradcheck(fn, [x, w, b])).toBe(true);
  });

  it("conv2d with padding 'same' and an even kernel (a sliced output)", () => {
    gl.manualSeed(2);
    const x = f64([1, 2, 4, 5]), w = f64([2, 2, 2, 4]);
    expect(gradgradcheck((x, w) => F.conv2d(x, w, null, { padding: "same" }), [x, w])).toBe(true);
  });

  it("conv1d", () => {
    gl.manualSeed(3);
    const x = f64([2, 2, 9]), w = f64([3, 2, 3]), b = f64([3]);
    const fn = (x: Tensor, w: Tensor, b: Tensor) => F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 });
    expect(gradcheck(fn, [x, w, b])).toBe(true);
    expect(gradgradcheck(fn, [x, w, b])).toBe(true);
  });

  it("convTranspose2d with outputPadding, including the cropped case outputPadding >= stride (dilation 2)", () => {
    gl.manualSeed(4);
    const x = f64([1, 2, 3, 3]), w = f64([2, 3, 3, 2]), b = f64([3]);
    const strided = (x: Tensor, w: Tensor, b: Tensor) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 });
    expect(gradcheck(strided, [x, w, b])).toBe(true);
    expect(gradgradcheck(strided, [x, w, b])).toBe(true);
    const dilated = (x: Tensor, w: Tensor) => F.convTranspose2d(x, w, null, { dilation: 2, outputPadding: 1 });
    expect(dilated(x, w).shape).toEqual([1, 3, 8, 6]);
    expect(gradgradcheck(dilated, [x, w])).toBe(true);
  });

  it("maxPool2d (its gradient's gradient is a gather) and through a nonlinearity", () => {
    gl.manualSeed(5);
    const x = f64([1, 2, 5, 5]);
    const pool = (x: Tensor) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true });
    expect(gradcheck(pool, [x])).toBe(true);
    expect(gradgradcheck(pool, [x])).toBe(true);
    expect(gradgradcheck((x: Tensor) => F.maxPool2d(x.mul(x), 2, { stride: 1 }), [x])).toBe(true);
  });

  it("avgPool2d and adaptiveAvgPool2d (gradients of gradients are poolings again)", () => {
    gl.manualSeed(6);
    const x = f64([1, 2, 5, 7]);
    const avg = (x: Tensor) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    expect(gradcheck(avg, [x])).toBe(true);
    expect(gradgradcheck(avg, [x])).toBe(true);
    const ada = (x: Tensor) => F.adaptiveAvgPool2d(x, [3, 4]);
    expect(gradcheck(ada, [x])).toBe(true);
    expect(gradgradcheck(ada, [x])).toBe(true);
  });

  it("the conv gradient ops are the adjoints the rules assume: <conv(x, w), g> = <x, inputGrad(g, w)> = <w, weightGrad(x, g)>", () => {
    gl.manualSeed(7);
    const x = gl.randn([2, 4, 6, 5], { dtype: "float64" }), w = gl.randn([6, 2, 3, 2], { dtype: "float64" });
    const opts = { stride: [2, 1] as [number, number], padding: [1, 0] as [number, number], dilation: [1, 2] as [number, number], groups: 2 };
    const xr = x.clone().requiresGrad_(), wr = w.clone().requiresGrad_();
    const y = F.conv2d(xr, wr, null, opts);
    const g = gl.randn(y.shape, { dtype: "float64" });
    const [dx, dw] = gl.autograd.grad(y.mul(g).sum(), [xr, wr]);
    const lhs = y.mul(g).sum().item();
    expect(x.mul(dx!).sum().item()).toBeCloseTo(lhs, 10);
    expect(w.mul(dw!).sum().item()).toBeCloseTo(lhs, 10);
  });
});

// ---- functional semantics ------------------------------------------------------------------

describe("F.conv* and pooling semantics", () => {
  it("conv2d of ones counts each window's in-image taps; bias adds per channel", () => {
    const y = F.conv2d(gl.ones([1, 1, 3, 3]), gl.ones([2, 1, 3, 3]), gl.tensor([0, 10]), { padding: 1 });
    expect(y.toArray()).toEqual([[[[4, 6, 4], [6, 9, 6], [4, 6, 4]], [[14, 16, 14], [16, 19, 16], [14, 16, 14]]]]);
  });

  it("padding 'same' keeps the size (even kernels pad the extra zero at the end) and 'valid' is no padding", () => {
    const x = gl.arange(0, 16, 1, { dtype: "float32" }).reshape(1, 1, 4, 4);
    const w = gl.ones([1, 1, 2, 2]);
    // Extra padding at the end: output [i, j] sums x[i..i+1, j..j+1] with zeros past the last row/col.
    const same = F.conv2d(x, w, null, { padding: "same" });
    expect(same.shape).toEqual([1, 1, 4, 4]);
    expect((same.toArray() as number[][][][])[0][0][0]).toEqual([10, 14, 18, 10]);
    expect(F.conv2d(x, w, null, { padding: "valid" }).shape).toEqual([1, 1, 3, 3]);
    expect(F.conv1d(gl.randn([2, 3, 10]), gl.randn([4, 3, 4]), null, { padding: "same", dilation: 3 }).shape).toEqual([2, 4, 10]);
  });

  it("unbatched inputs give the batched result without the batch dim", () => {
    gl.manualSeed(8);
    const x = gl.randn([3, 6, 6]), w = gl.randn([2, 3, 3, 3]);
    expect(F.conv2d(x, w).toArray()).toEqual(F.conv2d(x.unsqueeze(0), w).squeeze(0).toArray());
    expect(F.maxPool2d(x, 2).toArray()).toEqual(F.maxPool2d(x.unsqueeze(0), 2).squeeze(0).toArray());
    expect(F.conv1d(gl.randn([3, 8]), gl.randn([5, 3, 3])).shape).toEqual([5, 6]);
  });

  it("maxPool2d with returnIndices returns values and indices, destructurable as a pair; maxPool1d indices are positions along L", () => {
    const x = gl.tensor([[[[1, 9, 2, 3], [4, 5, 8, 6]]]]);
    const { values, indices } = F.maxPool2d(x, 2, { returnIndices: true });
    expect(values.toArray()).toEqual([[[[9, 8]]]]);
    expect(indices.dtype).toBe("int32");
    expect(indices.toArray()).toEqual([[[[1, 6]]]]);
    const [v1, i1] = F.maxPool1d(gl.tensor([[[1, 3, 2, 5, 4]]]), 2, { stride: 2, ceilMode: true, returnIndices: true });
    expect(v1.toArray()).toEqual([[[3, 5, 4]]]);
    expect(i1.toArray()).toEqual([[[1, 3, 4]]]);
  });

  it("avgPool1d and adaptive pooling in 1-D", () => {
    expect(F.avgPool1d(gl.tensor([[[1, 3, 2, 6]]]), 2).toArray()).toEqual([[[2, 4]]]);
    expect(F.adaptiveAvgPool1d(gl.tensor([[[1, 2, 3, 4]]]), 2).toArray()).toEqual([[[1.5, 3.5]]]);
    expect(F.adaptiveAvgPool2d(gl.randn([2, 3, 5, 4]), [null, 2]).shape).toEqual([2, 3, 5, 2]);
  });

  it("a float64 input stays float64 and requiresGrad propagates only when something needs it", () => {
    const x = gl.randn([1, 1, 4, 4], { dtype: "float64" }), w = gl.randn([1, 1, 3, 3], { dtype: "float64" });
    const y = F.conv2d(x, w);
    expect(y.dtype).toBe("float64");
    expect(y.requiresGrad).toBe(false);
    expect(gl.noGrad(() => F.conv2d(x, w.clone().requiresGrad_())).requiresGrad).toBe(false);
    expect(F.conv2d(x, w, gl.zeros([1], { dtype: "float64", requiresGrad: true })).gradFn?.name).toBe("ConvolutionBackward");
  });
});

// ---- layers ------------------------------------------------------------------------------------

describe("conv and pooling layers", () => {
  it("Conv2d: PyTorch's weight layout, state dict and init bounds (kaiming_uniform a=sqrt(5) = U(±1/sqrt(fanIn)))", () => {
    gl.manualSeed(9);
    const conv = new nn.Conv2d(4, 6, [3, 2], { groups: 2 });
    const sd = conv.stateDict();
    expect(Object.keys(sd)).toEqual(["weight", "bias"]);
    expect(sd.weight.shape).toEqual([6, 2, 3, 2]);
    expect(sd.bias.shape).toEqual([6]);
    const bound = 1 / Math.sqrt(2 * 3 * 2);
    for (const p of conv.parameters()) {
      const v = vals(p);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(bound / 2);
    }
    expect(new nn.Conv2d(2, 3, 3, { bias: false }).bias).toBeNull();
    expect(new nn.Conv2d(2, 3, 3, { dtype: "float64" }).weight.dtype).toBe("float64");
  });

  it("ConvTranspose2d: weight [in, out/groups, kH, kW], bias bound from fanIn = out/groups * kH * kW, outputSize picks the output padding", () => {
    gl.manualSeed(10);
    const up = new nn.ConvTranspose2d(4, 6, 3, { stride: 2, groups: 2 });
    expect(up.weight.shape).toEqual([4, 3, 3, 3]);
    expect(Math.max(...vals(up.bias!).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(27));
    const x = gl.randn([1, 4, 4, 4]);
    expect(up.forward(x).shape).toEqual([1, 6, 9, 9]);
    expect(up.forward(x, [10, 9]).shape).toEqual([1, 6, 10, 9]);
    expect(up.forward(x, [1, 6, 10, 10]).toArray()).toEqual(F.convTranspose2d(x, up.weight, up.bias, { stride: 2, groups: 2, outputPadding: 1 }).toArray());
    expect(() => up.forward(x, [11, 9])).toThrow("ConvTranspose2d(4, 6, kernel_size=3): requested an output size of [11, 9], but valid sizes range from [9, 9] to [10, 10] for an input of shape [1,4,4,4]");
  });

  it("print like PyTorch", () => {
    expect(new nn.Conv2d(1, 8, 3).toString()).toBe("Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1))");
    expect(new nn.Conv2d(2, 8, [3, 5], { padding: "same", groups: 2, bias: false }).toString())
      .toBe("Conv2d(2, 8, kernel_size=(3, 5), stride=(1, 1), padding=same, groups=2, bias=False)");
    expect(new nn.Conv2d(1, 8, 3, { stride: 2, padding: 1, dilation: 2 }).toString())
      .toBe("Conv2d(1, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2))");
    expect(new nn.Conv1d(1, 2, 3).toString()).toBe("Conv1d(1, 2, kernel_size=(3,), stride=(1,))");
    expect(new nn.ConvTranspose2d(1, 2, 3, { stride: 2, outputPadding: 1 }).toString())
      .toBe("ConvTranspose2d(1, 2, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))");
    expect(new nn.MaxPool2d(2).toString()).toBe("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
    expect(new nn.MaxPool1d(2).toString()).toBe("MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
    expect(new nn.AvgPool2d(2).toString()).toBe("AvgPool2d(kernel_size=2, stride=2, padding=0)");
    expect(new nn.AvgPool1d(3).toString()).toBe("AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))");
    expect(new nn.AdaptiveAvgPool2d([5, null]).toString()).toBe("AdaptiveAvgPool2d(output_size=(5, None))");
    expect(new nn.AdaptiveAvgPool2d(3).toString()).toBe("AdaptiveAvgPool2d(output_size=3)");
  });

  it("the benchmark CNN (WORKLOADS.md workload 3) trains: shapes, gradients for all 6 parameters, a falling loss", () => {
    gl.manualSeed(12);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10),
    );
    const x = gl.randn([8, 1, 28, 28]), y = gl.randint(0, 10, [8]);
    const step = (): number => {
      for (const p of model.parameters()) p.grad = null;
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      gl.noGrad(() => { for (const p of model.parameters()) p.sub_(p.grad!.mul(0.05)); });
      return loss.item();
    };
    const first = step();
    expect(model.parameters().map((p) => p.grad!.shape)).toEqual([[16, 1, 3, 3], [16], [32, 16, 3, 3], [32], [10, 1568], [10]]);
    let last = first;
    for (let i = 0; i < 5; i++) last = step();
    expect(last).toBeLessThan(first);
  });

  it("pooling layers with returnIndices return values and indices", () => {
    const { values, indices } = new nn.MaxPool2d(2, { returnIndices: true }).forward(gl.tensor([[[[1, 2], [4, 3]]]]));
    expect(values.toArray()).toEqual([[[[4]]]]);
    expect(indices.toArray()).toEqual([[[[2]]]]);
  });
});

// ---- errors --------------------------------------------------------------------------------------

describe("conv and pooling errors name the op (or layer), the shapes and what was expected", () => {
  it("layers", () => {
    expect(() => new nn.Conv2d(1, 8, 3, { padding: 1 }).forward(gl.randn([8, 3, 28, 28])))
      .toThrow("Conv2d(1, 8, kernel_size=3): expected input [N,1,H,W] (or unbatched [1,H,W]), got [8,3,28,28]");
    expect(() => new nn.Conv1d(2, 4, [3]).forward(gl.randn([2, 3, 5]))).toThrow("Conv1d(2, 4, kernel_size=3): expected input [N,2,L] (or unbatched [2,L]), got [2,3,5]");
    expect(() => new nn.Conv1d(2, 4, [3]).forward(gl.randn([2, 2])))
      .toThrow("Conv1d(2, 4, kernel_size=3): input of shape [2,2] padded by 0 is 2 per channel, smaller than the 3 (dilated) kernel: the output would be 0");
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow("Conv2d: inChannels (3) must be divisible by groups (2)");
    expect(() => new nn.Conv2d(3, 4, 3, { stride: 2, padding: "same" })).toThrow('Conv2d: padding="same" is not supported for strided convolutions (stride (2, 2))');
    expect(() => new nn.Conv2d(1, 2, 5).forward(gl.randn([1, 1, 4, 4])))
      .toThrow("Conv2d(1, 2, kernel_size=5): input of shape [1,1,4,4] padded by (0, 0) is 4x4 per channel, smaller than the 5x5 (dilated) kernel: the output would be 0x0");
    expect(() => new nn.ConvTranspose2d(1, 1, 3, { outputPadding: 1 })).toThrow("ConvTranspose2d: outputPadding must be smaller than either stride or dilation");
    expect(() => new nn.MaxPool2d(2).forward(gl.randn([1, 1, 1, 1]))).toThrow("MaxPool2d(kernel_size=2): input of shape [1,1,1,1] gives an output of 0x0, which is too small");
  });

  it("functional", () => {
    const x = gl.randn([1, 1, 5, 5]);
    expect(() => F.conv2d(x, gl.randn([2, 2, 3, 3])))
      .toThrow("conv2d: weight of shape [2,2,3,3] with groups=1 expects an input with 2 channels, got input of shape [1,1,5,5] with 1");
    expect(() => F.conv2d(x, gl.randn([3, 1, 3, 3]), null, { groups: 2 })).toThrow("conv2d: weight of shape [3,1,3,3] has 3 output channels, which groups=2 does not divide");
    expect(() => F.conv2d(x, gl.randn([1, 1, 3, 3], { dtype: "float64" }))).toThrow("conv2d: input (float32) and weight (float64) must have the same dtype");
    expect(() => F.conv2d(x, gl.randn([1, 1, 3, 3]), gl.randn([2]))).toThrow("conv2d: bias must have shape [1] (one per output channel), got [2]");
    expect(() => F.conv2d(x.int(), gl.randn([1, 1, 3, 3]))).toThrow("conv2d: input must be a floating point tensor (float32 or float64), got dtype int32");
    expect(() => F.conv2d(gl.randn([5, 5]), gl.randn([1, 1, 3, 3]))).toThrow("conv2d: expected a 4-D input [N, C, H, W] or [C, H, W], got shape [5,5]");
    expect(() => F.conv2d(x, gl.randn([1, 1, 3]))).toThrow("conv2d: weight must be 4-D [C_out, C_in/groups, kH, kW], got shape [1,1,3]");
    expect(() => F.conv2d(x, gl.randn([1, 1, 3, 3]), null, { stride: 0 })).toThrow("conv2d: stride must be at least 1, got 0");
    expect(() => F.conv2d(x, gl.randn([1, 1, 3, 3]), null, { padding: -1 })).toThrow("conv2d: padding must be non-negative, got -1");
    expect(() => F.conv2d(x, gl.randn([1, 1, 3, 3]), null, { padding: [1, 1, 1] as unknown as [number, number] }))
      .toThrow("conv2d: padding must be an integer or a pair [h, w] of integers, got [1,1,1]");
    expect(() => F.convTranspose2d(x, gl.randn([2, 1, 3, 3]))).toThrow("convTranspose2d: weight of shape [2,1,3,3] expects an input with 2 channels, got input of shape [1,1,5,5] with 1");
    expect(() => F.maxPool2d(x, 3, { padding: 2 })).toThrow("maxPool2d: padding must be at most half the kernel size, got padding (2, 2) for kernel (3, 3)");
    expect(() => F.avgPool2d(x, 2, { divisorOverride: 0 })).toThrow("avgPool2d: divisorOverride must be a non-zero integer, got 0");
    expect(() => F.maxPool2d(gl.randn([1, 0, 4, 4]), 2)).toThrow("maxPool2d: expected an input with non-zero sizes apart from the batch dim, got shape [1,0,4,4]");
    expect(() => F.adaptiveAvgPool2d(x, [2, -1])).toThrow("adaptiveAvgPool2d: outputSize must hold non-negative integers (or null), got [2,-1]");
  });

  it("an empty batch is allowed, as in PyTorch", () => {
    const w = gl.randn([2, 1, 3, 3], { requiresGrad: true });
    const y = F.conv2d(gl.zeros([0, 1, 5, 5]), w);
    expect(y.shape).toEqual([0, 2, 3, 3]);
    y.sum().backward();
    expect(Array.from(w.grad!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(F.maxPool2d(gl.zeros([0, 1, 4, 4]), 2).shape).toEqual([0, 1, 2, 2]);
  });
});
