/**
 * The `gradlab` command: `gradlab list` names the lab's experiments and their options,
 * `gradlab run <experiment> [--option value ...] [--out DIR]` runs one and writes its records,
 * figures and report, `gradlab lab` serves the web lab. Every mistake on the command line
 * ends in one line on stderr and a non-zero exit code, never a stack trace.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import type { Experiment, LabRecords, OptionSpec, OptionValue } from "../lab/types.js";
import { flagName, formatValue, parseOptionText, rangeText, valuePlaceholder } from "./options.js";
import { RunProgress, formatSeconds, type ProgressSink } from "./progress.js";
import { writePresetsIndex, writeRunOutput, type PresetSection, type WrittenOutput } from "./output.js";
import { serveStatic, type StaticServer } from "./serve.js";

/** An experiment as the CLI drives it (any config type; records of the lab). */
export type CliExperiment = Experiment<object, LabRecords>;

/** Where the CLI writes, and where relative paths start. */
export interface CliIO {
  stdout: ProgressSink;
  stderr: ProgressSink;
  /** Directory that relative `--out` paths are resolved against (default process.cwd()). */
  cwd?: string;
}

/** What the CLI needs besides its arguments: the experiments and the version it reports. */
export interface CliContext {
  experiments: readonly CliExperiment[];
  version: string;
  /** Folder of the built web lab for `gradlab lab` (default: dist-web/ beside dist/). */
  webRoot?: string;
  /** Called with the running server of `gradlab lab` (tests use it to stop the server). */
  onServing?: (server: StaticServer) => void;
}

/** Exit codes: 0 success, 1 a run that failed, 2 a usage mistake (bad command, option or value). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A mistake on the command line: printed as one line, exit code 2. */
class UsageError extends Error {}

/** Options of `run` common to every experiment (they must not clash with an experiment's own). */
const RUN_FLAGS = ["out", "preset", "png", "quiet"];

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns the exit code.
 * @example
 * process.exitCode = await main(["run", "dlnn", "--epochs", "50", "--out", "out"], { stdout: process.stdout, stderr: process.stderr }, ctx);
 */
export async function main(argv: readonly string[], io: CliIO, ctx: CliContext): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, ctx, (c) => { code = c; });
  try {
    const [command, experiment] = argv;
    if (command === "run" && experiment !== undefined && !experiment.startsWith("-") && !ctx.experiments.some((e) => e.id === experiment)) {
      throw new UsageError(`gradlab run: unknown experiment '${experiment}' (experiments: ${ctx.experiments.map((e) => e.id).join(", ")})`);
    }
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end with exit code 0; commander has already printed the message.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`${oneLine(err.message)}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`gradlab: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
    if (process.env.GRADLAB_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_FAILED;
  }
}

function buildProgram(io: CliIO, ctx: CliContext, setCode: (c: number) => void): Command {
  const program = new Command("gradlab")
    .description("gradlab's learning lab: run the classic experiments of deep learning and get their figures and report.")
    .version(ctx.version, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => { io.stdout.write(s); },
      writeErr: (s) => { io.stderr.write(s); },
      outputError: (s, write) => { write(`gradlab: ${oneLine(s.replace(/^error: /, ""))}\n`); },
    });

  program.command("list")
    .description("list the experiments with their options and defaults")
    .action(() => { io.stdout.write(listText(ctx.experiments)); });

  const run = program.command("run")
    .description("run an experiment; writes DIR/records.json, DIR/report.html and every figure as SVG and PNG")
    .usage("<experiment> [options]")
    .helpCommand(false);
  for (const exp of ctx.experiments) addExperimentCommand(run, exp, io, ctx, setCode);

  program.command("lab")
    .description("serve the interactive web lab on 127.0.0.1 (built by `npm run build:web`)")
    .option("--port <port>", "port to listen on", "8321")
    .action(async (opts: { port: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`gradlab lab: --port must be an integer in [0, 65535], got '${opts.port}'`);
      const root = ctx.webRoot ?? fileURLToPath(new URL("../../dist-web/", import.meta.url));
      if (!fs.existsSync(path.join(root, "index.html"))) {
        throw new UsageError(`gradlab lab: the web lab is not built (${path.join(root, "index.html")} is missing): run \`npm run build:web\` first`);
      }
      let server;
      try {
        server = await serveStatic(root, port);
      } catch (e) {
        throw new Error(`gradlab lab: cannot listen on 127.0.0.1:${port} (${(e as Error).message}); try --port 0 for a free port`);
      }
      io.stdout.write(`gradlab lab: serving the web lab at ${server.url}/?exp=dlnn  (Ctrl+C to stop)\n`);
      ctx.onServing?.(server);
    });
  return program;
}

