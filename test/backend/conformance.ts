// The backend conformance suite as vitest blocks: any backend must pass it, case for case.
// Usage, in a *.test.ts file: runConformance(myBackend).

import { describe, expect, it } from "vitest";
import { BINARY_OPS, UNARY_OPS } from "../../src/backend/kernels.js";
import type { KernelName } from "./checks.js";
import { CHECKS, KERNELS } from "./checks.js";
import type { KernelSet } from "./reference.js";

export type { Check, Failure, KernelName } from "./checks.js";
export { CHECKS, runCheck } from "./checks.js";

/**
 * Defines the conformance suite for `backend` as vitest blocks: one `describe` per kernel,
 * one `it` per check, each asserting that the check found no failing case.
 * @example runConformance(jsBackend) // inside a *.test.ts file
 */
export function runConformance(backend: KernelSet): void {
  describe(`backend conformance: ${backend.name}`, () => {
    for (const kernel of Object.keys(KERNELS) as KernelName[]) {
      describe(kernel, () => {
        for (const c of CHECKS.filter((x) => x.kernel === kernel)) {
          it(c.name, () => {
            expect(c.run(backend).map((f) => f.message)).toEqual([]);
          });
        }
      });
    }
    it("has checks for every kernel, unary op and binary op", () => {
      const kernels = new Set(CHECKS.map((c) => c.kernel));
      expect(Object.keys(KERNELS).filter((k) => !kernels.has(k as KernelName))).toEqual([]);
      const names = new Set(CHECKS.map((c) => c.name));
      expect(UNARY_OPS.filter((op) => !names.has(`unary ${op}`))).toEqual([]);
      expect(BINARY_OPS.filter((op) => !names.has(`binary ${op}`))).toEqual([]);
    });
  });
}
