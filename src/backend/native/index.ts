import type { AddonLoad } from "./addon.js";
import { loadAddon } from "./addon.js";
import type { NativeBackend } from "./backend.js";
import { createNativeBackend } from "./backend.js";

export type { NativeBackend } from "./backend.js";
export { ADDON_PATH } from "./addon.js";

let loaded: { backend: NativeBackend | null; error: string | null; built: boolean } | undefined;

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const r: AddonLoad = loadAddon();
  if (!r.addon) {
    loaded = { backend: null, error: r.error, built: r.built };
  } else {
    try {
      loaded = { backend: createNativeBackend(r.addon), error: null, built: true };
    } catch (e) {
      loaded = { backend: null, error: e instanceof Error ? e.message : String(e), built: true };
    }
  }
  return loaded;
}

/**
 * The native (C++) backend if its addon was built at install time and loads here, else
 * null (see nativeLoadError for why). Loaded once; later calls return the same object.
 * @example const native = loadNativeBackend(); if (native) registerBackend(native)
 */
export function loadNativeBackend(): NativeBackend | null {
  return load().backend;
}

let direct: NativeBackend | null | undefined;

/**
 * The native backend with every call, however small, sent to the C++ kernels (the default
 * backend runs tiny calls on the js kernels): for tests and benchmarks of the kernels
 * themselves. Null when the native backend is not available.
 * @example const kernels = nativeKernelsOnly(); kernels?.unary("exp", x, "float32")
 */
export function nativeKernelsOnly(): NativeBackend | null {
  if (direct === undefined) {
    const r = loadAddon();
    direct = r.addon && load().backend ? createNativeBackend(r.addon, { small: 0, smallMatmul: 0 }) : null;
  }
  return direct;
}

/**
 * Why loadNativeBackend() returned null ("not built (...)", a load failure...), or null
 * when the native backend is available.
 * @example if (!loadNativeBackend()) console.log(nativeLoadError())
 */
export function nativeLoadError(): string | null {
  return load().error;
}

/**
 * The one line to print when gradlab falls back to the js backend: what happened and how
 * to get the fast backend.
 * @example if (!loadNativeBackend()) console.warn(nativeFallbackNotice())
 */
export function nativeFallbackNotice(): string {
  const { error, built } = load();
  const how = built
    ? "rebuild it with `npm rebuild gradlab`"
    : "install a C++ toolchain (g++, make, python3) and run `npm rebuild gradlab`";
  return `gradlab: native backend unavailable (${error ?? "unknown reason"}); running on the js backend. For the fast backend, ${how}.`;
}
