//! The emulator's stand-ins for the dense cuSOLVER routines devarray calls
//! (`cusolverDn{S,D}potrf`, `getrf`, `getrs`, `syevd`, `geqrf`, `orgqr`, `gesvd` and their
//! `_bufferSize` queries, and the complex `C`/`Z` routines through
//! [`solver_complex`](super::solver_complex)): the computations cuSOLVER (LAPACK) documents, on
//! emulated device memory, so the code that maps the decompositions onto cuSOLVER runs in CI.
//!
//! - Arguments are validated as cuSOLVER validates them (`CUSOLVER_STATUS_INVALID_VALUE`:
//!   negative sizes, `lda`/`ldb` below the rows, `lwork` below what the query returned) when
//!   the call is made; every range the call touches is checked against the live allocations
//!   when the stream runs it, as a launch's pointers are.
//! - Matrices are column-major with their leading dimension; `ipiv` is LAPACK's 1-based row
//!   interchanges; `info` is written in stream order: `k > 0` for a leading minor of order `k`
//!   that is not positive definite (`potrf`), an exactly zero `U(k, k)` (`getrf`), or an
//!   eigensolver or SVD that did not converge (`syevd`, `gesvd`).
//! - Only what the library writes is written: `potrf` leaves the other triangle alone. What it
//!   leaves undefined is poisoned with NaN, so mapping code that relies on it fails here: the
//!   workspace after every call, `A` after `syevd` without eigenvectors and after `gesvd`.
//! - LU, Cholesky and QR are the textbook loops (LAPACK's unblocked `getf2`/`potf2`/`geqr2`
//!   and `org2r`, with `dlarfg`'s reflector convention: `beta = -sign(alpha) ‖x‖`); the
//!   symmetric eigendecomposition and the SVD are faer's.

use crate::cpu::linalg::range_scale;
use crate::cuda::api::{Dense, DenseCall, DenseScratch, Fill, GemmOp, SolverType, SvdJob};
use faer::{MatRef, Side};
use num_traits::Float;

/// The element types the stand-ins compute in (each routine in its own precision; the
/// complex ones in [`solver_complex`](super::solver_complex) in `Complex` of these).
pub(super) trait Real: faer::traits::RealField + Float + std::ops::SubAssign + Copy + 'static {}
impl Real for f32 {}
impl Real for f64 {}

/// One queued dense call with its scratch memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SolverOp {
    pub(crate) dense: Dense,
    pub(crate) scratch: DenseScratch,
}

/// Why cuSOLVER would refuse `call` with `CUSOLVER_STATUS_INVALID_VALUE` (or the emulator
/// with "not emulated"), if it would.
pub(crate) fn validate(call: &DenseCall) -> Result<(), String> {
    let size = |what: &str, v: i32| if v < 0 { Err(format!("{what} = {v} < 0")) } else { Ok(()) };
    let ld = |what: &str, ld: i32, rows: i32| {
        if ld < rows.max(1) {
            Err(format!("{what} = {ld} < max(1, {rows}), the rows of the matrix"))
        } else {
            Ok(())
        }
    };
    match *call {
        DenseCall::Potrf { n, lda, .. } | DenseCall::Syevd { n, lda, .. } => {
            size("n", n)?;
            ld("lda", lda, n)
        }
        DenseCall::Getrf { m, n, lda, ipiv, .. } => {
            size("m", m)?;
            size("n", n)?;
            ld("lda", lda, m)?;
            if ipiv == 0 {
                return Err("devIpiv = NULL (LU without pivoting) is not emulated".into());
            }
            Ok(())
        }
        DenseCall::Getrs { n, nrhs, lda, ldb, .. } => {
            size("n", n)?;
            size("nrhs", nrhs)?;
            ld("lda", lda, n)?;
            ld("ldb", ldb, n)
        }
        DenseCall::Geqrf { m, n, lda, .. } => {
            size("m", m)?;
            size("n", n)?;
            ld("lda", lda, m)
        }
        DenseCall::Orgqr { m, n, k, lda, .. } => {
            if !(m >= n && n >= k && k >= 0) {
                return Err(format!("orgqr needs m >= n >= k >= 0, got m {m}, n {n}, k {k}"));
            }
            ld("lda", lda, m)
        }
        DenseCall::Gesvd { jobu, jobvt, m, n, lda, ldu, ldvt, .. } => {
            size("n", n)?;
            if m < n {
                return Err(format!("gesvd needs m >= n, got m {m}, n {n}"));
            }
            ld("lda", lda, m)?;
            // LAPACK's rules: at least 1, and the rows when the vectors are computed.
            ld("ldu", ldu, if jobu == SvdJob::None { 0 } else { m })?;
            ld("ldvt", ldvt, if jobvt == SvdJob::None { 0 } else { n })
        }
    }
}

