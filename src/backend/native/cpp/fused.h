// Fused in-place kernels: one pass over the destination instead of an out-of-place result
// followed by an assign.
#pragma once

#include "common.h"

namespace gl {

/**
 * dst += alpha * src in place. src has dst's shape (broadcast dims carry stride 0) and the
 * same dtype (F32, F64 or I32); alpha is rounded to the dtype (ToInt32 for I32) and the
 * product rounded before the sum, as add(dst, mul(src, alpha)) does. Returns false, doing
 * nothing, when the dtypes differ or are bool.
 */
bool axpy(const View& dst, const View& src, double alpha);

}  // namespace gl
