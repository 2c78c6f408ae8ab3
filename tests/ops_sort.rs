//! `sort` and `argsort` on every device against a host reference (a stable sort with NumPy's
//! comparison: NaNs last, `-0.0 == +0.0`), over every dtype, lengths around the warp, block
//! and tile sizes, patterns (random, sorted, reversed, all equal, many duplicates, NaN/±inf/-0.0,
//! integer extremes), every axis of strided and flipped views, many rows, and on the CPU a row
//! of 2^20 + 1 elements (the parallel radix sort), signed zeros and NaNs included. Stability is checked explicitly. On CUDA the
//! results must also equal the CPU backend's bit for bit.

mod common;

use devarray::half::{bf16, f16};
use devarray::{Array, AxisSlice, DType, Device, Element, Result, Side};
use std::cmp::Ordering;

/// A test element: conversion from a pattern value and NumPy's comparison.
trait Val: Element + Copy {
    fn from_f64(v: f64) -> Self;
    /// NumPy's order: numbers by value (`-0.0 == +0.0`), every NaN after every number.
    fn cmp_np(&self, other: &Self) -> Ordering;
}

macro_rules! int_val {
    ($($t:ty),*) => {$(
        impl Val for $t {
            fn from_f64(v: f64) -> Self { v as $t }
            fn cmp_np(&self, other: &Self) -> Ordering { self.cmp(other) }
        }
    )*};
}
int_val!(u8, u16, u32, u64, i8, i16, i32, i64);

impl Val for bool {
    fn from_f64(v: f64) -> Self {
        v != 0.0 && !v.is_nan()
    }
    fn cmp_np(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
}

fn cmp_float(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(&b).unwrap(),
    }
}

macro_rules! float_val {
    ($($t:ty => $from:expr, $to:expr);*) => {$(
        impl Val for $t {
            fn from_f64(v: f64) -> Self { $from(v) }
            fn cmp_np(&self, other: &Self) -> Ordering { cmp_float($to(*self), $to(*other)) }
        }
    )*};
}
float_val!(f32 => |v| v as f32, |x: f32| x as f64; f64 => |v| v, |x: f64| x;
           f16 => f16::from_f64, |x: f16| x.to_f64(); bf16 => bf16::from_f64, |x: bf16| x.to_f64());

/// Pattern values (before conversion to the dtype).
fn pattern(kind: &str, len: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    let mut rnd = move || {
        s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (s >> 33) as f64 / (1u64 << 31) as f64
    };
    let specials = [f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, 1e300, -1e300, 3.0, -3.0];
    (0..len)
        .map(|i| match kind {
            "random" => (rnd() - 0.5) * 200.0,
            "sorted" => i as f64 - (len / 2) as f64,
            "reversed" => (len / 2) as f64 - i as f64,
            "equal" => 7.0,
            "dups" => (rnd() * 3.0).floor(),
            "specials" => specials[(rnd() * specials.len() as f64) as usize % specials.len()],
            _ => unreachable!("pattern {kind}"),
        })
        .collect()
}

const PATTERNS: [&str; 6] = ["random", "sorted", "reversed", "equal", "dups", "specials"];

/// The reference: stable sorted order of each row of a `(rows, len)` host array.
fn reference<T: Val>(data: &[T], len: usize, descending: bool) -> Vec<i64> {
    let mut out = Vec::with_capacity(data.len());
    for row in data.chunks(len.max(1)) {
        let mut idx: Vec<i64> = (0..row.len() as i64).collect();
        idx.sort_by(|&a, &b| {
            let o = row[a as usize].cmp_np(&row[b as usize]);
            if descending {
                o.reverse()
            } else {
                o
            }
        });
        out.extend(idx);
    }
    out
}

fn bits<T: Element>(v: &[T]) -> Vec<u8> {
    v.iter().flat_map(|x| bytemuck::bytes_of(&x.to_repr()).to_vec()).collect()
}

