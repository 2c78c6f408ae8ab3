//! Vectorised binary functions (`pow`, `atan2`, `hypot`, `logaddexp`) over pairs of slices,
//! with the instruction set chosen at run time as for the unary ones of [`super::vector`].
//!
//! The same scheme: a branch-free lane function per element pair that LLVM vectorises, compiled
//! for each level, and an exceptional-pair test per 256-element block whose pairs (zeros,
//! infinities, NaN, negative bases, ...) are recomputed by the scalar C-library function. The
//! lanes are in [`super::lanes_binary`]; `vector_binary_tests.rs` holds them to the accuracy
//! contract of the unary functions.

use super::lanes64_binary::{Atan2_64, Logaddexp64, Pow64};
use super::lanes_binary::{Atan2F32, Atan2_32, Hypot32, Hypot64, Logaddexp32, Pow32, PowF32};
use super::vector::{level, Fma, Fused, Level, Split};

/// The binary functions with a vector path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinFn {
    /// `x ** y` (NumPy's `power` on floats).
    Pow,
    /// `atan2(x, y)`: the angle of the point `(y, x)` (NumPy's `arctan2(x1, x2)`).
    Atan2,
    /// `√(x² + y²)` without intermediate overflow.
    Hypot,
    /// `ln(eˣ + eʸ)`.
    Logaddexp,
}

/// A binary lane function and its scalar escape, as [`super::vector::Kernel`].
pub(crate) trait Kernel2<T: Copy> {
    /// The value for a pair where [`Kernel2::exceptional`] is false.
    fn lane<M: Fma>(x: T, y: T) -> T;
    /// Whether the pair needs [`Kernel2::scalar`].
    fn exceptional(x: T, y: T) -> bool;
    /// The C library's value (special values, signs of zero, NaN payloads).
    fn scalar(x: T, y: T) -> T;
    /// Whether [`drive2`] tests [`Kernel2::exceptional`] in the loop that computes the lanes
    /// (one pass over a block) instead of in a second pass: for a test that is cheap next to its
    /// lane. `f32` `pow` on the FMA levels measured about 10% faster so (2026-12-05).
    const TEST_IN_LANE_LOOP: bool = false;
}

/// A binary slice kernel: `dst[i] = f(a[i], b[i])`, equal lengths.
pub(crate) type SliceFn2<T> = fn(&[T], &[T], &mut [T]);

/// Elements per block, as in [`super::vector`].
const BLOCK: usize = 256;

/// `dst[i] = K(a[i], b[i])` with polynomial steps through `M` (the lengths are equal).
#[inline(always)]
fn drive2<T: Copy, M: Fma, K: Kernel2<T>>(a: &[T], b: &[T], dst: &mut [T]) {
    for ((a, b), d) in a.chunks(BLOCK).zip(b.chunks(BLOCK)).zip(dst.chunks_mut(BLOCK)) {
        let any = if K::TEST_IN_LANE_LOOP {
            let mut any = false;
            for ((d, &x), &y) in d.iter_mut().zip(a).zip(b) {
                *d = K::lane::<M>(x, y);
                any |= K::exceptional(x, y);
            }
            any
        } else {
            for ((d, &x), &y) in d.iter_mut().zip(a).zip(b) {
                *d = K::lane::<M>(x, y);
            }
            a.iter().zip(b).fold(false, |any, (&x, &y)| any | K::exceptional(x, y))
        };
        if any {
            for ((d, &x), &y) in d.iter_mut().zip(a).zip(b) {
                if K::exceptional(x, y) {
                    *d = K::scalar(x, y);
                }
            }
        }
    }
}

/// [`drive2`] compiled for AVX2 and FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn drive2_avx2<T: Copy, K: Kernel2<T>>(a: &[T], b: &[T], dst: &mut [T]) {
    drive2::<T, Fused, K>(a, b, dst)
}

/// [`drive2`] compiled for AVX-512.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ and VL, and FMA.
#[cfg(all(target_arch = "x86_64", devarray_avx512))]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
unsafe fn drive2_avx512<T: Copy, K: Kernel2<T>>(a: &[T], b: &[T], dst: &mut [T]) {
    drive2::<T, Fused, K>(a, b, dst)
}

