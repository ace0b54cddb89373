import type { Backend } from "./kernels.js";
import { jsBackend } from "./js/index.js";
import { loadNativeBackend, nativeFallbackNotice } from "./native/index.js";

const backends = new Map<string, Backend>([["js", jsBackend]]);
const native = loadNativeBackend();
if (native) backends.set("native", native);

/**
 * The fastest backend built here, unless GRADLAB_BACKEND names one. Without the native
 * addon (no compiler at install time) Node prints one line saying so and how to get it.
 */
function initialBackend(): Backend {
  const env = typeof process !== "undefined" ? process.env?.GRADLAB_BACKEND : undefined;
  if (env) {
    const b = backends.get(env);
    if (!b) {
      throw new Error(`GRADLAB_BACKEND=${env}: no such backend here (available: ${[...backends.keys()].join(", ")})${env === "native" ? `. ${nativeFallbackNotice()}` : ""}`);
    }
    return b;
  }
  if (native) return native;
  if (typeof process !== "undefined" && process.versions?.node) console.warn(nativeFallbackNotice());
  return jsBackend;
}

let current: Backend = initialBackend();

/** The backend every op runs its kernels on. */
export function backend(): Backend {
  return current;
}

/** Makes a backend available to `setBackend`. */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}

/** Forces a backend by name: `gl.setBackend("js")`. */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new Error(`setBackend: unknown backend "${name}" (available: ${[...backends.keys()].join(", ")})`);
  current = b;
}

export function getBackend(): string {
  return current.name;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Threads the native backend's large kernels use (the js backend is single-threaded). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected an integer >= 1, got ${n}`);
  native?.setNumThreads(n);
}

export function getNumThreads(): number {
  return native ? native.getNumThreads() : 1;
}