/// Sorts and argsorts `host` (shape `(rows, len)`) along its last axis on `dev` and checks both
/// against the reference; returns the two results for cross-device comparison.
fn check_rows<T: Val>(host: &[T], rows: usize, len: usize, dev: &Device, what: &str) -> Result<Vec<u8>> {
    let x = Array::from_slice(host, &[rows, len], dev)?;
    let mut all = Vec::new();
    for descending in [false, true] {
        let want = reference(host, len, descending);
        let idx = x.argsort(-1, descending, true)?.to_vec::<i64>()?;
        assert_eq!(idx, want, "{what} {:?} argsort descending={descending}", T::DTYPE);
        let vals = x.sort(-1, descending, true)?.to_vec::<T>()?;
        let want_vals: Vec<T> =
            want.iter().enumerate().map(|(i, &j)| host[(i / len.max(1)) * len + j as usize]).collect();
        assert_eq!(bits(&vals), bits(&want_vals), "{what} {:?} sort descending={descending}", T::DTYPE);
        all.extend(bits(&vals));
        all.extend(bits(&idx));
    }
    Ok(all)
}

fn lengths_and_patterns<T: Val>(dev: &Device, lengths: &[usize]) -> Result<()> {
    for &len in lengths {
        for (p, kind) in PATTERNS.iter().enumerate() {
            let host: Vec<T> = pattern(kind, len, (len * 7 + p) as u64).into_iter().map(T::from_f64).collect();
            let got = check_rows(&host, 1, len, dev, &format!("len {len} {kind}"))?;
            if *dev != Device::Cpu {
                let cpu = check_rows(&host, 1, len, &Device::Cpu, "cpu")?;
                assert_eq!(got, cpu, "len {len} {kind} {:?}: CUDA and CPU differ", T::DTYPE);
            }
        }
    }
    Ok(())
}

macro_rules! for_every_dtype {
    ($f:ident, $($arg:expr),*) => {{
        $f::<bool>($($arg),*)?;
        $f::<u8>($($arg),*)?;
        $f::<u16>($($arg),*)?;
        $f::<u32>($($arg),*)?;
        $f::<u64>($($arg),*)?;
        $f::<i8>($($arg),*)?;
        $f::<i16>($($arg),*)?;
        $f::<i32>($($arg),*)?;
        $f::<i64>($($arg),*)?;
        $f::<f16>($($arg),*)?;
        $f::<bf16>($($arg),*)?;
        $f::<f32>($($arg),*)?;
        $f::<f64>($($arg),*)?;
    }};
}

fn every_dtype_length_and_pattern(dev: &Device) -> Result<()> {
    for_every_dtype!(lengths_and_patterns, dev, &[0, 1, 2, 31, 32, 33, 255, 256, 257]);
    Ok(())
}

fn tile_boundaries(dev: &Device) -> Result<()> {
    let lengths = [2047, 2048, 2049, 4095, 4096, 4097];
    lengths_and_patterns::<f32>(dev, &lengths)?;
    lengths_and_patterns::<i64>(dev, &lengths)?;
    lengths_and_patterns::<f16>(dev, &[4097])?;
    lengths_and_patterns::<u8>(dev, &[4097])
}

fn integer_extremes(dev: &Device) -> Result<()> {
    let x = [i64::MAX, i64::MIN, 0, -1, 1, i64::MIN + 1, i64::MAX - 1, i64::MIN];
    check_rows(&x, 1, x.len(), dev, "i64 extremes")?;
    let u = [u64::MAX, 0, 1, u64::MAX - 1, 1 << 63, (1 << 63) - 1];
    check_rows(&u, 1, u.len(), dev, "u64 extremes")?;
    let b = [i8::MIN, i8::MAX, 0, -1, i8::MIN];
    check_rows(&b, 1, b.len(), dev, "i8 extremes")?;
    Ok(())
}

/// Equal keys keep their order: signed zeros, NaNs of different payloads and duplicates.
fn stability(dev: &Device) -> Result<()> {
    let nan2 = f32::from_bits(0x7fc0_0001);
    let x = [0.0f32, f32::NAN, -0.0, 1.0, -f32::NAN, 0.0, nan2, 1.0, -0.0];
    let a = Array::from_slice(&x, &[9], dev)?;
    assert_eq!(a.argsort(0, false, true)?.to_vec::<i64>()?, vec![0, 2, 5, 8, 3, 7, 1, 4, 6]);
    assert_eq!(a.argsort(0, true, true)?.to_vec::<i64>()?, vec![1, 4, 6, 3, 7, 0, 2, 5, 8]);
    let s: Vec<u32> = a.sort(0, false, true)?.to_vec::<f32>()?.iter().map(|v| v.to_bits()).collect();
    let want: Vec<u32> = [0, 2, 5, 8, 3, 7, 1, 4, 6].iter().map(|&i| x[i].to_bits()).collect();
    assert_eq!(s, want, "signed zeros and NaN payloads in their original order");
    // Many duplicates over a long row: indices of equal values increase.
    let host: Vec<i32> = (0..5000i32).map(|i| i * 7919 % 13).collect();
    let idx = Array::from_slice(&host, &[5000], dev)?.argsort(0, false, true)?.to_vec::<i64>()?;
    for w in idx.windows(2) {
        let (a, b) = (w[0] as usize, w[1] as usize);
        assert!(host[a] < host[b] || (host[a] == host[b] && a < b), "unstable at {a}, {b}");
    }
    Ok(())
}

