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


// ------------------------------------------------------------------------------------------
// Arithmetic in the component type (NumPy's formulas: its vectorised multiply, whose fused
// multiply-add the CPU backend computes too, and Smith's division).
// ------------------------------------------------------------------------------------------
template <class Z> DA_DEV Z dz_add(Z a, Z b) { return da_z<Z>(a.re + b.re, a.im + b.im); }
template <class Z> DA_DEV Z dz_sub(Z a, Z b) { return da_z<Z>(a.re - b.re, a.im - b.im); }
DA_DEV float dz_fma(float a, float b, float c) { return fmaf(a, b, c); }
DA_DEV double dz_fma(double a, double b, double c) { return fma(a, b, c); }
// multiply, square and the reductions: re = fma(ar, br, -ai*bi), im = fma(ar, bi, ai*br), one
// rounding fewer than the textbook formula (NumPy's result: (x+yj)**2 keeps the tiny real part
// of x*x - y*y, and 1 * (inf+0j) is inf+nanj as there).
template <class Z> DA_DEV Z dz_mul(Z a, Z b) {
    return da_z<Z>(dz_fma(a.re, b.re, -(a.im * b.im)), dz_fma(a.re, b.im, a.im * b.re));
}
// The textbook product, which NumPy's integer powers multiply with.
template <class Z> DA_DEV Z dz_mul_plain(Z a, Z b) {
    return da_z<Z>(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}
// Smith's algorithm (as NumPy): scales by the larger part of b, so |b| near the overflow or
// underflow threshold stays accurate; b == 0 gives inf/NaN parts as a real division does.
template <class Z> DA_DEV Z dz_div(Z a, Z b) {
    typedef typename da_tr<Z>::R R;
    const R abr = da_fabs(b.re), abi = da_fabs(b.im);
    if (abr >= abi) {
        if (abr == (R)0 && abi == (R)0) return da_z<Z>(a.re / abr, a.im / abr);
        const R rat = b.im / b.re, scl = (R)1 / (b.re + b.im * rat);
        return da_z<Z>((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl);
    }
    const R rat = b.re / b.im, scl = (R)1 / (b.im + b.re * rat);
    return da_z<Z>((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl);
}
template <class Z> DA_DEV bool dz_eq(Z a, Z b) { return a.re == b.re && a.im == b.im; }
template <class Z> DA_DEV bool dz_isfinite(Z a) {
    return !da_isnan(a.re) && !da_isinf(a.re) && !da_isnan(a.im) && !da_isinf(a.im);
}

// ------------------------------------------------------------------------------------------
// Elementary functions (C99 Annex G / Array API special cases), in double: complex64 widens
// to complex128 and rounds once at the end, which also keeps its intermediate results from
// overflowing. complex128 scales where an intermediate could overflow.
// ------------------------------------------------------------------------------------------
typedef dcomplex128 dzd;
DA_DEV dzd dz_mk(double re, double im) { dzd z; z.re = re; z.im = im; return z; }
DA_DEV double dz_inf() { return da_u2d(0x7ff0000000000000ull); }
DA_DEV double dz_nan() { return da_u2d(0x7ff8000000000000ull); }
DA_DEV bool dz_fin(double x) { return !da_isnan(x) && !da_isinf(x); }
#define DZ_PI 3.141592653589793238462643383279502884
#define DZ_LN2 0.693147180559945309417232121458176568

DA_DEV double dz_abs(dzd z) { return da_hypot(z.re, z.im); }

DA_DEV dzd dz_sqrt(dzd z) {
    const double x = z.re, y = z.im;
    if (x == 0.0 && y == 0.0) return dz_mk(0.0, y);
    if (da_isinf(y)) return dz_mk(dz_inf(), y);
    if (da_isnan(x)) return dz_mk(x, x);
    if (da_isinf(x)) {
        if (x > 0.0) return dz_mk(x, da_isnan(y) ? y : da_copysign(0.0, y));
        return dz_mk(da_isnan(y) ? y : 0.0, da_copysign(dz_inf(), y));
    }
    if (da_isnan(y)) return dz_mk(y, y);
    double ax = da_fabs(x), ay = da_fabs(y), scale = 1.0;
    if (ax > 0x1p1020 || ay > 0x1p1020) {
        ax *= 0.25; ay *= 0.25; scale = 2.0;
    } else if (ax < 0x1p-1000 && ay < 0x1p-1000) {
        ax *= 0x1p108; ay *= 0x1p108; scale = 0x1p-54;
    }
    const double t = da_sqrt(0.5 * (ax + da_hypot(ax, ay)));
    const double u = ay / (2.0 * t);
    if (x >= 0.0) return dz_mk(t * scale, da_copysign(u * scale, y));
    return dz_mk(u * scale, da_copysign(t * scale, y));
}

DA_DEV dzd dz_exp(dzd z) {
    const double x = z.re, y = z.im;
    if (da_isinf(x)) {
        if (x > 0.0) {
            if (y == 0.0) return dz_mk(x, y);
            if (!dz_fin(y)) return dz_mk(x, y - y);
            return dz_mk(x * da_cos(y), x * da_sin(y));
        }
        if (!dz_fin(y)) return dz_mk(0.0, 0.0);
        return dz_mk(0.0 * da_cos(y), 0.0 * da_sin(y));
    }
    if (da_isnan(x)) return y == 0.0 ? dz_mk(x, y) : dz_mk(x, x);
    if (!dz_fin(y)) return dz_mk(y - y, y - y);
    if (y == 0.0) return dz_mk(da_exp(x), y);
    const double c = da_cos(y), s = da_sin(y);
    if (x > 709.0) {  // exp(x) overflows but exp(x) * cos(y) may not
        const double e = da_exp(0.5 * x);
        return dz_mk(c * e * e, s * e * e);
    }
    const double e = da_exp(x);
    return dz_mk(e * c, e * s);
}

// log|z|, accurate near |z| == 1 (log1p) and without overflow in |z|.
DA_DEV double dz_logabs(double x, double y) {
    double hi = da_fabs(x), lo = da_fabs(y);
    if (hi < lo) { const double t = hi; hi = lo; lo = t; }
    if (dz_fin(hi) && dz_fin(lo)) {
        if (hi > 0.5 && hi < 2.0 && lo < 1.0) return 0.5 * da_log1p((hi - 1.0) * (hi + 1.0) + lo * lo);
        if (hi > 0x1p1000) return da_log(da_hypot(hi * 0.25, lo * 0.25)) + 2.0 * DZ_LN2;
    }
    return da_log(da_hypot(x, y));
}
DA_DEV dzd dz_log(dzd z) { return dz_mk(dz_logabs(z.re, z.im), da_atan2(z.im, z.re)); }
DA_DEV dzd dz_log1p(dzd z) {
    const double x = z.re, y = z.im;
    if (da_fabs(x) < 0.5 && da_fabs(y) < 0.5)
        return dz_mk(0.5 * da_log1p(x * (2.0 + x) + y * y), da_atan2(y, 1.0 + x));
    return dz_log(dz_mk(x + 1.0, y));
}
DA_DEV dzd dz_expm1(dzd z) {
    const double x = z.re, y = z.im;
    if (!dz_fin(x) || !dz_fin(y) || x > 700.0) {
        const dzd w = dz_exp(z);
        return dz_mk(w.re - 1.0, w.im);
    }
    if (y == 0.0) return dz_mk(da_expm1(x) + 0.0, y);  // + 0.0: expm1(-0 + 0j) is +0 + 0j (Annex G)
    const double h = da_sin(0.5 * y);
    return dz_mk(da_expm1(x) * da_cos(y) - 2.0 * h * h, da_exp(x) * da_sin(y));
}

// sinh(x) cos(y) and cosh(x) sin(y) style products without overflowing exp(|x|) too early.
DA_DEV void dz_sinhcosh(double x, double& sh, double& ch, double& scale) {
    scale = 1.0;
    if (da_fabs(x) > 709.0) {
        const double e = da_exp(0.5 * da_fabs(x));
        sh = da_copysign(0.5 * e, x); ch = 0.5 * e; scale = e;
    } else {
        sh = da_sinh(x); ch = da_cosh(x);
    }
}
DA_DEV dzd dz_sinh(dzd z) {
    const double x = z.re, y = z.im;
    if (dz_fin(x) && dz_fin(y)) {
        if (y == 0.0) return dz_mk(da_sinh(x), y);
        if (x == 0.0) return dz_mk(x, da_sin(y));
        double sh, ch, sc;
        dz_sinhcosh(x, sh, ch, sc);
        return dz_mk(sh * da_cos(y) * sc, ch * da_sin(y) * sc);
    }
    if (x == 0.0) return dz_mk(x, y - y);
    if (da_isinf(x)) {
        if (y == 0.0) return dz_mk(x, y);
        if (dz_fin(y)) return dz_mk(x * da_cos(y), dz_inf() * da_sin(y));
        return dz_mk(dz_inf(), y - y);  // sign unspecified (C99); +inf as glibc, NumPy's libm
    }
    if (da_isnan(x)) return y == 0.0 ? dz_mk(x, y) : dz_mk(x, x);
    return dz_mk(y - y, y - y);
}
DA_DEV dzd dz_cosh(dzd z) {
    const double x = z.re, y = z.im;
    if (dz_fin(x) && dz_fin(y)) {
        if (y == 0.0) return dz_mk(da_cosh(x), x * y);
        if (x == 0.0) return dz_mk(da_cos(y), x * y);
        double sh, ch, sc;
        dz_sinhcosh(x, sh, ch, sc);
        return dz_mk(ch * da_cos(y) * sc, sh * da_sin(y) * sc);
    }
    if (x == 0.0) return dz_mk(y - y, 0.0);
    if (da_isinf(x)) {
        if (y == 0.0) return dz_mk(dz_inf(), y * da_copysign(1.0, x));
        if (dz_fin(y)) return dz_mk(dz_inf() * da_cos(y), x * da_sin(y));
        return dz_mk(dz_inf(), y - y);
    }
    if (da_isnan(x)) return y == 0.0 ? dz_mk(x, y) : dz_mk(x, x);
    return dz_mk(y - y, y - y);
}
// C99's ctanh (glibc's signs): the zero of tanh(+-inf + iy) takes the sign of sin(2y). tan is
// built on it, so that tan keeps glibc's ctan signs (what NumPy returns).
DA_DEV dzd dz_tanh_c99(dzd z) {
    const double x = z.re, y = z.im;
    if (da_isinf(x)) {
        return dz_mk(da_copysign(1.0, x), da_copysign(0.0, dz_fin(y) ? da_sin(2.0 * y) : y));
    }
    if (da_isnan(x)) return y == 0.0 ? dz_mk(x, y) : dz_mk(x, x);
    if (!dz_fin(y)) return x == 0.0 ? dz_mk(x, y - y) : dz_mk(y - y, y - y);
    if (y == 0.0) return dz_mk(da_tanh(x), y);
    if (da_fabs(x) > 22.0) {  // tanh(x) rounds to +-1; the imaginary part decays as exp(-2|x|)
        const double e = da_exp(-2.0 * da_fabs(x));
        return dz_mk(da_copysign(1.0, x), 4.0 * da_sin(y) * da_cos(y) * e);
    }
    // Kahan's formula (as in FreeBSD's ctanh).
    const double t = da_tan(y), beta = 1.0 + t * t, s = da_sinh(x), rho = da_sqrt(1.0 + s * s);
    const double denom = 1.0 + beta * s * s;
    return dz_mk(beta * rho * s / denom, t / denom);
}
// The Array API's tanh: +-1 + copysign(0, y)j for tanh(+-inf + iy) with finite y (the standard
// fixes the sign of the zero, odd and conjugate symmetric), C99 otherwise; as the CPU backend.
DA_DEV dzd dz_tanh(dzd z) {
    if (da_isinf(z.re) && dz_fin(z.im)) return dz_mk(da_copysign(1.0, z.re), da_copysign(0.0, z.im));
    return dz_tanh_c99(z);
}
// f(z) = -i g(iz) for the circular functions.
// -x by flipping the sign bit. PTX's neg leaves the sign of a NaN result unspecified (an H200
// returned +NaN for -(+NaN), 2026-12-04), and the special values of asin/acos/acosh carry a
// NaN's sign into the sign of an infinite part, as NumPy's do on the CPU.
DA_DEV double dz_neg(double x) { return da_u2d(da_d2u(x) ^ 0x8000000000000000ull); }
DA_DEV dzd dz_rot(dzd z) { return dz_mk(dz_neg(z.im), z.re); }    // i z
DA_DEV dzd dz_unrot(dzd w) { return dz_mk(w.im, dz_neg(w.re)); }  // -i w
DA_DEV dzd dz_sin(dzd z) {
    // NaN + i(+-inf) for a non-finite real part and an infinite imaginary one: the sign of the
    // infinity is unspecified (C99); +inf as glibc's csin, which NumPy calls
    if (!dz_fin(z.re) && da_isinf(z.im)) return dz_mk(z.re - z.re, dz_inf());
    return dz_unrot(dz_sinh(dz_rot(z)));
}
DA_DEV dzd dz_cos(dzd z) { return dz_cosh(dz_rot(z)); }
DA_DEV dzd dz_tan(dzd z) { return dz_unrot(dz_tanh_c99(dz_rot(z))); }

// asin and acos of a finite z by Kahan's formulas ("Branch cuts for complex elementary
// functions", 1987): with s1 = sqrt(1 - z) and s2 = sqrt(1 + z), no cancellation near the
// branch points +-1 and signed zeros on the cuts come out right.
DA_DEV bool dz_tiny(dzd z) { return da_fabs(z.re) < 0x1p-28 && da_fabs(z.im) < 0x1p-28; }
DA_DEV dzd dz_asin_fin(dzd z) {
    if (dz_tiny(z)) return z;  // asin z = z + O(z^3); the products below would lose subnormal bits
    const dzd s1 = dz_sqrt(dz_mk(1.0 - z.re, -z.im)), s2 = dz_sqrt(dz_mk(1.0 + z.re, z.im));
    return dz_mk(da_atan2(z.re, s1.re * s2.re - s1.im * s2.im), da_asinh(s1.re * s2.im - s1.im * s2.re));
}
DA_DEV dzd dz_acos_fin(dzd z) {
    if (dz_tiny(z)) return dz_mk(0.5 * DZ_PI - z.re, -z.im);
    const dzd s1 = dz_sqrt(dz_mk(1.0 - z.re, -z.im)), s2 = dz_sqrt(dz_mk(1.0 + z.re, z.im));
    return dz_mk(2.0 * da_atan2(s1.re, s2.re), da_asinh(s2.re * s1.im - s2.im * s1.re));
}

// asinh: special values on the first quadrant, then odd and conjugate symmetry; finite values
// (not huge) as i asin(-i z).
DA_DEV dzd dz_asinh(dzd z) {
    const double ax = da_fabs(z.re), ay = da_fabs(z.im);
    double re, im;
    if (da_isnan(ax)) {
        re = da_isinf(ay) ? dz_inf() : ax;
        im = ay == 0.0 ? 0.0 : ax;
    } else if (da_isinf(ax)) {
        re = ax;
        im = da_isnan(ay) ? ay : (da_isinf(ay) ? 0.25 * DZ_PI : 0.0);
    } else if (da_isnan(ay)) {
        re = ay; im = ay;
    } else if (da_isinf(ay)) {
        re = ay; im = 0.5 * DZ_PI;
    } else if (ax > 0x1p500 || ay > 0x1p500) {
        const dzd w = dz_log(dz_mk(ax, ay));
        re = w.re + DZ_LN2; im = w.im;
    } else {
        const dzd w = dz_asin_fin(dz_mk(ay, -ax));
        re = -w.im; im = w.re;
    }
    return dz_mk(da_copysign(re, z.re), da_copysign(im, z.im));
}
DA_DEV dzd dz_asin(dzd z) {
    if (dz_fin(z.re) && dz_fin(z.im) && da_fabs(z.re) <= 0x1p500 && da_fabs(z.im) <= 0x1p500) return dz_asin_fin(z);
    return dz_unrot(dz_asinh(dz_rot(z)));
}
DA_DEV dzd dz_acos(dzd z) {
    if (dz_fin(z.re) && dz_fin(z.im) && da_fabs(z.re) <= 0x1p500 && da_fabs(z.im) <= 0x1p500) return dz_acos_fin(z);
    const dzd w = dz_unrot(dz_asinh(dz_rot(z)));
    return dz_mk(0.5 * DZ_PI - w.re, dz_neg(w.im));
}
DA_DEV dzd dz_acosh(dzd z) {
    const dzd w = dz_acos(z);
    // acosh(z) = +-i acos(z), the sign that makes the real part non-negative
    if (da_copysign(1.0, w.im) < 0.0) return dz_mk(dz_neg(w.im), w.re);
    return dz_mk(w.im, dz_neg(w.re));
}
DA_DEV dzd dz_atanh(dzd z) {
    const double x = z.re, y = z.im;
    if (da_isinf(y)) return dz_mk(da_copysign(0.0, x), da_copysign(0.5 * DZ_PI, y));
    if (da_isinf(x)) return dz_mk(da_copysign(0.0, x), da_isnan(y) ? y : da_copysign(0.5 * DZ_PI, y));
    if (da_isnan(x)) return dz_mk(x, x);
    if (da_isnan(y)) return x == 0.0 ? dz_mk(x, y) : dz_mk(y, y);
    const double ax = da_fabs(x), ay = da_fabs(y);
    if (ax > 0x1p500 || ay > 0x1p500) {
        const double h = da_hypot(x, y);
        return dz_mk((x / h) / h, da_copysign(0.5 * DZ_PI, y));
    }
    // re = log(|1 + z| / |1 - z|) / 2: log1p of a small ratio, else the logs of the moduli
    // (hypot: no underflow near the branch points +-1)
    const double q = 4.0 * x / ((1.0 - x) * (1.0 - x) + y * y);
    const double re = da_fabs(q) < 0.5 ? 0.25 * da_log1p(q)
                                         : 0.5 * (da_log(da_hypot(1.0 + x, y)) - da_log(da_hypot(1.0 - x, y)));
    const double im = 0.5 * da_atan2(2.0 * y, (1.0 - x) * (1.0 + x) - y * y);
    return dz_mk(re, im);
}
DA_DEV dzd dz_atan(dzd z) { return dz_unrot(dz_atanh(dz_rot(z))); }

// NumPy's sign, step for step: |z| in the component type (hypotf's value for complex64);
// a NaN |z| gives NaN parts; an infinite |z| gives +-1 on an infinite real part (NaN when both
// parts are infinite), else +-1j (so a finite z whose |z| overflows is +-1j, as in NumPy).
template <class Z> DA_DEV Z dz_sign(Z z) {
    typedef typename da_tr<Z>::R R;
    const R x = z.re, y = z.im;
    const R h = (R)da_hypot((double)x, (double)y);
    const R nan = (R)dz_nan();
    if (da_isnan(h)) return da_z<Z>(nan, nan);
    if (da_isinf(h)) {
        if (da_isinf(x)) return da_isinf(y) ? da_z<Z>(nan, nan) : da_z<Z>(da_copysign((R)1, x), (R)0);
        return da_z<Z>((R)0, da_copysign((R)1, y));
    }
    if (h == (R)0) return da_z<Z>((R)0, (R)0);
    return da_z<Z>(x / h, y / h);
}

// pow: NumPy's special cases (b == 0 -> 1; a == 0 -> 0 when re(b) > 0, else NaN; an integer
// b with |b| < 100 by repeated squaring with the textbook product), else exp(b log a).
template <class Z> DA_DEV Z dz_pow(Z a, Z b) {
    typedef typename da_tr<Z>::R R;
    const Z one = da_z<Z>((R)1, (R)0);
    if (b.re == (R)0 && b.im == (R)0) return one;
    if (a.re == (R)0 && a.im == (R)0) {
        if (b.re > (R)0) return da_z<Z>((R)0, (R)0);
        return da_z<Z>((R)dz_nan(), (R)dz_nan());
    }
    if (b.im == (R)0 && b.re == da_trunc(b.re) && da_fabs(b.re) < (R)100) {
        const int n = (int)b.re;
        unsigned int m = (unsigned int)(n < 0 ? -n : n);
        Z acc = one, p = a;
        bool first = true;
        while (m > 0) {
            if (m & 1u) { acc = first ? p : dz_mul_plain<Z>(acc, p); first = false; }
            m >>= 1;
            if (m > 0) p = dz_mul_plain<Z>(p, p);
        }
        return n < 0 ? dz_div<Z>(one, acc) : acc;
    }
    const dzd la = dz_log(dz_mk((double)a.re, (double)a.im));
    const dzd bd = dz_mk((double)b.re, (double)b.im);
    const dzd w = dz_exp(dz_mk(bd.re * la.re - bd.im * la.im, bd.re * la.im + bd.im * la.re));
    return da_z<Z>((R)w.re, (R)w.im);
}

// complex64 <-> complex128 (widening is exact; narrowing rounds each part once).
template <class Z> DA_DEV dzd dz_wide(Z z) { return dz_mk((double)z.re, (double)z.im); }
template <class Z> DA_DEV Z dz_narrow(dzd w) {
    return da_z<Z>((typename da_tr<Z>::R)w.re, (typename da_tr<Z>::R)w.im);
}

#endif  // DA_COMMON_COMPLEX_CUH
