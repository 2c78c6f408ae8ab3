// Complex numbers: devarray's own complex64/complex128 storage structs, their dtype traits and
// the complex arithmetic and elementary functions of the unary, binary, reduce and scan
// families. Separate because it is one topic (C99 Annex G special cases) and so that no
// toolkit header (cuComplex.h) is needed at run time.
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_COMPLEX_CUH
#define DA_COMMON_COMPLEX_CUH

// ------------------------------------------------------------------------------------------
// Storage: the layout of num_complex::Complex32/64 and NumPy's complex64/complex128 (real part
// first). The structs are aligned to their size so that a register copy is one 8- or 16-byte
// value; memory is accessed through da_ld/da_st (two 8-byte accesses for complex128, whose
// storage is only guaranteed 8-byte alignment), never by dereferencing a pointer to them.
// ------------------------------------------------------------------------------------------
struct alignas(8) dcomplex64 { float re, im; };
struct alignas(16) dcomplex128 { double re, im; };

template <> struct da_tr<dcomplex64> {
    typedef dcomplex64 C; typedef da_u64 U; typedef float R;
    static constexpr int kind = DA_K_COMPLEX;
    static DA_DEV dcomplex64 from_bits(da_u64 b) {
        dcomplex64 r; r.re = da_u2f((unsigned int)b); r.im = da_u2f((unsigned int)(b >> 32)); return r;
    }
    static DA_DEV da_u64 to_bits(dcomplex64 v) { return (da_u64)da_f2u(v.re) | ((da_u64)da_f2u(v.im) << 32); }
    static DA_DEV C to_c(dcomplex64 v) { return v; }
    static DA_DEV dcomplex64 from_c(C v) { return v; }
};
template <> struct da_tr<dcomplex128> {
    typedef dcomplex128 C; typedef da_u64 U; typedef double R;
    static constexpr int kind = DA_K_COMPLEX;
    static DA_DEV dcomplex128 from_u128(da_u128 r) {
        dcomplex128 z;
        z.re = da_u2d((da_u64)r.x | ((da_u64)r.y << 32));
        z.im = da_u2d((da_u64)r.z | ((da_u64)r.w << 32));
        return z;
    }
    static DA_DEV da_u128 to_u128(dcomplex128 v) {
        const da_u64 a = da_d2u(v.re), b = da_d2u(v.im);
        da_u128 r = {(unsigned int)a, (unsigned int)(a >> 32), (unsigned int)b, (unsigned int)(b >> 32)};
        return r;
    }
    static DA_DEV C to_c(dcomplex128 v) { return v; }
    static DA_DEV dcomplex128 from_c(C v) { return v; }
};

// The complex type of a component type, and back.
template <class R> struct da_cplx;
template <> struct da_cplx<float> { typedef dcomplex64 type; };
template <> struct da_cplx<double> { typedef dcomplex128 type; };

template <class Z> DA_DEV Z da_z(typename da_tr<Z>::R re, typename da_tr<Z>::R im) {
    Z z; z.re = re; z.im = im; return z;
}

#endif  // DA_COMMON_COMPLEX_CUH
