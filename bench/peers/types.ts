import type { Unit } from "../protocol.js";

/** A workload made ready for one peer: the unit to time, its thread count, and what to record. */
export interface Prepared {
  unit: Unit;
  /** Compute threads actually used. */
  threads: number;
  /** Free-form facts for the record's `extra`, read after timing (sanity checks, memory). */
  extra: () => Record<string, unknown>;
}

/** The peers the runner knows: gradlab's js backend and TensorFlow.js's cpu and wasm backends. */
export const PEERS = ["gradlab", "tfjs-cpu", "tfjs-wasm"] as const;
export type PeerName = (typeof PEERS)[number];

/** The name written in the record's `peer` field (variants in brackets, per WORKLOADS.md). */
export const RECORD_NAME: Record<PeerName, string> = {
  gradlab: "gradlab[js]",
  "tfjs-cpu": "tfjs[cpu]",
  "tfjs-wasm": "tfjs[wasm]",
};
