//! The DLPack C ABI, written out in Rust (`dlpack.h`, v1.1 of dmlc/dlpack).
//!
//! These are the exact `#[repr(C)]` layouts other libraries (NumPy, PyTorch, CuPy, JAX, C/C++
//! code) exchange. Enumerations of the header (`DLDeviceType`, `DLDataTypeCode`) are kept as
//! **plain integers** with named constants, never as Rust enums: a newer producer may send a value
//! this crate does not know, and reading an unknown value into a Rust enum would be undefined
//! behaviour. Unknown values are refused with an [`Error`](crate::Error) instead.
//!
//! ```
//! use devarray::dlpack::ffi::{DLDataType, DLManagedTensorVersioned, DLTensor, KDL_FLOAT};
//! assert_eq!(std::mem::size_of::<DLTensor>(), 48);
//! assert_eq!(std::mem::size_of::<DLManagedTensorVersioned>(), 80);
//! let f32_type = DLDataType { code: KDL_FLOAT, bits: 32, lanes: 1 };
//! assert_eq!(f32_type.bits, 32);
//! ```

use std::ffi::c_void;

/// Major version of the DLPack ABI this crate produces and understands (`DLPACK_MAJOR_VERSION`).
///
/// ```
/// assert_eq!(devarray::dlpack::ffi::DLPACK_MAJOR_VERSION, 1);
/// ```
pub const DLPACK_MAJOR_VERSION: u32 = 1;
/// Minor version this crate writes into the versioned tensors it exports
/// (`DLPACK_MINOR_VERSION`). Imports accept any minor version of major 1.
///
/// ```
/// assert!(devarray::dlpack::ffi::DLPACK_MINOR_VERSION >= 1);
/// ```
pub const DLPACK_MINOR_VERSION: u32 = 1;

/// Flag bit: the consumer must not write through the tensor (`DLPACK_FLAG_BITMASK_READ_ONLY`).
///
/// ```
/// assert_eq!(devarray::dlpack::ffi::DLPACK_FLAG_BITMASK_READ_ONLY, 1);
/// ```
pub const DLPACK_FLAG_BITMASK_READ_ONLY: u64 = 1 << 0;
/// Flag bit: the producer made a copy that the consumer owns alone until it calls the deleter
/// (`DLPACK_FLAG_BITMASK_IS_COPIED`).
///
/// ```
/// assert_eq!(devarray::dlpack::ffi::DLPACK_FLAG_BITMASK_IS_COPIED, 2);
/// ```
pub const DLPACK_FLAG_BITMASK_IS_COPIED: u64 = 1 << 1;
/// Flag bit (v1.1): sub-byte elements are padded to a whole byte
/// (`DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED`). devarray has no sub-byte dtypes.
///
/// ```
/// assert_eq!(devarray::dlpack::ffi::DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED, 4);
/// ```
pub const DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED: u64 = 1 << 2;

// ----- DLDeviceType -------------------------------------------------------------------------

/// `kDLCPU`: host memory.
pub const KDL_CPU: i32 = 1;
/// `kDLCUDA`: CUDA device memory.
pub const KDL_CUDA: i32 = 2;
/// `kDLCUDAHost`: pinned host memory from `cudaMallocHost` (host-addressable).
pub const KDL_CUDA_HOST: i32 = 3;
/// `kDLOpenCL`.
pub const KDL_OPENCL: i32 = 4;
/// `kDLVulkan`.
pub const KDL_VULKAN: i32 = 7;
/// `kDLMetal`.
pub const KDL_METAL: i32 = 8;
/// `kDLVPI`.
pub const KDL_VPI: i32 = 9;
/// `kDLROCM`.
pub const KDL_ROCM: i32 = 10;
/// `kDLROCMHost`.
pub const KDL_ROCM_HOST: i32 = 11;
/// `kDLExtDev`.
pub const KDL_EXT_DEV: i32 = 12;
/// `kDLCUDAManaged`: CUDA unified memory (`cudaMallocManaged`, host-addressable).
pub const KDL_CUDA_MANAGED: i32 = 13;
/// `kDLOneAPI`.
pub const KDL_ONEAPI: i32 = 14;
/// `kDLWebGPU`.
pub const KDL_WEBGPU: i32 = 15;
/// `kDLHexagon`.
pub const KDL_HEXAGON: i32 = 16;
/// `kDLMAIA`.
pub const KDL_MAIA: i32 = 17;

// ----- DLDataTypeCode -----------------------------------------------------------------------

