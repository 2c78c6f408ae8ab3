//! Malformed and unsupported DLPack tensors: each is refused with a typed error that says what is
//! wrong, and the producer's deleter runs exactly once on every refusal path (no leak, no double
//! release). Read-only imports refuse writes.

mod dlpack_support;

use devarray::dlpack::ffi::{self, DLDataType, DLDevice, DLPackVersion};
use devarray::dlpack::{DLPackTensor, RawDLPack};
use devarray::{Array, DType, Device, Error};
use dlpack_support::Spec;

/// Imports `spec` as a versioned and as a legacy tensor; both must fail with `check` and run
/// their deleter once.
fn refused(spec: &Spec, check: impl Fn(&Error) -> bool) {
    let (p, deleted) = dlpack_support::versioned(spec);
    // SAFETY: a live foreign tensor handed over once.
    let err = unsafe { Array::from_dlpack_versioned(p) }.expect_err("versioned import must fail");
    assert!(check(&err), "unexpected error: {err}");
    assert_eq!(deleted.get(), 1, "versioned deleter after: {err}");
    let (p, deleted) = dlpack_support::legacy(spec);
    // SAFETY: as above.
    let err = unsafe { Array::from_dlpack_legacy(p) }.expect_err("legacy import must fail");
    assert!(check(&err), "unexpected error: {err}");
    assert_eq!(deleted.get(), 1, "legacy deleter after: {err}");
}

fn malformed(err: &Error) -> bool {
    matches!(err, Error::DLPackMalformed { op: "from_dlpack", .. })
}

#[test]
fn unknown_major_version_is_refused_and_released() {
    for major in [0, 2, u32::MAX] {
        let mut spec = Spec::f32(&[2]);
        spec.version = DLPackVersion { major, minor: 7 };
        let (p, deleted) = dlpack_support::versioned(&spec);
        // SAFETY: a live foreign tensor handed over once.
        let err = unsafe { Array::from_dlpack_versioned(p) }.unwrap_err();
        assert!(matches!(err, Error::DLPackVersion { major: m, minor: 7 } if m == major), "{err}");
        assert!(err.to_string().contains("deleter"), "{err}");
        assert_eq!(deleted.get(), 1);
    }
    // A newer minor version of major 1 is fine.
    let mut spec = Spec::f32(&[2]);
    spec.version = DLPackVersion { major: 1, minor: 99 };
    let (p, deleted) = dlpack_support::versioned(&spec);
    // SAFETY: as above.
    drop(unsafe { DLPackTensor::from_raw(RawDLPack::Versioned(p)) }.unwrap());
    assert_eq!(deleted.get(), 1);
}

#[test]
fn dtypes_devarray_cannot_represent_are_refused() {
    let cases: [(u8, u8, u16, &str); 8] = [
        (99, 32, 1, "unknown type code"),
        (ffi::KDL_COMPLEX, 32, 1, "bit width"), // complex32 (two float16) is not a devarray dtype
        (ffi::KDL_OPAQUE_HANDLE, 64, 1, "not supported"),
        (10, 8, 1, "not supported"), // kDLFloat8_e4m3fn
        (ffi::KDL_FLOAT, 32, 4, "lanes"),
        (ffi::KDL_FLOAT, 8, 1, "bit width"),
        (ffi::KDL_INT, 12, 1, "bit width"),
        (ffi::KDL_BOOL, 1, 1, "bit width"),
    ];
    for (code, bits, lanes, text) in cases {
        let spec = Spec::raw(DLDataType { code, bits, lanes }, &[2], vec![0; 64]);
        refused(&spec, |e| {
            matches!(e, Error::DLPackDType { op: "from_dlpack", code: c, bits: b, lanes: l, .. }
                if (*c, *b, *l) == (code, bits, lanes))
                && e.to_string().contains(text)
        });
    }
}

#[test]
fn devices_devarray_cannot_address_are_refused() {
    for (device_type, device_id) in [(99, 0), (ffi::KDL_ROCM, 0), (ffi::KDL_OPENCL, 1), (ffi::KDL_CUDA, -1)] {
        let mut spec = Spec::f32(&[2]);
        spec.device = DLDevice { device_type, device_id };
        refused(&spec, |e| matches!(e, Error::DLPackDevice { device_type: t, .. } if *t == device_type));
    }
}

#[test]
fn cuda_tensors_without_a_usable_device_are_refused_and_released() {
    if Device::cuda_if_available(0).is_ok() {
        println!("skipped: a CUDA device is present");
        return;
    }
    let mut spec = Spec::f32(&[2]);
    spec.device = DLDevice::cuda(0);
    refused(&spec, |e| matches!(e, Error::CudaUnavailable { .. }));
}

#[test]
fn cuda_tensors_whose_data_is_not_on_the_device_are_refused_and_released() {
    if Device::cuda_if_available(0).is_err() {
        println!("skipped: no CUDA device");
        return;
    }
    // The spec's data is pageable host memory: the driver (or the emulator) does not know it as
    // device memory, so a kernel must never be handed it.
    let mut spec = Spec::f32(&[2, 3]);
    spec.device = DLDevice::cuda(0);
    refused(&spec, |e| {
        matches!(e, Error::DLPackMemory { device: Device::Cuda(0), .. })
            && e.to_string().contains("not memory the CUDA driver knows")
    });
}

