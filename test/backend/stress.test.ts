// Stress test of the native backend (issue 4, acceptance 3): 1,000 seeded random op sequences
// (views, broadcasting, every dtype, elementwise ops, reductions, matmul, indexing,
// concatenation, in-place ops, convolution and pooling, softmax and layer norm, then a
// backward pass) run on the native and the js backends and compared value by value; and
// training steps of an MLP, a CNN and a Transformer layer that must be bit-identical with
// 1 and 2 threads.
//
// Tolerance. Integer and bool values must be equal. A float value carries a bound on
// |native - js| propagated op by op (stress_program.ts): 0 (bit-identical) for views,
// copies, selections and correctly rounded ops (+ - * / of identical inputs); L * err + 1 ulp
// for a correctly rounded op of inputs that may differ (L its Lipschitz factor);
// L * err + 16 ulp of the result for transcendental functions; and for an accumulation of n
// terms n * err + (16 + sqrt(n)) ulp of the sum of the terms' magnitudes. So the bound grows
// with the depth of the sequence and the dtype's rounding, and is never looser than the
// float32 error the reference itself makes: 4x the distance of the js result from a
// "shadow" run (the same program with float32 and float64 swapped) is also allowed.
// Gradients: 4x the js result's distance from the shadow's, plus 16 ulp x (steps + 1) x
// (1 + log2(largest value size)) of the largest gradient element (or of the loss's weights,
// when larger: a gradient that cancels to ~0 is the rounding noise of terms that large).
//
// Replay: STRESS_SEED=<seed> npx vitest run test/backend/stress.test.ts (prints the program);
// STRESS_COUNT=<n> and STRESS_FROM=<first seed> run other sequences.

import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { loadNativeBackend, nativeKernelsOnly, nativeLoadError } from "../../src/backend/native/index.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import type { Lane, Program, Val } from "./stress_program.js";
import { amaxOf, backward, execute, generate, listing, onLane, ULP } from "./stress_program.js";

const native = loadNativeBackend();
const direct = nativeKernelsOnly();
const expectNone = process.env.GRADLAB_EXPECT_NO_NATIVE === "1";
const COUNT = Number(process.env.STRESS_COUNT ?? 1000);
const FROM = Number(process.env.STRESS_FROM ?? 0);
const ONLY = process.env.STRESS_SEED === undefined ? null : Number(process.env.STRESS_SEED);
const CHUNK = 250;

const atolOf = (dtype: string) => (dtype === "float64" ? 1e-300 : 1e-37);

/** Largest |a - b| over two float tensors of one shape (Infinity when NaN-ness or infinities differ). */
function maxDiff(a: Tensor, b: Tensor): number {
  const x = a.dataSync(), y = b.dataSync();
  if (x.length !== y.length) return Infinity;
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) { if (Number.isNaN(x[i]) !== Number.isNaN(y[i])) return Infinity; continue; }
    if (x[i] === y[i]) continue;
    m = Math.max(m, Math.abs(x[i] - y[i]));
  }
  return m;
}

/** The first elements of `got` off `want` by more than tol, described, or null. */
function mismatch(got: Tensor, want: Tensor, tol: number, names = ["native", "js"]): string | null {
  const [gn, wn] = names;
  if (got.dtype !== want.dtype) return `${gn} dtype ${got.dtype}, ${wn} ${want.dtype}`;
  if (got.shape.join() !== want.shape.join()) return `${gn} shape [${got.shape}], ${wn} [${want.shape}]`;
  const x = got.dataSync(), y = want.dataSync();
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < y.length; i++) {
    // tol 0 asks for bit-identical results (signed zeros included).
    const ok = Number.isNaN(y[i]) ? Number.isNaN(x[i]) : tol === 0 ? Object.is(x[i], y[i]) : x[i] === y[i] || Math.abs(x[i] - y[i]) <= tol;
    if (!ok) {
      count++;
      if (bad.length < 3) bad.push(`[${i}] ${gn} ${x[i]} ${wn} ${y[i]}`);
    }
  }
  return count ? `${count}/${y.length} elements beyond ${tol.toExponential(2)}: ${bad.join(", ")}` : null;
}

