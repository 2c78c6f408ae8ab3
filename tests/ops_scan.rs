//! Scans (`cumulative_sum`, `cumulative_prod`, `cumsum`, `cumprod`) on every device: against a
//! sequential reference written here (NumPy's order), and the CUDA device (the emulator in CI)
//! against the CPU backend, over every dtype, every axis, views, the kernels' tile and chunk
//! boundaries, NaN/±inf/-0.0 and integer wraparound.

mod common;
mod ops_support;

use devarray::num_complex::Complex64;
use devarray::{Array, AxisSlice, DType, DTypeKind, Device, IndexItem, Result, ScanOp};
use ops_support::{compare_arrays, expect_error, report, Tolerance};

/// Lengths around the CUDA kernels' tile (2048 elements, 8 per thread, 256 threads) and chunk
/// (8192) boundaries and the CPU's pieces (32768), plus one long row (the three-phase path).
const LENGTHS: [usize; 13] = [0, 1, 31, 32, 33, 255, 256, 257, 2047, 2049, 4095, 4096, 4097];
const LONG: usize = (1 << 20) + 1;

/// Small integer-valued data (also exact in float16), varied and with negatives; complex data
/// is that times `1 + 2j` (exact).
fn data(n: usize, dtype: DType, dev: &Device) -> Result<Array> {
    if dtype.is_complex() {
        return data(n, DType::F64, dev)?.multiply(Complex64::new(1.0, 2.0))?.astype(dtype);
    }
    let v: Vec<f64> = (0..n)
        .map(|i| {
            let r = ((i as u64 * 7919) % 13) as f64;
            match dtype {
                DType::Bool => f64::from(r as u64 % 3 == 0),
                d if d.kind() == DTypeKind::UnsignedInt => r,
                _ => r - 6.0,
            }
        })
        .collect();
    Array::from_slice(&v, &[n], &Device::Cpu)?.astype(dtype)?.to_device(dev)
}

/// Data for products: ±1 with some 2s and 3s for integers (which then wrap), ±1, 2 and 0.5 for
/// floats (products stay exact and finite), the float data times `1j` for complex (products
/// turn by quarter turns, still exact), mostly true for bool.
fn prod_data(n: usize, dtype: DType, dev: &Device) -> Result<Array> {
    if dtype.is_complex() {
        return prod_data(n, DType::F64, dev)?.multiply(Complex64::new(0.0, 1.0))?.astype(dtype);
    }
    const INTS: [f64; 13] = [1.0, -1.0, 2.0, 1.0, 1.0, -1.0, 3.0, 1.0, 1.0, 1.0, -1.0, 1.0, 2.0];
    const FLOATS: [f64; 13] = [1.0, -1.0, 2.0, 1.0, 0.5, -1.0, 1.0, 0.5, 1.0, 2.0, -1.0, 1.0, 1.0];
    let v: Vec<f64> = (0..n)
        .map(|i| {
            let k = (i * 31) % 13;
            match dtype {
                DType::Bool => f64::from(i % 97 != 50),
                d if d.is_float() => FLOATS[k],
                d if d.kind() == DTypeKind::UnsignedInt => INTS[k].abs(),
                _ => INTS[k],
            }
        })
        .collect();
    Array::from_slice(&v, &[n], &Device::Cpu)?.astype(dtype)?.to_device(dev)
}

/// The sequential scan of a 1-D host array in NumPy's order, in `out`'s arithmetic: wrapping
/// i64/u64 for integers and bool (the default result dtypes), f64 for floats, complex128 for
/// complex (as `(re, im)` pairs, the layout of [`values`]).
fn reference(x: &Array, op: ScanOp, out: DType) -> Result<Vec<f64>> {
    let x = x.to_device(&Device::Cpu)?;
    let prod = op == ScanOp::Prod;
    Ok(match out {
        DType::C64 | DType::C128 => {
            let v = x.astype(DType::C128)?.to_vec::<Complex64>()?;
            let mut acc = Complex64::new(if prod { 1.0 } else { 0.0 }, 0.0);
            v.iter()
                .flat_map(|&e| {
                    acc = if prod { acc * e } else { acc + e };
                    [acc.re, acc.im]
                })
                .collect()
        }
        DType::U64 => {
            let v = x.astype(DType::U64)?.to_vec::<u64>()?;
            let mut acc = u64::from(prod);
            v.iter()
                .map(|&e| {
                    acc = if prod { acc.wrapping_mul(e) } else { acc.wrapping_add(e) };
                    acc as f64
                })
                .collect()
        }
        DType::I64 => {
            let v = x.astype(DType::I64)?.to_vec::<i64>()?;
            let mut acc = i64::from(prod);
            v.iter()
                .map(|&e| {
                    acc = if prod { acc.wrapping_mul(e) } else { acc.wrapping_add(e) };
                    acc as f64
                })
                .collect()
        }
        _ => {
            let v = x.astype(DType::F64)?.to_vec::<f64>()?;
            let mut acc = if prod { 1.0 } else { 0.0 };
            v.iter()
                .map(|&e| {
                    acc = if prod { acc * e } else { acc + e };
                    acc
                })
                .collect()
        }
    })
}

