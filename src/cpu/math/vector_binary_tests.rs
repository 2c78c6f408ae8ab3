//! The accuracy contract of the binary vector functions (`vector_binary`, `lanes_binary`), on
//! every instruction-set level this CPU has, as `vector_tests.rs` states it for the unary ones:
//! `f32` results within 1 ulp of the C library's `f64` function rounded to `f32`, `f64` results
//! within 1 ulp of the C library's; NaN where the reference is NaN (a NaN input's bits kept),
//! and signed zeros and infinities exactly.

use super::vector::Level;
use super::vector_binary::{BinFn, SliceFn2, VecMath2};
use super::vector_tests::{ordered32, ordered64, splitmix};
use super::Real;

/// Values every pair test crosses with each other: zeros, infinities, NaN with payloads,
/// extremes, subnormals, small integers (odd and even) and values near 1.
fn special32() -> Vec<f32> {
    let mut v = vec![
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::from_bits(0xffc0_1234),
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        f32::from_bits(1),
        -f32::from_bits(3),
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        -2.0,
        3.0,
        -3.0,
        7.0,
        -8.0,
        1.0 + f32::EPSILON,
        1.0 - f32::EPSILON / 2.0,
        -1.0 - f32::EPSILON,
        88.7,
        -103.5,
        127.5,
        -149.0,
        1e10,
        -1e-10,
        16777217.0,
        16777216.0,
        -16777215.0,
    ];
    v.extend(v.clone().iter().map(|x| -x));
    v
}

/// Every value of `special` paired with every value (both orders, and each with itself).
fn crossed<T: Copy>(special: &[T]) -> (Vec<T>, Vec<T>) {
    special.iter().flat_map(|&x| special.iter().map(move |&y| (x, y))).unzip()
}

/// Pairs: every special value against every other, random bits against random bits (every
/// sign and exponent), and pairs whose results lie near the ends of the `f32` range for `pow`.
fn pairs32(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let (mut xs, mut ys) = crossed(&special32());
    let mut s = seed;
    for _ in 0..n {
        xs.push(f32::from_bits(splitmix(&mut s) as u32));
        ys.push(f32::from_bits(splitmix(&mut s) as u32));
    }
    // Moderate magnitudes (results in range): 2^±8 bases and exponents up to ±64.
    for _ in 0..n {
        let r = splitmix(&mut s);
        let x = ((r & 0xffff) as f32 / 256.0 - 128.0) * 2f32.powi((r >> 16) as i32 % 9 - 4);
        let y = ((r >> 32) as u32 as f32 / 2f32.powi(26)) - 32.0;
        xs.push(x);
        ys.push(if r >> 63 == 1 { y.round() } else { y });
    }
    (xs, ys)
}

/// A reference function: the C library's `f64` one (or the scalar formula, for `logaddexp`).
type Reference2 = fn(f64, f64) -> f64;

/// The `f32` functions and their `f64` references.
const F32_CASES: [(BinFn, Reference2); 4] = [
    (BinFn::Pow, f64::powf),
    (BinFn::Atan2, f64::atan2),
    (BinFn::Hypot, f64::hypot),
    (BinFn::Logaddexp, Real::logaddexp),
];

/// Runs `kernel` and compares with `reference` rounded to `f32`; returns the results 1 ulp off.
fn check32(what: &str, kernel: SliceFn2<f32>, reference: Reference2, xs: &[f32], ys: &[f32]) -> usize {
    let mut got = vec![0f32; xs.len()];
    kernel(xs, ys, &mut got);
    let mut off = 0;
    for ((&x, &y), &g) in xs.iter().zip(ys).zip(&got) {
        let want = reference(f64::from(x), f64::from(y)) as f32;
        let at = format!("{what}({x:e} = {:#010x}, {y:e} = {:#010x}) = {g:e}, want {want:e}", x.to_bits(), y.to_bits());
        if want.is_nan() || g.is_nan() {
            assert!(want.is_nan() && g.is_nan(), "{at}");
            continue;
        }
        match (ordered32(g) - ordered32(want)).abs() {
            0 => {}
            1 => off += 1,
            d => panic!("{at}: {d} ulp"),
        }
        if want == 0.0 || want.is_infinite() {
            assert_eq!(g.to_bits(), want.to_bits(), "{at}: signed zero or infinity");
        }
    }
    off
}

