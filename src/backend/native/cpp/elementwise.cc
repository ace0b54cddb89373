// Elementwise kernels. Each op has one loop chosen once per row (never a switch per
// element). Float operands whose dtype equals the output's run on their own type; every
// other combination (integers, bools, conversions, comparisons) is staged through double
// buffers a chunk at a time, which is exact for every dtype and gives PyTorch's casting.
#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cast.h"
#include "parallel.h"
#include "vmath.h"

namespace gl {

const char* const kUnaryNames[] = {
  "neg", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "abs", "sign", "square",
  "sin", "cos", "tan", "tanh", "sigmoid", "relu", "floor", "ceil", "round", "trunc",
  "reciprocal", "erf", "logicalNot", "isnan", "asin", "acos", "atan", nullptr,
};

const char* const kBinaryNames[] = {
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "fmod", "remainder",
  "floorDivide", "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor",
  "reluBackward", nullptr,
};

void load_row(const void* base, DType t, i64 off, i64 stride, i64 n, double* dst) {
  dispatch(t, [&](auto tag) {
    using S = decltype(tag);
    convert_row(static_cast<const S*>(base) + off, stride, dst, 1, n);
  });
}

void store_row(const double* src, void* base, DType t, i64 off, i64 n) {
  dispatch(t, [&](auto tag) {
    using D = decltype(tag);
    convert_row(src, 1, static_cast<D*>(base) + off, 1, n);
  });
}

namespace {

// Elements staged per chunk on the double-buffer path (three buffers fit in L1).
constexpr i64 kChunk = 512;

// ---- scalar functions with PyTorch's semantics ------------------------------------------

inline double sigmoid(double x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1 + e);
}

/** Python's (and torch's) modulo: fmod, moved by b when the signs differ. */
inline double py_mod(double a, double b) {
  const double r = std::fmod(a, b);
  return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

/** Python's floor division computed from fmod, so 1 // 0.1 is 9 as torch gives. */
inline double py_floor_div(double a, double b) {
  if (b == 0) return a / b;
  const double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
  if (div == 0) return std::copysign(0.0, a / b);
  double fl = std::floor(div);
  if (div - fl > 0.5) fl += 1;
  return fl;
}

/** a^b with int32 wrap-around, 1 for b <= 0 (repeated multiplication, by squaring). */
inline int32_t int_pow(int32_t a, int32_t b) {
  uint32_t r = 1, base = static_cast<uint32_t>(a);
  for (uint32_t e = b > 0 ? static_cast<uint32_t>(b) : 0; e != 0; e >>= 1) {
    if (e & 1) r *= base;
    base *= base;
  }
  return static_cast<int32_t>(r);
}

// ---- row loops ------------------------------------------------------------------------------

template <class T, class U, class F>
inline void map1(const T* x, i64 sx, U* o, i64 n, F f) {
  if (sx == 1) {
    for (i64 j = 0; j < n; j++) o[j] = f(x[j]);
  } else {
    for (i64 j = 0; j < n; j++) o[j] = f(x[j * sx]);
  }
}

// Contiguous and one-scalar operands get their own loops so the compiler can vectorise them.
template <class T, class U, class F>
inline void map2(const T* a, i64 sa, const T* b, i64 sb, U* o, i64 n, F f) {
  if (sa == 1 && sb == 1) {
    for (i64 j = 0; j < n; j++) o[j] = f(a[j], b[j]);
  } else if (sa == 1 && sb == 0) {
    const T y = b[0];
    for (i64 j = 0; j < n; j++) o[j] = f(a[j], y);
  } else if (sa == 0 && sb == 1) {
    const T x = a[0];
    for (i64 j = 0; j < n; j++) o[j] = f(x, b[j]);
  } else {
    for (i64 j = 0; j < n; j++) o[j] = f(a[j * sa], b[j * sb]);
  }
}

/**
 * o = op(x) for one row of floats of type T (float, or double on the staged path, where
 * `int_in` says the values are integers). Float results go through double where float has
 * no correctly rounded function of its own.
 */
/** A float32 row through a vectorised function; a strided row is gathered into o first. */
inline void vector_row(VMathRow f, const float* x, i64 sx, float* o, i64 n) {
  if (sx != 1) {
    for (i64 j = 0; j < n; j++) o[j] = x[j * sx];
    x = o;
  }
  f(x, o, n);
}

/** The vectorised float32 function for op, or null where the row loops below serve. */
inline VMathRow vector_fn(UnaryOp op) {
  const VMath& v = vmath();
  switch (op) {
    case UnaryOp::Exp: return v.exp;
    case UnaryOp::Log: return v.log;
    case UnaryOp::Log1p: return v.log1p;
    case UnaryOp::Expm1: return v.expm1;
    case UnaryOp::Tanh: return v.tanh;
    case UnaryOp::Sigmoid: return v.sigmoid;
    case UnaryOp::Erf: return v.erf;
    case UnaryOp::Sqrt: return v.sqrt;
    case UnaryOp::Rsqrt: return v.rsqrt;
    default: return nullptr;
  }
}

template <class T>
void unary_row(UnaryOp op, const T* x, i64 sx, T* o, i64 n, bool int_in) {
  if constexpr (std::is_same_v<T, float>) {
    if (const VMathRow f = vector_fn(op)) {
      vector_row(f, x, sx, o, n);
      return;
    }
  }
  auto via_double = [&](double (*f)(double)) { map1(x, sx, o, n, [f](T v) { return static_cast<T>(f(static_cast<double>(v))); }); };
  switch (op) {
    case UnaryOp::Neg: map1(x, sx, o, n, [](T v) { return -v; }); return;
    case UnaryOp::Exp: via_double([](double v) { return std::exp(v); }); return;
    case UnaryOp::Log: via_double([](double v) { return std::log(v); }); return;
    case UnaryOp::Log1p: via_double([](double v) { return std::log1p(v); }); return;
    case UnaryOp::Expm1: via_double([](double v) { return std::expm1(v); }); return;
    case UnaryOp::Sqrt: map1(x, sx, o, n, [](T v) { return std::sqrt(v); }); return;
    case UnaryOp::Rsqrt: via_double([](double v) { return 1 / std::sqrt(v); }); return;
    case UnaryOp::Abs: map1(x, sx, o, n, [](T v) { return std::fabs(v); }); return;
    case UnaryOp::Sign: map1(x, sx, o, n, [](T v) { return v > 0 ? T(1) : v < 0 ? T(-1) : T(0); }); return;  // sign(NaN) = 0
    case UnaryOp::Square:
      if (int_in) {
        map1(x, sx, o, n, [](T v) { const int32_t i = static_cast<int32_t>(v); return static_cast<T>(imul(i, i)); });
      } else {
        map1(x, sx, o, n, [](T v) { return v * v; });
      }
      return;
    case UnaryOp::Sin: via_double([](double v) { return std::sin(v); }); return;
    case UnaryOp::Cos: via_double([](double v) { return std::cos(v); }); return;
    case UnaryOp::Tan: via_double([](double v) { return std::tan(v); }); return;
    case UnaryOp::Tanh: via_double([](double v) { return std::tanh(v); }); return;
    case UnaryOp::Sigmoid: via_double(sigmoid); return;
    case UnaryOp::Relu: map1(x, sx, o, n, [](T v) { return v > 0 ? v : v == v ? T(0) : v; }); return;
    case UnaryOp::Floor: map1(x, sx, o, n, [](T v) { return std::floor(v); }); return;
    case UnaryOp::Ceil: map1(x, sx, o, n, [](T v) { return std::ceil(v); }); return;
    case UnaryOp::Round: map1(x, sx, o, n, [](T v) { return std::nearbyint(v); }); return;  // half to even
    case UnaryOp::Trunc: map1(x, sx, o, n, [](T v) { return std::trunc(v); }); return;
    case UnaryOp::Reciprocal: map1(x, sx, o, n, [](T v) { return T(1) / v; }); return;
    case UnaryOp::Erf: via_double([](double v) { return std::erf(v); }); return;
    case UnaryOp::LogicalNot: map1(x, sx, o, n, [](T v) { return v != 0 ? T(0) : T(1); }); return;  // NaN is true
    case UnaryOp::Isnan: map1(x, sx, o, n, [](T v) { return v != v ? T(1) : T(0); }); return;
    case UnaryOp::Asin: via_double([](double v) { return std::asin(v); }); return;
    case UnaryOp::Acos: via_double([](double v) { return std::acos(v); }); return;
    case UnaryOp::Atan: via_double([](double v) { return std::atan(v); }); return;
    case UnaryOp::Count: return;
  }
}

/** o = op(a, b) for one row; see unary_row. Comparisons give 0/1. */
template <class T>
void binary_row(BinaryOp op, const T* a, i64 sa, const T* b, i64 sb, T* o, i64 n, bool int_in) {
  auto via_double = [&](double (*f)(double, double)) {
    map2(a, sa, b, sb, o, n, [f](T x, T y) { return static_cast<T>(f(static_cast<double>(x), static_cast<double>(y))); });
  };
  switch (op) {
    case BinaryOp::Add: map2(a, sa, b, sb, o, n, [](T x, T y) { return x + y; }); return;
    case BinaryOp::Sub: map2(a, sa, b, sb, o, n, [](T x, T y) { return x - y; }); return;
    case BinaryOp::Mul:
      if (int_in) {
        map2(a, sa, b, sb, o, n, [](T x, T y) { return static_cast<T>(imul(static_cast<int32_t>(x), static_cast<int32_t>(y))); });
      } else {
        map2(a, sa, b, sb, o, n, [](T x, T y) { return x * y; });
      }
      return;
    case BinaryOp::Div: map2(a, sa, b, sb, o, n, [](T x, T y) { return x / y; }); return;
    case BinaryOp::Pow:
      if (int_in) {
        map2(a, sa, b, sb, o, n, [](T x, T y) { return static_cast<T>(int_pow(static_cast<int32_t>(x), static_cast<int32_t>(y))); });
      } else {
        via_double([](double x, double y) { return std::pow(x, y); });  // C's pow: pow(1, NaN) = 1
      }
      return;
    // NaN in either operand wins, as in torch.maximum.
    case BinaryOp::Maximum: map2(a, sa, b, sb, o, n, [](T x, T y) { return x > y || x != x ? x : y; }); return;
    case BinaryOp::Minimum: map2(a, sa, b, sb, o, n, [](T x, T y) { return x < y || x != x ? x : y; }); return;
    case BinaryOp::Atan2: via_double([](double x, double y) { return std::atan2(x, y); }); return;
    case BinaryOp::Fmod: via_double([](double x, double y) { return std::fmod(x, y); }); return;
    case BinaryOp::Remainder: via_double(py_mod); return;
    case BinaryOp::FloorDivide:
      if (int_in) via_double([](double x, double y) { return std::floor(x / y); });
      else via_double(py_floor_div);
      return;
    case BinaryOp::Eq: map2(a, sa, b, sb, o, n, [](T x, T y) { return x == y ? T(1) : T(0); }); return;
    case BinaryOp::Ne: map2(a, sa, b, sb, o, n, [](T x, T y) { return x != y ? T(1) : T(0); }); return;
    case BinaryOp::Lt: map2(a, sa, b, sb, o, n, [](T x, T y) { return x < y ? T(1) : T(0); }); return;
    case BinaryOp::Le: map2(a, sa, b, sb, o, n, [](T x, T y) { return x <= y ? T(1) : T(0); }); return;
    case BinaryOp::Gt: map2(a, sa, b, sb, o, n, [](T x, T y) { return x > y ? T(1) : T(0); }); return;
    case BinaryOp::Ge: map2(a, sa, b, sb, o, n, [](T x, T y) { return x >= y ? T(1) : T(0); }); return;
    case BinaryOp::LogicalAnd: map2(a, sa, b, sb, o, n, [](T x, T y) { return x != 0 && y != 0 ? T(1) : T(0); }); return;
    case BinaryOp::LogicalOr: map2(a, sa, b, sb, o, n, [](T x, T y) { return x != 0 || y != 0 ? T(1) : T(0); }); return;
    case BinaryOp::LogicalXor: map2(a, sa, b, sb, o, n, [](T x, T y) { return (x != 0) != (y != 0) ? T(1) : T(0); }); return;
    // threshold_backward: a NaN in y is not <= 0, so the gradient passes, as in PyTorch.
    case BinaryOp::ReluBackward: map2(a, sa, b, sb, o, n, [](T g, T y) { return y <= T(0) ? T(0) : g; }); return;
    case BinaryOp::Count: return;
  }
}

/** Comparisons of two float rows straight into a bool row (the staged path would convert twice). */
template <class T>
bool compare_row(BinaryOp op, const T* a, i64 sa, const T* b, i64 sb, uint8_t* o, i64 n) {
  switch (op) {
    case BinaryOp::Eq: map2(a, sa, b, sb, o, n, [](T x, T y) { return uint8_t(x == y); }); return true;
    case BinaryOp::Ne: map2(a, sa, b, sb, o, n, [](T x, T y) { return uint8_t(x != y); }); return true;
    case BinaryOp::Lt: map2(a, sa, b, sb, o, n, [](T x, T y) { return uint8_t(x < y); }); return true;
    case BinaryOp::Le: map2(a, sa, b, sb, o, n, [](T x, T y) { return uint8_t(x <= y); }); return true;
    case BinaryOp::Gt: map2(a, sa, b, sb, o, n, [](T x, T y) { return uint8_t(x > y); }); return true;
    case BinaryOp::Ge: map2(a, sa, b, sb, o, n, [](T x, T y) { return uint8_t(x >= y); }); return true;
    default: return false;
  }
}

// Below this many elements a kernel stays on the calling thread: memory-bound loops, and
// the transcendental functions (tens of cycles per element), which repay a wake-up sooner.
constexpr i64 kParallelElements = 1 << 16;
constexpr i64 kParallelElementsCostly = 1 << 13;

bool costly(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg: case UnaryOp::Abs: case UnaryOp::Sign: case UnaryOp::Square: case UnaryOp::Relu:
    case UnaryOp::Floor: case UnaryOp::Ceil: case UnaryOp::Round: case UnaryOp::Trunc:
    case UnaryOp::LogicalNot: case UnaryOp::Isnan: case UnaryOp::Sqrt: case UnaryOp::Reciprocal:
      return false;
    default:
      return true;
  }
}



// Side of the square tiles a kernel walks when an operand is transposed against the output,
// so the output rows and the transposed operand's columns stay in L1. Small on purpose: a
// transposed operand's lines often sit a power of two apart and share a few cache sets
// (measured on Zen 4: 16 beat 32, 64 x 8 and 128 x 8 on a 512 x 784 transposed add).
constexpr i64 kTile = 16;

/**
 * Whether walking tiles beats walking rows: some operand runs along the second-to-last
 * merged dim in memory (a transposed operand), and both dims are long enough to tile.
 */
template <int K>
bool wants_tiles(const RowIter<K>& it) {
  const int nd = it.nd;
  if (nd < 2 || it.shape[nd - 1] < kTile || it.shape[nd - 2] < kTile) return false;
  for (int j = 0; j < K; j++) {
    const i64 rs = std::abs(it.strides[j][nd - 2]), cs = std::abs(it.strides[j][nd - 1]);
    if (rs != 0 && rs < cs) return true;
  }
  return false;
}

/**
 * Calls row(offsets, o, len) for every row segment of the output, visiting the last two
 * merged dims in kTile x kTile tiles; `it` must be fresh (not advanced). The output is
 * row-major, so segment (i, j0..j1) of outer block t starts at o = (t * R + i) * C + j0.
 */
template <int K, class F>
void tiled_rows(const RowIter<K>& it, F&& row) {
  const int nd = it.nd;
  const i64 R = it.shape[nd - 2], C = it.shape[nd - 1];
  i64 outer = 1;
  for (int d = 0; d < nd - 2; d++) outer *= it.shape[d];
  i64 idx[kMaxDims] = {0};
  i64 base[K], offs[K];
  for (int j = 0; j < K; j++) base[j] = it.offs[j];
  for (i64 t = 0; t < outer; t++) {
    for (i64 i0 = 0; i0 < R; i0 += kTile) {
      const i64 i1 = std::min(R, i0 + kTile);
      for (i64 j0 = 0; j0 < C; j0 += kTile) {
        const i64 len = std::min(C, j0 + kTile) - j0;
        for (i64 i = i0; i < i1; i++) {
          for (int j = 0; j < K; j++) offs[j] = base[j] + i * it.strides[j][nd - 2] + j0 * it.strides[j][nd - 1];
          row(offs, (t * R + i) * C + j0, len);
        }
      }
    }
    for (int d = nd - 3; d >= 0; d--) {
      if (++idx[d] < it.shape[d]) {
        for (int j = 0; j < K; j++) base[j] += it.strides[j][d];
        break;
      }
      idx[d] = 0;
      for (int j = 0; j < K; j++) base[j] -= it.strides[j][d] * (it.shape[d] - 1);
    }
  }
}

// Tiles of the packed walk (rows x columns of the last two merged dims): two operand tiles of
// doubles fill 32 KiB, inside L1.
constexpr i64 kPackRows = 16;
constexpr i64 kPackCols = 256;

/**
 * For typed kernels: walks the output in kPackRows x kPackCols tiles of the last two merged
 * dims of `it` (fresh). An operand laid out transposed (denser along the row dim than along the
 * column dim) is first copied into a contiguous tile, so every row the kernel sees is
 * contiguous or broadcast and vectorises. row(ptrs, steps, o, len) gets each operand's row
 * start and element step and the output offset. Groups of tile rows go to the threads.
 */
template <class T, int K, class F>
void packed_tiles(const RowIter<K>& it, const T* const* data, F&& row) {
  const int nd = it.nd;
  const i64 R = it.shape[nd - 2], C = it.shape[nd - 1];
  i64 outer = 1;
  for (int d = 0; d < nd - 2; d++) outer *= it.shape[d];
  bool pack[K];
  i64 rs[K], cs[K];
  for (int k = 0; k < K; k++) {
    rs[k] = it.strides[k][nd - 2];
    cs[k] = it.strides[k][nd - 1];
    pack[k] = rs[k] != 0 && std::abs(rs[k]) < std::abs(cs[k]);
  }
  const i64 rtiles = (R + kPackRows - 1) / kPackRows, items = outer * rtiles;
  auto run = [&](i64 first, i64 count) {
    alignas(64) T buf[K][kPackRows * kPackCols];
    const T* ptrs[K];
    i64 steps[K];
    for (i64 item = first; item < first + count; item++) {
      const i64 t = item / rtiles, i0 = (item % rtiles) * kPackRows, i1 = std::min(R, i0 + kPackRows);
      i64 base[K];
      for (int k = 0; k < K; k++) base[k] = it.base[k];
      for (i64 d = nd - 3, q = t; d >= 0; d--) {
        const i64 id = q % it.shape[d];
        q /= it.shape[d];
        for (int k = 0; k < K; k++) base[k] += id * it.strides[k][d];
      }
      for (i64 j0 = 0; j0 < C; j0 += kPackCols) {
        const i64 w = std::min(kPackCols, C - j0);
        for (int k = 0; k < K; k++) {
          if (!pack[k]) continue;
          const T* src = data[k] + base[k] + i0 * rs[k] + j0 * cs[k];
          if constexpr (std::is_same_v<T, float>) {
            if (rs[k] == 1) {
              vmath().transpose(src, cs[k], buf[k], kPackCols, i1 - i0, w);
              continue;
            }
          }
          for (i64 j = 0; j < w; j++, src += cs[k]) {
            for (i64 i = 0; i < i1 - i0; i++) buf[k][i * kPackCols + j] = src[i * rs[k]];
          }
        }
        for (i64 i = i0; i < i1; i++) {
          for (int k = 0; k < K; k++) {
            ptrs[k] = pack[k] ? buf[k] + (i - i0) * kPackCols : data[k] + base[k] + i * rs[k] + j0 * cs[k];
            steps[k] = pack[k] ? 1 : cs[k];
          }
          row(ptrs, steps, (t * R + i) * C + j0, w);
        }
      }
    }
  };
  for_chunks(items, run, outer * R * C >= kParallelElements ? 2 : items + 1);
}

/**
 * Calls body(jt, r0, r1) for the rows [r0, r1) of `it` (fresh), jt a copy positioned at r0;
 * the rows are split across threads when the kernel covers at least `min_parallel` elements.
 */
template <int K, class F>
void each_rows(const RowIter<K>& it, i64 min_parallel, F&& body) {
  const i64 rows = it.rows;
  const bool par = rows * it.inner >= min_parallel;
  for_chunks(rows, [&](i64 r0, i64 nr) {
    RowIter<K> jt = it;
    if (r0 > 0) jt.seek(r0);
    body(jt, r0, r0 + nr);
  }, par ? 2 : rows + 1);
}

}  // namespace

