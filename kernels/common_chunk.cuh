// 128-bit register chunks: element access within one packed 16-byte load or store.
// Separate because it is the vector path's data layout, shared by the elementwise engine and
// the families that move 16-byte chunks themselves.
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_CHUNK_CUH
#define DA_COMMON_CHUNK_CUH

// ------------------------------------------------------------------------------------------
// 128-bit register chunks: element k (compile-time after unrolling) of a packed 16-byte value
// ------------------------------------------------------------------------------------------
DA_DEV unsigned int da_word(const da_u128& r, int i) {
    return i == 0 ? r.x : (i == 1 ? r.y : (i == 2 ? r.z : r.w));
}
DA_DEV void da_word_or(da_u128& r, int i, unsigned int v) {
    if (i == 0) r.x |= v; else if (i == 1) r.y |= v; else if (i == 2) r.z |= v; else r.w |= v;
}
template <class T> DA_DEV T da_get(const da_u128& r, int k) {
    constexpr int S = sizeof(T);
    if constexpr (S == 16) {
        return da_tr<T>::from_u128(r);
    } else if constexpr (S == 8) {
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
    if constexpr (S == 16) {
        r = da_tr<T>::to_u128(v);
        return;
    }
    da_u64 b = 0;
    if constexpr (S != 16) b = da_tr<T>::to_bits(v);
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

#endif  // DA_COMMON_CHUNK_CUH
