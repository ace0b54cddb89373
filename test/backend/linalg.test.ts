// Conformance checks for the LinalgKernels of every backend (js, and native when built):
// factorisations are not unique element by element, so each check tests what defines
// them (reconstruction, orthonormality, triangularity, ordering, the sign conventions)
// on strided, offset, transposed and broadcast views; then native against js, and native
// with 1 and 2 threads.

import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/backend/js/index.js";
import type { LinalgKernels, View } from "../../src/backend/kernels.js";
import { nativeKernelsOnly } from "../../src/backend/native/index.js";
import type { DType } from "../../src/tensor/dtype.js";
import { Generator } from "../../src/tensor/random.js";
import type { Layout, LayoutSpec } from "./views.js";
import { makeView } from "./views.js";

const normal = (g: Generator) => g.normal();

/** A batch of matrices as plain float64 row-major arrays (what the kernels should have read). */
function matrices(v: View): { batch: number; rows: number; cols: number; mats: Float64Array[] } {
  const all = jsBackend.copy(v, "float64") as Float64Array;
  const rows = v.shape[v.shape.length - 2], cols = v.shape[v.shape.length - 1];
  const batch = rows * cols === 0 ? 0 : all.length / (rows * cols);
  const mats = Array.from({ length: batch }, (_, b) => all.slice(b * rows * cols, (b + 1) * rows * cols));
  return { batch, rows, cols, mats };
}

/** Row-major (m x k) times (k x n). */
function mm(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) { const v = a[i * k + p]; for (let j = 0; j < n; j++) c[i * n + j] += v * b[p * n + j]; }
  return c;
}

const tr = (a: ArrayLike<number>, m: number, n: number): Float64Array => {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
};

const maxAbs = (a: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i])); return s; };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i] - b[i])); return s; };
const eye = (n: number): Float64Array => { const e = new Float64Array(n * n); for (let i = 0; i < n; i++) e[i * n + i] = 1; return e; };

/** Largest deviation of the columns of q (m x c) from an orthonormal set. */
function orthoError(q: ArrayLike<number>, m: number, c: number): number {
  return maxDiff(mm(tr(q, m, c), q, c, m, c), eye(c));
}

/** Whether x's largest-magnitude entry (first on ties) along a strided line is positive or zero. */
function leadNonNegative(x: ArrayLike<number>, o: number, len: number, st: number): boolean {
  let best = -1, v = 0;
  for (let i = 0; i < len; i++) { const a = Math.abs(x[o + i * st]); if (a > best) { best = a; v = x[o + i * st]; } }
  return v >= 0;
}

interface Case { name: string; v: View }

/** Matrices of `shape` under several layouts (the batch dims broadcast in one of them). */
function cases(g: Generator, shape: number[], dtypes: DType[] = ["float64", "float32"], sample = normal): Case[] {
  const out: Case[] = [];
  const nd = shape.length;
  const layouts: (Layout | LayoutSpec)[] = ["contiguous", "offset", "transposed", "stepped"];
  if (nd > 2) layouts.push({ zero: shape.map((_, d) => d === 0), offset: 2 });
  for (const dtype of dtypes) {
    for (const layout of layouts) out.push({ name: `${dtype} [${shape}] ${typeof layout === "string" ? layout : "broadcast batch"}`, v: makeView(g, dtype, shape, layout, sample) });
  }
  return out;
}

