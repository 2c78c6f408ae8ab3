//! Manipulation functions (`roll`, `repeat`, `repeat_each`, `tile`, `tril`, `triu`, `pad`) and
//! the `nextafter` op on every device: against expectations computed here by index arithmetic
//! on the host copy of the input (so every dtype is checked by the same rule), over 0-d, empty
//! and size-1 arrays, negative and oversized shifts, views with negative strides and
//! transposes, and the errors. `nextafter` is also checked bit by bit at its special cases for
//! every float dtype (the NumPy oracle in `ops_binary` covers the bulk).

mod common;

use devarray::half::{bf16, f16};
use devarray::{Array, DType, Device, PadMode, Result, Scalar};

/// Small values that every dtype holds exactly (bool: alternating).
fn data(shape: &[usize], dtype: DType, dev: &Device) -> Result<Array> {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n)
        .map(|i| {
            let r = ((i * 7 + 3) % 11) as f64;
            if dtype == DType::Bool {
                (i % 3 == 1) as u8 as f64
            } else {
                r + 1.0
            }
        })
        .collect();
    Array::from_slice(&v, shape, &Device::Cpu)?.astype(dtype)?.to_device(dev)
}

/// The layouts a test input comes in: contiguous, reversed on every axis (negative strides)
/// and, from two dimensions, transposed (the shape is that of the view).
fn views(shape: &[usize], dtype: DType, dev: &Device) -> Result<Vec<Array>> {
    let mut out = vec![data(shape, dtype, dev)?, data(shape, dtype, dev)?.flip(None)?];
    if shape.len() >= 2 {
        let mut rev = shape.to_vec();
        rev.reverse();
        out.push(data(&rev, dtype, dev)?.transpose());
    }
    Ok(out)
}

/// The elements as f64, in C order (the explicit host copy).
fn host(a: &Array) -> Result<Vec<f64>> {
    a.astype(DType::F64)?.to_vec::<f64>()
}

/// The C-order multi-index of flat position `p` in `shape`.
fn unravel(mut p: usize, shape: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; shape.len()];
    for d in (0..shape.len()).rev() {
        idx[d] = p % shape[d];
        p /= shape[d];
    }
    idx
}

/// The flat C-order position of `idx` in `shape`.
fn ravel(idx: &[usize], shape: &[usize]) -> usize {
    idx.iter().zip(shape).fold(0, |acc, (&i, &n)| acc * n + i)
}

/// `out[p] = x[src(idx(p))]`, or `fill(idx)` where `src` gives `None`.
fn reference(
    x: &[f64],
    shape: &[usize],
    out_shape: &[usize],
    src: impl Fn(&[usize]) -> Option<Vec<usize>>,
    fill: impl Fn(&[usize]) -> f64,
) -> Vec<f64> {
    let n: usize = out_shape.iter().product();
    (0..n)
        .map(|p| {
            let idx = unravel(p, out_shape);
            match src(&idx) {
                Some(s) => x[ravel(&s, shape)],
                None => fill(&idx),
            }
        })
        .collect()
}

fn check(what: &str, got: &Array, shape: &[usize], expected: &[f64]) -> Result<()> {
    assert_eq!(got.shape(), shape, "{what}: shape");
    assert_eq!(host(got)?, expected, "{what}");
    Ok(())
}

fn expect_err(what: &str, r: Result<Array>, kind: &str) {
    match r {
        Err(e) => assert_eq!(e.kind(), kind, "{what}: {e}"),
        Ok(a) => panic!("{what}: expected {kind}, got an array {a:?}"),
    }
}

