//! [`StreamUses`]: the streams a piece of device memory was used on, so its free is ordered after
//! all of them.
//!
//! The invariant (devarray's own; it does not use cudarc's per-allocation events): a block is
//! freed only once all work queued on it, on any stream, is ordered before the free. The
//! stream-ordered pool hands a freed block to the next allocation on the freeing stream at once,
//! and to other streams once the free has run, so a free that is not ordered after a kernel still
//! reading the block lets a new allocation overwrite it under that kernel.
//!
//! How (PyTorch's `record_stream`, applied to every use):
//! - A buffer's *home* is the stream it was allocated on (the allocating thread's current
//!   stream); it is freed there.
//! - Every piece of work queued on a buffer reports the stream it goes to
//!   ([`StreamUses::record_current`]; the launchers do so when they check an operand). The home
//!   stream is not recorded: a buffer used only there frees with no event and no lock.
//! - Another stream is remembered once, with the [`CudaStream`] that keeps it alive until the
//!   free.
//! - At the free, one pooled event is recorded on each remembered stream and the home stream
//!   waits for it, then the free is queued on the home stream. The host never blocks.
//! - Memory exported through DLPack is freed after a device synchronisation instead: consumers
//!   use it on streams devarray never sees, and release it without synchronising (README,
//!   "DLPack": the release rule).

use super::CudaStream;
use crate::cuda::api::{GpuResult, StreamId};
use crate::cuda::context::CudaDevice;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Where a buffer's work was queued.
pub(crate) struct StreamUses {
    /// The allocation stream, where the free is queued.
    home: CudaStream,
    /// Every other stream work on the buffer was queued on, once each.
    others: Mutex<Vec<CudaStream>>,
    /// Set when the memory was exported through DLPack: the free then waits for the device.
    exported: AtomicBool,
}

impl StreamUses {
    /// Uses of memory allocated on `home`.
    pub(crate) fn new(home: CudaStream) -> StreamUses {
        StreamUses { home, others: Mutex::new(Vec::new()), exported: AtomicBool::new(false) }
    }

    /// The stream the free is queued on (live while `self` is).
    pub(crate) fn home(&self) -> StreamId {
        self.home.id()
    }

    /// Notes that work is about to be queued on the calling thread's current stream of `device`
    /// (the home stream's device).
    pub(crate) fn record_current(&self, device: &Arc<CudaDevice>) {
        super::current::with_current(device, |current| {
            let id = current.map_or(device.stream(), CudaStream::id);
            if id != self.home.id() {
                self.remember(id, || current.cloned().unwrap_or_else(|| device.default_stream()));
            }
        });
    }

    fn remember(&self, id: StreamId, stream: impl FnOnce() -> CudaStream) {
        let mut others = self.others.lock().unwrap_or_else(|e| e.into_inner());
        if others.iter().all(|s| s.id() != id) {
            others.push(stream());
        }
    }

    /// Notes that the memory was handed to a DLPack consumer, whose work devarray cannot order
    /// against: the free then waits for the whole device.
    pub(crate) fn mark_exported(&self) {
        self.exported.store(true, Ordering::Release);
    }

    /// The home stream, and each other stream the memory was used on (for tests).
    #[cfg(test)]
    pub(crate) fn streams(&self) -> (StreamId, Vec<StreamId>) {
        let others = self.others.lock().unwrap_or_else(|e| e.into_inner());
        (self.home.id(), others.iter().map(CudaStream::id).collect())
    }

    /// Orders the home stream after every use, for the free queued there next: a device
    /// synchronisation for exported memory, else waits on the other streams' work.
    pub(crate) fn order_free(&mut self) -> GpuResult<()> {
        if *self.exported.get_mut() {
            // A DLPack consumer may have queued work on any of its streams before releasing.
            return self.home.device().api().device_synchronize();
        }
        self.order_home_after_other_streams()
    }

    /// Makes the home stream wait for the work queued so far on every other stream the memory
    /// was used on: one pooled event, re-recorded on each (a wait captures the event's state at
    /// the call, so re-recording it afterwards does not move what was waited for). No calls at
    /// all when the memory never left its home stream.
    fn order_home_after_other_streams(&mut self) -> GpuResult<()> {
        let others = std::mem::take(self.others.get_mut().unwrap_or_else(|e| e.into_inner()));
        if others.is_empty() {
            return Ok(());
        }
        let device = self.home.device();
        let api = device.api();
        let home = self.home.id();
        let event = device.pooled_event()?;
        others.iter().try_for_each(|s| {
            // SAFETY: the pooled event is live while held; `s` and `home` are live streams of
            // this device (kept alive by the `CudaStream`s held here).
            unsafe { api.event_record(event.id(), s.id()) }?;
            // SAFETY: as above.
            unsafe { api.stream_wait_event(home, event.id()) }
        })
        // `others` (the streams' keep-alives) drops here: the waits are already queued.
    }
}
