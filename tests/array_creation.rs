//! Creation functions and explicit transfers, for every dtype, against values computed
//! independently (by hand or with `ndarray`).

mod common;

use devarray::{dispatch_dtype, Array, DType, Device, Element, Error, Scalar};
use half::{bf16, f16};

fn zeros_ones_full_every_dtype(dev: &Device) -> devarray::Result<()> {
    for dtype in DType::ALL {
        dispatch_dtype!(dtype, T => {
            for shape in [&[][..], &[0][..], &[1][..], &[3, 0, 2][..], &[2, 3][..], &[5, 1, 7][..]] {
                let n: usize = shape.iter().product();
                let z = Array::zeros(shape, dtype, dev)?;
                assert_eq!((z.shape(), z.dtype(), z.device()), (shape, dtype, *dev));
                assert_eq!(z.to_vec::<T>()?, vec![T::from_scalar(Scalar::Int(0)); n]);
                let o = Array::ones(shape, dtype, dev)?;
                assert_eq!(o.to_vec::<T>()?, vec![T::from_scalar(Scalar::Int(1)); n]);
                let f = Array::full(shape, 7, dtype, dev)?;
                assert_eq!(f.to_vec::<T>()?, vec![T::from_scalar(Scalar::Int(7)); n]);
                let e = Array::empty(shape, dtype, dev)?;
                assert_eq!((e.shape(), e.numel(), e.nbytes()), (shape, n, n * dtype.itemsize()));
                for like in [Array::zeros_like(&f)?, Array::ones_like(&f)?, Array::full_like(&f, 3)?, Array::empty_like(&f)?] {
                    assert_eq!((like.shape(), like.dtype(), like.device()), (shape, dtype, *dev));
                }
                assert_eq!(Array::full_like(&f, 3)?.to_vec::<T>()?, vec![T::from_scalar(Scalar::Int(3)); n]);
            }
        });
    }
    Ok(())
}

fn full_converts_like_numpy(dev: &Device) -> devarray::Result<()> {
    // np.full(2, 300, dtype=np.int64).astype(np.uint8) == 44; np.float16(70000) == inf.
    assert_eq!(Array::full(&[2], 300, DType::U8, dev)?.to_vec::<u8>()?, vec![44, 44]);
    assert_eq!(Array::full(&[1], 70000.0, DType::F16, dev)?.item::<f16>()?, f16::INFINITY);
    assert_eq!(Array::full(&[1], -2.7, DType::I16, dev)?.item::<i16>()?, -2);
    assert!(Array::full(&[1], f64::NAN, DType::Bool, dev)?.item::<bool>()?);
    assert_eq!(Array::full(&[1], 1.0 / 3.0, DType::BF16, dev)?.item::<bf16>()?, bf16::from_f64(1.0 / 3.0));
    assert!(Array::full(&[1], f64::NAN, DType::F32, dev)?.item::<f32>()?.is_nan());
    Ok(())
}

/// One scalar → element rule: `full` (which converts its scalar on the host) and `astype` of the
/// same value held in its natural dtype (the cast kernels) agree bit for bit, on values where
/// plain `as` casts and NumPy's rule differ (double rounding through `f64` or `f32`, `half`'s
/// truncating `from_f64`), and on saturation, wrapping and NaN.
fn full_agrees_with_astype(dev: &Device) -> devarray::Result<()> {
    let p = |e: i32| 2f64.powi(e);
    let floats =
        [1.0 + p(-11) + p(-40), 1.0 + p(-8) + p(-30), 1.0 / 3.0, -2.7, 300.5, 7e4, 1e20, -1e20, f64::NAN, -0.0];
    let big = (1i64 << 60) + (1 << 36) + 1; // halfway for f32 only after rounding to f64 first
    let ints = [big, -big, 300, -1, i64::MIN, (1 << 24) + 1];
    let uints = [u64::MAX, (1u64 << 63) + (1 << 39) + 1];
    let mut cases: Vec<(Scalar, Array)> = Vec::new();
    for v in floats {
        cases.push((Scalar::Float(v), Array::from_slice(&[v], &[1], dev)?));
    }
    for v in ints {
        cases.push((Scalar::Int(v), Array::from_slice(&[v], &[1], dev)?));
    }
    for v in uints {
        cases.push((Scalar::UInt(v), Array::from_slice(&[v], &[1], dev)?));
    }
    cases.push((Scalar::Bool(true), Array::from_slice(&[true], &[1], dev)?));
    for dtype in DType::ALL {
        dispatch_dtype!(dtype, T => {
            for (s, src) in &cases {
                let filled = Array::full(&[1], *s, dtype, dev)?.to_vec::<T>()?;
                let cast = src.astype(dtype)?.to_vec::<T>()?;
                assert_eq!(format!("{filled:?}"), format!("{cast:?}"), "{s:?} to {dtype}");
                assert_eq!(format!("{:?}", [s.to_element::<T>()]), format!("{cast:?}"), "{s:?} to {dtype}");
            }
        });
    }
    Ok(())
}

