//! Views (reshape, permute, slice, broadcast, expand/squeeze, flip), copies and assignment,
//! checked against the same operations in `ndarray`.

mod common;

use devarray::{Array, AxisSlice, DType, Device, Error};
use ndarray::{s, ArrayD, IxDyn};

/// A (2, 3, 4) i32 array 0..24 on `dev`, and the same in `ndarray`.
fn sample(dev: &Device) -> devarray::Result<(Array, ArrayD<i32>)> {
    let h = ArrayD::from_shape_vec(IxDyn(&[2, 3, 4]), (0..24).collect()).unwrap();
    Ok((Array::from_ndarray(&h, dev)?, h))
}

fn reshape_views_and_copies(dev: &Device) -> devarray::Result<()> {
    let (a, h) = sample(dev)?;
    let r = a.reshape(&[4, 6])?;
    assert_eq!(r.to_ndarray::<i32>()?, h.clone().into_shape_with_order(IxDyn(&[4, 6])).unwrap());
    assert_eq!(a.reshape(&[24])?.strides(), &[1]);
    assert!(
        matches!(a.reshape(&[] as &[usize]), Err(Error::ShapeMismatch { .. })),
        "24 elements cannot become a 0-d array"
    );
    // A transposed array cannot be flattened as a view: reshape copies, reshape_view refuses.
    let t = a.transpose();
    assert!(matches!(t.reshape_view(&[24]), Err(Error::ShapeMismatch { op: "reshape_view", .. })));
    let flat = t.reshape(&[24])?;
    assert!(flat.is_contiguous());
    let expected: Vec<i32> = h.t().iter().copied().collect();
    assert_eq!(flat.to_vec::<i32>()?, expected);
    // ... but splitting an axis of it is a view.
    let split = t.reshape_view(&[2, 2, 3, 2])?;
    assert_eq!(split.to_vec::<i32>()?, expected);
    assert!(matches!(a.reshape(&[5, 5]), Err(Error::ShapeMismatch { op: "reshape", .. })));
    // 0-size and 0-d.
    let e = Array::zeros(&[0, 3], DType::F32, dev)?;
    assert_eq!(e.reshape(&[3, 0, 7])?.shape(), &[3, 0, 7]);
    let scalar = Array::full(&[], 5, DType::I32, dev)?;
    assert_eq!(scalar.reshape(&[1, 1])?.to_vec::<i32>()?, vec![5]);
    assert_eq!(scalar.reshape(&[1, 1])?.reshape(&[] as &[usize])?.item::<i32>()?, 5);
    Ok(())
}