void unary(UnaryOp op, const View& x, void* out, DType out_dt) {
  const i64 n = x.numel();
  if (n == 0) return;
  const bool typed = x.dtype == out_dt && (out_dt == DType::F32 || out_dt == DType::F64);
  if (typed && is_dense(x.strides, x.nd, x.shape)) {
    for_chunks(n, [&](i64 s, i64 len) {
      dispatch(out_dt, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_floating_point_v<T>) unary_row<T>(op, static_cast<const T*>(x.data) + x.offset + s, 1, static_cast<T*>(out) + s, len, false);
      });
    }, costly(op) ? kParallelElementsCostly : kParallelElements);
    return;
  }
  const i64* st[1] = {x.strides};
  const i64 offs[1] = {x.offset};
  RowIter<1> it(x.nd, x.shape, st, offs);
  const bool int_in = is_int(x.dtype);
  const i64 sx = it.inner_stride[0];
  const i64 min_parallel = costly(op) ? kParallelElementsCostly : kParallelElements;
  if (typed && wants_tiles(it)) {
    dispatch(out_dt, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_floating_point_v<T>) {
        const T* data[1] = {static_cast<const T*>(x.data)};
        packed_tiles<T, 1>(it, data, [&](const T* const* p, const i64* step, i64 o, i64 len) {
          unary_row<T>(op, p[0], step[0], static_cast<T*>(out) + o, len, false);
        });
      }
    });
    return;
  }
  // Staged rows use their own buffers, one set per thread.
  auto run_row = [&](i64 ix, i64 step, i64 o, i64 len, double* bx, double* bo) {
    if (typed) {
      dispatch(out_dt, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_floating_point_v<T>) unary_row<T>(op, static_cast<const T*>(x.data) + ix, step, static_cast<T*>(out) + o, len, false);
      });
      return;
    }
    for (i64 j = 0; j < len; j += kChunk) {
      const i64 l = std::min(kChunk, len - j);
      load_row(x.data, x.dtype, ix + j * step, step, l, bx);
      unary_row<double>(op, bx, 1, bo, l, int_in);
      store_row(bo, out, out_dt, o + j, l);
    }
  };
  if (wants_tiles(it)) {
    double bx[kChunk], bo[kChunk];
    tiled_rows(it, [&](const i64* offs, i64 o, i64 len) { run_row(offs[0], sx, o, len, bx, bo); });
    return;
  }
  each_rows(it, min_parallel, [&](RowIter<1>& jt, i64 r0, i64 r1) {
    double bx[kChunk], bo[kChunk];
    for (i64 r = r0; r < r1; r++) {
      run_row(jt.offs[0], sx, r * jt.inner, jt.inner, bx, bo);
      jt.next();
    }
  });
}

