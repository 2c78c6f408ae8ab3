//! The one error type of devarray.
//!
//! Every fallible public function returns [`Result<T>`](crate::Result). Variants are structured:
//! they carry the operation name and the values that were wrong, so callers (and the Python
//! bindings, which map each variant to its own exception class) can act on them.

use crate::dtype::DType;
use crate::device::Device;

/// Result alias used throughout devarray.
///
/// ```
/// fn make() -> devarray::Result<devarray::Array> {
///     devarray::Array::zeros(&[2, 3], devarray::DType::F32, &devarray::Device::Cpu)
/// }
/// assert!(make().is_ok());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, with enough detail to fix it.
///
/// The enum is `#[non_exhaustive]`: new variants may be added in minor releases, so match with a
/// wildcard arm.
///
/// ```
/// use devarray::{Array, DType, Device, Error};
/// let a = Array::zeros(&[2, 3], DType::F32, &Device::Cpu).unwrap();
/// match a.reshape(&[4, 2]) {
///     Err(Error::ShapeMismatch { op, .. }) => assert_eq!(op, "reshape"),
///     other => panic!("expected a shape error, got {other:?}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ----- shapes and indices -------------------------------------------------------------
    /// Two shapes that had to agree did not.
    #[error("{op}: shape {lhs:?} is incompatible with shape {rhs:?}{hint}")]
    ShapeMismatch {
        /// The operation that checked the shapes.
        op: &'static str,
        /// The first shape (usually the array's).
        lhs: Vec<usize>,
        /// The second shape (usually the requested one).
        rhs: Vec<usize>,
        /// Extra advice, starting with "; " when present.
        hint: String,
    },
    /// An axis number outside `-ndim..ndim`.
    #[error("{op}: axis {axis} is out of range for an array of {ndim} dimensions (valid: {lo}..{ndim})", lo = -(*ndim as i64))]
    AxisOutOfRange {
        /// The operation.
        op: &'static str,
        /// The axis as given.
        axis: isize,
        /// The array's number of dimensions.
        ndim: usize,
    },
    /// The same axis was named twice.
    #[error("{op}: axis {axis} is repeated")]
    RepeatedAxis {
        /// The operation.
        op: &'static str,
        /// The repeated axis (normalised).
        axis: usize,
    },
    /// An index outside an axis' extent.
    #[error("{op}: index {index} is out of bounds for axis {axis} with size {size}")]
    IndexOutOfBounds {
        /// The operation.
        op: &'static str,
        /// The index as given.
        index: isize,
        /// The axis it applies to.
        axis: usize,
        /// The axis' extent.
        size: usize,
    },
    /// A size or byte count that does not fit in `isize`/`usize`.
    #[error("{op}: the size of shape {shape:?} with {itemsize}-byte elements overflows; use a smaller shape")]
    SizeOverflow {
        /// The operation.
        op: &'static str,
        /// The shape that overflowed.
        shape: Vec<usize>,
        /// The element size in bytes.
        itemsize: usize,
    },
    /// A value that is invalid for reasons other than shape (a zero slice step, a NaN bound...).
    #[error("{op}: {msg}")]
    InvalidArgument {
        /// The operation.
        op: &'static str,
        /// What was wrong and what to do.
        msg: String,
    },
    /// The operation is not possible for an empty array (for example `max` of no elements).
    #[error("{op}: zero-size array has no {what}; pass a non-empty array")]
    EmptyReduction {
        /// The operation.
        op: &'static str,
        /// What could not be computed.
        what: &'static str,
    },

    // ----- dtypes ------------------------------------------------------------------------
    /// The array's dtype is not the one a typed call asked for.
    #[error("{op}: array has dtype {actual}, but {expected} was requested; use astype() to convert explicitly")]
    DTypeMismatch {
        /// The operation.
        op: &'static str,
        /// The dtype the caller asked for.
        expected: DType,
        /// The array's dtype.
        actual: DType,
    },
    /// The operation is not defined for this dtype (bitwise ops on floats, for example).
    #[error("{op}: not supported for dtype {dtype}{hint}")]
    UnsupportedDType {
        /// The operation.
        op: &'static str,
        /// The dtype it was asked for.
        dtype: DType,
        /// Extra advice, starting with "; " when present.
        hint: String,
    },

    // ----- devices -----------------------------------------------------------------------
    /// Arrays on different devices were combined.
    #[error("{op}: arrays are on different devices ({lhs} and {rhs}); move one with to_device() first")]
    DeviceMismatch {
        /// The operation.
        op: &'static str,
        /// The first array's device.
        lhs: Device,
        /// The second array's device.
        rhs: Device,
    },
    /// No usable CUDA driver, or no such device.
    #[error("CUDA is not available: {reason}")]
    CudaUnavailable {
        /// Why (driver library missing, no device with that ordinal, ...).
        reason: String,
    },
    /// A device name (for example from `DEVARRAY_DEVICE`) could not be understood or used.
    #[error("unusable device {value:?}: {reason}; available devices: {available}")]
    BadDeviceName {
        /// The text as given.
        value: String,
        /// What was wrong with it.
        reason: String,
        /// The devices that exist on this machine.
        available: String,
    },
    /// A device allocation failed.
    #[error("out of memory on {device}: could not allocate {bytes} bytes")]
    OutOfMemory {
        /// Where the allocation was attempted.
        device: Device,
        /// How much was requested.
        bytes: usize,
    },
    /// A CUDA driver call failed.
    #[error("CUDA driver error in {call}: {message}")]
    Driver {
        /// The driver function or step.
        call: &'static str,
        /// The driver's own description of the error.
        message: String,
    },
    /// A kernel failed to compile or to load.
    #[error("kernel module {module}: {stage} failed: {log}")]
    Kernel {
        /// The module (kernel family and dtype).
        module: String,
        /// "compile", "load" or "lookup".
        stage: &'static str,
        /// NVRTC's log or the driver's message.
        log: String,
    },

    // ----- memory access -----------------------------------------------------------------
    /// A write was attempted through a read-only array (for example one imported read-only).
    #[error("{op}: the array is read-only (imported from a read-only producer or a broadcast view); make a writable copy with copy()")]
    ReadOnly {
        /// The operation.
        op: &'static str,
    },
    /// A host buffer handed to a copy had the wrong length.
    #[error("{op}: host buffer has {actual} elements but the array has {expected}")]
    HostLength {
        /// The operation.
        op: &'static str,
        /// Number of elements the array holds.
        expected: usize,
        /// Length of the host slice.
        actual: usize,
    },
}

impl Error {
    /// A [`Error::InvalidArgument`].
    pub(crate) fn invalid(op: &'static str, msg: impl Into<String>) -> Self {
        Error::InvalidArgument { op, msg: msg.into() }
    }
}
