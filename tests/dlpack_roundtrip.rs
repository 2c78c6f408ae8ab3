//! DLPack round trips on the CPU device: every dtype × every kind of layout × legacy and
//! versioned tensors, checking metadata, values and that no copy was made; export options
//! (`dl_device`, `copy`, read-only); and import of foreign tensors with NULL strides, offsets,
//! zero and negative strides.

mod dlpack_support;

use devarray::dlpack::ffi::{self, DLDataType, DLDevice, KDL_BOOL, KDL_INT, KDL_UINT};
use devarray::dlpack::{DLPackTensor, ExportOptions};
use devarray::{Array, AxisSlice, DType, Device, Error, Result};
use dlpack_support::Spec;

/// A (4, 6) array of `dtype` with distinct-ish values (a 0/1 pattern for bool).
fn sample(dtype: DType) -> Result<Array> {
    let dev = Device::Cpu;
    if dtype == DType::Bool {
        let v: Vec<bool> = (0..24).map(|i| i % 3 == 0).collect();
        return Array::from_slice(&v, &[4, 6], &dev);
    }
    Array::arange(1.0, 25.0, 1.0, dtype, &dev)?.reshape(&[4, 6])
}

fn r(start: impl Into<Option<isize>>, stop: impl Into<Option<isize>>, step: isize) -> AxisSlice {
    AxisSlice::range(start, stop, step)
}

/// Every layout the exchange must preserve, as views of `a` (4, 6), with a name.
fn layouts(a: &Array) -> Result<Vec<(&'static str, Array)>> {
    Ok(vec![
        ("contiguous", a.clone()),
        ("transposed", a.transpose()),
        ("stepped slice", a.slice(&[r(None, None, 2), r(1, None, 3)])?),
        ("negative strides", a.flip(None)?),
        ("negative step slice", a.slice(&[r(3, 0, -2), r(None, None, -1)])?),
        ("offset row", a.slice(&[AxisSlice::Index(2)])?),
        ("offset block", a.slice(&[r(1, 3, 1), r(2, 5, 1)])?),
        ("broadcast", a.slice(&[AxisSlice::Index(1)])?.broadcast_to(&[3, 6])?),
        ("broadcast new axis", a.slice(&[AxisSlice::NewAxis, AxisSlice::Index(0)])?.broadcast_to(&[2, 6])?),
        ("0-d", a.slice(&[AxisSlice::Index(1), AxisSlice::Index(2)])?),
        ("0-size", a.slice(&[r(2, 2, 1)])?),
        ("0-size inner", a.slice(&[AxisSlice::FULL, r(5, 1, 1)])?),
        ("4-d", a.reshape(&[2, 2, 3, 2])?.permute_dims(&[3, 1, 0, 2])?),
    ])
}

fn check_metadata(name: &str, v: &Array, t: &DLPackTensor) {
    let dl = t.dl_tensor();
    assert_eq!(dl.ndim as usize, v.ndim(), "{name}");
    let shape: Vec<i64> = v.shape().iter().map(|&d| d as i64).collect();
    let strides: Vec<i64> = v.strides().iter().map(|&s| s as i64).collect();
    assert_eq!(t.shape(), &shape[..], "{name}");
    assert_eq!(t.strides(), Some(&strides[..]), "{name}: strides always filled");
    assert_eq!(dl.byte_offset, 0, "{name}");
    assert_eq!(dl.device, DLDevice::CPU, "{name}");
    assert_eq!(dl.dtype.lanes, 1);
    assert_eq!(dl.dtype.bits as usize, v.dtype().itemsize() * 8);
    assert_eq!(t.is_read_only(), v.is_read_only() && t.version().is_some(), "{name}");
    assert!(!t.is_copied(), "{name}");
}

/// Writes through `imported` and checks `original` sees it (the memory is shared).
fn check_shared(name: &str, original: &Array, imported: &Array) -> Result<()> {
    if imported.numel() == 0 || imported.is_read_only() {
        return Ok(());
    }
    let fill = Array::zeros(imported.shape(), imported.dtype(), &Device::Cpu)?;
    imported.assign(&fill)?;
    assert_eq!(original.format_values()?, fill.format_values()?, "{name}: import is a view of the same memory");
    Ok(())
}