/// The elements as `f64`, complex ones as `(re, im)` pairs.
fn values(a: &Array) -> Result<Vec<f64>> {
    if a.dtype().is_complex() {
        let z = a.to_device(&Device::Cpu)?.astype(DType::C128)?.to_vec::<Complex64>()?;
        return Ok(z.iter().flat_map(|z| [z.re, z.im]).collect());
    }
    a.to_device(&Device::Cpu)?.astype(DType::F64)?.to_vec::<f64>()
}

/// Floats: integer-valued data keeps every partial sum exact below 2^24 (f32) / 2^11 (f16);
/// beyond, compare relative to the running magnitude.
fn close(got: f64, want: f64, dtype: DType) -> bool {
    let rel = match dtype {
        DType::F16 => 2e-3,
        DType::BF16 => 1e-2,
        DType::F32 => 1e-6,
        _ => 1e-12,
    };
    got == want || (got.is_nan() && want.is_nan()) || (got - want).abs() <= rel * want.abs().max(1.0)
}

fn check_1d(x: &Array, op: ScanOp, what: &str, failures: &mut Vec<String>) -> Result<()> {
    let got = x.scan(op, None, None, false)?;
    let want_dtype = got.dtype();
    let want = reference(x, op, want_dtype)?;
    let gv = values(&got)?;
    let ok = |i: usize| {
        if want_dtype.is_inexact() {
            close(gv[i], want[i], want_dtype.real_dtype())
        } else {
            gv[i] == want[i]
        }
    };
    let bad = (0..want.len()).find(|&i| !ok(i));
    if let Some(i) = bad {
        failures.push(format!("{what}: [{i}] got {} expected {}", gv[i], want[i]));
    }
    Ok(())
}

fn scans_match_the_sequential_reference(dev: &Device) -> Result<()> {
    let mut failures = Vec::new();
    for dtype in DType::ALL {
        for n in LENGTHS {
            check_1d(&data(n, dtype, dev)?, ScanOp::Sum, &format!("cumsum {dtype} n={n}"), &mut failures)?;
            check_1d(&prod_data(n, dtype, dev)?, ScanOp::Prod, &format!("cumprod {dtype} n={n}"), &mut failures)?;
        }
    }
    for dtype in [DType::Bool, DType::I8, DType::U32, DType::I64, DType::F32, DType::F64, DType::C64] {
        check_1d(&data(LONG, dtype, dev)?, ScanOp::Sum, &format!("cumsum {dtype} n={LONG}"), &mut failures)?;
        check_1d(&prod_data(LONG, dtype, dev)?, ScanOp::Prod, &format!("cumprod {dtype} n={LONG}"), &mut failures)?;
    }
    report("scans vs the sequential reference", failures);
    Ok(())
}

