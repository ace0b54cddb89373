/** The element types a tensor can hold. float32 is the default, as in PyTorch. */
export type DType = "float32" | "float64" | "int32" | "bool";

/** The typed array behind each dtype: storage is always a GC-owned typed array. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

export function isDType(x: unknown): x is DType {
  return x === "float32" || x === "float64" || x === "int32" || x === "bool";
}

export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float32": return new Float32Array(n);
    case "float64": return new Float64Array(n);
    case "int32": return new Int32Array(n);
    case "bool": return new Uint8Array(n);
  }
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return "bool";
}

export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

// bool < int32 < float32 < float64: the category ladder PyTorch promotes along.
const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch's promote_types for two tensor dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The kind of a JS scalar as PyTorch sees a Python scalar (a "weak" type). */
export type ScalarKind = "bool" | "int" | "float";

export function scalarKind(v: number | boolean): ScalarKind {
  if (typeof v === "boolean") return "bool";
  return Number.isInteger(v) ? "int" : "float";
}

/**
 * Result dtype of `tensor op scalar`: a scalar only raises the category
 * (bool -> int -> float), never the width, exactly like a Python scalar in PyTorch.
 */
export function promoteWithScalar(t: DType, kind: ScalarKind): DType {
  if (kind === "float") return isFloating(t) ? t : "float32";
  if (kind === "int") return t === "bool" ? "int32" : t;
  return t;
}

/** The dtype that true division, mean, exp... produce: integers become float32. */
export function toFloating(dtype: DType): DType {
  return isFloating(dtype) ? dtype : "float32";
}