#[test]
fn every_dtype_and_layout_round_trips_versioned_and_legacy() -> Result<()> {
    for dtype in DType::ALL {
        for versioned in [true, false] {
            let base = sample(dtype)?;
            for (name, v) in layouts(&base)? {
                let opts = if versioned { ExportOptions::versioned() } else { ExportOptions::legacy() };
                if !versioned && v.is_read_only() {
                    assert!(matches!(v.to_dlpack(&opts), Err(Error::DLPackExport { .. })), "{name}");
                    continue;
                }
                let expected = v.format_values()?;
                let t = v.to_dlpack(&opts)?;
                check_metadata(name, &v, &t);
                let back = Array::from_dlpack(t)?;
                assert_eq!(back.dtype(), dtype, "{name}");
                assert_eq!(back.shape(), v.shape(), "{name}");
                assert_eq!(back.strides(), v.strides(), "{name}: {dtype}");
                assert_eq!(back.is_read_only(), v.is_read_only(), "{name}");
                assert_eq!(back.format_values()?, expected, "{name} {dtype} versioned={versioned}");
                check_shared(name, &v, &back)?;
            }
        }
    }
    Ok(())
}

#[test]
fn raw_pointers_round_trip_through_a_c_consumer() -> Result<()> {
    let a = Array::from_slice(&[1.5f64, 2.5, 3.5, 4.5], &[2, 2], &Device::Cpu)?;
    let p = a.transpose().to_dlpack(&ExportOptions::versioned())?.into_raw().versioned().unwrap();
    drop(a);
    // The consumer reads element [1, 0] of the transposed view: stride (1, 2) → offset 1.
    // SAFETY: `p` is a live tensor; the data stays valid until its deleter runs.
    let v = unsafe {
        let dl = &(*p).dl_tensor;
        assert_eq!(std::slice::from_raw_parts(dl.strides, 2), &[1, 2]);
        *(dl.data as *const f64).offset(*dl.strides as isize)
    };
    assert_eq!(v, 2.5);
    // SAFETY: handed over once.
    let back = unsafe { Array::from_dlpack_versioned(p) }?;
    assert_eq!(back.to_vec::<f64>()?, vec![1.5, 3.5, 2.5, 4.5]);
    Ok(())
}

#[test]
fn data_points_at_first_element_even_with_negative_strides() -> Result<()> {
    let a = Array::arange(0.0, 6.0, 1.0, DType::I32, &Device::Cpu)?;
    let base = a.to_dlpack(&ExportOptions::versioned())?.dl_tensor().data as usize;
    let flipped = a.flip(None)?.to_dlpack(&ExportOptions::versioned())?;
    assert_eq!(flipped.dl_tensor().data as usize, base + 5 * 4, "element [0] of the flipped view is a[5]");
    assert_eq!(flipped.strides(), Some(&[-1i64][..]));
    Ok(())
}

#[test]
fn export_to_host_copies_only_when_asked() -> Result<()> {
    let a = Array::from_slice(&[1u16, 2, 3], &[3], &Device::Cpu)?;
    let base = a.to_dlpack(&ExportOptions::versioned())?.dl_tensor().data;
    let same = a.to_dlpack(&ExportOptions::versioned().with_dl_device(DLDevice::CPU))?;
    assert_eq!(same.dl_tensor().data, base, "CPU to CPU with copy=None is zero-copy");
    assert!(!same.is_copied());
    let never = a.to_dlpack(&ExportOptions::versioned().with_copy(Some(false)))?;
    assert_eq!(never.dl_tensor().data, base);
    let copy = a.flip(None)?.to_dlpack(&ExportOptions::versioned().with_copy(Some(true)))?;
    assert!(copy.is_copied() && !copy.is_read_only());
    assert_ne!(copy.dl_tensor().data, base);
    let c = Array::from_dlpack(copy)?;
    assert!(c.is_contiguous());
    c.assign(&Array::zeros(&[3], DType::U16, &Device::Cpu)?)?;
    assert_eq!(a.to_vec::<u16>()?, vec![1, 2, 3], "the copy is not shared");
    Ok(())
}

