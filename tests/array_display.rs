//! `Array::display`: NumPy's layout and float text (expected strings from NumPy 2.4's
//! `np.array2string(x, separator=', ')`), on every device: the summarised corners are gathered
//! on the device, from any strides.

mod common;

use devarray::{Array, DType, Device, PrintOptions};

fn shown(a: &Array) -> devarray::Result<String> {
    Ok(a.display()?.to_string())
}

fn f64s(v: &[f64], dev: &Device) -> devarray::Result<Array> {
    Array::from_slice(v, &[v.len()], dev)
}

fn floats_like_numpy(dev: &Device) -> devarray::Result<()> {
    assert_eq!(shown(&f64s(&[0.0, -0.0, 1.0, 0.5], dev)?)?, "[ 0. , -0. ,  1. ,  0.5]");
    assert_eq!(shown(&f64s(&[1e-30, 1e30], dev)?)?, "[1.e-30, 1.e+30]");
    assert_eq!(shown(&f64s(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5], dev)?)?, "[ nan,  inf, -inf,  1.5]");
    assert_eq!(shown(&f64s(&[123456.789, 0.1], dev)?)?, "[1.23456789e+05, 1.00000000e-01]");
    assert_eq!(shown(&f64s(&[1e-300, 1.0], dev)?)?, "[1.e-300, 1.e+000]");
    let f32s = Array::from_slice(&[1e6f32, 1.0], &[2], dev)?;
    assert_eq!(shown(&f32s)?, "[1.e+06, 1.e+00]");
    let f16s = Array::from_slice(&[half::f16::from_f32(0.1), half::f16::from_f32(100.0)], &[2], dev)?;
    assert_eq!(shown(&f16s)?, "[  0.1, 100. ]");
    let sevenths = Array::arange(0.0, 40.0, 1.0, DType::F64, dev)?.divide(7.0)?;
    let want = "[0.        , 0.14285714, 0.28571429, 0.42857143, 0.57142857, 0.71428571,\n 0.85714286, 1.        , 1.14285714, 1.28571429, 1.42857143, 1.57142857,\n 1.71428571, 1.85714286, 2.        , 2.14285714, 2.28571429, 2.42857143,\n 2.57142857, 2.71428571, 2.85714286, 3.        , 3.14285714, 3.28571429,\n 3.42857143, 3.57142857, 3.71428571, 3.85714286, 4.        , 4.14285714,\n 4.28571429, 4.42857143, 4.57142857, 4.71428571, 4.85714286, 5.        ,\n 5.14285714, 5.28571429, 5.42857143, 5.57142857]";
    assert_eq!(shown(&sevenths)?, want);
    Ok(())
}

fn ints_bools_and_0d(dev: &Device) -> devarray::Result<()> {
    assert_eq!(shown(&Array::from_slice(&[-5i64, 100, 7], &[3], dev)?)?, "[ -5, 100,   7]");
    assert_eq!(shown(&Array::from_slice(&[true, false], &[2], dev)?)?, "[ True, False]");
    assert_eq!(shown(&Array::full(&[], true, DType::Bool, dev)?)?, "True");
    let one = Array::full(&[], 1.0, DType::F64, dev)?;
    assert_eq!(shown(&one)?, "1.");
    assert_eq!(one.display()?.str_style().to_string(), "1.0");
    assert_eq!(shown(&Array::zeros(&[0], DType::F32, dev)?)?, "[]");
    assert_eq!(shown(&Array::zeros(&[2, 0, 3], DType::I8, dev)?)?, "[]");
    assert_eq!(shown(&Array::full(&[1], 7, DType::U64, dev)?)?, "[7]");
    let cube = Array::arange(0.0, 30.0, 1.0, DType::F64, dev)?.reshape(&[2, 3, 5])?;
    let want = "[[[ 0.,  1.,  2.,  3.,  4.],\n  [ 5.,  6.,  7.,  8.,  9.],\n  [10., 11., 12., 13., 14.]],\n\n [[15., 16., 17., 18., 19.],\n  [20., 21., 22., 23., 24.],\n  [25., 26., 27., 28., 29.]]]";
    assert_eq!(shown(&cube)?, want);
    Ok(())
}

