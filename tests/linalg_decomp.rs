//! `devarray::linalg`: decompositions checked by reconstruction (Q@R, U@diag(S)@Vh, L@Lᵀ,
//! V@diag(w)@Vᵀ, A@inv(A)), solvers and determinants against known answers, norms against
//! host loops; batched and empty inputs, dtypes, typed errors; the norms on every device; the
//! decompositions cuSOLVER runs (cholesky, qr, svd, svdvals, inv, solve, eigh, eigvalsh, det,
//! slogdet, and pinv and matrix_rank on the SVD) on every device against the CPU backend.

mod common;

use devarray::linalg::{self, MatrixNorm, QrMode};
use devarray::{Array, AxisSlice, DType, Device, Error, Result};

const CPU: Device = Device::Cpu;

/// Deterministic values in [-1, 1).
fn values(shape: &[usize], seed: u64) -> Vec<f64> {
    let n: usize = shape.iter().product();
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 33) as f64 / (1u64 << 31) as f64) * 2.0 - 1.0
        })
        .collect()
}

fn rand(shape: &[usize], dtype: DType, seed: u64) -> Result<Array> {
    Array::from_slice(&values(shape, seed), shape, &CPU)?.astype(dtype)
}

/// A well-conditioned (diagonally dominant) square stack: random plus `n` on the diagonal.
fn dominant(shape: &[usize], dtype: DType, seed: u64) -> Result<Array> {
    let n = shape[shape.len() - 1];
    let eye = Array::eye(n, n, 0, dtype, &CPU)?.multiply(n as f64)?;
    rand(shape, dtype, seed)?.add(&eye)
}

/// A symmetric positive-definite stack: `B @ Bᵀ + n I`.
fn spd(shape: &[usize], dtype: DType, seed: u64) -> Result<Array> {
    let b = rand(shape, dtype, seed)?;
    let n = shape[shape.len() - 1];
    b.matmul(&t(&b)?)?.add(&Array::eye(n, n, 0, dtype, &CPU)?.multiply(n as f64)?)
}

fn t(a: &Array) -> Result<Array> {
    a.swapaxes(-2, -1)
}

fn host(a: &Array) -> Result<Vec<f64>> {
    a.astype(DType::F64)?.to_vec::<f64>()
}

/// Asserts `got ≈ want` elementwise within `tol` (absolute, the inputs being O(1)).
fn assert_close(got: &Array, want: &Array, tol: f64, what: &str) -> Result<()> {
    assert_eq!(got.shape(), want.shape(), "{what}: shapes");
    let (g, w) = (host(got)?, host(want)?);
    let worst = g.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst <= tol, "{what}: max deviation {worst:e} > {tol:e}");
    Ok(())
}

/// Tolerance for a factorization of `n`-sized matrices in `dtype`, times a condition factor.
fn tol(dtype: DType, n: usize, cond: f64) -> f64 {
    let eps = if dtype == DType::F32 { f32::EPSILON as f64 } else { f64::EPSILON };
    64.0 * eps * (n.max(1) as f64) * cond
}

/// The identity broadcast to a stack's shape.
fn eye_like(a: &Array) -> Result<Array> {
    let n = a.shape()[a.ndim() - 1];
    Array::eye(n, n, 0, a.dtype(), &CPU)?.broadcast_to(a.shape())
}

#[test]
fn cholesky_reconstructs_lower_and_upper() -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        for shape in [&[1, 1][..], &[4, 4], &[3, 5, 5], &[2, 3, 8, 8]] {
            let a = spd(shape, dtype, 1)?;
            let n = shape[shape.len() - 1];
            let tl = tol(dtype, n, 4.0 * n as f64);
            let l = linalg::cholesky(&a, false)?;
            assert_eq!(l.dtype(), dtype);
            assert_close(&l.matmul(&t(&l)?)?, &a, tl, "L @ Lᵀ")?;
            let upper_part = host(&l)?.chunks(n * n).all(|m| (0..n * n).all(|ij| ij % n <= ij / n || m[ij] == 0.0));
            assert!(upper_part, "L is lower triangular");
            let u = linalg::cholesky(&a, true)?;
            assert_close(&t(&u)?.matmul(&u)?, &a, tl, "Uᵀ @ U")?;
            assert_close(&u, &t(&l)?.contiguous()?, tl, "U = Lᵀ")?;
        }
    }
    Ok(())
}

#[test]
fn qr_reconstructs_in_both_modes() -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        for shape in [&[5, 3][..], &[3, 5], &[1, 1], &[2, 4, 4], &[2, 1, 6, 2]] {
            let a = rand(shape, dtype, 2)?;
            let nd = shape.len();
            let (m, n) = (shape[nd - 2], shape[nd - 1]);
            for mode in [QrMode::Reduced, QrMode::Complete] {
                let (q, r) = linalg::qr(&a, mode)?;
                let k = if mode == QrMode::Complete { m } else { m.min(n) };
                assert_eq!(&q.shape()[nd - 2..], &[m, k]);
                assert_eq!(&r.shape()[nd - 2..], &[k, n]);
                let tl = tol(dtype, m.max(n), 4.0);
                assert_close(&q.matmul(&r)?, &a, tl, "Q @ R")?;
                assert_close(&t(&q)?.matmul(&q)?, &eye_like(&t(&q)?.matmul(&q)?)?, tl, "Qᵀ Q = I")?;
                let rv = host(&r)?;
                let below = rv.chunks(k * n).all(|mat| (0..k * n).all(|ij| ij / n <= ij % n || mat[ij] == 0.0));
                assert!(below, "R is upper triangular");
            }
        }
    }
    Ok(())
}

