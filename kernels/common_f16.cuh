// The 16-bit float storage types (da_f16, da_bf16) and their conversions.
// Separate because the portable branch is also the emulator's and the host tests' reference
// conversion (kernels/emu/runtime.cpp, src/cuda/emu/ffi.rs): a change here changes those too.
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_F16_CUH
#define DA_COMMON_F16_CUH

// ------------------------------------------------------------------------------------------
// 16-bit float storage types and conversions (round to nearest even, NaN stays NaN)
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
#ifdef DA_EMULATOR
    // As the GPU's cvt.f32.f16: a NaN becomes the canonical +NaN, losing its sign and payload
    // (seen on an H200, 2026-12-04), so code that reads a converted NaN's sign fails here too.
    if (ex == 0x1f && man != 0) return da_u2f(0x7fffffffu);
#endif
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

#endif  // DA_COMMON_F16_CUH