fn arange_matches_ndarray(dev: &Device) -> devarray::Result<()> {
    let cases = [(0.0, 10.0, 1.0), (0.0, 1.0, 0.1), (5.0, -5.0, -1.5), (3.0, 3.0, 1.0), (0.0, 2.0, 3.0)];
    for (start, stop, step) in cases {
        let expected = ndarray::Array1::range(start, stop, step);
        let got = Array::arange(start, stop, step, DType::F64, dev)?.to_vec::<f64>()?;
        assert_eq!(got.len(), expected.len(), "arange({start}, {stop}, {step})");
        for (g, e) in got.iter().zip(expected.iter()) {
            assert!((g - e).abs() <= 1e-12 * e.abs().max(1.0), "{g} vs {e}");
        }
    }
    // A step pointing away from stop gives no elements (NumPy: np.arange(2, 0, 1).size == 0).
    assert_eq!(Array::arange(2.0, 0.0, 1.0, DType::F64, dev)?.shape(), &[0]);
    assert_eq!(Array::arange(0.0, 5.0, 2.0, DType::U8, dev)?.to_vec::<u8>()?, vec![0, 2, 4]);
    for bad in [(0.0, 1.0, 0.0), (0.0, f64::INFINITY, 1.0), (f64::NAN, 1.0, 1.0)] {
        assert!(matches!(Array::arange(bad.0, bad.1, bad.2, DType::F32, dev), Err(Error::InvalidArgument { .. })));
    }
    assert!(matches!(Array::arange(0.0, 1e300, 1e-300, DType::F32, dev), Err(Error::SizeOverflow { .. })));
    Ok(())
}

fn linspace_matches_ndarray(dev: &Device) -> devarray::Result<()> {
    for num in [0usize, 1, 2, 7, 50] {
        let expected = ndarray::Array1::linspace(-1.0, 3.0, num);
        let got = Array::linspace(-1.0, 3.0, num, true, DType::F64, dev)?.to_vec::<f64>()?;
        assert_eq!(got.len(), num);
        for (g, e) in got.iter().zip(expected.iter()) {
            assert!((g - e).abs() <= 1e-12, "{g} vs {e}");
        }
        if num > 1 {
            assert_eq!(got[num - 1], 3.0, "endpoint is exact");
        }
    }
    // endpoint=false: np.linspace(0, 1, 5, endpoint=False) == [0, .2, .4, .6, .8]
    let got = Array::linspace(0.0, 1.0, 5, false, DType::F32, dev)?.to_vec::<f32>()?;
    assert_eq!(got, vec![0.0, 0.2, 0.4, 0.6, 0.8]);
    Ok(())
}

fn eye_matches_ndarray(dev: &Device) -> devarray::Result<()> {
    for (r, c) in [(0usize, 0usize), (1, 1), (3, 3), (2, 5), (5, 2)] {
        for k in -6isize..=6 {
            let mut expected = ndarray::Array2::<i32>::zeros((r, c));
            for i in 0..r {
                let j = i as isize + k;
                if j >= 0 && (j as usize) < c {
                    expected[[i, j as usize]] = 1;
                }
            }
            let got = Array::eye(r, c, k, DType::I32, dev)?.to_ndarray::<i32>()?;
            assert_eq!(got, expected.into_dyn(), "eye({r}, {c}, {k})");
        }
    }
    assert_eq!(Array::eye(2, 2, 0, DType::Bool, dev)?.to_vec::<bool>()?, vec![true, false, false, true]);
    Ok(())
}

