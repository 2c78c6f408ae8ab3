//! `devarray::linalg` on complex64/complex128 input: every decomposition and solver checked by
//! reconstruction with conjugate transposes (`L Lᴴ`, `Q R` with `Qᴴ Q = I`, `U diag(S) Vh`,
//! `A V = V diag(w)`, `A inv(A) = I`, `A X = B`, `A pinv(A) A = A`), real-valued results
//! (singular values, eigenvalues, `ln |det|`) in the real dtype, determinants against a known
//! answer, typed errors, empty stacks; on the CPU and, when there is one, on a CUDA device
//! (cuSOLVER's C/Z routines, or the emulator's stand-ins under `DEVARRAY_DEVICE=cuda-emu`),
//! where the factors are also compared with the CPU's where they are unique.

mod common;

use devarray::linalg::{self, MatrixNorm, QrMode};
use devarray::num_complex::Complex64;
use devarray::{Array, AxisSlice, DType, Device, Error, Result};

const CPU: Device = Device::Cpu;
const COMPLEX: [DType; 2] = [DType::C64, DType::C128];

/// Deterministic complex values with parts in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<Complex64> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((s >> 33) as f64 / (1u64 << 31) as f64) * 2.0 - 1.0
    };
    (0..n).map(|_| Complex64::new(next(), next())).collect()
}

/// Values of [`values`] as a `dtype` array on `dev`.
fn rand(shape: &[usize], dtype: DType, seed: u64, dev: &Device) -> Result<Array> {
    Array::from_slice(&values(shape.iter().product(), seed), shape, &CPU)?.astype(dtype)?.to_device(dev)
}

/// `aᴴ` over the last two axes.
fn adjoint(a: &Array) -> Result<Array> {
    a.conj()?.swapaxes(-2, -1)
}

fn eye_like(a: &Array) -> Result<Array> {
    let n = a.shape()[a.ndim() - 1];
    Array::eye(n, n, 0, a.dtype(), &a.device())?.broadcast_to(a.shape())
}

/// A Hermitian positive-definite stack: `B Bᴴ + n I`.
fn hpd(shape: &[usize], dtype: DType, seed: u64, dev: &Device) -> Result<Array> {
    let b = rand(shape, dtype, seed, dev)?;
    let n = shape[shape.len() - 1] as f64;
    b.matmul(&adjoint(&b)?)?.add(&eye_like(&b)?.multiply(n)?)
}

/// A well-conditioned square stack: random plus `n` on the diagonal.
fn dominant(shape: &[usize], dtype: DType, seed: u64, dev: &Device) -> Result<Array> {
    let a = rand(shape, dtype, seed, dev)?;
    let n = shape[shape.len() - 1] as f64;
    a.add(&eye_like(&a)?.multiply(n)?)
}

fn tol(dtype: DType, n: usize) -> f64 {
    let eps = if dtype == DType::C64 { f32::EPSILON as f64 } else { f64::EPSILON };
    256.0 * eps * n.max(1) as f64
}

/// Both parts of `got` within `tol` of `want` (same shape, any devices), relative to `want`'s
/// largest part.
fn assert_close(got: &Array, want: &Array, tol: f64, what: &str) -> Result<()> {
    assert_eq!(got.shape(), want.shape(), "{what}: shapes");
    let parts = |a: &Array| -> Result<Vec<f64>> {
        let a = a.to_device(&CPU)?.astype(DType::C128)?;
        let mut v = a.real().astype(DType::F64)?.to_vec::<f64>()?;
        v.extend(a.imag()?.astype(DType::F64)?.to_vec::<f64>()?);
        Ok(v)
    };
    let (g, w) = (parts(got)?, parts(want)?);
    let scale = w.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    let worst = g.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst <= tol * scale, "{what}: max deviation {worst:e} > {:e}", tol * scale);
    Ok(())
}

