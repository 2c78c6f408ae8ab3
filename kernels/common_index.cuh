// Index helpers: magic-number division and the per-operand offsets of a strided layout
// (Layout32/Layout64). Separate because its range limits (n < 2^31 / 2^63) are what the host's
// choice between the 32- and 64-bit layouts (src/cuda/launch.rs) relies on.
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_INDEX_CUH
#define DA_COMMON_INDEX_CUH

// ------------------------------------------------------------------------------------------
// Index helpers: division by a runtime divisor through a per-block magic number
// (q = (umulhi(n, m) + n) >> s, valid for n < 2^31 (32-bit) / n < 2^63 (64-bit)).
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

#endif  // DA_COMMON_INDEX_CUH
