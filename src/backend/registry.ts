import type { Backend } from "./kernels.js";
import { jsBackend } from "./js/index.js";

const backends = new Map<string, Backend>([["js", jsBackend]]);
let current: Backend = jsBackend;

/** The backend every op runs its kernels on. */
export function backend(): Backend {
  return current;
}

/** Makes a backend available to `setBackend` (the native addon registers itself here). */
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