#[test]
fn binary_f32_within_one_ulp_of_the_f64_reference() {
    let (xs, ys) = pairs32(1 << 17, 11);
    for level in Level::available() {
        for (f, reference) in F32_CASES {
            let kernel = f32::kernel2_at(f, level).unwrap_or_else(|| panic!("{f:?} has no f32 kernel at {level:?}"));
            let what = format!("{f:?} at {level:?}");
            let off = check32(&what, kernel, reference, &xs, &ys);
            println!("{what}: {off} of {} results 1 ulp off the reference", xs.len());
            assert!(off < xs.len() / 50, "{what}: {off} results 1 ulp off");
        }
    }
}

#[test]
fn binary_f32_lengths_around_the_block_mix_exceptional_pairs() {
    // Exceptional pairs (a zero base, NaN) scattered through blocks of every tail length: each
    // result equals its own one-element call.
    for level in Level::available() {
        let kernel = f32::kernel2_at(BinFn::Pow, level).expect("pow has an f32 kernel");
        for len in [0usize, 1, 2, 255, 256, 257, 511, 513] {
            let xs: Vec<f32> = (0..len).map(|i| if i % 37 == 5 { 0.0 } else { 1.0 + i as f32 / 64.0 }).collect();
            let ys: Vec<f32> = (0..len).map(|i| if i % 53 == 7 { f32::NAN } else { 2.5 - i as f32 / 100.0 }).collect();
            let mut got = vec![0f32; len];
            kernel(&xs, &ys, &mut got);
            for i in 0..len {
                let mut one = [0f32];
                kernel(&xs[i..=i], &ys[i..=i], &mut one);
                assert_eq!(got[i].to_bits(), one[0].to_bits(), "len {len}, element {i} at {level:?}");
                let want = xs[i].powf(ys[i]);
                let close = (want.is_nan() && got[i].is_nan()) || (ordered32(got[i]) - ordered32(want)).abs() <= 1;
                assert!(close, "pow({}, {}) = {}, want {want}", xs[i], ys[i], got[i]);
            }
        }
    }
}

/// Pairs for `atan2` whose quotient falls in every interval of the arctangent's reduction, near
/// its breakpoints and far beyond, at magnitudes across the whole finite range (subnormals
/// included), with every combination of signs.
fn atan2_pairs(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut s = seed;
    (0..n)
        .map(|_| {
            let r = splitmix(&mut s);
            // A finite positive `y`, uniform over the bit patterns.
            let y = f32::from_bits((r >> 32) as u32 % 0x7f80_0000);
            let ratio = (r & 0xffff) as f32 / 16384.0;
            let ratio = match (r >> 16) & 15 {
                0..=11 => ratio,
                12 | 13 => ratio * 2f32.powi(-(((r >> 20) % 41) as i32)),
                _ => ratio * 2f32.powi(((r >> 20) % 41) as i32),
            };
            let x = y * ratio;
            let x = if r >> 63 == 1 { -x } else { x };
            let y = if (r >> 62) & 1 == 1 { -y } else { y };
            (x, y)
        })
        .unzip()
}

#[test]
fn atan2_f32_quotients_in_every_interval() {
    let (xs, ys) = atan2_pairs(1 << 18, 23);
    for level in Level::available() {
        let kernel = f32::kernel2_at(BinFn::Atan2, level).expect("atan2 has an f32 kernel");
        let what = format!("atan2 (quotients) at {level:?}");
        let off = check32(&what, kernel, f64::atan2, &xs, &ys);
        println!("{what}: {off} of {} results 1 ulp off the reference", xs.len());
        // The `f32` lanes (FMA levels) are within 0.71 ulp of the exact value (`atan2_f32_dense`,
        // 2^28 pairs), so about 2.4% of these results round the other way; the `f64` lanes of
        // the baseline almost never do.
        assert!(off < xs.len() / 25, "{what}: {off} results 1 ulp off");
    }
}

/// The pairs of a dense test: `2^log2n` from `make(count, seed)`, in chunks of `2^22`.
type PairMaker = fn(usize, u64) -> (Vec<f32>, Vec<f32>);

