// Convolution and pooling kernels over batched NCHW views (any strides), float32 and
// float64: im2col + the packed GEMM of gemm.h for the convolutions, direct walks over each
// input plane for pooling. Outputs are contiguous and every operand has the output's dtype.
// Work is split over samples or planes, never over a sum, so results do not depend on the
// number of threads.
#pragma once

#include "common.h"

namespace gl {

/** Stride, zero padding and dilation along (height, width), and the channel groups. */
struct ConvParams {
  i64 sh, sw, ph, pw, dh, dw, groups;
};

/** Max pooling: window, stride, padding and dilation along (height, width). */
struct MaxPoolParams {
  i64 kh, kw, sh, sw, ph, pw, dh, dw;
};

/** Average pooling: window, stride and padding, and PyTorch's divisor rules (divisor 0: none). */
struct AvgPoolParams {
  i64 kh, kw, sh, sw, ph, pw;
  bool count_include_pad;
  i64 divisor;
};

/** out [N, O, oh, ow] = x [N, C, H, W] cross-correlated with w [O, C / groups, kH, kW], plus bias [O] (or null). */
void conv2d(const View& x, const View& w, const View* bias, const ConvParams& p, i64 oh, i64 ow, void* out, DType dt);

/** out [in_shape] = the gradient of conv2d with respect to x, from g [N, O, OH, OW] and w. */
void conv2d_input_grad(const View& g, const View& w, const i64 in_shape[4], const ConvParams& p, void* out, DType dt);

/** out [w_shape] = the gradient of conv2d with respect to w, from x and g [N, O, OH, OW], summed over the batch. */
void conv2d_weight_grad(const View& x, const View& g, const i64 w_shape[4], const ConvParams& p, void* out, DType dt);

/** Max pooling into values [N, C, oh, ow] and in-plane argmax positions (h * W + w); NaN wins, the last one. */
void max_pool2d(const View& x, const MaxPoolParams& p, i64 oh, i64 ow, void* values, int32_t* indices, DType dt);

/**
 * out [in_shape] = zeros with g added at each plane's indices. Returns -1, or (when an index
 * lies outside its plane) the flat position of the first such index, whose value goes to *bad.
 */
i64 max_pool2d_backward(const View& g, const View& indices, const i64 in_shape[4], void* out, DType dt, int32_t* bad);

/** Average pooling of x into [N, C, oh, ow]. */
void avg_pool2d(const View& x, const AvgPoolParams& p, i64 oh, i64 ow, void* out, DType dt);

/** Average pooling's gradient: g [N, C, OH, OW] spread over each window into out [in_shape]. */
void avg_pool2d_backward(const View& g, const i64 in_shape[4], const AvgPoolParams& p, void* out, DType dt);

/** Adaptive average pooling of x into [N, C, oh, ow] (windows [floor(i in / out), ceil((i + 1) in / out))). */
void adaptive_avg_pool2d(const View& x, i64 oh, i64 ow, void* out, DType dt);

/** Adaptive average pooling's gradient into out [in_shape]. */
void adaptive_avg_pool2d_backward(const View& g, const i64 in_shape[4], void* out, DType dt);

}  // namespace gl
