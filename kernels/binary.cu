// devarray binary elementwise kernels: {op}_{T}_{vec|s32|s64}, out = op(in0, in1), both inputs
// of dtype T (the host promotes first). Comparisons and logical_* write bool.
// A scalar operand comes through EwArgs.scalar / scalar_mask (no materialised array).
// da-dtypes: bool u8 u16 u32 u64 i8 i16 i32 i64 f16 bf16 f32 f64 c64 c128
// Which (op, dtype) pairs exist: see the table in kernels/ABI.md.
#include "common.cuh"

#define DA_BFUNCTOR(NAME, OUT)                                                     \
    template <class T> struct NAME {                                               \
        typedef OUT O; typedef T A; typedef T B; typedef T C;                      \
        static constexpr int NIN = 2;                                              \
        typedef typename da_tr<T>::C CT;                                           \
        typedef typename da_wide<T>::type W;                                       \
        static constexpr int K = da_tr<T>::kind;                                   \
        static DA_DEV O apply(T a, T b);                                           \
    };                                                                             \
    template <class T> DA_DEV OUT NAME<T>::apply(T a, T b)

#define DA_TOC(x) da_tr<T>::to_c(x)
#define DA_FROMC(x) da_tr<T>::from_c(x)

// ---- arithmetic (integers wrap; bool add = or, multiply = and) ----
DA_BFUNCTOR(op_add, T) {
    if constexpr (K == DA_K_BOOL) return a || b;
    else if constexpr (K == DA_K_FLOAT) return DA_FROMC(DA_TOC(a) + DA_TOC(b));
    else return (T)((W)a + (W)b);
}
DA_BFUNCTOR(op_subtract, T) {
    if constexpr (K == DA_K_FLOAT) return DA_FROMC(DA_TOC(a) - DA_TOC(b));
    else return (T)((W)a - (W)b);
}
DA_BFUNCTOR(op_multiply, T) {
    if constexpr (K == DA_K_BOOL) return a && b;
    else if constexpr (K == DA_K_FLOAT) return DA_FROMC(DA_TOC(a) * DA_TOC(b));
    else return (T)((W)a * (W)b);
}
DA_BFUNCTOR(op_divide, T) { return DA_FROMC(DA_TOC(a) / DA_TOC(b)); }

