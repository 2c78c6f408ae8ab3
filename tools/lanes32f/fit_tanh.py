# Weighted least-squares fits on Chebyshev nodes (close to minimax), done in mpmath precision.
import mpmath as mp, numpy as np
mp.mp.dps = 40
def fit(f, a, b, deg, w, N=400):
    xs = [ (a+b)/2 + (b-a)/2*mp.cos(mp.pi*(k+0.5)/N) for k in range(N)]
    A = mp.matrix(N, deg+1); y = mp.matrix(N,1)
    for i,x in enumerate(xs):
        for j in range(deg+1): A[i,j] = x**j * w(x)
        y[i] = f(x)*w(x)
    c = mp.qr_solve(A, y)[0]
    return [c[j] for j in range(deg+1)]
def tanh_q(z):
    x = mp.sqrt(z)
    return (mp.tanh(x)-x)/x**3 if z > 0 else mp.mpf(-1)/3
import sys
C = float(sys.argv[1])
for deg in (3,4,5):
    # relative error of tanh: weight x^3/tanh(x) ~ z
    c = fit(tanh_q, mp.mpf(0), mp.mpf(C)**2, deg, lambda z: (z if z>0 else mp.mpf(1e-30))*mp.sqrt(z)/mp.tanh(mp.sqrt(z)) if z>0 else mp.mpf(1e-9))
    c32 = [float(np.float32(float(v))) for v in c]
    err = max(abs((x + x**3*sum(cc*(x*x)**j for j,cc in enumerate(c32)))/mp.tanh(x)-1) for x in [mp.mpf(C)*k/2000 for k in range(1,2001)])
    print('tanh deg', deg, float(mp.log(err,2)), [np.float32(v).view(np.uint32).item() for v in c32], c32)
def expq(r): return (mp.exp(r)-1-r)/r**2 if r != 0 else mp.mpf(0.5)
h = mp.log(2)/2 + mp.mpf(1e-6)
for deg in (3,4,5):
    c = fit(expq, -h, h, deg, lambda r: r*r/mp.exp(r))
    c32 = [float(np.float32(float(v))) for v in c]
    err = max(abs((1+r+r*r*sum(cc*r**j for j,cc in enumerate(c32)))/mp.exp(r)-1) for r in [-h + 2*h*k/2000 for k in range(2001)])
    print('exp deg', deg, float(mp.log(err,2)), [hex(np.float32(v).view(np.uint32).item()) for v in c32], c32)
