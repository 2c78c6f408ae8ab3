// devarray kernels: shared definitions (dtype storage, conversions, ABI structs, elementwise
// engine, index helpers, warp/block helpers, register-only trigonometry).
//
// Compiled by NVRTC (passed to it as the header "common.cuh"); it must not include anything.
// Every device-only intrinsic sits behind a small da_* wrapper with a portable host branch
// (`#ifdef __CUDA_ARCH__`), so the same sources also build as host C++ for the CPU emulator,
// whose shim (kernels/emu/shim.h: threadIdx/blockIdx/blockDim/gridDim, __syncthreads,
// __shfl_xor_sync, the C math functions, DA_EMULATOR) is included before this file. A shim may
// predefine DA_DEV, DA_KERNEL (variadic: it receives the __launch_bounds__ arguments), DA_SHARED
// and DA_GLOBAL_CONST.
#ifndef DA_COMMON_CUH
#define DA_COMMON_CUH

// ------------------------------------------------------------------------------------------
// 1. Portability macros
// ------------------------------------------------------------------------------------------
#if defined(__CUDACC__)
#  ifndef DA_DEV
#    define DA_DEV __device__ __forceinline__
#  endif
#  ifndef DA_KERNEL
#    define DA_KERNEL(...) extern "C" __global__ void __launch_bounds__(__VA_ARGS__)
#  endif
#  ifndef DA_SHARED
#    define DA_SHARED __shared__
#  endif
#  ifndef DA_GLOBAL_CONST
#    define DA_GLOBAL_CONST __device__ const
#  endif
#  define DA_UNROLL _Pragma("unroll")
#  define DA_NOUNROLL _Pragma("unroll 1")
#else
#  ifndef DA_DEV
#    define DA_DEV inline
#  endif
#  ifndef DA_KERNEL
#    define DA_KERNEL(...) extern "C" void
#  endif
#  ifndef DA_SHARED
#    define DA_SHARED static
#  endif
#  ifndef DA_GLOBAL_CONST
#    define DA_GLOBAL_CONST static const
#  endif
#  define DA_UNROLL
#  define DA_NOUNROLL
#endif

#define DA_EW_BLOCK 128   // threads per block of every elementwise/cast/where/clip/copy/fill kernel
#define DA_RED_BLOCK 256  // threads per block of every reduction kernel
#define DA_MAX_DIMS 8

#define DA_CAT_(a, b) a##b
#define DA_CAT(a, b) DA_CAT_(a, b)

typedef unsigned long long da_u64;
typedef long long da_i64;

// ------------------------------------------------------------------------------------------
// 2. ABI structs (see kernels/ABI.md)
// ------------------------------------------------------------------------------------------
struct EwArgs {
    void* out;
    const void* in[3];
    unsigned long long scalar[3];
    unsigned int scalar_mask;
    unsigned int _pad;
};
struct Layout32 {
    unsigned int n;
    int ndim;
    unsigned int shape[DA_MAX_DIMS];
    int stride[4][DA_MAX_DIMS];
};
struct Layout64 {
    unsigned long long n;
    int ndim;
    long long shape[DA_MAX_DIMS];
    long long stride[4][DA_MAX_DIMS];
};
struct LayoutContig {
    unsigned long long n;
};
struct RedArgs {
    const void* in;
    void* out;
    void* partials;
    unsigned long long outer, r, inner;
    unsigned long long divisor;
};

// ------------------------------------------------------------------------------------------
// 3. Tiny type utilities (no <type_traits>)
// ------------------------------------------------------------------------------------------
template <bool C, class A, class B> struct da_cond { typedef A type; };
template <class A, class B> struct da_cond<false, A, B> { typedef B type; };
template <class A, class B> struct da_same { static constexpr bool value = false; };
template <class A> struct da_same<A, A> { static constexpr bool value = true; };
constexpr int da_cmax(int a, int b) { return a > b ? a : b; }

// ------------------------------------------------------------------------------------------
// 4. Intrinsic wrappers (device builtins / portable host code)
// ------------------------------------------------------------------------------------------
DA_DEV unsigned int da_tid() { return threadIdx.x; }
DA_DEV unsigned int da_bid() { return blockIdx.x; }
DA_DEV unsigned int da_bdim() { return blockDim.x; }
DA_DEV unsigned int da_gdim() { return gridDim.x; }
DA_DEV void da_sync() { __syncthreads(); }

DA_DEV unsigned int da_f2u(float f) {
#ifdef __CUDA_ARCH__
    return __float_as_uint(f);
#else
    unsigned int u; __builtin_memcpy(&u, &f, 4); return u;
#endif
}
DA_DEV float da_u2f(unsigned int u) {
#ifdef __CUDA_ARCH__
    return __uint_as_float(u);
#else
    float f; __builtin_memcpy(&f, &u, 4); return f;
#endif
}
DA_DEV da_u64 da_d2u(double d) {
#ifdef __CUDA_ARCH__
    return (da_u64)__double_as_longlong(d);
#else
    da_u64 u; __builtin_memcpy(&u, &d, 8); return u;
#endif
}
DA_DEV double da_u2d(da_u64 u) {
#ifdef __CUDA_ARCH__
    return __longlong_as_double((long long)u);
#else
    double d; __builtin_memcpy(&d, &u, 8); return d;
#endif
}
DA_DEV da_u64 da_umul64hi(da_u64 a, da_u64 b) {
#ifdef __CUDA_ARCH__
    return __umul64hi(a, b);
#else
    return (da_u64)(((unsigned __int128)a * b) >> 64);
#endif
}
DA_DEV unsigned int da_umulhi(unsigned int a, unsigned int b) {
    return (unsigned int)(((da_u64)a * b) >> 32);
}
DA_DEV int da_clz32(unsigned int x) {  // x != 0
#ifdef __CUDA_ARCH__
    return __clz((int)x);
#else
    return __builtin_clz(x);
#endif
}
DA_DEV int da_clz64(da_u64 x) {  // x != 0
#ifdef __CUDA_ARCH__
    return __clzll((long long)x);
#else
    return __builtin_clzll(x);
#endif
}
// Arithmetic that must not be contracted into FMAs (exactness arguments in the trig reduction).
DA_DEV double da_dmul(double a, double b) {
#ifdef __CUDA_ARCH__
    return __dmul_rn(a, b);
#else
    volatile double r = a * b; return r;
#endif
}
DA_DEV double da_dadd(double a, double b) {
#ifdef __CUDA_ARCH__
    return __dadd_rn(a, b);
#else
    volatile double r = a + b; return r;
#endif
}
DA_DEV double da_dsub(double a, double b) { return da_dadd(a, -b); }

