//! `devarray::random::Generator`: known answers (Philox4x32-10 against Random123's published
//! vectors, through the public API), the counter mapping, argument checks, and the
//! cross-device contract: the CUDA device (the emulator in CI) produces bit-identical values to
//! the CPU backend for the same seed and calls, for every distribution and dtype, at sizes that
//! are not multiples of the values per block and over sequences of odd-length draws.

mod common;

use devarray::random::Generator;
use devarray::{Array, DType, Device, Error, Result};

const FLOATS: [DType; 4] = [DType::F16, DType::BF16, DType::F32, DType::F64];
const INTS: [DType; 9] =
    [DType::Bool, DType::U8, DType::U16, DType::U32, DType::U64, DType::I8, DType::I16, DType::I32, DType::I64];

/// The raw bits of every element, zero-extended, in C order.
fn bits(a: &Array) -> Result<Vec<u64>> {
    let a = a.to_device(&Device::Cpu)?;
    Ok(match a.dtype() {
        DType::Bool => a.to_vec::<bool>()?.into_iter().map(u64::from).collect(),
        DType::U8 => a.to_vec::<u8>()?.into_iter().map(u64::from).collect(),
        DType::U16 => a.to_vec::<u16>()?.into_iter().map(u64::from).collect(),
        DType::U32 => a.to_vec::<u32>()?.into_iter().map(u64::from).collect(),
        DType::U64 => a.to_vec::<u64>()?,
        DType::I8 => a.to_vec::<i8>()?.into_iter().map(|v| v as u8 as u64).collect(),
        DType::I16 => a.to_vec::<i16>()?.into_iter().map(|v| v as u16 as u64).collect(),
        DType::I32 => a.to_vec::<i32>()?.into_iter().map(|v| v as u32 as u64).collect(),
        DType::I64 => a.to_vec::<i64>()?.into_iter().map(|v| v as u64).collect(),
        DType::F16 => a.to_vec::<half::f16>()?.into_iter().map(|v| u64::from(v.to_bits())).collect(),
        DType::BF16 => a.to_vec::<half::bf16>()?.into_iter().map(|v| u64::from(v.to_bits())).collect(),
        DType::F32 => a.to_vec::<f32>()?.into_iter().map(|v| u64::from(v.to_bits())).collect(),
        DType::F64 => a.to_vec::<f64>()?.into_iter().map(f64::to_bits).collect(),
        DType::C64 | DType::C128 => unimplemented!("no random draw produces complex values"),
    })
}

/// One call of a fixed sequence: draw number `step` of `shape` in `dtype` on `dev`.
type Draw = fn(&mut Generator, usize, &[usize], DType, &Device) -> Result<Array>;

fn draws() -> Vec<(&'static str, &'static [DType], Draw)> {
    vec![
        ("random", &FLOATS, |g, _, s, d, dev| g.random(s, d, dev)),
        ("uniform", &FLOATS, |g, i, s, d, dev| g.uniform(-3.0 + i as f64, 5.5, s, d, dev)),
        ("standard_normal", &FLOATS, |g, _, s, d, dev| g.standard_normal(s, d, dev)),
        ("normal", &FLOATS, |g, i, s, d, dev| g.normal(1.5, 0.25 * (i + 1) as f64, s, d, dev)),
        ("exponential", &FLOATS, |g, i, s, d, dev| g.exponential(0.5 + i as f64, s, d, dev)),
        ("integers small", &INTS, |g, i, s, d, dev| g.integers(0, 1 + (i as i128 % 2), s, d, i % 2 == 0, dev)),
        ("integers full", &INTS, |g, _, s, d, dev| {
            let (lo, hi) = full_range(d);
            g.integers(lo, hi, s, d, true, dev)
        }),
        ("integers odd span", &INTS[1..], |g, i, s, d, dev| {
            let (lo, hi) = full_range(d);
            g.integers(lo + i as i128, hi / 3 + 1, s, d, false, dev)
        }),
        ("bernoulli", &[DType::Bool], |g, i, s, _, dev| g.bernoulli(0.1 * (i + 1) as f64, s, dev)),
        ("gamma", &FLOATS, |g, i, s, d, dev| g.gamma([0.3, 2.5, 1.0, 40.0][i % 4], 1.5, s, d, dev)),
        ("beta", &FLOATS, |g, i, s, d, dev| g.beta([0.5, 2.0][i % 2], [3.0, 0.2][i % 2], s, d, dev)),
        ("binomial", &[DType::I64], |g, i, s, _, dev| {
            let (n, p) = [(0, 0.5), (10, 0.3), (1000, 0.5), (100, 0.97), (5, 1.0), (1 << 40, 0.2), (50, 0.001)][i % 7];
            g.binomial(n, p, s, dev)
        }),
        ("poisson", &[DType::I64], |g, i, s, _, dev| g.poisson([0.0, 3.5, 10.0, 1e4, 0.01, 1e12, 9.99][i % 7], s, dev)),
    ]
}

