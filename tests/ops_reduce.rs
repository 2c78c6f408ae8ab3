//! Reductions against the NumPy oracle (`tools/gen_oracle.py`) over every axis subset of a 3-D
//! array, with and without `keepdims`, on every device; plus accuracy, layouts, large shapes
//! (the parallel paths) and empty inputs.

mod common;
mod ops_support;

use devarray::num_complex::Complex64;
use devarray::{Array, AxisSlice, DType, Device, ReduceOp, Result};
use ops_support::{check, compare_arrays, expect_error, report, Entry, Oracle, Tolerance};

/// Runs `op` as the public methods do; `var1`/`std0` carry the correction in their name.
fn run(x: &Array, op: &str, axes: Option<&[isize]>, keepdims: bool) -> Result<Array> {
    let arg_axis = || axes.map(|a| a[0]);
    match op {
        "var0" | "var1" => x.var(axes, op[3..].parse().unwrap(), keepdims),
        "std0" | "std1" => x.std(axes, op[3..].parse().unwrap(), keepdims),
        "argmin" => x.argmin(arg_axis(), keepdims),
        "argmax" => x.argmax(arg_axis(), keepdims),
        _ => x.reduce(ReduceOp::from_name(op).unwrap(), axes, keepdims),
    }
}

/// The tolerance for `op` on `dtype`: exact except float (and complex) sums, products and
/// moments, which are compared with a float64 (complex128) reference relative to the size of the terms (16-bit floats
/// round their intermediate results, as NumPy's do).
fn tolerance(op: &str, dtype: DType) -> Tolerance {
    // Complex results are compared per part, as their component dtype.
    let dtype = dtype.real_dtype();
    let moment = matches!(op, "mean" | "var0" | "var1" | "std0" | "std1");
    let float_arith = moment || (dtype.is_float() && matches!(op, "sum" | "prod"));
    // Moments of integers are computed in float64.
    let dtype = if dtype.is_float() { dtype } else { DType::F64 };
    match dtype {
        _ if !float_arith => Tolerance::ZeroSign,
        DType::F16 => Tolerance::Relative { rel: 4e-3, scale: 1.0 },
        DType::BF16 => Tolerance::Relative { rel: 3e-2, scale: 1.0 },
        DType::F32 => Tolerance::Relative { rel: 1e-5, scale: 1.0 },
        _ => Tolerance::Relative { rel: 1e-12, scale: 1.0 },
    }
}

fn parse_axes(text: &str) -> Option<Vec<isize>> {
    match text {
        "none" => None,
        "empty" => Some(vec![]),
        list => Some(list.split(',').map(|a| a.parse().unwrap()).collect()),
    }
}

fn reductions_match_numpy(dev: &Device) -> Result<()> {
    let oracle = Oracle::get("reduce.bin");
    let mut failures = Vec::new();
    for key in oracle.keys("reduce/") {
        let parts: Vec<&str> = key.split('/').collect();
        let (op, variant, tag, axes) = (parts[1], parts[2], parts[3], parse_axes(parts[4]));
        let x = oracle.array(&format!("x/{variant}/{tag}"), dev);
        let tol = tolerance(op, x.dtype());
        failures.extend(check(run(&x, op, axes.as_deref(), false), oracle, key, tol).err());
        if matches!(oracle.entry(key), Entry::Error(_)) {
            continue; // a refusal (min/max of complex), checked as a typed error above
        }
        // keepdims: the same values with the reduced axes kept as length 1.
        let kept = run(&x, op, axes.as_deref(), true)?;
        let reduced: Vec<usize> = match &axes {
            None => (0..3).collect(),
            Some(a) => a.iter().map(|&v| v as usize).collect(),
        };
        let expected_shape: Vec<usize> = (0..3).map(|d| if reduced.contains(&d) { 1 } else { x.shape()[d] }).collect();
        if kept.shape() != expected_shape.as_slice() {
            failures.push(format!("{key} keepdims: shape {:?}, expected {expected_shape:?}", kept.shape()));
        }
    }
    report("reductions vs NumPy", failures);
    Ok(())
}

/// Integer-valued float data, so every summation order gives the same exact result.
fn exact_data(shape: &[usize], dtype: DType, dev: &Device) -> Result<Array> {
    let n: usize = shape.iter().product();
    Array::arange(0.0, n as f64, 1.0, DType::I64, dev)?.remainder(17)?.subtract(8)?.astype(dtype)?.reshape(shape)
}

