import type { TypedArray } from "../../tensor/dtype.js";

// Output memory the native backend hands out again. Tensors are garbage-collected, so a dead
// temporary's ArrayBuffer is normally freed only at the next collection, tens of megabytes
// later, and every kernel writes into memory that is no longer in cache (PyTorch's allocator
// hands back the block freed a moment ago). The autograd engine knows when one of its own
// gradient temporaries can no longer be seen by anyone and gives its memory back here; the
// next output of the same size reuses it while it is still hot.
//
// A recycled buffer is moved out of its old ArrayBuffer (a transfer, no copy), which detaches
// every view of the old one, so a stale view can never read the new owner's data; the engine
// also marks the storage, and Tensor.data throws for it.

/** Buffers smaller than this are cheap to allocate fresh; only larger ones are kept. */
export const POOL_MIN_BYTES = 64 * 1024;
/** At most this many bytes wait in the pool; past it the pool starts over. */
const POOL_MAX_BYTES = 64 * 1024 * 1024;

const free = new Map<number, ArrayBuffer[]>();
let pooledBytes = 0;
let enabled = true;
const stats = { recycled: 0, reused: 0 };

/** An ArrayBuffer of exactly `bytes` from the pool (contents undefined), or null. */
export function takeBuffer(bytes: number): ArrayBuffer | null {
  if (bytes < POOL_MIN_BYTES) return null;
  const list = free.get(bytes);
  const buf = list?.pop();
  if (buf === undefined) return null;
  pooledBytes -= bytes;
  stats.reused++;
  return buf;
}

/**
 * Takes the memory of `data` for later outputs; the caller guarantees that nothing will read
 * or write `data` (or another view of its buffer) again. Returns whether it was kept: only a
 * large array spanning its whole, ordinary ArrayBuffer is.
 */
export function recycle(data: TypedArray): boolean {
  if (!enabled) return false;
  const buf = data.buffer;
  const bytes = data.byteLength;
  if (bytes < POOL_MIN_BYTES || data.byteOffset !== 0 || bytes !== buf.byteLength || !(buf instanceof ArrayBuffer)) return false;
  let moved: ArrayBuffer;
  try {
    moved = structuredClone(buf, { transfer: [buf] });
  } catch {
    return false; // an untransferable buffer (e.g. one of Node's pooled Buffers): left to the GC
  }
  if (pooledBytes + bytes > POOL_MAX_BYTES) {
    free.clear();
    pooledBytes = 0;
  }
  let list = free.get(bytes);
  if (!list) free.set(bytes, (list = []));
  list.push(moved);
  pooledBytes += bytes;
  stats.recycled++;
  return true;
}

/**
 * Turns recycling on or off (on by default) and empties the pool; returns the previous
 * setting. Tests use it to compare results with and without recycling.
 */
export function setRecycling(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  free.clear();
  pooledBytes = 0;
  return before;
}

/** How many buffers were recycled and reused so far (for tests and profiling). */
export function recycleStats(): { recycled: number; reused: number; pooledBytes: number } {
  return { ...stats, pooledBytes };
}

/** An ArrayBuffer of `bytes` whose contents the caller overwrites entirely: from the pool, else new and not zero-filled. */
export function uninitialised(bytes: number): ArrayBuffer {
  return takeBuffer(bytes) ?? (Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer);
}
