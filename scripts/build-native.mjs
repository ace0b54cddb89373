#!/usr/bin/env node
// `npm install` hook: builds the native backend (build/Release/gradlab_native.node) from
// source with node-gyp. If it cannot be built (no compiler, no headers), the install still
// succeeds: gradlab then runs on the js backend, and this prints one line saying so.
// GRADLAB_SKIP_NATIVE=1 skips the build.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const addon = join(root, "build", "Release", "gradlab_native.node");
const log = join(root, "build", "native-build.log");
const HOW = "install a C++ toolchain (g++, make, python3) and run `npm rebuild gradlab`";

function notice(why) {
  console.log(`gradlab: native backend not built (${why}); gradlab will run on the js backend. For the fast backend, ${HOW}.`);
}

/** node-gyp's CLI: our dependency, else the copy npm bundles (npm passes its path in the environment). */
function findNodeGyp() {
  try {
    return createRequire(join(root, "package.json")).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    const bundled = process.env.npm_config_node_gyp;
    return bundled && existsSync(bundled) ? bundled : null;
  }
}

/** Node's own headers when they are installed beside the binary (offline builds); else node-gyp downloads them. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), "..");
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? [`--nodedir=${prefix}`] : [];
}

function run(gyp, args) {
  const r = spawnSync(process.execPath, [gyp, ...args, ...nodedirArgs()], { cwd: root, encoding: "utf8", env: process.env });
  return { ok: r.status === 0, out: `$ node-gyp ${args.join(" ")}\n${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}\n` };
}

function main() {
  if (process.env.GRADLAB_SKIP_NATIVE === "1") {
    notice("GRADLAB_SKIP_NATIVE=1");
    return;
  }
  const gyp = findNodeGyp();
  if (!gyp) {
    notice("node-gyp not found");
    return;
  }
  // An existing configuration is built incrementally; a fresh checkout (or a failed
  // incremental build) is configured and built from scratch.
  let transcript = "";
  let ok = false;
  if (existsSync(join(root, "build", "config.gypi")) && existsSync(join(root, "build", "Makefile"))) {
    const r = run(gyp, ["build", "--jobs=max"]);
    transcript += r.out;
    ok = r.ok;
  }
  if (!ok) {
    const r = run(gyp, ["rebuild", "--jobs=max"]);
    transcript += r.out;
    ok = r.ok && existsSync(addon);
  }
  try {
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(log, transcript);
  } catch {
    // A read-only install directory only loses the log.
  }
  if (ok) console.log(`gradlab: built the native backend (${addon})`);
  else notice(`the C++ build failed, see ${log}`);
}

try {
  main();
} catch (e) {
  // Whatever went wrong, the install goes on (on the js backend).
  notice(`unexpected error: ${e instanceof Error ? e.message : String(e)}`);
}
