//! `devarray::linalg` beyond the decompositions' own suite: array `rtol` for `pinv` and
//! `matrix_rank` (broadcast against the batch axes), the SVD and eigensolver on float32
//! matrices whose entries are near the dtype's range limits (scaled as LAPACK does), and
//! `matrix_power` and `cross`; on every device against host references.

mod common;

use devarray::linalg;
use devarray::{Array, DType, Device, Error, Result};

const CPU: Device = Device::Cpu;

fn host(a: &Array) -> Result<Vec<f64>> {
    a.to_device(&CPU)?.astype(DType::F64)?.to_vec::<f64>()
}

/// `diag(1, small)` stacked `count` times, in `dtype`, on `dev`.
fn diag_stack(count: usize, small: f64, dtype: DType, dev: &Device) -> Result<Array> {
    let data: Vec<f64> = (0..count).flat_map(|_| [1.0, 0.0, 0.0, small]).collect();
    Array::from_slice(&data, &[count, 2, 2], dev)?.astype(dtype)
}

/// An array `rtol` broadcasts against the batch axes: one cutoff per matrix, a 0-d cutoff, a
/// cutoff per (rtol, matrix) pair, and an empty batch with an empty `rtol`.
fn rtol_arrays(dev: &Device) -> Result<()> {
    for dtype in [DType::F32, DType::F64] {
        let a = diag_stack(2, 0.01, dtype, dev)?;
        let per_matrix = Array::from_slice(&[0.1f64, 0.001], &[2], dev)?;
        let r = linalg::matrix_rank_rtol(&a, &per_matrix)?;
        assert_eq!((r.shape(), r.dtype(), host(&r)?), (&[2][..], DType::I64, vec![1.0, 2.0]));
        let p = host(&linalg::pinv_rtol(&a, &per_matrix)?)?;
        let want = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 100.0];
        assert!(p.iter().zip(want).all(|(g, w)| (g - w).abs() <= 1e-3 * w.abs().max(1.0)), "{p:?}");
        let zero_d = Array::from_slice(&[0.1f64], &[], dev)?;
        assert_eq!(host(&linalg::matrix_rank_rtol(&a, &zero_d)?)?, vec![1.0, 1.0]);
        // (3, 1) against the batch (2,): a (3, 2) result.
        let grid = Array::from_slice(&[0.5f64, 0.005, 0.0005], &[3, 1], dev)?;
        let r = linalg::matrix_rank_rtol(&a, &grid)?;
        assert_eq!((r.shape(), host(&r)?), (&[3, 2][..], vec![1.0, 1.0, 2.0, 2.0, 2.0, 2.0]));
        assert_eq!(linalg::pinv_rtol(&a, &grid)?.shape(), &[3, 2, 2, 2]);
        // An empty batch and an empty rtol (the conformance suite's failing example).
        let empty = Array::zeros(&[0, 3, 3], dtype, dev)?;
        let none = Array::zeros(&[0], DType::F64, dev)?;
        assert_eq!(linalg::matrix_rank_rtol(&empty, &none)?.shape(), &[0]);
        assert_eq!(linalg::pinv_rtol(&empty, &none)?.shape(), &[0, 3, 3]);
        // Empty matrices: the result takes the broadcast batch shape.
        let no_cols = Array::zeros(&[2, 3, 0], dtype, dev)?;
        assert_eq!(linalg::matrix_rank_rtol(&no_cols, &grid)?.shape(), &[3, 2]);
        assert_eq!(linalg::pinv_rtol(&no_cols, &grid)?.shape(), &[3, 2, 0, 3]);
    }
    let a = diag_stack(2, 0.01, DType::F64, dev)?;
    let bad = Array::from_slice(&[0.1f64, 0.2, 0.3], &[3], dev)?;
    for e in [linalg::matrix_rank_rtol(&a, &bad).unwrap_err(), linalg::pinv_rtol(&a, &bad).unwrap_err()] {
        match e {
            Error::ShapeMismatch { ref lhs, ref rhs, .. } => {
                assert_eq!((lhs.as_slice(), rhs.as_slice()), (&[2, 2, 2][..], &[3][..]))
            }
            other => panic!("expected ShapeMismatch, got {other:?}"),
        }
    }
    Ok(())
}

