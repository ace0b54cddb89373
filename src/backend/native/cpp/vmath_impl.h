// The algorithms of vmath.h, written once over GCC vector types of GL_VW float lanes and
// included by one file per instruction set (each compiled for its target), which defines
// GL_VW, GL_FMA(a, b, c) and GL_SQRT(a) first. Deliberately includes no standard header: an inline
// function compiled here for a wider ISA must never be what the rest of the addon links to.
// Method: Cody-Waite range reduction and polynomials (Cephes-style for exp and log; erf's
// fitted by weighted minimax in double), special values fixed up by lane selects.

// 64-byte vectors pass between functions of this file only (internal linkage, one target), so
// the ABI note GCC gives for them on narrower targets does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace {

typedef float vf __attribute__((vector_size(GL_VW * 4)));
typedef int vi __attribute__((vector_size(GL_VW * 4)));

inline vf splat(float v) { return vf{} + v; }
inline vi splati(int v) { return vi{} + v; }
inline vf fma(vf a, vf b, vf c) { return GL_FMA(a, b, c); }
inline vf fma(vf a, float b, float c) { return GL_FMA(a, splat(b), splat(c)); }
inline vi bits(vf x) { return (vi)x; }  // a vector cast keeps the bits
inline vf from_bits(vi x) { return (vf)x; }
inline vf sel(vi m, vf a, vf b) { return m ? a : b; }
inline vf vabs(vf x) { return from_bits(bits(x) & splati(0x7fffffff)); }
/** |mag| with the sign bit of sgn. */
inline vf copysign(vf mag, vf sgn) { return from_bits((bits(mag) & splati(0x7fffffff)) | (bits(sgn) & splati(-0x7fffffff - 1))); }
inline vf clamp(vf x, float lo, float hi) {
  x = sel(x < splat(lo), splat(lo), x);  // NaN compares false and stays NaN
  return sel(x > splat(hi), splat(hi), x);
}
inline bool any(vi m) {
  int r = 0;
  for (int i = 0; i < GL_VW; i++) r |= m[i];
  return r != 0;
}
/** 2^k for integral k in [-126, 127]. */
inline vf pow2(vi k) { return from_bits((k + 127) << 23); }

constexpr float kInf = __builtin_inff();
constexpr float kNaN = __builtin_nanf("");
constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;  // ln 2 = kLn2Hi - kLn2Lo, kLn2Hi with 9 bits (exact products)
constexpr float kLn2Lo = 2.12194440e-4f;

/** Nearest integer k to x / ln 2 (as float) and r = x - k ln 2; |x / ln 2| < 2^22. */
inline vf reduce_ln2(vf x, vf* k) {
  *k = fma(x, kLog2e, kMagic) - splat(kMagic);
  const vf r = fma(*k, splat(-kLn2Hi), x);
  return fma(*k, splat(kLn2Lo), r);
}

/** exp(x) for every x but NaN: 2^k e^r, scaled in two steps so results may be subnormal or overflow. */
inline vf exp_core(vf x) {
  x = clamp(x, -104.0f, 89.0f);  // beyond: 0 (after rounding) or inf, which the scaling produces
  vf k;
  const vf r = reduce_ln2(x, &k);
  vf p = splat(1.9875691500e-4f);
  p = fma(p, r, splat(1.3981999507e-3f));
  p = fma(p, r, splat(8.3334519073e-3f));
  p = fma(p, r, splat(4.1665795894e-2f));
  p = fma(p, r, splat(1.6666665459e-1f));
  p = fma(p, r, splat(5.0000001201e-1f));
  const vf y = fma(p, r * r, r) + splat(1.0f);
  const vi ki = __builtin_convertvector(k, vi);
  const vi k1 = ki >> 1;
  return y * pow2(k1) * pow2(ki - k1);
}

inline vf fix_nan(vf x, vf r) { return sel(x != x, x + x, r); }

vf exp_v(vf x) { return fix_nan(x, exp_core(x)); }

