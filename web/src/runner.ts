/**
 * Runs experiments in a Web Worker, one at a time: starting a run while another is going
 * terminates the old worker (its run cannot be stopped otherwise) and drops anything it
 * still sent, so the page only ever hears from the latest run.
 */
import type { ExperimentId, LabRecords, OptionValue } from "../../src/lab/types.js";
import type { ProgressMessage, RunRequest, WorkerMessage } from "./protocol.js";

/** What the page hears about the current run. */
export interface RunListener {
  progress(message: ProgressMessage): void;
  done(records: LabRecords, ms: number, runId: number): void;
  error(message: string, runId: number): void;
}

/** The smallest part of the Worker interface the runner uses (tests can pass a fake). */
export interface WorkerLike {
  postMessage(message: RunRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<WorkerMessage>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

/**
 * Owns the training worker: `start` runs a config (restarting if busy), `cancel` stops.
 * @example
 * const runner = new Runner(() => new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }), listener);
 * runner.start("dlnn", config);
 */
export class Runner {
  private worker: WorkerLike | null = null;
  private busy = false;
  private current = 0;

  constructor(private readonly createWorker: () => WorkerLike, private readonly listener: RunListener) {}

  /** The id of the latest run started (0 before any). */
  get runId(): number {
    return this.current;
  }

  /** Whether a run is in progress. */
  get running(): boolean {
    return this.busy;
  }

  /** Starts a run of `experiment` with `config`, abandoning any run in progress; returns its id. */
  start(experiment: ExperimentId, config: Record<string, OptionValue>): number {
    if (this.busy) this.stopWorker();
    const worker = this.worker ?? this.spawn();
    const runId = ++this.current;
    this.busy = true;
    worker.postMessage({ type: "run", runId, experiment, config });
    return runId;
  }

  /** Abandons the run in progress, if any. */
  cancel(): void {
    if (this.busy) this.stopWorker();
    this.busy = false;
  }

  private spawn(): WorkerLike {
    const worker = this.createWorker();
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      // A worker that fails to load or throws outside a run: report it against the current run.
      event.preventDefault();
      if (this.worker !== worker) return;
      this.busy = false;
      this.stopWorker();
      this.listener.error(event.message || "the training worker failed to start", this.current);
    };
    this.worker = worker;
    return worker;
  }

  private stopWorker(): void {
    const worker = this.worker;
    if (worker === null) return;
    // Detached first: nothing the old worker had queued may reach the page.
    worker.onmessage = null;
    worker.onerror = null;
    worker.terminate();
    this.worker = null;
  }

  private receive(message: WorkerMessage): void {
    if (message.runId !== this.current) return;
    switch (message.type) {
      case "progress":
        this.listener.progress(message);
        break;
      case "done":
        this.busy = false;
        this.listener.done(message.records, message.ms, message.runId);
        break;
      case "error":
        this.busy = false;
        this.listener.error(message.message, message.runId);
        break;
    }
  }
}