/** How far the js result is from the shadow's, in the value's own precision (0 when they share a dtype). */
function shadowSpread(want: Tensor, shadow: Tensor | undefined): number {
  if (!shadow || shadow.shape.join() !== want.shape.join()) return 0;
  const d = maxDiff(want, shadow);
  return want.dtype === "float64" && shadow.dtype === "float32" ? (d * ULP.float64) / ULP.float32 : d;
}

function compareValues(p: Program, got: Tensor[], ref: Tensor[], shadow: Tensor[], exact: boolean): string[] {
  const out: string[] = [];
  for (const v of p.vals) {
    const tol = toleranceOf(v, ref[v.id], shadow[v.id], exact);
    if (tol === null) continue;
    const m = mismatch(got[v.id], ref[v.id], tol, exact ? ["1 thread", "2 threads"] : undefined);
    if (m) out.push(`v${v.id} (${p.steps[v.id].text}): ${m}`);
  }
  return out;
}

function toleranceOf(v: Val, want: Tensor, shadow: Tensor | undefined, exact: boolean): number | null {
  if (exact || v.dtype === "int32" || v.dtype === "bool") return 0;
  if (v.err === 0) return atolOf(v.dtype);
  if (!Number.isFinite(v.err)) return null;
  return Math.max(v.err, 4 * shadowSpread(want, shadow)) + atolOf(v.dtype);
}

function compareGrads(p: Program, got: (Tensor | null)[], ref: (Tensor | null)[], shadow: (Tensor | null)[], exact: boolean): string[] {
  const out: string[] = [];
  p.gradLeaves.forEach((id, i) => {
    const a = got[i], b = ref[i], s = shadow[i];
    if (!a || !b) {
      if (a !== b && (a ?? b) && amaxOf((a ?? b)!) !== 0) out.push(`grad of v${id}: ${a ? "native has one, js none" : "js has one, native none"}`);
      return;
    }
    // A float64 leaf's gradient carries float32 rounding when any part of the program ran in float32.
    const coarse = p.vals.some((v) => v.dtype === "float32") ? "float32" : b.dtype;
    const ulp = coarse === "float64" ? ULP.float64 : ULP.float32;
    // Gradients that cancel to ~0 (d sum(layerNorm(x))/dx) are rounding noise of terms as large as the incoming gradient.
    const floor = 16 * ulp * (p.steps.length + 1) * (1 + Math.log2(p.maxNumel)) * Math.max(amaxOf(b), p.lossWeight);
    const spread = s ? (coarse === "float32" ? maxDiff(b, s) : shadowSpread(b, s)) : 0;
    const tol = exact ? 0 : 4 * spread + floor + atolOf(b.dtype);
    const m = mismatch(a, b, tol, exact ? ["1 thread", "2 threads"] : undefined);
    if (m) out.push(`grad of v${id}: ${m}`);
  });
  return out;
}