#[test]
fn svd_reconstructs_and_orders() -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        for shape in [&[5, 3][..], &[3, 5], &[1, 1], &[2, 4, 4], &[3, 2, 7]] {
            let a = rand(shape, dtype, 3)?;
            let nd = shape.len();
            let (m, n) = (shape[nd - 2], shape[nd - 1]);
            let tl = tol(dtype, m.max(n), 4.0);
            let (u, s, vh) = linalg::svd(&a, false)?;
            let us = u.multiply(&s.expand_dims(-2)?)?;
            assert_close(&us.matmul(&vh)?, &a, tl, "U diag(S) Vh")?;
            let sv = host(&s)?;
            let k = m.min(n);
            assert!(sv.chunks(k).all(|c| c.windows(2).all(|w| w[0] >= w[1]) && c.iter().all(|&x| x >= 0.0)));
            assert_close(&linalg::svdvals(&a)?, &s, tl, "svdvals = S")?;
            let (uf, sf, vhf) = linalg::svd(&a, true)?;
            assert_eq!((&uf.shape()[nd - 2..], &vhf.shape()[nd - 2..]), (&[m, m][..], &[n, n][..]));
            assert_close(&sf, &s, tl, "full S")?;
            let uu = t(&uf)?.matmul(&uf)?;
            assert_close(&uu, &eye_like(&uu)?, tl, "Uᵀ U = I")?;
            let vv = vhf.matmul(&t(&vhf)?)?;
            assert_close(&vv, &eye_like(&vv)?, tl, "Vh Vhᵀ = I")?;
        }
    }
    Ok(())
}

#[test]
fn eigh_reconstructs_ascending() -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        for shape in [&[1, 1][..], &[6, 6], &[4, 3, 3]] {
            let b = rand(shape, dtype, 4)?;
            let a = b.add(&t(&b)?)?; // symmetric
            let n = shape[shape.len() - 1];
            let tl = tol(dtype, n, 8.0);
            let (w, v) = linalg::eigh(&a)?;
            let back = v.multiply(&w.expand_dims(-2)?)?.matmul(&t(&v)?)?;
            assert_close(&back, &a, tl, "V diag(w) Vᵀ")?;
            assert!(host(&w)?.chunks(n).all(|c| c.windows(2).all(|p| p[0] <= p[1])));
            assert_close(&linalg::eigvalsh(&a)?, &w, tl, "eigvalsh = w")?;
        }
    }
    Ok(())
}

#[test]
fn inv_and_solve_batched() -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        let a = dominant(&[3, 5, 5], dtype, 5)?;
        let tl = tol(dtype, 5, 10.0);
        let ai = linalg::inv(&a)?;
        assert_close(&a.matmul(&ai)?, &eye_like(&a)?, tl, "A @ inv(A)")?;
        // Matrix right-hand sides, batch axes broadcasting: (3, 5, 5) with (5, 2).
        let b = rand(&[5, 2], dtype, 6)?;
        let x = linalg::solve(&a, &b)?;
        assert_eq!(x.shape(), &[3, 5, 2]);
        assert_close(&a.matmul(&x)?, &b.broadcast_to(&[3, 5, 2])?, tl, "A @ X = B")?;
        // (5, 5) with a stack (4, 5, 2).
        let b4 = rand(&[4, 5, 2], dtype, 7)?;
        let a0 = dominant(&[5, 5], dtype, 8)?;
        assert_close(&a0.matmul(&linalg::solve(&a0, &b4)?)?, &b4, tl, "broadcast A")?;
        // A 1-D right-hand side is one vector for every matrix of the stack.
        let v = rand(&[5], dtype, 9)?;
        let xv = linalg::solve(&a, &v)?;
        assert_eq!(xv.shape(), &[3, 5]);
        assert_close(&a.matmul(&xv.expand_dims(-1)?)?.squeeze(Some(&[-1]))?, &v.broadcast_to(&[3, 5])?, tl, "A x = v")?;
    }
    Ok(())
}

#[test]
fn det_and_slogdet() -> Result<()> {
    let a = Array::from_slice(&[1.0f64, 2.0, 3.0, 4.0, 0.0, 1.0, 1.0, 0.0], &[2, 2, 2], &CPU)?;
    let d = host(&linalg::det(&a)?)?;
    assert!((d[0] + 2.0).abs() < 1e-12 && (d[1] + 1.0).abs() < 1e-12, "{d:?}");
    let (sign, log) = linalg::slogdet(&a)?;
    assert_eq!(host(&sign)?, vec![-1.0, -1.0]);
    let l = host(&log)?;
    assert!((l[0] - 2f64.ln()).abs() < 1e-12 && l[1].abs() < 1e-12);
    // Singular: (0, -inf); det 0.
    let s = Array::from_slice(&[1.0f32, 2.0, 2.0, 4.0], &[2, 2], &CPU)?;
    let (sign, log) = linalg::slogdet(&s)?;
    assert_eq!((host(&sign)?, host(&log)?), (vec![0.0], vec![f64::NEG_INFINITY]));
    assert_eq!(linalg::det(&s)?.dtype(), DType::F32);
    // A 0 × 0 matrix has determinant 1; a 3×3 permutation with one swap, -1.
    assert_eq!(host(&linalg::det(&Array::zeros(&[2, 0, 0], DType::F64, &CPU)?)?)?, vec![1.0, 1.0]);
    let p = Array::from_slice(&[0.0f64, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0], &[3, 3], &CPU)?;
    assert_eq!(host(&linalg::det(&p)?)?, vec![-1.0]);
    // det(A) = Π eigenvalues for a random SPD matrix.
    let spd = spd(&[6, 6], DType::F64, 10)?;
    let prod: f64 = host(&linalg::eigvalsh(&spd)?)?.iter().product();
    assert!((host(&linalg::det(&spd)?)?[0] / prod - 1.0).abs() < 1e-10);
    Ok(())
}

