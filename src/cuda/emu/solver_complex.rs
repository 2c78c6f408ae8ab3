//! The emulator's stand-ins for the complex (`C`, `Z`) dense cuSOLVER routines devarray calls:
//! `potrf` (Hermitian `A = L Lᴴ` or `Uᴴ U`), `getrf`/`getrs` (`GemmOp::T` transposes without
//! conjugating, as `CUBLAS_OP_T` does), `heevd` (for `DenseCall::Syevd`), `geqrf`/`ungqr` (for
//! `DenseCall::Orgqr`) and `gesvd` (returning `Vᴴ`), with LAPACK's documented semantics, so the
//! complex mapping code in `cuda/linalg.rs` runs in CI. Validation, memory checks, poisoning
//! and `info` are [`solver`](super::solver)'s, shared with the real routines.
//!
//! LAPACK's conventions, followed here because the mapping code must not depend on anything
//! else: `potrf` and `heevd` read only the real part of the diagonal; `getrf` pivots on the
//! largest `|re| + |im|` (`izamax`); `geqrf` builds `zlarfg`'s reflectors `H = I - tau v vᴴ`
//! with a real `beta` and applies `Hᴴ` to the trailing columns, and `ungqr` forms
//! `Q = H(1) … H(k)`. Unlike the real stand-ins, `heevd` and `gesvd` do not rescale matrices
//! outside LAPACK's safe range (the emulated tests do not reach it).

use super::solver::{read_ints, Host, Real};
use crate::cuda::api::{DenseCall, Fill, GemmOp, SvdJob};
use faer::{MatRef, Side};
use num_complex::Complex;

type C<T> = Complex<T>;

/// Runs the complex `call` in `Complex<T>`, returning `info`.
///
/// # Safety
/// As [`solver::run`](super::solver::run).
pub(super) unsafe fn compute<T: Real>(call: &DenseCall) -> Result<i32, String>
where
    C<T>: faer::traits::ComplexField<Real = T>,
{
    let upper_triangle = |uplo: Fill| move |i: usize, j: usize| if uplo == Fill::Upper { i <= j } else { i >= j };
    // SAFETY (every read and write below): the spans are those of `accesses` (the contract).
    unsafe {
        match *call {
            DenseCall::Potrf { uplo, n, a, lda } => {
                let mut m = Host::<C<T>>::read(a, n, n, lda);
                let info = potrf(&mut m, uplo == Fill::Upper);
                m.write(upper_triangle(uplo));
                Ok(info)
            }
            DenseCall::Getrf { m: rows, n, a, lda, ipiv } => {
                let mut m = Host::<C<T>>::read(a, rows, n, lda);
                let (info, piv) = getrf(&mut m, n.max(0) as usize);
                m.write(|_, _| true);
                for (i, p) in piv.iter().enumerate() {
                    std::ptr::write_unaligned((ipiv as usize as *mut i32).add(i), *p);
                }
                Ok(info)
            }
            DenseCall::Getrs { trans, n, nrhs, a, lda, ipiv, b, ldb } => {
                let lu = Host::<C<T>>::read(a, n, n, lda);
                let piv = read_ints(ipiv, n.max(0) as usize);
                let mut x = Host::<C<T>>::read(b, n, nrhs, ldb);
                getrs(&lu, &piv, &mut x, trans)?;
                x.write(|_, _| true);
                Ok(0)
            }
            DenseCall::Syevd { vectors, uplo, n, a, lda, w } => {
                let mut m = Host::<C<T>>::read(a, n, n, lda);
                let info = heevd(&mut m, uplo, w);
                if !vectors {
                    m.data.fill(C::new(T::nan(), T::nan()));
                }
                let read = upper_triangle(uplo);
                m.write(|i, j| vectors || read(i, j));
                Ok(info)
            }
            DenseCall::Geqrf { m: rows, n, a, lda, tau } => {
                let mut m = Host::<C<T>>::read(a, rows, n, lda);
                let taus = geqrf(&mut m, n.max(0) as usize);
                m.write(|_, _| true);
                for (i, t) in taus.iter().enumerate() {
                    std::ptr::write_unaligned((tau as usize as *mut C<T>).add(i), *t);
                }
                Ok(0)
            }
            DenseCall::Orgqr { m: rows, n, k, a, lda, tau } => {
                let mut m = Host::<C<T>>::read(a, rows, n, lda);
                let taus = Host::<C<T>>::read(tau, k, 1, k.max(1)).data;
                ungqr(&mut m, n.max(0) as usize, &taus);
                m.write(|_, _| true);
                Ok(0)
            }
            DenseCall::Gesvd { jobu, jobvt, m: rows, n, a, lda, s: sv, u, ldu, vt, ldvt, .. } => {
                let mut m = Host::<C<T>>::read(a, rows, n, lda);
                let info = gesvd(&m, n.max(0) as usize, (jobu, u, ldu), (jobvt, vt, ldvt), sv);
                // A is destroyed: nothing may read it afterwards.
                m.data.fill(C::new(T::nan(), T::nan()));
                m.write(|_, _| true);
                Ok(info)
            }
        }
    }
}