/// A dense `f32` test of `f` on every level: `2^log2n` pairs (`log2n` from the environment
/// variable `var`, 28 by default) from `make`, each within 1 ulp of `reference` rounded to `f32`
/// ([`check32`]), and the worst error in ulps of the exact value (the `f64` function, whose
/// own error is far below) under 1.
fn dense32(f: BinFn, var: &str, reference: Reference2, make: PairMaker) {
    let log2n: u32 = std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(28);
    for level in Level::available() {
        let kernel = f32::kernel2_at(f, level).unwrap_or_else(|| panic!("{f:?} has no f32 kernel"));
        let (mut off, mut worst) = (0, (0f64, 0f32, 0f32));
        for chunk in 0..1u64 << log2n.saturating_sub(22) {
            let (xs, ys) = make(1 << log2n.min(22), 1000 + chunk);
            off += check32(&format!("{f:?} at {level:?}"), kernel, reference, &xs, &ys);
            let mut got = vec![0f32; xs.len()];
            kernel(&xs, &ys, &mut got);
            for ((&x, &y), &g) in xs.iter().zip(&ys).zip(&got) {
                let exact = reference(f64::from(x), f64::from(y));
                let rounded = exact as f32;
                if rounded.is_nan() || rounded == 0.0 || rounded.is_infinite() {
                    continue;
                }
                // The ulp of the exact value's binade (`2^-149` below `f32::MIN_POSITIVE`).
                let binade = ((exact.abs().to_bits() >> 52) as i32 - 1023).max(-126);
                let err = (f64::from(g) - exact).abs() / 2f64.powi(binade - 23);
                if err > worst.0 {
                    worst = (err, x, y);
                }
            }
        }
        println!(
            "{f:?} at {level:?}: {off} of 2^{log2n} results 1 ulp off the reference; worst {:.3} ulp at ({:e}, {:e})",
            worst.0, worst.1, worst.2
        );
        assert!(worst.0 < 1.0, "{f:?} at {level:?}: {:.3} ulp", worst.0);
    }
}

/// `DEVARRAY_ATAN2_PAIRS=28 cargo test --release --lib atan2_f32_dense -- --ignored --nocapture`:
/// `2^28` pairs as [`atan2_f32_quotients_in_every_interval`]'s, on every level ([`dense32`]).
#[test]
#[ignore = "long: 2^28 pairs per level by default"]
fn atan2_f32_dense() {
    dense32(BinFn::Atan2, "DEVARRAY_ATAN2_PAIRS", f64::atan2, atan2_pairs);
}

#[test]
fn pow_f32_signs_of_negative_bases() {
    for level in Level::available() {
        let kernel = f32::kernel2_at(BinFn::Pow, level).expect("pow has an f32 kernel");
        let xs = [-2.0f32, -2.0, -2.0, -0.5, -3.0, -1.0, -1.0, -2.0, -1.0, -1.0, -1.0, -1.0, -0.5];
        let ys =
            [3.0f32, 2.0, -3.0, 5.0, 0.5, 1e30, 16777217.0, 200.0, -4194303.0, 4194305.0, 8388607.0, 4194302.0, 301.0];
        let mut got = [0f32; 13];
        kernel(&xs, &ys, &mut got);
        assert_eq!(got[..4], [-8.0, 4.0, -0.125, -0.03125]);
        assert!(got[4].is_nan(), "(-3)^0.5 is NaN");
        assert_eq!(got[5], 1.0, "(-1)^1e30: an even integer");
        assert_eq!(got[6], 1.0, "(-1)^16777217: the exponent rounds to the even f32 16777216");
        assert_eq!(got[7], f32::INFINITY, "(-2)^200 overflows to +inf");
        // Odd and even exponents on both sides of 2^22, where the FMA levels' lanes stop.
        assert_eq!(got[8..12], [-1.0, -1.0, -1.0, 1.0], "(-1)^(±odd), (-1)^4194302");
        assert_eq!(got[12].to_bits(), (-0.0f32).to_bits(), "(-0.5)^301 underflows to -0");
    }
}