void binary(BinaryOp op, const View& a, const View& b, void* out, DType out_dt) {
  const i64 n = a.numel();
  if (n == 0) return;
  const bool same = a.dtype == b.dtype && (a.dtype == DType::F32 || a.dtype == DType::F64);
  const bool typed = same && out_dt == a.dtype;
  const bool compare = same && out_dt == DType::Bool && op >= BinaryOp::Eq && op <= BinaryOp::Ge;
  // One row per operand pair, staged or typed.
  auto run_row = [&](i64 ia, i64 sa, i64 ib, i64 sb, i64 o, i64 len, double* ba, double* bb, double* bo) {
    if (typed || compare) {
      dispatch(a.dtype, [&](auto tag) {
        using T = decltype(tag);
        if constexpr (std::is_floating_point_v<T>) {
          const T* pa = static_cast<const T*>(a.data) + ia;
          const T* pb = static_cast<const T*>(b.data) + ib;
          if (typed) binary_row<T>(op, pa, sa, pb, sb, static_cast<T*>(out) + o, len, false);
          else compare_row<T>(op, pa, sa, pb, sb, static_cast<uint8_t*>(out) + o, len);
        }
      });
      return;
    }
    const bool int_in = is_int(a.dtype) && is_int(b.dtype);
    for (i64 j = 0; j < len; j += kChunk) {
      const i64 l = std::min(kChunk, len - j);
      load_row(a.data, a.dtype, ia + j * sa, sa, l, ba);
      load_row(b.data, b.dtype, ib + j * sb, sb, l, bb);
      binary_row<double>(op, ba, 1, bb, 1, bo, l, int_in);
      store_row(bo, out, out_dt, o + j, l);
    }
  };
  const bool a_dense = is_dense(a.strides, a.nd, a.shape), b_dense = is_dense(b.strides, b.nd, b.shape);
  auto scalar = [](const View& v) {
    for (int d = 0; d < v.nd; d++) if (v.shape[d] != 1 && v.strides[d] != 0) return false;
    return true;
  };
  // Dense with dense or with a broadcast scalar: one long row, split across threads when large.
  if ((typed || compare) && (a_dense || scalar(a)) && (b_dense || scalar(b))) {
    const i64 sa = a_dense ? 1 : 0, sb = b_dense ? 1 : 0;
    for_chunks(n, [&](i64 s, i64 len) { run_row(a.offset + s * sa, sa, b.offset + s * sb, sb, s, len, nullptr, nullptr, nullptr); }, kParallelElements);
    return;
  }
  const i64* st[2] = {a.strides, b.strides};
  const i64 offs[2] = {a.offset, b.offset};
  RowIter<2> it(a.nd, a.shape, st, offs);
  if (typed && wants_tiles(it)) {
    dispatch(out_dt, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_floating_point_v<T>) {
        const T* data[2] = {static_cast<const T*>(a.data), static_cast<const T*>(b.data)};
        packed_tiles<T, 2>(it, data, [&](const T* const* p, const i64* step, i64 o, i64 len) {
          binary_row<T>(op, p[0], step[0], p[1], step[1], static_cast<T*>(out) + o, len, false);
        });
      }
    });
    return;
  }
  if (wants_tiles(it)) {
    double ba[kChunk], bb[kChunk], bo[kChunk];
    const i64 sa = it.inner_stride[0], sb = it.inner_stride[1];
    tiled_rows(it, [&](const i64* o2, i64 o, i64 len) { run_row(o2[0], sa, o2[1], sb, o, len, ba, bb, bo); });
    return;
  }
  each_rows(it, kParallelElements, [&](RowIter<2>& jt, i64 r0, i64 r1) {
    double ba[kChunk], bb[kChunk], bo[kChunk];
    for (i64 r = r0; r < r1; r++) {
      run_row(jt.offs[0], jt.inner_stride[0], jt.offs[1], jt.inner_stride[1], r * jt.inner, jt.inner, ba, bb, bo);
      jt.next();
    }
  });
}

