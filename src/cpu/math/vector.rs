//! Vectorised transcendental functions over slices, with the instruction set chosen once at
//! run time.
//!
//! How: every function is a branch-free per-element ("lane") function written in plain Rust
//! (bit tricks instead of branches and integer conversions), so LLVM vectorises a loop over a
//! slice of it. The same loop is compiled three times on x86-64 — for the x86-64 baseline
//! (SSE2), for AVX2+FMA and, with rustc 1.89 or newer, for AVX-512 — and [`level`] picks one
//! from the CPU's features on first use. On aarch64 NEON and FMA are baseline, so one loop
//! serves. Other targets get the baseline loop. Design notes and measurements: README's
//! "Design notes" and BENCHMARKS.md.
//!
//! Lanes outside a function's fast range (huge arguments of `sin`, non-positive `log`
//! arguments, NaN where a bit trick would lose it, ...) are recomputed by the scalar C-library
//! function after each block: the vector loop never branches per element.
//!
//! Polynomial steps go through [`Fma`]: fused on the FMA levels, a rounded multiply then add
//! on the baseline. Both meet the accuracy contract (at most 1 ulp; `vector_tests.rs`
//! checks both), but the last bit of a result can differ between the two levels.

use super::{lanes32, lanes32f, lanes64};
use std::sync::OnceLock;

/// A multiply-add `a * b + c`: one rounding when fused, two when split.
pub(crate) trait Fma {
    fn fma(a: f64, b: f64, c: f64) -> f64;
}

/// `a * b + c` in one rounding (an instruction on the FMA levels).
pub(crate) struct Fused;
impl Fma for Fused {
    #[inline(always)]
    fn fma(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
}

/// `a * b + c` rounded twice: the baseline, where a fused multiply-add is a library call.
pub(crate) struct Split;
impl Fma for Split {
    #[inline(always)]
    fn fma(a: f64, b: f64, c: f64) -> f64 {
        a * b + c
    }
}

/// `c[0] + x (c[1] + x (c[2] + ...))`: Horner's rule, unrolled (the array length is a constant).
#[inline(always)]
pub(crate) fn horner<M: Fma, const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let mut p = c[N - 1];
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        p = M::fma(p, x, c[i]);
    }
    p
}

/// The transcendental functions with a vector path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VecFn {
    Exp,
    Expm1,
    Log,
    Log1p,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    Sinh,
    Cosh,
    Tanh,
    Asin,
    Acos,
    Atan,
}

/// A lane function and its scalar escape: `lane` is exact enough for every input where
/// `exceptional` is false; the others are recomputed with `scalar`.
pub(crate) trait Kernel<T: Copy> {
    fn lane<M: Fma>(x: T) -> T;
    fn exceptional(x: T) -> bool;
    fn scalar(x: T) -> T;
    /// Whether the kernel has a cheaper [`Kernel::lane_in_range`]: a block whose every element
    /// is [`Kernel::in_range`] is computed by it alone, with no exceptional-lane pass.
    const HAS_RANGE_LANE: bool = false;
    /// `x` lies where [`Kernel::lane_in_range`] is exact enough (never true of an exceptional
    /// input, NaN included).
    #[inline(always)]
    fn in_range(_x: T) -> bool {
        false
    }
    /// The lane function for inputs that are [`Kernel::in_range`]: the same results as
    /// [`Kernel::lane`] there, without its clamps and full-range steps.
    #[inline(always)]
    fn lane_in_range<M: Fma>(x: T) -> T {
        Self::lane::<M>(x)
    }
}

/// The instruction sets the vector loops are compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// The target's baseline (SSE2 on x86-64; NEON with FMA on aarch64).
    Baseline,
    /// x86-64 with AVX2 and FMA.
    Avx2,
    /// x86-64 with AVX-512 (F, DQ, VL).
    Avx512,
}

impl Level {
    /// The levels this CPU (and this build) supports, lowest first.
    pub(crate) fn available() -> Vec<Level> {
        let mut levels = vec![Level::Baseline];
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                levels.push(Level::Avx2);
                #[cfg(devarray_avx512)]
                if is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512dq")
                    && is_x86_feature_detected!("avx512vl")
                {
                    levels.push(Level::Avx512);
                }
            }
        }
        levels
    }
}

