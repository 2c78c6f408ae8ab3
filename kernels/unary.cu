// devarray unary elementwise kernels: {op}_{T}_{vec|s32|s64}, out[i] = op(in0[i]).
// da-dtypes: bool u8 u16 u32 u64 i8 i16 i32 i64 f16 bf16 f32 f64 c64 c128
// Which (op, dtype) pairs exist: see the table in kernels/ABI.md.
#include "common.cuh"

#define DA_UFUNCTOR(NAME, OUT)                                                     \
    template <class T> struct NAME {                                               \
        typedef OUT O; typedef T A; typedef T B; typedef T C;                      \
        static constexpr int NIN = 1;                                              \
        typedef typename da_tr<T>::C CT;                                           \
        static constexpr int K = da_tr<T>::kind;                                   \
        static DA_DEV O apply(T x);                                                \
    };                                                                             \
    template <class T> DA_DEV OUT NAME<T>::apply(T x)

// Float math in the compute type (f16/bf16 -> float -> f16/bf16, rounded once).
#define DA_UFLOAT(NAME, EXPR)                                                      \
    DA_UFUNCTOR(op_##NAME, T) {                                                    \
        const CT v = da_tr<T>::to_c(x);                                            \
        return da_tr<T>::from_c(EXPR);                                             \
    }
DA_UFLOAT(sqrt, da_sqrt(v))
DA_UFLOAT(exp, da_exp(v))
DA_UFLOAT(expm1, da_expm1(v))
DA_UFLOAT(log, da_log(v))
DA_UFLOAT(log1p, da_log1p(v))
DA_UFLOAT(log2, da_log2(v))
DA_UFLOAT(log10, da_log10(v))
DA_UFLOAT(sin, da_sin(v))
DA_UFLOAT(cos, da_cos(v))
DA_UFLOAT(tan, da_tan(v))
DA_UFLOAT(asin, da_asin(v))
DA_UFLOAT(acos, da_acos(v))
DA_UFLOAT(atan, da_atan(v))
DA_UFLOAT(sinh, da_sinh(v))
DA_UFLOAT(cosh, da_cosh(v))
DA_UFLOAT(tanh, da_tanh(v))
DA_UFLOAT(asinh, da_asinh(v))
DA_UFLOAT(acosh, da_acosh(v))
DA_UFLOAT(atanh, da_atanh(v))
DA_UFLOAT(reciprocal, (CT)1 / v)
#undef DA_UFLOAT

// Rounding: float only; identity for integers and bool (NumPy 2 keeps the dtype).
#define DA_UROUND(NAME, FN)                                                        \
    DA_UFUNCTOR(op_##NAME, T) {                                                    \
        if constexpr (K == DA_K_FLOAT) return da_tr<T>::from_c(FN(da_tr<T>::to_c(x))); \
        else return x;                                                             \
    }
DA_UROUND(floor, da_floor)
DA_UROUND(ceil, da_ceil)
DA_UROUND(trunc, da_trunc)
DA_UROUND(round, da_rint)  // half to even, like np.round(x) / np.rint
#undef DA_UROUND

DA_UFUNCTOR(op_positive, T) { return x; }

DA_UFUNCTOR(op_negative, T) {  // integers wrap (-MIN == MIN), unsigned: 0 - x
    if constexpr (da_is16f<T>::value) { T r; r.bits = (unsigned short)(x.bits ^ 0x8000u); return r; }
    else if constexpr (K == DA_K_FLOAT) return -x;
    else { typedef typename da_wide<T>::type W; return (T)(W)(0u - (W)x); }
}

DA_UFUNCTOR(op_abs, T) {  // integers wrap (abs(MIN) == MIN); bool/unsigned: identity
    if constexpr (da_is16f<T>::value) { T r; r.bits = (unsigned short)(x.bits & 0x7fffu); return r; }
    else if constexpr (K == DA_K_FLOAT) return da_fabs(x);
    else if constexpr (K == DA_K_SINT) { typedef typename da_wide<T>::type W; return x < 0 ? (T)(W)(0u - (W)x) : x; }
    else return x;
}

DA_UFUNCTOR(op_sign, T) {  // NaN -> NaN, +-0 -> +0 (NumPy)
    if constexpr (K == DA_K_FLOAT) {
        const CT v = da_tr<T>::to_c(x);
        const CT r = v > (CT)0 ? (CT)1 : (v < (CT)0 ? (CT)-1 : (v == (CT)0 ? (CT)0 : v));
        return da_tr<T>::from_c(r);
    } else if constexpr (K == DA_K_SINT) {
        return (T)(x > 0 ? 1 : (x < 0 ? -1 : 0));
    } else {
        return (T)(x != 0 ? 1 : 0);
    }
}

DA_UFUNCTOR(op_square, T) {  // integers wrap
    if constexpr (K == DA_K_FLOAT) { const CT v = da_tr<T>::to_c(x); return da_tr<T>::from_c(v * v); }
    else { typedef typename da_wide<T>::type W; return (T)((W)x * (W)x); }
}

DA_UFUNCTOR(op_isnan, bool) {
    if constexpr (K == DA_K_FLOAT) return da_isnan(da_tr<T>::to_c(x));
    else return false;
}
DA_UFUNCTOR(op_isinf, bool) {
    if constexpr (K == DA_K_FLOAT) return da_isinf(da_tr<T>::to_c(x));
    else return false;
}
DA_UFUNCTOR(op_isfinite, bool) {
    if constexpr (K == DA_K_FLOAT) { const CT v = da_tr<T>::to_c(x); return !da_isnan(v) && !da_isinf(v); }
    else return true;
}
DA_UFUNCTOR(op_signbit, bool) {  // sign bit set (also for -0.0 and negative NaN)
    if constexpr (K == DA_K_FLOAT) return (da_tr<T>::to_bits(x) >> (8 * sizeof(T) - 1)) != 0ull;
    else if constexpr (K == DA_K_SINT) return x < 0;
    else return false;
}
DA_UFUNCTOR(op_logical_not, bool) { return !da_truth<T>(x); }
DA_UFUNCTOR(op_bitwise_invert, T) {
    if constexpr (K == DA_K_BOOL) return !x;
    else return (T)~x;
}