#[test]
fn pinv_and_matrix_rank() -> Result<()> {
    // A rank-2 (4, 3) matrix: a (4, 2) @ (2, 3) product.
    let a = rand(&[4, 2], DType::F64, 11)?.matmul(&rand(&[2, 3], DType::F64, 12)?)?;
    let p = linalg::pinv(&a, None)?;
    assert_eq!(p.shape(), &[3, 4]);
    assert_close(&a.matmul(&p)?.matmul(&a)?, &a, 1e-12, "A A⁺ A = A")?;
    assert_close(&p.matmul(&a)?.matmul(&p)?, &p, 1e-10, "A⁺ A A⁺ = A⁺")?;
    let r = linalg::matrix_rank(&a, None)?;
    assert_eq!((r.dtype(), r.to_vec::<i64>()?), (DType::I64, vec![2]));
    let stack = Array::stack(&[a.slice_rows3()?, dominant(&[3, 3], DType::F64, 13)?], 0)?;
    assert_eq!(linalg::matrix_rank(&stack, None)?.to_vec::<i64>()?, vec![2, 3]);
    // A generous rtol drops the small singular values.
    assert_eq!(linalg::matrix_rank(&dominant(&[3, 3], DType::F64, 13)?, Some(2.0))?.to_vec::<i64>()?, vec![0]);
    // Batched pinv of invertible matrices is the inverse.
    let d = dominant(&[2, 4, 4], DType::F32, 14)?;
    assert_close(&linalg::pinv(&d, None)?, &linalg::inv(&d)?, 1e-4, "pinv = inv")?;
    Ok(())
}

trait Rows3 {
    fn slice_rows3(&self) -> Result<Array>;
}

impl Rows3 for Array {
    /// The first three rows, as a square (3, 3) matrix.
    fn slice_rows3(&self) -> Result<Array> {
        self.slice(&[devarray::AxisSlice::range(None, Some(3), 1)])
    }
}

#[test]
fn norms_match_host_loops() -> Result<()> {
    let data = values(&[3, 4], 15);
    let x = Array::from_slice(&data, &[3, 4], &CPU)?;
    let p = |ord: f64| -> f64 {
        match ord {
            f64::INFINITY => data.iter().fold(0.0, |m, v| f64::max(m, v.abs())),
            f64::NEG_INFINITY => data.iter().fold(f64::INFINITY, |m, v| f64::min(m, v.abs())),
            0.0 => data.iter().filter(|v| **v != 0.0).count() as f64,
            _ => data.iter().map(|v| v.abs().powf(ord)).sum::<f64>().powf(1.0 / ord),
        }
    };
    for ord in [1.0, 2.0, 3.0, 0.5, -1.5, 0.0, f64::INFINITY, f64::NEG_INFINITY] {
        let got = host(&linalg::vector_norm(&x, None, false, ord)?)?[0];
        assert!((got - p(ord)).abs() < 1e-12 * p(ord).max(1.0), "ord {ord}: {got} vs {}", p(ord));
    }
    // Over one axis, keepdims; integers give float64.
    let n = linalg::vector_norm(&x, Some(&[0]), true, 2.0)?;
    assert_eq!(n.shape(), &[1, 4]);
    let col0 = (0..3).map(|i| data[i * 4] * data[i * 4]).sum::<f64>().sqrt();
    assert!((host(&n)?[0] - col0).abs() < 1e-12);
    let ints = Array::from_slice(&[3i32, 4], &[2], &CPU)?;
    let ni = linalg::vector_norm(&ints, None, false, 2.0)?;
    assert_eq!((ni.dtype(), ni.to_vec::<f64>()?), (DType::F64, vec![5.0]));
    // Matrix norms against their definitions.
    let abs: Vec<f64> = data.iter().map(|v| v.abs()).collect();
    let col = |j: usize| (0..3).map(|i| abs[i * 4 + j]).sum::<f64>();
    let row = |i: usize| abs[i * 4..i * 4 + 4].iter().sum::<f64>();
    let s = host(&linalg::svdvals(&x)?)?;
    let cases = [
        (MatrixNorm::Fro, abs.iter().map(|v| v * v).sum::<f64>().sqrt()),
        (MatrixNorm::One, (0..4).map(col).fold(0.0, f64::max)),
        (MatrixNorm::NegOne, (0..4).map(col).fold(f64::INFINITY, f64::min)),
        (MatrixNorm::Inf, (0..3).map(row).fold(0.0, f64::max)),
        (MatrixNorm::NegInf, (0..3).map(row).fold(f64::INFINITY, f64::min)),
        (MatrixNorm::Nuc, s.iter().sum()),
        (MatrixNorm::Two, s[0]),
        (MatrixNorm::NegTwo, s[2]),
    ];
    for (ord, want) in cases {
        let got = linalg::matrix_norm(&x, false, ord)?;
        assert_eq!(got.shape(), &[] as &[usize]);
        assert!((host(&got)?[0] - want).abs() < 1e-12, "{ord:?}");
        assert_eq!(linalg::matrix_norm(&x, true, ord)?.shape(), &[1, 1], "{ord:?} keepdims");
    }
    let batched = linalg::matrix_norm(&rand(&[2, 3, 3, 2], DType::F32, 16)?, false, MatrixNorm::Two)?;
    assert_eq!((batched.shape(), batched.dtype()), (&[2, 3][..], DType::F32));
    Ok(())
}