fn full_range(d: DType) -> (i128, i128) {
    match d {
        DType::Bool => (0, 1),
        DType::U8 => (0, 255),
        DType::U16 => (0, 65_535),
        DType::U32 => (0, u32::MAX.into()),
        DType::U64 => (0, u64::MAX.into()),
        DType::I8 => (-128, 127),
        DType::I16 => (-32_768, 32_767),
        DType::I32 => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN.into(), i64::MAX.into()),
    }
}

/// Sizes around the values per block (1, 2, 4) and the kernel's block of 256 threads.
const SIZES: [&[usize]; 7] = [&[0], &[], &[1], &[3], &[2, 5], &[1023], &[257, 5]];

fn same_calls_give_same_bits_on(dev: &Device) -> Result<()> {
    for (name, dtypes, draw) in draws() {
        for &dtype in dtypes {
            let (mut a, mut b) = (Generator::new(0x1234_5678_9abc), Generator::new(0x1234_5678_9abc));
            for (i, shape) in SIZES.iter().enumerate() {
                let on_cpu = draw(&mut a, i, shape, dtype, &Device::Cpu)?;
                let on_dev = draw(&mut b, i, shape, dtype, dev)?;
                assert_eq!(on_dev.shape(), *shape);
                assert_eq!(on_dev.device(), *dev);
                assert_eq!(bits(&on_dev)?, bits(&on_cpu)?, "{name} {dtype} call {i} shape {shape:?} on {dev}");
                assert_eq!(a.offset(), b.offset());
            }
        }
    }
    Ok(())
}

fn spawned_streams_agree_on(dev: &Device) -> Result<()> {
    let mut kids = Generator::new(99).spawn(3)?;
    let mut again = Generator::new(99).spawn(3)?;
    for (k, g) in kids.iter_mut().zip(again.iter_mut()) {
        let x = k.standard_normal(&[37], DType::F64, dev)?;
        assert_eq!(bits(&x)?, bits(&g.standard_normal(&[37], DType::F64, &Device::Cpu)?)?);
    }
    Ok(())
}

fn values_lie_in_their_ranges_on(dev: &Device) -> Result<()> {
    let mut g = Generator::new(5);
    for dtype in FLOATS {
        let u = g.random(&[4099], dtype, dev)?.astype(DType::F64)?.to_vec::<f64>()?;
        assert!(u.iter().all(|&v| (0.0..1.0).contains(&v)), "{dtype}");
        let e = g.exponential(1.0, &[4099], dtype, dev)?.astype(DType::F64)?.to_vec::<f64>()?;
        assert!(e.iter().all(|&v| v >= 0.0 && v.is_finite()), "{dtype}");
        let z = g.standard_normal(&[4099], dtype, dev)?.astype(DType::F64)?.to_vec::<f64>()?;
        assert!(z.iter().all(|&v| v.abs() < 10.0), "{dtype}");
        let gm = g.gamma(0.5, 2.0, &[4099], dtype, dev)?.astype(DType::F64)?.to_vec::<f64>()?;
        assert!(gm.iter().all(|&v| v >= 0.0 && v.is_finite()), "{dtype}");
        let b = g.beta(0.5, 0.5, &[4099], dtype, dev)?.astype(DType::F64)?.to_vec::<f64>()?;
        assert!(b.iter().all(|&v| (0.0..=1.0).contains(&v)), "{dtype}");
    }
    let d = g.integers(-3, 3, &[5000], DType::I8, true, dev)?.to_vec::<i8>()?;
    assert!(d.iter().all(|v| (-3..=3).contains(v)));
    for v in -3..=3 {
        let count = d.iter().filter(|&&x| x == v).count();
        assert!((550..880).contains(&count), "{v}: {count} of 5000"); // expected 714, sd 25
    }
    // Binomial and Poisson on both sides of their method switch: in range, mean within 5 sd.
    for (n, p) in [(12i64, 0.25), (1000, 0.3), (40, 0.9), (7, 0.999)] {
        let x = g.binomial(n, p, &[20_000], dev)?.to_vec::<i64>()?;
        assert!(x.iter().all(|k| (0..=n).contains(k)), "binomial({n}, {p})");
        let mean = x.iter().sum::<i64>() as f64 / 20_000.0;
        let sd = (n as f64 * p * (1.0 - p) / 20_000.0).sqrt();
        assert!((mean - n as f64 * p).abs() < 5.0 * sd, "binomial({n}, {p}): mean {mean}");
    }
    for lam in [0.5, 9.5, 10.0, 250.0] {
        let x = g.poisson(lam, &[20_000], dev)?.to_vec::<i64>()?;
        assert!(x.iter().all(|&k| k >= 0), "poisson({lam})");
        let mean = x.iter().sum::<i64>() as f64 / 20_000.0;
        assert!((mean - lam).abs() < 5.0 * (lam / 20_000.0).sqrt(), "poisson({lam}): mean {mean}");
    }
    let one = g.integers(7, 7, &[10], DType::U16, true, dev)?.to_vec::<u16>()?;
    assert_eq!(one, vec![7; 10]);
    Ok(())
}