/// Reductions of views (transposed, Fortran-like, flipped, stepped, broadcast) equal reductions
/// of their contiguous copies, over every axis subset.
fn reductions_on_views_match_contiguous(dev: &Device) -> Result<()> {
    let base = exact_data(&[4, 5, 6], DType::F32, dev)?;
    let views = [
        ("permuted", base.permute_dims(&[2, 0, 1])?),
        ("reversed axes", base.transpose()),
        ("flipped", base.flip(Some(&[1]))?),
        ("stepped", base.slice(&[AxisSlice::range(None, None, 2), AxisSlice::FULL, AxisSlice::range(5, 0, -2)])?),
        ("broadcast", base.slice(&[AxisSlice::Index(1)])?.broadcast_to(&[3, 5, 6])?),
        ("size-1 axes", base.slice(&[AxisSlice::range(1, 2, 1), AxisSlice::FULL, AxisSlice::range(0, 1, 1)])?),
    ];
    let subsets: [&[isize]; 7] = [&[0], &[1], &[2], &[0, 1], &[0, 2], &[1, 2], &[0, 1, 2]];
    let mut failures = Vec::new();
    for (name, v) in &views {
        let c = v.contiguous()?;
        for axes in subsets {
            for op in [ReduceOp::Sum, ReduceOp::Max, ReduceOp::Argmin, ReduceOp::Any, ReduceOp::Mean] {
                if matches!(op, ReduceOp::Argmin) && axes.len() == 2 {
                    continue;
                }
                let (got, expected) = (v.reduce(op, Some(axes), false)?, c.reduce(op, Some(axes), false)?);
                failures.extend(
                    compare_arrays(&got, &expected, Tolerance::Exact)
                        .err()
                        .map(|e| format!("{op} {axes:?} of {name}: {e}")),
                );
            }
        }
        let (got, expected) = (v.argmax(None, false)?, c.argmax(None, false)?);
        failures
            .extend(compare_arrays(&got, &expected, Tolerance::Exact).err().map(|e| format!("argmax of {name}: {e}")));
    }
    report("reductions of views", failures);
    Ok(())
}

/// Shapes that take the parallel paths (long rows cut into pieces, tall columns cut into row
/// ranges), checked against sums computed here on the host.
fn large_reductions_match_host_sums(dev: &Device) -> Result<()> {
    let mut failures = Vec::new();
    for shape in [[3usize, 100_003], [100_003, 3], [5, 70_001]] {
        let x = exact_data(&shape, DType::I32, dev)?;
        let host = x.to_vec::<i32>()?;
        let (rows, cols) = (shape[0], shape[1]);
        let row_sums: Vec<i64> =
            (0..rows).map(|r| host[r * cols..(r + 1) * cols].iter().map(|&v| v as i64).sum()).collect();
        let col_sums: Vec<i64> = (0..cols).map(|c| (0..rows).map(|r| host[r * cols + c] as i64).sum()).collect();
        let total: i64 = row_sums.iter().sum();
        let got = [x.sum(Some(&[1]), false)?, x.sum(Some(&[0]), false)?, x.sum(None, false)?];
        if got[0].to_vec::<i64>()? != row_sums || got[1].to_vec::<i64>()? != col_sums || got[2].item::<i64>()? != total
        {
            failures.push(format!("sums of {shape:?} differ from the host's"));
        }
        let xf = x.astype(DType::F64)?;
        if xf.sum(Some(&[0]), false)?.astype(DType::I64)?.to_vec::<i64>()? != col_sums {
            failures.push(format!("float64 column sums of {shape:?} differ"));
        }
        let argmax = x.argmax(Some(1), false)?.to_vec::<i64>()?;
        let host_argmax: Vec<i64> = (0..rows)
            .map(|r| {
                let row = &host[r * cols..(r + 1) * cols];
                let max = row.iter().max().unwrap();
                row.iter().position(|v| v == max).unwrap() as i64
            })
            .collect();
        if argmax != host_argmax {
            failures.push(format!("argmax of {shape:?} differs from the host's"));
        }
    }
    report("large reductions", failures);
    Ok(())
}

