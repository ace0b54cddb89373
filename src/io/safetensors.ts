import type { DType, TypedArray } from "../tensor/dtype.js";
import { fmtShape, numel } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
// ({ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {string: string} }),
// then the raw little-endian tensor bytes, offsets relative to the end of the header.

/** A name -> tensor map, as `stateDict()` returns it. */
export type StateDict = Record<string, Tensor>;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const WRITE_CODE: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };
const ITEM_SIZE: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};
const MAX_HEADER = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesOf(t: Tensor): Uint8Array {
  const data = t.dataSync();
  if (!LITTLE_ENDIAN) throw new Error("safetensors: big-endian platforms are not supported");
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Encodes tensors in the safetensors format (readable by the `safetensors` library that
 * PyTorch users use). Tensors are laid out by item size, then name, so each is aligned.
 * @example const bytes = io.serialize({ weight: gl.ones([2, 2]) });
 */
export function serialize(tensors: StateDict, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors);
  for (const name of names) {
    if (!(tensors[name] instanceof Tensor)) throw new TypeError(`safetensors.serialize: value for "${name}" is not a Tensor`);
    if (name === "__metadata__") throw new TypeError(`safetensors.serialize: "__metadata__" is reserved and cannot name a tensor`);
  }
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new TypeError(`safetensors.serialize: metadata value for "${k}" must be a string, got ${typeof v}`);
    }
  }
  const order = names.slice().sort((a, b) => {
    const d = ITEM_SIZE[WRITE_CODE[tensors[b].dtype]] - ITEM_SIZE[WRITE_CODE[tensors[a].dtype]];
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const name of order) {
    const t = tensors[name];
    const b = bytesOf(t);
    header[name] = { dtype: WRITE_CODE[t.dtype], shape: t.shape.slice(), data_offsets: [offset, offset + b.byteLength] };
    blobs.push(b);
    offset += b.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const pad = (8 - ((8 + headerBytes.byteLength) % 8)) % 8;
  if (pad) { json += " ".repeat(pad); headerBytes = enc.encode(json); }
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const b of blobs) { out.set(b, pos); pos += b.byteLength; }
  return out;
}

function decodeTensor(name: string, e: HeaderEntry, data: Uint8Array): Tensor {
  const [begin, end] = e.data_offsets;
  const n = numel(e.shape);
  const size = ITEM_SIZE[e.dtype];
  if (size === undefined) throw new TypeError(`safetensors.deserialize: tensor "${name}" has unsupported dtype ${e.dtype}`);
  if (end - begin !== n * size) {
    throw new RangeError(`safetensors.deserialize: tensor "${name}" of shape ${fmtShape(e.shape)} and dtype ${e.dtype} needs ${n * size} bytes but its offsets [${begin}, ${end}] span ${end - begin}`);
  }
  const bytes = data.slice(begin, end); // a fresh, aligned copy
  const dv = new DataView(bytes.buffer);
  let arr: TypedArray;
  let dtype: DType;
  switch (e.dtype) {
    case "F32": arr = new Float32Array(bytes.buffer); dtype = "float32"; break;
    case "F64": arr = new Float64Array(bytes.buffer); dtype = "float64"; break;
    case "I32": arr = new Int32Array(bytes.buffer); dtype = "int32"; break;
    case "BOOL": arr = new Uint8Array(bytes.buffer); dtype = "bool"; break;
    case "U8": case "I8": case "I16": {
      arr = new Int32Array(n); dtype = "int32";
      for (let i = 0; i < n; i++) arr[i] = e.dtype === "U8" ? dv.getUint8(i) : e.dtype === "I8" ? dv.getInt8(i) : dv.getInt16(2 * i, true);
      break;
    }
    case "I64": {
      // gradlab's integers are int32: PyTorch's int64 buffers (e.g. num_batches_tracked) convert if they fit.
      arr = new Int32Array(n); dtype = "int32";
      for (let i = 0; i < n; i++) {
        const v = dv.getBigInt64(8 * i, true);
        if (v > 2147483647n || v < -2147483648n) throw new RangeError(`safetensors.deserialize: tensor "${name}" (I64) holds ${v}, which does not fit in int32`);
        arr[i] = Number(v);
      }
      break;
    }
    case "F16": case "BF16": {
      arr = new Float32Array(n); dtype = "float32";
      for (let i = 0; i < n; i++) arr[i] = e.dtype === "F16" ? halfToFloat(dv.getUint16(2 * i, true)) : bf16ToFloat(dv.getUint16(2 * i, true));
      break;
    }
    default: throw new TypeError(`safetensors.deserialize: tensor "${name}" has unsupported dtype ${e.dtype}`);
  }
  return Tensor.fromArray(arr, e.shape, dtype);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function bf16ToFloat(h: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setUint32(0, h << 16);
  return buf.getFloat32(0);
}

/**
 * Decodes safetensors bytes. int64/int16/int8/uint8 tensors become int32, float16 and
 * bfloat16 become float32 (gradlab's dtypes); anything else is an error.
 */
export function deserialize(bytes: Uint8Array): { tensors: StateDict; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new RangeError(`safetensors.deserialize: ${bytes.byteLength} bytes is too short for a safetensors file (needs at least 8)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > MAX_HEADER || 8 + n > bytes.byteLength) {
    throw new RangeError(`safetensors.deserialize: header length ${n} is invalid for a file of ${bytes.byteLength} bytes`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    throw new SyntaxError(`safetensors.deserialize: the header is not valid JSON (${(err as Error).message})`);
  }
  const data = bytes.subarray(8 + n);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: StateDict = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const e = raw as HeaderEntry;
    if (!e || typeof e.dtype !== "string" || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets)) {
      throw new TypeError(`safetensors.deserialize: malformed header entry for "${name}"`);
    }
    if (e.data_offsets[1] > data.byteLength || e.data_offsets[0] > e.data_offsets[1]) {
      throw new RangeError(`safetensors.deserialize: tensor "${name}" has offsets [${e.data_offsets.join(", ")}] outside the ${data.byteLength}-byte data section (truncated file?)`);
    }
    tensors[name] = decodeTensor(name, e, data);
  }
  return { tensors, metadata };
}

/**
 * Saves a state dict to a .safetensors file (Node).
 * @example await io.save(model.stateDict(), "model.safetensors");
 */
export async function save(stateDict: StateDict, path: string, opts: { metadata?: Record<string, string> } = {}): Promise<void> {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(path, serialize(stateDict, opts.metadata));
}

/**
 * Loads a .safetensors file (Node) into a state dict.
 * @example model.loadStateDict(await io.load("model.safetensors"));
 */
export async function load(path: string): Promise<StateDict> {
  const { readFile } = await import("node:fs/promises");
  const buf = await readFile(path);
  return deserialize(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)).tensors;
}

/** Loads a .safetensors file with its metadata. */
export async function loadWithMetadata(path: string): Promise<{ tensors: StateDict; metadata: Record<string, string> }> {
  const { readFile } = await import("node:fs/promises");
  const buf = await readFile(path);
  return deserialize(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
}
