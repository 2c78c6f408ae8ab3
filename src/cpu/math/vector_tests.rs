//! The accuracy contract of the vectorised functions (`vector`, `lanes32`, `lanes64`), on
//! every instruction-set level this CPU has (the fused levels and the split baseline):
//!
//! - `f32`: within 1 ulp of the C library's `f64` function rounded to `f32` (correctly rounded
//!   except in rare double-rounding cases), on about a million inputs spread over every sign,
//!   exponent and significand, plus the special values, with NumPy's results for NaN, ±∞, ±0
//!   and huge arguments. Every `f32`: `cargo test --release --lib -- --ignored
//!   vector_f32_exhaustive` (2^32 C-library references per function: 45 minutes on two busy
//!   cores, so not in CI; `DEVARRAY_EXHAUSTIVE=expm1,tan` picks functions, `DEVARRAY_SIMD=avx2`
//!   the level). Run on 2026-12-03 at the AVX-512 level with the `f64`-lane kernels: every
//!   `f32` within 1 ulp for exp, expm1, log, log1p, sin, cos, tan, sinh, cosh, tanh. The
//!   `f32`-lane kernels of the FMA levels (`lanes32f`) were checked on every `f32` by the same
//!   metric: exp, log, sin, cos, tanh on 2026-12-04 in their prototype checkers (AVX-512 and
//!   AVX2, bit-identical); expm1, log1p, sinh, cosh and atan on 2026-12-05 by this test at the
//!   AVX-512 and the AVX2 level (the same counts of 1-ulp results on both; in each module's
//!   docs); log2, log10, asin and acos (`f64` lanes, `lanes32`) on 2026-12-05 at the AVX-512
//!   level: every `f32` within 1 ulp, with 2474, 2509, 28 and 14 results 1 ulp from the
//!   reference (these `f64`-lane kernels now serve the baseline only); the `f32`-lane log2 and
//!   log10 (`lanes32f/log2_log10.rs`) and asin and acos (`lanes32f/asin_acos.rs`) the same day
//!   at the AVX-512 and the AVX2 level: every `f32` within 1 ulp, 2,401,038, 2,506,801,
//!   751,820 and 246,309 results 1 ulp from the reference on both. After `exp` gained its
//!   range lane (blocks within ±86), on 2026-12-06 at the AVX2 level: every `f32` within 1 ulp,
//!   10,101,329 results 1 ulp off, the count of the full lane's earlier runs.
//! - `f64`: within 1 ulp of reference values computed with mpmath at 200 bits
//!   (`tests/data/vector_math_f64.txt`, from `tools/gen_vector_math_ref.py`): the error is
//!   measured in fractions of an ulp; and within 1 ulp of the C library on dense samples.

use super::vector::{Level, SliceFn, VecFn, VecMath};

/// `f32` bits as integers ordered like the values (adjacent floats differ by 1).
pub(super) fn ordered32(v: f32) -> i64 {
    let b = v.to_bits();
    let mag = i64::from(b & 0x7fff_ffff);
    if b >> 31 == 1 {
        -mag
    } else {
        mag
    }
}

/// `f64` bits as integers ordered like the values.
pub(super) fn ordered64(v: f64) -> i128 {
    let b = v.to_bits();
    let mag = i128::from(b & 0x7fff_ffff_ffff_ffff);
    if b >> 63 == 1 {
        -mag
    } else {
        mag
    }
}

/// A reference function: the C library's `f64` one.
type Reference = fn(f64) -> f64;

/// The `f32` functions with their `f64` references.
const F32_CASES: [(VecFn, Reference); 15] = [
    (VecFn::Exp, f64::exp),
    (VecFn::Expm1, f64::exp_m1),
    (VecFn::Log, f64::ln),
    (VecFn::Log1p, f64::ln_1p),
    (VecFn::Log2, f64::log2),
    (VecFn::Log10, f64::log10),
    (VecFn::Asin, f64::asin),
    (VecFn::Acos, f64::acos),
    (VecFn::Sin, f64::sin),
    (VecFn::Cos, f64::cos),
    (VecFn::Tan, f64::tan),
    (VecFn::Sinh, f64::sinh),
    (VecFn::Cosh, f64::cosh),
    (VecFn::Tanh, f64::tanh),
    (VecFn::Atan, f64::atan),
];

