import "./methods/index.js";

export * from "./elementwise.js";
export { sum, mean, sumTo } from "./reduce.js";
// [reduce exports]
export type { DimArg } from "./reduce.js";
export { reshape, view, contiguous, clone, expand, permute, transpose, unsqueeze, squeeze, flatten, slice, narrow, select, repeat } from "./shape.js";
// [indexing exports]
export { matmul, mm, bmm, mv, dot, outer } from "./matmul.js";
export { cast } from "./cast.js";
export * from "./inplace.js";
export type { Scalar, TensorLike } from "./operand.js";
export { resultType } from "./operand.js";
