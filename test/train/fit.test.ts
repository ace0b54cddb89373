// train.fit / train.evaluate / train.EarlyStopping on problems small enough to check by hand.
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import { SGD } from "../../src/optim/index.js";
import { StepLR } from "../../src/optim/lr_scheduler/index.js";
import { DataLoader, TensorDataset } from "../../src/data/index.js";
import * as train from "../../src/train/index.js";
import type { ProgressStream } from "../../src/train/index.js";

const mse = (o: gl.Tensor, t: gl.Tensor) => o.sub(t).square().mean();

/** y = slope * x on x = -1..1 (n points), as an [n, 1] regression loader. */
function line(slope: number, n = 16, batchSize = 4): DataLoader<gl.Tensor[]> {
  const x = gl.linspace(-1, 1, n).reshape(n, 1);
  return new DataLoader(new TensorDataset(x, x.mul(slope)), { batchSize });
}

/** A Linear(1, 1) without bias whose weight starts at w. */
function scalarModel(w: number): nn.Linear {
  const m = new nn.Linear(1, 1, { bias: false });
  gl.noGrad(() => m.weight.fill_(w));
  return m;
}

/** A stream that keeps what is written. */
function capture(isTTY = false): ProgressStream & { text: string } {
  return { text: "", isTTY, columns: 200, write(s: string) { this.text += s; return true; } };
}

