//! `devarray::fft` on every device against a naive O(n²) DFT computed in float64 (angles
//! reduced exactly, `jk mod n`), for power-of-two, prime and 2^k ± 1 sizes, every transform,
//! the normalisation modes, padding and truncation, any axis (negative, strided, reversed),
//! the multi-axis transforms, the helpers, and the typed errors.

mod common;

use devarray::fft::{self, Norm};
use devarray::{Array, DType, Device, Error, Result};
use num_complex::{Complex32, Complex64};

const CPU: Device = Device::Cpu;
const SIZES: [usize; 21] = [1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 17, 31, 32, 33, 64, 97, 100, 127, 128, 129, 1009];
const NORMS: [Norm; 3] = [Norm::Backward, Norm::Ortho, Norm::Forward];

/// Deterministic values in [-1, 1).
fn values(count: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..count)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        })
        .collect()
}

fn complex_values(count: usize, seed: u64) -> Vec<Complex64> {
    let v = values(2 * count, seed);
    v.chunks(2).map(|p| Complex64::new(p[0], p[1])).collect()
}

/// `sum_j x[j] exp(sign 2πi jk/n)` for `k < out`, `x` zero-padded or cut to `n`.
fn dft(x: &[Complex64], n: usize, inverse: bool, out: usize) -> Vec<Complex64> {
    let sign = if inverse { 1.0 } else { -1.0 };
    (0..out)
        .map(|k| {
            x.iter().take(n).enumerate().fold(Complex64::new(0.0, 0.0), |acc, (j, &v)| {
                let angle = sign * 2.0 * std::f64::consts::PI * ((j * k) % n) as f64 / n as f64;
                acc + v * Complex64::from_polar(1.0, angle)
            })
        })
        .collect()
}

/// The full Hermitian spectrum of length `n` from its half `h` (cut or zero-padded to
/// `n / 2 + 1`), the imaginary parts of frequency 0 and `n / 2` dropped as NumPy does.
fn hermitian_full(h: &[Complex64], n: usize) -> Vec<Complex64> {
    let half: Vec<Complex64> = (0..n / 2 + 1).map(|k| h.get(k).copied().unwrap_or_default()).collect();
    (0..n)
        .map(|k| {
            let z = if k <= n / 2 { half[k] } else { half[n - k].conj() };
            if k == 0 || 2 * k == n {
                Complex64::new(z.re, 0.0)
            } else {
                z
            }
        })
        .collect()
}

fn scale(norm: Norm, n: usize, inverse: bool) -> f64 {
    match (norm, inverse) {
        (Norm::Backward, false) | (Norm::Forward, true) => 1.0,
        (Norm::Ortho, _) => 1.0 / (n as f64).sqrt(),
        _ => 1.0 / n as f64,
    }
}

fn host_complex(a: &Array) -> Result<Vec<Complex64>> {
    let a = a.to_device(&CPU)?;
    Ok(match a.dtype() {
        DType::C64 => a.to_vec::<Complex32>()?.iter().map(|z| Complex64::new(z.re.into(), z.im.into())).collect(),
        DType::C128 => a.to_vec::<Complex64>()?,
        _ => a.astype(DType::F64)?.to_vec::<f64>()?.iter().map(|&v| Complex64::new(v, 0.0)).collect(),
    })
}

/// The (complex, real) dtype pairs whose results can be read back when a transform along an
/// inner axis returns a strided view: both on the CPU; complex64 only on a CUDA device until
/// its copy kernels move 16-byte elements (the `complex` work in progress), since reading a
/// strided complex128 view back copies 16-byte elements on the device.
fn precisions(dev: &Device) -> Vec<(DType, DType)> {
    match dev {
        Device::Cpu => vec![(DType::C64, DType::F32), (DType::C128, DType::F64)],
        _ => vec![(DType::C64, DType::F32)],
    }
}