/// `min`/`max` of rows around the scan's 32 lanes, with a NaN (or an infinity) at each kind of
/// position: the first element, inside each lane block, the last of the lane body, the tail, and
/// none. A NaN anywhere makes the row's result NaN; otherwise it is the host's extreme. The
/// CPU scan skips NaN in its fast pass and rescans a run that had one, so every position and
/// every float dtype is checked, with a clean row next to each poisoned one.
fn min_max_propagate_nan_at_every_position(dev: &Device) -> Result<()> {
    let mut failures = Vec::new();
    for dtype in [DType::F32, DType::F64, DType::F16, DType::BF16] {
        for n in [31usize, 32, 33, 64, 95, 1000, 4099] {
            let base: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1009) as f64 * 0.25 - 100.0).collect();
            let body = n - n % 32;
            let mut positions = vec![0, 1, 17, n / 2, n - 1];
            if body > 0 {
                positions.push(body - 1);
            }
            for special in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                for &p in &positions {
                    // Row 0 clean, row 1 with the special value at `p`.
                    let mut rows = base.clone();
                    rows.extend(base.iter().enumerate().map(|(i, &v)| if i == p { special } else { v }));
                    let x = Array::from_slice(&rows, &[2, n], dev)?.astype(dtype)?;
                    let host = x.astype(DType::F64)?.to_vec::<f64>()?;
                    for (op, is_max) in [("max", true), ("min", false)] {
                        let got = x.reduce(ReduceOp::from_name(op).unwrap(), Some(&[1]), false)?;
                        let got = got.astype(DType::F64)?.to_vec::<f64>()?;
                        for (row, g) in got.iter().enumerate() {
                            let values = &host[row * n..(row + 1) * n];
                            let want = if values.iter().any(|v| v.is_nan()) {
                                f64::NAN
                            } else if is_max {
                                values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                            } else {
                                values.iter().copied().fold(f64::INFINITY, f64::min)
                            };
                            if !(g == &want || (g.is_nan() && want.is_nan())) {
                                failures.push(format!(
                                    "{dtype:?} n={n} {special} at {p}: {op} of row {row} is {g}, want {want}"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    report("min/max with NaN and infinities", failures);
    Ok(())
}

/// `min`/`max` over the outer axis (columns of a row-major matrix) against a host fold with the
/// reduction's rules: a NaN anywhere in a column makes it NaN, and otherwise a strictly better
/// value replaces the running one, so of `-0.0` and `0.0` the first stays (bit for bit on the
/// CPU; other devices may return either zero). Shapes cover the CPU's chunks of 32 columns (and
/// the tail), its groups of 4 rows (and the rest), and its blocks of 128 rows; NaNs sit in the
/// first row, a middle row, the last row and a tail column, two of them in one column.
fn min_max_over_the_outer_axis_match_a_host_fold(dev: &Device) -> Result<()> {
    let mut failures = Vec::new();
    let nan = |payload: u32| f32::from_bits(0x7fc0_0000 | payload);
    for &(rows, cols) in &[(1usize, 33usize), (3, 32), (5, 31), (7, 65), (130, 70), (257, 1030)] {
        let mut v: Vec<f32> = (0..rows * cols).map(|i| ((i * 7919) % 1009) as f32 * 0.25 - 100.0).collect();
        v[0] = -0.0; // column 0: -0.0 first, then 0.0 if there is a second row
        if rows > 1 {
            v[cols] = 0.0;
            v[cols + 1] = -f32::from_bits(0x7fc0_0000 | 5);
        }
        v[(rows - 1) * cols + 2] = nan(1); // last row
        v[(rows / 2) * cols + 3] = nan(2); // middle row, then a later NaN in the same column
        v[(rows - 1) * cols + 3] = nan(3);
        v[(rows / 2) * cols + cols - 1] = nan(4); // the last (tail) column
        v[7] = f32::INFINITY;
        for dtype in [DType::F32, DType::F64, DType::I32] {
            let host: Vec<f32> = v.iter().map(|&x| if dtype == DType::I32 && x.is_nan() { 7.0 } else { x }).collect();
            let x = Array::from_slice(&host, &[rows, cols], dev)?;
            let x = if dtype == DType::I32 {
                Array::from_slice(
                    &host.iter().map(|&h| h.clamp(-1e9, 1e9) as i32).collect::<Vec<_>>(),
                    &[rows, cols],
                    dev,
                )?
            } else {
                x.astype(dtype)?
            };
            let host64 = x.astype(DType::F64)?.to_vec::<f64>()?;
            for (op, is_max) in [("max", true), ("min", false)] {
                let got = x
                    .reduce(ReduceOp::from_name(op).unwrap(), Some(&[0]), false)?
                    .astype(DType::F64)?
                    .to_vec::<f64>()?;
                for (c, g) in got.iter().enumerate() {
                    let want = (0..rows).map(|r| host64[r * cols + c]).reduce(|acc, x| {
                        let beats = if is_max { x > acc } else { x < acc };
                        if !acc.is_nan() && (x.is_nan() || beats) {
                            x
                        } else {
                            acc
                        }
                    });
                    let want = want.unwrap();
                    let same = if want.is_nan() || dev.is_cuda() {
                        g == &want || (g.is_nan() && want.is_nan())
                    } else {
                        g.to_bits() == want.to_bits()
                    };
                    if !same {
                        failures.push(format!(
                            "{dtype:?} ({rows}, {cols}) {op} column {c}: {g:?} ({:#x}), want {want:?} ({:#x})",
                            g.to_bits(),
                            want.to_bits()
                        ));
                    }
                }
            }
        }
    }
    report("min/max over the outer axis", failures);
    Ok(())
}

/// 1e7 × 0.1f32 sums to within NumPy's own error (NumPy's pairwise sum gives 1000000.1; a
/// naive running sum is off by 9 %).
fn float32_sum_is_as_accurate_as_numpy(dev: &Device) -> Result<()> {
    let n = 10_000_000;
    let x = Array::full(&[n], 0.1f32, DType::F32, dev)?;
    let exact = n as f64 * 0.1f32 as f64;
    let numpy_error = (1_000_000.125f64 - exact).abs();
    let got = x.sum(None, false)?.item::<f32>()? as f64;
    assert!((got - exact).abs() <= numpy_error, "sum {got}, exact {exact}, NumPy's error {numpy_error}");
    // Along a non-contiguous axis too (NumPy adds sequentially there and gives 999.90).
    let cols = x.slice(&[AxisSlice::range(0, 1_000_000, 1)])?.reshape(&[10_000, 100])?;
    let col = cols.sum(Some(&[0]), false)?.to_vec::<f32>()?;
    let exact_col = 10_000.0 * 0.1f32 as f64;
    assert!(col.iter().all(|&c| (c as f64 - exact_col).abs() < 1e-3), "column sums {:?}", &col[..3]);
    let mean = x.mean(None, false)?.item::<f32>()? as f64;
    assert!((mean - 0.1f32 as f64).abs() <= 2e-8, "mean {mean}");
    Ok(())
}

fn empty_reductions(dev: &Device) -> Result<()> {
    let e = Array::zeros(&[0, 3], DType::F32, dev)?;
    let outcomes = [
        expect_error(e.max(None, false), "EmptyReduction"),
        expect_error(e.min(Some(&[0]), false), "EmptyReduction"),
        expect_error(e.argmax(None, false), "EmptyReduction"),
        expect_error(e.argmin(Some(0), false), "EmptyReduction"),
        expect_error(e.sum(Some(&[2]), false), "AxisOutOfRange"),
        expect_error(e.sum(Some(&[1, -1]), false), "RepeatedAxis"),
    ];
    report("empty reduction errors", outcomes.into_iter().filter_map(|r| r.err()).collect());
    assert_eq!(e.max(Some(&[1]), false)?.shape(), &[0], "nothing to reduce per output: fine, as NumPy");
    assert_eq!(e.sum(Some(&[0]), false)?.to_vec::<f32>()?, vec![0.0; 3]);
    assert_eq!(e.prod(Some(&[0]), true)?.to_vec::<f32>()?, vec![1.0; 3]);
    assert_eq!(e.prod(Some(&[0]), true)?.shape(), &[1, 3]);
    assert!(e.mean(None, false)?.item::<f32>()?.is_nan());
    assert!(e.var(Some(&[0]), 0.0, false)?.to_vec::<f32>()?.iter().all(|v| v.is_nan()));
    assert!(e.all(None, false)?.item::<bool>()?);
    assert!(!e.any(None, false)?.item::<bool>()?);
    let ints = Array::zeros(&[0], DType::U8, dev)?;
    assert_eq!(ints.sum(None, false)?.dtype(), DType::U64);
    assert_eq!(ints.mean(None, false)?.dtype(), DType::F64);
    Ok(())
}

/// Complex reductions: the parallel paths (long rows, tall columns) against sums computed on
/// the host, views against contiguous copies, empty inputs, and the refusal of the ordering
/// reductions (complex numbers have no order).
fn complex_reductions(dev: &Device) -> Result<()> {
    let mut failures = Vec::new();
    let z = |shape: &[usize], dtype: DType| -> Result<Array> {
        exact_data(shape, DType::F64, dev)?.multiply(Complex64::new(1.0, -2.0))?.astype(dtype)
    };
    for dtype in [DType::C64, DType::C128] {
        for shape in [[3usize, 100_003], [100_003, 3]] {
            let x = z(&shape, dtype)?;
            let host = x.astype(DType::C128)?.to_vec::<Complex64>()?;
            let (rows, cols) = (shape[0], shape[1]);
            let row_sums: Vec<Complex64> = (0..rows).map(|r| host[r * cols..(r + 1) * cols].iter().sum()).collect();
            let col_sums: Vec<Complex64> = (0..cols).map(|c| (0..rows).map(|r| host[r * cols + c]).sum()).collect();
            let got_rows = x.sum(Some(&[1]), false)?.astype(DType::C128)?.to_vec::<Complex64>()?;
            let got_cols = x.sum(Some(&[0]), false)?.astype(DType::C128)?.to_vec::<Complex64>()?;
            if got_rows != row_sums || got_cols != col_sums {
                failures.push(format!("{dtype} sums of {shape:?} differ from the host's"));
            }
        }
        let base = z(&[4, 5, 6], dtype)?;
        let views = [
            ("permuted", base.permute_dims(&[2, 0, 1])?),
            ("flipped", base.flip(Some(&[1]))?),
            ("stepped", base.slice(&[AxisSlice::range(None, None, 2), AxisSlice::FULL, AxisSlice::range(5, 0, -2)])?),
        ];
        for (name, v) in &views {
            let c = v.contiguous()?;
            for axes in [&[0isize][..], &[1, 2], &[0, 1, 2]] {
                for op in [ReduceOp::Sum, ReduceOp::Mean, ReduceOp::Any, ReduceOp::All] {
                    let (got, expected) = (v.reduce(op, Some(axes), false)?, c.reduce(op, Some(axes), false)?);
                    failures.extend(
                        compare_arrays(&got, &expected, Tolerance::Exact)
                            .err()
                            .map(|e| format!("{dtype} {op} {axes:?} of {name}: {e}")),
                    );
                }
            }
        }
        let e = Array::zeros(&[0, 3], dtype, dev)?;
        assert_eq!(
            e.sum(Some(&[0]), false)?.astype(DType::C128)?.to_vec::<Complex64>()?,
            vec![Complex64::new(0.0, 0.0); 3]
        );
        assert_eq!(e.prod(None, false)?.astype(DType::C128)?.item::<Complex64>()?, Complex64::new(1.0, 0.0));
        assert!(e.mean(None, false)?.astype(DType::C128)?.item::<Complex64>()?.re.is_nan());
        assert_eq!(e.var(None, 0.0, false)?.dtype(), dtype.real_dtype());
        assert!(e.all(None, false)?.item::<bool>()?);
        let outcomes = [
            expect_error(base.max(None, false), "UnsupportedDType"),
            expect_error(base.min(Some(&[0]), false), "UnsupportedDType"),
            expect_error(base.argmax(None, false), "UnsupportedDType"),
            expect_error(e.argmin(Some(0), false), "UnsupportedDType"),
        ];
        failures.extend(outcomes.into_iter().filter_map(|r| r.err()));
    }
    report("complex reductions", failures);
    Ok(())
}

fn dtype_arguments(dev: &Device) -> Result<()> {
    let x = Array::from_slice(&[200u8, 100, 7], &[3], dev)?;
    assert_eq!(x.sum_as(None, false, DType::U8)?.to_vec::<u8>()?, vec![51]);
    assert_eq!(x.sum_as(None, false, DType::I16)?.to_vec::<i16>()?, vec![307]);
    assert_eq!(x.prod_as(None, false, DType::F32)?.to_vec::<f32>()?, vec![140_000.0]);
    assert_eq!(x.prod_as(None, false, DType::F16)?.to_vec::<half::f16>()?, vec![half::f16::INFINITY]);
    let b = Array::from_slice(&[true, true, false], &[3], dev)?;
    assert_eq!(b.sum(None, false)?.to_vec::<i64>()?, vec![2]);
    Ok(())
}

/// `var` (a fused pass on the CPU for float32/float64) gives bit for bit what its composed form
/// `sum((x - mean)²) / (n - correction)` gives, for contiguous inputs on every loop shape: short
/// and long rows (past one parallel piece), columns (past one column block), middle axes and
/// length-1 reduced axes; with NaN, ±inf and -0.0 among the values. Views (transposed, negative
/// strides) agree to rounding.
fn var_matches_its_composed_form(dev: &Device) -> Result<()> {
    let composed = |x: &Array, axes: Option<&[isize]>, correction: f64| -> Result<Array> {
        let n: usize = match axes {
            None => x.numel(),
            Some(a) => a.iter().map(|&i| x.shape()[i.rem_euclid(x.ndim() as isize) as usize]).product(),
        };
        let d = x.subtract(&x.mean(axes, true)?)?;
        d.multiply(&d)?.sum(axes, false)?.divide((n as f64 - correction).max(0.0))
    };
    let cases: &[(&[usize], Option<&[isize]>)] = &[
        (&[1000], None),
        (&[37, 1030], Some(&[1])),
        (&[37, 1030], Some(&[0])),
        (&[3, 40_000], Some(&[1])),
        (&[3, 40_000], None),
        (&[3, 300, 5000], Some(&[1])),
        (&[4, 5, 6], Some(&[0, 2])),
        (&[6, 1, 7], Some(&[1])),
        (&[1], None),
    ];
    let mut failures = Vec::new();
    for dtype in [DType::F32, DType::F64] {
        for &(shape, axes) in cases {
            let n: usize = shape.iter().product();
            let mut values: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1009) as f64 * 0.37 - 150.0).collect();
            if n > 10 {
                values[3] = -0.0;
            }
            let x = Array::from_slice(&values, shape, dev)?.astype(dtype)?;
            for correction in [0.0, 1.0] {
                let got = x.var(axes, correction, false)?.astype(DType::F64)?.to_vec::<f64>()?;
                let want = composed(&x, axes, correction)?.astype(DType::F64)?.to_vec::<f64>()?;
                let same = got.len() == want.len() && got.iter().zip(&want).all(|(g, w)| g.to_bits() == w.to_bits());
                if !same {
                    failures.push(format!(
                        "{dtype:?} {shape:?} axes {axes:?} ddof {correction}: {:?} vs {:?}",
                        &got[..got.len().min(3)],
                        &want[..want.len().min(3)]
                    ));
                }
            }
        }
        // Special values propagate per output, as in the composed form.
        let x = Array::from_slice(&[1.0, f64::NAN, 2.0, 3.0, f64::INFINITY, 4.0, -0.0, 0.0, 5.0], &[3, 3], dev)?
            .astype(dtype)?;
        let got = x.var(Some(&[1]), 0.0, false)?.astype(DType::F64)?.to_vec::<f64>()?;
        let want = composed(&x, Some(&[1]), 0.0)?.astype(DType::F64)?.to_vec::<f64>()?;
        if !(got[0].is_nan() && got[1].is_nan()) || got[2].to_bits() != want[2].to_bits() {
            failures.push(format!("{dtype:?} special values: {got:?} vs {want:?}"));
        }
        // Views: a transposed, negatively strided input against a contiguous copy of it.
        let base = Array::from_slice(&(0..600).map(|i| (i % 37) as f64 * 1.5).collect::<Vec<_>>(), &[20, 30], dev)?
            .astype(dtype)?;
        let view = base.transpose().slice(&[AxisSlice::range(-1, -31, -1), AxisSlice::range(0, 20, 2)])?;
        for axes in [None, Some(&[0isize][..]), Some(&[1][..])] {
            let got = view.var(axes, 1.0, false)?.astype(DType::F64)?.to_vec::<f64>()?;
            let want = view.contiguous()?.var(axes, 1.0, false)?.astype(DType::F64)?.to_vec::<f64>()?;
            let tol = if dtype == DType::F32 { 1e-5 } else { 1e-12 };
            if got.iter().zip(&want).any(|(g, w)| (g - w).abs() > tol * w.abs().max(1.0)) {
                failures.push(format!("{dtype:?} view axes {axes:?}: {got:?} vs {want:?}"));
            }
        }
    }
    report("var against its composed form", failures);
    Ok(())
}

test_on_devices!(
    var_matches_its_composed_form,
    reductions_match_numpy,
    complex_reductions,
    reductions_on_views_match_contiguous,
    large_reductions_match_host_sums,
    min_max_propagate_nan_at_every_position,
    min_max_over_the_outer_axis_match_a_host_fold,
    float32_sum_is_as_accurate_as_numpy,
    empty_reductions,
    dtype_arguments,
);