#[test]
fn dtypes_follow_numpy() -> Result<()> {
    let i = Array::from_slice(&[2i64, 0, 0, 4], &[2, 2], &CPU)?;
    let inv = linalg::inv(&i)?;
    assert_eq!((inv.dtype(), inv.to_vec::<f64>()?), (DType::F64, vec![0.5, 0.0, 0.0, 0.25]));
    for half in [DType::F16, DType::BF16] {
        let a = spd(&[3, 3], DType::F32, 17)?.astype(half)?;
        let l = linalg::cholesky(&a, false)?;
        assert_eq!(l.dtype(), half);
        assert_close(&l.matmul(&t(&l)?)?, &a, 0.1, "16-bit cholesky")?;
        assert_eq!(linalg::svdvals(&a)?.dtype(), half);
        assert_eq!(linalg::matrix_norm(&a, false, MatrixNorm::Fro)?.dtype(), half);
    }
    Ok(())
}

#[test]
fn empty_batches_and_empty_matrices() -> Result<()> {
    let z = Array::zeros(&[0, 3, 3], DType::F64, &CPU)?;
    assert_eq!(linalg::cholesky(&z, false)?.shape(), &[0, 3, 3]);
    assert_eq!(linalg::inv(&z)?.shape(), &[0, 3, 3]);
    assert_eq!(linalg::det(&z)?.shape(), &[0]);
    let (w, v) = linalg::eigh(&z)?;
    assert_eq!((w.shape(), v.shape()), (&[0, 3][..], &[0, 3, 3][..]));
    let (u, s, vh) = linalg::svd(&Array::zeros(&[2, 0, 4, 3], DType::F32, &CPU)?, true)?;
    assert_eq!((u.shape(), s.shape(), vh.shape()), (&[2, 0, 4, 4][..], &[2, 0, 3][..], &[2, 0, 3, 3][..]));
    let (q, r) = linalg::qr(&Array::zeros(&[0, 5, 2], DType::F32, &CPU)?, QrMode::Reduced)?;
    assert_eq!((q.shape(), r.shape()), (&[0, 5, 2][..], &[0, 2, 2][..]));
    assert_eq!(linalg::solve(&z, &Array::zeros(&[0, 3, 1], DType::F64, &CPU)?)?.shape(), &[0, 3, 1]);
    assert_eq!(linalg::matrix_rank(&Array::zeros(&[2, 0, 3], DType::F64, &CPU)?, None)?.to_vec::<i64>()?, vec![0, 0]);
    assert_eq!(linalg::pinv(&Array::zeros(&[0, 3], DType::F64, &CPU)?, None)?.shape(), &[3, 0]);
    Ok(())
}