/// Pairs whose `pow` results are finite and nonzero or near the ends of the `f32` range, by
/// sixths: bases within `2^-1 .. 2^-24` of 1 and any normal bases with exponents that put
/// `y log2 x` anywhere in `[-152, 130]`; results near overflow and underflow; integer
/// exponents of either sign of base (up to the underflow); small negative bases with integer
/// exponents in `[-40, 40]`; bases in `[0.5, 4)` with exponents in `[-8, 8)`.
fn pow_pairs(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut s = seed;
    let unit = |r: u64| (r >> 11) as f64 / 2f64.powi(53);
    let normal = |r: u64| f32::from_bits(((r >> 32) as u32 % 0x7f00_0000) + 0x0080_0000);
    // An exponent with `y log2 x ≈ p` (1 where `x` is 1).
    let exponent = |x: f32, p: f64| {
        let l = f64::from(x).log2();
        if l == 0.0 {
            1.0
        } else {
            (p / l) as f32
        }
    };
    (0..n)
        .map(|i| {
            let (r, r2) = (splitmix(&mut s), splitmix(&mut s));
            match i % 6 {
                0 => {
                    let x = (1.0 + (unit(r) - 0.5) * 2f64.powi(-((r % 24) as i32))) as f32;
                    (x, exponent(x, unit(r2) * 282.0 - 152.0))
                }
                1 => (normal(r), exponent(normal(r), unit(r2) * 282.0 - 152.0)),
                2 => {
                    let p = if r2 & 1 == 0 { 128.0 - unit(r2) * 2.0 } else { -126.0 - unit(r2) * 24.0 };
                    (normal(r), exponent(normal(r), p))
                }
                3 => {
                    let x = normal(r);
                    let limit = (150.0 / f64::from(x).log2().abs()).clamp(1.0, 4e6);
                    let y = ((unit(r2) * 2.0 - 1.0) * limit).round() as f32;
                    (if r & 1 == 0 { x } else { -x }, y)
                }
                4 => (-(0.125 + 8.0 * unit(r)) as f32, (r2 % 81) as f32 - 40.0),
                _ => ((0.5 + 3.5 * unit(r)) as f32, (16.0 * unit(r2) - 8.0) as f32),
            }
        })
        .unzip()
}

#[test]
fn pow_f32_results_in_range_within_one_ulp() {
    let (xs, ys) = pow_pairs(1 << 18, 29);
    for level in Level::available() {
        let kernel = f32::kernel2_at(BinFn::Pow, level).expect("pow has an f32 kernel");
        let what = format!("pow (results in range) at {level:?}");
        let off = check32(&what, kernel, f64::powf, &xs, &ys);
        println!("{what}: {off} of {} results 1 ulp off the reference", xs.len());
        // The FMA levels' lanes are within 0.61 ulp of the exact value (`pow_f32_dense`): about
        // 1.3% of these results round the other way.
        assert!(off < xs.len() / 40, "{what}: {off} results 1 ulp off");
    }
}

/// `DEVARRAY_POW_PAIRS=28 cargo test --release --lib pow_f32_dense -- --ignored --nocapture`:
/// `2^28` pairs as [`pow_f32_results_in_range_within_one_ulp`]'s on every level ([`dense32`]).
#[test]
#[ignore = "long: 2^28 pairs per level by default"]
fn pow_f32_dense() {
    dense32(BinFn::Pow, "DEVARRAY_POW_PAIRS", f64::powf, pow_pairs);
}