/// The level in use: the best available, or the one `DEVARRAY_SIMD` names (`baseline`, `avx2`,
/// `avx512`; capped at what the CPU has), read once.
pub(crate) fn level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let available = Level::available();
        let best = *available.last().expect("the baseline is always available");
        let wanted = match std::env::var("DEVARRAY_SIMD").as_deref() {
            Ok("baseline") => Level::Baseline,
            Ok("avx2") => Level::Avx2,
            _ => best,
        };
        wanted.min(best)
    })
}

/// Elements per block: the exceptional-lane check runs once per block, over data still in L1.
const BLOCK: usize = 256;

/// `dst[i] = K(src[i])` with polynomial steps through `M` (the lengths are equal).
#[inline(always)]
fn drive<T: Copy, M: Fma, K: Kernel<T>>(src: &[T], dst: &mut [T]) {
    for (s, d) in src.chunks(BLOCK).zip(dst.chunks_mut(BLOCK)) {
        // A vectorised AND over the block (`&`, not `&&`: no early exit, so no branch per
        // element); most blocks of real data pass, and a block that does not is computed in full.
        if K::HAS_RANGE_LANE && s.iter().fold(true, |all, &x| all & K::in_range(x)) {
            for (d, &x) in d.iter_mut().zip(s) {
                *d = K::lane_in_range::<M>(x);
            }
            continue;
        }
        for (d, &x) in d.iter_mut().zip(s) {
            *d = K::lane::<M>(x);
        }
        // A vectorised OR over the block; the fix-up loop runs only when some lane needs it.
        if s.iter().fold(false, |any, &x| any | K::exceptional(x)) {
            for (d, &x) in d.iter_mut().zip(s) {
                if K::exceptional(x) {
                    *d = K::scalar(x);
                }
            }
        }
    }
}

/// [`drive`] compiled for AVX2 and FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn drive_avx2<T: Copy, K: Kernel<T>>(src: &[T], dst: &mut [T]) {
    drive::<T, Fused, K>(src, dst)
}

/// [`drive`] compiled for AVX-512.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ and VL, and FMA.
#[cfg(all(target_arch = "x86_64", devarray_avx512))]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
unsafe fn drive_avx512<T: Copy, K: Kernel<T>>(src: &[T], dst: &mut [T]) {
    drive::<T, Fused, K>(src, dst)
}

/// [`drive`] at `level` (which the CPU must support: one of [`Level::available`]).
pub(crate) fn drive_at<T: Copy, K: Kernel<T>>(level: Level, src: &[T], dst: &mut [T]) {
    assert_eq!(src.len(), dst.len());
    debug_assert!(Level::available().contains(&level));
    match level {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `level` is available, so the CPU has AVX2 and FMA.
        Level::Avx2 => unsafe { drive_avx2::<T, K>(src, dst) },
        #[cfg(all(target_arch = "x86_64", devarray_avx512))]
        // SAFETY: `level` is available, so the CPU has these AVX-512 subsets.
        Level::Avx512 => unsafe { drive_avx512::<T, K>(src, dst) },
        // aarch64 always has FMA; elsewhere the baseline rounds twice.
        _ if cfg!(target_arch = "aarch64") => drive::<T, Fused, K>(src, dst),
        _ => drive::<T, Split, K>(src, dst),
    }
}

/// Runs `f` compiled for the run-time [`level`]: `f` (an `#[inline(always)]` closure whose
/// callees are `#[inline(always)]` too) is inlined into a copy of this function built for that
/// instruction set, so loops inside it vectorise with AVX2 or AVX-512. For loops that are not
/// lane functions (the reductions' scans). One `match` per call: call it per run, not per
/// element.
#[inline(always)]
pub(crate) fn at_level<R>(f: impl FnOnce() -> R) -> R {
    match level() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `level()` only returns levels the CPU supports.
        Level::Avx2 => unsafe { run_avx2(f) },
        #[cfg(all(target_arch = "x86_64", devarray_avx512))]
        // SAFETY: as above.
        Level::Avx512 => unsafe { run_avx512(f) },
        _ => f(),
    }
}

/// `f()` with AVX2 and FMA enabled.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// `f()` with AVX-512 enabled.
///
/// # Safety
/// The CPU must support AVX-512 F, DQ and VL, AVX2 and FMA.
#[cfg(all(target_arch = "x86_64", devarray_avx512))]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
unsafe fn run_avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// A slice kernel: `dst[i] = f(src[i])`, equal lengths.
pub(crate) type SliceFn<T> = fn(&[T], &mut [T]);

