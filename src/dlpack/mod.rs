//! DLPack exchange: share arrays with other libraries (NumPy, PyTorch, CuPy, JAX, C/C++) without
//! copying, in both directions.
//!
//! - **Export**: [`Array::to_dlpack`](crate::Array::to_dlpack) makes a [`DLPackTensor`], an
//!   owning handle to a `DLManagedTensorVersioned` (DLPack 1.x) or a legacy `DLManagedTensor`.
//!   It keeps the array's buffer alive until its deleter runs, even after every `Array` is gone.
//!   [`DLPackTensor::into_raw`] hands the pointer to a consumer, which must call the deleter
//!   exactly once; dropping an unconsumed `DLPackTensor` calls it for you.
//! - **Import**: [`Array::from_dlpack`](crate::Array::from_dlpack) (or the raw-pointer
//!   [`Array::from_dlpack_versioned`](crate::Array::from_dlpack_versioned) /
//!   [`Array::from_dlpack_legacy`](crate::Array::from_dlpack_legacy)) wraps the producer's
//!   memory zero-copy and calls its deleter exactly once, when the last view is dropped; every
//!   refusal calls it too.
//! - **Streams**: export takes the consumer's stream as the Python protocol encodes it
//!   ([`StreamArg`]); when it differs from devarray's current stream, an event is recorded on
//!   ours and the consumer's stream waits on it (the host never blocks). As a consumer, pass
//!   [`current_stream_arg`] to the producer's `__dlpack__(stream=...)`.
//! - **Release** (CUDA): a consumer may call the deleter with its work on the memory still
//!   queued, on streams devarray never sees. So exported memory is freed only after a device
//!   synchronisation, when its last owner (the deleter, or devarray's last array) lets go; an
//!   imported tensor's deleter likewise runs only once the device has finished devarray's work.
//!   CUDA imports are checked with the driver (`cuPointerGetAttributes`) to be memory of the
//!   claimed device before any use ([`Error::DLPackMemory`]).
//! - **Layout**: `shape` and `strides` (in elements) are always filled; `byte_offset` is 0 and
//!   `data` points at element `[0, …, 0]` (with negative strides, other elements lie below it).
//!   Read-only arrays (including broadcast views) carry `DLPACK_FLAG_BITMASK_READ_ONLY`, and
//!   imports honour it.
//!
//! ```
//! use devarray::dlpack::{ffi, ExportOptions};
//! use devarray::{Array, Device};
//!
//! /// Another library: sums a float32 C-contiguous tensor and releases it, as a C consumer does.
//! unsafe extern "C" fn other_library_sum(t: *mut ffi::DLManagedTensorVersioned) -> f32 {
//!     let dl = &(*t).dl_tensor;
//!     let n: i64 = (0..dl.ndim as usize).map(|i| *dl.shape.add(i)).product();
//!     let data = std::slice::from_raw_parts(dl.data as *const f32, n as usize);
//!     let sum = data.iter().sum();
//!     if let Some(deleter) = (*t).deleter {
//!         deleter(t); // exactly once, when done
//!     }
//!     sum
//! }
//!
//! let a = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2], &Device::Cpu)?;
//! let ptr = a.to_dlpack(&ExportOptions::versioned())?.into_raw().versioned().unwrap();
//! drop(a); // the tensor keeps the buffer alive
//! assert_eq!(unsafe { other_library_sum(ptr) }, 10.0);
//!
//! // And back: a tensor from another library becomes an Array without a copy.
//! let b = Array::from_slice(&[1i32, 2, 3, 4, 5, 6], &[2, 3], &Device::Cpu)?;
//! let foreign = b.transpose().to_dlpack(&ExportOptions::legacy())?.into_raw();
//! let c = unsafe { Array::from_dlpack_legacy(foreign.legacy().unwrap()) }?;
//! assert_eq!(c.shape(), &[3, 2]);
//! assert_eq!(c.to_vec::<i32>()?, vec![1, 4, 2, 5, 3, 6]);
//! # Ok::<(), devarray::Error>(())
//! ```

mod convert;
mod export;
pub mod ffi;
mod import;
mod stream_arg;
pub(crate) mod sync;

pub use export::ExportOptions;
pub use stream_arg::StreamArg;

use crate::error::{Error, Result};
use crate::stream::Stream;
use crate::Device;
use ffi::{DLManagedTensor, DLManagedTensorVersioned, DLPackVersion, DLTensor};

