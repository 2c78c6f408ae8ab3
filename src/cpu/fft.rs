//! FFTs on the CPU: `rustfft` for the complex transforms (mixed radix, with Bluestein's
//! algorithm for large prime factors; SIMD where the CPU has it) and `realfft` for the real
//! ones, over a batch of rows read straight from the strided input view.
//!
//! One planner per precision lives for the process: the planners cache every plan they make
//! (by length and direction), so repeated transforms of one length plan once. Rows are
//! grouped into tasks of about [`PAR_CHUNK`] values; many rows run on the thread pool, each
//! task with its own buffers and scratch.

use super::parallel::{for_tasks, worth_parallel, SendPtr, PAR_CHUNK};
use super::{queue, view_ptr, CpuBuffer};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::fft::{FftSpec, Kind};
use crate::layout::Layout;
use num_complex::Complex;
use realfft::RealFftPlanner;
use rustfft::{FftDirection, FftNum, FftPlanner};
use std::sync::{Mutex, OnceLock};

type View<'a> = (&'a CpuBuffer, &'a Layout);

/// The planners of one precision.
struct Planners<T: FftNum> {
    complex: Mutex<FftPlanner<T>>,
    real: Mutex<RealFftPlanner<T>>,
}

impl<T: FftNum> Planners<T> {
    fn new() -> Self {
        Planners { complex: Mutex::new(FftPlanner::new()), real: Mutex::new(RealFftPlanner::new()) }
    }
}

/// The two precisions the transforms run in.
trait Float: FftNum + num_traits::Float {
    /// The process-wide planners of this precision.
    fn planners() -> &'static Planners<Self>;
}

impl Float for f32 {
    fn planners() -> &'static Planners<f32> {
        static P: OnceLock<Planners<f32>> = OnceLock::new();
        P.get_or_init(Planners::new)
    }
}

impl Float for f64 {
    fn planners() -> &'static Planners<f64> {
        static P: OnceLock<Planners<f64>> = OnceLock::new();
        P.get_or_init(Planners::new)
    }
}

/// Runs `spec` (see `Backend::fft`).
pub(crate) fn fft(spec: FftSpec, src: View<'_>, out: View<'_>) -> Result<()> {
    let _q = queue();
    match spec.input.real_dtype() {
        DType::F32 => run::<f32>(spec, src, out),
        DType::F64 => run::<f64>(spec, src, out),
        d => Err(Error::UnsupportedDType {
            op: "fft",
            dtype: d,
            hint: "; the CPU transforms read float32, float64, complex64 or complex128".into(),
        }),
    }
}

/// The input rows: where each starts (in elements from the view's first element), the stride
/// along a row, and how many values of each row are read.
struct Rows {
    starts: Vec<isize>,
    stride: isize,
    used: usize,
    complex: bool,
    base: SendPtr,
}

impl Rows {
    fn new(spec: &FftSpec, src: View<'_>) -> Rows {
        let shape = src.1.shape();
        let strides = src.1.strides();
        let nd = shape.len();
        let lead = &shape[..nd - 1];
        let mut starts = Vec::with_capacity(lead.iter().product());
        let mut index = vec![0usize; lead.len()];
        let count: usize = lead.iter().product();
        for _ in 0..count {
            starts.push(index.iter().zip(strides).map(|(&i, &s)| i as isize * s).sum());
            // Next multi-index in C order.
            for d in (0..lead.len()).rev() {
                index[d] += 1;
                if index[d] < lead[d] {
                    break;
                }
                index[d] = 0;
            }
        }
        let isz = spec.input.itemsize();
        Rows {
            starts,
            stride: strides[nd - 1],
            used: shape[nd - 1].min(spec.kind.in_len(spec.n)),
            complex: spec.input.is_complex(),
            base: SendPtr(view_ptr(src.0, src.1, isz)),
        }
    }