fn round_trip<T: Element>(values: &[T], dev: &Device) -> devarray::Result<()> {
    let a = Array::from_slice(values, &[values.len()], dev)?;
    assert_eq!(a.dtype(), T::DTYPE);
    assert_eq!(a.to_vec::<T>()?, values);
    let mut host = vec![T::default(); values.len()];
    a.copy_to_host(&mut host)?;
    assert_eq!(host, values);
    Ok(())
}

fn transfers_round_trip_every_dtype(dev: &Device) -> devarray::Result<()> {
    round_trip(&[true, false, true], dev)?;
    round_trip(&[i8::MIN, -1, 0, i8::MAX], dev)?;
    round_trip(&[i16::MIN, 0, i16::MAX], dev)?;
    round_trip(&[i32::MIN, 0, i32::MAX], dev)?;
    round_trip(&[i64::MIN, 0, i64::MAX], dev)?;
    round_trip(&[0u8, 255], dev)?;
    round_trip(&[0u16, u16::MAX], dev)?;
    round_trip(&[0u32, u32::MAX], dev)?;
    round_trip(&[0u64, u64::MAX], dev)?;
    round_trip(&[f16::MIN_POSITIVE_SUBNORMAL, f16::NEG_INFINITY, f16::MAX, f16::from_f32(-0.0)], dev)?;
    round_trip(&[bf16::MIN_POSITIVE, bf16::INFINITY, bf16::from_f32(-3.5)], dev)?;
    round_trip(&[f32::MIN_POSITIVE, -0.0, f32::MAX, f32::EPSILON], dev)?;
    round_trip(&[f64::MIN, 1e-310, -0.0, f64::MAX], dev)?;
    // NaN payloads survive bit-exactly.
    let nan = f32::from_bits(0x7fc0_1234);
    let back = Array::from_slice(&[nan], &[], dev)?.item::<f32>()?;
    assert_eq!(back.to_bits(), nan.to_bits());
    Ok(())
}

fn transfers_with_ndarray(dev: &Device) -> devarray::Result<()> {
    let h = ndarray::Array::from_shape_fn((3, 4, 2), |(i, j, k)| (i * 100 + j * 10 + k) as i64);
    let a = Array::from_ndarray(&h, dev)?;
    assert_eq!(a.to_ndarray::<i64>()?, h.clone().into_dyn());
    // A non-contiguous ndarray view (transposed and stepped) is copied in logical order.
    let v = h.slice(ndarray::s![..;2, ..;-1, ..]).permuted_axes([2, 0, 1]);
    let b = Array::from_ndarray(&v, dev)?;
    assert!(b.is_contiguous());
    assert_eq!(b.to_ndarray::<i64>()?, v.to_owned().into_dyn());
    // 0-d and 0-size.
    let s = Array::from_ndarray(&ndarray::arr0(2.5f32), dev)?;
    assert_eq!((s.ndim(), s.item::<f32>()?), (0, 2.5));
    let e = Array::from_ndarray(&ndarray::Array2::<u8>::zeros((0, 3)), dev)?;
    assert_eq!(e.to_ndarray::<u8>()?.shape(), &[0, 3]);
    Ok(())
}

fn transfer_errors(dev: &Device) -> devarray::Result<()> {
    let a = Array::from_slice(&[1.0f32, 2.0], &[2], dev)?;
    assert!(matches!(a.to_vec::<f64>(), Err(Error::DTypeMismatch { expected: DType::F64, actual: DType::F32, .. })));
    assert!(matches!(a.item::<f32>(), Err(Error::InvalidArgument { op: "item", .. })));
    let mut short = [0.0f32; 1];
    assert!(matches!(a.copy_to_host(&mut short), Err(Error::HostLength { expected: 2, actual: 1, .. })));
    assert!(matches!(Array::from_slice(&[1u8, 2, 3], &[2, 2], dev), Err(Error::ShapeMismatch { .. })));
    assert!(matches!(Array::from_slice::<u8>(&[], &[usize::MAX, 2], dev), Err(Error::SizeOverflow { .. })));
    assert!(matches!(Array::zeros(&[1 << 61], DType::F64, dev), Err(Error::SizeOverflow { .. })));
    assert!(Array::zeros(&[2], DType::F32, &Device::Cuda(4096)).is_err());
    Ok(())
}

