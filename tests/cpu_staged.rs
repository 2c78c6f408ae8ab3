//! The CPU backend's staged f16/bf16 paths (widen a block to f32, run the f32 loop, narrow the
//! block back: `src/cpu/staged.rs`) give the same bits as converting each element on its own,
//! through the public API.

use devarray::half::{bf16, f16};
use devarray::{Array, DType, Device};

/// Every 16-bit pattern, as `f16`/`bf16` bits.
fn all_bits() -> Vec<u16> {
    (0..=u16::MAX).collect()
}

fn same_bits(got: &[u16], want: impl Iterator<Item = u16>) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(*g, w, "element {i}: got {g:#06x}, want {w:#06x}");
    }
}

/// [`same_bits`] for a binary op on 16-bit floats (`quiet` sets a pattern's quiet bit), except
/// that where both operands are NaN either one's payload may come back: IEEE 754 leaves the
/// choice open, and an optimised build may commute `a + b` (a release build does, in the
/// vectorised rows).
fn same_bits_either_nan(
    got: &[u16],
    want: impl Iterator<Item = u16>,
    pairs: impl Iterator<Item = (u16, u16)>,
    quiet: u16,
) {
    // The significand lies below the quiet bit's double; the exponent field above it.
    let (significand, exponent) = (2 * quiet - 1, 0x7fff & !(2 * quiet - 1));
    let is_nan = |b: u16| b & exponent == exponent && b & significand != 0;
    for (i, ((g, w), (a, b))) in got.iter().zip(want).zip(pairs).enumerate() {
        if is_nan(a) && is_nan(b) && (*g == a | quiet || *g == b | quiet) {
            continue;
        }
        assert_eq!(*g, w, "element {i}: got {g:#06x}, want {w:#06x}");
    }
}

#[test]
fn staged_unary_matches_per_element_for_every_f16_and_bf16() {
    let bits = all_bits();
    let h: Vec<f16> = bits.iter().map(|&b| f16::from_bits(b)).collect();
    let got: Vec<f16> = Array::from_slice(&h, &[bits.len()], &Device::Cpu).unwrap().exp().unwrap().to_vec().unwrap();
    let got: Vec<u16> = got.iter().map(|v| v.to_bits()).collect();
    same_bits(&got, h.iter().map(|x| f16::from_f32(x.to_f32().exp()).to_bits()));

    let b: Vec<bf16> = bits.iter().map(|&b| bf16::from_bits(b)).collect();
    let got: Vec<bf16> = Array::from_slice(&b, &[bits.len()], &Device::Cpu).unwrap().sqrt().unwrap().to_vec().unwrap();
    let got: Vec<u16> = got.iter().map(|v| v.to_bits()).collect();
    same_bits(&got, b.iter().map(|x| bf16::from_f32(x.to_f32().sqrt()).to_bits()));
}

#[test]
fn staged_binary_matches_per_element_for_every_f16() {
    let bits = all_bits();
    let x: Vec<f16> = bits.iter().map(|&b| f16::from_bits(b)).collect();
    let dev = Device::Cpu;
    let xa = Array::from_slice(&x, &[bits.len()], &dev).unwrap();
    // Partners: shifted patterns (every pair class of signs, magnitudes and NaNs) and a
    // strided, reversed view, so contiguous, strided and value operands are all covered.
    for shift in [1usize, 257, 12_345, 32_768] {
        let y: Vec<f16> = (0..bits.len()).map(|i| x[(i + shift) % bits.len()]).collect();
        let ya = Array::from_slice(&y, &[bits.len()], &dev).unwrap();
        let got: Vec<f16> = xa.add(&ya).unwrap().to_vec().unwrap();
        let got: Vec<u16> = got.iter().map(|v| v.to_bits()).collect();
        let want = x.iter().zip(&y).map(|(a, b)| f16::from_f32(a.to_f32() + b.to_f32()).to_bits());
        same_bits_either_nan(&got, want, x.iter().zip(&y).map(|(a, b)| (a.to_bits(), b.to_bits())), 0x0200);
    }
    let rev = xa.flip(Some(&[0])).unwrap();
    let got: Vec<f16> = xa.multiply(&rev).unwrap().to_vec().unwrap();
    let got: Vec<u16> = got.iter().map(|v| v.to_bits()).collect();
    let want = x.iter().zip(x.iter().rev()).map(|(a, b)| f16::from_f32(a.to_f32() * b.to_f32()).to_bits());
    same_bits_either_nan(&got, want, x.iter().zip(x.iter().rev()).map(|(a, b)| (a.to_bits(), b.to_bits())), 0x0200);
    let got: Vec<f16> = xa.add(0.5).unwrap().to_vec().unwrap();
    let half = 0.5f32;
    let got: Vec<u16> = got.iter().map(|v| v.to_bits()).collect();
    same_bits(&got, x.iter().map(|a| f16::from_f32(a.to_f32() + half).to_bits()));
}