    /// Reads row `r` into `buf` (its first `used` values; the rest are set to zero).
    ///
    /// # Safety
    /// `r` is a row of the view the rows were made from, which is valid for reads.
    unsafe fn read<T: Float>(&self, r: usize, buf: &mut [Complex<T>]) {
        let (used, start) = (self.used.min(buf.len()), self.starts[r]);
        for (j, slot) in buf.iter_mut().enumerate().take(used) {
            let e = start + j as isize * self.stride;
            // SAFETY: element `e` lies in the view (the caller's contract); reads are
            // unaligned-tolerant because foreign (DLPack) buffers may be packed.
            *slot = unsafe {
                if self.complex {
                    std::ptr::read_unaligned(self.base.get().cast::<Complex<T>>().offset(e))
                } else {
                    Complex::new(std::ptr::read_unaligned(self.base.get().cast::<T>().offset(e)), T::zero())
                }
            };
        }
        buf[used..].fill(Complex::new(T::zero(), T::zero()));
    }

    /// Reads the real parts of row `r` into `buf`, zero-padded (R2C: the input is real).
    ///
    /// # Safety
    /// As [`Rows::read`]; the input is real.
    unsafe fn read_real<T: Float>(&self, r: usize, buf: &mut [T]) {
        let (used, start) = (self.used.min(buf.len()), self.starts[r]);
        for (j, slot) in buf.iter_mut().enumerate().take(used) {
            // SAFETY: as in `read`.
            *slot = unsafe {
                std::ptr::read_unaligned(self.base.get().cast::<T>().offset(start + j as isize * self.stride))
            };
        }
        buf[used..].fill(T::zero());
    }
}

/// One batch of transforms in precision `T`: the rows, the output and how the rows are split
/// into tasks.
struct Batch<T> {
    spec: FftSpec,
    rows: Rows,
    out: SendPtr,
    per_task: usize,
    tasks: usize,
    parallel: bool,
    scale: T,
}

impl<T: Float> Batch<T> {
    /// The rows task `t` transforms.
    fn range(&self, t: usize) -> std::ops::Range<usize> {
        t * self.per_task..((t + 1) * self.per_task).min(self.rows.starts.len())
    }

    /// Row `r` of the output, of `len` elements of `E`.
    ///
    /// # Safety
    /// The output is a fresh contiguous `(batch, len)` view of `E`; `r < batch`; only the
    /// caller's task touches row `r`.
    #[allow(clippy::mut_from_ref)]
    unsafe fn out_row<E>(&self, r: usize, len: usize) -> &mut [E] {
        // SAFETY: the caller's contract.
        unsafe { std::slice::from_raw_parts_mut(self.out.get().cast::<E>().add(r * len), len) }
    }
}

/// The whole batch in precision `T`.
fn run<T: Float>(spec: FftSpec, src: View<'_>, out: View<'_>) -> Result<()> {
    let rows = Rows::new(&spec, src);
    let batch = rows.starts.len();
    let per_task = (PAR_CHUNK / spec.n.max(1)).max(1);
    let tasks = batch.div_ceil(per_task);
    let b = Batch {
        spec,
        rows,
        out: SendPtr(view_ptr(out.0, out.1, spec.output().itemsize())),
        per_task,
        tasks,
        parallel: worth_parallel(tasks, batch * spec.n, PAR_CHUNK),
        scale: T::from(spec.scale).unwrap_or_else(T::one),
    };
    match spec.kind {
        Kind::C2C { inverse } => {
            c2c(&b, inverse);
            Ok(())
        }
        Kind::R2C => r2c(&b),
        Kind::C2R => c2r(&b),
    }
}