/// The workspace the stand-in's `_bufferSize` query reports, in elements: LAPACK's minimum for
/// the same routine (`syevd`'s `1 + 6n + 2n²` with vectors, `2n + 1` without; `n` otherwise).
/// cuSOLVER's own sizes differ; what matters is that the caller allocates what it was told.
pub(crate) fn workspace(call: &DenseCall) -> i32 {
    let n = match *call {
        DenseCall::Potrf { n, .. }
        | DenseCall::Getrf { n, .. }
        | DenseCall::Geqrf { n, .. }
        | DenseCall::Orgqr { n, .. } => return n.max(1),
        DenseCall::Gesvd { m, .. } => return m.max(1),
        DenseCall::Getrs { .. } => return 0,
        DenseCall::Syevd { n, .. } => i64::from(n),
    };
    let size = match *call {
        _ if n <= 1 => 1,
        DenseCall::Syevd { vectors: true, .. } => 1 + 6 * n + 2 * n * n,
        _ => 2 * n + 1,
    };
    i32::try_from(size).unwrap_or(i32::MAX)
}

/// Why cuSOLVER would refuse `op` at the call: [`validate`], and a `lwork` below the query's
/// answer (`getrf` takes no `lwork`: its workspace is the queried size, checked when it runs).
pub(crate) fn validate_op(op: &SolverOp) -> Result<(), String> {
    validate(&op.dense.call)?;
    let needs_lwork = !matches!(op.dense.call, DenseCall::Getrf { .. } | DenseCall::Getrs { .. });
    let need = workspace(&op.dense.call);
    if needs_lwork && op.scratch.lwork < need {
        return Err(format!("lwork = {} < {need}, the size the _bufferSize query returned", op.scratch.lwork));
    }
    Ok(())
}

/// The byte range `[lo, hi)` of a column-major `rows × cols` matrix at `ptr` with leading
/// dimension `ld`, or `None` when it holds no element.
fn matrix(ptr: u64, rows: i32, cols: i32, ld: i32, isz: usize) -> Option<(u64, u64)> {
    if rows <= 0 || cols <= 0 {
        return None;
    }
    let elems = i64::from(cols - 1) * i64::from(ld) + i64::from(rows);
    Some((ptr, ptr.wrapping_add(elems as u64 * isz as u64)))
}

/// Every byte range `op` reads or writes, named, for the memory checks.
pub(crate) fn accesses(op: &SolverOp) -> Vec<(&'static str, u64, u64)> {
    let isz = op.dense.dtype.itemsize();
    // W, S and rwork are real arrays, of the component type for the complex routines.
    let rsz = op.dense.dtype.real_itemsize();
    let ints = |ptr: u64, n: i32| matrix(ptr, n, 1, n.max(1), 4);
    let s = op.scratch;
    let work = |elems: i32| matrix(s.work, elems, 1, elems.max(1), isz);
    let spans = match op.dense.call {
        DenseCall::Potrf { n, a, lda, .. } => vec![("A", matrix(a, n, n, lda, isz)), ("workspace", work(s.lwork))],
        DenseCall::Getrf { m, n, a, lda, ipiv } => vec![
            ("A", matrix(a, m, n, lda, isz)),
            ("devIpiv", ints(ipiv, m.min(n))),
            ("workspace", work(workspace(&op.dense.call))),
        ],
        DenseCall::Getrs { n, nrhs, a, lda, ipiv, b, ldb, .. } => {
            vec![("A", matrix(a, n, n, lda, isz)), ("devIpiv", ints(ipiv, n)), ("B", matrix(b, n, nrhs, ldb, isz))]
        }
        DenseCall::Syevd { n, a, lda, w, .. } => {
            vec![("A", matrix(a, n, n, lda, isz)), ("W", matrix(w, n, 1, n.max(1), rsz)), ("workspace", work(s.lwork))]
        }
        DenseCall::Geqrf { m, n, a, lda, tau } => vec![
            ("A", matrix(a, m, n, lda, isz)),
            ("TAU", matrix(tau, m.min(n), 1, m.min(n).max(1), isz)),
            ("workspace", work(s.lwork)),
        ],
        DenseCall::Orgqr { m, n, k, a, lda, tau } => vec![
            ("A", matrix(a, m, n, lda, isz)),
            ("tau", matrix(tau, k, 1, k.max(1), isz)),
            ("workspace", work(s.lwork)),
        ],
        DenseCall::Gesvd { jobu, jobvt, m, n, a, lda, s: sv, u, ldu, vt, ldvt, rwork } => {
            let u_cols = match jobu {
                SvdJob::All => m,
                SvdJob::Thin => n,
                SvdJob::None => 0,
            };
            let vt_rows = if jobvt == SvdJob::None { 0 } else { n };
            vec![
                ("A", matrix(a, m, n, lda, isz)),
                ("S", matrix(sv, n, 1, n.max(1), rsz)),
                ("U", matrix(u, m, u_cols, ldu, isz)),
                ("VT", matrix(vt, vt_rows, n, ldvt, isz)),
                ("rwork", matrix(rwork, n - 1, 1, n.max(1), rsz)),
                ("workspace", work(s.lwork)),
            ]
        }
    };
    let mut out: Vec<_> = spans.into_iter().filter_map(|(name, r)| r.map(|(lo, hi)| (name, lo, hi))).collect();
    out.push(("devInfo", s.info, s.info.wrapping_add(4)));
    out
}