/// Deterministic values in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 33) as f64 / (1u64 << 31) as f64) * 2.0 - 1.0
        })
        .collect()
}

/// Asserts `got ≈ want` within `rel` of the largest `|want|`.
fn assert_rel(got: &[f64], want: &[f64], rel: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    let big = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let worst = got.iter().zip(want).map(|(g, w)| (g - w).abs()).fold(0.0, f64::max);
    assert!(worst <= rel * big && got.iter().all(|g| g.is_finite()), "{what}: {got:?} vs {want:?}");
}

/// float32 matrices whose entries are near the top or the bottom of the range (the Array API
/// suite's constant 7.530852e18 matrix among them): the SVD, the eigensolver and the norms on
/// them succeed and match the float64 results of the same values, which need no scaling.
fn extreme_float32(dev: &Device) -> Result<()> {
    let constant = vec![7.530852e18f64; 9];
    let cases: Vec<(Vec<f64>, usize)> = vec![
        (constant, 3),
        (values(16, 1).iter().map(|v| v * 1e19).collect(), 4),
        (values(16, 2).iter().map(|v| v * 3e37).collect(), 4),
        (values(16, 3).iter().map(|v| v * 1e-30).collect(), 4),
        (values(9, 4).iter().map(|v| v * 1e-38).collect(), 3),
    ];
    for (data, n) in cases {
        // Round through float32 first, so both dtypes see the same values.
        let f32s = Array::from_slice(&data, &[n, n], &CPU)?.astype(DType::F32)?;
        let f64s = f32s.astype(DType::F64)?;
        let x = f32s.to_device(dev)?;
        let what = format!("{:e} scale", data[0]);
        let want = host(&linalg::svdvals(&f64s)?)?;
        assert_rel(&host(&linalg::svdvals(&x)?)?, &want, 1e-5, &format!("svdvals, {what}"));
        let (u, s, vh) = linalg::svd(&x, false)?;
        assert_rel(&host(&s)?, &want, 1e-5, &format!("svd S, {what}"));
        // The singular vectors are those of a matrix of ordinary size: orthonormal.
        let (u, vh) = (u.to_device(&CPU)?.astype(DType::F64)?, vh.to_device(&CPU)?.astype(DType::F64)?);
        let eye = host(&Array::eye(n, n, 0, DType::F64, &CPU)?)?;
        assert_rel(&host(&u.swapaxes(-2, -1)?.matmul(&u)?)?, &eye, 1e-5, &format!("UᵀU, {what}"));
        assert_rel(&host(&vh.matmul(&vh.swapaxes(-2, -1)?)?)?, &eye, 1e-5, &format!("Vh Vhᵀ, {what}"));
        for ord in [linalg::MatrixNorm::Two, linalg::MatrixNorm::Nuc] {
            let want = host(&linalg::matrix_norm(&f64s, false, ord)?)?;
            assert_rel(&host(&linalg::matrix_norm(&x, false, ord)?)?, &want, 1e-5, &format!("{ord:?} norm, {what}"));
        }
        // The symmetric part (x + xᵀ) / 2 for the eigensolver.
        let sym = f32s.add(&f32s.swapaxes(-2, -1)?)?.multiply(0.5)?;
        let want = host(&linalg::eigvalsh(&sym.astype(DType::F64)?)?)?;
        let sym = sym.to_device(dev)?;
        assert_rel(&host(&linalg::eigvalsh(&sym)?)?, &want, 1e-5, &format!("eigvalsh, {what}"));
        let (w, _) = linalg::eigh(&sym)?;
        assert_rel(&host(&w)?, &want, 1e-5, &format!("eigh, {what}"));
    }
    Ok(())
}