#[test]
fn typed_errors() -> Result<()> {
    let v = Array::ones(&[3], DType::F64, &CPU)?;
    assert!(matches!(linalg::inv(&v), Err(Error::InvalidArgument { op: "inv", .. })));
    assert!(matches!(linalg::svd(&v, true), Err(Error::InvalidArgument { op: "svd", .. })));
    assert!(matches!(linalg::matrix_norm(&v, false, MatrixNorm::Fro), Err(Error::InvalidArgument { .. })));
    let rect = Array::ones(&[2, 3], DType::F64, &CPU)?;
    for (name, r) in [
        ("cholesky", linalg::cholesky(&rect, false).map(|_| ())),
        ("eigh", linalg::eigh(&rect).map(|_| ())),
        ("inv", linalg::inv(&rect).map(|_| ())),
        ("det", linalg::det(&rect).map(|_| ())),
    ] {
        match r {
            Err(Error::NotSquare { op, shape }) => assert_eq!((op, shape), (name, vec![2, 3])),
            other => panic!("{name}: expected NotSquare, got {other:?}"),
        }
    }
    // The second matrix of the batch is singular / indefinite: the error names position 1.
    let mut data = vec![1.0f64, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 4.0];
    let a = Array::from_slice(&data, &[2, 2, 2], &CPU)?;
    assert!(matches!(linalg::inv(&a), Err(Error::SingularMatrix { op: "inv", index: 1 })));
    let b = Array::ones(&[2, 2, 1], DType::F64, &CPU)?;
    assert!(matches!(linalg::solve(&a, &b), Err(Error::SingularMatrix { op: "solve", index: 1 })));
    data[4..].copy_from_slice(&[1.0, 2.0, 2.0, 1.0]); // eigenvalues 3 and -1
    let indef = Array::from_slice(&data, &[2, 2, 2], &CPU)?;
    assert!(matches!(linalg::cholesky(&indef, false), Err(Error::NotPositiveDefinite { index: 1, .. })));
    let msg = linalg::cholesky(&indef, false).unwrap_err().to_string();
    assert!(msg.contains("positive definite") && msg.contains("eigh"), "{msg}");
    // Shapes that do not fit name both shapes.
    let wrong = Array::ones(&[3, 1], DType::F64, &CPU)?;
    match linalg::solve(&a, &wrong) {
        Err(e @ Error::ShapeMismatch { .. }) => {
            assert!(e.to_string().contains("[2, 2, 2]") && e.to_string().contains("[3, 1]"))
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    let bad_batch = Array::ones(&[3, 2, 1], DType::F64, &CPU)?;
    assert!(matches!(linalg::solve(&a, &bad_batch), Err(Error::ShapeMismatch { .. })));
    assert!(matches!(linalg::vector_norm(&v, None, false, f64::NAN), Err(Error::InvalidArgument { .. })));
    Ok(())
}

/// The norms run on every device: those composed of device ops, and the nuclear and spectral
/// norms through svdvals.
fn norms_on_device(dev: &Device) -> Result<()> {
    let x = Array::from_slice(&[3.0f32, -4.0, 0.0, 12.0], &[2, 2], &CPU)?.to_device(dev)?;
    let n = linalg::vector_norm(&x, Some(&[-1]), false, 2.0)?;
    assert_eq!(n.to_device(&CPU)?.to_vec::<f32>()?, vec![5.0, 12.0]);
    let fro = linalg::matrix_norm(&x, false, MatrixNorm::Fro)?;
    assert_eq!(fro.to_device(&CPU)?.to_vec::<f32>()?, vec![13.0]);
    let one = linalg::matrix_norm(&x, false, MatrixNorm::One)?;
    assert_eq!(one.to_device(&CPU)?.to_vec::<f32>()?, vec![16.0]);
    let want = Array::from_slice(&[1.0 / 3.0, 1.0 / 9.0, 0.0, 1.0 / 12.0], &[2, 2], &CPU)?;
    assert_close(&linalg::inv(&x)?.to_device(&CPU)?, &want, 1e-6, "inv")?;
    // The norms built on svdvals: [[3, -4], [0, 12]] has singular values 13.3… and 2.7….
    let cpu = x.to_device(&CPU)?;
    for ord in [MatrixNorm::Nuc, MatrixNorm::Two, MatrixNorm::NegTwo] {
        let got = linalg::matrix_norm(&x, false, ord)?.to_device(&CPU)?;
        assert_close(&got, &linalg::matrix_norm(&cpu, false, ord)?, 1e-5, "SVD norm")?;
    }
    Ok(())
}

/// The decompositions cuSOLVER runs, on `dev` against the CPU backend and by reconstruction
/// (`L Lᵀ = A`, `A inv(A) = I`, `A X = B`, `A V = V diag(w)`), batched and single, float32 and
/// float64.
fn decompositions_match_cpu(dev: &Device) -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        for shape in [&[1, 1][..], &[4, 4], &[3, 5, 5], &[2, 3, 8, 8], &[1, 17, 17]] {
            let nd = shape.len();
            let n = shape[nd - 1];
            let a = spd(shape, dtype, 11)?;
            let tl = tol(dtype, n, 4.0 * n as f64);
            for upper in [false, true] {
                let got = linalg::cholesky(&a.to_device(dev)?, upper)?.to_device(&CPU)?;
                assert_eq!(got.dtype(), dtype);
                assert_close(&got, &linalg::cholesky(&a, upper)?, tl, "cholesky vs CPU")?;
                let back = if upper { t(&got)?.matmul(&got)? } else { got.matmul(&t(&got)?)? };
                assert_close(&back, &a, tl, "L Lᵀ = A")?;
            }
            let d = dominant(shape, dtype, 12)?;
            let tl = tol(dtype, n, 10.0);
            let ai = linalg::inv(&d.to_device(dev)?)?.to_device(&CPU)?;
            assert_close(&ai, &linalg::inv(&d)?, tl, "inv vs CPU")?;
            assert_close(&d.matmul(&ai)?, &eye_like(&d)?, tl, "A inv(A) = I")?;
            let mut bshape = shape.to_vec();
            bshape[nd - 1] = 3;
            let b = rand(&bshape, dtype, 13)?;
            let x = linalg::solve(&d.to_device(dev)?, &b.to_device(dev)?)?.to_device(&CPU)?;
            assert_close(&x, &linalg::solve(&d, &b)?, tl, "solve vs CPU")?;
            assert_close(&d.matmul(&x)?, &b, tl, "A X = B")?;
            let v = rand(&[n], dtype, 14)?;
            let xv = linalg::solve(&d.to_device(dev)?, &v.to_device(dev)?)?.to_device(&CPU)?;
            assert_close(&xv, &linalg::solve(&d, &v)?, tl, "solve with a vector vs CPU")?;
            let r = rand(shape, dtype, 15)?;
            let s = r.add(&t(&r)?)?;
            let tl = tol(dtype, n, 8.0);
            let (w, vecs) = linalg::eigh(&s.to_device(dev)?)?;
            let (w, vecs) = (w.to_device(&CPU)?, vecs.to_device(&CPU)?);
            assert_close(&w, &linalg::eigh(&s)?.0, tl, "eigenvalues vs CPU")?;
            assert_close(&s.matmul(&vecs)?, &vecs.multiply(&w.expand_dims(-2)?)?, tl, "A V = V diag(w)")?;
            assert_close(&t(&vecs)?.matmul(&vecs)?, &eye_like(&s)?, tl, "Vᵀ V = I")?;
            assert_close(&linalg::eigvalsh(&s.to_device(dev)?)?.to_device(&CPU)?, &w, tl, "eigvalsh = w")?;
            // Determinants of O(n)-sized entries grow like n^n: compare relative to the CPU's.
            let want = host(&linalg::det(&d)?)?;
            let got = host(&linalg::det(&d.to_device(dev)?)?.to_device(&CPU)?)?;
            assert!(got.iter().zip(&want).all(|(g, w)| (g - w).abs() <= tl * w.abs()), "det {got:?} vs {want:?}");
            let (sign, log) = linalg::slogdet(&r.to_device(dev)?)?;
            let (want_sign, want_log) = linalg::slogdet(&r)?;
            assert_eq!(host(&sign.to_device(&CPU)?)?, host(&want_sign)?, "slogdet sign");
            assert_close(&log.to_device(&CPU)?, &want_log, tl * n as f64, "slogdet log")?;
        }
    }
    Ok(())
}