/// Runs `op`: computes, poisons the workspace and writes `info`. An `ipiv` entry out of range
/// (`getrs` given something `getrf` did not write) is an error of the asynchronous work.
///
/// # Safety
/// `op` passed [`validate_op`], and every range of [`accesses`] lies in live memory, the ranges
/// do not overlap, and nothing else accesses them while this runs.
pub(crate) unsafe fn run(op: &SolverOp) -> Result<(), String> {
    // SAFETY: the caller's contract.
    let info = unsafe {
        match op.dense.dtype {
            SolverType::F32 => compute::<f32>(&op.dense.call)?,
            SolverType::F64 => compute::<f64>(&op.dense.call)?,
            SolverType::C64 => super::solver_complex::compute::<f32>(&op.dense.call)?,
            SolverType::C128 => super::solver_complex::compute::<f64>(&op.dense.call)?,
        }
    };
    let isz = op.dense.dtype.itemsize();
    let work_elems = match op.dense.call {
        DenseCall::Getrf { .. } => workspace(&op.dense.call),
        DenseCall::Getrs { .. } => 0,
        _ => op.scratch.lwork,
    };
    // SAFETY: the workspace and `info` lie in live memory nobody else touches (the contract);
    // 0xFF bytes are NaN in f32 and f64.
    unsafe {
        std::ptr::write_bytes(op.scratch.work as usize as *mut u8, 0xFF, work_elems.max(0) as usize * isz);
        std::ptr::write_unaligned(op.scratch.info as usize as *mut i32, info);
    }
    Ok(())
}

/// A column-major matrix copied out of (and back into) emulated device memory.
pub(super) struct Host<T> {
    pub(super) ptr: u64,
    pub(super) ld: usize,
    pub(super) rows: usize,
    pub(super) data: Vec<T>,
}

impl<T: Copy> Host<T> {
    /// A `rows × cols` matrix bound for `ptr` (leading dimension `ld`), filled column by column
    /// from `at(i, j)`: a factor computed on the host, to be written back with [`Host::write`].
    pub(super) fn from_fn(ptr: u64, ld: i32, rows: usize, cols: usize, at: impl Fn(usize, usize) -> T) -> Host<T> {
        let data = (0..cols).flat_map(|j| (0..rows).map(move |i| (i, j))).map(|(i, j)| at(i, j)).collect();
        Host { ptr, ld: ld.max(1) as usize, rows, data }
    }

