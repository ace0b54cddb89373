/**
 * The training worker: runs one experiment of src/lab on the js backend off the page's
 * thread and streams its progress, so sliders and charts stay responsive during a run.
 * A run cannot be interrupted from inside (it is one synchronous call): the page
 * terminates the worker to abandon it.
 */
import { setBackend } from "../../src/backend/registry.js";
import { getExperiment } from "../../src/lab/registry.js";
import type { ProgressCallback } from "../../src/lab/types.js";
import { PROGRESS_INTERVAL_MS, type RunRequest, type WorkerMessage } from "./protocol.js";

setBackend("js");

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

function runOne(request: RunRequest): void {
  const { runId } = request;
  const started = performance.now();
  let pending: unknown[] = [];
  let lastPost = -Infinity;
  const onProgress: ProgressCallback = (p) => {
    if (p.partial !== undefined) pending.push(p.partial);
    const now = performance.now();
    if (now - lastPost >= PROGRESS_INTERVAL_MS || p.epoch >= p.total) {
      post({ type: "progress", runId, epoch: p.epoch, total: p.total, partials: pending });
      pending = [];
      lastPost = now;
    }
  };
  try {
    const records = getExperiment(request.experiment).run(request.config as never, onProgress);
    post({ type: "done", runId, records, ms: performance.now() - started });
  } catch (err) {
    post({ type: "error", runId, message: err instanceof Error ? err.message : String(err) });
  }
}

self.onmessage = (event: MessageEvent<RunRequest>) => {
  if (event.data?.type === "run") runOne(event.data);
};
