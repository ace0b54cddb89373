/**
 * The web lab's controller: it holds the one LabState, mirrors it to the URL, builds the
 * page of the current experiment, restarts the worker's run whenever a setting changes,
 * streams the live curves while it trains and draws the figures when it is done.
 */
import { getExperiment } from "../../src/lab/registry.js";
import type { ExperimentId, LabRecords, OptionValue } from "../../src/lab/types.js";
import { figuresFor } from "../../src/viz/figures.js";
import { keyResults } from "../../src/viz/results.js";
import { pageOrder, pages, schemas } from "./catalog.js";
import { drawChart, type Chart } from "./charts.js";
import { ControlPanel } from "./controls.js";
import { h } from "./dom.js";
import { EPOCH_PARAM, explorableEpochs, explorerSpec, initialEpoch } from "./explore.js";
import { formatDuration } from "./format.js";
import { liveChart, type LiveChart, type LiveRows } from "./live.js";
import { buildPage, renderNav, type PageElements } from "./page.js";
import type { ProgressMessage } from "./protocol.js";
import { Runner, type WorkerLike } from "./runner.js";
import { defaultState, parseQuery, sameValue, toQuery, type LabState } from "./state.js";

/** The run status the page shows (and end-to-end tests wait on): data-status on #status. */
export type RunStatus = "idle" | "running" | "rendering" | "done" | "error";

/** The live chart of the current run: its spec, its view once drawn, rows waiting for it. */
interface LiveState {
  runId: number;
  live: LiveChart;
  chart: Chart | null;
  /** The chart is being (or has been) drawn from the first rows. */
  drawing: boolean;
  waiting: LiveRows[];
}

/**
 * The lab application on a page with a nav element and an app element.
 * @example new LabApp(document.getElementById("nav")!, document.getElementById("app")!, () => new Worker(url, { type: "module" })).start();
 */
export class LabApp {
  private state: LabState;
  private page!: PageElements;
  private panel!: ControlPanel;
  private readonly runner: Runner;
  /** Each experiment's last config, so the nav returns to where the user left it. */
  private readonly remembered = new Map<ExperimentId, Record<string, OptionValue>>();
  private liveState: LiveState | null = null;
  private charts: Chart[] = [];
  private explorerChart: Chart | null = null;
  private downloadUrl: string | null = null;

  constructor(private readonly nav: HTMLElement, private readonly app: HTMLElement, createWorker: () => WorkerLike) {
    this.state = defaultState(schemas.dlnn);
    this.runner = new Runner(createWorker, {
      progress: (m) => this.onProgress(m),
      done: (records, ms, runId) => { void this.onDone(records, ms, runId); },
      error: (message) => this.onError(message),
    });
  }

  /** Reads the state from the URL, draws the page and starts its run; follows back/forward. */
  start(): void {
    this.nav.addEventListener("click", (e) => {
      const link = (e.target as HTMLElement).closest("a[data-experiment]");
      if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
      e.preventDefault();
      this.switchTo(link.getAttribute("data-experiment") as ExperimentId);
    });
    window.addEventListener("popstate", () => this.loadFromUrl());
    this.loadFromUrl();
  }

  private loadFromUrl(): void {
    const { state, problems } = parseQuery(window.location.search, schemas, pageOrder[0]);
    this.show(state, problems);
    // Write back the normalised query (bad keys dropped), keeping the history entry.
    window.history.replaceState(null, "", toQuery(this.state, schemas));
  }

  private switchTo(id: ExperimentId): void {
    if (id === this.state.experiment) return;
    this.remembered.set(this.state.experiment, this.state.config);
    const state = defaultState(schemas[id]);
    const kept = this.remembered.get(id);
    if (kept) state.config = kept;
    this.show(state, []);
    window.history.pushState(null, "", toQuery(this.state, schemas));
  }

  /** Builds the page of `state`'s experiment and runs it. */
  private show(state: LabState, problems: readonly string[]): void {
    this.state = state;
    const exp = getExperiment(state.experiment);
    renderNav(this.nav, state.experiment);
    document.title = `${pages[state.experiment].nav} · gradlab lab`;
    this.freeCharts();
    this.page = buildPage(state.experiment, exp.title, exp.description, exp.presets as never);
    this.panel = new ControlPanel(state.experiment, exp.options, pages[state.experiment].primary, state.config, (name, value) => this.onOptionChange(name, value));
    this.page.controls.append(this.panel.element);
    this.page.problems.hidden = problems.length === 0;
    this.page.problems.replaceChildren(h("strong", {}, "Some settings in the link could not be used: "), ...problems.map((p) => h("div", {}, p)));
    this.page.presets.addEventListener("change", () => this.applyPreset(this.page.presets.value));
    this.page.reset.addEventListener("click", () => this.setConfig(defaultState(schemas[this.state.experiment]).config));
    this.page.copyLink.addEventListener("click", () => this.copyLink());
    this.app.replaceChildren(this.page.root);
    this.run();
  }

