// Global memory loads and stores (read-only path, 16-byte vector access).
// Separate because the contract these loads rely on (how an output may alias an input) is
// stated here, next to them.
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_MEMORY_CUH
#define DA_COMMON_MEMORY_CUH

// ------------------------------------------------------------------------------------------
// Global memory access. Inputs go through the read-only path (ld.global.nc); with a 16-byte
// aligned address da_ldg128 is one LDG.E.128.CONSTANT. An output may be the very same buffer as
// an input (in place, element i read before element i is written by the same thread), but must
// not partially overlap any input.
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

#endif  // DA_COMMON_MEMORY_CUH
