// nn.functional (import * as F from "gradlab/nn/functional"): each area in its own file.
export { linear } from "../modules/linear.js";
export { relu, gelu, sigmoid, tanh, silu, softplus } from "../../ops/elementwise.js";
export { softmax, logSoftmax } from "../../ops/reduce.js";
export {
  leakyRelu, elu, selu, celu, hardtanh, relu6, hardsigmoid, hardswish, logSigmoid, softmin, softsign, mish, tanhshrink,
  softshrink, hardshrink, glu,
} from "./activation.js";
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, nllLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv,
  poissonNllLoss, gaussianNllLoss, marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, cosineEmbeddingLoss,
} from "./loss.js";
export type { Reduction, ReductionOptions, NllOptions, CrossEntropyOptions, WeightedOptions, BceWithLogitsOptions, KlDivOptions } from "./loss.js";
export { layerNorm, batchNorm, groupNorm, instanceNorm } from "./normalization.js";
export type { AffineOptions, BatchNormOptions, InstanceNormOptions } from "./normalization.js";
export { dropout, embedding, pad, oneHot, cosineSimilarity } from "./misc.js";
export type { DropoutOptions, EmbeddingOptions, PadMode, PadOptions, CosineSimilarityOptions } from "./misc.js";
export {
  conv1d, conv2d, convTranspose2d, maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d,
} from "./conv.js";
export type {
  Size1, Size2, AdaptiveSize2, Conv1dOptions, Conv2dOptions, ConvTranspose2dOptions, MaxPool1dOptions, MaxPool2dOptions,
  AvgPool1dOptions, AvgPool2dOptions,
} from "./conv.js";
export { scaledDotProductAttention } from "./attention.js";
export type { ScaledDotProductAttentionOptions } from "./attention.js";
export { ctcLoss } from "./ctc.js";
export type { CtcLossOptions } from "./ctc.js";