/// Runs `kernel` over `inputs` and compares with `reference` rounded to `f32`: panics beyond
/// 1 ulp or on a NaN mismatch; returns how many results are 1 ulp off.
fn check32(what: &str, kernel: SliceFn<f32>, reference: Reference, inputs: &[f32]) -> u64 {
    let mut got = vec![0f32; inputs.len()];
    kernel(inputs, &mut got);
    let mut off = 0;
    for (&x, &g) in inputs.iter().zip(&got) {
        let want = reference(f64::from(x)) as f32;
        if want.is_nan() || g.is_nan() {
            assert!(want.is_nan() && g.is_nan(), "{what}({x:e} = {:#010x}) = {g:e}, want {want:e}", x.to_bits());
            // A NaN input comes back unchanged (sign and payload), as from the C library and
            // NumPy; the 16-bit paths are compared bit for bit with it.
            if x.is_nan() {
                assert_eq!(g.to_bits(), want.to_bits(), "{what}({:#010x}): NaN bits", x.to_bits());
            }
            continue;
        }
        match (ordered32(g) - ordered32(want)).abs() {
            0 => {}
            1 => off += 1,
            d => panic!("{what}({x:e} = {:#010x}) = {g:e}, want {want:e}: {d} ulp", x.to_bits()),
        }
        if want == 0.0 || want.is_infinite() {
            // Signed zeros and infinities exactly (NumPy's special values).
            assert_eq!(g.to_bits(), want.to_bits(), "{what}({x:e}) = {g:e}, want {want:e}");
        }
    }
    off
}

/// Special values, values around each function's thresholds, and huge trigonometric arguments.
fn special32() -> Vec<f32> {
    let mut v = vec![
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7fc0_1234),
        f32::from_bits(0xffc0_0001),
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        f32::from_bits(1),
        -f32::from_bits(1),
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        10.0,
        -10.0,
        88.72284,
        89.0,
        -103.98,
        -104.0,
        1e-30,
        -1e-30,
        1.0 / 536870912.0,
        -0.99999994,
        0.99999994,
        0.49999997,
        -0.50000006,
        1024.0,
        1e-10,
        1048576.0,
        1048577.0,
        -1048576.0,
        1e7,
        1e20,
        -1e30,
        std::f32::consts::FRAC_PI_2,
        std::f32::consts::PI,
        std::f32::consts::FRAC_PI_4,
    ];
    // Every f32 within a few ulps of each multiple of π/2 up to 2^13.
    for k in 1..(1 << 13) {
        let m = (k as f64 * std::f64::consts::FRAC_PI_2) as f32;
        let b = m.to_bits();
        v.extend((b - 2..=b + 2).map(f32::from_bits));
        v.extend((b - 2..=b + 2).map(|b| -f32::from_bits(b)));
    }
    v
}

/// About a million patterns spread over all signs, exponents and significands.
fn strided32() -> Vec<f32> {
    (0..u32::MAX / 4093).map(|i| f32::from_bits(i * 4093 + (i % 11))).collect()
}

#[test]
fn vector_f32_within_one_ulp_on_every_level() {
    let inputs: Vec<f32> = special32().into_iter().chain(strided32()).collect();
    for level in Level::available() {
        for (f, reference) in F32_CASES {
            let kernel = f32::kernel_at(f, level).expect("every f32 case has a kernel");
            let off = check32(&format!("{f:?} {level:?}"), kernel, reference, &inputs);
            println!("{f:?} {level:?}: {off} of {} 1 ulp from the reference", inputs.len());
            // Faithful results are correctly rounded except near midpoints: a small share.
            assert!(off < inputs.len() as u64 / 50, "{f:?} {level:?}: {off} of {} 1 ulp off", inputs.len());
        }
    }
}

#[test]
fn vector_f32_block_tails_and_unaligned_slices() {
    // Lengths around the block size, offsets that misalign the slice, an exceptional lane in
    // the last partial block.
    let data: Vec<f32> = (0..1200).map(|i| (i as f32 - 600.0) * 0.37).collect();
    for level in Level::available() {
        let kernel = f32::kernel_at(VecFn::Sin, level).unwrap();
        for (start, len) in [(0, 0), (0, 1), (1, 255), (3, 256), (5, 257), (7, 1000)] {
            let mut src = data[start..start + len].to_vec();
            if len > 0 {
                src[len - 1] = 1e30;
            }
            let mut dst = vec![f32::NAN; len];
            kernel(&src, &mut dst);
            for (x, y) in src.iter().zip(&dst) {
                assert!((ordered32(*y) - ordered32(x.sin())).abs() <= 1, "sin({x}) = {y} at {level:?}");
            }
        }
    }
}

