// nn.functional (import * as F from "gradlab/nn/functional"): each area in its own file.
export { linear } from "../modules/linear.js";
export { relu, gelu, sigmoid, tanh, silu, softplus } from "../../ops/elementwise.js";
export { softmax, logSoftmax } from "../../ops/reduce.js";
// [functional: activation, loss, normalization, dropout, embedding, pad, oneHot, cosineSimilarity]
// [functional: conv and pooling]
// [functional: attention and ctc]