function checkBackend(name: string, K: LinalgKernels): void {
  describe(`linalg kernels: ${name}`, () => {
    it("lu: P A = L U with |L| <= 1, pivots in range, info 0; a singular matrix reports its zero pivot", () => {
      const g = new Generator(1);
      const bad: string[] = [];
      for (const shape of [[5, 5], [3, 4, 4], [2, 3, 1, 1], [40, 40]]) {
        for (const c of cases(g, shape)) {
          const { batch, cols: n, mats } = matrices(c.v);
          const f = K.lu(c.v);
          if (f.batch !== batch || f.n !== n) { bad.push(`${c.name}: batch/n`); continue; }
          for (let b = 0; b < batch; b++) {
            const a = mats[b].slice();
            const L = eye(n), U = new Float64Array(n * n);
            for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { const v = f.lu[b * n * n + i * n + j]; if (j < i) L[i * n + j] = v; else U[i * n + j] = v; }
            for (let j = 0; j < n; j++) {
              const p = f.pivots[b * n + j];
              if (p < j || p >= n) bad.push(`${c.name}: pivot ${p} at ${j}`);
              for (let col = 0; col < n; col++) { const t = a[j * n + col]; a[j * n + col] = a[p * n + col]; a[p * n + col] = t; }
            }
            const tol = 1e-12 * n * Math.max(1, maxAbs(a)) * (c.v.data instanceof Float32Array ? 1 : 1);
            if (maxDiff(mm(L, U, n, n, n), a) > tol) bad.push(`${c.name}: P A != L U (batch ${b})`);
            if (maxAbs(L) > 1 + 1e-15) bad.push(`${c.name}: |L| > 1`);
            if (f.info[b] !== 0) bad.push(`${c.name}: info ${f.info[b]}`);
          }
        }
      }
      const sing: View = { data: Float64Array.from([1, 2, 3, 2, 4, 6, 1, 1, 1]), shape: [3, 3], strides: [3, 1], offset: 0 };
      // Column 1 still has a nonzero candidate (row 2); column 2 has none left.
      expect(K.lu(sing).info[0]).toBe(3);
      expect(bad).toEqual([]);
    });

    it("luSolve and det: A X = B for the factors' batch; det matches the product of U's diagonal and known values", () => {
      const g = new Generator(2);
      const bad: string[] = [];
      for (const [shape, k] of [[[4, 4], 3], [[2, 6, 6], 1], [[3, 2, 2], 5]] as const) {
        for (const c of cases(g, [...shape])) {
          const { batch, cols: n, mats } = matrices(c.v);
          const bv = makeView(g, "float64", [...shape.slice(0, -1), k], "transposed", normal);
          const bm = matrices(bv).mats;
          const x = K.luSolve(K.lu(c.v), bv);
          for (let b = 0; b < batch; b++) {
            const r = mm(mats[b], x.subarray(b * n * k, (b + 1) * n * k), n, n, k);
            if (maxDiff(r, bm[b]) > 1e-9 * Math.max(1, maxAbs(x))) bad.push(`${c.name}: A X != B (batch ${b})`);
          }
          const d = K.det(c.v);
          const f = K.lu(c.v);
          for (let b = 0; b < batch; b++) {
            let want = 1;
            for (let j = 0; j < n; j++) { want *= f.lu[b * n * n + j * n + j]; if (f.pivots[b * n + j] !== j) want = -want; }
            if (Math.abs(d[b] - want) > 1e-12 * Math.abs(want)) bad.push(`${c.name}: det ${d[b]} != ${want}`);
          }
        }
      }
      const m3: View = { data: Float64Array.from([0, 2, 0, 3, 0, 0, 0, 0, 4]), shape: [3, 3], strides: [3, 1], offset: 0 };
      expect(K.det(m3)[0]).toBeCloseTo(-24, 12);
      expect(K.det({ ...m3, data: new Float64Array(9) })[0]).toBe(0);
      expect(bad).toEqual([]);
    });

    it("triangularSolve: reads only the named triangle, honours unitriangular, solves T X = B", () => {
      const g = new Generator(3);
      const bad: string[] = [];
      for (const shape of [[5, 5], [2, 4, 4]]) {
        // Well-conditioned triangles: a dominant diagonal; the ignored triangle holds large junk.
        const sample = (gen: Generator) => gen.normal();
        for (const c of cases(g, shape, ["float64"], sample)) {
          const { batch, cols: n, mats } = matrices(c.v);
          const bv = makeView(g, "float64", [...shape.slice(0, -1), 3], "offset", normal);
          const bm = matrices(bv).mats;
          for (const upper of [true, false]) {
            for (const unit of [false, true]) {
              // Scale the diagonal up through a fresh view so the solve is well conditioned.
              const data = Float64Array.from(jsBackend.copy(c.v, "float64"));
              for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) data[b * n * n + i * n + i] += 4 * Math.sign(data[b * n * n + i * n + i] || 1);
              const tv: View = { data, shape: c.v.shape, strides: [...c.v.shape.slice(0, -2).map(() => n * n), n, 1], offset: 0 };
              const x = K.triangularSolve(tv, bv, upper, unit);
              for (let b = 0; b < batch; b++) {
                const t = new Float64Array(n * n);
                for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
                  if (i === j) t[i * n + j] = unit ? 1 : data[b * n * n + i * n + j];
                  else if (upper ? j > i : j < i) t[i * n + j] = data[b * n * n + i * n + j];
                }
                if (maxDiff(mm(t, x.subarray(b * n * 3, (b + 1) * n * 3), n, n, 3), bm[b]) > 1e-10 * Math.max(1, maxAbs(x))) bad.push(`${c.name} upper=${upper} unit=${unit}: T X != B`);
              }
              void mats;
            }
          }
        }
      }
      expect(bad).toEqual([]);
    });

    it("qr: Q orthonormal, R upper triangular, Q R = A in every mode, LAPACK's sign on R's first pivot", () => {
      const g = new Generator(4);
      const bad: string[] = [];
      for (const shape of [[7, 3], [3, 7], [5, 5], [2, 6, 4], [300, 8]]) {
        for (const c of cases(g, shape)) {
          const { batch, rows: m, cols: n, mats } = matrices(c.v);
          const k = Math.min(m, n);
          for (const mode of ["reduced", "complete", "r"] as const) {
            if (mode === "complete" && m > 50) continue; // a 300 x 300 Q: slow to check, nothing new
            const { q, r } = K.qr(c.v, mode);
            const qc = mode === "complete" ? m : k, rr = mode === "complete" ? m : k;
            if (r.length !== batch * rr * n || q.length !== (mode === "r" ? 0 : batch * m * qc)) { bad.push(`${c.name} ${mode}: sizes`); continue; }
            for (let b = 0; b < batch; b++) {
              const rb = r.subarray(b * rr * n, (b + 1) * rr * n);
              for (let i = 0; i < rr; i++) for (let j = 0; j < Math.min(i, n); j++) if (rb[i * n + j] !== 0) bad.push(`${c.name} ${mode}: R not upper triangular`);
              const a = mats[b];
              let col0 = 0;
              for (let i = 0; i < m; i++) col0 += a[i * n] * a[i * n];
              const want0 = (a[0] >= 0 ? -1 : 1) * Math.sqrt(col0);
              if (Math.abs(rb[0] - want0) > 1e-12 * Math.sqrt(col0)) bad.push(`${c.name} ${mode}: R[0,0] ${rb[0]} != ${want0}`);
              if (mode === "r") continue;
              const qb = q.subarray(b * m * qc, (b + 1) * m * qc);
              if (orthoError(qb, m, qc) > 1e-13 * Math.max(m, 10)) bad.push(`${c.name} ${mode}: Q not orthonormal`);
              if (maxDiff(mm(qb, rb, m, qc, n), a) > 1e-13 * Math.max(m, 10) * maxAbs(a)) bad.push(`${c.name} ${mode}: Q R != A`);
            }
          }
        }
      }
      expect(bad).toEqual([]);
    });

    it("svd: U, Vh orthonormal, U diag(S) Vh = A, S descending, each U column's largest entry positive", () => {
      const g = new Generator(5);
      const bad: string[] = [];
      const shapes = [[6, 4], [4, 6], [5, 5], [3, 9, 2], [2, 2, 7], [40, 3], [3, 45], [1000, 8], [8, 300], [1, 5], [5, 1]];
      for (const shape of shapes) {
        for (const c of cases(g, shape)) {
          const { batch, rows: m, cols: n, mats } = matrices(c.v);
          const k = Math.min(m, n);
          const sOnly = K.svd(c.v, false, false);
          if (sOnly.u.length !== 0 || sOnly.vh.length !== 0) bad.push(`${c.name}: vectors without computeUV`);
          for (const full of [false, true]) {
            if (full && Math.max(m, n) > 50) continue; // a 1000 x 1000 U: slow to check, nothing new
            const { u, s, vh } = K.svd(c.v, full, true);
            const uc = full ? m : k, vr = full ? n : k;
            if (u.length !== batch * m * uc || s.length !== batch * k || vh.length !== batch * vr * n) { bad.push(`${c.name} full=${full}: sizes`); continue; }
            for (let b = 0; b < batch; b++) {
              const a = mats[b], scale = Math.max(1e-300, maxAbs(a)), tol = 1e-13 * Math.max(m, n, 10);
              const ub = u.subarray(b * m * uc, (b + 1) * m * uc), sb = s.subarray(b * k, (b + 1) * k), vb = vh.subarray(b * vr * n, (b + 1) * vr * n);
              for (let i = 0; i + 1 < k; i++) if (!(sb[i] >= sb[i + 1] && sb[i + 1] >= 0)) bad.push(`${c.name} full=${full}: S not descending`);
              if (maxDiff(sb, sOnly.s.subarray(b * k, (b + 1) * k)) > tol * scale) bad.push(`${c.name} full=${full}: S differs without computeUV`);
              // A backend may round U to float32 for a float32 input: U's checks then allow float32 rounding.
              const uTol = u instanceof Float32Array ? 1e-6 : tol;
              if (orthoError(ub, m, uc) > uTol) bad.push(`${c.name} full=${full}: U not orthonormal`);
              if (orthoError(tr(vb, vr, n), n, vr) > tol) bad.push(`${c.name} full=${full}: Vh not orthonormal`);
              const us = new Float64Array(m * k);
              for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = ub[i * uc + j] * sb[j];
              if (maxDiff(mm(us, vb.subarray(0, k * n), m, k, n), a) > uTol * scale) bad.push(`${c.name} full=${full}: U S Vh != A`);
              for (let j = 0; j < uc; j++) if (!leadNonNegative(ub, j, m, uc)) bad.push(`${c.name} full=${full}: U column ${j} sign`);
            }
          }
        }
      }
      expect(bad).toEqual([]);
    });

    it("svd of long, narrow matrices across condition numbers: S to rounding of the largest, orthonormal factors, A = U S Vh", () => {
      // Known spectra from 1 down to 1/cond, for widths 1-9 and condition numbers on both sides
      // of the thresholds where the native kernel changes method (Cholesky QR in one pass, in
      // two, and Householder); tall and wide, float64 and float32.
      const g = new Generator(12);
      const bad: string[] = [];
      const orthonormal = (rows: number, cols: number): Float64Array => {
        const a = new Float64Array(rows * cols);
        for (let i = 0; i < a.length; i++) a[i] = g.normal();
        const q = jsBackend.linalg.qr({ data: a, shape: [rows, cols], strides: [cols, 1], offset: 0 }, "reduced").q;
        return Float64Array.from(q);
      };
      for (const k of [1, 2, 3, 5, 8, 9]) {
        for (const cond of [1, 30, 900, 3e4, 1e9]) {
          for (const [dtype, tall] of [["float64", true], ["float64", false], ["float32", true], ["float32", false]] as const) {
            const len = 40 * k + 7;
            const sv = Array.from({ length: k }, (_, i) => (k === 1 ? 1 : cond ** (-i / (k - 1))));
            const U = orthonormal(len, k), V = orthonormal(k, k);
            // X = U diag(sv) V^T (len x k); A = X, or X^T when wide.
            const x = new Float64Array(len * k);
            for (let r = 0; r < len; r++) for (let c = 0; c < k; c++) { let t = 0; for (let i = 0; i < k; i++) t += U[r * k + i] * sv[i] * V[c * k + i]; x[r * k + c] = t; }
            const m = tall ? len : k, n = tall ? k : len;
            const a64 = tall ? x : tr(x, len, k);
            const data = dtype === "float32" ? Float32Array.from(a64) : a64;
            const a = Float64Array.from(data);
            const v: View = { data, shape: [m, n], strides: [n, 1], offset: 0 };
            const name = `${dtype} ${tall ? "tall" : "wide"} k=${k} cond=${cond}`;
            const { u, s, vh } = K.svd(v, false, true);
            const sOnly = K.svd(v, false, false).s;
            // float32 data is the rounded matrix: its spectrum is the known one to float32 rounding.
            const sTol = dtype === "float32" ? 1e-6 : 1e-13 * len;
            for (let i = 0; i < k; i++) {
              if (Math.abs(s[i] - sv[i]) > sTol) bad.push(`${name}: S[${i}] ${s[i]} != ${sv[i]}`);
              if (Math.abs(sOnly[i] - s[i]) > 1e-13 * len) bad.push(`${name}: S[${i}] differs without computeUV`);
            }
            // A float32 input's factors are float32 tensors: they need float32's accuracy only.
            const uTol = dtype === "float32" ? 1e-6 : 1e-13 * len;
            if (orthoError(u, m, k) > uTol) bad.push(`${name}: U not orthonormal (${orthoError(u, m, k)})`);
            if (orthoError(tr(vh, k, n), n, k) > uTol) bad.push(`${name}: Vh not orthonormal (${orthoError(tr(vh, k, n), n, k)})`);
            const us = new Float64Array(m * k);
            for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = u[i * k + j] * s[j];
            if (maxDiff(mm(us, vh, m, k, n), a) > uTol) bad.push(`${name}: U S Vh != A (${maxDiff(mm(us, vh, m, k, n), a)})`);
            for (let j = 0; j < k; j++) if (!leadNonNegative(u, j, m, k)) bad.push(`${name}: U column ${j} sign`);
          }
        }
      }
      expect(bad).toEqual([]);
    });

    it("svd: rank-deficient and zero matrices still give orthonormal factors; non-finite input gives NaN", () => {
      const bad: string[] = [];
      // Rank 1 (tall and wide), all zero, and a zero column.
      const mk = (rows: number, cols: number, f: (i: number, j: number) => number): View => {
        const data = new Float64Array(rows * cols);
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f(i, j);
        return { data, shape: [rows, cols], strides: [cols, 1], offset: 0 };
      };
      for (const [label, v] of [["rank1 tall", mk(20, 4, (i, j) => (i + 1) * (j - 1.5))], ["rank1 wide", mk(3, 11, (i, j) => (i - 1) * (j + 2))],
        ["zero", mk(6, 3, () => 0)], ["zero column", mk(9, 3, (i, j) => (j === 1 ? 0 : Math.sin(i + 3 * j)))]] as const) {
        const m = v.shape[0], n = v.shape[1], k = Math.min(m, n);
        for (const full of [false, true]) {
          const { u, s, vh } = K.svd(v, full, true);
          const uc = full ? m : k, vr = full ? n : k;
          if (orthoError(u, m, uc) > 1e-12) bad.push(`${label} full=${full}: U not orthonormal`);
          if (orthoError(tr(vh, vr, n), n, vr) > 1e-12) bad.push(`${label} full=${full}: Vh not orthonormal`);
          const us = new Float64Array(m * k);
          for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = u[i * uc + j] * s[j];
          if (maxDiff(mm(us, vh.subarray(0, k * n), m, k, n), v.data) > 1e-12 * Math.max(1, maxAbs(v.data))) bad.push(`${label} full=${full}: U S Vh != A`);
        }
      }
      const nan = mk(5, 2, (i) => (i === 3 ? Infinity : 1));
      const r = K.svd(nan, false, true);
      expect(Array.from(r.s).every(Number.isNaN)).toBe(true);
      expect(bad).toEqual([]);
    });

    it("eigh: reads only the named triangle; V diag(w) V^T = A, V orthonormal, w ascending, each vector's largest entry positive", () => {
      const g = new Generator(6);
      const bad: string[] = [];
      for (const shape of [[4, 4], [3, 5, 5], [1, 1], [30, 30]]) {
        for (const c of cases(g, shape)) {
          const { batch, cols: n, mats } = matrices(c.v);
          for (const upper of [true, false]) {
            const noVec = K.eigh(c.v, upper, false);
            const { values, vectors } = K.eigh(c.v, upper, true);
            for (let b = 0; b < batch; b++) {
              const a = mats[b].slice();
              // The symmetric matrix the kernel should have read.
              for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (upper ? j < i : j > i) a[i * n + j] = a[j * n + i];
              const w = values.subarray(b * n, (b + 1) * n), v = vectors.subarray(b * n * n, (b + 1) * n * n);
              const tol = 1e-12 * Math.max(n, 10) * Math.max(1, maxAbs(a));
              for (let i = 0; i + 1 < n; i++) if (!(w[i] <= w[i + 1])) bad.push(`${c.name} upper=${upper}: not ascending`);
              if (maxDiff(w, noVec.values.subarray(b * n, (b + 1) * n)) > tol) bad.push(`${c.name} upper=${upper}: values differ without vectors`);
              if (orthoError(v, n, n) > 1e-12 * Math.max(n, 10)) bad.push(`${c.name} upper=${upper}: V not orthonormal`);
              const vw = new Float64Array(n * n);
              for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vw[i * n + j] = v[i * n + j] * w[j];
              if (maxDiff(mm(vw, tr(v, n, n), n, n, n), a) > tol) bad.push(`${c.name} upper=${upper}: V w V^T != A`);
              for (let j = 0; j < n; j++) if (!leadNonNegative(v, j, n, n)) bad.push(`${c.name} upper=${upper}: vector ${j} sign`);
            }
          }
        }
      }
      expect(bad).toEqual([]);
    });
  });
}

