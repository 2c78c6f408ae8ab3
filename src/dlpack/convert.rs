//! Conversions between devarray's dtypes/devices and DLPack's integer codes.

use super::ffi::{self, DLDataType, DLDevice};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::Device;

/// The DLPack element type of `dtype` (bool is `kDLBool` with 8 bits).
#[inline]
pub(crate) fn dtype_to_dl(dtype: DType) -> DLDataType {
    let code = match dtype {
        DType::Bool => ffi::KDL_BOOL,
        DType::I8 | DType::I16 | DType::I32 | DType::I64 => ffi::KDL_INT,
        DType::U8 | DType::U16 | DType::U32 | DType::U64 => ffi::KDL_UINT,
        DType::F16 | DType::F32 | DType::F64 => ffi::KDL_FLOAT,
        DType::BF16 => ffi::KDL_BFLOAT,
        DType::C64 | DType::C128 => ffi::KDL_COMPLEX,
    };
    DLDataType { code, bits: (dtype.itemsize() * 8) as u8, lanes: 1 }
}

/// The dtype of a DLPack element type, refusing vector lanes, unknown codes and bit widths
/// that do not exist for the code.
#[inline]
pub(crate) fn dtype_from_dl(t: DLDataType) -> Result<DType> {
    if t.lanes == 1 {
        if let Some(d) = DType::ALL.into_iter().find(|&d| dtype_to_dl(d) == t) {
            return Ok(d);
        }
    }
    let code_name = ffi::dtype_code_name(t.code);
    let err = |reason: String| Error::DLPackDType {
        op: "from_dlpack",
        code: t.code,
        code_name,
        bits: t.bits,
        lanes: t.lanes,
        reason,
    };
    let valid_bits: Vec<u8> =
        DType::ALL.iter().map(|&d| dtype_to_dl(d)).filter(|d| d.code == t.code).map(|d| d.bits).collect();
    if valid_bits.is_empty() {
        let reason = if t.code > ffi::KDL_LAST_KNOWN_CODE {
            "is an unknown type code (from a newer DLPack version?); devarray reads kDLInt, kDLUInt, kDLFloat, kDLBfloat and kDLBool"
        } else {
            "is not supported by devarray (it has bool, int8-64, uint8-64, float16/32/64 and bfloat16); convert the tensor to one of those first"
        };
        return Err(err(reason.to_string()));
    }
    if t.lanes != 1 {
        return Err(err("has vector lanes; devarray supports scalar elements only (lanes = 1)".to_string()));
    }
    DType::ALL.into_iter().find(|&d| dtype_to_dl(d) == t).ok_or_else(|| {
        err(format!("has a bit width that does not exist for {code_name}; valid widths are {valid_bits:?}"))
    })
}

/// The DLPack device of `device`.
#[inline]
pub(crate) fn device_to_dl(device: Device) -> DLDevice {
    match device {
        Device::Cpu => DLDevice::CPU,
        Device::Cuda(i) => DLDevice::cuda(i as i32),
    }
}

/// The devarray device that can address memory described by `d`. Pinned (`kDLCUDAHost`) and
/// managed (`kDLCUDAManaged`) memory is host-addressable and becomes a CPU array.
#[inline]
pub(crate) fn device_from_dl(d: DLDevice) -> Result<Device> {
    let err = |reason: &str| Error::DLPackDevice {
        op: "from_dlpack",
        device_type: d.device_type,
        device_name: ffi::device_type_name(d.device_type),
        device_id: d.device_id,
        reason: reason.to_string(),
    };
    match d.device_type {
        ffi::KDL_CPU | ffi::KDL_CUDA_HOST | ffi::KDL_CUDA_MANAGED => Ok(Device::Cpu),
        ffi::KDL_CUDA if d.device_id >= 0 => Ok(Device::Cuda(d.device_id as usize)),
        ffi::KDL_CUDA => Err(err("has a negative device ordinal")),
        _ => Err(err(
            "cannot be addressed by devarray (it reads kDLCPU, kDLCUDAHost, kDLCUDAManaged and kDLCUDA memory); copy the tensor to the host first (Python: __dlpack__(dl_device=(1, 0)))",
        )),
    }
}

/// The device an export to `requested` produces from an array on `device`: the array's own
/// device or the host; anything else is refused.
#[inline]
pub(crate) fn export_target(device: Device, requested: Option<DLDevice>) -> Result<Device> {
    let Some(d) = requested else {
        return Ok(device);
    };
    if d == DLDevice::CPU {
        return Ok(Device::Cpu);
    }
    if d == device_to_dl(device) {
        return Ok(device);
    }
    Err(Error::DLPackDevice {
        op: "to_dlpack",
        device_type: d.device_type,
        device_name: ffi::device_type_name(d.device_type),
        device_id: d.device_id,
        reason: format!(
            "cannot be produced from a {device} array; request the array's own device {} or the host (kDLCPU, 0)",
            describe(device_to_dl(device))
        ),
    })
}

/// `(kDLCUDA, 1)`.
pub(crate) fn describe(d: DLDevice) -> String {
    format!("({}, {})", ffi::device_type_name(d.device_type), d.device_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dtype_round_trips() {
        for d in DType::ALL {
            assert_eq!(dtype_from_dl(dtype_to_dl(d)).unwrap(), d);
        }
        assert_eq!(dtype_to_dl(DType::Bool), DLDataType { code: ffi::KDL_BOOL, bits: 8, lanes: 1 });
        assert_eq!(dtype_to_dl(DType::BF16), DLDataType { code: ffi::KDL_BFLOAT, bits: 16, lanes: 1 });
    }

    #[test]
    fn devices_map_both_ways() {
        assert_eq!(device_from_dl(device_to_dl(Device::Cuda(3))).unwrap(), Device::Cuda(3));
        assert_eq!(device_from_dl(DLDevice { device_type: ffi::KDL_CUDA_HOST, device_id: 0 }).unwrap(), Device::Cpu);
        assert!(device_from_dl(DLDevice { device_type: ffi::KDL_ROCM, device_id: 0 }).is_err());
        assert_eq!(export_target(Device::Cuda(1), Some(DLDevice::CPU)).unwrap(), Device::Cpu);
        assert_eq!(export_target(Device::Cuda(1), Some(DLDevice::cuda(1))).unwrap(), Device::Cuda(1));
        assert!(export_target(Device::Cuda(1), Some(DLDevice::cuda(0))).is_err());
        assert!(export_target(Device::Cpu, Some(DLDevice::cuda(0))).is_err());
    }
}
