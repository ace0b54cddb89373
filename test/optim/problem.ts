// The fixed problem of tools/oracle/gen_optim.py and its PyTorch 1.13 fixture.
import { readFileSync } from "node:fs";
import * as gl from "../../src/index.js";
import * as optim from "../../src/optim/index.js";

type Matrix = number[][];
type Options = Record<string, unknown>;

export interface SchedulerSpec { type: "StepLR" | "CosineAnnealingLR" | "OneCycleLR" | "LinearLR"; args: Options }
export interface RunFixture {
  name: string;
  optimizer: "SGD" | "Adam" | "AdamW" | "RMSprop" | "Adagrad";
  defaults: Options;
  groups?: (Options & { params: string[] })[];
  scheduler?: SchedulerSpec;
  /** W and b, flattened and concatenated, after each step. */
  trajectory: Matrix;
  lrs?: Matrix;
}
export interface Fixture {
  torch: string;
  steps: number;
  problem: { X: Matrix; Y: Matrix; W: Matrix; b: number[]; u: number[] };
  runs: RunFixture[];
  schedulers: (SchedulerSpec & { lrs: Matrix; momentum: (number | null)[][] })[];
  stateDict: { state: Record<string, Record<string, number | number[]>>; paramGroups: Options[] };
  clip: {
    norm: { maxNorm: number; normType: number | "inf"; totalNorm: number; grads: { W: number[]; b: number[] } }[];
    value: { clipValue: number; grads: { W: number[]; b: number[] } };
  };
}

export const fixture: Fixture = JSON.parse(readFileSync(new URL("../fixtures/optim/optim.json", import.meta.url), "utf8"));

const f64 = { dtype: "float64" } as const;
const X = gl.tensor(fixture.problem.X, f64);
const Y = gl.tensor(fixture.problem.Y, f64);

export interface Problem { W: gl.Tensor; b: gl.Tensor; u: gl.Tensor }

/** Fresh leaf parameters at the fixture's initial point. */
export function freshParams(): Problem {
  return {
    W: gl.tensor(fixture.problem.W, { ...f64, requiresGrad: true }),
    b: gl.tensor(fixture.problem.b, { ...f64, requiresGrad: true }),
    u: gl.tensor(fixture.problem.u, { ...f64, requiresGrad: true }),
  };
}

/** loss = mean((X @ W + b - Y)^2) + 0.05 * sum(W^4), as in the generator. */
export function loss({ W, b }: Problem): gl.Tensor {
  return X.matmul(W).add(b).sub(Y).square().mean().add(W.square().square().sum().mul(0.05));
}

/** W and b flattened and concatenated, like a fixture trajectory row. */
export function flat({ W, b }: Problem): number[] {
  return [...W.tolist(), ...b.tolist()];
}

const OPTIMIZERS = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad };

export function buildOptimizer(run: RunFixture, params: Problem): optim.Optimizer {
  const Ctor = OPTIMIZERS[run.optimizer] as unknown as new (p: unknown, o: Options) => optim.Optimizer;
  const byName = params as unknown as Record<string, gl.Tensor>;
  if (run.groups) {
    return new Ctor(run.groups.map((g) => ({ ...g, params: g.params.map((n) => byName[n]) })), run.defaults);
  }
  return new Ctor([params.W, params.b, params.u], run.defaults);
}

export function buildScheduler(spec: SchedulerSpec, opt: optim.Optimizer): optim.lrScheduler.LRScheduler {
  const { stepSize, tMax, ...rest } = spec.args as Options & { stepSize: number; tMax: number };
  switch (spec.type) {
    case "StepLR": return new optim.lrScheduler.StepLR(opt, stepSize, rest);
    case "CosineAnnealingLR": return new optim.lrScheduler.CosineAnnealingLR(opt, tMax, rest);
    case "OneCycleLR": return new optim.lrScheduler.OneCycleLR(opt, rest as unknown as optim.lrScheduler.OneCycleLROptions);
    case "LinearLR": return new optim.lrScheduler.LinearLR(opt, rest);
  }
}

/** One training step as the generator takes it (maximize runs climb the negated loss). */
export function trainStep(opt: optim.Optimizer, params: Problem, maximize: boolean, sched?: optim.lrScheduler.LRScheduler): void {
  opt.zeroGrad();
  const l = loss(params);
  (maximize ? l.neg() : l).backward();
  opt.step();
  sched?.step();
}

export function isMaximize(opt: optim.Optimizer): boolean {
  return opt.paramGroups.some((g) => (g as unknown as Options).maximize === true);
}

/** max |a - b| / max |b|: the error of a row relative to its scale. */
export function relErr(a: readonly number[], b: readonly number[]): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}