checkBackend("js", jsBackend.linalg);
const native = nativeKernelsOnly();
if (native) {
  checkBackend("native", native.linalg);

  describe("linalg kernels: native against js, and with 1 and 2 threads", () => {
    // Well-separated spectra, so every factor is unique up to the shared sign conventions.
    const g = new Generator(9);
    const inputs = (): { name: string; v: View }[] => [
      { name: "tall 2000x8", v: makeView(g, "float32", [2000, 8], "contiguous", normal) },
      { name: "wide 6x500 transposed", v: makeView(g, "float64", [6, 500], "transposed", normal) },
      { name: "batch 40 of 12x12", v: makeView(g, "float64", [40, 12, 12], "offset", normal) },
      { name: "batch 8 of 60x5 stepped", v: makeView(g, "float32", [8, 60, 5], "stepped", normal) },
    ];
    const run = (K: LinalgKernels, v: View): (Float64Array | Float32Array)[] => {
      const n = v.shape[v.shape.length - 1], m = v.shape[v.shape.length - 2];
      const out: (Float64Array | Float32Array)[] = [];
      const svdT = K.svd(v, false, true), svdF = K.svd(v, true, true);
      out.push(svdT.u, svdT.s, svdT.vh, svdF.u, svdF.s, svdF.vh);
      const qr = K.qr(v, "reduced");
      out.push(qr.q, qr.r);
      if (m === n) {
        out.push(K.lu(v).lu, K.det(v), K.eigh(v, false, true).values, K.eigh(v, false, true).vectors, K.triangularSolve(v, v, true, false));
      }
      return out;
    };

    it("agrees with the js kernels to rounding", () => {
      const bad: string[] = [];
      for (const { name, v } of inputs()) {
        const a = run(native.linalg, v), b = run(jsBackend.linalg, v);
        a.forEach((x, i) => {
          // U may come back already rounded to float32 (for a float32 input): then half an ulp more.
          const tol = (x instanceof Float32Array ? 1.2e-7 : 1e-9) * Math.max(1, maxAbs(b[i]));
          if (x.length !== b[i].length || maxDiff(x, b[i]) > tol) bad.push(`${name}: output ${i} differs by ${maxDiff(x, b[i])}`);
        });
      }
      expect(bad).toEqual([]);
    });

    it("gives bit-identical results with 1 and 2 threads", () => {
      const before = native.getNumThreads();
      const vs = inputs();
      try {
        native.setNumThreads(1);
        const one = vs.map(({ v }) => run(native.linalg, v));
        native.setNumThreads(2);
        const two = vs.map(({ v }) => run(native.linalg, v));
        const differ = vs.filter((_, i) => !one[i].every((x, j) => x.every((e, q) => Object.is(e, two[i][j][q])))).map((c) => c.name);
        expect(differ).toEqual([]);
      } finally {
        native.setNumThreads(before);
      }
    });

    it("rejects a view that reaches outside its storage", () => {
      const v: View = { data: new Float64Array(10), shape: [4, 4], strides: [4, 1], offset: 0 };
      expect(() => native.linalg.svd(v, false, true)).toThrow(/outside its storage/);
    });
  });
}
