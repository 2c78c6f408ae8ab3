//! Stream ordering between a DLPack producer and its consumer: a pure planning function decides
//! which stream waits on what, and the CUDA backend's stream layer issues it.
//!
//! The rule (Python DLPack spec, as CuPy and PyTorch implement it): when the consumer's stream
//! differs from the stream our work was queued on, record an event on ours and make the
//! consumer's stream wait on it. The host never blocks. The event comes from the device's event
//! pool ([`CudaStream::order_foreign_after`]).

use super::stream_arg::StreamArg;
use crate::cuda::api::ForeignStreamId;
use crate::cuda::stream::{self as cuda_stream, CudaStream};
use crate::cuda::CudaDevice;
use crate::error::Result;
use crate::stream::Stream;
use crate::Device;

/// What an export must do so the consumer's stream sees our finished data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SyncPlan {
    /// Nothing: the consumer asked for no synchronisation, or uses our stream.
    Nothing,
    /// Record an event on our stream, then make `consumer` wait on it.
    RecordAndWait {
        /// The consumer's stream.
        consumer: ForeignStreamId,
    },
}

/// Decides how to order `consumer` after work queued on our stream `producer`.
pub(crate) fn plan(producer: ForeignStreamId, consumer: StreamArg) -> SyncPlan {
    match consumer.foreign_stream() {
        None => SyncPlan::Nothing,
        Some(c) if c == producer => SyncPlan::Nothing,
        Some(c) => SyncPlan::RecordAndWait { consumer: c },
    }
}

/// Orders `consumer` after the work queued so far on `ours`, by [`plan`].
///
/// # Safety
/// A consumer stream handle (above 2) is a live stream of `ours`'s device context.
unsafe fn order(ours: &CudaStream, consumer: StreamArg) -> Result<()> {
    match plan(ours.as_foreign(), consumer) {
        SyncPlan::Nothing => Ok(()),
        // SAFETY: forwarded contract; 1 and 2 are the driver's default streams.
        SyncPlan::RecordAndWait { consumer } => unsafe { ours.order_foreign_after(consumer) },
    }
}

/// Orders the DLPack consumer's stream after the work devarray queued for `device` on this
/// thread: on the device's own stream and, when this thread's current stream is another, on that
/// one too (the array may have been written before the stream was made current). Nothing blocks
/// the host.
///
/// The consumer's handle is trusted by the contract of
/// [`ExportOptions::with_stream`](super::ExportOptions::with_stream): a live stream of the
/// device's context.
#[inline]
pub(crate) fn order_consumer_after_our_work(device: Device, consumer: StreamArg) -> Result<()> {
    let Device::Cuda(ordinal) = device else { return Ok(()) };
    if consumer.foreign_stream().is_none() {
        return Ok(());
    }
    let own = CudaDevice::get(ordinal)?.default_stream();
    // SAFETY: the consumer's handle is a live stream of this device (`with_stream`'s contract).
    unsafe { order(&own, consumer) }?;
    match cuda_stream::current(ordinal) {
        // SAFETY: as above.
        Some(current) if current != own => unsafe { order(&current, consumer) },
        _ => Ok(()),
    }
}

impl Stream {
    /// This stream as the integer the Python DLPack protocol passes to a producer's
    /// `__dlpack__(stream=...)`: `None` on the CPU, `1` for the legacy default stream, `2` for
    /// the per-thread default stream, else the `CUstream` handle. This is what a devarray
    /// consumer hands to another library before importing its tensor.
    ///
    /// ```
    /// let s = devarray::Stream::current(&devarray::Device::Cpu)?;
    /// assert_eq!(s.dlpack_stream_arg(), None);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn dlpack_stream_arg(&self) -> Option<i64> {
        self.as_cuda().and_then(|s| StreamArg::from_foreign(s.as_foreign()).to_python())
    }
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