namespace {

typedef uint8_t MaskBytes4 __attribute__((vector_size(4)));
typedef uint32_t Words4 __attribute__((vector_size(16)));

/**
 * po[j] = pc[j] ? a_j : b_j for 32-bit elements, four at a time with masks (the scalar form
 * does not vectorise: GCC keeps the byte-to-word mask in general registers). a and b advance
 * by sa and sb, each 0 (one value for every element) or 1.
 */
void select32(const uint8_t* pc, const uint32_t* pa, i64 sa, const uint32_t* pb, i64 sb, uint32_t* po, i64 len) {
  const Words4 a0 = Words4{} + pa[0], b0 = Words4{} + pb[0];
  i64 j = 0;
  for (; j + 4 <= len; j += 4) {
    MaskBytes4 m;
    std::memcpy(&m, pc + j, sizeof m);
    const Words4 k = reinterpret_cast<Words4>(__builtin_convertvector(m, Words4) != 0);
    Words4 a = a0, b = b0;
    if (sa != 0) std::memcpy(&a, pa + j, sizeof a);
    if (sb != 0) std::memcpy(&b, pb + j, sizeof b);
    const Words4 o = (a & k) | (b & ~k);
    std::memcpy(po + j, &o, sizeof o);
  }
  for (; j < len; j++) {
    const uint32_t k = 0u - static_cast<uint32_t>(pc[j] != 0);
    po[j] = (pa[j * sa] & k) | (pb[j * sb] & ~k);
  }
}

/** out = cond ? a : b by bit copies of one element size (a, b and out share a dtype, cond is bool). */
template <class U>
void select_rows(const View& c, const View& a, const View& b, U* out) {
  const i64* st[3] = {c.strides, a.strides, b.strides};
  const i64 offs[3] = {c.offset, a.offset, b.offset};
  const RowIter<3> it0(c.nd, c.shape, st, offs);
  const uint8_t* cd = static_cast<const uint8_t*>(c.data);
  const U* ad = static_cast<const U*>(a.data);
  const U* bd = static_cast<const U*>(b.data);
  const i64 sc = it0.inner_stride[0], sa = it0.inner_stride[1], sb = it0.inner_stride[2];
  // Branch-free (masks): a data-dependent branch mispredicts on half of a relu mask.
  auto pick = [](uint8_t m, U x, U y) {
    const U k = static_cast<U>(U(0) - static_cast<U>(m != 0));
    return static_cast<U>((x & k) | (y & static_cast<U>(~k)));
  };
  auto run = [&](const uint8_t* pc, const U* pa, const U* pb, U* po, i64 len) {
    if constexpr (std::is_same_v<U, uint32_t>) {
      if (sc == 1 && (sa == 0 || sa == 1) && (sb == 0 || sb == 1)) {
        select32(pc, pa, sa, pb, sb, po, len);
        return;
      }
    }
    if (sc == 1 && sa == 1 && sb == 1) {
      for (i64 j = 0; j < len; j++) po[j] = pick(pc[j], pa[j], pb[j]);
    } else if (sc == 1 && sa == 1 && sb == 0) {
      const U y = pb[0];
      for (i64 j = 0; j < len; j++) po[j] = pick(pc[j], pa[j], y);
    } else if (sc == 1 && sa == 0 && sb == 1) {
      const U x = pa[0];
      for (i64 j = 0; j < len; j++) po[j] = pick(pc[j], x, pb[j]);
    } else {
      for (i64 j = 0; j < len; j++) po[j] = pick(pc[j * sc], pa[j * sa], pb[j * sb]);
    }
  };
  if (it0.rows == 1) {  // one long row (dense operands): split it
    for_chunks(it0.inner, [&](i64 s, i64 len) {
      run(cd + it0.offs[0] + s * sc, ad + it0.offs[1] + s * sa, bd + it0.offs[2] + s * sb, out + s, len);
    }, kParallelElements);
    return;
  }
  each_rows(it0, kParallelElements, [&](RowIter<3>& it, i64 r0, i64 r1) {
    for (i64 r = r0; r < r1; r++) {
      run(cd + it.offs[0], ad + it.offs[1], bd + it.offs[2], out + r * it.inner, it.inner);
      it.next();
    }
  });
}

}  // namespace