#[test]
fn export_refuses_devices_it_cannot_produce() -> Result<()> {
    let a = Array::zeros(&[2], DType::F32, &Device::Cpu)?;
    for d in [
        DLDevice::cuda(0),
        DLDevice { device_type: ffi::KDL_CPU, device_id: 1 },
        DLDevice { device_type: 99, device_id: 0 },
    ] {
        let err = a.to_dlpack(&ExportOptions::versioned().with_dl_device(d)).unwrap_err();
        assert!(matches!(err, Error::DLPackDevice { op: "to_dlpack", .. }), "{err}");
    }
    Ok(())
}

#[test]
fn read_only_arrays_export_with_the_flag_or_as_a_writable_copy() -> Result<()> {
    let a = Array::ones(&[3], DType::I64, &Device::Cpu)?.into_read_only();
    let t = a.to_dlpack(&ExportOptions::versioned())?;
    assert_eq!(t.flags(), ffi::DLPACK_FLAG_BITMASK_READ_ONLY);
    let err = a.to_dlpack(&ExportOptions::legacy()).unwrap_err();
    // The message says what either side can do: copy, or ask for DLPack 1.x.
    assert!(err.to_string().contains("writable copy") && err.to_string().contains("DLPack 1.x"), "{err}");
    let copy = a.to_dlpack(&ExportOptions::legacy().with_copy(Some(true)))?;
    assert!(!Array::from_dlpack(copy)?.is_read_only());
    Ok(())
}