// Warp shuffles (xor butterfly), all 32 lanes active.
DA_DEV int da_shfl_xor_i32(int v, int m) { return __shfl_xor_sync(0xffffffffu, v, m); }
DA_DEV unsigned int da_shfl_xor_u32(unsigned int v, int m) { return __shfl_xor_sync(0xffffffffu, v, m); }
DA_DEV float da_shfl_xor_f32(float v, int m) { return __shfl_xor_sync(0xffffffffu, v, m); }
DA_DEV long long da_shfl_xor_i64(long long v, int m) { return __shfl_xor_sync(0xffffffffu, v, m); }
DA_DEV da_u64 da_shfl_xor_u64(da_u64 v, int m) { return __shfl_xor_sync(0xffffffffu, v, m); }
DA_DEV double da_shfl_xor_f64(double v, int m) { return __shfl_xor_sync(0xffffffffu, v, m); }

// ------------------------------------------------------------------------------------------
// 5. Global memory access. Inputs go through the read-only path (ld.global.nc); with a 16-byte
//    aligned address da_ldg128 is one LDG.E.128.CONSTANT. An output may be the very same buffer as
//    an input (in place, element i read before element i is written by the same thread), but must
//    not partially overlap any input.
// ------------------------------------------------------------------------------------------
struct da_u128 { unsigned int x, y, z, w; };

DA_DEV da_u128 da_ldg128(const void* p) {
#ifdef __CUDA_ARCH__
    uint4 v = __ldg((const uint4*)p);
    da_u128 r = {v.x, v.y, v.z, v.w};
    return r;
#else
    da_u128 r; __builtin_memcpy(&r, p, 16); return r;
#endif
}
DA_DEV da_u64 da_ldg64(const void* p) {
#ifdef __CUDA_ARCH__
    return __ldg((const unsigned long long*)p);
#else
    return *(const da_u64*)p;
#endif
}
DA_DEV unsigned int da_ldg32(const void* p) {
#ifdef __CUDA_ARCH__
    return __ldg((const unsigned int*)p);
#else
    return *(const unsigned int*)p;
#endif
}
DA_DEV unsigned int da_ldg16(const void* p) {
#ifdef __CUDA_ARCH__
    return __ldg((const unsigned short*)p);
#else
    return *(const unsigned short*)p;
#endif
}
DA_DEV unsigned int da_ldg8(const void* p) {
#ifdef __CUDA_ARCH__
    return __ldg((const unsigned char*)p);
#else
    return *(const unsigned char*)p;
#endif
}
DA_DEV void da_st128(void* p, da_u128 v) {  // plain stores: the compiler emits STG.E.128
#ifdef __CUDA_ARCH__
    *(uint4*)p = make_uint4(v.x, v.y, v.z, v.w);
#else
    __builtin_memcpy(p, &v, 16);
#endif
}
DA_DEV void da_st64(void* p, da_u64 v) { *(da_u64*)p = v; }
DA_DEV void da_st32(void* p, unsigned int v) { *(unsigned int*)p = v; }
DA_DEV void da_st16(void* p, unsigned int v) { *(unsigned short*)p = (unsigned short)v; }
DA_DEV void da_st8(void* p, unsigned int v) { *(unsigned char*)p = (unsigned char)v; }

// ------------------------------------------------------------------------------------------
// 6. 16-bit float storage types and conversions (round to nearest even, NaN stays NaN)
// ------------------------------------------------------------------------------------------
struct da_f16 { unsigned short bits; };
struct da_bf16 { unsigned short bits; };

DA_DEV float da_h2f(unsigned int h) {
#ifdef __CUDA_ARCH__
    float f;
    unsigned short hs = (unsigned short)h;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(hs));
    return f;
#else
    unsigned int sign = (h & 0x8000u) << 16, ex = (h >> 10) & 0x1fu, man = h & 0x3ffu, bits;
    if (ex == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else if (ex == 0) {
        if (man == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            int e = -1;
            do { ++e; man <<= 1; } while (!(man & 0x400u));
            bits = sign | ((unsigned int)(112 - e) << 23) | ((man & 0x3ffu) << 13);
        }
    } else {
        bits = sign | ((ex + 112u) << 23) | (man << 13);
    }
    return da_u2f(bits);
#endif
}

DA_DEV unsigned int da_f2h(float f) {
#ifdef __CUDA_ARCH__
    unsigned short h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
#else
    unsigned int x = da_f2u(f), sign = (x >> 16) & 0x8000u, ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) return sign | 0x7e00u | ((ax >> 13) & 0x3ffu);  // NaN (quiet)
    if (ax >= 0x477ff000u) return sign | 0x7c00u;                         // >= 65520: inf
    if (ax < 0x38800000u) {                                               // < 2^-14: subnormal
        if (ax < 0x33000000u) return sign;                                // <= 2^-25: zero
        unsigned int e = ax >> 23, m = (ax & 0x7fffffu) | 0x800000u, shift = 126u - e;
        unsigned int q = m >> shift, rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);
        if (rem > half || (rem == half && (q & 1u))) ++q;
        return sign | q;
    }
    unsigned int r = ax + 0xfffu + ((ax >> 13) & 1u);
    r -= 112u << 23;
    return sign | (r >> 13);
#endif
}

DA_DEV unsigned int da_d2h(double d) {  // direct double -> half (one rounding, like NumPy)
#ifdef __CUDA_ARCH__
    unsigned short h;
    asm("cvt.rn.f16.f64 %0, %1;" : "=h"(h) : "d"(d));
    return h;
#else
    da_u64 x = da_d2u(d), ax = x & 0x7fffffffffffffffull;
    unsigned int sign = (unsigned int)(x >> 48) & 0x8000u;
    if (ax > 0x7ff0000000000000ull) return sign | 0x7e00u | (unsigned int)((ax >> 42) & 0x3ffu);
    if (ax >= 0x40effe0000000000ull) return sign | 0x7c00u;
    if (ax < 0x3f10000000000000ull) {
        if (ax < 0x3e60000000000000ull) return sign;
        unsigned int e = (unsigned int)(ax >> 52), shift = 1051u - e;
        da_u64 m = (ax & 0xfffffffffffffull) | (1ull << 52);
        da_u64 q = m >> shift, rem = m & ((1ull << shift) - 1ull), half = 1ull << (shift - 1u);
        if (rem > half || (rem == half && (q & 1ull))) ++q;
        return sign | (unsigned int)q;
    }
    da_u64 r = ax + ((1ull << 41) - 1ull) + ((ax >> 42) & 1ull);
    r -= 1008ull << 52;
    return sign | (unsigned int)(r >> 42);
#endif
}

DA_DEV float da_b2f(unsigned int b) { return da_u2f(b << 16); }

DA_DEV unsigned int da_f2b(float f) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    unsigned short h;
    asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
