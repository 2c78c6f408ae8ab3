//! Binary ops, scalars, mixed dtypes, `where` and `clip` against the NumPy oracle
//! (`tools/gen_oracle.py`), on every device, plus broadcasting, layouts and errors.

mod common;
mod ops_support;

use devarray::num_complex::{Complex32, Complex64};
use devarray::{Array, AxisSlice, BinaryOp, DType, Device, Operand, Result, Scalar};
use ops_support::{check, compare_arrays, expect_error, report, tolerance_for, Oracle, Tolerance, APPROX_BINARY};

/// Every binary op on every dtype: specials crossed with specials (NaN, ±inf, ±0, integer
/// extremes, division by zero, shifts past the width; complex parts near the overflow and
/// underflow thresholds) and random pairs. Complex `multiply`, `divide`, `pow` are within
/// `ULP_COMPLEX` (8) ulp of NumPy per part; ops without a complex meaning (`maximum`,
/// `less`, `floor_divide`, bitwise, …) refuse complex with `UnsupportedDType`.
fn binary_ops_match_numpy(dev: &Device) -> Result<()> {
    let oracle = Oracle::get("binary.bin");
    let mut failures = Vec::new();
    for key in oracle.keys("a/") {
        let tag = &key[2..];
        let (a, b) = (oracle.array(key, dev), oracle.array(&format!("b/{tag}"), dev));
        for &op in BinaryOp::ALL {
            let tol = match op {
                _ if APPROX_BINARY.contains(&op.name()) => Tolerance::Libm,
                // NumPy's sign of a zero result depends on its loop (float16 keeps the first
                // operand on ties, the SIMD float32/64 loops the second).
                BinaryOp::Maximum | BinaryOp::Minimum => Tolerance::ZeroSign,
                _ => Tolerance::Exact,
            };
            let tol = tolerance_for(op.name(), a.dtype(), tol);
            if let Err(e) = check(Array::binary(op, &a, &b), oracle, &format!("binary/{op}/{tag}"), tol) {
                failures.push(e);
            }
        }
    }
    report("binary ops vs NumPy", failures);
    Ok(())
}

/// The scalar `kind:value` of an oracle key.
fn parse_scalar(text: &str) -> Scalar {
    let (kind, value) = text.split_once(':').expect("kind:value");
    match kind {
        "int" => Scalar::Int(value.parse().unwrap()),
        "uint" => Scalar::UInt(value.parse().unwrap()),
        "float" => Scalar::Float(value.parse().unwrap()),
        _ => Scalar::Bool(value == "True"),
    }
}

/// Array ⊕ scalar and scalar ⊕ array with NEP 50 weak scalars, including out-of-range integers
/// (errors, except in comparisons).
fn scalar_operands_match_numpy(dev: &Device) -> Result<()> {
    let oracle = Oracle::get("promote.bin");
    let mut failures = Vec::new();
    for key in oracle.keys("scalar/") {
        let parts: Vec<&str> = key.split('/').collect();
        let (op, tag, s) = (parts[1], parts[2], parse_scalar(parts[3]));
        let x = oracle.array(&format!("scalar_in/{tag}"), dev);
        let result = match op.strip_prefix('r') {
            Some(name) => Array::binary(BinaryOp::from_name(name).unwrap(), s, &x),
            None => Array::binary(BinaryOp::from_name(op).unwrap(), &x, s),
        };
        if let Err(e) = check(result, oracle, key, Tolerance::Exact) {
            failures.push(e);
        }
    }
    report("scalar operands vs NumPy", failures);
    Ok(())
}

/// Every pair of dtypes through `add`, `subtract`, `multiply`, `divide`, `maximum`, `less`,
/// `equal`: the promotion table in action.
fn mixed_dtypes_match_numpy(dev: &Device) -> Result<()> {
    let oracle = Oracle::get("promote.bin");
    let mut failures = Vec::new();
    for key in oracle.keys("mixed/") {
        let parts: Vec<&str> = key.split('/').collect();
        let a = oracle.array(&format!("mixed_a/{}", parts[2]), dev);
        let b = oracle.array(&format!("mixed_b/{}", parts[3]), dev);
        let op = BinaryOp::from_name(parts[1]).unwrap();
        if let Err(e) = check(Array::binary(op, &a, &b), oracle, key, Tolerance::Exact) {
            failures.push(e);
        }
    }
    report("mixed dtypes vs NumPy", failures);
    Ok(())
}

