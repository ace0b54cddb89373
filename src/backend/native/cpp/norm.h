// Fused normalisation kernels: softmax / logSoftmax along an axis and layer normalisation,
// forward and backward, registered on the addon's exports.
#pragma once

#include <napi.h>

namespace gl {

/** Adds softmax, softmaxBackward, layerNorm, layerNormBackward (and setNormIsa / normIsa, for tests) to the addon's exports. */
void register_norm(Napi::Env env, Napi::Object exports);

}  // namespace gl