/** log(1 + f) + e ln 2 for f in [sqrt(1/2) - 1, sqrt(2) - 1] (Cephes' logf polynomial). */
inline vf log_poly(vf f, vf e) {
  const vf z = f * f;
  vf p = splat(7.0376836292e-2f);
  p = fma(p, f, splat(-1.1514610310e-1f));
  p = fma(p, f, splat(1.1676998740e-1f));
  p = fma(p, f, splat(-1.2420140846e-1f));
  p = fma(p, f, splat(1.4249322787e-1f));
  p = fma(p, f, splat(-1.6668057665e-1f));
  p = fma(p, f, splat(2.0000714765e-1f));
  p = fma(p, f, splat(-2.4999993993e-1f));
  p = fma(p, f, splat(3.3333331174e-1f));
  vf y = p * f * z;
  y = fma(e, splat(-kLn2Lo), y);
  y = fma(z, splat(-0.5f), y);
  return fma(e, splat(kLn2Hi), f + y);
}

/** Splits a positive normal x into x = 2^e (1 + f), with 1 + f in [sqrt(1/2), sqrt(2)). */
inline vf split(vf x, vf* e) {
  const vi xi = bits(x);
  const vf m = from_bits((xi & splati(0x007fffff)) | splati(0x3f000000));  // [0.5, 1)
  const vi lo = m < splat(0.707106781186547524f);
  const vi ei = ((xi >> 23) & splati(0xff)) - splati(126) + lo;  // lo is -1 where true
  *e = __builtin_convertvector(ei, vf);
  return sel(lo, m + m, m) - splat(1.0f);
}

vf log_v(vf x) {
  const vi sub = x < splat(1.17549435e-38f);  // subnormal (or <= 0, fixed up below): scale by 2^23
  vf e;
  const vf f = split(sel(sub, x * splat(8388608.0f), x), &e);
  vf r = log_poly(f, e - from_bits(sub & bits(splat(23.0f))));
  r = sel(x == splat(kInf), x, r);
  r = sel(x < splat(0.0f), splat(kNaN), r);
  r = sel(x == splat(0.0f), splat(-kInf), r);
  return fix_nan(x, r);
}

vf log1p_v(vf x) {
  const vf u = x + splat(1.0f);
  vf e;
  const vf f = split(u, &e);
  // log(1 + x) = log(u) + log(1 + c) with c the relative rounding error of u = 1 + x.
  const vf c = (x - (u - splat(1.0f))) / u;
  vf r = log_poly(f, e) + c;
  r = sel(x == splat(kInf), x, r);
  r = sel(x == splat(0.0f), x, r);  // keeps -0
  r = sel(x < splat(-1.0f), splat(kNaN), r);
  r = sel(x == splat(-1.0f), splat(-kInf), r);
  return fix_nan(x, r);
}

/** expm1 for x in [-18, 88] (below -18 this gives -1, as the exact value rounds to). */
inline vf expm1_core(vf x) {
  x = clamp(x, -18.0f, 88.0f);
  vf k;
  const vf r = reduce_ln2(x, &k);
  // expm1(r) = r + r^2/2 + ... + r^9/9! (Taylor; the remainder is below 1e-9 relative for |r| <= ln2/2).
  vf q = splat(1.0f / 362880);
  q = fma(q, r, splat(1.0f / 40320));
  q = fma(q, r, splat(1.0f / 5040));
  q = fma(q, r, splat(1.0f / 720));
  q = fma(q, r, splat(1.0f / 120));
  q = fma(q, r, splat(1.0f / 24));
  q = fma(q, r, splat(1.0f / 6));
  q = fma(q, r, splat(0.5f));
  const vf em = fma(q, r * r, r);
  const vf s = pow2(__builtin_convertvector(k, vi));
  return fma(s, em, s - splat(1.0f));  // 2^k (1 + em) - 1
}