#[test]
fn hypot_f64_within_one_ulp_of_the_c_library() {
    let mut s = 5;
    let mut xs = vec![0.0, -0.0, 3.0, 1e300, 1e-300, f64::MAX, 5e-324, f64::INFINITY, f64::NAN, 1.0];
    let mut ys = vec![0.0, 4.0, -4.0, 1e300, 1e-310, 1.0, 1.0, f64::NAN, f64::INFINITY, 1e-20];
    for _ in 0..1 << 17 {
        xs.push(f64::from_bits(splitmix(&mut s)));
        ys.push(f64::from_bits(splitmix(&mut s)));
        // Magnitudes within 2^±60 of each other: both terms count.
        let x = f64::from_bits(splitmix(&mut s) >> 2);
        let y = x * (1.0 + (splitmix(&mut s) >> 11) as f64 / 2f64.powi(53)) * 2f64.powi((s % 121) as i32 - 60);
        xs.push(x);
        ys.push(-y);
    }
    for level in Level::available() {
        let Some(kernel) = f64::kernel2_at(BinFn::Hypot, level) else {
            assert_eq!(level, Level::Baseline, "hypot's f64 kernel needs fused multiply-adds");
            continue;
        };
        let mut got = vec![0f64; xs.len()];
        kernel(&xs, &ys, &mut got);
        let mut off = 0;
        for ((&x, &y), &g) in xs.iter().zip(&ys).zip(&got) {
            let want = x.hypot(y);
            if want.is_nan() || g.is_nan() {
                assert!(want.is_nan() && g.is_nan(), "hypot({x:e}, {y:e}) = {g:e}, want {want:e}");
                continue;
            }
            let d = (ordered64(g) - ordered64(want)).abs();
            assert!(d <= 1, "hypot({x:e}, {y:e}) at {level:?} = {g:e}, want {want:e}: {d} ulp");
            off += d as usize;
        }
        assert_eq!(got[2], 5.0);
        println!("hypot f64 {level:?}: {off} of {} results 1 ulp from the C library", xs.len());
        assert!(off < xs.len() / 100, "{off} results differ");
    }
}

/// The `f64` functions with lanes of their own, and their C-library references (NumPy's
/// scalar formula for `logaddexp`).
const F64_CASES: [(BinFn, &str, Reference2); 3] = [
    (BinFn::Pow, "pow", f64::powf),
    (BinFn::Atan2, "atan2", f64::atan2),
    (BinFn::Logaddexp, "logaddexp", Real::logaddexp),
];

/// `2^-5` and `2^-58`: `logaddexp` results below the first in magnitude lie near the curve
/// `eˣ + eʸ = 1`, where the lane's contract is the second as an absolute error (see
/// `lanes64_binary`'s docs), not 1 ulp.
const LOGADDEXP_CANCELLED: f64 = 0.03125;
const LOGADDEXP_ABSOLUTE: f64 = 3.469446951953614e-18;

/// Whether `g` is close enough to the C library's `want` for `name`: within 1 ulp, or for
/// `logaddexp` within `2^-51 max(1, |want|)`, the error of NumPy's formula it is compared with
/// (rounded three times, its logarithm term is off by up to about `2^-53`) plus the lane's.
fn close_to_c64(name: &str, g: f64, want: f64) -> bool {
    if name == "logaddexp" {
        (g - want).abs() <= 2f64.powi(-51) * want.abs().max(1.0)
    } else {
        (ordered64(g) - ordered64(want)).abs() <= 1
    }
}

/// The `f64` kernel of `f` at `level`: every level but `pow` at the baseline, where the C
/// library is faster than the split multiply-adds.
fn f64_kernel2(f: BinFn, level: Level) -> Option<SliceFn2<f64>> {
    let kernel = f64::kernel2_at(f, level);
    assert!(kernel.is_some() || (f == BinFn::Pow && level == Level::Baseline), "{f:?} has no f64 kernel at {level:?}");
    kernel
}

/// The mpmath reference file for the binary functions: lines `name x y hi lo` (hex bits),
/// exact value ≈ `hi + lo` (`hi` ±∞ past the overflow threshold, subnormal `hi` rounded once).
fn reference2_f64() -> Vec<(String, f64, f64, f64, f64)> {
    let text = include_str!("../../../tests/data/vector_math2_f64.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            let bits = |s: &str| f64::from_bits(u64::from_str_radix(s, 16).expect("hex bits"));
            (w[0].to_string(), bits(w[1]), bits(w[2]), bits(w[3]), bits(w[4]))
        })
        .collect()
}

