/**
 * The messages between the page and the training worker. Every message carries the id of
 * the run it belongs to, so the page can drop what a superseded run still sends.
 */
import type { ExperimentId, LabRecords, OptionValue } from "../../src/lab/types.js";

/** Page -> worker: run an experiment with a full config. */
export interface RunRequest {
  type: "run";
  runId: number;
  experiment: ExperimentId;
  config: Record<string, OptionValue>;
}

/** Worker -> page: `epoch` of `total` done; `partials` are the records streamed since the last message. */
export interface ProgressMessage {
  type: "progress";
  runId: number;
  epoch: number;
  total: number;
  partials: unknown[];
}

/** Worker -> page: the run's records and how long it took. */
export interface DoneMessage {
  type: "done";
  runId: number;
  records: LabRecords;
  ms: number;
}

/** Worker -> page: the run threw (a bad config or a bug); `message` is the error's text. */
export interface ErrorMessage {
  type: "error";
  runId: number;
  message: string;
}

export type WorkerMessage = ProgressMessage | DoneMessage | ErrorMessage;

/** Shortest gap between two progress messages, in ms (about 12 chart updates a second). */
export const PROGRESS_INTERVAL_MS = 80;