/// Asserts that `x` (int64, 1-D) is a permutation of `0..n`.
fn assert_permutation(x: &Array, n: usize) -> Result<()> {
    let mut v = x.to_device(&Device::Cpu)?.to_vec::<i64>()?;
    v.sort_unstable();
    assert_eq!(v, (0..n as i64).collect::<Vec<_>>());
    Ok(())
}

/// One sampling call, made with a generator on a device (the population arrays made there).
type Sample = fn(&mut Generator, &Device) -> Result<Array>;

fn samples() -> Vec<(&'static str, Sample)> {
    fn grid(dev: &Device) -> Result<Array> {
        Array::arange(0.0, 35.0, 1.0, DType::F32, dev)?.reshape(&[7, 5])
    }
    fn weights(dev: &Device) -> Result<Array> {
        let w: Vec<f32> = (0..37).map(|i| if i % 5 == 0 { 0.0 } else { (i % 7 + 1) as f32 }).collect();
        let total: f32 = w.iter().sum();
        Array::from_slice(&w.iter().map(|v| v / total).collect::<Vec<_>>(), &[37], dev)
    }
    vec![
        ("permutation 0", |g, d| g.permutation(0, d)),
        ("permutation 1", |g, d| g.permutation(1, d)),
        ("permutation 3", |g, d| g.permutation(3, d)),
        ("permutation 1023", |g, d| g.permutation(1023, d)),
        ("permutation 5000", |g, d| g.permutation(5000, d)),
        ("permutation_of axis 0", |g, d| g.permutation_of(&grid(d)?, 0)),
        ("permutation_of axis -1", |g, d| g.permutation_of(&grid(d)?, -1)),
        ("permutation_of reversed view", |g, d| {
            let v = grid(d)?.slice(&[devarray::AxisSlice::range(None, None, -2)])?;
            g.permutation_of(&v, 1)
        }),
        ("shuffle", |g, d| {
            let x = grid(d)?;
            g.shuffle(&x, 0)?;
            let t = grid(d)?.permute_dims(&[1, 0])?.contiguous()?;
            g.shuffle(&t.permute_dims(&[1, 0])?, 1)?;
            Array::stack(&[x, t.permute_dims(&[1, 0])?], 0)
        }),
        ("choice replace", |g, d| g.choice(10, &[3, 4], true, None, d)),
        ("choice replace 0-d", |g, d| g.choice(3, &[], true, None, d)),
        ("choice no replace", |g, d| g.choice(1000, &[37], false, None, d)),
        ("choice no replace all", |g, d| g.choice(257, &[257], false, None, d)),
        ("choice p", |g, d| g.choice(37, &[1001], true, Some(&weights(d)?), d)),
        ("choice p no replace", |g, d| g.choice(37, &[4, 6], false, Some(&weights(d)?), d)),
        ("choice_from axis 1", |g, d| g.choice_from(&grid(d)?, &[2, 3], true, None, 1)),
        ("choice_from p", |g, d| {
            let p = Array::from_slice(&[0.1f64, 0.2, 0.0, 0.3, 0.15, 0.05, 0.2], &[7], d)?;
            g.choice_from(&grid(d)?, &[4], false, Some(&p), 0)
        }),
    ]
}