  private onOptionChange(name: string, value: OptionValue): void {
    const old = this.state.config[name];
    // Runs are deterministic: the same value would redraw the same picture.
    if (old !== undefined && sameValue(old, value)) { this.panel.setError(name, null); return; }
    const next = { ...this.state.config, [name]: value };
    try {
      schemas[this.state.experiment].validate(next);
    } catch (err) {
      this.panel.setError(name, err instanceof Error ? err.message : String(err));
      return;
    }
    this.panel.clearErrors();
    this.state.config = next;
    window.history.replaceState(null, "", toQuery(this.state, schemas));
    this.run();
  }

  private applyPreset(name: string): void {
    const preset = getExperiment(this.state.experiment).presets.find((p) => p.name === name);
    this.page.presets.value = "";
    if (preset) this.setConfig(schemas[this.state.experiment].validate(preset.config as Record<string, unknown>) as Record<string, OptionValue>);
  }

  private setConfig(config: Record<string, OptionValue>): void {
    this.state.config = { ...config };
    this.panel.set(this.state.config);
    window.history.replaceState(null, "", toQuery(this.state, schemas));
    this.run();
  }

  private copyLink(): void {
    const href = window.location.href;
    const say = (text: string): void => { this.page.copyLink.textContent = text; window.setTimeout(() => { this.page.copyLink.textContent = "Copy link"; }, 1600); };
    if (!navigator.clipboard) { window.prompt("Copy this link:", href); return; }
    navigator.clipboard.writeText(href).then(() => say("Link copied"), () => window.prompt("Copy this link:", href));
  }

  // -------------------------------------------------------------------------------------
  // Runs

  private run(): void {
    const runId = this.runner.start(this.state.experiment, this.state.config);
    this.setStatus("running", runId, "training… (starting the worker)");
    this.page.progress.value = 0;
    this.page.results.replaceChildren();
    this.page.figures.classList.add("stale");
    this.page.explorer.classList.add("stale");
    this.page.live.hidden = false;
    this.resetLive(runId);
  }

  private resetLive(runId: number): void {
    this.liveState?.chart?.finalize();
    this.page.live.replaceChildren();
    this.liveState = { runId, live: liveChart(this.state.experiment, this.state.config), chart: null, drawing: false, waiting: [] };
  }

  /** Draws the live chart from its first rows; rows that arrive meanwhile wait for it. */
  private async drawLive(state: LiveState, first: LiveRows): Promise<void> {
    state.drawing = true;
    const chart = await drawChart(this.page.live, state.live.spec(first), false);
    if (this.liveState !== state) { chart.finalize(); return; }
    state.chart = chart;
    for (const rows of state.waiting) this.insertLive(chart, rows);
    state.waiting = [];
    await chart.view.runAsync();
  }

  private insertLive(chart: Chart, rows: LiveRows): void {
    for (const [name, values] of Object.entries(rows)) if (values.length > 0) chart.view.insert(name, values);
  }

  private onProgress(m: ProgressMessage): void {
    this.page.statusText.textContent = `training… epoch ${m.epoch} of ${m.total}`;
    this.page.progress.value = m.total > 0 ? m.epoch / m.total : 0;
    const live = this.liveState;
    if (!live || live.runId !== m.runId || m.partials.length === 0) return;
    const rows = live.live.rows(m.partials);
    if (!live.drawing) void this.drawLive(live, rows);
    else if (live.chart === null) live.waiting.push(rows);
    else {
      this.insertLive(live.chart, rows);
      void live.chart.view.runAsync();
    }
  }

  private onError(message: string): void {
    this.setStatus("error", this.runner.runId, `The run failed: ${message}`);
    this.page.live.hidden = true;
  }