/// Checks `got` against `want`: error at most `tol * max|want|` per value (with a floor for
/// all-zero spectra).
fn close(what: &str, got: &[Complex64], want: &[Complex64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let peak = want.iter().map(|z| z.norm()).fold(1.0f64, f64::max);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).norm() <= tol * peak, "{what}: [{i}] got {g}, want {w} (tol {tol} x {peak})");
    }
}

/// The tolerance for a transform of length `n` in the precision of `dtype`.
fn tol(dtype: DType, n: usize) -> f64 {
    let eps = if matches!(dtype, DType::F32 | DType::C64) { 1.2e-7 } else { 2.3e-16 };
    8.0 * eps * (n.max(2) as f64).log2() * (n as f64).sqrt().max(4.0)
}

fn upload_complex(x: &[Complex64], dtype: DType, dev: &Device) -> Result<Array> {
    match dtype {
        DType::C64 => {
            let v: Vec<Complex32> = x.iter().map(|z| Complex32::new(z.re as f32, z.im as f32)).collect();
            Array::from_slice(&v, &[x.len()], dev)
        }
        _ => Array::from_slice(x, &[x.len()], dev),
    }
}

fn upload_real(x: &[f64], dtype: DType, shape: &[usize], dev: &Device) -> Result<Array> {
    match dtype {
        DType::F32 => Array::from_slice(&x.iter().map(|&v| v as f32).collect::<Vec<_>>(), shape, dev),
        _ => Array::from_slice(x, shape, dev),
    }
}

/// The complex transforms of every size, both precisions, every norm.
fn complex_sizes(dev: &Device) -> Result<()> {
    for (i, &n) in SIZES.iter().enumerate() {
        let x = complex_values(n, i as u64);
        for dtype in [DType::C64, DType::C128] {
            let a = upload_complex(&x, dtype, dev)?;
            for norm in NORMS {
                let y = fft::fft(&a, None, -1, norm)?;
                assert_eq!((y.shape(), y.dtype()), (&[n][..], dtype));
                let want: Vec<Complex64> = dft(&x, n, false, n).iter().map(|z| z * scale(norm, n, false)).collect();
                close(&format!("fft n={n} {dtype:?} {norm:?}"), &host_complex(&y)?, &want, tol(dtype, n));
                let z = fft::ifft(&a, None, 0, norm)?;
                let want: Vec<Complex64> = dft(&x, n, true, n).iter().map(|z| z * scale(norm, n, true)).collect();
                close(&format!("ifft n={n} {dtype:?} {norm:?}"), &host_complex(&z)?, &want, tol(dtype, n));
            }
            // The round trip.
            let back = fft::ifft(&fft::fft(&a, None, -1, Norm::Backward)?, None, -1, Norm::Backward)?;
            close(&format!("ifft(fft) n={n} {dtype:?}"), &host_complex(&back)?, &x, 4.0 * tol(dtype, n));
        }
    }
    Ok(())
}

