//! Import: DLPack managed tensor → [`Array`], zero-copy.

use super::convert::{device_from_dl, dtype_from_dl};
use super::ffi::{DLManagedTensor, DLManagedTensorVersioned};
use super::{DLPackTensor, RawDLPack};
use crate::array::Array;
use crate::backend::ForeignOwner;
use crate::error::{Error, Result};
use crate::layout::{c_strides, check_ndim, checked_numel, Dims, Layout};
use crate::storage::Storage;
use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::Arc;

/// Where an imported view lies: its layout relative to the first byte it touches, and that
/// byte range.
struct View {
    shape: Dims<usize>,
    strides: Dims<isize>,
    /// Element offset of `[0, …, 0]` from `start`.
    offset: usize,
    /// Address of the lowest byte the view touches (0 for an empty view).
    start: usize,
    /// Bytes from `start` to one past the highest byte the view touches.
    bytes: usize,
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::DLPackMalformed { op: "from_dlpack", msg: msg.into() }
}

impl Array {
    /// Wraps a DLPack tensor's memory as an array, without copying (Python: `from_dlpack`).
    ///
    /// The tensor's deleter runs exactly once: when the last view of the returned array is
    /// dropped, or before this returns an error. NULL `strides` mean compact row-major; zero and
    /// negative strides and a non-zero `byte_offset` are accepted. Read-only tensors (versioned
    /// flag) give read-only arrays; `IS_COPIED` needs nothing more (the array owns the memory
    /// alone anyway). Pinned (`kDLCUDAHost`) and managed (`kDLCUDAManaged`) memory become CPU
    /// arrays.
    ///
    /// **Errors**: [`Error::DLPackDType`] (unknown code, bits that do not match the code,
    /// lanes ≠ 1), [`Error::DLPackDevice`] (memory devarray cannot address),
    /// [`Error::DLPackMalformed`] (negative `ndim` or extents, NULL `shape`, NULL `data` with
    /// elements, a span that leaves the address space, data not aligned to the element size),
    /// [`Error::SizeOverflow`], [`Error::DLPackMemory`] (CUDA memory the driver says is not on
    /// the tensor's device: host memory, another GPU's or context's, or unknown).
    ///
    /// ```
    /// use devarray::dlpack::ExportOptions;
    /// use devarray::{Array, AxisSlice, Device, Error};
    /// let a = Array::from_slice(&[1i64, 2, 3, 4, 5, 6], &[2, 3], &Device::Cpu)?;
    /// let view = a.slice(&[AxisSlice::FULL, AxisSlice::range(None, None, -2)])?;
    /// let t = view.to_dlpack(&ExportOptions::versioned())?;
    /// let b = Array::from_dlpack(t)?; // shares a's memory
    /// assert_eq!(b.to_vec::<i64>()?, vec![3, 1, 6, 4]);
    /// let ro = Array::from_dlpack(a.clone().into_read_only().to_dlpack(&ExportOptions::versioned())?)?;
    /// assert!(matches!(ro.assign(&a), Err(Error::ReadOnly { .. })));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    // Inlined into callers (the Python binding's `from_dlpack`): as a call, the 100-byte array
    // it returns was written field by field and read back in 16-byte pieces, and those loads
    // waited for the stores (failed store-to-load forwarding) on every small import.
    #[inline]
    pub fn from_dlpack(tensor: DLPackTensor) -> Result<Array> {
        let t = *tensor.dl_tensor();
        let device = device_from_dl(t.device)?;
        let dtype = dtype_from_dl(t.dtype)?;
        let view = read_view(&tensor, dtype.itemsize())?;
        let read_only = tensor.is_read_only();
        let (start, bytes) = (view.start, view.bytes);
        // The buffer's allocation comes first, so the storage is written straight into it: built
        // first, it waited on the stack across the allocation and was then copied with loads
        // wider than the stores that wrote it, which stall until those stores retire.
        let slot = Arc::<Storage>::new_uninit();
        // SAFETY: by the `DLPackTensor::from_raw` contract the producer's memory on `device` is
        // valid for every byte the view reaches, i.e. `start..start + bytes`, until the deleter
        // runs; the tensor (whose release runs the deleter) is the buffer's owner.
        let storage = unsafe { Storage::foreign(device, start, bytes, owner_of(tensor))? };
        // SAFETY: `slot` is the only reference to its fresh allocation, so writing through its
        // pointer is exclusive (`Arc::as_ptr` derives it from the Arc's own raw pointer, not
        // from a shared reference to the value); after the write the value is initialised.
        let storage = unsafe {
            Arc::as_ptr(&slot).cast_mut().write(std::mem::MaybeUninit::new(storage));
            slot.assume_init()
        };
        let layout = Layout::from_parts(view.shape, view.strides, view.offset);
        Ok(Array::from_storage(storage, layout, dtype, read_only))
    }