fn cholesky_qr_svd_reconstruct(dev: &Device) -> Result<()> {
    for dtype in COMPLEX {
        for shape in [&[1, 1][..], &[4, 4], &[3, 6, 6]] {
            let n = shape[shape.len() - 1];
            let a = hpd(shape, dtype, 3, dev)?;
            let l = linalg::cholesky(&a, false)?;
            assert_eq!(l.dtype(), dtype);
            assert_close(&l.triu(1)?, &l.triu(1)?.multiply(0.0)?, 0.0, "L is lower")?;
            assert_close(&l.matmul(&adjoint(&l)?)?, &a, tol(dtype, n), "L Lᴴ")?;
            let u = linalg::cholesky(&a, true)?;
            assert_close(&adjoint(&u)?.matmul(&u)?, &a, tol(dtype, n), "Uᴴ U")?;
        }
        for shape in [&[5, 3][..], &[3, 5], &[2, 4, 4]] {
            let a = rand(shape, dtype, 5, dev)?;
            let k = shape[shape.len() - 1].max(shape[shape.len() - 2]);
            for mode in [QrMode::Reduced, QrMode::Complete] {
                let (q, r) = linalg::qr(&a, mode)?;
                assert_eq!((q.dtype(), r.dtype()), (dtype, dtype));
                assert_close(&q.matmul(&r)?, &a, tol(dtype, k), "Q R")?;
                let qhq = adjoint(&q)?.matmul(&q)?;
                assert_close(&qhq, &eye_like(&qhq)?, tol(dtype, k), "Qᴴ Q")?;
            }
            for full in [false, true] {
                let (u, s, vh) = linalg::svd(&a, full)?;
                assert_eq!((u.dtype(), s.dtype(), vh.dtype()), (dtype, dtype.real_dtype(), dtype));
                let kk = s.shape()[s.ndim() - 1];
                let first = AxisSlice::range(0, Some(kk as isize), 1);
                let u_k = u.slice(&[AxisSlice::Ellipsis, first])?;
                let vh_k = vh.slice(&[AxisSlice::Ellipsis, first, AxisSlice::range(0, None, 1)])?;
                let back = u_k.multiply(&s.expand_dims(-2)?)?.matmul(&vh_k)?;
                assert_close(&back, &a, tol(dtype, k), "U diag(S) Vh")?;
                let sv = linalg::svdvals(&a)?;
                assert_close(&sv, &s, tol(dtype, k), "svdvals = S")?;
                let h = sv.astype(DType::F64)?.to_vec::<f64>()?;
                for w in h.chunks(kk) {
                    assert!(w.windows(2).all(|p| p[0] >= p[1]) && w.iter().all(|&x| x >= 0.0), "S descending: {w:?}");
                }
            }
        }
    }
    Ok(())
}

fn eigh_solvers_and_inverses(dev: &Device) -> Result<()> {
    for dtype in COMPLEX {
        let n = 5;
        let a = hpd(&[2, n, n], dtype, 7, dev)?;
        let (w, v) = linalg::eigh(&a)?;
        assert_eq!((w.dtype(), v.dtype()), (dtype.real_dtype(), dtype));
        assert_close(&a.matmul(&v)?, &v.multiply(&w.expand_dims(-2)?)?, tol(dtype, n) * 8.0, "A V = V diag(w)")?;
        assert_close(&linalg::eigvalsh(&a)?, &w, tol(dtype, n) * 8.0, "eigvalsh = w")?;
        let wv = w.astype(DType::F64)?.to_vec::<f64>()?;
        assert!(wv.chunks(n).all(|c| c.windows(2).all(|p| p[0] <= p[1])), "ascending: {wv:?}");

        let m = dominant(&[3, n, n], dtype, 9, dev)?;
        let inv = linalg::inv(&m)?;
        assert_close(&m.matmul(&inv)?, &eye_like(&m)?, tol(dtype, n), "A inv(A)")?;
        let b = rand(&[3, n, 2], dtype, 10, dev)?;
        let x = linalg::solve(&m, &b)?;
        assert_close(&m.matmul(&x)?, &b, tol(dtype, n), "A X = B")?;
        let bv = rand(&[n], dtype, 11, dev)?;
        let xv = linalg::solve(&m, &bv)?;
        assert_eq!(xv.shape(), &[3, n]);
        assert_close(
            &m.matmul(&xv.expand_dims(-1)?)?.squeeze(Some(&[-1]))?,
            &bv.broadcast_to(&[3, n])?,
            tol(dtype, n),
            "A x = b",
        )?;
        let p = linalg::pinv(&m, None)?;
        assert_close(&m.matmul(&p)?.matmul(&m)?, &m, tol(dtype, n) * 4.0, "A pinv(A) A")?;
        let tall = rand(&[6, 3], dtype, 12, dev)?;
        let pt = linalg::pinv(&tall, None)?;
        assert_eq!(pt.shape(), &[3, 6]);
        assert_close(&pt.matmul(&tall)?, &eye_like(&pt.matmul(&tall)?)?, tol(dtype, 6) * 4.0, "pinv(A) A = I")?;
    }
    Ok(())
}