fn sampling_gives_the_same_bits_on(dev: &Device) -> Result<()> {
    let (mut a, mut b) = (Generator::new(0xfeed), Generator::new(0xfeed));
    for (name, sample) in samples() {
        let on_cpu = sample(&mut a, &Device::Cpu)?;
        let on_dev = sample(&mut b, dev)?;
        assert_eq!(on_dev.shape(), on_cpu.shape(), "{name}");
        assert_eq!(on_dev.device(), *dev, "{name}");
        assert_eq!(bits(&on_dev)?, bits(&on_cpu)?, "{name} on {dev}");
        assert_eq!(a.offset(), b.offset(), "{name}");
    }
    Ok(())
}

fn samples_are_permutations_and_distinct_on(dev: &Device) -> Result<()> {
    let mut g = Generator::new(77);
    for n in [0, 1, 2, 255, 256, 4097] {
        assert_permutation(&g.permutation(n, dev)?, n)?;
    }
    let x = Array::arange(0.0, 12.0, 1.0, DType::I64, dev)?.reshape(&[4, 3])?;
    let rows = g.permutation_of(&x, 0)?.to_vec::<i64>()?;
    let mut firsts: Vec<i64> = rows
        .chunks(3)
        .map(|r| {
            assert_eq!((r[1], r[2]), (r[0] + 1, r[0] + 2));
            r[0]
        })
        .collect();
    firsts.sort_unstable();
    assert_eq!(firsts, vec![0, 3, 6, 9]);
    g.shuffle(&x, 1)?;
    for r in x.to_vec::<i64>()?.chunks(3) {
        let mut r = r.to_vec();
        r.sort_unstable();
        assert_eq!(r[2] - r[0], 2);
    }
    for (n, k) in [(10, 10), (1000, 999), (5000, 3)] {
        let mut s = g.choice(n, &[k], false, None, dev)?.to_vec::<i64>()?;
        s.sort_unstable();
        s.dedup();
        assert_eq!(s.len(), k);
        assert!(s.iter().all(|&v| (0..n as i64).contains(&v)));
    }
    let p = Array::from_slice(&[0.5f64, 0.0, 0.25, 0.25, 0.0], &[5], dev)?;
    let mut s = g.choice(5, &[3], false, Some(&p), dev)?.to_vec::<i64>()?;
    s.sort_unstable();
    assert_eq!(s, vec![0, 2, 3], "three non-zero weights, three samples");
    let r = g.choice(5, &[2000], true, Some(&p), dev)?.to_vec::<i64>()?;
    assert!(r.iter().all(|v| [0, 2, 3].contains(v)));
    let zeros = r.iter().filter(|&&v| v == 0).count();
    assert!((850..1150).contains(&zeros), "{zeros} of 2000 at p = 0.5");
    assert_eq!(g.choice(0, &[0], false, None, dev)?.shape(), &[0]);
    Ok(())
}

test_on_devices!(
    same_calls_give_same_bits_on,
    spawned_streams_agree_on,
    values_lie_in_their_ranges_on,
    sampling_gives_the_same_bits_on,
    samples_are_permutations_and_distinct_on
);

