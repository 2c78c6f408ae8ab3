//! The emulator's stand-in for cuFFT (`cufftPlanMany` with rank 1, `cufftExec*`): the
//! transforms cuFFT documents, computed on the host with rustfft over emulated device memory,
//! so the code that maps `devarray::fft` onto cuFFT (layouts, scratch copies, normalisation,
//! the plan cache) runs in CI.
//!
//! cuFFT's semantics kept here: no normalisation (the inverse of a forward transform is `n`
//! times the input), forward sign `-1`, Hermitian sizes `n / 2 + 1` for the real transforms,
//! and a C2R/Z2D transform overwrites its input (the stand-in scribbles NaNs over it, so a
//! caller that reused it would see). Plan arguments are validated as `cufftPlanMany` validates
//! them; every element an execution touches is checked against the live allocations when the
//! stream runs it.

use crate::cuda::api::{DevPtr, FftDesc, FftType};
use num_complex::Complex64;
use rustfft::{FftDirection, FftPlanner};

/// One queued execution.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FftOp {
    pub(crate) desc: FftDesc,
    pub(crate) input: DevPtr,
    pub(crate) output: DevPtr,
    pub(crate) inverse: bool,
}

/// Why `cufftPlanMany` would refuse `d` (`CUFFT_INVALID_SIZE` / `CUFFT_INVALID_VALUE`), if it
/// would.
pub(crate) fn validate(d: &FftDesc) -> Result<(), String> {
    if d.n < 1 || d.batch < 1 {
        return Err(format!("CUFFT_INVALID_SIZE: n {} and batch {} must be at least 1", d.n, d.batch));
    }
    if d.istride < 1 || d.ostride < 1 || d.idist < 1 || d.odist < 1 {
        return Err(format!(
            "CUFFT_INVALID_VALUE: strides and distances must be positive (istride {}, idist {}, ostride {}, odist {})",
            d.istride, d.idist, d.ostride, d.odist
        ));
    }
    Ok(())
}

/// The byte range `[lo, hi)` of `len` values `stride` apart, `dist` between `batch` rows.
fn span(ptr: DevPtr, len: i32, stride: i32, dist: i32, batch: i32, itemsize: usize) -> (u64, u64) {
    let last = i64::from(batch - 1) * i64::from(dist) + i64::from(len - 1) * i64::from(stride);
    (ptr, ptr + (last as u64 + 1) * itemsize as u64)
}

