/**
 * The skeleton of an experiment's page: the title and what to look at, the control column,
 * the run panel (status, progress, live curves, key results), the dlnn explorer slot and
 * the figure cards. It only builds elements; the app fills and updates them.
 */
import type { ExperimentId, Preset } from "../../src/lab/types.js";
import { pageOrder, pages } from "./catalog.js";
import { h } from "./dom.js";

/** The elements of a page the app writes into. */
export interface PageElements {
  root: HTMLElement;
  problems: HTMLElement;
  controls: HTMLElement;
  presets: HTMLSelectElement;
  reset: HTMLButtonElement;
  copyLink: HTMLButtonElement;
  download: HTMLAnchorElement;
  status: HTMLElement;
  statusText: HTMLElement;
  progress: HTMLProgressElement;
  live: HTMLElement;
  results: HTMLElement;
  explorer: HTMLElement;
  figures: HTMLElement;
}

/**
 * Fills the nav with one link per experiment, marking `current`.
 * @example renderNav(document.getElementById("nav")!, "dlnn")
 */
export function renderNav(nav: HTMLElement, current: ExperimentId): void {
  nav.replaceChildren(...pageOrder.map((id) => {
    const a = h("a", { href: `?exp=${id}`, "data-experiment": id }, pages[id].nav);
    if (id === current) a.setAttribute("aria-current", "page");
    return a;
  }));
}

/**
 * Builds the page of an experiment.
 * @example const page = buildPage("dlnn", exp.title, exp.description, exp.presets); app.replaceChildren(page.root)
 */
export function buildPage(id: ExperimentId, title: string, description: string, presets: readonly Preset<object>[]): PageElements {
  const text = pages[id];
  const problems = h("div", { class: "problems", role: "status", hidden: "" });
  const presetSelect = h("select", { id: "preset", "aria-label": "preset" },
    h("option", { value: "" }, "choose a preset…"),
    ...presets.map((p) => h("option", { value: p.name, title: p.description }, `${p.name}: ${p.description}`))) as HTMLSelectElement;
  const reset = h("button", { type: "button", id: "reset" }, "Reset to defaults") as HTMLButtonElement;
  const copyLink = h("button", { type: "button", id: "copy-link", title: "The link holds every setting of this page" }, "Copy link") as HTMLButtonElement;
  const download = h("a", { id: "download", class: "button", hidden: "", download: `${id}-records.json` }, "Download records (JSON)") as HTMLAnchorElement;
  const controls = h("div", { id: "controls" });
  const statusText = h("span", { class: "status-text" }, "starting…");
  const progress = h("progress", { max: "1", value: "0", "aria-label": "training progress" }) as HTMLProgressElement;
  const status = h("div", { id: "status", class: "status", "data-status": "idle", "data-run": "0" }, statusText, progress);
  const live = h("div", { id: "live", class: "live", "data-figure": "live" });
  const results = h("ul", { id: "results", class: "results" });
  const explorer = h("section", { id: "explorer", class: "card explorer", hidden: "" });
  const figures = h("section", { id: "figures", class: "figures" });
  const root = h("div", { class: "page", "data-experiment": id },
    h("section", { class: "intro" },
      h("h1", {}, title),
      h("p", { class: "lead" }, text.lead),
      h("details", { class: "look", open: "" },
        h("summary", {}, "What to look for"),
        h("ul", {}, ...text.look.map((s) => h("li", {}, s)))),
      h("p", { class: "registry-description" }, description),
      problems),
    h("div", { class: "layout" },
      h("aside", { class: "sidebar", "aria-label": "Controls" },
        h("h2", {}, "Settings"),
        h("p", { class: "hint" }, "Moving a control restarts the run; the page's address keeps every setting, so a link reproduces this picture."),
        presetSelect,
        controls,
        h("div", { class: "buttons" }, reset, copyLink, download)),
      h("div", { class: "content" },
        h("section", { class: "card run" }, status, live, results),
        explorer,
        figures)));
  return { root, problems, controls, presets: presetSelect, reset, copyLink, download, status, statusText, progress, live, results, explorer, figures };
}
