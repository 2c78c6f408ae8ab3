//! [`CudaBuffer`]: device memory that goes back to the pool only after every stream that used it.
//!
//! The streams a buffer was used on, and the ordering of its free after all of them, are the
//! stream layer's [`StreamUses`] (see its module doc for the invariant and how it is kept);
//! memory exported through DLPack is freed after a device synchronisation (README, "DLPack":
//! the release rule).

use super::api::{DevPtr, GpuErrorKind};
use super::context::CudaDevice;
use super::stream::{CudaStream, StreamUses};
use crate::backend::ForeignOwner;
use crate::error::Result;
use std::sync::Arc;

/// Device memory holding array elements: `len_bytes` bytes at `device_ptr` on one device.
///
/// Memory devarray allocated is freed on drop, in stream order after all work queued on it on
/// every stream it was used on (see the module doc). Foreign memory ([`CudaBuffer::foreign`]) is
/// not freed: its owner is dropped once the device is idle.
pub(crate) struct CudaBuffer {
    device: Arc<CudaDevice>,
    ptr: DevPtr,
    bytes: usize,
    /// For foreign memory: what keeps it alive (dropped instead of freeing).
    owner: Option<ForeignOwner>,
    /// The streams owned memory was used on.
    uses: StreamUses,
}

impl std::fmt::Debug for CudaBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.owner.is_some() { "foreign" } else { "owned" };
        write!(f, "CudaBuffer(cuda:{}, {:#x}, {} bytes, {kind})", self.device.ordinal(), self.ptr, self.bytes)
    }
}

impl CudaBuffer {
    /// Wraps `bytes` bytes at `ptr` that `device` allocated on stream `home` (`ptr` 0 and
    /// `bytes` 0 for an empty buffer, which frees nothing).
    pub(crate) fn owned(device: Arc<CudaDevice>, ptr: DevPtr, bytes: usize, home: CudaStream) -> CudaBuffer {
        CudaBuffer { device, ptr, bytes, owner: None, uses: StreamUses::new(home) }
    }

    /// Wraps memory another library allocated (DLPack import). Dropping the buffer waits until
    /// the device has finished all queued work, then drops `owner` (whose drop releases the
    /// memory to its producer) instead of freeing.
    ///
    /// # Safety
    /// `ptr..ptr + bytes` is device memory of `device`, readable and writable by kernels, and
    /// stays valid until `owner` is dropped.
    pub(crate) unsafe fn foreign(
        device: Arc<CudaDevice>,
        ptr: DevPtr,
        bytes: usize,
        owner: ForeignOwner,
    ) -> CudaBuffer {
        let uses = StreamUses::new(device.default_stream());
        CudaBuffer { device, ptr, bytes, owner: Some(owner), uses }
    }

    /// Wraps foreign device memory of CUDA device `ordinal` (a DLPack import), after asking the
    /// driver that it is memory of that device (`cuPointerGetAttributes`); dropping the buffer
    /// waits for the device's queued work, then drops `owner`. On error `owner` has been
    /// dropped.
    ///
    /// **Errors**: [`Error::CudaUnavailable`](crate::Error::CudaUnavailable) when the device
    /// cannot be opened; [`Error::DLPackMemory`](crate::Error::DLPackMemory) when the memory is
    /// not what the producer claimed (host memory, another device's or context's, unknown).
    ///
    /// # Safety
    /// `ptr..ptr + bytes` is device memory of that device, valid until `owner` is dropped.
    pub(crate) unsafe fn import(ordinal: usize, ptr: DevPtr, bytes: usize, owner: ForeignOwner) -> Result<CudaBuffer> {
        let device = CudaDevice::get(ordinal)?;
        // The producer's word is all the caller's contract rests on; a wrong device would make
        // kernels fault, or read another GPU's memory through peer mappings.
        device.check_foreign_memory(ptr, bytes)?;
        // SAFETY: forwarded contract, and the driver confirmed the range is this device's memory.
        Ok(unsafe { CudaBuffer::foreign(device, ptr, bytes, owner) })
    }

    /// Size in bytes.
    pub(crate) fn len_bytes(&self) -> usize {
        self.bytes
    }
    /// The device the memory is on.
    pub(crate) fn device(&self) -> &Arc<CudaDevice> {
        &self.device
    }
    /// The device address of byte 0 (0 for an empty buffer).
    pub(crate) fn device_ptr(&self) -> u64 {
        self.ptr
    }

    /// Notes that work on this buffer is about to be queued on the calling thread's current
    /// stream, so the free is ordered after it. Every launcher calls this for each operand.
    pub(crate) fn record_use(&self) {
        if self.owner.is_some() || self.bytes == 0 {
            // Foreign memory is released after a device synchronisation; empty buffers free
            // nothing.
            return;
        }
        self.uses.record_current(&self.device);
    }

    /// Notes that the memory was handed to a DLPack consumer, whose work devarray cannot order
    /// against: the free then waits for the whole device (the release rule in README, "DLPack").
    pub(crate) fn mark_exported(&self) {
        self.uses.mark_exported();
    }

    /// The home stream, and each other stream this buffer was used on (for tests and asserts).
    #[cfg(test)]
    pub(crate) fn streams_used(&self) -> (super::api::StreamId, Vec<super::api::StreamId>) {
        self.uses.streams()
    }
}

impl Drop for CudaBuffer {
    fn drop(&mut self) {
        if let Some(owner) = self.owner.take() {
            // Queued kernels may still use the memory; the producer may free it once `owner`
            // goes. A failed synchronisation means the context is unusable, so nothing queued
            // will run any more either.
            let _ = self.device.api().device_synchronize();
            drop(owner);
            return;
        }
        if self.bytes == 0 {
            return;
        }
        let ordered = self.uses.order_free();
        // Without that ordering the pool could reuse the block under a running kernel: wait for
        // the whole device instead. If even that fails, the context is lost or the driver is
        // shutting down; leaking the block is then safer than freeing it.
        if ordered.is_err() && self.device.api().device_synchronize().is_err() {
            return;
        }
        // SAFETY: `ptr` came from this device's `alloc` and is freed exactly once, here; no
        // `CudaBuffer` reference is left to queue new work, and every use queued so far is
        // ordered before this point of the home stream (live: `uses` holds it): uses on the home
        // stream by stream order, uses on other streams by `order_free`'s waits (or the device
        // synchronisation).
        let r = unsafe { self.device.api().free(self.ptr, self.uses.home()) };
        // Errors are ignored (a drop cannot report them; at exit the driver may already be
        // gone), except that misuse of the API is a bug worth catching in debug builds.
        let misuse = matches!(&r, Err(e) if e.kind == GpuErrorKind::InvalidUsage);
        debug_assert!(!misuse || std::thread::panicking(), "freeing {self:?}: {r:?}");
    }
}

#[cfg(test)]
#[path = "buffer_tests.rs"]
mod tests;
