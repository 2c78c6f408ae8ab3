//! Export: [`Array`] → DLPack managed tensor.

use super::convert::{device_to_dl, dtype_to_dl, export_target};
use super::ffi::{self, DLDevice, DLManagedTensor, DLManagedTensorVersioned, DLPackVersion, DLTensor};
use super::{sync, DLPackTensor, RawDLPack, StreamArg};
use crate::array::Array;
use crate::error::{Error, Result};
use crate::layout::Dims;
use crate::storage::Storage;
use crate::Device;
use std::ffi::c_void;
use std::sync::Arc;

/// How [`Array::to_dlpack`] exports: the keyword arguments of Python's `__dlpack__`.
///
/// The default is a legacy tensor on the array's own device, no copy unless needed, and the
/// consumer's stream `None` (the legacy default stream on CUDA).
///
/// ```
/// use devarray::dlpack::{ffi::DLDevice, ExportOptions};
/// let o = ExportOptions::for_max_version(Some((1, 0))).with_dl_device(DLDevice::CPU).with_copy(Some(true));
/// assert!(o.versioned);
/// assert_eq!(o.dl_device, Some(DLDevice::CPU));
/// assert_eq!(o.stream(), None);
/// assert!(!ExportOptions::for_max_version(None).versioned);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportOptions {
    /// `true`: a `DLManagedTensorVersioned` (DLPack 1.x, with flags); `false`: a legacy
    /// `DLManagedTensor`, which cannot mark read-only data (read-only arrays are then refused).
    pub versioned: bool,
    /// The device the consumer wants the tensor on (`None`: the array's device). Only the
    /// array's own device and the host, `(kDLCPU, 0)`, can be produced.
    pub dl_device: Option<DLDevice>,
    /// `Some(true)`: always copy; `Some(false)`: never copy (an error when one is needed);
    /// `None`: copy only when needed.
    pub copy: Option<bool>,
    /// The consumer's stream, Python-encoded (see [`StreamArg`]); set with
    /// [`ExportOptions::with_stream`].
    stream: Option<i64>,
}

impl ExportOptions {
    /// A legacy (`DLManagedTensor`) export with the other options at their defaults.
    ///
    /// ```
    /// assert!(!devarray::dlpack::ExportOptions::legacy().versioned);
    /// ```
    pub fn legacy() -> Self {
        Self::default()
    }

    /// A versioned (`DLManagedTensorVersioned`) export with the other options at their
    /// defaults.
    ///
    /// ```
    /// assert!(devarray::dlpack::ExportOptions::versioned().versioned);
    /// ```
    pub fn versioned() -> Self {
        ExportOptions { versioned: true, ..Self::default() }
    }

    /// The export Python's `max_version` asks for: versioned when the consumer understands
    /// major version 1 or later, legacy for `None` (older consumers, e.g. JAX) or `(0, x)`.
    ///
    /// ```
    /// use devarray::dlpack::ExportOptions;
    /// assert!(ExportOptions::for_max_version(Some((2, 0))).versioned);
    /// assert!(!ExportOptions::for_max_version(Some((0, 8))).versioned);
    /// ```
    pub fn for_max_version(max_version: Option<(u32, u32)>) -> Self {
        ExportOptions { versioned: max_version.is_some_and(|(major, _)| major >= 1), ..Self::default() }
    }

    /// Sets the target device (Python `dl_device`).
    ///
    /// ```
    /// use devarray::dlpack::{ffi::DLDevice, ExportOptions};
    /// assert_eq!(ExportOptions::versioned().with_dl_device(DLDevice::CPU).dl_device, Some(DLDevice::CPU));
    /// ```
    pub fn with_dl_device(mut self, dl_device: DLDevice) -> Self {
        self.dl_device = Some(dl_device);
        self
    }

    /// Sets the copy policy (Python `copy`).
    ///
    /// ```
    /// assert_eq!(devarray::dlpack::ExportOptions::legacy().with_copy(Some(false)).copy, Some(false));
    /// ```
    pub fn with_copy(mut self, copy: Option<bool>) -> Self {
        self.copy = copy;
        self
    }

    /// Sets the consumer's stream as the Python protocol encodes it (Python `stream`), parsed
    /// and validated by [`StreamArg::parse`] at export.
    ///
    /// # Safety
    /// On CUDA, a value above 2 is used as a `CUstream` by the driver: it must be a live stream
    /// of the exported array's device (its primary context), as it is when the value comes from
    /// a consumer's `__dlpack__(stream=...)` call. Other values are always safe.
    ///
    /// ```
    /// use devarray::dlpack::ExportOptions;
    /// // SAFETY: -1 (no synchronisation) names no stream.
    /// let o = unsafe { ExportOptions::versioned().with_stream(Some(-1)) };
    /// assert_eq!(o.stream(), Some(-1));
    /// ```
    pub unsafe fn with_stream(mut self, stream: Option<i64>) -> Self {
        self.stream = stream;
        self
    }

    /// The consumer's stream as set by [`ExportOptions::with_stream`].
    ///
    /// ```
    /// assert_eq!(devarray::dlpack::ExportOptions::default().stream(), None);
    /// ```
    pub fn stream(&self) -> Option<i64> {
        self.stream
    }
}