#[test]
fn vector_f32_range_lane_blocks_and_the_blocks_that_leave_the_range() {
    // `exp`'s kernel computes a block whose every element is within ±86 with its in-range lane,
    // and any other block in full. Blocks (256 elements) here: in range; in range but one NaN
    // (its bits must survive); one 89.0 (+∞); one -100 (a subnormal); a -∞ in the middle; then
    // a short in-range tail. Dense in-range values also cover the range lane's
    // accuracy, which the strided inputs above (nearly every block has a huge value) do not.
    let mut src: Vec<f32> = (0..5 * 256 + 77).map(|i| (i as f32 * 0.618_034).sin() * 86.0).collect();
    src[256 + 100] = f32::from_bits(0xffc0_1234);
    src[2 * 256 + 3] = 89.0;
    src[3 * 256 + 200] = -100.0;
    src[4 * 256 + 128] = f32::NEG_INFINITY;
    let dense: Vec<f32> =
        (0..=86.0f32.to_bits()).step_by(4099).flat_map(|b| [f32::from_bits(b), -f32::from_bits(b)]).collect();
    for level in Level::available() {
        let kernel = f32::kernel_at(VecFn::Exp, level).unwrap();
        check32(&format!("Exp {level:?} mixed blocks"), kernel, f64::exp, &src);
        check32(&format!("Exp {level:?} dense in range"), kernel, f64::exp, &dense);
        let mut out = vec![0f32; src.len()];
        kernel(&src, &mut out);
        assert_eq!(out[256 + 100].to_bits(), 0xffc0_1234, "{level:?}");
        assert_eq!(out[2 * 256 + 3], f32::INFINITY, "{level:?}");
        assert!(out[3 * 256 + 200].is_subnormal(), "{level:?}: exp(-100) = {:e}", out[3 * 256 + 200]);
        assert_eq!(out[4 * 256 + 128].to_bits(), 0, "{level:?}");
    }
}

/// Every `f32` through every function at the run-time level: the best this CPU has, or the one
/// `DEVARRAY_SIMD` names (`DEVARRAY_SIMD=avx2`; release build; see the module docs).
#[test]
#[ignore = "2^32 inputs per function: run in release"]
fn vector_f32_exhaustive() {
    let level = super::vector::level();
    // `DEVARRAY_EXHAUSTIVE=expm1,tan` checks only those functions (names as in `VecFn`).
    let only = std::env::var("DEVARRAY_EXHAUSTIVE").ok();
    let wanted =
        |f: VecFn| only.as_deref().is_none_or(|o| o.split(',').any(|n| n.eq_ignore_ascii_case(&format!("{f:?}"))));
    for (f, reference) in F32_CASES.into_iter().filter(|&(f, _)| wanted(f)) {
        let kernel = f32::kernel_at(f, level).unwrap();
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
        let off: u64 = std::thread::scope(|s| {
            let parts: Vec<_> = (0..threads)
                .map(|t| {
                    s.spawn(move || {
                        let (lo, hi) = ((t << 32) / threads, ((t + 1) << 32) / threads);
                        let mut off = 0;
                        let mut buf = Vec::with_capacity(1 << 16);
                        let mut start = lo;
                        while start < hi {
                            let end = (start + (1 << 16)).min(hi);
                            buf.clear();
                            buf.extend((start..end).map(|b| f32::from_bits(b as u32)));
                            off += check32(&format!("{f:?}"), kernel, reference, &buf);
                            start = end;
                        }
                        off
                    })
                })
                .collect();
            parts.into_iter().map(|h| h.join().unwrap()).sum()
        });
        println!("{f:?} {level:?}: every f32 within 1 ulp; {off} not bit-identical to the reference");
    }
}

/// The `f64` functions with their C-library counterparts.
const F64_CASES: [(VecFn, &str, Reference); 15] = [
    (VecFn::Exp, "exp", f64::exp),
    (VecFn::Expm1, "expm1", f64::exp_m1),
    (VecFn::Tanh, "tanh", f64::tanh),
    (VecFn::Sinh, "sinh", f64::sinh),
    (VecFn::Cosh, "cosh", f64::cosh),
    (VecFn::Log1p, "log1p", f64::ln_1p),
    (VecFn::Log, "log", f64::ln),
    (VecFn::Sin, "sin", f64::sin),
    (VecFn::Cos, "cos", f64::cos),
    (VecFn::Tan, "tan", f64::tan),
    (VecFn::Atan, "atan", f64::atan),
    (VecFn::Asin, "asin", f64::asin),
    (VecFn::Acos, "acos", f64::acos),
    (VecFn::Log2, "log2", f64::log2),
    (VecFn::Log10, "log10", f64::log10),
];

/// The `f64` kernel of `f` at `level`; `None` only where the C library serves it by design
/// (`tanh`, `sinh`, `cosh` on the baseline, whose quotients need fused multiply-adds; `log2`,
/// where glibc's is faster than the split-FMA lanes).
fn f64_kernel(f: VecFn, name: &str, level: Level) -> Option<SliceFn<f64>> {
    let kernel = f64::kernel_at(f, level);
    let fused_only = matches!(f, VecFn::Tanh | VecFn::Sinh | VecFn::Cosh | VecFn::Log2);
    assert!(kernel.is_some() || (fused_only && level == Level::Baseline), "{name} has no kernel at {level:?}");
    kernel
}

