/**
 * Checks the js backend's tuned kernels against plain reference loops: matmul against a
 * float64 product on many shapes and layouts (edges of every kernel path, transposed and
 * strided operands, broadcast batches, float64 and int32; each element within
 * 1e-5 * sum_k |a||b|), and the float32 elementwise fast paths and the transposed copy
 * bit for bit.
 *
 * @example
 * npx tsx bench/check-kernels.ts
 */
import * as gl from "../src/index.js";
import { Rng, normalArray } from "./data.js";

const rng = new Rng(7);
let worst = 0;
let cases = 0;

function ref(a: gl.Tensor, b: gl.Tensor): { exact: Float64Array; scale: Float64Array } {
  const [m, k] = a.shape, n = b.shape[1];
  const exact = new Float64Array(m * n), scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, t = 0;
      for (let p = 0; p < k; p++) {
        const x = a.data[a.offset + i * a.strides[0] + p * a.strides[1]] * b.data[b.offset + p * b.strides[0] + j * b.strides[1]];
        s += x;
        t += Math.abs(x);
      }
      exact[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { exact, scale };
}

function check(a: gl.Tensor, b: gl.Tensor, label: string, tol = 1e-5): void {
  const c = a.matmul(b);
  const { exact, scale } = ref(a, b);
  const d = c.dataSync();
  for (let i = 0; i < exact.length; i++) {
    const err = Math.abs(d[i] - exact[i]) / (scale[i] || 1);
    if (!(err <= tol)) throw new Error(`${label}: element ${i} is ${d[i]}, expected ${exact[i]} (relative error ${err})`);
    worst = Math.max(worst, err);
  }
  cases++;
}

const mat = (r: number, c: number, dtype: "float32" | "float64" = "float32"): gl.Tensor =>
  gl.tensor(normalArray(rng, r * c), { dtype }).reshape([r, c]);

const sizes = [1, 2, 3, 4, 5, 7, 8, 13, 30, 47, 64, 65, 100, 257];
for (const m of sizes) for (const n of [1, 3, 4, 9, 31, 64, 130]) for (const k of [1, 2, 8, 30, 255, 256, 257, 600]) {
  if (m * n * k > 3e6) continue;
  check(mat(m, k), mat(k, n), `[${m},${k}]x[${k},${n}]`);
}
// Transposed and sliced (strided) operands, through every path.
for (const [m, n, k] of [[3, 5, 7], [20, 20, 20], [70, 90, 300], [8, 10000, 30], [30, 8, 1000], [600, 520, 40]]) {
  check(mat(k, m).t(), mat(k, n), `A^T [${m},${k}]`);
  check(mat(m, k), mat(n, k).t(), `B^T [${k},${n}]`);
  check(mat(k, m).t(), mat(n, k).t(), `A^T B^T [${m},${k},${n}]`);
  check(mat(m, 2 * k).slice(1, 0, null, 2), mat(k + 3, n).slice(0, 3), `sliced [${m},${k},${n}]`);
}
// Big enough for several KC/MC/NC blocks.
check(mat(300, 700), mat(700, 1100), "blocked [300,700]x[700,1100]");
// float64 keeps float64 accuracy; int32 stays exact.
{
  const a = mat(70, 90, "float64"), b = mat(90, 50, "float64");
  check(a, b, "float64", 1e-14);
  const ai = gl.randint(-50, 50, [37, 300]), bi = gl.randint(-50, 50, [300, 41]);
  const ci = ai.matmul(bi), { exact } = ref(ai, bi);
  if (ci.dtype !== "int32" || ci.data.some((v, i) => v !== exact[i])) throw new Error("int32 matmul is not exact");
  cases++;
}
// Batched with broadcasting.
{
  const a = gl.tensor(normalArray(rng, 3 * 1 * 9 * 20)).reshape([3, 1, 9, 20]);
  const b = gl.tensor(normalArray(rng, 4 * 20 * 11)).reshape([4, 20, 11]);
  const c = a.matmul(b);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
    const ref2 = a.select(0, i).select(0, 0).matmul(b.select(0, j));
    const got = c.select(0, i).select(0, j).dataSync();
    if (ref2.data.some((v, q) => v !== got[q])) throw new Error(`batched [${i},${j}] differs from the 2-D product`);
  }
  cases++;
}
// ---- elementwise fast paths: bit-exact against Math.fround of the double result ----
let ewCases = 0;
function walk(t: gl.Tensor): number[] {
  return (t.ndim === 0 ? [t.item()] : (t.toArray() as unknown[]).flat(Infinity)) as number[];
}
function expectSame(got: gl.Tensor, want: number[], label: string): void {
  const g = walk(got);
  if (g.length !== want.length) throw new Error(`${label}: ${g.length} elements, expected ${want.length}`);
  for (let i = 0; i < g.length; i++) {
    if (!Object.is(g[i], Math.fround(want[i]))) throw new Error(`${label}: element ${i} is ${g[i]}, expected ${Math.fround(want[i])}`);
  }
  ewCases++;
}
const specials = new Float32Array([0, -0, 1, -1, 2.5, NaN, Infinity, -Infinity, 1e-40, 3.4e38]);
const ops: [string, (x: number, y: number) => number][] = [
  ["add", (x, y) => x + y], ["sub", (x, y) => x - y], ["mul", (x, y) => x * y], ["div", (x, y) => x / y],
];
for (const n of [1, 3, 4, 7, 64, 1001]) {
  const xa = normalArray(rng, n), ya = normalArray(rng, n);
  xa.set(specials.subarray(0, Math.min(n, specials.length)));
  ya.set(specials.subarray(0, Math.min(n, specials.length)).reverse());
  const x = gl.tensor(xa), y = gl.tensor(ya), s = gl.tensor(ya.subarray(0, 1)).reshape([]);
  const xs = Array.from(xa), ys = Array.from(ya), sv = ya[0];
  for (const [name, f] of ops) {
    const m = name as "add" | "sub" | "mul" | "div";
    expectSame(x[m](y), xs.map((v, i) => f(v, ys[i])), `${name} dense n=${n}`);
    expectSame(x[m](s), xs.map((v) => f(v, sv)), `${name} tensor-scalar n=${n}`);
    expectSame(s[m](x), xs.map((v) => f(sv, v)), `${name} scalar-tensor n=${n}`);
    expectSame(x[m](2.5), xs.map((v) => f(v, 2.5)), `${name} tensor-number n=${n}`);
  }
  expectSame(x.neg(), xs.map((v) => -v), `neg n=${n}`);
  expectSame(x.square(), xs.map((v) => v * v), `square n=${n}`);
  expectSame(x.abs(), xs.map((v) => Math.abs(v)), `abs n=${n}`);
  expectSame(x.relu(), xs.map((v) => (v > 0 ? v : v === v ? 0 : v)), `relu n=${n}`);
}
// Offsets (views into a larger storage) and broadcast rows must still take the right values.
{
  const big = gl.tensor(normalArray(rng, 40)).reshape([4, 10]);
  const row = big.select(0, 2), other = big.select(0, 3);
  expectSame(row.add(other), walk(row).map((v, i) => v + walk(other)[i]), "add on offset views");
  const col = gl.tensor(normalArray(rng, 4)).reshape([4, 1]);
  expectSame(big.mul(col), walk(big).map((v, i) => v * walk(col)[Math.floor(i / 10)]), "mul broadcast column");
}
// Transposed copies (2-D and batched, with and without a remainder of columns).
for (const [b, r, c] of [[1, 8, 4], [1, 30, 10000], [3, 9, 13], [2, 64, 5]]) {
  const t = gl.tensor(normalArray(rng, b * r * c)).reshape([b, r, c]);
  const tt = t.transpose(1, 2);
  const want: number[] = [];
  for (let i = 0; i < b; i++) for (let j = 0; j < c; j++) for (let k = 0; k < r; k++) want.push(t.data[i * r * c + k * c + j]);
  expectSame(tt.contiguous(), want, `transposed copy [${b},${c},${r}]`);
}
// In-place writes: dense block copy, and an overlapping copy within one storage.
{
  const a = gl.zeros([6]);
  a.copy_(gl.tensor([1, 2, 3, 4, 5, 6]));
  expectSame(a, [1, 2, 3, 4, 5, 6], "copy_ dense");
  a.slice(0, 1, 6).copy_(a.slice(0, 0, 5));
  expectSame(a, [1, 1, 1, 1, 1, 1], "copy_ overlapping (element order)");
}
console.log(`elementwise check: ${ewCases} cases passed (bit-exact)`);

console.log(`matmul check: ${cases} cases passed, worst relative error ${worst.toExponential(2)} (limit 1e-5 of sum |a||b|)`);
