#!/usr/bin/env python3
"""Coefficients of float32 `pow`'s f64 lanes on the FMA levels (src/cpu/math/lanes_binary.rs,
`pow32f_lane`), derived here with mpmath (no library coefficients).

- The reduction offset A (an f32 near 0.843): |x| = 2^k m with m in [A, 2A); bit 22 of the
  reduced bits says m >= 2A - 1/2, and then m is scaled by 2^-1/2. A balances the two
  intervals so that every scaled m lies within 2^+-0.2538 of 1.
- Q2: 2 log2(1 + f) ~ f Q2(f) (degree 8) on the resulting f interval, minimax in relative
  error (Lawson's iteratively reweighted least squares on 200 Chebyshev points).
- E: 2^r ~ E(r) (degree 6) on [-1/2, 1/2], minimax in relative error (the same method).

Prints the constants and the maximum relative errors of the f64-rounded polynomials, measured
on a grid of 20001 points. Runs in about half a minute: python3 tools/fit_pow32.py
"""
import struct

import mpmath as mp

mp.mp.dps = 40


def f32(v):
    return struct.unpack("<f", struct.pack("<f", float(v)))[0]


def bits32(v):
    return struct.unpack("<I", struct.pack("<f", float(v)))[0]


def lawson(func, lo, hi, deg, weight, npts=200, iters=40):
    """p(t) = sum c_j t^j minimising max |p(t) - func(t)| weight(t) on Chebyshev points."""
    xs = [(lo + hi) / 2 + (hi - lo) / 2 * mp.cos(mp.pi * (i + mp.mpf(0.5)) / npts) for i in range(npts)]
    fs = [func(x) for x in xs]
    ws = [weight(x) for x in xs]
    lw = [mp.mpf(1) / npts] * npts
    n = deg + 1
    for _ in range(iters):
        a = mp.matrix(n, n)
        b = mp.matrix(n, 1)
        for x, f, w, l in zip(xs, fs, ws, lw):
            pw = [x**j for j in range(n)]
            ww = l * w * w
            for i in range(n):
                b[i] += ww * pw[i] * f
                for j in range(n):
                    a[i, j] += ww * pw[i] * pw[j]
        c = mp.lu_solve(a, b)
        errs = [abs(sum(c[j] * x**j for j in range(n)) - f) * w for x, f, w in zip(xs, fs, ws)]
        tot = sum(l * e for l, e in zip(lw, errs))
        lw = [l * e / tot for l, e in zip(lw, errs)]
    return [float(c[j]) for j in range(n)]


def max_rel_err(coeffs, func, lo, hi, n=20000):
    worst = mp.mpf(0)
    for i in range(n + 1):
        x = lo + (hi - lo) * mp.mpf(i) / n
        p = mp.mpf(0)
        for v in reversed(coeffs):
            p = p * x + mp.mpf(v)
        worst = max(worst, abs(p / func(x) - 1) if func(x) != 0 else abs(p - 1))
    return worst


r2 = mp.sqrt(2)


def scaled_range(a):
    """The range of the scaled significand: [a, 2a - 1/2) and [2a - 1/2, 2a) / sqrt 2."""
    b = 2 * a - mp.mpf(0.5)
    return min(a, b / r2), max(b, r2 * a)


best = min(
    (max(-mp.log(lo), mp.log(hi)), a)
    for a in (mp.mpf("0.843") + i * mp.mpf("0.00001") for i in range(-200, 201))
    for lo, hi in [scaled_range(a)]
)
a = f32(best[1])
lo, hi = scaled_range(mp.mpf(a))
print(f"A = {a!r} (bits {bits32(a):#010x}), split at 2A - 1/2 = {2 * a - 0.5!r}")
print(f"scaled significands in [{float(lo)!r}, {float(hi)!r}] = 2^[{float(mp.log(lo, 2)):.5f}, {float(mp.log(hi, 2)):.5f}]")
# A hair wider than the exact interval: c = 2^-1/2 and the product m c are rounded in f64.
flo, fhi = lo - 1 - mp.mpf("1e-6"), hi - 1 + mp.mpf("1e-6")


def g2(f):
    return 2 * mp.log1p(f) / mp.log(2) / f if f != 0 else 2 / mp.log(2)


q2 = lawson(g2, flo, fhi, 8, lambda f: 1 / abs(g2(f)))
print(f"Q2 (f in [{float(flo):.6f}, {float(fhi):.6f}]): {q2}")
print(f"  f Q2(f) vs 2 log2(1 + f): relative error 2^{float(mp.log(max_rel_err(q2, g2, flo, fhi), 2)):.2f}")


def exp2(r):
    return mp.mpf(2) ** r


e = lawson(exp2, mp.mpf(-0.5), mp.mpf(0.5), 6, lambda r: 1 / exp2(r), npts=150)
print(f"E: {e}")
print(f"  E(r) vs 2^r on [-1/2, 1/2]: relative error 2^{float(mp.log(max_rel_err(e, exp2, mp.mpf(-0.5), mp.mpf(0.5)), 2)):.2f}")
