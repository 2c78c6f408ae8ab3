//! Gather and scatter in the core: `take`, `take_along_axis`, `put` and advanced indexing
//! (`Array::index`/`index_assign`), checked against host reference loops on every device (on
//! the emulator, the `gather_*`/`scatter_*` kernels against the same expectations as the CPU
//! backend).

mod common;

use devarray::{Array, AxisSlice, DType, Device, Error, IndexItem};

fn ints(v: &[i64], shape: &[usize]) -> devarray::Result<Array> {
    Array::from_slice(v, shape, &Device::Cpu)
}

/// `0..n` as i64 on `dev`, shaped.
fn iota(shape: &[usize], dev: &Device) -> devarray::Result<Array> {
    let n: usize = shape.iter().product();
    Array::arange(0.0, n as f64, 1.0, DType::I64, dev)?.reshape(shape)
}

fn take_every_dtype_and_layout(dev: &Device) -> devarray::Result<()> {
    let x = iota(&[4, 5], dev)?;
    let idx = ints(&[4, -1, 0, 2, 2, -5], &[2, 3])?;
    let expected_rows = |row: &[i64]| -> Vec<i64> {
        row.iter().flat_map(|&r| [4, 4, 0, 2, 2, 0].iter().map(move |&c| r * 5 + c)).collect()
    };
    let got = x.take(&idx.to_device(dev)?, Some(1))?;
    assert_eq!(got.shape(), &[4, 2, 3]);
    assert_eq!(got.to_vec::<i64>()?, expected_rows(&[0, 1, 2, 3]));
    for dt in DType::ALL {
        let xd = x.astype(dt)?;
        let g = xd.take(&idx, Some(1))?;
        assert_eq!(g.dtype(), dt);
        let want = Array::from_slice(&expected_rows(&[0, 1, 2, 3]), &[4, 2, 3], dev)?.astype(dt)?;
        assert_eq!(g.astype(DType::F64)?.to_vec::<f64>()?, want.astype(DType::F64)?.to_vec::<f64>()?, "{dt}");
    }
    // Non-contiguous and negative-stride sources: transposed, flipped.
    let t = x.transpose().flip(Some(&[0]))?; // (5, 4), t[i, j] = x[j, 4 - i]
    let g = t.take(&ints(&[3, -4], &[2])?, Some(1))?;
    let want: Vec<i64> = (0..5).flat_map(|i| [3i64, 0].map(|j| j * 5 + (4 - i))).collect();
    assert_eq!(g.to_vec::<i64>()?, want);
    // axis None: the flattened array (C order of the view).
    assert_eq!(t.take(&ints(&[0, 1, 19], &[3])?, None)?.to_vec::<i64>()?, vec![4, 9, 15]);
    Ok(())
}

fn take_edges_and_errors(dev: &Device) -> devarray::Result<()> {
    let x = iota(&[3], dev)?;
    // 0-d indices drop the axis; empty indices give an empty result; size-1 arrays.
    assert_eq!(x.take(&ints(&[-1], &[])?, Some(0))?.shape(), &[] as &[usize]);
    assert_eq!(x.take(&ints(&[-1], &[])?, Some(0))?.item::<i64>()?, 2);
    assert_eq!(x.take(&ints(&[], &[0])?, Some(0))?.shape(), &[0]);
    let one = iota(&[1], dev)?;
    assert_eq!(one.take(&ints(&[0, -1, 0], &[3])?, None)?.to_vec::<i64>()?, vec![0, 0, 0]);
    // An empty array takes nothing; any index into it is out of bounds.
    let empty = iota(&[0, 2], dev)?;
    assert_eq!(empty.take(&ints(&[], &[0])?, Some(0))?.shape(), &[0, 2]);
    assert!(matches!(empty.take(&ints(&[0], &[1])?, Some(0)), Err(Error::IndexOutOfBounds { .. })));
    assert!(matches!(
        x.take(&ints(&[3], &[1])?, Some(0)),
        Err(Error::IndexOutOfBounds { index: 3, axis: 0, size: 3, .. })
    ));
    assert!(matches!(x.take(&ints(&[-4], &[1])?, None), Err(Error::IndexOutOfBounds { index: -4, .. })));
    assert!(matches!(x.take(&ints(&[0], &[1])?, Some(1)), Err(Error::AxisOutOfRange { .. })));
    let f = Array::zeros(&[1], DType::F32, &Device::Cpu)?;
    assert!(matches!(x.take(&f, None), Err(Error::InvalidIndex { .. })));
    let b = Array::from_slice(&[true], &[1], &Device::Cpu)?;
    assert!(matches!(x.take(&b, None), Err(Error::UnsupportedDType { .. })));
    // Every integer index dtype; uint64 values above i64::MAX are out of bounds.
    for dt in [DType::U8, DType::U16, DType::U32, DType::U64, DType::I8, DType::I16, DType::I32] {
        let i = ints(&[2, 0], &[2])?.astype(dt)?;
        assert_eq!(x.take(&i, None)?.to_vec::<i64>()?, vec![2, 0], "{dt}");
    }
    let big = Array::from_slice(&[u64::MAX], &[1], &Device::Cpu)?;
    assert!(matches!(x.take(&big, None), Err(Error::InvalidIndex { .. })));
    Ok(())
}

