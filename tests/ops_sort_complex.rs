//! Sorting complex arrays in NumPy's lexicographic order on every device, against a host
//! reference: `sort`/`argsort` (ascending and descending, stable), along either axis of a
//! matrix, at lengths around the sort's block boundaries, with every combination of special
//! parts (NaN, ±inf, ±0), and `unique_*` built on them (NaNs distinct, or one with
//! `equal_nan`).

mod common;

use devarray::num_complex::Complex64;
use devarray::{Array, DType, Device, Result};
use std::cmp::Ordering;

/// NumPy's order of one part: NaNs after everything and equal to each other, `-0.0 == +0.0`.
fn cmp_part(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(&b).expect("not NaN"),
    }
}

/// NumPy's complex order: `[R + Rj, R + nanj, nan + Rj, nan + nanj]`, each group ordered by its
/// non-NaN parts (real part first).
fn cmp_complex(a: &Complex64, b: &Complex64) -> Ordering {
    let class = |z: &Complex64| 2 * u8::from(z.re.is_nan()) + u8::from(z.im.is_nan());
    class(a).cmp(&class(b)).then(cmp_part(a.re, b.re)).then(cmp_part(a.im, b.im))
}

/// The stable sorting permutation; descending reverses the order and keeps ties in place.
fn reference(v: &[Complex64], descending: bool) -> Vec<i64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&i, &j| {
        let o = cmp_complex(&v[i], &v[j]);
        if descending {
            o.reverse()
        } else {
            o
        }
    });
    idx.into_iter().map(|i| i as i64).collect()
}

/// Values drawn from special parts, small integers (many ties) and signed zeros.
fn values(len: usize, seed: u64) -> Vec<Complex64> {
    const PARTS: [f64; 9] = [f64::NAN, f64::NEG_INFINITY, -1.0, -0.0, 0.0, 1.0, 2.5, f64::INFINITY, -f64::NAN];
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    (0..len).map(|_| Complex64::new(PARTS[(next() % 9) as usize], PARTS[(next() % 9) as usize])).collect()
}

fn to_host(a: &Array) -> Result<Vec<Complex64>> {
    a.to_device(&Device::Cpu)?.astype(DType::C128)?.to_vec::<Complex64>()
}

fn same_bits(a: &[Complex64], b: &[Complex64]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| x.re.to_bits() == y.re.to_bits() && x.im.to_bits() == y.im.to_bits())
}

fn sort_one(dev: &Device, dtype: DType, len: usize, seed: u64) -> Result<()> {
    let host = values(len, seed);
    let x = Array::from_slice(&host, &[len], &Device::Cpu)?.astype(dtype)?.to_device(dev)?;
    // The reference sorts the values as stored (complex64 rounds nothing here: the parts are exact).
    let stored = to_host(&x)?;
    for descending in [false, true] {
        let want = reference(&stored, descending);
        let got = x.argsort(0, descending, true)?.to_device(&Device::Cpu)?.to_vec::<i64>()?;
        assert_eq!(got, want, "argsort {dtype} len {len} descending {descending}");
        let sorted = to_host(&x.sort(0, descending, true)?)?;
        let expect: Vec<Complex64> = want.iter().map(|&i| stored[i as usize]).collect();
        assert!(same_bits(&sorted, &expect), "sort {dtype} len {len} descending {descending}");
    }
    Ok(())
}

fn lengths_and_specials(dev: &Device) -> Result<()> {
    for dtype in [DType::C64, DType::C128] {
        for (i, len) in [0usize, 1, 2, 31, 32, 33, 257, 4095, 4097].into_iter().enumerate() {
            sort_one(dev, dtype, len, 17 + i as u64)?;
        }
    }
    Ok(())
}

fn along_either_axis(dev: &Device) -> Result<()> {
    let (rows, cols) = (7, 12);
    let host = values(rows * cols, 5);
    let x = Array::from_slice(&host, &[rows, cols], &Device::Cpu)?.to_device(dev)?;
    let got = x.argsort(0, false, true)?.to_device(&Device::Cpu)?.to_vec::<i64>()?;
    for c in 0..cols {
        let column: Vec<Complex64> = (0..rows).map(|r| host[r * cols + c]).collect();
        let want = reference(&column, false);
        let col_got: Vec<i64> = (0..rows).map(|r| got[r * cols + c]).collect();
        assert_eq!(col_got, want, "column {c}");
    }
    let rows_sorted = to_host(&x.sort(-1, false, true)?)?;
    for r in 0..rows {
        let row = &host[r * cols..(r + 1) * cols];
        let want: Vec<Complex64> = reference(row, false).iter().map(|&i| row[i as usize]).collect();
        assert!(same_bits(&rows_sorted[r * cols..(r + 1) * cols], &want), "row {r}");
    }
    Ok(())
}

fn unique_of_complex(dev: &Device) -> Result<()> {
    let host = values(300, 9);
    let x = Array::from_slice(&host, &[300], &Device::Cpu)?.to_device(dev)?;
    let order = reference(&host, false);
    let sorted: Vec<Complex64> = order.iter().map(|&i| host[i as usize]).collect();
    let nan = |z: &Complex64| z.re.is_nan() || z.im.is_nan();
    for equal_nan in [false, true] {
        // Run starts: a value differs from the previous one (NaNs always differ, unless equal_nan).
        let mut want = Vec::new();
        for (k, z) in sorted.iter().enumerate() {
            let starts = k == 0 || {
                let p = &sorted[k - 1];
                if nan(z) || nan(p) {
                    !(equal_nan && nan(z) && nan(p))
                } else {
                    z != p
                }
            };
            if starts {
                want.push(*z);
            }
        }
        let u = x.unique(equal_nan)?;
        let values = to_host(&u.values)?;
        assert!(same_bits(&values, &want), "unique values (equal_nan {equal_nan})");
        let counts = u.counts.to_device(&Device::Cpu)?.to_vec::<i64>()?;
        assert_eq!(counts.iter().sum::<i64>(), 300);
        let inverse = u.inverse_indices.to_device(&Device::Cpu)?.to_vec::<i64>()?;
        for (i, &k) in inverse.iter().enumerate() {
            let (a, b) = (values[k as usize], host[i]);
            assert!(a == b || (nan(&a) && nan(&b)), "inverse index of element {i}");
        }
    }
    Ok(())
}

test_on_devices!(lengths_and_specials, along_either_axis, unique_of_complex);