vf expm1_v(vf x) {
  vf r = expm1_core(x);
  const vi big = x > splat(88.0f);
  if (any(big)) r = sel(big, exp_core(x), r);  // exp(x) - 1 rounds to exp(x) there
  r = sel(x == splat(0.0f), x, r);             // keeps -0
  return fix_nan(x, r);
}

vf tanh_v(vf x) {
  // tanh |x| = t / (t + 2) with t = expm1(2 |x|); beyond |x| = 10 it rounds to 1.
  const vf a = clamp(vabs(x), 0.0f, 10.0f);
  const vf t = expm1_core(a + a);
  return fix_nan(x, copysign(t / (t + splat(2.0f)), x));
}

vf sigmoid_v(vf x) {
  // 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below: e never overflows.
  const vf e = exp_core(-vabs(x));
  return fix_nan(x, sel(x >= splat(0.0f), splat(1.0f), e) / (splat(1.0f) + e));
}

vf erf_v(vf x) {
  const vf a = vabs(x);
  // |x| < 1: erf(x) / x as a polynomial in x^2 (relative error 1.2e-9 in double).
  const vf z = a * a;
  vf p = splat(7.854212437649437e-05f);
  p = fma(p, z, splat(-0.0008010308922782655f));
  p = fma(p, z, splat(0.005188342262412326f));
  p = fma(p, z, splat(-0.026853820790077122f));
  p = fma(p, z, splat(0.11283585410315863f));
  p = fma(p, z, splat(-0.3761262585737173f));
  p = fma(p, z, splat(1.1283791657386213f));
  const vf small = a * p;
  // 1 <= |x| <= 4: erfc(x) = exp(-x^2 - g(x)), g a polynomial in x - 2.5; past 4 erf rounds to 1.
  const vf b = clamp(a, 1.0f, 4.0f);
  const vf t = b - splat(2.5f);
  vf g = splat(-0.00018557793180875077f);
  g = fma(g, t, splat(0.00015597603707890494f));
  g = fma(g, t, splat(-0.0024578347020530397f));
  g = fma(g, t, splat(0.010717719052471923f));
  g = fma(g, t, splat(-0.05611464638132008f));
  g = fma(g, t, splat(0.35269396696243355f));
  g = fma(g, t, splat(1.5568178029206476f));
  const vf big = splat(1.0f) - exp_core(-(b * b) - g);
  return fix_nan(x, copysign(sel(a < splat(1.0f), small, big), x));
}

vf sqrt_v(vf x) { return GL_SQRT(x); }

// 1 / sqrt(x): two correctly rounded operations, within about 1 ulp.
vf rsqrt_v(vf x) { return splat(1.0f) / GL_SQRT(x); }

// ---- reduction row loops (vmath.h's VReduce) -------------------------------------------------

typedef double v8d __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));

/** 64-byte vectors of T and their comparison masks. */
template <class T> struct Vec;
template <> struct Vec<float> {
  typedef float V __attribute__((vector_size(64)));
  typedef int M __attribute__((vector_size(64)));
  static constexpr int W = 16;
  static constexpr int64_t kBlock = 1024;  // elements per lane group before it is added up in double
};
template <> struct Vec<double> {
  typedef double V __attribute__((vector_size(64)));
  typedef long long M __attribute__((vector_size(64)));
  static constexpr int W = 8;
  static constexpr int64_t kBlock = 4096;
};

template <class T>
inline typename Vec<T>::V vload(const T* p) {
  typename Vec<T>::V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

/** The lanes of v added into a double vector (float: both halves, widened). */
inline v8d widen_add(v8d acc, Vec<float>::V v) {
  const v8f lo = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7);
  const v8f hi = __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
  return acc + __builtin_convertvector(lo, v8d) + __builtin_convertvector(hi, v8d);
}
inline v8d widen_add(v8d acc, Vec<double>::V v) { return acc + v; }

inline double hsum(v8d v) { return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7])); }

// Sums of squares (Sq) run the sum loops on each value squared in its own type. The square is
// kept apart from the addition (GCC would fuse them into an FMA in the FMA builds), so a row's
// sum of squares equals, bit for bit, the sum of the values square() writes.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