fn take_along_axis_matches_loops(dev: &Device) -> devarray::Result<()> {
    let x = iota(&[3, 4], dev)?;
    let i = ints(&[3, 0, -1, 2, 1, 1], &[3, 2])?;
    let got = x.take_along_axis(&i, 1)?;
    assert_eq!(got.shape(), &[3, 2]);
    assert_eq!(got.to_vec::<i64>()?, vec![3, 0, 7, 6, 9, 9]);
    // Broadcast over the other axis, and axis 0 (negative).
    let col = ints(&[2, 0, 1, 2], &[1, 4])?;
    assert_eq!(x.take_along_axis(&col, -2)?.to_vec::<i64>()?, vec![8, 1, 6, 11]);
    let b = ints(&[1], &[1, 1])?;
    assert_eq!(x.take_along_axis(&b, 1)?.to_vec::<i64>()?, vec![1, 5, 9]);
    assert!(matches!(x.take_along_axis(&ints(&[0], &[1])?, 0), Err(Error::InvalidArgument { .. })));
    assert!(matches!(x.take_along_axis(&ints(&[4], &[1, 1])?, 1), Err(Error::IndexOutOfBounds { .. })));
    Ok(())
}

fn put_writes_flat_positions(dev: &Device) -> devarray::Result<()> {
    let x = Array::zeros(&[2, 3], DType::F32, dev)?;
    let v = Array::from_slice(&[1.0f32, 2.0, 3.0], &[3], dev)?;
    x.put(&ints(&[5, -6, 1], &[3])?, &v)?;
    assert_eq!(x.to_vec::<f32>()?, vec![2.0, 3.0, 0.0, 0.0, 0.0, 1.0]);
    // Into a transposed (non-contiguous) view: flat positions of the view.
    let base = Array::zeros(&[2, 3], DType::I16, dev)?;
    let t = base.transpose(); // (3, 2)
    t.put(&ints(&[1, 4], &[2])?, &Array::full(&[], 7, DType::I16, dev)?)?;
    assert_eq!(t.to_vec::<i16>()?, vec![0, 7, 0, 0, 7, 0]);
    assert!(matches!(
        x.put(&ints(&[6], &[1])?, &v.slice(&[AxisSlice::range(0, 1, 1)])?),
        Err(Error::IndexOutOfBounds { .. })
    ));
    assert!(matches!(
        x.put(&ints(&[0], &[1])?, &Array::zeros(&[1], DType::F64, dev)?),
        Err(Error::DTypeMismatch { .. })
    ));
    let ro = Array::zeros(&[2], DType::F32, dev)?.into_read_only();
    assert!(matches!(ro.put(&ints(&[0], &[1])?, &v.slice(&[AxisSlice::Index(0)])?), Err(Error::ReadOnly { .. })));
    // Nothing to write: no error, no change.
    x.put(&ints(&[], &[0])?, &v.slice(&[AxisSlice::range(0, 0, 1)])?)?;
    // Bool and f16 elements.
    let bx = Array::zeros(&[4], DType::Bool, dev)?;
    bx.put(&ints(&[3, 0], &[2])?, &Array::full(&[], true, DType::Bool, dev)?)?;
    assert_eq!(bx.to_vec::<bool>()?, vec![true, false, false, true]);
    Ok(())
}

