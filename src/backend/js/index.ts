import type { Backend } from "../kernels.js";
import { convKernels } from "./conv.js";
import { assign, binary, copy, unary, where } from "./elementwise.js";
import { axpy } from "./fused.js";
import { gather, indexAdd, indexSelect, scatterAdd } from "./indexing.js";
import { linalg } from "./linalg.js";
import { matmul } from "./matmul.js";
import { normKernels } from "./norm.js";
import { argReduce, reduce, scan } from "./reduce.js";

/** The pure-TypeScript backend: runs everywhere (Node, browsers, workers); the reference. */
export const jsBackend: Backend = {
  name: "js",
  unary, binary, where, reduce, argReduce, scan, copy, assign, matmul,
  indexSelect, indexAdd, gather, scatterAdd,
  axpy,
  linalg,
  ...convKernels,
  ...normKernels,
};