/// A raw managed-tensor pointer, legacy or versioned, as it crosses an FFI boundary.
///
/// ```
/// use devarray::dlpack::RawDLPack;
/// let none = RawDLPack::Legacy(std::ptr::null_mut());
/// assert!(none.is_null());
/// assert_eq!(none.versioned(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawDLPack {
    /// A legacy (DLPack 0.x) `DLManagedTensor*` (Python capsule name `"dltensor"`).
    Legacy(*mut DLManagedTensor),
    /// A `DLManagedTensorVersioned*` (Python capsule name `"dltensor_versioned"`).
    Versioned(*mut DLManagedTensorVersioned),
}

impl RawDLPack {
    /// True for a NULL pointer of either kind.
    ///
    /// ```
    /// assert!(devarray::dlpack::RawDLPack::Versioned(std::ptr::null_mut()).is_null());
    /// ```
    pub fn is_null(self) -> bool {
        match self {
            RawDLPack::Legacy(p) => p.is_null(),
            RawDLPack::Versioned(p) => p.is_null(),
        }
    }

    /// The pointer when this is a versioned tensor.
    ///
    /// ```
    /// let p = devarray::dlpack::RawDLPack::Versioned(std::ptr::null_mut());
    /// assert!(p.versioned().is_some());
    /// ```
    pub fn versioned(self) -> Option<*mut DLManagedTensorVersioned> {
        match self {
            RawDLPack::Versioned(p) => Some(p),
            RawDLPack::Legacy(_) => None,
        }
    }

    /// The pointer when this is a legacy tensor.
    ///
    /// ```
    /// let p = devarray::dlpack::RawDLPack::Legacy(std::ptr::null_mut());
    /// assert!(p.legacy().is_some());
    /// ```
    pub fn legacy(self) -> Option<*mut DLManagedTensor> {
        match self {
            RawDLPack::Legacy(p) => Some(p),
            RawDLPack::Versioned(_) => None,
        }
    }
}

/// An owned DLPack managed tensor (legacy or versioned): dropping it calls the tensor's deleter
/// exactly once, unless ownership was handed on with [`DLPackTensor::into_raw`] or
/// [`Array::from_dlpack`](crate::Array::from_dlpack).
///
/// A versioned `DLPackTensor` always has major version 1 ([`DLPackTensor::from_raw`] refuses
/// others), so its `dl_tensor` can be read.
///
/// ```
/// use devarray::dlpack::ExportOptions;
/// use devarray::{Array, DType, Device};
/// let a = Array::zeros(&[2, 3], DType::F64, &Device::Cpu)?;
/// let t = a.to_dlpack(&ExportOptions::versioned())?;
/// assert_eq!(t.shape(), &[2, 3]);
/// assert_eq!(t.strides(), Some(&[3i64, 1][..]));
/// assert_eq!(t.version().map(|v| v.major), Some(1));
/// assert!(!t.is_read_only());
/// drop(t); // never consumed: the deleter runs here
/// # Ok::<(), devarray::Error>(())
/// ```
pub struct DLPackTensor {
    /// Non-NULL, owned; for `Versioned`, major version 1.
    raw: RawDLPack,
}

// SAFETY: the DLPack protocol lets the deleter run on any thread (producers that need a lock,
// such as the Python GIL, take it inside the deleter), and this handle only reads the tensor's
// immutable metadata.
unsafe impl Send for DLPackTensor {}
// SAFETY: `&DLPackTensor` only reads metadata the producer does not change after export.
unsafe impl Sync for DLPackTensor {}