fn advanced_indexing_placement_and_masks(dev: &Device) -> devarray::Result<()> {
    let x = iota(&[2, 3, 4], dev)?;
    let at = |i: i64, j: i64, k: i64| i * 12 + j * 4 + k;
    // Adjacent advanced indices keep their place: x[:, [2, 0], [1, 3]] -> (2, 2).
    let y = x.index(&[
        IndexItem::Basic(AxisSlice::FULL),
        IndexItem::Ints(ints(&[2, 0], &[2])?),
        IndexItem::Ints(ints(&[1, 3], &[2])?),
    ])?;
    assert_eq!(y.shape(), &[2, 2]);
    assert_eq!(y.to_vec::<i64>()?, vec![at(0, 2, 1), at(0, 0, 3), at(1, 2, 1), at(1, 0, 3)]);
    // Separated by a slice: broadcast axes first. x[[1, 0], :, -1] -> (2, 3).
    let y = x.index(&[
        IndexItem::Ints(ints(&[1, 0], &[2])?),
        IndexItem::Basic(AxisSlice::FULL),
        IndexItem::Basic(AxisSlice::Index(-1)),
    ])?;
    assert_eq!(y.shape(), &[2, 3]);
    assert_eq!(y.to_vec::<i64>()?, (0..3).map(|j| at(1, j, 3)).chain((0..3).map(|j| at(0, j, 3))).collect::<Vec<_>>());
    // x[0, :, [1, 2]] -> the broadcast axis first: (2, 3).
    let y = x.index(&[
        IndexItem::Basic(AxisSlice::Index(0)),
        IndexItem::Basic(AxisSlice::FULL),
        IndexItem::Ints(ints(&[1, 2], &[2])?),
    ])?;
    assert_eq!(y.shape(), &[2, 3]);
    // A 2-D mask over the first two axes.
    let mask = Array::from_slice(&[true, false, true, false, false, true], &[2, 3], &Device::Cpu)?;
    let y = x.index(&[IndexItem::Mask(mask.clone())])?;
    assert_eq!(y.shape(), &[3, 4]);
    let want: Vec<i64> = [(0, 0), (0, 2), (1, 2)].iter().flat_map(|&(i, j)| (0..4).map(move |k| at(i, j, k))).collect();
    assert_eq!(y.to_vec::<i64>()?, want);
    // A 0-d mask adds an axis; a wrong mask shape is an InvalidIndex.
    let t = Array::full(&[], true, DType::Bool, &Device::Cpu)?;
    assert_eq!(x.index(&[IndexItem::Mask(t)])?.shape(), &[1, 2, 3, 4]);
    let bad = Array::from_slice(&[true, false], &[2], &Device::Cpu)?;
    assert!(matches!(
        x.index(&[IndexItem::Basic(AxisSlice::FULL), IndexItem::Mask(bad)]),
        Err(Error::InvalidIndex { .. })
    ));
    // Negative-stride source.
    let f = x.flip(None)?;
    let y = f.index(&[IndexItem::Ints(ints(&[0], &[1])?), IndexItem::Ints(ints(&[0, 2], &[2])?)])?;
    assert_eq!(
        y.to_vec::<i64>()?,
        (0..4).map(|k| at(1, 2, 3 - k)).chain((0..4).map(|k| at(1, 0, 3 - k))).collect::<Vec<_>>()
    );
    // Errors: shapes that do not broadcast, too many indices.
    assert!(matches!(
        x.index(&[IndexItem::Ints(ints(&[0, 1], &[2])?), IndexItem::Ints(ints(&[0, 1, 2], &[3])?)]),
        Err(Error::InvalidIndex { .. })
    ));
    let four = vec![IndexItem::Basic(AxisSlice::Index(0)); 4];
    assert!(matches!(x.index(&four), Err(Error::InvalidIndex { .. })));
    Ok(())
}

fn advanced_assignment(dev: &Device) -> devarray::Result<()> {
    let x = iota(&[3, 4], dev)?.astype(DType::F16)?;
    let rows = IndexItem::Ints(ints(&[2, -3], &[2])?);
    let v = Array::from_slice(&[10i64, 20, 30, 40], &[4], dev)?.astype(DType::F16)?;
    x.index_assign(&[rows], &v)?;
    let got = x.astype(DType::I64)?.to_vec::<i64>()?;
    assert_eq!(got, vec![10, 20, 30, 40, 4, 5, 6, 7, 10, 20, 30, 40]);
    // Repeated indices on the CPU: the last value wins (NumPy); values aliasing the target.
    if *dev == Device::Cpu {
        let y = iota(&[4], dev)?;
        y.index_assign(&[IndexItem::Ints(ints(&[1, 1], &[2])?)], &ints(&[7, 8], &[2])?)?;
        assert_eq!(y.to_vec::<i64>()?, vec![0, 8, 2, 3]);
    }
    let y = iota(&[4], dev)?;
    y.index_assign(&[IndexItem::Ints(ints(&[0, 1, 2, 3], &[4])?)], &y.flip(None)?)?;
    assert_eq!(y.to_vec::<i64>()?, vec![3, 2, 1, 0]);
    // Masked assignment of a scalar through a strided view.
    let z = iota(&[2, 6], dev)?;
    let view = z.slice(&[AxisSlice::FULL, AxisSlice::range(None, None, 2)])?; // (2, 3)
    let m = Array::from_slice(&[false, true, true, true, false, false], &[2, 3], &Device::Cpu)?;
    view.index_assign(&[IndexItem::Mask(m)], &Array::full(&[], -1, DType::I64, dev)?)?;
    assert_eq!(z.to_vec::<i64>()?, vec![0, 1, -1, 3, -1, 5, -1, 7, 8, 9, 10, 11]);
    // Wrong dtype, read-only target, value that does not broadcast.
    let k = [IndexItem::Ints(ints(&[0], &[1])?)];
    assert!(matches!(z.index_assign(&k, &Array::zeros(&[], DType::F32, dev)?), Err(Error::DTypeMismatch { .. })));
    let ro = iota(&[2], dev)?.into_read_only();
    assert!(matches!(ro.index_assign(&k, &Array::zeros(&[], DType::I64, dev)?), Err(Error::ReadOnly { .. })));
    assert!(matches!(z.index_assign(&k, &iota(&[5], dev)?), Err(Error::ShapeMismatch { .. })));
    Ok(())
}

