/**
 * gradlab: tensors with broadcasting and views, reverse-mode autograd, and a learning lab,
 * with PyTorch's model of computing.
 *
 * @example
 * import * as gl from "gradlab";
 * const x = gl.tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad?.toArray(); // [2, 4, 6]
 */
import * as autograd from "./autograd/index.js";
import * as data from "./data/index.js";
import * as io from "./io/index.js";
import * as lab from "./lab/index.js";
import * as linalg from "./ops/linalg/index.js";
import * as ml from "./ml/index.js";
import * as nn from "./nn/index.js";
import * as optim from "./optim/index.js";
import * as stats from "./stats/index.js";
import * as train from "./train/index.js";
import * as viz from "./viz/index.js";

export { Tensor } from "./tensor/tensor.js";
export type { NestedArray, GradFn } from "./tensor/tensor.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export { promoteTypes } from "./tensor/dtype.js";
export type { Shape } from "./tensor/shape.js";
export {
  tensor, zeros, ones, full, eye, arange, linspace, rand, randn, randint, randperm,
  zerosLike, onesLike, fullLike, randLike, randnLike, empty, scalarTensor,
} from "./tensor/creation.js";
export type { TensorOptions, RandomOptions, TensorData } from "./tensor/creation.js";
export { Generator, manualSeed, defaultGenerator } from "./tensor/random.js";
export * from "./ops/index.js";
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from "./ops/graph.js";
export { setBackend, getBackend, listBackends, registerBackend, setNumThreads, getNumThreads } from "./backend/registry.js";
export type { Backend } from "./backend/kernels.js";
export { autograd, data, io, lab, linalg, ml, nn, optim, stats, train, viz };
