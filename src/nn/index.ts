import * as functional from "./functional/index.js";
import * as init from "./init.js";
import * as utils from "./utils.js";

export { Module } from "./module.js";
export type { StateDict, ForwardHook, ForwardPreHook, RemovableHandle } from "./module.js";
export { Parameter } from "./parameter.js";
export { Linear } from "./modules/linear.js";
export { Sequential, ModuleList, Identity, Flatten } from "./modules/container.js";
export { ReLU, GELU, Sigmoid, Tanh, SiLU, LeakyReLU, Softplus } from "./modules/activation.js";
export { functional, init, utils };
// [nn modules: normalization, dropout, embedding, losses]
// [nn modules: conv and pooling]
// [nn modules: attention, transformer, rnn]
