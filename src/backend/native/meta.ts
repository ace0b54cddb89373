import type { View } from "../kernels.js";

// The record of a view in the metadata array the addon reads (cpp/addon.cc's MetaReader):
// ndim, offset, shape[ndim], strides[ndim]. Every native kernel family writes its operands
// this way.

/**
 * Writes `v`'s record into `meta` at `pos` and returns the position after it.
 * @example pos = writeView(meta, 0, x); pos = writeView(meta, pos, y);
 */
export function writeView(meta: Float64Array, pos: number, v: View): number {
  const nd = v.shape.length;
  meta[pos++] = nd;
  meta[pos++] = v.offset;
  for (let i = 0; i < nd; i++) meta[pos++] = v.shape[i];
  for (let i = 0; i < nd; i++) meta[pos++] = v.strides[i];
  return pos;
}