fn where_and_clip_match_numpy(dev: &Device) -> Result<()> {
    let oracle = Oracle::get("promote.bin");
    let mut failures = Vec::new();
    let cond = oracle.array("where_cond", dev);
    for ta in DType::REAL {
        for tb in DType::REAL {
            let a = Array::arange(1.0, 7.0, 1.0, ta, dev)?;
            let b = Array::arange(7.0, 13.0, 1.0, tb, dev)?;
            let key = format!("where/{}/{}", ta.tag(), tb.tag());
            failures.extend(check(Array::where_(&cond, &a, &b), oracle, &key, Tolerance::Exact).err());
        }
    }
    for tag in DType::REAL.map(DType::tag) {
        let x = oracle.array(&format!("clip_x/scalar/{tag}"), dev);
        let bounds = oracle.array(&format!("clip_bounds/{tag}"), &Device::Cpu).to_vec::<f64>()?;
        let scalar = |v: f64| {
            if tag == "bool" {
                Scalar::Bool(v != 0.0)
            } else if tag.starts_with(['i', 'u']) {
                Scalar::Int(v as i64)
            } else {
                Scalar::Float(v)
            }
        };
        let got = x.clip(scalar(bounds[0]), scalar(bounds[1]));
        failures.extend(check(got, oracle, &format!("clip/scalar/{tag}"), Tolerance::ZeroSign).err());
        if tag != "bool" {
            let x = oracle.array(&format!("clip_x/array/{tag}"), dev);
            let (lo, hi) = (oracle.array(&format!("clip_lo/{tag}"), dev), oracle.array(&format!("clip_hi/{tag}"), dev));
            failures.extend(check(x.clip(&lo, &hi), oracle, &format!("clip/array/{tag}"), Tolerance::ZeroSign).err());
        }
    }
    report("where/clip vs NumPy", failures);
    Ok(())
}

/// Broadcasting against the same op on explicitly materialised operands.
fn broadcasting_matches_materialised(dev: &Device) -> Result<()> {
    let cases: [(&[usize], &[usize]); 6] =
        [(&[3, 1], &[4]), (&[1], &[2, 3]), (&[2, 1, 4], &[3, 1]), (&[], &[5]), (&[0, 3], &[1]), (&[2, 3], &[2, 3])];
    let mut failures = Vec::new();
    for (sa, sb) in cases {
        let a = Array::arange(0.0, sa.iter().product::<usize>() as f64, 1.0, DType::I32, dev)?.reshape(sa)?;
        let b = Array::arange(1.0, 1.0 + sb.iter().product::<usize>() as f64, 1.0, DType::F32, dev)?.reshape(sb)?;
        let shape = devarray::broadcast_shapes(sa, sb)?;
        let got = a.multiply(&b)?;
        let expected = a.broadcast_to(&shape)?.contiguous()?.multiply(&b.broadcast_to(&shape)?.contiguous()?)?;
        assert_eq!(got.shape(), shape.as_slice());
        failures
            .extend(compare_arrays(&got, &expected, Tolerance::Exact).err().map(|e| format!("{sa:?} * {sb:?}: {e}")));
    }
    report("broadcasting", failures);
    Ok(())
}

