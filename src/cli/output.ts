/**
 * Writes what one lab run produced into a directory: records.json (the records, exactly),
 * every figure as <name>.svg and <name>.png, and report.html that inlines the SVGs.
 */
import fs from "node:fs";
import path from "node:path";
import type { Experiment, LabRecords } from "../lab/types.js";
import { figuresFor, type Figure } from "../viz/figures.js";
import { keyResults } from "../viz/results.js";
import { reportHTML } from "../viz/report.js";
import { renderPNG, renderSVG } from "../viz/render.js";

/** What {@link writeRunOutput} needs. */
export interface RunOutput {
  dir: string;
  experiment: Pick<Experiment<object, LabRecords>, "id" | "title" | "description" | "options">;
  records: LabRecords;
  config: object;
  /** Also write PNG copies of the figures (default true). */
  png?: boolean;
  /** The command line that reproduces the run, shown in the report. */
  command?: string;
  preset?: string;
  version?: string;
}

/** The files written (relative to the directory), the run's key results and its rendered figures. */
export interface WrittenOutput {
  files: string[];
  results: string[];
  figures: RenderedFigure[];
}

/** A figure with its SVG text. */
export interface RenderedFigure {
  figure: Figure;
  svg: string;
}

/** One preset's run, as the index of `--preset all` shows it. */
export interface PresetSection {
  name: string;
  description: string;
  /** Its folder, relative to the index. */
  dir: string;
  results: string[];
  /** Its main figure, shown in the index (none if the experiment drew none). */
  figure: RenderedFigure | undefined;
}

/**
 * Writes records.json, the figures (SVG and PNG) and report.html into `dir` (created if
 * missing) and returns the files' names.
 * @example
 * const { files } = await writeRunOutput({ dir: "out", experiment: dlnnExperiment, records, config });
 */
export async function writeRunOutput(o: RunOutput): Promise<WrittenOutput> {
  try {
    fs.mkdirSync(o.dir, { recursive: true });
  } catch (e) {
    throw new Error(`cannot create the output directory ${o.dir}: ${(e as Error).message}`);
  }
  const files: string[] = [];
  const write = (name: string, data: string | Uint8Array): void => {
    fs.writeFileSync(path.join(o.dir, name), data);
    files.push(name);
  };
  write("records.json", JSON.stringify(o.records));
  const rendered: RenderedFigure[] = [];
  for (const figure of figuresFor(o.records)) {
    const svg = await renderSVG(figure.spec);
    write(`${figure.name}.svg`, svg);
    if (o.png !== false) write(`${figure.name}.png`, renderPNG(svg));
    rendered.push({ figure, svg });
  }
  const results = keyResults(o.records);
  write("report.html", reportHTML({
    title: o.experiment.title,
    description: o.experiment.description,
    experiment: o.experiment.id,
    command: o.command,
    preset: o.preset,
    config: o.config as Record<string, unknown>,
    options: o.experiment.options,
    results,
    figures: rendered,
    files: files.filter((f) => f === "records.json"),
    png: o.png !== false,
    version: o.version,
  }));
  return { files, results, figures: rendered };
}

/**
 * Writes DIR/report.html for a `--preset all` run: each preset's main figure, key results
 * and a link to its own report in DIR/<preset>/.
 * @example writePresetsIndex("out", experiment, sections, "gradlab run optimizers --preset all", "0.1.0")
 */
export function writePresetsIndex(dir: string, experiment: RunOutput["experiment"], sections: readonly PresetSection[], command: string, version?: string): void {
  const figures = sections.flatMap((s) => (s.figure === undefined ? [] : [{
    figure: { ...s.figure.figure, name: s.figure.figure.name, title: `${s.name}: ${s.figure.figure.title}`, caption: `Preset ${s.name}: ${s.description} ${s.figure.figure.caption}` },
    svg: s.figure.svg,
    dir: s.dir,
  }]));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "report.html"), reportHTML({
    title: `${experiment.title}: every preset`,
    description: experiment.description,
    experiment: experiment.id,
    command,
    config: {},
    options: [],
    results: [],
    figures,
    presets: sections.map((s) => ({ name: s.name, description: s.description, dir: s.dir, results: s.results })),
    version,
  }));
}
