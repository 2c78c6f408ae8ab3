# Weighted minimax (Lawson IRLS) for Q(f) = (log1p(f)-f)/f^2 on [sqrt(1/2)-1, sqrt(2)-1],
# weight f^2/|log1p(f)| (relative error of log1p), coefficients rounded to f32 one at a time
# with the remaining ones refitted (so later coefficients absorb earlier roundings).
import mpmath as mp, numpy as np, sys
mp.mp.dps = 40
deg = int(sys.argv[1])
a, b = float(mp.sqrt(0.5) - 1), float(mp.sqrt(2) - 1)
N = 3000
xs = [mp.mpf(a) + (mp.mpf(b) - mp.mpf(a)) * (1 - mp.cos(mp.pi * i / (N - 1))) / 2 for i in range(N)]
Q = np.array([float(mp.fsum((-1) ** (k + 1) * x ** (k - 2) / k for k in range(2, 120))) for x in xs])
L = np.array([float(mp.log1p(x)) if x != 0 else 0.0 for x in xs])
F = np.array([float(x) for x in xs])
W = np.where(F == 0, 0.0, F * F / np.where(L == 0, 1, np.abs(L)))
def fit(fixed, Qt):
    k = len(fixed)
    resid = Qt - sum(c * F ** j for j, c in enumerate(fixed))
    A = np.vstack([F ** j for j in range(k, deg + 1)]).T
    u = np.ones(N) / N
    for it in range(300):
        sw = np.sqrt(u) * W
        c, *_ = np.linalg.lstsq(A * sw[:, None], resid * sw, rcond=None)
        e = np.abs((A @ c - resid) * W)
        u = u * e; u /= u.sum()
    return c
coef = []
for i in range(deg + 1):
    c = fit(coef, Q)
    coef.append(float(np.float32(c[0])))
P = sum(np.float64(c) * F ** j for j, c in enumerate(coef))
err = np.max(np.abs((P - Q) * W))
print(deg, "max rel err of log1p:", err, np.log2(err))
print([repr(np.float32(c)) for c in coef])
