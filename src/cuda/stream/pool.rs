//! [`EventPool`]: ordering-only events a device reuses for the events devarray records itself.
//!
//! An event may be re-recorded as soon as `cuStreamWaitEvent` has returned, because a wait
//! captures the event's state at call time; so one joins streams, orders a free after other
//! streams, or orders a DLPack consumer, and goes back to the pool at once.

use crate::cuda::api::{EventId, GpuApi, GpuResult};
use crate::cuda::context::CudaDevice;
use std::sync::{Mutex, MutexGuard};

/// Free ordering-only events of one device.
#[derive(Default)]
pub(crate) struct EventPool {
    free: Mutex<Vec<EventId>>,
}

/// An event taken from an [`EventPool`], back in it (or destroyed, when the pool is full) on drop.
pub(crate) struct PooledEvent<'a> {
    pool: &'a EventPool,
    api: &'a dyn GpuApi,
    id: EventId,
}

impl EventPool {
    /// Events kept for reuse per device; more concurrent users create (and later destroy) extra
    /// ones.
    pub(crate) const CAPACITY: usize = 4;

    fn free_list(&self) -> MutexGuard<'_, Vec<EventId>> {
        self.free.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A pooled event of `api`'s device, or a new one when the pool is empty. Every event in the
    /// pool was made by `api`: a pool belongs to one device, and only
    /// [`CudaDevice::pooled_event`] calls this, with that device's `api`.
    fn take<'a>(&'a self, api: &'a dyn GpuApi) -> GpuResult<PooledEvent<'a>> {
        let pooled = self.free_list().pop();
        let id = match pooled {
            Some(id) => id,
            None => api.event_create()?,
        };
        Ok(PooledEvent { pool: self, api, id })
    }

    /// The number of events kept (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.free_list().len()
    }

    /// Destroys every pooled event.
    ///
    /// # Safety
    /// `api` made the pooled events (the pool's device), and none of them is used again.
    pub(crate) unsafe fn destroy_all(&self, api: &dyn GpuApi) {
        for id in std::mem::take(&mut *self.free_list()) {
            // SAFETY: by the caller's contract; pending records and waits still complete.
            let _ = unsafe { api.event_destroy(id) };
        }
    }
}

impl CudaDevice {
    /// An ordering-only event of this device from its pool (made when the pool is empty), back in
    /// the pool when dropped. Record it, make streams wait on it, synchronise on it: a wait
    /// captures the event's state at the call, so it may go back at once.
    ///
    /// **Errors**: the driver's, when a new event cannot be made.
    pub(crate) fn pooled_event(&self) -> GpuResult<PooledEvent<'_>> {
        self.events().take(self.api())
    }
}

impl PooledEvent<'_> {
    /// The event's handle, live while `self` is.
    pub(crate) fn id(&self) -> EventId {
        self.id
    }
}

impl Drop for PooledEvent<'_> {
    fn drop(&mut self) {
        let mut free = self.pool.free_list();
        if free.len() < EventPool::CAPACITY {
            free.push(self.id);
            return;
        }
        drop(free);
        // SAFETY: the event is ours (made by `api`) and referenced nowhere else; a pending wait
        // holds the driver's own reference.
        let _ = unsafe { self.api.event_destroy(self.id) };
    }
}
