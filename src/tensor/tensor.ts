import type { View } from "../backend/kernels.js";
import type { DType, TypedArray } from "./dtype.js";
import { isFloating } from "./dtype.js";
import { formatTensor } from "./print.js";
import type { Shape, Strides } from "./shape.js";
import { contiguousStrides, fmtShape, isContiguous, numel } from "./shape.js";
import { Storage } from "./storage.js";

/** What the tensor layer knows of an autograd graph node (the autograd layer implements it). */
export interface GradFn {
  readonly name: string;
}

/** Nested arrays of numbers or booleans, as `toArray()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

let nextId = 1;

/**
 * An n-dimensional array: a strided view onto a shared typed-array storage, plus what
 * autograd needs. Create tensors with `gl.tensor`, `gl.zeros`, `gl.randn`...; every op is
 * also a method (`x.add(y)`, `x.sum(0)`), installed by the ops layer.
 *
 * @example
 * const x = gl.tensor([[1, 2], [3, 4]], { dtype: "float32" });
 * x.shape;            // [2, 2]
 * x.T.toArray();      // [[1, 3], [2, 4]]
 */
export class Tensor implements View {
  /** A process-unique id (used for printing graphs and as a map key). */
  readonly id = nextId++;
  /** Leaf tensors only: whether gradients accumulate into `.grad`. */
  _requiresGrad = false;
  /** The node that produced this tensor (null for leaves). */
  _gradFn: GradFn | null = null;
  /** Which output of `_gradFn` this tensor is. */
  _outputNr = 0;
  /** Accumulated gradient (leaves, or non-leaves after `retainGrad()`). */
  _grad: Tensor | null = null;
  /** Autograd's per-leaf bookkeeping (its AccumulateGrad node), created lazily. */
  _autograd: unknown = null;
  /** The tensor this one is a view of (for in-place checks), or null. */
  _base: Tensor | null = null;

  constructor(
    readonly storage: Storage,
    readonly shape: Shape,
    readonly strides: Strides,
    readonly offset: number,
  ) {}

  /** Wraps a fresh contiguous typed array. */
  static fromArray(data: TypedArray, shape: Shape, dtype: DType): Tensor {
    return new Tensor(new Storage(data, dtype), shape, contiguousStrides(shape), 0);
  }

  get data(): TypedArray {
    const s = this.storage;
    if (s.recycled) throw new Error("gradlab internal error: this tensor's memory was recycled by the autograd engine while still in use (please report it)");
    return s.data;
  }
  get dtype(): DType { return this.storage.dtype; }
  get ndim(): number { return this.shape.length; }
  /** Version counter of the storage (bumped by in-place writes). */
  get _version(): number { return this.storage.version; }

  numel(): number { return numel(this.shape); }
  size(dim?: number): number | number[] {
    if (dim === undefined) return this.shape.slice();
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim) throw new RangeError(`size: dim ${dim} is out of range for a tensor of ${this.ndim} dimensions`);
    return this.shape[d];
  }
  stride(): number[] { return this.strides.slice(); }
  isContiguous(): boolean { return isContiguous(this.shape, this.strides); }
  isFloatingPoint(): boolean { return isFloating(this.dtype); }

  get requiresGrad(): boolean { return this._requiresGrad || this._gradFn !== null; }
  set requiresGrad(v: boolean) { this.requiresGrad_(v); }

  /** Sets whether a leaf records operations for autograd. Returns `this`. */
  requiresGrad_(v = true): this {
    if (!this.isLeaf) {
      if (!v) throw new Error(`requiresGrad_: you can only change requiresGrad of leaf tensors; this tensor was produced by ${this._gradFn!.name} (use detach())`);
      return this;
    }
    if (v && !isFloating(this.dtype)) {
      throw new TypeError(`requiresGrad_: only floating point tensors can require gradients (got dtype ${this.dtype})`);
    }
    this._requiresGrad = v;
    return this;
  }

  get isLeaf(): boolean { return this._gradFn === null; }
  get gradFn(): GradFn | null { return this._gradFn; }
  get grad(): Tensor | null { return this._grad; }
  set grad(g: Tensor | null) {
    if (g !== null && (g.shape.length !== this.shape.length || g.shape.some((s, i) => s !== this.shape[i]))) {
      throw new RangeError(`grad: assigned gradient of shape ${fmtShape(g.shape)} to a tensor of shape ${fmtShape(this.shape)}`);
    }
    this._grad = g;
  }

  /** The single value of a one-element tensor, as a JS number (booleans as 0/1 -> boolean). */
  item(): number {
    if (this.numel() !== 1) {
      throw new RangeError(`item: a tensor with ${this.numel()} elements (shape ${fmtShape(this.shape)}) cannot be converted to a scalar`);
    }
    return this.data[this.offset];
  }

  /** Values as nested JS arrays (numbers; booleans for bool tensors). */
  toArray(): NestedArray {
    const { shape, strides, data } = this;
    const isBool = this.dtype === "bool";
    const rec = (d: number, off: number): NestedArray => {
      if (d === shape.length) return isBool ? data[off] !== 0 : data[off];
      const out: NestedArray[] = new Array(shape[d]);
      for (let i = 0; i < shape[d]; i++) out[i] = rec(d + 1, off + i * strides[d]);
      return out;
    };
    return rec(0, this.offset);
  }

  /** A contiguous copy of the values as a typed array of this dtype. */
  dataSync(): TypedArray {
    const n = this.numel();
    const Ctor = this.data.constructor as new (n: number) => TypedArray;
    const out = new Ctor(n);
    if (this.isContiguous()) {
      out.set(this.data.subarray(this.offset, this.offset + n) as never);
      return out;
    }
    let i = 0;
    const walk = (d: number, off: number): void => {
      if (d === this.ndim) { out[i++] = this.data[off]; return; }
      for (let j = 0; j < this.shape[d]; j++) walk(d + 1, off + j * this.strides[d]);
    };
    walk(0, this.offset);
    return out;
  }

  /** Values as a flat JS array (row-major). */
  tolist(): number[] {
    return Array.from(this.dataSync());
  }

  /** A tensor sharing this one's storage but cut from the graph (no gradient flows back). */
  detach(): Tensor {
    const t = new Tensor(this.storage, this.shape, this.strides, this.offset);
    t._base = this._base ?? this;
    return t;
  }

  /**
   * Points this tensor at another tensor's data (PyTorch's `p.data = t`): same object,
   * new storage, shape and dtype. Used by `Module.to(dtype)` so optimizers holding the
   * parameter keep working. Gradient history is not touched.
   */
  setData_(t: Tensor): this {
    const self = this as unknown as { storage: Storage; shape: Shape; strides: Strides; offset: number };
    self.storage = t.storage;
    self.shape = t.shape;
    self.strides = t.strides;
    self.offset = t.offset;
    return this;
  }

  /** Detaches this tensor from the graph in place (it becomes a leaf). */
  detach_(): this {
    this._gradFn = null;
    this._outputNr = 0;
    this._requiresGrad = false;
    return this;
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
