//! complex64/complex128 products on the CUDA backend (cuBLAS `cublasGemmStridedBatchedEx` with
//! `CUDA_C_32F`/`CUDA_C_64F`, or the emulator's stand-in under `DEVARRAY_DEVICE=cuda-emu`)
//! against the CPU backend (faer): `matmul` over empty, 1 × 1, batched and broadcast stacks,
//! transposed, flipped and stepped operands, 1-D promotion; `vecdot`, `tensordot` and `einsum`,
//! which route through `matmul`. Prints `skipped: no CUDA device` and passes without a device.

mod common;
mod cuda_support;

use cuda_support::gpu;
use devarray::num_complex::Complex64;
use devarray::{einsum, Array, AxisSlice, DType, Device, Result};

const CPU: Device = Device::Cpu;
const COMPLEX: [DType; 2] = [DType::C64, DType::C128];

/// Deterministic complex values with parts in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<Complex64> {
    let mut rng = cuda_support::Rng::new(seed);
    let mut part = || (rng.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0;
    (0..n).map(|_| Complex64::new(part(), part())).collect()
}

/// A CPU array of `dtype` with `shape`.
fn rand(shape: &[usize], dtype: DType, seed: u64) -> Result<Array> {
    Array::from_slice(&values(shape.iter().product(), seed), shape, &CPU)?.astype(dtype)
}

fn tol(dtype: DType, k: usize) -> f64 {
    let eps = if dtype == DType::C64 { f32::EPSILON as f64 } else { f64::EPSILON };
    16.0 * eps * k.max(1) as f64
}

/// `got` (any device) within `tol` of `want` (CPU), part by part, relative to `want`'s largest.
fn assert_close(got: &Array, want: &Array, tol: f64, what: &str) -> Result<()> {
    assert_eq!(got.shape(), want.shape(), "{what}: shapes");
    assert_eq!(got.dtype(), want.dtype(), "{what}: dtypes");
    let parts = |a: &Array| -> Result<Vec<f64>> {
        let v = a.to_device(&CPU)?.astype(DType::C128)?.to_vec::<Complex64>()?;
        Ok(v.iter().flat_map(|z| [z.re, z.im]).collect())
    };
    let (g, w) = (parts(got)?, parts(want)?);
    let scale = w.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    let worst = g.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst <= tol * scale, "{what}: max deviation {worst:e} > {:e}", tol * scale);
    Ok(())
}

/// `a @ b` on the device and on the CPU, compared.
fn same_product(dev: &Device, a: &Array, b: &Array, k: usize, what: &str) -> Result<()> {
    let want = a.matmul(b)?;
    let got = a.to_device(dev)?.matmul(&b.to_device(dev)?)?;
    assert!(got.device().is_cuda(), "{what}: stays on the device");
    assert_close(&got, &want, tol(a.dtype(), k), what)
}

#[test]
fn matmul_matches_the_cpu_over_shapes_and_batches() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    for dtype in COMPLEX {
        let cases: [(&[usize], &[usize]); 9] = [
            (&[1, 1], &[1, 1]),
            (&[3, 4], &[4, 5]),
            (&[0, 4], &[4, 5]),
            (&[3, 0], &[0, 5]),
            (&[2, 3, 4], &[2, 4, 2]),
            (&[3, 1, 2, 7], &[4, 7, 3]),
            (&[2, 5, 6], &[6, 1]),
            (&[70, 33], &[33, 65]),
            (&[0, 2, 3], &[3, 3]),
        ];
        for (i, (sa, sb)) in cases.into_iter().enumerate() {
            let (a, b) = (rand(sa, dtype, 2 * i as u64)?, rand(sb, dtype, 2 * i as u64 + 1)?);
            same_product(&dev, &a, &b, sa[sa.len() - 1], &format!("{dtype} {sa:?} @ {sb:?}"))?;
        }
        // 1-D operands: promoted to a row or a column, the added axis removed.
        let (v, m) = (rand(&[4], dtype, 30)?, rand(&[2, 4, 3], dtype, 31)?);
        same_product(&dev, &v, &m, 4, &format!("{dtype} vector @ stack"))?;
        same_product(&dev, &m, &rand(&[3], dtype, 32)?, 3, "stack @ vector")?;
        same_product(&dev, &v, &v, 4, &format!("{dtype} vector @ vector"))?;
    }
    Ok(())
}

