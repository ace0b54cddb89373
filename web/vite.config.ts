/**
 * Vite build of the web lab: the page in web/ with gradlab's TypeScript sources bundled
 * in (src/lab runs in a Web Worker), written to dist-web/ with relative asset paths so
 * `gradlab lab` can serve the folder from any URL prefix.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root: webRoot,
  base: "./",
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("../dist-web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // Vega is about 1 MB minified: expected, not a warning worth printing.
    chunkSizeWarningLimit: 2500,
    sourcemap: false,
  },
  worker: { format: "es" },
  // The dev server must read gradlab's src/ beside web/.
  server: { fs: { allow: [repoRoot] } },
  clearScreen: false,
});
