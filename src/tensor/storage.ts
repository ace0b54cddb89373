import type { DType, TypedArray } from "./dtype.js";

/**
 * The memory behind one or more tensors (views share it). `version` counts in-place
 * writes so that autograd can detect a saved tensor that was modified after saving.
 */
export class Storage {
  version = 0;
  constructor(public readonly data: TypedArray, public readonly dtype: DType) {}
}
