#!/usr/bin/env node
/**
 * The `gradlab` executable (package.json "bin"): wires the lab's registry into the CLI and
 * exits with its code. Everything else lives in main.ts so tests can drive it in-process.
 */
import fs from "node:fs";
import { experimentIds, experiments } from "../lab/registry.js";
import { main, type CliExperiment } from "./main.js";

// package.json sits two levels above both src/cli/ and dist/cli/.
function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

const list: CliExperiment[] = experimentIds.map((id) => experiments[id] as unknown as CliExperiment);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, { experiments: list, version: packageVersion() });
