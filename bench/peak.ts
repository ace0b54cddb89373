import fs from "node:fs";
import os from "node:os";

// The machine's fp32 peak, against which SGEMM is reported as a percentage.
//
//   peak = cores x FLOP/cycle/core x clock
//        = 2 x 32 x 3.55 GHz = 227 GFLOP/s
//
// FLOP/cycle/core: Zen 4 issues 2 FMA per cycle on 256-bit pipes (an AVX-512 FMA runs as two
// halves), 8 fp32 lanes each, an FMA counting 2 FLOP: 2 x 8 x 2 = 32 (AVX2 and AVX-512 alike).
// Clock: NOT measured here (JS cannot run a register-only FMA loop); taken from
// /work/shared/bench/PEERS.md, where such a loop sustained about 3.55 GHz on this machine
// kind. /proc/cpuinfo's "cpu MHz" (about 2596 on these VMs) is the nominal figure the
// hypervisor reports, not the clock the cores run at, so it is printed for reference only.

/** The figures of the derivation above. */
export const PEAK = { flopPerCycle: 32, ghz: 3.55, clockSource: "PEERS.md (register-only FMA loop, about 3.55 GHz sustained)" } as const;

/** Cores of this machine (2 here). */
export function machineCores(): number {
  return os.cpus().length;
}

/** fp32 peak in GFLOP/s of `cores` cores (default: the whole machine). */
export function peakGflops(cores = machineCores()): number {
  return cores * PEAK.flopPerCycle * PEAK.ghz;
}

/** /proc/cpuinfo's nominal MHz, or null where there is none. */
function cpuinfoMhz(): number | null {
  try {
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The derivation, one line, as the table prints it once. */
export function peakDerivation(): string {
  const cores = machineCores();
  const mhz = cpuinfoMhz();
  return `fp32 peak = ${cores} cores x ${PEAK.flopPerCycle} FLOP/cycle (2 FMA pipes x 8 fp32 lanes x 2 FLOP) x ${PEAK.ghz} GHz = ${peakGflops().toFixed(0)} GFLOP/s ` +
    `(${peakGflops(1).toFixed(0)} per core); clock from ${PEAK.clockSource}, not measured by this run` +
    (mhz ? `; /proc/cpuinfo says ${mhz.toFixed(0)} MHz (nominal, not used)` : "");
}