    /// Reads the `rows × cols` matrix at `ptr`.
    ///
    /// # Safety
    /// The matrix's span lies in readable memory.
    pub(super) unsafe fn read(ptr: u64, rows: i32, cols: i32, ld: i32) -> Host<T> {
        let (rows, cols, ld) = (rows.max(0) as usize, cols.max(0) as usize, ld.max(1) as usize);
        let mut data = Vec::with_capacity(rows * cols);
        for j in 0..cols {
            for i in 0..rows {
                let at = ptr as usize + (i + j * ld) * std::mem::size_of::<T>();
                // SAFETY: inside the span (the caller's contract); unaligned, as the emulator does
                // not assume alignment.
                data.push(unsafe { std::ptr::read_unaligned(at as *const T) });
            }
        }
        Host { ptr, ld, rows, data }
    }

    pub(super) fn at(&self, i: usize, j: usize) -> T {
        self.data[i + j * self.rows]
    }

    pub(super) fn set(&mut self, i: usize, j: usize, v: T) {
        self.data[i + j * self.rows] = v;
    }

    /// Writes back the elements `keep(i, j)` selects.
    ///
    /// # Safety
    /// The matrix's span lies in writable memory nothing else accesses.
    pub(super) unsafe fn write(&self, keep: impl Fn(usize, usize) -> bool) {
        let cols = self.data.len().checked_div(self.rows).unwrap_or(0);
        for j in 0..cols {
            for i in (0..self.rows).filter(|&i| keep(i, j)) {
                let at = self.ptr as usize + (i + j * self.ld) * std::mem::size_of::<T>();
                // SAFETY: inside the span (the caller's contract).
                unsafe { std::ptr::write_unaligned(at as *mut T, self.at(i, j)) };
            }
        }
    }
}

/// Reads `n` 32-bit integers at `ptr`.
///
/// # Safety
/// The range lies in readable memory.
pub(super) unsafe fn read_ints(ptr: u64, n: usize) -> Vec<i32> {
    // SAFETY: the caller's contract.
    (0..n).map(|i| unsafe { std::ptr::read_unaligned((ptr as usize as *const i32).add(i)) }).collect()
}

/// Runs `call` in `T`, returning `info`.
///
/// # Safety
/// As [`run`].
unsafe fn compute<T: Real>(call: &DenseCall) -> Result<i32, String> {
    // SAFETY (every read and write below): the spans are those of `accesses` (the contract).
    unsafe {
        match *call {
            DenseCall::Potrf { uplo, n, a, lda } => {
                let mut m = Host::<T>::read(a, n, n, lda);
                let info = potrf(&mut m, uplo == Fill::Upper);
                m.write(|i, j| if uplo == Fill::Upper { i <= j } else { i >= j });
                Ok(info)
            }
            DenseCall::Getrf { m: rows, n, a, lda, ipiv } => {
                let mut m = Host::<T>::read(a, rows, n, lda);
                let (info, piv) = getrf(&mut m, n.max(0) as usize);
                m.write(|_, _| true);
                for (i, p) in piv.iter().enumerate() {
                    std::ptr::write_unaligned((ipiv as usize as *mut i32).add(i), *p);
                }
                Ok(info)
            }
            DenseCall::Getrs { trans, n, nrhs, a, lda, ipiv, b, ldb } => {
                let lu = Host::<T>::read(a, n, n, lda);
                let piv = read_ints(ipiv, n.max(0) as usize);
                let mut x = Host::<T>::read(b, n, nrhs, ldb);
                getrs(&lu, &piv, &mut x, trans, nrhs.max(0) as usize)?;
                x.write(|_, _| true);
                Ok(0)
            }
            DenseCall::Syevd { vectors, uplo, n, a, lda, w } => {
                let mut m = Host::<T>::read(a, n, n, lda);
                let info = syevd(&mut m, uplo, w);
                if !vectors {
                    m.data.fill(T::nan());
                }
                m.write(|i, j| vectors || (if uplo == Fill::Upper { i <= j } else { i >= j }));
                Ok(info)
            }
            DenseCall::Geqrf { m: rows, n, a, lda, tau } => {
                let mut m = Host::<T>::read(a, rows, n, lda);
                let taus = geqrf(&mut m, n.max(0) as usize);
                m.write(|_, _| true);
                for (i, t) in taus.iter().enumerate() {
                    std::ptr::write_unaligned((tau as usize as *mut T).add(i), *t);
                }
                Ok(0)
            }
            DenseCall::Gesvd { jobu, jobvt, m: rows, n, a, lda, s: sv, u, ldu, vt, ldvt, .. } => {
                let mut m = Host::<T>::read(a, rows, n, lda);
                let info = gesvd(&m, n.max(0) as usize, (jobu, u, ldu), (jobvt, vt, ldvt), sv);
                // A is destroyed: nothing may read it afterwards.
                m.data.fill(T::nan());
                m.write(|_, _| true);
                Ok(info)
            }
            DenseCall::Orgqr { m: rows, n, k, a, lda, tau } => {
                let mut m = Host::<T>::read(a, rows, n, lda);
                let taus = Host::<T>::read(tau, k, 1, k.max(1)).data;
                orgqr(&mut m, n.max(0) as usize, &taus);
                m.write(|_, _| true);
                Ok(0)
            }
        }
    }
}

