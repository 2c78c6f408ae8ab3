//! This thread's current stream per CUDA device: where the backend queues the thread's work
//! (launches, copies, allocations). A device without an entry uses its own stream. The public
//! `Stream::make_current` (`src/stream.rs`) is a [`CurrentGuard`].

use super::CudaStream;
use crate::cuda::context::CudaDevice;
use crate::error::Result;
use std::cell::RefCell;
use std::marker::PhantomData;

thread_local! {
    /// This thread's current stream per device ordinal (at most one entry per ordinal).
    static CURRENT: RefCell<Vec<CudaStream>> = const { RefCell::new(Vec::new()) };
}

/// Sets this thread's current stream for device `ordinal` (`None`: back to the device's own);
/// returns the previous setting.
pub(crate) fn replace_current(ordinal: usize, stream: Option<CudaStream>) -> Option<CudaStream> {
    CURRENT.with(|c| {
        let mut list = c.borrow_mut();
        let previous = list.iter().position(|s| s.device().ordinal() == ordinal).map(|i| list.swap_remove(i));
        list.extend(stream);
        previous
    })
}

/// This thread's current stream for device `ordinal`, when a [`CurrentGuard`] set one.
pub(crate) fn current(ordinal: usize) -> Option<CudaStream> {
    CURRENT.with(|c| c.borrow().iter().find(|s| s.device().ordinal() == ordinal).cloned())
}

/// Runs `f` on this thread's current stream for `device` (`None` when it has none, or when the
/// stream set for its ordinal belongs to another device object, as test doubles do), without
/// cloning it.
pub(super) fn with_current<R>(device: &CudaDevice, f: impl FnOnce(Option<&CudaStream>) -> R) -> R {
    CURRENT.with(|c| {
        let list = c.borrow();
        f(list.iter().find(|s| s.is_on(device)))
    })
}

/// Keeps a stream current for its device on this thread; restores the previous one when dropped.
/// Switching keeps program order: the new stream waits for the work queued on the one it
/// replaces, and at drop the restored stream waits for the work queued meanwhile (pooled events,
/// never a host block).
pub(crate) struct CurrentGuard {
    ordinal: usize,
    previous: Option<CudaStream>,
    /// Thread-local state: the guard must be dropped on the thread that made it.
    _not_send: PhantomData<*const ()>,
}

impl CudaStream {
    /// Makes this stream the current one for its device on this thread until the guard drops,
    /// after ordering it behind the stream that was current.
    ///
    /// **Errors**: driver errors from the event that orders the two streams.
    pub(crate) fn make_current(&self) -> Result<CurrentGuard> {
        let before = self.device().current();
        self.join(&before)?;
        let ordinal = self.device().ordinal();
        let previous = replace_current(ordinal, Some(self.clone()));
        Ok(CurrentGuard { ordinal, previous, _not_send: PhantomData })
    }
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        let inner = replace_current(self.ordinal, self.previous.take());
        // Work after the scope waits for the work queued inside it. Drop cannot report an
        // error; a failed event record means the device is already in a sticky error state,
        // which the next operation reports.
        if let Some(inner) = inner {
            let joined = inner.device().current().join(&inner);
            debug_assert!(joined.is_ok(), "stream join at guard drop failed: {joined:?}");
        }
    }
}
