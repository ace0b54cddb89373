/**
 * The progress display of `gradlab run`: on a terminal one bar redrawn in place (epoch,
 * percent, elapsed, time left); on anything else (CI logs, pipes, files) a few plain lines,
 * at 0%, 25%, 50%, 75% and 100%, with no control characters.
 */

/** Where progress goes: `process.stderr` fits, as does any object with `write`. */
export interface ProgressSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link RunProgress}. */
export interface RunProgressOptions {
  /** Redraw a bar in place (default: the sink is a TTY). */
  tty?: boolean;
  /** Least time between two redraws of the bar, in ms (default 80). */
  minIntervalMs?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

/**
 * A duration in seconds as "4.2s" or "3m07s".
 * @example formatSeconds(187) // "3m07s"
 */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.floor(s - 60 * m)).padStart(2, "0")}s`;
}

/**
 * Shows the progress of one experiment run; feed it the experiment's progress events.
 * @example
 * const p = new RunProgress("dlnn", process.stderr);
 * const records = dlnn.run(config, (e) => p.update(e.epoch, e.total));
 * p.done();
 */
export class RunProgress {
  private readonly tty: boolean;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly start: number;
  private lastDraw = -Infinity;
  private nextQuarter = 0;
  private drawn = false;
  private last: { epoch: number; total: number } | null = null;

  constructor(private readonly label: string, private readonly sink: ProgressSink, options: RunProgressOptions = {}) {
    this.tty = options.tty ?? sink.isTTY === true;
    this.minIntervalMs = options.minIntervalMs ?? 80;
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
  }

  /** Records that `epoch` of `total` epochs are done; draws when it is time to. */
  update(epoch: number, total: number): void {
    this.last = { epoch, total };
    const frac = total > 0 ? Math.min(1, Math.max(0, epoch / total)) : 1;
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDraw < this.minIntervalMs && epoch < total) return;
      this.lastDraw = t;
      this.sink.write(`\r${this.barLine(epoch, total, frac, t)}\x1b[K`);
      this.drawn = true;
    } else if (frac * 4 >= this.nextQuarter) {
      // One line per quarter reached (several quarters passed at once print once).
      while (this.nextQuarter <= 4 && frac * 4 >= this.nextQuarter) this.nextQuarter++;
      this.sink.write(`${this.plainLine(epoch, total, frac, t)}\n`);
    }
  }

  /** Ends the display: the bar's last state stays on screen with a newline after it. */
  done(): void {
    if (this.tty && this.last !== null) {
      const { epoch, total } = this.last;
      this.sink.write(`\r${this.barLine(epoch, total, total > 0 ? epoch / total : 1, this.now())}\x1b[K\n`);
    } else if (this.tty && this.drawn) this.sink.write("\n");
  }

  /** Seconds since the display was created. */
  elapsedSeconds(): number {
    return (this.now() - this.start) / 1000;
  }

  private barLine(epoch: number, total: number, frac: number, t: number): string {
    const elapsed = (t - this.start) / 1000;
    const eta = frac > 0 && frac < 1 ? formatSeconds((elapsed * (1 - frac)) / frac) : frac >= 1 ? "0.0s" : "?";
    const tail = ` epoch ${epoch}/${total} ${String(Math.round(frac * 100)).padStart(3)}%  ${formatSeconds(elapsed)}  left ${eta}`;
    // A pseudo-terminal may report 0 columns; assume the classic 80 then.
    const columns = this.sink.columns !== undefined && this.sink.columns > 0 ? this.sink.columns : 80;
    const width = Math.max(10, Math.min(30, columns - this.label.length - tail.length - 4));
    const n = Math.round(frac * width);
    return `${this.label} [${"#".repeat(n)}${".".repeat(width - n)}]${tail}`.slice(0, Math.max(20, columns - 1));
  }

  private plainLine(epoch: number, total: number, frac: number, t: number): string {
    return `${this.label}: epoch ${epoch}/${total} (${Math.round(frac * 100)}%) ${formatSeconds((t - this.start) / 1000)}`;
  }
}
