// devarray gather/scatter kernels (EwArgs + Layout32/Layout64 ABI, paths _s32/_s64), by element
// size only (the host picks the tag of the element size, as for copy; c128 for 16 bytes):
//   gather_{T}:  out[o0] = in0[o1 + in1[o2]]   (in0: source, in1: int64 element offsets)
//   scatter_{T}: out[o0 + in1[o2]] = in0[o1]   (out: destination, in0: values, in1: offsets)
// where o0, o1, o2 are the element offsets of linear index i from layout stride rows 0, 1, 2.
// The offsets table holds, per selected position, the source (or destination) element offset of
// the indexed axes; stride row 1 (gather) or 0 (scatter) walks the axes that are not indexed.
// The host computes the table from bounds-checked indices, so every access lies in the buffer.
// Scatter with repeated offsets writes one of the values (unspecified which, as on any GPU).
// da-dtypes: u8 u16 u32 u64 c128
#include "common.cuh"

#if defined(DA_DTYPE_U8) || defined(DA_DTYPE_U16) || defined(DA_DTYPE_U32) || defined(DA_DTYPE_U64) || defined(DA_DTYPE_C128)
// Operand sizes for the emulator's registry (out, in0, in1).
template <class T> struct da_gather_info {
    typedef T O; typedef T A; typedef long long B; typedef T C;
    static constexpr int NIN = 2;
};

// SCATTER false: out[o0] = src[o1 + tbl[o2]]; true: out[o0 + tbl[o2]] = src[o1].
template <class T, class L, bool SCATTER>
DA_DEV void da_gather(const EwArgs& args, const L& lay) {
    typedef typename da_lay<L>::I I;
    typedef typename da_lay<L>::S S;
    DA_SHARED da_divs<L> dv;
    da_divs_init<L>(dv, lay);
    const char* __restrict__ src = (const char*)args.in[0];
    const char* __restrict__ tbl = (const char*)args.in[1];
    char* __restrict__ dst = (char*)args.out;
    const da_u64 n = lay.n;
    const da_u64 bd = da_bdim();
    const da_u64 step = (da_u64)da_gdim() * bd;
    for (da_u64 i = (da_u64)da_bid() * bd + da_tid(); i < n; i += step) {
        S off[4];
        da_offsets<3, L>(lay, dv, (I)i, off);
        const long long t = da_ld<long long>(tbl + (long long)off[2] * 8ll);
        if constexpr (SCATTER) {
            const T v = da_ld<T>(src + (long long)off[1] * (long long)sizeof(T));
            da_st<T>(dst + ((long long)off[0] + t) * (long long)sizeof(T), v);
        } else {
            const T v = da_ld<T>(src + ((long long)off[1] + t) * (long long)sizeof(T));
            da_st<T>(dst + (long long)off[0] * (long long)sizeof(T), v);
        }
    }
}

#define DA_GATHER_DEFINE(PREFIX, SCATTER) DA_WHEN_WANTED(PREFIX, DA_GATHER_DEFINE_ALL(PREFIX, SCATTER))
#define DA_GATHER_DEFINE_ALL(PREFIX, SCATTER)                                                     \
    DA_KERNEL(DA_EW_BLOCK) DA_CAT(PREFIX, _s32)(EwArgs a, Layout32 l) {                            \
        da_gather<DA_T, Layout32, SCATTER>(a, l);                                                  \
    }                                                                                              \
    DA_KERNEL(DA_EW_BLOCK) DA_CAT(PREFIX, _s64)(EwArgs a, Layout64 l) {                            \
        da_gather<DA_T, Layout64, SCATTER>(a, l);                                                  \
    }                                                                                              \
    DA_EMU_EW(DA_CAT(PREFIX, _s32), Layout32, 0u, da_gather_info<DA_T>)                            \
    DA_EMU_EW(DA_CAT(PREFIX, _s64), Layout64, 0u, da_gather_info<DA_T>)

DA_GATHER_DEFINE(DA_OPNAME(gather), false)
DA_GATHER_DEFINE(DA_OPNAME(scatter), true)
#endif