fn large_gather_uses_every_path(dev: &Device) -> devarray::Result<()> {
    // Enough elements for the parallel CPU loops and several grid rounds on the emulator.
    let n = 1 << 17;
    let x = Array::arange(0.0, n as f64, 1.0, DType::F32, dev)?;
    let idx: Vec<i64> = (0..n as i64).map(|i| (i * 7919) % n as i64 - (i % 2) * n as i64).collect();
    let got = x.take(&Array::from_slice(&idx, &[idx.len()], dev)?, None)?.to_vec::<f32>()?;
    let want: Vec<f32> = idx.iter().map(|&i| i.rem_euclid(n as i64) as f32).collect();
    assert_eq!(got, want);
    Ok(())
}

fn index_arrays_on_the_device(dev: &Device) -> devarray::Result<()> {
    // Index arrays on the indexed array's device, strided and reversed, resolved there.
    let x = iota(&[4, 5], dev)?;
    let rows = Array::from_slice(&[3i32, -4, 1, 0], &[4], dev)?.flip(None)?; // [0, 1, -4, 3]
    let cols = Array::from_slice(&[4i64, 0, 2, -1, 1, 1], &[2, 3], dev)?.transpose(); // (3, 2)
    let got = x.index(&[
        IndexItem::Ints(rows.slice(&[AxisSlice::range(0, 3, 1)])?.reshape(&[3, 1])?),
        IndexItem::Ints(cols),
    ])?;
    // rows [0, 1, -4] (as a column) with cols [[4, -1], [0, 1], [2, 1]]
    assert_eq!(got.to_vec::<i64>()?, vec![4, 4, 5, 6, 2, 1]);
    // A boolean mask (read to the host) next to a device index array.
    let mask = Array::from_slice(&[true, false, true, false], &[4], dev)?;
    let got = x.index(&[IndexItem::Mask(mask), IndexItem::Ints(Array::from_slice(&[1i64, -1], &[2], dev)?)])?;
    assert_eq!(got.to_vec::<i64>()?, vec![1, 14]);
    // Out-of-bounds indices in an empty selection are not reported (NumPy checks only
    // non-empty ones); a 0-d index is checked at once.
    let bad = Array::from_slice(&[9i64], &[1], dev)?;
    let none = Array::from_slice::<i64>(&[], &[0], dev)?;
    assert_eq!(x.index(&[IndexItem::Ints(bad.clone()), IndexItem::Ints(none.clone())])?.shape(), &[0]);
    assert!(matches!(
        x.index(&[IndexItem::Ints(bad)]),
        Err(Error::IndexOutOfBounds { index: 9, axis: 0, size: 4, .. })
    ));
    let bad0 = Array::from_slice(&[-5i64], &[], dev)?;
    assert!(matches!(
        x.index(&[IndexItem::Ints(bad0), IndexItem::Ints(none)]),
        Err(Error::IndexOutOfBounds { index: -5, .. })
    ));
    // put through a transposed (non-contiguous) view: flat C-order positions of the view.
    let y = Array::zeros(&[2, 3], DType::I64, dev)?;
    let yt = y.transpose(); // (3, 2)
    yt.put(&Array::from_slice(&[1u8, 4], &[2], dev)?, &Array::from_slice(&[7i64, 8], &[2], dev)?)?;
    // yt[0, 1] = 7 is y[1, 0]; yt[2, 0] = 8 is y[0, 2]
    assert_eq!(y.to_vec::<i64>()?, vec![0, 0, 8, 7, 0, 0]);
    Ok(())
}

test_on_devices!(
    take_every_dtype_and_layout,
    take_edges_and_errors,
    take_along_axis_matches_loops,
    put_writes_flat_positions,
    advanced_indexing_placement_and_masks,
    advanced_assignment,
    large_gather_uses_every_path,
    index_arrays_on_the_device,
);