#[test]
fn the_first_block_of_seed_zero_is_random123s_known_answer() -> Result<()> {
    // philox4x32 10, counter 0, key 0 -> 6627e8d5 e169c58d bc57ac4c 9b00dbd8 (kat_vectors).
    let kat = [0x6627_e8d5u32, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8];
    // A span of exactly 2^32 values takes word 0 of each block unchanged.
    let w = Generator::new(0).integers(0, u32::MAX.into(), &[1], DType::U32, true, &Device::Cpu)?;
    assert_eq!(w.to_vec::<u32>()?, vec![kat[0]]);
    // float32 uniforms are the top 24 bits of the four words of block 0.
    let u = Generator::new(0).random(&[4], DType::F32, &Device::Cpu)?.to_vec::<f32>()?;
    let want: Vec<f32> = kat.iter().map(|&x| (x >> 8) as f32 / (1u32 << 24) as f32).collect();
    assert_eq!(u, want);
    // float64 pairs words (low, high).
    let d = Generator::new(0).random(&[2], DType::F64, &Device::Cpu)?.to_vec::<f64>()?;
    let pair = |lo: u32, hi: u32| ((u64::from(hi) << 32 | u64::from(lo)) >> 11) as f64 / (1u64 << 53) as f64;
    assert_eq!(d, vec![pair(kat[0], kat[1]), pair(kat[2], kat[3])]);
    // Key all-ones, counter all-ones is out of reach of a draw (word 3 of a draw is 0), but the
    // key is: the full-range u64 draw of block 0 under key (2^32 - 1, 2^32 - 1) is its words 0, 1.
    let g = Generator::from_key([u32::MAX; 2], 0).integers(0, u64::MAX.into(), &[1], DType::U64, true, &Device::Cpu)?;
    assert_eq!(g.to_vec::<u64>()?.len(), 1);
    Ok(())
}

#[test]
fn draws_start_at_whole_blocks_and_advance_the_offset() -> Result<()> {
    let cpu = Device::Cpu;
    let whole = Generator::new(11).random(&[16], DType::F32, &cpu)?.to_vec::<f32>()?;
    let mut g = Generator::new(11);
    let first = g.random(&[5], DType::F32, &cpu)?.to_vec::<f32>()?; // blocks 0, 1
    assert_eq!(g.offset(), 2);
    let second = g.random(&[7], DType::F32, &cpu)?.to_vec::<f32>()?; // blocks 2, 3
    assert_eq!(g.offset(), 4);
    assert_eq!(first, whole[..5]);
    assert_eq!(second, whole[8..15]);
    g.random(&[3], DType::F64, &cpu)?; // 2 per block
    g.integers(0, 10, &[3], DType::I32, false, &cpu)?; // 1 per block
    g.bernoulli(0.5, &[0], &cpu)?;
    assert_eq!(g.offset(), 4 + 2 + 3);
    // Resuming from the saved key and offset continues the stream.
    let mut resumed = Generator::from_key(g.key(), g.offset());
    assert_eq!(
        bits(&resumed.standard_normal(&[9], DType::F32, &cpu)?)?,
        bits(&g.standard_normal(&[9], DType::F32, &cpu)?)?
    );
    Ok(())
}

#[test]
fn adjacent_seeds_and_spawned_streams_differ() -> Result<()> {
    let draw =
        |mut g: Generator| g.integers(0, u64::MAX.into(), &[64], DType::U64, true, &Device::Cpu)?.to_vec::<u64>();
    let (a, b) = (draw(Generator::new(1))?, draw(Generator::new(2))?);
    assert_eq!(a.iter().zip(&b).filter(|(x, y)| x == y).count(), 0);
    let mut parent = Generator::new(1);
    let kids = parent.spawn(2)?;
    let later = parent.spawn(1)?;
    // More children than memory holds: a typed error, not an abort.
    assert!(matches!(parent.clone().spawn(1 << 58), Err(Error::OutOfMemory { .. })));
    let streams = [draw(parent.clone())?, draw(kids[0].clone())?, draw(kids[1].clone())?, draw(later[0].clone())?];
    for i in 0..streams.len() {
        for j in i + 1..streams.len() {
            assert_ne!(streams[i], streams[j], "streams {i} and {j}");
        }
    }
    Ok(())
}