/// rfft, irfft (odd and even n), hfft and ihfft of every size.
fn real_sizes(dev: &Device) -> Result<()> {
    for (i, &n) in SIZES.iter().enumerate() {
        let x = values(n, 100 + i as u64);
        let xc: Vec<Complex64> = x.iter().map(|&v| Complex64::new(v, 0.0)).collect();
        for dtype in [DType::F32, DType::F64] {
            let cdt = if dtype == DType::F32 { DType::C64 } else { DType::C128 };
            let a = upload_real(&x, dtype, &[n], dev)?;
            for norm in NORMS {
                let y = fft::rfft(&a, None, -1, norm)?;
                assert_eq!((y.shape(), y.dtype()), (&[n / 2 + 1][..], cdt));
                let want: Vec<Complex64> =
                    dft(&xc, n, false, n / 2 + 1).iter().map(|z| z * scale(norm, n, false)).collect();
                close(&format!("rfft n={n} {dtype:?} {norm:?}"), &host_complex(&y)?, &want, tol(dtype, n));
                // irfft of an arbitrary (non-Hermitian-consistent) half spectrum.
                let h = complex_values(n / 2 + 1, 200 + i as u64);
                let ha = upload_complex(&h, cdt, dev)?;
                let r = fft::irfft(&ha, Some(n), -1, norm)?;
                assert_eq!((r.shape(), r.dtype()), (&[n][..], dtype));
                let full = hermitian_full(&h, n);
                let want: Vec<Complex64> =
                    dft(&full, n, true, n).iter().map(|z| Complex64::new(z.re * scale(norm, n, true), 0.0)).collect();
                close(&format!("irfft n={n} {dtype:?} {norm:?}"), &host_complex(&r)?, &want, tol(dtype, n));
                // hfft(h, n) = irfft(conj(h), n) with the directions exchanged.
                let hf = fft::hfft(&ha, Some(n), -1, norm)?;
                let conj: Vec<Complex64> = h.iter().map(|z| z.conj()).collect();
                let want: Vec<Complex64> = dft(&hermitian_full(&conj, n), n, true, n)
                    .iter()
                    .map(|z| Complex64::new(z.re * scale(norm, n, false), 0.0))
                    .collect();
                close(&format!("hfft n={n} {dtype:?} {norm:?}"), &host_complex(&hf)?, &want, tol(dtype, n));
                // ihfft(x) = conj(rfft(x)) with the directions exchanged.
                let ih = fft::ihfft(&a, None, -1, norm)?;
                let want: Vec<Complex64> =
                    dft(&xc, n, false, n / 2 + 1).iter().map(|z| z.conj() * scale(norm, n, true)).collect();
                close(&format!("ihfft n={n} {dtype:?} {norm:?}"), &host_complex(&ih)?, &want, tol(dtype, n));
            }
            // irfft(rfft(x), n) == x for odd and even n.
            let back = fft::irfft(&fft::rfft(&a, None, -1, Norm::Backward)?, Some(n), -1, Norm::Backward)?;
            close(&format!("irfft(rfft) n={n} {dtype:?}"), &host_complex(&back)?, &xc, 4.0 * tol(dtype, n));
        }
    }
    Ok(())
}

/// `n` pads with zeros or cuts, for every kind of transform; irfft's default n is 2(m-1).
fn padding_and_truncation(dev: &Device) -> Result<()> {
    let x = complex_values(6, 7);
    let a = upload_complex(&x, DType::C128, dev)?;
    for n in [1, 4, 6, 9, 16] {
        let y = host_complex(&fft::fft(&a, Some(n), -1, Norm::Backward)?)?;
        close(&format!("fft pad/cut n={n}"), &y, &dft(&x, n, false, n), 1e-13);
        let r = host_complex(&fft::irfft(&a, Some(n), -1, Norm::Backward)?)?;
        let want: Vec<Complex64> =
            dft(&hermitian_full(&x, n), n, true, n).iter().map(|z| Complex64::new(z.re / n as f64, 0.0)).collect();
        close(&format!("irfft pad/cut n={n}"), &r, &want, 1e-13);
    }
    assert_eq!(fft::irfft(&a, None, -1, Norm::Backward)?.shape(), &[10]);
    assert_eq!(fft::hfft(&a, None, -1, Norm::Backward)?.shape(), &[10]);
    let xr = values(6, 8);
    let ar = upload_real(&xr, DType::F64, &[6], dev)?;
    let xc: Vec<Complex64> = xr.iter().map(|&v| Complex64::new(v, 0.0)).collect();
    for n in [1, 3, 6, 11] {
        let y = host_complex(&fft::rfft(&ar, Some(n), 0, Norm::Backward)?)?;
        close(&format!("rfft pad/cut n={n}"), &y, &dft(&xc, n, false, n / 2 + 1), 1e-13);
        // Real input to the complex transform.
        let y = host_complex(&fft::fft(&ar, Some(n), 0, Norm::Backward)?)?;
        close(&format!("fft of real, n={n}"), &y, &dft(&xc, n, false, n), 1e-13);
    }
    // An empty axis is fine once n is given: all zeros.
    let empty = Array::zeros(&[0], DType::C128, dev)?;
    assert!(host_complex(&fft::fft(&empty, Some(3), -1, Norm::Backward)?)?.iter().all(|z| z.norm() == 0.0));
    Ok(())
}

