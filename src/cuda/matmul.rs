//! Batched matrix products on a CUDA device (placeholder until the GEMM kernel lands).

use super::context::CudaBuffer;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;

/// One view taking part: its buffer and its layout.
pub(crate) type View<'a> = (&'a CudaBuffer, &'a Layout);

/// `out[p] = a[p] @ b[p]` (see `Backend::matmul`).
pub(crate) fn matmul(dtype: DType, _a: View<'_>, _b: View<'_>, _out: View<'_>) -> Result<()> {
    Err(Error::UnsupportedDType { op: "matmul", dtype, hint: "; no CUDA matmul kernel yet".into() })
}