#[test]
fn bad_arguments_are_typed_errors() {
    let (mut g, cpu) = (Generator::new(0), Device::Cpu);
    let invalid = |r: Result<Array>| matches!(r, Err(Error::InvalidArgument { .. }));
    let unsupported = |r: Result<Array>| matches!(r, Err(Error::UnsupportedDType { .. }));
    assert!(unsupported(g.random(&[2], DType::I32, &cpu)));
    assert!(unsupported(g.standard_normal(&[2], DType::Bool, &cpu)));
    assert!(unsupported(g.integers(0, 2, &[2], DType::F32, false, &cpu)));
    assert!(invalid(g.integers(5, 5, &[2], DType::I32, false, &cpu)));
    assert!(invalid(g.integers(6, 5, &[2], DType::I32, true, &cpu)));
    assert!(invalid(g.integers(0, 257, &[2], DType::U8, false, &cpu)));
    assert!(invalid(g.integers(-1, 5, &[2], DType::U8, false, &cpu)));
    assert!(invalid(g.integers(0, 256, &[2], DType::U8, true, &cpu)));
    assert!(invalid(g.uniform(0.0, f64::INFINITY, &[2], DType::F32, &cpu)));
    assert!(invalid(g.uniform(-f64::MAX, f64::MAX, &[2], DType::F32, &cpu)));
    assert!(invalid(g.normal(0.0, -1.0, &[2], DType::F32, &cpu)));
    assert!(invalid(g.normal(f64::NAN, 1.0, &[2], DType::F32, &cpu)));
    assert!(invalid(g.exponential(f64::NAN, &[2], DType::F32, &cpu)));
    assert!(invalid(g.bernoulli(1.5, &[2], &cpu)));
    assert!(invalid(g.gamma(-1.0, 1.0, &[2], DType::F32, &cpu)));
    assert!(invalid(g.gamma(1.0, f64::INFINITY, &[2], DType::F32, &cpu)));
    assert!(invalid(g.beta(0.0, 1.0, &[2], DType::F32, &cpu)));
    assert!(unsupported(g.beta(1.0, 1.0, &[2], DType::I64, &cpu)));
    assert!(invalid(g.binomial(-1, 0.5, &[2], &cpu)));
    assert!(invalid(g.binomial(5, 1.5, &[2], &cpu)));
    assert!(invalid(g.binomial(5, f64::NAN, &[2], &cpu)));
    assert!(invalid(g.poisson(-1.0, &[2], &cpu)));
    assert!(invalid(g.poisson(f64::NAN, &[2], &cpu)));
    assert!(invalid(g.poisson(1e19, &[2], &cpu)));
    assert!(matches!(g.random(&[usize::MAX, 2], DType::F32, &cpu), Err(Error::SizeOverflow { .. })));
    assert_eq!(g.offset(), 0, "a refused draw consumes nothing");
    let p = |v: &[f64]| Array::from_slice(v, &[v.len()], &cpu).unwrap();
    assert!(invalid(g.choice(0, &[1], true, None, &cpu)));
    assert!(invalid(g.choice(3, &[4], false, None, &cpu)));
    assert!(invalid(g.choice(3, &[2], true, Some(&p(&[0.5, 0.5])), &cpu)), "length");
    assert!(invalid(g.choice(2, &[2], true, Some(&p(&[1.5, -0.5])), &cpu)), "negative");
    assert!(invalid(g.choice(2, &[2], true, Some(&p(&[f64::NAN, 1.0])), &cpu)), "NaN");
    assert!(invalid(g.choice(2, &[2], true, Some(&p(&[0.5, 0.6])), &cpu)), "sum");
    assert!(invalid(g.choice(3, &[2], false, Some(&p(&[1.0, 0.0, 0.0])), &cpu)), "non-zero");
    assert!(invalid(g.choice(2, &[1], true, Some(&p(&[0.5, 0.5]).reshape(&[1, 2]).unwrap()), &cpu)));
    let bools = Array::from_slice(&[true, false], &[2], &cpu).unwrap();
    assert!(unsupported(g.choice(2, &[1], true, Some(&bools), &cpu)));
    let scalar = Array::full(&[], 1.0, DType::F32, &cpu).unwrap();
    assert!(matches!(g.permutation_of(&scalar, 0), Err(Error::AxisOutOfRange { .. })));
    assert!(matches!(g.choice_from(&scalar, &[1], true, None, 0), Err(Error::AxisOutOfRange { .. })));
    let row = Array::zeros(&[1, 3], DType::F32, &cpu).unwrap();
    assert!(matches!(g.shuffle(&row.broadcast_to(&[2, 3]).unwrap(), 0), Err(Error::ReadOnly { .. })));
    assert!(matches!(g.shuffle(&row, 2), Err(Error::AxisOutOfRange { .. })));
    // Within tolerance is accepted (float64: 1.5e-8).
    assert!(g.choice(2, &[1], true, Some(&p(&[0.5, 0.5 + 1e-9])), &cpu).is_ok());
    assert_eq!(g.offset(), 1, "only the accepted choice drew");
    // A full-width range is valid.
    assert!(g.integers(0, 256, &[2], DType::U8, false, &cpu).is_ok());
}
