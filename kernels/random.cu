// devarray random numbers: {dist}_{T}_ctr(RandArgs), DA_RNG_BLOCK = 256 threads (kernels/ABI.md,
// "Random ABI"; src/cuda/random.rs launches them, src/cpu/random.rs is the same algorithm in Rust).
//
// Generator: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11), key = the stream's two 32-bit key
// words, counter = (block lo, block hi, attempt, 0). Output element i of a draw lives in counter
// block `offset + i / V` (slot i % V), where V is the number of values one block yields for the
// distribution and dtype (1, 2 or 4, see da_rng_per_block). Nothing depends on the grid: a thread
// takes whole blocks, grid-strided, so any grid >= 1 writes the same values.
//
// Conversions (identical in src/cpu/random.rs, bit for bit):
// - uniform: f32 (w >> 8) * 2^-24, f16 (w >> 21) * 2^-11, bf16 (w >> 24) * 2^-8 (V = 4, one word
//   each); f64 ((w[2s] | w[2s+1] << 32) >> 11) * 2^-53 (V = 2). Then low + scale * u in double,
//   rounded once to T (exact when low = 0, scale = 1).
// - normal: Box-Muller in double, u1 from one word (or 52 bits for f64) as (x + 0.5) * 2^-k, in
//   (0, 1); r = sqrt(-2 log u1), (cos, sin)(2 pi u2) -> two values; log and sincos are the
//   fdlibm algorithms below written with non-contracted operations (da_dmul/da_dadd), so every
//   device rounds the same way. Then loc + scale * z in double, rounded once (f16/bf16 via float).
// - exponential: -log(u) * scale, u as for the normal's u1 (V = 4, f64 V = 2).
// - bernoulli (bool): word * 2^-32 < p (V = 4).
// - gamma: Marsaglia-Tsang per element (V = 1; da_rng_gamma documents the counters), times
//   scale; beta: X / (X + Y) with X, Y gamma variates of sub-streams 0 and 1 (V = 1).
// - integers: Lemire's multiply-and-reject per element (V = 1): attempt j uses counter
//   (block, j); a block yields four 32-bit candidates (spans below 2^32) or two 64-bit ones,
//   tried in order until one is accepted. Unbiased, and each element consumes exactly one block.
// - poisson (i64, V = 1): lam < 10 by inversion of one uniform (attempt 0); lam >= 10 by PTRS,
//   Hoermann's transformed rejection (1993), attempt j using block (block, j): words 0-1 the
//   uniform U - 1/2, words 2-3 the uniform V. binomial (i64, V = 1): p' = min(p, 1 - p), then
//   n p' < 10 by inversion (attempt j restarts past n p' + 10 sd, as NumPy does) and otherwise
//   BTRS (Hoermann 1993), attempts as PTRS; the count of failures n - X when p > 1/2. log k! is
//   the log of the exact product below 16 and Stirling's series (5 terms) above
//   (da_rng_logfact).
// da-dtypes: bool u8 u16 u32 u64 i8 i16 i32 i64 f16 bf16 f32 f64
#include "common.cuh"

#define DA_RNG_BLOCK 256

// The single kernel parameter (src/cuda/random.rs mirrors it; 64 bytes).
struct RandArgs {
    void* out;                 // element 0 of the contiguous output
    unsigned long long n;      // elements
    unsigned long long offset; // counter block of element 0
    unsigned int key[2];       // Philox key
    unsigned long long lo;     // integers: low (two's complement bits)
    unsigned long long span;   // integers: high - low, inclusive (2^64 - 1: the full range)
    double a, b;               // uniform: low, scale; normal: loc, scale; exponential: -, scale;
                               // bernoulli: p; gamma: shape, scale; beta: a, b; binomial: p, -
                               // (n in lo); poisson: lam, -
};

struct da_x4 { unsigned int w[4]; };