// NumPy npy_divmod for floats: returns floor division, writes the Python-style remainder.
template <class CT> DA_DEV CT da_divmod(CT a, CT b, CT& mod) {
    mod = da_fmod(a, b);
    if (b == (CT)0) return a / b;
    CT div = (a - mod) / b;
    if (mod != (CT)0) {
        if ((b < (CT)0) != (mod < (CT)0)) { mod += b; div -= (CT)1; }
    } else {
        mod = da_copysign((CT)0, b);
    }
    CT fl;
    if (div != (CT)0) {
        fl = da_floor(div);
        if (div - fl > (CT)0.5) fl += (CT)1;
    } else {
        fl = da_copysign((CT)0, a / b);
    }
    return fl;
}
// integers: Python semantics, x // 0 == 0 and x % 0 == 0 (NumPy), MIN // -1 == MIN (wraps)
DA_BFUNCTOR(op_floor_divide, T) {
    if constexpr (K == DA_K_FLOAT) {
        const CT x = DA_TOC(a), y = DA_TOC(b);
        if (y == (CT)0) return DA_FROMC(x / y);
        CT m;
        return DA_FROMC(da_divmod(x, y, m));
    } else if constexpr (K == DA_K_UINT) {
        return b == 0 ? (T)0 : (T)(a / b);
    } else {
        if (b == 0) return (T)0;
        if (b == (T)-1) return (T)(0u - (W)a);
        T q = (T)(a / b);
        if ((T)(a % b) != 0 && ((a < 0) != (b < 0))) q = (T)(q - 1);
        return q;
    }
}
DA_BFUNCTOR(op_remainder, T) {
    if constexpr (K == DA_K_FLOAT) {
        const CT x = DA_TOC(a), y = DA_TOC(b);
        if (y == (CT)0) return DA_FROMC(da_fmod(x, y));
        CT m;
        da_divmod(x, y, m);
        return DA_FROMC(m);
    } else if constexpr (K == DA_K_UINT) {
        return b == 0 ? (T)0 : (T)(a % b);
    } else {
        if (b == 0 || b == (T)-1) return (T)0;
        T r = (T)(a % b);
        if (r != 0 && ((r < 0) != (b < 0))) r = (T)(r + b);
        return r;
    }
}
// integer power by squaring (wrapping); negative exponents (an error in NumPy) give
// 1 for base 1, +-1 for base -1, 0 otherwise (the truncated value of base**exp).
DA_BFUNCTOR(op_pow, T) {
    if constexpr (K == DA_K_FLOAT) {
        return DA_FROMC(da_pow(DA_TOC(a), DA_TOC(b)));
    } else {
        if constexpr (K == DA_K_SINT) {
            if (b < 0) {
                if (a == 1) return (T)1;
                if (a == (T)-1) return (b & 1) ? (T)-1 : (T)1;
                return (T)0;
            }
        }
        W base = (W)a, r = 1u;
        da_u64 e = (da_u64)b;
        while (e != 0ull) {
            if (e & 1ull) r = (W)(r * base);
            base = (W)(base * base);
            e >>= 1;
        }
        return (T)r;
    }
}
// maximum/minimum propagate NaN (NumPy: a if a > b or a is NaN, else b)
DA_BFUNCTOR(op_maximum, T) {
    if constexpr (K == DA_K_BOOL) return a || b;
    else if constexpr (K == DA_K_FLOAT) { const CT x = DA_TOC(a), y = DA_TOC(b); return (x > y || x != x) ? a : b; }
    else return a > b ? a : b;
}
DA_BFUNCTOR(op_minimum, T) {
    if constexpr (K == DA_K_BOOL) return a && b;
    else if constexpr (K == DA_K_FLOAT) { const CT x = DA_TOC(a), y = DA_TOC(b); return (x < y || x != x) ? a : b; }
    else return a < b ? a : b;
}
DA_BFUNCTOR(op_atan2, T) { return DA_FROMC(da_atan2(DA_TOC(a), DA_TOC(b))); }
DA_BFUNCTOR(op_hypot, T) { return DA_FROMC(da_hypot(DA_TOC(a), DA_TOC(b))); }
// On the bits: a's magnitude with b's sign bit, exact for every float type and NaN. Through
// the float compute type, a 16-bit b that is a NaN lost its sign on the GPU (the conversion
// canonicalises NaNs: copysign(x, -NaN) gave +|x| on an H200, 2026-12-04).
DA_BFUNCTOR(op_copysign, T) {
    if constexpr (K == DA_K_FLOAT) {
        typedef typename da_tr<T>::U U;
        const U sign = (U)((U)1 << (8 * sizeof(T) - 1));
        const U ua = (U)da_tr<T>::to_bits(a), ub = (U)da_tr<T>::to_bits(b);
        return da_tr<T>::from_bits((da_u64)(U)((ua & (U)~sign) | (ub & sign)));
    } else {
        return DA_FROMC(da_copysign(DA_TOC(a), DA_TOC(b)));
    }
}
// NumPy's nextafter, stepped in T's own bits (float16/bfloat16 too, not in their float compute
// type): NaN in either gives NaN; equal values give b, as C's nextafter and NumPy >= 2.5 for
// every dtype (NumPy < 2.5 returned a for float16, which differs only for nextafter(+-0, -+0));
// from +-0 the smallest
// subnormal with b's sign; else one step of the magnitude (away from zero when b lies further
// out), so the largest finite value steps to infinity.
DA_BFUNCTOR(op_nextafter, T) {
    typedef typename da_tr<T>::U U;
    const CT x = DA_TOC(a), y = DA_TOC(b);
    if (x != x || y != y) return DA_FROMC(x + y);
    if (x == y) return b;
    const U sign = (U)((U)1 << (8 * sizeof(T) - 1));
    const U ua = (U)da_tr<T>::to_bits(a), ub = (U)da_tr<T>::to_bits(b);
    if ((U)(ua & (U)~sign) == (U)0) return da_tr<T>::from_bits((da_u64)(U)((ub & sign) | (U)1));
    const bool grow = (x < y) == (x > (CT)0);
    return da_tr<T>::from_bits((da_u64)(grow ? (U)(ua + (U)1) : (U)(ua - (U)1)));
}
DA_BFUNCTOR(op_logaddexp, T) {  // NumPy npy_logaddexp
    const CT x = DA_TOC(a), y = DA_TOC(b);
    if (x == y) return DA_FROMC(x + (CT)0.693147180559945309417232121458176568);
    const CT t = x - y;
    if (t > (CT)0) return DA_FROMC(x + da_log1p(da_exp(-t)));
    if (t <= (CT)0) return DA_FROMC(y + da_log1p(da_exp(t)));
    return DA_FROMC(t);  // NaN
}

// ---- comparisons (float: compare values; NaN compares unequal) ----
DA_BFUNCTOR(op_equal, bool) { return DA_TOC(a) == DA_TOC(b); }
DA_BFUNCTOR(op_not_equal, bool) { return DA_TOC(a) != DA_TOC(b); }
DA_BFUNCTOR(op_less, bool) { return DA_TOC(a) < DA_TOC(b); }
DA_BFUNCTOR(op_less_equal, bool) { return DA_TOC(a) <= DA_TOC(b); }
DA_BFUNCTOR(op_greater, bool) { return DA_TOC(a) > DA_TOC(b); }
DA_BFUNCTOR(op_greater_equal, bool) { return DA_TOC(a) >= DA_TOC(b); }

