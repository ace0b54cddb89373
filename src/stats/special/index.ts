// stats.special: the gamma and beta function families behind the distributions.
export { logGamma, stirlingCorrection, incompleteGamma } from "./gamma.js";
export type { IncompleteGamma } from "./gamma.js";
export { logBeta, incompleteBeta } from "./beta.js";
export type { IncompleteBeta } from "./beta.js";
