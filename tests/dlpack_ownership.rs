//! DLPack ownership: drop counters prove that every deleter runs exactly once, in any drop
//! order, and that exported tensors keep the memory alive. The memory under test belongs to a
//! foreign tensor ("another library"), so the counter also proves devarray's own export
//! deleters release their reference: the foreign deleter can only run after they did.
//! Run under valgrind by `ci/valgrind.sh` to catch leaks and use-after-free.

mod dlpack_support;

use devarray::dlpack::{DLPackTensor, ExportOptions, RawDLPack};
use devarray::{Array, AxisSlice, DType, Device, Result};
use dlpack_support::{Counter, Spec};

/// A CPU array over foreign memory holding 0..12 as f32 (3, 4), and its deleter counter.
fn foreign_array() -> Result<(Array, Counter)> {
    let (p, deleted) = dlpack_support::versioned(&Spec::f32(&[3, 4]));
    // SAFETY: a live foreign tensor handed over once.
    let a = unsafe { Array::from_dlpack_versioned(p) }?;
    Ok((a, deleted))
}

#[test]
fn array_dropped_before_the_export_is_consumed() -> Result<()> {
    let (a, deleted) = foreign_array()?;
    let t = a.transpose().to_dlpack(&ExportOptions::versioned())?;
    drop(a);
    assert_eq!(deleted.get(), 0, "the exported tensor keeps the memory alive");
    let b = Array::from_dlpack(t)?;
    assert_eq!(b.to_vec::<f32>()?[..3], [0.0, 4.0, 8.0]);
    assert_eq!(deleted.get(), 0);
    drop(b);
    assert_eq!(deleted.get(), 1);
    Ok(())
}

#[test]
fn array_dropped_after_the_export_is_consumed() -> Result<()> {
    let (a, deleted) = foreign_array()?;
    let b = Array::from_dlpack(a.to_dlpack(&ExportOptions::legacy())?)?;
    drop(b);
    assert_eq!(deleted.get(), 0, "a still uses the memory");
    assert_eq!(a.to_vec::<f32>()?[5], 5.0, "and can still read it");
    drop(a);
    assert_eq!(deleted.get(), 1);
    Ok(())
}

#[test]
fn export_never_consumed_releases_on_drop() -> Result<()> {
    let (a, deleted) = foreign_array()?;
    let t = a.to_dlpack(&ExportOptions::versioned())?;
    let u = a.to_dlpack(&ExportOptions::legacy())?;
    drop(a);
    drop(t);
    assert_eq!(deleted.get(), 0);
    drop(u);
    assert_eq!(deleted.get(), 1);
    Ok(())
}

#[test]
fn raw_export_released_by_a_c_consumer() -> Result<()> {
    let (a, deleted) = foreign_array()?;
    let raw = a.to_dlpack(&ExportOptions::versioned())?.into_raw();
    drop(a);
    let p = raw.versioned().unwrap();
    // SAFETY: `p` is live; the consumer calls its deleter exactly once.
    unsafe { ((*p).deleter.unwrap())(p) };
    assert_eq!(deleted.get(), 1);

    let (a, deleted) = foreign_array()?;
    let p = a.to_dlpack(&ExportOptions::legacy())?.into_raw().legacy().unwrap();
    drop(a);
    // SAFETY: as above.
    unsafe { ((*p).deleter.unwrap())(p) };
    assert_eq!(deleted.get(), 1);
    Ok(())
}

#[test]
fn from_raw_and_into_raw_transfer_ownership_without_releasing() -> Result<()> {
    let (p, deleted) = dlpack_support::versioned(&Spec::f32(&[2]));
    // SAFETY: a live foreign tensor handed over once.
    let t = unsafe { DLPackTensor::from_raw(RawDLPack::Versioned(p)) }?;
    let raw = t.into_raw();
    assert_eq!(raw, RawDLPack::Versioned(p));
    assert_eq!(deleted.get(), 0);
    // SAFETY: ownership came back with `into_raw`.
    drop(unsafe { DLPackTensor::from_raw(raw) }?);
    assert_eq!(deleted.get(), 1);
    Ok(())
}

#[test]
fn many_views_across_threads_release_once_after_the_last() -> Result<()> {
    let (a, deleted) = foreign_array()?;
    let views = vec![
        a.transpose(),
        a.slice(&[AxisSlice::Index(1)])?,
        a.flip(Some(&[0]))?,
        a.reshape(&[12])?,
        a.slice(&[AxisSlice::Index(0)])?.broadcast_to(&[5, 4])?,
        a.clone(),
    ];
    let re_exported = Array::from_dlpack(views[2].to_dlpack(&ExportOptions::versioned())?)?;
    drop(a);
    let handles: Vec<_> =
        views.into_iter().map(|v| std::thread::spawn(move || v.to_vec::<f32>().map(|x| x.len()))).collect();
    for h in handles {
        assert!(h.join().unwrap()? > 0);
        assert_eq!(deleted.get(), 0);
    }
    assert_eq!(re_exported.to_vec::<f32>()?[0], 8.0);
    drop(re_exported);
    assert_eq!(deleted.get(), 1);
    Ok(())
}

#[test]
fn copies_do_not_hold_the_foreign_memory() -> Result<()> {
    let (a, deleted) = foreign_array()?;
    let copy = Array::from_dlpack(a.to_dlpack(&ExportOptions::versioned().with_copy(Some(true)))?)?;
    let own = a.copy()?;
    drop(a);
    assert_eq!(deleted.get(), 1);
    assert_eq!(copy.to_vec::<f32>()?, own.to_vec::<f32>()?);
    Ok(())
}

#[test]
fn tensors_without_a_deleter_are_borrowed_memory() -> Result<()> {
    let mut data = [1i32, 2, 3];
    let mut shape = [3i64];
    let mut managed = devarray::dlpack::ffi::DLManagedTensor {
        dl_tensor: devarray::dlpack::ffi::DLTensor {
            data: data.as_mut_ptr().cast(),
            device: devarray::dlpack::ffi::DLDevice::CPU,
            ndim: 1,
            dtype: devarray::dlpack::ffi::DLDataType { code: devarray::dlpack::ffi::KDL_INT, bits: 32, lanes: 1 },
            shape: shape.as_mut_ptr(),
            strides: std::ptr::null_mut(),
            byte_offset: 0,
        },
        manager_ctx: std::ptr::null_mut(),
        deleter: None,
    };
    {
        // SAFETY: `managed`, `data` and `shape` outlive the array (dropped at the end of this
        // block); a NULL deleter means there is nothing to release.
        let a = unsafe { Array::from_dlpack_legacy(&mut managed) }?;
        assert_eq!(a.to_vec::<i32>()?, vec![1, 2, 3]);
        a.assign(&Array::zeros(&[3], DType::I32, &Device::Cpu)?)?;
    }
    assert_eq!(data, [0, 0, 0], "legacy imports are writable and zero-copy");
    Ok(())
}