/// `kDLInt`: signed integer.
pub const KDL_INT: u8 = 0;
/// `kDLUInt`: unsigned integer.
pub const KDL_UINT: u8 = 1;
/// `kDLFloat`: IEEE floating point.
pub const KDL_FLOAT: u8 = 2;
/// `kDLOpaqueHandle`: opaque pointers (not supported by devarray).
pub const KDL_OPAQUE_HANDLE: u8 = 3;
/// `kDLBfloat`: bfloat16.
pub const KDL_BFLOAT: u8 = 4;
/// `kDLComplex`: complex floats, two IEEE components (64 bits: complex64, 128: complex128).
pub const KDL_COMPLEX: u8 = 5;
/// `kDLBool`: boolean, 8 bits per element.
pub const KDL_BOOL: u8 = 6;
/// Largest dtype code of the DLPack 1.x headers known to this crate (`kDLBcomplex` = 18, the
/// float8/float6/float4 codes lie between). Codes above it come from a newer header.
pub const KDL_LAST_KNOWN_CODE: u8 = 18;

/// A device: type code (`KDL_*`) and ordinal (`DLDevice`).
///
/// `device_type` is a plain `i32` on purpose (see the module docs).
///
/// ```
/// use devarray::dlpack::ffi::{DLDevice, KDL_CPU};
/// assert_eq!(DLDevice::CPU, DLDevice { device_type: KDL_CPU, device_id: 0 });
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DLDevice {
    /// A `KDL_*` device-type code.
    pub device_type: i32,
    /// The device ordinal (0 for host, pinned and managed memory).
    pub device_id: i32,
}

impl DLDevice {
    /// `(kDLCPU, 0)`, the host: the one target every DLPack producer must offer.
    pub const CPU: DLDevice = DLDevice { device_type: KDL_CPU, device_id: 0 };

    /// `(kDLCUDA, ordinal)`.
    ///
    /// ```
    /// let d = devarray::dlpack::ffi::DLDevice::cuda(1);
    /// assert_eq!((d.device_type, d.device_id), (2, 1));
    /// ```
    pub const fn cuda(ordinal: i32) -> DLDevice {
        DLDevice { device_type: KDL_CUDA, device_id: ordinal }
    }
}

/// An element type: code (`KDL_*`), bits per lane, lanes (`DLDataType`). devarray uses
/// `lanes == 1` only.
///
/// ```
/// use devarray::dlpack::ffi::{DLDataType, KDL_BOOL};
/// let b = DLDataType { code: KDL_BOOL, bits: 8, lanes: 1 };
/// assert_eq!(std::mem::size_of_val(&b), 4);
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DLDataType {
    /// A `KDL_*` type code (plain integer; unknown codes are refused on import).
    pub code: u8,
    /// Bits per lane (8 for bool).
    pub bits: u8,
    /// Vector lanes; 1 for scalar elements.
    pub lanes: u16,
}

/// The ABI version stored in a versioned tensor (`DLPackVersion`).
///
/// ```
/// let v = devarray::dlpack::ffi::DLPackVersion { major: 1, minor: 0 };
/// assert_eq!(v.major, 1);
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DLPackVersion {
    /// Major version: a consumer that does not know it must only call the deleter.
    pub major: u32,
    /// Minor version: additions that keep the layout.
    pub minor: u32,
}

/// The tensor description (`DLTensor`): a pointer plus shape and element strides.
///
/// The element `[i0, i1, …]` lives at byte address
/// `data + byte_offset + itemsize * Σ ik * strides[k]`. `strides` may be NULL in tensors from
/// producers older than DLPack 1.2 (compact row-major); devarray always fills it.
///
/// ```
/// use devarray::dlpack::ffi::{DLDataType, DLDevice, DLTensor, KDL_FLOAT};
/// let mut shape = [2i64, 3];
/// let mut data = [0f32; 6];
/// let t = DLTensor {
///     data: data.as_mut_ptr().cast(),
///     device: DLDevice::CPU,
///     ndim: 2,
///     dtype: DLDataType { code: KDL_FLOAT, bits: 32, lanes: 1 },
///     shape: shape.as_mut_ptr(),
///     strides: std::ptr::null_mut(), // compact row-major
///     byte_offset: 0,
/// };
/// assert_eq!(t.ndim, 2);
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DLTensor {
    /// Start of the memory (device address for device memory); may be NULL when there are no
    /// elements.
    pub data: *mut c_void,
    /// Where the memory is.
    pub device: DLDevice,
    /// Number of axes.
    pub ndim: i32,
    /// Element type.
    pub dtype: DLDataType,
    /// `ndim` extents (may be NULL when `ndim == 0`).
    pub shape: *mut i64,
    /// `ndim` strides in elements, or NULL for compact row-major.
    pub strides: *mut i64,
    /// Bytes from `data` to element `[0, …, 0]`.
    pub byte_offset: u64,
}

/// The legacy (DLPack 0.x) owning wrapper (`DLManagedTensor`): no version, no flags.
///
/// ```
/// assert_eq!(std::mem::size_of::<devarray::dlpack::ffi::DLManagedTensor>(), 64);
/// ```
#[repr(C)]
#[derive(Debug)]
pub struct DLManagedTensor {
    /// The tensor.
    pub dl_tensor: DLTensor,
    /// The producer's context (opaque to the consumer).
    pub manager_ctx: *mut c_void,
    /// Releases the tensor; called exactly once by whoever owns it last (may be NULL).
    pub deleter: Option<unsafe extern "C" fn(*mut DLManagedTensor)>,
}

