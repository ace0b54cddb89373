import type { DType, TypedArray } from "../../tensor/dtype.js";
import { allocate } from "../../tensor/dtype.js";
import type { Shape } from "../../tensor/shape.js";
import { numel } from "../../tensor/shape.js";
import type { ArgReduceOp, Backend, BinaryOp, MatmulArgs, ReduceOp, ScanOp, UnaryOp, View } from "../kernels.js";
import { BINARY_OPS, UNARY_OPS } from "../kernels.js";
import { jsBackend } from "../js/index.js";
import { checkInto } from "../js/matmul.js";
import type { NativeAddon } from "./addon.js";
import { writeView } from "./meta.js";
import { nativeConvKernels } from "./conv.js";
import { createNativeNormKernels } from "./norm.js";
import { createNativeLinalg } from "./linalg.js";
import { recycle, uninitialised } from "./pool.js";

/** The native backend: the Backend kernels plus control of its thread pool. */
export interface NativeBackend extends Backend {
  /** Sets how many threads large kernels use (default: the CPUs this process may use). */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** The GEMM micro-kernels in use: "avx512", "avx2" or "generic". */
  gemmIsa(): string;
  /** Forces a GEMM micro-kernel set (tests, benchmarks); false, changing nothing, if this CPU lacks it. */
  setGemmIsa(isa: "avx512" | "avx2" | "generic" | string): boolean;
}

// Mirrors kMaxDims in cpp/common.h; views with more dims run on the js kernels.
const MAX_DIMS = 32;
// Kernels over at most this many elements run on the js kernels: a native call costs a few
// hundred nanoseconds, about what js spends on 64 additions (dispatch-bound workloads).
const SMALL_DEFAULT = 64;
// Products with at most this many multiply-adds run on the js kernels, for the same reason.
const SMALL_MATMUL_DEFAULT = 4096;
// Outputs of at least this many bytes that a kernel overwrites entirely are allocated without
// zero-filling (calloc's memset was ~5% of the samples of an MLP training step).
const UNINITIALISED_BYTES = 4096;
// V8 keeps typed arrays of up to 64 bytes inside its heap; handing one to N-API moves it out
// (an allocation per call, and GC work). Such arrays travel through persistent stand-ins.
const ON_HEAP_BYTES = 64;
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3, sumsq: 4 };
const ARG_CODES: Record<ArgReduceOp, number> = { argmax: 0, argmin: 1 };
const SCAN_CODES: Record<ScanOp, number> = { cumsum: 0, cumprod: 1 };

/** Op name -> the addon's op code, or an error naming the ops the addon lacks. */
function codes<T extends string>(names: readonly T[], addonNames: readonly string[], kind: string): Record<T, number> {
  const out = {} as Record<T, number>;
  const missing: string[] = [];
  for (const name of names) {
    const i = addonNames.indexOf(name);
    if (i < 0) missing.push(name);
    out[name] = i;
  }
  if (missing.length) throw new Error(`the native addon lacks ${kind} ops ${missing.join(", ")}: rebuild it (npm rebuild gradlab)`);
  return out;
}

/** Where small calls go. */
export interface NativeOptions {
  /** Kernels over at most this many elements run on the js kernels (default 64; 0: never). */
  readonly small?: number;
  /** Products of at most this many multiply-adds run on the js kernels (default 4096; 0: never). */
  readonly smallMatmul?: number;
}

// One metadata array per addon (several backends over one addon share it; calls are synchronous).
const metaOf = new WeakMap<NativeAddon, Float64Array>();

/**
 * Wraps a loaded addon as a Backend. Kernel calls pass typed arrays straight through;
 * shapes, strides and offsets go through one shared Float64Array (see cpp/addon.cc).
 * Calls too small to repay a native call run on the js kernels (see NativeOptions).
 * Linear algebra kernels are the js backend's in this version.
 * Convolution kernels are the js backend's in this version.
 * @example const b = createNativeBackend(loadAddon().addon!); b.unary("exp", x, "float32")
 */