#[test]
fn binary_f64_within_one_ulp_of_mpmath() {
    let refs = reference2_f64();
    for level in Level::available() {
        for (f, name, _) in F64_CASES {
            let Some(kernel) = f64_kernel2(f, level) else {
                continue;
            };
            let cases: Vec<_> = refs.iter().filter(|r| r.0 == name).collect();
            assert!(cases.len() > 1000, "too few reference values for {name}");
            let xs: Vec<f64> = cases.iter().map(|r| r.1).collect();
            let ys: Vec<f64> = cases.iter().map(|r| r.2).collect();
            let mut got = vec![0f64; xs.len()];
            kernel(&xs, &ys, &mut got);
            let (mut worst, mut worst_absolute) = ((0f64, 0.0, 0.0), 0f64);
            for (r, &g) in cases.iter().zip(&got) {
                let (x, y, hi, lo) = (r.1, r.2, r.3, r.4);
                let at = format!(
                    "{name}({x:e} = {:#018x}, {y:e} = {:#018x}) at {level:?} = {g:e}",
                    x.to_bits(),
                    y.to_bits()
                );
                if hi.is_infinite() || hi == 0.0 {
                    assert_eq!(g.to_bits(), hi.to_bits(), "{at}, want {hi:e}");
                    continue;
                }
                if name == "logaddexp" && hi.abs() < LOGADDEXP_CANCELLED {
                    let err = ((g - hi) - lo).abs();
                    assert!(err <= LOGADDEXP_ABSOLUTE, "{at}: {err:e} off (cancellation)");
                    worst_absolute = worst_absolute.max(err);
                    continue;
                }
                // ulp of the exact value; `g - hi` is exact when they are close.
                let ulp = f64::from_bits(hi.abs().to_bits() + 1) - hi.abs();
                let err = ((g - hi) - lo).abs() / ulp;
                assert!(err <= 1.0, "{at}: {err:.3} ulp");
                if err > worst.0 {
                    worst = (err, x, y);
                }
            }
            println!(
                "{name} f64 {level:?}: worst {:.3} ulp over {} mpmath values (at {:e}, {:e}){}",
                worst.0,
                cases.len(),
                worst.1,
                worst.2,
                if name == "logaddexp" { format!("; {worst_absolute:e} off near the curve") } else { String::new() }
            );
        }
    }
}

/// Values every `f64` pair test crosses with each other: zeros, infinities, NaN with payloads,
/// extremes, subnormals, integers (odd and even, past `2^52` and `2^53`) and values near 1.
fn special64() -> Vec<f64> {
    let mut v = vec![
        0.0,
        f64::INFINITY,
        f64::NAN,
        f64::from_bits(0x7ff8_0000_0000_1234),
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        1e-310,
        1.0,
        0.5,
        2.0,
        3.0,
        7.0,
        8.0,
        0.25,
        1.0 + f64::EPSILON,
        1.0 - f64::EPSILON / 2.0,
        1e300,
        1e-300,
        709.0,
        1023.5,
        1074.0,
        4503599627370497.0,
        9007199254740992.0,
        18446744073709551616.0,
        1e20,
        0.1,
        std::f64::consts::PI,
    ];
    v.extend(v.clone().iter().map(|x| -x));
    v
}

/// Pairs for the dense `f64` tests: special values crossed, random bits (every sign and
/// exponent), moderate magnitudes (bases within `2^±8`, exponents within ±64, half of them
/// integers), and bases near 1 with large exponents.
fn pairs64(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let (mut xs, mut ys) = crossed(&special64());
    let mut s = seed;
    for _ in 0..n {
        xs.push(f64::from_bits(splitmix(&mut s)));
        ys.push(f64::from_bits(splitmix(&mut s)));
        let r = splitmix(&mut s);
        let x = ((r >> 11) as f64 / 2f64.powi(53) * 2.0 - 1.0) * 2f64.powi((r % 17) as i32 - 8);
        let y = (splitmix(&mut s) >> 11) as f64 / 2f64.powi(46) - 64.0;
        xs.push(x);
        ys.push(if r >> 63 == 1 { y.round() } else { y });
        let d = (splitmix(&mut s) >> 12) as f64 / 2f64.powi(52 + (r % 40) as i32);
        xs.push(1.0 + if r & 2 == 0 { d } else { -d / 2.0 });
        ys.push(((r >> 11) as f64 / 2f64.powi(53) * 1400.0 - 700.0) / d.ln_1p());
    }
    (xs, ys)
}

