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

test_on_devices!(rtol_arrays);