/// The complex transforms, in place in each output row.
fn c2c<T: Float>(b: &Batch<T>, inverse: bool) {
    let n = b.spec.n;
    let dir = if inverse { FftDirection::Inverse } else { FftDirection::Forward };
    let plan = T::planners().complex.lock().unwrap_or_else(|e| e.into_inner()).plan_fft(n, dir);
    for_tasks(b.tasks, b.parallel, |t| {
        let mut scratch = vec![Complex::new(T::zero(), T::zero()); plan.get_inplace_scratch_len()];
        for r in b.range(t) {
            // SAFETY: the output is a fresh contiguous `(batch, n)` complex view; row `r` is this
            // task's.
            let row = unsafe { b.out_row::<Complex<T>>(r, n) };
            // SAFETY: `r < batch`, a row of the input view.
            unsafe { b.rows.read(r, row) };
            plan.process_with_scratch(row, &mut scratch);
            finish(row, b.scale, false);
        }
    });
}

/// The real-to-complex transforms.
fn r2c<T: Float>(b: &Batch<T>) -> Result<()> {
    let (n, out_len) = (b.spec.n, b.spec.kind.out_len(b.spec.n));
    let plan = T::planners().real.lock().unwrap_or_else(|e| e.into_inner()).plan_fft_forward(n);
    let failed = Mutex::new(None);
    for_tasks(b.tasks, b.parallel, |t| {
        let mut input = vec![T::zero(); n];
        let mut scratch = plan.make_scratch_vec();
        for r in b.range(t) {
            // SAFETY: the output is a fresh contiguous `(batch, n / 2 + 1)` complex view; row `r`
            // is this task's.
            let row = unsafe { b.out_row::<Complex<T>>(r, out_len) };
            // SAFETY: `r < batch`, a row of the (real) input view.
            unsafe { b.rows.read_real(r, &mut input) };
            if let Err(e) = plan.process_with_scratch(&mut input, row, &mut scratch) {
                *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.to_string());
            }
            finish(row, b.scale, b.spec.conj);
        }
    });
    refused(failed)
}

/// The complex-to-real transforms.
fn c2r<T: Float>(b: &Batch<T>) -> Result<()> {
    let (n, in_len) = (b.spec.n, b.spec.kind.in_len(b.spec.n));
    let plan = T::planners().real.lock().unwrap_or_else(|e| e.into_inner()).plan_fft_inverse(n);
    let failed = Mutex::new(None);
    for_tasks(b.tasks, b.parallel, |t| {
        let mut input = vec![Complex::new(T::zero(), T::zero()); in_len];
        let mut scratch = plan.make_scratch_vec();
        for r in b.range(t) {
            // SAFETY: the output is a fresh contiguous `(batch, n)` real view; row `r` is this
            // task's.
            let row = unsafe { b.out_row::<T>(r, n) };
            // SAFETY: `r < batch`, a row of the input view.
            unsafe { b.rows.read(r, &mut input) };
            hermitian_half(&mut input, n, b.spec.conj);
            if let Err(e) = plan.process_with_scratch(&mut input, row, &mut scratch) {
                *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.to_string());
            }
            row.iter_mut().for_each(|v| *v = *v * b.scale);
        }
    });
    refused(failed)
}

/// realfft's refusal (wrong buffer lengths: a bug here), if any task saw one.
fn refused(failed: Mutex<Option<String>>) -> Result<()> {
    match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(e) => Err(Error::invalid("fft", format!("realfft refused the transform: {e}"))),
        None => Ok(()),
    }
}

/// Scales (and conjugates) an output row.
fn finish<T: Float>(row: &mut [Complex<T>], scale: T, conj: bool) {
    if scale != T::one() || conj {
        let sign = if conj { -scale } else { scale };
        row.iter_mut().for_each(|z| *z = Complex::new(z.re * scale, z.im * sign));
    }
}

/// Prepares the half spectrum of a C2R transform of length `n`: conjugated when `conj`, and the
/// imaginary parts of frequency 0 (and `n / 2` for even `n`) dropped, which a real signal's
/// spectrum cannot have (NumPy's pocketfft ignores them; realfft refuses them).
fn hermitian_half<T: Float>(half: &mut [Complex<T>], n: usize, conj: bool) {
    if conj {
        half.iter_mut().for_each(|z| *z = z.conj());
    }
    half[0].im = T::zero();
    if n % 2 == 0 {
        half[n / 2].im = T::zero();
    }
}