/// Checks `qr(a)` computed on `dev` by reconstruction (`Q R = A`, `Qᵀ Q = I`, `R` upper
/// triangular) and the shapes against the CPU backend's; with `unique`, also `|R|` against
/// the CPU's (`R` is unique up to the signs of its rows when `A` has full column rank).
fn check_qr(a: &Array, dev: &Device, unique: bool) -> Result<()> {
    let nd = a.ndim();
    let (m, n) = (a.shape()[nd - 2], a.shape()[nd - 1]);
    // Integers compute in float64; the tolerance is relative to the largest entry.
    let dtype = if a.dtype() == DType::F32 { DType::F32 } else { DType::F64 };
    let scale = host(&a.to_device(&CPU)?)?.iter().fold(1.0, |s: f64, v| s.max(v.abs()));
    let tl = tol(dtype, m.max(n), 4.0) * scale;
    for mode in [QrMode::Reduced, QrMode::Complete] {
        let (q, r) = linalg::qr(&a.to_device(dev)?, mode)?;
        let (q, r) = (q.to_device(&CPU)?, r.to_device(&CPU)?);
        let (cq, cr) = linalg::qr(&a.to_device(&CPU)?, mode)?;
        assert_eq!((q.shape(), r.shape(), q.dtype()), (cq.shape(), cr.shape(), dtype));
        let k = q.shape()[nd - 1];
        let a = a.to_device(&CPU)?;
        assert_close(&q.matmul(&r)?, &a, tl, "Q @ R")?;
        let qtq = t(&q)?.matmul(&q)?;
        assert_close(&qtq, &eye_like(&qtq)?, tl, "Qᵀ Q = I")?;
        let below = host(&r)?.chunks((k * n).max(1)).all(|mat| (0..k * n).all(|ij| ij / n <= ij % n || mat[ij] == 0.0));
        assert!(below, "R is upper triangular");
        if unique {
            assert_close(&r.abs()?, &cr.abs()?, tl, "|R| vs CPU")?;
        }
    }
    Ok(())
}

/// QR on `dev` in both modes: tall, wide, square, batched and empty matrices (complete `Q` is
/// then the identity), a transposed view, an integer input, and rank-deficient matrices (a
/// zero column: a reflector with `tau = 0`).
fn qr_on_device(dev: &Device) -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        for shape in [&[5, 3][..], &[3, 5], &[1, 1], &[2, 4, 4], &[2, 1, 6, 2], &[3, 2, 0], &[2, 0, 3], &[1, 19, 7]] {
            check_qr(&rand(shape, dtype, 21)?, dev, true)?;
        }
        check_qr(&t(&rand(&[2, 6, 4], dtype, 22)?.to_device(dev)?)?, dev, true)?;
        // Column 1 zero, column 2 twice column 0.
        let mut data = values(&[4, 3], 23);
        for i in 0..4 {
            (data[i * 3 + 1], data[i * 3 + 2]) = (0.0, 2.0 * data[i * 3]);
        }
        check_qr(&Array::from_slice(&data, &[4, 3], &CPU)?.astype(dtype)?, dev, false)?;
        check_qr(&Array::zeros(&[2, 3, 3], dtype, &CPU)?, dev, false)?;
    }
    check_qr(&rand(&[4, 3], DType::F64, 24)?.multiply(8.0)?.astype(DType::I32)?, dev, true)
}

/// Checks `svd(a)` computed on `dev` against the CPU backend's singular values (unique) and
/// by reconstruction (`U diag(S) Vh = A` with the first `k` columns/rows, `Uᵀ U = I`,
/// `Vh Vhᵀ = I`), in both modes, and `svdvals`.
fn check_svd(a: &Array, dev: &Device) -> Result<()> {
    let nd = a.ndim();
    let (m, n) = (a.shape()[nd - 2], a.shape()[nd - 1]);
    let k = m.min(n) as isize;
    let dtype = if a.dtype() == DType::F32 { DType::F32 } else { DType::F64 };
    let scale = host(&a.to_device(&CPU)?)?.iter().fold(1.0, |s: f64, v| s.max(v.abs()));
    let tl = tol(dtype, m.max(n), 4.0) * scale;
    let cpu = a.to_device(&CPU)?;
    let want_s = linalg::svdvals(&cpu)?;
    assert_close(&linalg::svdvals(&a.to_device(dev)?)?.to_device(&CPU)?, &want_s, tl, "svdvals vs CPU")?;
    for full in [false, true] {
        let (u, s, vh) = linalg::svd(&a.to_device(dev)?, full)?;
        let (u, s, vh) = (u.to_device(&CPU)?, s.to_device(&CPU)?, vh.to_device(&CPU)?);
        let (cu, _, cvh) = linalg::svd(&cpu, full)?;
        assert_eq!((u.shape(), vh.shape(), u.dtype()), (cu.shape(), cvh.shape(), cu.dtype()), "full = {full}");
        assert_close(&s, &want_s, tl, "S vs CPU")?;
        let first = AxisSlice::range(0, Some(k), 1);
        let uk = u.slice(&[AxisSlice::Ellipsis, first])?;
        let vhk = vh.slice(&[AxisSlice::Ellipsis, first, AxisSlice::range(0, None, 1)])?;
        assert_close(&uk.multiply(&s.expand_dims(-2)?)?.matmul(&vhk)?, &cpu, tl, "U diag(S) Vh = A")?;
        let uu = t(&u)?.matmul(&u)?;
        assert_close(&uu, &eye_like(&uu)?, tl, "Uᵀ U = I")?;
        let vv = vh.matmul(&t(&vh)?)?;
        assert_close(&vv, &eye_like(&vv)?, tl, "Vh Vhᵀ = I")?;
    }
    Ok(())
}