/// One allocation holding the managed tensor (first, so a pointer to it is a pointer to the
/// holder), the shape and strides it points to, and the buffer it keeps alive.
#[repr(C)]
struct Holder<M> {
    managed: M,
    // Inline up to four axes: the holder is then the export's one allocation.
    shape: Dims<i64>,
    strides: Dims<i64>,
    _keep_alive: Arc<Storage>,
}

/// The deleter of every exported tensor: frees the holder (shape, strides, and our reference to
/// the buffer) exactly once. When that reference is the buffer's last, a CUDA buffer is freed
/// here, after a device synchronisation (the release rule: the consumer's work may still be
/// queued), so the call can block until the device is idle.
unsafe extern "C" fn delete_holder<M>(managed: *mut M) {
    if managed.is_null() {
        return;
    }
    // SAFETY: `managed` is the first field of a `Box<Holder<M>>` leaked by `into_holder`, and
    // the DLPack contract makes this the one call that releases it.
    drop(unsafe { Box::from_raw(managed.cast::<Holder<M>>()) });
}

impl Array {
    /// Exports the array as a DLPack managed tensor, sharing its memory (Python: `__dlpack__`).
    ///
    /// The tensor keeps the buffer alive after every `Array` is dropped. `shape` and `strides`
    /// are filled in elements, `byte_offset` is 0 and `data` points at element `[0, …, 0]`.
    /// Read-only arrays (imported read-only, or broadcast views) get the read-only flag. With
    /// `dl_device = (kDLCPU, 0)` a CUDA array is copied to the host (the copy is ordered on
    /// devarray's current stream and finished before returning) and `IS_COPIED` is set.
    /// On CUDA, when the consumer's stream differs from devarray's current stream, the
    /// consumer's stream is made to wait on an event recorded on ours. The exported memory is
    /// freed (when both the tensor's deleter has run and the last `Array` is gone) only after a
    /// device synchronisation, so the consumer may release it with work still queued on any of
    /// its streams (README, DLPack: the release rule).
    ///
    /// **Errors**: [`Error::DLPackStream`] for an invalid `stream`, [`Error::DLPackDevice`]
    /// for a `dl_device` that is neither the array's device nor the host,
    /// [`Error::DLPackExport`] when a copy is needed but `copy == Some(false)`, or a read-only
    /// array is exported as a legacy tensor (which cannot say so: export versioned, or copy).
    ///
    /// ```
    /// use devarray::dlpack::{ffi::DLDevice, ExportOptions};
    /// use devarray::{Array, Device, Error};
    /// let a = Array::from_slice(&[1.0f32, 2.0, 3.0], &[3], &Device::Cpu)?;
    /// let t = a.flip(None)?.to_dlpack(&ExportOptions::versioned())?;
    /// assert_eq!(t.strides(), Some(&[-1i64][..]));
    /// assert!(!t.is_copied());
    /// let host = a.to_dlpack(&ExportOptions::versioned().with_dl_device(DLDevice::CPU))?;
    /// assert_eq!(host.dl_tensor().device, DLDevice::CPU);
    /// let b = a.broadcast_to(&[2, 3])?; // read-only: legacy tensors cannot say so
    /// assert!(matches!(b.to_dlpack(&ExportOptions::legacy()), Err(Error::DLPackExport { .. })));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    // Inlined into callers (the Python binding's `__dlpack__`): a small export is dominated by
    // fixed costs such as calls and moves of the results.
    #[inline]
    pub fn to_dlpack(&self, options: &ExportOptions) -> Result<DLPackTensor> {
        let target = export_target(self.device(), options.dl_device)?;
        let consumer = StreamArg::parse(options.stream, target)?;
        let copy = if target != self.device() || options.copy.is_some() {
            self.export_copy(target, options.copy)?
        } else {
            None
        };
        let (source, copied) = match &copy {
            Some(c) => (c, true),
            None => (self, false),
        };
        let read_only = source.is_read_only();
        if !options.versioned && read_only {
            return Err(Error::DLPackExport {
                msg: "the array is read-only (a broadcast view, for example) and the consumer asked for a legacy DLPack 0.x tensor, which cannot say so; hand over a writable copy instead (Python: x.copy(); Rust: ExportOptions::with_copy(Some(true))), or use a consumer that asks for DLPack 1.x (its __dlpack__(max_version=(1, 0)) call)".into(),
            });
        }
        let data = data_address(source)?;
        sync::order_consumer_after_our_work(source.device(), consumer)?;
        // The consumer's later work and its deleter call are not ordered with ours.
        source.storage().mark_exported();
        Ok(build(source, data, options.versioned, read_only, copied))
    }