fn reshape_infers_one_minus_one(dev: &Device) -> devarray::Result<()> {
    let (a, h) = sample(dev)?;
    let want = h.clone().into_shape_with_order(IxDyn(&[4, 6])).unwrap();
    assert_eq!(a.reshape(&[4, -1])?.to_ndarray::<i32>()?, want);
    assert_eq!(a.reshape(&[-1, 6])?.shape(), &[4, 6]);
    assert_eq!(a.reshape(&[-1])?.shape(), &[24]);
    assert_eq!(a.reshape(&[2isize, -1, 3])?.shape(), &[2, 4, 3]);
    assert_eq!(a.reshape(&[2i64, 12])?.shape(), &[2, 12]);
    let dims: Vec<usize> = vec![3, 8];
    assert_eq!(a.reshape(&dims)?.shape(), &[3, 8]);
    // Non-contiguous: the inferred shape copies or views exactly as the explicit one.
    let t = a.transpose();
    assert_eq!(t.reshape(&[-1])?.to_vec::<i32>()?, t.reshape(&[24])?.to_vec::<i32>()?);
    assert_eq!(t.reshape_view(&[2, 2, 3, -1])?.shape(), &[2, 2, 3, 2]);
    assert!(matches!(t.reshape_view(&[-1]), Err(Error::ShapeMismatch { op: "reshape_view", .. })));
    // 0-size: -1 next to non-zero lengths is 0; next to a 0 it is ambiguous (NumPy refuses too).
    let e = Array::zeros(&[0, 3], DType::F32, dev)?;
    assert_eq!(e.reshape(&[-1, 6])?.shape(), &[0, 6]);
    assert!(matches!(e.reshape(&[0, -1]), Err(Error::InvalidArgument { op: "reshape", .. })));
    // A 0-d array has one element.
    let scalar = Array::full(&[], 5, DType::I32, dev)?;
    assert_eq!(scalar.reshape(&[1, -1])?.shape(), &[1, 1]);
    // Typed errors, each naming what was wrong.
    let two = a.reshape(&[-1, -1, 2]).unwrap_err();
    assert!(matches!(two, Error::InvalidArgument { op: "reshape", .. }), "{two:?}");
    assert!(two.to_string().contains("only one length can be -1"), "{two}");
    let neg = a.reshape(&[-2, -12]).unwrap_err();
    assert!(matches!(neg, Error::InvalidArgument { .. }) && neg.to_string().contains("length -2"), "{neg}");
    let odd = a.reshape(&[5, -1]).unwrap_err();
    assert!(matches!(odd, Error::ShapeMismatch { op: "reshape", .. }), "{odd:?}");
    assert!(odd.to_string().contains("24 elements do not divide into rows of 5"), "{odd}");
    assert!(matches!(a.reshape(&[isize::MAX, -1]), Err(Error::ShapeMismatch { .. })));
    assert!(matches!(a.reshape(&[i64::MIN]), Err(Error::InvalidArgument { .. })));
    Ok(())
}

fn permutations(dev: &Device) -> devarray::Result<()> {
    let (a, h) = sample(dev)?;
    for axes in [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1], [0, 2, 1], [1, 0, 2]] {
        let p = a.permute_dims(&axes.map(|x| x as isize))?;
        assert_eq!(p.to_ndarray::<i32>()?, h.clone().permuted_axes(IxDyn(&axes)));
    }
    assert_eq!(a.transpose().to_ndarray::<i32>()?, h.t().to_owned());
    assert_eq!(a.swapaxes(0, 2)?.to_ndarray::<i32>()?, h.clone().permuted_axes(IxDyn(&[2, 1, 0])));
    assert!(matches!(a.permute_dims(&[0, 1]), Err(Error::InvalidArgument { .. })));
    assert!(matches!(a.permute_dims(&[0, 1, 1]), Err(Error::RepeatedAxis { axis: 1, .. })));
    assert!(matches!(a.permute_dims(&[0, 1, 3]), Err(Error::AxisOutOfRange { axis: 3, ndim: 3, .. })));
    assert!(matches!(a.swapaxes(0, -4), Err(Error::AxisOutOfRange { .. })));
    Ok(())
}