fn determinants_ranks_and_norms(dev: &Device) -> Result<()> {
    // [[1+1j, 2], [0, 3-1j]]: det = (1+1j)(3-1j) = 4+2j, |det| = sqrt(20).
    let z = |re, im| Complex64::new(re, im);
    let a = Array::from_slice(&[z(1.0, 1.0), z(2.0, 0.0), z(0.0, 0.0), z(3.0, -1.0)], &[2, 2], &CPU)?;
    for dtype in COMPLEX {
        let a = a.astype(dtype)?.to_device(dev)?;
        assert!(linalg::det(&a)?.device() == *dev, "computed on the device");
        let det = linalg::det(&a)?;
        assert_eq!(det.dtype(), dtype);
        assert_close(&det, &Array::from_slice(&[z(4.0, 2.0)], &[], &CPU)?, 1e-6, "det")?;
        let (sign, log) = linalg::slogdet(&a)?;
        assert_eq!((sign.dtype(), log.dtype()), (dtype, dtype.real_dtype()));
        let unit = z(4.0, 2.0) / 20f64.sqrt();
        assert_close(&sign, &Array::from_slice(&[unit], &[], &CPU)?, 1e-6, "sign = det/|det|")?;
        assert!((log.astype(DType::F64)?.to_vec::<f64>()?[0] - 20f64.sqrt().ln()).abs() < 1e-6);
        // A row that is 1j times another: rank 1 of 2; its determinant is 0, slogdet (0, -inf).
        let r =
            Array::from_slice(&[z(1.0, 0.0), z(2.0, 1.0), z(0.0, 1.0), z(-1.0, 2.0)], &[2, 2], &CPU)?.astype(dtype)?;
        let r = r.to_device(dev)?;
        assert_eq!(linalg::matrix_rank(&r, None)?.to_vec::<i64>()?, vec![1]);
        let (s0, l0) = linalg::slogdet(&r)?;
        let l0 = l0.astype(DType::F64)?.to_vec::<f64>()?[0];
        assert!(l0 == f64::NEG_INFINITY || l0 < -10.0, "log|det| of a singular matrix: {l0}");
        let _ = s0;
        // The Frobenius norm is real: sqrt(|1+1j|² + 4 + 0 + |3-1j|²) = 4.
        let fro = linalg::matrix_norm(&a, false, MatrixNorm::Fro)?;
        assert_eq!(fro.dtype(), dtype.real_dtype());
        assert!((fro.astype(DType::F64)?.to_vec::<f64>()?[0] - 4.0).abs() < 1e-6);
    }
    Ok(())
}

