//! The `stream` argument of the Python DLPack protocol (`__dlpack__(stream=...)`), parsed into a
//! Rust enum with the validity rules of the Array API standard.

use crate::cuda::api::ForeignStreamId;
use crate::error::{Error, Result};
use crate::Device;

/// `CU_STREAM_LEGACY`: the legacy default stream, as a driver stream handle.
pub(crate) const CU_STREAM_LEGACY: u64 = 1;
/// `CU_STREAM_PER_THREAD`: the per-thread default stream, as a driver stream handle.
pub(crate) const CU_STREAM_PER_THREAD: u64 = 2;

/// The stream a DLPack consumer will use, as the Python protocol encodes it.
///
/// On CUDA: `None` → the legacy default stream, `-1` → no synchronisation, `1` → the legacy
/// default stream, `2` → the per-thread default stream, larger values → a `CUstream` handle;
/// `0` (ambiguous) and values below `-1` are errors. On the CPU only `None` is valid.
///
/// ```
/// use devarray::{dlpack::StreamArg, Device};
/// let cuda = Device::Cuda(0);
/// assert_eq!(StreamArg::parse(None, cuda)?, StreamArg::LegacyDefault);
/// assert_eq!(StreamArg::parse(Some(-1), cuda)?, StreamArg::NoSync);
/// assert_eq!(StreamArg::parse(Some(2), cuda)?, StreamArg::PerThreadDefault);
/// assert_eq!(StreamArg::parse(Some(0x7f00_1000), cuda)?, StreamArg::Handle(0x7f00_1000));
/// assert!(StreamArg::parse(Some(0), cuda).is_err());
/// assert_eq!(StreamArg::parse(None, Device::Cpu)?, StreamArg::Host);
/// assert!(StreamArg::parse(Some(1), Device::Cpu).is_err());
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreamArg {
    /// `stream=None` for a host (CPU) array: host memory has no stream to order.
    Host,
    /// `-1`: the consumer asks the producer not to synchronise at all.
    NoSync,
    /// `None` or `1` on CUDA: the legacy default stream.
    LegacyDefault,
    /// `2` on CUDA: the per-thread default stream.
    PerThreadDefault,
    /// A `CUstream` handle (an integer above 2) owned by the consumer.
    Handle(u64),
}

impl StreamArg {
    /// Parses the Python-protocol integer for an array on (or exported to) `device`.
    ///
    /// **Errors** with [`Error::DLPackStream`] for `0` or values below `-1` on CUDA, and for
    /// anything but `None` on the CPU.
    ///
    /// ```
    /// use devarray::{dlpack::StreamArg, Device, Error};
    /// let err = StreamArg::parse(Some(-2), Device::Cuda(0)).unwrap_err();
    /// assert!(matches!(err, Error::DLPackStream { stream: Some(-2), .. }));
    /// ```
    #[inline]
    pub fn parse(stream: Option<i64>, device: Device) -> Result<StreamArg> {
        let bad = |msg: &str| Error::DLPackStream { op: "dlpack stream", stream, device, msg: msg.to_string() };
        match device {
            Device::Cpu => match stream {
                None => Ok(StreamArg::Host),
                Some(_) => Err(bad("host memory has no streams; pass stream=None")),
            },
            Device::Cuda(_) => match stream {
                None | Some(1) => Ok(StreamArg::LegacyDefault),
                Some(-1) => Ok(StreamArg::NoSync),
                Some(2) => Ok(StreamArg::PerThreadDefault),
                Some(0) => Err(bad(
                    "0 is ambiguous in the DLPack protocol and not allowed; pass 1 for the legacy default stream, 2 for the per-thread default stream, -1 for no synchronisation, or a stream handle",
                )),
                Some(s) if s > 2 => Ok(StreamArg::Handle(s as u64)),
                Some(_) => Err(bad("valid values on CUDA are None, -1, 1, 2 or a stream handle (an integer above 2)")),
            },
        }
    }

    /// The driver stream handle the consumer named (`CU_STREAM_LEGACY` = 1 for the legacy
    /// default, `CU_STREAM_PER_THREAD` = 2), or `None` when there is nothing to wait on.
    ///
    /// ```
    /// use devarray::dlpack::StreamArg;
    /// assert_eq!(StreamArg::LegacyDefault.cuda_handle(), Some(1));
    /// assert_eq!(StreamArg::Handle(0xdead_0000).cuda_handle(), Some(0xdead_0000));
    /// assert_eq!(StreamArg::NoSync.cuda_handle(), None);
    /// ```
    pub fn cuda_handle(self) -> Option<u64> {
        match self {
            StreamArg::Host | StreamArg::NoSync => None,
            StreamArg::LegacyDefault => Some(CU_STREAM_LEGACY),
            StreamArg::PerThreadDefault => Some(CU_STREAM_PER_THREAD),
            StreamArg::Handle(h) => Some(h),
        }
    }

    /// The Python-protocol integer for this stream (the inverse of [`StreamArg::parse`], with
    /// the legacy default written as `1`).
    ///
    /// ```
    /// use devarray::dlpack::StreamArg;
    /// assert_eq!(StreamArg::Host.to_python(), None);
    /// assert_eq!(StreamArg::NoSync.to_python(), Some(-1));
    /// assert_eq!(StreamArg::LegacyDefault.to_python(), Some(1));
    /// ```
    pub fn to_python(self) -> Option<i64> {
        match self {
            StreamArg::Host => None,
            StreamArg::NoSync => Some(-1),
            StreamArg::LegacyDefault => Some(1),
            StreamArg::PerThreadDefault => Some(2),
            StreamArg::Handle(h) => Some(h as i64),
        }
    }

    /// The stream to order, as the CUDA backend takes another library's stream, or `None` when
    /// there is nothing to wait on.
    pub(crate) fn foreign_stream(self) -> Option<ForeignStreamId> {
        self.cuda_handle().map(ForeignStreamId)
    }

    /// The argument that names the driver stream `stream` (`0`, the NULL stream, is the legacy
    /// default stream in the driver API).
    pub(crate) fn from_foreign(stream: ForeignStreamId) -> StreamArg {
        match stream.0 {
            0 | CU_STREAM_LEGACY => StreamArg::LegacyDefault,
            CU_STREAM_PER_THREAD => StreamArg::PerThreadDefault,
            h => StreamArg::Handle(h),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_round_trip_through_python_integers() {
        for h in [0u64, 1, 2, 3, 0x7fff_0000_1000] {
            let arg = StreamArg::from_foreign(ForeignStreamId(h));
            let back = StreamArg::parse(arg.to_python(), Device::Cuda(0)).unwrap();
            assert_eq!(back, arg);
            assert_eq!(back.cuda_handle(), Some(h.max(1)));
        }
    }
}