// ---- logical (truthiness) ----
DA_BFUNCTOR(op_logical_and, bool) { return da_truth<T>(a) && da_truth<T>(b); }
DA_BFUNCTOR(op_logical_or, bool) { return da_truth<T>(a) || da_truth<T>(b); }
DA_BFUNCTOR(op_logical_xor, bool) { return da_truth<T>(a) != da_truth<T>(b); }

// ---- bitwise (integers and bool) ----
DA_BFUNCTOR(op_bitwise_and, T) {
    if constexpr (K == DA_K_BOOL) return a && b;
    else return (T)(a & b);
}
DA_BFUNCTOR(op_bitwise_or, T) {
    if constexpr (K == DA_K_BOOL) return a || b;
    else return (T)(a | b);
}
DA_BFUNCTOR(op_bitwise_xor, T) {
    if constexpr (K == DA_K_BOOL) return a != b;
    else return (T)(a ^ b);
}
// shifts (NumPy npy_lshift/npy_rshift): a count outside [0, bits) gives 0, or -1 for an
// arithmetic right shift of a negative value.
DA_BFUNCTOR(op_bitwise_left_shift, T) {
    const da_u64 c = (da_u64)b;
    return c < 8ull * sizeof(T) ? (T)((W)a << c) : (T)0;
}
DA_BFUNCTOR(op_bitwise_right_shift, T) {
    const da_u64 c = (da_u64)b;
    if (c < 8ull * sizeof(T)) return (T)(a >> c);
    if constexpr (K == DA_K_SINT) return a < 0 ? (T)-1 : (T)0;
    else return (T)0;
}

DA_HEAVY(op_pow)
DA_HEAVY(op_atan2)
DA_HEAVY(op_hypot)
DA_HEAVY(op_logaddexp)
DA_HEAVY(op_floor_divide)
DA_HEAVY(op_remainder)

#define DA_B(op) DA_EW_DEFINE(DA_OPNAME(op), op_##op<DA_T>)

#if DA_IS_COMPLEX
// ---- complex64 / complex128 (common_complex.cuh) ----
#define DA_BZ_STRUCT(NAME, OUT, BODY)                                              \
    template <class Z> struct opz_##NAME {                                         \
        typedef typename da_tr<Z>::R R;                                            \
        typedef OUT O; typedef Z A; typedef Z B; typedef Z C;                      \
        static constexpr int NIN = 2;                                              \
        static DA_DEV O apply(Z a, Z b) { BODY }                                   \
    };
#define DA_BZ(NAME, OUT, BODY) DA_BZ_STRUCT(NAME, OUT, BODY) DA_EW_DEFINE(DA_OPNAME(NAME), opz_##NAME<DA_T>)
DA_BZ(add, Z, return dz_add<Z>(a, b);)
DA_BZ(subtract, Z, return dz_sub<Z>(a, b);)
DA_BZ(multiply, Z, return dz_mul<Z>(a, b);)
DA_BZ(divide, Z, return dz_div<Z>(a, b);)
DA_BZ(equal, bool, return dz_eq<Z>(a, b);)
DA_BZ(not_equal, bool, return !dz_eq<Z>(a, b);)
DA_BZ(logical_and, bool, return da_truth<Z>(a) && da_truth<Z>(b);)
DA_BZ(logical_or, bool, return da_truth<Z>(a) || da_truth<Z>(b);)
DA_BZ(logical_xor, bool, return da_truth<Z>(a) != da_truth<Z>(b);)
DA_BZ_STRUCT(pow, Z, return dz_pow<Z>(a, b);)
DA_HEAVY(opz_pow)
DA_EW_DEFINE(DA_OPNAME(pow), opz_pow<DA_T>)
#else
// every dtype
DA_B(add)
DA_B(multiply)
DA_B(maximum)
DA_B(minimum)
DA_B(equal)
DA_B(not_equal)
DA_B(less)
DA_B(less_equal)
DA_B(greater)
DA_B(greater_equal)
DA_B(logical_and)
DA_B(logical_or)
DA_B(logical_xor)
#if !DA_IS_BOOL
DA_B(subtract)
DA_B(floor_divide)
DA_B(remainder)
DA_B(pow)
#endif
#if DA_IS_INT || DA_IS_BOOL
DA_B(bitwise_and)
DA_B(bitwise_or)
DA_B(bitwise_xor)
#endif
#if DA_IS_INT
DA_B(bitwise_left_shift)
DA_B(bitwise_right_shift)
#endif
#if DA_IS_FLOAT
DA_B(divide)
DA_B(atan2)
DA_B(hypot)
DA_B(copysign)
DA_B(logaddexp)
DA_B(nextafter)
#endif
#endif  // DA_IS_COMPLEX