/// Cholesky in place, reading and writing the lower triangle (`A = L Lᵀ`), or the upper one
/// (`A = Uᵀ U`, `U = Lᵀ`). Returns `info`: `j + 1` when pivot `j` is not positive (or NaN).
fn potrf<T: Real>(m: &mut Host<T>, upper: bool) -> i32 {
    let n = m.rows;
    // Element (i, j) of L, i >= j, in the triangle the call uses.
    let idx = |i: usize, j: usize| if upper { (j, i) } else { (i, j) };
    for j in 0..n {
        let (r, c) = idx(j, j);
        let mut d = m.at(r, c);
        for k in 0..j {
            let (r, c) = idx(j, k);
            d -= m.at(r, c) * m.at(r, c);
        }
        if d.partial_cmp(&T::zero()) != Some(std::cmp::Ordering::Greater) {
            return (j + 1) as i32;
        }
        let d = d.sqrt();
        m.set(r, c, d);
        for i in j + 1..n {
            let (ri, ci) = idx(i, j);
            let mut s = m.at(ri, ci);
            for k in 0..j {
                let (a, b) = (idx(i, k), idx(j, k));
                s -= m.at(a.0, a.1) * m.at(b.0, b.1);
            }
            m.set(ri, ci, s / d);
        }
    }
    0
}

/// LU with partial pivoting in place (LAPACK's `getf2`): returns `info` (the first exactly
/// zero pivot, 1-based) and the 1-based interchanges.
fn getrf<T: Real>(m: &mut Host<T>, n: usize) -> (i32, Vec<i32>) {
    getf2(m, n, |x: T| x.abs())
}

/// The `getf2` loop for real and complex elements (`?getf2`/`zgetf2`): `size` is the magnitude
/// pivots are chosen by (`|x|`, or `|re| + |im|` as `izamax`), the first largest winning (NaN is
/// never larger).
pub(super) fn getf2<E, S>(m: &mut Host<E>, n: usize, size: impl Fn(E) -> S) -> (i32, Vec<i32>)
where
    E: Copy
        + PartialEq
        + num_traits::Zero
        + std::ops::Div<Output = E>
        + std::ops::Mul<Output = E>
        + std::ops::Sub<Output = E>,
    S: PartialOrd,
{
    let rows = m.rows;
    let mut info = 0;
    let mut piv = Vec::with_capacity(rows.min(n));
    for j in 0..rows.min(n) {
        let mut p = j;
        for i in j + 1..rows {
            if size(m.at(i, j)) > size(m.at(p, j)) {
                p = i;
            }
        }
        piv.push((p + 1) as i32);
        if m.at(p, j) != E::zero() {
            if p != j {
                for c in 0..n {
                    let (x, y) = (m.at(j, c), m.at(p, c));
                    m.set(j, c, y);
                    m.set(p, c, x);
                }
            }
            let d = m.at(j, j);
            for i in j + 1..rows {
                m.set(i, j, m.at(i, j) / d);
            }
        } else if info == 0 {
            info = (j + 1) as i32;
        }
        for c in j + 1..n {
            let u = m.at(j, c);
            for i in j + 1..rows {
                m.set(i, c, m.at(i, c) - m.at(i, j) * u);
            }
        }
    }
    (info, piv)
}

