import "./methods/index.js";

export * from "./elementwise.js";
export { sum, mean, sumTo } from "./reduce.js";
export { max, min, amax, amin, argmax, argmin, prod, logsumexp, variance as var, std, median, norm, cumsum, cumprod, softmax, logSoftmax } from "./reduce.js"; export type { ValuesIndices, VarOptions, NormOrder } from "./reduce.js";
export type { DimArg } from "./reduce.js";
export { reshape, view, contiguous, clone, expand, permute, transpose, unsqueeze, squeeze, flatten, slice, narrow, select, repeat } from "./shape.js";
export { sl, Slice, index, indexPut, indexPutOutOfPlace, indexSelect, indexAdd, gather, scatterAdd, maskedFill } from "./indexing.js";
export type { IndexItem, IndexArg } from "./indexing.js";
export { cat, stack, split, chunk } from "./join.js";
export { matmul, mm, bmm, mv, dot, outer } from "./matmul.js";
export { cast } from "./cast.js";
export * from "./inplace.js";
export type { Scalar, TensorLike } from "./operand.js";
export { resultType } from "./operand.js";
