import mpmath as mp, numpy as np
mp.mp.dps=50
def chebfit(g, a, b, deg):
    # Chebyshev interpolation at deg+1 nodes, returns monomial coeffs (mp)
    n=deg+1
    xs=[ (a+b)/2 + (b-a)/2*mp.cos(mp.pi*(2*i+1)/(2*n)) for i in range(n)]
    A=mp.matrix([[x**j for j in range(n)] for x in xs]); y=mp.matrix([g(x) for x in xs])
    return list(mp.lu_solve(A,y))
def f32(v): return float(np.float32(float(v)))
def errmax(g, c, a, b, w=lambda x:1):
    m=0
    for i in range(2001):
        x=a+(b-a)*mp.mpf(i)/2000
        p=mp.mpf(0)
        for cc in reversed(c): p=p*x+mp.mpf(cc)
        m=max(m,abs((p-g(x))*w(x)))
    return m
# exp: (exp(r)-1-r)/r^2 on [-0.35,0.35], degree 4 -> c2..c6
ge=lambda r: mp.fsum(r**(k-2)/mp.factorial(k) for k in range(2,40))
ce=chebfit(ge,-mp.mpf("0.3475"),mp.mpf("0.3475"),5)
ce32=[f32(c) for c in ce]
print("exp c2..c6", [repr(c) for c in ce32], "relerr exp ~", mp.nstr(errmax(ge,ce32,-0.3475,0.3475,lambda r:r*r/mp.exp(r)),5))
# log: Q(f)=(log1p(f)-f)/f^2 on [sqrt(.5)-1, sqrt2-1]
gl=lambda f: mp.fsum((-1)**(k+1)*f**(k-2)/k for k in range(2,200))
a=mp.sqrt(0.5)-1; b=mp.sqrt(2)-1
for deg in (8,9,10):
    cl=chebfit(gl,a,b,deg); cl32=[f32(c) for c in cl]
    print(deg, "relerr log ~", mp.nstr(errmax(gl,cl32,a,b,lambda f: f*f/abs(mp.log1p(f)) if f!=0 else 0),5))
    print([repr(c) for c in cl32])