// Large bodies: emitted once per kernel (see DA_HEAVY in common_elementwise.cuh).
DA_HEAVY(op_sin)
DA_HEAVY(op_cos)
DA_HEAVY(op_tan)
DA_HEAVY(op_expm1)
DA_HEAVY(op_log)
DA_HEAVY(op_log1p)
DA_HEAVY(op_log2)
DA_HEAVY(op_log10)
DA_HEAVY(op_asin)
DA_HEAVY(op_acos)
DA_HEAVY(op_atan)
DA_HEAVY(op_sinh)
DA_HEAVY(op_asinh)
DA_HEAVY(op_acosh)
DA_HEAVY(op_atanh)

#define DA_U(op) DA_EW_DEFINE(DA_OPNAME(op), op_##op<DA_T>)

#if DA_IS_COMPLEX
// ---- complex64 / complex128 (common_complex.cuh): Z in and out unless noted ----
#define DA_UZ_STRUCT(NAME, OUT, BODY)                                              \
    template <class Z> struct opz_##NAME {                                         \
        typedef typename da_tr<Z>::R R;                                            \
        typedef OUT O; typedef Z A; typedef Z B; typedef Z C;                      \
        static constexpr int NIN = 1;                                              \
        static DA_DEV O apply(Z z) { BODY }                                        \
    };
#define DA_UZ(NAME, OUT, BODY) DA_UZ_STRUCT(NAME, OUT, BODY) DA_EW_DEFINE(DA_OPNAME(NAME), opz_##NAME<DA_T>)
// An elementary function computed in double (common_complex.cuh), rounded once.
#define DA_UZF(NAME) DA_UZ(NAME, Z, return dz_narrow<Z>(dz_##NAME(dz_wide<Z>(z)));)
#define DA_UZH(NAME)                                                               \
    DA_UZ_STRUCT(NAME, Z, return dz_narrow<Z>(dz_##NAME(dz_wide<Z>(z)));)          \
    DA_HEAVY(opz_##NAME)                                                           \
    DA_EW_DEFINE(DA_OPNAME(NAME), opz_##NAME<DA_T>)
DA_UZ(negative, Z, return da_z<Z>(-z.re, -z.im);)
DA_UZ(positive, Z, return z;)
DA_UZ(conj, Z, return da_z<Z>(z.re, -z.im);)
DA_UZ(square, Z, return dz_mul<Z>(z, z);)
DA_UZ(reciprocal, Z, return dz_div<Z>(da_z<Z>((R)1, (R)0), z);)
DA_UZ(round, Z, return da_z<Z>(da_rint(z.re), da_rint(z.im));)  // each part, half to even
DA_UZ(abs, R, return da_hypot(z.re, z.im);)                      // overflow-safe |z|
DA_UZ(isnan, bool, return da_isnan(z.re) || da_isnan(z.im);)
DA_UZ(isinf, bool, return da_isinf(z.re) || da_isinf(z.im);)
DA_UZ(isfinite, bool, return dz_isfinite<Z>(z);)
DA_UZ(logical_not, bool, return !da_truth<Z>(z);)
DA_UZ(sign, Z, return dz_sign<Z>(z);)
DA_UZF(sqrt)
DA_UZH(exp)
DA_UZH(expm1)
DA_UZH(log)
DA_UZH(log1p)
DA_UZ(log2, Z, const dzd w = dz_log(dz_wide<Z>(z)); return dz_narrow<Z>(dz_mk(w.re / DZ_LN2, w.im / DZ_LN2));)
DA_UZ(log10, Z, const dzd w = dz_log(dz_wide<Z>(z));
      const double l10 = 2.302585092994045684017991454684364208;
      return dz_narrow<Z>(dz_mk(w.re / l10, w.im / l10));)
DA_UZH(sin)
DA_UZH(cos)
DA_UZH(tan)
DA_UZH(sinh)
DA_UZH(cosh)
DA_UZH(tanh)
DA_UZH(asin)
DA_UZH(acos)
DA_UZH(atan)
DA_UZH(asinh)
DA_UZH(acosh)
DA_UZH(atanh)
#else

// every dtype
DA_U(abs)
DA_U(isnan)
DA_U(isinf)
DA_U(isfinite)
DA_U(signbit)
DA_U(logical_not)
DA_U(floor)
DA_U(ceil)
DA_U(trunc)
DA_U(round)
#if !DA_IS_BOOL
DA_U(negative)
DA_U(positive)
DA_U(sign)
DA_U(square)
#endif
#if DA_IS_INT || DA_IS_BOOL
DA_U(bitwise_invert)
#endif
#if DA_IS_FLOAT
DA_U(sqrt)
DA_U(exp)
DA_U(expm1)
DA_U(log)
DA_U(log1p)
DA_U(log2)
DA_U(log10)
DA_U(sin)
DA_U(cos)
DA_U(tan)
DA_U(asin)
DA_U(acos)
DA_U(atan)
DA_U(sinh)
DA_U(cosh)
DA_U(tanh)
DA_U(asinh)
DA_U(acosh)
DA_U(atanh)
DA_U(reciprocal)
#endif
#endif  // DA_IS_COMPLEX