#[test]
fn foreign_tensors_with_null_strides_offsets_zero_and_negative_strides() -> Result<()> {
    // NULL strides: compact row-major.
    let (p, deleted) = dlpack_support::versioned(&Spec::f32(&[2, 3]));
    // SAFETY: a live foreign tensor handed over once.
    let a = unsafe { Array::from_dlpack_versioned(p) }?;
    assert_eq!((a.shape(), a.strides()), (&[2usize, 3][..], &[3isize, 1][..]));
    assert_eq!(a.to_vec::<f32>()?, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    drop(a);
    assert_eq!(deleted.get(), 1);

    // byte_offset 8 and strides (-2, 0) over 6 floats: [0] is float 2, axis 0 walks down.
    let mut spec = Spec::f32(&[6]);
    spec.shape = Some(vec![2, 3]);
    spec.strides = Some(vec![-2, 0]);
    spec.byte_offset = 8;
    let (p, deleted) = dlpack_support::legacy(&spec);
    // SAFETY: as above.
    let a = unsafe { Array::from_dlpack_legacy(p) }?;
    assert_eq!(a.to_vec::<f32>()?, vec![2.0, 2.0, 2.0, 0.0, 0.0, 0.0]);
    assert!(a.is_read_only(), "zero strides over an axis longer than 1 repeat elements");
    drop(a);
    assert_eq!(deleted.get(), 1);

    // 0-d and 0-size tensors, 0-size with NULL data.
    let (p, deleted) = dlpack_support::versioned(&Spec::f32(&[]));
    // SAFETY: as above.
    let a = unsafe { Array::from_dlpack_versioned(p) }?;
    assert_eq!((a.ndim(), a.item::<f32>()?), (0, 0.0));
    drop(a);
    let mut spec = Spec::f32(&[3, 0]);
    spec.null_data = true;
    let (p, deleted2) = dlpack_support::versioned(&spec);
    // SAFETY: as above.
    let a = unsafe { Array::from_dlpack_versioned(p) }?;
    assert_eq!((a.shape(), a.numel()), (&[3usize, 0][..], 0));
    drop(a);
    assert_eq!((deleted.get(), deleted2.get()), (1, 1));
    Ok(())
}

/// A zero-stride import without the read-only flag (PyTorch's `expand()`) is read-only, and so
/// is every view of it, even views whose own strides repeat nothing (issue 10 §2, item 11).
#[test]
fn every_view_of_a_zero_stride_import_stays_read_only() -> Result<()> {
    // A (3, 4) tensor expanded to (2, 3, 4): strides (0, 4, 1), flags 0.
    let mut spec = Spec::f32(&[3, 4]);
    spec.shape = Some(vec![2, 3, 4]);
    spec.strides = Some(vec![0, 4, 1]);
    let (p, _deleted) = dlpack_support::versioned(&spec);
    // SAFETY: a live foreign tensor handed over once.
    let x = unsafe { Array::from_dlpack_versioned(p) }?;
    assert!(x.is_read_only());
    let value = Array::full(&[], -42.0, DType::F32, &Device::Cpu)?;
    let views = [
        x.slice(&[AxisSlice::Index(1)])?,
        x.slice(&[AxisSlice::Index(0), AxisSlice::Index(0), AxisSlice::Index(0)])?,
        x.slice(&[r(1, None, 1)])?,
        x.slice(&[AxisSlice::Index(0)])?.reshape(&[12])?.slice(&[r(None, None, -5)])?,
        x.slice(&[AxisSlice::Index(1)])?.expand_dims(0)?.squeeze(None)?.flip(None)?,
        x.permute_dims(&[2, 0, 1])?.slice(&[AxisSlice::Index(3)])?,
    ];
    for v in &views {
        assert!(v.is_read_only(), "{v:?}");
        assert!(matches!(v.assign(&value), Err(Error::ReadOnly { .. })), "{v:?}");
    }
    assert_eq!(x.to_vec::<f32>()?[..12], (0..12).map(|i| i as f32).collect::<Vec<_>>()[..]);
    // A copy is a new, writable array.
    assert!(!views[0].copy()?.is_read_only());
    // Views of a view marked read-only inherit the mark too.
    let ro = Array::zeros(&[2, 3], DType::I32, &Device::Cpu)?.into_read_only();
    assert!(ro.slice(&[AxisSlice::Index(0)])?.is_read_only());
    assert!(ro.transpose().reshape(&[3, 1, 2])?.flip(None)?.is_read_only());
    Ok(())
}

#[test]
fn integer_and_bool_codes_map_to_their_dtypes() -> Result<()> {
    let dl = |code, bits| DLDataType { code, bits, lanes: 1 };
    let cases = [
        (dl(KDL_BOOL, 8), DType::Bool),
        (dl(KDL_UINT, 8), DType::U8),
        (dl(KDL_INT, 8), DType::I8),
        (dl(KDL_UINT, 64), DType::U64),
        (dl(ffi::KDL_BFLOAT, 16), DType::BF16),
        (dl(ffi::KDL_FLOAT, 16), DType::F16),
    ];
    for (t, dtype) in cases {
        let (p, deleted) = dlpack_support::versioned(&Spec::raw(t, &[2], vec![1; 16]));
        // SAFETY: a live foreign tensor handed over once.
        let a = unsafe { Array::from_dlpack_versioned(p) }?;
        assert_eq!(a.dtype(), dtype);
        assert_eq!(a.to_dlpack(&ExportOptions::versioned())?.dl_tensor().dtype, t, "exports with the same code");
        drop(a);
        assert_eq!(deleted.get(), 1);
    }
    Ok(())
}

#[test]
fn pinned_and_managed_host_memory_import_as_cpu_arrays() -> Result<()> {
    for device_type in [ffi::KDL_CUDA_HOST, ffi::KDL_CUDA_MANAGED] {
        let mut spec = Spec::f32(&[2]);
        spec.device = DLDevice { device_type, device_id: 0 };
        let (p, deleted) = dlpack_support::versioned(&spec);
        // SAFETY: a live foreign tensor handed over once.
        let a = unsafe { Array::from_dlpack_versioned(p) }?;
        assert_eq!(a.device(), Device::Cpu);
        drop(a);
        assert_eq!(deleted.get(), 1);
    }
    Ok(())
}
