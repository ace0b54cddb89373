import type { Tensor } from "../../tensor/tensor.js";
import type { IndexArg, IndexItem } from "../indexing.js";
import * as X from "../indexing.js";
import { chunk, split } from "../join.js";
import type { TensorLike } from "../operand.js";
import type { MethodTable } from "./install.js";

declare module "../../tensor/tensor.js" {
  interface Tensor {
    /** Python-style `x[items]`: numbers, gl.sl(...), null, "...", int32/bool tensors or arrays. */
    index(...items: IndexItem[]): Tensor;
    /** In place `x[items] = value`; `items` is the list of items (a bare non-array item also works). */
    indexPut(items: IndexItem | readonly IndexItem[], value: TensorLike): Tensor;
    indexSelect(dim: number, index: IndexArg): Tensor;
    indexAdd(dim: number, index: IndexArg, src: Tensor): Tensor;
    gather(dim: number, index: IndexArg): Tensor;
    scatterAdd(dim: number, index: IndexArg, src: Tensor): Tensor;
    maskedFill(mask: Tensor, value: TensorLike): Tensor;
    split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
  }
}

export const indexingMethods: MethodTable = {
  index(...items: IndexItem[]) { return X.index(this, ...items); },
  indexPut(items: IndexItem | readonly IndexItem[], v: TensorLike) { return X.indexPut(this, items, v); },
  indexSelect(d: number, i: IndexArg) { return X.indexSelect(this, d, i); },
  indexAdd(d: number, i: IndexArg, s: Tensor) { return X.indexAdd(this, d, i, s); },
  gather(d: number, i: IndexArg) { return X.gather(this, d, i); },
  scatterAdd(d: number, i: IndexArg, s: Tensor) { return X.scatterAdd(this, d, i, s); },
  maskedFill(m: Tensor, v: TensorLike) { return X.maskedFill(this, m, v); },
  split(s: number | readonly number[], d?: number) { return split(this, s, d); },
  chunk(c: number, d?: number) { return chunk(this, c, d); },
};
