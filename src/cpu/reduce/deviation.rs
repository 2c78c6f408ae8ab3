//! The second pass of `var`/`std` for float32/float64: `Σ (x - mean)²` per output, reading the
//! input once and writing nothing else. The composed form (`x - mean`, its square, their sum)
//! reads the input twice more and writes two full-size temporaries.
//!
//! The roundings are the composed form's: the difference and the square are each rounded to
//! the dtype (no fused multiply-add: Rust never contracts `a * b + c`), and the squares are
//! summed by `sum`'s own pairwise scheme ([`pairwise_wide`] and [`fold_halves`] along rows, the column cascade
//! across them). So the result is bit for bit what `(x - m) * (x - m)` then `sum` gives.

use super::{at_level, fold_halves, pairwise_wide, run, Reducer, View};
use crate::cpu::view_ptr;
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::vocab::ReduceDims;

/// `(x - m)²` rounded as the composed ops round it.
trait Deviation: Element + Copy + Send + Sync + std::ops::Add<Output = Self> {
    const ZERO: Self;
    fn squared_deviation(self, m: Self) -> Self;
}

macro_rules! impl_deviation {
    ($($t:ty),*) => {$(
        impl Deviation for $t {
            const ZERO: $t = 0.0;
            #[inline(always)]
            fn squared_deviation(self, m: $t) -> $t {
                let d = self - m;
                d * d
            }
        }
    )*};
}
impl_deviation!(f32, f64);

/// Sums `(x - mean[j])²`, where `j` is the output's index relative to the reducer's first
/// output ([`Reducer::at`] narrows `mean` to start there).
#[derive(Clone)]
struct SquaredDeviations<'m, T> {
    mean: &'m [T],
}

impl<T: Deviation + Element<Repr = T>> Reducer for SquaredDeviations<'_, T> {
    type In = T;
    type Acc = T;
    type Out = T;
    fn init(&self) -> T {
        T::ZERO
    }
    fn at(&self, first: usize) -> Self {
        SquaredDeviations { mean: &self.mean[first..] }
    }
    /// Only reached for rows (one output per reducer), so the mean is `mean[0]`.
    #[inline(always)]
    fn step(&self, acc: T, x: T, _: usize) -> T {
        acc + x.squared_deviation(self.mean[0])
    }
    #[inline(always)]
    fn combine(&self, a: T, b: T) -> T {
        a + b
    }
    fn finish(&self, acc: T) -> T {
        acc
    }
    fn reduce_run(&self, xs: &[T], _base: usize) -> T {
        let m = self.mean[0];
        let lanes = at_level(
            #[inline(always)]
            || pairwise_wide(T::ZERO, xs, |a, &x| a + x.squared_deviation(m), |a, b| a + b),
        );
        fold_halves(lanes, |a, b| a + b)
    }
    fn absorb_row(&self, accs: &mut [T], xs: &[T], _: usize) {
        let mean = &self.mean[..accs.len()];
        at_level(
            #[inline(always)]
            || {
                for ((a, &x), &m) in accs.iter_mut().zip(xs).zip(mean) {
                    *a = *a + x.squared_deviation(m);
                }
            },
        )
    }
}

/// `dst[o, i] = Σ_k (src[o, k, i] - mean[o, i])²` over the contiguous `outer × r × inner` view
/// `src`, with `mean` and `dst` contiguous `outer × inner` (the layout [`super::reduce`] writes),
/// all of `dtype` (float32 or float64).
pub(crate) fn squared_deviation_sum(
    dtype: DType,
    src: View<'_>,
    mean: View<'_>,
    dims: ReduceDims,
    dst: View<'_>,
) -> Result<()> {
    debug_assert!(src.1.is_c_contiguous() && mean.1.is_c_contiguous() && dst.1.is_c_contiguous());
    match dtype {
        DType::F32 => run_typed::<f32>(src, mean, dims, dst),
        DType::F64 => run_typed::<f64>(src, mean, dims, dst),
        _ => return Err(Error::UnsupportedDType { op: "var", dtype, hint: " (fused pass: float32/float64)".into() }),
    }
    Ok(())
}

fn run_typed<T: Deviation + Element<Repr = T>>(src: View<'_>, mean: View<'_>, dims: ReduceDims, dst: View<'_>) {
    let n_out = dims.outer * dims.inner;
    // SAFETY: `mean` is a contiguous view of `outer * inner` initialised elements of `T` (the
    // caller's contract); it is only read, and the CPU queue (taken in `run`) orders it after
    // the reduction that wrote it.
    let mean: &[T] =
        unsafe { std::slice::from_raw_parts(view_ptr(mean.0, mean.1, T::DTYPE.itemsize()) as *const T, n_out) };
    run(&SquaredDeviations { mean }, src, dims, dst);
}