describe("fit", () => {
  it("learns a tiny regression and records the history", () => {
    gl.manualSeed(0);
    const x = gl.linspace(-1, 1, 32).reshape(32, 1);
    const loader = new DataLoader(new TensorDataset(x, x.mul(3).sub(1)), { batchSize: 8, shuffle: true, seed: 0 });
    const model = new nn.Linear(1, 1);
    const { history, stoppedEarly, bestEpoch } = train.fit(model, loader, { epochs: 40, optimizer: new SGD(model.parameters(), { lr: 0.2 }), loss: mse, progress: false });
    expect(history.length).toBe(40);
    expect(stoppedEarly).toBe(false);
    expect(bestEpoch).toBeNull();
    expect(history.map((r) => r.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(history[39].trainLoss).toBeLessThan(1e-3 * history[0].trainLoss);
    expect(model.weight.item()).toBeCloseTo(3, 2);
    expect(model.bias!.item()).toBeCloseTo(-1, 2);
    const r = history[0];
    expect(r.valLoss).toBeNull();
    expect(r.valMetrics).toEqual({});
    expect(r.lr).toBe(0.2);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.examplesPerSec).toBeGreaterThan(0);
  });

  it("trainLoss is the batch losses weighted by batch size", () => {
    // batches of 3, 3 and 1 examples with lr 0: the epoch loss is the mean over all 7 examples
    const x = gl.tensor([[1], [2], [3], [4], [5], [6], [7]]);
    const model = scalarModel(0);
    const { history } = train.fit(model, new DataLoader(new TensorDataset(x, x), { batchSize: 3 }), { epochs: 1, optimizer: new SGD(model.parameters(), { lr: 0 }), loss: mse, progress: false });
    expect(history[0].trainLoss).toBeCloseTo((1 + 4 + 9 + 16 + 25 + 36 + 49) / 7, 4);
  });

  it("validates in eval mode without grad, and restores the model's mode", () => {
    class Spy extends nn.Module {
      fc = new nn.Linear(1, 1);
      seen: [boolean, boolean][] = [];
      forward(x: gl.Tensor) {
        this.seen.push([this.training, gl.isGradEnabled()]);
        return this.fc.forward(x);
      }
    }
    const model = new Spy();
    model.eval();
    train.fit(model, line(1, 8, 4), { epochs: 2, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: mse, valLoader: line(1, 6, 3), progress: false });
    // per epoch: 2 training batches, then 2 validation batches
    const epoch: [boolean, boolean][] = [[true, true], [true, true], [false, false], [false, false]];
    expect(model.seen).toEqual([...epoch, ...epoch]);
    expect(model.training).toBe(false);
  });

  it("computes validation loss and metrics on the epoch's final weights", () => {
    // lr 0 keeps w = 0.5; targets are 2x, so the loss is mean((1.5 x)^2) and mae mean |1.5 x|
    const model = scalarModel(0.5);
    const x = gl.tensor([[-2], [-1], [1], [2]]);
    const val = new DataLoader(new TensorDataset(x, x.mul(2)), { batchSize: 3 });
    const { history } = train.fit(model, line(2), {
      epochs: 1, optimizer: new SGD(model.parameters(), { lr: 0 }), loss: mse, valLoader: val,
      metrics: { mae: train.metrics.mae, r2: train.metrics.r2 }, progress: false,
    });
    const r = history[0];
    expect(r.valLoss).toBeCloseTo((2.25 * (4 + 1 + 1 + 4)) / 4, 5);
    expect(r.valMetrics.mae).toBeCloseTo((1.5 * (2 + 1 + 1 + 2)) / 4, 5);
    expect(r.valMetrics.r2).toBeCloseTo(1 - (2.25 * 10) / (4 * 10), 5); // 1 - SSres/SStot
    expect(Object.keys(r.trainMetrics)).toEqual(["mae", "r2"]);
    const ev = train.evaluate(model, val, { loss: mse, metrics: { mae: train.metrics.mae } });
    expect(ev.loss).toBeCloseTo(r.valLoss!, 6);
    expect(ev.metrics.mae).toBeCloseTo(r.valMetrics.mae, 6);
    expect(ev.examples).toBe(4);
  });

  it("classification: accuracy on a separable problem reaches 1", () => {
    gl.manualSeed(1);
    const x = gl.tensor([[-2, 0], [-1.5, 0.5], [-1, -0.5], [1, 0.2], [1.5, -0.3], [2, 0.1]]);
    const y = gl.tensor([0, 0, 0, 1, 1, 1], { dtype: "int32" });
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 6 });
    const model = new nn.Linear(2, 2);
    const ce = (o: gl.Tensor, t: gl.Tensor) => gl.logSoftmax(o, 1).gather(1, t.unsqueeze(1)).neg().mean();
    const { history } = train.fit(model, loader, {
      epochs: 30, optimizer: new SGD(model.parameters(), { lr: 0.5 }), loss: ce, valLoader: loader,
      metrics: { accuracy: train.metrics.accuracy, f1: train.metrics.f1 }, progress: false,
    });
    expect(history[29].valMetrics).toEqual({ accuracy: 1, f1: 1 });
    // a loss module works as the loss, and agrees with the hand-written cross entropy
    expect(train.evaluate(model, loader, { loss: new nn.CrossEntropyLoss() }).loss).toBeCloseTo(history[29].valLoss!, 6);
    expect(history[29].trainLoss).toBeLessThan(history[0].trainLoss / 4);
  });

  it("early stopping stops after `patience` epochs without improvement and restores the best weights", () => {
    // training pulls w toward 2 while the validation targets are -2x, so the validation
    // loss rises every epoch: the best epoch is the first
    const model = scalarModel(0);
    const weights: number[] = [];
    const res = train.fit(model, line(2), {
      epochs: 20, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: mse, valLoader: line(-2),
      earlyStopping: { patience: 2, monitor: "valLoss", restoreBest: true },
      onEpochEnd: () => { weights.push(model.weight.item()); },
      progress: false,
    });
    expect(res.history.length).toBe(3);
    expect(res.stoppedEarly).toBe(true);
    expect(res.bestEpoch).toBe(1);
    expect(res.restoredBest).toBe(true);
    expect(res.history[1].valLoss!).toBeGreaterThan(res.history[0].valLoss!);
    expect(weights[2]).toBeGreaterThan(weights[0]);
    expect(model.weight.item()).toBe(weights[0]);
  });

  it("early stopping without restoreBest keeps the last weights; monitors metrics with mode auto", () => {
    const model = scalarModel(0);
    const weights: number[] = [];
    const stopper = new train.EarlyStopping({ patience: 1, monitor: "val.r2" });
    expect(stopper.mode).toBe("max");
    const res = train.fit(model, line(2), {
      epochs: 20, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: mse, valLoader: line(-2),
      metrics: { r2: train.metrics.r2 }, earlyStopping: stopper,
      onEpochEnd: () => { weights.push(model.weight.item()); }, progress: false,
    });
    expect(res.history.length).toBe(2);
    expect(res.restoredBest).toBe(false);
    expect(model.weight.item()).toBe(weights[1]);
    expect(stopper.best).toBe(res.history[0].valMetrics.r2);
  });

  it("a callback returning 'stop' ends training; CurveRecorder keeps every step", () => {
    const model = scalarModel(0);
    const curves = new train.CurveRecorder();
    const res = train.fit(model, line(2, 16, 4), {
      epochs: 10, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: mse, callbacks: [curves],
      onEpochEnd: (r) => (r.epoch === 3 ? "stop" : undefined), progress: false,
    });
    expect(res.history.length).toBe(3);
    expect(res.stoppedEarly).toBe(true);
    expect(curves.steps.map((s) => [s.epoch, s.batch, s.step])).toEqual(
      Array.from({ length: 12 }, (_, i) => [Math.floor(i / 4) + 1, (i % 4) + 1, i + 1]),
    );
    expect(curves.steps.every((s) => s.batches === 4 && s.size === 4)).toBe(true);
    expect(curves.epochs).toEqual(res.history);
    expect(curves.series().trainLoss).toEqual(res.history.map((r) => r.trainLoss));
  });

  it("steps a scheduler per epoch (or per batch) and records the lr", () => {
    const model = scalarModel(0);
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const { history } = train.fit(model, line(1), { epochs: 4, optimizer: opt, loss: mse, scheduler: new StepLR(opt, 2, { gamma: 0.5 }), progress: false });
    expect(history.map((r) => r.lr)).toEqual([0.1, 0.1, 0.05, 0.05]);
    const opt2 = new SGD(model.parameters(), { lr: 0.1 });
    const curves = new train.CurveRecorder();
    train.fit(model, line(1, 8, 4), { epochs: 1, optimizer: opt2, loss: mse, scheduler: new StepLR(opt2, 1, { gamma: 0.5 }), schedulerInterval: "batch", callbacks: [curves], progress: false });
    expect(curves.steps.map((s) => s.lr)).toEqual([0.1, 0.05]);
  });

  it("prints one plain line per epoch on a non-TTY stream", () => {
    const model = scalarModel(0);
    const out = capture(false);
    train.fit(model, line(2), {
      epochs: 3, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: mse, valLoader: line(2),
      metrics: { mae: train.metrics.mae }, stream: out,
    });
    const lines = out.text.split("\n");
    expect(lines.length).toBe(4);
    expect(lines[3]).toBe("");
    expect(out.text).not.toMatch(/[\r\x1b]/);
    lines.slice(0, 3).forEach((l, i) => {
      expect(l).toMatch(new RegExp(`^epoch ${i + 1}/3  loss \\d\\.\\d{4}  mae \\d\\.\\d{4}  val loss \\d\\.\\d{4}  val mae \\d\\.\\d{4}  \\d+\\.\\ds  \\d+ ex/s$`));
    });
  });

  it("draws a bar with batch i/n, running loss, throughput and ETA on a TTY", () => {
    const model = scalarModel(0);
    const out = capture(true);
    train.fit(model, line(2, 16, 4), { epochs: 2, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: mse, stream: out });
    expect(out.text).toMatch(/\r\x1b\[2Kepoch 1\/2 \[=+ *\] \d\/4  loss \d\.\d{4}  \d+ ex\/s  ETA \d+\.\ds/);
    expect(out.text).toContain("[====================] 4/4");
    // each epoch ends with its summary line on a line of its own
    expect(out.text.split("\n").filter((l) => l.length).map((l) => l.slice(l.lastIndexOf("\x1b[2K") + 4).split("  ")[0])).toEqual(["epoch 1/2", "epoch 2/2"]);
  });

  it("Progress: ETA from the mean batch time; bars fit the terminal width (80 when it reports 0)", () => {
    let t = 0;
    const out = { ...capture(true), columns: 0 };
    const p = new train.Progress({ stream: out, epochs: 5, now: () => t, minIntervalMs: 0 });
    expect(p.mode).toBe("bar");
    p.startEpoch(2, 4);
    t = 1500;
    p.batch(1, 0.25, 640);
    expect(out.text).toBe("\r\x1b[2Kepoch 2/5 [=====               ] 1/4  loss 0.2500  640 ex/s  ETA 4.5s");
    p.message(`${"x".repeat(100)}`);
    expect(out.text.endsWith(`\r\x1b[2K${"x".repeat(100)}\n`)).toBe(true);
    const narrow = { ...capture(true), columns: 30 };
    const q = new train.Progress({ stream: narrow, epochs: 5, now: () => t, minIntervalMs: 0 });
    q.startEpoch(1, null);
    q.batch(7, 1234.5, 10);
    expect(narrow.text).toBe("\r\x1b[2Kepoch 1/5 batch 7  loss 1234.");
  });

  it("reports early stopping on the progress stream", () => {
    const model = scalarModel(0);
    const out = capture(false);
    train.fit(model, line(2), {
      epochs: 20, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: mse, valLoader: line(-2),
      earlyStopping: { patience: 1, restoreBest: true }, stream: out,
    });
    expect(out.text).toMatch(/early stopping after epoch 2: valLoss has not improved for 1 epochs \(best \d\.\d{4} at epoch 1\)\nrestored the weights of epoch 1 \(valLoss \d\.\d{4}\)\n$/);
  });

  it("rejects bad options and batches with clear errors", () => {
    const model = scalarModel(0);
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const base = { epochs: 1, optimizer, loss: mse, progress: false as const };
    expect(() => train.fit(model, line(1), { ...base, epochs: 0 })).toThrow("fit: epochs must be a positive integer, got 0");
    expect(() => train.fit(model, line(1), { ...base, earlyStopping: { monitor: "valLoss" } })).toThrow(
      'fit: earlyStopping monitors "valLoss", which this fit does not record (no valLoader was given); expected one of "trainLoss"',
    );
    expect(() => train.fit(model, line(1), { ...base, valLoader: line(1), earlyStopping: { monitor: "val.acc" } })).toThrow(/expected one of "trainLoss", "valLoss"$/);
    expect(() => train.fit(model, [gl.zeros([2, 1])], base)).toThrow("fit: a batch must be an array [input, ..., target]");
    expect(() => train.fit(model, line(1), { ...base, loss: (o: gl.Tensor, t: gl.Tensor) => o.sub(t) })).toThrow("fit: the loss must return a scalar tensor, got shape [4,1]");
    expect(() => train.fit(model, [], base)).toThrow("fit: the training loader yielded no examples in epoch 1");
    expect(() => train.evaluate(model, [])).toThrow("evaluate: the loader yielded no examples");
  });
});

describe("EarlyStopping", () => {
  it("counts epochs without an improvement larger than minDelta", () => {
    const s = new train.EarlyStopping({ patience: 2, minDelta: 0.1 });
    expect(s.mode).toBe("min");
    expect([1.0, 0.95, 0.85, 0.8, 0.79].map((v) => s.update(v))).toEqual([false, false, false, false, true]);
    expect(s.best).toBe(0.85);
    expect(s.bestEpoch).toBe(3);
  });

  it("mode max; patience 0 stops at the first non-improvement; NaN never improves", () => {
    const s = new train.EarlyStopping({ patience: 0, mode: "max" });
    expect([0.5, 0.6, 0.6].map((v) => s.update(v))).toEqual([false, false, true]);
    const n = new train.EarlyStopping({ patience: 1 });
    expect([1, NaN].map((v) => n.update(v))).toEqual([false, true]);
    expect(() => new train.EarlyStopping({ patience: -1 })).toThrow("EarlyStopping: patience must be a non-negative integer, got -1");
  });
});
