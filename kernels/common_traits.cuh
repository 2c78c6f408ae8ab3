// dtype traits: kind, compute type, same-size unsigned type, ABI scalar bits.
// Separate because it is the single table that maps each storage type to its properties; the
// generic parts after it (chunks, engine, dtype selection) build on it.
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_TRAITS_CUH
#define DA_COMMON_TRAITS_CUH

// ------------------------------------------------------------------------------------------
// dtype traits. kind: 0 bool, 1 unsigned int, 2 signed int, 3 float, 4 complex (the complex
// specialisations live in common_complex.cuh).
// C = compute type (float for f16/bf16, else T); U = same-size unsigned integer.
// from_bits/to_bits use the ABI scalar convention: raw little-endian bits, zero-extended.
// ------------------------------------------------------------------------------------------
#define DA_K_BOOL 0
#define DA_K_UINT 1
#define DA_K_SINT 2
#define DA_K_FLOAT 3
#define DA_K_COMPLEX 4

template <class T> struct da_tr;

template <> struct da_tr<bool> {
    typedef bool C; typedef unsigned char U;
    static constexpr int kind = DA_K_BOOL;
    static DA_DEV bool from_bits(da_u64 b) { return (b & 0xffu) != 0; }
    static DA_DEV da_u64 to_bits(bool v) { return v ? 1u : 0u; }
    static DA_DEV C to_c(bool v) { return v; }
    static DA_DEV bool from_c(C v) { return v; }
    static DA_DEV C lowest() { return false; }
    static DA_DEV C highest() { return true; }
};

#define DA_INT_TRAITS(T, UT, KIND, LO, HI)                                      \
    template <> struct da_tr<T> {                                               \
        typedef T C; typedef UT U;                                              \
        static constexpr int kind = KIND;                                       \
        static DA_DEV T from_bits(da_u64 b) { return (T)(UT)b; }                \
        static DA_DEV da_u64 to_bits(T v) { return (da_u64)(UT)v; }             \
        static DA_DEV C to_c(T v) { return v; }                                 \
        static DA_DEV T from_c(C v) { return v; }                               \
        static DA_DEV C lowest() { return (T)(LO); }                            \
        static DA_DEV C highest() { return (T)(HI); }                           \
    };
DA_INT_TRAITS(unsigned char, unsigned char, DA_K_UINT, 0, 0xff)
DA_INT_TRAITS(unsigned short, unsigned short, DA_K_UINT, 0, 0xffff)
DA_INT_TRAITS(unsigned int, unsigned int, DA_K_UINT, 0, 0xffffffffu)
DA_INT_TRAITS(unsigned long long, unsigned long long, DA_K_UINT, 0, 0xffffffffffffffffull)
DA_INT_TRAITS(signed char, unsigned char, DA_K_SINT, -128, 127)
DA_INT_TRAITS(short, unsigned short, DA_K_SINT, -32768, 32767)
DA_INT_TRAITS(int, unsigned int, DA_K_SINT, (-2147483647 - 1), 2147483647)
DA_INT_TRAITS(long long, unsigned long long, DA_K_SINT, (-9223372036854775807ll - 1), 9223372036854775807ll)
#undef DA_INT_TRAITS

template <> struct da_tr<float> {
    typedef float C; typedef unsigned int U;
    static constexpr int kind = DA_K_FLOAT;
    static DA_DEV float from_bits(da_u64 b) { return da_u2f((unsigned int)b); }
    static DA_DEV da_u64 to_bits(float v) { return da_f2u(v); }
    static DA_DEV C to_c(float v) { return v; }
    static DA_DEV float from_c(C v) { return v; }
    static DA_DEV C lowest() { return da_u2f(0xff800000u); }
    static DA_DEV C highest() { return da_u2f(0x7f800000u); }
};
template <> struct da_tr<double> {
    typedef double C; typedef unsigned long long U;
    static constexpr int kind = DA_K_FLOAT;
    static DA_DEV double from_bits(da_u64 b) { return da_u2d(b); }
    static DA_DEV da_u64 to_bits(double v) { return da_d2u(v); }
    static DA_DEV C to_c(double v) { return v; }
    static DA_DEV double from_c(C v) { return v; }
    static DA_DEV C lowest() { return da_u2d(0xfff0000000000000ull); }
    static DA_DEV C highest() { return da_u2d(0x7ff0000000000000ull); }
};
template <> struct da_tr<da_f16> {
    typedef float C; typedef unsigned short U;
    static constexpr int kind = DA_K_FLOAT;
    static DA_DEV da_f16 from_bits(da_u64 b) { da_f16 r; r.bits = (unsigned short)b; return r; }
    static DA_DEV da_u64 to_bits(da_f16 v) { return v.bits; }
    static DA_DEV C to_c(da_f16 v) { return da_h2f(v.bits); }
    static DA_DEV da_f16 from_c(C v) { da_f16 r; r.bits = (unsigned short)da_f2h(v); return r; }
    static DA_DEV C lowest() { return da_u2f(0xff800000u); }
    static DA_DEV C highest() { return da_u2f(0x7f800000u); }
};
template <> struct da_tr<da_bf16> {
    typedef float C; typedef unsigned short U;
    static constexpr int kind = DA_K_FLOAT;
    static DA_DEV da_bf16 from_bits(da_u64 b) { da_bf16 r; r.bits = (unsigned short)b; return r; }
    static DA_DEV da_u64 to_bits(da_bf16 v) { return v.bits; }
    static DA_DEV C to_c(da_bf16 v) { return da_b2f(v.bits); }
    static DA_DEV da_bf16 from_c(C v) { da_bf16 r; r.bits = (unsigned short)da_f2b(v); return r; }
    static DA_DEV C lowest() { return da_u2f(0xff800000u); }
    static DA_DEV C highest() { return da_u2f(0x7f800000u); }
};