/// The CUDA device against the CPU backend (exact for integers and bool; floats within a few
/// ulp of the running magnitude, since the two split rows differently). The first shape takes
/// the three-phase path (chunks of 8192); `scans_match_the_sequential_reference` covers 2^20 + 1.
fn cuda_matches_cpu(dev: &Device) -> Result<()> {
    if *dev == Device::Cpu {
        return Ok(());
    }
    let mut failures = Vec::new();
    let shapes: [&[usize]; 6] = [&[3 * 8192 + 1], &[3, 4097], &[4097, 3], &[2, 33, 5], &[1, 1, 1], &[5, 0, 3]];
    for dtype in DType::ALL {
        for shape in shapes {
            let n: usize = shape.iter().product();
            for axis in 0..shape.len() as isize {
                for op in [ScanOp::Sum, ScanOp::Prod] {
                    let flat = if op == ScanOp::Sum { data(n, dtype, dev)? } else { prod_data(n, dtype, dev)? };
                    let x = flat.reshape(shape)?;
                    let got = x.scan(op, Some(axis), None, false)?;
                    let want = x.to_device(&Device::Cpu)?.scan(op, Some(axis), None, false)?;
                    let tol = if dtype.is_inexact() {
                        Tolerance::Relative { rel: 1e-6, scale: 1.0 }
                    } else {
                        Tolerance::Exact
                    };
                    if let Err(e) = compare_arrays(&got.to_device(&Device::Cpu)?, &want, tol) {
                        failures.push(format!("{op} {dtype} {shape:?} axis {axis}: {e}"));
                    }
                }
            }
        }
    }
    report("CUDA scans vs the CPU backend", failures);
    Ok(())
}

/// Every axis of 3-D arrays and their views (transposed, flipped, stepped, broadcast) against
/// the scan of a contiguous copy, row by row through the 1-D path.
fn scans_along_every_axis_and_view(dev: &Device) -> Result<()> {
    let mut failures = Vec::new();
    let x = data(3 * 33 * 4, DType::I32, dev)?.reshape(&[3, 33, 4])?;
    let views = [
        ("contiguous", x.clone()),
        ("transposed", x.permute_dims(&[2, 0, 1])?),
        ("flipped", x.flip(Some(&[1]))?),
        ("stepped", x.slice(&[AxisSlice::range(None, None, 2), AxisSlice::range(1, None, 3)])?),
        ("broadcast", x.slice(&[AxisSlice::range(0, 1, 1)])?.broadcast_to(&[2, 33, 4])?),
    ];
    for (name, v) in views {
        let copy = v.copy()?;
        for axis in -3..3isize {
            for op in [ScanOp::Sum, ScanOp::Prod] {
                let got = v.scan(op, Some(axis), None, false)?;
                let want = copy.scan(op, Some(axis), None, false)?;
                if let Err(e) = compare_arrays(&got, &want, Tolerance::Exact) {
                    failures.push(format!("{name} axis {axis} {op}: {e}"));
                }
            }
        }
        // Along axis 1, every (i, :, k) row is a 1-D scan.
        let got = values(&v.cumulative_sum(Some(1), None, false)?)?;
        let shape = v.shape().to_vec();
        for i in 0..shape[0] {
            for k in 0..shape[2] {
                let row = v.slice(&[
                    AxisSlice::Index(i as isize),
                    AxisSlice::range(None, None, 1),
                    AxisSlice::Index(k as isize),
                ])?;
                let want = reference(&row, ScanOp::Sum, DType::I64)?;
                for (j, w) in want.iter().enumerate() {
                    let g = got[(i * shape[1] + j) * shape[2] + k];
                    if g != *w {
                        failures.push(format!("{name} row ({i}, :, {k})[{j}]: got {g} expected {w}"));
                    }
                }
            }
        }
    }
    report("scans of views", failures);
    Ok(())
}

fn special_values(dev: &Device) -> Result<()> {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let x = Array::from_slice(&[1.0f64, nan, 2.0], &[3], dev)?;
    let s = x.cumulative_sum(None, None, false)?.to_vec::<f64>()?;
    assert!(s[0] == 1.0 && s[1].is_nan() && s[2].is_nan());
    let x = Array::from_slice(&[inf, 1.0, -inf, 3.0], &[4], dev)?;
    let s = x.cumulative_sum(None, None, false)?.to_vec::<f64>()?;
    assert!(s[0] == inf && s[1] == inf && s[2].is_nan() && s[3].is_nan());
    let p = Array::from_slice(&[0.0f32, f32::INFINITY, 2.0], &[3], dev)?
        .cumulative_prod(None, None, false)?
        .to_vec::<f32>()?;
    assert!(p[0] == 0.0 && p[1].is_nan());
    // -0.0 stays -0.0, as in NumPy (the sum starts from -0.0, not +0.0).
    for dtype in [DType::F16, DType::BF16, DType::F32, DType::F64] {
        let z = Array::from_slice(&[-0.0f64, -0.0], &[2], dev)?.astype(dtype)?;
        let s = z.cumulative_sum(None, None, false)?.astype(DType::F64)?.to_vec::<f64>()?;
        assert!(s.iter().all(|v| *v == 0.0 && v.is_sign_negative()), "{dtype}: {s:?}");
    }
    Ok(())
}

