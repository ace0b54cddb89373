import type { Tensor } from "../../tensor/tensor.js";
import type { DimArg, NormOrder, ValuesIndices, VarOptions } from "../reduce.js";
import * as R from "../reduce.js";
import type { MethodTable } from "./install.js";
import { matrixNorm } from "../linalg/norm.js";

// Tensor methods of the reductions (sum and mean sit with the core methods).

declare module "../../tensor/tensor.js" {
  interface Tensor {
    /** Largest element (0-d), `{ values, indices }` along `dim`, or the elementwise maximum with `other`. */
    max(): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    max(other: Tensor): Tensor;
    /** Smallest element (0-d), `{ values, indices }` along `dim`, or the elementwise minimum with `other`. */
    min(): Tensor;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    min(other: Tensor): Tensor;
    amax(dim?: DimArg, keepdim?: boolean): Tensor;
    amin(dim?: DimArg, keepdim?: boolean): Tensor;
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    prod(dim?: number | null, keepdim?: boolean): Tensor;
    logsumexp(dim: DimArg, keepdim?: boolean): Tensor;
    var(dim?: DimArg, opts?: VarOptions): Tensor;
    std(dim?: DimArg, opts?: VarOptions): Tensor;
    /** Lower median of all elements (0-d), or `{ values, indices }` along `dim`. */
    median(): Tensor;
    median(dim: number, keepdim?: boolean): ValuesIndices;
    /** torch.Tensor.norm: a vector p-norm over `dim` (all elements by default); "nuc" is the nuclear norm over two dims (the last two by default). */
    norm(p?: NormOrder | "nuc", dim?: DimArg, keepdim?: boolean): Tensor;
    cumsum(dim: number): Tensor;
    cumprod(dim: number): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
  }
}

// The overloaded functions, seen through their implementation signature.
type Extreme = (x: Tensor, dim?: number | Tensor | null, keepdim?: boolean) => Tensor | ValuesIndices;
type Median = (x: Tensor, dim?: number | null, keepdim?: boolean) => Tensor | ValuesIndices;

export const reduceMethods: MethodTable = {
  max(dim?: number | Tensor | null, keepdim?: boolean) { return (R.max as Extreme)(this, dim, keepdim); },
  min(dim?: number | Tensor | null, keepdim?: boolean) { return (R.min as Extreme)(this, dim, keepdim); },
  amax(dim?: DimArg, keepdim?: boolean) { return R.amax(this, dim, keepdim); },
  amin(dim?: DimArg, keepdim?: boolean) { return R.amin(this, dim, keepdim); },
  argmax(dim?: number | null, keepdim?: boolean) { return R.argmax(this, dim, keepdim); },
  argmin(dim?: number | null, keepdim?: boolean) { return R.argmin(this, dim, keepdim); },
  prod(dim?: number | null, keepdim?: boolean) { return R.prod(this, dim, keepdim); },
  logsumexp(dim: DimArg, keepdim?: boolean) { return R.logsumexp(this, dim, keepdim); },
  var(dim?: DimArg, opts?: VarOptions) { return R.variance(this, dim, opts); },
  std(dim?: DimArg, opts?: VarOptions) { return R.std(this, dim, opts); },
  median(dim?: number | null, keepdim?: boolean) { return (R.median as Median)(this, dim, keepdim); },
  norm(p?: NormOrder | "nuc", dim?: DimArg, keepdim?: boolean) {
    if (p === "nuc") return matrixNorm(this, "nuc", dim === undefined || dim === null ? [-2, -1] : typeof dim === "number" ? [dim] : dim, keepdim);
    return R.norm(this, p, dim, keepdim);
  },
  cumsum(dim: number) { return R.cumsum(this, dim); },
  cumprod(dim: number) { return R.cumprod(this, dim); },
  softmax(dim: number) { return R.softmax(this, dim); },
  logSoftmax(dim: number) { return R.logSoftmax(this, dim); },
};