void where(const View& cond, const View& a, const View& b, void* out, DType out_dt) {
  if (cond.numel() == 0) return;
  if (cond.dtype == DType::Bool && a.dtype == out_dt && b.dtype == out_dt) {
    switch (out_dt) {
      case DType::F32: case DType::I32: select_rows(cond, a, b, static_cast<uint32_t*>(out)); return;
      case DType::F64: select_rows(cond, a, b, static_cast<uint64_t*>(out)); return;
      case DType::Bool: select_rows(cond, a, b, static_cast<uint8_t*>(out)); return;
    }
  }
  const i64* st[3] = {cond.strides, a.strides, b.strides};
  const i64 offs[3] = {cond.offset, a.offset, b.offset};
  RowIter<3> it(cond.nd, cond.shape, st, offs);
  double bc[kChunk], ba[kChunk], bb[kChunk];
  for (i64 r = 0, o = 0; r < it.rows; r++, o += it.inner) {
    for (i64 j = 0; j < it.inner; j += kChunk) {
      const i64 l = std::min(kChunk, it.inner - j);
      load_row(cond.data, cond.dtype, it.offs[0] + j * it.inner_stride[0], it.inner_stride[0], l, bc);
      load_row(a.data, a.dtype, it.offs[1] + j * it.inner_stride[1], it.inner_stride[1], l, ba);
      load_row(b.data, b.dtype, it.offs[2] + j * it.inner_stride[2], it.inner_stride[2], l, bb);
      for (i64 q = 0; q < l; q++) ba[q] = bc[q] != 0 ? ba[q] : bb[q];
      store_row(ba, out, out_dt, o + j, l);
    }
    it.next();
  }
}