#else
    unsigned int u = da_f2u(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (u >> 16) | 0x40u;  // quiet NaN, sign kept
    return (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
#endif
}

// ------------------------------------------------------------------------------------------
// 7. dtype traits. kind: 0 bool, 1 unsigned int, 2 signed int, 3 float.
//    C = compute type (float for f16/bf16, else T); U = same-size unsigned integer.
//    from_bits/to_bits use the ABI scalar convention: raw little-endian bits, zero-extended.
// ------------------------------------------------------------------------------------------
#define DA_K_BOOL 0
#define DA_K_UINT 1
#define DA_K_SINT 2
#define DA_K_FLOAT 3

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

// Typed scalar load/store of one element.
template <class T> DA_DEV T da_ld(const void* p) {
    constexpr int S = sizeof(T);
    if constexpr (S == 1) return da_tr<T>::from_bits(da_ldg8(p));
    else if constexpr (S == 2) return da_tr<T>::from_bits(da_ldg16(p));
    else if constexpr (S == 4) return da_tr<T>::from_bits(da_ldg32(p));
    else return da_tr<T>::from_bits(da_ldg64(p));
}
template <class T> DA_DEV void da_st(void* p, T v) {
    constexpr int S = sizeof(T);
    da_u64 b = da_tr<T>::to_bits(v);
    if constexpr (S == 1) da_st8(p, (unsigned int)b);
    else if constexpr (S == 2) da_st16(p, (unsigned int)b);
    else if constexpr (S == 4) da_st32(p, (unsigned int)b);
    else da_st64(p, b);
}

// Truthiness (NumPy): nonzero; NaN is true, -0.0 is false.
template <class T> DA_DEV bool da_truth(T x) {
    if constexpr (da_tr<T>::kind == DA_K_BOOL) return x;
    else if constexpr (da_is16f<T>::value) return (x.bits & 0x7fffu) != 0;
    else return x != (T)0;
}

// ------------------------------------------------------------------------------------------
// 8. 128-bit register chunks: element k (compile-time after unrolling) of a packed 16-byte value
// ------------------------------------------------------------------------------------------
DA_DEV unsigned int da_word(const da_u128& r, int i) {
    return i == 0 ? r.x : (i == 1 ? r.y : (i == 2 ? r.z : r.w));
}
DA_DEV void da_word_or(da_u128& r, int i, unsigned int v) {
    if (i == 0) r.x |= v; else if (i == 1) r.y |= v; else if (i == 2) r.z |= v; else r.w |= v;
}
template <class T> DA_DEV T da_get(const da_u128& r, int k) {
    constexpr int S = sizeof(T);
    if constexpr (S == 8) {
        return da_tr<T>::from_bits((da_u64)da_word(r, 2 * k) | ((da_u64)da_word(r, 2 * k + 1) << 32));
    } else if constexpr (S == 4) {
        return da_tr<T>::from_bits(da_word(r, k));
    } else {
        unsigned int w = da_word(r, (k * S) >> 2);
        unsigned int sh = (unsigned int)((k * S) & 3) * 8u;
        return da_tr<T>::from_bits((w >> sh) & ((1u << (8 * S)) - 1u));
    }
}
template <class T> DA_DEV void da_put(da_u128& r, int k, T v) {  // r must start zeroed
    constexpr int S = sizeof(T);
    da_u64 b = da_tr<T>::to_bits(v);
    if constexpr (S == 8) {
        da_word_or(r, 2 * k, (unsigned int)b);
        da_word_or(r, 2 * k + 1, (unsigned int)(b >> 32));
    } else if constexpr (S == 4) {
        da_word_or(r, k, (unsigned int)b);
    } else {
        unsigned int sh = (unsigned int)((k * S) & 3) * 8u;
        da_word_or(r, (k * S) >> 2, ((unsigned int)b & ((1u << (8 * S)) - 1u)) << sh);
    }
}
template <int BYTES> DA_DEV da_u128 da_ld_chunk(const char* p) {
    da_u128 r = {0u, 0u, 0u, 0u};
    if constexpr (BYTES == 16) {
        r = da_ldg128(p);
    } else if constexpr (BYTES == 8) {
        da_u64 v = da_ldg64(p);
        r.x = (unsigned int)v; r.y = (unsigned int)(v >> 32);
    } else if constexpr (BYTES == 4) {
        r.x = da_ldg32(p);
    } else if constexpr (BYTES == 2) {
        r.x = da_ldg16(p);
    } else {
        r.x = da_ldg8(p);
    }
    return r;
}
template <int BYTES> DA_DEV void da_st_chunk(char* p, const da_u128& r) {
    if constexpr (BYTES == 16) da_st128(p, r);
    else if constexpr (BYTES == 8) da_st64(p, (da_u64)r.x | ((da_u64)r.y << 32));
    else if constexpr (BYTES == 4) da_st32(p, r.x);
    else if constexpr (BYTES == 2) da_st16(p, r.x);
    else da_st8(p, r.x);
}
template <class T, int E> DA_DEV da_u128 da_splat(T v) {
    da_u128 r = {0u, 0u, 0u, 0u};
    DA_UNROLL
    for (int k = 0; k < E; ++k) da_put<T>(r, k, v);
    return r;
}

// ------------------------------------------------------------------------------------------
// 9. Index helpers: division by a runtime divisor through a per-block magic number
//    (q = (umulhi(n, m) + n) >> s, valid for n < 2^31 (32-bit) / n < 2^63 (64-bit)).
// ------------------------------------------------------------------------------------------
DA_DEV void da_magic32(unsigned int d, unsigned int& m, unsigned int& s) {  // 1 <= d <= 2^31
    unsigned int sh = d <= 1u ? 0u : 32u - (unsigned int)da_clz32(d - 1u);
    // m = floor(2^32 * (2^sh - d) / d) + 1 by restoring division (2^sh - d < d)
    unsigned int r = (unsigned int)((1ull << sh) - d), q = 0u;
    DA_NOUNROLL
    for (int i = 0; i < 32; ++i) {
        bool c = (r >> 31) != 0u;
        r <<= 1; q <<= 1;
        if (c || r >= d) { r -= d; q |= 1u; }
    }
    m = q + 1u; s = sh;
}
DA_DEV void da_magic64(da_u64 d, da_u64& m, unsigned int& s) {  // 1 <= d <= 2^63
    unsigned int sh = d <= 1ull ? 0u : 64u - (unsigned int)da_clz64(d - 1ull);
    da_u64 r = sh == 64u ? 0ull - d : (1ull << sh) - d, q = 0ull;
    DA_NOUNROLL
    for (int i = 0; i < 64; ++i) {
        bool c = (r >> 63) != 0ull;
        r <<= 1; q <<= 1;
        if (c || r >= d) { r -= d; q |= 1ull; }
    }
    m = q + 1ull; s = sh;
}
DA_DEV unsigned int da_mdiv(unsigned int n, unsigned int m, unsigned int s) {
    return (da_umulhi(n, m) + n) >> s;
}
DA_DEV da_u64 da_mdiv(da_u64 n, da_u64 m, unsigned int s) {
    return (da_umul64hi(n, m) + n) >> s;
}

template <class L> struct da_lay;
template <> struct da_lay<Layout32> { typedef unsigned int I; typedef int S; };
template <> struct da_lay<Layout64> { typedef da_u64 I; typedef long long S; };

// Per-block magic numbers of dims 1..ndim-1 (dim 0 needs no division). All threads must call.
// Kernel parameters and shared memory are indexed dynamically here (ld.param / LDC and LDS with a
// register offset), which keeps the code small and needs no local memory.
template <class L> struct da_divs {
    typename da_lay<L>::I mul[DA_MAX_DIMS];
    unsigned int shr[DA_MAX_DIMS];
};
template <class L> DA_DEV void da_divs_init(da_divs<L>& dv, const L& lay) {
    const int t = (int)da_tid();
    if (t >= 1 && t < lay.ndim && t < DA_MAX_DIMS) {
        if constexpr (da_same<L, Layout32>::value) da_magic32(lay.shape[t], dv.mul[t], dv.shr[t]);
        else da_magic64((da_u64)lay.shape[t], dv.mul[t], dv.shr[t]);
    }
    da_sync();
}
// Element offsets (in elements) of linear index i for operands 0..NOPS-1 (0 = output).
template <int NOPS, class L>
DA_DEV void da_offsets(const L& lay, const da_divs<L>& dv, typename da_lay<L>::I i,
                       typename da_lay<L>::S (&off)[4]) {
    typedef typename da_lay<L>::I I;
    typedef typename da_lay<L>::S S;
    DA_UNROLL
    for (int k = 0; k < 4; ++k) off[k] = 0;
    I rem = i;
    DA_NOUNROLL
    for (int d = lay.ndim - 1; d >= 1; --d) {  // innermost dim last
        const I q = da_mdiv(rem, dv.mul[d], dv.shr[d]);
        const S r = (S)(rem - q * (I)lay.shape[d]);
        DA_UNROLL
        for (int k = 0; k < NOPS; ++k) off[k] += r * lay.stride[k][d];
        rem = q;
    }
    DA_UNROLL
    for (int k = 0; k < NOPS; ++k) off[k] += (S)rem * lay.stride[k][0];
}

// ------------------------------------------------------------------------------------------
// 10. Elementwise engine. A functor F provides: typedefs O (output), A, B, C (inputs 0..2),
//     `static const int NIN` (1..3) and `static O apply(A[, B[, C]])`.
//     FORCE: scalar_mask bits forced on (fill kernels).
// ------------------------------------------------------------------------------------------
// Ops whose body is large (trigonometry, pow, ...) opt in with DA_HEAVY(functor template): their
// vector path runs one 16-byte chunk per thread per iteration and loops over its elements without
// unrolling, so the op body is emitted once per kernel instead of 2*E times.
template <class F> struct da_heavy { static constexpr bool value = false; };
#define DA_HEAVY(FUNCTOR) \
    template <class T> struct da_heavy<FUNCTOR<T>> { static constexpr bool value = true; };

template <class F>
DA_DEV typename F::O da_invoke(typename F::A a, typename F::B b, typename F::C c) {
    if constexpr (F::NIN == 1) return F::apply(a);
    else if constexpr (F::NIN == 2) return F::apply(a, b);
    else return F::apply(a, b, c);
}

// Contiguous, 16-byte aligned operands. Each thread handles U chunks of E elements per tile
// (E = 16 / widest element size, so the widest operand moves in 128-bit accesses); chunk u of
// thread t in a tile starts at element (tile + u*blockDim + t) * E, so each warp access is
// contiguous. Out-of-range chunks are skipped; the last n % E elements are done one by one.
template <class F, unsigned int FORCE = 0u>
DA_DEV void da_ew_vec(const EwArgs& args, da_u64 n) {
    typedef typename F::O O; typedef typename F::A A; typedef typename F::B B; typedef typename F::C C;
    constexpr int NIN = F::NIN;
    constexpr int SZ = da_cmax(da_cmax((int)sizeof(O), (int)sizeof(A)),
                               da_cmax(NIN >= 2 ? (int)sizeof(B) : 1, NIN >= 3 ? (int)sizeof(C) : 1));
    constexpr int E = 16 / SZ;
    constexpr bool HV = da_heavy<F>::value;
    constexpr int U = HV ? 1 : 2;
    constexpr int BA = E * (int)sizeof(A), BB = E * (int)sizeof(B), BC = E * (int)sizeof(C), BO = E * (int)sizeof(O);
    const unsigned int mask = args.scalar_mask | FORCE;
    const bool ca = (mask & 1u) != 0u, cb = (mask & 2u) != 0u, cc = (mask & 4u) != 0u;
    const A sa = da_tr<A>::from_bits(args.scalar[0]);
    const B sb = da_tr<B>::from_bits(args.scalar[1]);
    const C sc = da_tr<C>::from_bits(args.scalar[2]);
    const da_u128 va = da_splat<A, E>(sa);
    const da_u128 vb = da_splat<B, E>(sb);
    const da_u128 vc = da_splat<C, E>(sc);
    const char* __restrict__ pa = (const char*)args.in[0];
    const char* __restrict__ pb = (const char*)args.in[1];
    const char* __restrict__ pc = (const char*)args.in[2];
    char* __restrict__ po = (char*)args.out;
    const da_u64 nvec = n / (da_u64)E;
    const da_u64 bd = da_bdim();
    const da_u64 step = (da_u64)da_gdim() * bd * U;
    for (da_u64 base = (da_u64)da_bid() * bd * U + da_tid(); base < nvec; base += step) {
        da_u128 ra[U], rb[U], rc[U];
        DA_UNROLL
        for (int u = 0; u < U; ++u) {
            const da_u64 v = base + (da_u64)u * bd;
            if (v < nvec) {
                ra[u] = ca ? va : da_ld_chunk<BA>(pa + v * BA);
                if constexpr (NIN >= 2) rb[u] = cb ? vb : da_ld_chunk<BB>(pb + v * BB);
                if constexpr (NIN >= 3) rc[u] = cc ? vc : da_ld_chunk<BC>(pc + v * BC);
            }
        }
        DA_UNROLL
        for (int u = 0; u < U; ++u) {
            const da_u64 v = base + (da_u64)u * bd;
            if (v < nvec) {
                da_u128 ro = {0u, 0u, 0u, 0u};
                if constexpr (HV) {
                    DA_NOUNROLL
                    for (int k = 0; k < E; ++k) {
                        A a = da_get<A>(ra[u], k);
                        B b = sb; C c = sc;
                        if constexpr (NIN >= 2) b = da_get<B>(rb[u], k);
                        if constexpr (NIN >= 3) c = da_get<C>(rc[u], k);
                        da_put<O>(ro, k, da_invoke<F>(a, b, c));
                    }
                } else {
                    DA_UNROLL
                    for (int k = 0; k < E; ++k) {
                        A a = da_get<A>(ra[u], k);
                        B b = sb; C c = sc;
                        if constexpr (NIN >= 2) b = da_get<B>(rb[u], k);
                        if constexpr (NIN >= 3) c = da_get<C>(rc[u], k);
                        da_put<O>(ro, k, da_invoke<F>(a, b, c));
                    }
                }
                da_st_chunk<BO>(po + v * BO, ro);
            }
        }
    }
    // tail: n % E elements, one per thread of the first block(s)
    const da_u64 t0 = nvec * (da_u64)E;
    const da_u64 g = (da_u64)da_bid() * bd + da_tid();
    if (g < n - t0) {
        const da_u64 i = t0 + g;
        A a = ca ? sa : da_ld<A>(pa + i * sizeof(A));
        B b = sb; C c = sc;
        if constexpr (NIN >= 2) b = cb ? sb : da_ld<B>(pb + i * sizeof(B));
        if constexpr (NIN >= 3) c = cc ? sc : da_ld<C>(pc + i * sizeof(C));
        da_st<O>(po + i * sizeof(O), da_invoke<F>(a, b, c));
    }
}

// Strided path (Layout32 or Layout64): 2 elements per thread per iteration (loads of both are
// issued before the stores), offsets from the linear index by magic-number division.
template <class F, class L, unsigned int FORCE = 0u>
DA_DEV void da_ew_strided(const EwArgs& args, const L& lay) {
    typedef typename F::O O; typedef typename F::A A; typedef typename F::B B; typedef typename F::C C;
    typedef typename da_lay<L>::I I;
    typedef typename da_lay<L>::S S;
    constexpr int NIN = F::NIN;
    constexpr int U = da_heavy<F>::value ? 1 : 2;
    DA_SHARED da_divs<L> dv;
    da_divs_init<L>(dv, lay);
    const unsigned int mask = args.scalar_mask | FORCE;
    const bool ca = (mask & 1u) != 0u, cb = (mask & 2u) != 0u, cc = (mask & 4u) != 0u;
    const A sa = da_tr<A>::from_bits(args.scalar[0]);
    const B sb = da_tr<B>::from_bits(args.scalar[1]);
    const C sc = da_tr<C>::from_bits(args.scalar[2]);
    const char* __restrict__ pa = (const char*)args.in[0];
    const char* __restrict__ pb = (const char*)args.in[1];
    const char* __restrict__ pc = (const char*)args.in[2];
    char* __restrict__ po = (char*)args.out;
    const da_u64 n = lay.n;
    const da_u64 bd = da_bdim();
    const da_u64 step = (da_u64)da_gdim() * bd * U;
    for (da_u64 base = (da_u64)da_bid() * bd * U + da_tid(); base < n; base += step) {
        S off[U][4];
        A a[U]; B b[U]; C c[U];
        DA_UNROLL
        for (int u = 0; u < U; ++u) {
            const da_u64 i = base + (da_u64)u * bd;
            if (i < n) {
                da_offsets<NIN + 1, L>(lay, dv, (I)i, off[u]);
                a[u] = ca ? sa : da_ld<A>(pa + (long long)off[u][1] * (long long)sizeof(A));
                if constexpr (NIN >= 2) b[u] = cb ? sb : da_ld<B>(pb + (long long)off[u][2] * (long long)sizeof(B));
                if constexpr (NIN >= 3) c[u] = cc ? sc : da_ld<C>(pc + (long long)off[u][3] * (long long)sizeof(C));
            }
        }
        DA_UNROLL
        for (int u = 0; u < U; ++u) {
            const da_u64 i = base + (da_u64)u * bd;
            if (i < n) {
                B bb = sb; C cc2 = sc;
                if constexpr (NIN >= 2) bb = b[u];
                if constexpr (NIN >= 3) cc2 = c[u];
                da_st<O>(po + (long long)off[u][0] * (long long)sizeof(O), da_invoke<F>(a[u], bb, cc2));
            }
        }
    }
}

// Emulator hooks. With DA_EMULATOR (kernels/emu/shim.h, host C++ only) every kernel NAME also gets
// `NAME__emu(void** params)`, which calls it with its parameters passed as cuLaunchKernel passes
// them, and a registry entry (name, entry, block size, parameter sizes and what the host checks a
// launch's pointers against). ABI 1, elementwise: abi_info = {inputs, sizeof out, sizeof in0, in1,
// in2, scalar mask forced on}; ABI 2, reductions: {sizeof input element, partial, output}.
#define DA_STR_(x) #x
#define DA_STR(x) DA_STR_(x)
#ifdef DA_EMULATOR
#  define DA_EMU_ABI_EW 1u
#  define DA_EMU_ABI_RED 2u
#  define DA_EMU_EW(NAME, LAYOUT, FORCE, ...)                                                       \
    extern "C" void DA_CAT(NAME, __emu)(void** p) { NAME(*(const EwArgs*)p[0], *(const LAYOUT*)p[1]); } \
    DA_EMU_REGISTER(DA_STR(NAME), &DA_CAT(NAME, __emu), DA_EW_BLOCK, 2u,                             \
                    {(unsigned)sizeof(EwArgs), (unsigned)sizeof(LAYOUT), 0u, 0u}, DA_EMU_ABI_EW,     \
                    {(unsigned)__VA_ARGS__::NIN, (unsigned)sizeof(__VA_ARGS__::O),                   \
                     (unsigned)sizeof(__VA_ARGS__::A), (unsigned)sizeof(__VA_ARGS__::B),             \
                     (unsigned)sizeof(__VA_ARGS__::C), (unsigned)(FORCE), 0u})
#  define DA_EMU_RED(NAME, ...)                                                                     \
    extern "C" void DA_CAT(NAME, __emu)(void** p) { NAME(*(const RedArgs*)p[0]); }                 \
    DA_EMU_REGISTER(DA_STR(NAME), &DA_CAT(NAME, __emu), DA_RED_BLOCK, 1u,                            \
                    {(unsigned)sizeof(RedArgs), 0u, 0u, 0u}, DA_EMU_ABI_RED,                         \
                    {(unsigned)sizeof(__VA_ARGS__::In), (unsigned)sizeof(__VA_ARGS__::A),            \
                     (unsigned)sizeof(__VA_ARGS__::O), 0u, 0u, 0u, 0u})
#else
#  define DA_EMU_EW(NAME, LAYOUT, FORCE, ...)
#  define DA_EMU_RED(NAME, ...)
#endif

// Kernel selection (ABI.md "Modules"). The host loads one module per kernel prefix (`add_f32`:
// the op's kernels for every path), so the first use of an op compiles only that op: it passes
// -DDA_SELECT and -DDA_WANT_<prefix>=~,1, and every other prefix expands to nothing. Without
// DA_SELECT (tools/kernel_check.py, the emulator) a module holds the whole family.
// DA_WANTED(prefix) is 1 or 0: `DA_WANT_<prefix>` expands to `~,1` when defined, which makes 1 the
// second argument of DA_SECOND_; an undefined name stays one token and 0 comes second.
#define DA_SECOND_(a, b, ...) b
#define DA_IS_PROBE_(...) DA_SECOND_(__VA_ARGS__, 0, )
#ifdef DA_SELECT
#  define DA_WANTED(PREFIX) DA_IS_PROBE_(DA_CAT(DA_WANT_, PREFIX))
#else
#  define DA_WANTED(PREFIX) 1
#endif
#define DA_IIF_0(...)
#define DA_IIF_1(...) __VA_ARGS__
#define DA_WHEN_WANTED(PREFIX, ...) DA_CAT(DA_IIF_, DA_WANTED(PREFIX))(__VA_ARGS__)

// Kernel definition helpers: DA_EW_DEFINE(prefix, Functor...) emits prefix_vec/_s32/_s64.
#define DA_EW_DEFINE_F(PREFIX, FORCE, ...) DA_WHEN_WANTED(PREFIX, DA_EW_DEFINE_ALL(PREFIX, FORCE, __VA_ARGS__))
#define DA_EW_DEFINE_ALL(PREFIX, FORCE, ...)                                                      \
    DA_KERNEL(DA_EW_BLOCK) DA_CAT(PREFIX, _vec)(EwArgs a, LayoutContig l) {                        \
        da_ew_vec<__VA_ARGS__, FORCE>(a, l.n);                                                     \
    }                                                                                              \
    DA_KERNEL(DA_EW_BLOCK) DA_CAT(PREFIX, _s32)(EwArgs a, Layout32 l) {                            \
        da_ew_strided<__VA_ARGS__, Layout32, FORCE>(a, l);                                         \
    }                                                                                              \
    DA_KERNEL(DA_EW_BLOCK) DA_CAT(PREFIX, _s64)(EwArgs a, Layout64 l) {                            \
        da_ew_strided<__VA_ARGS__, Layout64, FORCE>(a, l);                                         \
    }                                                                                              \
    DA_EMU_EW(DA_CAT(PREFIX, _vec), LayoutContig, FORCE, __VA_ARGS__)                              \
    DA_EMU_EW(DA_CAT(PREFIX, _s32), Layout32, FORCE, __VA_ARGS__)                                  \
    DA_EMU_EW(DA_CAT(PREFIX, _s64), Layout64, FORCE, __VA_ARGS__)
#define DA_EW_DEFINE(PREFIX, ...) DA_EW_DEFINE_F(PREFIX, 0u, __VA_ARGS__)
// {op}_{tag} prefix for the module's dtype
#define DA_OPNAME(op) DA_CAT(DA_CAT(op, _), DA_TAG)

// ------------------------------------------------------------------------------------------
// 11. Module dtype selection: exactly one -DDA_DTYPE_<TAG> per compilation.
//     DA_T = storage type, DA_TAG = name tag, DA_IS_* = kind flags usable in #if.
// ------------------------------------------------------------------------------------------
#if defined(DA_DTYPE_BOOL)
#  define DA_T bool
#  define DA_TAG bool
#  define DA_IS_BOOL 1
#elif defined(DA_DTYPE_U8)
#  define DA_T unsigned char
#  define DA_TAG u8
#  define DA_IS_UINT 1
#elif defined(DA_DTYPE_U16)
#  define DA_T unsigned short
#  define DA_TAG u16
#  define DA_IS_UINT 1
#elif defined(DA_DTYPE_U32)
#  define DA_T unsigned int
#  define DA_TAG u32
#  define DA_IS_UINT 1
#elif defined(DA_DTYPE_U64)
#  define DA_T unsigned long long
#  define DA_TAG u64
#  define DA_IS_UINT 1
#elif defined(DA_DTYPE_I8)
#  define DA_T signed char
#  define DA_TAG i8
#  define DA_IS_SINT 1
#elif defined(DA_DTYPE_I16)
#  define DA_T short
#  define DA_TAG i16
#  define DA_IS_SINT 1
#elif defined(DA_DTYPE_I32)
#  define DA_T int
#  define DA_TAG i32
#  define DA_IS_SINT 1
#elif defined(DA_DTYPE_I64)
#  define DA_T long long
#  define DA_TAG i64
#  define DA_IS_SINT 1
#elif defined(DA_DTYPE_F16)
#  define DA_T da_f16
#  define DA_TAG f16
#  define DA_IS_FLOAT 1
#elif defined(DA_DTYPE_BF16)
#  define DA_T da_bf16
#  define DA_TAG bf16
#  define DA_IS_FLOAT 1
#elif defined(DA_DTYPE_F32)
#  define DA_T float
#  define DA_TAG f32
#  define DA_IS_FLOAT 1
#elif defined(DA_DTYPE_F64)
#  define DA_T double
#  define DA_TAG f64
#  define DA_IS_FLOAT 1
#endif
#ifndef DA_IS_BOOL
#  define DA_IS_BOOL 0
#endif
#ifndef DA_IS_UINT
#  define DA_IS_UINT 0
#endif
#ifndef DA_IS_SINT
#  define DA_IS_SINT 0
#endif
#ifndef DA_IS_FLOAT
#  define DA_IS_FLOAT 0
#endif
#define DA_IS_INT (DA_IS_UINT || DA_IS_SINT)

// ------------------------------------------------------------------------------------------
// 12. Float math (float/double overloads; f16/bf16 compute in float). No --use_fast_math.
// ------------------------------------------------------------------------------------------
#define DA_MATH1(NAME, FF, FD)                                  \
    DA_DEV float NAME(float x) { return FF(x); }                \
    DA_DEV double NAME(double x) { return FD(x); }
#define DA_MATH2(NAME, FF, FD)                                  \
    DA_DEV float NAME(float x, float y) { return FF(x, y); }    \
    DA_DEV double NAME(double x, double y) { return FD(x, y); }
DA_MATH1(da_sqrt, sqrtf, sqrt)
DA_MATH1(da_exp, expf, exp)
DA_MATH1(da_expm1, expm1f, expm1)
DA_MATH1(da_log, logf, log)
DA_MATH1(da_log1p, log1pf, log1p)
DA_MATH1(da_log2, log2f, log2)
DA_MATH1(da_log10, log10f, log10)
DA_MATH1(da_asin, asinf, asin)
DA_MATH1(da_acos, acosf, acos)
DA_MATH1(da_atan, atanf, atan)
DA_MATH1(da_sinh, sinhf, sinh)
DA_MATH1(da_cosh, coshf, cosh)
DA_MATH1(da_tanh, tanhf, tanh)
DA_MATH1(da_asinh, asinhf, asinh)
DA_MATH1(da_acosh, acoshf, acosh)
DA_MATH1(da_atanh, atanhf, atanh)
DA_MATH1(da_floor, floorf, floor)
DA_MATH1(da_ceil, ceilf, ceil)
DA_MATH1(da_trunc, truncf, trunc)
DA_MATH1(da_rint, rintf, rint)
DA_MATH1(da_fabs, fabsf, fabs)
DA_MATH2(da_pow, powf, pow)
DA_MATH2(da_atan2, atan2f, atan2)
DA_MATH2(da_hypot, hypotf, hypot)
DA_MATH2(da_copysign, copysignf, copysign)
DA_MATH2(da_fmod, fmodf, fmod)
#undef DA_MATH1
#undef DA_MATH2
DA_DEV bool da_isnan(float x) { return x != x; }
DA_DEV bool da_isnan(double x) { return x != x; }
DA_DEV bool da_isinf(float x) { return (da_f2u(x) & 0x7fffffffu) == 0x7f800000u; }
DA_DEV bool da_isinf(double x) { return (da_d2u(x) & 0x7fffffffffffffffull) == 0x7ff0000000000000ull; }

// ------------------------------------------------------------------------------------------
// 13. sin/cos/tan without local memory. The CUDA library versions keep a local array in their
//     Payne-Hanek slow path (a stack frame in every kernel that uses them); these reduce with
//     registers only: Cody-Waite for moderate arguments, a fixed 4-word window of 2/pi bits for
//     large ones. Polynomials and reduction constants are FDLIBM's (as in FreeBSD msun / musl):
//     Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at SunSoft, a
//     Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
//     software is freely granted, provided that this notice is preserved.
//     float is evaluated in double (FreeBSD's k_sinf/k_cosf scheme).
// ------------------------------------------------------------------------------------------
DA_GLOBAL_CONST da_u64 da_two_over_pi[20] = {  // bits of 2/pi after the binary point
    0xa2f9836e4e441529ull, 0xfc2757d1f534ddc0ull, 0xdb6295993c439041ull, 0xfe5163abdebbc561ull,
    0xb7246e3a424dd2e0ull, 0x06492eea09d1921cull, 0xfe1deb1cb129a73eull, 0xe88235f52ebb4484ull,
    0xe99c7026b45f7e41ull, 0x3991d639835339f4ull, 0x9c845f8bbdf9283bull, 0x1ff897ffde05980full,
    0xef2f118b5a0a6d1full, 0x6d367ecf27cb09b7ull, 0x4f463f669e5fea2dull, 0x7527bac7ebe5f17bull,
    0x3d0739f78a5292eaull, 0x6bfb5fb11f8d5d08ull, 0x56033046fc7b6babull, 0xf0cfbc209af4361dull};

DA_DEV da_u64 da_sel6(da_u64 p0, da_u64 p1, da_u64 p2, da_u64 p3, da_u64 p4, int i) {
    return i == 0 ? p0 : (i == 1 ? p1 : (i == 2 ? p2 : (i == 3 ? p3 : (i == 4 ? p4 : 0ull))));
}
DA_DEV da_u64 da_shr128(da_u64 lo, da_u64 hi, int sh) {  // bits [sh, sh+64) of hi:lo, 0 <= sh < 64
    return sh == 0 ? lo : ((lo >> sh) | (hi << (64 - sh)));
}
// |x| = n*pi/2 + (y0 + y1) for finite ax >= 2^-33 (used for ax >= 2^19); returns n (any int).
DA_DEV int da_rem_pio2_large(double ax, double& y0, double& y1) {
    const da_u64 bits = da_d2u(ax);
    const int q = (int)(bits >> 52) - 1075;  // ax = M * 2^q
    const da_u64 M = (bits & 0xfffffffffffffull) | (1ull << 52);
    const int j0 = q >= 2 ? (q - 2) >> 6 : 0;
    const da_u64 w0 = da_two_over_pi[j0], w1 = da_two_over_pi[j0 + 1];
    const da_u64 w2 = da_two_over_pi[j0 + 2], w3 = da_two_over_pi[j0 + 3];
    // P = M * (w0:w1:w2:w3), 5 words, P0 least significant
    const da_u64 l0 = M * w0, h0 = da_umul64hi(M, w0), l1 = M * w1, h1 = da_umul64hi(M, w1);
    const da_u64 l2 = M * w2, h2 = da_umul64hi(M, w2), l3 = M * w3, h3 = da_umul64hi(M, w3);
    const da_u64 P0 = l3;
    da_u64 t = h3 + l2;
    da_u64 c = t < h3 ? 1ull : 0ull;
    const da_u64 P1 = t;
    t = h2 + l1; da_u64 c2 = t < h2 ? 1ull : 0ull; t += c; c2 += t < c ? 1ull : 0ull;
    const da_u64 P2 = t;
    t = h1 + l0; da_u64 c3 = t < h1 ? 1ull : 0ull; t += c2; c3 += t < c2 ? 1ull : 0ull;
    const da_u64 P3 = t;
    const da_u64 P4 = h0 + c3;
    // binary point of x*2/pi sits at bit 64*(j0+4) - q of P; take 128 fraction bits + 2 int bits
    const int s = 64 * (j0 + 4) - q - 128;  // 62 < s <= 188
    const int wi = s >> 6, sh = s & 63;
    const da_u64 A0 = da_sel6(P0, P1, P2, P3, P4, wi), A1 = da_sel6(P0, P1, P2, P3, P4, wi + 1);
    const da_u64 A2 = da_sel6(P0, P1, P2, P3, P4, wi + 2), A3 = da_sel6(P0, P1, P2, P3, P4, wi + 3);
    da_u64 F0 = da_shr128(A0, A1, sh), F1 = da_shr128(A1, A2, sh);
    int n = (int)(da_shr128(A2, A3, sh) & 3ull);
    const bool neg = (F1 >> 63) != 0ull;  // fraction >= 1/2: round up, negative remainder
    if (neg) {
        ++n;
        F0 = ~F0 + 1ull;
        F1 = ~F1 + (F0 == 0ull ? 1ull : 0ull);
    }
    int lz;
    da_u64 H, L;
    if (F1 != 0ull) {
        lz = da_clz64(F1);
        H = lz == 0 ? F1 : ((F1 << lz) | (F0 >> (64 - lz)));
        L = F0 << lz;
    } else {
        lz = 64 + da_clz64(F0 | 1ull);
        H = F0 << (lz - 64);
        L = 0ull;
    }
    const da_u64 Am = H >> 11, Bm = ((H & 0x7ffull) << 42) | (L >> 22);
    const double fhi = (double)Am * da_u2d((da_u64)(1023 - 53 - lz) << 52);
    const double flo = (double)Bm * da_u2d((da_u64)(1023 - 106 - lz) << 52);
    const double P1h = 0x1.921fb54442d18p+0, P1l = 0x1.1a62633145c07p-54;  // pi/2 double-double
    double r0 = fhi * P1h;
    double r1 = fma(fhi, P1h, -r0) + (fhi * P1l + flo * P1h);
    double s0 = r0 + r1;
    r1 = r1 - (s0 - r0);
    y0 = neg ? -s0 : s0;
    y1 = neg ? -r1 : r1;
    return n;
}
// x = n*pi/2 + (y0 + y1), |y0 + y1| <~ pi/4, for finite x (double).
DA_DEV int da_rem_pio2(double x, double& y0, double& y1) {
    const double ax = da_fabs(x);
    if (ax <= 0x1.921fb54442d18p-1) { y0 = x; y1 = 0.0; return 0; }
    if (ax < 0x1.921fb54442d18p+20) {  // medium: FDLIBM __ieee754_rem_pio2
        const double invpio2 = 0x1.45f306dc9c883p-1;
        const double pio2_1 = 0x1.921fb54400000p+0, pio2_1t = 0x1.0b4611a626331p-34;
        const double pio2_2 = 0x1.0b4611a600000p-34, pio2_2t = 0x1.3198a2e037073p-69;
        const double pio2_3 = 0x1.3198a2e000000p-69, pio2_3t = 0x1.b839a252049c1p-104;
        const double fn = da_rint(da_dmul(x, invpio2));
        const int n = (int)fn;
        double r = da_dsub(x, da_dmul(fn, pio2_1));
        double w = da_dmul(fn, pio2_1t);
        double yy = da_dsub(r, w);
        const int ex = (int)(da_d2u(x) >> 52) & 0x7ff;
        int ey = (int)(da_d2u(yy) >> 52) & 0x7ff;
        if (ex - ey > 16) {
            double t = r;
            w = da_dmul(fn, pio2_2);
            r = da_dsub(t, w);
            w = da_dsub(da_dmul(fn, pio2_2t), da_dsub(da_dsub(t, r), w));
            yy = da_dsub(r, w);
            ey = (int)(da_d2u(yy) >> 52) & 0x7ff;
            if (ex - ey > 49) {
                t = r;
                w = da_dmul(fn, pio2_3);
                r = da_dsub(t, w);
                w = da_dsub(da_dmul(fn, pio2_3t), da_dsub(da_dsub(t, r), w));
                yy = da_dsub(r, w);
            }
        }
        y0 = yy;
        y1 = da_dsub(da_dsub(r, yy), w);
        return n;
    }
    const int n = da_rem_pio2_large(ax, y0, y1);
    if (x < 0.0) { y0 = -y0; y1 = -y1; return -n; }
    return n;
}
DA_DEV double da_ksin(double x, double y) {  // sin(x + y), |x + y| <= pi/4
    const double S1 = -0x1.5555555555549p-3, S2 = 0x1.111111110f8a6p-7, S3 = -0x1.a01a019c161d5p-13;
    const double S4 = 0x1.71de357b1fe7dp-19, S5 = -0x1.ae5e68a2b9cebp-26, S6 = 0x1.5d93a5acfd57cp-33;
    const double z = x * x, w = z * z;
    const double r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    const double v = z * x;
    return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}
DA_DEV double da_kcos(double x, double y) {  // cos(x + y), |x + y| <= pi/4
    const double C1 = 0x1.555555555554cp-5, C2 = -0x1.6c16c16c15177p-10, C3 = 0x1.a01a019cb1590p-16;
    const double C4 = -0x1.27e4f809c52adp-22, C5 = 0x1.1ee9ebdb4b1c4p-29, C6 = -0x1.8fae9be8838d4p-37;
    const double z = x * x, w = z * z;
    const double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    const double hz = 0.5 * z;
    const double ww = 1.0 - hz;
    return ww + (((1.0 - ww) - hz) + (z * r - x * y));
}
// which: 0 sin, 1 cos, 2 tan
template <int WHICH> DA_DEV double da_trig(double x) {
    const double ax = da_fabs(x);
    if (!(ax <= 0x1.fffffffffffffp+1023)) return x - x;  // inf/NaN -> NaN
    if (ax < 0x1p-27) return WHICH == 1 ? 1.0 : x;
    double y0, y1;
    const int n = da_rem_pio2(x, y0, y1);
    if constexpr (WHICH == 0) {
        const int m = n & 3;
        const double v = (m & 1) ? da_kcos(y0, y1) : da_ksin(y0, y1);
        return (m & 2) ? -v : v;
    } else if constexpr (WHICH == 1) {
        const int m = n & 3;
        const double v = (m & 1) ? da_ksin(y0, y1) : da_kcos(y0, y1);
        return (m == 1 || m == 2) ? -v : v;
    } else {
        const double s = da_ksin(y0, y1), c = da_kcos(y0, y1);
        return (n & 1) ? -c / s : s / c;
    }
}
DA_DEV double da_ksindf(double x) {
    const double S1 = -0x1.5555554cbac77p-3, S2 = 0x1.11110896efbb2p-7;
    const double S3 = -0x1.a00f9e2cae774p-13, S4 = 0x1.6cd878c3b46a7p-19;
    const double z = x * x, w = z * z, r = S3 + z * S4, s = z * x;
    return (x + s * (S1 + z * S2)) + s * w * r;
}
DA_DEV double da_kcosdf(double x) {
    const double C0 = -0x1.ffffffd0c5e81p-2, C1 = 0x1.55553e1053a42p-5;
    const double C2 = -0x1.6c087e80f1e27p-10, C3 = 0x1.99342e0ee5069p-16;
    const double z = x * x, w = z * z, r = C2 + z * C3;
    return ((1.0 + z * C0) + w * C1) + (w * z) * r;
}
template <int WHICH> DA_DEV float da_trigf(float xf) {
    const double x = (double)xf;
    const double ax = da_fabs(x);
    if (!(ax <= 0x1.fffffep+127)) return xf - xf;
    if (ax < 0x1p-12) return WHICH == 1 ? 1.0f : xf;
    int n;
    double y;
    if (ax <= 0x1.921fb54442d18p-1) {
        n = 0; y = x;
    } else if (ax < 0x1.921fb54442d18p+27) {  // musl __rem_pio2f medium path
        const double fn = da_rint(x * 0x1.45f306dc9c883p-1);
        n = (int)fn;
        y = x - fn * 0x1.921fb50000000p+0 - fn * 0x1.110b4611a6263p-26;
    } else {
        double y0, y1;
        n = da_rem_pio2_large(ax, y0, y1);
        y = y0 + y1;
        if (xf < 0.0f) { n = -n; y = -y; }
    }
    double v;
    if constexpr (WHICH == 0) {
        const int m = n & 3;
        v = (m & 1) ? da_kcosdf(y) : da_ksindf(y);
        v = (m & 2) ? -v : v;
    } else if constexpr (WHICH == 1) {
        const int m = n & 3;
        v = (m & 1) ? da_ksindf(y) : da_kcosdf(y);
        v = (m == 1 || m == 2) ? -v : v;
    } else {
        const double s = da_ksindf(y), c = da_kcosdf(y);
        v = (n & 1) ? -c / s : s / c;
    }
    return (float)v;
}
DA_DEV float da_sin(float x) { return da_trigf<0>(x); }
DA_DEV float da_cos(float x) { return da_trigf<1>(x); }
DA_DEV float da_tan(float x) { return da_trigf<2>(x); }
DA_DEV double da_sin(double x) { return da_trig<0>(x); }
DA_DEV double da_cos(double x) { return da_trig<1>(x); }
DA_DEV double da_tan(double x) { return da_trig<2>(x); }

#endif  // DA_COMMON_CUH