fn integer_wraparound(dev: &Device) -> Result<()> {
    let x = Array::from_slice(&[100i8, 100, 100, -128], &[4], dev)?;
    assert_eq!(x.cumulative_sum(None, Some(DType::I8), false)?.to_vec::<i8>()?, vec![100, -56, 44, -84]);
    assert_eq!(x.cumulative_sum(None, None, false)?.to_vec::<i64>()?, vec![100, 200, 300, 172]);
    let u = Array::from_slice(&[u64::MAX, 2], &[2], dev)?;
    assert_eq!(u.cumulative_sum(None, None, false)?.to_vec::<u64>()?, vec![u64::MAX, 1]);
    let big = Array::full(&[70], 2, DType::I64, dev)?;
    let p = big.cumulative_prod(None, None, false)?.to_vec::<i64>()?;
    assert_eq!((p[61], p[62], p[63], p[64]), (1 << 62, i64::MIN, 0, 0));
    let b = Array::from_slice(&[false, true, false], &[3], dev)?;
    assert_eq!(b.cumulative_sum(None, Some(DType::Bool), false)?.to_vec::<bool>()?, vec![false, true, true]);
    assert_eq!(b.cumulative_prod(None, Some(DType::Bool), false)?.to_vec::<bool>()?, vec![false, false, false]);
    Ok(())
}

fn dtypes_initial_values_and_errors(dev: &Device) -> Result<()> {
    let defaults = [
        (DType::Bool, DType::I64),
        (DType::I8, DType::I64),
        (DType::I32, DType::I64),
        (DType::U8, DType::U64),
        (DType::U32, DType::U64),
        (DType::F16, DType::F16),
        (DType::BF16, DType::BF16),
        (DType::F32, DType::F32),
    ];
    for (from, to) in defaults {
        assert_eq!(Array::zeros(&[2], from, dev)?.cumulative_sum(None, None, false)?.dtype(), to, "{from}");
        assert_eq!(Array::zeros(&[2], from, dev)?.cumulative_prod(None, None, false)?.dtype(), to, "{from}");
    }
    let x = Array::from_slice(&[1i32, 2, 3, 4, 5, 6], &[2, 3], dev)?;
    let s = x.cumulative_sum(Some(1), None, true)?;
    assert_eq!(s.shape(), &[2, 4]);
    assert_eq!(s.to_vec::<i64>()?, vec![0, 1, 3, 6, 0, 4, 9, 15]);
    let p = x.cumulative_prod(Some(0), Some(DType::F32), true)?;
    assert_eq!(p.to_vec::<f32>()?, vec![1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 10.0, 18.0]);
    assert_eq!(x.cumsum(None, None)?.to_vec::<i64>()?, vec![1, 3, 6, 10, 15, 21]);
    assert_eq!(x.cumprod(Some(-1), None)?.to_vec::<i64>()?, vec![1, 2, 6, 4, 20, 120]);
    // float16 accumulates in float32: 2048 + 1 + 1 + ... stays exact until rounded once.
    let h = Array::from_slice(&[2048.0f32, 1.0, 1.0], &[3], dev)?.astype(DType::F16)?;
    let hs = h.cumulative_sum(None, None, false)?.astype(DType::F32)?.to_vec::<f32>()?;
    assert_eq!(hs, vec![2048.0, 2048.0, 2050.0], "f32 accumulation, rounded per element");
    // 0-size, 0-d, size 1.
    let e = Array::zeros(&[0, 3], DType::F32, dev)?;
    assert_eq!(e.cumulative_sum(Some(0), None, true)?.to_vec::<f32>()?, vec![0.0; 3]);
    assert_eq!(e.cumulative_sum(Some(1), None, false)?.shape(), &[0, 3]);
    let scalar = Array::full(&[], 5, DType::I16, dev)?;
    assert_eq!(scalar.cumulative_sum(None, None, false)?.to_vec::<i64>()?, vec![5]);
    assert_eq!(scalar.cumsum(None, None)?.shape(), &[1]);
    let outcomes = [
        expect_error(x.cumulative_sum(None, None, false), "InvalidArgument"),
        expect_error(x.cumulative_prod(Some(2), None, false), "AxisOutOfRange"),
        expect_error(x.cumsum(Some(-3), None), "AxisOutOfRange"),
    ];
    report("scan errors", outcomes.into_iter().filter_map(|r| r.err()).collect());
    Ok(())
}

