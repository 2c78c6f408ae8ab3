// Float math: float/double overloads and register-only sin/cos/tan (FDLIBM-derived).
// Separate because it carries third-party code with its own notice, and only the unary and
// binary math ops need it.
// Part of common.cuh, which includes the parts in order; each part relies on the ones before
// it and includes nothing itself (NVRTC gets every part by name from src/cuda/module.rs).
#ifndef DA_COMMON_MATH_CUH
#define DA_COMMON_MATH_CUH

// ------------------------------------------------------------------------------------------
// Float math (float/double overloads; f16/bf16 compute in float). No --use_fast_math.
// ------------------------------------------------------------------------------------------
#define DA_MATH1(NAME, FF, FD)                                  \
    DA_DEV float NAME(float x) { return FF(x); }                \
    DA_DEV double NAME(double x) { return FD(x); }
#define DA_MATH2(NAME, FF, FD)                                  \
    DA_DEV float NAME(float x, float y) { return FF(x, y); }    \
    DA_DEV double NAME(double x, double y) { return FD(x, y); }
DA_MATH1(da_sqrt, sqrtf, sqrt)
DA_MATH1(da_exp, expf, exp)
DA_MATH1(da_expm1, expm1f, expm1)
DA_MATH1(da_log, logf, log)
DA_MATH1(da_log1p, log1pf, log1p)
DA_MATH1(da_log2, log2f, log2)
DA_MATH1(da_log10, log10f, log10)
DA_MATH1(da_asin, asinf, asin)
DA_MATH1(da_acos, acosf, acos)
DA_MATH1(da_atan, atanf, atan)
DA_MATH1(da_sinh, sinhf, sinh)
DA_MATH1(da_cosh, coshf, cosh)
DA_MATH1(da_tanh, tanhf, tanh)
DA_MATH1(da_asinh, asinhf, asinh)
DA_MATH1(da_acosh, acoshf, acosh)
DA_MATH1(da_atanh, atanhf, atanh)
DA_MATH1(da_floor, floorf, floor)
DA_MATH1(da_ceil, ceilf, ceil)
DA_MATH1(da_trunc, truncf, trunc)
DA_MATH1(da_rint, rintf, rint)
DA_MATH1(da_fabs, fabsf, fabs)
DA_MATH2(da_pow, powf, pow)
DA_MATH2(da_atan2, atan2f, atan2)
DA_MATH2(da_hypot, hypotf, hypot)
DA_MATH2(da_copysign, copysignf, copysign)
DA_MATH2(da_fmod, fmodf, fmod)
#undef DA_MATH1
#undef DA_MATH2
DA_DEV bool da_isnan(float x) { return x != x; }
DA_DEV bool da_isnan(double x) { return x != x; }
DA_DEV bool da_isinf(float x) { return (da_f2u(x) & 0x7fffffffu) == 0x7f800000u; }
DA_DEV bool da_isinf(double x) { return (da_d2u(x) & 0x7fffffffffffffffull) == 0x7ff0000000000000ull; }

// ------------------------------------------------------------------------------------------
// sin/cos/tan without local memory. The CUDA library versions keep a local array in their
// Payne-Hanek slow path (a stack frame in every kernel that uses them); these reduce with
// registers only: Cody-Waite for moderate arguments, a fixed 4-word window of 2/pi bits for
// large ones. Polynomials and reduction constants are FDLIBM's (as in FreeBSD msun / musl):
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at SunSoft, a
// Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice is preserved.
// float is evaluated in double (FreeBSD's k_sinf/k_cosf scheme).
// ------------------------------------------------------------------------------------------
DA_GLOBAL_CONST da_u64 da_two_over_pi[20] = {  // bits of 2/pi after the binary point
    0xa2f9836e4e441529ull, 0xfc2757d1f534ddc0ull, 0xdb6295993c439041ull, 0xfe5163abdebbc561ull,
    0xb7246e3a424dd2e0ull, 0x06492eea09d1921cull, 0xfe1deb1cb129a73eull, 0xe88235f52ebb4484ull,
    0xe99c7026b45f7e41ull, 0x3991d639835339f4ull, 0x9c845f8bbdf9283bull, 0x1ff897ffde05980full,
    0xef2f118b5a0a6d1full, 0x6d367ecf27cb09b7ull, 0x4f463f669e5fea2dull, 0x7527bac7ebe5f17bull,
    0x3d0739f78a5292eaull, 0x6bfb5fb11f8d5d08ull, 0x56033046fc7b6babull, 0xf0cfbc209af4361dull};

