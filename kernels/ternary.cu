// devarray ternary elementwise kernels (EwArgs ABI, paths _vec/_s32/_s64):
//   where_{T}: out = in0 ? in1 : in2   (in0 bool, in1/in2 and out of T)
//   clip_{T}:  out = minimum(maximum(in0, in1), in2)   (in1 = lo, in2 = hi, usually scalars);
//              NaN in any operand propagates, like NumPy's minimum(maximum(x, lo), hi).
// c64/c128 modules hold where only (complex numbers have no order to clip by).
// da-dtypes: bool u8 u16 u32 u64 i8 i16 i32 i64 f16 bf16 f32 f64 c64 c128
#include "common.cuh"

template <class T> struct op_where {
    typedef T O; typedef bool A; typedef T B; typedef T C;
    static constexpr int NIN = 3;
    static DA_DEV T apply(bool c, T x, T y) { return c ? x : y; }
};

template <class T> struct op_clip {
    typedef T O; typedef T A; typedef T B; typedef T C;
    static constexpr int NIN = 3;
    static DA_DEV T max_(T a, T b) {
        if constexpr (da_tr<T>::kind == DA_K_BOOL) return a || b;
        else if constexpr (da_tr<T>::kind == DA_K_FLOAT) {
            const typename da_tr<T>::C x = da_tr<T>::to_c(a), y = da_tr<T>::to_c(b);
            return (x > y || x != x) ? a : b;
        } else return a > b ? a : b;
    }
    static DA_DEV T min_(T a, T b) {
        if constexpr (da_tr<T>::kind == DA_K_BOOL) return a && b;
        else if constexpr (da_tr<T>::kind == DA_K_FLOAT) {
            const typename da_tr<T>::C x = da_tr<T>::to_c(a), y = da_tr<T>::to_c(b);
            return (x < y || x != x) ? a : b;
        } else return a < b ? a : b;
    }
    static DA_DEV T apply(T x, T lo, T hi) { return min_(max_(x, lo), hi); }
};

DA_EW_DEFINE(DA_OPNAME(where), op_where<DA_T>)
#if !DA_IS_COMPLEX
DA_EW_DEFINE(DA_OPNAME(clip), op_clip<DA_T>)
#endif