template <class T> struct da_is16f { static constexpr bool value = da_same<T, da_f16>::value || da_same<T, da_bf16>::value; };
// Wide unsigned type for wrapping integer arithmetic without promotion to signed int.
template <class T> struct da_wide { typedef typename da_cond<(sizeof(T) < 4), unsigned int, typename da_tr<T>::U>::type type; };

// Typed scalar load/store of one element. 16-byte elements (complex128) move as two 8-byte
// accesses: their storage (Rust's Complex<f64>, NumPy's complex128 from DLPack) is only
// guaranteed 8-byte alignment; the vector path moves them in 16-byte chunks when aligned.
template <class T> DA_DEV T da_ld(const void* p) {
    constexpr int S = sizeof(T);
    if constexpr (S == 16) {
        const da_u64 lo = da_ldg64(p), hi = da_ldg64((const char*)p + 8);
        da_u128 r = {(unsigned int)lo, (unsigned int)(lo >> 32), (unsigned int)hi, (unsigned int)(hi >> 32)};
        return da_tr<T>::from_u128(r);
    } else if constexpr (S == 1) return da_tr<T>::from_bits(da_ldg8(p));
    else if constexpr (S == 2) return da_tr<T>::from_bits(da_ldg16(p));
    else if constexpr (S == 4) return da_tr<T>::from_bits(da_ldg32(p));
    else return da_tr<T>::from_bits(da_ldg64(p));
}
template <class T> DA_DEV void da_st(void* p, T v) {
    constexpr int S = sizeof(T);
    if constexpr (S == 16) {
        const da_u128 r = da_tr<T>::to_u128(v);
        da_st64(p, (da_u64)r.x | ((da_u64)r.y << 32));
        da_st64((char*)p + 8, (da_u64)r.z | ((da_u64)r.w << 32));
        return;
    }
    da_u64 b = 0;
    if constexpr (S != 16) b = da_tr<T>::to_bits(v);
    if constexpr (S == 1) da_st8(p, (unsigned int)b);
    else if constexpr (S == 2) da_st16(p, (unsigned int)b);
    else if constexpr (S == 4) da_st32(p, (unsigned int)b);
    else if constexpr (S == 8) da_st64(p, b);
}

// Scalar operand i of an EwArgs (ABI.md, "Elementwise ABI"): raw bits in scalar[i]; a 16-byte
// element takes scalar[i] (low 8 bytes) and scalar[i + 1] (high 8 bytes).
template <class T> DA_DEV T da_scalar(const EwArgs& a, int i) {
    if constexpr (sizeof(T) == 16) {
        const da_u64 lo = a.scalar[i], hi = i < 2 ? a.scalar[i + 1] : 0ull;
        da_u128 r = {(unsigned int)lo, (unsigned int)(lo >> 32), (unsigned int)hi, (unsigned int)(hi >> 32)};
        return da_tr<T>::from_u128(r);
    } else {
        return da_tr<T>::from_bits(a.scalar[i]);
    }
}

// Truthiness (NumPy): nonzero; NaN is true, -0.0 is false.
template <class T> DA_DEV bool da_truth(T x) {
    if constexpr (da_tr<T>::kind == DA_K_BOOL) return x;
    else if constexpr (da_tr<T>::kind == DA_K_COMPLEX) return x.re != 0 || x.im != 0;
    else if constexpr (da_is16f<T>::value) return (x.bits & 0x7fffu) != 0;
    else return x != (T)0;
}

#endif  // DA_COMMON_TRAITS_CUH