DA_DEV da_u64 da_sel6(da_u64 p0, da_u64 p1, da_u64 p2, da_u64 p3, da_u64 p4, int i) {
    return i == 0 ? p0 : (i == 1 ? p1 : (i == 2 ? p2 : (i == 3 ? p3 : (i == 4 ? p4 : 0ull))));
}
DA_DEV da_u64 da_shr128(da_u64 lo, da_u64 hi, int sh) {  // bits [sh, sh+64) of hi:lo, 0 <= sh < 64
    return sh == 0 ? lo : ((lo >> sh) | (hi << (64 - sh)));
}
// |x| = n*pi/2 + (y0 + y1) for finite ax >= 2^-33 (used for ax >= 2^19); returns n (any int).
DA_DEV int da_rem_pio2_large(double ax, double& y0, double& y1) {
    const da_u64 bits = da_d2u(ax);
    const int q = (int)(bits >> 52) - 1075;  // ax = M * 2^q
    const da_u64 M = (bits & 0xfffffffffffffull) | (1ull << 52);
    const int j0 = q >= 2 ? (q - 2) >> 6 : 0;
    const da_u64 w0 = da_two_over_pi[j0], w1 = da_two_over_pi[j0 + 1];
    const da_u64 w2 = da_two_over_pi[j0 + 2], w3 = da_two_over_pi[j0 + 3];
    // P = M * (w0:w1:w2:w3), 5 words, P0 least significant
    const da_u64 l0 = M * w0, h0 = da_umul64hi(M, w0), l1 = M * w1, h1 = da_umul64hi(M, w1);
    const da_u64 l2 = M * w2, h2 = da_umul64hi(M, w2), l3 = M * w3, h3 = da_umul64hi(M, w3);
    const da_u64 P0 = l3;
    da_u64 t = h3 + l2;
    da_u64 c = t < h3 ? 1ull : 0ull;
    const da_u64 P1 = t;
    t = h2 + l1; da_u64 c2 = t < h2 ? 1ull : 0ull; t += c; c2 += t < c ? 1ull : 0ull;
    const da_u64 P2 = t;
    t = h1 + l0; da_u64 c3 = t < h1 ? 1ull : 0ull; t += c2; c3 += t < c2 ? 1ull : 0ull;
    const da_u64 P3 = t;
    const da_u64 P4 = h0 + c3;
    // binary point of x*2/pi sits at bit 64*(j0+4) - q of P; take 128 fraction bits + 2 int bits
    const int s = 64 * (j0 + 4) - q - 128;  // 62 < s <= 188
    const int wi = s >> 6, sh = s & 63;
    const da_u64 A0 = da_sel6(P0, P1, P2, P3, P4, wi), A1 = da_sel6(P0, P1, P2, P3, P4, wi + 1);
    const da_u64 A2 = da_sel6(P0, P1, P2, P3, P4, wi + 2), A3 = da_sel6(P0, P1, P2, P3, P4, wi + 3);
    da_u64 F0 = da_shr128(A0, A1, sh), F1 = da_shr128(A1, A2, sh);
    int n = (int)(da_shr128(A2, A3, sh) & 3ull);
    const bool neg = (F1 >> 63) != 0ull;  // fraction >= 1/2: round up, negative remainder
    if (neg) {
        ++n;
        F0 = ~F0 + 1ull;
        F1 = ~F1 + (F0 == 0ull ? 1ull : 0ull);
    }
    int lz;
    da_u64 H, L;
    if (F1 != 0ull) {
        lz = da_clz64(F1);
        H = lz == 0 ? F1 : ((F1 << lz) | (F0 >> (64 - lz)));
        L = F0 << lz;
    } else {
        lz = 64 + da_clz64(F0 | 1ull);
        H = F0 << (lz - 64);
        L = 0ull;
    }
    const da_u64 Am = H >> 11, Bm = ((H & 0x7ffull) << 42) | (L >> 22);
    const double fhi = (double)Am * da_u2d((da_u64)(1023 - 53 - lz) << 52);
    const double flo = (double)Bm * da_u2d((da_u64)(1023 - 106 - lz) << 52);
    const double P1h = 0x1.921fb54442d18p+0, P1l = 0x1.1a62633145c07p-54;  // pi/2 double-double
    double r0 = fhi * P1h;
    double r1 = fma(fhi, P1h, -r0) + (fhi * P1l + flo * P1h);
    double s0 = r0 + r1;
    r1 = r1 - (s0 - r0);
    y0 = neg ? -s0 : s0;
    y1 = neg ? -r1 : r1;
    return n;
}
// x = n*pi/2 + (y0 + y1), |y0 + y1| <~ pi/4, for finite x (double).
DA_DEV int da_rem_pio2(double x, double& y0, double& y1) {
    const double ax = da_fabs(x);
    if (ax <= 0x1.921fb54442d18p-1) { y0 = x; y1 = 0.0; return 0; }
    if (ax < 0x1.921fb54442d18p+20) {  // medium: FDLIBM __ieee754_rem_pio2
        const double invpio2 = 0x1.45f306dc9c883p-1;
        const double pio2_1 = 0x1.921fb54400000p+0, pio2_1t = 0x1.0b4611a626331p-34;
        const double pio2_2 = 0x1.0b4611a600000p-34, pio2_2t = 0x1.3198a2e037073p-69;
        const double pio2_3 = 0x1.3198a2e000000p-69, pio2_3t = 0x1.b839a252049c1p-104;
        const double fn = da_rint(da_dmul(x, invpio2));
        const int n = (int)fn;
        double r = da_dsub(x, da_dmul(fn, pio2_1));
        double w = da_dmul(fn, pio2_1t);
        double yy = da_dsub(r, w);
        const int ex = (int)(da_d2u(x) >> 52) & 0x7ff;
        int ey = (int)(da_d2u(yy) >> 52) & 0x7ff;
        if (ex - ey > 16) {
            double t = r;
            w = da_dmul(fn, pio2_2);
            r = da_dsub(t, w);
            w = da_dsub(da_dmul(fn, pio2_2t), da_dsub(da_dsub(t, r), w));
            yy = da_dsub(r, w);
            ey = (int)(da_d2u(yy) >> 52) & 0x7ff;
            if (ex - ey > 49) {
                t = r;
                w = da_dmul(fn, pio2_3);
                r = da_dsub(t, w);
                w = da_dsub(da_dmul(fn, pio2_3t), da_dsub(da_dsub(t, r), w));
                yy = da_dsub(r, w);
            }
        }
        y0 = yy;
        y1 = da_dsub(da_dsub(r, yy), w);
        return n;
    }
    const int n = da_rem_pio2_large(ax, y0, y1);
    if (x < 0.0) { y0 = -y0; y1 = -y1; return -n; }
    return n;
}
DA_DEV double da_ksin(double x, double y) {  // sin(x + y), |x + y| <= pi/4
    const double S1 = -0x1.5555555555549p-3, S2 = 0x1.111111110f8a6p-7, S3 = -0x1.a01a019c161d5p-13;
    const double S4 = 0x1.71de357b1fe7dp-19, S5 = -0x1.ae5e68a2b9cebp-26, S6 = 0x1.5d93a5acfd57cp-33;
    const double z = x * x, w = z * z;
    const double r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    const double v = z * x;
    return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}