    /// Imports a `DLManagedTensorVersioned*` from another library; see [`Array::from_dlpack`].
    ///
    /// **Errors** as [`Array::from_dlpack`], plus [`Error::DLPackVersion`] for a major version
    /// other than 1 and [`Error::DLPackMalformed`] for NULL. The deleter has run whenever an
    /// error is returned.
    ///
    /// # Safety
    /// As [`DLPackTensor::from_raw`]: `ptr` is NULL or a live managed tensor whose ownership
    /// passes to this call.
    ///
    /// ```
    /// use devarray::{dlpack::ExportOptions, Array, Device};
    /// let p = Array::from_slice(&[true, false], &[2], &Device::Cpu)?
    ///     .to_dlpack(&ExportOptions::versioned())?
    ///     .into_raw()
    ///     .versioned()
    ///     .unwrap();
    /// // SAFETY: `p` is a live tensor handed over once.
    /// let a = unsafe { Array::from_dlpack_versioned(p) }?;
    /// assert_eq!(a.to_vec::<bool>()?, vec![true, false]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub unsafe fn from_dlpack_versioned(ptr: *mut DLManagedTensorVersioned) -> Result<Array> {
        // SAFETY: the caller's contract is `from_raw`'s.
        Array::from_dlpack(unsafe { DLPackTensor::from_raw(RawDLPack::Versioned(ptr)) }?)
    }

    /// Imports a legacy `DLManagedTensor*` from another library; see [`Array::from_dlpack`].
    /// Legacy tensors carry no read-only flag: the array is writable.
    ///
    /// **Errors** as [`Array::from_dlpack`], plus [`Error::DLPackMalformed`] for NULL. The
    /// deleter has run whenever an error is returned.
    ///
    /// # Safety
    /// As [`DLPackTensor::from_raw`]: `ptr` is NULL or a live managed tensor whose ownership
    /// passes to this call.
    ///
    /// ```
    /// use devarray::{dlpack::ExportOptions, Array, DType, Device};
    /// let p = Array::zeros(&[2, 2], DType::F16, &Device::Cpu)?
    ///     .to_dlpack(&ExportOptions::legacy())?
    ///     .into_raw()
    ///     .legacy()
    ///     .unwrap();
    /// // SAFETY: `p` is a live tensor handed over once.
    /// let a = unsafe { Array::from_dlpack_legacy(p) }?;
    /// assert_eq!(a.dtype(), DType::F16);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub unsafe fn from_dlpack_legacy(ptr: *mut DLManagedTensor) -> Result<Array> {
        // SAFETY: the caller's contract is `from_raw`'s.
        Array::from_dlpack(unsafe { DLPackTensor::from_raw(RawDLPack::Legacy(ptr)) }?)
    }
}

/// The buffer owner for an imported tensor: its pointer and a release that runs its deleter
/// (no allocation, unlike boxing the handle).
#[inline]
fn owner_of(tensor: DLPackTensor) -> ForeignOwner {
    let (ctx, release): (*mut c_void, unsafe fn(NonNull<c_void>)) = match tensor.into_raw() {
        RawDLPack::Legacy(p) => (p.cast(), release_legacy),
        RawDLPack::Versioned(p) => (p.cast(), release_versioned),
    };
    let ctx = NonNull::new(ctx).expect("a DLPackTensor is never NULL");
    // SAFETY: the handle's ownership moved out of `tensor` (`into_raw`) into this owner, whose
    // release runs the tensor's deleter once; DLPack deleters may run on any thread.
    unsafe { ForeignOwner::from_release(ctx, release) }
}

/// Releases a legacy tensor taken by [`owner_of`].
///
/// # Safety
/// `ctx` is a `DLManagedTensor*` owned by the caller, released once.
unsafe fn release_legacy(ctx: NonNull<c_void>) {
    drop(DLPackTensor { raw: RawDLPack::Legacy(ctx.as_ptr().cast()) });
}

/// Releases a versioned tensor taken by [`owner_of`].
///
/// # Safety
/// `ctx` is a `DLManagedTensorVersioned*` owned by the caller, released once.
unsafe fn release_versioned(ctx: NonNull<c_void>) {
    drop(DLPackTensor { raw: RawDLPack::Versioned(ctx.as_ptr().cast()) });
}