function addExperimentCommand(run: Command, exp: CliExperiment, io: CliIO, ctx: CliContext, setCode: (c: number) => void): void {
  const cmd = run.command(exp.id).summary(exp.title).description(`${exp.title}: ${exp.description}`);
  const byAttribute = new Map<string, OptionSpec>();
  for (const spec of exp.options) {
    if (RUN_FLAGS.includes(spec.name)) throw new Error(`gradlab: experiment ${exp.id} has an option "${spec.name}" that clashes with the run command's own --${spec.name}`);
    const flag = flagName(spec.name);
    const help = `${spec.description} (default ${formatValue(spec.default)}${rangeText(spec) ? `; ${rangeText(spec)}` : ""})`;
    byAttribute.set(spec.name, spec);
    if (spec.type === "boolean") {
      cmd.addOption(checkedAttribute(new Option(`--${flag}`, help), spec, exp));
      cmd.addOption(checkedAttribute(new Option(`--no-${flag}`, `turn ${spec.name} off`), spec, exp));
    } else {
      const option = new Option(`--${flag} ${valuePlaceholder(spec)}`, help).argParser((text: string) => {
        try {
          return parseOptionText(spec, text);
        } catch (e) {
          throw new UsageError(`gradlab run ${exp.id}: --${flag} ${(e as Error).message}`);
        }
      });
      cmd.addOption(checkedAttribute(option, spec, exp));
    }
  }
  const defaultOut = path.join("lab-output", exp.id);
  cmd.option("--out <dir>", `directory for records.json, report.html and the figures (default ${defaultOut})`);
  if (exp.presets.length > 0) {
    const names = exp.presets.map((p) => p.name);
    cmd.addOption(new Option("--preset <name>", "start from a named preset, or run every preset with 'all' (one sub-folder each); options given beside it override it").choices([...names, "all"]));
  }
  cmd.option("--no-png", "write the figures as SVG only");
  cmd.option("--quiet", "print no progress");
  cmd.action(async (opts: Record<string, unknown>) => {
    const flags: Record<string, OptionValue> = {};
    for (const [name] of byAttribute) {
      const v = opts[name];
      if (v !== undefined) flags[name] = v as OptionValue;
    }
    const out = typeof opts.out === "string" ? opts.out : undefined;
    const outDir = path.resolve(io.cwd ?? process.cwd(), out ?? defaultOut);
    const settings = { quiet: opts.quiet === true, png: opts.png !== false };
    if (opts.preset === "all") {
      await runAllPresets(exp, flags, outDir, out, settings, byAttribute, io, ctx);
    } else {
      const preset = typeof opts.preset === "string" ? exp.presets.find((p) => p.name === opts.preset) : undefined;
      const partial = { ...(preset?.config as Record<string, OptionValue> | undefined), ...flags };
      const done = await runOne(exp, partial, outDir, settings, io, ctx, preset?.name, commandLine(exp.id, flags, preset?.name, out, byAttribute));
      io.stdout.write(`${done.results.map((r) => `  ${r}`).join("\n")}\n`);
      io.stdout.write(`Wrote ${done.files.length} files to ${outDir}\nReport: ${path.join(outDir, "report.html")}\n`);
    }
    setCode(EXIT_OK);
  });
}

interface RunSettings { quiet: boolean; png: boolean }

/** Validates, runs and writes one configuration of an experiment. */
async function runOne(exp: CliExperiment, partial: Record<string, OptionValue>, outDir: string, settings: RunSettings, io: CliIO, ctx: CliContext, preset: string | undefined, command: string): Promise<WrittenOutput> {
  let config: object;
  try {
    config = exp.validate(partial);
  } catch (e) {
    throw new UsageError(`gradlab run ${exp.id}${preset ? ` --preset ${preset}` : ""}: ${(e as Error).message}`);
  }
  const label = preset ? `${exp.id} ${preset}` : exp.id;
  const progress = settings.quiet ? null : new RunProgress(label, io.stderr);
  const t0 = performance.now();
  const records = exp.run(config, progress ? (p) => progress.update(p.epoch, p.total) : undefined);
  progress?.done();
  if (!settings.quiet) io.stderr.write(`${label}: ran in ${formatSeconds((performance.now() - t0) / 1000)}; drawing the figures...\n`);
  return writeRunOutput({ dir: outDir, experiment: exp, records, config, png: settings.png, version: ctx.version, preset, command });
}