/// Transforms along every axis of a 3-D array, also of strided and reversed views, against
/// the 1-D oracle on each line.
fn axes_and_batches(dev: &Device) -> Result<()> {
    let shape = [3usize, 4, 5];
    let x = complex_values(60, 9);
    for (dtype, _) in precisions(dev) {
        let a = upload_complex(&x, dtype, dev)?.reshape(&shape)?;
        for axis in [0isize, 1, 2, -1, -2, -3] {
            let ax = axis.rem_euclid(3) as usize;
            let n = shape[ax];
            let y = fft::fft(&a, None, axis, Norm::Backward)?;
            assert_eq!(y.shape(), &shape);
            let got = host_complex(&y)?;
            check_lines(&format!("fft axis {axis} {dtype:?}"), &x, &got, &shape, ax, n, tol(dtype, n));
        }
        // A strided view (every other row) and a reversed one.
        let wide = upload_complex(&complex_values(2 * 60, 10), dtype, dev)?.reshape(&[3, 8, 5])?;
        let strided = wide.slice(&[
            devarray::AxisSlice::range(None, None, 1),
            devarray::AxisSlice::range(None, None, 2),
            devarray::AxisSlice::range(None, None, 1),
        ])?;
        let reversed = strided.flip(Some(&[2]))?;
        for (name, view) in [("strided", &strided), ("reversed", &reversed)] {
            let host = host_complex(&view.copy()?)?;
            for ax in 0..3 {
                let got = host_complex(&fft::fft(view, None, ax as isize, Norm::Ortho)?)?;
                let n = shape[ax];
                let want_scaled: Vec<Complex64> = got.iter().map(|z| z * (n as f64).sqrt()).collect();
                check_lines(
                    &format!("fft {name} axis {ax} {dtype:?}"),
                    &host,
                    &want_scaled,
                    &shape,
                    ax,
                    n,
                    tol(dtype, n),
                );
            }
        }
    }
    // Real transforms along a middle axis of a batch.
    let xr = values(60, 11);
    let ar = upload_real(&xr, DType::F64, &shape, dev)?;
    let y = fft::rfft(&ar, None, 1, Norm::Backward)?;
    assert_eq!(y.shape(), &[3, 3, 5]);
    let back = fft::irfft(&y, Some(4), 1, Norm::Backward)?;
    let xc: Vec<Complex64> = xr.iter().map(|&v| Complex64::new(v, 0.0)).collect();
    close("irfft(rfft) axis 1", &host_complex(&back)?, &xc, 1e-13);
    Ok(())
}

/// Every line of `got` (shape `shape`, transformed along `ax`) against the DFT of the same
/// line of `x`.
fn check_lines(what: &str, x: &[Complex64], got: &[Complex64], shape: &[usize], ax: usize, n: usize, tol: f64) {
    let strides = [shape[1] * shape[2], shape[2], 1];
    for i in 0..shape.iter().product::<usize>() {
        let idx = [i / strides[0], (i / strides[1]) % shape[1], i % shape[2]];
        if idx[ax] != 0 {
            continue;
        }
        let start = i;
        let line: Vec<Complex64> = (0..n).map(|j| x[start + j * strides[ax]]).collect();
        let out: Vec<Complex64> = (0..n).map(|j| got[start + j * strides[ax]]).collect();
        close(&format!("{what} line {idx:?}"), &out, &dft(&line, n, false, n), tol);
    }
}

/// fftn/ifftn/rfftn/irfftn: separable, `s` and `axes`, round trips, `axes=[]`.
fn nd_transforms(dev: &Device) -> Result<()> {
    for (cdt, rdt) in precisions(dev) {
        nd_in(dev, cdt, rdt)?;
    }
    Ok(())
}