/// Views (transposed, flipped, stepped with an offset, broadcast, 0-d, empty) against their
/// contiguous copies, with a differently strided array and with scalars on either side.
fn binary_on_views_matches_contiguous(dev: &Device) -> Result<()> {
    let base = Array::arange(-12.0, 12.0, 1.0, DType::F32, dev)?.reshape(&[4, 6])?;
    let views = [
        base.transpose(),
        base.flip(None)?.transpose(),
        base.slice(&[AxisSlice::range(1, None, 2), AxisSlice::range(None, None, -3)])?,
        base.slice(&[AxisSlice::Index(1)])?.broadcast_to(&[4, 6])?,
        base.slice(&[AxisSlice::Index(2), AxisSlice::Index(3)])?,
        base.slice(&[AxisSlice::range(1, 1, 1)])?,
    ];
    let mut failures = Vec::new();
    for (i, v) in views.iter().enumerate() {
        let w = v.flip(None)?;
        for op in [BinaryOp::Subtract, BinaryOp::Less, BinaryOp::FloorDivide, BinaryOp::Maximum] {
            let cases: [(Operand, Operand, Array); 3] = [
                (v.into(), (&w).into(), Array::binary(op, &v.contiguous()?, &w.contiguous()?)?),
                (v.into(), 2.5.into(), Array::binary(op, &v.contiguous()?, 2.5)?),
                (2.5.into(), v.into(), Array::binary(op, 2.5, &v.contiguous()?)?),
            ];
            for (k, (lhs, rhs, expected)) in cases.into_iter().enumerate() {
                let got = Array::binary(op, lhs, rhs)?;
                failures.extend(
                    compare_arrays(&got, &expected, Tolerance::Exact)
                        .err()
                        .map(|e| format!("view {i} case {k} {op}: {e}")),
                );
            }
        }
    }
    report("binary ops on views", failures);
    Ok(())
}

fn binary_errors(dev: &Device) -> Result<()> {
    let f = Array::ones(&[3], DType::F32, dev)?;
    let u = Array::ones(&[3], DType::U8, dev)?;
    let b = Array::ones(&[3], DType::Bool, dev)?;
    let g = Array::ones(&[2, 4], DType::F32, dev)?;
    let outcomes = [
        expect_error(f.add(&g), "ShapeMismatch"),
        expect_error(f.bitwise_and(&f), "UnsupportedDType"),
        expect_error(f.bitwise_left_shift(1), "UnsupportedDType"),
        expect_error(b.bitwise_left_shift(&b), "UnsupportedDType"),
        expect_error(b.subtract(&b), "UnsupportedDType"),
        expect_error(u.add(300), "InvalidArgument"),
        expect_error(u.subtract(-1), "InvalidArgument"),
        expect_error(Array::binary(BinaryOp::Add, 1, 2), "InvalidArgument"),
        expect_error(Array::where_(&b, &f, &g), "ShapeMismatch"),
        expect_error(u.clip(300, 400), "InvalidArgument"),
    ];
    report("binary errors", outcomes.into_iter().filter_map(|r| r.err()).collect());
    // Out-of-range integers compare mathematically, like NumPy 2.
    assert_eq!(u.less(300)?.to_vec::<bool>()?, vec![true; 3]);
    assert_eq!(u.equal(-1)?.to_vec::<bool>()?, vec![false; 3]);
    assert_eq!(Array::binary(BinaryOp::Greater, -1, &u)?.to_vec::<bool>()?, vec![false; 3]);
    // A clip bound that cannot bind is dropped.
    assert_eq!(u.clip(-5, 300)?.to_vec::<u8>()?, vec![1; 3]);
    Ok(())
}

