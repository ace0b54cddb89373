import type { Unit } from "../protocol.js";

/** A workload made ready for one peer: the unit to time, its thread count, and what to record. */
export interface Prepared {
  unit: Unit;
  /** Compute threads actually used. */
  threads: number;
  /** Free-form facts for the record's `extra`, read after timing (sanity checks, memory). */
  extra: () => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * The peers the runner knows. gradlab-native and pytorch run once per thread count of
 * --threads; the others are single-threaded runtimes and run once with 1 thread.
 */
export const PEERS = ["gradlab-native", "gradlab-js", "pytorch", "tfjs-cpu", "tfjs-wasm"] as const;
export type PeerName = (typeof PEERS)[number];

/** Peers with a thread knob (run with each count of --threads). */
export const THREADED: readonly PeerName[] = ["gradlab-native", "pytorch"];

/** The name written in the record's `peer` field (variants in brackets, per WORKLOADS.md). */
export const RECORD_NAME: Record<PeerName, string> = {
  "gradlab-native": "gradlab[native]",
  "gradlab-js": "gradlab[js]",
  pytorch: "pytorch",
  "tfjs-cpu": "tfjs[cpu]",
  "tfjs-wasm": "tfjs[wasm]",
};