fn nd_in(dev: &Device, cdt: DType, rdt: DType) -> Result<()> {
    let t = tol(cdt, 64);
    let shape = [4usize, 3, 5];
    let x = complex_values(60, 12);
    let a = upload_complex(&x, cdt, dev)?.reshape(&shape)?;
    // fftn over all axes == fft over each axis in turn.
    let all = host_complex(&fft::fftn(&a, None, None, Norm::Ortho)?)?;
    let mut seq = a.clone();
    for ax in 0..3 {
        seq = fft::fft(&seq, None, ax, Norm::Ortho)?;
    }
    close("fftn == fft per axis", &all, &host_complex(&seq)?, t);
    let back = fft::ifftn(&fft::fftn(&a, None, None, Norm::Backward)?, None, None, Norm::Backward)?;
    close("ifftn(fftn)", &host_complex(&back)?, &x, t);
    // s without axes: the last len(s) axes; s with axes: padding and cutting.
    let y = fft::fftn(&a, Some(&[6, 2]), None, Norm::Backward)?;
    assert_eq!(y.shape(), &[4, 6, 2]);
    let want = fft::fft(&fft::fft(&a, Some(2), 2, Norm::Backward)?, Some(6), 1, Norm::Backward)?;
    close("fftn s", &host_complex(&y)?, &host_complex(&want)?, t);
    let y = fft::fftn(&a, Some(&[3, 8]), Some(&[-1, 0]), Norm::Backward)?;
    assert_eq!(y.shape(), &[8, 3, 3]);
    // No axes: the input as complex.
    let r = values(6, 13);
    let ar = upload_real(&r, DType::F32, &[2, 3], dev)?;
    // (Real input needs a real-to-complex cast, which CUDA has once the complex casts land.)
    if *dev == CPU {
        let same = fft::fftn(&ar, None, Some(&[]), Norm::Backward)?;
        assert_eq!((same.shape(), same.dtype()), (&[2, 3][..], DType::C64));
    }
    let same = fft::fftn(&a, None, Some(&[]), Norm::Backward)?;
    assert_eq!((same.shape(), same.dtype()), (&shape[..], cdt));
    close("fftn without axes", &host_complex(&same)?, &host_complex(&a)?, 0.0);
    // rfftn / irfftn with an odd last length.
    let xr = values(60, 14);
    let ar = upload_real(&xr, rdt, &shape, dev)?;
    let spec = fft::rfftn(&ar, None, None, Norm::Backward)?;
    assert_eq!(spec.shape(), &[4, 3, 3]);
    let full = host_complex(&fft::fftn(&ar, None, None, Norm::Backward)?)?;
    let half: Vec<Complex64> = full.chunks(5).flat_map(|row| row[..3].to_vec()).collect();
    close("rfftn == fftn's half", &host_complex(&spec)?, &half, t);
    let back = fft::irfftn(&spec, Some(&[4, 3, 5]), None, Norm::Backward)?;
    let xc: Vec<Complex64> = xr.iter().map(|&v| Complex64::new(v, 0.0)).collect();
    close("irfftn(rfftn)", &host_complex(&back)?, &xc, t);
    let part = fft::rfftn(&ar, None, Some(&[0, 1]), Norm::Forward)?;
    assert_eq!(part.shape(), &[4, 2, 5]);
    let back = fft::irfftn(&part, Some(&[4, 3]), Some(&[0, 1]), Norm::Forward)?;
    close("irfftn(rfftn) axes (0, 1)", &host_complex(&back)?, &xc, t);
    Ok(())
}