/// A NaN or infinity still fails, and the error says so; a batch names the failing position.
fn non_finite_is_named(dev: &Device) -> Result<()> {
    let mut data = vec![1.0f64; 2 * 9];
    data[9 + 4] = f64::INFINITY;
    let x = Array::from_slice(&data, &[2, 3, 3], &CPU)?.astype(DType::F32)?.to_device(dev)?;
    let e = linalg::svdvals(&x).unwrap_err();
    assert!(matches!(e, Error::NoConvergence { op: "svdvals", index: 1, .. }), "{e:?}");
    // Every device names the cause: a GPU checks the input itself, since cuSOLVER returns NaNs
    // with info = 0 for it (seen on an H200).
    assert!(matches!(e, Error::NoConvergence { finite: Some(false), .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("holds NaN or infinite values"), "{text}");
    Ok(())
}

/// `matrix_power` against repeated `matmul` on the CPU: integer (exact, wrapping), float,
/// stacked, `n = 0` (identity of the batch shape), negative powers (of the inverse), empty
/// stacks; errors for non-square input and fewer than 2 dimensions.
fn matrix_power_on_device(dev: &Device) -> Result<()> {
    let ints: Vec<i64> = values(2 * 9, 5).iter().map(|v| (v * 4.0).round() as i64).collect();
    let a = Array::from_slice(&ints, &[2, 3, 3], &CPU)?;
    let x = a.to_device(dev)?;
    let mut want = a.clone();
    for n in 1..=7 {
        let got = linalg::matrix_power(&x, n)?;
        assert_eq!(
            (got.dtype(), got.to_device(&CPU)?.to_vec::<i64>()?),
            (DType::I64, want.to_vec::<i64>()?),
            "n = {n}"
        );
        want = want.matmul(&a)?;
    }
    // Wraparound, as NumPy: int8 overflows.
    let i8s = Array::from_slice(&[3i8, 1, 1, 3], &[2, 2], &CPU)?;
    let w = i8s.matmul(&i8s)?.matmul(&i8s)?.matmul(&i8s)?.matmul(&i8s)?;
    assert_eq!(linalg::matrix_power(&i8s.to_device(dev)?, 5)?.to_device(&CPU)?.to_vec::<i8>()?, w.to_vec::<i8>()?);
    let id = linalg::matrix_power(&x, 0)?;
    assert_eq!((id.shape(), id.dtype()), (&[2, 3, 3][..], DType::I64));
    assert_eq!(host(&id)?, host(&Array::eye(3, 3, 0, DType::F64, &CPU)?.broadcast_to(&[2, 3, 3])?)?);
    for dtype in [DType::F32, DType::F64] {
        let d = Array::from_slice(&values(2 * 16, 6), &[2, 4, 4], &CPU)?
            .add(&Array::eye(4, 4, 0, DType::F64, &CPU)?.multiply(4.0)?)?
            .astype(dtype)?;
        let inv = linalg::inv(&d)?;
        let want = host(&inv.matmul(&inv)?.matmul(&inv)?)?;
        let got = linalg::matrix_power(&d.to_device(dev)?, -3)?;
        assert_eq!(got.dtype(), dtype);
        assert_rel(&host(&got)?, &want, 1e-5, "x ** -3");
        // x ** 1 is a copy equal to x.
        assert_eq!(host(&linalg::matrix_power(&d.to_device(dev)?, 1)?)?, host(&d)?);
    }
    // Integer input to a negative power is computed in float64, as NumPy does.
    let two = Array::from_slice(&[2i32, 0, 0, 2], &[2, 2], &CPU)?.to_device(dev)?;
    let half = linalg::matrix_power(&two, -1)?;
    assert_eq!((half.dtype(), host(&half)?), (DType::F64, vec![0.5, 0.0, 0.0, 0.5]));
    assert_eq!(linalg::matrix_power(&Array::zeros(&[0, 2, 2], DType::F32, dev)?, 3)?.shape(), &[0, 2, 2]);
    let e = linalg::matrix_power(&Array::zeros(&[2, 3], DType::F32, dev)?, 2).unwrap_err();
    assert!(matches!(e, Error::NotSquare { op: "matrix_power", .. }), "{e:?}");
    let e = linalg::matrix_power(&Array::zeros(&[3], DType::F32, dev)?, 2).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { .. }), "{e:?}");
    let singular = Array::zeros(&[2, 2], DType::F64, dev)?;
    assert!(matches!(linalg::matrix_power(&singular, -1), Err(Error::SingularMatrix { .. })));
    Ok(())
}

