import { defineConfig } from "vitest/config";

// The browser tests: slow (they build the lab and train every experiment), so they run on
// their own with `npm run test:e2e`, one file at a time, never in parallel with each other.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 400_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    reporters: ["default"],
  },
});
