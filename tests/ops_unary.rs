//! Unary ops and casts against the NumPy oracle (`tools/gen_oracle.py`), on every device, plus
//! layout and error cases.

mod common;
mod ops_support;

use devarray::num_complex::Complex32;
use devarray::{Array, AxisSlice, DType, Device, Result, UnaryOp};
use ops_support::{check, compare_arrays, expect_error, report, tolerance_for, Oracle, Tolerance, APPROX_UNARY};

/// Every unary op on every dtype: NaN, ±inf, ±0, subnormals, integer extremes, halfway cases
/// for `round`, and random values; complex inputs combine special parts (±0, ±1, ±inf, NaN,
/// the overflow and underflow thresholds) and random values of every magnitude. Complex
/// transcendental results are within `ULP_COMPLEX` (8) ulp of NumPy per part, complex
/// refusals (`floor`, `signbit`, …) are `UnsupportedDType` errors.
fn unary_ops_match_numpy(dev: &Device) -> Result<()> {
    let oracle = Oracle::get("unary.bin");
    let mut failures = Vec::new();
    for key in oracle.keys("in/") {
        let tag = &key[3..];
        let x = oracle.array(key, dev);
        for &op in UnaryOp::ALL {
            let tol = if APPROX_UNARY.contains(&op.name()) { Tolerance::Libm } else { Tolerance::Exact };
            let tol = tolerance_for(op.name(), x.dtype(), tol);
            if let Err(e) = check(x.unary(op), oracle, &format!("unary/{op}/{tag}"), tol) {
                failures.push(e);
            }
        }
    }
    report("unary ops vs NumPy", failures);
    Ok(())
}

/// Every dtype to every dtype (saturating float → int, single rounding to 16-bit floats).
fn casts_match_numpy(dev: &Device) -> Result<()> {
    let oracle = Oracle::get("unary.bin");
    let mut failures = Vec::new();
    for key in oracle.keys("in/") {
        let src = &key[3..];
        let x = oracle.array(key, dev);
        for dst in DType::ALL {
            if let Err(e) = check(x.astype(dst), oracle, &format!("cast/{src}/{}", dst.tag()), Tolerance::Exact) {
                failures.push(e);
            }
        }
    }
    report("casts vs NumPy", failures);
    Ok(())
}

/// Views of a 4×6 base: transposed, flipped (negative strides), stepped with an offset,
/// broadcast, 0-d, empty, size 1.
fn views(dev: &Device, dtype: DType) -> Result<Vec<(&'static str, Array)>> {
    let base = Array::arange(-11.0, 13.0, 1.0, DType::F64, dev)?.multiply(0.75)?.astype(dtype)?.reshape(&[4, 6])?;
    Ok(vec![
        ("contiguous", base.clone()),
        ("transposed", base.transpose()),
        ("flipped", base.flip(Some(&[1]))?),
        ("stepped", base.slice(&[AxisSlice::range(1, None, 2), AxisSlice::range(5, 0, -2)])?),
        ("broadcast", base.slice(&[AxisSlice::Index(2)])?.broadcast_to(&[3, 6])?),
        ("column", base.slice(&[AxisSlice::FULL, AxisSlice::range(2, 3, 1)])?),
        ("0-d", base.slice(&[AxisSlice::Index(1), AxisSlice::Index(4)])?),
        ("empty", base.slice(&[AxisSlice::range(2, 2, 1)])?),
        ("size-1", base.slice(&[AxisSlice::range(3, 4, 1), AxisSlice::range(0, 1, 1)])?),
    ])
}

/// An op on a view gives exactly what it gives on the view's contiguous copy.
fn unary_on_views_matches_contiguous(dev: &Device) -> Result<()> {
    let mut failures = Vec::new();
    for dtype in [DType::F32, DType::F16, DType::I16, DType::U8, DType::Bool] {
        for (name, v) in views(dev, dtype)? {
            for op in
                [UnaryOp::Exp, UnaryOp::Negative, UnaryOp::IsNan, UnaryOp::Abs, UnaryOp::LogicalNot, UnaryOp::Round]
            {
                let Ok(expected) = v.contiguous()?.unary(op) else { continue };
                let got = v.unary(op)?;
                assert!(got.is_contiguous());
                if let Err(e) = compare_arrays(&got, &expected, Tolerance::Exact) {
                    failures.push(format!("{op} on {name} {dtype}: {e}"));
                }
            }
            for to in [DType::F64, DType::I8, DType::Bool, DType::BF16] {
                let got = v.astype(to)?;
                if let Err(e) = compare_arrays(&got, &v.contiguous()?.astype(to)?, Tolerance::Exact) {
                    failures.push(format!("astype({to}) on {name} {dtype}: {e}"));
                }
            }
        }
    }
    report("unary ops on views", failures);
    Ok(())
}

fn unary_dtype_rules_and_errors(dev: &Device) -> Result<()> {
    let f = Array::from_slice(&[1.0f32, -2.0], &[2], dev)?;
    let b = Array::from_slice(&[true, false], &[2], dev)?;
    let i = Array::from_slice(&[3i32, -4], &[2], dev)?;
    let outcomes = [
        expect_error(f.bitwise_invert(), "UnsupportedDType"),
        expect_error(b.negative(), "UnsupportedDType"),
        expect_error(b.sign(), "UnsupportedDType"),
    ];
    report("unary errors", outcomes.into_iter().filter_map(|r| r.err()).collect());
    assert_eq!(i.sqrt()?.dtype(), DType::F64, "int32 promotes like NumPy");
    assert_eq!(b.sqrt()?.dtype(), DType::F16);
    assert_eq!(i.floor()?.to_vec::<i32>()?, vec![3, -4], "rounding is the identity on integers");
    assert_eq!(i.reciprocal()?.to_vec::<f64>()?, vec![1.0 / 3.0, -0.25]);
    assert_eq!(b.abs()?.to_vec::<bool>()?, vec![true, false]);
    // Complex: abs is real (overflow-safe), conj negates the imaginary part and is a copy for
    // real dtypes, the ordering ops refuse.
    let z = Array::from_slice(&[Complex32::new(3e30, -4e30), Complex32::new(-0.0, 2.0)], &[2], dev)?;
    assert_eq!(z.abs()?.dtype(), DType::F32);
    assert_eq!(z.abs()?.to_vec::<f32>()?, vec![5e30, 2.0]);
    assert_eq!(z.conj()?.to_vec::<Complex32>()?, vec![Complex32::new(3e30, 4e30), Complex32::new(-0.0, -2.0)]);
    assert_eq!(f.conj()?.to_vec::<f32>()?, vec![1.0, -2.0]);
    assert_eq!(z.sqrt()?.dtype(), DType::C64);
    assert_eq!(z.isfinite()?.to_vec::<bool>()?, vec![true, true]);
    let complex_refusals = [
        expect_error(z.floor(), "UnsupportedDType"),
        expect_error(z.signbit(), "UnsupportedDType"),
        expect_error(z.bitwise_invert(), "UnsupportedDType"),
    ];
    report("complex unary errors", complex_refusals.into_iter().filter_map(|r| r.err()).collect());
    // The result is a new buffer, even for identities.
    let p = f.positive()?;
    p.assign(&Array::zeros(&[2], DType::F32, dev)?)?;
    assert_eq!(f.to_vec::<f32>()?, vec![1.0, -2.0]);
    Ok(())
}

test_on_devices!(
    unary_ops_match_numpy,
    casts_match_numpy,
    unary_on_views_matches_contiguous,
    unary_dtype_rules_and_errors
);