/// Solves `A X = B` (`trans == N`) or `Aᵀ X = B` from `getrf`'s factors, in place in `x`.
fn getrs<T: Real>(lu: &Host<T>, piv: &[i32], x: &mut Host<T>, trans: GemmOp, nrhs: usize) -> Result<(), String> {
    let n = lu.rows;
    let swap = |x: &mut Host<T>, i: usize| -> Result<(), String> {
        let p = usize::try_from(piv[i] - 1).ok().filter(|&p| p < n);
        let p = p.ok_or_else(|| format!("getrs: devIpiv[{i}] = {} is not a row of a {n}-row matrix", piv[i]))?;
        for c in 0..nrhs {
            let (a, b) = (x.at(i, c), x.at(p, c));
            x.set(i, c, b);
            x.set(p, c, a);
        }
        Ok(())
    };
    // L (unit lower) and U as stored, or transposed (`trans`).
    let l = |i: usize, k: usize| if trans == GemmOp::N { lu.at(i, k) } else { lu.at(k, i) };
    let u = |i: usize, k: usize| if trans == GemmOp::N { lu.at(i, k) } else { lu.at(k, i) };
    for c in 0..nrhs {
        if trans == GemmOp::N {
            if c == 0 {
                (0..n).try_for_each(|i| swap(x, i))?;
            }
            for i in 0..n {
                let s = (0..i).fold(x.at(i, c), |s, k| s - l(i, k) * x.at(k, c));
                x.set(i, c, s);
            }
            for i in (0..n).rev() {
                let s = (i + 1..n).fold(x.at(i, c), |s, k| s - u(i, k) * x.at(k, c));
                x.set(i, c, s / u(i, i));
            }
        } else {
            // Aᵀ = Uᵀ Lᵀ Pᵀ: forward with Uᵀ (lower), back with Lᵀ (unit upper), then P.
            for i in 0..n {
                let s = (0..i).fold(x.at(i, c), |s, k| s - u(i, k) * x.at(k, c));
                x.set(i, c, s / u(i, i));
            }
            for i in (0..n).rev() {
                let s = (i + 1..n).fold(x.at(i, c), |s, k| s - l(i, k) * x.at(k, c));
                x.set(i, c, s);
            }
        }
    }
    if trans == GemmOp::T {
        (0..n).rev().try_for_each(|i| swap(x, i))?;
    }
    Ok(())
}

/// The symmetric eigendecomposition of the `uplo` triangle of `m`: eigenvalues (ascending)
/// to `w`, eigenvectors into `m`. Returns `info` (1 when faer's solver did not converge).
///
/// # Safety
/// `w` holds `n` writable elements of `T` nothing else accesses.
unsafe fn syevd<T: Real>(m: &mut Host<T>, uplo: Fill, w: u64) -> i32 {
    let n = m.rows;
    for j in 0..n {
        for i in 0..j {
            // Mirror the triangle read into the lower one faer reads.
            if uplo == Fill::Upper {
                m.set(j, i, m.at(i, j));
            }
        }
    }
    // LAPACK's `syevd` scales a matrix outside the safe range (the lower triangle, the one
    // read, decides), and so does this stand-in, with the CPU backend's rule.
    let scale = range_scale((0..n).flat_map(|j| (j..n).map(move |i| (i, j))).map(|(i, j)| m.at(i, j)));
    let scaled: Option<Vec<T>> = scale.map(|c| m.data.iter().map(|&x| x / c).collect());
    let a = MatRef::from_column_major_slice(scaled.as_deref().unwrap_or(&m.data), n, n);
    let Ok(f) = a.self_adjoint_eigen(Side::Lower) else {
        return 1;
    };
    for (k, &x) in f.S().column_vector().iter().enumerate() {
        let x = scale.map_or(x, |c| x * c);
        // SAFETY: the caller's contract.
        unsafe { std::ptr::write_unaligned((w as usize as *mut T).add(k), x) };
    }
    let u = f.U();
    for j in 0..n {
        for i in 0..n {
            m.set(i, j, u[(i, j)]);
        }
    }
    0
}

/// Householder QR in place (LAPACK's `geqr2`): `R` on and above the diagonal, the vectors
/// `v` (with an implicit 1 on the diagonal) below it; returns the scalars `tau`, so that
/// `H(j) = I - tau[j] v vᵀ` (`tau = 0` when the column below the diagonal is already zero).
fn geqrf<T: Real>(m: &mut Host<T>, n: usize) -> Vec<T> {
    let rows = m.rows;
    let mut taus = Vec::with_capacity(rows.min(n));
    for j in 0..rows.min(n) {
        let alpha = m.at(j, j);
        let xnorm = (j + 1..rows).fold(T::zero(), |s, i| s.hypot(m.at(i, j)));
        if xnorm == T::zero() {
            taus.push(T::zero());
            continue;
        }
        let beta = -alpha.signum() * alpha.hypot(xnorm);
        let tau = (beta - alpha) / beta;
        let scale = T::one() / (alpha - beta);
        for i in j + 1..rows {
            m.set(i, j, m.at(i, j) * scale);
        }
        m.set(j, j, beta);
        for c in j + 1..n {
            apply_reflector(m, j, j, tau, c);
        }
        taus.push(tau);
    }
    taus
}