fn typed_errors_and_empty_stacks(dev: &Device) -> Result<()> {
    let z = |re, im| Complex64::new(re, im);
    for dtype in COMPLEX {
        // Hermitian but indefinite: eigenvalues 1 ± sqrt(1 + 4) have mixed signs.
        let indefinite =
            Array::from_slice(&[z(1.0, 0.0), z(1.0, 2.0), z(1.0, -2.0), z(1.0, 0.0)], &[2, 2], &CPU)?.astype(dtype)?;
        let indefinite = indefinite.to_device(dev)?;
        assert!(matches!(linalg::cholesky(&indefinite, false), Err(Error::NotPositiveDefinite { index: 0, .. })));
        // The second row is 1j times the first: singular.
        let singular =
            Array::from_slice(&[z(1.0, 1.0), z(2.0, 0.0), z(-1.0, 1.0), z(0.0, 2.0)], &[2, 2], &CPU)?.astype(dtype)?;
        let singular = singular.to_device(dev)?;
        let stack = Array::stack(&[indefinite.add(&eye_like(&indefinite)?.multiply(10.0)?)?, singular], 0)?;
        assert!(matches!(linalg::inv(&stack), Err(Error::SingularMatrix { index: 1, .. })));
        assert!(matches!(
            linalg::solve(&stack, &rand(&[2], dtype, 1, dev)?),
            Err(Error::SingularMatrix { index: 1, .. })
        ));
        assert!(matches!(linalg::eigh(&rand(&[2, 3], dtype, 1, dev)?), Err(Error::NotSquare { .. })));
        // Empty stacks and empty matrices keep their dtypes and NumPy's shapes.
        let empty = Array::zeros(&[0, 3, 3], dtype, dev)?;
        assert_eq!(linalg::inv(&empty)?.shape(), &[0, 3, 3]);
        let (w, v) = linalg::eigh(&empty)?;
        assert_eq!((w.shape(), w.dtype(), v.dtype()), (&[0, 3][..], dtype.real_dtype(), dtype));
        let none = Array::zeros(&[2, 0, 0], dtype, dev)?;
        assert_eq!(linalg::det(&none)?.astype(DType::C128)?.to_vec::<Complex64>()?, vec![z(1.0, 0.0); 2]);
        let (s, l) = linalg::slogdet(&none)?;
        assert_eq!((s.dtype(), l.dtype()), (dtype, dtype.real_dtype()));
        assert_eq!(linalg::svdvals(&Array::zeros(&[4, 0], dtype, dev)?)?.shape(), &[0]);
    }
    Ok(())
}

/// The factors stay on the device they were computed on, and agree with the CPU's where they
/// are unique (the Cholesky factor with its real positive diagonal, eigenvalues, singular
/// values, inverses, determinants).
fn complex_decompositions_on_device(dev: &Device) -> Result<()> {
    for dtype in COMPLEX {
        let a = hpd(&[2, 4, 4], dtype, 1, dev)?;
        let cpu = a.to_device(&CPU)?;
        for upper in [false, true] {
            let l = linalg::cholesky(&a, upper)?;
            assert!(l.device() == *dev);
            assert_close(&l, &linalg::cholesky(&cpu, upper)?, tol(dtype, 4), "cholesky = the CPU's")?;
        }
        assert_close(&linalg::eigvalsh(&a)?, &linalg::eigvalsh(&cpu)?, tol(dtype, 4) * 8.0, "eigenvalues")?;
        let g = dominant(&[3, 5, 5], dtype, 2, dev)?;
        let gc = g.to_device(&CPU)?;
        assert_close(&linalg::svdvals(&g)?, &linalg::svdvals(&gc)?, tol(dtype, 5), "singular values")?;
        assert_close(&linalg::inv(&g)?, &linalg::inv(&gc)?, tol(dtype, 5), "inverse")?;
        assert_close(&linalg::det(&g)?, &linalg::det(&gc)?, tol(dtype, 5), "det")?;
        let (s, l) = linalg::slogdet(&g)?;
        let (sc, lc) = linalg::slogdet(&gc)?;
        assert_close(&s, &sc, tol(dtype, 5), "slogdet sign")?;
        assert_close(&l, &lc, tol(dtype, 5), "slogdet log")?;
        // A non-positive-definite and a singular matrix name their batch positions.
        let mut stack = hpd(&[3, 3, 3], dtype, 4, dev)?.astype(DType::C128)?.to_device(&CPU)?.to_vec::<Complex64>()?;
        stack[18] = -stack[18];
        let bad = Array::from_slice(&stack, &[3, 3, 3], &CPU)?.astype(dtype)?.to_device(dev)?;
        assert!(matches!(linalg::cholesky(&bad, false), Err(Error::NotPositiveDefinite { index: 2, .. })));
        stack[18..27].iter_mut().for_each(|z| *z = Complex64::new(0.0, 0.0));
        let singular = Array::from_slice(&stack, &[3, 3, 3], &CPU)?.astype(dtype)?.to_device(dev)?;
        assert!(matches!(linalg::inv(&singular), Err(Error::SingularMatrix { index: 2, .. })));
    }
    Ok(())
}

test_on_devices!(
    cholesky_qr_svd_reconstruct,
    eigh_solvers_and_inverses,
    determinants_ranks_and_norms,
    typed_errors_and_empty_stacks,
    complex_decompositions_on_device
);
