# Near-minimax (Remez on relative error) fits for sin/cos on |r| <= R, f32 coefficients.
import mpmath as mp
mp.mp.dps = 50
R = mp.mpf('0.80')
def remez(f, basis, w, a, b, iters=30):
    # minimise max |w(z) (f(z) - sum c_i basis_i(z))| on [a,b]
    n = len(basis)
    pts = [ (a+b)/2 - (b-a)/2*mp.cos(mp.pi*k/n) for k in range(n+1)]
    for _ in range(iters):
        A = mp.matrix(n+1, n+1); rhs = mp.matrix(n+1, 1)
        for i,z in enumerate(pts):
            for j,bf in enumerate(basis): A[i,j] = bf(z)*w(z)
            A[i,n] = (-1)**i
            rhs[i] = f(z)*w(z)
        sol = mp.lu_solve(A, rhs)
        c = [sol[j] for j in range(n)]
        err = lambda z: w(z)*(f(z) - sum(cj*bf(z) for cj,bf in zip(c,basis)))
        # locate extrema on a grid
        N = 2000
        grid = [a + (b-a)*k/N for k in range(N+1)]
        ev = [err(z) for z in grid]
        ext = [grid[0]]
        for k in range(1,N):
            if (ev[k]-ev[k-1])*(ev[k+1]-ev[k]) <= 0: ext.append(grid[k])
        ext.append(grid[-1])
        if len(ext) != n+1: break
        pts = ext
    return c, max(abs(e) for e in ev)
# sin(r) = r + r^3 * P(z), z=r^2; target P(z) = (sin r - r)/r^3; weight: error relative to sin r: r^3/sin r
z0 = mp.mpf('1e-30')
fs = lambda z: (mp.sin(mp.sqrt(z)) - mp.sqrt(z))/mp.sqrt(z)**3 if z > 1e-20 else -mp.mpf(1)/6 + z/120
ws = lambda z: (mp.sqrt(z)**3/mp.sin(mp.sqrt(z))) if z > 1e-20 else z
cs, es = remez(fs, [lambda z,k=k: z**k for k in range(3)], ws, mp.mpf(0), R**2)
print('sin', [float(c) for c in cs], 'rel err', mp.nstr(es,5), mp.log(es,2))
# cos(r) = 1 - z/2 + z^2 Q(z); error relative to cos r
fc = lambda z: (mp.cos(mp.sqrt(z)) - 1 + z/2)/z**2 if z > 1e-20 else mp.mpf(1)/24 - z/720
wc = lambda z: z**2/mp.cos(mp.sqrt(z))
cc, ec = remez(fc, [lambda z,k=k: z**k for k in range(3)], wc, mp.mpf(0), R**2)
print('cos', [float(c) for c in cc], 'rel err', mp.nstr(ec,5), mp.log(ec,2))
import struct
for name, cf in (('S', cs), ('C', cc)):
    for i,c in enumerate(cf):
        f = struct.unpack('<f', struct.pack('<f', float(c)))[0]
        print(f"const {name}{i}: f32 = f32::from_bits(0x{struct.unpack('<I', struct.pack('<f', f))[0]:08x}); // {f!r}")
