//! FFTs on a CUDA device through cuFFT ([`GpuApi::fft_plan`](super::api::GpuApi::fft_plan),
//! [`GpuApi::fft_exec`](super::api::GpuApi::fft_exec)).
//!
//! The op layer hands over a view `(..., m)` (transforms along the last axis, any strides) and
//! a fresh contiguous output `(..., out_len)`. cuFFT reads its input through the advanced
//! layout (`istride`, `idist`) when the view is one: the leading axes collapse to a single
//! positive stride, the last stride is positive, the rows need neither padding nor cutting,
//! the dtype is the transform's input type, and the transform is not C2R (which may overwrite
//! its input). Otherwise the input goes through **one explicit copy** into a zeroed scratch
//! buffer of the transform's input type: the strided copy kernel moves the kept part of each
//! row (complex values as pairs of their real components, so the 4- and 8-byte copy kernels
//! serve; real input for a complex transform lands in the real components, the imaginary ones
//! staying zero). C2R scratch then has the imaginary parts of frequency 0 (and `n / 2`) zeroed,
//! as NumPy ignores them (and is conjugated for `hfft`).
//!
//! Normalisation and `ihfft`'s conjugation are elementwise launches on the output seen as real
//! components (cuFFT does not scale). Plans are cached per device in [`PLANS`], keyed by the
//! whole [`FftDesc`] (sizes, strides, distances, type) and the stream, as CuPy's plan cache is:
//! a plan's work area may only serve one stream at a time. A cached plan is bound to the
//! current stream at every execution.

