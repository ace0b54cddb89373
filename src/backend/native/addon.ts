import type { TypedArray } from "../../tensor/dtype.js";

/** What the compiled addon (build/Release/gradlab_native.node, from ./cpp/addon.cc) exports. */
export interface NativeAddon {
  /** Registers the array every later call reads its shapes, strides and offsets from. */
  setMeta(meta: Float64Array): void;
  unary(op: number, out: TypedArray, x: TypedArray): void;
  binary(op: number, out: TypedArray, a: TypedArray, b: TypedArray): void;
  where(out: TypedArray, cond: TypedArray, a: TypedArray, b: TypedArray): void;
  copy(out: TypedArray, x: TypedArray): void;
  assign(dst: TypedArray, src: TypedArray): void;
  reduce(op: number, out: TypedArray, x: TypedArray): void;
  argReduce(op: number, out: Int32Array, x: TypedArray, axis: number): void;
  scan(op: number, out: TypedArray, x: TypedArray, axis: number): void;
  /** out = a b (+ bias on every row when given; float outputs only). */
  /** out = a b (+ bias); with `accumulate`, out += a b (+ bias) (float outputs). */
  matmul(out: TypedArray, a: TypedArray, b: TypedArray, bias?: TypedArray, accumulate?: boolean): void;
  indexSelect(out: TypedArray, x: TypedArray, index: TypedArray, axis: number): void;
  indexAdd(out: TypedArray, index: TypedArray, src: TypedArray, axis: number): void;
  gather(out: TypedArray, x: TypedArray, index: TypedArray, axis: number): void;
  scatterAdd(out: TypedArray, index: TypedArray, src: TypedArray, axis: number): void;
  /** dst += alpha * src in place (fused in-place kernels, ops helper). */
  axpy(dst: TypedArray, src: TypedArray, alpha: number): void;
  // --- conv (cpp/conv.cc; metadata as ./conv.ts writes it) ---
  conv2d(out: TypedArray, x: TypedArray, w: TypedArray, bias: TypedArray): void;
  conv2dInputGrad(out: TypedArray, g: TypedArray, w: TypedArray): void;
  conv2dWeightGrad(out: TypedArray, x: TypedArray, g: TypedArray): void;
  maxPool2d(values: TypedArray, indices: Int32Array, x: TypedArray): void;
  maxPool2dBackward(out: TypedArray, g: TypedArray, indices: TypedArray): void;
  avgPool2d(out: TypedArray, x: TypedArray): void;
  avgPool2dBackward(out: TypedArray, g: TypedArray): void;
  adaptiveAvgPool2d(out: TypedArray, x: TypedArray): void;
  adaptiveAvgPool2dBackward(out: TypedArray, g: TypedArray): void;
  // --- end conv ---
  /** A LinalgKernels call (see ./linalg.ts): op code, flags, the input arrays (views in meta), then the outputs. */
  linalg(op: number, flags: number, ...arrays: TypedArray[]): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** Forces a GEMM micro-kernel set ("avx512" | "avx2" | "generic"); false if the CPU lacks it. */
  setGemmIsa(isa: string): boolean;
  /** Forces the float32 vector-math set ("avx512" | "avx2" | "generic"); false if the CPU lacks it. */
  setVmathIsa(isa: string): boolean;
  info(): { gemm: string; vmath: string; threads: number; cpus: number };
  /**
   * For tests only (gradlab never calls it): a native kernel's own scratch and workspace
   * allocations over `bytes` fail as if the system had refused them, on every thread or, with
   * `workersOnly`, only on the thread pool's workers, so out-of-memory errors can be tested.
   * Infinity lifts the limit.
   */
  setAllocLimit(bytes: number, workersOnly?: boolean): void;
  /** The op names in the addon's op-code order. */
  readonly unaryOps: readonly string[];
  readonly binaryOps: readonly string[];
}

/** The result of trying to load the addon: the module, or why there is none. */
export type AddonLoad =
  | { readonly addon: NativeAddon; readonly error: null }
  | { readonly addon: null; readonly error: string; readonly built: boolean };

// src/backend/native/ and dist/backend/native/ both sit three levels below the package root.
const ROOT = new URL("../../../", import.meta.url);
/** Where node-gyp puts the addon, relative to the package root. */
export const ADDON_PATH = "build/Release/gradlab_native.node";

/**
 * Loads the compiled addon if there is one. Never throws: a missing build (no compiler at
 * install time), a non-Node runtime or a load failure come back as `error`.
 * @example const r = loadAddon(); if (r.addon) console.log(r.addon.info().gemm)
 */
export function loadAddon(): AddonLoad {
  const proc = typeof process !== "undefined" ? process : undefined;
  if (!proc?.versions?.node) return { addon: null, error: "not running in Node.js", built: false };
  // getBuiltinModule avoids a static node: import, which would break the browser build.
  if (typeof proc.getBuiltinModule !== "function") {
    return { addon: null, error: `Node ${proc.versions.node} lacks process.getBuiltinModule (needs >= 20.16)`, built: false };
  }
  const fs = proc.getBuiltinModule("node:fs");
  const url = proc.getBuiltinModule("node:url");
  const mod = proc.getBuiltinModule("node:module");
  const file = url.fileURLToPath(new URL(ADDON_PATH, ROOT));
  if (!fs.existsSync(file)) return { addon: null, error: `not built (${file} does not exist)`, built: false };
  try {
    const addon = mod.createRequire(import.meta.url)(file) as NativeAddon;
    return { addon, error: null };
  } catch (e) {
    return { addon: null, error: `failed to load ${file}: ${e instanceof Error ? e.message : String(e)}`, built: true };
  }
}