/// Integer, bool and 16-bit float inputs: the result dtypes NumPy gives (complex64 for the
/// 16-bit floats).
fn dtypes(dev: &Device) -> Result<()> {
    let ints = Array::from_slice(&[1i32, 2, 3, 4], &[4], dev)?;
    let y = fft::fft(&ints, None, -1, Norm::Backward)?;
    assert_eq!(y.dtype(), DType::C128);
    close(
        "fft of int32",
        &host_complex(&y)?,
        &dft(&[1.0, 2.0, 3.0, 4.0].map(|v| Complex64::new(v, 0.0)), 4, false, 4),
        1e-13,
    );
    assert_eq!(fft::rfft(&ints, None, -1, Norm::Backward)?.dtype(), DType::C128);
    assert_eq!(fft::irfft(&ints, None, -1, Norm::Backward)?.dtype(), DType::F64);
    let bools = Array::from_slice(&[true, false, true], &[3], dev)?;
    assert_eq!(fft::fft(&bools, None, -1, Norm::Backward)?.dtype(), DType::C128);
    for d in [DType::F16, DType::BF16] {
        let h = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[4], dev)?.astype(d)?;
        let y = fft::rfft(&h, None, -1, Norm::Backward)?;
        assert_eq!(y.dtype(), DType::C64);
        let got = host_complex(&y)?;
        assert!((got[0].re - 10.0).abs() < 1e-5 && (got[2].re + 2.0).abs() < 1e-5, "{got:?}");
        assert_eq!(fft::irfft(&y, None, -1, Norm::Backward)?.dtype(), DType::F32);
    }
    Ok(())
}

/// fftfreq, rfftfreq, fftshift, ifftshift against NumPy's values.
fn helpers(dev: &Device) -> Result<()> {
    let f = fft::fftfreq(5, 0.1, DType::F64, dev)?.to_device(&CPU)?.to_vec::<f64>()?;
    let want = [0.0, 2.0, 4.0, -4.0, -2.0];
    assert!(f.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-12), "{f:?}");
    assert_eq!(fft::fftfreq(4, 1.0, DType::F32, dev)?.to_device(&CPU)?.to_vec::<f32>()?, vec![0.0, 0.25, -0.5, -0.25]);
    assert_eq!(fft::rfftfreq(4, 1.0, DType::F64, dev)?.to_device(&CPU)?.to_vec::<f64>()?, vec![0.0, 0.25, 0.5]);
    assert_eq!(fft::fftfreq(1, 1.0, DType::F64, dev)?.to_device(&CPU)?.to_vec::<f64>()?, vec![0.0]);
    let x = Array::arange(0.0, 6.0, 1.0, DType::F64, dev)?.reshape(&[2, 3])?;
    let s = fft::fftshift(&x, None)?.to_device(&CPU)?.to_vec::<f64>()?;
    assert_eq!(s, vec![5.0, 3.0, 4.0, 2.0, 0.0, 1.0]);
    let s1 = fft::fftshift(&x, Some(&[1]))?.to_device(&CPU)?.to_vec::<f64>()?;
    assert_eq!(s1, vec![2.0, 0.0, 1.0, 5.0, 3.0, 4.0]);
    let back = fft::ifftshift(&fft::fftshift(&x, None)?, None)?.to_device(&CPU)?.to_vec::<f64>()?;
    assert_eq!(back, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    assert!(matches!(fft::fftfreq(0, 1.0, DType::F64, dev), Err(Error::InvalidArgument { .. })));
    assert!(matches!(fft::fftfreq(4, 1.0, DType::I64, dev), Err(Error::UnsupportedDType { .. })));
    // Lengths no memory holds: typed errors (the host values were an infallible collect).
    assert!(matches!(fft::fftfreq(1 << 58, 1.0, DType::F64, dev), Err(Error::OutOfMemory { .. })));
    assert!(matches!(fft::rfftfreq(1 << 59, 1.0, DType::F64, dev), Err(Error::OutOfMemory { .. })));
    assert!(matches!(fft::fftshift(&x, Some(&[0, 0])), Err(Error::RepeatedAxis { .. })));
    Ok(())
}