/// `x[..., ::2, ::2]`.
fn stepped(x: &Array) -> Result<Array> {
    let every_other = AxisSlice::Range { start: None, stop: None, step: 2 };
    x.slice(&[AxisSlice::Ellipsis, every_other, every_other])
}

#[test]
fn matmul_takes_transposed_flipped_and_stepped_views() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    type View = fn(&Array) -> Result<Array>;
    let views: [(&str, View); 4] = [
        ("transposed", |x| x.swapaxes(-2, -1)),
        ("flipped rows", |x| x.flip(Some(&[-2]))),
        ("flipped columns and batch", |x| x.flip(Some(&[0, -1]))),
        ("stepped", stepped),
    ];
    for dtype in COMPLEX {
        let (a, b) = (rand(&[3, 6, 6], dtype, 40)?, rand(&[3, 6, 6], dtype, 41)?);
        let (da, db) = (a.to_device(&dev)?, b.to_device(&dev)?);
        for (what, view) in views {
            // The view taken on each device, so the device multiplies the strided view itself.
            let want = view(&a)?.matmul(&view(&b)?)?;
            let got = view(&da)?.matmul(&view(&db)?)?;
            assert_close(&got, &want, tol(dtype, 6), &format!("{dtype} {what}"))?;
            // A broadcast operand: one matrix against the whole stack.
            let one = view(&a)?.slice(&[AxisSlice::Index(1)])?;
            let d_one = view(&da)?.slice(&[AxisSlice::Index(1)])?;
            let want = one.matmul(&view(&b)?)?;
            assert_close(&d_one.matmul(&view(&db)?)?, &want, tol(dtype, 6), &format!("{dtype} broadcast {what}"))?;
        }
    }
    Ok(())
}

#[test]
fn vecdot_tensordot_and_einsum_of_complex_run_on_the_device() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    for dtype in COMPLEX {
        let (x, y) = (rand(&[3, 5], dtype, 50)?, rand(&[2, 3, 5], dtype, 51)?);
        let (dx, dy) = (x.to_device(&dev)?, y.to_device(&dev)?);
        // vecdot conjugates its first operand.
        assert_close(&dx.vecdot(&dy, -1)?, &x.vecdot(&y, -1)?, tol(dtype, 5), "vecdot")?;
        let axes: (&[isize], &[isize]) = (&[0, 1], &[1, 2]);
        assert_close(&dx.tensordot(&dy, axes)?, &x.tensordot(&y, axes)?, tol(dtype, 15), "tensordot")?;
        let want = einsum("ij,bkj->bik", &[&x, &y])?;
        assert_close(&einsum("ij,bkj->bik", &[&dx, &dy])?, &want, tol(dtype, 5), "einsum")?;
    }
    Ok(())
}

#[test]
fn a_known_complex_product() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let z = Complex64::new;
    // [[1+2i, 3i], [1, 1-i]] @ [[3-i], [2]] = [[5+5i + 6i], [3-i + 2-2i]]: no conjugation.
    let a = Array::from_slice(&[z(1.0, 2.0), z(0.0, 3.0), z(1.0, 0.0), z(1.0, -1.0)], &[2, 2], &dev)?;
    let b = Array::from_slice(&[z(3.0, -1.0), z(2.0, 0.0)], &[2, 1], &dev)?;
    let got = a.matmul(&b)?.to_device(&CPU)?.to_vec::<Complex64>()?;
    assert_eq!(got, vec![z(5.0, 11.0), z(5.0, -3.0)]);
    Ok(())
}
