import type { Shape, Strides } from "../../tensor/shape.js";

/**
 * Iterates the rows (innermost runs) of a shape shared by several strided operands.
 * Dims of size 1 are dropped and dims that are contiguous for every operand are merged,
 * so a contiguous tensor is a single row and the per-row cost is paid rarely.
 */
export class RowIter {
  /** Length of each row. */
  readonly inner: number;
  /** Stride of each operand along the row. */
  readonly innerStrides: number[];
  /** Number of rows. */
  readonly rows: number;
  /** Offset of each operand at the start of the current row. */
  readonly offs: number[];
  private readonly shape: number[];
  private readonly strides: number[][];
  private readonly idx: number[];

  constructor(shape: Shape, strides: readonly Strides[], offsets: readonly number[]) {
    const k = strides.length;
    const ns: number[] = [];
    const nst: number[][] = [];
    for (let j = 0; j < k; j++) nst.push([]);
    for (let d = 0; d < shape.length; d++) {
      const size = shape[d];
      if (size === 1) continue;
      const last = ns.length - 1;
      if (last >= 0) {
        let merge = true;
        for (let j = 0; j < k; j++) if (nst[j][last] !== strides[j][d] * size) { merge = false; break; }
        if (merge) {
          ns[last] *= size;
          for (let j = 0; j < k; j++) nst[j][last] = strides[j][d];
          continue;
        }
      }
      ns.push(size);
      for (let j = 0; j < k; j++) nst[j].push(strides[j][d]);
    }
    let total = 1;
    for (let d = 0; d < shape.length; d++) total *= shape[d];
    if (ns.length === 0) {
      ns.push(1);
      for (let j = 0; j < k; j++) nst[j].push(0);
    }
    const nd = ns.length;
    this.shape = ns;
    this.strides = nst;
    this.inner = total === 0 ? 0 : ns[nd - 1];
    this.innerStrides = nst.map((s) => s[nd - 1]);
    this.rows = total === 0 ? 0 : total / ns[nd - 1];
    this.offs = offsets.slice();
    this.idx = new Array<number>(nd).fill(0);
  }

  /** Moves every operand's offset to the start of the next row. */
  next(): void {
    const { shape, strides, idx, offs } = this;
    const k = offs.length;
    for (let d = shape.length - 2; d >= 0; d--) {
      idx[d]++;
      if (idx[d] < shape[d]) {
        for (let j = 0; j < k; j++) offs[j] += strides[j][d];
        return;
      }
      idx[d] = 0;
      for (let j = 0; j < k; j++) offs[j] -= strides[j][d] * (shape[d] - 1);
    }
  }
}