use super::api::{FftDesc, FftPlanId, FftType, GpuApi, StreamId};
use super::context::{CudaBuffer, CudaDevice};
use super::matmul::{checked, View};
use super::ops::Cuda;
use crate::backend::Backend;
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::fft::{FftSpec, Kind};
use crate::layout::Layout;
use crate::vocab::{BinaryOp, Input, Signature, UnaryOp};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most plans kept per process; beyond it the cache is emptied (after the device has
/// finished the work that may still use them).
const MAX_PLANS: usize = 64;

/// A cached plan's key: the device (its `GpuApi` object's address), the layout and the stream.
type PlanKey = (usize, FftDesc, StreamId);

/// The plan cache (see the module docs).
static PLANS: Mutex<Option<HashMap<PlanKey, FftPlanId>>> = Mutex::new(None);

/// How many plans have been made in this process (for the cache's tests).
#[cfg(test)]
pub(crate) static PLANS_MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `spec` (see `Backend::fft`).
pub(crate) fn fft(spec: FftSpec, src: View<'_>, out: View<'_>) -> Result<()> {
    let dev = out.0.device().clone();
    let comp = spec.input.real_dtype();
    let double = match comp {
        DType::F32 => false,
        DType::F64 => true,
        d => {
            let hint = "; the CUDA transforms read float32, float64, complex64 or complex128".into();
            return Err(Error::UnsupportedDType { op: "fft", dtype: d, hint });
        }
    };
    let ty = match (spec.kind, double) {
        (Kind::C2C { .. }, false) => FftType::C2C,
        (Kind::C2C { .. }, true) => FftType::Z2Z,
        (Kind::R2C, false) => FftType::R2C,
        (Kind::R2C, true) => FftType::D2Z,
        (Kind::C2R, false) => FftType::C2R,
        (Kind::C2R, true) => FftType::Z2D,
    };
    let shape = src.1.shape();
    let nd = shape.len();
    let batch: usize = shape[..nd - 1].iter().product();
    let (in_len, out_len) = (spec.kind.in_len(spec.n), spec.kind.out_len(spec.n));
    let n = int(spec.n)?;
    let (ins, outs) = (ty.in_itemsize(), ty.out_itemsize());
    let (_scratch, input, istride, idist) = match direct_layout(&spec, src, in_len) {
        Some((istride, idist)) => (None, checked("fft", &dev, src, ins)?.0, istride, idist),
        None => {
            let (buf, base) = scratch_input(&dev, &spec, src, batch, in_len, comp)?;
            (Some(buf), base, 1, int(in_len)?)
        }
    };
    let output = checked("fft", &dev, out, outs)?.0;
    let desc = FftDesc { ty, n, batch: int(batch)?, istride, idist, ostride: 1, odist: int(out_len)? };
    let stream = dev.current_stream();
    let inverse = matches!(spec.kind, Kind::C2C { inverse: true });
    with_plan(&dev, &desc, stream, |api, plan| {
        // SAFETY: the input (the checked view, or the fresh scratch) and the fresh output lie
        // in live buffers whose use is recorded on the current stream, hold every element
        // `desc` describes (rows of `in_len` values `istride` apart, `idist` between rows;
        // contiguous output rows), are aligned to their element types (allocations are, and
        // views step in whole elements) and do not overlap (the output is fresh).
        unsafe { api.fft_exec(plan, &desc, (input, output), inverse, stream) }
    })?;
    finish(&spec, out, comp)
}

/// `x` as cuFFT's 32-bit `int`.
fn int(x: usize) -> Result<i32> {
    i32::try_from(x).map_err(|_| Error::invalid("fft", format!("size {x} exceeds cuFFT's 32-bit sizes")))
}

/// cuFFT's `(istride, idist)` for reading `src` in place, when its layout is one (see the
/// module docs).
fn direct_layout(spec: &FftSpec, src: View<'_>, in_len: usize) -> Option<(i32, i32)> {
    let shape = src.1.shape();
    let strides = src.1.strides();
    let nd = shape.len();
    let input_type_ok = match spec.kind {
        Kind::C2C { .. } => spec.input.is_complex(),
        Kind::R2C => !spec.input.is_complex(),
        Kind::C2R => false,
    };
    if !input_type_ok || shape[nd - 1] != in_len || strides[nd - 1] < 1 {
        return None;
    }
    // The leading axes (ignoring length-1 ones) must be one arithmetic progression of rows.
    let lead: Vec<(usize, isize)> =
        shape[..nd - 1].iter().zip(strides).filter(|(&s, _)| s != 1).map(|(&s, &t)| (s, t)).collect();
    let idist = match lead.as_slice() {
        [] => in_len as isize * strides[nd - 1],
        [(_, d)] => *d,
        many => {
            let inner = many.last()?.1;
            let mut expect = inner;
            for w in many.windows(2).rev() {
                expect *= w[1].0 as isize;
                if w[0].1 != expect {
                    return None;
                }
            }
            inner
        }
    };
    if idist < 1 {
        return None;
    }
    Some((i32::try_from(strides[nd - 1]).ok()?, i32::try_from(idist).ok()?))
}

/// One zeroed `(batch, in_len)` buffer of the transform's input type, holding the kept part of
/// every input row (see the module docs); for C2R, prepared as a Hermitian half.
fn scratch_input(
    dev: &Arc<CudaDevice>,
    spec: &FftSpec,
    src: View<'_>,
    batch: usize,
    in_len: usize,
    comp: DType,
) -> Result<(CudaBuffer, u64)> {
    let c = comp.itemsize();
    let complex_scratch = !matches!(spec.kind, Kind::R2C);
    let per = if complex_scratch { 2 } else { 1 };
    let bytes = batch * in_len * per * c;
    let buf = dev.alloc(bytes.max(1))?;
    let whole = Layout::contiguous(&[bytes.max(1)]);
    let (base, _, _) = checked("fft", dev, (&buf, &whole), 1)?;
    // SAFETY: the range is the fresh buffer's, its use recorded on the current stream.
    unsafe { dev.api().memset_u8(base, 0, bytes, dev.current_stream()) }?;
    let shape = src.1.shape();
    let nd = shape.len();
    let keep = shape[nd - 1].min(in_len);
    if keep > 0 {
        // The source in component units: complex values are pairs of reals.
        let src_complex = spec.input.is_complex();
        let mut lead = shape[..nd - 1].to_vec();
        lead.push(keep);
        // Scratch strides in components: `in_len * per` per row, `per` per value.
        let rows = lead.len() - 1;
        let mut dst_strides = vec![per as isize; lead.len()];
        let mut acc = (in_len * per) as isize;
        for d in (0..rows).rev() {
            dst_strides[d] = acc;
            acc *= lead[d] as isize;
        }
        let (src_layout, dst_layout) = if src_complex {
            let mut s_shape = lead.clone();
            s_shape.push(2);
            let mut s_strides: Vec<isize> = src.1.strides().iter().map(|s| 2 * s).collect();
            s_strides.push(1);
            let mut d_strides = dst_strides.clone();
            d_strides.push(1);
            (
                Layout::from_parts(s_shape.clone(), s_strides, 2 * src.1.offset()),
                Layout::from_parts(s_shape, d_strides, 0),
            )
        } else {
            (
                Layout::from_parts(lead.clone(), src.1.strides().to_vec(), src.1.offset()),
                Layout::from_parts(lead, dst_strides, 0),
            )
        };
        super::copy((src.0, &src_layout), (&buf, &dst_layout), c)?;
    }
    if matches!(spec.kind, Kind::C2R) {
        hermitian_half(spec, &buf, batch, in_len, comp)?;
    }
    Ok((buf, base))
}

/// Zeroes the imaginary parts of frequency 0 (and `n / 2` for even `n`) of every row of the
/// complex `(batch, in_len)` scratch, and conjugates it for `hfft`.
fn hermitian_half(spec: &FftSpec, buf: &CudaBuffer, batch: usize, in_len: usize, comp: DType) -> Result<()> {
    let row = 2 * in_len as isize;
    let zero = Scalar::Float(0.0);
    super::fill(buf, &Layout::from_parts(vec![batch], vec![row], 1), comp, zero)?;
    if spec.n % 2 == 0 {
        super::fill(buf, &Layout::from_parts(vec![batch], vec![row], 1 + 2 * (spec.n / 2)), comp, zero)?;
    }
    if spec.conj {
        let imag = Layout::from_parts(vec![batch, in_len], vec![row, 2], 1);
        let sig = Signature { compute: comp, out: comp, identity: false };
        Cuda::unary(UnaryOp::Negative, sig, (buf, &imag), (buf, &imag))?;
    }
    Ok(())
}

/// Scales the output by `spec.scale` and conjugates it for `ihfft`, in place, on its real
/// components.
fn finish(spec: &FftSpec, out: View<'_>, comp: DType) -> Result<()> {
    let sig = Signature { compute: comp, out: comp, identity: false };
    let numel = out.1.numel();
    let complex = spec.kind != Kind::C2R;
    let comps = if complex { 2 * numel } else { numel };
    let base = if complex { 2 * out.1.offset() } else { out.1.offset() };
    if spec.scale != 1.0 {
        let all = Layout::from_parts(vec![comps], vec![1], base);
        let scale = Input::Scalar(Scalar::Float(spec.scale));
        Cuda::binary(BinaryOp::Multiply, sig, Input::View(out.0, &all), scale, (out.0, &all))?;
    }
    if spec.conj && spec.kind == Kind::R2C {
        let imag = Layout::from_parts(vec![numel], vec![2], base + 1);
        Cuda::unary(UnaryOp::Negative, sig, (out.0, &imag), (out.0, &imag))?;
    }
    Ok(())
}

/// Runs `f` with the cached plan for `desc` on `stream` of `dev` (made on first use), holding
/// the cache's lock so that no other thread executes the same plan meanwhile.
fn with_plan<T>(
    dev: &Arc<CudaDevice>,
    desc: &FftDesc,
    stream: StreamId,
    f: impl FnOnce(&dyn GpuApi, FftPlanId) -> crate::cuda::api::GpuResult<T>,
) -> Result<T> {
    let api = dev.api();
    let key = (api as *const dyn GpuApi as *const () as usize, *desc, stream);
    let mut guard = PLANS.lock().unwrap_or_else(|e| e.into_inner());
    let plans = guard.get_or_insert_with(HashMap::new);
    let plan = match plans.get(&key) {
        Some(&plan) => plan,
        None => {
            if plans.len() >= MAX_PLANS {
                evict(dev, plans)?;
            }
            let plan = api.fft_plan(desc)?;
            #[cfg(test)]
            PLANS_MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            plans.insert(key, plan);
            plan
        }
    };
    Ok(f(api, plan)?)
}

/// Destroys this device's cached plans once the device is idle (queued work may use them).
fn evict(dev: &Arc<CudaDevice>, plans: &mut HashMap<PlanKey, FftPlanId>) -> Result<()> {
    dev.synchronize()?;
    let api = dev.api();
    let me = api as *const dyn GpuApi as *const () as usize;
    let mine: Vec<PlanKey> = plans.keys().filter(|k| k.0 == me).copied().collect();
    for key in mine {
        if let Some(plan) = plans.remove(&key) {
            // SAFETY: the plan is this device's and live (it was in the cache, which is the only
            // owner), and the device has finished all queued work.
            unsafe { api.fft_plan_destroy(plan) }?;
        }
    }
    Ok(())
}

/// The plan cache on the emulated device (`DEVARRAY_DEVICE=cuda-emu`; skipped elsewhere).
#[cfg(all(test, feature = "emulator"))]
mod emu_tests {
    use super::PLANS_MADE;
    use crate::fft::{fft, Norm};
    use crate::{Array, Device, Stream};
    use num_complex::Complex64;
    use std::sync::atomic::Ordering;

    #[test]
    fn plans_are_cached_per_layout_and_stream() -> crate::Result<()> {
        let Ok(dev) = Device::cuda_if_available(0) else { return Ok(()) };
        if !crate::cuda::emulated() {
            return Ok(());
        }
        // A length no other test uses, so the counts below are this test's.
        let data: Vec<Complex64> = (0..26).map(|i| Complex64::new(i as f64, 1.0)).collect();
        let x = Array::from_slice(&data, &[2, 13], &dev)?;
        let made = || PLANS_MADE.load(Ordering::Relaxed);
        let start = made();
        let a = fft(&x, None, -1, Norm::Backward)?.to_vec::<Complex64>()?;
        let b = fft(&x, None, -1, Norm::Backward)?.to_vec::<Complex64>()?;
        assert_eq!(a, b);
        assert_eq!(made() - start, 1, "the second transform reuses the plan");
        // A strided input of the same shape reads through another layout: another plan.
        let wide = Array::from_slice(&[data.clone(), data].concat(), &[4, 13], &dev)?;
        let every_other = wide.slice(&[crate::AxisSlice::range(None, None, 2)])?;
        fft(&every_other, None, -1, Norm::Backward)?;
        assert_eq!(made() - start, 2);
        // Another stream gets its own plan (a plan's work area serves one stream at a time).
        let stream = Stream::new(&dev)?;
        let guard = stream.make_current()?;
        let c = fft(&x, None, -1, Norm::Backward)?.to_vec::<Complex64>()?;
        drop(guard);
        assert_eq!(made() - start, 3);
        assert_eq!(a, c);
        Ok(())
    }
}