/// Complex operands: promotion with real arrays and scalars (NEP 50: a complex scalar keeps a
/// float32 array single precision), complex scalars in logical ops, refusals.
fn complex_binary_rules(dev: &Device) -> Result<()> {
    let z = Array::from_slice(&[Complex32::new(1.0, 2.0), Complex32::new(0.0, 0.0)], &[2], dev)?;
    let f = Array::from_slice(&[2.0f32, 0.0], &[2], dev)?;
    let d = Array::from_slice(&[2.0f64, 0.0], &[2], dev)?;
    let i = Array::from_slice(&[2i16, 0], &[2], dev)?;
    assert_eq!(z.multiply(&f)?.to_vec::<Complex32>()?, vec![Complex32::new(2.0, 4.0), Complex32::new(0.0, 0.0)]);
    assert_eq!(z.add(&d)?.dtype(), DType::C128);
    assert_eq!(z.add(&i)?.dtype(), DType::C64);
    let j = Scalar::Complex(Complex64::new(0.0, 1.0));
    let r = Array::binary(BinaryOp::Multiply, &f, j)?;
    assert_eq!(r.dtype(), DType::C64);
    assert_eq!(r.to_vec::<Complex32>()?, vec![Complex32::new(0.0, 2.0), Complex32::new(0.0, 0.0)]);
    assert_eq!(Array::binary(BinaryOp::Add, &i, j)?.dtype(), DType::C128);
    // `1j` is true although its real part is 0.
    assert_eq!(f.logical_and(j)?.to_vec::<bool>()?, vec![true, false]);
    assert_eq!(z.logical_or(0.0)?.to_vec::<bool>()?, vec![true, false]);
    assert_eq!(z.equal(Complex64::new(1.0, 2.0))?.to_vec::<bool>()?, vec![true, false]);
    assert_eq!(z.divide(2)?.to_vec::<Complex32>()?, vec![Complex32::new(0.5, 1.0), Complex32::new(0.0, 0.0)]);
    // where promotes like arithmetic; clip needs an order.
    let cond = Array::from_slice(&[true, false], &[2], dev)?;
    let w = Array::where_(&cond, &z, &f)?;
    assert_eq!(w.to_vec::<Complex32>()?, vec![Complex32::new(1.0, 2.0), Complex32::new(0.0, 0.0)]);
    assert_eq!(Array::where_(&cond, &z, &d)?.dtype(), DType::C128);
    let outcomes = [
        expect_error(z.clip(0.0, 1.0), "UnsupportedDType"),
        expect_error(z.less(&f), "UnsupportedDType"),
        expect_error(z.maximum(&z), "UnsupportedDType"),
        expect_error(z.floor_divide(&z), "UnsupportedDType"),
        expect_error(z.remainder(2), "UnsupportedDType"),
        expect_error(z.atan2(&f), "UnsupportedDType"),
        expect_error(z.bitwise_and(&z), "UnsupportedDType"),
        expect_error(f.hypot(j), "UnsupportedDType"),
    ];
    report("complex binary errors", outcomes.into_iter().filter_map(|r| r.err()).collect());
    Ok(())
}

/// devarray's documented rule for negative integer exponents (NumPy raises).
fn integer_pow_with_negative_exponents(dev: &Device) -> Result<()> {
    let base = Array::from_slice(&[1i32, -1, -1, 2, 0, -7], &[6], dev)?;
    let exp = Array::from_slice(&[-3i32, -3, -2, -1, -1, -2], &[6], dev)?;
    assert_eq!(base.pow(&exp)?.to_vec::<i32>()?, vec![1, -1, 1, 0, 0, 0]);
    Ok(())
}

/// `result_type` and `can_cast` for every pair against NumPy (and ml_dtypes for the bfloat16
/// pairs it defines; the others follow the table documented on `result_type`).
#[test]
fn promotion_table_matches_numpy() -> Result<()> {
    let oracle = Oracle::get("promote.bin");
    let table = oracle.array("result_type", &Device::Cpu).to_vec::<u8>()?;
    let safe = oracle.array("can_cast", &Device::Cpu).to_vec::<bool>()?;
    let mut failures = Vec::new();
    for (i, a) in DType::REAL.into_iter().enumerate() {
        for (j, b) in DType::REAL.into_iter().enumerate() {
            let expected = DType::REAL[table[i * 13 + j] as usize];
            if devarray::result_type(a, b) != expected {
                failures.push(format!("result_type({a}, {b}) = {}, expected {expected}", devarray::result_type(a, b)));
            }
            if devarray::can_cast(a, b) != safe[i * 13 + j] {
                failures.push(format!("can_cast({a}, {b}) should be {}", safe[i * 13 + j]));
            }
        }
    }
    report("promotion table", failures);
    Ok(())
}

test_on_devices!(
    binary_ops_match_numpy,
    scalar_operands_match_numpy,
    mixed_dtypes_match_numpy,
    where_and_clip_match_numpy,
    broadcasting_matches_materialised,
    binary_on_views_matches_contiguous,
    binary_errors,
    integer_pow_with_negative_exponents,
    complex_binary_rules,
);