    /// The DLPack device of the array (Python: `__dlpack_device__`).
    ///
    /// ```
    /// use devarray::{dlpack::ffi::DLDevice, Array, DType, Device};
    /// let a = Array::zeros(&[1], DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.dlpack_device(), DLDevice::CPU);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn dlpack_device(&self) -> DLDevice {
        device_to_dl(self.device())
    }

    /// The copy to export to `target`, or `None` to export this array itself.
    fn export_copy(&self, target: Device, copy: Option<bool>) -> Result<Option<Array>> {
        let must_copy = target != self.device();
        match (must_copy, copy) {
            (true, Some(false)) => Err(Error::DLPackExport {
                msg: format!(
                    "exporting a {} array to {target} needs a copy, but copy=False was requested; pass copy=None (copy when needed) or copy=True",
                    self.device()
                ),
            }),
            (true, _) => {
                // A host copy hands out finished data (the spec's "synchronization must be
                // performed" for kDLCPU): wait for the work queued on this thread's stream.
                crate::stream::Stream::current(&self.device())?.synchronize()?;
                Ok(Some(self.to_device(&target)?))
            }
            (false, Some(true)) => Ok(Some(self.copy()?)),
            (false, _) => Ok(None),
        }
    }
}

/// Address of element `[0, …, 0]` of `array` on its device.
#[inline]
fn data_address(array: &Array) -> Result<*mut c_void> {
    Ok(array.storage().view_address(array.layout(), array.dtype().itemsize()))
}

/// The managed tensor for `array`, whose element `[0, …]` is at `data`.
#[inline]
fn build(array: &Array, data: *mut c_void, versioned: bool, read_only: bool, copied: bool) -> DLPackTensor {
    let tensor = DLTensor {
        data,
        device: device_to_dl(array.device()),
        ndim: array.ndim() as i32,
        dtype: dtype_to_dl(array.dtype()),
        shape: std::ptr::null_mut(),
        strides: std::ptr::null_mut(),
        byte_offset: 0,
    };
    if !versioned {
        let managed = DLManagedTensor {
            dl_tensor: tensor,
            manager_ctx: std::ptr::null_mut(),
            deleter: Some(delete_holder::<DLManagedTensor>),
        };
        let p = into_holder(managed, array);
        return DLPackTensor { raw: RawDLPack::Legacy(p) };
    }
    let mut flags = 0;
    if read_only {
        flags |= ffi::DLPACK_FLAG_BITMASK_READ_ONLY;
    }
    if copied {
        flags |= ffi::DLPACK_FLAG_BITMASK_IS_COPIED;
    }
    let managed = DLManagedTensorVersioned {
        version: DLPackVersion { major: ffi::DLPACK_MAJOR_VERSION, minor: ffi::DLPACK_MINOR_VERSION },
        manager_ctx: std::ptr::null_mut(),
        deleter: Some(delete_holder::<DLManagedTensorVersioned>),
        flags,
        dl_tensor: tensor,
    };
    let p = into_holder(managed, array);
    DLPackTensor { raw: RawDLPack::Versioned(p) }
}

/// Boxes `managed` with the array's shape, strides and buffer, points the tensor at them, and
/// leaks the box (freed by [`delete_holder`]).
///
/// The box is allocated first and each field written into it in place: a holder built on the
/// stack and then moved was a 170-byte `memcpy` on every export.
#[inline]
fn into_holder<M: Managed>(managed: M, array: &Array) -> *mut M {
    let p = Box::into_raw(Box::<Holder<M>>::new_uninit()).cast::<Holder<M>>();
    // SAFETY: `p` is a fresh, suitably aligned allocation for one `Holder<M>`; each field is
    // written exactly once through raw pointers before anything reads it, after which the
    // allocation is a valid `Holder<M>` owned by the returned pointer (released by
    // `delete_holder` as the `Box` it came from). The context is the holder itself (the same
    // address as the managed tensor).
    unsafe {
        std::ptr::addr_of_mut!((*p).managed).write(managed);
        let shape = std::ptr::addr_of_mut!((*p).shape);
        shape.write(array.shape().iter().map(|&d| d as i64).collect());
        let strides = std::ptr::addr_of_mut!((*p).strides);
        strides.write(array.strides().iter().map(|&s| s as i64).collect());
        std::ptr::addr_of_mut!((*p)._keep_alive).write(array.storage().clone());
        let m = &mut (*p).managed;
        m.set_manager_ctx(p.cast());
        let t = m.dl_tensor_mut();
        t.shape = (*shape).as_mut_ptr();
        t.strides = (*strides).as_mut_ptr();
        std::ptr::addr_of_mut!((*p).managed)
    }
}

/// The two managed-tensor structs, as [`into_holder`] fills them.
trait Managed {
    fn dl_tensor_mut(&mut self) -> &mut DLTensor;
    fn set_manager_ctx(&mut self, ctx: *mut c_void);
}

impl Managed for DLManagedTensor {
    fn dl_tensor_mut(&mut self) -> &mut DLTensor {
        &mut self.dl_tensor
    }
    fn set_manager_ctx(&mut self, ctx: *mut c_void) {
        self.manager_ctx = ctx;
    }
}

impl Managed for DLManagedTensorVersioned {
    fn dl_tensor_mut(&mut self) -> &mut DLTensor {
        &mut self.dl_tensor
    }
    fn set_manager_ctx(&mut self, ctx: *mut c_void) {
        self.manager_ctx = ctx;
    }
}