/// Hermitian Cholesky in place: `A = L Lᴴ` from and into the lower triangle, or `A = Uᴴ U`
/// (`U = Lᴴ`) from and into the upper one. Returns `info`: `j + 1` when pivot `j` is not
/// positive (or NaN).
fn potrf<T: Real>(m: &mut Host<C<T>>, upper: bool) -> i32 {
    let n = m.rows;
    // Element (i, j), i >= j, of L (and of A's lower triangle); the upper triangle holds their
    // conjugates.
    let get = |m: &Host<C<T>>, i: usize, j: usize| if upper { m.at(j, i).conj() } else { m.at(i, j) };
    let put = |m: &mut Host<C<T>>, i: usize, j: usize, v: C<T>| {
        if upper {
            m.set(j, i, v.conj());
        } else {
            m.set(i, j, v);
        }
    };
    for j in 0..n {
        let mut d = get(m, j, j).re;
        for k in 0..j {
            d -= get(m, j, k).norm_sqr();
        }
        if d.partial_cmp(&T::zero()) != Some(std::cmp::Ordering::Greater) {
            return (j + 1) as i32;
        }
        let d = d.sqrt();
        put(m, j, j, C::new(d, T::zero()));
        for i in j + 1..n {
            let s = (0..j).fold(get(m, i, j), |s, k| s - get(m, i, k) * get(m, j, k).conj());
            put(m, i, j, s / d);
        }
    }
    0
}

/// `|re| + |im|`, the magnitude LAPACK's `izamax` pivots on.
fn cabs1<T: Real>(z: C<T>) -> T {
    z.re.abs() + z.im.abs()
}

/// LU with partial pivoting in place (`zgetf2`, pivoting on `izamax`'s `|re| + |im|`): returns
/// `info` (the first exactly zero pivot, 1-based) and the 1-based interchanges.
fn getrf<T: Real>(m: &mut Host<C<T>>, n: usize) -> (i32, Vec<i32>) {
    super::solver::getf2(m, n, cabs1)
}