/// The SVD on `dev`: tall (transposed through temporaries), wide and square (written straight
/// into the outputs), batched and empty matrices, a transposed view, integer input, a
/// rank-deficient matrix; then `pinv` and `matrix_rank` (built on it) against the CPU.
fn svd_on_device(dev: &Device) -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        for shape in [&[5, 3][..], &[3, 5], &[1, 1], &[2, 4, 4], &[2, 1, 6, 2], &[3, 2, 0], &[2, 0, 3], &[1, 7, 19]] {
            check_svd(&rand(shape, dtype, 31)?, dev)?;
        }
        check_svd(&t(&rand(&[2, 6, 4], dtype, 32)?.to_device(dev)?)?, dev)?;
        // Rank 2 of 3: row 2 = row 0 + row 1.
        let mut data = values(&[3, 4], 33);
        for j in 0..4 {
            data[8 + j] = data[j] + data[4 + j];
        }
        let deficient = Array::from_slice(&data, &[3, 4], &CPU)?.astype(dtype)?;
        check_svd(&deficient, dev)?;
        let ranks = linalg::matrix_rank(&deficient.to_device(dev)?, None)?.to_device(&CPU)?;
        assert_eq!(ranks.to_vec::<i64>()?, vec![2]);
        for shape in [&[4, 3][..], &[2, 3, 5], &[0, 2]] {
            let a = rand(shape, dtype, 34)?;
            let p = linalg::pinv(&a.to_device(dev)?, None)?.to_device(&CPU)?;
            assert_close(&p, &linalg::pinv(&a, None)?, tol(dtype, 5, 40.0), "pinv vs CPU")?;
            let r = linalg::matrix_rank(&a.to_device(dev)?, None)?.to_device(&CPU)?;
            assert_eq!(r.to_vec::<i64>()?, linalg::matrix_rank(&a, None)?.to_vec::<i64>()?);
        }
    }
    check_svd(&rand(&[4, 3], DType::F64, 35)?.multiply(8.0)?.astype(DType::I32)?, dev)
}

/// Determinants with known signs: row interchanges flip the sign, as on the CPU.
fn determinants_with_interchanges(dev: &Device) -> Result<()> {
    // det [[1, 2], [3, 4]] = -2, det [[0, 1], [1, 0]] = -1, a 3-cycle permutation: +1.
    let data = [1.0f64, 2.0, 3.0, 4.0, 0.0, 1.0, 1.0, 0.0];
    let a = Array::from_slice(&data, &[2, 2, 2], &CPU)?.to_device(dev)?;
    let d = host(&linalg::det(&a)?.to_device(&CPU)?)?;
    assert!((d[0] + 2.0).abs() < 1e-12 && (d[1] + 1.0).abs() < 1e-12, "{d:?}");
    let cycle = Array::from_slice(&[0.0f32, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0], &[3, 3], &CPU)?;
    assert_eq!(linalg::det(&cycle.to_device(dev)?)?.to_device(&CPU)?.to_vec::<f32>()?, vec![1.0]);
    let (sign, log) = linalg::slogdet(&a)?;
    assert_eq!(host(&sign.to_device(&CPU)?)?, vec![-1.0, -1.0]);
    assert_close(&log.to_device(&CPU)?, &Array::from_slice(&[2f64.ln(), 0.0], &[2], &CPU)?, 1e-12, "log")?;
    Ok(())
}

/// Views and dtypes the op layer prepares: a transposed (non-contiguous) device view, an
/// integer input (computed in float64), empty batches and empty matrices.
fn decompositions_of_views_and_empty_stacks(dev: &Device) -> Result<()> {
    let a = dominant(&[2, 6, 6], DType::F64, 16)?;
    let at = t(&a.to_device(dev)?)?;
    let got = linalg::inv(&at)?.to_device(&CPU)?;
    assert_close(&got, &linalg::inv(&t(&a)?)?, tol(DType::F64, 6, 10.0), "inv of a transposed view")?;
    let ints = dominant(&[3, 3], DType::F64, 17)?.astype(DType::I32)?;
    let got = linalg::inv(&ints.to_device(dev)?)?;
    assert_eq!(got.dtype(), linalg::inv(&ints)?.dtype());
    assert_close(&got.to_device(&CPU)?, &linalg::inv(&ints)?, 1e-12, "inv of int32")?;
    // NaN propagates through the LU, as on the CPU: not reported as singular.
    let nan = Array::from_slice(&[1.0, f64::NAN, f64::NAN, 1.0], &[2, 2], &CPU)?.to_device(dev)?;
    assert!(linalg::inv(&nan)?.to_device(&CPU)?.to_vec::<f64>()?.iter().all(|v| v.is_nan()));
    for shape in [[0usize, 3, 3], [2, 0, 0]] {
        let z = Array::zeros(&shape, DType::F32, &CPU)?.to_device(dev)?;
        assert_eq!(linalg::cholesky(&z, true)?.shape(), &shape);
        assert_eq!(linalg::inv(&z)?.shape(), &shape);
        let (w, v) = linalg::eigh(&z)?;
        assert_eq!((w.shape(), v.shape()), (&shape[..2], &shape[..]));
        assert_eq!(linalg::eigvalsh(&z)?.shape(), &shape[..2]);
        let b = Array::zeros(&[shape[0], shape[1], 2], DType::F32, &CPU)?.to_device(dev)?;
        assert_eq!(linalg::solve(&z, &b)?.shape(), &[shape[0], shape[1], 2]);
        let ones = vec![1.0f32; shape[0]];
        assert_eq!(linalg::det(&z)?.to_device(&CPU)?.to_vec::<f32>()?, ones, "det of empty matrices");
        let (sign, log) = linalg::slogdet(&z)?;
        assert_eq!(sign.to_device(&CPU)?.to_vec::<f32>()?, ones);
        assert_eq!(log.to_device(&CPU)?.to_vec::<f32>()?, vec![0.0f32; shape[0]]);
    }
    Ok(())
}

