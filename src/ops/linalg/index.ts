// gl.linalg: matrix factorisations, solvers and norms, after torch.linalg.
export { LinAlgError } from "./common.js";
export { det, inv, solve } from "./lu.js";
export type { SolveOptions } from "./lu.js";
export { solveTriangular } from "./triangular.js";
export type { SolveTriangularOptions } from "./triangular.js";
export { svd, svdvals } from "./svd.js";
export type { SvdOptions, SvdResult } from "./svd.js";
export { qr } from "./qr.js";
export type { QrOptions, QrResult } from "./qr.js";
export { eigh, eigvalsh } from "./eigh.js";
export type { EighOptions, EighResult } from "./eigh.js";
export { lstsq, pinv } from "./lstsq.js";
export type { LstsqDriver, LstsqOptions, LstsqResult, PinvOptions } from "./lstsq.js";
export { norm, vectorNorm, matrixNorm } from "./norm.js";
export type { NormOptions, NormOrd } from "./norm.js";