#[test]
fn binary_f64_within_one_ulp_of_the_c_library() {
    let (xs, ys) = pairs64(1 << 16, 13);
    for level in Level::available() {
        for (f, name, reference) in F64_CASES {
            let Some(kernel) = f64_kernel2(f, level) else {
                continue;
            };
            let mut got = vec![0f64; xs.len()];
            kernel(&xs, &ys, &mut got);
            let mut off = 0;
            for ((&x, &y), &g) in xs.iter().zip(&ys).zip(&got) {
                let want = reference(x, y);
                let at = format!(
                    "{name}({x:e} = {:#018x}, {y:e} = {:#018x}) at {level:?} = {g:e}, want {want:e}",
                    x.to_bits(),
                    y.to_bits()
                );
                if want.is_nan() || g.is_nan() || want == 0.0 || want.is_infinite() {
                    // Only the C library makes these (the exceptional pairs): the same bits.
                    assert_eq!(g.to_bits(), want.to_bits(), "{at}");
                    continue;
                }
                assert!(close_to_c64(name, g, want), "{at}");
                off += usize::from(g != want);
            }
            println!("{name} f64 {level:?}: {off} of {} results differ from the C library's", xs.len());
            // NumPy's `logaddexp` formula is itself often 1-2 ulp off; the others are within
            // half an ulp, as the lanes.
            assert!(name == "logaddexp" || off < xs.len() / 20, "{name} {level:?}: {off} results differ");
        }
    }
}

#[test]
fn binary_f64_lengths_around_the_block_mix_exceptional_pairs() {
    // Exceptional pairs (zeros, NaN, infinities, a negative base with a fractional exponent)
    // scattered through blocks of every tail length: each result equals its own one-element
    // call.
    for level in Level::available() {
        for (f, name, reference) in F64_CASES {
            let Some(kernel) = f64_kernel2(f, level) else {
                continue;
            };
            for len in [0usize, 1, 255, 256, 257, 513] {
                let xs: Vec<f64> = (0..len)
                    .map(|i| match i % 41 {
                        5 => 0.0,
                        17 => -2.5,
                        _ => 0.75 + i as f64 / 64.0,
                    })
                    .collect();
                let ys: Vec<f64> = (0..len)
                    .map(|i| match i % 53 {
                        7 => f64::NAN,
                        20 => f64::NEG_INFINITY,
                        _ => 3.25 - i as f64 / 100.0,
                    })
                    .collect();
                let mut got = vec![0f64; len];
                kernel(&xs, &ys, &mut got);
                for i in 0..len {
                    let mut one = [0f64];
                    kernel(&xs[i..=i], &ys[i..=i], &mut one);
                    assert_eq!(got[i].to_bits(), one[0].to_bits(), "{name}: len {len}, element {i} at {level:?}");
                    let want = reference(xs[i], ys[i]);
                    let close = (want.is_nan() && got[i].is_nan()) || close_to_c64(name, got[i], want);
                    assert!(close, "{name}({}, {}) = {}, want {want}", xs[i], ys[i], got[i]);
                }
            }
        }
    }
}

#[test]
fn pow_f64_special_cases_of_c() {
    for level in Level::available() {
        let Some(kernel) = f64_kernel2(BinFn::Pow, level) else {
            continue;
        };
        let xs = [f64::NAN, 1.0, -1.0, -1.0, -0.0, -0.0, -2.0, -2.0, 2.0, 0.5, -8.0];
        let ys = [0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -3.0, 3.0, 3.0, -1075.0, 1024.0, 1075.0, 1.0 / 3.0];
        let mut got = [0f64; 11];
        kernel(&xs, &ys, &mut got);
        assert_eq!(got[..4], [1.0, 1.0, 1.0, 1.0]);
        assert_eq!(got[4], f64::NEG_INFINITY, "(-0)^-3");
        assert_eq!(got[5].to_bits(), (-0.0f64).to_bits(), "(-0)^3");
        assert_eq!(got[6], -8.0);
        assert_eq!(got[7].to_bits(), (-0.0f64).to_bits(), "(-2)^-1075 underflows to -0");
        assert_eq!(got[8], f64::INFINITY);
        assert_eq!(got[9], 0.0);
        assert!(got[10].is_nan(), "a negative base, a fractional exponent");
    }
}