fn summarised_past_the_threshold(dev: &Device) -> devarray::Result<()> {
    let a = Array::arange(0.0, 1001.0, 1.0, DType::F64, dev)?;
    assert_eq!(shown(&a)?, "[   0.,    1.,    2., ...,  998.,  999., 1000.]");
    assert_eq!(shown(&a.slice(&[devarray::AxisSlice::range(None, 1000, 1)])?)?.matches(',').count(), 999);
    let m = Array::arange(0.0, 10000.0, 1.0, DType::I64, dev)?.reshape(&[100, 100])?;
    let want = "[[   0,    1,    2, ...,   97,   98,   99],\n [ 100,  101,  102, ...,  197,  198,  199],\n [ 200,  201,  202, ...,  297,  298,  299],\n ...,\n [9700, 9701, 9702, ..., 9797, 9798, 9799],\n [9800, 9801, 9802, ..., 9897, 9898, 9899],\n [9900, 9901, 9902, ..., 9997, 9998, 9999]]";
    assert_eq!(shown(&m)?, want);
    // The same corners from a transposed, flipped view (strides negative and non-unit).
    let tf = m.transpose().flip(Some(&[0]))?;
    let first = tf.display()?.to_string();
    assert!(first.starts_with("[[  99,  199,  299, ..., 9799, 9899, 9999],\n [  98,  198,"), "{first}");
    // A broadcast (zero-stride, read-only) view prints its repeated rows.
    let rows = Array::ones(&[3], DType::F32, dev)?.broadcast_to(&[2000, 3])?;
    let want = "[[1., 1., 1.],\n [1., 1., 1.],\n [1., 1., 1.],\n ...,\n [1., 1., 1.],\n [1., 1., 1.],\n [1., 1., 1.]]";
    assert_eq!(shown(&rows)?, want);
    // Options: threshold, edgeitems, precision, linewidth, suppress.
    let mut o = PrintOptions::default();
    o.threshold = 5;
    o.edgeitems = 1;
    let small = Array::arange(0.0, 12.0, 1.0, DType::I32, dev)?.reshape(&[3, 4])?;
    assert_eq!(small.display_with(&o)?.to_string(), "[[ 0, ...,  3],\n ...,\n [ 8, ..., 11]]");
    o = PrintOptions::default();
    o.precision = 3;
    assert_eq!(f64s(&[1.0 / 3.0, 2.0 / 3.0], dev)?.display_with(&o)?.to_string(), "[0.333, 0.667]");
    o.linewidth = 9;
    let three = Array::arange(0.0, 3.0, 1.0, DType::I32, dev)?;
    assert_eq!(three.display_with(&o)?.to_string(), "[0, 1, 2]");
    assert_eq!(three.display_with(&o)?.suffix(")").to_string(), "[0, 1,\n 2]");
    o = PrintOptions::default();
    o.suppress = true;
    assert_eq!(f64s(&[1e-10, 1.0], dev)?.display_with(&o)?.to_string(), "[0., 1.]");
    Ok(())
}

fn every_dtype_prints(dev: &Device) -> devarray::Result<()> {
    let base = Array::arange(0.0, 6.0, 1.0, DType::F64, dev)?.reshape(&[2, 3])?;
    for &dt in DType::ALL.iter() {
        let text = base.astype(dt)?.display()?.to_string();
        let want = match dt {
            DType::Bool => "[[False,  True,  True],\n [ True,  True,  True]]",
            DType::F16 | DType::F32 | DType::F64 => "[[0., 1., 2.],\n [3., 4., 5.]]",
            DType::C64 | DType::C128 => "[[0.+0.j, 1.+0.j, 2.+0.j],\n [3.+0.j, 4.+0.j, 5.+0.j]]",
            _ => "[[0, 1, 2],\n [3, 4, 5]]",
        };
        assert_eq!(text, want, "{dt}");
        // Debug never shows values.
        let dbg = format!("{:?}", base.astype(dt)?);
        assert!(dbg.contains("shape: [2, 3]") && !dbg.contains('5'), "{dbg}");
    }
    Ok(())
}

test_on_devices!(floats_like_numpy, ints_bools_and_0d, summarised_past_the_threshold, every_dtype_prints);