/// (shape, shifts, axes).
type RollCase = (&'static [usize], &'static [isize], Option<&'static [isize]>);
/// (shape, pad widths).
type PadCase = (&'static [usize], &'static [(usize, usize)]);

fn roll_matches_the_reference(dev: &Device) -> Result<()> {
    let cases: &[RollCase] = &[
        (&[], &[3], None),
        (&[0], &[2], None),
        (&[0, 3], &[1], Some(&[1])),
        (&[1], &[-7], Some(&[0])),
        (&[5], &[2], None),
        (&[5], &[-2], Some(&[0])),
        (&[5], &[12], Some(&[-1])),
        (&[5], &[-13], None),
        (&[3, 4], &[1], None),
        (&[3, 4], &[-5], None),
        (&[3, 4], &[1], Some(&[1])),
        (&[3, 4], &[2, -1], Some(&[0, 1])),
        (&[3, 4], &[3], Some(&[0, 1])),
        (&[3, 4], &[1, 2], Some(&[1, 1])),
        (&[3, 4], &[1, -1], Some(&[0, 0])),
        (&[2, 3, 4], &[1, 5, -6], Some(&[0, 1, 2])),
        (&[2, 3, 4], &[-1], Some(&[-2])),
    ];
    for dtype in DType::ALL {
        for &(shape, shifts, axes) in cases {
            for x in views(shape, dtype, dev)? {
                let xs = host(&x)?;
                // The total shift of each axis, then out[i] = x[(i - s) mod n].
                let mut total = vec![0isize; shape.len().max(1)];
                let flat_shape = [x.numel()];
                let ref_shape: &[usize] = if axes.is_none() { &flat_shape } else { shape };
                match axes {
                    None => total[0] = shifts.iter().sum(),
                    Some(ax) => {
                        for i in 0..shifts.len().max(ax.len()) {
                            let a = ax[i.min(ax.len() - 1)];
                            let a = if a < 0 { a + shape.len() as isize } else { a } as usize;
                            total[a] += shifts[i.min(shifts.len() - 1)];
                        }
                    }
                }
                let expected = reference(
                    &xs,
                    ref_shape,
                    ref_shape,
                    |idx| {
                        Some(
                            idx.iter()
                                .zip(ref_shape)
                                .zip(&total)
                                .map(|((&i, &n), &s)| (i as isize - s).rem_euclid(n as isize) as usize)
                                .collect(),
                        )
                    },
                    |_| 0.0,
                );
                let got = x.roll(shifts, axes)?;
                check(
                    &format!("roll {dtype} {shape:?} {shifts:?} {axes:?} strides {:?}", x.strides()),
                    &got,
                    shape,
                    &expected,
                )?;
            }
        }
    }
    let x = data(&[3, 4], DType::F32, dev)?;
    expect_err("roll axis", x.roll(&[1], Some(&[2])), "AxisOutOfRange");
    expect_err("roll 0-d axis", data(&[], DType::F32, dev)?.roll(&[1], Some(&[0])), "AxisOutOfRange");
    expect_err("roll broadcast", x.roll(&[1, 2, 3], Some(&[0, 1])), "InvalidArgument");
    expect_err("roll empty shifts", x.roll(&[], Some(&[0])), "InvalidArgument");
    // A new array, never an alias.
    let r = x.roll(&[0], None)?;
    r.assign(&Array::zeros(&[], DType::F32, dev)?)?;
    assert_eq!(host(&x)?, host(&data(&[3, 4], DType::F32, dev)?)?);
    Ok(())
}

fn repeat_matches_the_reference(dev: &Device) -> Result<()> {
    for dtype in [DType::Bool, DType::U8, DType::I64, DType::F16, DType::BF16, DType::F64] {
        for shape in [&[][..], &[0], &[1], &[4], &[2, 3], &[0, 3], &[2, 1, 3]] {
            for x in views(shape, dtype, dev)? {
                let xs = host(&x)?;
                for r in [0usize, 1, 3] {
                    let axes: Vec<Option<isize>> = std::iter::once(None)
                        .chain((0..shape.len() as isize).map(Some))
                        .chain(shape.first().map(|_| Some(-1)))
                        .collect();
                    for axis in axes {
                        let got = x.repeat(r, axis)?;
                        let (src_shape, a) = match axis {
                            None => (vec![x.numel()], 0),
                            Some(a) => (shape.to_vec(), a.rem_euclid(shape.len() as isize) as usize),
                        };
                        let mut out_shape = src_shape.clone();
                        out_shape[a] *= r;
                        let expected = reference(
                            &xs,
                            &src_shape,
                            &out_shape,
                            |idx| {
                                let mut s = idx.to_vec();
                                s[a] /= r;
                                Some(s)
                            },
                            |_| 0.0,
                        );
                        check(&format!("repeat {dtype} {shape:?} x{r} {axis:?}"), &got, &out_shape, &expected)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn repeat_each_matches_the_reference(dev: &Device) -> Result<()> {
    let counts_of = |v: &[i64], dtype: DType| -> Result<Array> {
        Array::from_slice(v, &[v.len()], &Device::Cpu)?.astype(dtype)?.to_device(dev)
    };
    for dtype in [DType::Bool, DType::I8, DType::U32, DType::F16, DType::F32] {
        for x in views(&[3, 4], dtype, dev)? {
            let xs = host(&x)?;
            for (axis, counts) in
                [(0usize, vec![2i64, 0, 3]), (1, vec![0, 1, 4, 2]), (1, vec![0, 0, 0, 0]), (0, vec![5])]
            {
                for cdtype in [DType::I64, DType::U8, DType::I32] {
                    let c = counts_of(&counts, cdtype)?;
                    let got = x.repeat_each(&c, Some(axis as isize))?;
                    let n = x.shape()[axis];
                    let per: Vec<usize> =
                        (0..n).map(|i| counts[if counts.len() == 1 { 0 } else { i }] as usize).collect();
                    let source: Vec<usize> =
                        per.iter().enumerate().flat_map(|(i, &k)| std::iter::repeat_n(i, k)).collect();
                    let mut out_shape = x.shape().to_vec();
                    out_shape[axis] = source.len();
                    let expected = reference(
                        &xs,
                        x.shape(),
                        &out_shape,
                        |idx| {
                            let mut s = idx.to_vec();
                            s[axis] = source[idx[axis]];
                            Some(s)
                        },
                        |_| 0.0,
                    );
                    check(
                        &format!("repeat_each {dtype} axis {axis} {counts:?} as {cdtype}"),
                        &got,
                        &out_shape,
                        &expected,
                    )?;
                }
            }
            // Flattened, with a 0-d count and with bool counts.
            let got = x.repeat_each(&Array::full(&[], 2, DType::I16, dev)?, None)?;
            let expected: Vec<f64> = xs.iter().flat_map(|&v| [v, v]).collect();
            check("repeat_each flat", &got, &[24], &expected)?;
            let mask: Vec<bool> = (0..12).map(|i| i % 5 == 0).collect();
            let got = x.repeat_each(&Array::from_slice(&mask, &[12], &Device::Cpu)?.to_device(dev)?, None)?;
            let expected: Vec<f64> = xs.iter().zip(&mask).filter(|(_, &m)| m).map(|(&v, _)| v).collect();
            check("repeat_each bool counts", &got, &[expected.len()], &expected)?;
        }
    }
    // Long counts: the searched running sum crosses the scan's tiles.
    let x = Array::arange(0.0, 5000.0, 1.0, DType::I32, dev)?;
    let counts: Vec<i64> = (0..5000).map(|i| (i % 4) as i64).collect();
    let got = x.repeat_each(&counts_of(&counts, DType::I64)?, Some(0))?;
    let expected: Vec<f64> = (0..5000).flat_map(|i| std::iter::repeat_n(i as f64, i % 4)).collect();
    check("repeat_each long", &got, &[expected.len()], &expected)?;
    // Empty axes and 0-d inputs.
    let e = data(&[0, 3], DType::F32, dev)?;
    check("repeat_each empty", &e.repeat_each(&counts_of(&[], DType::I64)?, Some(0))?, &[0, 3], &[])?;
    check("repeat_each empty one count", &e.repeat_each(&counts_of(&[4], DType::I64)?, Some(0))?, &[0, 3], &[])?;
    let s = data(&[], DType::I32, dev)?;
    check("repeat_each 0-d", &s.repeat_each(&counts_of(&[3], DType::I64)?, None)?, &[3], &[4.0, 4.0, 4.0])?;
    // Errors.
    let x = data(&[3], DType::F32, dev)?;
    expect_err("negative", x.repeat_each(&counts_of(&[1, -1, 2], DType::I64)?, None), "InvalidArgument");
    expect_err("wrong length", x.repeat_each(&counts_of(&[1, 2], DType::I64)?, None), "InvalidArgument");
    expect_err(
        "2-d counts",
        x.repeat_each(&counts_of(&[1, 2, 3], DType::I64)?.reshape(&[1, 3])?, None),
        "InvalidArgument",
    );
    expect_err("float counts", x.repeat_each(&counts_of(&[1, 2, 3], DType::F32)?, None), "UnsupportedDType");
    expect_err("axis", x.repeat_each(&counts_of(&[1], DType::I64)?, Some(1)), "AxisOutOfRange");
    expect_err("overflow", x.repeat(usize::MAX, None), "InvalidArgument");
    Ok(())
}

fn tile_matches_the_reference(dev: &Device) -> Result<()> {
    let cases: &[(&[usize], &[usize])] = &[
        (&[], &[]),
        (&[], &[3]),
        (&[], &[2, 2]),
        (&[3], &[2]),
        (&[3], &[0]),
        (&[3], &[2, 2]),
        (&[0], &[4]),
        (&[2, 3], &[2]),
        (&[2, 3], &[2, 1]),
        (&[2, 3], &[1, 3, 2]),
        (&[2, 1, 3], &[2, 3, 1]),
    ];
    for dtype in [DType::Bool, DType::I16, DType::U64, DType::BF16, DType::F32] {
        for &(shape, reps) in cases {
            for x in views(shape, dtype, dev)? {
                let xs = host(&x)?;
                let d = shape.len().max(reps.len());
                let dims: Vec<usize> = std::iter::repeat_n(1, d - shape.len()).chain(shape.iter().copied()).collect();
                let rs: Vec<usize> = std::iter::repeat_n(1, d - reps.len()).chain(reps.iter().copied()).collect();
                let out_shape: Vec<usize> = dims.iter().zip(&rs).map(|(n, r)| n * r).collect();
                let expected = reference(
                    &xs,
                    &dims,
                    &out_shape,
                    |idx| Some(idx.iter().zip(&dims).map(|(&i, &n)| i % n).collect()),
                    |_| 0.0,
                );
                check(&format!("tile {dtype} {shape:?} {reps:?}"), &x.tile(reps)?, &out_shape, &expected)?;
            }
        }
    }
    expect_err("overflow", data(&[3], DType::F32, dev)?.tile(&[usize::MAX]), "InvalidArgument");
    Ok(())
}

fn tril_triu_match_the_reference(dev: &Device) -> Result<()> {
    for dtype in DType::ALL {
        for shape in [&[3, 4][..], &[4, 3], &[2, 3, 4], &[0, 3], &[3, 0], &[1, 1], &[2, 0, 2]] {
            for x in views(shape, dtype, dev)? {
                let xs = host(&x)?;
                let nd = shape.len();
                for k in [-5i64, -1, 0, 1, 2, 7, i64::MIN, i64::MAX] {
                    for lower in [true, false] {
                        let got = if lower { x.tril(k)? } else { x.triu(k)? };
                        let keep = |idx: &[usize]| {
                            let d = idx[nd - 1] as i128 - idx[nd - 2] as i128;
                            if lower {
                                d <= k as i128
                            } else {
                                d >= k as i128
                            }
                        };
                        let expected = reference(&xs, shape, shape, |idx| keep(idx).then(|| idx.to_vec()), |_| 0.0);
                        assert_eq!(got.dtype(), dtype);
                        check(
                            &format!("{} {dtype} {shape:?} k={k}", if lower { "tril" } else { "triu" }),
                            &got,
                            shape,
                            &expected,
                        )?;
                    }
                }
            }
        }
    }
    expect_err("tril 1-d", data(&[3], DType::F32, dev)?.tril(0), "InvalidArgument");
    expect_err("triu 0-d", data(&[], DType::F32, dev)?.triu(0), "InvalidArgument");
    Ok(())
}

/// The NumPy reflect index of position `i - before` on an axis of `n`.
fn reflect(i: isize, n: usize) -> usize {
    if n == 1 {
        return 0;
    }
    let period = 2 * (n as isize - 1);
    let q = i.rem_euclid(period);
    (if q < n as isize { q } else { period - q }) as usize
}

fn pad_matches_the_reference(dev: &Device) -> Result<()> {
    let cases: &[PadCase] = &[
        (&[3], &[(2, 1)]),
        (&[3], &[(0, 0)]),
        (&[3], &[(7, 5)]),
        (&[1], &[(3, 2)]),
        (&[2, 3], &[(1, 2)]),
        (&[2, 3], &[(0, 1), (3, 0)]),
        (&[2, 3], &[(5, 4), (4, 6)]),
        (&[2, 1, 3], &[(1, 1), (0, 2), (2, 0)]),
        (&[0, 3], &[(0, 0), (1, 1)]),
    ];
    for dtype in [DType::Bool, DType::I8, DType::U16, DType::I64, DType::F16, DType::BF16, DType::F32, DType::F64] {
        for &(shape, widths) in cases {
            for x in views(shape, dtype, dev)? {
                let xs = host(&x)?;
                let nd = shape.len();
                let w: Vec<(usize, usize)> = (0..nd).map(|d| widths[d.min(widths.len() - 1)]).collect();
                let out_shape: Vec<usize> = shape.iter().zip(&w).map(|(n, (b, a))| n + b + a).collect();
                let what = format!("pad {dtype} {shape:?} {widths:?} strides {:?}", x.strides());
                // Constant: per-axis values, later axes win at the corners (NumPy's order).
                let values: Vec<(Scalar, Scalar)> =
                    (0..nd).map(|d| (Scalar::Int(2 * d as i64 + 1), Scalar::Int(2 * d as i64 + 2))).collect();
                let as_dtype = |v: i64| if dtype == DType::Bool { (v != 0) as u8 as f64 } else { v as f64 };
                let inside = |idx: &[usize]| {
                    idx.iter()
                        .zip(&w)
                        .zip(shape)
                        .all(|((&i, &(b, _)), &n)| i >= b && i < b + n)
                        .then(|| idx.iter().zip(&w).map(|(&i, &(b, _))| i - b).collect::<Vec<_>>())
                };
                let fill = |idx: &[usize]| {
                    let mut v = 0;
                    for d in 0..nd {
                        if idx[d] < w[d].0 {
                            v = 2 * d as i64 + 1;
                        } else if idx[d] >= w[d].0 + shape[d] {
                            v = 2 * d as i64 + 2;
                        }
                    }
                    as_dtype(v)
                };
                let expected = reference(&xs, shape, &out_shape, inside, fill);
                check(&format!("{what} constant"), &x.pad(widths, &PadMode::Constant(values))?, &out_shape, &expected)?;
                let expected = reference(&xs, shape, &out_shape, inside, |_| as_dtype(7));
                check(&format!("{what} constant 7"), &x.pad(widths, &PadMode::constant(7))?, &out_shape, &expected)?;
                if x.numel() == 0 && w.iter().zip(shape).any(|(&(b, a), &n)| n == 0 && b + a > 0) {
                    continue;
                }
                let edge = |idx: &[usize]| {
                    Some(
                        idx.iter()
                            .zip(&w)
                            .zip(shape)
                            .map(|((&i, &(b, _)), &n)| (i as isize - b as isize).clamp(0, n as isize - 1) as usize)
                            .collect(),
                    )
                };
                check(
                    &format!("{what} edge"),
                    &x.pad(widths, &PadMode::Edge)?,
                    &out_shape,
                    &reference(&xs, shape, &out_shape, edge, |_| 0.0),
                )?;
                let refl = |idx: &[usize]| {
                    Some(
                        idx.iter()
                            .zip(&w)
                            .zip(shape)
                            .map(|((&i, &(b, _)), &n)| reflect(i as isize - b as isize, n))
                            .collect(),
                    )
                };
                check(
                    &format!("{what} reflect"),
                    &x.pad(widths, &PadMode::Reflect)?,
                    &out_shape,
                    &reference(&xs, shape, &out_shape, refl, |_| 0.0),
                )?;
            }
        }
    }
    // NumPy's reflect of [1, 2, 3] by 5: [2 1 2 3 2 1 2 3 2 1 2 3 2].
    let x = Array::from_slice(&[1i32, 2, 3], &[3], &Device::Cpu)?.to_device(dev)?;
    check(
        "reflect 5",
        &x.pad(&[(5, 5)], &PadMode::Reflect)?,
        &[13],
        &[2., 1., 2., 3., 2., 1., 2., 3., 2., 1., 2., 3., 2.],
    )?;
    // Constants cast to the dtype as NumPy does (2.7 into an integer array is 2).
    check("cast constant", &x.pad(&[(1, 0)], &PadMode::constant(2.7))?, &[4], &[2., 1., 2., 3.])?;
    // 0-d: copied whatever the widths.
    check("0-d", &data(&[], DType::F32, dev)?.pad(&[(2, 2)], &PadMode::Edge)?, &[], &[4.0])?;
    // Errors.
    let e = data(&[0, 2], DType::F32, dev)?;
    expect_err("edge of an empty axis", e.pad(&[(1, 0), (0, 0)], &PadMode::Edge), "InvalidArgument");
    expect_err("reflect of an empty axis", e.pad(&[(0, 1), (0, 0)], &PadMode::Reflect), "InvalidArgument");
    check("constant of an empty axis", &e.pad(&[(1, 0), (0, 0)], &PadMode::constant(3))?, &[1, 2], &[3.0, 3.0])?;
    let x = data(&[2, 2], DType::F32, dev)?;
    expect_err("widths", x.pad(&[(1, 1), (1, 1), (1, 1)], &PadMode::Edge), "InvalidArgument");
    expect_err("no widths", x.pad(&[], &PadMode::Edge), "InvalidArgument");
    expect_err("values", x.pad(&[(1, 1)], &PadMode::Constant(vec![])), "InvalidArgument");
    Ok(())
}

/// `nextafter` at its special cases, bit for bit, for one float dtype given as bit patterns:
/// (x, toward, expected) triples.
fn next_bits<T: devarray::Element + Copy>(
    dev: &Device,
    cases: &[(T, T, T)],
    bits: impl Fn(T) -> u64,
    is_nan: impl Fn(T) -> bool,
) -> Result<()> {
    let xs: Vec<T> = cases.iter().map(|c| c.0).collect();
    let ys: Vec<T> = cases.iter().map(|c| c.1).collect();
    let x = Array::from_slice(&xs, &[xs.len()], &Device::Cpu)?.to_device(dev)?;
    let y = Array::from_slice(&ys, &[ys.len()], &Device::Cpu)?.to_device(dev)?;
    // Through a negative-stride view of both too.
    for (a, b, rev) in [(x.clone(), y.clone(), false), (x.flip(None)?, y.flip(None)?, true)] {
        let mut got = a.nextafter(&b)?.to_vec::<T>()?;
        if rev {
            got.reverse();
        }
        for (g, c) in got.iter().zip(cases) {
            let ok = if is_nan(c.2) { is_nan(*g) } else { bits(*g) == bits(c.2) };
            assert!(ok, "nextafter({:#x}, {:#x}) = {:#x}, expected {:#x}", bits(c.0), bits(c.1), bits(*g), bits(c.2));
        }
    }
    Ok(())
}

fn nextafter_special_cases(dev: &Device) -> Result<()> {
    let (inf, nan, max, tiny) = (f32::INFINITY, f32::NAN, f32::MAX, f32::from_bits(1));
    next_bits(
        dev,
        &[
            (1.0, 2.0, f32::from_bits(0x3f80_0001)),
            (1.0, 0.0, f32::from_bits(0x3f7f_ffff)),
            (-1.0, -2.0, f32::from_bits(0xbf80_0001)),
            (-1.0, 0.0, f32::from_bits(0xbf7f_ffff)),
            (0.0, 1.0, tiny),
            (0.0, -1.0, -tiny),
            (-0.0, 1.0, tiny),
            (0.0, -0.0, -0.0),
            (-0.0, 0.0, 0.0),
            (tiny, 0.0, 0.0),
            (-tiny, 1.0, -0.0),
            (max, inf, inf),
            (inf, 0.0, max),
            (-inf, 0.0, -max),
            (inf, inf, inf),
            (2.5, 2.5, 2.5),
            (nan, 1.0, nan),
            (1.0, nan, nan),
        ],
        |v| v.to_bits() as u64,
        f32::is_nan,
    )?;
    next_bits(
        dev,
        &[
            (1.0, 2.0, 1.0 + f64::EPSILON),
            (0.0, -1.0, -f64::from_bits(1)),
            (0.0, -0.0, -0.0),
            (f64::MAX, f64::INFINITY, f64::INFINITY),
            (f64::NEG_INFINITY, 0.0, f64::MIN),
            (f64::NAN, f64::NAN, f64::NAN),
        ],
        f64::to_bits,
        f64::is_nan,
    )?;
    let h = f16::from_f32;
    next_bits(
        dev,
        &[
            (h(1.0), h(2.0), f16::from_bits(0x3c01)),
            (h(1.0), h(0.0), f16::from_bits(0x3bff)),
            (h(0.0), h(-1.0), f16::from_bits(0x8001)),
            // Ties give the second operand, as C and NumPy >= 2.5 (NumPy < 2.5's float16 loop
            // kept the first: nextafter(0, -0) was +0).
            (h(0.0), h(-0.0), h(-0.0)),
            (h(-0.0), h(0.0), h(0.0)),
            (f16::MAX, f16::INFINITY, f16::INFINITY),
            (f16::INFINITY, h(0.0), f16::MAX),
            (f16::NAN, h(1.0), f16::NAN),
        ],
        |v| v.to_bits() as u64,
        |v| v.is_nan(),
    )?;
    let b = bf16::from_f32;
    next_bits(
        dev,
        &[
            (b(1.0), b(2.0), bf16::from_bits(0x3f81)),
            (b(1.0), b(-1.0), bf16::from_bits(0x3f7f)),
            (b(0.0), b(1.0), bf16::from_bits(0x0001)),
            (b(0.0), b(-0.0), b(-0.0)),
            (bf16::MAX, bf16::INFINITY, bf16::INFINITY),
            (b(1.0), bf16::NAN, bf16::NAN),
        ],
        |v| v.to_bits() as u64,
        |v| v.is_nan(),
    )?;
    // Integers become their float type (int8 -> float16), as the other float functions.
    let i = Array::from_slice(&[1i8, -3], &[2], &Device::Cpu)?.to_device(dev)?;
    let r = i.nextafter(0)?;
    assert_eq!(r.dtype(), DType::F16);
    assert_eq!(r.to_vec::<f16>()?, vec![f16::from_bits(0x3bff), f16::from_bits(0xc1ff)]);
    // Weak scalars take the array's dtype; 0-d and empty operands.
    let x = Array::full(&[], 1.0, DType::BF16, dev)?;
    assert_eq!(x.nextafter(f64::INFINITY)?.to_vec::<bf16>()?, vec![bf16::from_bits(0x3f81)]);
    assert_eq!(Array::zeros(&[0, 3], DType::F32, dev)?.nextafter(1.0)?.shape(), &[0, 3]);
    Ok(())
}

/// Pad widths no memory holds are typed errors for every mode (edge and reflect build a host
/// index per padded position; that buffer's failed allocation used to abort the process), and
/// widths whose sum overflows are refused.
fn pad_beyond_memory_is_an_error(dev: &Device) -> Result<()> {
    let x = Array::from_slice(&[1.0f32, 2.0, 3.0], &[3], dev)?;
    for mode in [PadMode::Edge, PadMode::Reflect, PadMode::constant(0)] {
        let huge = x.pad(&[(1 << 58, 0)], &mode);
        assert!(matches!(huge, Err(devarray::Error::OutOfMemory { .. })), "{mode:?}: {huge:?}");
        let overflowing = x.pad(&[(usize::MAX, 1)], &mode);
        assert!(overflowing.is_err(), "{mode:?}");
    }
    let edge = x.pad(&[(usize::MAX / 2, usize::MAX / 2)], &PadMode::Edge);
    assert!(matches!(edge, Err(devarray::Error::InvalidArgument { .. })), "{edge:?}");
    Ok(())
}

test_on_devices!(
    roll_matches_the_reference,
    repeat_matches_the_reference,
    repeat_each_matches_the_reference,
    tile_matches_the_reference,
    tril_triu_match_the_reference,
    pad_matches_the_reference,
    pad_beyond_memory_is_an_error,
    nextafter_special_cases,
);
