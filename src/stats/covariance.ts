// Covariance and Pearson correlation (numpy.cov / numpy.corrcoef): of two vectors, or the
// matrix over a data matrix's columns (observations in rows, as in pandas and scikit-learn).
import type { ArrayInput, NanPolicy } from "./input.js";
import { accurateSum, checkNanPolicy, listPositions, toNumeric } from "./input.js";

/** Options of cov and corr. */
export interface CovOptions {
  /** Divisor n - ddof; 1 (the default, as numpy.cov). Has no effect on corr. */
  ddof?: number;
  /**
   * false (default): each column of a matrix is a variable, each row an observation;
   * true: each row is a variable (numpy's default layout).
   */
  rowvar?: boolean;
  /** NaN handling; "raise" by default, "omit" drops every observation with a NaN. */
  nanPolicy?: NanPolicy;
}

/** Observations as variables-by-observations lanes, after the NaN policy. */
function variables(x: ArrayInput, y: ArrayInput | undefined, opts: CovOptions, op: string): { vars: Float64Array[]; nan: boolean; single: boolean } {
  const policy = checkNanPolicy(opts.nanPolicy, op);
  const a = toNumeric(x, op, "x");
  let vars: Float64Array[];
  let single = false;
  const split = (arr: { data: Float64Array; shape: number[] }, what: string): Float64Array[] => {
    if (arr.shape.length === 1) return [arr.data];
    if (arr.shape.length !== 2) throw new RangeError(`${op}: ${what} must be a vector or a matrix, got shape [${arr.shape.join(", ")}]`);
    const [r, c] = arr.shape;
    if (opts.rowvar) return Array.from({ length: r }, (_, i) => arr.data.slice(i * c, (i + 1) * c));
    return Array.from({ length: c }, (_, j) => { const v = new Float64Array(r); for (let i = 0; i < r; i++) v[i] = arr.data[i * c + j]; return v; });
  };
  vars = split(a, "x");
  if (y !== undefined) {
    const b = toNumeric(y, op, "y");
    const more = split(b, "y");
    if (more[0].length !== vars[0].length) throw new RangeError(`${op}: x and y need the same number of observations, got ${vars[0].length} and ${more[0].length}`);
    single = a.shape.length === 1 && b.shape.length === 1;
    vars = vars.concat(more);
  } else single = a.shape.length === 1;
  const n = vars[0].length;
  const bad: number[] = [];
  for (let i = 0; i < n; i++) if (vars.some((v) => Number.isNaN(v[i]))) bad.push(i);
  if (bad.length > 0) {
    if (policy === "raise") throw new RangeError(`${op}: observation${bad.length > 1 ? "s" : ""} ${listPositions(bad)} hold NaN (missing) values; pass nanPolicy: "omit" to drop them, or "propagate" to get NaN`);
    if (policy === "propagate") return { vars, nan: true, single };
    const keep = new Set(bad);
    vars = vars.map((v) => v.filter((_, i) => !keep.has(i)));
  }
  return { vars, nan: false, single };
}

function covMatrix(vars: Float64Array[], ddof: number, op: string): number[][] {
  const n = vars[0].length;
  if (n - ddof <= 0) throw new RangeError(`${op}: needs more than ddof = ${ddof} observations, got ${n}`);
  const centered = vars.map((v) => { const m = accurateSum(v) / n; return v.map((x) => x - m); });
  const k = vars.length;
  const out = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      const a = centered[i], b = centered[j];
      for (let t = 0; t < n; t++) s += a[t] * b[t];
      out[i][j] = out[j][i] = s / (n - ddof);
    }
  }
  return out;
}

/**
 * Sample covariance (numpy.cov, ddof 1): of two vectors a number; of a matrix (or several
 * vectors) the covariance matrix of its columns, observations in rows (pass rowvar: true
 * for numpy's variables-in-rows layout). A single vector gives its variance.
 * @example stats.cov([1, 2, 3, 4], [2, 4, 5, 9]) // 3.6666666666666665
 * @example stats.cov([[1, 2], [2, 4], [3, 5]]) // [[1, 1.5], [1.5, 2.33333333333333...]]
 */
export function cov(x: ArrayInput, y: ArrayInput, opts?: CovOptions): number | number[][];
export function cov(x: ArrayInput, opts?: CovOptions): number | number[][];
export function cov(x: ArrayInput, b?: ArrayInput | CovOptions, c?: CovOptions): number | number[][] {
  const op = "cov";
  const [y, opts] = splitArgs(b, c);
  const ddof = opts.ddof ?? 1;
  if (!Number.isInteger(ddof) || ddof < 0) throw new RangeError(`${op}: ddof must be a non-negative integer, got ${ddof}`);
  const { vars, nan, single } = variables(x, y, opts, op);
  if (nan) return single ? NaN : vars.map(() => vars.map(() => NaN));
  const C = covMatrix(vars, ddof, op);
  if (single) return y === undefined ? C[0][0] : C[0][1];
  return C;
}

/**
 * Pearson correlation (numpy.corrcoef): of two vectors a number in [-1, 1]; of a matrix
 * the correlation matrix of its columns (rowvar: true for variables in rows). A constant
 * variable has no correlation and is an error.
 * @example stats.corr([1, 2, 3, 4], [2, 4, 5, 9]) // 0.96476382123773...
 */
export function corr(x: ArrayInput, y: ArrayInput, opts?: CovOptions): number | number[][];
export function corr(x: ArrayInput, opts?: CovOptions): number | number[][];
export function corr(x: ArrayInput, b?: ArrayInput | CovOptions, c?: CovOptions): number | number[][] {
  const op = "corr";
  const [y, opts] = splitArgs(b, c);
  const { vars, nan, single } = variables(x, y, opts, op);
  if (nan) return single ? NaN : vars.map(() => vars.map(() => NaN));
  const C = covMatrix(vars, 1, op);
  const sd = C.map((row, i) => Math.sqrt(row[i]));
  sd.forEach((s, i) => {
    if (!(s > 0)) throw new RangeError(`${op}: variable ${i} (${opts.rowvar ? "row" : "column"} ${i} of the data) is constant, so its correlation is undefined`);
  });
  const R = C.map((row, i) => row.map((v, j) => (i === j ? 1 : Math.max(-1, Math.min(1, v / sd[i] / sd[j])))));
  if (single) return y === undefined ? 1 : R[0][1];
  return R;
}

function splitArgs(b: ArrayInput | CovOptions | undefined, c: CovOptions | undefined): [ArrayInput | undefined, CovOptions] {
  if (b === undefined) return [undefined, c ?? {}];
  if (Array.isArray(b) || ArrayBuffer.isView(b) || (typeof b === "object" && b !== null && "dataSync" in b)) return [b as ArrayInput, c ?? {}];
  return [undefined, (b as CovOptions) ?? {}];
}
