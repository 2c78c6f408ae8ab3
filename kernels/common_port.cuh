// Portability layer: the DA_* macros (a shim may predefine some), the ABI structs, tiny type
// utilities and the intrinsic wrappers with portable host branches. Separate because every later
// part is written against these names, and the ABI structs must keep the host's layout
// (src/cuda/launch.rs, kernels/ABI.md).
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_PORT_CUH
#define DA_COMMON_PORT_CUH

// ------------------------------------------------------------------------------------------
// Portability macros
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
// ABI structs (see kernels/ABI.md)
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
// Tiny type utilities (no <type_traits>)
// ------------------------------------------------------------------------------------------
template <bool C, class A, class B> struct da_cond { typedef A type; };
template <class A, class B> struct da_cond<false, A, B> { typedef B type; };
template <class A, class B> struct da_same { static constexpr bool value = false; };
template <class A> struct da_same<A, A> { static constexpr bool value = true; };
constexpr int da_cmax(int a, int b) { return a > b ? a : b; }

// ------------------------------------------------------------------------------------------
// Intrinsic wrappers (device builtins / portable host code)
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

#endif  // DA_COMMON_PORT_CUH
