// devarray dtype casts: cast_{SRC}_{DST}_{vec|s32|s64}, compiled per SRC dtype, all 15 DST.
// Semantics (NumPy's casting results):
//   int -> int: two's complement wrap; int -> float: round to nearest even (f16/bf16 via float);
//   float -> float: round to nearest even; f64 -> f16 rounds once (like NumPy), f64 -> bf16 via
//   f32 (like ml_dtypes); float -> int: truncation toward zero, saturating to the destination
//   range, NaN -> 0 (NumPy leaves out-of-range results undefined); anything -> bool: x != 0
//   (NaN -> true); bool -> anything: 0 / 1.
// Complex (src/dtype/convert.rs): real -> complex is re + 0j, re cast to the component type with
// the real cast's rounding; complex -> complex casts each part; complex -> real keeps the real
// part (cast from the component type); complex -> bool is either part non-zero.
// da-dtypes: bool u8 u16 u32 u64 i8 i16 i32 i64 f16 bf16 f32 f64 c64 c128
#include "common.cuh"

template <class S, class D> DA_DEV D da_cast(S x);

// Casts with a complex side, through the component type's real casts.
template <class S, class D> DA_DEV D da_cast_complex(S x) {
    constexpr int KS = da_tr<S>::kind, KD = da_tr<D>::kind;
    if constexpr (KS == DA_K_COMPLEX && KD == DA_K_COMPLEX) {
        typedef typename da_tr<S>::R SR;
        typedef typename da_tr<D>::R DR;
        return da_z<D>(da_cast<SR, DR>(x.re), da_cast<SR, DR>(x.im));
    } else if constexpr (KS == DA_K_COMPLEX) {
        if constexpr (KD == DA_K_BOOL) return da_truth<S>(x);
        else return da_cast<typename da_tr<S>::R, D>(x.re);
    } else {
        typedef typename da_tr<D>::R DR;
        return da_z<D>(da_cast<S, DR>(x), (DR)0);
    }
}

template <class S, class D> DA_DEV D da_cast(S x) {
    constexpr int KS = da_tr<S>::kind, KD = da_tr<D>::kind;
    if constexpr (da_same<S, D>::value) {
        return x;
    } else if constexpr (KS == DA_K_COMPLEX || KD == DA_K_COMPLEX) {
        return da_cast_complex<S, D>(x);
    } else if constexpr (KD == DA_K_BOOL) {
        return da_truth<S>(x);
    } else if constexpr (KS == DA_K_BOOL) {
        if constexpr (KD == DA_K_FLOAT) return da_tr<D>::from_c((typename da_tr<D>::C)(x ? 1 : 0));
        else return (D)(x ? 1 : 0);
    } else if constexpr (KS != DA_K_FLOAT && KD != DA_K_FLOAT) {
        return (D)x;
    } else if constexpr (KS != DA_K_FLOAT) {  // int -> float
        if constexpr (da_is16f<D>::value) return da_tr<D>::from_c((float)x);
        else return (D)x;
    } else if constexpr (KD == DA_K_FLOAT) {  // float -> float
        if constexpr (da_same<S, double>::value && da_same<D, da_f16>::value) {
            da_f16 r; r.bits = (unsigned short)da_d2h(x); return r;
        } else if constexpr (da_is16f<D>::value) {
            return da_tr<D>::from_c((float)da_tr<S>::to_c(x));
        } else {
            return (D)da_tr<S>::to_c(x);
        }
    } else {  // float -> int: truncate, saturate, NaN -> 0
        typedef typename da_tr<S>::C CT;
        const CT v = da_tr<S>::to_c(x);
        constexpr int BITS = 8 * (int)sizeof(D);
        if (v != v) return (D)0;
        if constexpr (KD == DA_K_SINT) {
            const CT lim = (CT)(1ull << (BITS - 1));  // exact power of two
            if (v >= lim) return da_tr<D>::highest();
            if (v <= -lim) return da_tr<D>::lowest();
            return (D)v;
        } else {
            const CT lim = (CT)(1ull << (BITS - 1)) * (CT)2;
            if (v >= lim) return da_tr<D>::highest();
            if (!(v > (CT)-1)) return (D)0;
            return (D)v;
        }
    }
}

template <class S, class D> struct op_cast {
    typedef D O; typedef S A; typedef S B; typedef S C;
    static constexpr int NIN = 1;
    static DA_DEV D apply(S x) { return da_cast<S, D>(x); }
};

#define DA_CAST_TO(DTAG, DTYPE) DA_EW_DEFINE(DA_CAT(DA_CAT(DA_OPNAME(cast), _), DTAG), op_cast<DA_T, DTYPE>)
DA_CAST_TO(bool, bool)
DA_CAST_TO(u8, unsigned char)
DA_CAST_TO(u16, unsigned short)
DA_CAST_TO(u32, unsigned int)
DA_CAST_TO(u64, unsigned long long)
DA_CAST_TO(i8, signed char)
DA_CAST_TO(i16, short)
DA_CAST_TO(i32, int)
DA_CAST_TO(i64, long long)
DA_CAST_TO(f16, da_f16)
DA_CAST_TO(bf16, da_bf16)
DA_CAST_TO(f32, float)
DA_CAST_TO(f64, double)
DA_CAST_TO(c64, dcomplex64)
DA_CAST_TO(c128, dcomplex128)