/// Typed errors where NumPy raises.
fn errors(dev: &Device) -> Result<()> {
    let a = Array::zeros(&[2, 4], DType::C64, dev)?;
    let invalid = |r: Result<Array>, what: &str| match r {
        Err(Error::InvalidArgument { .. }) => {}
        other => panic!("{what}: expected InvalidArgument, got {other:?}"),
    };
    invalid(fft::fft(&a, Some(0), -1, Norm::Backward), "n = 0");
    invalid(fft::irfft(&a, Some(0), -1, Norm::Backward), "irfft n = 0");
    let zero_d = Array::zeros(&[], DType::F64, dev)?;
    invalid(fft::fft(&zero_d, None, -1, Norm::Backward), "0-d");
    invalid(fft::fftn(&zero_d, None, None, Norm::Backward), "0-d fftn");
    let empty = Array::zeros(&[3, 0], DType::C64, dev)?;
    invalid(fft::fft(&empty, None, -1, Norm::Backward), "empty axis");
    let one = Array::zeros(&[1], DType::C64, dev)?;
    invalid(fft::irfft(&one, None, -1, Norm::Backward), "irfft of one value, default n");
    invalid(fft::fftn(&a, Some(&[2, 2]), Some(&[0]), Norm::Backward), "s and axes lengths");
    invalid(fft::fftn(&a, Some(&[2, 2, 2]), None, Norm::Backward), "s longer than ndim");
    let real = Array::zeros(&[2, 4], DType::F32, dev)?;
    invalid(fft::rfftn(&real, None, Some(&[]), Norm::Backward), "rfftn without axes");
    assert!(matches!(fft::fft(&a, None, 2, Norm::Backward), Err(Error::AxisOutOfRange { axis: 2, ndim: 2, .. })));
    assert!(matches!(fft::fft(&a, None, -3, Norm::Backward), Err(Error::AxisOutOfRange { .. })));
    assert!(matches!(fft::fftn(&a, None, Some(&[0, -2]), Norm::Backward), Err(Error::RepeatedAxis { axis: 0, .. })));
    assert!(matches!(fft::rfft(&a, None, -1, Norm::Backward), Err(Error::UnsupportedDType { dtype: DType::C64, .. })));
    assert!(matches!(fft::ihfft(&a, None, -1, Norm::Backward), Err(Error::UnsupportedDType { .. })));
    assert!(matches!("sideways".parse::<Norm>(), Err(Error::InvalidArgument { .. })));
    // An empty batch gives an empty result of the right shape.
    let no_rows = Array::zeros(&[0, 4], DType::F64, dev)?;
    assert_eq!(fft::rfft(&no_rows, None, -1, Norm::Backward)?.shape(), &[0, 3]);
    Ok(())
}

/// A batch large enough for the CPU backend's thread pool, and a long prime (Bluestein).
fn large(dev: &Device) -> Result<()> {
    let (rows, n) = (64usize, 1024usize);
    let x = values(rows * n, 15);
    let a = upload_real(&x, DType::F32, &[rows, n], dev)?;
    let y = host_complex(&fft::rfft(&a, None, -1, Norm::Backward)?)?;
    for r in [0, 31, 63] {
        let line: Vec<Complex64> = x[r * n..(r + 1) * n].iter().map(|&v| Complex64::new(v, 0.0)).collect();
        close(
            &format!("batched rfft row {r}"),
            &y[r * 513..(r + 1) * 513],
            &dft(&line, n, false, n / 2 + 1),
            tol(DType::F32, n),
        );
    }
    let p = 4099;
    let xc = complex_values(p, 16);
    let a = upload_complex(&xc, DType::C128, dev)?;
    close(
        "fft n=4099",
        &host_complex(&fft::fft(&a, None, -1, Norm::Backward)?)?,
        &dft(&xc, p, false, p),
        tol(DType::C128, p),
    );
    Ok(())
}

test_on_devices!(
    complex_sizes,
    real_sizes,
    padding_and_truncation,
    axes_and_batches,
    nd_transforms,
    dtypes,
    helpers,
    errors,
    large
);
