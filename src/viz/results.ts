/**
 * The key results of a run in a few plain sentences, for the report's summary and the CLI's
 * closing lines.
 */
import type { LabRecords } from "../lab/types.js";
import { learnedModeGroups } from "./dlnn.js";
import { trajectoryLabel } from "./optimizers.js";

/**
 * One sentence per key result of an experiment's records.
 * @example keyResults(dlnnRecords)[0] // "Final loss 4.30e-15 after 250 epochs."
 */
export function keyResults(r: LabRecords): string[] {
  switch (r.experiment) {
    case "dlnn": {
      const last = r.epochs[r.epochs.length - 1]?.epoch ?? 0;
      if (r.summary.diverged) {
        return [`The network diverged (the loss overflowed) after epoch ${last}: the learning rate ${r.config.lr} is too large for this data; the records stop there.`];
      }
      const out = [`Final loss ${num(r.summary.finalLoss)} after ${r.config.epochs} epoch${r.config.epochs === 1 ? "" : "s"}.`];
      const groups = learnedModeGroups(r);
      const learned = groups.reduce((n, g) => n + g.modes.length, 0);
      const total = r.theory.singularValues.length;
      if (groups.length > 0) out.push(`Modes half learned at: ${groups.map((g) => `${g.label} epoch ${g.epoch}`).join(", ")}.`);
      // A hidden layer narrower than the number of modes can represent only that many of them.
      const capacity = Math.min(total, r.config.hidden);
      if (capacity < total) out.push(`With ${r.config.hidden} hidden unit${r.config.hidden === 1 ? "" : "s"} the network can learn at most ${capacity} of the ${total} modes.`);
      if (learned < capacity) out.push(`${learned} of ${capacity} learnable modes were half learned by the end; more epochs (or a larger learning rate) would show the rest.`);
      else if (capacity === total) out.push(r.summary.learnedInOrder ? "Every mode was learned in the order of its singular value." : "Some modes were learned out of the order of their singular values (nearly equal modes can swap).");
      const err = r.summary.maxHalfTimeError;
      if (err !== null) out.push(err === 0 ? "The discrete-step theory predicts every half-time to the epoch." : `The discrete-step theory predicts every half-time within ${err} epoch${err === 1 ? "" : "s"}.`);
      return out;
    }
    case "illusory": {
      const s = r.summary;
      const last = r.epochs[r.epochs.length - 1]?.epoch ?? 0;
      if (s.diverged) return [`The network diverged (the loss overflowed) after epoch ${last}: the learning rate ${r.config.lr} is too large; the records stop there.`];
      return [
        `The prediction for (${r.item}, ${r.featureName}) peaked at ${s.peak.value.toFixed(3)} at epoch ${s.peak.epoch} although its target is ${r.target}.`,
        `It ended at ${s.final.toFixed(3)}` + (s.settledEpoch !== null ? `, within 0.05 of the target from epoch ${s.settledEpoch} on.` : ", not yet within 0.05 of the target."),
      ];
    }
    case "linreg": {
      const d = r.maxAbsDiff;
      const out = [r.summary.maxDiff === null
        ? `The three maps cannot all be compared: the ${[r.summary.diverged.shallow ? "shallow" : "", r.summary.diverged.deep ? "deep" : ""].filter(Boolean).join(" and ")} network diverged (lower its learning rate).`
        : `The three maps ${r.summary.agree ? "agree" : "do not agree"} within ${r.summary.tolerance}: largest difference ${num(r.summary.maxDiff)}.`];
      out.push(`analytic vs shallow ${diff(d.analyticVsShallow)}, analytic vs deep ${diff(d.analyticVsDeep)}, shallow vs deep ${diff(d.shallowVsDeep)}.`);
      return out;
    }
    case "optimizers": {
      const out = [`lr ${r.config.lr} vs the stability limit 2/λmax = ${num(r.stabilityLimit)} (λmax = ${num(r.lambdaMax)}): full-batch GD ${r.summary.lrStable ? "is stable" : "is unstable"}.`];
      for (const t of r.trajectories) {
        out.push(`${trajectoryLabel(t)}: ${t.diverged ? `diverged at step ${t.divergedAtStep}` : `final loss ${num(t.finalLoss)}, ${num(t.distanceToSolution)} from the least-squares solution${t.converged ? " (converged)" : ""}`}.`);
      }
      return out;
    }
  }
}

function diff(v: number | null): string {
  return v === null ? "n/a (diverged)" : num(v);
}

function num(v: number): string {
  return v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}