DA_DEV da_x4 da_philox(unsigned int c0, unsigned int c1, unsigned int c2, unsigned int c3, unsigned int k0,
                       unsigned int k1) {
    for (int r = 0; r < 10; ++r) {
        if (r > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
        const da_u64 p0 = (da_u64)0xD2511F53u * c0, p1 = (da_u64)0xCD9E8D57u * c2;
        c0 = (unsigned int)(p1 >> 32) ^ c1 ^ k0;
        c1 = (unsigned int)p1;
        c2 = (unsigned int)(p0 >> 32) ^ c3 ^ k1;
        c3 = (unsigned int)p0;
    }
    da_x4 o; o.w[0] = c0; o.w[1] = c1; o.w[2] = c2; o.w[3] = c3;
    return o;
}

DA_DEV da_x4 da_rng_block(const RandArgs& p, da_u64 block, unsigned int attempt) {
    return da_philox((unsigned int)block, (unsigned int)(block >> 32), attempt, 0u, p.key[0], p.key[1]);
}

// ---- deterministic math (no contraction: the same roundings on every device) ----
DA_DEV double da_rm(double a, double b) { return da_dmul(a, b); }
DA_DEV double da_ra(double a, double b) { return da_dadd(a, b); }
DA_DEV double da_rs(double a, double b) { return da_dsub(a, b); }

// log(x) for positive normal x (fdlibm's e_log.c algorithm, < 1 ulp).
DA_DEV double da_rng_log(double x) {
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01;
    const double Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01;
    const double Lg7 = 1.479819860511658591e-01;
    const da_u64 bits = da_d2u(x);
    int k = (int)(bits >> 52) - 1023;
    double m = da_u2d((bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull);  // [1, 2)
    if (m > 1.4142135623730951) { m = da_rm(m, 0.5); k += 1; }
    const double f = da_rs(m, 1.0), dk = (double)k;
    const double s = f / da_ra(2.0, f), z = da_rm(s, s), w = da_rm(z, z);
    const double t1 = da_rm(w, da_ra(Lg2, da_rm(w, da_ra(Lg4, da_rm(w, Lg6)))));
    const double t2 = da_rm(z, da_ra(Lg1, da_rm(w, da_ra(Lg3, da_rm(w, da_ra(Lg5, da_rm(w, Lg7)))))));
    const double R = da_ra(t2, t1), hfsq = da_rm(da_rm(0.5, f), f);
    return da_rs(da_rm(dk, ln2_hi), da_rs(da_rs(hfsq, da_ra(da_rm(s, da_ra(hfsq, R)), da_rm(dk, ln2_lo))), f));
}

// exp(x) for x <= 0 (fdlibm's e_exp.c algorithm, < 1 ulp; 0 below the subnormal range).
DA_DEV double da_rng_exp(double x) {
    if (x < -745.1332191019411) return 0.0;
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double inv_ln2 = 1.44269504088896338700e+00;
    const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05;
    const double P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
    const int k = (int)da_rs(da_rm(inv_ln2, x), 0.5);  // round to nearest (x <= 0)
    const double hi = da_rs(x, da_rm((double)k, ln2_hi)), lo = da_rm((double)k, ln2_lo);
    const double r = da_rs(hi, lo), t = da_rm(r, r);
    const double c = da_rs(r, da_rm(t, da_ra(P1, da_rm(t, da_ra(P2, da_rm(t, da_ra(P3, da_rm(t, da_ra(P4, da_rm(t, P5))))))))));
    const double y = da_rs(1.0, da_rs(da_rs(lo, da_rm(r, c) / da_rs(2.0, c)), hi));
    if (k >= -1021) return da_u2d(da_d2u(y) + ((da_u64)(long long)k << 52));
    return da_rm(da_u2d(da_d2u(y) + ((da_u64)(long long)(k + 1000) << 52)), 0x1p-1000);
}

// sin and cos of |x| <= pi/4 (fdlibm's __kernel_sin/__kernel_cos with no tail).
DA_DEV double da_rng_ksin(double x) {
    const double S1 = -0x1.5555555555549p-3, S2 = 0x1.111111110f8a6p-7, S3 = -0x1.a01a019c161d5p-13;
    const double S4 = 0x1.71de357b1fe7dp-19, S5 = -0x1.ae5e68a2b9cebp-26, S6 = 0x1.5d93a5acfd57cp-33;
    const double z = da_rm(x, x), v = da_rm(z, x);
    const double r = da_ra(S2, da_rm(z, da_ra(S3, da_rm(z, da_ra(S4, da_rm(z, da_ra(S5, da_rm(z, S6))))))));
    return da_ra(x, da_rm(v, da_ra(S1, da_rm(z, r))));
}
DA_DEV double da_rng_kcos(double x) {
    const double C1 = 0x1.555555555554cp-5, C2 = -0x1.6c16c16c15177p-10, C3 = 0x1.a01a019cb1590p-16;
    const double C4 = -0x1.27e4f809c52adp-22, C5 = 0x1.1ee9ebdb4b1c4p-29, C6 = -0x1.8fae9be8838d4p-37;
    const double z = da_rm(x, x);
    const double r =
        da_rm(z, da_ra(C1, da_rm(z, da_ra(C2, da_rm(z, da_ra(C3, da_rm(z, da_ra(C4, da_rm(z, da_ra(C5, da_rm(z, C6)))))))))));
    const double hz = da_rm(0.5, z), w = da_rs(1.0, hz);
    return da_ra(w, da_ra(da_rs(da_rs(1.0, w), hz), da_rm(z, r)));
}

// (sin, cos)(2 pi u) for u in [0, 1): the quadrant split of 4u is exact.
DA_DEV void da_rng_sincos2pi(double u, double& s, double& c) {
    const double v = da_rm(u, 4.0);
    int q = (int)v;
    double r = da_rs(v, (double)q);
    if (r > 0.5) { r = da_rs(r, 1.0); q += 1; }
    const double x = da_rm(r, 1.5707963267948966);
    const double sx = da_rng_ksin(x), cx = da_rng_kcos(x);
    switch (q & 3) {
        case 0: s = sx; c = cx; break;
        case 1: s = cx; c = -sx; break;
        case 2: s = -sx; c = -cx; break;
        default: s = -cx; c = sx; break;
    }
}

// ---- per-distribution block functions ----
#define DA_RNG_UNIFORM 0
#define DA_RNG_NORMAL 1
#define DA_RNG_EXPONENTIAL 2
#define DA_RNG_INTEGERS 3
#define DA_RNG_BERNOULLI 4
#define DA_RNG_GAMMA 5
#define DA_RNG_BETA 6
#define DA_RNG_BINOMIAL 7
#define DA_RNG_POISSON 8

template <class T, int D> struct da_rng_per_block {
    static constexpr int value =
        (D == DA_RNG_INTEGERS || D == DA_RNG_GAMMA || D == DA_RNG_BETA || D == DA_RNG_BINOMIAL || D == DA_RNG_POISSON)
            ? 1
            : (D == DA_RNG_BERNOULLI || sizeof(T) < 8) ? 4 : 2;
};

DA_DEV da_u64 da_rng_pair(const da_x4& x, int s) { return (da_u64)x.w[2 * s] | ((da_u64)x.w[2 * s + 1] << 32); }
// (x + 0.5) * 2^-32 and ((x >> 12) + 0.5) * 2^-52: uniforms in (0, 1), exact in double.
DA_DEV double da_rng_open32(unsigned int w) { return da_rm(da_ra((double)w, 0.5), 0x1p-32); }
DA_DEV double da_rng_open52(da_u64 x) { return da_rm(da_ra((double)(x >> 12), 0.5), 0x1p-52); }

template <class T> DA_DEV T da_rng_round(double v) {
    if constexpr (da_is16f<T>::value) return da_tr<T>::from_c((float)v);
    else return (T)v;
}

// The V values of one block, in slot order.
template <class T, int D> DA_DEV void da_rng_values(const RandArgs& p, da_u64 block, double* v) {
    const da_x4 x = da_rng_block(p, block, 0u);
    constexpr bool wide = sizeof(T) == 8;
    if constexpr (D == DA_RNG_UNIFORM) {
        for (int s = 0; s < (wide ? 2 : 4); ++s) {
            double u;
            if constexpr (wide) u = da_rm((double)(da_rng_pair(x, s) >> 11), 0x1p-53);
            else if constexpr (da_same<T, da_f16>::value) u = da_rm((double)(x.w[s] >> 21), 0x1p-11);
            else if constexpr (da_same<T, da_bf16>::value) u = da_rm((double)(x.w[s] >> 24), 0x1p-8);
            else u = da_rm((double)(x.w[s] >> 8), 0x1p-24);
            v[s] = da_ra(p.a, da_rm(p.b, u));
        }
    } else if constexpr (D == DA_RNG_NORMAL) {
        for (int h = 0; h < (wide ? 1 : 2); ++h) {
            const double u1 = wide ? da_rng_open52(da_rng_pair(x, 0)) : da_rng_open32(x.w[2 * h]);
            const double u2 = wide ? da_rng_open52(da_rng_pair(x, 1)) : da_rng_open32(x.w[2 * h + 1]);
            const double r = sqrt(da_rm(-2.0, da_rng_log(u1)));
            double sn, cs;
            da_rng_sincos2pi(u2, sn, cs);
            v[2 * h] = da_ra(p.a, da_rm(p.b, da_rm(r, cs)));
            v[2 * h + 1] = da_ra(p.a, da_rm(p.b, da_rm(r, sn)));
        }
    } else if constexpr (D == DA_RNG_EXPONENTIAL) {
        for (int s = 0; s < (wide ? 2 : 4); ++s) {
            const double u = wide ? da_rng_open52(da_rng_pair(x, s)) : da_rng_open32(x.w[s]);
            v[s] = da_rm(p.b, -da_rng_log(u));
        }
    }
}

DA_DEV da_u64 da_mulhi64(da_u64 a, da_u64 b) {
#ifdef __CUDA_ARCH__
    return __umul64hi(a, b);
#else
    return (da_u64)(((unsigned __int128)a * b) >> 64);
#endif
}

// Lemire's method: a uniform integer in [0, span] for the element of `block`.
DA_DEV da_u64 da_rng_bounded(const RandArgs& p, da_u64 block) {
    const da_u64 span = p.span;
    for (unsigned int j = 0;; ++j) {
        const da_x4 x = da_rng_block(p, block, j);
        if (span < 0xffffffffull) {
            const unsigned int s = (unsigned int)span + 1u, t = (0u - s) % s;
            for (int c = 0; c < 4; ++c) {
                const da_u64 m = (da_u64)x.w[c] * s;
                if ((unsigned int)m >= t) return m >> 32;
            }
        } else if (span == 0xffffffffull) {
            return x.w[0];
        } else if (span == 0xffffffffffffffffull) {
            return da_rng_pair(x, 0);
        } else {
            const da_u64 s = span + 1u, t = (0ull - s) % s;
            for (int c = 0; c < 2; ++c) {
                const da_u64 w = da_rng_pair(x, c);
                if (w * s >= t) return da_mulhi64(w, s);
            }
        }
    }
}

// A standard gamma variate of shape `alpha` (> 0) for the element of `block`, from sub-stream
// `sub` (counter word 3): Marsaglia-Tsang (2000) for shape >= 1, attempt j using block
// (block, j, sub): words 0-1 a Box-Muller normal (cosine branch), words 2-3 the uniform of the
// squeeze test. Shape < 1 draws shape + 1 and multiplies by U^(1 / shape), U from attempt word
// 0xffffffff (Marsaglia-Tsang's boost).
DA_DEV double da_rng_gamma(const RandArgs& p, da_u64 block, double alpha, unsigned int sub) {
    const unsigned int b0 = (unsigned int)block, b1 = (unsigned int)(block >> 32);
    const bool boost = alpha < 1.0;
    const double d = da_rs(boost ? da_ra(alpha, 1.0) : alpha, 1.0 / 3.0);
    const double c = 1.0 / sqrt(da_rm(9.0, d));
    double g = 0.0;
    for (unsigned int j = 0; j < 0xffffffffu; ++j) {
        const da_x4 x = da_philox(b0, b1, j, sub, p.key[0], p.key[1]);
        const double r = sqrt(da_rm(-2.0, da_rng_log(da_rng_open32(x.w[0]))));
        double sn, cs;
        da_rng_sincos2pi(da_rng_open32(x.w[1]), sn, cs);
        const double z = da_rm(r, cs), t = da_ra(1.0, da_rm(c, z));
        const double v = da_rm(da_rm(t, t), t);
        if (!(v >= 0x1p-1022)) continue;  // t <= 0 (or so small that log(v) would be subnormal)
        const double u = da_rng_open52(da_rng_pair(x, 1));
        const double lhs = da_rng_log(u);
        const double rhs = da_ra(da_ra(da_rm(da_rm(0.5, z), z), d), da_rs(da_rm(d, da_rng_log(v)), da_rm(d, v)));
        if (lhs < rhs) { g = da_rm(d, v); break; }
    }
    if (boost) {
        const da_x4 x = da_philox(b0, b1, 0xffffffffu, sub, p.key[0], p.key[1]);
        g = da_rm(g, da_rng_exp(da_rng_log(da_rng_open52(da_rng_pair(x, 0))) / alpha));
    }
    return g;
}

// log(k!) for a whole k >= 0 (below 2^63): the log of the exact product below 16, else Stirling's series
// at x = k + 1, (x - 1/2) log x - x + log(2 pi) / 2 + 1/(12x) - 1/(360x^3) + 1/(1260x^5)
// - 1/(1680x^7) + 1/(1188x^9), whose next term is below 1e-16 relative for x >= 17.
DA_DEV double da_rng_logfact(double k) {
    if (k < 16.0) {  // k! is exact in double up to 18!
        double f = 1.0;
        for (double i = 2.0; i <= k; i = da_ra(i, 1.0)) f = da_rm(f, i);
        return da_rng_log(f);
    }
    const double x = da_ra(k, 1.0), r = 1.0 / x, r2 = da_rm(r, r);
    const double series =
        da_rm(r, da_rs(1.0 / 12.0, da_rm(r2, da_rs(1.0 / 360.0, da_rm(r2, da_rs(1.0 / 1260.0, da_rm(r2, da_rs(1.0 / 1680.0, r2 / 1188.0))))))));
    return da_ra(da_ra(da_rs(da_rm(da_rs(x, 0.5), da_rng_log(x)), x), 0.9189385332046728), series);
}

// A Poisson variate of mean lam (>= 0) for the element of `block` (see the header).
DA_DEV da_u64 da_rng_poisson(const RandArgs& p, da_u64 block) {
    const double lam = p.a;
    if (lam == 0.0) return 0;
    const unsigned int b0 = (unsigned int)block, b1 = (unsigned int)(block >> 32);
    if (lam < 10.0) {
        const da_x4 x = da_philox(b0, b1, 0u, 0u, p.key[0], p.key[1]);
        const double u = da_rng_open52(da_rng_pair(x, 0));
        double pk = da_rng_exp(-lam), cdf = pk, k = 0.0;
        // Stops when the mass left is below the rounding of the sum (pk underflows to 0).
        while (u > cdf && pk > 0.0) {
            k = da_ra(k, 1.0);
            pk = da_rm(pk, lam / k);
            cdf = da_ra(cdf, pk);
        }
        return (da_u64)k;
    }
    const double slam = sqrt(lam), loglam = da_rng_log(lam);
    const double b = da_ra(0.931, da_rm(2.53, slam)), a = da_ra(-0.059, da_rm(0.02483, b));
    const double invalpha = da_ra(1.1239, 1.1328 / da_rs(b, 3.4)), vr = da_rs(0.9277, 3.6224 / da_rs(b, 2.0));
    for (unsigned int j = 0; j < 0xffffffffu; ++j) {
        const da_x4 x = da_philox(b0, b1, j, 0u, p.key[0], p.key[1]);
        const double U = da_rs(da_rng_open52(da_rng_pair(x, 0)), 0.5), V = da_rng_open52(da_rng_pair(x, 1));
        const double us = da_rs(0.5, fabs(U));
        const double k = floor(da_ra(da_ra(da_rm(da_ra(da_rm(2.0, a) / us, b), U), lam), 0.43));
        if (!(k >= 0.0 && k < 0x1p63)) continue;
        if (us >= 0.07 && V <= vr) return (da_u64)k;
        if (us < 0.013 && V > us) continue;
        const double lhs = da_rng_log(da_rm(V, invalpha) / da_ra(a / da_rm(us, us), b));
        const double rhs = da_rs(da_ra(-lam, da_rm(k, loglam)), da_rng_logfact(k));
        if (lhs <= rhs) return (da_u64)k;
    }
    return 0;
}

// Binomial inversion for n p < 10 (p <= 1/2): attempt j's uniform walks the pmf from 0; a walk
// past `bound` (n p + 10 sd) restarts with attempt j + 1.
DA_DEV da_u64 da_rng_binomial_inv(const RandArgs& p, da_u64 block, double n, double pp) {
    const unsigned int b0 = (unsigned int)block, b1 = (unsigned int)(block >> 32);
    const double q = da_rs(1.0, pp), np = da_rm(n, pp), s = pp / q, a = da_rm(da_ra(n, 1.0), s);
    const double r = da_rng_exp(da_rm(n, da_rng_log(q)));
    const double sd10 = da_rm(10.0, sqrt(da_ra(da_rm(np, q), 1.0)));
    const double bound = da_ra(np, sd10) < n ? da_ra(np, sd10) : n;
    for (unsigned int j = 0; j < 0xffffffffu; ++j) {
        const da_x4 x = da_philox(b0, b1, j, 0u, p.key[0], p.key[1]);
        double u = da_rng_open52(da_rng_pair(x, 0)), pk = r, k = 0.0;
        while (u > pk) {
            u = da_rs(u, pk);
            k = da_ra(k, 1.0);
            if (k > bound) break;
            pk = da_rm(pk, da_rs(a / k, s));
        }
        if (k <= bound) return (da_u64)k;
    }
    return 0;
}

// Binomial BTRS (Hoermann 1993) for n p >= 10 (p <= 1/2).
DA_DEV da_u64 da_rng_binomial_btrs(const RandArgs& p, da_u64 block, double n, double pp) {
    const unsigned int b0 = (unsigned int)block, b1 = (unsigned int)(block >> 32);
    const double q = da_rs(1.0, pp), np = da_rm(n, pp), spq = sqrt(da_rm(np, q));
    const double b = da_ra(1.15, da_rm(2.53, spq)), a = da_ra(da_ra(-0.0873, da_rm(0.0248, b)), da_rm(0.01, pp));
    const double c = da_ra(np, 0.5), vr = da_rs(0.92, 4.2 / b), alpha = da_rm(da_ra(2.83, 5.1 / b), spq);
    const double lpq = da_rng_log(pp / q), m = floor(da_rm(da_ra(n, 1.0), pp));
    const double h = da_ra(da_rng_logfact(m), da_rng_logfact(da_rs(n, m)));
    for (unsigned int j = 0; j < 0xffffffffu; ++j) {
        const da_x4 x = da_philox(b0, b1, j, 0u, p.key[0], p.key[1]);
        const double U = da_rs(da_rng_open52(da_rng_pair(x, 0)), 0.5), V = da_rng_open52(da_rng_pair(x, 1));
        const double us = da_rs(0.5, fabs(U));
        const double k = floor(da_ra(da_rm(da_ra(da_rm(2.0, a) / us, b), U), c));
        if (!(k >= 0.0 && k <= n)) continue;
        if (us >= 0.07 && V <= vr) return (da_u64)k;
        const double lhs = da_rng_log(da_rm(V, alpha) / da_ra(a / da_rm(us, us), b));
        const double rhs =
            da_ra(da_rs(da_rs(h, da_rng_logfact(k)), da_rng_logfact(da_rs(n, k))), da_rm(da_rs(k, m), lpq));
        if (lhs <= rhs) return (da_u64)k;
    }
    return 0;
}

// A binomial variate of n = p.lo trials with success probability p.a for the element of `block`.
DA_DEV da_u64 da_rng_binomial(const RandArgs& p, da_u64 block) {
    const da_u64 n = p.lo;
    const double prob = p.a;
    if (n == 0 || prob == 0.0) return 0;
    if (prob == 1.0) return n;
    const bool flip = prob > 0.5;
    const double pp = flip ? da_rs(1.0, prob) : prob, dn = (double)n;
    const da_u64 k = da_rm(dn, pp) < 10.0 ? da_rng_binomial_inv(p, block, dn, pp) : da_rng_binomial_btrs(p, block, dn, pp);
    // (double)n may round up past n for n >= 2^53; the count stays within [0, n].
    const da_u64 kk = k < n ? k : n;
    return flip ? n - kk : kk;
}

template <class T, int D> DA_DEV void da_rng(const RandArgs& p) {
    constexpr int V = da_rng_per_block<T, D>::value;
    const da_u64 blocks = (p.n + V - 1) / V;
    const da_u64 step = (da_u64)da_gdim() * da_bdim();
    char* out = (char*)p.out;
    for (da_u64 k = (da_u64)da_bid() * da_bdim() + da_tid(); k < blocks; k += step) {
        const da_u64 block = p.offset + k, first = k * V;
        const int m = (p.n - first < (da_u64)V) ? (int)(p.n - first) : V;
        if constexpr (D == DA_RNG_INTEGERS) {
            da_st<T>(out + first * sizeof(T), da_tr<T>::from_bits(p.lo + da_rng_bounded(p, block)));
        } else if constexpr (D == DA_RNG_GAMMA) {
            da_st<T>(out + first * sizeof(T), da_rng_round<T>(da_rm(p.b, da_rng_gamma(p, block, p.a, 0u))));
        } else if constexpr (D == DA_RNG_BETA) {
            const double x = da_rng_gamma(p, block, p.a, 0u), y = da_rng_gamma(p, block, p.b, 1u);
            da_st<T>(out + first * sizeof(T), da_rng_round<T>(x / da_ra(x, y)));
        } else if constexpr (D == DA_RNG_BINOMIAL) {
            da_st<T>(out + first * sizeof(T), (T)da_rng_binomial(p, block));
        } else if constexpr (D == DA_RNG_POISSON) {
            da_st<T>(out + first * sizeof(T), (T)da_rng_poisson(p, block));
        } else if constexpr (D == DA_RNG_BERNOULLI) {
            const da_x4 x = da_rng_block(p, block, 0u);
            for (int s = 0; s < m; ++s) da_st<T>(out + (first + s) * sizeof(T), da_rm((double)x.w[s], 0x1p-32) < p.a);
        } else {
            double v[4];
            da_rng_values<T, D>(p, block, v);
            for (int s = 0; s < m; ++s) da_st<T>(out + (first + s) * sizeof(T), da_rng_round<T>(v[s]));
        }
    }
}

// Emulator registry entry: ABI 4, abi_info = {element size}.
#ifdef DA_EMULATOR
#  define DA_EMU_ABI_RNG 4u
#  define DA_EMU_RNG(NAME)                                                                        \
    extern "C" void DA_CAT(NAME, __emu)(void** p) { NAME(*(const RandArgs*)p[0]); }              \
    DA_EMU_REGISTER(DA_STR(NAME), &DA_CAT(NAME, __emu), DA_RNG_BLOCK, 1u,                          \
                    {(unsigned)sizeof(RandArgs), 0u, 0u, 0u}, DA_EMU_ABI_RNG,                      \
                    {(unsigned)sizeof(DA_T), 0u, 0u, 0u, 0u, 0u, 0u})
#else
#  define DA_EMU_RNG(NAME)
#endif

#define DA_RNG_DEFINE(PREFIX, D) DA_WHEN_WANTED(PREFIX, DA_RNG_DEFINE_ALL(PREFIX, D))
#define DA_RNG_DEFINE_ALL(PREFIX, D)                                                              \
    DA_KERNEL(DA_RNG_BLOCK) DA_CAT(PREFIX, _ctr)(RandArgs a) { da_rng<DA_T, D>(a); }              \
    DA_EMU_RNG(DA_CAT(PREFIX, _ctr))

#if DA_IS_FLOAT
DA_RNG_DEFINE(DA_OPNAME(uniform), DA_RNG_UNIFORM)
DA_RNG_DEFINE(DA_OPNAME(normal), DA_RNG_NORMAL)
DA_RNG_DEFINE(DA_OPNAME(exponential), DA_RNG_EXPONENTIAL)
DA_RNG_DEFINE(DA_OPNAME(gamma), DA_RNG_GAMMA)
DA_RNG_DEFINE(DA_OPNAME(beta), DA_RNG_BETA)
#else
DA_RNG_DEFINE(DA_OPNAME(integers), DA_RNG_INTEGERS)
#endif
#if DA_IS_BOOL
DA_RNG_DEFINE(DA_OPNAME(bernoulli), DA_RNG_BERNOULLI)
#endif
#if defined(DA_DTYPE_I64)
DA_RNG_DEFINE(DA_OPNAME(binomial), DA_RNG_BINOMIAL)
DA_RNG_DEFINE(DA_OPNAME(poisson), DA_RNG_POISSON)
#endif