/** Runs one seed on every lane and returns what differs (empty when all agree). */
function runSeed(seed: number): string[] {
  const { program: p, ref, refGrads } = generate(seed);
  const backendName = seed % 2 === 0 ? "native" : "native-direct";
  const nat: Lane = { name: `${backendName} (2 threads)`, backend: backendName, threads: 2 };
  const shadowLane: Lane = { name: "shadow", backend: "js", swap: true };
  const problems: string[] = [];
  const lane = (l: Lane): [Tensor[], (Tensor | null)[]] | null => {
    try {
      const ts = execute(p, l);
      return [ts, backward(ts, p.loss, p.gradLeaves, l)];
    } catch (e) {
      problems.push(`${l.name} threw: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  };
  const shadow = lane(shadowLane);
  if (!shadow) return problems.map((m) => `seed ${seed}: ${m}\n${listing(p)}`);
  const n2 = lane(nat);
  if (n2) {
    for (const m of compareValues(p, n2[0], ref, shadow[0], false)) problems.push(`${nat.name}: ${m}`);
    for (const m of compareGrads(p, n2[1], refGrads, shadow[1], false)) problems.push(`${nat.name}: ${m}`);
    // Every fifth sequence (both native lanes) again on one thread: bit-identical to two.
    if (seed % 5 === 0) {
      const one: Lane = { name: `${backendName} (1 thread vs 2)`, backend: backendName, threads: 1 };
      const n1 = lane(one);
      if (n1) {
        for (const m of compareValues(p, n1[0], n2[0], [], true)) problems.push(`${one.name}: ${m}`);
        for (const m of compareGrads(p, n1[1], n2[1], [], true)) problems.push(`${one.name}: ${m}`);
      }
    }
  }
  return problems.length ? [`seed ${seed}: ${problems.slice(0, 4).join("\n  ")}\nprogram (replay with STRESS_SEED=${seed}):\n${listing(p)}`] : [];
}

if (!native || !direct) {
  describe("stress: native against js", () => {
    it("needs the native backend (set GRADLAB_EXPECT_NO_NATIVE=1 only where no C++ compiler is expected)", () => {
      expect(expectNone, `native backend unavailable: ${nativeLoadError()}`).toBe(true);
      expect(gl.listBackends()).not.toContain("native");
    });
  });
} else {
  // The shipped backend sends calls of <= 64 elements to js; this one runs everything in C++.
  gl.registerBackend({ ...direct, name: "native-direct" });

  describe("stress: random op sequences on native and js", () => {
    if (ONLY !== null) {
      it(`seed ${ONLY}`, () => {
        console.log(listing(generate(ONLY).program));
        expect(runSeed(ONLY)).toEqual([]);
      });
      return;
    }
    for (let start = FROM; start < FROM + COUNT; start += CHUNK) {
      const end = Math.min(FROM + COUNT, start + CHUNK);
      it(`sequences ${start}..${end - 1} agree (values and input gradients; 1 vs 2 threads bit-identical)`, () => {
        const failures: string[] = [];
        for (let seed = start; seed < end; seed++) failures.push(...runSeed(seed));
        if (failures.length) console.error(failures.slice(0, 5).join("\n\n"));
        expect(failures.map((f) => f.split("\n")[0]), failures.slice(0, 2).join("\n\n")).toEqual([]);
      });
    }
  });

  describe("stress: training steps with 1 and 2 threads", () => {
    const { nn, optim } = gl;
    const F = nn.functional;

    /** Losses and final parameters of `steps` SGD steps from seed 0, on the native backend with `threads`. */
    function train(which: "mlp" | "cnn" | "tf", threads: number, steps = 2): { losses: number[]; params: Float32Array[] } {
      return onLane({ name: "native", backend: "native", threads }, () => {
        gl.manualSeed(0);
        let model: InstanceType<typeof nn.Module>;
        let x: Tensor, y: Tensor;
        let lossFn: (o: Tensor, t: Tensor) => Tensor;
        if (which === "mlp") {
          model = new nn.Sequential(new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 256), new nn.ReLU(), new nn.Linear(256, 10));
          x = gl.randn([128, 784]); y = gl.randint(0, 10, [128]);
          lossFn = (o, t) => F.crossEntropy(o, t);
        } else if (which === "cnn") {
          model = new nn.Sequential(new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(8, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(16 * 7 * 7, 10));
          x = gl.randn([16, 1, 28, 28]); y = gl.randint(0, 10, [16]);
          lossFn = (o, t) => F.crossEntropy(o, t);
        } else {
          model = new nn.TransformerEncoderLayer(64, 4, { dimFeedforward: 256, dropout: 0, batchFirst: true });
          x = gl.randn([8, 32, 64]); y = gl.randn([8, 32, 64]);
          lossFn = (o, t) => F.mseLoss(o, t);
        }
        const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
        const losses: number[] = [];
        for (let s = 0; s < steps; s++) {
          opt.zeroGrad();
          const l = lossFn(model.forward(x) as Tensor, y);
          l.backward();
          opt.step();
          losses.push(l.item() as number);
        }
        return { losses, params: model.parameters().map((p) => Float32Array.from(p.dataSync())) };
      });
    }

    for (const which of ["mlp", "cnn", "tf"] as const) {
      it(`${which}: losses and parameters after two steps are bit-identical with 1 and 2 threads`, () => {
        const one = train(which, 1), two = train(which, 2);
        expect(one.losses.every(Number.isFinite)).toBe(true);
        expect(two.losses).toEqual(one.losses);
        const differ = one.params.map((p, i) => p.findIndex((v, j) => !Object.is(v, two.params[i][j]))).map((j, i) => (j < 0 ? null : `param ${i} [${j}]: ${one.params[i][j]} vs ${two.params[i][j]}`)).filter((s) => s !== null);
        expect(differ).toEqual([]);
      });
    }
  });
}