/// Singular and non-positive-definite matrices give the CPU backend's typed errors, naming the
/// same batch position (and pivot), in both dtypes.
fn decomposition_errors_name_the_batch_position(dev: &Device) -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        // Positions 30 and 7 of 40 are singular: the error names the first, 7.
        let mut data = host(&dominant(&[40, 3, 3], DType::F64, 18)?)?;
        for p in [30, 7] {
            data[p * 9..p * 9 + 9].copy_from_slice(&[1.0, 2.0, 4.0, 2.0, 4.0, 8.0, 0.0, 1.0, 5.0]);
        }
        let a = Array::from_slice(&data, &[40, 3, 3], &CPU)?.astype(dtype)?.to_device(dev)?;
        assert!(matches!(linalg::inv(&a), Err(Error::SingularMatrix { op: "inv", index: 7 })));
        let b = Array::ones(&[40, 3, 1], dtype, &CPU)?.to_device(dev)?;
        assert!(matches!(linalg::solve(&a, &b), Err(Error::SingularMatrix { op: "solve", index: 7 })));
        // A singular matrix has determinant 0 (sign 0, log -inf): not an error.
        let d = host(&linalg::det(&a)?.to_device(&CPU)?)?;
        assert_eq!((d[7], d[30]), (0.0, 0.0));
        assert!(d[0] != 0.0);
        let (sign, log) = linalg::slogdet(&a)?;
        let (sign, log) = (host(&sign.to_device(&CPU)?)?, host(&log.to_device(&CPU)?)?);
        assert_eq!((sign[7], log[7]), (0.0, f64::NEG_INFINITY));
        // Position 1 indefinite (leading minor of order 2 negative), position 2 too.
        let mut spd_data = host(&spd(&[3, 3, 3], DType::F64, 19)?)?;
        for p in [2, 1] {
            spd_data[p * 9..p * 9 + 9].copy_from_slice(&[1.0, 2.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
        }
        let cpu = Array::from_slice(&spd_data, &[3, 3, 3], &CPU)?.astype(dtype)?;
        let want = linalg::cholesky(&cpu, false).unwrap_err();
        assert!(matches!(want, Error::NotPositiveDefinite { index: 1, pivot: 1, .. }), "{want:?}");
        for upper in [false, true] {
            let got = linalg::cholesky(&cpu.to_device(dev)?, upper).unwrap_err();
            assert_eq!(got.to_string(), want.to_string(), "upper = {upper}");
        }
    }
    Ok(())
}

test_on_devices!(
    norms_on_device,
    decompositions_match_cpu,
    decompositions_of_views_and_empty_stacks,
    determinants_with_interchanges,
    qr_on_device,
    svd_on_device,
    decomposition_errors_name_the_batch_position
);

#[test]
fn empty_matrices_follow_numpy() -> Result<()> {
    for shape in [[0usize, 0], [3, 0], [0, 3]] {
        let a = Array::zeros(&shape, DType::F64, &CPU)?;
        let (m, n) = (shape[0], shape[1]);
        let (q, r) = linalg::qr(&a, QrMode::Complete)?;
        assert_eq!((q.shape(), r.shape()), (&[m, m][..], &[m, n][..]));
        assert_close(&q, &Array::eye(m, m, 0, DType::F64, &CPU)?, 0.0, "complete Q of an empty matrix")?;
        let (u, s, vh) = linalg::svd(&a, true)?;
        assert_eq!(s.shape(), &[0]);
        assert_close(&u, &Array::eye(m, m, 0, DType::F64, &CPU)?, 0.0, "U")?;
        assert_close(&vh, &Array::eye(n, n, 0, DType::F64, &CPU)?, 0.0, "Vh")?;
        assert_eq!(linalg::pinv(&a, None)?.shape(), &[n, m]);
        assert_eq!(linalg::matrix_rank(&a, None)?.to_vec::<i64>()?, vec![0]);
        assert_eq!(linalg::matrix_norm(&a, false, MatrixNorm::Nuc)?.to_vec::<f64>()?, vec![0.0]);
    }
    let e = Array::zeros(&[0, 0], DType::F64, &CPU)?;
    assert_eq!(linalg::cholesky(&e, false)?.shape(), &[0, 0]);
    assert_eq!(linalg::inv(&e)?.shape(), &[0, 0]);
    assert_eq!(linalg::eigh(&e)?.1.shape(), &[0, 0]);
    let (sign, log) = linalg::slogdet(&e)?;
    assert_eq!((sign.to_vec::<f64>()?, log.to_vec::<f64>()?), (vec![1.0], vec![0.0]));
    Ok(())
}

#[test]
fn non_finite_input() -> Result<()> {
    let a = Array::from_slice(&[1.0, f64::NAN, f64::NAN, 1.0], &[2, 2], &CPU)?;
    assert!(matches!(linalg::svdvals(&a), Err(Error::NoConvergence { op: "svdvals", index: 0, finite: Some(false) })));
    assert!(matches!(linalg::cholesky(&a, false), Err(Error::NotPositiveDefinite { .. })));
    // NaN propagates through the LU, as in NumPy: not reported as singular.
    assert!(linalg::inv(&a)?.to_vec::<f64>()?.iter().all(|v| v.is_nan()));
    Ok(())
}

/// Many small matrices take the parallel-over-batch path; results and the first failing
/// position are the same as serially.
#[test]
fn large_batches_of_small_matrices() -> Result<()> {
    let a = dominant(&[4096, 3, 3], DType::F64, 18)?;
    let ai = linalg::inv(&a)?;
    assert_close(&a.matmul(&ai)?, &eye_like(&a)?, tol(DType::F64, 3, 10.0), "A @ inv(A), batched")?;
    let (q, r) = linalg::qr(&a, QrMode::Reduced)?;
    assert_close(&q.matmul(&r)?, &a, tol(DType::F64, 3, 4.0), "Q @ R, batched")?;
    // Make positions 3000 and 100 singular: the error names the first, 100.
    let mut data = host(&a)?;
    for p in [3000, 100] {
        data[p * 9..p * 9 + 9].fill(1.0);
    }
    let s = Array::from_slice(&data, &[4096, 3, 3], &CPU)?;
    assert!(matches!(linalg::inv(&s), Err(Error::SingularMatrix { index: 100, .. })));
    Ok(())
}