fn slicing_matches_ndarray(dev: &Device) -> devarray::Result<()> {
    let (a, h) = sample(dev)?;
    let r = |start: Option<isize>, stop: Option<isize>, step: isize| AxisSlice::Range { start, stop, step };
    let cases: Vec<(Vec<AxisSlice>, ArrayD<i32>)> = vec![
        (vec![AxisSlice::Index(1)], h.slice(s![1, .., ..]).to_owned().into_dyn()),
        (vec![AxisSlice::Index(-1), AxisSlice::Index(-2)], h.slice(s![1, 1, ..]).to_owned().into_dyn()),
        (vec![AxisSlice::FULL, r(None, None, -1)], h.slice(s![.., ..;-1, ..]).to_owned().into_dyn()),
        (vec![AxisSlice::Ellipsis, r(Some(1), None, 2)], h.slice(s![.., .., 1..;2]).to_owned().into_dyn()),
        (
            vec![r(None, None, -1), AxisSlice::Ellipsis, r(Some(-1), Some(0), -2)],
            h.slice(s![..;-1, .., 1..;-2]).to_owned().into_dyn(),
        ),
        (vec![AxisSlice::FULL, r(Some(5), Some(9), 1)], h.slice(s![.., 3..3, ..]).to_owned().into_dyn()),
        (
            vec![AxisSlice::Index(0), AxisSlice::Index(2), AxisSlice::Index(3)],
            h.slice(s![0, 2, 3]).to_owned().into_dyn(),
        ),
    ];
    for (index, expected) in cases {
        let v = a.slice(&index)?;
        assert_eq!(v.to_ndarray::<i32>()?, expected, "{index:?}");
    }
    // New axes.
    let v = a.slice(&[AxisSlice::NewAxis, AxisSlice::Index(0), AxisSlice::Ellipsis, AxisSlice::NewAxis])?;
    assert_eq!(v.shape(), &[1, 3, 4, 1]);
    assert_eq!(v.to_vec::<i32>()?, (0..12).collect::<Vec<_>>());
    // Slices of slices (offsets compose), and a step in an offset view.
    let v = a.slice(&[AxisSlice::Index(1), r(Some(1), None, 1)])?.slice(&[AxisSlice::FULL, r(None, None, -3)])?;
    assert_eq!(v.to_ndarray::<i32>()?, h.slice(s![1, 1.., ..;-3]).to_owned().into_dyn());
    // Errors.
    assert!(matches!(a.slice(&[AxisSlice::Index(2)]), Err(Error::IndexOutOfBounds { index: 2, axis: 0, size: 2, .. })));
    assert!(matches!(a.slice(&[AxisSlice::FULL, AxisSlice::Index(-4)]), Err(Error::IndexOutOfBounds { .. })));
    assert!(matches!(a.slice(&[r(None, None, 0)]), Err(Error::InvalidArgument { .. })));
    assert!(matches!(a.slice(&[AxisSlice::Ellipsis, AxisSlice::Ellipsis]), Err(Error::InvalidArgument { .. })));
    assert!(matches!(a.slice(&[AxisSlice::Index(0); 4]), Err(Error::InvalidArgument { .. })));
    Ok(())
}

fn broadcast_expand_squeeze_flip(dev: &Device) -> devarray::Result<()> {
    let col = Array::from_slice(&[1.0f64, 2.0, 3.0], &[3, 1], dev)?;
    let b = col.broadcast_to(&[2, 3, 4])?;
    assert!(b.is_read_only());
    assert_eq!(b.strides(), &[0, 1, 0]);
    let hcol = ndarray::arr2(&[[1.0f64], [2.0], [3.0]]);
    assert_eq!(b.to_ndarray::<f64>()?, hcol.broadcast((2, 3, 4)).unwrap().to_owned().into_dyn());
    // Like NumPy, every broadcast view is read-only, and so are views taken from it.
    let row = b.slice(&[AxisSlice::Index(0), AxisSlice::FULL, AxisSlice::Index(0)])?;
    assert!(row.is_read_only());
    assert!(matches!(row.assign(&Array::zeros(&[3], DType::F64, dev)?), Err(Error::ReadOnly { .. })));
    assert_eq!(col.to_vec::<f64>()?, vec![1.0, 2.0, 3.0], "the source was not written");
    assert!(col.broadcast_to(&[3, 1])?.is_read_only());
    assert!(matches!(col.broadcast_to(&[3, 2, 2]), Err(Error::ShapeMismatch { op: "broadcast_to", .. })));
    assert!(matches!(col.broadcast_to(&[3]), Err(Error::ShapeMismatch { .. })));
    assert_eq!(devarray::broadcast_shapes(&[5, 1, 3], &[4, 1])?, vec![5, 4, 3]);
    assert_eq!(devarray::broadcast_shapes(&[], &[0, 2])?, vec![0, 2]);
    // expand/squeeze.
    let e = col.expand_dims(0)?.expand_dims(-1)?;
    assert_eq!(e.shape(), &[1, 3, 1, 1]);
    assert_eq!(e.squeeze(None)?.shape(), &[3]);
    assert_eq!(e.squeeze(Some(&[0, -1]))?.shape(), &[3, 1]);
    assert!(matches!(e.squeeze(Some(&[1])), Err(Error::InvalidArgument { .. })));
    assert!(matches!(e.squeeze(Some(&[0, 0])), Err(Error::RepeatedAxis { .. })));
    assert!(matches!(col.expand_dims(3), Err(Error::AxisOutOfRange { .. })));
    // flip.
    let (a, h) = sample(dev)?;
    assert_eq!(a.flip(Some(&[1]))?.to_ndarray::<i32>()?, h.slice(s![.., ..;-1, ..]).to_owned().into_dyn());
    assert_eq!(a.flip(None)?.to_ndarray::<i32>()?, h.slice(s![..;-1, ..;-1, ..;-1]).to_owned().into_dyn());
    assert_eq!(a.flip(None)?.flip(None)?.to_ndarray::<i32>()?, h);
    Ok(())
}