/// Every axis of a 3-D array, of contiguous, transposed, flipped and sliced views.
fn axes_and_layouts(dev: &Device) -> Result<()> {
    let shape = [4usize, 5, 6];
    let host: Vec<f32> =
        pattern("specials", 120, 3).into_iter().zip(pattern("dups", 120, 4)).map(|(a, b)| (a + b) as f32).collect();
    let base = Array::from_slice(&host, &shape, dev)?;
    let views = [
        base.clone(),
        base.permute_dims(&[2, 0, 1])?,
        base.flip(Some(&[1]))?,
        base.slice(&[AxisSlice::FULL, AxisSlice::range(None, None, -2), AxisSlice::range(1, None, 2)])?,
    ];
    for (v, view) in views.iter().enumerate() {
        for axis in 0..3isize {
            for descending in [false, true] {
                // Reference: move the axis last on the host copy of the view.
                let moved = view.swapaxes(axis, -1)?;
                let rows_host = moved.to_vec::<f32>()?;
                let len = *moved.shape().last().unwrap();
                let want = reference(&rows_host, len, descending);
                let got = view.argsort(axis, descending, true)?.swapaxes(axis, -1)?.to_vec::<i64>()?;
                assert_eq!(got, want, "view {v} axis {axis} descending {descending}");
                let sorted = view.sort(axis, descending, true)?.swapaxes(axis, -1)?.to_vec::<f32>()?;
                let want_vals: Vec<f32> =
                    want.iter().enumerate().map(|(i, &j)| rows_host[(i / len) * len + j as usize]).collect();
                assert_eq!(bits(&sorted), bits(&want_vals), "view {v} axis {axis} sort");
            }
        }
    }
    Ok(())
}

/// Many short rows. On CUDA rows of at most 4096 are sorted in shared tiles of 4096 slots, each
/// row padded to a power of two: these shapes fill one tile, several (5000 rows of 2: 2048 per
/// tile; 1500 of 7: 512 per tile; 5 of 3000 or 4096: one per tile), and end on a part-full one.
/// Longer rows take the radix passes, whose row number takes one, then two digit passes.
fn many_rows(dev: &Device) -> Result<()> {
    let shapes = [(300, 5), (257, 3), (70, 33), (1000, 1), (5000, 2), (1500, 7), (5, 3000), (3, 4096), (300, 4097)];
    for (rows, len) in shapes {
        let host: Vec<i16> = pattern("random", rows * len, rows as u64).into_iter().map(|v| v as i16).collect();
        check_rows(&host, rows, len, dev, &format!("{rows} rows of {len}"))?;
        let hf: Vec<bf16> = pattern("specials", rows * len, len as u64).into_iter().map(bf16::from_f64).collect();
        check_rows(&hf, rows, len, dev, &format!("{rows} rows of {len} bf16"))?;
    }
    Ok(())
}

fn empty_and_scalar(dev: &Device) -> Result<()> {
    let e = Array::zeros(&[3, 0, 2], DType::F32, dev)?;
    assert_eq!(e.sort(1, false, true)?.shape(), &[3, 0, 2]);
    assert_eq!(e.argsort(-1, false, true)?.dtype(), DType::I64);
    let s = Array::full(&[], 1.0, DType::F32, dev)?;
    assert!(s.sort(-1, false, true).is_err(), "a 0-d array has no axis");
    assert!(Array::zeros(&[2], DType::F32, dev)?.sort(1, false, true).is_err());
    Ok(())
}