/// The mpmath reference file: lines `name x_bits hi_bits lo_bits` (hex), exact value ≈ hi + lo.
fn reference64() -> Vec<(String, f64, f64, f64)> {
    let text = include_str!("../../../tests/data/vector_math_f64.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let bits = |s: &str| f64::from_bits(u64::from_str_radix(s, 16).expect("hex bits"));
            (w[0].to_string(), bits(w[1]), bits(w[2]), bits(w[3]))
        })
        .collect()
}

#[test]
fn vector_f64_within_one_ulp_of_mpmath() {
    let refs = reference64();
    assert!(refs.len() > 1000, "reference file too short");
    for level in Level::available() {
        for (f, name, _) in F64_CASES {
            let Some(kernel) = f64_kernel(f, name, level) else {
                continue;
            };
            let cases: Vec<_> = refs.iter().filter(|r| r.0 == name).collect();
            assert!(!cases.is_empty(), "no reference values for {name}");
            let xs: Vec<f64> = cases.iter().map(|r| r.1).collect();
            let mut got = vec![0f64; xs.len()];
            kernel(&xs, &mut got);
            let mut worst = 0f64;
            for (r, &g) in cases.iter().zip(&got) {
                let (x, hi, lo) = (r.1, r.2, r.3);
                // ulp of the exact value; `g - hi` is exact when they are close.
                let ulp = f64::from_bits(hi.abs().to_bits() + 1) - hi.abs();
                let err = ((g - hi) - lo).abs() / ulp;
                assert!(err <= 1.0, "{name}({x:e} = {:#018x}) at {level:?} = {g:e}: {err:.3} ulp", x.to_bits());
                worst = worst.max(err);
            }
            println!("{name} {level:?}: worst {worst:.3} ulp over {} mpmath values", cases.len());
        }
    }
}

/// Deterministic pseudo-random `u64`s (SplitMix64).
pub(super) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `n` values with uniformly random bits below `max_abs` in magnitude (so spread evenly over
/// exponents), both signs, plus the special values.
fn samples64(n: usize, max_abs: f64, seed: u64) -> Vec<f64> {
    let mut s = seed;
    let mut v: Vec<f64> = vec![0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MIN_POSITIVE, 5e-324, 1e300];
    v.extend(
        std::iter::repeat_with(|| {
            let x = f64::from_bits(splitmix(&mut s) & 0x7fff_ffff_ffff_ffff);
            let x = if x.is_nan() || x > max_abs { x % max_abs } else { x };
            if splitmix(&mut s) & 1 == 1 {
                -x
            } else {
                x
            }
        })
        .take(n),
    );
    // Uniform on [-max_abs, max_abs] too: the bulk of a linear range.
    v.extend(
        std::iter::repeat_with(|| ((splitmix(&mut s) >> 11) as f64 / 2f64.powi(52) - 1.0) * max_abs.min(1e6)).take(n),
    );
    v
}

#[test]
fn vector_f64_within_one_ulp_of_the_c_library_on_dense_samples() {
    for level in Level::available() {
        for (f, name, reference) in F64_CASES {
            let Some(kernel) = f64_kernel(f, name, level) else {
                continue;
            };
            // asin and acos: within [-1, 1] but for the special values (NaN beyond).
            let max_abs = match name {
                _ if name.starts_with("log") => f64::MAX,
                "asin" | "acos" => 1.0,
                _ => 1e6,
            };
            let xs = samples64(1 << 17, max_abs, 7);
            let mut got = vec![0f64; xs.len()];
            kernel(&xs, &mut got);
            let mut off = 0;
            for (&x, &g) in xs.iter().zip(&got) {
                let want = reference(x);
                if want.is_nan() || g.is_nan() {
                    assert!(want.is_nan() && g.is_nan(), "{name}({x:e}) at {level:?} = {g:e}, want {want:e}");
                    continue;
                }
                let d = (ordered64(g) - ordered64(want)).abs();
                // glibc documents its `tanh` within 2 ulp, and it is 1.7 ulp off at
                // 0.19732158583313655 (in the mpmath file), where devarray's is 0.29 ulp off:
                // the mpmath test above is what holds `tanh` to 1 ulp.
                let tolerance = if f == VecFn::Tanh { 2 } else { 1 };
                assert!(
                    d <= tolerance,
                    "{name}({x:e} = {:#018x}) at {level:?} = {g:e}, want {want:e}: {d} ulp",
                    x.to_bits()
                );
                off += d as u64;
                if want == 0.0 || want.is_infinite() {
                    assert_eq!(g.to_bits(), want.to_bits(), "{name}({x:e})");
                }
            }
            println!("{name} {level:?}: {off} ulp of difference from the C library over {} values", xs.len());
            assert!(off < xs.len() as u64 / 20, "{name} {level:?}: {off} of {} differ from the C library", xs.len());
        }
    }
}