impl DLPackTensor {
    /// Takes ownership of a managed tensor from another library.
    ///
    /// **Errors**: NULL → [`Error::DLPackMalformed`]; a versioned tensor whose major version is
    /// not 1 → [`Error::DLPackVersion`], after calling its deleter (the DLPack rule: only
    /// `version` and `deleter` may be touched then).
    ///
    /// # Safety
    /// `raw` is NULL or points to a managed tensor that stays valid until its deleter is called,
    /// and ownership passes to this call: the caller must neither use the pointer nor call the
    /// deleter afterwards, whatever the result. For major version 1 (and legacy tensors), the
    /// `shape` and `strides` pointers are NULL or readable for `ndim` values, and `data` is
    /// memory on `device` valid for every element the shape, strides and `byte_offset` reach
    /// (reads, and writes unless the read-only flag is set).
    ///
    /// ```
    /// use devarray::dlpack::{DLPackTensor, ExportOptions};
    /// use devarray::{Array, Device};
    /// let raw = Array::from_slice(&[1u8, 2], &[2], &Device::Cpu)?
    ///     .to_dlpack(&ExportOptions::versioned())?
    ///     .into_raw();
    /// // SAFETY: `raw` came from `into_raw` and is used once.
    /// let t = unsafe { DLPackTensor::from_raw(raw) }?;
    /// assert_eq!(t.shape(), &[2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    #[inline]
    pub unsafe fn from_raw(raw: RawDLPack) -> Result<DLPackTensor> {
        if raw.is_null() {
            return Err(Error::DLPackMalformed {
                op: "DLPackTensor::from_raw",
                msg: "the managed tensor pointer is NULL; pass the pointer the producer returned".into(),
            });
        }
        if let RawDLPack::Versioned(p) = raw {
            // SAFETY: non-NULL and valid by the caller's contract; `version` and `deleter` are
            // ABI-stable across major versions.
            let (version, deleter) = unsafe { ((*p).version, (*p).deleter) };
            if version.major != ffi::DLPACK_MAJOR_VERSION {
                if let Some(d) = deleter {
                    // SAFETY: we own the tensor and release it exactly once, as the spec
                    // requires of a consumer that does not understand the version.
                    unsafe { d(p) };
                }
                return Err(Error::DLPackVersion { major: version.major, minor: version.minor });
            }
        }
        Ok(DLPackTensor { raw })
    }

    /// Gives up ownership: the returned pointer's deleter must be called exactly once by whoever
    /// receives it (Python: wrap it in a capsule named `"dltensor_versioned"` / `"dltensor"`).
    ///
    /// ```
    /// use devarray::dlpack::ExportOptions;
    /// use devarray::{Array, DType, Device};
    /// let raw = Array::zeros(&[4], DType::F32, &Device::Cpu)?
    ///     .to_dlpack(&ExportOptions::versioned())?
    ///     .into_raw();
    /// let p = raw.versioned().unwrap();
    /// // ... a consumer uses the tensor, then releases it:
    /// // SAFETY: `p` is a live tensor whose deleter has not been called.
    /// unsafe { ((*p).deleter.unwrap())(p) };
    /// # Ok::<(), devarray::Error>(())
    /// ```
    #[must_use = "the tensor leaks unless its deleter is called"]
    pub fn into_raw(self) -> RawDLPack {
        let raw = self.raw;
        std::mem::forget(self);
        raw
    }