fn copies_and_contiguity(dev: &Device) -> devarray::Result<()> {
    let (a, h) = sample(dev)?;
    let v = a.slice(&[AxisSlice::FULL, AxisSlice::range(None, None, -2)])?.transpose();
    assert!(!v.is_contiguous());
    let c = v.contiguous()?;
    assert!(c.is_contiguous());
    assert_eq!(c.to_ndarray::<i32>()?, h.slice(s![.., ..;-2, ..]).t().to_owned().into_dyn());
    // contiguous() of a contiguous array shares it; copy() never does.
    let same = a.contiguous()?;
    let fresh = a.copy()?;
    a.assign(&Array::full(&[], 9, DType::I32, dev)?)?;
    assert_eq!(same.to_vec::<i32>()?, vec![9; 24]);
    assert_eq!(fresh.to_ndarray::<i32>()?, h);
    Ok(())
}

fn assignment_and_read_only(dev: &Device) -> devarray::Result<()> {
    let a = Array::arange(0.0, 10.0, 1.0, DType::I64, dev)?;
    // Overlapping self-assignment a[1:] = a[:-1] behaves as if the source were copied first.
    let dst = a.slice(&[AxisSlice::range(1, None, 1)])?;
    let src = a.slice(&[AxisSlice::range(None, -1, 1)])?;
    dst.assign(&src)?;
    assert_eq!(a.to_vec::<i64>()?, vec![0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // Reversed in place.
    a.assign(&a.flip(None)?)?;
    assert_eq!(a.to_vec::<i64>()?, vec![8, 7, 6, 5, 4, 3, 2, 1, 0, 0]);
    // Broadcast assignment into a strided view.
    let m = Array::zeros(&[3, 4], DType::U8, dev)?;
    m.slice(&[AxisSlice::FULL, AxisSlice::range(None, None, 2)])?.assign(&Array::from_slice(&[1u8, 2], &[2], dev)?)?;
    assert_eq!(m.to_vec::<u8>()?, vec![1, 0, 2, 0, 1, 0, 2, 0, 1, 0, 2, 0]);
    // Refusals.
    let ro = a.broadcast_to(&[2, 10])?;
    assert!(matches!(ro.assign(&a), Err(Error::ReadOnly { .. })));
    assert!(matches!(a.clone().into_read_only().assign(&a), Err(Error::ReadOnly { .. })));
    assert!(matches!(a.assign(&Array::zeros(&[10], DType::I32, dev)?), Err(Error::DTypeMismatch { .. })));
    assert!(matches!(a.assign(&Array::zeros(&[3], DType::I64, dev)?), Err(Error::ShapeMismatch { .. })));
    Ok(())
}

fn size_one_and_empty_views(dev: &Device) -> devarray::Result<()> {
    let one = Array::full(&[1, 1, 1], 4.5, DType::F32, dev)?;
    assert!(one.transpose().is_contiguous());
    assert_eq!(one.broadcast_to(&[2, 1, 3, 1])?.to_vec::<f32>()?, vec![4.5; 6]);
    let empty = Array::zeros(&[2, 0, 3], DType::BF16, dev)?;
    assert_eq!(empty.transpose().shape(), &[3, 0, 2]);
    assert_eq!(empty.slice(&[AxisSlice::Index(1)])?.shape(), &[0, 3]);
    assert_eq!(empty.copy()?.numel(), 0);
    assert_eq!(empty.flip(None)?.to_vec::<half::bf16>()?, vec![]);
    Ok(())
}

/// Steps near ±2^63 (issue 10 §2.1): lengths, offsets and strides as NumPy computes them, and
/// writes that touch exactly the selected elements.
fn extreme_slice_steps(dev: &Device) -> devarray::Result<()> {
    let r = |start: Option<isize>, stop: Option<isize>, step: isize| AxisSlice::Range { start, stop, step };
    let x = Array::zeros(&[4], DType::F64, dev)?;
    // x[:2:2**63-1] = 1.0 writes x[0] only.
    x.slice(&[r(None, Some(2), isize::MAX)])?.assign(&Array::full(&[], 1.0, DType::F64, dev)?)?;
    assert_eq!(x.to_vec::<f64>()?, vec![1.0, 0.0, 0.0, 0.0]);
    // x[::-2**63] = 2.0 writes the last element (CPython treats the step as -(2**63-1)).
    x.slice(&[r(None, None, isize::MIN)])?.assign(&Array::full(&[], 2.0, DType::F64, dev)?)?;
    assert_eq!(x.to_vec::<f64>()?, vec![1.0, 0.0, 0.0, 2.0]);
    let (a, _) = sample(dev)?;
    let one = a.slice(&[r(None, None, isize::MAX)])?;
    assert_eq!(one.shape(), &[1, 3, 4]);
    assert_eq!(one.to_vec::<i32>()?, (0..12).collect::<Vec<_>>());
    assert_eq!(one.slice(&[r(Some(1), None, 1)])?.shape(), &[0, 3, 4]);
    let flat = Array::arange(0.0, 6.0, 1.0, DType::I64, dev)?;
    assert_eq!(flat.slice(&[r(None, None, isize::MAX)])?.to_vec::<i64>()?, vec![0]);
    assert_eq!(flat.slice(&[r(None, None, -isize::MAX)])?.to_vec::<i64>()?, vec![5]);
    assert_eq!(flat.slice(&[r(Some(isize::MIN), Some(isize::MAX), isize::MAX - 1)])?.to_vec::<i64>()?, vec![0]);
    assert_eq!(flat.slice(&[r(Some(isize::MAX), Some(isize::MIN), isize::MIN)])?.to_vec::<i64>()?, vec![5]);
    Ok(())
}

/// Shapes whose element count or byte size overflows, and more than 64 axes, are refused by
/// every view and broadcast (issue 10 §2.2); up to the limit everything works.
fn overflowing_shapes_and_too_many_axes(dev: &Device) -> devarray::Result<()> {
    let seven = Array::full(&[], 7.0, DType::F64, dev)?;
    // 2^64 elements used to wrap to a size of 0.
    assert!(matches!(seven.broadcast_to(&[1 << 32, 1 << 32]), Err(Error::SizeOverflow { op: "broadcast_to", .. })));
    // 2^62 elements fit in usize, but not their 2^65 bytes; a byte-sized dtype fits.
    assert!(matches!(seven.broadcast_to(&[1 << 31, 1 << 31]), Err(Error::SizeOverflow { itemsize: 8, .. })));
    let byte = Array::full(&[], 1u8, DType::U8, dev)?;
    assert_eq!(byte.broadcast_to(&[1 << 31, 1 << 31])?.numel(), 1 << 62);
    // Two valid broadcast views whose broadcast together overflows.
    let (col, row) = (byte.broadcast_to(&[1 << 40, 1])?, byte.broadcast_to(&[1, 1 << 40])?);
    assert!(matches!(col.add(&row), Err(Error::SizeOverflow { .. })));
    assert!(matches!(devarray::broadcast_shapes(&[usize::MAX, 1], &[3]), Err(Error::SizeOverflow { .. })));
    assert!(matches!(Array::empty(&[1 << 62, 4], DType::U8, dev), Err(Error::SizeOverflow { .. })));
    // At most MAX_NDIM (64) axes, like NumPy, whichever way they are made.
    let max = Array::full(&[1; devarray::MAX_NDIM], 3i32, DType::I32, dev)?;
    assert_eq!(max.to_vec::<i32>()?, vec![3]);
    assert!(max.format_values()?.contains('3'));
    let too_many = |r: devarray::Result<Array>| matches!(r, Err(Error::TooManyDims { ndim: 65, max: 64, .. }));
    assert!(too_many(Array::zeros(&[1; 65], DType::I32, dev)));
    assert!(too_many(max.expand_dims(0)));
    assert!(too_many(max.slice(&[AxisSlice::NewAxis])));
    assert!(too_many(max.reshape(&[1; 65])));
    assert!(too_many(max.broadcast_to(&[1; 65])));
    assert!(too_many(seven.slice(&[AxisSlice::NewAxis; 65])));
    assert_eq!(seven.slice(&[AxisSlice::NewAxis; 64])?.ndim(), 64);
    Ok(())
}

/// A second import of `a`'s memory: a different buffer object over the same bytes.
fn alias(a: &Array) -> devarray::Result<Array> {
    Array::from_dlpack(a.to_dlpack(&devarray::ExportOptions::versioned())?)
}

/// Copies between two imports of one memory overlap by address, not by buffer identity, and
/// behave as if the source were copied first (issue 10 §2.3).
fn overlapping_copies_between_imports(dev: &Device) -> devarray::Result<()> {
    // x[::-1] = from_dlpack(x): used to give [0, 1, 2, 3, 4, 4, 3, 2, 1, 0].
    let x = Array::arange(0.0, 10.0, 1.0, DType::I64, dev)?;
    x.flip(None)?.assign(&alias(&x)?)?;
    assert_eq!(x.to_vec::<i64>()?, (0..10).rev().collect::<Vec<_>>());
    // a[1:] = alias(a)[:-1] on 10^6 elements: large enough for the multi-threaded path, whose
    // chunks read what other chunks have already written unless the copy is staged.
    let n = 1_000_000;
    let b = Array::arange(0.0, n as f64, 1.0, DType::I32, dev)?;
    let a = alias(&b)?;
    let shifted = alias(&b)?.slice(&[AxisSlice::range(None, -1, 1)])?;
    a.slice(&[AxisSlice::range(1, None, 1)])?.assign(&shifted)?;
    let expected: Vec<i32> = std::iter::once(0).chain(0..n - 1).collect();
    assert_eq!(b.to_vec::<i32>()?, expected);
    // Interleaved views: their byte ranges intersect though no element is shared.
    let c = Array::arange(0.0, 8.0, 1.0, DType::F32, dev)?;
    let odd = alias(&c)?.slice(&[AxisSlice::range(1, None, 2)])?;
    c.slice(&[AxisSlice::range(None, None, 2)])?.assign(&odd)?;
    assert_eq!(c.to_vec::<f32>()?, vec![1.0, 1.0, 3.0, 3.0, 5.0, 5.0, 7.0, 7.0]);
    // An import copied onto itself, element for element, is unchanged.
    c.assign(&alias(&c)?)?;
    assert_eq!(c.to_vec::<f32>()?, vec![1.0, 1.0, 3.0, 3.0, 5.0, 5.0, 7.0, 7.0]);
    Ok(())
}

test_on_devices!(
    extreme_slice_steps,
    overlapping_copies_between_imports,
    overflowing_shapes_and_too_many_axes,
    reshape_views_and_copies,
    reshape_infers_one_minus_one,
    permutations,
    slicing_matches_ndarray,
    broadcast_expand_squeeze_flip,
    copies_and_contiguity,
    assignment_and_read_only,
    size_one_and_empty_views,
);