/// Solves `A X = B` (`trans == N`) or `Aᵀ X = B` (`T`, no conjugation) from `getrf`'s factors,
/// in place in `x`.
fn getrs<T: Real>(lu: &Host<C<T>>, piv: &[i32], x: &mut Host<C<T>>, trans: GemmOp) -> Result<(), String> {
    let n = lu.rows;
    let nrhs = x.data.len().checked_div(n).unwrap_or(0);
    let rows: Vec<usize> = (0..n)
        .map(|i| {
            let p = usize::try_from(piv[i] - 1).ok().filter(|&p| p < n);
            p.ok_or_else(|| format!("getrs: devIpiv[{i}] = {} is not a row of a {n}-row matrix", piv[i]))
        })
        .collect::<Result<_, _>>()?;
    let swap = |x: &mut Host<C<T>>, i: usize, p: usize| {
        for c in 0..nrhs {
            let (a, b) = (x.at(i, c), x.at(p, c));
            x.set(i, c, b);
            x.set(p, c, a);
        }
    };
    // L (unit lower) and U as stored, or transposed.
    let f = |i: usize, k: usize| if trans == GemmOp::N { lu.at(i, k) } else { lu.at(k, i) };
    if trans == GemmOp::N {
        (0..n).for_each(|i| swap(x, i, rows[i]));
    }
    for c in 0..nrhs {
        // N: L forward (unit), U back. T: Uᵀ forward (lower, divided), Lᵀ back (unit upper).
        let unit_first = trans == GemmOp::N;
        for i in 0..n {
            let s = (0..i).fold(x.at(i, c), |s, k| s - f(i, k) * x.at(k, c));
            x.set(i, c, if unit_first { s } else { s / f(i, i) });
        }
        for i in (0..n).rev() {
            let s = (i + 1..n).fold(x.at(i, c), |s, k| s - f(i, k) * x.at(k, c));
            x.set(i, c, if unit_first { s / f(i, i) } else { s });
        }
    }
    if trans == GemmOp::T {
        (0..n).rev().for_each(|i| swap(x, i, rows[i]));
    }
    Ok(())
}

/// The Hermitian eigendecomposition of the `uplo` triangle of `m` (the other mirrored as its
/// conjugate, the diagonal's imaginary parts ignored): eigenvalues (ascending, real) to `w`,
/// eigenvectors into `m`. Returns `info` (1 when faer's solver did not converge).
///
/// # Safety
/// `w` holds `n` writable elements of `T` nothing else accesses.
unsafe fn heevd<T: Real>(m: &mut Host<C<T>>, uplo: Fill, w: u64) -> i32
where
    C<T>: faer::traits::ComplexField<Real = T>,
{
    let n = m.rows;
    for j in 0..n {
        for i in 0..j {
            // (i, j) is in the upper triangle, (j, i) in the lower.
            if uplo == Fill::Upper {
                m.set(j, i, m.at(i, j).conj());
            } else {
                m.set(i, j, m.at(j, i).conj());
            }
        }
        m.set(j, j, C::new(m.at(j, j).re, T::zero()));
    }
    let a = MatRef::from_column_major_slice(&m.data, n, n);
    let Ok(f) = a.self_adjoint_eigen(Side::Lower) else {
        return 1;
    };
    for (k, x) in f.S().column_vector().iter().enumerate() {
        // SAFETY: the caller's contract.
        unsafe { std::ptr::write_unaligned((w as usize as *mut T).add(k), x.re) };
    }
    let u = f.U();
    for j in 0..n {
        for i in 0..n {
            m.set(i, j, u[(i, j)]);
        }
    }
    0
}

/// Householder QR in place (`zgeqr2`): `R` on and above the diagonal (a real diagonal), the
/// vectors `v` (implicit 1 on the diagonal) below it; returns the scalars `tau` of
/// `H(j) = I - tau v vᴴ` (`zlarfg`: `tau = 0` when nothing is left to annihilate).
fn geqrf<T: Real>(m: &mut Host<C<T>>, n: usize) -> Vec<C<T>> {
    let rows = m.rows;
    let zero = C::new(T::zero(), T::zero());
    let mut taus = Vec::with_capacity(rows.min(n));
    for j in 0..rows.min(n) {
        let alpha = m.at(j, j);
        let xnorm = (j + 1..rows).fold(T::zero(), |s, i| s.hypot(m.at(i, j).norm()));
        if xnorm == T::zero() && alpha.im == T::zero() {
            taus.push(zero);
            continue;
        }
        let beta = -alpha.re.signum() * alpha.re.hypot(alpha.im).hypot(xnorm);
        let tau = C::new((beta - alpha.re) / beta, -alpha.im / beta);
        let scale = C::new(T::one(), T::zero()) / (alpha - beta);
        for i in j + 1..rows {
            m.set(i, j, m.at(i, j) * scale);
        }
        m.set(j, j, C::new(beta, T::zero()));
        let store = Host { ptr: 0, ld: rows, rows, data: m.data.clone() };
        for c in j + 1..n {
            reflect(&store, j, tau.conj(), m, c);
        }
        taus.push(tau);
    }
    taus
}