/// Sizes that pass the size checks but that no memory holds (2^60 bytes, beyond any address
/// space) are a typed `OutOfMemory`, as NumPy's `MemoryError`. `arange` and `linspace` build
/// their values on the host; that buffer's failed allocation used to abort the process.
fn creation_beyond_memory_is_an_error(dev: &Device) -> devarray::Result<()> {
    let n = (1u64 << 60) as f64;
    assert!(matches!(Array::arange(0.0, n, 1.0, DType::I8, dev), Err(Error::OutOfMemory { .. })));
    assert!(matches!(Array::linspace(0.0, 1.0, 1 << 60, true, DType::U8, dev), Err(Error::OutOfMemory { .. })));
    assert!(matches!(Array::zeros(&[1 << 60], DType::U8, dev), Err(Error::OutOfMemory { .. })));
    Ok(())
}

fn to_device_round_trip(dev: &Device) -> devarray::Result<()> {
    let a = Array::from_slice(&[1i16, 2, 3, 4, 5, 6], &[2, 3], dev)?;
    let t = a.transpose();
    for target in Device::all() {
        let b = t.to_device(&target)?;
        assert_eq!(b.device(), target);
        assert_eq!(b.shape(), &[3, 2]);
        assert_eq!(b.to_vec::<i16>()?, vec![1, 4, 2, 5, 3, 6]);
        assert_eq!(b.to_device(dev)?.to_vec::<i16>()?, vec![1, 4, 2, 5, 3, 6]);
    }
    Ok(())
}

fn item_and_scalars(dev: &Device) -> devarray::Result<()> {
    let a = Array::full(&[1, 1, 1], -3, DType::I8, dev)?;
    assert_eq!(a.item::<i8>()?, -3);
    assert_eq!(a.item_scalar()?, Scalar::Int(-3));
    assert_eq!(Array::full(&[], true, DType::Bool, dev)?.item_scalar()?, Scalar::Bool(true));
    assert_eq!(Array::full(&[], 9, DType::U64, dev)?.item_scalar()?, Scalar::UInt(9));
    assert!(Array::zeros(&[0], DType::I8, dev)?.item_scalar().is_err());
    Ok(())
}

fn format_values_like_numpy(dev: &Device) -> devarray::Result<()> {
    let a = Array::from_slice(&[1u8, 2, 3, 4, 5, 6, 7, 8], &[2, 2, 2], dev)?;
    // str(np.arange(1, 9).reshape(2, 2, 2)) with NumPy's repr separators.
    assert_eq!(a.format_values()?, "[[[1, 2],\n  [3, 4]],\n\n [[5, 6],\n  [7, 8]]]");
    assert_eq!(Array::full(&[], 1.5, DType::F64, dev)?.format_values()?, "1.5");
    assert_eq!(Array::zeros(&[0], DType::F64, dev)?.format_values()?, "[]");
    // Each dtype at its own precision: str(np.float32(0.1)) == "0.1", not 0.10000000149011612.
    // Columns aligned as NumPy aligns them.
    assert_eq!(Array::from_slice(&[0.1f32, -2.5], &[2], dev)?.format_values()?, "[ 0.1, -2.5]");
    // bfloat16 as ml_dtypes prints it (C++'s %g of the value: 6 significant digits).
    assert_eq!(Array::from_slice(&[half::bf16::from_f32(0.1)], &[1], dev)?.format_values()?, "[0.100098]");
    // Summarised like np.set_printoptions(threshold=5, edgeitems=1).
    let big = Array::arange(0.0, 12.0, 1.0, DType::I32, dev)?.reshape(&[3, 4])?;
    assert_eq!(big.format_values_summarized(5, 1)?, "[[ 0, ...,  3],\n ...,\n [ 8, ..., 11]]");
    assert_eq!(big.format_values_summarized(100, 1)?, big.format_values()?);
    // Debug never shows values.
    let dbg = format!("{a:?}");
    assert!(dbg.contains("shape: [2, 2, 2]") && dbg.contains("uint8") && !dbg.contains('7'));
    Ok(())
}

test_on_devices!(
    zeros_ones_full_every_dtype,
    full_converts_like_numpy,
    full_agrees_with_astype,
    arange_matches_ndarray,
    linspace_matches_ndarray,
    eye_matches_ndarray,
    transfers_round_trip_every_dtype,
    transfers_with_ndarray,
    transfer_errors,
    creation_beyond_memory_is_an_error,
    to_device_round_trip,
    item_and_scalars,
    format_values_like_numpy,
);
