//! [`CudaBuffer`]: device memory that goes back to the pool only after every stream that used it.
//!
//! The invariant kept here is devarray's own (it does not use cudarc's per-allocation events):
//! a block is freed only once all work queued on it, on any stream, is ordered before the free.
//! The stream-ordered pool hands a freed block to the next allocation on the freeing stream at
//! once, and to other streams once the free has run, so a free that is not ordered after a kernel
//! still reading the block lets a new allocation overwrite it under that kernel.
//!
//! How (PyTorch's `record_stream`, applied to every use):
//! - A buffer's *home* is the stream it was allocated on (the allocating thread's current
//!   stream); it is freed there.
//! - Every piece of work queued on a buffer reports the stream it goes to
//!   ([`CudaBuffer::record_use`]; the launchers do so when they check an operand). The home
//!   stream is not recorded: a buffer used only there frees with no event and no lock.
//! - Another stream is remembered once, with what keeps it alive until the free.
//! - At drop, one event is recorded on each remembered stream and the home stream waits for it,
//!   then the free is queued on the home stream. The host never blocks.
//! - Memory exported through DLPack is freed after a device synchronisation instead: consumers
//!   use it on streams devarray never sees, and release it without synchronising (README,
//!   "DLPack": the release rule).

use super::api::{DevPtr, GpuErrorKind, GpuResult};
use super::context::{CudaDevice, StreamRef};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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
    owner: Option<Box<dyn Send + Sync>>,
    /// The streams owned memory was used on.
    uses: StreamUses,
}

/// Where an owned buffer's work was queued.
struct StreamUses {
    /// The allocation stream, where the free is queued.
    home: StreamRef,
    /// Every other stream work on the buffer was queued on, once each.
    others: Mutex<Vec<StreamRef>>,
    /// Set when the memory was exported through DLPack: the free then waits for the device.
    exported: AtomicBool,
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
    pub(crate) fn owned(device: Arc<CudaDevice>, ptr: DevPtr, bytes: usize, home: StreamRef) -> CudaBuffer {
        let uses = StreamUses { home, others: Mutex::new(Vec::new()), exported: AtomicBool::new(false) };
        CudaBuffer { device, ptr, bytes, owner: None, uses }
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
        owner: Box<dyn Send + Sync>,
    ) -> CudaBuffer {
        let home = device.default_stream_ref();
        let uses = StreamUses { home, others: Mutex::new(Vec::new()), exported: AtomicBool::new(false) };
        CudaBuffer { device, ptr, bytes, owner: Some(owner), uses }
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
        self.record_stream(self.device.current_stream_ref());
    }

    /// Notes that work on this buffer is queued on `stream` (a live stream of its device).
    pub(crate) fn record_stream(&self, stream: StreamRef) {
        if stream.id() == self.uses.home.id() {
            return;
        }
        let mut others = self.uses.others.lock().unwrap_or_else(|e| e.into_inner());
        if others.iter().all(|s| s.id() != stream.id()) {
            others.push(stream);
        }
    }

    /// Notes that the memory was handed to a DLPack consumer, whose work devarray cannot order
    /// against: the free then waits for the whole device (the release rule in README, "DLPack").
    pub(crate) fn mark_exported(&self) {
        self.uses.exported.store(true, Ordering::Release);
    }

    /// The home stream, and each other stream this buffer was used on (for tests and asserts).
    #[cfg(test)]
    pub(crate) fn streams_used(&self) -> (super::api::StreamId, Vec<super::api::StreamId>) {
        let others = self.uses.others.lock().unwrap_or_else(|e| e.into_inner());
        (self.uses.home.id(), others.iter().map(StreamRef::id).collect())
    }

    /// Makes the home stream wait for the work queued so far on every other stream the buffer
    /// was used on: one event, re-recorded on each (a wait captures the event's state at the
    /// call, so re-recording it afterwards does not move what was waited for). No calls at all
    /// when the buffer never left its home stream.
    fn order_home_after_other_streams(&mut self) -> GpuResult<()> {
        let others = std::mem::take(self.uses.others.get_mut().unwrap_or_else(|e| e.into_inner()));
        if others.is_empty() {
            return Ok(());
        }
        let api = self.device.api();
        let home = self.uses.home.id();
        let event = api.event_create()?;
        let ordered = others.iter().try_for_each(|s| {
            // SAFETY: `event` is live until destroyed below; `s` and `home` are live streams of
            // this device (the device's own, or kept alive by the `StreamRef`s held here).
            unsafe { api.event_record(event, s.id()) }?;
            // SAFETY: as above.
            unsafe { api.stream_wait_event(home, event) }
        });
        // SAFETY: the event is ours and not used again; pending records and waits still complete.
        let _ = unsafe { api.event_destroy(event) };
        // `others` (the streams' keep-alives) drops here: the waits are already queued.
        ordered
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
        let ordered = if *self.uses.exported.get_mut() {
            // A DLPack consumer may have queued work on any of its streams before releasing.
            self.device.api().device_synchronize()
        } else {
            self.order_home_after_other_streams()
        };
        // Without that ordering the pool could reuse the block under a running kernel: wait for
        // the whole device instead. If even that fails, the context is lost or the driver is
        // shutting down; leaking the block is then safer than freeing it.
        if ordered.is_err() && self.device.api().device_synchronize().is_err() {
            return;
        }
        // SAFETY: `ptr` came from this device's `alloc` and is freed exactly once, here; no
        // `CudaBuffer` reference is left to queue new work, and every use queued so far is
        // ordered before this point of the home stream: uses on the home stream by stream order,
        // uses on other streams by the waits above (or the device synchronisation).
        let r = unsafe { self.device.api().free(self.ptr, self.uses.home.id()) };
        // Errors are ignored (a drop cannot report them; at exit the driver may already be
        // gone), except that misuse of the API is a bug worth catching in debug builds.
        let misuse = matches!(&r, Err(e) if e.kind == GpuErrorKind::InvalidUsage);
        debug_assert!(!misuse || std::thread::panicking(), "freeing {self:?}: {r:?}");
    }
}

#[cfg(test)]
#[path = "buffer_tests.rs"]
mod tests;