/// float32 running sums at least as accurate as NumPy's sequential float32 loop: the largest
/// error over all prefixes, against exact float64 sums, is no worse.
fn float32_sums_are_as_accurate_as_numpy(dev: &Device) -> Result<()> {
    let n = LONG;
    let x = Array::full(&[n], 0.1f32, DType::F32, dev)?;
    let got = x.cumulative_sum(None, None, false)?.to_device(&Device::Cpu)?.to_vec::<f32>()?;
    let (mut seq, mut exact) = (0.0f32, 0.0f64);
    let (mut worst_ours, mut worst_numpy) = (0.0f64, 0.0f64);
    for g in got {
        seq += 0.1f32;
        exact += f64::from(0.1f32);
        worst_ours = worst_ours.max((f64::from(g) - exact).abs());
        worst_numpy = worst_numpy.max((f64::from(seq) - exact).abs());
    }
    assert!(worst_ours <= worst_numpy, "max error {worst_ours} vs NumPy's {worst_numpy}");
    Ok(())
}

/// The flat indices of the non-zero elements, from the host values.
fn nonzero_reference(x: &Array) -> Result<Vec<i64>> {
    let v = values(&x.to_device(&Device::Cpu)?.astype(DType::F64)?)?;
    Ok(v.iter().enumerate().filter(|(_, e)| **e != 0.0).map(|(i, _)| i as i64).collect())
}

fn nonzero_matches_the_host(dev: &Device) -> Result<()> {
    let mut failures = Vec::new();
    for dtype in DType::ALL {
        for n in LENGTHS.iter().copied().chain([LONG]) {
            if n == LONG && !matches!(dtype, DType::Bool | DType::F32) {
                continue;
            }
            let x = data(n, dtype, dev)?;
            let want = nonzero_reference(&x)?;
            let got = x.flatnonzero()?.to_vec::<i64>()?;
            if got != want {
                failures.push(format!("flatnonzero {dtype} n={n}: {} indices, expected {}", got.len(), want.len()));
            }
            assert_eq!(x.count_nonzero(None, false)?.item::<i64>()?, want.len() as i64);
        }
    }
    // Every axis of a view; NaN non-zero, -0.0 zero; all zero; all non-zero.
    let x = data(3 * 33 * 5, DType::F32, dev)?.reshape(&[3, 33, 5])?.permute_dims(&[2, 0, 1])?.flip(Some(&[2]))?;
    let flat = nonzero_reference(&x)?;
    let coords = x.nonzero()?;
    let shape = x.shape().to_vec();
    let rebuilt: Vec<i64> = {
        let c: Vec<Vec<i64>> = coords.iter().map(|a| a.to_vec::<i64>()).collect::<Result<_>>()?;
        (0..flat.len()).map(|k| (c[0][k] * shape[1] as i64 + c[1][k]) * shape[2] as i64 + c[2][k]).collect()
    };
    if rebuilt != flat {
        failures.push("nonzero of a permuted, flipped view".into());
    }
    let w = x.argwhere()?;
    assert_eq!(w.shape(), &[flat.len(), 3]);
    assert_eq!(
        w.slice(&[AxisSlice::range(None, None, 1), AxisSlice::Index(1)])?.to_vec::<i64>()?,
        coords[1].to_vec::<i64>()?
    );
    let special = Array::from_slice(&[f64::NAN, -0.0, 0.0, f64::INFINITY, 1e-300], &[5], dev)?;
    assert_eq!(special.flatnonzero()?.to_vec::<i64>()?, vec![0, 3, 4]);
    assert_eq!(Array::zeros(&[4097], DType::I8, dev)?.flatnonzero()?.numel(), 0);
    assert_eq!(Array::ones(&[4097], DType::U16, dev)?.flatnonzero()?.to_vec::<i64>()?, (0..4097).collect::<Vec<_>>());
    let scalar = Array::full(&[], 3, DType::I32, dev)?;
    assert_eq!(scalar.argwhere()?.shape(), &[1, 0]);
    assert_eq!(Array::zeros(&[], DType::I32, dev)?.argwhere()?.shape(), &[0, 0]);
    assert_eq!(scalar.flatnonzero()?.to_vec::<i64>()?, vec![0]);
    failures.extend(expect_error(scalar.nonzero().map(|mut v| v.remove(0)), "InvalidArgument").err());
    assert_eq!(Array::zeros(&[0, 3], DType::F32, dev)?.argwhere()?.shape(), &[0, 2]);
    report("nonzero", failures);
    Ok(())
}

