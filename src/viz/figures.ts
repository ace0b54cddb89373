/**
 * The figures of each experiment, in report order: a file name, a title, a caption that
 * explains what to see (with the run's own numbers) and the Vega-Lite spec. The CLI report
 * and the web lab both list figures from here, so they show the same pictures.
 */
import type { TopLevelSpec } from "vega-lite";
import type { DlnnRecords, IllusoryRecords, LabRecords, LinregRecords, OptimizersRecords } from "../lab/types.js";
import { dlnnLossSpec, dlnnModesSpec, dlnnRsmSpec, learnedModeGroups } from "./dlnn.js";
import { illusorySpec } from "./illusory.js";
import { linregDiffSpec, linregLossSpec, linregMapsSpec } from "./linreg.js";
import { optimizersLossSpec, optimizersPathsSpec, optimizersSurfaceSpec, outcomeText, trajectoryLabel } from "./optimizers.js";

/** One figure of a report: `name` is its file name (without extension). */
export interface Figure {
  name: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/**
 * The figures of an experiment's records, in the order a report shows them.
 * @example
 * for (const f of figuresFor(records)) fs.writeFileSync(`${f.name}.svg`, await renderSVG(f.spec));
 */
export function figuresFor(records: LabRecords): Figure[] {
  switch (records.experiment) {
    case "dlnn": return dlnnFigures(records);
    case "illusory": return illusoryFigures(records);
    case "linreg": return linregFigures(records);
    case "optimizers": return optimizersFigures(records);
  }
}

function dlnnFigures(r: DlnnRecords): Figure[] {
  const c = r.config;
  const groups = learnedModeGroups(r);
  const drops = groups.map((g) => `${g.label} at epoch ${g.epoch}`).join(", ");
  const err = r.summary.maxHalfTimeError;
  const out: Figure[] = [
    {
      name: "loss",
      title: "Training loss",
      caption: `The mean squared error over the ${r.items.length} items after each full-batch SGD step (lr ${c.lr}, initial weight scale γ = ${c.gamma}, ${c.hidden} hidden units). `
        + "Starting from almost zero weights the network sits on a saddle: the loss stays flat, then drops suddenly when the strongest mode of the data is learned, and every further mode adds a plateau and a drop. "
        + (drops ? `Modes were half learned at: ${drops}. ` : "No mode was half learned in this run; try more epochs or a larger learning rate. ")
        + `Final loss ${sci(r.summary.finalLoss)}.`,
      spec: dlnnLossSpec(r),
    },
    {
      name: "singular-values",
      title: "Singular values of W_tot against the theory",
      caption: "Each mode of the data (a singular vector pair of the input-output correlation) is learned on its own, along a sigmoid, and the stronger modes first. "
        + "Wide translucent lines: the singular values of the network's end-to-end map W_tot = W2·W1. Dashed: Saxe, McClelland & Ganguli's (2013) continuous-time solution, exact as the learning rate goes to 0. "
        + "Dotted: the same mode dynamics iterated with the run's discrete steps"
        + (err === null ? "." : err === 0 ? "; its half-times match the network's to the epoch." : `; its half-times match the network's within ${err} epoch${err === 1 ? "" : "s"}.`),
      spec: dlnnModesSpec(r),
    },
  ];
  const rsm = dlnnRsmSpec(r);
  if (rsm !== null) {
    out.push({
      name: "rsm",
      title: "Representational similarity",
      caption: "The representational similarity matrix h·hᵀ of the hidden layer (how alike two items look to the network) at the start, when each group of modes is half learned, and at the end. "
        + "It is blank while the weights are tiny and turns uniform once the first mode (what all items share) is learned; then it splits animals from plants, then fish from birds and flowers from trees, and finally sets each item apart from its sibling: the network learns the hierarchy from the top down.",
      spec: rsm,
    });
  }
  return out;
}

function illusoryFigures(r: IllusoryRecords): Figure[] {
  const { peak, final, settledEpoch } = r.summary;
  return [{
    name: "illusory",
    title: "Illusory correlation",
    caption: `${r.item} replaces item ${r.config.itemIndex + 1} of the tree, and a new feature "${r.featureName}" is added whose target for ${r.item} is ${r.target}. `
      + `Top: the network's output for (${r.item}, ${r.featureName}) per epoch. While only the coarse modes are learned, the network generalises from ${r.item}'s relatives and answers with the wrong sign, `
      + `peaking at ${peak.value.toFixed(3)} at epoch ${peak.epoch}; the finer mode that sets ${r.item} apart is learned later and brings the answer to ${final.toFixed(3)}`
      + (settledEpoch !== null ? ` (within 0.05 of the target from epoch ${settledEpoch} on). ` : " (it had not settled within 0.05 of the target by the end of the run). ")
      + "Dashed: the same output predicted by the discrete mode theory. Bottom: each mode's strength over training. Stopping training on a plateau would have kept the illusion.",
    spec: illusorySpec(r),
  }];
}

function linregFigures(r: LinregRecords): Figure[] {
  const c = r.config;
  return [
    {
      name: "differences",
      title: "Three solutions compared",
      caption: "The same linear map from items to features found three ways: the analytic least-squares solution W = Y Xᵀ (X Xᵀ)⁻¹, "
        + `a network with no hidden layer trained by gradient descent (lr ${c.shallowLr}, ${c.shallowEpochs} epochs), and the product W2·W1 of the deep network (lr ${c.lr}, ${c.epochs} epochs). `
        + `Bars: the largest absolute difference between each pair of maps; they ${r.summary.agree ? "all lie below" : "do not all lie below"} the tolerance ${r.summary.tolerance} (${r.summary.maxDiff === null ? "a network diverged, so not every difference exists" : `largest: ${sci(r.summary.maxDiff)}`}).`,
      spec: linregDiffSpec(r),
    },
    {
      name: "loss",
      title: "Training loss of both networks",
      caption: "Both networks reach the same map, along very different paths: the shallow network's loss falls at once, the deep network's waits on plateaus and drops mode by mode.",
      spec: linregLossSpec(r),
    },
    {
      name: "maps",
      title: "The maps side by side",
      caption: `The first ${r.sample.rows} rows (features) of each map, for every item, on one colour scale: the three pictures are the same.`,
      spec: linregMapsSpec(r),
    },
  ];
}

function optimizersFigures(r: OptimizersRecords): Figure[] {
  const [p0, p1] = r.paramNames;
  const outcomes = r.trajectories.map((t) => `${trajectoryLabel(t)}: ${outcomeText(t)}`).join("; ");
  return [
    {
      name: "surface",
      title: "Optimizer paths on the loss surface",
      caption: `The mean squared error as a function of the two parameters (${p0}, ${p1}), with each optimizer's path from the same start. `
        + `The Hessian of this loss is constant; its largest eigenvalue λmax = ${r.lambdaMax.toPrecision(3)} and smallest λmin = ${r.lambdaMin.toPrecision(3)} make the bowl an elongated valley (condition number ${(r.lambdaMax / r.lambdaMin).toPrecision(3)}). `
        + `Full-batch gradient descent is stable only for lr < 2/λmax = ${r.stabilityLimit.toPrecision(3)}; this run's lr ${r.config.lr} is ${r.config.lr < r.stabilityLimit ? "below" : "above"} it. Outcomes: ${outcomes}.`,
      spec: optimizersSurfaceSpec(r),
    },
    {
      name: "paths",
      title: "Each optimizer on its own",
      caption: "The same paths, one optimizer a panel, on the iso-loss lines. Plain gradient descent walks down the valley; momentum and Nesterov overshoot and oscillate across it before settling; "
        + "the stochastic methods jitter around the solution (their gradient is a noisy estimate); RMSprop and Adam rescale each parameter's step, so they head for the valley along a different line.",
      spec: optimizersPathsSpec(r),
    },
    {
      name: "loss",
      title: "Loss per epoch",
      caption: "The loss of each optimizer against epochs (a log scale); stochastic methods take one step per batch and are drawn at fractional epochs, their noise visible as jitter.",
      spec: optimizersLossSpec(r),
    },
  ];
}

function sci(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(2);
}
