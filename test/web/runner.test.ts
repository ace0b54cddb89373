import { describe, expect, test } from "vitest";
import type { LabRecords } from "../../src/lab/types.js";
import type { RunRequest, WorkerMessage } from "../../web/src/protocol.js";
import { Runner, type RunListener, type WorkerLike } from "../../web/src/runner.js";

/** A worker that records what it is sent and lets the test answer. */
class FakeWorker implements WorkerLike {
  sent: RunRequest[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<WorkerMessage>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(message: RunRequest): void { this.sent.push(message); }
  terminate(): void { this.terminated = true; }
  reply(message: WorkerMessage): void { this.onmessage?.({ data: message } as MessageEvent<WorkerMessage>); }
}

function setup() {
  const workers: FakeWorker[] = [];
  const heard: string[] = [];
  const listener: RunListener = {
    progress: (m) => heard.push(`progress ${m.runId} ${m.epoch}/${m.total}`),
    done: (_r, _ms, runId) => heard.push(`done ${runId}`),
    error: (message, runId) => heard.push(`error ${runId} ${message}`),
  };
  const runner = new Runner(() => { const w = new FakeWorker(); workers.push(w); return w; }, listener);
  return { runner, workers, heard };
}

const records = { experiment: "dlnn" } as LabRecords;

describe("Runner", () => {
  test("runs in one worker, reusing it once idle", () => {
    const { runner, workers, heard } = setup();
    expect(runner.start("dlnn", { lr: 1 })).toBe(1);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.sent).toEqual([{ type: "run", runId: 1, experiment: "dlnn", config: { lr: 1 } }]);
    expect(runner.running).toBe(true);
    workers[0]!.reply({ type: "progress", runId: 1, epoch: 3, total: 10, partials: [] });
    workers[0]!.reply({ type: "done", runId: 1, records, ms: 5 });
    expect(runner.running).toBe(false);
    runner.start("optimizers", {});
    expect(workers).toHaveLength(1);
    expect(workers[0]!.sent[1]!.runId).toBe(2);
    expect(heard).toEqual(["progress 1 3/10", "done 1"]);
  });

  test("a new run while one is going terminates the old worker and ignores its messages", () => {
    const { runner, workers, heard } = setup();
    runner.start("dlnn", { lr: 100 });
    runner.start("dlnn", { lr: 50 });
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    expect(workers[1]!.sent[0]).toMatchObject({ runId: 2, config: { lr: 50 } });
    // A message the old worker had already queued, and a stale id on the new one: both dropped.
    workers[0]!.reply({ type: "done", runId: 1, records, ms: 1 });
    workers[1]!.reply({ type: "progress", runId: 1, epoch: 1, total: 2, partials: [] });
    workers[1]!.reply({ type: "done", runId: 2, records, ms: 1 });
    expect(heard).toEqual(["done 2"]);
  });

  test("errors end the run; a failing worker is replaced on the next run", () => {
    const { runner, workers, heard } = setup();
    runner.start("dlnn", {});
    workers[0]!.reply({ type: "error", runId: 1, message: "dlnn: option \"lr\" must be >= 0, got -1" });
    expect(runner.running).toBe(false);
    runner.start("dlnn", {});
    workers[0]!.onerror?.({ message: "worker script failed", preventDefault() {} } as ErrorEvent);
    expect(workers[0]!.terminated).toBe(true);
    runner.start("dlnn", {});
    expect(workers).toHaveLength(2);
    expect(heard).toEqual(['error 1 dlnn: option "lr" must be >= 0, got -1', "error 2 worker script failed"]);
  });

  test("cancel stops the run in progress", () => {
    const { runner, workers, heard } = setup();
    runner.start("dlnn", {});
    runner.cancel();
    expect(workers[0]!.terminated).toBe(true);
    expect(runner.running).toBe(false);
    workers[0]!.reply({ type: "done", runId: 1, records, ms: 1 });
    expect(heard).toEqual([]);
  });
});