/// Applies `I - t v vᴴ` to column `c` of `target` from the left, `v` read from column `j` of
/// `store` below row `j` (implicit 1 at `j`).
fn reflect<T: Real>(store: &Host<C<T>>, j: usize, t: C<T>, target: &mut Host<C<T>>, c: usize) {
    let one = C::new(T::one(), T::zero());
    let v = |i: usize| if i == j { one } else { store.at(i, j) };
    let w = (j..target.rows).fold(C::new(T::zero(), T::zero()), |s, i| s + v(i).conj() * target.at(i, c));
    for i in j..target.rows {
        target.set(i, c, target.at(i, c) - t * v(i) * w);
    }
}

/// The first `n` columns of `Q = H(0) … H(k-1)` (`zung2r`), from the vectors in the first `k`
/// columns of `m`, which it overwrites.
fn ungqr<T: Real>(m: &mut Host<C<T>>, n: usize, taus: &[C<T>]) {
    let rows = m.rows;
    let store = Host { ptr: 0, ld: rows, rows, data: m.data.clone() };
    let mut q = Host { ptr: 0, ld: rows, rows, data: vec![C::new(T::zero(), T::zero()); rows * n] };
    for d in 0..n.min(rows) {
        q.set(d, d, C::new(T::one(), T::zero()));
    }
    for (j, &tau) in taus.iter().enumerate().rev() {
        for c in 0..n {
            reflect(&store, j, tau, &mut q, c);
        }
    }
    m.data = q.data;
}

/// The SVD of the `rows × n` matrix `a` (`rows ≥ n`): the singular values (real, descending)
/// to `s`, `U` and `Vᴴ` to the matrices `(job, ptr, ld)` describe. Returns `info` (1 when
/// faer's SVD did not converge).
///
/// # Safety
/// As the real stand-in's: `s` holds `n` writable elements of `T`, each requested matrix's
/// span lies in writable memory nothing else accesses.
unsafe fn gesvd<T: Real>(a: &Host<C<T>>, n: usize, u: (SvdJob, u64, i32), vt: (SvdJob, u64, i32), s: u64) -> i32
where
    C<T>: faer::traits::ComplexField<Real = T>,
{
    let rows = a.rows;
    let mat = MatRef::from_column_major_slice(&a.data, rows, n);
    let f = if u.0 == SvdJob::All { mat.svd() } else { mat.thin_svd() };
    let Ok(f) = f else {
        return 1;
    };
    for (k, x) in f.S().column_vector().iter().enumerate() {
        // SAFETY: the caller's contract.
        unsafe { std::ptr::write_unaligned((s as usize as *mut T).add(k), x.re) };
    }
    if u.0 != SvdJob::None {
        let fu = f.U();
        // SAFETY: the caller's contract.
        unsafe { Host::from_fn(u.1, u.2, rows, fu.ncols(), |i, j| fu[(i, j)]).write(|_, _| true) };
    }
    if vt.0 != SvdJob::None {
        let fv = f.V();
        // SAFETY: the caller's contract.
        unsafe { Host::from_fn(vt.1, vt.2, n, n, |i, j| fv[(j, i)].conj()).write(|_, _| true) };
    }
    0
}