namespace {

/**
 * A copy whose last two merged dims are swapped in memory (the input's stride along the
 * second-to-last output dim is 1): moved in tiles so reads and writes both stay cached.
 */
template <class D, class S>
void copy_transposed(const S* x, i64 off, int nd, const i64* shape, const i64* strides, D* out) {
  const i64 rows = shape[nd - 2], cols = shape[nd - 1];
  const i64 rs = strides[nd - 2], cs = strides[nd - 1];
  i64 outer = 1;
  for (int d = 0; d < nd - 2; d++) outer *= shape[d];
  // Work items: blocks of kCopyRows output rows of one outer index.
  constexpr i64 kCopyRows = 64;
  const i64 rblocks = (rows + kCopyRows - 1) / kCopyRows, items = outer * rblocks;
  for_chunks(items, [&](i64 first, i64 count) {
    for (i64 item = first; item < first + count; item++) {
      const i64 t = item / rblocks, i0 = (item % rblocks) * kCopyRows, i1 = std::min(rows, i0 + kCopyRows);
      i64 base = off;
      for (i64 d = nd - 3, q = t; d >= 0; d--) {
        base += (q % shape[d]) * strides[d];
        q /= shape[d];
      }
      D* o = out + t * rows * cols;
      if constexpr (std::is_same_v<D, float> && std::is_same_v<S, float>) {
        if (rs == 1) {
          vmath().transpose(x + base + i0, cs, o + i0 * cols, cols, i1 - i0, cols);
          continue;
        }
      }
      for (i64 j0 = 0; j0 < cols; j0 += kTile) {
        const i64 j1 = std::min(cols, j0 + kTile);
        for (i64 i = i0; i < i1; i++) {
          const S* src = x + base + i * rs;
          D* dst = o + i * cols;
          for (i64 j = j0; j < j1; j++) dst[j] = Cast<D>::from(src[j * cs]);
        }
      }
    }
  }, outer * rows * cols >= kParallelElements ? 2 : items + 1);
}

}  // namespace