#[test]
fn bfloat16_binary_and_vector_math_match_per_element_for_every_pattern() {
    // bfloat16 binary ops run their rows at the SIMD level and its vector math widens and
    // narrows chunks there: both must give the bits of converting each element on its own.
    let bits = all_bits();
    let x: Vec<bf16> = bits.iter().map(|&b| bf16::from_bits(b)).collect();
    let dev = Device::Cpu;
    let xa = Array::from_slice(&x, &[bits.len()], &dev).unwrap();
    for shift in [1usize, 257, 32_768] {
        let y: Vec<bf16> = (0..bits.len()).map(|i| x[(i + shift) % bits.len()]).collect();
        let ya = Array::from_slice(&y, &[bits.len()], &dev).unwrap();
        let got: Vec<bf16> = xa.add(&ya).unwrap().to_vec().unwrap();
        let got: Vec<u16> = got.iter().map(|v| v.to_bits()).collect();
        let want = x.iter().zip(&y).map(|(a, b)| bf16::from_f32(a.to_f32() + b.to_f32()).to_bits());
        same_bits_either_nan(&got, want, x.iter().zip(&y).map(|(a, b)| (a.to_bits(), b.to_bits())), 0x0040);
    }
    // exp: the same float32 kernel on the widened values, narrowed one element at a time.
    let wide: Vec<f32> = x.iter().map(|v| v.to_f32()).collect();
    let want: Vec<f32> = Array::from_slice(&wide, &[bits.len()], &dev).unwrap().exp().unwrap().to_vec().unwrap();
    let got: Vec<bf16> = xa.exp().unwrap().to_vec().unwrap();
    let got: Vec<u16> = got.iter().map(|v| v.to_bits()).collect();
    same_bits(&got, want.iter().map(|w| bf16::from_f32(*w).to_bits()));
}

#[test]
fn staged_reductions_match_widened_f32_reductions() {
    // f16 reductions accumulate in f32 over the same tree as f32 reductions of the widened
    // values, so the results agree exactly after one rounding to f16.
    let dev = Device::Cpu;
    let vals: Vec<f16> =
        (0..37 * 301u32).map(|i| f16::from_bits((i.wrapping_mul(2_654_435_761) >> 16) as u16 & 0xBBFF)).collect();
    for shape in [[37usize, 301], [1, 37 * 301], [37 * 301, 1]] {
        let x = Array::from_slice(&vals, &shape, &dev).unwrap();
        let w = x.astype(DType::F32).unwrap();
        for axes in [None, Some(&[0isize][..]), Some(&[1isize][..])] {
            let narrow = |a: Array| -> Vec<u16> {
                let v: Vec<f32> = a.to_vec().unwrap();
                v.iter().map(|&v| f16::from_f32(v).to_bits()).collect()
            };
            let bits = |a: Array| -> Vec<u16> { a.to_vec::<f16>().unwrap().iter().map(|v| v.to_bits()).collect() };
            assert_eq!(bits(x.sum(axes, false).unwrap()), narrow(w.sum(axes, false).unwrap()));
            assert_eq!(bits(x.max(axes, false).unwrap()), narrow(w.max(axes, false).unwrap()));
            assert_eq!(bits(x.min(axes, false).unwrap()), narrow(w.min(axes, false).unwrap()));
            assert_eq!(bits(x.mean(axes, false).unwrap()), narrow(w.mean(axes, false).unwrap()));
        }
    }
}

/// A binary method of [`Array`], as a function of both operands.
type BinaryMethod = fn(&Array, &Array) -> devarray::Result<Array>;

#[test]
fn binary_vector_math_matches_per_element_through_every_layout() {
    // pow, atan2, hypot and logaddexp run vectorised slice kernels: contiguous float32 rows go
    // straight to them, other rows (a float16 widened chunk, a reversed view, a value operand)
    // through chunk buffers. Every path must give the contiguous float32 kernel's bits
    // (narrowed once for float16).
    let dev = Device::Cpu;
    let bits = all_bits();
    let xh: Vec<f16> = bits.iter().map(|&b| f16::from_bits(b)).collect();
    let yh: Vec<f16> = (0..bits.len()).map(|i| xh[(i + 12_345) % bits.len()]).collect();
    let (xw, yw): (Vec<f32>, Vec<f32>) =
        (xh.iter().map(|v| v.to_f32()).collect(), yh.iter().map(|v| v.to_f32()).collect());
    let n = [bits.len()];
    let (xa, ya) = (Array::from_slice(&xh, &n, &dev).unwrap(), Array::from_slice(&yh, &n, &dev).unwrap());
    let (xwa, ywa) = (Array::from_slice(&xw, &n, &dev).unwrap(), Array::from_slice(&yw, &n, &dev).unwrap());
    let ops: [(&str, BinaryMethod); 4] = [
        ("pow", |a, b| a.pow(b)),
        ("atan2", |a, b| a.atan2(b)),
        ("hypot", |a, b| a.hypot(b)),
        ("logaddexp", |a, b| a.logaddexp(b)),
    ];
    for (name, op) in ops {
        let want: Vec<f32> = op(&xwa, &ywa).unwrap().to_vec().unwrap();
        // float16: widened chunks.
        let got: Vec<f16> = op(&xa, &ya).unwrap().to_vec().unwrap();
        let got: Vec<u16> = got.iter().map(|v| v.to_bits()).collect();
        same_bits(&got, want.iter().map(|w| f16::from_f32(*w).to_bits()));
        // float32, the second operand a reversed view of a reversed copy: strided rows.
        let y_rev: Vec<f32> = yw.iter().rev().copied().collect();
        let y_view = Array::from_slice(&y_rev, &n, &dev).unwrap().flip(Some(&[0])).unwrap();
        let got: Vec<f32> = op(&xwa, &y_view).unwrap().to_vec().unwrap();
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g.to_bits(), w.to_bits(), "{name} strided, element {i}");
        }
        // float32 against a broadcast value: a zero-stride operand.
        let value = Array::from_slice(&[1.75f32], &[1], &dev).unwrap();
        let filled = Array::from_slice(&vec![1.75f32; bits.len()], &n, &dev).unwrap();
        let got: Vec<f32> = op(&xwa, &value).unwrap().to_vec().unwrap();
        let want: Vec<f32> = op(&xwa, &filled).unwrap().to_vec().unwrap();
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g.to_bits(), w.to_bits(), "{name} against a broadcast value, element {i}");
        }
    }
}