/** `--preset all`: every preset into DIR/<preset>/, and DIR/report.html showing each preset's main figure. */
async function runAllPresets(exp: CliExperiment, flags: Record<string, OptionValue>, outDir: string, out: string | undefined, settings: RunSettings, specs: Map<string, OptionSpec>, io: CliIO, ctx: CliContext): Promise<void> {
  const sections: PresetSection[] = [];
  for (const preset of exp.presets) {
    const dir = path.join(outDir, preset.name);
    const partial = { ...(preset.config as Record<string, OptionValue>), ...flags };
    const command = commandLine(exp.id, flags, preset.name, out === undefined ? undefined : path.join(out, preset.name), specs);
    const done = await runOne(exp, partial, dir, settings, io, ctx, preset.name, command);
    sections.push({ name: preset.name, description: preset.description, dir: preset.name, results: done.results, figure: done.figures[0] });
    io.stdout.write(`${preset.name}:\n${done.results.map((r) => `  ${r}`).join("\n")}\n`);
  }
  writePresetsIndex(outDir, exp, sections, commandLine(exp.id, flags, "all", out, specs), ctx.version);
  io.stdout.write(`Wrote ${sections.length} preset runs to ${outDir}\nReport: ${path.join(outDir, "report.html")}\n`);
}

// Commander stores --n-features as nFeatures; an option name that does not round-trip would be silently lost.
function checkedAttribute(option: Option, spec: OptionSpec, exp: CliExperiment): Option {
  if (option.attributeName() !== spec.name) throw new Error(`gradlab: option "${spec.name}" of ${exp.id} cannot be a flag (it reads back as "${option.attributeName()}")`);
  return option;
}

/** The command line that reproduces a run (preset first, then the explicit options). */
function commandLine(id: string, partial: Record<string, OptionValue>, preset: string | undefined, out: string | undefined, specs: Map<string, OptionSpec>): string {
  const parts = ["gradlab", "run", id];
  if (preset !== undefined) parts.push("--preset", preset);
  for (const [name, v] of Object.entries(partial)) {
    const spec = specs.get(name);
    if (spec === undefined) continue;
    if (spec.type === "boolean") parts.push(v ? `--${flagName(name)}` : `--no-${flagName(name)}`);
    else parts.push(`--${flagName(name)}`, formatValue(v));
  }
  if (out !== undefined) parts.push("--out", out);
  return parts.map(shellQuote).join(" ");
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * The text of `gradlab list`: every experiment, its options (flag, default, range) and presets.
 * @example listText(experiments).startsWith("Experiments") // true
 */
export function listText(experiments: readonly CliExperiment[]): string {
  const lines = ["Experiments (run one with: gradlab run <experiment> [options] [--out DIR]; --help shows the same per experiment):", ""];
  for (const exp of experiments) {
    lines.push(`${exp.id}: ${exp.title}`, ...wrap(exp.description, 2), "");
    for (const o of exp.options) {
      const flag = o.type === "boolean" ? `--${flagName(o.name)} / --no-${flagName(o.name)}` : `--${flagName(o.name)} ${valuePlaceholder(o)}`;
      const range = rangeText(o);
      lines.push(`  ${flag}  (default ${formatValue(o.default)}${range ? `; ${range}` : ""})`, ...wrap(o.description, 6));
    }
    if (exp.presets.length > 0) {
      lines.push("  --preset NAME, one of:");
      for (const p of exp.presets) lines.push(...wrap(`${p.name}: ${p.description}`, 6));
      lines.push(...wrap("all: every preset, each into its own folder", 6));
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** Words of `text` in lines of at most 90 columns, each indented by `indent` spaces. */
function wrap(text: string, indent: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && indent + line.length + 1 + word.length > 90) { out.push(" ".repeat(indent) + line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(" ".repeat(indent) + line);
  return out;
}

function oneLine(s: string): string {
  return s.trim().replace(/\s*\n\s*/g, " ");
}