/// Reads and checks shape, strides and the byte range of `tensor` for `itemsize`-byte elements.
#[inline]
fn read_view(tensor: &DLPackTensor, itemsize: usize) -> Result<View> {
    let t = tensor.dl_tensor();
    if t.ndim < 0 {
        return Err(malformed(format!("ndim is {}; it must be 0 or more", t.ndim)));
    }
    if t.ndim > 0 && t.shape.is_null() {
        return Err(malformed(format!("shape is NULL but ndim is {}; the producer must fill shape", t.ndim)));
    }
    // Filled in place rather than collected through `Result`: this runs on every import, and a
    // small import is dominated by such fixed costs.
    check_ndim("from_dlpack", t.ndim as usize)?;
    let mut shape = Dims::<usize>::zeroed(t.ndim as usize);
    for (axis, (slot, &d)) in shape.iter_mut().zip(tensor.shape()).enumerate() {
        *slot = usize::try_from(d).map_err(|_| malformed(format!("axis {axis} has negative extent {d}")))?;
    }
    let numel = checked_numel("from_dlpack", &shape, itemsize)?;
    let strides = match tensor.strides() {
        None => c_strides(&shape),
        Some(given) => {
            let mut strides = Dims::<isize>::zeroed(shape.len());
            for (slot, &s) in strides.iter_mut().zip(given) {
                *slot =
                    isize::try_from(s).map_err(|_| malformed(format!("stride {s} does not fit a pointer offset")))?;
            }
            strides
        }
    };
    if numel == 0 {
        return Ok(View { shape, strides, offset: 0, start: 0, bytes: 0 });
    }
    let (start, bytes, offset) = byte_range(t.data as usize, t.byte_offset, &shape, &strides, itemsize)?;
    Ok(View { shape, strides, offset, start, bytes })
}

/// For a non-empty view whose element `[0, …]` is at `data + byte_offset`: the lowest byte it
/// touches, the number of bytes up to one past the highest, and the element offset of `[0, …]`
/// from the lowest byte.
#[inline]
fn byte_range(
    data: usize,
    byte_offset: u64,
    shape: &[usize],
    strides: &[isize],
    itemsize: usize,
) -> Result<(usize, usize, usize)> {
    if data == 0 {
        return Err(malformed("data is NULL but the tensor has elements"));
    }
    let first = (data as u128) + (byte_offset as u128);
    // Element sizes are powers of two, which divide 2^64: the low 64 bits decide alignment, and
    // a mask does what a division would (a 64-bit division costs tens of cycles per import).
    debug_assert!(itemsize.is_power_of_two());
    if (data as u64).wrapping_add(byte_offset) & (itemsize as u64 - 1) != 0 {
        return Err(malformed(format!(
            "data + byte_offset = {first:#x} is not aligned to the {itemsize}-byte element size; devarray's kernels need aligned elements: make an aligned copy before exporting"
        )));
    }
    // Lowest and highest element offsets reached, relative to [0, …]; i128 cannot overflow
    // for fewer than 2^63 axes of extents and strides below 2^63.
    let (mut lo, mut hi) = (0i128, 0i128);
    for (&d, &s) in shape.iter().zip(strides) {
        let reach = (d as i128 - 1) * s as i128;
        if reach < 0 {
            lo += reach;
        } else {
            hi += reach;
        }
    }
    let item = itemsize as i128;
    let (start, end) = (first as i128 + lo * item, first as i128 + (hi + 1) * item);
    if start <= 0 {
        return Err(malformed(format!(
            "the strides reach {} bytes below data + byte_offset = {first:#x}, below the start of the address space; check the sign of the strides and that data points at element [0, ..., 0]",
            -lo * item
        )));
    }
    if end - start > isize::MAX as i128 || end > usize::MAX as i128 {
        return Err(malformed(format!(
            "the elements span {} bytes from {start:#x}, beyond the address space; check shape and strides",
            end - start
        )));
    }
    Ok((start as usize, (end - start) as usize, (-lo) as usize))
}

#[cfg(test)]
mod tests {
    use super::super::read_i64s;
    use super::*;

    #[test]
    fn byte_ranges_cover_negative_and_zero_strides() {
        // [3] f32, stride -1, [0] at 0x1008: touches 0x1000..0x100c.
        assert_eq!(byte_range(0x1000, 8, &[3], &[-1], 4).unwrap(), (0x1000, 12, 2));
        // Broadcast axis: zero stride adds nothing.
        assert_eq!(byte_range(0x1000, 0, &[4, 2], &[0, 1], 8).unwrap(), (0x1000, 16, 0));
        assert!(byte_range(0x10, 0, &[100], &[-1], 4).is_err(), "below address 0");
        assert!(byte_range(0x1002, 0, &[2], &[1], 4).is_err(), "misaligned");
        assert!(byte_range(0, 0, &[1], &[1], 4).is_err(), "NULL data");
        assert!(byte_range(0x1000, 0, &[2], &[isize::MAX], 8).is_err(), "span overflows");
    }

    #[test]
    fn null_pointer_reads_are_none() {
        // SAFETY: NULL is never dereferenced.
        assert_eq!(unsafe { read_i64s(std::ptr::null(), 3) }, None);
    }
}