/// The input and output byte ranges of `op`, named, for the memory checks.
pub(crate) fn accesses(op: &FftOp) -> [(&'static str, u64, u64); 2] {
    let d = &op.desc;
    let (ilo, ihi) = span(op.input, d.in_len(), d.istride, d.idist, d.batch, d.ty.in_itemsize());
    let (olo, ohi) = span(op.output, d.out_len(), d.ostride, d.odist, d.batch, d.ty.out_itemsize());
    [("input", ilo, ihi), ("output", olo, ohi)]
}

/// Reads value `j` of transform `b` of the input as a complex number.
///
/// # Safety
/// The value lies in memory valid for reads.
unsafe fn load(op: &FftOp, b: i32, j: i32) -> Complex64 {
    let d = &op.desc;
    let e = i64::from(b) * i64::from(d.idist) + i64::from(j) * i64::from(d.istride);
    let at = (op.input as i64 + e * d.ty.in_itemsize() as i64) as usize;
    // SAFETY: the caller's contract.
    unsafe {
        match d.ty {
            FftType::C2C | FftType::C2R => {
                let v = std::ptr::read_unaligned(at as *const [f32; 2]);
                Complex64::new(f64::from(v[0]), f64::from(v[1]))
            }
            FftType::Z2Z | FftType::Z2D => {
                let v = std::ptr::read_unaligned(at as *const [f64; 2]);
                Complex64::new(v[0], v[1])
            }
            FftType::R2C => Complex64::new(f64::from(std::ptr::read_unaligned(at as *const f32)), 0.0),
            FftType::D2Z => Complex64::new(std::ptr::read_unaligned(at as *const f64), 0.0),
        }
    }
}

/// Writes `v` (its real part for C2R/Z2D) as value `k` of transform `b` of the output.
///
/// # Safety
/// The value lies in memory valid for writes.
unsafe fn store(op: &FftOp, b: i32, k: i32, v: Complex64) {
    let d = &op.desc;
    let e = i64::from(b) * i64::from(d.odist) + i64::from(k) * i64::from(d.ostride);
    let at = (op.output as i64 + e * d.ty.out_itemsize() as i64) as usize;
    // SAFETY: the caller's contract.
    unsafe {
        match d.ty {
            FftType::C2C | FftType::R2C => std::ptr::write_unaligned(at as *mut [f32; 2], [v.re as f32, v.im as f32]),
            FftType::Z2Z | FftType::D2Z => std::ptr::write_unaligned(at as *mut [f64; 2], [v.re, v.im]),
            FftType::C2R => std::ptr::write_unaligned(at as *mut f32, v.re as f32),
            FftType::Z2D => std::ptr::write_unaligned(at as *mut f64, v.re),
        }
    }
}

/// Overwrites value `j` of transform `b` of the input with NaNs (C2R/Z2D may destroy their
/// input).
///
/// # Safety
/// As [`load`], for writes.
unsafe fn scribble(op: &FftOp, b: i32, j: i32) {
    let d = &op.desc;
    let e = i64::from(b) * i64::from(d.idist) + i64::from(j) * i64::from(d.istride);
    let at = (op.input as i64 + e * d.ty.in_itemsize() as i64) as usize;
    // SAFETY: the caller's contract.
    unsafe {
        match d.ty {
            FftType::C2R => std::ptr::write_unaligned(at as *mut [f32; 2], [f32::NAN; 2]),
            _ => std::ptr::write_unaligned(at as *mut [f64; 2], [f64::NAN; 2]),
        }
    }
}

/// Runs `op`: each transform in float64 with rustfft, rounded to the plan's precision (a
/// cuFFT in single precision is less accurate; the tests' tolerances allow for it).
///
/// # Safety
/// Validated; every range [`accesses`] names lies in live allocations valid for reads and
/// writes, and input and output do not overlap.
pub(crate) unsafe fn run(op: &FftOp) {
    let d = &op.desc;
    let n = d.n as usize;
    let complex_out = !matches!(d.ty, FftType::C2R | FftType::Z2D);
    let real_in = matches!(d.ty, FftType::R2C | FftType::D2Z);
    // C2R reads the half spectrum as the Hermitian full one; R2C is a forward C2C with the
    // first n / 2 + 1 outputs kept.
    let dir = match d.ty {
        FftType::C2C | FftType::Z2Z if op.inverse => FftDirection::Inverse,
        FftType::C2R | FftType::Z2D => FftDirection::Inverse,
        _ => FftDirection::Forward,
    };
    let plan = FftPlanner::<f64>::new().plan_fft(n, dir);
    let mut buf = vec![Complex64::new(0.0, 0.0); n];
    for b in 0..d.batch {
        if matches!(d.ty, FftType::C2R | FftType::Z2D) {
            let half = d.in_len();
            for k in 0..half {
                // SAFETY: value `k < in_len` of transform `b` (the caller's contract).
                let v = unsafe { load(op, b, k) };
                buf[k as usize] = v;
                if k > 0 && (n - k as usize) != k as usize {
                    buf[n - k as usize] = v.conj();
                }
            }
            // cuFFT reads a Hermitian input: frequency 0 (and n / 2) are real in it.
            buf[0].im = 0.0;
            if n % 2 == 0 {
                buf[n / 2].im = 0.0;
            }
            for k in 0..half {
                // SAFETY: as above; this transform's input has been read.
                unsafe { scribble(op, b, k) };
            }
        } else {
            for (j, slot) in buf.iter_mut().enumerate() {
                // SAFETY: value `j < n` of transform `b`.
                *slot = unsafe { load(op, b, j as i32) };
            }
            if real_in {
                buf.iter_mut().for_each(|z| z.im = 0.0);
            }
        }
        plan.process(&mut buf);
        let keep = if complex_out { d.out_len() } else { d.n };
        for k in 0..keep {
            // SAFETY: value `k < out_len` of transform `b` of the output.
            unsafe { store(op, b, k, buf[k as usize]) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(ty: FftType, n: i32, batch: i32) -> FftDesc {
        let (i, o) = (
            if matches!(ty, FftType::C2R) { n / 2 + 1 } else { n },
            if matches!(ty, FftType::R2C) { n / 2 + 1 } else { n },
        );
        FftDesc { ty, n, batch, istride: 1, idist: i, ostride: 1, odist: o }
    }

    #[test]
    fn plan_arguments_are_validated_as_cufft_does() {
        assert!(validate(&desc(FftType::C2C, 8, 2)).is_ok());
        assert!(validate(&desc(FftType::C2C, 0, 2)).unwrap_err().starts_with("CUFFT_INVALID_SIZE"));
        let mut d = desc(FftType::Z2Z, 8, 2);
        d.istride = 0;
        assert!(validate(&d).unwrap_err().starts_with("CUFFT_INVALID_VALUE"));
    }

    #[test]
    fn transforms_are_unnormalised_and_c2r_destroys_its_input() {
        // Forward then inverse of [1, 2, 3] gives 3 * [1, 2, 3]: cuFFT does not scale.
        let mut x = [[1.0f64, 0.0], [2.0, 0.0], [3.0, 0.0]];
        let mut y = [[0.0f64; 2]; 3];
        let fwd = FftOp {
            desc: desc(FftType::Z2Z, 3, 1),
            input: x.as_mut_ptr() as u64,
            output: y.as_mut_ptr() as u64,
            inverse: false,
        };
        // SAFETY: both arrays hold the 3 values the descriptor covers.
        unsafe { run(&fwd) };
        assert!((y[0][0] - 6.0).abs() < 1e-12);
        let inv = FftOp { inverse: true, input: y.as_mut_ptr() as u64, output: x.as_mut_ptr() as u64, ..fwd };
        // SAFETY: as above.
        unsafe { run(&inv) };
        assert!((x[2][0] - 9.0).abs() < 1e-12 && x[2][1].abs() < 1e-12);
        // C2R of the half spectrum [6, -1.5+0.866i] (n = 3) gives 3 * [1, 2, 3] and NaNs its input.
        let mut half = [[6.0f32, 0.0], [-1.5, 0.866_025_4]];
        let mut real = [0.0f32; 3];
        let c2r = FftOp {
            desc: desc(FftType::C2R, 3, 1),
            input: half.as_mut_ptr() as u64,
            output: real.as_mut_ptr() as u64,
            inverse: false,
        };
        // SAFETY: 2 complex inputs and 3 real outputs, as described.
        unsafe { run(&c2r) };
        assert!((real[1] - 6.0).abs() < 1e-4, "{real:?}");
        assert!(half[0][0].is_nan());
    }
}
