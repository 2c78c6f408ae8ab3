# Weighted minimax (Remez exchange on a Chebyshev-spaced grid) for
#   P(z) = (asin(sqrt z) - sqrt z) / z^(3/2)  on z in [0, 1/4],
# the polynomial of the f32-lane asin and acos (src/cpu/math/lanes32f/asin_acos.rs):
# asin(t) = t + t^3 P(t^2) for 0 <= t <= 1/2. The weight is the sensitivity of the result
# (relative) to an absolute error in P, the larger of the two uses:
#   z                                  asin and acos of |x| <= 1/2, acos of x > 1/2,
#   2 z^(3/2) / (pi/2 - 2 asin sqrt z)  asin of |x| > 1/2 (pi/2 - 2 asin s, s = sqrt z).
# Coefficients are rounded to f32 one at a time from z^0 up, the remaining ones refitted after
# each rounding. Pure mpmath (no NumPy). Usage: python3 fit_asin.py 5   (the degree in z)
import struct, sys
from mpmath import mp, mpf, asin, sqrt, cos, pi, log, matrix, lu_solve

mp.dps = 50
N = 3000
GRID = [mpf(1) / 4 * (1 - cos(pi * i / (N - 1))) / 2 for i in range(N)]


def P(z):
    s = sqrt(z)
    return (asin(s) - s) / (z * s) if z else mpf(1) / 6


def weight(z):
    s = sqrt(z)
    return max(z, 2 * z * s / (pi / 2 - 2 * asin(s)))


def to_f32(x):
    """x rounded to the nearest f32 (checking the neighbours of the double-rounded guess)."""
    bits = struct.unpack("<I", struct.pack("<f", float(x)))[0]
    cands = [struct.unpack("<f", struct.pack("<I", b))[0] for b in (bits - 1, bits, bits + 1)]
    return min(cands, key=lambda c: abs(mpf(c) - x))


def shortest(c):
    """The shortest decimal that reads back as the f32 c (as Rust prints it)."""
    for digits in range(1, 12):
        s = f"{c:.{digits}g}"
        if struct.unpack("<f", struct.pack("<f", float(s)))[0] == c:
            return s
    raise ValueError(c)


def remez(target, w, deg):
    """min over c of max_i |w_i (target_i - sum_j c_j z_i^j)| on GRID[1:] (GRID[0] = 0 has
    weight 0); returns (c, max weighted error)."""
    m = deg + 2
    ref = [1 + round((N - 2) * (1 - cos(pi * k / (m - 1))) / 2) for k in range(m)]
    for _ in range(60):
        A, b = matrix(m, m), matrix(m, 1)
        for r, i in enumerate(ref):
            for j in range(deg + 1):
                A[r, j] = GRID[i] ** j
            A[r, deg + 1] = (-1) ** r / w[i]
            b[r] = target[i]
        sol = lu_solve(A, b)
        c = [sol[j] for j in range(deg + 1)]
        err = [mpf(0)] + [w[i] * (target[i] - sum(cj * GRID[i] ** j for j, cj in enumerate(c))) for i in range(1, N)]
        # One extremum per run of equal sign; keep m of them, dropping the smaller end.
        runs, cur = [], [1]
        for i in range(2, N):
            if (err[i] >= 0) == (err[cur[-1]] >= 0):
                cur.append(i)
            else:
                runs.append(cur)
                cur = [i]
        runs.append(cur)
        ext = [max(run, key=lambda i: abs(err[i])) for run in runs]
        while len(ext) > m:
            ext.pop(0 if abs(err[ext[0]]) < abs(err[ext[-1]]) else -1)
        worst = max(abs(e) for e in err)
        if len(ext) < m or ext == ref or worst - abs(sol[deg + 1]) < abs(sol[deg + 1]) * mpf("1e-6"):
            return c, worst
        ref = ext
    return c, worst


def main(deg):
    fv = [P(z) for z in GRID]
    wv = [weight(z) for z in GRID]
    fixed = []
    for k in range(deg + 1):
        # The rest after the rounded coefficients, divided by z^k; weight times z^k.
        target = [mpf(0)] + [(fv[i] - sum(c * GRID[i] ** j for j, c in enumerate(fixed))) / GRID[i] ** k for i in range(1, N)]
        w = [mpf(0)] + [wv[i] * GRID[i] ** k for i in range(1, N)]
        c, e = remez(target, w, deg - k)
        if k == 0:
            print(f"degree {deg}: weighted error before rounding {float(e):.3e} = 2^{float(log(e, 2)):.2f}")
        fixed.append(mpf(to_f32(c[0])))
    # Checked on a uniform grid, independent of the fit's.
    worst = max(weight(z) * abs(P(z) - sum(c * z**j for j, c in enumerate(fixed))) for z in (mpf(i) / 80000 for i in range(1, 20001)))
    print(f"degree {deg}: weighted error with f32 coefficients {float(worst):.3e} = 2^{float(log(worst, 2)):.2f}")
    print("[" + ", ".join(shortest(float(c)) for c in fixed) + "]")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
