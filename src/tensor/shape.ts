/** A tensor's shape: one non-negative size per dimension. */
export type Shape = readonly number[];
/** Element strides per dimension (may be 0 for broadcast/expanded dims). */
export type Strides = readonly number[];

export function fmtShape(s: Shape): string {
  return `[${s.join(",")}]`;
}

export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i];
  }
  return st;
}

export function isContiguous(shape: Shape, strides: Strides): boolean {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== acc) return false;
    acc *= shape[i];
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Normalises a possibly negative dim; `ndim` of a scalar accepts -1 and 0 as PyTorch does. */
export function normDim(dim: number, ndim: number, op: string): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new RangeError(`${op}: dim ${dim} is out of range for a tensor of ${ndim} dimension${ndim === 1 ? "" : "s"} (expected a dim in [${-n}, ${n - 1}])`);
  }
  return dim < 0 ? dim + n : dim;
}

/** NumPy broadcasting of two shapes, with an error naming the op and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new RangeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (dim ${i - n} has sizes ${da} and ${db})`);
    }
  }
  return out;
}

/** Strides that read a tensor of (shape, strides) as if it had the broadcast shape `to`. */
export function broadcastStrides(shape: Shape, strides: Strides, to: Shape): number[] {
  const off = to.length - shape.length;
  const out = new Array<number>(to.length);
  for (let i = 0; i < to.length; i++) {
    if (i < off) out[i] = 0;
    else out[i] = shape[i - off] === 1 && to[i] !== 1 ? 0 : strides[i - off];
  }
  return out;
}

export function checkShape(shape: readonly unknown[], op: string): number[] {
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: invalid shape [${shape.join(",")}]: every size must be a non-negative integer`);
    }
  }
  return shape as number[];
}
