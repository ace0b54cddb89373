/**
 * Training progress for a terminal: on a TTY a bar redrawn in place (epoch, batch i/n,
 * running loss, examples/s, ETA); on anything else (CI logs, files, pipes) one plain line
 * per epoch with no control characters.
 */
import type { EpochRecord } from "./callbacks.js";

/** Where progress is written; `process.stdout` fits, as does any object with `write`. */
export interface ProgressStream {
  write(chunk: string): unknown;
  /** True for an interactive terminal: then a bar is redrawn in place. */
  isTTY?: boolean;
  /** Terminal width; bar lines are cut to fit it. */
  columns?: number;
}

/** How progress is shown: a redrawn bar, or one line per epoch. */
export type ProgressMode = "bar" | "lines";

export interface ProgressOptions {
  /** Where to write (default: process.stdout where there is one). */
  stream: ProgressStream;
  /** Epochs planned, shown as "epoch e/E". */
  epochs: number;
  /** "bar" or "lines" (default: "bar" when the stream is a TTY). */
  mode?: ProgressMode;
  /** Least time between two redraws of the bar, in ms (default 100). */
  minIntervalMs?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

/**
 * A number in a fixed, short form: 4 decimals in the usual range, exponent form outside.
 * @example formatNumber(0.123456) // "0.1235"
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a === 0 || (a >= 1e-3 && a < 1e5) ? v.toFixed(4) : v.toExponential(3);
}

/**
 * A duration in seconds as "12.3s" or "4m05s".
 * @example formatDuration(125) // "2m05s"
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60), s = Math.floor(seconds - 60 * m);
  return `${m}m${String(s).padStart(2, "0")}s`;
}

function formatRate(v: number): string {
  return Number.isFinite(v) ? `${Math.round(v)} ex/s` : "? ex/s";
}

/**
 * The one-line summary of an epoch, as printed at its end.
 * @example formatEpoch(record, 10) // "epoch 3/10  loss 0.2345  val loss 0.3012  val accuracy 0.9111  1.2s  3456 ex/s"
 */
export function formatEpoch(r: EpochRecord, epochs: number): string {
  const parts = [`epoch ${r.epoch}/${epochs}`, `loss ${formatNumber(r.trainLoss)}`];
  for (const [k, v] of Object.entries(r.trainMetrics)) parts.push(`${k} ${formatNumber(v)}`);
  if (r.valLoss !== null) parts.push(`val loss ${formatNumber(r.valLoss)}`);
  for (const [k, v] of Object.entries(r.valMetrics)) parts.push(`val ${k} ${formatNumber(v)}`);
  parts.push(formatDuration(r.seconds), formatRate(r.examplesPerSec));
  return parts.join("  ");
}

/**
 * Shows training progress on a stream; `fit` drives it, and a hand-written loop can too.
 * @example
 * const p = new train.Progress({ stream: process.stdout, epochs: 3 });
 * p.startEpoch(1, loader.length); // then p.batch(i, runningLoss, rate) per batch, p.endEpoch(record)
 */
export class Progress {
  readonly mode: ProgressMode;
  private readonly stream: ProgressStream;
  private readonly epochs: number;
  private readonly minInterval: number;
  private readonly now: () => number;
  private epoch = 0;
  private batches: number | null = null;
  private started = 0;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(opts: ProgressOptions) {
    if (!opts || typeof opts.stream?.write !== "function") throw new TypeError("Progress: stream must be an object with a write(chunk) method");
    this.stream = opts.stream;
    this.epochs = opts.epochs;
    this.mode = opts.mode ?? (opts.stream.isTTY ? "bar" : "lines");
    this.minInterval = opts.minIntervalMs ?? 100;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Starts an epoch of `batches` batches (null when unknown). */
  startEpoch(epoch: number, batches: number | null): void {
    this.epoch = epoch;
    this.batches = batches;
    this.started = this.now();
    this.lastDraw = -Infinity;
  }

  /** Reports `done` batches finished with the running mean loss and the throughput so far (redraws the bar at most every minIntervalMs, and always at the last batch). */
  batch(done: number, runningLoss: number, examplesPerSec: number): void {
    if (this.mode !== "bar") return;
    const t = this.now();
    if (t - this.lastDraw < this.minInterval && done !== this.batches) return;
    this.lastDraw = t;
    let where: string;
    let eta = "";
    if (this.batches !== null && this.batches > 0) {
      const width = 20, filled = Math.min(width, Math.round((width * done) / this.batches));
      where = `[${"=".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${this.batches}`;
      const perBatch = (t - this.started) / 1000 / Math.max(done, 1);
      eta = `  ETA ${formatDuration(perBatch * (this.batches - done))}`;
    } else {
      where = `batch ${done}`;
    }
    this.draw(`epoch ${this.epoch}/${this.epochs} ${where}  loss ${formatNumber(runningLoss)}  ${formatRate(examplesPerSec)}${eta}`);
  }

  /** Ends the epoch: replaces the bar (or prints a line) with the epoch's summary. */
  endEpoch(record: EpochRecord): void {
    const line = formatEpoch(record, this.epochs);
    if (this.mode === "bar") {
      this.stream.write(`\r\x1b[2K${line}\n`);
      this.drawn = false;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Writes a line of its own (e.g. "early stopping"), keeping the bar intact. */
  message(text: string): void {
    if (this.mode === "bar" && this.drawn) this.stream.write("\r\x1b[2K");
    this.drawn = false;
    this.stream.write(`${text}\n`);
  }

  private draw(line: string): void {
    // A pseudo-terminal may report 0 columns; assume the classic 80 then.
    const cols = this.stream.columns && this.stream.columns > 0 ? this.stream.columns : 80;
    this.stream.write(`\r\x1b[2K${line.length >= cols ? line.slice(0, Math.max(cols - 1, 1)) : line}`);
    this.drawn = true;
  }
}