/// Element types with vectorised functions.
pub(crate) trait VecMath: Copy + Sized + 'static {
    /// The slice kernel for `f` at `level`, if this type has one.
    fn kernel_at(f: VecFn, level: Level) -> Option<SliceFn<Self>>;
    /// The slice kernel for `f` at the run-time [`level`].
    #[inline]
    fn kernel(f: VecFn) -> Option<SliceFn<Self>> {
        Self::kernel_at(f, level())
    }
}

/// One slice function per (level, kernel): `fn` pointers, so callers stay non-generic.
macro_rules! slice_fns {
    ($t:ty, $level:expr, $f:expr, { $($name:ident => $k:ty),* $(,)? }) => {
        match ($level, $f) {
            $(
                (Level::Baseline, VecFn::$name) => Some((|s, d| drive_at::<$t, $k>(Level::Baseline, s, d)) as SliceFn<$t>),
                #[cfg(target_arch = "x86_64")]
                (Level::Avx2, VecFn::$name) => Some((|s, d| drive_at::<$t, $k>(Level::Avx2, s, d)) as SliceFn<$t>),
                #[cfg(all(target_arch = "x86_64", devarray_avx512))]
                (Level::Avx512, VecFn::$name) => Some((|s, d| drive_at::<$t, $k>(Level::Avx512, s, d)) as SliceFn<$t>),
            )*
            #[allow(unreachable_patterns)] // every level is covered where all three exist
            _ => None,
        }
    };
}

/// One slice function per (FMA level, kernel), for the kernels that exist only there.
macro_rules! fused_slice_fns {
    ($t:ty, $level:expr, $f:expr, { $($name:ident => $k:ty),* $(,)? }) => {
        match ($level, $f) {
            $(
                #[cfg(target_arch = "x86_64")]
                (Level::Avx2, VecFn::$name) => Some((|s, d| drive_at::<$t, $k>(Level::Avx2, s, d)) as SliceFn<$t>),
                #[cfg(all(target_arch = "x86_64", devarray_avx512))]
                (Level::Avx512, VecFn::$name) => Some((|s, d| drive_at::<$t, $k>(Level::Avx512, s, d)) as SliceFn<$t>),
            )*
            #[allow(unreachable_patterns)]
            _ => None,
        }
    };
}

impl VecMath for f32 {
    fn kernel_at(f: VecFn, level: Level) -> Option<SliceFn<f32>> {
        // `f32` lanes where the level has FMA (`lanes32f`), else `f64` lanes (`lanes32`).
        let fused: Option<SliceFn<f32>> = {
            use lanes32f::*;
            fused_slice_fns!(f32, level, f, {
                Exp => ExpF32, Expm1 => Expm1F32, Log => LogF32, Log1p => Log1pF32, Sin => SinF32,
                Cos => CosF32, Sinh => SinhF32, Cosh => CoshF32, Tanh => TanhF32, Atan => AtanF32,
                Log2 => Log2F32, Log10 => Log10F32, Asin => AsinF32, Acos => AcosF32,
            })
        };
        if fused.is_some() {
            return fused;
        }
        use lanes32::*;
        slice_fns!(f32, level, f, {
            Exp => Exp32, Expm1 => Expm1_32, Log => Log32, Log1p => Log1p32, Sin => Sin32, Cos => Cos32,
            Tan => Tan32, Sinh => Sinh32, Cosh => Cosh32, Tanh => Tanh32, Atan => Atan32,
            Log2 => Log2_32, Log10 => Log10_32, Asin => Asin32, Acos => Acos32,
        })
    }
}

impl VecMath for f64 {
    fn kernel_at(f: VecFn, level: Level) -> Option<SliceFn<f64>> {
        use super::{lanes64_log::*, lanes64_trig::*};
        use lanes64::*;
        // The quotients of `tanh`, `sinh` and `cosh` need fused multiply-adds for an exact
        // remainder (with split ones `tanh` was 2 ulp off): the baseline keeps the C library's.
        // `log2` is within 1 ulp with split ones too, but slower there than glibc's (11 against
        // 8 ns per element, 2026-12-05).
        let fused: Option<SliceFn<f64>> = fused_slice_fns!(f64, level, f, {
            Tanh => Tanh64, Sinh => Sinh64, Cosh => Cosh64, Log2 => Log2_64,
        });
        if fused.is_some() {
            return fused;
        }
        slice_fns!(f64, level, f, {
            Exp => Exp64, Expm1 => Expm1_64, Log => Log64, Log1p => Log1p64, Log10 => Log10_64,
            Sin => Sin64, Cos => Cos64, Tan => Tan64, Atan => Atan64, Asin => Asin64, Acos => Acos64,
        })
    }
}