/// `searchsorted` of `values` in the sorted `a`, against `partition_point` with NumPy's order.
fn search_one<T: Val>(dev: &Device, len: usize, queries: usize) -> Result<()> {
    let mut a: Vec<T> = pattern("specials", len, len as u64).into_iter().map(T::from_f64).collect();
    a.sort_by(|x, y| x.cmp_np(y));
    let v: Vec<T> =
        pattern("specials", queries, 99).into_iter().chain(pattern("dups", 6, 1)).map(T::from_f64).collect();
    let (da, dv) = (Array::from_slice(&a, &[len], dev)?, Array::from_slice(&v, &[2, v.len() / 2], dev)?);
    for side in [Side::Left, Side::Right] {
        let got = da.searchsorted(&dv, side, None)?;
        assert_eq!(got.shape(), dv.shape());
        let want: Vec<i64> = v
            .iter()
            .map(|q| {
                a.partition_point(|x| match side {
                    Side::Left => x.cmp_np(q) == Ordering::Less,
                    Side::Right => x.cmp_np(q) != Ordering::Greater,
                }) as i64
            })
            .collect();
        assert_eq!(got.to_vec::<i64>()?, want, "{:?} len {len} {side:?}", T::DTYPE);
    }
    Ok(())
}

fn searchsorted_every_dtype(dev: &Device) -> Result<()> {
    for len in [0, 1, 7, 300] {
        for_every_dtype!(search_one, dev, len, 40);
    }
    Ok(())
}

fn searchsorted_sorter_and_promotion(dev: &Device) -> Result<()> {
    let a = Array::from_slice(&[30i32, 10, 20, 10], &[4], dev)?;
    let sorter = a.argsort(0, false, true)?;
    let q = Array::from_slice(&[10.5f64, 10.0, 35.0, -1.0], &[4], dev)?;
    assert_eq!(a.searchsorted(&q, Side::Left, Some(&sorter))?.to_vec::<i64>()?, vec![2, 0, 4, 0]);
    assert_eq!(a.searchsorted(&q, Side::Right, Some(&sorter))?.to_vec::<i64>()?, vec![2, 2, 4, 0]);
    let scalar = Array::full(&[], 20, DType::I32, dev)?;
    let s = a.searchsorted(&scalar, Side::Right, Some(&sorter))?;
    assert_eq!((s.shape().len(), s.to_vec::<i64>()?), (0, vec![3]));
    let zeros = Array::from_slice(&[-0.0f32, 0.0], &[2], dev)?;
    let z = Array::from_slice(&[0.0f32, -0.0], &[2], dev)?;
    assert_eq!(zeros.searchsorted(&z, Side::Left, None)?.to_vec::<i64>()?, vec![0, 0], "-0.0 == +0.0");
    assert_eq!(zeros.searchsorted(&z, Side::Right, None)?.to_vec::<i64>()?, vec![2, 2]);
    assert!(a.reshape(&[2, 2])?.searchsorted(&q, Side::Left, None).is_err(), "a must be 1-D");
    assert!(a.searchsorted(&q, Side::Left, Some(&q)).is_err(), "sorter must be integer");
    Ok(())
}

/// `unique` against a host reference: runs of equal values in the stable sorted order (NaNs
/// equal to each other only with `equal_nan`).
fn unique_one<T: Val>(dev: &Device, kind: &str, len: usize) -> Result<()> {
    let host: Vec<T> = pattern(kind, len, len as u64 + 5).into_iter().map(T::from_f64).collect();
    let x = Array::from_slice(&host, &[len], dev)?;
    for equal_nan in [false, true] {
        let order = reference(&host, len, false);
        let same = |a: &T, b: &T| a.cmp_np(b) == Ordering::Equal && (equal_nan || !is_nan(a));
        let mut starts: Vec<usize> = Vec::new();
        for i in 0..order.len() {
            if i == 0 || !same(&host[order[i] as usize], &host[order[i - 1] as usize]) {
                starts.push(i);
            }
        }
        let values: Vec<T> = starts.iter().map(|&s| host[order[s] as usize]).collect();
        let first: Vec<i64> = starts.iter().map(|&s| order[s]).collect();
        let ends: Vec<usize> = starts.iter().skip(1).copied().chain([order.len()]).collect();
        let counts: Vec<i64> = starts.iter().zip(&ends).map(|(s, e)| (e - s) as i64).collect();
        let mut inverse = vec![0i64; len];
        for (g, (&s, &e)) in starts.iter().zip(&ends).enumerate() {
            order[s..e].iter().for_each(|&j| inverse[j as usize] = g as i64);
        }
        let u = x.unique(equal_nan)?;
        let what = format!("{:?} {kind} len {len} equal_nan {equal_nan}", T::DTYPE);
        assert_eq!(bits(&u.values.to_vec::<T>()?), bits(&values), "{what} values");
        assert_eq!(u.indices.to_vec::<i64>()?, first, "{what} indices");
        assert_eq!(u.counts.to_vec::<i64>()?, counts, "{what} counts");
        assert_eq!(u.inverse_indices.to_vec::<i64>()?, inverse, "{what} inverse");
        if !equal_nan {
            // The values/counts path sorts values instead of gathering through an argsort.
            let (v, c) = x.unique_counts()?;
            assert_eq!(bits(&v.to_vec::<T>()?), bits(&values), "{what} unique_counts values");
            assert_eq!(c.to_vec::<i64>()?, counts, "{what} unique_counts counts");
            assert_eq!(bits(&x.unique_values()?.to_vec::<T>()?), bits(&values), "{what} unique_values");
        }
    }
    Ok(())
}