  private async onDone(records: LabRecords, ms: number, runId: number): Promise<void> {
    this.setStatus("rendering", runId, `finished in ${formatDuration(ms)}; drawing the figures…`);
    this.page.progress.value = 1;
    this.page.results.replaceChildren(...keyResults(records).map((s) => h("li", {}, s)));
    this.offerDownload(records);
    const figures = figuresFor(records);
    const cards: HTMLElement[] = [], targets: HTMLElement[] = [];
    for (const f of figures) {
      const target = h("div", { class: "chart", "data-figure": f.name });
      targets.push(target);
      cards.push(h("figure", { class: "card figure", id: `figure-${f.name}`, "aria-label": f.title }, target, h("figcaption", {}, f.caption)));
    }
    const drawn: Chart[] = [];
    try {
      for (let i = 0; i < figures.length; i++) {
        drawn.push(await drawChart(targets[i]!, figures[i]!.spec));
        if (this.runner.runId !== runId) break;
      }
      if (this.runner.runId === runId && records.experiment === "dlnn") await this.showExplorer(records, runId);
    } catch (err) {
      for (const c of drawn) c.finalize();
      if (this.runner.runId === runId) this.onError(`could not draw the figures: ${err instanceof Error ? err.message : String(err)}`);
      console.error(err);
      return;
    }
    if (this.runner.runId !== runId) { for (const c of drawn) c.finalize(); return; }
    for (const c of this.charts) c.finalize();
    this.charts = drawn;
    this.page.figures.replaceChildren(...cards);
    this.page.figures.classList.remove("stale");
    this.liveState?.chart?.finalize();
    this.liveState = null;
    this.page.live.replaceChildren();
    this.page.live.hidden = true;
    const diverged = "summary" in records && (records.summary as { diverged?: unknown }).diverged === true;
    this.setStatus("done", runId, `Run ${runId} finished in ${formatDuration(ms)}${diverged ? " — the loss diverged: lower the learning rate" : ""}.`);
  }

  private async showExplorer(records: LabRecords & { experiment: "dlnn" }, runId: number): Promise<void> {
    const epochs = explorableEpochs(records);
    const section = this.page.explorer;
    this.explorerChart?.finalize();
    this.explorerChart = null;
    if (epochs.length === 0) {
      section.replaceChildren(h("h2", {}, "Explore an epoch"), h("p", { class: "hint" }, "Turn on “record similarity matrices” to explore the hidden layer's similarity epoch by epoch."));
      section.hidden = false;
      section.classList.remove("stale");
      return;
    }
    const epoch = initialEpoch(records, this.state.view.epoch);
    const readout = h("output", { for: "explore-epoch", id: "explore-epoch-value" }, String(epoch));
    const slider = h("input", { type: "range", id: "explore-epoch", min: String(epochs[0]), max: String(epochs[epochs.length - 1]), step: "1", value: String(epoch), "aria-label": "epoch to explore" }) as HTMLInputElement;
    const target = h("div", { class: "chart", "data-figure": "explorer" });
    section.replaceChildren(
      h("h2", {}, "Explore an epoch"),
      h("p", { class: "hint" }, "The tutorial's interactive figure: pick an epoch to see the hidden layer's representational similarity matrix at that point of training. The shaded line marks the epoch on the curves; moving it does not re-run the training."),
      h("div", { class: "epoch-control" }, h("label", { for: "explore-epoch" }, "epoch"), slider, readout),
      target);
    section.hidden = false;
    const chart = await drawChart(target, explorerSpec(records, epoch));
    if (this.runner.runId !== runId) { chart.finalize(); return; }
    this.explorerChart = chart;
    section.classList.remove("stale");
    slider.addEventListener("input", () => {
      readout.textContent = slider.value;
      void chart.view.signal(EPOCH_PARAM, Number(slider.value)).runAsync();
    });
    // The URL follows on release only: browsers throttle rapid history updates.
    slider.addEventListener("change", () => {
      this.state.view.epoch = Number(slider.value);
      window.history.replaceState(null, "", toQuery(this.state, schemas));
    });
  }

  private offerDownload(records: LabRecords): void {
    if (this.downloadUrl !== null) URL.revokeObjectURL(this.downloadUrl);
    this.downloadUrl = URL.createObjectURL(new Blob([JSON.stringify(records)], { type: "application/json" }));
    this.page.download.href = this.downloadUrl;
    this.page.download.hidden = false;
  }

  private setStatus(status: RunStatus, runId: number, text: string): void {
    this.page.status.dataset.status = status;
    this.page.status.dataset.run = String(runId);
    this.page.statusText.textContent = text;
    this.page.status.classList.toggle("error", status === "error");
  }

  private freeCharts(): void {
    for (const c of this.charts) c.finalize();
    this.charts = [];
    this.explorerChart?.finalize();
    this.explorerChart = null;
    this.liveState?.chart?.finalize();
    this.liveState = null;
  }
}
