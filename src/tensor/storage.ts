import type { DType, TypedArray } from "./dtype.js";

/**
 * The memory behind one or more tensors (views share it). `version` counts in-place
 * writes so that autograd can detect a saved tensor that was modified after saving.
 */
export class Storage {
  version = 0;
  /** Set when the autograd engine gave this memory back to the backend: any later use is a bug, reported loudly. */
  recycled = false;
  /** Creation order: storages made after a point have serial >= nextStorageSerial() read then. */
  readonly serial = nextSerial++;
  constructor(public readonly data: TypedArray, public readonly dtype: DType) {}
}

let nextSerial = 0;

/** The serial the next storage will get (autograd uses it to tell its own temporaries apart). */
export function nextStorageSerial(): number {
  return nextSerial;
}