#[allow(clippy::eq_op)] // the NaN test
fn is_nan<T: Val>(a: &T) -> bool {
    // NaN is the only value that is not equal to itself under `==`.
    a != a
}

fn unique_every_dtype(dev: &Device) -> Result<()> {
    for kind in ["dups", "specials", "random"] {
        for len in [0, 1, 33, 300] {
            for_every_dtype!(unique_one, dev, kind, len);
        }
    }
    let x = Array::from_slice(&[2i8, 1, 2, 1, 1, 0], &[2, 3], dev)?;
    let (v, inv) = x.unique_inverse()?;
    assert_eq!((v.to_vec::<i8>()?, inv.shape().to_vec()), (vec![0, 1, 2], vec![2, 3]));
    assert_eq!(inv.to_vec::<i64>()?, vec![2, 1, 2, 1, 1, 0]);
    let (v, c) = x.unique_counts()?;
    assert_eq!((v.to_vec::<i8>()?, c.to_vec::<i64>()?), (vec![0, 1, 2], vec![1, 3, 2]));
    let nan = Array::from_slice(&[f32::NAN, -0.0, 0.0, f32::NAN], &[4], dev)?;
    assert_eq!(nan.unique_values()?.numel(), 3, "each NaN distinct, -0.0 == +0.0");
    let z = Array::zeros(&[0, 3], DType::U16, dev)?;
    let u = z.unique_all()?;
    assert_eq!((u.values.shape(), u.inverse_indices.shape()), (&[0usize][..], &[0usize, 3][..]));
    Ok(())
}

test_on_devices!(
    unique_every_dtype,
    searchsorted_every_dtype,
    searchsorted_sorter_and_promotion,
    every_dtype_length_and_pattern,
    tile_boundaries,
    integer_extremes,
    stability,
    axes_and_layouts,
    many_rows,
    empty_and_scalar
);

/// One long row on the CPU: the parallel radix sort.
#[test]
fn long_rows_on_the_cpu() -> Result<()> {
    let len = (1 << 20) + 1;
    let host: Vec<f32> = pattern("random", len, 11).into_iter().map(|v| v as f32).collect();
    check_rows(&host, 1, len, &Device::Cpu, "2^20 + 1 f32")?;
    let ints: Vec<i64> = pattern("random", len, 12).into_iter().map(|v| (v * 1e15) as i64).collect();
    check_rows(&ints, 1, len, &Device::Cpu, "2^20 + 1 i64")?;
    // Signed zeros, NaNs of both signs and infinities among the values: their blocks are
    // refilled in input order by the value sort, which must match the stable argsort bit for bit.
    let sp: Vec<f32> = pattern("specials", len, 14).into_iter().map(|v| v as f32).collect();
    check_rows(&sp, 1, len, &Device::Cpu, "2^20 + 1 f32 specials")?;
    let sp: Vec<f64> = pattern("specials", len, 15)
        .into_iter()
        .zip(pattern("random", len, 16))
        .map(|(s, r)| if r > 0.0 { s } else { r })
        .collect();
    check_rows(&sp, 1, len, &Device::Cpu, "2^20 + 1 f64 specials and random")?;
    let two: Vec<u16> = pattern("dups", 2 * len, 13).into_iter().map(|v| v as u16).collect();
    check_rows(&two, 2, len, &Device::Cpu, "2 x (2^20 + 1) u16")?;
    Ok(())
}