/// Applies `H = I - tau v vᵀ` to column `c` of `target` from the left, with `v` read from
/// column `col` of the reflector store below row `top` (implicit 1 at `top`).
fn apply_reflector<T: Real>(target: &mut Host<T>, top: usize, col: usize, tau: T, c: usize) {
    let v = |t: &Host<T>, i: usize| if i == top { T::one() } else { t.at(i, col) };
    let w = (top..target.rows).fold(T::zero(), |s, i| s + v(target, i) * target.at(i, c));
    for i in top..target.rows {
        let x = target.at(i, c) - tau * v(target, i) * w;
        target.set(i, c, x);
    }
}

/// The first `n` columns of `Q = H(0) … H(k-1)` (LAPACK's `org2r`), from the vectors in the
/// first `k` columns of `m`, which it overwrites.
fn orgqr<T: Real>(m: &mut Host<T>, n: usize, taus: &[T]) {
    let rows = m.rows;
    let store = Host { ptr: 0, ld: rows, rows, data: m.data.clone() };
    let mut q = Host { ptr: 0, ld: rows, rows, data: vec![T::zero(); rows * n] };
    for d in 0..n.min(rows) {
        q.set(d, d, T::one());
    }
    for (j, &tau) in taus.iter().enumerate().rev() {
        for c in 0..n {
            // H(j) applied to Q's column c, reading v from the store.
            let v = |i: usize| if i == j { T::one() } else { store.at(i, j) };
            let w = (j..rows).fold(T::zero(), |s, i| s + v(i) * q.at(i, c));
            for i in j..rows {
                q.set(i, c, q.at(i, c) - tau * v(i) * w);
            }
        }
    }
    m.data = q.data;
}

/// The SVD of the `rows × n` matrix `a` (`rows ≥ n`): the singular values (descending) to
/// `s`, `U` and `Vᵀ` to the matrices `(job, ptr, ld)` describe. Returns `info` (1 when faer's
/// SVD did not converge, as on non-finite input; `rwork` is then left as it was).
///
/// # Safety
/// `s` holds `n` writable elements of `T`, and each requested matrix's span (`U`: `rows × rows`
/// with `All`, `rows × n` with `Thin`; `Vᵀ`: `n × n`) lies in writable memory nothing else
/// accesses.
unsafe fn gesvd<T: Real>(a: &Host<T>, n: usize, u: (SvdJob, u64, i32), vt: (SvdJob, u64, i32), s: u64) -> i32 {
    let rows = a.rows;
    // LAPACK's `gesvd` scales a matrix outside the safe range; so does this stand-in.
    let scale = range_scale(a.data.iter().copied());
    let scaled: Option<Vec<T>> = scale.map(|c| a.data.iter().map(|&x| x / c).collect());
    let mat = MatRef::from_column_major_slice(scaled.as_deref().unwrap_or(&a.data), rows, n);
    let f = if u.0 == SvdJob::All { mat.svd() } else { mat.thin_svd() };
    let Ok(f) = f else {
        return 1;
    };
    for (k, &x) in f.S().column_vector().iter().enumerate() {
        let x = scale.map_or(x, |c| x * c);
        // SAFETY: the caller's contract.
        unsafe { std::ptr::write_unaligned((s as usize as *mut T).add(k), x) };
    }
    if u.0 != SvdJob::None {
        let fu = f.U();
        // SAFETY: the caller's contract.
        unsafe { Host::from_fn(u.1, u.2, rows, fu.ncols(), |i, j| fu[(i, j)]).write(|_, _| true) };
    }
    if vt.0 != SvdJob::None {
        let fv = f.V();
        // SAFETY: the caller's contract.
        unsafe { Host::from_fn(vt.1, vt.2, n, n, |i, j| fv[(j, i)]).write(|_, _| true) };
    }
    0
}

#[cfg(test)]
#[path = "solver_tests.rs"]
mod tests;