/// [`drive2`] at `level` (one of [`Level::available`]).
pub(crate) fn drive2_at<T: Copy, K: Kernel2<T>>(level: Level, a: &[T], b: &[T], dst: &mut [T]) {
    assert!(a.len() == dst.len() && b.len() == dst.len());
    debug_assert!(Level::available().contains(&level));
    match level {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `level` is available, so the CPU has AVX2 and FMA.
        Level::Avx2 => unsafe { drive2_avx2::<T, K>(a, b, dst) },
        #[cfg(all(target_arch = "x86_64", devarray_avx512))]
        // SAFETY: `level` is available, so the CPU has these AVX-512 subsets.
        Level::Avx512 => unsafe { drive2_avx512::<T, K>(a, b, dst) },
        // aarch64 always has FMA; elsewhere the baseline rounds twice.
        _ if cfg!(target_arch = "aarch64") => drive2::<T, Fused, K>(a, b, dst),
        _ => drive2::<T, Split, K>(a, b, dst),
    }
}

/// Element types with vectorised binary functions.
pub(crate) trait VecMath2: Copy + Sized + 'static {
    /// The slice kernel for `f` at `level`, if this type has one there.
    fn kernel2_at(f: BinFn, level: Level) -> Option<SliceFn2<Self>>;
    /// The slice kernel for `f` at the run-time level.
    #[inline]
    fn kernel2(f: BinFn) -> Option<SliceFn2<Self>> {
        Self::kernel2_at(f, level())
    }
}

/// One slice function per (level, kernel) for the `levels` given (all three, or the FMA ones).
macro_rules! slice_fns2 {
    ($t:ty, $level:expr, $f:expr, all: { $($name:ident => $k:ty),* $(,)? }, fused: { $($fname:ident => $fk:ty),* $(,)? }) => {
        match ($level, $f) {
            $(
                (Level::Baseline, BinFn::$name) => Some((|a, b, d| drive2_at::<$t, $k>(Level::Baseline, a, b, d)) as SliceFn2<$t>),
                #[cfg(target_arch = "x86_64")]
                (Level::Avx2, BinFn::$name) => Some((|a, b, d| drive2_at::<$t, $k>(Level::Avx2, a, b, d)) as SliceFn2<$t>),
                #[cfg(all(target_arch = "x86_64", devarray_avx512))]
                (Level::Avx512, BinFn::$name) => Some((|a, b, d| drive2_at::<$t, $k>(Level::Avx512, a, b, d)) as SliceFn2<$t>),
            )*
            $(
                #[cfg(target_arch = "x86_64")]
                (Level::Avx2, BinFn::$fname) => Some((|a, b, d| drive2_at::<$t, $fk>(Level::Avx2, a, b, d)) as SliceFn2<$t>),
                #[cfg(all(target_arch = "x86_64", devarray_avx512))]
                (Level::Avx512, BinFn::$fname) => Some((|a, b, d| drive2_at::<$t, $fk>(Level::Avx512, a, b, d)) as SliceFn2<$t>),
            )*
            #[allow(unreachable_patterns)]
            _ => None,
        }
    };
}

impl VecMath2 for f32 {
    fn kernel2_at(f: BinFn, level: Level) -> Option<SliceFn2<f32>> {
        // `pow` and `atan2` have lanes of their own for the FMA levels (`f32` lanes for
        // `atan2`); the baseline keeps the `f64` lanes.
        let fused = slice_fns2!(f32, level, f, all: {}, fused: { Pow => PowF32, Atan2 => Atan2F32 });
        if fused.is_some() {
            return fused;
        }
        slice_fns2!(f32, level, f, all: {
            Pow => Pow32, Atan2 => Atan2_32, Hypot => Hypot32, Logaddexp => Logaddexp32,
        }, fused: {})
    }
}

impl VecMath2 for f64 {
    fn kernel2_at(f: BinFn, level: Level) -> Option<SliceFn2<f64>> {
        // The correction of `hypot`'s square root rests on exact (fused) products; `atan2` has
        // Dekker's products where the level has no fused multiply-add. `pow` would too (within
        // 0.64 ulp), but there it is slower than the C library's.
        slice_fns2!(f64, level, f, all: { Atan2 => Atan2_64, Logaddexp => Logaddexp64 }, fused: { Hypot => Hypot64, Pow => Pow64 })
    }
}
