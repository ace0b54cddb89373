import { backend } from "../backend/registry.js";
import { tensor } from "../tensor/creation.js";
import { fmtShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * A map-style dataset: `get(i)` returns example i, `length` counts them (PyTorch's
 * `__getitem__` / `__len__`).
 * @example class Squares extends data.Dataset<number> { get length() { return 10; } get(i: number) { return i * i; } }
 */
export abstract class Dataset<T = unknown> {
  abstract get length(): number;
  abstract get(index: number): T;

  /** A batch of examples; datasets that can gather faster override it. */
  getBatch(indices: readonly number[]): T[] {
    return indices.map((i) => this.get(i));
  }
}

export function checkIndex(i: number, n: number, who: string): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new RangeError(`${who}: index ${i} is out of range for a dataset of ${n} examples`);
  return i < 0 ? i + n : i;
}

/** Rows `indices` of a tensor along dim 0 (no autograd: data is not differentiated). */
export function takeRows(t: Tensor, indices: readonly number[]): Tensor {
  const idx = tensor(Int32Array.from(indices));
  const shape = [indices.length, ...t.shape.slice(1)];
  return Tensor.fromArray(backend().indexSelect(t, 0, idx, t.dtype), shape, t.dtype);
}

/**
 * Wraps tensors that share their first dimension; example i is `[t0[i], t1[i], ...]`.
 * @example const ds = new data.TensorDataset(X, y); const [x0, y0] = ds.get(0);
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new TypeError("TensorDataset: needs at least one tensor");
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensor ${i} is 0-d; every tensor needs a first (example) dimension`);
    });
    const n = tensors[0].shape[0];
    tensors.forEach((t, i) => {
      if (t.shape[0] !== n) {
        throw new RangeError(`TensorDataset: size mismatch between tensors: tensor 0 has ${n} examples (shape ${fmtShape(tensors[0].shape)}) but tensor ${i} has ${t.shape[0]} (shape ${fmtShape(t.shape)})`);
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    const i = checkIndex(index, this.length, "TensorDataset");
    return this.tensors.map((t) => t.select(0, i));
  }

  /** Gathers whole batches with one kernel call per tensor (what DataLoader uses). */
  takeBatch(indices: readonly number[]): Tensor[] {
    indices.forEach((i) => checkIndex(i, this.length, "TensorDataset"));
    return this.tensors.map((t) => takeRows(t, indices));
  }
}

/** The examples of `dataset` at `indices`, in that order. */
export class Subset<T> extends Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: readonly number[]) {
    super();
  }
  get length(): number {
    return this.indices.length;
  }
  get(index: number): T {
    return this.dataset.get(this.indices[checkIndex(index, this.length, "Subset")]);
  }
}

/** Datasets one after another. */
export class ConcatDataset<T> extends Dataset<T> {
  private readonly ends: number[] = [];
  constructor(readonly datasets: readonly Dataset<T>[]) {
    super();
    let acc = 0;
    for (const d of datasets) { acc += d.length; this.ends.push(acc); }
  }
  get length(): number {
    return this.ends.length ? this.ends[this.ends.length - 1] : 0;
  }
  get(index: number): T {
    const i = checkIndex(index, this.length, "ConcatDataset");
    const k = this.ends.findIndex((e) => i < e);
    return this.datasets[k].get(i - (k === 0 ? 0 : this.ends[k - 1]));
  }
}
