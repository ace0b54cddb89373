// Indexing kernels: indexSelect, indexAdd, gather and scatterAdd along one axis.
#pragma once

#include "common.h"

namespace gl {

/** An index outside [0, size) found while reading an index tensor (reported as a RangeError). */
struct IndexError {
  bool bad = false;
  i64 value = 0;
  int axis = 0;
  i64 size = 0;
};

/** out[..., j, ...] = x[..., index[j], ...] along `axis`; index is a 1-D int32 view. */
IndexError index_select(const View& x, int axis, const View& index, void* out, DType out_dt);
/** out (zeroed, shape out_shape) gets src[..., j, ...] added at [..., index[j], ...] along `axis`. */
IndexError index_add(int nd, const i64* out_shape, int axis, const View& index, const View& src, void* out, DType out_dt);
/** out[i][j] = x[index[i][j]][j] (axis 0); out has index's shape. */
IndexError gather(const View& x, int axis, const View& index, void* out, DType out_dt);
/** out (zeroed, shape out_shape): out[index[i][j]][j] += src[i][j] (axis 0), over index's shape. */
IndexError scatter_add(int nd, const i64* out_shape, int axis, const View& index, const View& src, void* out, DType out_dt);

}  // namespace gl
