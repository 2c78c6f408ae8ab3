//! The one error type of devarray.
//!
//! Every fallible public function returns [`Result<T>`](crate::Result). Variants are structured:
//! they carry the operation name and the values that were wrong, so callers (and the Python
//! bindings, which map each variant to its own exception class) can act on them.

use crate::device::Device;
use crate::dtype::DType;

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
#[derive(thiserror::Error)]
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
    /// More axes than an array may have ([`MAX_NDIM`](crate::MAX_NDIM), NumPy's limit).
    #[error("{op}: {ndim} dimensions requested, but at most {max} are supported; use fewer axes")]
    TooManyDims {
        /// The operation.
        op: &'static str,
        /// The number of axes asked for.
        ndim: usize,
        /// The limit, [`MAX_NDIM`](crate::MAX_NDIM).
        max: usize,
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

    // ----- linear algebra (Python: numpy.linalg.LinAlgError, a ValueError) ----------------
    /// A matrix operation that needs square matrices got a stack of non-square ones.
    #[error("{op}: the last two dimensions must be square, but the input has shape {shape:?}; pass a square matrix (or a stack of them), or use pinv or svd for rectangular ones")]
    NotSquare {
        /// The operation.
        op: &'static str,
        /// The input's shape.
        shape: Vec<usize>,
    },
    /// `inv` or `solve` met a matrix with no inverse (an exactly-zero pivot in its LU
    /// factorization, or a factorization that overflowed).
    #[error("{op}: matrix {index} of the batch is singular (its LU factorization has a zero pivot, or overflowed on finite input); the system has no unique solution: check the input, or use pinv for a least-squares answer")]
    SingularMatrix {
        /// The operation.
        op: &'static str,
        /// The batch position (C order over the batch axes; 0 for a single matrix).
        index: usize,
    },
    /// `cholesky` met a matrix that is not (numerically) symmetric positive definite.
    #[error("{op}: matrix {index} of the batch is not positive definite (a non-positive or NaN pivot at step {pivot}); Cholesky needs a symmetric positive-definite matrix: use eigh, or add a multiple of the identity")]
    NotPositiveDefinite {
        /// The operation.
        op: &'static str,
        /// The batch position (C order over the batch axes; 0 for a single matrix).
        index: usize,
        /// The failing pivot's row.
        pivot: usize,
    },
    /// An iterative decomposition (SVD, symmetric eigensolver) did not converge.
    #[error("{op}: matrix {index} of the batch did not converge{}", no_convergence_cause(*finite))]
    NoConvergence {
        /// The operation.
        op: &'static str,
        /// The batch position (C order over the batch axes; 0 for a single matrix).
        index: usize,
        /// Whether that matrix was finite: `Some(false)` when it holds NaN or infinity (the
        /// usual cause), `Some(true)` when it did not converge although finite, `None` where
        /// the input was not inspected (on a CUDA device, which would need a host read).
        finite: Option<bool>,
    },
    /// An operation this device's backend does not provide yet.
    #[error("{op}: not yet available for arrays on {device}{hint}")]
    UnsupportedOnDevice {
        /// The operation.
        op: &'static str,
        /// The device the input lives on.
        device: Device,
        /// Why and what to do, starting with "; ".
        hint: String,
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
    /// A vendor library an operation needs (cuBLAS for float matmul on CUDA) cannot be loaded.
    #[error("{library} is not available: {reason}")]
    LibraryUnavailable {
        /// The library (`"cuBLAS"`).
        library: &'static str,
        /// Why, what was searched for, and what to install.
        reason: String,
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

    // ----- DLPack exchange (Python: BufferError, except DLPackStream: ValueError) ---------
    /// A versioned DLPack tensor has a major version devarray does not understand. Its deleter
    /// has been called (the DLPack rule for consumers).
    #[error("from_dlpack: DLPack ABI version {major}.{minor} is not supported (devarray reads major version 1); the tensor was released through its deleter; ask the producer for a 1.x tensor (Python: __dlpack__(max_version=(1, 0)))")]
    DLPackVersion {
        /// The producer's major version.
        major: u32,
        /// The producer's minor version.
        minor: u32,
    },
    /// A DLPack element type devarray cannot represent (unknown code, wrong bit width for the
    /// code, vector lanes).
    #[error("{op}: DLPack dtype (code {code} = {code_name}, bits {bits}, lanes {lanes}) {reason}")]
    DLPackDType {
        /// `"from_dlpack"` or `"to_dlpack"`.
        op: &'static str,
        /// The `DLDataType.code` as sent.
        code: u8,
        /// The header's name for the code, or `"unknown"`.
        code_name: &'static str,
        /// The `DLDataType.bits` as sent.
        bits: u8,
        /// The `DLDataType.lanes` as sent.
        lanes: u16,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A DLPack device devarray cannot address, or a `dl_device` export target it cannot
    /// produce.
    #[error("{op}: DLPack device ({device_name} = {device_type}, id {device_id}) {reason}")]
    DLPackDevice {
        /// `"from_dlpack"` or `"to_dlpack"`.
        op: &'static str,
        /// The `DLDevice.device_type` as given.
        device_type: i32,
        /// The header's name for the type, or `"unknown"`.
        device_name: &'static str,
        /// The `DLDevice.device_id` as given.
        device_id: i32,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A DLPack tensor whose metadata is invalid (NULL pointers, negative extents, a span that
    /// leaves the address space, misaligned data...). On import its deleter has been called.
    #[error("{op}: malformed DLPack tensor: {msg}")]
    DLPackMalformed {
        /// `"from_dlpack"` or `"DLPackTensor::from_raw"`.
        op: &'static str,
        /// What is wrong and what the producer must fix.
        msg: String,
    },
    /// An export that cannot be done as requested (a copy is needed but `copy=false`, or a
    /// read-only array asked for as a legacy tensor, which cannot carry the read-only flag).
    #[error("to_dlpack: {msg}")]
    DLPackExport {
        /// What is wrong and what to do.
        msg: String,
    },
    /// A DLPack `stream` argument that is invalid for the device (Python: `ValueError`).
    #[error("{op}: stream={stream} is not valid for a {device} array: {msg}", stream = .stream.map_or("None".to_string(), |s| s.to_string()))]
    DLPackStream {
        /// The operation that received it.
        op: &'static str,
        /// The integer as given (`None` for Python's `stream=None`).
        stream: Option<i64>,
        /// The device whose rules apply.
        device: Device,
        /// Which values are valid.
        msg: String,
    },
    /// Imported DLPack memory that is not what the tensor's device says (checked with the
    /// driver before any use): host memory, memory of another GPU or context, or an address the
    /// driver does not know. The tensor's deleter has been called.
    #[error("from_dlpack: the tensor says its data is on {device}, but address {address:#x} is {found}; the producer must report the device the data is on (DLPack device_type and device_id)")]
    DLPackMemory {
        /// The device the tensor claimed.
        device: Device,
        /// The first address found wrong (the view's lowest or highest byte).
        address: u64,
        /// What the memory really is.
        found: String,
    },
    /// An index key that does not fit the array (NumPy's `IndexError`s other than an index out
    /// of bounds): too many indices, more than one `...`, a boolean mask whose shape differs from
    /// the axes it covers, index arrays that do not broadcast together, an index array of a
    /// non-integer dtype, or an integer index beyond the `isize` range.
    #[error("{op}: {msg}")]
    InvalidIndex {
        /// The operation.
        op: &'static str,
        /// What was wrong.
        msg: String,
    },
}

/// [`Error::NoConvergence`]'s explanation: only claims non-finite input when it was seen.
fn no_convergence_cause(finite: Option<bool>) -> &'static str {
    match finite {
        Some(false) => " because it holds NaN or infinite values; remove or replace the non-finite values",
        Some(true) => {
            " although it is finite (the iterative algorithm failed: please report this with the matrix); \
             rescaling the input may help"
        }
        None => " (the device does not check the input: NaN or infinite values are the usual cause); check the input for non-finite values",
    }
}

impl Error {
    /// A [`Error::InvalidArgument`].
    pub(crate) fn invalid(op: &'static str, msg: impl Into<String>) -> Self {
        Error::InvalidArgument { op, msg: msg.into() }
    }
}

impl Error {
    /// The variant's name (`"ShapeMismatch"`), as `Debug` shows it in brackets.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[2, 3], DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.reshape(&[4, 2]).unwrap_err().kind(), "ShapeMismatch");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::ShapeMismatch { .. } => "ShapeMismatch",
            Error::AxisOutOfRange { .. } => "AxisOutOfRange",
            Error::RepeatedAxis { .. } => "RepeatedAxis",
            Error::IndexOutOfBounds { .. } => "IndexOutOfBounds",
            Error::SizeOverflow { .. } => "SizeOverflow",
            Error::TooManyDims { .. } => "TooManyDims",
            Error::InvalidArgument { .. } => "InvalidArgument",
            Error::EmptyReduction { .. } => "EmptyReduction",
            Error::NotSquare { .. } => "NotSquare",
            Error::SingularMatrix { .. } => "SingularMatrix",
            Error::NotPositiveDefinite { .. } => "NotPositiveDefinite",
            Error::NoConvergence { .. } => "NoConvergence",
            Error::UnsupportedOnDevice { .. } => "UnsupportedOnDevice",
            Error::DTypeMismatch { .. } => "DTypeMismatch",
            Error::UnsupportedDType { .. } => "UnsupportedDType",
            Error::DeviceMismatch { .. } => "DeviceMismatch",
            Error::CudaUnavailable { .. } => "CudaUnavailable",
            Error::BadDeviceName { .. } => "BadDeviceName",
            Error::OutOfMemory { .. } => "OutOfMemory",
            Error::Driver { .. } => "Driver",
            Error::LibraryUnavailable { .. } => "LibraryUnavailable",
            Error::Kernel { .. } => "Kernel",
            Error::ReadOnly { .. } => "ReadOnly",
            Error::HostLength { .. } => "HostLength",
            Error::DLPackVersion { .. } => "DLPackVersion",
            Error::DLPackDType { .. } => "DLPackDType",
            Error::DLPackDevice { .. } => "DLPackDevice",
            Error::DLPackMalformed { .. } => "DLPackMalformed",
            Error::DLPackExport { .. } => "DLPackExport",
            Error::DLPackStream { .. } => "DLPackStream",
            Error::DLPackMemory { .. } => "DLPackMemory",
            Error::InvalidIndex { .. } => "InvalidIndex",
        }
    }
}

/// The `Display` text after the variant's name in brackets:
/// `[ShapeMismatch] add: shape [2, 3] is incompatible with shape [4]...`. This is what a
/// `main` that returns `Result<(), devarray::Error>` prints for an error, so it reads as a
/// message rather than a struct dump (match on the variant to get at the fields).
///
/// ```
/// use devarray::{Array, DType, Device};
/// let a = Array::zeros(&[2, 3], DType::F32, &Device::Cpu)?;
/// let e = a.reshape(&[4, 2]).unwrap_err();
/// assert_eq!(format!("{e:?}"), format!("[ShapeMismatch] {e}"));
/// # Ok::<(), devarray::Error>(())
/// ```
impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.kind(), self)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Array, DType, Device, Error};

    #[test]
    fn debug_reads_as_the_message_with_the_variant_in_brackets() {
        let a = Array::zeros(&[2, 3], DType::F32, &Device::Cpu).unwrap();
        let b = Array::zeros(&[4], DType::F32, &Device::Cpu).unwrap();
        let e = a.add(&b).unwrap_err();
        let text = format!("{e:?}");
        assert!(text.starts_with("[ShapeMismatch] add: "), "{text}");
        assert!(text.contains("[2, 3]") && text.contains("[4]"), "{text}");
        assert!(!text.contains("op:") && !text.contains('{'), "not a struct dump: {text}");
        assert_eq!(text, format!("[ShapeMismatch] {e}"));
        // `{:#?}` too: what `fn main() -> Result<(), Error>` prints after "Error: ".
        assert_eq!(format!("{e:#?}"), text);
        let e = a.sum(Some(&[5]), false).unwrap_err();
        assert_eq!(format!("{e:?}"), format!("[AxisOutOfRange] {e}"));
        let e = Error::invalid("reshape", "only one -1");
        assert_eq!(format!("{e:?}"), "[InvalidArgument] reshape: only one -1");
    }
}