/// The versioned (DLPack 1.x) owning wrapper (`DLManagedTensorVersioned`).
///
/// Everything up to `flags` keeps its layout across major versions, so a consumer can always
/// read `version` and call `deleter`.
///
/// ```
/// use devarray::dlpack::ffi::{DLManagedTensorVersioned, DLPACK_FLAG_BITMASK_READ_ONLY};
/// assert_eq!(std::mem::align_of::<DLManagedTensorVersioned>(), 8);
/// assert_eq!(DLPACK_FLAG_BITMASK_READ_ONLY & 1, 1);
/// ```
#[repr(C)]
#[derive(Debug)]
pub struct DLManagedTensorVersioned {
    /// ABI version of this struct.
    pub version: DLPackVersion,
    /// The producer's context (opaque to the consumer).
    pub manager_ctx: *mut c_void,
    /// Releases the tensor; called exactly once by whoever owns it last (may be NULL).
    pub deleter: Option<unsafe extern "C" fn(*mut DLManagedTensorVersioned)>,
    /// `DLPACK_FLAG_BITMASK_*` bits.
    pub flags: u64,
    /// The tensor.
    pub dl_tensor: DLTensor,
}

// The layouts other libraries compiled against `dlpack.h` expect (LP64 / LLP64).
#[cfg(target_pointer_width = "64")]
const _: () = {
    use std::mem::{align_of, offset_of, size_of};
    assert!(size_of::<DLDevice>() == 8 && align_of::<DLDevice>() == 4);
    assert!(size_of::<DLDataType>() == 4 && align_of::<DLDataType>() == 2);
    assert!(size_of::<DLPackVersion>() == 8);
    assert!(size_of::<DLTensor>() == 48 && align_of::<DLTensor>() == 8);
    assert!(offset_of!(DLTensor, device) == 8 && offset_of!(DLTensor, ndim) == 16);
    assert!(offset_of!(DLTensor, dtype) == 20 && offset_of!(DLTensor, shape) == 24);
    assert!(offset_of!(DLTensor, strides) == 32 && offset_of!(DLTensor, byte_offset) == 40);
    assert!(size_of::<DLManagedTensor>() == 64 && align_of::<DLManagedTensor>() == 8);
    assert!(offset_of!(DLManagedTensor, manager_ctx) == 48);
    assert!(offset_of!(DLManagedTensor, deleter) == 56);
    assert!(size_of::<DLManagedTensorVersioned>() == 80);
    assert!(offset_of!(DLManagedTensorVersioned, manager_ctx) == 8);
    assert!(offset_of!(DLManagedTensorVersioned, deleter) == 16);
    assert!(offset_of!(DLManagedTensorVersioned, flags) == 24);
    assert!(offset_of!(DLManagedTensorVersioned, dl_tensor) == 32);
};

/// The header's name for a device-type code (`"kDLCUDA"`), or `"unknown"`.
pub(crate) fn device_type_name(code: i32) -> &'static str {
    match code {
        KDL_CPU => "kDLCPU",
        KDL_CUDA => "kDLCUDA",
        KDL_CUDA_HOST => "kDLCUDAHost",
        KDL_OPENCL => "kDLOpenCL",
        KDL_VULKAN => "kDLVulkan",
        KDL_METAL => "kDLMetal",
        KDL_VPI => "kDLVPI",
        KDL_ROCM => "kDLROCM",
        KDL_ROCM_HOST => "kDLROCMHost",
        KDL_EXT_DEV => "kDLExtDev",
        KDL_CUDA_MANAGED => "kDLCUDAManaged",
        KDL_ONEAPI => "kDLOneAPI",
        KDL_WEBGPU => "kDLWebGPU",
        KDL_HEXAGON => "kDLHexagon",
        KDL_MAIA => "kDLMAIA",
        _ => "unknown",
    }
}

/// The header's name for a dtype code (`"kDLFloat"`), or `"unknown"`.
pub(crate) fn dtype_code_name(code: u8) -> &'static str {
    match code {
        KDL_INT => "kDLInt",
        KDL_UINT => "kDLUInt",
        KDL_FLOAT => "kDLFloat",
        KDL_OPAQUE_HANDLE => "kDLOpaqueHandle",
        KDL_BFLOAT => "kDLBfloat",
        KDL_COMPLEX => "kDLComplex",
        KDL_BOOL => "kDLBool",
        7..=17 => "a float8/float6/float4 code",
        KDL_LAST_KNOWN_CODE => "kDLBcomplex",
        _ => "unknown",
    }
}
