import { Tensor } from "../../tensor/tensor.js";

/** A table of Tensor methods: each receives the tensor as `this`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MethodTable = Record<string, (this: Tensor, ...args: any[]) => unknown>;

/**
 * Puts methods on Tensor.prototype. Each ops area declares its methods' types (by
 * augmenting the Tensor interface) next to its table; src/ops/methods/index.ts installs
 * all tables in one place.
 */
export function installMethods(table: MethodTable): void {
  for (const [name, fn] of Object.entries(table)) {
    Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}

export function installGetter(name: string, get: (this: Tensor) => unknown): void {
  Object.defineProperty(Tensor.prototype, name, { get, configurable: true, enumerable: false });
}