DA_DEV double da_kcos(double x, double y) {  // cos(x + y), |x + y| <= pi/4
    const double C1 = 0x1.555555555554cp-5, C2 = -0x1.6c16c16c15177p-10, C3 = 0x1.a01a019cb1590p-16;
    const double C4 = -0x1.27e4f809c52adp-22, C5 = 0x1.1ee9ebdb4b1c4p-29, C6 = -0x1.8fae9be8838d4p-37;
    const double z = x * x, w = z * z;
    const double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    const double hz = 0.5 * z;
    const double ww = 1.0 - hz;
    return ww + (((1.0 - ww) - hz) + (z * r - x * y));
}
// which: 0 sin, 1 cos, 2 tan
template <int WHICH> DA_DEV double da_trig(double x) {
    const double ax = da_fabs(x);
    if (!(ax <= 0x1.fffffffffffffp+1023)) return x - x;  // inf/NaN -> NaN
    if (ax < 0x1p-27) return WHICH == 1 ? 1.0 : x;
    double y0, y1;
    const int n = da_rem_pio2(x, y0, y1);
    if constexpr (WHICH == 0) {
        const int m = n & 3;
        const double v = (m & 1) ? da_kcos(y0, y1) : da_ksin(y0, y1);
        return (m & 2) ? -v : v;
    } else if constexpr (WHICH == 1) {
        const int m = n & 3;
        const double v = (m & 1) ? da_ksin(y0, y1) : da_kcos(y0, y1);
        return (m == 1 || m == 2) ? -v : v;
    } else {
        const double s = da_ksin(y0, y1), c = da_kcos(y0, y1);
        return (n & 1) ? -c / s : s / c;
    }
}
DA_DEV double da_ksindf(double x) {
    const double S1 = -0x1.5555554cbac77p-3, S2 = 0x1.11110896efbb2p-7;
    const double S3 = -0x1.a00f9e2cae774p-13, S4 = 0x1.6cd878c3b46a7p-19;
    const double z = x * x, w = z * z, r = S3 + z * S4, s = z * x;
    return (x + s * (S1 + z * S2)) + s * w * r;
}
DA_DEV double da_kcosdf(double x) {
    const double C0 = -0x1.ffffffd0c5e81p-2, C1 = 0x1.55553e1053a42p-5;
    const double C2 = -0x1.6c087e80f1e27p-10, C3 = 0x1.99342e0ee5069p-16;
    const double z = x * x, w = z * z, r = C2 + z * C3;
    return ((1.0 + z * C0) + w * C1) + (w * z) * r;
}
template <int WHICH> DA_DEV float da_trigf(float xf) {
    const double x = (double)xf;
    const double ax = da_fabs(x);
    if (!(ax <= 0x1.fffffep+127)) return xf - xf;
    if (ax < 0x1p-12) return WHICH == 1 ? 1.0f : xf;
    int n;
    double y;
    if (ax <= 0x1.921fb54442d18p-1) {
        n = 0; y = x;
    } else if (ax < 0x1.921fb54442d18p+27) {  // musl __rem_pio2f medium path
        const double fn = da_rint(x * 0x1.45f306dc9c883p-1);
        n = (int)fn;
        y = x - fn * 0x1.921fb50000000p+0 - fn * 0x1.110b4611a6263p-26;
    } else {
        double y0, y1;
        n = da_rem_pio2_large(ax, y0, y1);
        y = y0 + y1;
        if (xf < 0.0f) { n = -n; y = -y; }
    }
    double v;
    if constexpr (WHICH == 0) {
        const int m = n & 3;
        v = (m & 1) ? da_kcosdf(y) : da_ksindf(y);
        v = (m & 2) ? -v : v;
    } else if constexpr (WHICH == 1) {
        const int m = n & 3;
        v = (m & 1) ? da_ksindf(y) : da_kcosdf(y);
        v = (m == 1 || m == 2) ? -v : v;
    } else {
        const double s = da_ksindf(y), c = da_kcosdf(y);
        v = (n & 1) ? -c / s : s / c;
    }
    return (float)v;
}
DA_DEV float da_sin(float x) { return da_trigf<0>(x); }
DA_DEV float da_cos(float x) { return da_trigf<1>(x); }
DA_DEV float da_tan(float x) { return da_trigf<2>(x); }
DA_DEV double da_sin(double x) { return da_trig<0>(x); }
DA_DEV double da_cos(double x) { return da_trig<1>(x); }
DA_DEV double da_tan(double x) { return da_trig<2>(x); }

#endif  // DA_COMMON_MATH_CUH
