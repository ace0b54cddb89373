import * as functional from "./functional/index.js";
import * as init from "./init.js";
import * as utils from "./utils.js";

export { Module } from "./module.js";
export type { StateDict, ForwardHook, ForwardPreHook, RemovableHandle } from "./module.js";
export { Parameter } from "./parameter.js";
export { Linear } from "./modules/linear.js";
export { Sequential, ModuleList, Identity, Flatten } from "./modules/container.js";
export { ReLU, GELU, Sigmoid, Tanh, SiLU, LeakyReLU, Softplus, Softmax, LogSoftmax, ELU, SELU, Hardtanh, ReLU6, Hardswish, Mish, LogSigmoid } from "./modules/activation.js";
export { functional, init, utils };
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, LayerNorm, GroupNorm } from "./modules/normalization.js";
export type { NormOptions } from "./modules/normalization.js";
export { Dropout } from "./modules/dropout.js";
export { Embedding } from "./modules/sparse.js";
export type { EmbeddingModuleOptions } from "./modules/sparse.js";
export {
  MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss, KLDivLoss, PoissonNLLLoss,
  GaussianNLLLoss, MarginRankingLoss, HingeEmbeddingLoss, CosineEmbeddingLoss, SoftMarginLoss,
} from "./modules/loss.js";
export { Conv1d, Conv2d, ConvTranspose2d } from "./modules/conv.js";
export type { Conv1dModuleOptions, Conv2dModuleOptions, ConvTranspose2dModuleOptions } from "./modules/conv.js";
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d } from "./modules/pooling.js";
export type { PoolOutput } from "./modules/pooling.js";
export { MultiheadAttention } from "./modules/attention.js";
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions } from "./modules/attention.js";
export { TransformerEncoderLayer, TransformerEncoder } from "./modules/transformer.js";
export type { TransformerEncoderLayerOptions, TransformerEncoderLayerForwardOptions, TransformerEncoderForwardOptions, TransformerActivation } from "./modules/transformer.js";
export { RNN, GRU, LSTM } from "./modules/rnn.js";
export type { RNNBaseOptions, RNNOptions, LSTMOptions } from "./modules/rnn.js";