/// The fused CPU compaction (pieces of 2^17 mask elements, counted then written in parallel)
/// and the composed CUDA path, around the piece boundaries: all, none, one at either end of a
/// piece, every third element.
fn nonzero_at_piece_boundaries(dev: &Device) -> Result<()> {
    const PIECE: usize = 1 << 17;
    for n in [PIECE - 1, PIECE, PIECE + 1, 2 * PIECE + 1, 3 * PIECE] {
        for name in ["all", "none", "piece ends", "every third", "last"] {
            let pick = |i: usize| match name {
                "all" => true,
                "none" => false,
                "piece ends" => i % PIECE == 0 || i % PIECE == PIECE - 1,
                "every third" => i % 3 == 1,
                _ => i == n - 1,
            };
            let mask: Vec<bool> = (0..n).map(pick).collect();
            let want: Vec<i64> = (0..n).filter(|&i| mask[i]).map(|i| i as i64).collect();
            let x = Array::from_slice(&mask, &[n], &Device::Cpu)?.to_device(dev)?;
            assert_eq!(x.flatnonzero()?.to_vec::<i64>()?, want, "{name}, n = {n}");
        }
    }
    Ok(())
}

/// `x[mask]` over the leading axes (the device path of `Array::index`) against the general
/// path (`select`, which reads the mask to the host).
fn mask_selection_on_the_device(dev: &Device) -> Result<()> {
    let mut failures = Vec::new();
    let shapes: [&[usize]; 6] = [&[0], &[1], &[4097], &[3, 33, 5], &[2, 0, 3], &[7, 1, 4]];
    for shape in shapes {
        let n: usize = shape.iter().product();
        for dtype in [DType::Bool, DType::I8, DType::F32, DType::F64] {
            let x = data(n, dtype, dev)?.reshape(shape)?;
            let views = [("c", x.clone()), ("flipped", x.flip(None)?)];
            for (name, v) in views {
                for k in 1..=shape.len() {
                    let lead: usize = shape[..k].iter().product();
                    let mask = data(lead, DType::Bool, dev)?.reshape(&shape[..k])?;
                    let mask = if k > 1 { mask.flip(Some(&[0]))? } else { mask };
                    let key = [IndexItem::Mask(mask)];
                    let got = v.index(&key)?;
                    let want = v.select(&key)?.get()?;
                    if got.shape() != want.shape() {
                        failures.push(format!(
                            "{shape:?} {dtype} {name} k={k}: {:?} vs {:?}",
                            got.shape(),
                            want.shape()
                        ));
                    } else if let Err(e) = compare_arrays(&got, &want, Tolerance::Exact) {
                        failures.push(format!("{shape:?} {dtype} {name} k={k}: {e}"));
                    }
                }
            }
        }
    }
    let x = data(4, DType::I32, dev)?;
    let wrong = Array::from_slice(&[true, false], &[2], dev)?;
    failures.extend(expect_error(x.index(&[IndexItem::Mask(wrong)]), "InvalidIndex").err());
    report("mask selection", failures);
    Ok(())
}

test_on_devices!(
    scans_match_the_sequential_reference,
    cuda_matches_cpu,
    scans_along_every_axis_and_view,
    special_values,
    integer_wraparound,
    dtypes_initial_values_and_errors,
    float32_sums_are_as_accurate_as_numpy,
    nonzero_matches_the_host,
    nonzero_at_piece_boundaries,
    mask_selection_on_the_device,
);