void copy(const View& x, void* out, DType out_dt) {
  const i64 n = x.numel();
  if (n == 0) return;
  const i64* st[1] = {x.strides};
  const i64 offs[1] = {x.offset};
  RowIter<1> it(x.nd, x.shape, st, offs);
  dispatch(out_dt, [&](auto otag) {
    using D = decltype(otag);
    D* o = static_cast<D*>(out);
    dispatch(x.dtype, [&](auto itag) {
      using S = decltype(itag);
      const S* src = static_cast<const S*>(x.data);
      if constexpr (std::is_same_v<D, S>) {
        // Same type, contiguous rows: block copies, rows split across threads when many.
        if (it.inner_stride[0] == 1) {
          const i64 min_rows = std::max<i64>(1, kParallelElements / std::max<i64>(1, it.inner));
          for_chunks(it.rows, [&](i64 r0, i64 nr) {
            RowIter<1> jt = it;
            if (r0 > 0) jt.seek(r0);
            for (i64 r = r0; r < r0 + nr; r++) {
              std::memcpy(o + r * jt.inner, src + jt.offs[0], static_cast<size_t>(jt.inner) * sizeof(D));
              jt.next();
            }
          }, min_rows);
          return;
        }
      }
      if (it.nd >= 2 && it.strides[0][it.nd - 2] == 1 && it.inner >= 8 && it.shape[it.nd - 2] >= 8) {
        copy_transposed<D, S>(src, x.offset, it.nd, it.shape, it.strides[0], o);
        return;
      }
      each_rows(it, kParallelElements, [&](RowIter<1>& jt, i64 r0, i64 r1) {
        for (i64 r = r0; r < r1; r++) {
          convert_row(src + jt.offs[0], jt.inner_stride[0], o + r * jt.inner, 1, jt.inner);
          jt.next();
        }
      });
    });
  });
}

