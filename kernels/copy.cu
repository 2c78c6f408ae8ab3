// devarray copy/fill kernels (EwArgs ABI, paths _vec/_s32/_s64), by element size only:
//   copy_{T}: out = in0 (materialise any strided view, e.g. a transpose or a broadcast)
//   fill_{T}: out = scalar[0] (raw bits; in[] and scalar_mask are ignored)
// T in u8 u16 u32 u64 c128: the host picks the tag of the element size (bool/i8 -> u8, f16 -> u16,
// ..., c64 -> u64, c128 -> c128: 16-byte elements move as dcomplex128, bit for bit; a fill's
// 16-byte value is in scalar[0] (low half) and scalar[1] (high half)).
// da-dtypes: u8 u16 u32 u64 c128
#include "common.cuh"

#if defined(DA_DTYPE_U8) || defined(DA_DTYPE_U16) || defined(DA_DTYPE_U32) || defined(DA_DTYPE_U64) || defined(DA_DTYPE_C128)
template <class T> struct op_copy {
    typedef T O; typedef T A; typedef T B; typedef T C;
    static constexpr int NIN = 1;
    static DA_DEV T apply(T x) { return x; }
};
DA_EW_DEFINE(DA_OPNAME(copy), op_copy<DA_T>)
DA_EW_DEFINE_F(DA_OPNAME(fill), 1u, op_copy<DA_T>)
#endif
