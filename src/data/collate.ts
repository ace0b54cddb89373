import { tensor } from "../tensor/creation.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** What defaultCollate turns a list of examples into, field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Collated = any;

function stackTensors(ts: Tensor[]): Tensor {
  const first = ts[0];
  ts.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new RangeError(`defaultCollate: examples have different shapes: example 0 is ${fmtShape(first.shape)} but example ${i} is ${fmtShape(t.shape)}; pass a custom collate to pad them`);
    }
  });
  const per = first.numel();
  const Ctor = first.data.constructor as new (n: number) => Float32Array;
  const out = new Ctor(per * ts.length);
  ts.forEach((t, i) => out.set(t.dataSync() as Float32Array, i * per));
  return Tensor.fromArray(out, [ts.length, ...first.shape], first.dtype);
}

/**
 * PyTorch's default_collate: tensors stack along a new batch dim, numbers become a 1-D
 * tensor, arrays (tuples) and plain objects collate field by field.
 * @example defaultCollate([[x0, y0], [x1, y1]]) // [stack([x0, x1]), stack([y0, y1])]
 */
export function defaultCollate(batch: readonly unknown[]): Collated {
  if (batch.length === 0) throw new RangeError("defaultCollate: empty batch");
  const first = batch[0];
  if (first instanceof Tensor) return stackTensors(batch as Tensor[]);
  if (typeof first === "number") return tensor(batch as number[]);
  if (typeof first === "boolean") return tensor(batch as boolean[]);
  if (typeof first === "string") return batch.slice();
  if (Array.isArray(first)) {
    batch.forEach((b, i) => {
      if (!Array.isArray(b) || b.length !== first.length) throw new RangeError(`defaultCollate: example ${i} has ${Array.isArray(b) ? b.length : "no"} fields, example 0 has ${first.length}`);
    });
    return first.map((_, k) => defaultCollate(batch.map((b) => (b as unknown[])[k])));
  }
  if (first !== null && typeof first === "object") {
    const out: Record<string, Collated> = {};
    for (const k of Object.keys(first)) out[k] = defaultCollate(batch.map((b) => (b as Record<string, unknown>)[k]));
    return out;
  }
  throw new TypeError(`defaultCollate: don't know how to batch examples of type ${first === null ? "null" : typeof first}`);
}
