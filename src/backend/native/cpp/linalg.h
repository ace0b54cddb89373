// Dense linear algebra in float64 on batches of strided matrices: the LinalgKernels of
// ../../kernels.ts (LU, LU solve, determinant, triangular solve, Householder QR, SVD,
// symmetric eigendecomposition), with the js backend's algorithms and conventions.
#pragma once

#include "common.h"

namespace gl {

enum class LinalgOp : int { Lu = 0, LuSolve = 1, Det = 2, TriangularSolve = 3, Qr = 4, Svd = 5, Eigh = 6 };

/** One typed-array argument of a linalg call. */
struct LinalgArray {
  void* data = nullptr;
  i64 length = 0;
  DType dtype = DType::F64;
};

/**
 * A linalg call as the addon decoded it: `views` describe the first `nviews` arrays (the
 * inputs); the remaining arrays are outputs (or, for LuSolve, the pivots). `flags` packs
 * the op's booleans and modes (see linalg.cc).
 */
struct LinalgCall {
  LinalgOp op = LinalgOp::Lu;
  int flags = 0;
  int nviews = 0;
  const View* views = nullptr;
  int narrays = 0;
  const LinalgArray* arrays = nullptr;
};

/** Runs the call; returns null, or a message saying which argument was wrong. */
const char* linalg_run(const LinalgCall& call);

}  // namespace gl