/// Host cross product of `a` and `b` (3-vectors).
fn cross3(a: &[f64], b: &[f64]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

/// `cross` against a host loop: broadcasting, another axis, integer dtypes, promotion; the
/// errors for an axis of the wrong length and batch shapes that do not broadcast.
fn cross_on_device(dev: &Device) -> Result<()> {
    let a = Array::from_slice(&values(4 * 3, 7), &[4, 3], &CPU)?;
    let b = Array::from_slice(&values(6, 8), &[2, 1, 3], &CPU)?;
    let got = linalg::cross(&a.to_device(dev)?, &b.to_device(dev)?, -1)?;
    assert_eq!(got.shape(), &[2, 4, 3]);
    let (ha, hb) = (host(&a)?, host(&b)?);
    let mut want = Vec::new();
    for i in 0..2 {
        for j in 0..4 {
            want.extend(cross3(&ha[j * 3..j * 3 + 3], &hb[i * 3..i * 3 + 3]));
        }
    }
    assert_rel(&host(&got)?, &want, 1e-12, "cross, broadcast");
    // The vectors along axis 0 (and -2 of a 2-D array): the same numbers, transposed.
    let at = a.transpose().to_device(dev)?;
    let b0 = b.slice(&[devarray::AxisSlice::Index(0)])?.transpose().to_device(dev)?;
    let got0 = linalg::cross(&at, &b0, 0)?;
    let got2 = linalg::cross(&at, &b0, -2)?;
    assert_eq!(got0.shape(), &[3, 4]);
    assert_eq!(host(&got0)?, host(&got2)?);
    assert_rel(&host(&got0.transpose())?, &want[..12], 1e-12, "cross, axis 0");
    // Integers stay integers (and wrap); int32 with int64 promotes.
    let i = Array::from_slice(&[1i32, 2, 3, -4, 5, 6], &[2, 3], &CPU)?.to_device(dev)?;
    let j = Array::from_slice(&[7i64, 8, 9], &[3], &CPU)?.to_device(dev)?;
    let c = linalg::cross(&i, &j, -1)?;
    assert_eq!((c.dtype(), c.to_device(&CPU)?.to_vec::<i64>()?), (DType::I64, vec![-6, 12, -6, -3, 78, -67]));
    let u8s = Array::from_slice(&[1u8, 0, 0], &[3], &CPU)?.to_device(dev)?;
    let v8s = Array::from_slice(&[0u8, 0, 1], &[3], &CPU)?.to_device(dev)?;
    assert_eq!(linalg::cross(&u8s, &v8s, -1)?.to_device(&CPU)?.to_vec::<u8>()?, vec![0, 255, 0]);
    // Empty batches.
    let e = Array::zeros(&[0, 3], DType::F32, dev)?;
    assert_eq!(linalg::cross(&e, &e, -1)?.shape(), &[0, 3]);
    // Errors.
    let two = Array::zeros(&[4, 2], DType::F64, dev)?;
    let err = linalg::cross(&two, &two, -1).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { op: "cross", .. }) && err.to_string().contains("[4, 2]"), "{err}");
    let (p, q) = (Array::zeros(&[4, 3], DType::F64, dev)?, Array::zeros(&[5, 3], DType::F64, dev)?);
    match linalg::cross(&p, &q, -1).unwrap_err() {
        Error::ShapeMismatch { lhs, rhs, .. } => assert_eq!((lhs, rhs), (vec![4, 3], vec![5, 3])),
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert!(matches!(linalg::cross(&p, &p, 2), Err(Error::AxisOutOfRange { .. })));
    Ok(())
}

test_on_devices!(rtol_arrays, extreme_float32, non_finite_is_named, matrix_power_on_device, cross_on_device);