export function createNativeBackend(addon: NativeAddon, options: NativeOptions = {}): NativeBackend {
  const UNARY = codes(UNARY_OPS, addon.unaryOps, "unary");
  const BINARY = codes(BINARY_OPS, addon.binaryOps, "binary");
  const SMALL = options.small ?? SMALL_DEFAULT;
  const SMALL_MATMUL = options.smallMatmul ?? SMALL_MATMUL_DEFAULT;
  let meta = metaOf.get(addon);
  if (!meta) {
    meta = new Float64Array(1024);
    addon.setMeta(meta);
    metaOf.set(addon, meta);
  }
  const m = meta;
  let pos = 0;

  const shape = (s: Shape): void => {
    m[pos++] = s.length;
    for (let i = 0; i < s.length; i++) m[pos++] = s[i];
  };
  // Offset and strides of an operand that shares the shape written last.
  const operand = (v: View, nd: number): void => {
    m[pos++] = v.offset;
    for (let i = 0; i < nd; i++) m[pos++] = v.strides[i];
  };
  const view = (v: View): void => {
    pos = writeView(m, pos, v);
  };
  const tooDeep = (...views: View[]): boolean => views.some((v) => v.shape.length > MAX_DIMS);

  /** A new array for an output the kernel writes in full: not zero-filled when large. */
  const fresh = (dtype: DType, n: number): TypedArray => {
    const bytes = n * BYTES[dtype];
    if (bytes < UNINITIALISED_BYTES) return allocate(dtype, n);
    const buf = uninitialised(bytes);
    switch (dtype) {
      case "float32": return new Float32Array(buf, 0, n);
      case "float64": return new Float64Array(buf, 0, n);
      case "int32": return new Int32Array(buf, 0, n);
      case "bool": return new Uint8Array(buf, 0, n);
    }
  };

  // Stand-ins of 128 bytes (off-heap from the start): one set per argument position.
  const standIns = [0, 1, 2, 3].map(() => ({
    f32: new Float32Array(32), f64: new Float64Array(16), i32: new Int32Array(32), u8: new Uint8Array(128),
  }));
  const standIn = (a: TypedArray, slot: number): TypedArray => {
    const s = standIns[slot];
    return a instanceof Float32Array ? s.f32 : a instanceof Float64Array ? s.f64 : a instanceof Int32Array ? s.i32 : s.u8;
  };
  /** An input as the addon should see it: itself, or a stand-in holding a copy of a small array. */
  const arg = (a: TypedArray, slot: number): TypedArray => {
    if (a.byteLength > ON_HEAP_BYTES) return a;
    const s = standIn(a, slot);
    s.set(a as never);
    return s;
  };
  /** Where the addon writes an output: the array, or a zeroed stand-in that `give` copies back. */
  const dest = (out: TypedArray): TypedArray => {
    if (out.byteLength > ON_HEAP_BYTES) return out;
    const s = standIn(out, 0);
    s.fill(0);
    return s;
  };
  const give = <T extends TypedArray>(out: T, written: TypedArray): T => {
    if (written !== out) out.set(written.subarray(0, out.length) as never);
    return out;
  };

  const self: NativeBackend = {
    name: "native",
    recycle,

    unary(op: UnaryOp, x: View, outDtype: DType): TypedArray {
      const n = numel(x.shape);
      if (n <= SMALL || tooDeep(x)) return jsBackend.unary(op, x, outDtype);
      const out = fresh(outDtype, n);
      pos = 0; shape(x.shape); operand(x, x.shape.length);
      const o = dest(out);
      addon.unary(UNARY[op], o, arg(x.data, 1));
      return give(out, o);
    },

    binary(op: BinaryOp, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray {
      const n = numel(outShape);
      const nd = outShape.length;
      if (n <= SMALL || nd > MAX_DIMS || a.strides.length !== nd || b.strides.length !== nd) return jsBackend.binary(op, a, b, outShape, outDtype);
      const out = fresh(outDtype, n);
      pos = 0; shape(outShape); operand(a, nd); operand(b, nd);
      const o = dest(out);
      addon.binary(BINARY[op], o, arg(a.data, 1), arg(b.data, 2));
      return give(out, o);
    },

    where(cond: View, a: View, b: View, outShape: Shape, outDtype: DType): TypedArray {
      const n = numel(outShape);
      const nd = outShape.length;
      if (n <= SMALL || nd > MAX_DIMS || cond.strides.length !== nd || a.strides.length !== nd || b.strides.length !== nd) {
        return jsBackend.where(cond, a, b, outShape, outDtype);
      }
      const out = fresh(outDtype, n);
      pos = 0; shape(outShape); operand(cond, nd); operand(a, nd); operand(b, nd);
      const o = dest(out);
      addon.where(o, arg(cond.data, 1), arg(a.data, 2), arg(b.data, 3));
      return give(out, o);
    },

    reduce(op: ReduceOp, x: View, axes: readonly number[], outDtype: DType): TypedArray {
      let nOut = 1;
      for (let d = 0; d < x.shape.length; d++) if (!axes.includes(d)) nOut *= x.shape[d];
      if (nOut === 0 || numel(x.shape) <= SMALL || tooDeep(x)) return jsBackend.reduce(op, x, axes, outDtype);
      const out = fresh(outDtype, nOut);
      pos = 0; view(x);
      m[pos++] = axes.length;
      for (let i = 0; i < axes.length; i++) m[pos++] = axes[i];
      const o = dest(out);
      addon.reduce(REDUCE_CODES[op], o, arg(x.data, 1));
      return give(out, o);
    },

    argReduce(op: ArgReduceOp, x: View, axis: number): Int32Array {
      const n = numel(x.shape);
      if (n === 0 || n <= SMALL || tooDeep(x)) return jsBackend.argReduce(op, x, axis);
      const out = new Int32Array(n / x.shape[axis]);
      pos = 0; view(x);
      const o = dest(out) as Int32Array;
      addon.argReduce(ARG_CODES[op], o, arg(x.data, 1), axis);
      return give(out, o);
    },

    scan(op: ScanOp, x: View, axis: number, outDtype: DType): TypedArray {
      const n = numel(x.shape);
      if (n <= SMALL || tooDeep(x)) return jsBackend.scan(op, x, axis, outDtype);
      const out = fresh(outDtype, n);
      pos = 0; view(x);
      const o = dest(out);
      addon.scan(SCAN_CODES[op], o, arg(x.data, 1), axis);
      return give(out, o);
    },

    copy(x: View, outDtype: DType): TypedArray {
      const n = numel(x.shape);
      if (n <= SMALL || tooDeep(x)) return jsBackend.copy(x, outDtype);
      const out = fresh(outDtype, n);
      pos = 0; shape(x.shape); operand(x, x.shape.length);
      const o = dest(out);
      addon.copy(o, arg(x.data, 1));
      return give(out, o);
    },

    assign(dst: View, src: View): void {
      const nd = dst.shape.length;
      const n = numel(dst.shape);
      if (n === 0) return;
      if (n <= SMALL || nd > MAX_DIMS || src.strides.length !== nd) { jsBackend.assign(dst, src); return; }
      pos = 0; shape(dst.shape); operand(dst, nd); operand(src, nd);
      const d = arg(dst.data, 0);
      addon.assign(d, arg(src.data, 1));
      give(dst.data, d);
    },

    matmul(a: View, b: View, args: MatmulArgs, outDtype: DType): TypedArray {
      const n = numel(args.batch) * args.m * args.n;
      const bias = args.bias;
      // A bias rides in the product's last pass (float outputs; others take the js kernels).
      if (n * args.k <= SMALL_MATMUL || tooDeep(a, b) || (bias && outDtype !== "float32" && outDtype !== "float64")) {
        return jsBackend.matmul(a, b, args, outDtype);
      }
      // Accumulating (C += A B): into the given array, its contents the starting sums.
      if (args.into) checkInto(args.into, n, outDtype);
      const out = args.into ?? fresh(outDtype, n);
      pos = 0; view(a); view(b);
      if (bias) view(bias);
      const o = args.into ? arg(out, 0) : dest(out);
      addon.matmul(o, arg(a.data, 1), arg(b.data, 2), bias ? arg(bias.data, 3) : undefined, args.into !== undefined);
      return give(out, o);
    },

    indexSelect(x: View, axis: number, index: View, outDtype: DType): TypedArray {
      const outShape = x.shape.slice();
      outShape[axis] = numel(index.shape);
      const n = numel(outShape);
      if (n <= SMALL || tooDeep(x, index)) return jsBackend.indexSelect(x, axis, index, outDtype);
      const out = fresh(outDtype, n);
      pos = 0; view(x); view(index);
      const o = dest(out);
      addon.indexSelect(o, arg(x.data, 1), arg(index.data, 2), axis);
      return give(out, o);
    },

    indexAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray {
      if (numel(src.shape) <= SMALL || outShape.length > MAX_DIMS || tooDeep(index, src)) return jsBackend.indexAdd(outShape, axis, index, src, outDtype);
      const out = allocate(outDtype, numel(outShape));
      pos = 0; shape(outShape); view(index); view(src);
      const o = dest(out);
      addon.indexAdd(o, arg(index.data, 1), arg(src.data, 2), axis);
      return give(out, o);
    },

    gather(x: View, axis: number, index: View, outDtype: DType): TypedArray {
      const n = numel(index.shape);
      if (n <= SMALL || tooDeep(x, index)) return jsBackend.gather(x, axis, index, outDtype);
      const out = fresh(outDtype, n);
      pos = 0; view(x); view(index);
      const o = dest(out);
      addon.gather(o, arg(x.data, 1), arg(index.data, 2), axis);
      return give(out, o);
    },

    scatterAdd(outShape: Shape, axis: number, index: View, src: View, outDtype: DType): TypedArray {
      const out = allocate(outDtype, numel(outShape));
      if (out.length === 0 || numel(index.shape) === 0) return out;
      if (numel(index.shape) <= SMALL || outShape.length > MAX_DIMS || tooDeep(index, src)) return jsBackend.scatterAdd(outShape, axis, index, src, outDtype);
      pos = 0; shape(outShape); view(index); view(src);
      const o = dest(out);
      addon.scatterAdd(o, arg(index.data, 1), arg(src.data, 2), axis);
      return give(out, o);
    },

    // ---- fused in-place kernels (ops helper) ----
    axpy(dst: View, src: View, alpha: number): void {
      const nd = dst.shape.length;
      const n = numel(dst.shape);
      if (n === 0) return;
      if (n <= SMALL || nd > MAX_DIMS || src.strides.length !== nd) { jsBackend.axpy(dst, src, alpha); return; }
      pos = 0; shape(dst.shape); operand(dst, nd); operand(src, nd);
      const d = arg(dst.data, 0);
      addon.axpy(d, arg(src.data, 1), alpha);
      give(dst.data, d);
    },
    // ---- end fused in-place kernels ----

    // --- conv (conv.ts, cpp/conv.cc) ---
    ...nativeConvKernels(addon, { meta: m, fresh, arg, dest, give }),
    // --- end conv ---
    linalg: createNativeLinalg(addon, m),
    // softmax, logSoftmax and layerNorm, forward and backward (./norm.ts, cpp/norm.cc).
    ...createNativeNormKernels(addon, (x, dt) => self.copy(x, dt), SMALL),

    setNumThreads(n: number): void {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected an integer >= 1, got ${n}`);
      addon.setNumThreads(n);
    },
    getNumThreads: () => addon.getNumThreads(),
    gemmIsa: () => addon.info().gemm,
    setGemmIsa: (isa: string) => addon.setGemmIsa(isa),
  };
  return self;
}