    /// The pointer, still owned by `self`.
    ///
    /// ```
    /// use devarray::{dlpack::ExportOptions, Array, DType, Device};
    /// let t = Array::zeros(&[1], DType::I8, &Device::Cpu)?.to_dlpack(&ExportOptions::legacy())?;
    /// assert!(t.as_raw().legacy().is_some());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn as_raw(&self) -> RawDLPack {
        self.raw
    }

    /// The tensor description.
    ///
    /// ```
    /// use devarray::{dlpack::ExportOptions, Array, DType, Device};
    /// let t = Array::zeros(&[5], DType::U16, &Device::Cpu)?.to_dlpack(&ExportOptions::legacy())?;
    /// assert_eq!((t.dl_tensor().ndim, t.dl_tensor().byte_offset), (1, 0));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn dl_tensor(&self) -> &DLTensor {
        // SAFETY: `raw` is non-NULL and valid while `self` owns it (the `from_raw` contract or
        // our own export); versioned tensors have major version 1, so `dl_tensor` is readable.
        unsafe {
            match self.raw {
                RawDLPack::Legacy(p) => &(*p).dl_tensor,
                RawDLPack::Versioned(p) => &(*p).dl_tensor,
            }
        }
    }

    /// The ABI version (`None` for a legacy tensor).
    ///
    /// ```
    /// use devarray::{dlpack::ExportOptions, Array, DType, Device};
    /// let t = Array::zeros(&[1], DType::F32, &Device::Cpu)?.to_dlpack(&ExportOptions::legacy())?;
    /// assert_eq!(t.version(), None);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn version(&self) -> Option<DLPackVersion> {
        // SAFETY: as in `dl_tensor`.
        self.raw.versioned().map(|p| unsafe { (*p).version })
    }

    /// The `DLPACK_FLAG_BITMASK_*` bits (always 0 for a legacy tensor).
    ///
    /// ```
    /// use devarray::{dlpack::{ffi, ExportOptions}, Array, DType, Device};
    /// let a = Array::zeros(&[3], DType::F32, &Device::Cpu)?.broadcast_to(&[2, 3])?;
    /// let t = a.to_dlpack(&ExportOptions::versioned())?;
    /// assert_eq!(t.flags() & ffi::DLPACK_FLAG_BITMASK_READ_ONLY, ffi::DLPACK_FLAG_BITMASK_READ_ONLY);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn flags(&self) -> u64 {
        // SAFETY: as in `dl_tensor`.
        self.raw.versioned().map_or(0, |p| unsafe { (*p).flags })
    }

    /// True when the consumer must not write through the tensor.
    ///
    /// ```
    /// use devarray::{dlpack::ExportOptions, Array, DType, Device};
    /// let a = Array::zeros(&[3], DType::F32, &Device::Cpu)?.into_read_only();
    /// assert!(a.to_dlpack(&ExportOptions::versioned())?.is_read_only());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn is_read_only(&self) -> bool {
        self.flags() & ffi::DLPACK_FLAG_BITMASK_READ_ONLY != 0
    }

    /// True when the producer made a copy for this export (the consumer owns it alone).
    ///
    /// ```
    /// use devarray::{dlpack::ExportOptions, Array, DType, Device};
    /// let a = Array::zeros(&[3], DType::F32, &Device::Cpu)?;
    /// assert!(a.to_dlpack(&ExportOptions::versioned().with_copy(Some(true)))?.is_copied());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn is_copied(&self) -> bool {
        self.flags() & ffi::DLPACK_FLAG_BITMASK_IS_COPIED != 0
    }

    /// The extents (empty for 0-d tensors or a malformed NULL `shape`).
    ///
    /// ```
    /// use devarray::{dlpack::ExportOptions, Array, DType, Device};
    /// let t = Array::zeros(&[], DType::F32, &Device::Cpu)?.to_dlpack(&ExportOptions::legacy())?;
    /// assert!(t.shape().is_empty());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn shape(&self) -> &[i64] {
        let t = self.dl_tensor();
        // SAFETY: by the `from_raw` contract, a non-NULL `shape` holds `ndim` values and lives
        // as long as the tensor.
        unsafe { read_i64s(t.shape, t.ndim) }.unwrap_or(&[])
    }

    /// The element strides, or `None` when the producer left them NULL (compact row-major).
    ///
    /// ```
    /// use devarray::{dlpack::ExportOptions, Array, DType, Device};
    /// let a = Array::zeros(&[2, 3], DType::F32, &Device::Cpu)?.transpose();
    /// let t = a.to_dlpack(&ExportOptions::versioned())?;
    /// assert_eq!(t.strides(), Some(&[1i64, 3][..]));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn strides(&self) -> Option<&[i64]> {
        let t = self.dl_tensor();
        // SAFETY: as in `shape`.
        unsafe { read_i64s(t.strides, t.ndim) }
    }
}

/// `n` values at `p`, or `None` when `p` is NULL (an empty slice when `n <= 0`).
///
/// # Safety
/// A non-NULL `p` points to `n` readable `i64` values that outlive `'a`.
pub(crate) unsafe fn read_i64s<'a>(p: *const i64, n: i32) -> Option<&'a [i64]> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL, and readable for `n` values by the caller's contract.
    Some(unsafe { std::slice::from_raw_parts(p, n.max(0) as usize) })
}

impl Drop for DLPackTensor {
    fn drop(&mut self) {
        // SAFETY: we own the tensor (non-NULL, valid) and release it exactly once, here.
        unsafe {
            match self.raw {
                RawDLPack::Legacy(p) => {
                    if let Some(d) = (*p).deleter {
                        d(p)
                    }
                }
                RawDLPack::Versioned(p) => {
                    if let Some(d) = (*p).deleter {
                        d(p)
                    }
                }
            }
        }
    }
}

impl std::fmt::Debug for DLPackTensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = self.dl_tensor();
        f.debug_struct("DLPackTensor")
            .field("version", &self.version())
            .field("device", &convert::describe(t.device))
            .field("dtype", &t.dtype)
            .field("shape", &self.shape())
            .field("strides", &self.strides())
            .field("flags", &self.flags())
            .finish()
    }
}

/// The `stream` integer a devarray consumer passes to a producer's `__dlpack__(stream=...)`
/// before importing its tensor onto `device`: this thread's current stream there (`None` on the
/// CPU). The producer then orders its pending work before that stream.
///
/// ```
/// assert_eq!(devarray::dlpack::current_stream_arg(&devarray::Device::Cpu)?, None);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn current_stream_arg(device: &Device) -> Result<Option<i64>> {
    Ok(Stream::current(device)?.dlpack_stream_arg())
}