/** v itself (a sum) or v * v rounded in its own type (a sum of squares). */
template <bool Sq, class V>
inline V term(V v) {
  if constexpr (Sq) return v * v;
  return v;
}

/**
 * Sum (of squares, Sq) of a contiguous row: four vectors of lanes, each lane summing at most
 * 16 (float) or 128 (double) values of a block before the block is added up in double, so the
 * error stays that of a blocked (pairwise-like) sum however long the row.
 */
template <bool Sq, class T>
inline double sum_impl(const T* p, int64_t n) {
  using V = typename Vec<T>::V;
  constexpr int W = Vec<T>::W;
  v8d total = {};
  int64_t i = 0;
  while (n - i >= 4 * W) {
    const int64_t e = i + (n - i < Vec<T>::kBlock ? n - i : Vec<T>::kBlock);
    V s0 = {}, s1 = {}, s2 = {}, s3 = {};
    for (; i + 4 * W <= e; i += 4 * W) {
      s0 += term<Sq>(vload(p + i));
      s1 += term<Sq>(vload(p + i + W));
      s2 += term<Sq>(vload(p + i + 2 * W));
      s3 += term<Sq>(vload(p + i + 3 * W));
    }
    total = widen_add(widen_add(widen_add(widen_add(total, s0), s1), s2), s3);
  }
  double tail = 0;
  for (; i < n; i++) tail += static_cast<double>(term<Sq>(p[i]));
  return hsum(total) + tail;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

/** b where it is beyond a (greater for max, less for min) or NaN, else a: NaN, once in, stays. */
template <bool Max, class V>
inline V pick(V a, V b) { return ((Max ? b > a : b < a) | (b != b)) ? b : a; }

/** The lanes of v folded into lane 0 with pick (a shuffle tree). */
template <bool Max>
inline float fold(Vec<float>::V v) {
  v = pick<Max>(v, __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  v = pick<Max>(v, __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
  v = pick<Max>(v, __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
  v = pick<Max>(v, __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
  return v[0];
}
template <bool Max>
inline double fold(Vec<double>::V v) {
  v = pick<Max>(v, __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3));
  v = pick<Max>(v, __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5));
  v = pick<Max>(v, __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6));
  return v[0];
}

/** max (or min) of a contiguous row with NaN sticking (the exact path). */
template <bool Max, class T>
inline double extreme_exact(const T* p, int64_t n) {
  using V = typename Vec<T>::V;
  constexpr int W = Vec<T>::W;
  constexpr T inf = static_cast<T>(__builtin_inf());
  // Four independent chains: a compare-and-blend step has several cycles of latency.
  V m0 = V{} + (Max ? -inf : inf), m1 = m0, m2 = m0, m3 = m0;
  int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    m0 = pick<Max>(m0, vload(p + i));
    m1 = pick<Max>(m1, vload(p + i + W));
    m2 = pick<Max>(m2, vload(p + i + 2 * W));
    m3 = pick<Max>(m3, vload(p + i + 3 * W));
  }
  for (; i + W <= n; i += W) m0 = pick<Max>(m0, vload(p + i));
  T r = fold<Max>(pick<Max>(pick<Max>(m0, m1), pick<Max>(m2, m3)));
  for (; i < n; i++) r = ((Max ? p[i] > r : p[i] < r) || p[i] != p[i]) ? p[i] : r;
  return static_cast<double>(r);
}

/**
 * max (or min) of a contiguous row; NaN if it holds one. The fast pass takes plain maxima
 * (NaN ignored) and, alongside, a sum that any NaN turns to NaN (as can opposite infinities
 * or overflows, rarely); only then is the row walked again on the exact path.
 */
template <bool Max, class T>
inline double extreme_impl(const T* p, int64_t n) {
  using V = typename Vec<T>::V;
  constexpr int W = Vec<T>::W;
  constexpr T inf = static_cast<T>(__builtin_inf());
  V m0 = V{} + (Max ? -inf : inf), m1 = m0, s0 = {}, s1 = {};
  int64_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    const V a = vload(p + i), b = vload(p + i + W);
    m0 = (Max ? a > m0 : a < m0) ? a : m0;
    m1 = (Max ? b > m1 : b < m1) ? b : m1;
    s0 += a;
    s1 += b;
  }
  const V s = s0 + s1;
  T z = 0;
  for (int k = 0; k < W; k++) z += s[k];
  if (z != z) return extreme_exact<Max>(p, n);
  T r = fold<Max>(pick<Max>(m0, m1));
  for (; i < n; i++) r = ((Max ? p[i] > r : p[i] < r) || p[i] != p[i]) ? p[i] : r;
  return static_cast<double>(r);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif
/** acc[j] += sum over the rows of rows[r][j] (squared, Sq), j < w (at most kReduceRowGroup rows). */
template <bool Sq, class T>
inline void acc_sum_impl(double* __restrict acc, const T* const* rows, int nrows, int64_t w) {
  using V = typename Vec<T>::V;
  constexpr int W = Vec<T>::W;
  int64_t j = 0;
  for (; j + W <= w; j += W) {
    V s = term<Sq>(vload(rows[0] + j));
    for (int r = 1; r < nrows; r++) s += term<Sq>(vload(rows[r] + j));
    if constexpr (W == 16) {
      v8d a0, a1;
      __builtin_memcpy(&a0, acc + j, sizeof a0);
      __builtin_memcpy(&a1, acc + j + 8, sizeof a1);
      a0 += __builtin_convertvector(__builtin_shufflevector(s, s, 0, 1, 2, 3, 4, 5, 6, 7), v8d);
      a1 += __builtin_convertvector(__builtin_shufflevector(s, s, 8, 9, 10, 11, 12, 13, 14, 15), v8d);
      __builtin_memcpy(acc + j, &a0, sizeof a0);
      __builtin_memcpy(acc + j + 8, &a1, sizeof a1);
    } else {
      v8d a0;
      __builtin_memcpy(&a0, acc + j, sizeof a0);
      a0 += s;
      __builtin_memcpy(acc + j, &a0, sizeof a0);
    }
  }
  for (; j < w; j++) {
    T s = term<Sq>(rows[0][j]);
    for (int r = 1; r < nrows; r++) s += term<Sq>(rows[r][j]);
    acc[j] += static_cast<double>(s);
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

/** acc[j] = max(acc[j], rows[r][j]...) (or min); a NaN, once in, stays. */
template <bool Max, class T>
inline void acc_extreme_impl(double* __restrict acc, const T* const* rows, int nrows, int64_t w) {
  for (int64_t j = 0; j < w; j++) {
    double a = acc[j];
    for (int r = 0; r < nrows; r++) {
      const double v = static_cast<double>(rows[r][j]);
      a = (Max ? v > a : v < a) || v != v ? v : a;
    }
    acc[j] = a;
  }
}

// ---- transposing copies --------------------------------------------------------------------

/** Rows r[0..8) of an 8 x 8 block become its columns (unpack, shuffle, swap halves). */
inline void transpose8(v8f* r) {
  v8f t[8], u[8];
  for (int k = 0; k < 8; k += 2) {
    t[k] = __builtin_shufflevector(r[k], r[k + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[k + 1] = __builtin_shufflevector(r[k], r[k + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int k = 0; k < 8; k += 4) {
    u[k] = __builtin_shufflevector(t[k], t[k + 2], 0, 1, 8, 9, 4, 5, 12, 13);
    u[k + 1] = __builtin_shufflevector(t[k], t[k + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    u[k + 2] = __builtin_shufflevector(t[k + 1], t[k + 3], 0, 1, 8, 9, 4, 5, 12, 13);
    u[k + 3] = __builtin_shufflevector(t[k + 1], t[k + 3], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (int k = 0; k < 4; k++) {
    r[k] = __builtin_shufflevector(u[k], u[k + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    r[k + 4] = __builtin_shufflevector(u[k], u[k + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// Walks the destination row-major in bands of 16 rows, so each destination row is written as
// one sequential stream (what a cold output needs) and each source line (16 values along i) is
// used up by one 8 x 16 load.
void transpose_f32(const float* src, int64_t ss, float* dst, int64_t ds, int64_t rows, int64_t cols) {
  int64_t i0 = 0;
  for (; i0 + 16 <= rows; i0 += 16) {
    int64_t j0 = 0;
    for (; j0 + 8 <= cols; j0 += 8) {
      v8f lo[8], hi[8];
      for (int k = 0; k < 8; k++) {
        __builtin_memcpy(&lo[k], src + i0 + (j0 + k) * ss, sizeof(v8f));
        __builtin_memcpy(&hi[k], src + i0 + 8 + (j0 + k) * ss, sizeof(v8f));
      }
      transpose8(lo);
      transpose8(hi);
      for (int k = 0; k < 8; k++) {
        __builtin_memcpy(dst + (i0 + k) * ds + j0, &lo[k], sizeof(v8f));
        __builtin_memcpy(dst + (i0 + 8 + k) * ds + j0, &hi[k], sizeof(v8f));
      }
    }
    for (; j0 < cols; j0++) {
      for (int k = 0; k < 16; k++) dst[(i0 + k) * ds + j0] = src[i0 + k + j0 * ss];
    }
  }
  for (; i0 < rows; i0++) {
    for (int64_t j = 0; j < cols; j++) dst[i0 * ds + j] = src[i0 + j * ss];
  }
}

/** o = F(x) over n contiguous floats; the tail runs as one zero-padded vector. */
template <vf (*F)(vf)>
void row(const float* x, float* o, int64_t n) {
  int64_t i = 0;
  for (; i + GL_VW <= n; i += GL_VW) {
    vf v;
    __builtin_memcpy(&v, x + i, sizeof v);
    v = F(v);
    __builtin_memcpy(o + i, &v, sizeof v);
  }
  if (i < n) {
    vf v = splat(0.0f);
    __builtin_memcpy(&v, x + i, static_cast<unsigned long>(n - i) * 4);
    v = F(v);
    __builtin_memcpy(o + i, &v, static_cast<unsigned long>(n - i) * 4);
  }
}

void fill_table(VMath* t, VReduce* r) {
  r->sum_f32 = sum_impl<false, float>;
  r->sum_f64 = sum_impl<false, double>;
  r->sumsq_f32 = sum_impl<true, float>;
  r->sumsq_f64 = sum_impl<true, double>;
  r->max_f32 = extreme_impl<true, float>;
  r->max_f64 = extreme_impl<true, double>;
  r->min_f32 = extreme_impl<false, float>;
  r->min_f64 = extreme_impl<false, double>;
  r->acc_sum_f32 = acc_sum_impl<false, float>;
  r->acc_sum_f64 = acc_sum_impl<false, double>;
  r->acc_sumsq_f32 = acc_sum_impl<true, float>;
  r->acc_sumsq_f64 = acc_sum_impl<true, double>;
  r->acc_max_f32 = acc_extreme_impl<true, float>;
  r->acc_max_f64 = acc_extreme_impl<true, double>;
  r->acc_min_f32 = acc_extreme_impl<false, float>;
  r->acc_min_f64 = acc_extreme_impl<false, double>;
  t->exp = row<exp_v>;
  t->log = row<log_v>;
  t->log1p = row<log1p_v>;
  t->expm1 = row<expm1_v>;
  t->tanh = row<tanh_v>;
  t->sigmoid = row<sigmoid_v>;
  t->erf = row<erf_v>;
  t->sqrt = row<sqrt_v>;
  t->rsqrt = row<rsqrt_v>;
  t->transpose = transpose_f32;
}

}  // namespace