namespace {

size_t elem_size(DType t) {
  switch (t) {
    case DType::F32: case DType::I32: return 4;
    case DType::F64: return 8;
    case DType::Bool: return 1;
  }
  return 1;
}

/** Whether the bytes two views can address overlap (then only element order is safe). */
bool may_overlap(const View& a, const View& b) {
  auto range = [](const View& v, const char** lo, const char** hi) {
    i64 l = v.offset, h = v.offset;
    for (int d = 0; d < v.nd; d++) {
      const i64 span = (v.shape[d] - 1) * v.strides[d];
      if (span < 0) l += span; else h += span;
    }
    const size_t es = elem_size(v.dtype);
    *lo = static_cast<const char*>(v.data) + l * static_cast<i64>(es);
    *hi = static_cast<const char*>(v.data) + (h + 1) * static_cast<i64>(es);
  };
  const char *alo, *ahi, *blo, *bhi;
  range(a, &alo, &ahi);
  range(b, &blo, &bhi);
  return alo < bhi && blo < ahi;
}

}  // namespace

void assign(const View& dst, const View& src) {
  if (dst.numel() == 0) return;
  const i64* st[2] = {dst.strides, src.strides};
  const i64 offs[2] = {dst.offset, src.offset};
  RowIter<2> it(dst.nd, dst.shape, st, offs);
  const bool separate = !may_overlap(dst, src);
  dispatch(dst.dtype, [&](auto dtag) {
    using D = decltype(dtag);
    D* d = static_cast<D*>(dst.data);
    dispatch(src.dtype, [&](auto stag) {
      using S = decltype(stag);
      const S* s = static_cast<const S*>(src.data);
      const i64 sd = it.inner_stride[0], ss = it.inner_stride[1];
      // One run of n elements: block copies and fills for separate buffers, else element order.
      auto run = [&](D* pd, const S* ps, i64 n) {
        if constexpr (std::is_same_v<D, S>) {
          if (separate && sd == 1 && ss == 1) {
            std::memcpy(pd, ps, static_cast<size_t>(n) * sizeof(D));
            return;
          }
          if (separate && sd == 1 && ss == 0) {
            std::fill(pd, pd + n, Cast<D>::from(ps[0]));
            return;
          }
        }
        for (i64 j = 0; j < n; j++) pd[j * sd] = Cast<D>::from(ps[j * ss]);
      };
      if (!separate) {
        // Overlapping views: one thread, in element order, as in the js backend.
        for (i64 r = 0; r < it.rows; r++) {
          run(d + it.offs[0], s + it.offs[1], it.inner);
          it.next();
        }
        return;
      }
      // Separate buffers: large copies and fills (zeroGrad's) are split over the pool, by
      // elements when the view is one run, else by rows.
      if (it.rows == 1) {
        for_chunks(it.inner, [&](i64 j0, i64 n) { run(d + it.offs[0] + j0 * sd, s + it.offs[1] + j0 * ss, n); },
                   kParallelElements);
        return;
      }
      each_rows(it, kParallelElements, [&](RowIter<2>& jt, i64 r0, i64 r1) {
        for (i64 r = r0; r < r1; r++) {
          run(d + jt.offs[0], s + jt.offs[1], jt.inner);
          jt.next();
        }
      });
    });
  });
}

}  // namespace gl
