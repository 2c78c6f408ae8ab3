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
        same_bits(&got, x.iter().zip(&y).map(|(a, b)| f16::from_f32(a.to_f32() + b.to_f32()).to_bits()));
    }
    let rev = xa.flip(Some(&[0])).unwrap();
    let got: Vec<f16> = xa.multiply(&rev).unwrap().to_vec().unwrap();
    let got: Vec<u16> = got.iter().map(|v| v.to_bits()).collect();
    same_bits(&got, x.iter().zip(x.iter().rev()).map(|(a, b)| f16::from_f32(a.to_f32() * b.to_f32()).to_bits()));
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
        same_bits(&got, x.iter().zip(&y).map(|(a, b)| bf16::from_f32(a.to_f32() + b.to_f32()).to_bits()));
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