#[test]
fn null_data_with_elements_is_refused() {
    let mut spec = Spec::f32(&[2, 3]);
    spec.null_data = true;
    refused(&spec, |e| malformed(e) && e.to_string().contains("NULL"));
}

#[test]
fn bad_ndim_and_shapes_are_refused() {
    let mut spec = Spec::f32(&[2]);
    spec.ndim = Some(-1);
    refused(&spec, |e| malformed(e) && e.to_string().contains("ndim"));
    let mut spec = Spec::f32(&[2]);
    spec.shape = None;
    spec.ndim = Some(1);
    refused(&spec, |e| malformed(e) && e.to_string().contains("shape is NULL"));
    let mut spec = Spec::f32(&[2]);
    spec.shape = Some(vec![3, -2]);
    refused(&spec, |e| malformed(e) && e.to_string().contains("negative extent -2"));
    let mut spec = Spec::f32(&[2]);
    spec.shape = Some(vec![i64::MAX, 4]);
    refused(&spec, |e| matches!(e, Error::SizeOverflow { op: "from_dlpack", .. }));
    // More axes than devarray supports: refused before the shape is read.
    let spec = Spec::f32(&[1; devarray::MAX_NDIM + 1]);
    refused(&spec, |e| matches!(e, Error::TooManyDims { op: "from_dlpack", ndim: 65, max: 64 }));
}

#[test]
fn spans_below_the_address_space_or_beyond_it_are_refused() {
    // Element [0] at address 0x40, strides -1 over 100 floats: the view would start below 0.
    let mut spec = Spec::f32(&[100]);
    spec.fake_address = Some(0x40);
    spec.strides = Some(vec![-1]);
    refused(&spec, |e| malformed(e) && e.to_string().contains("below"));
    // A byte offset that overflows the address space.
    let mut spec = Spec::f32(&[2]);
    spec.byte_offset = u64::MAX - 3;
    refused(&spec, malformed);
    // Strides whose reach overflows.
    let mut spec = Spec::f32(&[4]);
    spec.strides = Some(vec![i64::MAX / 2]);
    refused(&spec, |e| malformed(e) && e.to_string().contains("span"));
}

#[test]
fn misaligned_data_is_refused() {
    let mut spec = Spec::f32(&[2]);
    spec.alloc_bytes = 16;
    spec.data_shift = 1;
    refused(&spec, |e| malformed(e) && e.to_string().contains("aligned"));
    let mut spec = Spec::raw(DLDataType { code: ffi::KDL_FLOAT, bits: 64, lanes: 1 }, &[1], vec![0; 24]);
    spec.byte_offset = 4;
    refused(&spec, |e| malformed(e) && e.to_string().contains("8-byte"));
    // Offsets that keep the element alignment are fine, and bytes are never misaligned.
    let mut spec = Spec::f32(&[2]);
    spec.alloc_bytes = 16;
    spec.byte_offset = 4;
    let (p, deleted) = dlpack_support::versioned(&spec);
    // SAFETY: a live foreign tensor handed over once.
    let a = unsafe { Array::from_dlpack_versioned(p) }.unwrap();
    assert_eq!(a.to_vec::<f32>().unwrap(), vec![1.0, 0.0]);
    drop(a);
    assert_eq!(deleted.get(), 1);
}

#[test]
fn null_pointers_are_refused_without_a_deleter_call() {
    // SAFETY: NULL is never dereferenced.
    let err = unsafe { Array::from_dlpack_versioned(std::ptr::null_mut()) }.unwrap_err();
    assert!(matches!(err, Error::DLPackMalformed { .. }), "{err}");
    // SAFETY: as above.
    assert!(unsafe { Array::from_dlpack_legacy(std::ptr::null_mut()) }.is_err());
}

#[test]
fn read_only_imports_refuse_writes() {
    let mut spec = Spec::f32(&[2, 2]);
    spec.flags = ffi::DLPACK_FLAG_BITMASK_READ_ONLY | ffi::DLPACK_FLAG_BITMASK_IS_COPIED;
    let (p, deleted) = dlpack_support::versioned(&spec);
    // SAFETY: a live foreign tensor handed over once.
    let a = unsafe { Array::from_dlpack_versioned(p) }.unwrap();
    assert!(a.is_read_only());
    let zeros = Array::zeros(&[2, 2], DType::F32, &Device::Cpu).unwrap();
    assert!(matches!(a.assign(&zeros), Err(Error::ReadOnly { .. })));
    assert!(matches!(a.transpose().assign(&zeros.transpose()), Err(Error::ReadOnly { .. })), "views stay read-only");
    assert!(!a.copy().unwrap().is_read_only(), "copies are writable");
    // ... and re-exporting keeps the flag.
    assert!(a.to_dlpack(&devarray::ExportOptions::versioned()).unwrap().is_read_only());
    assert_eq!(a.to_vec::<f32>().unwrap(), vec![0.0, 1.0, 2.0, 3.0]);
    drop(a);
    assert_eq!(deleted.get(), 1);
}
